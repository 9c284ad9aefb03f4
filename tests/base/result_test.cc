#include "lib/base/result.h"

#include <gtest/gtest.h>

namespace amdrr {
namespace {

TEST(Result, CarriesValueOrErrno) {
  Result<int> ok = 42;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 42);
  EXPECT_EQ(ok.error(), 0);

  Result<int> bad = Errno{EINVAL};
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), EINVAL);
}

TEST(Result, VoidResult) {
  Result<void> ok;
  EXPECT_TRUE(ok);
  Result<void> bad = Errno{EBUSY};
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error(), EBUSY);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> bad = Errno{ENOMEM};
  EXPECT_DEATH((void)bad.value(), "value\\(\\) of a failed Result");
}

}  // namespace
}  // namespace amdrr
