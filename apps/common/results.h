// The results tables of a whole run (all classes and seeds; a table per
// score, the default score first) with the paper's figure beside the first,
// printed and written as results.md, results.csv and results.json (the
// default score) and results_<metric>.csv/.json for the others.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "apps/common/paper_figures.h"
#include "engine/checkpoint.h"
#include "engine/metrics/results_table.h"

namespace nova::apps {

void write_results(const std::string& out_dir, const std::vector<metrics::ResultsTable>& tables,
                   const PaperFigures& paper, const std::string& command, const std::string& device,
                   double seconds);

// `meta` plus the epoch and selection criterion of a selected model.
Metadata with_run_metadata(Metadata meta, int64_t epoch, const std::string& criterion_name,
                           double criterion);

}  // namespace nova::apps
