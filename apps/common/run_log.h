// The JSONL log of a training run: one line per progress print, per epoch,
// and the final result, flushed as written so a crash loses nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nova::io {
class JsonlLog;
}

namespace nova::apps {

class RunLog {
 public:
  // append: keep the lines of an earlier run (a resume).
  RunLog(const std::string& path, bool append);
  ~RunLog();
  void iteration(int64_t epoch, int64_t iteration,
                 const std::vector<std::pair<std::string, double>>& losses,
                 double images_per_second);
  void epoch(int64_t epoch, double val_mse, bool selected);
  void result(double auc, double eer, double best_val_mse);

 private:
  std::unique_ptr<io::JsonlLog> log_;
};

}  // namespace nova::apps
