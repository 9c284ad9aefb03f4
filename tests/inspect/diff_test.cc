#include "inspect/trace_diff.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/inspect/inspect_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr::inspect {
namespace {

DiffResult diff(const std::string& a, const std::string& b, bool strict = false) {
  std::string error;
  auto ra = format::TraceReader::open(a, &error);
  auto rb = format::TraceReader::open(b, &error);
  EXPECT_TRUE(ra && rb) << error;
  DiffOptions options;
  options.strict = strict;
  return diff_traces(*ra, *rb, options);
}

TEST(Diff, SameProgramTwiceIsTheSameUnlessStrict) {
  testing::TempDir dir;
  testing::write_inspect_trace(dir.file("a.amdrr"));
  testing::write_inspect_trace(dir.file("b.amdrr"));
  DiffResult r = diff(dir.file("a.amdrr"), dir.file("b.amdrr"));
  EXPECT_TRUE(r.same()) << r.total;
  EXPECT_EQ(r.records_a, 14u);  // every record but the blob
  EXPECT_FALSE(diff(dir.file("a.amdrr"), dir.file("b.amdrr"), true).same());  // times differ
}

TEST(Diff, OneChangedPacketDwordIsFoundAtItsPlace) {
  testing::TempDir dir;
  testing::write_inspect_trace(dir.file("a.amdrr"));
  testing::InspectTraceOptions flip;
  flip.flip_packet_dword = 11;  // RELEASE_MEM dword 4: ADDRESS_HI
  testing::write_inspect_trace(dir.file("b.amdrr"), flip);
  DiffResult r = diff(dir.file("a.amdrr"), dir.file("b.amdrr"));
  ASSERT_EQ(r.total, 1u);
  const Difference& d = r.listed.front();
  EXPECT_EQ(d.record_a, 9u);
  EXPECT_EQ(d.kind, "doorbell.packets");
  EXPECT_EQ(d.where, "doorbell q3 packet at +0x1c RELEASE_MEM dword 4 ADDRESS_HI");
  EXPECT_EQ(d.a_text, "0x3000");
  EXPECT_EQ(d.b_text, "0x3010");
  std::ostringstream out;
  print_diff(r, out);
  EXPECT_NE(out.str().find("doorbell.packets: 1"), std::string::npos) << out.str();
}

TEST(Diff, AnExtraRecordIsOneDifferenceThenTheTracesRealign) {
  testing::TempDir dir;
  testing::write_inspect_trace(dir.file("a.amdrr"));
  testing::InspectTraceOptions extra;
  extra.extra_wait = true;
  extra.flip_packet_dword = 4;  // and, after it, a changed WAIT_REG_MEM REFERENCE
  testing::write_inspect_trace(dir.file("b.amdrr"), extra);
  DiffResult r = diff(dir.file("a.amdrr"), dir.file("b.amdrr"));
  ASSERT_EQ(r.total, 2u);
  EXPECT_EQ(r.listed[0].kind, "extra records");
  EXPECT_EQ(r.listed[0].record_b, 9u);
  EXPECT_EQ(r.listed[0].b_text, "waitResult");
  EXPECT_EQ(r.listed[1].kind, "doorbell.packets");
  EXPECT_EQ(r.listed[1].record_a, 9u);
  EXPECT_EQ(r.listed[1].record_b, 10u);
  EXPECT_NE(r.listed[1].where.find("WAIT_REG_MEM dword 4 REFERENCE"), std::string::npos);
}

TEST(Diff, OneChangedMemoryByteIsFoundAtItsAddress) {
  testing::TempDir dir;
  testing::write_inspect_trace(dir.file("a.amdrr"));
  testing::InspectTraceOptions flip;
  flip.flip_data_byte = 0x44;
  testing::write_inspect_trace(dir.file("b.amdrr"), flip);
  DiffResult r = diff(dir.file("a.amdrr"), dir.file("b.amdrr"));
  ASSERT_EQ(r.total, 1u);
  EXPECT_EQ(r.listed[0].kind, "memWrite.content");
  EXPECT_NE(r.listed[0].where.find("byte +0x44 (0x3000_0002_0044 = buf#2 \"gtt\" +0x44)"),
            std::string::npos)
      << r.listed[0].where;
}

}  // namespace
}  // namespace amdrr::inspect
