// The shared one-class program driver, run on a tiny stand-in model: epochs
// and the model's stopping rule, checkpoints and resume, every output file,
// the scoring mode, and the helpers it is made of.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "apps/common/decision.h"
#include "apps/common/evaluation.h"
#include "apps/common/flags.h"
#include "apps/common/one_class_program.h"
#include "apps/common/scoring.h"
#include "engine/checkpoint.h"
#include "engine/data/registry.h"
#include "engine/io/json.h"
#include "engine/io/png.h"
#include "engine/io/text_file.h"
#include "tests/support/temp_dir.h"

using namespace nova;
using nova::testing::TempDir;

namespace {

// Learns a running mean image and scores by the squared distance to it;
// its "stopping rule" ends training after `stop_after` epochs.
class MeanImageModel : public models::OneClassModel {
 public:
  MeanImageModel(int64_t channels, int64_t size, int64_t stop_after)
      : shape_{channels, size},
        stop_after_(stop_after),
        mean_(Tensor::zeros({1, channels, size, size})),
        epochs_seen_(Tensor::zeros({1}, DType::Float64)) {}

  std::string name() const override { return "MeanImage"; }
  int64_t batch_size() const override { return 16; }
  Device device() const override { return Device::CPU; }
  models::InputShape input_shape() const override { return shape_; }

  models::NamedLosses train_step(const Tensor& x, int64_t) override {
    float* m = mean_.data<float>();
    const float* px = x.data<float>();
    const int64_t n = x.size(0), size = mean_.numel();
    double change = 0.0;
    for (int64_t j = 0; j < size; ++j) {
      double batch_mean = 0.0;
      for (int64_t i = 0; i < n; ++i) batch_mean += px[i * size + j] / static_cast<double>(n);
      const double next = 0.9 * m[j] + 0.1 * batch_mean;
      change += std::fabs(next - m[j]);
      m[j] = static_cast<float>(next);
    }
    return {{"change", Tensor::full({1}, change)}};
  }

  models::EpochSelection end_epoch(int64_t epoch, const data::ImageSet&) override {
    epochs_seen_.data<double>()[0] += 1.0;
    models::EpochSelection s;
    s.criterion_name = "epochs_seen";
    s.criterion = epochs_seen_.data<double>()[0];
    s.improved = true;
    s.stop = epoch + 1 >= stop_after_;
    return s;
  }

  std::vector<std::string> score_names() const override { return {"distance", "minus_distance"}; }
  std::vector<Tensor> novelty_scores(const Tensor& x) override {
    const int64_t n = x.size(0), size = mean_.numel();
    Tensor d = Tensor::zeros({n}), minus = Tensor::zeros({n});
    for (int64_t i = 0; i < n; ++i) {
      double sum = 0.0;
      for (int64_t j = 0; j < size; ++j) {
        const double diff = x.data<float>()[i * size + j] - mean_.data<float>()[j];
        sum += diff * diff;
      }
      d.data<float>()[i] = static_cast<float>(sum / static_cast<double>(size));
      minus.data<float>()[i] = -d.data<float>()[i];
    }
    return {d, minus};
  }

  // The mean image for every input: heat maps show where x departs from it.
  Tensor reconstruction(const Tensor& x) override {
    std::vector<float> out;
    const std::vector<float> m = mean_.to_vector();
    for (int64_t i = 0; i < x.size(0); ++i) out.insert(out.end(), m.begin(), m.end());
    return Tensor::from_vector(out, x.shape());
  }

  std::vector<models::Picture> pictures(const Tensor&, const Tensor&) override {
    return {{"mean.png", {mean_}, 1}};
  }
  nn::NamedTensors state() override { return {{"mean", mean_}, {"epochs_seen", epochs_seen_}}; }
  void state_loaded() override {}
  nn::NamedTensors network_state() override { return {{"mean", mean_}}; }
  Metadata metadata() const override {
    return {{"mean_image.channels", std::to_string(shape_.channels)},
            {"mean_image.size", std::to_string(shape_.size)}};
  }

