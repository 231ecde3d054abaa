#include "engine/data/registry.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "engine/data/cifar10_reader.h"
#include "engine/data/idx_reader.h"

namespace nova::data {
namespace fs = std::filesystem;

namespace {

constexpr const char* kSubsetImages = "mnist-subset-images-idx3-ubyte.gz";
constexpr const char* kSubsetLabels = "mnist-subset-labels-idx1-ubyte.gz";

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

void require_path(const std::string& name, const std::string& path) {
  if (path.empty()) {
    throw std::runtime_error("data set '" + name + "' needs a path (--data-path): none given");
  }
  if (!is_dir(path)) {
    throw std::runtime_error("data set '" + name + "': '" + path +
                             "' does not exist or is not a directory");
  }
}

// dir/stem or dir/stem.gz, whichever exists.
std::string find_idx(const std::string& name, const fs::path& dir, const std::string& stem) {
  for (const std::string& candidate : {stem, stem + ".gz"}) {
    if (is_file(dir / candidate)) return (dir / candidate).string();
  }
  throw std::runtime_error("data set '" + name + "': missing file '" + (dir / stem).string() +
                           "' (plain or .gz)");
}

}  // namespace

const std::vector<std::string>& dataset_names() {
  static const std::vector<std::string> names = {"mnist-subset", "fashion-mnist", "mnist",
                                                 "cifar10",      "folder",        "normal-folder"};
  return names;
}

const std::vector<std::string>& mnist_class_names() {
  static const std::vector<std::string> names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  return names;
}

const std::vector<std::string>& fashion_mnist_class_names() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                 "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                 "Bag",         "Ankle boot"};
  return names;
}

Dataset load_mnist_subset(const std::string& data_dir) {
  const fs::path dir(data_dir);
  Dataset ds;
  ds.name = "mnist-subset";
  ds.class_names = mnist_class_names();
  ds.train = read_idx_pair((dir / kSubsetImages).string(), (dir / kSubsetLabels).string());
  check_labels(ds.train, ds.num_classes(), (dir / kSubsetLabels).string());
  ds.test = make_empty(ds.train.c, ds.train.h, ds.train.w);
  return ds;
}

Dataset load_idx_dataset(const std::string& name, const std::string& dir,
                         const std::vector<std::string>& class_names) {
  require_path(name, dir);
  const fs::path d(dir);
  Dataset ds;
  ds.name = name;
  ds.class_names = class_names;
  const std::string train_labels = find_idx(name, d, "train-labels-idx1-ubyte");
  const std::string test_labels = find_idx(name, d, "t10k-labels-idx1-ubyte");
  ds.train = read_idx_pair(find_idx(name, d, "train-images-idx3-ubyte"), train_labels);
  ds.test = read_idx_pair(find_idx(name, d, "t10k-images-idx3-ubyte"), test_labels);
  check_labels(ds.train, ds.num_classes(), train_labels);
  check_labels(ds.test, ds.num_classes(), test_labels);
  if (ds.train.h != ds.test.h || ds.train.w != ds.test.w) {
    throw std::runtime_error("data set '" + name + "': train images are " +
                             std::to_string(ds.train.h) + "x" + std::to_string(ds.train.w) +
                             " but test images are " + std::to_string(ds.test.h) + "x" +
                             std::to_string(ds.test.w));
  }
  return ds;
}

Dataset load_cifar10(const std::string& dir) {
  require_path("cifar10", dir);
  fs::path d(dir);
  if (!is_file(d / "data_batch_1.bin") && is_dir(d / "cifar-10-batches-bin")) {
    d /= "cifar-10-batches-bin";
  }
  auto batch = [&](const std::string& file) {
    if (!is_file(d / file)) {
      throw std::runtime_error("data set 'cifar10': missing file '" + (d / file).string() +
                               "' (expected data_batch_1.bin .. data_batch_5.bin and "
                               "test_batch.bin)");
    }
    return read_cifar10_batch((d / file).string());
  };
  Dataset ds;
  ds.name = "cifar10";
  ds.class_names = cifar10_class_names();
  for (int b = 1; b <= 5; ++b) append(ds.train, batch("data_batch_" + std::to_string(b) + ".bin"));
  ds.test = batch("test_batch.bin");
  return ds;
}

