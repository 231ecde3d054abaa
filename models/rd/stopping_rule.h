// The stopping rule of R+D (the journal's section IV-E1) as a pure function
// of the validation figures, so it can be tested on scripted sequences.
//
// The paper: stop "when R can successfully reconstruct and denoise (noisy)
// normal images", ||X - X'||^2 < rho, "and D efficiently classifies its
// input"; in practice "θr and θd were saved as best parameter settings of R
// [when R was at its best], and networks were continued to be trained until D
// satisfy condition (2) [a high accuracy]. Parameters of every network are
// saved when they were in their best performance."
//
// Our reading, on validation images of the normal class only:
// - R's figure is its mean reconstruction error on noisy validation images;
//   R's parameters are kept whenever it is the lowest so far, for the whole
//   run. While R has not yet gone below rho, D's parameters are kept with
//   R's (the pair θr, θd).
// - Once R's error has gone below rho, both networks keep training (the
//   paper's "networks were continued to be trained"); D's figure is its
//   accuracy at telling real validation images (label 1) from the kept R's
//   reconstructions of their noisy versions (label 0); D's parameters are
//   kept whenever that accuracy is the highest since, and training stops
//   once it reaches detector_accuracy: D "separates".
// - In "epochs" mode both networks are kept at R's lowest error and the rule
//   never stops training.
#pragma once

#include <limits>

namespace nova::rd {

class StoppingRule {
 public:
  enum class Mode { Rule, Epochs };

  struct Decision {
    bool keep_refiner = false;   // R's current parameters become the selected ones
    bool keep_detector = false;  // D's current parameters become the selected ones
    bool stop = false;           // training is over
  };

  // What the rule remembers between epochs (checkpointed by the model).
  struct Memory {
    double best_refiner_error = std::numeric_limits<double>::infinity();
    double best_detector_accuracy = -1.0;  // since R went below rho
    bool refiner_converged = false;        // R's error has gone below rho
  };

  StoppingRule(Mode mode, double rho, double detector_accuracy)
      : mode_(mode), rho_(rho), detector_accuracy_(detector_accuracy) {}

  // Whether an epoch with this validation error keeps R's parameters; asked
  // before D's accuracy is measured, which uses the kept R.
  bool keeps_refiner(double refiner_error) const {
    return refiner_error < memory_.best_refiner_error;
  }
  // The verdict after an epoch; updates the memory.
  Decision update(double refiner_error, double detector_accuracy);

  const Memory& memory() const { return memory_; }
  void set_memory(const Memory& memory) { memory_ = memory; }

 private:
  Mode mode_;
  double rho_, detector_accuracy_;
  Memory memory_;
};

}  // namespace nova::rd
