#include "apps/common/scoring.h"

#include <filesystem>
#include <numeric>

#include "apps/common/one_class_data.h"
#include "engine/data/idx_reader.h"
#include "engine/data/image_folder.h"
#include "engine/error.h"
#include "engine/io/csv.h"

namespace nova::apps {

std::vector<double> score_in_batches(const data::ImageSet& set, int64_t batch_size, Device device,
                                     const std::function<Tensor(const Tensor&)>& score_batch) {
  std::vector<int64_t> all(set.n);
  std::iota(all.begin(), all.end(), 0);
  std::vector<double> scores;
  scores.reserve(all.size());
  for (size_t begin = 0; begin < all.size(); begin += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(all.size(), begin + static_cast<size_t>(batch_size));
    for (double s : score_batch(batch_tensor(set, all, begin, end, device)).to_double_vector()) {
      scores.push_back(s);
    }
  }
  return scores;
}

data::ImageSet read_images_for_model(const std::string& path, int64_t channels, int64_t size) {
  namespace fs = std::filesystem;
  NOVA_CHECK(fs::exists(path), "--input ", path, ": no such file or folder");
  data::FolderOptions options;
  options.channels = channels;
  options.height = options.width = size;
  if (fs::is_directory(path)) return data::read_image_folder(path, options);
  if (data::is_image_file_name(path)) return data::read_image_file(path, options);
  data::ImageSet images = data::read_idx_images(path);
  NOVA_CHECK(images.c == channels && images.h == size && images.w == size, "--input ", path,
             ": IDX images are ", images.c, "x", images.h, "x", images.w, " but the model expects ",
             channels, "x", size, "x", size);
  return images;
}

void write_scores_csv(const std::string& path, const data::ImageSet& images,
                      const std::vector<double>& scores) {
  NOVA_CHECK(static_cast<int64_t>(scores.size()) == images.n, "internal: ", scores.size(),
             " scores for ", images.n, " images");
  std::vector<std::vector<std::string>> rows;
  for (int64_t i = 0; i < images.n; ++i) {
    const std::string name = images.names.empty() ? std::to_string(i) : images.names[i];
    char score[32];
    std::snprintf(score, sizeof score, "%.8g", scores[i]);
    rows.push_back({name, score});
  }
  io::write_csv(path, {"image", "novelty_score"}, rows);
}

}  // namespace nova::apps
