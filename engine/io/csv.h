// CSV files (RFC 4180 quoting), written atomically.
#pragma once

#include <string>
#include <vector>

namespace nova::io {

// A field quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& field);

void write_csv(const std::string& path, const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows);

}  // namespace nova::io
