#include "apps/common/openmp_env.h"

#include <unistd.h>

#include <cstdlib>

namespace nova::apps {

void use_passive_openmp_threads(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0) return;
  execv("/proc/self/exe", argv);  // only returns on failure
}

}  // namespace nova::apps
