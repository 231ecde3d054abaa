// NOVA_CHECK: an always-on check (never compiled out, unlike assert) that
// throws nova::Error with a message naming what was wrong.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace nova {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
inline void append_all(std::ostringstream&) {}
template <typename First, typename... Rest>
void append_all(std::ostringstream& out, const First& first, const Rest&... rest) {
  out << first;
  append_all(out, rest...);
}
}  // namespace detail

template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  detail::append_all(out, parts...);
  return out.str();
}

}  // namespace nova

#define NOVA_CHECK(cond, ...)                                      \
  do {                                                             \
    if (!(cond)) throw ::nova::Error(::nova::concat(__VA_ARGS__)); \
  } while (0)
