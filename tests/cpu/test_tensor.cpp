// Tensor basics: creation, views, copies, dtype casts, and shape errors that
// name the op and both shapes.
#include <catch2/catch.hpp>

#include "engine/error.h"
#include "engine/ops.h"
#include "engine/random.h"

using namespace nova;

TEST_CASE("tensor: creation and element access", "[tensor]") {
  Tensor t = Tensor::full({2, 3}, 1.5);
  CHECK(t.numel() == 6);
  CHECK(t.dim() == 2);
  CHECK(t.size(-1) == 3);
  CHECK(t.dtype() == DType::Float32);
  CHECK(t.device() == Device::CPU);
  for (float v : t.to_vector()) CHECK(v == 1.5f);
  CHECK(Tensor::zeros({4}).to_vector() == std::vector<float>(4, 0.0f));
  REQUIRE_THROWS_WITH(t.data<double>(), Catch::Contains("float32"));
  REQUIRE_THROWS_WITH(Tensor::from_vector(std::vector<float>{1, 2, 3}, {2, 2}),
                      Catch::Contains("do not fill shape [2, 2]"));
}

TEST_CASE("tensor: reshape shares storage, clone does not", "[tensor]") {
  Tensor t = Tensor::from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor v = t.reshape({3, -1});
  CHECK(v.shape() == Shape{3, 2});
  CHECK(v.raw_data() == t.raw_data());
  Tensor c = t.clone();
  CHECK(c.raw_data() != t.raw_data());
  CHECK(c.to_vector() == t.to_vector());
  CHECK(t.flatten(0).shape() == Shape{6});
  REQUIRE_THROWS_WITH(t.reshape({4, 2}), Catch::Contains("[2, 3]") && Catch::Contains("[4, 2]"));
}

TEST_CASE("tensor: dtype casts round-trip", "[tensor]") {
  Tensor t = Tensor::from_vector(std::vector<float>{0.25f, -3.5f, 7.0f}, {3});
  Tensor d = t.to(DType::Float64);
  CHECK(d.dtype() == DType::Float64);
  CHECK(d.to_double_vector() == std::vector<double>{0.25, -3.5, 7.0});
  CHECK(d.to(DType::Float32).to_vector() == t.to_vector());
}

TEST_CASE("tensor: ops name the op and both shapes on a mismatch", "[tensor]") {
  Tensor a = Tensor::zeros({2, 3}), b = Tensor::zeros({3, 2});
  REQUIRE_THROWS_WITH(
      add(a, b), Catch::Contains("add") && Catch::Contains("[2, 3]") && Catch::Contains("[3, 2]"));
  REQUIRE_THROWS_WITH(
      conv2d(Tensor::zeros({1, 2, 5, 5}), Tensor::zeros({4, 3, 3, 3}), Tensor(), {}),
      Catch::Contains("conv2d") && Catch::Contains("2 channels"));
  REQUIRE_THROWS_WITH(linear(Tensor::zeros({2, 5}), Tensor::zeros({3, 4}), Tensor()),
                      Catch::Contains("[2, 5]") && Catch::Contains("[3, 4]"));
  REQUIRE_THROWS_WITH(add(a, Tensor::zeros({2, 3}, DType::Float64)), Catch::Contains("dtypes"));
}

TEST_CASE("tensor: the same seed gives the same numbers", "[tensor][random]") {
  Generator g1(42), g2(42), g3(43);
  const auto a = uniform({100}, g1).to_vector();
  const auto b = uniform({100}, g2).to_vector();
  const auto c = uniform({100}, g3).to_vector();
  CHECK(a == b);
  CHECK(a != c);
  // A second draw continues the stream rather than repeating it.
  CHECK(uniform({100}, g1).to_vector() != a);
  CHECK(g1.offset() == 200);
}

TEST_CASE("tensor: printing shows shape, dtype and values", "[tensor]") {
  Tensor t = Tensor::from_vector(std::vector<float>{1, 2}, {1, 2});
  const std::string s = t.str();
  CHECK(s.find("[1, 2]") != std::string::npos);
  CHECK(s.find("float32") != std::string::npos);
}

TEST_CASE("tensor: --device values are checked", "[tensor]") {
  REQUIRE_THROWS_WITH(parse_device("tpu"), Catch::Contains("expected 'cpu' or 'cuda'"));
  CHECK(parse_device("cpu") == Device::CPU);
  if (cuda_available()) {
    CHECK(parse_device("cuda") == Device::CUDA);
  } else {
    REQUIRE_THROWS_WITH(parse_device("cuda"), Catch::Contains("--device cpu"));
  }
}
