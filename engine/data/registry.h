// The data sets Nova knows by name, and where its embedded data lives.
#pragma once

#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/data/image_folder.h"

namespace nova::data {

// Default location of Fashion-MNIST (Debian package dataset-fashion-mnist).
constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// The names load_dataset accepts.
const std::vector<std::string>& dataset_names();

// Loads a data set by name:
//  "mnist-subset"  the embedded 10,000 digits; path = the data dir (empty:
//                  find_data_dir()); train = all, test empty.
//  "fashion-mnist" path = dir of {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
//                  (empty: kFashionMnistDir).
//  "mnist"         path (required) = dir of the same four IDX files, plain or
//                  .gz (full MNIST as the user has it).
//  "cifar10"       path (required) = dir of data_batch_1..5.bin and
//                  test_batch.bin (or its parent holding cifar-10-batches-bin).
//  "folder"        path (required) = root/<class>/*.png, or root/train/<class>
//                  and root/test/<class> for a train/test split; `folder`
//                  gives channels and size.
//  "normal-folder" path (required) = a folder of normal images alone (the
//                  layout of anomaly-detection tools): one class, "normal";
//                  protocol 1 then tests on held-out normals only, and
//                  labelled anomalies are scored afterwards (--normal and
//                  --abnormal of the scoring mode).
// Throws naming the data set and what is missing or wrong.
Dataset load_dataset(const std::string& name, const std::string& path = "",
                     const FolderOptions& folder = {});

// Single loaders behind load_dataset.
Dataset load_mnist_subset(const std::string& data_dir);
Dataset load_idx_dataset(const std::string& name, const std::string& dir,
                         const std::vector<std::string>& class_names);
Dataset load_cifar10(const std::string& dir);
Dataset load_folder_dataset(const std::string& root, const FolderOptions& opt);
Dataset load_normal_folder(const std::string& dir, const FolderOptions& opt);

// Class names of the IDX data sets.
const std::vector<std::string>& mnist_class_names();
const std::vector<std::string>& fashion_mnist_class_names();

// True when `dir` holds the embedded subset's two files.
bool is_data_dir(const std::string& dir);

// Nova's data dir: $NOVA_DATA_DIR when set (it must hold the subset), else
// the first of <p>/data and <p>/share/nova/data that holds the subset, for p
// the running executable's folder (/proc/self/exe) and each of its parents.
// Throws saying how to point Nova at it when nothing is found.
std::string find_data_dir();

// The same search starting from `start` (a file or folder) instead of the
// executable, without the environment variable. Empty when nothing found.
std::string find_data_dir_from(const std::string& start);

}  // namespace nova::data