 private:
  models::InputShape shape_;
  int64_t stop_after_;
  Tensor mean_, epochs_seen_;
};

apps::ProgramSpec mean_image_spec() {
  apps::ProgramSpec spec;
  spec.program = "mean_image";
  spec.model_name = "MeanImage";
  spec.model_key = "mean_image";
  spec.summary = "test program";
  spec.default_epochs = 3;
  spec.add_model_flags = [](apps::Flags& f) {
    f.add_int("stop-after", 100, "epochs before the stopping rule fires");
  };
  spec.make_model = [](const apps::Flags& f, const data::ImageSet& pool, uint64_t, Device) {
    return std::unique_ptr<models::OneClassModel>(
        new MeanImageModel(pool.c, pool.h, f.integer("stop-after")));
  };
  spec.model_from_metadata = [](const Metadata& meta, Device) {
    return std::unique_ptr<models::OneClassModel>(new MeanImageModel(
        std::stoll(meta.at("mean_image.channels")), std::stoll(meta.at("mean_image.size")), 1));
  };
  return spec;
}

int run(std::vector<std::string> args) {
  args.insert(args.begin(), "mean_image");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return apps::run_one_class_program(static_cast<int>(args.size()), argv.data(), mean_image_spec());
}

int count_lines_with(const std::string& path, const std::string& needle) {
  std::ifstream in(path);
  int count = 0;
  for (std::string line; std::getline(in, line);) count += line.find(needle) != std::string::npos;
  return count;
}

}  // namespace

