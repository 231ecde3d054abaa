// The scoring mode of every one-class program (--score CHECKPOINT): the
// images of --input (unlabelled) or of --normal and --abnormal (labelled by
// where they come from) get their raw scores, the calibrated score and the
// decision of the checkpoint's stored rule, written as CSV with a summary
// (counts; AUC and F1 when labels are known), and heat maps on request.
#pragma once

#include "apps/common/flags.h"
#include "apps/common/one_class_program.h"

namespace nova::apps {

// --score, --input, --normal, --abnormal, --scores-out, --heatmaps.
void add_score_mode_flags(Flags& flags);

int score_mode(const Flags& flags, const ProgramSpec& spec);

}  // namespace nova::apps
