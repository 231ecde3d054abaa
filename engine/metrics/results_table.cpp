#include "engine/metrics/results_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "engine/io/json.h"
#include "engine/io/text_file.h"

namespace nova::metrics {

using io::json_number;
using io::JsonWriter;
using io::write_text_file;
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> finite(const std::vector<double>& values) {
  std::vector<double> out;
  for (double v : values) {
    if (std::isfinite(v)) out.push_back(v);
  }
  return out;
}

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string csv_number(double v) { return std::isfinite(v) ? json_number(v) : ""; }

std::string md_cell(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

}  // namespace

double mean_of(const std::vector<double>& values) {
  const std::vector<double> v = finite(values);
  if (v.empty()) return kNaN;
  double sum = 0.0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

double sample_std_of(const std::vector<double>& values) {
  const std::vector<double> v = finite(values);
  if (v.size() < 2) return kNaN;
  const double m = mean_of(v);
  double ss = 0.0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

ResultsTable::ResultsTable(std::string metric, std::string title)
    : metric_(std::move(metric)), title_(std::move(title)) {}

void ResultsTable::add(const std::string& class_name, uint64_t seed, double value) {
  if (std::find(seeds_.begin(), seeds_.end(), seed) == seeds_.end()) {
    seeds_.insert(std::upper_bound(seeds_.begin(), seeds_.end(), seed), seed);
  }
  auto it = std::find_if(classes_.begin(), classes_.end(),
                         [&](const Entry& e) { return e.name == class_name; });
  if (it == classes_.end()) {
    classes_.push_back({class_name, {}});
    it = classes_.end() - 1;
  }
  for (auto& sv : it->values) {
    if (sv.first == seed) {
      sv.second = value;
      return;
    }
  }
  it->values.emplace_back(seed, value);
}

std::vector<ResultsTable::Row> ResultsTable::rows() const {
  std::vector<Row> out;
  for (const Entry& e : classes_) {
    Row r;
    r.name = e.name;
    r.values.assign(seeds_.size(), kNaN);
    for (const auto& [seed, value] : e.values) {
      const auto k = std::lower_bound(seeds_.begin(), seeds_.end(), seed) - seeds_.begin();
      r.values[static_cast<size_t>(k)] = value;
    }
    r.mean = mean_of(r.values);
    r.std = sample_std_of(r.values);
    out.push_back(std::move(r));
  }
  return out;
}

ResultsTable::Row ResultsTable::overall() const {
  const std::vector<Row> rs = rows();
  Row o;
  o.name = "mean";
  for (size_t k = 0; k < seeds_.size(); ++k) {
    std::vector<double> column;
    for (const Row& r : rs) column.push_back(r.values[k]);
    o.values.push_back(mean_of(column));
  }
  std::vector<double> means;
  for (const Row& r : rs) means.push_back(r.mean);
  o.mean = mean_of(means);
  o.std = sample_std_of(o.values);
  return o;
}

std::string ResultsTable::markdown(int digits) const {
  std::string out;
  if (!title_.empty()) out += "### " + md_cell(title_) + "\n\n";
  out += "| class |";
  std::string rule = "|---|";
  for (uint64_t s : seeds_) {
    out += " seed " + std::to_string(s) + " |";
    rule += "---|";
  }
  out += " mean | std |\n" + rule + "---|---|\n";
  auto line = [&](const Row& r, bool bold) {
    const std::string b = bold ? "**" : "";
    out += "| " + b + md_cell(r.name) + b + " |";
    for (double v : r.values) out += " " + fixed(v, digits) + " |";
    out += " " + b + fixed(r.mean, digits) + b + " | " + fixed(r.std, digits) + " |\n";
  };
  for (const Row& r : rows()) line(r, false);
  if (!classes_.empty()) line(overall(), true);
  return out;
}

std::string ResultsTable::csv() const {
  std::string out = "class";
  for (uint64_t s : seeds_) out += "," + csv_field(metric_ + "_seed_" + std::to_string(s));
  out += ",mean,std\n";
  auto line = [&](const Row& r) {
    out += csv_field(r.name);
    for (double v : r.values) out += "," + csv_number(v);
    out += "," + csv_number(r.mean) + "," + csv_number(r.std) + "\n";
  };
  for (const Row& r : rows()) line(r);
  if (!classes_.empty()) line(overall());
  return out;
}

std::string ResultsTable::json() const {
  JsonWriter w;
  w.begin_object();
  w.key("metric").value(metric_);
  w.key("title").value(title_);
  w.key("seeds").array(seeds_);
  w.key("classes").begin_array();
  auto row = [&](const Row& r) {
    w.begin_object();
    w.key("class").value(r.name);
    w.key("values").array(r.values);
    w.key("mean").value(r.mean);
    w.key("std").value(r.std);
    w.end_object();
  };
  for (const Row& r : rows()) row(r);
  w.end_array();
  if (!classes_.empty()) {
    w.key("overall");
    row(overall());
  }
  w.end_object();
  return w.str();
}

void ResultsTable::write_csv(const std::string& path) const { write_text_file(path, csv()); }
void ResultsTable::write_json(const std::string& path) const { write_text_file(path, json()); }

}  // namespace nova::metrics
