// train_ocgan: trains OCGAN (Perera et al., CVPR 2019) on the known class of a
// data set and scores the test split; or, with --score, scores images with a
// trained checkpoint. With no arguments: the embedded MNIST subset, digit 0,
// protocol 1, on the CPU in a few minutes.
#include <cstdio>
#include <filesystem>
#include <map>

#include "apps/common/evaluation.h"
#include "apps/common/flags.h"
#include "apps/common/one_class_data.h"
#include "apps/common/openmp_env.h"
#include "apps/common/paper_figures.h"
#include "apps/common/progress.h"
#include "apps/common/results.h"
#include "apps/common/run_log.h"
#include "apps/common/scoring.h"
#include "engine/autograd.h"
#include "engine/checkpoint.h"
#include "engine/error.h"
#include "engine/metrics/results_table.h"
#include "engine/ops.h"
#include "models/ocgan/ocgan.h"

using namespace nova;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSummary =
    "Trains OCGAN on the known class of a data set (protocol 1 or 2 of the OCGAN paper), picks\n"
    "the epoch with the lowest validation reconstruction error, and scores the test split by\n"
    "reconstruction MSE. Writes checkpoints, pictures, ROC, per-image scores and a results\n"
    "table to --out. With --score CHECKPOINT --input PATH it scores images instead.";

void add_flags(apps::Flags& f) {
  apps::add_data_flags(f);
  f.add_string("preset", "paper", "model preset: paper or autoencoder (the ablation baseline)");
  f.add_int("epochs", 15, "training epochs");
  f.add_int("batch-size", 64, "images per iteration");
  f.add_double("lr", 2e-4, "Adam learning rate of every network");
  f.add_int("base-channels", 64, "autoencoder channels of the first layer (doubling per layer)");
  f.add_int("latent-channels", 256, "channels of the latent map (its size is 4x4 on 28x28 images)");
  f.add_double("lambda-mse", 10.0, "weight of the reconstruction term in the autoencoder loss");
  f.add_double("noise-std", 0.4472135955, "std of the denoising input noise (variance 0.2)");
  f.add_int("mining-steps", 5, "informative-negative mining steps per iteration");
  f.add_double("mining-step-size", 0.1, "mining step along the classifier's gradient");
  f.add_int("mining-start-epoch", 0, "first epoch (0-based) with mining");
  f.add_switch("no-latent-disc", "ablation: no latent discriminator");
  f.add_switch("no-visual-disc", "ablation: no visual discriminator");
  f.add_switch("no-classifier", "ablation: no classifier and no mining");
  f.add_int("max-train-images", 0, "use at most this many training images (0: all)");
  f.add_string("device", "auto", "cpu, cuda, or auto (cuda when a device answers)");
  f.add_string("out", "runs/ocgan", "output folder");
  f.add_switch("resume", "continue each run from the checkpoint in its folder");
  f.add_string("score", "", "scoring mode: a checkpoint (model.safetensors) to score with");
  f.add_string("input", "", "scoring mode: an image, a folder of images, or an IDX image file");
  f.add_string("scores-out", "",
               "scoring mode: where to write the scores CSV [<input>.scores.csv]");
}

ocgan::Config config_from_flags(const apps::Flags& f, const data::ImageSet& pool) {
  ocgan::Config c = ocgan::preset(f.str("preset"));
  c.image_channels = pool.c;
  NOVA_CHECK(pool.h == pool.w, "OCGAN needs square images, the data set has ", pool.h, "x", pool.w);
  c.image_size = pool.h;
  c.batch_size = f.integer("batch-size");
  c.lr = f.real("lr");
  c.base_channels = f.integer("base-channels");
  c.latent_channels = f.integer("latent-channels");
  c.lambda_mse = f.real("lambda-mse");
  c.noise_std = f.real("noise-std");
  c.mining_steps = f.integer("mining-steps");
  c.mining_step_size = f.real("mining-step-size");
  c.mining_start_epoch = f.integer("mining-start-epoch");
  if (f.on("no-latent-disc")) c.use_latent_disc = false;
  if (f.on("no-visual-disc")) c.use_visual_disc = false;
  if (f.on("no-classifier")) c.use_classifier = false;
  c.validate();
  return c;
}

Device device_from_flag(const std::string& name) {
  return name == "auto" ? default_device() : parse_device(name);
}

double validation_mse(ocgan::Model& model, const data::ImageSet& val, int64_t batch) {
  if (val.n == 0) return 0.0;
  const std::vector<double> s = apps::score_in_batches(
      val, batch, model.device(), [&](const Tensor& x) { return model.novelty_scores(x); });
  double total = 0.0;
  for (double v : s) total += v;
  return total / static_cast<double>(s.size());
}

