#include "engine/data/split_json.h"

#include <stdexcept>

#include "engine/io/json.h"
#include "engine/io/text_file.h"

namespace nova::data {

using io::JsonValue;
using io::JsonWriter;

std::string split_to_json(const Split& split) {
  JsonWriter w;
  w.begin_object();
  w.key("format").value("nova-split");
  w.key("version").value(2);
  w.key("dataset").value(split.dataset);
  w.key("class").value(split.known_class);
  w.key("seed").value(split.seed);
  w.key("protocol").value(split.protocol);
  w.key("train_fraction").value(split.train_fraction);
  w.key("val_fraction").value(split.val_fraction);
  w.key("pool_size").value(split.pool_size);
  w.key("n_train_split").value(split.n_train_split);
  w.key("train").array(split.train);
  w.key("val").array(split.val);
  w.key("test").array(split.test);
  w.key("test_labels").array(split.test_labels);
  w.key("val_novel").array(split.val_novel);
  w.end_object();
  return w.str();
}

Split split_from_json(const std::string& text, const std::string& source) {
  const JsonValue doc = io::parse_json(text, source);
  Split s;
  try {
    if (doc.at("format").as_string() != "nova-split") {
      throw std::runtime_error("\"format\" is '" + doc.at("format").as_string() +
                               "', expected 'nova-split'");
    }
    // Version 1 files have no validation negatives.
    const int64_t version = doc.at("version").as_int64();
    if (version != 1 && version != 2) {
      throw std::runtime_error("unsupported version " + doc.at("version").text +
                               ", expected 1 or 2");
    }
    s.dataset = doc.at("dataset").as_string();
    s.known_class = static_cast<int32_t>(doc.at("class").as_int64());
    s.seed = doc.at("seed").as_uint64();
    s.protocol = static_cast<int>(doc.at("protocol").as_int64());
    s.train_fraction = doc.at("train_fraction").as_double();
    s.val_fraction = doc.at("val_fraction").as_double();
    s.pool_size = doc.at("pool_size").as_int64();
    s.n_train_split = doc.at("n_train_split").as_int64();
    auto indices = [&](const char* k) {
      std::vector<int64_t> out;
      for (const JsonValue& v : doc.at(k).as_array()) out.push_back(v.as_int64());
      return out;
    };
    s.train = indices("train");
    s.val = indices("val");
    s.test = indices("test");
    for (const JsonValue& v : doc.at("test_labels").as_array()) {
      s.test_labels.push_back(static_cast<int32_t>(v.as_int64()));
    }
    if (version >= 2) s.val_novel = indices("val_novel");
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("split file '" + source + "': " + e.what());
  }
  validate_split(s, s.pool_size, source);
  return s;
}

void write_split_json(const std::string& path, const Split& split) {
  io::write_text_file(path, split_to_json(split));
}

Split read_split_json(const std::string& path) {
  return split_from_json(io::read_text_file(path), path);
}

}  // namespace nova::data
