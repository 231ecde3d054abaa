#include "tests/support/op_cases.h"

namespace nova::testing {

using kernels::ConvShape;

ConvShape conv_layer_shape(int64_t n, int64_t c_in, int64_t h, int64_t w, int64_t c_out, int64_t k,
                           int64_t stride, int64_t pad) {
  ConvShape s;
  s.n = n;
  s.c_in = c_in;
  s.h_in = h;
  s.w_in = w;
  s.c_out = c_out;
  s.kh = s.kw = k;
  s.stride_h = s.stride_w = stride;
  s.pad_h = s.pad_w = pad;
  s.h_out = kernels::conv_out_size(h, k, stride, pad, 1);
  s.w_out = kernels::conv_out_size(w, k, stride, pad, 1);
  return s;
}

ConvShape conv_transpose_layer_shape(int64_t n, int64_t c_in, int64_t h, int64_t w, int64_t c_out,
                                     int64_t k, int64_t stride, int64_t pad,
                                     int64_t output_padding) {
  ConvShape s;
  s.n = n;
  s.c_out = c_in;  // the transposed layer's input is the conv's output
  s.h_out = h;
  s.w_out = w;
  s.c_in = c_out;
  s.kh = s.kw = k;
  s.stride_h = s.stride_w = stride;
  s.pad_h = s.pad_w = pad;
  s.h_in = kernels::conv_transpose_out_size(h, k, stride, pad, 1, output_padding);
  s.w_in = kernels::conv_transpose_out_size(w, k, stride, pad, 1, output_padding);
  return s;
}

namespace {

ConvCase forward_case(std::string name, ConvShape shape, CaseUse use) {
  return ConvCase{std::move(name), shape, false, 0, 0, use};
}

ConvCase transposed_case(std::string name, int64_t n, int64_t c_in, int64_t h, int64_t c_out,
                         int64_t k, int64_t stride, int64_t pad, int64_t output_padding,
                         CaseUse use) {
  return ConvCase{std::move(name),
                  conv_transpose_layer_shape(n, c_in, h, h, c_out, k, stride, pad, output_padding),
                  true,
                  output_padding,
                  output_padding,
                  use};
}

// The OCGAN layers of the paper's section 3.2 on 28x28 inputs at one batch size.
void add_ocgan_cases(std::vector<ConvCase>& cases, int64_t batch) {
  const std::string b = "b" + std::to_string(batch);
  const auto speed = CaseUse::Speed;
  // Encoder 1x28x28 -> 64x14x14 -> 128x7x7 -> 256x4x4.
  cases.push_back(
      forward_case("ocgan_enc1_" + b, conv_layer_shape(batch, 1, 28, 28, 64, 5, 2, 2), speed));
  cases.push_back(
      forward_case("ocgan_enc2_" + b, conv_layer_shape(batch, 64, 14, 14, 128, 5, 2, 2), speed));
  cases.push_back(
      forward_case("ocgan_enc3_" + b, conv_layer_shape(batch, 128, 7, 7, 256, 5, 2, 2), speed));
  // Decoder 256x4x4 -> 128x7x7 -> 64x14x14 -> 1x28x28.
  cases.push_back(transposed_case("ocgan_dec1_" + b, batch, 256, 4, 128, 5, 2, 2, 0, speed));
  cases.push_back(transposed_case("ocgan_dec2_" + b, batch, 128, 7, 64, 5, 2, 2, 1, speed));
  cases.push_back(transposed_case("ocgan_dec3_" + b, batch, 64, 14, 1, 5, 2, 2, 1, speed));
  // Visual discriminator (base 12) and classifier (base 64) first layers.
  cases.push_back(
      forward_case("ocgan_disc1_" + b, conv_layer_shape(batch, 1, 28, 28, 12, 5, 2, 2), speed));
  cases.push_back(
      forward_case("ocgan_disc2_" + b, conv_layer_shape(batch, 12, 14, 14, 24, 5, 2, 2), speed));
  cases.push_back(
      forward_case("ocgan_disc3_" + b, conv_layer_shape(batch, 24, 7, 7, 48, 5, 2, 2), speed));
}

}  // namespace

const std::vector<ConvCase>& conv_cases() {
  static const std::vector<ConvCase> cases = [] {
    const auto check = CaseUse::Correctness;
    std::vector<ConvCase> c;
    c.push_back(forward_case("odd_3x3_s1_p1", conv_layer_shape(2, 3, 7, 5, 4, 3, 1, 1), check));
    c.push_back(forward_case("odd_5x5_s2_p2", conv_layer_shape(3, 2, 9, 11, 5, 5, 2, 2), check));
    c.push_back(forward_case("odd_5x5_s2_p0", conv_layer_shape(2, 3, 13, 9, 3, 5, 2, 0), check));
    c.push_back(forward_case("odd_1x1", conv_layer_shape(2, 5, 3, 4, 3, 1, 1, 0), check));
    ConvShape rect = conv_layer_shape(2, 2, 8, 10, 3, 3, 1, 0);
    rect.kw = 5;
    rect.stride_w = 2;
    rect.pad_w = 1;
    rect.w_out = kernels::conv_out_size(rect.w_in, rect.kw, rect.stride_w, rect.pad_w, 1);
    c.push_back(forward_case("rect_3x5_s1x2", rect, check));
    c.push_back(transposed_case("t_odd_5x5_s2_p2_op1", 2, 3, 4, 2, 5, 2, 2, 1, check));
    c.push_back(transposed_case("t_odd_5x5_s2_p2_op0", 3, 2, 5, 3, 5, 2, 2, 0, check));
    c.push_back(transposed_case("t_odd_3x3_s1_p1", 2, 4, 5, 3, 3, 1, 1, 0, check));
    add_ocgan_cases(c, 64);
    add_ocgan_cases(c, 512);
    c.push_back(forward_case("large_64x56x56_to_128",
                             conv_layer_shape(64, 64, 56, 56, 128, 5, 2, 2), CaseUse::Speed));
    return c;
  }();
  return cases;
}

const std::vector<BatchNormCase>& batch_norm_cases() {
  static const std::vector<BatchNormCase> cases = {
      {"odd_4d", {3, 5, 7 * 5}, CaseUse::Correctness},
      {"odd_2d", {7, 3, 1}, CaseUse::Correctness},
      {"ocgan_enc1_b64", {64, 64, 14 * 14}, CaseUse::Speed},
      {"ocgan_enc2_b64", {64, 128, 7 * 7}, CaseUse::Speed},
      {"ocgan_enc3_b64", {64, 256, 4 * 4}, CaseUse::Speed},
      {"ocgan_latent_disc_b64", {64, 128, 1}, CaseUse::Speed},
      {"ocgan_enc1_b512", {512, 64, 14 * 14}, CaseUse::Speed},
      {"large_256x128x32x32", {256, 128, 32 * 32}, CaseUse::Speed},
  };
  return cases;
}

const std::vector<GemmCase>& gemm_cases() {
  static const std::vector<GemmCase> cases = {
      {"odd_nn", 5, 7, 3, false, false, CaseUse::Correctness},
      {"odd_nt", 6, 4, 9, false, true, CaseUse::Correctness},
      {"odd_tn", 3, 8, 5, true, false, CaseUse::Correctness},
      {"odd_tt", 7, 2, 4, true, true, CaseUse::Correctness},
      {"latent_disc_fc1_b64", 64, 128, 4096, false, true, CaseUse::Speed},
      {"classifier_fc_b64", 64, 1, 4096, false, true, CaseUse::Speed},
      {"square_1024", 1024, 1024, 1024, false, false, CaseUse::Speed},
  };
  return cases;
}

const std::vector<ElementwiseCase>& elementwise_cases() {
  static const std::vector<ElementwiseCase> cases = {
      {"odd_37", 37, CaseUse::Correctness},
      {"odd_1001", 1001, CaseUse::Correctness},
      {"ocgan_enc1_b64", 64 * 64 * 14 * 14, CaseUse::Speed},
      {"large_64M", int64_t(1) << 26, CaseUse::Speed},
  };
  return cases;
}

}  // namespace nova::testing
