// The JSONL log of a training run: one line per progress print, per epoch,
// and the final result, flushed as written so a crash loses nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "apps/common/evaluation.h"
#include "models/one_class_model.h"

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
  // The model's selection verdict, and the validation AUC (NaN when the
  // split has no validation negatives).
  void epoch(int64_t epoch, const models::EpochSelection& selection, double val_auc);
  // Test figures of every score, and the selected model's validation AUC
  // (NaN when there are no validation negatives).
  void result(const std::vector<EvaluationSummary>& summaries, double val_auc);

 private:
  std::unique_ptr<io::JsonlLog> log_;
};

}  // namespace nova::apps
