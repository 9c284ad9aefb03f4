#include "inspect/buffer_map.h"

#include <gtest/gtest.h>

namespace amdrr::inspect {
namespace {

TEST(BufferMap, NamesLiveFreedAndUnmappedAddresses) {
  BufferMap m;
  EXPECT_EQ(m.add(0x7f1234000000, 0x1000, 11, 1, 2), 0u);
  EXPECT_EQ(m.add(0x7f1234001000, 0x1000, 12, 1, 1), 1u);
  m.name(0x7f1234000010, "kernargs");
  EXPECT_EQ(m.describe(0x7f1234000040), "buf#0 \"kernargs\" +0x40");
  EXPECT_EQ(m.describe(0x7f1234001ff8), "buf#1 \"vram\" +0xff8");
  EXPECT_EQ(m.describe(0x7f1234002000), "UNMAPPED (no buffer)");
  m.free(11, 42);
  EXPECT_EQ(m.describe(0x7f1234000040), "FREED buf#0 \"kernargs\" +0x40 (freed at #42)");
  EXPECT_EQ(m.find(0x7f1234000040).state, AddressState::kFreed);
  // A new buffer at the same VA is live again.
  EXPECT_EQ(m.add(0x7f1234000000, 0x100, 13, 1, 2), 2u);
  EXPECT_EQ(m.describe(0x7f1234000040), "buf#2 \"gtt\" +0x40");
  EXPECT_EQ(m.find(0x7f1234000100).state, AddressState::kFreed);  // past the new one's end
}

TEST(BufferMap, HexGroupsBySixteenBits) {
  EXPECT_EQ(BufferMap::hex(0x7f1234000040), "0x7f12_3400_0040");
  EXPECT_EQ(BufferMap::hex(0x40), "0x40");
  EXPECT_EQ(BufferMap::hex(0x12345), "0x1_2345");
}

}  // namespace
}  // namespace amdrr::inspect
