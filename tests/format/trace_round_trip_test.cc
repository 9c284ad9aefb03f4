// Every record kind written, read back field by field; blobs, dedup, threads,
// versions, write errors, and the stock zstd + capnp tools.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "format/frame_pipeline.h"
#include "format/record_visitor.h"
#include "format/trace_reader.h"
#include "format/trace_writer.h"
#include "tests/format/trace_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr {
namespace {

using format::TraceReader;
using format::TraceWriter;
using testing::TempDir;

std::unique_ptr<TraceReader> open_or_fail(const std::string& path) {
  std::string error;
  auto reader = TraceReader::open(path, &error);
  EXPECT_NE(reader, nullptr) << error;
  return reader;
}

TEST(TraceRoundTrip, EveryRecordKindKeepsItsFields) {
  TempDir dir;
  std::string path = dir.file("t.amdrr");
  uint64_t written = testing::write_every_kind(path);
  auto reader = open_or_fail(path);
  ASSERT_NE(reader, nullptr);

  EXPECT_EQ(reader->header().getHost(), "testhost");
  EXPECT_EQ(reader->header().getFormatMajor(), schema::FORMAT_MAJOR);
  EXPECT_EQ(reader->header().getSimSeed(), 7u);
  EXPECT_EQ(reader->header().getGpus()[0].getGfxTarget(), "gfx942");

  std::map<schema::Record::Which, int> seen;
  format::BlobId mem_blob, elf_blob;
  uint64_t count = 0, last_time = 0;
  while (auto v = reader->next()) {
    EXPECT_EQ(v->number, count++);
    EXPECT_GE(v->record.getTimeNs(), last_time);
    last_time = v->record.getTimeNs();
    auto r = v->record;
    seen[r.which()]++;
    switch (r.which()) {
      case schema::Record::KMD_CALL:
        EXPECT_EQ(r.getKmdCall().getSeq(), 3u);
        EXPECT_EQ(r.getKmdCall().getErrnum(), 22);
        EXPECT_EQ(r.getKmdCall().getGetVersion().getMinor(), 17u);
        break;
      case schema::Record::DOORBELL:
        EXPECT_EQ(r.getDoorbell().getQueueId(), 5u);
        EXPECT_EQ(r.getDoorbell().getWritePointer(), 100u);
        ASSERT_EQ(r.getDoorbell().getPackets().size(), 3u);
        EXPECT_EQ(r.getDoorbell().getPackets()[1], 0xdeadbeefu);
        break;
      case schema::Record::MEM_WRITE: {
        auto m = r.getMemWrite();
        EXPECT_EQ(m.getVa(), 0x7f0000001000u);
        EXPECT_EQ(m.getSource(), schema::WriteSource::TRAPPED_STORE);
        mem_blob = {{m.getContent().getHash().getLo(), m.getContent().getHash().getHi()},
                    m.getContent().getSize()};
        break;
      }
      case schema::Record::WAIT_RESULT:
        EXPECT_EQ(r.getWaitResult().getOp(), schema::CompareOp::GE);
        EXPECT_EQ(r.getWaitResult().getValueSeen(), 42u);
        EXPECT_TRUE(r.getWaitResult().getTimedOut());
        EXPECT_EQ(r.getWaitResult().getEventIds()[1], 9u);
        break;
      case schema::Record::OBSERVED:
        EXPECT_EQ(r.getObserved().getSize(), 4096u);
        EXPECT_TRUE(r.getObserved().getIsTimestamp());
        break;
      case schema::Record::CODE_OBJECT: {
        auto c = r.getCodeObject();
        EXPECT_EQ(c.getName(), "vector_add.co");
        EXPECT_EQ(c.getLoadVa(), 0x10000u);
        elf_blob = {{c.getElf().getHash().getLo(), c.getElf().getHash().getHi()},
                    c.getElf().getSize()};
        break;
      }
      case schema::Record::ANNOTATION:
        EXPECT_EQ(r.getAnnotation().getLabel(), "dispatch vector_add");
        EXPECT_EQ(r.getAnnotation().getDetail(), "grid 1024");
        break;
      case schema::Record::GPU_ERROR:
        EXPECT_EQ(r.getGpuError().getKind(), schema::GpuErrorKind::VM_FAULT);
        EXPECT_EQ(r.getGpuError().getVa(), 0xdead000u);
        break;
      case schema::Record::END:
        EXPECT_EQ(r.getEnd().getRecords(), written - 1);
        EXPECT_EQ(r.getEnd().getStoredBlobBytes(), testing::big_blob_content().size() + 7);
        break;
      default:
        break;
    }
  }
  EXPECT_EQ(reader->end(), format::TraceEnd::kClean) << reader->end_message();
  EXPECT_EQ(count, written);
  EXPECT_TRUE(reader->has_index());
  for (auto kind :
       {schema::Record::HEADER, schema::Record::END, schema::Record::KMD_CALL,
        schema::Record::DOORBELL, schema::Record::MEM_WRITE, schema::Record::WAIT_RESULT,
        schema::Record::OBSERVED, schema::Record::CODE_OBJECT, schema::Record::ANNOTATION,
        schema::Record::GPU_ERROR}) {
    EXPECT_EQ(seen[kind], 1) << format::record_kind_name(kind);
  }
  EXPECT_EQ(seen[schema::Record::BLOB], 4);  // two chunks, their list, the ELF

  std::vector<uint8_t> bytes;
  std::string error;
  ASSERT_TRUE(reader->read_blob(mem_blob, &bytes, &error)) << error;
  EXPECT_EQ(bytes, testing::big_blob_content());
  ASSERT_TRUE(reader->read_blob(elf_blob, &bytes, &error)) << error;
  EXPECT_EQ(bytes.size(), 7u);
  EXPECT_EQ(bytes[1], 'E');
}

TEST(TraceRoundTrip, BlobReferenceWithWrongSizeIsRejected) {
  TempDir dir;
  testing::write_every_kind(dir.file("t.amdrr"));
  auto reader = open_or_fail(dir.file("t.amdrr"));
  ASSERT_NE(reader, nullptr);
  while (reader->next()) {
  }
  auto content = testing::big_blob_content();
  format::BlobId id{format::hash128(content), content.size() + 1};
  std::vector<uint8_t> out;
  std::string error;
  EXPECT_FALSE(reader->read_blob(id, &out, &error));
  EXPECT_NE(error.find("does not match"), std::string::npos) << error;
  format::BlobId unknown{{1, 2}, 10};
  EXPECT_FALSE(reader->read_blob(unknown, &out, &error));
  EXPECT_NE(error.find("not found"), std::string::npos) << error;
}

// Re-writing identical content costs a reference, not a copy: at most 64
// bytes of trace per repeat, measured as the growth between N and 2N repeats.
TEST(TraceRoundTrip, IdenticalContentCostsAtMost64BytesPerRepeat) {
  TempDir dir;
  std::vector<uint8_t> content(4u << 20);
  uint64_t x = 88172645463325252ull;  // xorshift: no two chunks alike
  for (auto& b : content) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<uint8_t>(x);
  }
  auto size_with = [&](int repeats) {
    std::string path = dir.file("dedup" + std::to_string(repeats));
    std::string error;
    auto w = TraceWriter::create(path, nullptr, &error);
    EXPECT_NE(w, nullptr) << error;
    for (int i = 0; i < repeats; ++i) {
      auto id = w->put_blob(content);
      w->write([&](schema::Record::Builder r) {
        auto m = r.initMemWrite();
        m.setVa(0x7f0000000000ull);
        TraceWriter::set_blob_ref(m.initContent(), id);
      });
    }
    EXPECT_TRUE(w->close());
    auto stats = w->stats();
    EXPECT_EQ(stats.stored_blob_bytes, content.size());
    EXPECT_EQ(stats.logical_blob_bytes, content.size() * static_cast<uint64_t>(repeats));
    return std::filesystem::file_size(path);
  };
  const int n = 200;
  auto one = size_with(n);
  auto two = size_with(2 * n);
  double per_repeat = static_cast<double>(two - one) / n;
  EXPECT_LE(per_repeat, 64.0) << one << " -> " << two;
}

