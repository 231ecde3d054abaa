// A table of results over classes and seeds (usually AUC): one row per class
// with one column per seed, the mean and the standard deviation over seeds;
// a last row with the overall figures. Printed as markdown, written as CSV
// and JSON.
//
// Figures:
//  - class mean: mean of that class's values over its seeds;
//  - class std: sample standard deviation (divisor n-1) over its seeds, NaN
//    with fewer than two seeds (printed "-", CSV empty, JSON null);
//  - overall, per seed: mean over the classes that have that seed;
//  - overall mean: mean of the class means;
//  - overall std: sample standard deviation of the per-seed overall means
//    (how much the whole result moves with the seed).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nova::metrics {

class ResultsTable {
 public:
  explicit ResultsTable(std::string metric = "auc", std::string title = "");

  // Records one value; a second value for the same (class, seed) replaces
  // the first. Classes keep the order in which they first appear.
  void add(const std::string& class_name, uint64_t seed, double value);

  struct Row {
    std::string name;
    std::vector<double> values;  // one per seeds(), NaN where missing
    double mean = 0.0;
    double std = 0.0;
  };

  const std::vector<uint64_t>& seeds() const { return seeds_; }  // ascending
  std::vector<Row> rows() const;
  Row overall() const;  // name "mean"
  bool empty() const { return classes_.empty(); }
  const std::string& metric() const { return metric_; }

  std::string markdown(int digits = 4) const;
  std::string csv() const;
  std::string json() const;
  // Whole or not at all (temporary file + rename).
  void write_csv(const std::string& path) const;
  void write_json(const std::string& path) const;

 private:
  struct Entry {
    std::string name;
    std::vector<std::pair<uint64_t, double>> values;
  };
  std::string metric_, title_;
  std::vector<uint64_t> seeds_;
  std::vector<Entry> classes_;
};

// Mean and sample standard deviation (n-1) of the finite values; NaN when
// there are none (mean) or fewer than two (std).
double mean_of(const std::vector<double>& values);
double sample_std_of(const std::vector<double>& values);

}  // namespace nova::metrics
