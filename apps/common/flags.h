// Command-line flags: declared with a default and a help line, parsed from
// --name value / --name=value / --switch, with clear errors naming the flag.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nova::apps {

class Flags {
 public:
  Flags(std::string program, std::string summary);

  void add_string(const std::string& name, const std::string& fallback, const std::string& help);
  void add_int(const std::string& name, int64_t fallback, const std::string& help);
  void add_double(const std::string& name, double fallback, const std::string& help);
  void add_switch(const std::string& name, const std::string& help);  // off unless given

  // Throws nova::Error on an unknown flag, a missing or malformed value.
  // Returns false when --help was asked for (the caller prints help()).
  bool parse(int argc, const char* const* argv);

  const std::string& str(const std::string& name) const;
  int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  bool on(const std::string& name) const;
  bool given(const std::string& name) const;  // set on the command line
  // Overwrites `field` with the flag's value when the flag was given (a
  // setting over a preset's).
  void apply(const std::string& name, int64_t& field) const;
  void apply(const std::string& name, double& field) const;
  void apply(const std::string& name, std::string& field) const;
  std::string help() const;
  // The program and the flags given on the command line, to repeat a run.
  std::string command_line() const;

 private:
  enum class Kind { String, Int, Double, Switch };
  struct Flag {
    Kind kind;
    std::string value, help;
    bool given = false;
  };
  const Flag& find(const std::string& name, Kind kind) const;
  void declare(const std::string& name, Kind kind, std::string value, const std::string& help);

  std::string program_, summary_;
  std::map<std::string, Flag> flags_;
  std::vector<std::string> order_;
};

// Parses "0,3,5" or "all" (0..count-1) into a list of class indices, and
// "0,1,2" into seeds; throws naming the flag.
std::vector<int64_t> parse_index_list(const std::string& flag, const std::string& text,
                                      int64_t count_for_all);

}  // namespace nova::apps
