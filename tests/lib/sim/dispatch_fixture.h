#pragma once
// Kernel dispatches on the emulated engines: a code object built at build
// time loaded into a GPU BO, kernel arguments laid out from its metadata
// (explicit ones in order, the code object v5 hidden block counts, group
// sizes and remainders), and the shader interpreter attached as the
// scheduler's DispatchRunner.

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "lib/code/code_object.h"
#include "lib/sim/isa/isa_dispatch_runner.h"
#include "tests/lib/sim/aql_fixture.h"

namespace amdrr::sim::testing {

class DispatchFixture : public AqlFixture {
 public:
  explicit DispatchFixture(const std::string& code_object_path) : runner(*kfd) {
    sched->set_dispatch_runner(&runner);
    std::ifstream f(code_object_path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                               std::istreambuf_iterator<char>());
    auto r = code::parse_code_object(bytes);
    if (!r.object) {
      ADD_FAILURE() << code_object_path << ": " << r.error;
      return;
    }
    co = std::move(*r.object);
    image = alloc(co.image.size());
    std::memcpy(image.host, co.image.data(), co.image.size());
  }
  ~DispatchFixture() { sched->set_dispatch_runner(nullptr); }

  const code::Kernel& kernel(const std::string& name) {
    const code::Kernel* k = co.find(name);
    EXPECT_NE(k, nullptr) << name;
    return *k;
  }
  uint64_t descriptor_va(const code::Kernel& k) const { return image.va + k.descriptor_va; }
  uint64_t code_va(const code::Kernel& k) const { return image.va + k.code_va(); }

  template <typename T>
  Buf upload(const std::vector<T>& v) {
    Buf b = alloc(v.size() * sizeof(T));
    std::memcpy(b.host, v.data(), v.size() * sizeof(T));
    return b;
  }

  /// Explicit arguments, each as its bytes, in declaration order.
  struct Args {
    std::vector<std::vector<uint8_t>> values;
    template <typename T>
    Args& add(T v) {
      std::vector<uint8_t> b(sizeof v);
      std::memcpy(b.data(), &v, sizeof v);
      values.push_back(std::move(b));
      return *this;
    }
  };

  /// The kernarg segment of `k` for a 1-D grid of `grid` work-items in
  /// workgroups of `wg`, in a new BO.
  Buf kernargs(const code::Kernel& k, const Args& args, uint32_t grid, uint16_t wg) {
    const uint32_t size =
        std::max<uint32_t>({k.metadata.kernarg_segment_size, k.descriptor.kernarg_size, 256});
    Buf b = alloc(size);
    std::memset(b.host, 0, size);
    size_t next = 0;
    auto put = [&](const code::KernelArg& a, uint64_t v) {
      if (a.offset + a.size <= size) std::memcpy(b.host + a.offset, &v, std::min(a.size, 8u));
    };
    for (const code::KernelArg& a : k.metadata.args) {
      const std::string& kind = a.value_kind;
      const bool x = !kind.empty() && kind.back() == 'x';
      if (!a.hidden()) {
        EXPECT_LT(next, args.values.size()) << "too few arguments for " << k.name;
        if (next >= args.values.size()) break;
        const auto& v = args.values[next++];
        EXPECT_EQ(v.size(), a.size) << a.name;
        std::memcpy(b.host + a.offset, v.data(), std::min<size_t>(v.size(), a.size));
      } else if (kind.rfind("hidden_block_count_", 0) == 0) {
        put(a, x ? grid / wg : 1);
      } else if (kind.rfind("hidden_group_size_", 0) == 0) {
        put(a, x ? wg : 1);
      } else if (kind.rfind("hidden_remainder_", 0) == 0) {
        put(a, x ? grid % wg : 0);
      }
    }
    return b;
  }

  /// Scratch backing for dispatches of `k` in workgroups of `wg`, as a
  /// driver sizes it: one slot per wave of a workgroup, 1 KiB granules.
  struct Scratch {
    uint64_t va = 0;
    uint32_t lane_bytes = 0, tmpring = 0;
    std::array<uint32_t, 4> vsharp{};  // private segment V# (swizzled, ADD_TID)
  };
  Scratch scratch_for(const code::Kernel& k, uint16_t wg) {
    Scratch sc;
    sc.lane_bytes = (k.descriptor.private_segment_fixed_size + 15) & ~15u;
    const uint32_t waves = (wg + 63u) / 64u, wave_kib = (sc.lane_bytes * 64 + 1023) / 1024;
    const uint32_t bytes = std::max(waves * wave_kib * 1024, 4096u);
    sc.va = alloc(bytes).va;
    sc.tmpring = waves | wave_kib << 12;
    sc.vsharp = {static_cast<uint32_t>(sc.va), static_cast<uint32_t>(sc.va >> 32) | 1u << 31, bytes,
                 3u << 21 | 1u << 23};
    return sc;
  }
  /// Puts `sc` into the scratch fields of the AQL queue's amd_queue_t.
  void give_scratch(AqlQueue& a, const Scratch& sc) {
    a.q.ptrs.at<uint32_t>(140) = sc.tmpring;
    for (int i = 0; i < 4; ++i) a.q.ptrs.at<uint32_t>(144 + 4 * i) = sc.vsharp[i];
    a.q.ptrs.at<uint64_t>(160) = sc.va;
    a.q.ptrs.at<uint32_t>(176) = sc.lane_bytes;
  }

  isa::IsaDispatchRunner runner;
  code::CodeObject co;
  Buf image;
};

}  // namespace amdrr::sim::testing