TEST_CASE("one-class program: the stopping rule, resume, outputs and scoring", "[apps]") {
  const TempDir tmp("one_class_program");
  const std::string out = tmp.str();
  const std::string run_dir = out + "/mnist-subset/class3/seed0";
  const std::vector<std::string> common = {"--class", "3", "--max-train-images", "64",
                                           "--out",   out, "--device",           "cpu"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), common.begin(), common.end());
    return extra;
  };
  REQUIRE(run(with({"--epochs", "5", "--stop-after", "2"})) == 0);

  // Two epochs ran: the rule stopped the other three.
  CHECK(count_lines_with(run_dir + "/log.jsonl", "\"event\":\"epoch\"") == 2);
  CHECK(count_lines_with(run_dir + "/log.jsonl", "\"stop\":true") == 1);
  CHECK(read_checkpoint_metadata(run_dir + "/checkpoint.safetensors").at("stopped") == "1");
  CHECK(read_checkpoint_metadata(run_dir + "/model.safetensors").at("epochs_seen") == "2");
  for (const char* f :
       {"split.json", "scores.csv", "roc.csv", "roc.png", "histogram.png",
        "histogram_minus_distance.png", "mean.png", "heatmaps.png", "model.safetensors"}) {
    CHECK(std::filesystem::file_size(run_dir + "/" + f) > 0);
  }
  for (const char* f : {"results.md", "results.csv", "results.json",
                        "results_auc_minus_distance.csv", "results_val_auc.csv"}) {
    CHECK(std::filesystem::file_size(out + "/" + f) > 0);
  }
  const std::string scores = io::read_text_file(run_dir + "/scores.csv");
  CHECK(scores.rfind("image,label,is_normal,distance,minus_distance,calibrated,decision\n", 0) ==
        0);
  // The stored rule: 1% false alarms asked, set on the validation normals.
  const Metadata model_meta = read_checkpoint_metadata(run_dir + "/model.safetensors");
  const apps::DecisionRule rule = apps::read_decision(model_meta, "model");
  CHECK(rule.score == "distance");
  CHECK(rule.target_rate == 0.01);
  REQUIRE(rule.normals > 0);
  CHECK(std::fabs(rule.normals_flagged - 0.01) <= 1.0 / static_cast<double>(rule.normals));
  CHECK(rule.heatmap_scale > 0.0);
  CHECK(io::read_text_file(run_dir + "/split.json").find("\"val_novel\"") != std::string::npos);
  const std::string md = io::read_text_file(out + "/results.md");
  CHECK(md.find("score distance") != std::string::npos);
  CHECK(md.find("score minus_distance") != std::string::npos);
  // The two scores are opposites: their test AUCs add up to one.
  const std::string log = io::read_text_file(run_dir + "/log.jsonl");
  const size_t result = log.find("{\"event\":\"result\"");
  REQUIRE(result != std::string::npos);
  const io::JsonValue r =
      io::parse_json(log.substr(result, log.find('\n', result) - result), "log.jsonl");
  CHECK(r.at("auc_distance").as_double() + r.at("auc_minus_distance").as_double() == Approx(1.0));
  CHECK(r.has("val_auc"));

  SECTION("a resumed run that had stopped trains no further") {
    REQUIRE(run(with({"--epochs", "5", "--stop-after", "2", "--resume"})) == 0);
    CHECK(count_lines_with(run_dir + "/log.jsonl", "\"event\":\"epoch\"") == 2);
    CHECK(count_lines_with(run_dir + "/log.jsonl", "\"event\":\"result\"") == 2);
  }
  SECTION("a resumed run continues from the saved epoch") {
    const std::vector<std::string> other_out = {"--class", "3",        "--max-train-images", "64",
                                                "--out",   out + "/b", "--device",           "cpu"};
    auto other = [&](std::vector<std::string> extra) {
      extra.insert(extra.begin(), other_out.begin(), other_out.end());
      return extra;
    };
    const std::string dir = out + "/b/mnist-subset/class3/seed0";
    REQUIRE(run(other({"--epochs", "2"})) == 0);
    REQUIRE(run(other({"--epochs", "4", "--resume"})) == 0);
    CHECK(count_lines_with(dir + "/log.jsonl", "\"event\":\"epoch\"") == 4);
    // The selection state came back from the checkpoint: 2 + 2 epochs seen.
    CHECK(read_checkpoint_metadata(dir + "/model.safetensors").at("epochs_seen") == "4");
  }
  SECTION("scoring mode writes every score, the calibrated score and the decision") {
    const std::string idx =
        std::string(NOVA_SOURCE_DIR) + "/data/mnist-subset-images-idx3-ubyte.gz";
    REQUIRE(run({"--score", run_dir + "/model.safetensors", "--input", idx, "--scores-out",
                 out + "/all.csv"}) == 0);
    CHECK(count_lines_with(out + "/all.csv", ",") == 10001);
    CHECK(io::read_text_file(out + "/all.csv")
              .rfind("image,distance,minus_distance,calibrated,decision\n", 0) == 0);
    const io::JsonValue summary =
        io::parse_json(io::read_text_file(out + "/all.summary.json"), "all.summary.json");
    CHECK(summary.at("images").as_int64() == 10000);
    CHECK(summary.at("flagged_novel").as_int64() + summary.at("flagged_normal").as_int64() ==
          10000);
    CHECK_FALSE(summary.has("auc"));  // unlabelled
  }
  SECTION("scoring labelled folders, with heat maps and a threshold of one's own") {
    // Normal: digits of the known class 3; abnormal: the same with a bright
    // square pasted in.
    const data::Dataset ds =
        data::load_dataset("mnist-subset", std::string(NOVA_SOURCE_DIR) + "/data");
    const std::string normal = out + "/eval/normal", abnormal = out + "/eval/abnormal";
    std::filesystem::create_directories(normal);
    std::filesystem::create_directories(abnormal);
    int written = 0;
    for (int64_t i = 0; i < ds.train.n && written < 6; ++i) {
      if (ds.train.labels[static_cast<size_t>(i)] != 3) continue;
      std::vector<float> digit(ds.train.image(i), ds.train.image(i) + 28 * 28);
      const std::string name = "digit" + std::to_string(written++) + ".png";
      io::write_png(normal + "/" + name, io::image_grid(digit.data(), 1, 1, 28, 28, 1, 1));
      for (int y = 2; y < 10; ++y) {
        for (int x = 2; x < 10; ++x) digit[y * 28 + x] = 1.0f;
      }
      io::write_png(abnormal + "/" + name, io::image_grid(digit.data(), 1, 1, 28, 28, 1, 1));
    }
    const std::string model = run_dir + "/model.safetensors";
    REQUIRE(run({"--score", model, "--normal", normal, "--abnormal", abnormal, "--scores-out",
                 out + "/labelled.csv", "--heatmaps", out + "/maps"}) == 0);
    const std::string csv = io::read_text_file(out + "/labelled.csv");
    CHECK(csv.rfind("image,is_normal,distance,minus_distance,calibrated,decision\n", 0) == 0);
    CHECK(count_lines_with(out + "/labelled.csv", "eval/normal/digit") == 6);
    CHECK(count_lines_with(out + "/labelled.csv", "abnormal/digit") == 6);
    const io::JsonValue summary =
        io::parse_json(io::read_text_file(out + "/labelled.summary.json"), "labelled.summary");
    CHECK(summary.at("labelled_normal").as_int64() == 6);
    CHECK(summary.at("labelled_abnormal").as_int64() == 6);
    CHECK(summary.at("auc").as_double() > 0.9);  // a pasted square is far from the mean digit
    CHECK(summary.has("f1"));
    for (const char* f : {"grid.png", "normal/digit0.png", "abnormal/digit5.png"}) {
      CHECK(std::filesystem::file_size(out + "/maps/" + f) > 0);
    }
    // A threshold above every score flags nothing; one below the normal
    // median is refused.
    REQUIRE(run({"--score", model, "--normal", normal, "--abnormal", abnormal, "--scores-out",
                 out + "/lenient.csv", "--threshold", "1e9"}) == 0);
    CHECK(count_lines_with(out + "/lenient.csv", ",novel") == 0);
    REQUIRE(rule.calibration.median > 0.0);
    CHECK(run({"--score", model, "--normal", normal, "--threshold", "0"}) == 1);
  }
  SECTION("scoring refuses bad input") {
    const std::string model = run_dir + "/model.safetensors";
    const std::string broken = out + "/broken.png";
    io::write_text_file(broken, "not a png");
    CHECK(run({"--score", model, "--input", broken}) == 1);
    CHECK(run({"--score", model, "--input", run_dir + "/roc.png", "--exact-size"}) == 1);
    CHECK(run({"--score", model, "--input", run_dir + "/roc.png", "--normal", broken}) == 1);
    CHECK(run({"--score", model, "--input", broken, "--threshold", "high"}) == 1);
    // The training checkpoint is saved every epoch, before any threshold.
    CHECK(run({"--score", run_dir + "/checkpoint.safetensors", "--input", broken}) == 1);
  }
  SECTION("bad flags are refused") {
    CHECK(run(with({"--epochs", "0"})) == 1);
    CHECK(run({"--score", run_dir + "/model.safetensors"}) == 1);  // no --input
  }
}

