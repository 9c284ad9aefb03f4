// Per-instruction regression tests: snippets from snippets_<cpu>.s,
// assembled by llvm-mc at build time (its -show-encoding output is read
// here, so no encoding is typed by hand), run as one wave64 with inputs in
// user SGPRs; each snippet stores v[2:3] (and more) at s[0:1] + lane * 8.

#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "lib/sim/isa/dispatch.h"
#include "lib/sim/isa/gpu_memory.h"

namespace amdrr::sim::isa {
namespace {

// label -> machine code bytes, from llvm-mc -show-encoding output.
std::map<std::string, std::vector<uint8_t>> read_snippets(const std::string& path) {
  std::map<std::string, std::vector<uint8_t>> out;
  std::ifstream f(path);
  std::string line, current;
  while (std::getline(f, line)) {
    if (!line.empty() && line[0] != '\t' && line[0] != ' ' && line.back() == ':') {
      current = line.substr(0, line.size() - 1);
      continue;
    }
    size_t at = line.find("encoding: [");
    if (at == std::string::npos || current.empty()) continue;
    std::stringstream ss(line.substr(at + 11));
    std::string byte;
    while (std::getline(ss, byte, ','))
      out[current].push_back(
          static_cast<uint8_t>(std::stoul(byte.substr(0, byte.find(']')), nullptr, 16)));
  }
  return out;
}

constexpr uint64_t kCode = 0x10000000, kOut = 0x20000000, kScratch = 0x30000000;

struct SnippetRun {
  DispatchOutcome outcome;
  std::vector<uint32_t> out;      // 4 dwords per lane
  std::vector<uint32_t> scratch;  // the scratch backing at kScratch, if any
  uint64_t lane0() const { return out[0] | uint64_t{out[1]} << 32; }
};

class Snippets {
 public:
  Snippets(const char* cpu, Target target)
      : target_(target),
        code_(read_snippets(std::string(AMDRR_ISA_GEN_DIR "/snippets_") + cpu + ".enc")) {}

  SnippetRun run(const std::string& name, std::vector<uint32_t> inputs, uint32_t scratch = 0,
                 std::chrono::steady_clock::time_point deadline = DispatchSetup{}.deadline) {
    SnippetRun r;
    auto it = code_.find(name);
    if (it == code_.end()) {
      ADD_FAILURE() << "no snippet " << name;
      return r;
    }
    HostGpuMemory mem;
    std::memcpy(mem.map(kCode, it->second.size() + 64), it->second.data(), it->second.size());
    mem.map(kOut, 64 * 16);
    DispatchSetup s;
    s.target = target_;
    s.code_address = kCode;
    s.rsrc1 = 7;  // 64 VGPRs
    s.grid_size[0] = 64;
    s.workgroup_size[0] = 64;
    s.private_segment_size = scratch;
    s.deadline = deadline;
    s.user_sgpr_count_override = 16;
    s.user_sgprs[0] = static_cast<uint32_t>(kOut);
    s.user_sgprs[1] = static_cast<uint32_t>(kOut >> 32);
    for (size_t i = 0; i < inputs.size() && i < 14; ++i) s.user_sgprs[2 + i] = inputs[i];
    if (scratch) mem.map(kScratch, scratch * 64);
    r.outcome = run_dispatch(s, mem);
    if (scratch) {
      r.scratch.resize(scratch * 16);
      EXPECT_TRUE(mem.read(kScratch, r.scratch.data(), scratch * 64).ok);
    }
    r.out.resize(64 * 4);
    EXPECT_TRUE(mem.read(kOut, r.out.data(), r.out.size() * 4).ok);
    return r;
  }

 private:
  Target target_;
  std::map<std::string, std::vector<uint8_t>> code_;
};

uint32_t lo(double d) {
  return static_cast<uint32_t>(std::bit_cast<uint64_t>(d));
}
uint32_t hi(double d) {
  return static_cast<uint32_t>(std::bit_cast<uint64_t>(d) >> 32);
}
uint32_t h16(float f) {
  return std::bit_cast<uint16_t>(static_cast<_Float16>(f));
}

class IsaInst : public ::testing::Test {
 protected:
  Snippets gfx942_{"gfx942", kGfx942};
  Snippets gfx90a_{"gfx90a", kGfx90a};
};

TEST_F(IsaInst, PkMovB32SelectsHalvesPerOpSel) {
  // op_sel:[1,0]: D.lo = S0.hi, D.hi = S1.lo.
  for (Snippets* s : {&gfx942_, &gfx90a_}) {
    SnippetRun r = s->run("pk_mov_lo_hi", {0x11111111, 0x22222222, 0x33333333, 0x44444444});
    ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
    EXPECT_EQ(r.lane0(), 0x3333333322222222ull);
    EXPECT_EQ(r.out[63 * 2], 0x22222222u);
  }
  // SGPR-pair source, op_sel:[0,1]: D.lo = S0.lo, D.hi = S1.hi.
  SnippetRun r = gfx942_.run("pk_mov_sgpr", {0xaaaa0001, 0xbbbb0002, 0xcccc0003, 0xdddd0004});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.lane0(), 0xdddd0004aaaa0001ull);
}

TEST_F(IsaInst, Vop3OpSelReadsAndWritesHighHalves) {
  // v_fma_f16 op_sel:[1,0,1,1]: hi(a) * lo(b) + hi(c) into the high half of
  // the destination, its low half kept.
  uint32_t a = h16(1.5f) << 16 | h16(100.0f), b = h16(-7.0f) << 16 | h16(2.25f);
  uint32_t c = h16(0.75f) << 16 | h16(9.0f);
  SnippetRun r = gfx942_.run("fma_f16_op_sel", {a, b, c, 0x1234abcd});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], h16(1.5f * 2.25f + 0.75f) << 16 | 0xabcd);
  // v_pack_b32_f16 op_sel:[1,0,0]: {lo(b), hi(a)}.
  r = gfx942_.run("pack_b32_f16_op_sel", {0x11112222, 0x33334444});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], 0x44441111u);
}

