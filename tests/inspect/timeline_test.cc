#include "inspect/timeline.h"

#include <capnp/compat/json.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

#include "format/trace_writer.h"
#include "tests/inspect/inspect_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr::inspect {
namespace {

Timeline timeline_of(const std::string& path, uint64_t* doorbells) {
  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  EXPECT_TRUE(reader) << error;
  Timeline t = build_timeline(*reader);
  auto again = format::TraceReader::open(path, &error);
  *doorbells = 0;
  while (auto v = again->next()) *doorbells += v->record.which() == schema::Record::DOORBELL;
  return t;
}

TEST(Timeline, JsonHasASpanPerSubmissionAndValidEvents) {
  testing::TempDir dir;
  const std::string trace = testing::capture_sample("dispatch", dir.path().string());
  uint64_t doorbells = 0;
  Timeline t = timeline_of(trace, &doorbells);
  ASSERT_GE(doorbells, 2u);
  std::ostringstream out;
  write_trace_event_json(t, out);
  const std::string json = out.str();

  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<capnp::JsonValue>();
  capnp::JsonCodec codec;
  ASSERT_NO_THROW(codec.decodeRaw(kj::StringPtr(json.c_str()), root)) << json;
  ASSERT_EQ(root.which(), capnp::JsonValue::OBJECT);
  uint64_t submissions = 0, waits = 0, named_threads = 0;
  for (auto top : root.getObject()) {
    if (std::string_view(top.getName().cStr()) != "traceEvents") continue;
    for (auto event : top.getValue().getArray()) {
      ASSERT_EQ(event.which(), capnp::JsonValue::OBJECT);
      std::string ph, name;
      double ts = -1, dur = -1;
      bool pid = false, tid = false;
      for (auto f : event.getObject()) {
        std::string key = f.getName().cStr();
        auto v = f.getValue();
        if (key == "ph") ph = v.getString().cStr();
        if (key == "name") name = v.getString().cStr();
        if (key == "ts") ts = v.getNumber();
        if (key == "dur") dur = v.getNumber();
        pid = pid || key == "pid";
        tid = tid || key == "tid";
      }
      EXPECT_TRUE(pid && tid) << name;
      ASSERT_TRUE(ph == "X" || ph == "M" || ph == "i") << ph;
      if (ph == "M") named_threads += name == "thread_name";
      if (ph == "X") {
        EXPECT_GE(ts, 0);
        EXPECT_GE(dur, 0);
        submissions += name.rfind("submission ", 0) == 0;
        waits += name.rfind("poll ", 0) == 0 || name.rfind("wait events", 0) == 0;
      }
    }
  }
  EXPECT_EQ(submissions, doorbells);
  EXPECT_GE(waits, 2u);
  EXPECT_EQ(named_threads, t.tracks.size());
  // The PM4 and the AQL queue each have their own track.
  bool pm4 = false, aql = false;
  for (const TimelineTrack& track : t.tracks) {
    pm4 = pm4 || track.name.find(" compute") != std::string::npos;
    aql = aql || track.name.find(" computeAql") != std::string::npos;
  }
  EXPECT_TRUE(pm4 && aql);
  // Each submission ends at the wait on its completion signal, after it started.
  for (const TimelineSpan& s : t.spans) {
    if (s.name.rfind("submission ", 0) != 0) continue;
    EXPECT_GT(s.end_ns, s.start_ns) << s.name;
    EXPECT_EQ(s.end_reason.find("not matched"), std::string::npos) << s.end_reason;
  }
}

TEST(Timeline, FaultEndsTheQueuesSpanAndShowsAsAnEvent) {
  testing::TempDir dir;
  testing::write_inspect_trace(dir.file("t.amdrr"));
  uint64_t doorbells = 0;
  Timeline t = timeline_of(dir.file("t.amdrr"), &doorbells);
  ASSERT_EQ(doorbells, 2u);
  bool fault = false, label = false;
  for (const TimelineEvent& e : t.instants) {
    fault = fault || e.name.find("fault: memory exception va 0x500000000000") == 0;
    label = label || e.name == "upload";
  }
  EXPECT_TRUE(fault && label);
  ASSERT_GE(t.spans.size(), 3u);
  EXPECT_NE(t.spans[0].end_reason.find("poll 0x300000010008"), std::string::npos)
      << t.spans[0].end_reason;  // matched by the RELEASE_MEM address
  EXPECT_NE(t.spans.back().end_reason.find("stopped by fault"), std::string::npos);
}

std::string html_of(const std::string& trace, Timeline* t) {
  uint64_t doorbells = 0;
  *t = timeline_of(trace, &doorbells);
  std::ostringstream out;
  write_timeline_html(*t, "test <&> timeline", out);
  return out.str();
}

TEST(Timeline, HtmlIsWellFormedWithEverySpan) {
  testing::TempDir dir;
  Timeline t;
  const std::string html = html_of(testing::capture_sample("dispatch", dir.path().string()), &t);
  xmlDocPtr doc = xmlReadMemory(html.data(), static_cast<int>(html.size()), "t.html", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  ASSERT_NE(doc, nullptr) << "not well-formed XML:\n" << html;
  // Walk the tree: one <rect> per span, inside one <svg>.
  size_t rects = 0, svgs = 0;
  std::vector<xmlNodePtr> stack{xmlDocGetRootElement(doc)};
  while (!stack.empty()) {
    xmlNodePtr n = stack.back();
    stack.pop_back();
    for (; n != nullptr; n = n->next) {
      if (n->type != XML_ELEMENT_NODE) continue;
      const std::string name = reinterpret_cast<const char*>(n->name);
      rects += name == "rect";
      svgs += name == "svg";
      if (n->children) stack.push_back(n->children);
    }
  }
  xmlFreeDoc(doc);
  EXPECT_EQ(svgs, 1u);
  EXPECT_EQ(rects, t.spans.size());
  EXPECT_NE(html.find("test &lt;&amp;&gt; timeline"), std::string::npos);
}

// Renders the page in headless Chromium; skipped where Chromium is absent.
TEST(TimelineChromium, RendersEverySpan) {
  const char* chromium = nullptr;
  for (const char* c :
       {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (std::ifstream(c).good()) {
      chromium = c;
      break;
    }
  }
  if (chromium == nullptr) {
    GTEST_SKIP() << "Chromium is not installed (apt-get install chromium): the HTML timeline was "
                    "checked for well-formedness only";
  }
  testing::TempDir dir;
  Timeline t;
  const std::string html = html_of(testing::capture_sample("dispatch", dir.path().string()), &t);
  const std::string page = dir.file("t.html"), dom = dir.file("dom.html");
  std::ofstream(page) << html;
  const std::string cmd = std::string(chromium) +
                          " --headless --no-sandbox --disable-gpu --dump-dom file://" + page +
                          " >" + dom + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(dom);
  const std::string rendered((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  for (size_t i = 0; i < t.spans.size(); ++i) {
    EXPECT_NE(rendered.find("id=\"span-" + std::to_string(i) + "\""), std::string::npos) << i;
  }
  EXPECT_NE(rendered.find("<svg"), std::string::npos);
}

}  // namespace
}  // namespace amdrr::inspect

namespace amdrr::inspect {
namespace {

// SDMA TIMESTAMP_GET_GLOBAL (OP=13, SUB_OP=2) before and after a copy; the
// program read both values back (an ObservedMemory marked as timestamps), and
// one GET_CLOCK_COUNTERS pairs GPU counter 1000 with trace time 1 ms.
TEST(Timeline, SpansRunOnGpuTimestampsWhereTheTraceKeptThem) {
  testing::TempDir dir;
  const std::string path = dir.file("ts.amdrr");
  constexpr uint64_t kTs = 0x300000001000;
  std::string error;
  auto w = format::TraceWriter::create(
      path,
      [](schema::Header::Builder h) {
        auto g = h.initGpus(1)[0];
        g.setGpuId(1);
        g.setGfxTargetVersion(90402);
      },
      &error);
  ASSERT_TRUE(w) << error;
  w->write([](schema::Record::Builder r) {
    r.setTimeNs(1'000'000);
    auto c = r.initKmdCall();
    c.setPhase(schema::KmdCall::Phase::RETURNED);
    auto k = c.initGetClockCounters();
    k.setGpuId(1);
    k.setGpuClockCounter(1000);
  });
  w->write([](schema::Record::Builder r) {
    auto c = r.initKmdCall();
    c.setPhase(schema::KmdCall::Phase::RETURNED);
    auto q = c.initCreateQueue();
    q.setGpuId(1);
    q.setQueueId(2);
    q.setQueueType(schema::QueueType::SDMA);
  });
  const std::vector<uint32_t> packets = {0x20D,
                                         uint32_t(kTs),
                                         uint32_t(kTs >> 32),  // TIMESTAMP_GET_GLOBAL
                                         0x1,
                                         4095,
                                         0,
                                         0x2000,
                                         0x3000,
                                         0x4000,
                                         0x3000,  // COPY_LINEAR 4 KiB
                                         0x20D,
                                         uint32_t(kTs + 8),
                                         uint32_t((kTs + 8) >> 32),  // TIMESTAMP_GET_GLOBAL
                                         0x5,
                                         0x5000,
                                         0x3000,
                                         1};  // FENCE
  w->write([&](schema::Record::Builder r) {
    r.setTimeNs(2'000'000);
    auto d = r.initDoorbell();
    d.setGpuId(1);
    d.setQueueId(2);
    auto list = d.initPackets(static_cast<unsigned>(packets.size()));
    for (unsigned i = 0; i < packets.size(); ++i) list.set(i, packets[i]);
  });
  w->write([](schema::Record::Builder r) {
    r.setTimeNs(3'000'000);
    auto wr = r.initWaitResult();
    wr.setKind(schema::WaitKind::CPU_POLL);
    wr.setVa(0x300000005000);
  });
  const uint64_t values[2] = {1500, 2500};
  const format::BlobId blob = w->put_blob(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(values), sizeof values));
  w->write([&](schema::Record::Builder r) {
    auto o = r.initObserved();
    o.setVa(kTs);
    o.setSize(16);
    o.setIsTimestamp(true);
    format::TraceWriter::set_blob_ref(o.initContent(), blob);
  });
  ASSERT_TRUE(w->close());
  uint64_t doorbells = 0;
  Timeline t = timeline_of(path, &doorbells);
  ASSERT_EQ(doorbells, 1u);
  const TimelineSpan& s = t.spans[0];
  ASSERT_EQ(s.name.rfind("submission 0: TIMESTAMP_GET_GLOBAL, COPY_LINEAR", 0), 0u) << s.name;
  // 100 MHz: 500 ticks = 5 us after the pairing, 1500 ticks = 15 us.
  EXPECT_EQ(s.start_ns, 1'005'000u);
  EXPECT_EQ(s.end_ns, 1'015'000u);
  EXPECT_EQ(s.end_reason, "GPU timestamps 0x5dc..0x9c4");
}

}  // namespace
}  // namespace amdrr::inspect