// Pictures of what the model does: test inputs over their reconstructions,
// decodings of random latent samples, and samples before and after mining.
void write_pictures(ocgan::Model& model, const data::ImageSet& test,
                    const std::vector<int32_t>& is_normal, const std::string& dir) {
  const int64_t columns = 16;
  std::vector<int64_t> normal, novel;
  for (int64_t i = 0; i < test.n; ++i) {
    auto& list = is_normal[i] ? normal : novel;
    if (static_cast<int64_t>(list.size()) < columns) list.push_back(i);
  }
  for (const auto& [name, picks] : {std::pair{"reconstructions_normal.png", normal},
                                    std::pair{"reconstructions_novel.png", novel}}) {
    if (picks.empty()) continue;
    const Tensor x = apps::batch_tensor(test, picks, 0, picks.size(), model.device());
    apps::write_image_grid(dir + "/" + name,
                           apps::interleave_rows(x, model.reconstruct(x), columns), columns);
  }
  const Tensor z = model.random_latent(64);
  apps::write_image_grid(dir + "/samples.png", model.decode(z), columns);
  if (model.config().use_classifier && model.config().mining_steps > 0) {
    const ocgan::MiningResult mined = model.mine(model.random_latent(columns), true);
    apps::write_image_grid(
        dir + "/mining.png",
        apps::interleave_rows(model.decode(mined.before), model.decode(mined.after), columns),
        columns);
  }
}

struct RunResult {
  double auc = 0.0;
  double seconds = 0.0;
};

RunResult train_and_score(const apps::Flags& f, const apps::Experiment& e, int64_t known_class,
                          uint64_t seed, Device device, const std::string& run_dir) {
  fs::create_directories(run_dir);
  data::SplitSets sets = apps::prepare_split(e, known_class, seed, run_dir);
  if (const int64_t cap = f.integer("max-train-images"); cap > 0 && sets.train.n > cap) {
    std::vector<int64_t> first(cap);
    for (int64_t i = 0; i < cap; ++i) first[i] = i;
    sets.train = data::subset(sets.train, first);
  }
  const ocgan::Config config = config_from_flags(f, e.pool);
  NOVA_CHECK(sets.train.n >= config.batch_size, "class ", known_class, " has ", sets.train.n,
             " training images, fewer than --batch-size ", config.batch_size);
  ocgan::Model model(config, seed, device);
  const int64_t epochs = f.integer("epochs");
  NOVA_CHECK(epochs >= 1, "--epochs must be >= 1, got ", epochs);

  const std::string checkpoint = run_dir + "/checkpoint.safetensors";
  const std::string best_path = run_dir + "/model.safetensors";
  int64_t start_epoch = 0;
  double best_val = 1e300;
  if (f.on("resume") && fs::exists(checkpoint)) {
    const Metadata meta = load_checkpoint(checkpoint, model.state());
    model.state_loaded();
    start_epoch = std::stoll(meta.at("epoch"));
    best_val = std::stod(meta.at("best_val_mse"));
    std::printf("resuming %s at epoch %lld\n", checkpoint.c_str(),
                static_cast<long long>(start_epoch + 1));
  }

  apps::RunLog log(run_dir + "/log.jsonl", f.on("resume"));
  const int64_t per_epoch = sets.train.n / config.batch_size;  // the last partial batch is dropped
  const std::string label =
      "class " + std::to_string(known_class) + " seed " + std::to_string(seed);
  apps::Progress progress(label, (epochs - start_epoch) * per_epoch, config.batch_size);
  std::printf("%s: %lld training, %lld validation, %lld test images; %s, %lld parameters\n",
              label.c_str(), static_cast<long long>(sets.train.n),
              static_cast<long long>(sets.val.n), static_cast<long long>(sets.test.n),
              to_string(device).c_str(), static_cast<long long>([&] {
                int64_t p = 0;
                for (auto& [name, m] : model.networks().all()) p += m->parameter_count();
                return p;
              }()));

  int64_t done = 0;
  for (int64_t epoch = start_epoch; epoch < epochs; ++epoch) {
    const std::vector<int64_t> order = apps::epoch_order(sets.train.n, seed, epoch);
    for (int64_t it = 0; it < per_epoch; ++it) {
      const size_t begin = static_cast<size_t>(it * config.batch_size);
      const Tensor x =
          apps::batch_tensor(sets.train, order, begin, begin + config.batch_size, device);
      const ocgan::StepLosses losses = model.train_step(x, epoch);
      ++done;
      if (progress.due(done)) {
        const auto values = losses.values();
        progress.print(epoch, epochs, done, values);
        log.iteration(epoch, done, values, progress.images_per_second());
      }
    }
    const double val = validation_mse(model, sets.val, config.batch_size);
    const bool improved = val < best_val;
    if (improved) {
      best_val = val;
      save_checkpoint(best_path, model.network_state(),
                      apps::with_run_metadata(ocgan::to_metadata(config), epoch + 1, val));
    }
    Metadata meta = ocgan::to_metadata(config);
    meta["epoch"] = std::to_string(epoch + 1);
    char best_text[40];
    std::snprintf(best_text, sizeof best_text, "%.17g", best_val);
    meta["best_val_mse"] = best_text;
    save_checkpoint(checkpoint, model.state(), meta);
    log.epoch(epoch, val, improved);
  }
  progress.finish(label + ": training done in " +
                  apps::format_duration(progress.elapsed_seconds()));

  // Score with the selected model (lowest validation MSE).
  if (fs::exists(best_path)) load_checkpoint(best_path, model.network_state());
  const std::vector<double> scores =
      apps::score_in_batches(sets.test, config.batch_size, device,
                             [&](const Tensor& x) { return model.novelty_scores(x); });
  const apps::EvaluationSummary summary = apps::write_evaluation(
      run_dir, "OCGAN " + e.dataset.name + " class " + std::to_string(known_class), scores,
      sets.test_is_normal, sets.test);
  write_pictures(model, sets.test, sets.test_is_normal, run_dir);
  log.result(summary.auc, summary.eer, best_val);
  std::printf("%s: test AUC %.4f (EER %.4f), selected by validation MSE %.5f\n", label.c_str(),
              summary.auc, summary.eer, best_val);
  return {summary.auc, progress.elapsed_seconds()};
}

