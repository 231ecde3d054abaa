#include "apps/common/results.h"

#include <cstdio>

#include "apps/common/progress.h"
#include "engine/io/text_file.h"

namespace nova::apps {

void write_results(const std::string& out_dir, const metrics::ResultsTable& table,
                   const PaperFigures& paper,
                   const std::vector<std::pair<std::string, std::string>>& flags,
                   const std::string& device, double seconds) {
  std::string md = table.markdown();
  if (!paper.source.empty()) {
    md += "\nPaper (" + paper.source + "):";
    char buf[64];
    if (paper.mean >= 0) {
      std::snprintf(buf, sizeof buf, " mean %.4f", paper.mean);
      md += buf;
    }
    for (const auto& [cls, auc] : paper.per_class) {
      std::snprintf(buf, sizeof buf, " class %lld %.3f", static_cast<long long>(cls), auc);
      md += buf;
    }
    md += "\n";
  }
  md += "\nDevice: " + device + ", training and scoring time " + format_duration(seconds) + ".\n";
  md += "\nSettings:";
  for (const auto& [name, value] : flags) md += " --" + name + "=" + value;
  md += "\n";
  std::printf("\n%s", md.c_str());
  io::write_text_file(out_dir + "/results.md", md);
  table.write_csv(out_dir + "/results.csv");
  table.write_json(out_dir + "/results.json");
  std::printf("\nresults written to %s/results.{md,csv,json}\n", out_dir.c_str());
}

Metadata with_run_metadata(Metadata meta, int64_t epoch, double val_mse) {
  meta["epoch"] = std::to_string(epoch);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", val_mse);
  meta["val_mse"] = buf;
  return meta;
}

}  // namespace nova::apps
