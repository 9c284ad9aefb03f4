#include "lib/code/code_object.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

namespace amdrr::code {
namespace {

std::vector<uint8_t> load(const std::string& name) {
  std::ifstream in(std::string(AMDRR_CODE_GEN_DIR) + "/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(CodeObject, KernelsArgumentsAndTargetFromMetadata) {
  for (const char* target : {"gfx942", "gfx90a"}) {
    auto elf = load(std::string("args_") + target + ".co");
    ASSERT_FALSE(elf.empty());
    auto r = parse_code_object(elf);
    ASSERT_TRUE(r.object) << r.error;
    EXPECT_EQ(r.object->target, target);
    EXPECT_EQ(target_from_e_flags(r.object->e_flags), target);
    const Kernel* scale = r.object->find("scale");
    ASSERT_NE(scale, nullptr);
    const KernelMetadata& m = scale->metadata;
    ASSERT_TRUE(m.present);
    ASSERT_GE(m.args.size(), 5u);
    EXPECT_EQ(m.args[0].value_kind, "global_buffer");
    EXPECT_EQ(m.args[0].offset, 0u);
    EXPECT_EQ(m.args[0].size, 8u);
    EXPECT_EQ(m.args[2].value_kind, "by_value");
    EXPECT_EQ(m.args[2].offset, 16u);
    EXPECT_EQ(m.args[2].size, 4u);
    EXPECT_EQ(m.args[4].value_kind, "dynamic_shared_pointer");
    EXPECT_EQ(m.wavefront_size, 64u);
    EXPECT_EQ(m.kernarg_segment_size, scale->descriptor.kernarg_size);
    ASSERT_NE(r.object->find("fill"), nullptr);
    EXPECT_EQ(r.object->find("missing"), nullptr);
  }
}

// Code objects come inside strangers' traces: no prefix or corruption may
// crash the parser, and damage is reported.
TEST(CodeObject, HostileBytesGiveErrorsNotCrashes) {
  auto elf = load("args_gfx942.co");
  ASSERT_FALSE(elf.empty());
  for (size_t len = 0; len < elf.size(); len += 7) {
    auto r = parse_code_object({elf.data(), len});
    if (!r.object) {
      EXPECT_FALSE(r.error.empty());
    }
  }
  std::mt19937 rng(42);
  int rejected = 0;
  for (int round = 0; round < 2000; ++round) {
    auto copy = elf;
    for (int i = 0; i < 4; ++i) copy[rng() % copy.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    auto r = parse_code_object(copy);
    if (!r.object) {
      EXPECT_FALSE(r.error.empty());
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0);
  EXPECT_FALSE(parse_code_object({}).object);
}

// Found by fuzz_code_object: PT_LOAD segments that are all empty leave an
// empty image, and copying zero bytes into it passed a null pointer to
// memcpy (undefined; UBSan stops there).
TEST(CodeObject, EmptyLoadSegmentsAreNotCopied) {
  auto elf = load("args_gfx942.co");
  ASSERT_GE(elf.size(), sizeof(Elf64_Ehdr));
  Elf64_Ehdr eh;
  std::memcpy(&eh, elf.data(), sizeof eh);
  int loads = 0;
  for (uint32_t i = 0; i < eh.e_phnum; ++i) {
    const size_t at = eh.e_phoff + size_t{i} * sizeof(Elf64_Phdr);
    ASSERT_LE(at + sizeof(Elf64_Phdr), elf.size());
    Elf64_Phdr ph;
    std::memcpy(&ph, elf.data() + at, sizeof ph);
    if (ph.p_type != PT_LOAD) continue;
    ph.p_vaddr = ph.p_filesz = ph.p_memsz = 0;
    std::memcpy(elf.data() + at, &ph, sizeof ph);
    ++loads;
  }
  ASSERT_GT(loads, 0);
  auto r = parse_code_object(elf);
  if (r.object) {
    EXPECT_TRUE(r.object->image.empty());
  } else {
    EXPECT_FALSE(r.error.empty());
  }
}

}  // namespace
}  // namespace amdrr::code
