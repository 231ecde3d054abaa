#include "engine/io/csv.h"

#include "engine/io/text_file.h"

namespace nova::io {

std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

namespace {
void append_row(std::string& out, const std::vector<std::string>& row) {
  for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + csv_field(row[i]);
  out += "\n";
}
}  // namespace

void write_csv(const std::string& path, const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  append_row(out, header);
  for (const auto& row : rows) append_row(out, row);
  write_text_file(path, out);
}

}  // namespace nova::io
