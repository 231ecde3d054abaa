#include "apps/common/one_class_program.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "apps/common/decision.h"
#include "apps/common/evaluation.h"
#include "apps/common/heatmaps.h"
#include "apps/common/one_class_data.h"
#include "apps/common/paper_figures.h"
#include "apps/common/progress.h"
#include "apps/common/results.h"
#include "apps/common/run_log.h"
#include "apps/common/score_mode.h"
#include "apps/common/scoring.h"
#include "engine/checkpoint.h"
#include "engine/data/batches.h"
#include "engine/error.h"
#include "engine/metrics/results_table.h"
#include "engine/metrics/roc.h"
#include "engine/metrics/threshold_metrics.h"

namespace nova::apps {
namespace {

namespace fs = std::filesystem;

void add_program_flags(Flags& f, const ProgramSpec& spec) {
  add_data_flags(f);
  f.add_int("epochs", spec.default_epochs, spec.epochs_help);
  f.add_int("max-train-images", 0, "use at most this many training images (0: all)");
  spec.add_model_flags(f);
  f.add_string("device", "auto", "cpu, cuda, or auto (cuda when a device answers)");
  f.add_string("out", "runs/" + spec.model_key, "output folder");
  f.add_switch("resume", "continue each run from the checkpoint in its folder");
  add_decision_flags(f);
  add_score_mode_flags(f);
}

// The default score of the validation normals and of the validation
// anomalies (the split's other-class images, or --val-abnormal); either may
// be empty.
struct ValidationScores {
  std::vector<double> normal, anomaly;
};

ValidationScores score_validation(models::OneClassModel& model, const data::SplitSets& sets) {
  ValidationScores v;
  if (sets.val.n > 0) v.normal = score_set(model, sets.val).front().values;
  if (sets.val_novel.n > 0) v.anomaly = score_set(model, sets.val_novel).front().values;
  return v;
}

// AUC of the default score on validation normals against validation
// anomalies: a yardstick for choosing settings that never looks at the test
// set. NaN without both.
double validation_auc(const ValidationScores& v) {
  if (v.normal.empty() || v.anomaly.empty()) return std::nan("");
  std::vector<double> scores = v.normal;
  scores.insert(scores.end(), v.anomaly.begin(), v.anomaly.end());
  std::vector<int32_t> is_normal(v.normal.size(), 1);
  is_normal.resize(scores.size(), 0);
  return metrics::novelty_auc(scores, is_normal);
}

// The test images that pictures show: the first 16 normal and the first 16
// novel ones.
std::pair<std::vector<int64_t>, std::vector<int64_t>> picture_picks(
    const std::vector<int32_t>& is_normal) {
  const size_t per_kind = 16;
  std::vector<int64_t> normal, novel;
  for (size_t i = 0; i < is_normal.size(); ++i) {
    auto& list = is_normal[i] ? normal : novel;
    if (list.size() < per_kind) list.push_back(static_cast<int64_t>(i));
  }
  return {normal, novel};
}

std::vector<models::Picture> test_pictures(models::OneClassModel& model, const data::ImageSet& test,
                                           const std::vector<int32_t>& is_normal) {
  const auto [normal, novel] = picture_picks(is_normal);
  auto images = [&](const std::vector<int64_t>& picks) {
    return picks.empty() ? Tensor()
                         : data::batch_tensor(test, picks, 0, picks.size(), model.device());
  };
  return model.pictures(images(normal), images(novel));
}

// The pictures' normal test images followed by their novel ones.
data::ImageSet picture_images(const data::ImageSet& test, const std::vector<int32_t>& is_normal) {
  auto [picks, novel] = picture_picks(is_normal);
  picks.insert(picks.end(), novel.begin(), novel.end());
  return data::subset(test, picks);
}

void write_pictures(const std::vector<models::Picture>& pictures, const std::string& dir) {
  for (const models::Picture& p : pictures) {
    write_image_grid(dir + "/" + p.file, interleave_rows(p.groups, p.columns), p.columns);
  }
}

struct RunResult {
  std::vector<EvaluationSummary> summaries;  // none when the test has normal images alone
  double val_auc = 0.0;                      // NaN without validation negatives
  double test_false_alarms = 0.0;  // share of test normals the stored threshold flags, or NaN
  double seconds = 0.0;
};

class OneClassRun {
 public:
  OneClassRun(const Flags& flags, const ProgramSpec& spec, const Experiment& e, int64_t known_class,
              uint64_t seed, Device device, std::string run_dir)
      : flags_(flags),
        spec_(spec),
        e_(e),
        known_class_(known_class),
        seed_(seed),
        device_(device),
        run_dir_(std::move(run_dir)) {}

