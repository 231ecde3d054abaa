#include "models/oclr/config.h"

#include "engine/error.h"
#include "kernels/common/shapes.h"
#include "models/config_metadata.h"

namespace nova::oclr {

int64_t Config::feature_size() const {
  int64_t s = image_size;
  for (int64_t i = 0; i < depth; ++i) {
    // A padded map smaller than the kernel has no valid output (PyTorch refuses it).
    if (s + 2 * padding() < kernel) return 0;
    s = kernels::conv_out_size(s, kernel, kStride, padding(), 1);
  }
  return s;
}

void Config::validate() const {
  NOVA_CHECK(image_channels == 1 || image_channels == 3,
             "OCLR: images must have 1 or 3 channels, got ", image_channels);
  NOVA_CHECK(kernel == 4 || kernel == 5, "OCLR: --kernel must be 4 or 5, got ", kernel);
  NOVA_CHECK(depth >= 1 && depth <= 6, "OCLR: --depth must be 1..6, got ", depth);
  NOVA_CHECK(image_size >= 8 && feature_size() >= 1, "OCLR: image size ", image_size,
             " is too small for ", depth, " stride-2 layers");
  NOVA_CHECK(base_channels >= 1, "OCLR: --base-channels must be >= 1, got ", base_channels);
  NOVA_CHECK(disc_base_channels >= 1, "OCLR: --disc-base-channels must be >= 1, got ",
             disc_base_channels);
  NOVA_CHECK(latent_dim >= 1, "OCLR: --latent-dim must be >= 1, got ", latent_dim);
  NOVA_CHECK(leaky_slope >= 0.0 && leaky_slope < 1.0,
             "OCLR: --leaky-slope must lie in [0, 1), got ", leaky_slope);
  const std::pair<const char*, double> weights[] = {{"--w-irec", w_irec}, {"--w-adv", w_adv},
                                                    {"--w-zrec", w_zrec}, {"--w-center", w_center},
                                                    {"--w-dual", w_dual}, {"--k", k}};
  for (const auto& [flag, value] : weights) {
    NOVA_CHECK(value >= 0.0, "OCLR: ", flag, " must be >= 0, got ", value);
  }
  NOVA_CHECK(w_irec > 0.0, "OCLR: --w-irec must be > 0 (L_irec is in every composition)");
  NOVA_CHECK(lr > 0.0, "OCLR: --lr must be > 0, got ", lr);
  NOVA_CHECK(beta1 >= 0.0 && beta1 < 1.0 && beta2 >= 0.0 && beta2 < 1.0,
             "OCLR: Adam's betas must lie in [0, 1), got ", beta1, " and ", beta2);
  NOVA_CHECK(batch_size >= 2,
             "OCLR: --batch-size must be at least 2 (batchnorm needs a batch), got ", batch_size);
}

namespace {

// One table of (key, field) drives both directions so they cannot drift apart.
template <typename Visit>
void visit_fields(Config& c, Visit&& v) {
  v("oclr.preset", c.preset);
  v("oclr.image_channels", c.image_channels);
  v("oclr.image_size", c.image_size);
  v("oclr.kernel", c.kernel);
  v("oclr.depth", c.depth);
  v("oclr.base_channels", c.base_channels);
  v("oclr.latent_dim", c.latent_dim);
  v("oclr.leaky_slope", c.leaky_slope);
  v("oclr.disc_base_channels", c.disc_base_channels);
  v("oclr.w_irec", c.w_irec);
  v("oclr.w_adv", c.w_adv);
  v("oclr.w_zrec", c.w_zrec);
  v("oclr.w_center", c.w_center);
  v("oclr.w_dual", c.w_dual);
  v("oclr.k", c.k);
  v("oclr.use_adv", c.use_adv);
  v("oclr.use_zrec", c.use_zrec);
  v("oclr.use_center", c.use_center);
  v("oclr.use_dual", c.use_dual);
  v("oclr.zrec_trains_auxiliary", c.zrec_trains_auxiliary);
  v("oclr.lr", c.lr);
  v("oclr.beta1", c.beta1);
  v("oclr.beta2", c.beta2);
  v("oclr.batch_size", c.batch_size);
}

}  // namespace

std::map<std::string, std::string> to_metadata(const Config& config) {
  std::map<std::string, std::string> out;
  Config copy = config;
  visit_fields(copy, models::MetadataWriter{out});
  return out;
}

Config from_metadata(const std::map<std::string, std::string>& metadata) {
  Config c;
  visit_fields(c, models::MetadataReader{metadata, "OCLR"});
  c.validate();
  return c;
}

Config preset(const std::string& name) {
  Config c;
  c.preset = name;
  // Table 1 adds the terms in this order; each preset switches off the tail.
  if (name == "paper") return c;
  c.use_dual = false;
  if (name == "irec_adv_zrec_c") return c;
  c.use_center = false;
  if (name == "irec_adv_zrec") return c;
  c.use_zrec = false;
  if (name == "irec_adv") return c;
  c.use_adv = false;
  if (name == "autoencoder") return c;
  throw Error("--preset: unknown preset '" + name +
              "' (expected paper, irec_adv_zrec_c, irec_adv_zrec, irec_adv or autoencoder)");
}

std::vector<std::string> preset_names() {
  return {"paper", "irec_adv_zrec_c", "irec_adv_zrec", "irec_adv", "autoencoder"};
}

}  // namespace nova::oclr
