// Shader interpreter figures, each measured side by side with a plain C++
// loop doing the same work in the same run (the ratio is the result):
//
//   vadd    1M-element fp32 vector add (aim: within 100x of the C++ loop)
//   matmul  256x256 fp32 matrix multiply, one work-item per element of c
//
// Both kernels come from tests/lib/sim/isa/kernels/compute.cl, built by
// clang-19 at -O3 for gfx942 at build time. Every access goes through the
// emulated GPU's page table (GpuVm); results are checked against the loop.
// "Instructions" are wave instructions (one per wave, 64 lanes).

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "lib/code/code_object.h"
#include "lib/sim/gpu_vm.h"
#include "lib/sim/isa/dispatch.h"
#include "lib/sim/isa/gpu_vm_memory.h"

namespace {

using namespace amdrr;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Keeps the compiler from dropping the reference loops.
void clobber(void* p) {
  asm volatile("" : : "g"(p) : "memory");
}

class Device {
 public:
  explicit Device(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                               std::istreambuf_iterator<char>());
    auto r = code::parse_code_object(bytes);
    if (!r.object) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), r.error.c_str());
      std::exit(1);
    }
    co_ = std::move(*r.object);
    image_va_ = map(co_.image.size());
    std::memcpy(host(image_va_), co_.image.data(), co_.image.size());
  }

  uint64_t map(size_t size) {
    size = (size + 0xfff) & ~size_t{0xfff};
    uint64_t va = next_;
    next_ += size + (1 << 20);  // a guard gap: overruns fault
    buffers_.emplace_back(size);
    vm_.insert({va, size, buffers_.back().data(), true, true, buffers_.size()});
    return va;
  }
  uint8_t* host(uint64_t va) { return vm_.find(va)->host + (va - vm_.find(va)->start); }
  template <typename T>
  uint64_t upload(const std::vector<T>& v) {
    uint64_t va = map(v.size() * sizeof(T));
    std::memcpy(host(va), v.data(), v.size() * sizeof(T));
    return va;
  }

  /// Runs `kernel` with explicit arguments `args` (already laid out) plus
  /// the code object v5 hidden block counts / group sizes / remainders.
  sim::isa::DispatchOutcome run(const char* kernel, std::vector<uint8_t> args,
                                const uint32_t grid[3], const uint16_t wg[3]) {
    const code::Kernel* k = co_.find(kernel);
    if (!k) {
      std::fprintf(stderr, "no kernel %s\n", kernel);
      std::exit(1);
    }
    size_t hidden = (args.size() + 7) & ~size_t{7};
    args.resize(std::max<size_t>(hidden + 256, k->descriptor.kernarg_size), 0);
    for (int d = 0; d < 3; ++d) {
      uint32_t blocks = grid[d] / wg[d];
      uint16_t rem = static_cast<uint16_t>(grid[d] % wg[d]);
      std::memcpy(args.data() + hidden + 4 * d, &blocks, 4);
      std::memcpy(args.data() + hidden + 12 + 2 * d, &wg[d], 2);
      std::memcpy(args.data() + hidden + 18 + 2 * d, &rem, 2);
    }
    sim::isa::DispatchSetup s;
    s.target = sim::isa::kGfx942;
    sim::isa::apply_kernel_descriptor(s, k->descriptor, image_va_ + k->descriptor_va);
    s.kernarg_address = upload(args);
    for (int d = 0; d < 3; ++d) {
      s.grid_size[d] = grid[d];
      s.workgroup_size[d] = wg[d];
    }
    sim::isa::GpuVmMemory mem(vm_);
    return sim::isa::run_dispatch(s, mem);
  }

 private:
  code::CodeObject co_;
  sim::GpuVm vm_;
  std::vector<std::vector<uint8_t>> buffers_;
  uint64_t image_va_ = 0;
  uint64_t next_ = 0x100000000ull;
};

template <typename T>
void put(std::vector<uint8_t>& a, T v) {
  size_t off = (a.size() + alignof(T) - 1) & ~(alignof(T) - 1);
  a.resize(off + sizeof(T));
  std::memcpy(a.data() + off, &v, sizeof(T));
}