  RunResult run() {
    fs::create_directories(run_dir_);
    sets_ = prepare_split(e_, known_class_, seed_, run_dir_);
    if (const int64_t cap = flags_.integer("max-train-images"); cap > 0 && sets_.train.n > cap) {
      std::vector<int64_t> first(static_cast<size_t>(cap));
      for (int64_t i = 0; i < cap; ++i) first[static_cast<size_t>(i)] = i;
      sets_.train = data::subset(sets_.train, first);
    }
    model_ = spec_.make_model(flags_, e_.pool, seed_, device_);
    for (data::ImageSet* set : {&sets_.train, &sets_.val, &sets_.test, &sets_.val_novel}) {
      *set = to_model_input(*set, model_->input_shape());
    }
    if (const std::string path = flags_.str("val-abnormal"); !path.empty()) {
      sets_.val_novel = read_images_for_model(path, model_->input_shape(), "--val-abnormal");
    }
    model_->prepare_training_images(sets_.train);
    model_->prepare_training_images(sets_.val);
    NOVA_CHECK(sets_.train.n >= model_->batch_size(), "class ", known_class_, " has ",
               sets_.train.n, " training images, fewer than the batch size ", model_->batch_size());
    const int64_t epochs =
        spec_.epochs_from_flags ? spec_.epochs_from_flags(flags_) : flags_.integer("epochs");
    NOVA_CHECK(epochs >= 1, "--epochs must be >= 1, got ", epochs);

    const int64_t start_epoch = start_or_resume();
    RunLog log(run_dir_ + "/log.jsonl", start_epoch > 0);
    const int64_t per_epoch = sets_.train.n / model_->batch_size();  // last partial batch dropped
    const std::string label =
        "class " + std::to_string(known_class_) + " seed " + std::to_string(seed_);
    Progress progress(label, (epochs - start_epoch) * per_epoch, model_->batch_size());
    print_header(label);

    int64_t done = 0;
    for (int64_t epoch = start_epoch; epoch < epochs && !stopped_; ++epoch) {
      const std::vector<int64_t> order = epoch_order(sets_.train.n, seed_, epoch);
      for (int64_t it = 0; it < per_epoch; ++it) {
        const auto begin = static_cast<size_t>(it * model_->batch_size());
        const Tensor x = data::batch_tensor(
            sets_.train, order, begin, begin + static_cast<size_t>(model_->batch_size()), device_);
        const models::NamedLosses losses = model_->train_step(x, epoch);
        ++done;
        if (progress.due(done)) {
          const auto values = models::read_losses(losses);
          progress.print(epoch, epochs, done, values);
          log.iteration(epoch, done, values, progress.images_per_second());
        }
      }
      end_epoch(epoch, log);
    }
    progress.finish(label + ": training done in " + format_duration(progress.elapsed_seconds()));
    RunResult result;
    if (fs::exists(model_path())) load_checkpoint(model_path(), model_->network_state());
    const ValidationScores val = score_validation(*model_, sets_);
    result.val_auc = validation_auc(val);
    const std::optional<DecisionRule> decision = store_decision(label, val);
    result.summaries = score_test(label, decision);
    result.test_false_alarms = test_false_alarms_;
    log.result(result.summaries, result.val_auc);
    print_validation_auc(label, result.val_auc);
    result.seconds = progress.elapsed_seconds();
    return result;
  }

 private:
  std::string checkpoint_path() const { return run_dir_ + "/checkpoint.safetensors"; }
  std::string model_path() const { return run_dir_ + "/model.safetensors"; }

  // The epoch to start at: 0 on a fresh run (after the model's prepare), or
  // the one after the checkpoint's with --resume.
  int64_t start_or_resume() {
    if (flags_.on("resume") && fs::exists(checkpoint_path())) {
      const Metadata meta = load_checkpoint(checkpoint_path(), model_->state());
      model_->state_loaded();
      const int64_t epoch = std::stoll(meta.at("epoch"));
      stopped_ = meta.count("stopped") && meta.at("stopped") == "1";
      std::printf("resuming %s at epoch %lld\n", checkpoint_path().c_str(),
                  static_cast<long long>(epoch + 1));
      return epoch;
    }
    model_->prepare(sets_.train);
    return 0;
  }

  void print_header(const std::string& label) {
    int64_t parameters = 0;
    for (const auto& [name, t] : model_->network_state()) parameters += t.numel();
    std::printf(
        "%s: %s, %lld training, %lld validation (+%lld other-class), %lld test images; "
        "%s, %lld parameters and buffers\n",
        label.c_str(), model_->name().c_str(), static_cast<long long>(sets_.train.n),
        static_cast<long long>(sets_.val.n), static_cast<long long>(sets_.val_novel.n),
        static_cast<long long>(sets_.test.n), to_string(device_).c_str(),
        static_cast<long long>(parameters));
  }

