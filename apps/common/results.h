// The results table of a whole run (all classes and seeds) with the paper's
// figure beside it, printed and written as results.md, .csv and .json.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "apps/common/paper_figures.h"
#include "engine/checkpoint.h"
#include "engine/metrics/results_table.h"

namespace nova::apps {

void write_results(const std::string& out_dir, const metrics::ResultsTable& table,
                   const PaperFigures& paper,
                   const std::vector<std::pair<std::string, std::string>>& flags,
                   const std::string& device, double seconds);

// `meta` plus the epoch and validation error of a selected model.
Metadata with_run_metadata(Metadata meta, int64_t epoch, double val_mse);

}  // namespace nova::apps
