// Every inspect tool on a trace cut at many points: each reads what is there
// and stops with the reader's verdict; none crashes (run under ASan too).
#include <gtest/gtest.h>

#include <sstream>

#include "inspect/dump.h"
#include "inspect/redact.h"
#include "inspect/report.h"
#include "inspect/timeline.h"
#include "inspect/trace_diff.h"
#include "tests/format/trace_fixtures.h"
#include "tests/inspect/inspect_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr::inspect {
namespace {

TEST(DamagedTrace, EveryToolReadsUpToTheCutAndNeverCrashes) {
  testing::TempDir dir;
  const std::string whole = dir.file("whole.amdrr"), cut = dir.file("cut.amdrr");
  testing::write_inspect_trace(whole);
  const std::vector<uint8_t> bytes = testing::read_file(whole);
  size_t opened = 0;
  for (size_t size = 0; size < bytes.size(); size += 61) {
    testing::write_file(cut, std::vector<uint8_t>(bytes.begin(), bytes.begin() + long(size)));
    std::string error;
    auto open = [&] { return format::TraceReader::open(cut, &error); };
    auto reader = open();
    if (!reader) continue;  // cut before the header: refused with a message
    ++opened;
    std::ostringstream out;
    DumpOptions text, json;
    json.json = true;
    dump_trace(*reader, text, out);
    const format::TraceEnd end = reader->end();
    EXPECT_NE(end, format::TraceEnd::kReading);
    dump_trace(*open(), json, out);
    Timeline t = build_timeline(*open());
    write_trace_event_json(t, out);
    write_timeline_html(t, "cut", out);
    write_report(*open(), cut, out);
    auto a = open();
    auto b = format::TraceReader::open(whole, &error);
    ASSERT_TRUE(b) << error;
    DiffResult d = diff_traces(*a, *b, {});
    if (size + 200 < bytes.size()) {
      EXPECT_FALSE(d.same()) << size;  // records only in b
    }
    RedactSummary s = redact_trace(cut, dir.file("red.amdrr"), {});
    EXPECT_TRUE(s.error.empty()) << size << ": " << s.error;
    EXPECT_EQ(s.source_damaged, end != format::TraceEnd::kClean) << size;
  }
  EXPECT_GT(opened, 3u);
}

}  // namespace
}  // namespace amdrr::inspect