TEST_CASE("one-class program: training on a folder of normal images alone", "[apps]") {
  const TempDir tmp("normal_folder");
  const std::string normal = tmp.str() + "/normal", out = tmp.str() + "/out";
  std::filesystem::create_directories(normal);
  const data::Dataset ds =
      data::load_dataset("mnist-subset", std::string(NOVA_SOURCE_DIR) + "/data");
  int written = 0;
  for (int64_t i = 0; i < ds.train.n && written < 120; ++i) {
    if (ds.train.labels[static_cast<size_t>(i)] != 7) continue;
    io::write_png(normal + "/" + std::to_string(written++) + ".png",
                  io::image_grid(ds.train.image(i), 1, 1, 28, 28, 1, 1));
  }
  REQUIRE(run({"--dataset", "normal-folder", "--data-path", normal, "--epochs", "1", "--out", out,
               "--device", "cpu", "--val-fraction", "0.25"}) == 0);
  const std::string run_dir = out + "/normal-folder/class0/seed0";
  // No AUC without anomalies: the scores, the threshold and the held-out
  // normals' false alarms.
  CHECK_FALSE(std::filesystem::exists(run_dir + "/roc.csv"));
  CHECK(io::read_text_file(run_dir + "/scores.csv")
            .rfind("image,is_normal,distance,minus_distance,calibrated,decision\n", 0) == 0);
  CHECK(count_lines_with(run_dir + "/scores.csv", ",1,") == 24);  // 20% of 120 tested
  CHECK(
      apps::read_decision(read_checkpoint_metadata(run_dir + "/model.safetensors"), "m").normals ==
      24);  // 25% of the other 96
  CHECK(io::read_text_file(out + "/results.md").find("share of test normals flagged") !=
        std::string::npos);

  SECTION("with labelled validation anomalies, the best-F1 threshold") {
    const std::string abnormal = tmp.str() + "/abnormal";
    std::filesystem::create_directories(abnormal);
    for (int64_t i = 0, n = 0; i < ds.train.n && n < 20; ++i) {
      if (ds.train.labels[static_cast<size_t>(i)] != 2) continue;
      io::write_png(abnormal + "/" + std::to_string(n++) + ".png",
                    io::image_grid(ds.train.image(i), 1, 1, 28, 28, 1, 1));
    }
    REQUIRE(run({"--dataset", "normal-folder", "--data-path", normal, "--epochs", "1", "--out",
                 out + "/f1", "--device", "cpu", "--val-fraction", "0.25", "--threshold-rule", "f1",
                 "--val-abnormal", abnormal}) == 0);
    const Metadata meta =
        read_checkpoint_metadata(out + "/f1/normal-folder/class0/seed0/model.safetensors");
    CHECK(apps::read_decision(meta, "m").rule == "f1");
    // The validation AUC is now taken against the given anomalies.
    CHECK(std::filesystem::file_size(out + "/f1/results_val_auc.csv") > 0);
  }
}

