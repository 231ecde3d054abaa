#include "models/config_metadata.h"

#include <cstdio>
#include <stdexcept>

#include "engine/error.h"

namespace nova::models {
namespace {

std::string join(const std::vector<int64_t>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out;
}

int64_t whole_int(const std::string& text) {
  size_t used = 0;
  const int64_t value = std::stoll(text, &used);
  if (used != text.size()) throw std::invalid_argument(text);
  return value;
}

std::vector<int64_t> split_ints(const std::string& text) {
  std::vector<int64_t> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(whole_int(text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

// parse(text of key), rethrowing a parse failure as a message naming the key.
template <typename Parse>
auto parsed(const char* key, const std::string& text, Parse parse) -> decltype(parse(text)) {
  try {
    return parse(text);
  } catch (const std::exception&) {
    throw Error(concat("checkpoint metadata '", key, "' = '", text, "' is malformed"));
  }
}

}  // namespace

void MetadataWriter::operator()(const char* key, const std::string& v) const { out[key] = v; }
void MetadataWriter::operator()(const char* key, int64_t v) const { out[key] = std::to_string(v); }
void MetadataWriter::operator()(const char* key, bool v) const { out[key] = v ? "true" : "false"; }
void MetadataWriter::operator()(const char* key, double v) const {
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", v);
  out[key] = text;
}
void MetadataWriter::operator()(const char* key, const std::vector<int64_t>& v) const {
  out[key] = join(v);
}

const std::string& MetadataReader::text(const char* key) const {
  const auto it = in.find(key);
  NOVA_CHECK(it != in.end(), "checkpoint metadata lacks '", key, "': not ",
             model == "OCGAN" || model == "OCLR" ? "an " : "a ", model,
             " checkpoint, or one written by an older Nova without this setting?");
  return it->second;
}

void MetadataReader::operator()(const char* key, std::string& v) const { v = text(key); }
void MetadataReader::operator()(const char* key, int64_t& v) const {
  v = parsed(key, text(key), whole_int);
}
void MetadataReader::operator()(const char* key, bool& v) const {
  v = parsed(key, text(key), [](const std::string& s) {
    if (s != "true" && s != "false") throw std::invalid_argument(s);
    return s == "true";
  });
}
void MetadataReader::operator()(const char* key, double& v) const {
  v = parsed(key, text(key), [](const std::string& s) {
    size_t used = 0;
    const double value = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument(s);
    return value;
  });
}
void MetadataReader::operator()(const char* key, std::vector<int64_t>& v) const {
  v = parsed(key, text(key), split_ints);
}

}  // namespace nova::models
