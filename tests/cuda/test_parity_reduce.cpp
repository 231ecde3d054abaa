// CUDA reductions and column copies against the CPU kernels.
#include <string>
#include <vector>

#include "kernels/cpu/reduce.h"
#include "kernels/cuda/reduce.h"
#include "tests/cuda/cuda_test_util.h"

namespace {

using namespace nova::testing;
using namespace nova::testing::cuda;
namespace kcpu = nova::kernels::cpu;
namespace kcuda = nova::kernels::cuda;

struct Matrix {
  int64_t rows, cols;
};

// Few long rows, many short ones, single row or column, and the OCGAN sizes.
const std::vector<Matrix> kMatrices = {{1, 1},    {1, 1001}, {3, 37},     {37, 3},
                                       {64, 784}, {1001, 1}, {2, 200000}, {64, 128}};

}  // namespace

TEST_CASE("CUDA sum matches the CPU kernel", "[cuda][reduce][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  for (const ElementwiseCase& c : elementwise_cases()) {
    if (!parity_case(c.name, c.use)) continue;
    for (float scale : {1.0f, 1.0f / 3.0f}) {
      const std::string what = c.name + " sum, scale " + std::to_string(scale);
      // Positive offset so the sum is not near zero (a relative check bites).
      const auto x = random_vector(c.n, 9, -0.5f, 1.0f);
      std::vector<float> want(1);
      kcpu::sum<float>(want.data(), x.data(), c.n, scale);
      DeviceBuffer<float> dx(x), out(1);
      out.poison();
      kcuda::sum(out.data(), dx.data(), c.n, scale, stream());
      // Both sum in double: agreement to float rounding of the result.
      check_close(result_of(out, what), want, Tolerance{1e-7, 1e-6}, what);
    }
  }
}

TEST_CASE("CUDA row_sum, broadcast_rows and column copies match the CPU kernels",
          "[cuda][reduce][parity]") {
  NOVA_SKIP_WITHOUT_CUDA();
  uint32_t seed = 1;
  for (const Matrix& m : kMatrices) {
    const std::string name = std::to_string(m.rows) + "x" + std::to_string(m.cols);
    const int64_t total = m.rows * m.cols;
    const auto x = random_vector(total, seed++, -0.5f, 1.0f);
    const auto r = random_vector(m.rows, seed++);
    {
      std::vector<float> want(static_cast<size_t>(m.rows));
      kcpu::row_sum<float>(want.data(), x.data(), m.rows, m.cols, 0.25f);
      DeviceBuffer<float> dx(x), out(m.rows);
      out.poison();
      kcuda::row_sum(out.data(), dx.data(), m.rows, m.cols, 0.25f, stream());
      check_close(result_of(out, name + " row_sum"), want, Tolerance{1e-7, 1e-6},
                  name + " row_sum");
    }
    {
      std::vector<float> want(static_cast<size_t>(total));
      kcpu::broadcast_rows<float>(want.data(), r.data(), m.rows, m.cols, -1.5f);
      DeviceBuffer<float> dr(r), out(total);
      out.poison();
      kcuda::broadcast_rows(out.data(), dr.data(), m.rows, m.cols, -1.5f, stream());
      check_close(result_of(out, name + " broadcast_rows"), want, Tolerance{},
                  name + " broadcast_rows");
    }
    {
      // Concatenate x as columns [3, 3 + cols) of a (rows, cols + 5) array, then
      // extract them again.
      const int64_t out_cols = m.cols + 5, offset = 3;
      const auto background = random_vector(m.rows * out_cols, seed++);
      std::vector<float> want = background;
      kcpu::copy_into_columns<float>(want.data(), x.data(), m.rows, m.cols, out_cols, offset);
      DeviceBuffer<float> dx(x), wide(background);
      kcuda::copy_into_columns(wide.data(), dx.data(), m.rows, m.cols, out_cols, offset, stream());
      check_close(result_of(wide, name + " copy_into_columns"), want, Tolerance{},
                  name + " copy_into_columns");
      std::vector<float> want_back(static_cast<size_t>(total));
      kcpu::copy_from_columns<float>(want_back.data(), want.data(), m.rows, m.cols, out_cols,
                                     offset);
      DeviceBuffer<float> back(total);
      back.poison();
      kcuda::copy_from_columns(back.data(), wide.data(), m.rows, m.cols, out_cols, offset,
                               stream());
      const auto got_back = result_of(back, name + " copy_from_columns");
      check_close(got_back, want_back, Tolerance{}, name + " copy_from_columns");
      check_close(got_back, x, Tolerance{}, name + " round trip");
    }
  }
}
