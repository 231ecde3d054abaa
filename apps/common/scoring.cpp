#include "apps/common/scoring.h"

#include <filesystem>

#include "engine/data/batches.h"
#include "engine/data/idx_reader.h"
#include "engine/data/image_folder.h"
#include "engine/data/resize.h"
#include "engine/error.h"
#include "engine/io/csv.h"

namespace nova::apps {

std::vector<NamedScores> score_set(models::OneClassModel& model, const data::ImageSet& set) {
  std::vector<NamedScores> scores;
  for (const std::string& name : model.score_names()) scores.push_back({name, {}});
  data::for_each_batch(set, model.batch_size(), model.device(), [&](const Tensor& x) {
    const std::vector<Tensor> batch_scores = model.novelty_scores(x);
    NOVA_CHECK(batch_scores.size() == scores.size(), "internal: ", model.name(), " gave ",
               batch_scores.size(), " scores for ", scores.size(), " names");
    for (size_t k = 0; k < scores.size(); ++k) {
      for (double v : batch_scores[k].to_double_vector()) scores[k].values.push_back(v);
    }
  });
  return scores;
}

data::ImageSet to_model_input(const data::ImageSet& set, const models::InputShape& shape) {
  data::ImageSet out = set.c == shape.channels ? set : data::convert_channels(set, shape.channels);
  if (out.h != shape.size || out.w != shape.size) {
    out = data::resize_images(out, shape.size, shape.size);
  }
  return out;
}

data::ImageSet read_images_for_model(const std::string& path, const models::InputShape& shape,
                                     const std::string& flag, bool exact_size) {
  namespace fs = std::filesystem;
  NOVA_CHECK(fs::exists(path), flag, " ", path, ": no such file or folder");
  data::FolderOptions options;
  options.channels = shape.channels;
  options.height = options.width = shape.size;
  options.resize = !exact_size;
  if (fs::is_directory(path)) return data::read_image_folder(path, options);
  if (data::is_image_file_name(path)) return data::read_image_file(path, options);
  const data::ImageSet idx = data::read_idx_images(path);
  NOVA_CHECK(!exact_size || (idx.h == shape.size && idx.w == shape.size), flag, " ", path,
             ": its images are ", idx.h, "x", idx.w, ", the model takes ", shape.size, "x",
             shape.size);
  return to_model_input(idx, shape);
}

void write_scores_csv(const std::string& path, const data::ImageSet& images,
                      const std::vector<int32_t>& is_normal, const std::vector<NamedScores>& scores,
                      const metrics::NormalCalibration& decision) {
  NOVA_CHECK(!scores.empty(), "internal: no scores to write");
  const bool labelled = !is_normal.empty();
  NOVA_CHECK(!labelled || static_cast<int64_t>(is_normal.size()) == images.n,
             "internal: ", is_normal.size(), " labels for ", images.n, " images");
  std::vector<std::string> header = {"image"};
  if (labelled) header.push_back("is_normal");
  for (const NamedScores& s : scores) {
    NOVA_CHECK(static_cast<int64_t>(s.values.size()) == images.n, "internal: ", s.values.size(),
               " scores '", s.name, "' for ", images.n, " images");
    header.push_back(s.name);
  }
  header.insert(header.end(), {"calibrated", "decision"});
  auto number = [](double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.8g", v);
    return std::string(text);
  };
  std::vector<std::vector<std::string>> rows;
  for (int64_t i = 0; i < images.n; ++i) {
    const auto k = static_cast<size_t>(i);
    std::vector<std::string> row = {images.names.empty() ? std::to_string(i) : images.names[k]};
    if (labelled) row.push_back(is_normal[k] ? "1" : "0");
    for (const NamedScores& s : scores) row.push_back(number(s.values[k]));
    const double raw = scores.front().values[k];
    row.push_back(number(decision.calibrated(raw)));
    row.push_back(decision.is_novel(raw) ? "novel" : "normal");
    rows.push_back(std::move(row));
  }
  io::write_csv(path, header, rows);
}

}  // namespace nova::apps
