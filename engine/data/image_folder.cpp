#include "engine/data/image_folder.h"

#include <stb_image.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "engine/data/file_bytes.h"
#include "engine/data/idx_reader.h"
#include "engine/data/resize.h"

namespace nova::data {
namespace fs = std::filesystem;

namespace {

void require_dir(const std::string& dir, const std::string& what) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw std::runtime_error(what + " '" + dir + "' does not exist");
  if (!fs::is_directory(dir, ec)) {
    throw std::runtime_error(what + " '" + dir + "' is not a directory");
  }
}

std::string size_text(int64_t h, int64_t w) {
  return std::to_string(w) + "x" + std::to_string(h) + " (width x height)";
}

}  // namespace

bool is_image_file_name(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  auto ends_with = [&](const std::string& suffix) {
    return lower.size() > suffix.size() &&
           lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".png") || ends_with(".jpg") || ends_with(".jpeg");
}

std::vector<std::string> list_image_files(const std::string& dir) {
  require_dir(dir, "image folder");
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    if (is_image_file_name(entry.path().filename().string())) {
      files.push_back(entry.path().string());
    }
  }
  if (ec) throw std::runtime_error("cannot list image folder '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

ImageSet read_image_file(const std::string& path, const FolderOptions& opt) {
  if (opt.channels != 1 && opt.channels != 3) {
    throw std::runtime_error("image channels must be 1 (grey) or 3 (RGB), got " +
                             std::to_string(opt.channels));
  }
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  if (bytes.size() > 0x7fffffffu) {
    throw std::runtime_error("image '" + path +
                             "' is larger than 2 GiB, which stb_image cannot read");
  }
  int w = 0, h = 0, file_channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> px(
      stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &file_channels,
                            static_cast<int>(opt.channels)),
      stbi_image_free);
  if (!px) {
    const char* why = stbi_failure_reason();
    throw std::runtime_error("unreadable image '" + path +
                             "': " + (why ? why : "unknown decoding error") +
                             " (expected a PNG or JPEG file)");
  }
  const int64_t c = opt.channels;
  ImageSet raw = make_empty(c, h, w);
  raw.n = 1;
  raw.labels = {-1};
  raw.names = {path};
  raw.pixels.resize(static_cast<size_t>(c * h * w));
  // stb returns interleaved (h, w, c); we store planar (c, h, w).
  for (int64_t y = 0; y < h; ++y) {
    for (int64_t x = 0; x < w; ++x) {
      for (int64_t ch = 0; ch < c; ++ch) {
        raw.pixels[static_cast<size_t>((ch * h + y) * w + x)] =
            byte_to_unit(px.get()[(y * w + x) * c + ch]);
      }
    }
  }
  const int64_t th = opt.height > 0 ? opt.height : h;
  const int64_t tw = opt.width > 0 ? opt.width : w;
  if (th == h && tw == w) return raw;
  if (!opt.resize) {
    throw std::runtime_error("image '" + path + "' is " + size_text(h, w) + ", expected " +
                             size_text(th, tw) + " (resizing is off)");
  }
  return resize_images(raw, th, tw);
}

ImageSet read_image_folder(const std::string& dir, const FolderOptions& opt, int32_t label) {
  const std::vector<std::string> files = list_image_files(dir);
  if (files.empty()) {
    throw std::runtime_error("empty folder '" + dir +
                             "': no image files (*.png, *.jpg, *.jpeg) in it");
  }
  FolderOptions o = opt;
  ImageSet set;
  for (size_t i = 0; i < files.size(); ++i) {
    ImageSet one = read_image_file(files[i], o);
    if (i == 0) {
      // The first image fixes the size when none was asked for.
      o.height = one.h;
      o.width = one.w;
      set = make_empty(one.c, one.h, one.w);
      set.pixels.reserve(static_cast<size_t>(one.image_size()) * files.size());
    }
    set.pixels.insert(set.pixels.end(), one.pixels.begin(), one.pixels.end());
    set.labels.push_back(label);
    set.names.push_back(files[i]);
    ++set.n;
  }
  return set;
}

ImageSet read_labeled_folders(const std::string& root, const FolderOptions& opt,
                              std::vector<std::string>* class_names) {
  require_dir(root, "image root folder");
  std::vector<std::string> classes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_directory(ec)) classes.push_back(entry.path().filename().string());
  }
  if (ec) throw std::runtime_error("cannot list folder '" + root + "': " + ec.message());
  std::sort(classes.begin(), classes.end());
  if (classes.empty()) {
    throw std::runtime_error("empty folder '" + root +
                             "': expected one sub-folder of images per class "
                             "(root/<class name>/*.png)");
  }
  FolderOptions o = opt;
  ImageSet set;
  for (size_t k = 0; k < classes.size(); ++k) {
    ImageSet part =
        read_image_folder((fs::path(root) / classes[k]).string(), o, static_cast<int32_t>(k));
    if (k == 0) {
      o.height = part.h;
      o.width = part.w;
    }
    append(set, part);
  }
  if (class_names) *class_names = classes;
  return set;
}

}  // namespace nova::data
