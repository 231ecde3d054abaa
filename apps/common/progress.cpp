#include "apps/common/progress.h"

#include <unistd.h>

#include <cstdio>

namespace nova::apps {

namespace {
constexpr double kLogIntervalSeconds = 10.0;
constexpr double kTerminalIntervalSeconds = 0.5;
}  // namespace

std::string format_duration(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lds", s);
  }
  return buf;
}

Progress::Progress(std::string label, int64_t total_iterations, int64_t batch_size)
    : label_(std::move(label)),
      total_(total_iterations),
      batch_(batch_size),
      terminal_(isatty(fileno(stdout)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double Progress::images_per_second() const {
  const double t = elapsed_seconds();
  return t > 0 ? static_cast<double>(done_ * batch_) / t : 0.0;
}

bool Progress::due(int64_t done) const {
  if (done <= 1 || done >= total_) return true;
  const double since_print =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_print_).count();
  return since_print >= (terminal_ ? kTerminalIntervalSeconds : kLogIntervalSeconds);
}

void Progress::print(int64_t epoch, int64_t epochs, int64_t done,
                     const std::vector<std::pair<std::string, double>>& losses) {
  done_ = done;
  last_print_ = std::chrono::steady_clock::now();
  const double elapsed = elapsed_seconds();
  const double left = done > 0 ? elapsed / static_cast<double>(done) * (total_ - done) : 0.0;
  std::string line = label_ + " epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs) +
                     " iter " + std::to_string(done) + "/" + std::to_string(total_);
  char buf[64];
  for (const auto& [name, value] : losses) {
    std::snprintf(buf, sizeof buf, " %s %.4f", name.c_str(), value);
    line += buf;
  }
  std::snprintf(buf, sizeof buf, " | %.0f img/s | left %s", images_per_second(),
                format_duration(left).c_str());
  line += buf;
  if (terminal_) {
    std::printf("\r\033[K%s", line.c_str());
  } else {
    std::printf("%s\n", line.c_str());
  }
  std::fflush(stdout);
}

void Progress::finish(const std::string& message) {
  if (terminal_) std::printf("\n");
  std::printf("%s\n", message.c_str());
  std::fflush(stdout);
}

}  // namespace nova::apps
