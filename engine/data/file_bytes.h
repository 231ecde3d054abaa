// Whole-file reads, with transparent gzip decompression.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nova::data {

// The bytes of a file. Throws std::runtime_error naming the file when it is
// missing, a directory, or cannot be read.
std::vector<uint8_t> read_file_bytes(const std::string& path);

// True when the bytes start with the gzip magic 1f 8b.
bool is_gzip(const std::vector<uint8_t>& bytes);

// Decompresses gzip data (several concatenated members are joined). `path`
// only names the source in errors: truncated stream, corrupt data.
std::vector<uint8_t> gunzip(const std::vector<uint8_t>& bytes, const std::string& path);

// read_file_bytes, then gunzip when the file starts with the gzip magic
// (whatever its name).
std::vector<uint8_t> read_maybe_gzip(const std::string& path);

}  // namespace nova::data