TEST_F(IsaInst, SixteenBitResultsKeepOrZeroTheHighHalf) {
  // GFX9: v_mad_u16 keeps the high half of its destination; v_add_u16 zeroes it.
  SnippetRun r = gfx942_.run("mad_u16_keeps_high", {7, 9, 5, 0xbeef0000});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], 0xbeef0000u | 68);
  r = gfx942_.run("add_u16_zeroes_high", {0x10003, 0x20004, 0, 0xbeef0000});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], 7u);
}

TEST_F(IsaInst, IntegerClampSaturates) {
  for (Snippets* s : {&gfx942_, &gfx90a_}) {
    SnippetRun r = s->run("clamp_u32", {0xfffffff0, 0x20});
    ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
    EXPECT_EQ(r.out[0], 0xffffffffu);  // add saturates high
    EXPECT_EQ(r.out[1], 0u);           // 0x20 - 0xfffffff0 saturates at 0
  }
  SnippetRun r = gfx942_.run("clamp_i32", {0x7ffffff0, 0x100});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], 0x7fffffffu);
  EXPECT_EQ(r.out[1], static_cast<uint32_t>(0x100 - 0x7ffffff0));  // in range: exact
  r = gfx942_.run("clamp_i32", {0x80000010, 0x100});               // 0x100 - INT_MIN+16
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[1], 0x7fffffffu);
  r = gfx942_.run("clamp_16", {0x7ff0, 0x0100});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], 0x80f0u);  // unsigned 16-bit: in range
  EXPECT_EQ(r.out[1], 0x7fffu);  // signed 16-bit: saturates
  r = gfx942_.run("clamp_add_co", {0xffffffff, 2});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], 0xffffffffu);
  EXPECT_EQ(r.out[1], 1u);  // the carry-out is still written
  r = gfx942_.run("clamp_mad_u32_u24", {0xffffff, 0xffffff, 0x10000000});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], 0xffffffffu);
  EXPECT_EQ(r.out[1], static_cast<uint32_t>(0xffffffull * 0xffffff + 0x10000000));
}

TEST_F(IsaInst, PackedClampIsNamedUnsupported) {
  SnippetRun r = gfx942_.run("clamp_pk_mul_lo_u16_unsupported", {});
  EXPECT_EQ(r.outcome.kind, DispatchOutcome::Kind::kUnsupported) << r.outcome.describe();
  EXPECT_NE(r.outcome.describe().find("v_pk_mul_lo_u16"), std::string::npos);
}

TEST_F(IsaInst, DivScaleF64RescalesFarApartExponents) {
  // num / den near the largest double: the denominator call scales the
  // denominator by 2^128 and sets VCC; the numerator call leaves it alone.
  double num = 1e300, den = 1e-10;
  SnippetRun r = gfx942_.run("div_scale_f64_far_exponents", {lo(num), hi(num), lo(den), hi(den)});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(std::bit_cast<double>(r.lane0()), std::ldexp(den, 128));
  EXPECT_EQ(r.out[2], 1u);
  r = gfx942_.run("div_scale_f64_numerator_call", {lo(num), hi(num), lo(den), hi(den)});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(std::bit_cast<double>(r.lane0()), num);
  EXPECT_EQ(r.out[2], 1u);
  // A quotient below the normal range: the numerator call scales the
  // numerator up by 2^128 with VCC.
  num = 1e-300, den = 1e300;
  r = gfx942_.run("div_scale_f64_numerator_call", {lo(num), hi(num), lo(den), hi(den)});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(std::bit_cast<double>(r.lane0()), std::ldexp(num, 128));
  EXPECT_EQ(r.out[2], 1u);
  // Ordinary operands: unscaled, VCC clear.
  num = 3.0, den = 7.0;
  r = gfx942_.run("div_scale_f64_far_exponents", {lo(num), hi(num), lo(den), hi(den)});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(std::bit_cast<double>(r.lane0()), den);
  EXPECT_EQ(r.out[2], 0u);
}

