// Decoder oracle: every instruction llvm-objdump disassembles from the
// llvm-mc list (and from the test kernels) must decode to the same text.

#include <gtest/gtest.h>

#include <string>

#include "lib/sim/isa/decoder.h"
#include "lib/sim/isa/printer.h"
#include "tests/lib/sim/isa/oracle_text.h"

namespace amdrr::sim::isa {
namespace {

void check_file(const std::string& path, Target target, size_t* count) {
  auto lines = testing::read_objdump(path);
  ASSERT_FALSE(lines.empty()) << path;
  Decoder dec(target);
  int failures = 0;
  for (const auto& l : lines) {
    DecodeResult r = dec.decode(l.bytes);
    std::string got =
        r.status == DecodeStatus::kOk ? testing::normalise(to_text(r.inst, target)) : "<illegal>";
    if (r.status == DecodeStatus::kOk) {
      EXPECT_EQ(r.inst.size, l.bytes.size()) << l.text;
    }
    if (got != l.text && ++failures <= 60) ADD_FAILURE() << "want: " << l.text << "\n got: " << got;
    ++*count;
  }
  EXPECT_EQ(failures, 0) << path;
}

TEST(IsaDecoder, MatchesObjdumpOnListGfx942) {
  size_t n = 0;
  check_file(AMDRR_ISA_GEN_DIR "/decoder_list_gfx942.dis", kGfx942, &n);
  EXPECT_GT(n, 300u);
}

TEST(IsaDecoder, MatchesObjdumpOnListGfx90a) {
  size_t n = 0;
  check_file(AMDRR_ISA_GEN_DIR "/decoder_list_gfx90a.dis", kGfx90a, &n);
  EXPECT_GT(n, 20u);
}

TEST(IsaDecoder, MatchesObjdumpOnTestKernels) {
  size_t n = 0;
  check_file(AMDRR_ISA_GEN_DIR "/compute_O0.dis", kGfx942, &n);
  check_file(AMDRR_ISA_GEN_DIR "/compute_O3.dis", kGfx942, &n);
  EXPECT_GT(n, 500u);
}

TEST(IsaDecoder, MatchesObjdumpOnTestKernelsGfx90a) {
  size_t n = 0;
  check_file(AMDRR_ISA_GEN_DIR "/compute_gfx90a_O0.dis", kGfx90a, &n);
  check_file(AMDRR_ISA_GEN_DIR "/compute_gfx90a_O3.dis", kGfx90a, &n);
  EXPECT_GT(n, 500u);
}

TEST(IsaDecoder, IllegalAndTruncated) {
  Decoder dec(kGfx942);
  const uint8_t mimg[] = {0, 0, 0, 0xf0, 0, 0, 0, 0};  // MIMG: no such format on gfx942 compute
  EXPECT_EQ(dec.decode(mimg).status, DecodeStatus::kIllegal);
  const uint8_t half_vop3[] = {0x00, 0x00, 0x05, 0xd1};
  EXPECT_EQ(dec.decode(half_vop3).status, DecodeStatus::kTruncated);
  const uint8_t lit_missing[] = {0xff, 0x02, 0x02, 0x7e};  // v_mov_b32 v1, <literal>
  EXPECT_EQ(dec.decode(lit_missing).status, DecodeStatus::kTruncated);
  // v_mov_b64 exists on gfx942 only.
  const uint8_t mov64[] = {0x0a, 0x70, 0x08, 0x7e};
  EXPECT_EQ(dec.decode(mov64).status, DecodeStatus::kOk);
  EXPECT_EQ(Decoder(kGfx90a).decode(mov64).status, DecodeStatus::kIllegal);
}

}  // namespace
}  // namespace amdrr::sim::isa