  // Model selection, the checkpoint and the log line after an epoch.
  void end_epoch(int64_t epoch, RunLog& log) {
    const models::EpochSelection selection = model_->end_epoch(epoch, sets_.val);
    if (selection.improved) {
      save_checkpoint(model_path(), model_->selected_state(),
                      with_run_metadata(model_->metadata(), epoch + 1, selection.criterion_name,
                                        selection.criterion));
    }
    stopped_ = selection.stop;
    Metadata meta = model_->metadata();
    meta["epoch"] = std::to_string(epoch + 1);
    meta["stopped"] = stopped_ ? "1" : "0";
    save_checkpoint(checkpoint_path(), model_->state(), meta);
    log.epoch(epoch, selection, validation_auc(score_validation(*model_, sets_)));
    if (stopped_) {
      std::printf("\n%s: the stopping rule ended training after epoch %lld\n",
                  model_->name().c_str(), static_cast<long long>(epoch + 1));
    }
  }

  static void print_validation_auc(const std::string& label, double val_auc) {
    if (std::isnan(val_auc)) return;
    std::printf("%s: validation AUC %.4f (validation normals against other-class images)\n",
                label.c_str(), val_auc);
  }

  // The decision rule from the selected model's validation scores, added to
  // model.safetensors' metadata; none (with a note) when the validation
  // scores cannot give one.
  std::optional<DecisionRule> store_decision(const std::string& label, const ValidationScores& v) {
    DecisionRule d;
    try {
      d = choose_decision(flags_, model_->score_names().front(), v.normal, v.anomaly);
    } catch (const std::exception& e) {
      std::printf("%s: no decision threshold stored (scoring mode will refuse %s): %s\n",
                  label.c_str(), model_path().c_str(), e.what());
      return std::nullopt;
    }
    const std::vector<float> errors = set_pixel_errors(*model_, sets_.val);
    if (!errors.empty()) d.heatmap_scale = heatmap_scale(errors);
    Metadata meta =
        fs::exists(model_path()) ? read_checkpoint_metadata(model_path()) : model_->metadata();
    write_decision(d, meta);
    save_checkpoint(model_path(), model_->network_state(), meta);
    std::printf("%s: %s\n", label.c_str(), describe(d).c_str());
    if (d.rule == "false-alarm-rate" && d.target_rate * static_cast<double>(d.normals) < 5.0) {
      std::printf(
          "%s: note: %lld validation normals put a %.3g%% false-alarm threshold on their highest "
          "few scores, so it moves a lot with the sample; hold out more (--val-fraction) or ask "
          "for a higher --false-alarm-rate\n",
          label.c_str(), static_cast<long long>(d.normals), 100.0 * d.target_rate);
    }
    return d;
  }

  // Scores the test split with the selected model and writes every output.
  // A test of normal images alone (a normal-folder data set) has no AUC: its
  // scores are written, and how many of them the stored threshold flags.
  std::vector<EvaluationSummary> score_test(const std::string& label,
                                            const std::optional<DecisionRule>& decision) {
    const std::vector<int32_t>& is_normal = sets_.test_is_normal;
    const std::vector<NamedScores> scores = score_set(*model_, sets_.test);
    const bool has_novel = std::find(is_normal.begin(), is_normal.end(), 0) != is_normal.end();
    std::vector<EvaluationSummary> summaries;
    if (has_novel) {
      summaries = write_evaluation(
          run_dir_,
          model_->name() + " " + e_.dataset.name + " class " + std::to_string(known_class_), scores,
          is_normal, sets_.test, decision ? &decision->calibration : nullptr);
    } else if (decision) {
      write_scores_csv(run_dir_ + "/scores.csv", sets_.test, is_normal, scores,
                       decision->calibration);
    }
    write_pictures(test_pictures(*model_, sets_.test, is_normal), run_dir_);
    if (decision && decision->heatmap_scale > 0.0) {
      write_heatmap_grid(run_dir_ + "/heatmaps.png", *model_, picture_images(sets_.test, is_normal),
                         decision->heatmap_scale);
    }
    for (const EvaluationSummary& s : summaries) {
      std::printf("%s: test AUC %.4f (EER %.4f) with score %s\n", label.c_str(), s.auc, s.eer,
                  s.score.c_str());
    }
    test_false_alarms_ = std::nan("");
    if (!decision) return summaries;
    std::vector<double> normal_scores;
    for (size_t i = 0; i < is_normal.size(); ++i) {
      if (is_normal[i]) normal_scores.push_back(scores.front().values[i]);
    }
    test_false_alarms_ = metrics::flagged_fraction(normal_scores, decision->calibration.threshold);
    if (has_novel) {
      const metrics::DetectionStats at = metrics::stats_at_threshold(
          scores.front().values, is_normal, decision->calibration.threshold);
      std::printf(
          "%s: at the stored threshold, %.1f%% of test normals flagged (false alarms), %.1f%% "
          "of novel images flagged (detected), F1 %.4f\n",
          label.c_str(), 100.0 * test_false_alarms_, 100.0 * at.recall, at.f1);
    } else {
      std::printf(
          "%s: the test holds normal images alone (no AUC); at the stored threshold %.1f%% of "
          "its %zu images are flagged (false alarms). Score labelled anomalies with --score "
          "%s --normal ... --abnormal ...\n",
          label.c_str(), 100.0 * test_false_alarms_, normal_scores.size(), model_path().c_str());
    }
    return summaries;
  }

