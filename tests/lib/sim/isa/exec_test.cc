// Execution oracle: kernels compiled by clang-19 at -O0 and -O3 run on the
// interpreter over random inputs; results must equal a CPU reference bit
// for bit.

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>

#include "tests/lib/sim/isa/kernel_runner.h"

namespace amdrr::sim::isa {
namespace {

using testing::KernelRunner;

// Parameter: "<opt>" for gfx942 kernels, "gfx90a_<opt>" for gfx90a ones.
class IsaExec : public ::testing::TestWithParam<const char*> {
 protected:
  static Target target() {
    return std::string(GetParam()).starts_with("gfx90a") ? kGfx90a : kGfx942;
  }
  KernelRunner runner_{std::string(AMDRR_ISA_GEN_DIR "/compute_") + GetParam() + ".co", target()};
  std::mt19937 rng_{1234};
  std::vector<float> random_floats(size_t n, float lo, float hi) {
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng_);
    return v;
  }
};

TEST_P(IsaExec, VectorAdd) {
  const uint32_t n = 1000;
  auto a = random_floats(n, -100, 100), b = random_floats(n, -100, 100);
  uint64_t da = runner_.upload(a), db = runner_.upload(b),
           dc = runner_.upload(std::vector<float>(n));
  auto out = runner_.run("vadd", KernelRunner::Args().add(da).add(db).add(dc).add(n), {1024, 1, 1},
                         {256, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto c = runner_.download<float>(dc, n);
  for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(c[i], a[i] + b[i]) << i;
}

TEST_P(IsaExec, SaxpyF32AndF64) {
  const uint32_t n = 777;
  auto x = random_floats(n, -10, 10), y = random_floats(n, -10, 10);
  uint64_t dx = runner_.upload(x), dy = runner_.upload(y);
  auto out = runner_.run("saxpy", KernelRunner::Args().add(dx).add(dy).add(2.5f).add(n), {n, 1, 1},
                         {128, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto r = runner_.download<float>(dy, n);
  for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(r[i], std::fma(2.5f, x[i], y[i])) << i;
  std::vector<double> xd(x.begin(), x.end()), yd(y.begin(), y.end());
  uint64_t ddx = runner_.upload(xd), ddy = runner_.upload(yd);
  out = runner_.run("daxpy", KernelRunner::Args().add(ddx).add(ddy).add(-1.25).add(n), {n, 1, 1},
                    {64, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto rd = runner_.download<double>(ddy, n);
  for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(rd[i], std::fma(-1.25, xd[i], yd[i])) << i;
}

TEST_P(IsaExec, ReductionWithLdsAndBarriers) {
  const uint32_t groups = 8, n = groups * 256;
  std::vector<uint32_t> x(n);
  for (auto& v : x) v = rng_() & 0xffff;
  uint64_t dx = runner_.upload(x), dout = runner_.upload(std::vector<uint32_t>(groups));
  auto out = runner_.run("reduce", KernelRunner::Args().add(dx).add(dout), {n, 1, 1}, {256, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto r = runner_.download<uint32_t>(dout, groups);
  for (uint32_t g = 0; g < groups; ++g) {
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 256; ++i) sum += x[g * 256 + i];
    ASSERT_EQ(r[g], sum) << g;
  }
}

TEST_P(IsaExec, HistogramAtomics) {
  const uint32_t n = 3000;
  std::vector<uint32_t> x(n), want(64);
  for (auto& v : x) v = rng_();
  for (auto v : x) ++want[v & 63];
  uint64_t dx = runner_.upload(x), dh = runner_.upload(std::vector<uint32_t>(64));
  auto out =
      runner_.run("histo", KernelRunner::Args().add(dx).add(dh).add(n), {n, 1, 1}, {256, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  EXPECT_EQ(runner_.download<uint32_t>(dh, 64), want);
}

TEST_P(IsaExec, IntegerMulDivShift) {
  const uint32_t n = 500;
  std::vector<int32_t> x(n), y(n);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = static_cast<int32_t>(rng_());
    y[i] = static_cast<int32_t>(rng_()) >> (rng_() % 31);
  }
  y[0] = 0;
  y[1] = -1;
  x[1] = INT32_MIN + 1;
  uint64_t dx = runner_.upload(x), dy = runner_.upload(y),
           dout = runner_.upload(std::vector<int32_t>(4 * n));
  auto out = runner_.run("intops", KernelRunner::Args().add(dx).add(dy).add(dout).add(n), {n, 1, 1},
                         {64, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto r = runner_.download<int32_t>(dout, 4 * n);
  for (uint32_t i = 0; i < n; ++i) {
    int32_t a = x[i], b = y[i];
    ASSERT_EQ(r[4 * i], static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b)))
        << i;
    ASSERT_EQ(r[4 * i + 1], b != 0 ? a / b : 0) << i;
    ASSERT_EQ(r[4 * i + 2], static_cast<int32_t>((static_cast<uint32_t>(a) << (b & 31)) ^
                                                 (static_cast<uint32_t>(a) >> (b & 7))))
        << i;
    ASSERT_EQ(r[4 * i + 3], b != 0 ? a % b : 0) << i;
  }
}

TEST_P(IsaExec, LoopsAndDivergentBranches) {
  const uint32_t n = 300;
  std::vector<int32_t> x(n);
  for (auto& v : x) v = static_cast<int32_t>(rng_() % 100000) - 1000;
  uint64_t dx = runner_.upload(x), dout = runner_.upload(std::vector<int32_t>(n));
  auto out =
      runner_.run("loops", KernelRunner::Args().add(dx).add(dout).add(n), {n, 1, 1}, {64, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto r = runner_.download<int32_t>(dout, n);
  for (uint32_t i = 0; i < n; ++i) {
    int v = x[i], acc = 0;
    for (int k = 0; k < (v & 15); ++k) {
      if (k & 1)
        acc += k * v;
      else
        acc ^= v >> k;
    }
    while (v > 100) v /= 3;
    ASSERT_EQ(r[i], acc + v) << i;
  }
}

TEST_P(IsaExec, ScratchArray) {
  const uint32_t n = 200;
  std::vector<int32_t> x(n);
  for (auto& v : x) v = static_cast<int32_t>(rng_() % 1000);
  uint64_t dx = runner_.upload(x), dout = runner_.upload(std::vector<int32_t>(n));
  auto out =
      runner_.run("scratch", KernelRunner::Args().add(dx).add(dout).add(n), {n, 1, 1}, {64, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto r = runner_.download<int32_t>(dout, n);
  for (uint32_t i = 0; i < n; ++i) {
    int arr[16];
    for (int k = 0; k < 16; ++k) arr[k] = x[(i + k) % n] * k;
    int idx = x[i] & 15;
    ASSERT_EQ(r[i], arr[idx] + arr[(idx * 7) & 15]) << i;
  }
}

TEST_P(IsaExec, Grid3d) {
  const uint32_t w = 37, h = 19, d = 3;
  auto a = random_floats(w * h, -5, 5);
  uint64_t da = runner_.upload(a), dout = runner_.upload(std::vector<float>(w * h * d));
  auto out = runner_.run("grid3d", KernelRunner::Args().add(da).add(dout).add(w).add(h), {w, h, d},
                         {8, 4, 2});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto r = runner_.download<float>(dout, w * h * d);
  for (uint32_t z = 0; z < d; ++z)
    for (uint32_t y = 0; y < h; ++y)
      for (uint32_t x = 0; x < w; ++x)
        ASSERT_EQ(r[(z * h + y) * w + x], a[y * w + x] * static_cast<float>(z + 1))
            << x << "," << y << "," << z;
}

TEST_P(IsaExec, Fp16Math) {
  const uint32_t n = 400;
  auto xf = random_floats(n, -4, 4), yf = random_floats(n, -4, 4);
  std::vector<_Float16> x(n), y(n);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = static_cast<_Float16>(xf[i]);
    y[i] = static_cast<_Float16>(yf[i]);
  }
  uint64_t dx = runner_.upload(x), dy = runner_.upload(y),
           dout = runner_.upload(std::vector<_Float16>(n));
  auto out = runner_.run("hmath", KernelRunner::Args().add(dx).add(dy).add(dout).add(n), {n, 1, 1},
                         {64, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto r = runner_.download<_Float16>(dout, n);
  for (uint32_t i = 0; i < n; ++i) {
    // clang contracts a*b + t into one fma at -O3 but not at -O0: accept either rounding.
    _Float16 t = static_cast<_Float16>((x[i] - y[i]) * static_cast<_Float16>(0.5f));
    _Float16 fused = static_cast<_Float16>(std::fma(double{static_cast<float>(x[i])},
                                                    double{static_cast<float>(y[i])},
                                                    double{static_cast<float>(t)}));
    _Float16 unfused = static_cast<_Float16>(static_cast<_Float16>(x[i] * y[i]) + t);
    ASSERT_TRUE(r[i] == fused || r[i] == unfused) << i << " got " << static_cast<float>(r[i]);
  }
}

TEST_P(IsaExec, FloatDivision) {
  const uint32_t n = 500;
  auto x = random_floats(n, -1000, 1000), y = random_floats(n, 0.001f, 1000);
  uint64_t dx = runner_.upload(x), dy = runner_.upload(y),
           dout = runner_.upload(std::vector<float>(n));
  auto out = runner_.run("fdiv", KernelRunner::Args().add(dx).add(dy).add(dout).add(n), {n, 1, 1},
                         {64, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto r = runner_.download<float>(dout, n);
  // OpenCL allows 2.5 ulp for x / y; clang -O3 emits a v_rcp_f32-based
  // sequence, -O0 the correctly rounded one. Compare within 3 ulp.
  for (uint32_t i = 0; i < n; ++i) {
    float want = x[i] / y[i];
    int32_t ulps = std::abs(std::bit_cast<int32_t>(r[i]) - std::bit_cast<int32_t>(want));
    ASSERT_LE(ulps, 3) << i << " got " << r[i] << " want " << want;
  }
}

// fp64 division (v_div_scale / v_div_fmas / v_div_fixup) on operands whose
// exponents are far apart, denormal operands and denormal or overflowing
// quotients: the rescaling must give the correctly rounded quotient.
// Quotients in the denormal range may be rounded twice (v_div_fmas rounds,
// then scales): allowed 1 ulp there, bit-exact everywhere else.
TEST_P(IsaExec, F64DivisionExtremeOperands) {
  std::vector<double> x = {1e300,  1e-300, 1e308, 3 * 2.2250738585072014e-308,
                           5e-324, 1e-310, 1e300, 1.0,
                           1e-300, 1e-320, 7.0,   -1e305,
                           0.0,    1.0,    1e-5};
  std::vector<double> y = {1e-300, 1e300, 1e-10,  7.0,  0.5, 1e-310, 1e-5, 1e308,
                           1e308,  3.0,   1e-320, 1e-7, 3.0, 0.0,    1e300};
  std::uniform_int_distribution<int> e(-1070, 1023);
  std::uniform_real_distribution<double> m(1.0, 2.0);
  for (int i = 0; i < 400; ++i) {
    x.push_back(std::ldexp(m(rng_), e(rng_)) * (i & 1 ? -1 : 1));
    y.push_back(std::ldexp(m(rng_), e(rng_)));
  }
  const uint32_t n = static_cast<uint32_t>(x.size());
  uint64_t dx = runner_.upload(x), dy = runner_.upload(y),
           dout = runner_.upload(std::vector<double>(n));
  auto out = runner_.run("ddiv", KernelRunner::Args().add(dx).add(dy).add(dout).add(n), {n, 1, 1},
                         {64, 1, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto r = runner_.download<double>(dout, n);
  for (uint32_t i = 0; i < n; ++i) {
    double want = x[i] / y[i];
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(r[i])) << i;
      continue;
    }
    int64_t ulps = std::bit_cast<int64_t>(r[i]) - std::bit_cast<int64_t>(want);
    int64_t allowed = std::fpclassify(want) == FP_SUBNORMAL ? 1 : 0;
    ASSERT_LE(std::abs(ulps), allowed)
        << i << ": " << x[i] << " / " << y[i] << " got " << r[i] << " want " << want;
  }
}

TEST_P(IsaExec, BadAddressIsAVmFault) {
  uint64_t da = runner_.upload(std::vector<float>(64));
  auto out =
      runner_.run("vadd", KernelRunner::Args().add(da).add(da).add(uint64_t{0xdead0000}).add(64u),
                  {64, 1, 1}, {64, 1, 1});
  EXPECT_EQ(out.kind, DispatchOutcome::Kind::kVmFault) << out.describe();
  EXPECT_EQ(out.fault_va, 0xdead0000u);
}

TEST_P(IsaExec, Matmul256) {
  const uint32_t n =
      GetParam() == std::string("O0") || GetParam() == std::string("gfx90a_O0") ? 64 : 256;
  auto a = random_floats(n * n, -1, 1), b = random_floats(n * n, -1, 1);
  uint64_t da = runner_.upload(a), db = runner_.upload(b),
           dc = runner_.upload(std::vector<float>(n * n));
  auto out = runner_.run("matmul", KernelRunner::Args().add(da).add(db).add(dc).add(n), {n, n, 1},
                         {16, 16, 1});
  ASSERT_TRUE(out.ok()) << out.describe();
  auto c = runner_.download<float>(dc, n * n);
  for (uint32_t row = 0; row < n; ++row)
    for (uint32_t col = 0; col < n; ++col) {
      float acc = 0.0f;
      for (uint32_t k = 0; k < n; ++k) acc = std::fma(a[row * n + k], b[k * n + col], acc);
      ASSERT_EQ(c[row * n + col], acc) << row << "," << col;
    }
}

INSTANTIATE_TEST_SUITE_P(Opt, IsaExec, ::testing::Values("O0", "O3", "gfx90a_O0", "gfx90a_O3"));

}  // namespace
}  // namespace amdrr::sim::isa
