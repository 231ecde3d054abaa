// Folders of PNG/JPEG images (decoded with stb_image).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/image_set.h"

namespace nova::data {

struct FolderOptions {
  // 1 = greyscale (stb's luma of RGB), 3 = RGB (grey images repeated, alpha
  // dropped).
  int64_t channels = 1;
  // Target size. 0 x 0 = the size of the first image read.
  int64_t height = 0, width = 0;
  // true: images of another size are resized (see resize.h for the method);
  // false: such an image is an error naming the file and both sizes.
  bool resize = true;
};

// True for names ending in .png, .jpg or .jpeg (any case).
bool is_image_file_name(const std::string& name);

// The image files directly inside `dir` (not recursive), sorted by name
// (byte order), as full paths. Throws when `dir` is missing or not a folder.
std::vector<std::string> list_image_files(const std::string& dir);

// One image file as (1, channels, height, width); label -1. Throws naming the
// file when it cannot be decoded or has the wrong size with resize off.
ImageSet read_image_file(const std::string& path, const FolderOptions& opt);

// Every image directly inside `dir`, in sorted file order, each labelled
// `label`; names = the file paths. Throws when the folder holds no image.
ImageSet read_image_folder(const std::string& dir, const FolderOptions& opt, int32_t label = -1);

// Folder-per-class layout root/<class name>/*.png: classes are the
// sub-folders of root in sorted order, label = position in that order.
// `class_names` (if not null) receives the names. Throws when root has no
// sub-folder or a class folder holds no image.
ImageSet read_labeled_folders(const std::string& root, const FolderOptions& opt,
                              std::vector<std::string>* class_names = nullptr);

}  // namespace nova::data
