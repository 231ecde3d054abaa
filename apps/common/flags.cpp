#include "apps/common/flags.h"

#include <cstdlib>
#include <sstream>

#include "engine/error.h"

namespace nova::apps {

namespace {

int64_t to_int(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  NOVA_CHECK(!text.empty() && end && *end == '\0', "--", flag, ": expected an integer, got '", text,
             "'");
  return v;
}

double to_double(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  NOVA_CHECK(!text.empty() && end && *end == '\0', "--", flag, ": expected a number, got '", text,
             "'");
  return v;
}

}  // namespace

Flags::Flags(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

void Flags::declare(const std::string& name, Kind kind, std::string value,
                    const std::string& help) {
  flags_[name] = Flag{kind, std::move(value), help, false};
  order_.push_back(name);
}

void Flags::add_string(const std::string& name, const std::string& fallback,
                       const std::string& help) {
  declare(name, Kind::String, fallback, help);
}

void Flags::add_int(const std::string& name, int64_t fallback, const std::string& help) {
  declare(name, Kind::Int, std::to_string(fallback), help);
}

void Flags::add_double(const std::string& name, double fallback, const std::string& help) {
  std::ostringstream out;
  out << fallback;
  declare(name, Kind::Double, out.str(), help);
}

void Flags::add_switch(const std::string& name, const std::string& help) {
  declare(name, Kind::Switch, "false", help);
}

bool Flags::parse(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return false;
    NOVA_CHECK(arg.rfind("--", 0) == 0 && arg.size() > 2, "unexpected argument '", arg,
               "' (flags look like --name value; see --help)");
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto it = flags_.find(name);
    NOVA_CHECK(it != flags_.end(), "unknown flag --", name, " (see --help)");
    Flag& flag = it->second;
    if (flag.kind == Kind::Switch) {
      NOVA_CHECK(!has_value, "--", name, " is a switch and takes no value");
      value = "true";
    } else if (!has_value) {
      NOVA_CHECK(i + 1 < argc, "--", name, " needs a value");
      value = argv[++i];
    }
    if (flag.kind == Kind::Int) to_int(name, value);
    if (flag.kind == Kind::Double) to_double(name, value);
    NOVA_CHECK(!flag.given, "--", name, " given twice");
    flag.value = value;
    flag.given = true;
  }
  return true;
}

const Flags::Flag& Flags::find(const std::string& name, Kind kind) const {
  auto it = flags_.find(name);
  NOVA_CHECK(it != flags_.end() && it->second.kind == kind, "internal: flag --", name,
             " read with the wrong type or never declared");
  return it->second;
}

const std::string& Flags::str(const std::string& name) const {
  return find(name, Kind::String).value;
}
int64_t Flags::integer(const std::string& name) const {
  return to_int(name, find(name, Kind::Int).value);
}
double Flags::real(const std::string& name) const {
  return to_double(name, find(name, Kind::Double).value);
}
bool Flags::on(const std::string& name) const { return find(name, Kind::Switch).value == "true"; }

bool Flags::given(const std::string& name) const {
  auto it = flags_.find(name);
  return it != flags_.end() && it->second.given;
}

std::string Flags::help() const {
  std::ostringstream out;
  out << "usage: " << program_ << " [flags]\n\n" << summary_ << "\n\nflags:\n";
  for (const std::string& name : order_) {
    const Flag& f = flags_.at(name);
    std::string left = "  --" + name;
    if (f.kind != Kind::Switch) left += " " + std::string(f.kind == Kind::String ? "S" : "N");
    out << left;
    for (size_t pad = left.size(); pad < 28; ++pad) out << ' ';
    out << ' ' << f.help;
    if (f.kind != Kind::Switch && !f.value.empty()) out << " [" << f.value << "]";
    out << "\n";
  }
  return out.str();
}

void Flags::apply(const std::string& name, int64_t& field) const {
  if (given(name)) field = integer(name);
}
void Flags::apply(const std::string& name, double& field) const {
  if (given(name)) field = real(name);
}
void Flags::apply(const std::string& name, std::string& field) const {
  if (given(name)) field = str(name);
}

std::string Flags::command_line() const {
  std::string out = program_;
  for (const std::string& name : order_) {
    const Flag& flag = flags_.at(name);
    if (!flag.given) continue;
    out += " --" + name;
    if (flag.kind != Kind::Switch) out += " " + flag.value;
  }
  return out;
}

std::vector<int64_t> parse_index_list(const std::string& flag, const std::string& text,
                                      int64_t count_for_all) {
  std::vector<int64_t> out;
  if (text == "all") {
    NOVA_CHECK(count_for_all > 0, "--", flag, ": 'all' is not available here");
    for (int64_t i = 0; i < count_for_all; ++i) out.push_back(i);
    return out;
  }
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) out.push_back(to_int(flag, part));
  NOVA_CHECK(!out.empty(), "--", flag, ": expected a comma-separated list, got '", text, "'");
  return out;
}

}  // namespace nova::apps