TEST_CASE("one-class program: sets are brought to the model's input shape", "[apps]") {
  data::ImageSet grey = data::make_empty(1, 28, 28);
  grey.n = 2;
  grey.labels = {0, 1};
  grey.pixels.assign(2 * 28 * 28, 0.25f);
  const data::ImageSet rgb = apps::to_model_input(grey, {3, 61});
  CHECK(rgb.c == 3);
  CHECK(rgb.h == 61);
  CHECK(rgb.w == 61);
  CHECK(rgb.labels == grey.labels);
  for (float v : rgb.pixels) REQUIRE(v == Approx(0.25f));
  const data::ImageSet same = apps::to_model_input(grey, {1, 28});
  CHECK(same.pixels == grey.pixels);
}

TEST_CASE("one-class program: picture rows interleave their groups", "[apps]") {
  // Three groups of 3 one-pixel images, 2 columns: rows a0 a1 | b0 b1 | c0 c1 | a2 _ | b2 _ | c2 _.
  auto group = [](float base) {
    Tensor t = Tensor::zeros({3, 1, 1, 1});
    for (int i = 0; i < 3; ++i) t.data<float>()[i] = base + static_cast<float>(i);
    return t;
  };
  const Tensor grid = apps::interleave_rows({group(10), group(20), group(30)}, 2);
  REQUIRE(grid.size(0) == 12);
  const std::vector<float> want = {10, 11, 20, 21, 30, 31, 12, 1, 22, 1, 32, 1};
  CHECK(grid.to_vector() == want);
}

TEST_CASE("flags: the command line repeats only what was given", "[apps]") {
  apps::Flags f("prog", "summary");
  f.add_int("epochs", 15, "epochs");
  f.add_string("preset", "paper", "preset");
  f.add_switch("resume", "resume");
  const char* argv[] = {"prog", "--preset=released", "--resume"};
  REQUIRE(f.parse(3, argv));
  CHECK(f.command_line() == "prog --preset released --resume");
}
