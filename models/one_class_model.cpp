#include "models/one_class_model.h"

namespace nova::models {

std::vector<std::pair<std::string, double>> read_losses(const NamedLosses& losses) {
  std::vector<std::pair<std::string, double>> out;
  out.reserve(losses.size());
  for (const auto& [name, t] : losses) out.emplace_back(name, t.item());
  return out;
}

}  // namespace nova::models
