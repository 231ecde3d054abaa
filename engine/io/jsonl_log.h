// An append-only JSON-lines log: each record is one line, flushed at once.
#pragma once

#include <cstdio>
#include <string>

namespace nova::io {

class JsonlLog {
 public:
  // append = false truncates an existing file.
  JsonlLog(const std::string& path, bool append);
  ~JsonlLog();
  JsonlLog(const JsonlLog&) = delete;
  JsonlLog& operator=(const JsonlLog&) = delete;
  // `json_object` must be one complete JSON object without line breaks.
  void write(const std::string& json_object);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace nova::io
