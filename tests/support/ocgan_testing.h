// A small but complete OCGAN (the paper's Algorithm 1 with narrow networks)
// that the OCGAN tests share, so they run in seconds on the CPU.
#pragma once

#include "models/ocgan/config.h"

namespace nova::testing {

inline ocgan::Config small_ocgan_config() {
  ocgan::Config c = ocgan::preset("paper");
  c.base_channels = 8;
  c.latent_channels = 8;
  c.visual_base_channels = 4;
  c.classifier_base_channels = 4;
  c.latent_disc_widths = {16, 8};
  c.batch_size = 8;
  return c;
}

}  // namespace nova::testing
