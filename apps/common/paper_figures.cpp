#include "apps/common/paper_figures.h"

namespace nova::apps {

PaperFigures paper_figures(const std::string& model, const std::string& dataset, int protocol) {
  const bool mnist = dataset == "mnist" || dataset == "mnist-subset";
  PaperFigures p;
  if (model == "ocgan") {
    if (protocol == 1 && mnist) p = {"OCGAN paper, protocol 1 (full MNIST)", 0.977, {}};
    if (protocol == 1 && dataset == "fashion-mnist") p = {"OCGAN paper, protocol 1", 0.924, {}};
    if (protocol == 2 && mnist) {
      p = {"OCGAN paper, protocol 2",
           0.9750,
           {{0, .998},
            {1, .999},
            {2, .942},
            {3, .963},
            {4, .975},
            {5, .980},
            {6, .991},
            {7, .981},
            {8, .939},
            {9, .981}}};
    }
    if (protocol == 2 && dataset == "cifar10") p = {"OCGAN paper, protocol 2", 0.6566, {}};
  } else if (model == "rd") {
    // ALOCC DR, as reported in the OCGAN paper's protocol-1 table.
    if (protocol == 1 && mnist) p = {"OCGAN paper's table, ALOCC DR, protocol 1", 0.88, {}};
    if (protocol == 1 && dataset == "fashion-mnist") {
      p = {"OCGAN paper's table, ALOCC DR, protocol 1", 0.753, {}};
    }
  } else if (model == "oclr") {
    if (mnist) p = {"OCLR paper, Table 1 (full loss)", -1.0, {{3, 0.99}, {5, 0.99}}};
  }
  return p;
}

}  // namespace nova::apps