void report(const char* name, const sim::isa::DispatchOutcome& o, double interp_s, double cpu_s) {
  std::printf(
      "%-7s interpreter %9.3f ms  C++ loop %8.3f ms  ratio %7.1fx  %6.1f M wave-instr/s"
      " (%llu instructions)\n",
      name, interp_s * 1e3, cpu_s * 1e3, interp_s / cpu_s,
      static_cast<double>(o.instructions) / interp_s / 1e6,
      static_cast<unsigned long long>(o.instructions));
}

int bench_vadd(Device& dev, uint32_t n) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-100, 100);
  std::vector<float> a(n), b(n), c(n);
  for (uint32_t i = 0; i < n; ++i) a[i] = d(rng), b[i] = d(rng);
  uint64_t da = dev.upload(a), db = dev.upload(b), dc = dev.upload(c);
  std::vector<uint8_t> args;
  put(args, da);
  put(args, db);
  put(args, dc);
  put(args, n);
  const uint32_t grid[3] = {n, 1, 1};
  const uint16_t wg[3] = {256, 1, 1};
  auto t0 = Clock::now();
  auto out = dev.run("vadd", args, grid, wg);
  double interp = seconds_since(t0);
  if (!out.ok()) {
    std::fprintf(stderr, "vadd: %s\n", out.describe().c_str());
    return 1;
  }
  // The loop, repeated until it has run long enough to time.
  int reps = 0;
  t0 = Clock::now();
  do {
    for (uint32_t i = 0; i < n; ++i) c[i] = a[i] + b[i];
    clobber(c.data());
    ++reps;
  } while (seconds_since(t0) < 0.2);
  double cpu = seconds_since(t0) / reps;
  if (std::memcmp(dev.host(dc), c.data(), n * sizeof(float)) != 0) {
    std::fprintf(stderr, "vadd: result differs from the C++ loop\n");
    return 1;
  }
  report("vadd", out, interp, cpu);
  return 0;
}

int bench_matmul(Device& dev, uint32_t n) {
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<float> a(n * n), b(n * n), c(n * n);
  for (auto& x : a) x = d(rng);
  for (auto& x : b) x = d(rng);
  uint64_t da = dev.upload(a), db = dev.upload(b), dc = dev.upload(c);
  std::vector<uint8_t> args;
  put(args, da);
  put(args, db);
  put(args, dc);
  put(args, n);
  const uint32_t grid[3] = {n, n, 1};
  const uint16_t wg[3] = {16, 16, 1};
  auto t0 = Clock::now();
  auto out = dev.run("matmul", args, grid, wg);
  double interp = seconds_since(t0);
  if (!out.ok()) {
    std::fprintf(stderr, "matmul: %s\n", out.describe().c_str());
    return 1;
  }
  int reps = 0;
  t0 = Clock::now();
  do {
    for (uint32_t row = 0; row < n; ++row)
      for (uint32_t col = 0; col < n; ++col) {
        float acc = 0.0f;
        for (uint32_t k = 0; k < n; ++k) acc = __builtin_fmaf(a[row * n + k], b[k * n + col], acc);
        c[row * n + col] = acc;
      }
    clobber(c.data());
    ++reps;
  } while (seconds_since(t0) < 0.2);
  double cpu = seconds_since(t0) / reps;
  if (std::memcmp(dev.host(dc), c.data(), c.size() * sizeof(float)) != 0) {
    std::fprintf(stderr, "matmul: result differs from the C++ loop\n");
    return 1;
  }
  report("matmul", out, interp, cpu);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Optional sizes (a small case for callgrind): isa_bench [vadd_n [matmul_n]].
  uint32_t vadd_n = argc > 1 ? static_cast<uint32_t>(std::stoul(argv[1])) : 1u << 20;
  uint32_t matmul_n = argc > 2 ? static_cast<uint32_t>(std::stoul(argv[2])) : 256;
  Device dev(AMDRR_ISA_BENCH_CO);
  int rc = bench_vadd(dev, vadd_n);
  rc |= bench_matmul(dev, matmul_n);
  return rc;
}
