// The measured rows and how they are shown: an aligned table on screen, and
// the same rows with a header object as JSON or CSV.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/kernels/bench_case.h"
#include "benchmarks/kernels/implementation.h"
#include "benchmarks/kernels/timing.h"

namespace nova::bench {

struct Row {
  std::string op, case_name, implementation;
  Backend backend = Backend::Cpu;
  bool vendor = false;  // cudnn, cublas
  WorkUnit unit = WorkUnit::Flop;
  double work = 0.0;  // FLOPs or bytes of one call
  Timing timing;
  double rate = 0.0;                    // GFLOP/s or GB/s at the median time
  std::optional<double> peak_fraction;  // of the device's FP32 or DRAM peak
  std::optional<double> vendor_ratio;   // vendor time / this time: > 1 is faster
  std::string vendor_name;              // the reference of vendor_ratio
};

struct Report {
  // Run and machine facts, in order: device, versions, CPU, threads, date, ...
  std::vector<std::pair<std::string, std::string>> header;
  std::vector<Row> rows;
  std::vector<std::string> notes;  // what was skipped and why
};

// "GFLOP/s" or "GB/s".
const char* rate_unit(WorkUnit unit);

void print_table(std::FILE* out, const Report& report);

// Both write the file whole or not at all (io::write_text_file) and throw
// naming it when it cannot be written.
void write_json(const std::string& path, const Report& report);
void write_csv(const std::string& path, const Report& report);

}  // namespace nova::bench