TEST(TraceRoundTrip, ThreadsAreNumberedAndNoRecordIsLost) {
  TempDir dir;
  std::string path = dir.file("threads.amdrr");
  std::string error;
  format::WriterOptions options;
  options.frame_bytes = 4096;  // many frames while four threads write
  options.workers = 3;         // compressed out of order, written in order
  auto w = TraceWriter::create(path, nullptr, &error, options);
  ASSERT_NE(w, nullptr) << error;
  constexpr int kThreads = 4, kEach = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        w->write([&](schema::Record::Builder r) {
          auto d = r.initDoorbell();
          d.setQueueId(static_cast<uint32_t>(t));
          d.setValue(static_cast<uint64_t>(i));
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(w->close()) << w->error();

  auto reader = open_or_fail(path);
  ASSERT_NE(reader, nullptr);
  std::map<uint32_t, uint64_t> next_value;  // per writer queue: values arrive in order
  std::map<uint32_t, uint32_t> thread_of_queue;
  uint64_t doorbells = 0;
  while (auto v = reader->next()) {
    if (v->record.which() != schema::Record::DOORBELL) continue;
    auto d = v->record.getDoorbell();
    EXPECT_EQ(d.getValue(), next_value[d.getQueueId()]++);
    auto [it, inserted] = thread_of_queue.try_emplace(d.getQueueId(), v->record.getThread());
    EXPECT_EQ(it->second, v->record.getThread());
    ++doorbells;
  }
  EXPECT_EQ(reader->end(), format::TraceEnd::kClean) << reader->end_message();
  EXPECT_EQ(doorbells, static_cast<uint64_t>(kThreads * kEach));
  EXPECT_EQ(thread_of_queue.size(), static_cast<size_t>(kThreads));
}

TEST(TraceRoundTrip, WriteErrorIsReportedNotHung) {
  std::string error;
  auto w = TraceWriter::create("/dev/full", nullptr, &error);
  ASSERT_NE(w, nullptr) << error;
  std::vector<uint8_t> content(3u << 20, 0x5a);
  for (int i = 0; i < 8; ++i) {
    content[0] = static_cast<uint8_t>(i);
    w->put_blob(content);
  }
  EXPECT_FALSE(w->close());
  EXPECT_NE(w->error().find("No space left"), std::string::npos) << w->error();
}

TEST(TraceRoundTrip, NewerMajorVersionIsRefusedNamingBoth) {
  TempDir dir;
  std::string path = dir.file("future.amdrr");
  std::string error;
  auto w = TraceWriter::create(
      path,
      [](schema::Header::Builder h) {
        h.setFormatMajor(schema::FORMAT_MAJOR + 1);
        h.setFormatMinor(3);
      },
      &error);
  ASSERT_NE(w, nullptr);
  ASSERT_TRUE(w->close());
  EXPECT_EQ(TraceReader::open(path, &error), nullptr);
  std::string newer = std::to_string(schema::FORMAT_MAJOR + 1) + ".3";
  EXPECT_NE(error.find(newer), std::string::npos) << error;
  EXPECT_NE(error.find(std::to_string(schema::FORMAT_MAJOR) + ".x"), std::string::npos) << error;
}

TEST(TraceRoundTrip, OlderMinorVersionIsRead) {
  TempDir dir;
  std::string path = dir.file("older.amdrr");
  std::string error;
  auto w = TraceWriter::create(
      path, [](schema::Header::Builder h) { h.setFormatMinor(0); }, &error);
  ASSERT_NE(w, nullptr);
  ASSERT_TRUE(w->close());
  EXPECT_NE(TraceReader::open(path, &error), nullptr) << error;
}

TEST(TraceRoundTrip, NotATraceIsRefusedClearly) {
  TempDir dir;
  std::string path = dir.file("text.amdrr");
  testing::write_file(path, {'h', 'e', 'l', 'l', 'o', '\n'});
  std::string error;
  EXPECT_EQ(TraceReader::open(path, &error), nullptr);
  EXPECT_NE(error.find("not an amdrr trace"), std::string::npos) << error;
  testing::write_file(path, {});
  EXPECT_EQ(TraceReader::open(path, &error), nullptr);
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
  EXPECT_EQ(TraceReader::open(dir.file("missing.amdrr"), &error), nullptr);
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
}

// The container promise: stock tools read a trace with no amdrr code.
TEST(TraceRoundTrip, StockZstdAndCapnpDecodeIt) {
  const char* source = AMDRR_SOURCE_DIR;
  TempDir dir;
  std::string path = dir.file("t.amdrr");
  testing::write_every_kind(path);
  std::string out = dir.file("decoded.txt");
  std::string cmd = "zstd -dc '" + path + "' | capnp decode -I/usr/include '" + source +
                    "/format/trace.capnp' Record > '" + out + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "failed: " << cmd;
  auto text = testing::read_file(out);
  std::string decoded(text.begin(), text.end());
  EXPECT_NE(decoded.find("host = \"testhost\""), std::string::npos) << decoded.substr(0, 2000);
  EXPECT_NE(decoded.find("label = \"dispatch vector_add\""), std::string::npos);
  EXPECT_NE(decoded.find("kind = vmFault"), std::string::npos);
  EXPECT_NE(decoded.find("storedBlobBytes = "), std::string::npos);
}

TEST(TraceRoundTrip, OneCompressorOnOneCpuTwoBeyond) {
  EXPECT_EQ(format::compressing_workers(1), 1);
  EXPECT_EQ(format::compressing_workers(2), 2);
  EXPECT_EQ(format::compressing_workers(64), 2);
  EXPECT_GE(format::usable_cpus(), 1);
}

}  // namespace
}  // namespace amdrr
