// A tiny JSON writer and reader: enough for result tables and split files.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace nova::io {

// `s` as a JSON string literal, quotes included; control characters, quotes
// and backslashes escaped; other bytes (UTF-8) passed through.
std::string json_quote(const std::string& s);

// A finite number with enough digits to read back the same double; NaN and
// infinities become null (JSON has no spelling for them).
std::string json_number(double v);

// Streaming writer. Objects put one member per line (indented); arrays stay
// on one line, so long index lists do not take a line per number. A compact
// writer puts everything on one line (a JSON-lines record).
class JsonWriter {
 public:
  explicit JsonWriter(bool compact = false) : compact_(compact) {}
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(const std::string& k);
  JsonWriter& value(const std::string& s);
  JsonWriter& value(const char* s) { return value(std::string(s)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool b);
  JsonWriter& null();
  template <typename T>
  std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, JsonWriter&> value(T v) {
    return raw(std::to_string(v));
  }
  template <typename T>
  JsonWriter& array(const std::vector<T>& values) {
    begin_array();
    for (const T& v : values) value(v);
    return end_array();
  }
  // The text so far; complete once every begin_ has its end_.
  const std::string& str() const { return out_; }

 private:
  JsonWriter& raw(const std::string& token);
  void before_value();
  struct Level {
    bool object;
    bool empty = true;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
  bool compact_ = false;
  std::string out_;
};

// Parsed JSON value. Numbers keep their text so 64-bit integers read back
// exactly.
struct JsonValue {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::string text;                                        // string contents, or a number's literal
  std::vector<JsonValue> items;                            // Array
  std::vector<std::pair<std::string, JsonValue>> members;  // Object, in file order

  // Member `k` of an object; throws naming `k` when absent or not an object.
  const JsonValue& at(const std::string& k) const;
  bool has(const std::string& k) const;
  double as_double() const;
  int64_t as_int64() const;
  uint64_t as_uint64() const;
  const std::string& as_string() const;
  const std::vector<JsonValue>& as_array() const;
};

// Parses a whole document. `source` names the text (a file) in errors, which
// also give the byte offset.
JsonValue parse_json(const std::string& text, const std::string& source);

}  // namespace nova::io