Dataset load_folder_dataset(const std::string& root, const FolderOptions& opt) {
  require_path("folder", root);
  const fs::path r(root);
  Dataset ds;
  ds.name = "folder";
  if (is_dir(r / "train") && is_dir(r / "test")) {
    ds.train = read_labeled_folders((r / "train").string(), opt, &ds.class_names);
    FolderOptions test_opt = opt;
    test_opt.height = ds.train.h;
    test_opt.width = ds.train.w;
    std::vector<std::string> test_classes;
    ds.test = read_labeled_folders((r / "test").string(), test_opt, &test_classes);
    if (test_classes != ds.class_names) {
      throw std::runtime_error("data set 'folder': the class folders of '" + (r / "test").string() +
                               "' differ from those of '" + (r / "train").string() + "'");
    }
  } else {
    ds.train = read_labeled_folders(root, opt, &ds.class_names);
    ds.test = make_empty(ds.train.c, ds.train.h, ds.train.w);
  }
  return ds;
}

Dataset load_normal_folder(const std::string& dir, const FolderOptions& opt) {
  require_path("normal-folder", dir);
  Dataset ds;
  ds.name = "normal-folder";
  ds.class_names = {"normal"};
  ds.train = read_image_folder(dir, opt, 0);
  ds.test = make_empty(ds.train.c, ds.train.h, ds.train.w);
  return ds;
}

Dataset load_dataset(const std::string& name, const std::string& path,
                     const FolderOptions& folder) {
  if (name == "mnist-subset") return load_mnist_subset(path.empty() ? find_data_dir() : path);
  if (name == "fashion-mnist") {
    return load_idx_dataset(name, path.empty() ? kFashionMnistDir : path,
                            fashion_mnist_class_names());
  }
  if (name == "mnist") return load_idx_dataset(name, path, mnist_class_names());
  if (name == "cifar10") return load_cifar10(path);
  if (name == "folder") return load_folder_dataset(path, folder);
  if (name == "normal-folder") return load_normal_folder(path, folder);
  std::string known;
  for (const auto& n : dataset_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::runtime_error("unknown data set '" + name + "', expected one of: " + known);
}

bool is_data_dir(const std::string& dir) {
  return is_file(fs::path(dir) / kSubsetImages) && is_file(fs::path(dir) / kSubsetLabels);
}

std::string find_data_dir_from(const std::string& start) {
  std::error_code ec;
  fs::path p = fs::absolute(start, ec);
  if (ec) return "";
  if (!is_dir(p)) p = p.parent_path();
  while (true) {
    for (const fs::path& candidate : {p / "data", p / "share" / "nova" / "data"}) {
      if (is_data_dir(candidate.string())) return candidate.lexically_normal().string();
    }
    if (!p.has_parent_path() || p.parent_path() == p) return "";
    p = p.parent_path();
  }
}

std::string find_data_dir() {
  if (const char* env = std::getenv("NOVA_DATA_DIR"); env && *env) {
    if (!is_data_dir(env)) {
      throw std::runtime_error(std::string("NOVA_DATA_DIR='") + env + "' does not hold " +
                               kSubsetImages + " and " + kSubsetLabels);
    }
    return env;
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::string found = find_data_dir_from(exe.string());
    if (!found.empty()) return found;
  }
  throw std::runtime_error(
      std::string("cannot find Nova's data directory (holding ") + kSubsetImages +
      "): searched data/ and share/nova/data/ beside the executable and its parent folders; set "
      "NOVA_DATA_DIR or pass the data path explicitly");
}

}  // namespace nova::data
