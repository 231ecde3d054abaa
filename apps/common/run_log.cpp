#include "apps/common/run_log.h"

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

void RunLog::epoch(int64_t epoch, double val_mse, bool selected) {
  io::JsonWriter w(true);
  w.begin_object().key("event").value("epoch").key("epoch").value(epoch + 1);
  w.key("val_mse").value(val_mse).key("selected").value(selected).end_object();
  log_->write(w.str());
}

void RunLog::result(double auc, double eer, double best_val_mse) {
  io::JsonWriter w(true);
  w.begin_object().key("event").value("result").key("auc").value(auc).key("eer").value(eer);
  w.key("best_val_mse").value(best_val_mse).end_object();
  log_->write(w.str());
}

}  // namespace nova::apps