  const Flags& flags_;
  const ProgramSpec& spec_;
  const Experiment& e_;
  int64_t known_class_;
  uint64_t seed_;
  Device device_;
  std::string run_dir_;
  data::SplitSets sets_;
  std::unique_ptr<models::OneClassModel> model_;
  bool stopped_ = false;
  double test_false_alarms_ = 0.0;
};

int train_mode(const Flags& f, const ProgramSpec& spec) {
  const Experiment e = load_experiment(f);
  const Device device = device_from_flag(f.str("device"));
  const std::string out = f.str("out");
  fs::create_directories(out);
  std::vector<metrics::ResultsTable> tables;
  // What choosing settings may look at: the validation AUC, never the test's.
  metrics::ResultsTable val_table("val_auc", spec.model_name + ", " + e.dataset.name +
                                                 ", protocol " + std::to_string(e.protocol) +
                                                 ", validation AUC (default score)");
  metrics::ResultsTable false_alarm_table(
      "test_false_alarm_rate", spec.model_name + ", " + e.dataset.name + ", protocol " +
                                   std::to_string(e.protocol) +
                                   ", share of test normals flagged at the stored threshold");
  double seconds = 0.0;
  for (int64_t c : e.classes) {
    for (int64_t seed : e.seeds) {
      const std::string run_dir = out + "/" + e.dataset.name + "/class" + std::to_string(c) +
                                  "/seed" + std::to_string(seed);
      const RunResult r =
          OneClassRun(f, spec, e, c, static_cast<uint64_t>(seed), device, run_dir).run();
      if (tables.empty()) {
        for (const EvaluationSummary& s : r.summaries) {
          const std::string title = spec.model_name + ", " + e.dataset.name + ", protocol " +
                                    std::to_string(e.protocol) + ", score " + s.score;
          tables.emplace_back(tables.empty() ? "auc" : "auc_" + s.score, title);
        }
      }
      const std::string& name = e.dataset.class_names[static_cast<size_t>(c)];
      const std::string row = name == std::to_string(c) ? name : std::to_string(c) + " " + name;
      for (size_t k = 0; k < r.summaries.size(); ++k) {
        tables[k].add(row, static_cast<uint64_t>(seed), r.summaries[k].auc);
      }
      if (!std::isnan(r.val_auc)) val_table.add(row, static_cast<uint64_t>(seed), r.val_auc);
      if (!std::isnan(r.test_false_alarms)) {
        false_alarm_table.add(row, static_cast<uint64_t>(seed), r.test_false_alarms);
      }
      seconds += r.seconds;
    }
  }
  // After the test AUCs, or first when the test had normal images alone.
  if (!false_alarm_table.empty()) tables.push_back(false_alarm_table);
  if (!val_table.empty()) tables.push_back(val_table);
  NOVA_CHECK(!tables.empty(),
             "no results: the test split had no novel images and no threshold "
             "was stored");
  write_results(out, tables, paper_figures(spec.model_key, e.dataset.name, e.protocol),
                f.command_line(), to_string(device), seconds);
  return 0;
}

}  // namespace

Device device_from_flag(const std::string& name) {
  return name == "auto" ? default_device() : parse_device(name);
}

int run_one_class_program(int argc, char** argv, const ProgramSpec& spec) {
  Flags flags(spec.program, spec.summary);
  add_program_flags(flags, spec);
  try {
    if (!flags.parse(argc, argv)) {
      std::printf("%s", flags.help().c_str());
      return 0;
    }
    return flags.str("score").empty() ? train_mode(flags, spec) : score_mode(flags, spec);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", spec.program.c_str(), e.what());
    return 1;
  }
}

}  // namespace nova::apps
