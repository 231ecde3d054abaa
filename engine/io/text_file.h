// Files written whole or not at all, and read whole.
#pragma once

#include <string>

namespace nova::io {

// Writes `text` (any bytes) to `path` atomically: a temporary file in the same
// folder, fsync, rename over `path`, fsync of the folder. A failure never
// leaves a half-written file or a stray temporary. Throws naming the file.
void write_text_file(const std::string& path, const std::string& text);

// The whole file; throws naming the file when it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace nova::io