TEST_F(IsaInst, DivFmasF64UndoesTheScaleByTheQuotientsSize) {
  // VCC set: fma(a, b, b) * 2^+128 when the scaled quotient b is large,
  // * 2^-128 when it is small.
  double a = 0.5, b = 1e200;
  SnippetRun r = gfx942_.run("div_fmas_f64_rescales", {lo(a), hi(a), lo(b), hi(b)});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(std::bit_cast<double>(r.lane0()), std::ldexp(std::fma(a, b, b), 128));
  b = 1e-200;
  r = gfx942_.run("div_fmas_f64_rescales", {lo(a), hi(a), lo(b), hi(b)});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(std::bit_cast<double>(r.lane0()), std::ldexp(std::fma(a, b, b), -128));
}

TEST_F(IsaInst, Vop3pClampSaturatesIntegerHalves) {
  // Halves (hi, lo): (0xfff0, 0x7ff0) + (0x0020, 0x0020).
  SnippetRun r = gfx942_.run("pk_clamp_int", {0xfff07ff0, 0x00200020});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  for (uint32_t l = 0; l < 64; ++l) {
    EXPECT_EQ(r.out[2 * l], 0xffff8010u) << l;      // u16: 65520 + 32 saturates, 32752 + 32 fits
    EXPECT_EQ(r.out[2 * l + 1], 0x00107fffu) << l;  // i16: -16 + 32 fits, 32752 + 32 saturates
  }
}

TEST_F(IsaInst, Vop3pClampLimitsFp16HalvesToZeroOne) {
  // (1.0, 0.5) + (0.5, -0.25) = (1.5 -> 1.0, 0.25); (b - a) unsigned clamps at 0.
  SnippetRun r = gfx942_.run("pk_clamp_f16", {0x3c003800, 0x3800b400});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], 0x3c003400u);
  EXPECT_EQ(r.out[1], 0x00007c00u);  // hi 0x3800 - 0x3c00 -> 0, lo 0xb400 - 0x3800
}

TEST_F(IsaInst, SBufferLoadReadsThroughAVSharpWithinNumRecords) {
  SnippetRun r = gfx942_.run("sbuffer_load", {1024, 0x11111111, 0x22222222});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], 0x11111111u);
  EXPECT_EQ(r.out[1], 0x22222222u);
  // NUM_RECORDS 772: the dword at 772 is out of range and reads 0.
  r = gfx942_.run("sbuffer_load", {772, 0x11111111, 0x22222222});
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  EXPECT_EQ(r.out[0], 0x11111111u);
  EXPECT_EQ(r.out[1], 0u);
}

TEST_F(IsaInst, Gfx90aScratchThroughMubuf) {
  // Two dwords per lane at offsets 8 and 12 of the lane's private segment,
  // through a private segment V# at kScratch (SWIZZLE_ENABLE, INDEX_STRIDE
  // 64, ADD_TID_ENABLE) with a wave offset of 256 bytes in s12.
  const uint32_t vsharp[4] = {static_cast<uint32_t>(kScratch), 1u << 31, 64 * 64,
                              3u << 21 | 1u << 23};
  SnippetRun r =
      gfx90a_.run("mubuf_scratch",
                  {0x1234, 0x100, 0, 0, 0, 0, vsharp[0], vsharp[1], vsharp[2], vsharp[3], 256}, 64);
  ASSERT_TRUE(r.outcome.ok()) << r.outcome.describe();
  for (uint32_t l = 0; l < 64; ++l) {
    EXPECT_EQ(r.out[2 * l], 0x100 + l) << l;
    EXPECT_EQ(r.out[2 * l + 1], 0x1234u) << l;
    // Dword k of lane l lives at wave offset + k * 256 + l * 4.
    EXPECT_EQ(r.scratch[(256 + 3 * 256) / 4 + l], 0x100 + l) << l;
    EXPECT_EQ(r.scratch[(256 + 2 * 256) / 4 + l], 0x1234u) << l;
  }
}

TEST_F(IsaInst, ARunawayLoopStopsAtTheWallClockDeadline) {
  // At interpreter speed the instruction limit (2^34) takes hours; the
  // deadline (replay's --max-seconds) ends the dispatch as a hang instead.
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  SnippetRun r = gfx942_.run("runaway", {}, 0, start + std::chrono::milliseconds(300));
  const auto took = Clock::now() - start;
  EXPECT_EQ(r.outcome.kind, DispatchOutcome::Kind::kHang) << r.outcome.describe();
  EXPECT_NE(r.outcome.message.find("deadline"), std::string::npos) << r.outcome.message;
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_GT(r.outcome.instructions, kDeadlineCheckInterval);
}

}  // namespace
}  // namespace amdrr::sim::isa
