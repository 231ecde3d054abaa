// File output: safetensors checkpoints (round trip, a byte-exact file written
// from the spec, truncated and mismatched files), atomic writes, CSV, JSONL,
// PNG grids and charts.
#include <stb/stb_image.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/checkpoint.h"
#include "engine/io/csv.h"
#include "engine/io/jsonl_log.h"
#include "engine/io/plot.h"
#include "engine/io/png.h"
#include "engine/io/safetensors.h"
#include "engine/io/text_file.h"
#include "engine/nn/layers.h"

using namespace nova;
namespace fs = std::filesystem;

namespace {

std::string temp_path(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("nova_io_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return (dir / name).string();
}

std::string read_bytes(const std::string& path) { return io::read_text_file(path); }

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

nn::NamedTensors sample_tensors() {
  Generator gen(5);
  return {{"encoder.0.weight", uniform({2, 3, 5, 5}, gen)},
          {"encoder.0.bias", uniform({2}, gen)},
          {"step", Tensor::from_vector(std::vector<double>{42.0}, {1})}};
}

}  // namespace

TEST_CASE("checkpoint: written tensors and metadata read back identically", "[io][checkpoint]") {
  const std::string path = temp_path("round_trip.safetensors");
  const nn::NamedTensors saved = sample_tensors();
  save_checkpoint(path, saved, {{"epoch", "3"}, {"note", "quote \" and \\ kept"}});
  nn::NamedTensors loaded;
  for (const auto& [name, t] : saved)
    loaded.emplace_back(name, Tensor::zeros(t.shape(), t.dtype()));
  const Metadata meta = load_checkpoint(path, loaded);
  CHECK(meta.at("epoch") == "3");
  CHECK(meta.at("note") == "quote \" and \\ kept");
  for (size_t i = 0; i < saved.size(); ++i) {
    CHECK(loaded[i].second.to_double_vector() == saved[i].second.to_double_vector());
  }
  CHECK_FALSE(fs::exists(path + ".tmp." + std::to_string(::getpid())));
}

TEST_CASE("safetensors: a file built byte by byte from the spec is read", "[io][checkpoint]") {
  // One F32 tensor "x" of shape [2] holding 1.5 and -2.0, no metadata.
  std::string header = R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  while (header.size() % 8) header += ' ';
  std::string file(8, '\0');
  file[0] = static_cast<char>(header.size());
  file += header;
  const float values[2] = {1.5f, -2.0f};
  file.append(reinterpret_cast<const char*>(values), sizeof values);
  const std::string path = temp_path("spec.safetensors");
  write_bytes(path, file);
  const io::SafetensorsFile loaded = io::load_safetensors(path);
  REQUIRE(loaded.arrays.size() == 1);
  CHECK(loaded.arrays[0].name == "x");
  CHECK(loaded.arrays[0].shape == std::vector<int64_t>{2});
  float back[2];
  std::memcpy(back, loaded.arrays[0].bytes.data(), sizeof back);
  CHECK(back[0] == 1.5f);
  CHECK(back[1] == -2.0f);
  // And Nova's own writer produces exactly these bytes.
  io::SafetensorsFile same;
  same.arrays.push_back(loaded.arrays[0]);
  io::save_safetensors(path + ".nova", same);
  CHECK(read_bytes(path + ".nova") == file);
}

TEST_CASE("safetensors: truncated and corrupt files are refused by name", "[io][checkpoint]") {
  const std::string path = temp_path("good.safetensors");
  save_checkpoint(path, sample_tensors());
  const std::string good = read_bytes(path);
  const std::string bad = temp_path("bad.safetensors");
  for (size_t cut :
       {size_t(0), size_t(5), size_t(8), size_t(40), good.size() / 2, good.size() - 1}) {
    INFO("cut at " << cut);
    write_bytes(bad, good.substr(0, cut));
    REQUIRE_THROWS_WITH(io::load_safetensors(bad),
                        Catch::Contains("bad.safetensors") && Catch::Contains("not a valid"));
  }
  std::string huge_header = good;
  huge_header[7] = 0x7F;  // a header length far past the end
  write_bytes(bad, huge_header);
  REQUIRE_THROWS_WITH(io::load_safetensors(bad), Catch::Contains("past the end"));
  std::string broken_json = good;
  broken_json[8] = '[';
  write_bytes(bad, broken_json);
  REQUIRE_THROWS_WITH(io::load_safetensors(bad), Catch::Contains("header"));
  write_bytes(bad, good + "extra");
  REQUIRE_THROWS_WITH(io::load_safetensors(bad), Catch::Contains("after the last tensor"));
  REQUIRE_THROWS_WITH(io::load_safetensors(temp_path("missing.safetensors")),
                      Catch::Contains("missing.safetensors"));
}

TEST_CASE("checkpoint: a mismatched model lists every difference", "[io][checkpoint]") {
  const std::string path = temp_path("mismatch.safetensors");
  save_checkpoint(path, sample_tensors());
  const nn::NamedTensors other = {{"encoder.0.weight", Tensor::zeros({2, 3, 3, 3})},
                                  {"encoder.0.bias", Tensor::zeros({2}, DType::Float64)},
                                  {"decoder.0.weight", Tensor::zeros({1})}};
  const auto before = other[0].second.to_vector();
  try {
    load_checkpoint(path, other);
    FAIL("a mismatched checkpoint was accepted");
  } catch (const std::exception& e) {
    const std::string msg = e.what();
    CHECK(msg.find("[2, 3, 5, 5]") != std::string::npos);       // shape
    CHECK(msg.find("F32, expected F64") != std::string::npos);  // dtype
    CHECK(msg.find("missing tensor 'decoder.0.weight'") != std::string::npos);
    CHECK(msg.find("unexpected tensor 'step'") != std::string::npos);
  }
  CHECK(other[0].second.to_vector() == before);  // nothing half-loaded
}

TEST_CASE("atomic write: a failed write leaves no file and no temporary", "[io]") {
  REQUIRE_THROWS_WITH(io::write_text_file("/nonexistent-dir/x.txt", "data"),
                      Catch::Contains("/nonexistent-dir/x.txt"));
  const std::string path = temp_path("atomic.txt");
  io::write_text_file(path, "first");
  io::write_text_file(path, "second");
  CHECK(read_bytes(path) == "second");
}

TEST_CASE("csv and jsonl: quoting and one record per line", "[io]") {
  CHECK(io::csv_field("plain") == "plain");
  CHECK(io::csv_field("a,b") == "\"a,b\"");
  CHECK(io::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  const std::string csv = temp_path("t.csv");
  io::write_csv(csv, {"image", "score"}, {{"x,1.png", "0.5"}});
  CHECK(read_bytes(csv) == "image,score\n\"x,1.png\",0.5\n");
  const std::string log_path = temp_path("t.jsonl");
  {
    io::JsonlLog log(log_path, false);
    log.write("{\"a\":1}");
    log.write("{\"b\":2}");
    REQUIRE_THROWS(log.write("{\n}"));
  }
  CHECK(read_bytes(log_path) == "{\"a\":1}\n{\"b\":2}\n");
}

TEST_CASE("png: an image grid decodes to the expected pixels", "[io][png]") {
  // Two 1x2x2 images: the first all -1 (black), the second all +1 (white).
  const std::vector<float> images = {-1, -1, -1, -1, 1, 1, 1, 1};
  const io::Image8 grid = io::image_grid(images.data(), 2, 1, 2, 2, 2, 3);
  const std::string path = temp_path("grid.png");
  io::write_png(path, grid);
  int w = 0, h = 0, c = 0;
  unsigned char* px = stbi_load(path.c_str(), &w, &h, &c, 1);
  REQUIRE(px != nullptr);
  CHECK(w == 2 * (2 * 3 + 2) + 2);
  CHECK(h == 2 * 3 + 2 + 2);
  CHECK(px[2 * w + 2] == 0);        // inside the first image
  CHECK(px[2 * w + 2 + 8] == 255);  // inside the second
  CHECK(px[0] == 255);              // the white gap
  stbi_image_free(px);
}

TEST_CASE("plots: ROC and histogram pictures are drawn", "[io][png]") {
  const std::string roc = temp_path("roc.png"), hist = temp_path("hist.png");
  io::write_roc_png(roc, {0.0, 0.1, 0.5, 1.0}, {0.0, 0.6, 0.9, 1.0}, "AUC 0.9");
  io::write_histogram_png(hist, {0.1, 0.2, 0.2, 0.3}, "NORMAL", {0.5, 0.6, 0.7}, "NOVEL", "T");
  for (const std::string& path : {roc, hist}) {
    int w = 0, h = 0, c = 0;
    unsigned char* px = stbi_load(path.c_str(), &w, &h, &c, 3);
    REQUIRE(px != nullptr);
    int64_t coloured = 0;  // pixels of the blue curve or bars
    for (int i = 0; i < w * h; ++i) coloured += px[3 * i + 2] > px[3 * i] + 60;
    CHECK(coloured > 100);
    stbi_image_free(px);
  }
  REQUIRE_THROWS(io::write_roc_png(roc, {0.0}, {0.0, 1.0}, "bad"));
}
