#include "lib/code/msgpack.h"

#include <gtest/gtest.h>

namespace amdrr::code {
namespace {

std::optional<MsgValue> parse(std::vector<uint8_t> bytes, std::string* error) {
  return parse_msgpack(bytes, error);
}

TEST(Msgpack, ReadsTheMetadataSubset) {
  // {"a": [1, -1, 300, "x"], "b": true}
  std::vector<uint8_t> bytes = {0x82, 0xa1, 'a', 0x94, 0x01, 0xff, 0xcd, 0x01, 0x2c,
                                0xa1, 'x',  0xa1, 'b', 0xc3};
  std::string error;
  auto v = parse(bytes, &error);
  ASSERT_TRUE(v) << error;
  const MsgValue* a = v->find("a");
  ASSERT_TRUE(a && a->as_array());
  EXPECT_EQ((*a->as_array())[0].as_uint(), 1u);
  EXPECT_FALSE((*a->as_array())[1].as_uint().has_value());  // -1
  EXPECT_EQ((*a->as_array())[2].as_uint(), 300u);
  EXPECT_EQ(*(*a->as_array())[3].as_string(), "x");
  EXPECT_EQ(std::get<bool>(v->find("b")->v), true);
}

TEST(Msgpack, RejectsTruncatedDeepAndHugeInput) {
  std::string error;
  EXPECT_FALSE(parse({0x92, 0x01}, &error));  // array of 2 with 1 element
  EXPECT_NE(error.find("truncated"), std::string::npos);
  std::vector<uint8_t> deep(100, 0x91);  // 100 nested arrays
  deep.push_back(0x01);
  EXPECT_FALSE(parse(deep, &error));
  EXPECT_NE(error.find("nested"), std::string::npos);
  EXPECT_FALSE(parse({0xdd, 0xff, 0xff, 0xff, 0xff}, &error));  // 4G-element array
  EXPECT_FALSE(parse({0x81, 0x01, 0x01}, &error));             // integer key
  EXPECT_NE(error.find("key"), std::string::npos);
  EXPECT_FALSE(parse({0x01, 0x02}, &error));  // trailing bytes
}

}  // namespace
}  // namespace amdrr::code
