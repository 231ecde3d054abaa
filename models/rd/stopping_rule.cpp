#include "models/rd/stopping_rule.h"

namespace nova::rd {

StoppingRule::Decision StoppingRule::update(double refiner_error, double detector_accuracy) {
  Decision d;
  d.keep_refiner = keeps_refiner(refiner_error);
  if (d.keep_refiner) memory_.best_refiner_error = refiner_error;
  if (mode_ == Mode::Epochs || !memory_.refiner_converged) {
    // The pair (θr, θd) is kept together until R has converged.
    d.keep_detector = d.keep_refiner;
  }
  if (mode_ == Mode::Epochs) return d;

  if (!memory_.refiner_converged && refiner_error < rho_) memory_.refiner_converged = true;
  if (memory_.refiner_converged) {
    if (detector_accuracy > memory_.best_detector_accuracy) {
      memory_.best_detector_accuracy = detector_accuracy;
      d.keep_detector = true;
    }
    d.stop = detector_accuracy >= detector_accuracy_;
  }
  return d;
}

}  // namespace nova::rd
