#include "inspect/record_json.h"

#include <gtest/gtest.h>

namespace amdrr::inspect {
namespace {

TEST(RecordJson, Base64MatchesRfc4648Vectors) {
  auto b64 = [](std::string_view s) {
    return base64_encode(
        capnp::Data::Reader(reinterpret_cast<const kj::byte*>(s.data()), s.size()));
  };
  // RFC 4648 section 10.
  EXPECT_EQ(b64(""), "");
  EXPECT_EQ(b64("f"), "Zg==");
  EXPECT_EQ(b64("fo"), "Zm8=");
  EXPECT_EQ(b64("foo"), "Zm9v");
  EXPECT_EQ(b64("foob"), "Zm9vYg==");
  EXPECT_EQ(b64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(b64("foobar"), "Zm9vYmFy");
}

TEST(RecordJson, BlobRoundTripsWithSchemaFieldNames) {
  capnp::MallocMessageBuilder in;
  auto r = in.initRoot<schema::Record>();
  r.setTimeNs(5);
  const kj::byte bytes[] = {0, 1, 2, 250, 251};
  auto blob = r.initBlob();
  blob.setSize(5);
  blob.setData(capnp::Data::Reader(bytes, 5));
  RecordJson json;
  const std::string line = json.encode(r);
  EXPECT_NE(line.find("\"blob\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"data\":\"AAEC+vs=\""), std::string::npos) << line;
  capnp::MallocMessageBuilder out;
  auto back = out.initRoot<schema::Record>();
  json.decode(line, back);
  ASSERT_TRUE(back.isBlob());
  EXPECT_EQ(back.getBlob().getData(), capnp::Data::Reader(bytes, 5));
  EXPECT_EQ(back.getTimeNs(), 5u);
}

}  // namespace
}  // namespace amdrr::inspect
