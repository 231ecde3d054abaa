// The published figures Nova's results are printed beside (mean AUC, and per
// class where the paper gives it), from ../shared/docs/targets.md's sources.
#pragma once

#include <map>
#include <string>

namespace nova::apps {

struct PaperFigures {
  std::string source;  // e.g. "OCGAN paper, Table 1 (protocol 1)"; empty if none
  double mean = -1.0;  // < 0 when the paper gives no mean for this setting
  std::map<int64_t, double> per_class;
};

// model: "ocgan", "rd" or "oclr"; dataset: a registry name. The embedded MNIST
// subset is compared with the paper's full-MNIST figure.
PaperFigures paper_figures(const std::string& model, const std::string& dataset, int protocol);

}  // namespace nova::apps
