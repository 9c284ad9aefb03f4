#include "inspect/memory_image.h"

#include <gtest/gtest.h>

namespace amdrr::inspect {
namespace {

TEST(MemoryImage, ReadsBackWrittenDwordsAcrossPagesAndRefusesGaps) {
  MemoryImage image;
  const uint8_t a[8] = {1, 0, 0, 0, 2, 0, 0, 0};
  image.write(0x300000000ffc, a);  // straddles a page boundary
  auto dwords = image.read_dwords(0x300000000ffc, 2);
  ASSERT_TRUE(dwords);
  EXPECT_EQ((*dwords)[0], 1u);
  EXPECT_EQ((*dwords)[1], 2u);
  EXPECT_FALSE(image.read_dwords(0x300000000ffc, 3));  // the third was never written
  const uint8_t b[4] = {9, 0, 0, 0};
  image.write(0x300000001000, b);  // a later write wins
  EXPECT_EQ((*image.read_dwords(0x300000001000, 1))[0], 9u);
  EXPECT_FALSE(image.read_dwords(UINT64_MAX - 2, 1));  // wraps: refused
}

}  // namespace
}  // namespace amdrr::inspect
