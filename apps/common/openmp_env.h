// OpenMP threads spin after each parallel loop by default, which on a small
// machine takes the cores away from OpenBLAS's own threads (a training step
// ran 2-3x slower). libgomp reads OMP_WAIT_POLICY only when it loads, before
// main, so a program that finds it unset sets it and starts itself again.
#pragma once

namespace nova::apps {

// Call first thing in main. Returns only when OMP_WAIT_POLICY is set (or the
// restart failed, in which case the program simply runs with the default).
void use_passive_openmp_threads(char** argv);

}  // namespace nova::apps
