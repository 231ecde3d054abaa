#include "apps/common/run_log.h"

#include <cmath>

#include "engine/io/json.h"
#include "engine/io/jsonl_log.h"

namespace nova::apps {

RunLog::RunLog(const std::string& path, bool append)
    : log_(std::make_unique<io::JsonlLog>(path, append)) {}

RunLog::~RunLog() = default;

void RunLog::iteration(int64_t epoch, int64_t iteration,
                       const std::vector<std::pair<std::string, double>>& losses,
                       double images_per_second) {
  io::JsonWriter w(true);
  w.begin_object().key("event").value("iteration").key("epoch").value(epoch + 1);
  w.key("iteration").value(iteration);
  for (const auto& [name, value] : losses) w.key(name).value(value);
  w.key("images_per_second").value(images_per_second).end_object();
  log_->write(w.str());
}

void RunLog::epoch(int64_t epoch, const models::EpochSelection& selection, double val_auc) {
  io::JsonWriter w(true);
  w.begin_object().key("event").value("epoch").key("epoch").value(epoch + 1);
  w.key(selection.criterion_name).value(selection.criterion);
  if (!std::isnan(val_auc)) w.key("val_auc").value(val_auc);
  w.key("selected").value(selection.improved).key("stop").value(selection.stop).end_object();
  log_->write(w.str());
}

void RunLog::result(const std::vector<EvaluationSummary>& summaries, double val_auc) {
  io::JsonWriter w(true);
  w.begin_object().key("event").value("result");
  if (!std::isnan(val_auc)) w.key("val_auc").value(val_auc);
  for (const EvaluationSummary& s : summaries) {
    w.key("auc_" + s.score).value(s.auc).key("eer_" + s.score).value(s.eer);
  }
  w.end_object();
  log_->write(w.str());
}

}  // namespace nova::apps
