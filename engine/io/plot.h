// Charts as PNG: the ROC curve and score histograms of normal vs novel images.
#pragma once

#include <string>
#include <vector>

namespace nova::io {

// ROC curve (false-positive rate on x, true-positive rate on y) with the
// chance diagonal and a title such as "AUC 0.9712".
void write_roc_png(const std::string& path, const std::vector<double>& fpr,
                   const std::vector<double>& tpr, const std::string& title);

// Overlaid histograms of two score sets on shared bins (a in blue, b in
// orange, each normalised to its own count), with a legend and axis labels.
void write_histogram_png(const std::string& path, const std::vector<double>& a,
                         const std::string& label_a, const std::vector<double>& b,
                         const std::string& label_b, const std::string& title, int bins = 40);

}  // namespace nova::io
