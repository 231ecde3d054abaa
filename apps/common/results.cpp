#include "apps/common/results.h"

#include <cstdio>

#include "apps/common/progress.h"
#include "engine/error.h"
#include "engine/io/text_file.h"

namespace nova::apps {

void write_results(const std::string& out_dir, const std::vector<metrics::ResultsTable>& tables,
                   const PaperFigures& paper, const std::string& command, const std::string& device,
                   double seconds) {
  NOVA_CHECK(!tables.empty(), "internal: no results table");
  std::string md = tables.front().markdown();
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
  for (size_t k = 1; k < tables.size(); ++k) md += "\n" + tables[k].markdown();
  md += "\nDevice: " + device + ", training and scoring time " + format_duration(seconds) + ".\n";
  md += "\nCommand: `" + command + "`\n";
  std::printf("\n%s", md.c_str());
  io::write_text_file(out_dir + "/results.md", md);
  tables.front().write_csv(out_dir + "/results.csv");
  tables.front().write_json(out_dir + "/results.json");
  for (size_t k = 1; k < tables.size(); ++k) {
    const std::string stem = out_dir + "/results_" + tables[k].metric();
    tables[k].write_csv(stem + ".csv");
    tables[k].write_json(stem + ".json");
  }
  std::printf("\nresults written to %s/results.{md,csv,json}\n", out_dir.c_str());
}

Metadata with_run_metadata(Metadata meta, int64_t epoch, const std::string& criterion_name,
                           double criterion) {
  meta["epoch"] = std::to_string(epoch);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", criterion);
  meta[criterion_name] = buf;
  return meta;
}

}  // namespace nova::apps