int score_mode(const apps::Flags& f) {
  NOVA_CHECK(!f.str("input").empty(), "--score needs --input (an image, a folder or an IDX file)");
  const Metadata meta = read_checkpoint_metadata(f.str("score"));
  const ocgan::Config config = ocgan::from_metadata(meta);
  const Device device = device_from_flag(f.str("device"));
  ocgan::Model model(config, 0, device);
  load_checkpoint(f.str("score"), model.network_state());
  const data::ImageSet images =
      apps::read_images_for_model(f.str("input"), config.image_channels, config.image_size);
  const std::vector<double> scores = apps::score_in_batches(
      images, config.batch_size, device, [&](const Tensor& x) { return model.novelty_scores(x); });
  const std::string out =
      f.str("scores-out").empty() ? f.str("input") + ".scores.csv" : f.str("scores-out");
  apps::write_scores_csv(out, images, scores);
  std::printf("scored %lld images with %s: %s\n", static_cast<long long>(images.n),
              f.str("score").c_str(), out.c_str());
  return 0;
}

int train_mode(const apps::Flags& f) {
  const apps::Experiment e = apps::load_experiment(f);
  const Device device = device_from_flag(f.str("device"));
  const std::string out = f.str("out");
  fs::create_directories(out);
  metrics::ResultsTable table(
      "auc", "OCGAN, " + e.dataset.name + ", protocol " + std::to_string(e.protocol));
  double seconds = 0.0;
  for (int64_t c : e.classes) {
    for (int64_t seed : e.seeds) {
      const std::string run_dir = out + "/" + e.dataset.name + "/class" + std::to_string(c) +
                                  "/seed" + std::to_string(seed);
      const RunResult r = train_and_score(f, e, c, static_cast<uint64_t>(seed), device, run_dir);
      const std::string& name = e.dataset.class_names[c];
      table.add(name == std::to_string(c) ? name : std::to_string(c) + " " + name,
                static_cast<uint64_t>(seed), r.auc);
      seconds += r.seconds;
    }
  }
  apps::write_results(out, table, apps::paper_figures("ocgan", e.dataset.name, e.protocol),
                      f.values(), to_string(device), seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  apps::use_passive_openmp_threads(argv);
  apps::Flags flags("train_ocgan", kSummary);
  add_flags(flags);
  try {
    if (!flags.parse(argc, argv)) {
      std::printf("%s", flags.help().c_str());
      return 0;
    }
    return flags.str("score").empty() ? train_mode(flags) : score_mode(flags);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_ocgan: error: %s\n", e.what());
    return 1;
  }
}
