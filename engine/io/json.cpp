#include "engine/io/json.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace nova::io {

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (ch < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  // The shortest of %.15g .. %.17g that reads back the same double.
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  if (stack_.back().object) throw std::logic_error("JsonWriter: a value in an object needs a key");
  if (!stack_.back().empty) out_ += compact_ ? "," : ", ";
  stack_.back().empty = false;
}

JsonWriter& JsonWriter::raw(const std::string& token) {
  before_value();
  out_ += token;
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += "{";
  stack_.push_back({true});
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  if (stack_.empty() || !stack_.back().object) throw std::logic_error("JsonWriter: no object");
  const bool empty = stack_.back().empty;
  stack_.pop_back();
  if (!empty && !compact_) out_ += "\n" + std::string(2 * stack_.size(), ' ');
  out_ += "}";
  if (stack_.empty() && !compact_) out_ += "\n";
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += "[";
  stack_.push_back({false});
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  if (stack_.empty() || stack_.back().object) throw std::logic_error("JsonWriter: no array");
  stack_.pop_back();
  out_ += "]";
  return *this;
}

JsonWriter& JsonWriter::key(const std::string& k) {
  if (stack_.empty() || !stack_.back().object || after_key_) {
    throw std::logic_error("JsonWriter: key '" + k + "' outside an object");
  }
  if (!stack_.back().empty) out_ += ",";
  stack_.back().empty = false;
  if (compact_) {
    out_ += json_quote(k) + ":";
  } else {
    out_ += "\n" + std::string(2 * stack_.size(), ' ') + json_quote(k) + ": ";
  }
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(const std::string& s) { return raw(json_quote(s)); }
JsonWriter& JsonWriter::value(double v) { return raw(json_number(v)); }
JsonWriter& JsonWriter::value(bool b) { return raw(b ? "true" : "false"); }
JsonWriter& JsonWriter::null() { return raw("null"); }

// ---- reading ----

const JsonValue& JsonValue::at(const std::string& k) const {
  if (kind != Kind::Object)
    throw std::runtime_error("JSON: expected an object holding '" + k + "'");
  for (const auto& m : members) {
    if (m.first == k) return m.second;
  }
  throw std::runtime_error("JSON: missing member '" + k + "'");
}

bool JsonValue::has(const std::string& k) const {
  if (kind != Kind::Object) return false;
  for (const auto& m : members) {
    if (m.first == k) return true;
  }
  return false;
}

double JsonValue::as_double() const {
  if (kind != Kind::Number) throw std::runtime_error("JSON: expected a number");
  return std::strtod(text.c_str(), nullptr);
}

int64_t JsonValue::as_int64() const {
  if (kind != Kind::Number) throw std::runtime_error("JSON: expected an integer");
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') {
    throw std::runtime_error("JSON: expected an integer in 64-bit range, got " + text);
  }
  return v;
}

uint64_t JsonValue::as_uint64() const {
  if (kind != Kind::Number || text.empty() || text[0] == '-') {
    throw std::runtime_error("JSON: expected a non-negative integer");
  }
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') {
    throw std::runtime_error("JSON: expected an unsigned 64-bit integer, got " + text);
  }
  return v;
}

const std::string& JsonValue::as_string() const {
  if (kind != Kind::String) throw std::runtime_error("JSON: expected a string");
  return text;
}

const std::vector<JsonValue>& JsonValue::as_array() const {
  if (kind != Kind::Array) throw std::runtime_error("JSON: expected an array");
  return items;
}

namespace {

class Parser {
 public:
  Parser(const std::string& text, const std::string& source) : s_(text), source_(source) {}

  JsonValue document() {
    JsonValue v = value(0);
    skip_ws();
    if (pos_ != s_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& msg) {
    throw std::runtime_error("JSON '" + source_ + "' at byte " + std::to_string(pos_) + ": " + msg);
  }
  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) {
      ++pos_;
    }
  }
  char peek() {
    skip_ws();
    if (pos_ >= s_.size()) fail("unexpected end of text");
    return s_[pos_];
  }
  void expect(char ch) {
    if (peek() != ch) fail(std::string("expected '") + ch + "'");
    ++pos_;
  }
  bool literal(const char* word) {
    const std::string w(word);
    if (s_.compare(pos_, w.size(), w) == 0) {
      pos_ += w.size();
      return true;
    }
    return false;
  }

  JsonValue value(int depth) {
    if (depth > 64) fail("nesting deeper than 64 levels");
    JsonValue v;
    const char ch = peek();
    if (ch == '{') {
      v.kind = JsonValue::Kind::Object;
      ++pos_;
      if (peek() == '}') {
        ++pos_;
        return v;
      }
      while (true) {
        if (peek() != '"') fail("expected a member name in quotes");
        std::string k = string_body();
        expect(':');
        v.members.emplace_back(std::move(k), value(depth + 1));
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (ch == '[') {
      v.kind = JsonValue::Kind::Array;
      ++pos_;
      if (peek() == ']') {
        ++pos_;
        return v;
      }
      while (true) {
        v.items.push_back(value(depth + 1));
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (ch == '"') {
      v.kind = JsonValue::Kind::String;
      v.text = string_body();
      return v;
    }
    if (literal("true")) {
      v.kind = JsonValue::Kind::Bool;
      v.boolean = true;
      return v;
    }
    if (literal("false")) {
      v.kind = JsonValue::Kind::Bool;
      return v;
    }
    if (literal("null")) return v;
    if (ch == '-' || (ch >= '0' && ch <= '9')) {
      const size_t start = pos_;
      if (s_[pos_] == '-') ++pos_;
      auto digits = [&] {
        const size_t d0 = pos_;
        while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
        if (pos_ == d0) fail("malformed number");
      };
      digits();
      if (pos_ < s_.size() && s_[pos_] == '.') {
        ++pos_;
        digits();
      }
      if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
        ++pos_;
        if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
        digits();
      }
      v.kind = JsonValue::Kind::Number;
      v.text = s_.substr(start, pos_ - start);
      return v;
    }
    fail(std::string("unexpected character '") + ch + "'");
  }

  std::string string_body() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) fail("unterminated string");
      const char ch = s_[pos_++];
      if (ch == '"') return out;
      if (static_cast<unsigned char>(ch) < 0x20) fail("control character inside a string");
      if (ch != '\\') {
        out += ch;
        continue;
      }
      if (pos_ >= s_.size()) fail("unterminated escape");
      const char e = s_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00) {
            if (!literal("\\u")) fail("unpaired surrogate");
            const uint32_t lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("invalid surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(out, cp);
          break;
        }
        default:
          fail(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  uint32_t hex4() {
    if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= static_cast<uint32_t>(h - 'A' + 10);
      else
        fail("invalid hex digit in \\u escape");
    }
    return v;
  }

  static void utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  const std::string& s_;
  std::string source_;
  size_t pos_ = 0;
};

}  // namespace

JsonValue parse_json(const std::string& text, const std::string& source) {
  return Parser(text, source).document();
}

}  // namespace nova::io
