#include "benchmarks/kernels/report.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "engine/io/csv.h"
#include "engine/io/json.h"
#include "engine/io/text_file.h"

namespace nova::bench {
namespace {

using io::csv_field;
using io::json_quote;

const char* backend_name(Backend b) { return b == Backend::Cpu ? "cpu" : "cuda"; }

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// Enough significant digits for times from microseconds to seconds.
std::string milliseconds(double ms) {
  return fixed(ms, ms < 0.1 ? 4 : ms < 10 ? 3 : ms < 1000 ? 1 : 0);
}

std::string optional_percent(const std::optional<double>& fraction) {
  return fraction ? fixed(100.0 * *fraction, 1) + "%" : "";
}

std::string optional_ratio(const std::optional<double>& ratio) {
  return ratio ? fixed(*ratio, 2) + "x" : "";
}

// Nine significant digits: plenty for timings and rates, and shorter than
// io::json_number's exact round trip.
std::string short_number(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream os;
  os.precision(9);
  os << v;
  return os.str();
}

std::string json_optional(const std::optional<double>& v) { return v ? short_number(*v) : "null"; }

}  // namespace

const char* rate_unit(WorkUnit unit) { return unit == WorkUnit::Flop ? "GFLOP/s" : "GB/s"; }

void print_table(std::FILE* out, const Report& report) {
  const std::vector<std::string> titles = {"op",   "case", "implementation", "reps",     "ms",
                                           "rate", "unit", "of peak",        "vs vendor"};
  std::vector<std::vector<std::string>> cells;
  std::string previous_op, previous_case;
  for (const Row& r : report.rows) {
    // Op and case only where they change, so the groups stand out.
    const bool new_op = r.op != previous_op;
    const bool new_case = new_op || r.case_name != previous_case;
    cells.push_back({new_op ? r.op : "", new_case ? r.case_name : "", r.implementation,
                     std::to_string(r.timing.repetitions), milliseconds(r.timing.median_ms),
                     fixed(r.rate, r.rate < 10 ? 2 : 1), rate_unit(r.unit),
                     optional_percent(r.peak_fraction),
                     r.vendor_ratio ? optional_ratio(r.vendor_ratio) + " " + r.vendor_name : ""});
    previous_op = r.op;
    previous_case = r.case_name;
  }
  std::vector<size_t> width(titles.size());
  for (size_t i = 0; i < titles.size(); ++i) width[i] = titles[i].size();
  for (const auto& row : cells) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  // Text columns left-aligned, numbers right-aligned; no trailing blanks.
  const auto print_line = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      const bool text = i < 3 || i == 6 || i == 8;
      const std::string pad(width[i] - row[i].size(), ' ');
      line += (text ? row[i] + pad : pad + row[i]) + "  ";
    }
    line.erase(line.find_last_not_of(' ') + 1);
    std::fprintf(out, "%s\n", line.c_str());
  };
  print_line(titles);
  size_t total = 0;
  for (size_t w : width) total += w + 2;
  std::fprintf(out, "%s\n", std::string(total - 2, '-').c_str());
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0 && !cells[i][0].empty()) std::fputc('\n', out);
    print_line(cells[i]);
  }
}

void write_json(const std::string& path, const Report& report) {
  std::ostringstream os;
  os << "{\n  \"header\": {";
  for (size_t i = 0; i < report.header.size(); ++i) {
    os << (i ? "," : "") << "\n    " << json_quote(report.header[i].first) << ": "
       << json_quote(report.header[i].second);
  }
  os << "\n  },\n  \"rows\": [";
  for (size_t i = 0; i < report.rows.size(); ++i) {
    const Row& r = report.rows[i];
    os << (i ? "," : "") << "\n    {\"op\": " << json_quote(r.op)
       << ", \"case\": " << json_quote(r.case_name)
       << ", \"implementation\": " << json_quote(r.implementation)
       << ", \"backend\": " << json_quote(backend_name(r.backend))
       << ", \"median_ms\": " << short_number(r.timing.median_ms)
       << ", \"min_ms\": " << short_number(r.timing.min_ms)
       << ", \"repetitions\": " << r.timing.repetitions << ", \"work\": " << short_number(r.work)
       << ", \"work_unit\": " << json_quote(r.unit == WorkUnit::Flop ? "flop" : "byte")
       << ", \"rate\": " << short_number(r.rate)
       << ", \"rate_unit\": " << json_quote(rate_unit(r.unit))
       << ", \"peak_fraction\": " << json_optional(r.peak_fraction)
       << ", \"vendor_ratio\": " << json_optional(r.vendor_ratio)
       << ", \"vendor\": " << (r.vendor_ratio ? json_quote(r.vendor_name) : "null") << "}";
  }
  os << "\n  ],\n  \"notes\": [";
  for (size_t i = 0; i < report.notes.size(); ++i) {
    os << (i ? "," : "") << "\n    " << json_quote(report.notes[i]);
  }
  os << "\n  ]\n}\n";
  io::write_text_file(path, os.str());
}

// The header as "# key: value" comment lines above the column names
// (pandas: read_csv(path, comment="#")).
void write_csv(const std::string& path, const Report& report) {
  std::ostringstream os;
  for (const auto& [key, value] : report.header) os << "# " << key << ": " << value << "\n";
  for (const std::string& note : report.notes) os << "# note: " << note << "\n";
  os << "op,case,implementation,backend,median_ms,min_ms,repetitions,work,work_unit,rate,"
        "rate_unit,peak_fraction,vendor_ratio,vendor\n";
  for (const Row& r : report.rows) {
    os << csv_field(r.op) << ',' << csv_field(r.case_name) << ',' << csv_field(r.implementation)
       << ',' << backend_name(r.backend) << ',' << short_number(r.timing.median_ms) << ','
       << short_number(r.timing.min_ms) << ',' << r.timing.repetitions << ','
       << short_number(r.work) << ',' << (r.unit == WorkUnit::Flop ? "flop" : "byte") << ','
       << short_number(r.rate) << ',' << rate_unit(r.unit) << ','
       << (r.peak_fraction ? short_number(*r.peak_fraction) : "") << ','
       << (r.vendor_ratio ? short_number(*r.vendor_ratio) : "") << ','
       << (r.vendor_ratio ? csv_field(r.vendor_name) : "") << "\n";
  }
  io::write_text_file(path, os.str());
}

}  // namespace nova::bench
