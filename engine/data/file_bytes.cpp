#include "engine/data/file_bytes.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace nova::data {

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw std::runtime_error("cannot open '" + path + "': " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    throw std::runtime_error("cannot read '" + path + "': it is a directory, expected a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path + "' for reading");
  std::vector<uint8_t> bytes;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    bytes.insert(bytes.end(), buf, buf + in.gcount());
  }
  if (in.bad()) throw std::runtime_error("error while reading '" + path + "'");
  return bytes;
}

bool is_gzip(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& bytes, const std::string& path) {
  z_stream zs{};
  // 16 + MAX_WBITS: gzip wrapper only (no raw zlib streams).
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    throw std::runtime_error("gzip '" + path + "': cannot initialise zlib");
  }
  std::vector<uint8_t> out;
  std::vector<uint8_t> chunk(1 << 18);
  zs.next_in = const_cast<Bytef*>(bytes.data());
  size_t remaining = bytes.size();
  bool stream_end = false;
  auto fail = [&](const std::string& msg) {
    inflateEnd(&zs);
    throw std::runtime_error("gzip '" + path + "': " + msg);
  };
  while (true) {
    // avail_in is 32-bit: feed at most 1 GiB at a time.
    if (zs.avail_in == 0 && remaining > 0) {
      const size_t take = remaining < (1u << 30) ? remaining : (1u << 30);
      zs.avail_in = static_cast<uInt>(take);
      remaining -= take;
    }
    zs.next_out = chunk.data();
    zs.avail_out = static_cast<uInt>(chunk.size());
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.insert(out.end(), chunk.data(), chunk.data() + (chunk.size() - zs.avail_out));
    if (rc == Z_STREAM_END) {
      stream_end = true;
      if (zs.avail_in == 0 && remaining == 0) break;
      // Another gzip member follows (as `cat a.gz b.gz` makes).
      if (inflateReset(&zs) != Z_OK) fail("cannot restart zlib for the next gzip member");
      stream_end = false;
      continue;
    }
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
      fail(std::string("corrupt gzip data (") + (zs.msg ? zs.msg : "invalid stream") + ")");
    }
    if (rc == Z_MEM_ERROR) fail("out of memory while decompressing");
    if (rc == Z_BUF_ERROR ||
        (rc == Z_OK && zs.avail_in == 0 && remaining == 0 && zs.avail_out != 0)) {
      // No progress possible: the input ended inside the stream.
      fail("truncated gzip stream: the file ends before the end of the compressed data (" +
           std::to_string(bytes.size()) + " compressed bytes read)");
    }
  }
  inflateEnd(&zs);
  if (!stream_end) fail("truncated gzip stream");
  return out;
}

std::vector<uint8_t> read_maybe_gzip(const std::string& path) {
  std::vector<uint8_t> bytes = read_file_bytes(path);
  if (is_gzip(bytes)) return gunzip(bytes, path);
  return bytes;
}

}  // namespace nova::data
