#include "engine/io/jsonl_log.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nova::io {

JsonlLog::JsonlLog(const std::string& path, bool append) : path_(path) {
  file_ = std::fopen(path.c_str(), append ? "a" : "w");
  if (!file_) throw std::runtime_error("cannot open log '" + path + "': " + std::strerror(errno));
}

JsonlLog::~JsonlLog() {
  if (file_) std::fclose(file_);
}

void JsonlLog::write(const std::string& json_object) {
  if (json_object.find('\n') != std::string::npos) {
    throw std::runtime_error("internal: a JSONL record spans lines in '" + path_ + "'");
  }
  if (std::fprintf(file_, "%s\n", json_object.c_str()) < 0 || std::fflush(file_) != 0) {
    throw std::runtime_error("cannot write log '" + path_ + "': " + std::strerror(errno));
  }
}

}  // namespace nova::io
