// A progress line for long training: epoch, iteration, the losses of every
// sub-network, images per second and time left. On a terminal it rewrites
// one line; in a log (a pipe or file) it prints a line every few seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nova::apps {

class Progress {
 public:
  Progress(std::string label, int64_t total_iterations, int64_t batch_size);
  // Whether a line is due after iteration `done` (1-based, over the whole
  // run): ask first, so losses are read from the device only when printed.
  bool due(int64_t done) const;
  void print(int64_t epoch, int64_t epochs, int64_t done,
             const std::vector<std::pair<std::string, double>>& losses);
  // Ends the line and prints a closing message.
  void finish(const std::string& message);
  double elapsed_seconds() const;
  double images_per_second() const;

 private:
  std::string label_;
  int64_t total_, batch_, done_ = 0;
  bool terminal_;
  std::chrono::steady_clock::time_point start_, last_print_;
};

std::string format_duration(double seconds);  // "1h02m", "3m05s", "12s"

}  // namespace nova::apps
