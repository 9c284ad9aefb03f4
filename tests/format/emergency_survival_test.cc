// A process whose fatal-signal handler flushed the trace and then survived
// (the program's own handler, chained after capture's, recovered) goes on
// capturing: later frames follow the emergency ones, every record once, and
// the index describes them all. Before, the next frame change blocked for
// good: a slot the handler had taken never became free again.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "format/trace_reader.h"
#include "format/trace_writer.h"
#include "tests/support/temp_dir.h"

namespace amdrr {
namespace {

constexpr uint64_t kRecords = 3000;
constexpr uint64_t kBlobEvery = 97;

std::vector<uint8_t> blob_content(uint64_t i) {
  std::vector<uint8_t> bytes(600);
  for (size_t k = 0; k < bytes.size(); ++k) bytes[k] = static_cast<uint8_t>(i * 31 + k * 7);
  return bytes;
}

// Child: doorbell i for every i, a MemWrite with its own blob every
// kBlobEvery, and emergency flushes where a handler would run: mid-frame,
// twice in a row, right after a flush (nothing pending), and at every record
// for a stretch (more flushes than one frame can index).
[[noreturn]] void write_with_emergency_flushes(const std::string& path) {
  std::string error;
  format::WriterOptions options;
  options.frame_bytes = 4096;  // ~50 records a frame: many frame changes
  auto writer = format::TraceWriter::create(path, nullptr, &error, options);
  if (!writer) _exit(3);
  const std::vector<uint64_t> flush_at = {0, 1, 50, 51, 51, 300, 777, 1500, 2999};
  for (uint64_t i = 0; i < kRecords; ++i) {
    if (i % kBlobEvery == 0) {
      const format::BlobId blob = writer->put_blob(blob_content(i));
      writer->write([&](schema::Record::Builder r) {
        auto w = r.initMemWrite();
        w.setVa(i);
        format::TraceWriter::set_blob_ref(w.initContent(), blob);
      });
    }
    writer->write([&](schema::Record::Builder r) { r.initDoorbell().setValue(i); });
    for (uint64_t at : flush_at) {
      if (at == i) writer->emergency_flush();
    }
    if (i >= 2000 && i < 2020) writer->emergency_flush();
    if (i == 1200) {
      writer->flush();
      writer->emergency_flush();
    }
  }
  _exit(writer->close() ? 0 : 4);
}

// Waits for the child at most `limit`; kills it if it is still running.
int wait_or_kill(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status;
}

struct Expected {
  schema::Record::Which kind;
  uint64_t value;  // a doorbell's value, a MemWrite's va
};

TEST(EmergencyFlush, SurvivingProcessGoesOnWritingEveryRecordOnce) {
  amdrr::testing::TempDir dir;
  const std::string path = dir.file("survivor.amdrr");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) write_with_emergency_flushes(path);
  const int status = wait_or_kill(pid, std::chrono::seconds(10));
  ASSERT_NE(status, -1) << "the writer blocked after an emergency flush";
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;

  // Every record once, in order, and the trace ends cleanly.
  std::string error;
  auto reader = format::TraceReader::open(path, &error);
  ASSERT_NE(reader, nullptr) << error;
  EXPECT_TRUE(reader->has_index()) << "the index does not describe the file";
  std::vector<Expected> records;
  uint64_t doorbell = 0, mem_write = 0;
  while (auto v = reader->next()) {
    ASSERT_EQ(v->number, records.size());
    const auto kind = v->record.which();
    uint64_t value = 0;
    if (kind == schema::Record::DOORBELL) {
      value = v->record.getDoorbell().getValue();
      EXPECT_EQ(value, doorbell++) << "record " << v->number;
    } else if (kind == schema::Record::MEM_WRITE) {
      value = v->record.getMemWrite().getVa();
      EXPECT_EQ(value, mem_write) << "record " << v->number;
      mem_write += kBlobEvery;
    }
    records.push_back({kind, value});
  }
  EXPECT_EQ(reader->end(), format::TraceEnd::kClean) << reader->end_message();
  EXPECT_EQ(doorbell, kRecords);
  EXPECT_EQ(mem_write, (kRecords + kBlobEvery - 1) / kBlobEvery * kBlobEvery);

  // The index places every record and blob where the file has it.
  auto indexed = format::TraceReader::open(path, &error);
  ASSERT_NE(indexed, nullptr) << error;
  for (uint64_t i = 0; i < kRecords; i += kBlobEvery) {
    const std::vector<uint8_t> content = blob_content(i);
    std::vector<uint8_t> got;
    ASSERT_TRUE(indexed->read_blob({format::hash128(content), content.size()}, &got, &error))
        << "blob of MemWrite " << i << ": " << error;
    EXPECT_EQ(got, content);
  }
  for (uint64_t n = records.size(); n-- > 0;) {
    auto v = indexed->seek(n);
    ASSERT_TRUE(v.has_value()) << "record " << n << ": " << indexed->end_message();
    ASSERT_EQ(v->record.which(), records[n].kind) << "record " << n;
    if (records[n].kind == schema::Record::DOORBELL) {
      EXPECT_EQ(v->record.getDoorbell().getValue(), records[n].value) << "record " << n;
    }
  }
}

}  // namespace
}  // namespace amdrr
