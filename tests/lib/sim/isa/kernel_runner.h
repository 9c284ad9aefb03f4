#pragma once
// Test harness: loads a code object built at build time into a HostGpuMemory,
// allocates buffers, writes kernel arguments (explicit, then the code object
// v5 hidden block counts / group sizes / remainders) and runs a dispatch.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "lib/code/code_object.h"
#include "lib/sim/isa/dispatch.h"
#include "lib/sim/isa/gpu_memory.h"

namespace amdrr::sim::isa::testing {

using code::CodeObject;
using code::Kernel;
using code::parse_code_object;

class KernelRunner {
 public:
  explicit KernelRunner(const std::string& path, Target target = kGfx942) : target_(target) {
    std::ifstream f(path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                               std::istreambuf_iterator<char>());
    auto r = parse_code_object(bytes);
    if (!r.object) {
      ADD_FAILURE() << path << ": " << r.error;
      return;
    }
    co_ = std::move(*r.object);
    std::memcpy(mem_.map(kImageBase, co_.image.size()), co_.image.data(), co_.image.size());
  }

  HostGpuMemory& mem() { return mem_; }

  template <typename T>
  uint64_t upload(const std::vector<T>& v) {
    uint64_t va = next_;
    size_t n = std::max<size_t>(v.size() * sizeof(T), 4);
    next_ += (n + 0xffff) & ~uint64_t{0xffff};
    next_ += 0x10000;  // a guard gap: overruns fault
    if (!v.empty())
      std::memcpy(mem_.map(va, n), v.data(), v.size() * sizeof(T));
    else
      mem_.map(va, n);
    return va;
  }
  template <typename T>
  std::vector<T> download(uint64_t va, size_t count) {
    std::vector<T> out(count);
    EXPECT_TRUE(mem_.read(va, out.data(), count * sizeof(T)).ok);
    return out;
  }

  /// Kernel arguments are appended in order with natural alignment.
  struct Args {
    std::vector<uint8_t> bytes;
    template <typename T>
    Args& add(T v) {
      size_t off = (bytes.size() + alignof(T) - 1) & ~(alignof(T) - 1);
      bytes.resize(off + sizeof(T));
      std::memcpy(bytes.data() + off, &v, sizeof(T));
      return *this;
    }
  };

  DispatchOutcome run(const std::string& kernel, const Args& args, std::array<uint32_t, 3> grid,
                      std::array<uint16_t, 3> wg) {
    const Kernel* k = co_.find(kernel);
    if (!k) {
      ADD_FAILURE() << "no kernel " << kernel;
      return {};
    }
    std::vector<uint8_t> ka = args.bytes;
    size_t hidden = (ka.size() + 7) & ~size_t{7};
    ka.resize(std::max<size_t>(hidden + 256, k->descriptor.kernarg_size), 0);
    for (int d = 0; d < 3; ++d) {
      uint32_t blocks = grid[d] / wg[d];
      uint16_t rem = static_cast<uint16_t>(grid[d] % wg[d]);
      std::memcpy(ka.data() + hidden + 4 * d, &blocks, 4);
      std::memcpy(ka.data() + hidden + 12 + 2 * d, &wg[d], 2);
      std::memcpy(ka.data() + hidden + 18 + 2 * d, &rem, 2);
    }
    DispatchSetup s;
    s.target = target_;
    apply_kernel_descriptor(s, k->descriptor, kImageBase + k->descriptor_va);
    s.kernarg_address = upload(ka);
    for (int d = 0; d < 3; ++d) {
      s.grid_size[d] = grid[d];
      s.workgroup_size[d] = wg[d];
    }
    if (s.private_segment_size) give_scratch(s, uint32_t{wg[0]} * wg[1] * wg[2]);
    return run_dispatch(s, mem_);
  }

  /// Scratch backing as a driver provides it: one slot per wave of a
  /// workgroup, 1 KiB granules, and the private segment V# over it
  /// (SWIZZLE_ENABLE, INDEX_STRIDE 64, ADD_TID_ENABLE).
  void give_scratch(DispatchSetup& s, uint32_t group_threads) {
    s.scratch_waves = (group_threads + 63) / 64;
    s.scratch_wave_bytes = (s.private_segment_size * 64 + 1023) & ~1023u;
    s.scratch_base = kScratchBase;
    mem_.map(kScratchBase, uint64_t{s.scratch_waves} * s.scratch_wave_bytes);
    s.flat_scratch_init = kScratchBase;
    s.scratch_vsharp[0] = static_cast<uint32_t>(kScratchBase);
    s.scratch_vsharp[1] = static_cast<uint32_t>(kScratchBase >> 32) | 1u << 31;
    s.scratch_vsharp[2] = s.scratch_waves * s.scratch_wave_bytes;
    s.scratch_vsharp[3] = 3u << 21 | 1u << 23;
  }

 private:
  static constexpr uint64_t kScratchBase = 0x7e0000000000ull;
  static constexpr uint64_t kImageBase = 0x7f0000000000ull;
  Target target_;
  HostGpuMemory mem_;
  CodeObject co_;
  uint64_t next_ = 0x100000000ull;
};

}  // namespace amdrr::sim::isa::testing
