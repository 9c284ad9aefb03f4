// Hostile and unsupported traces: each stops with kCannotReplay (exit 125)
// and a message naming what and, for a limit, the flag that raises it;
// none crashes, hangs or writes where the replay mapped nothing. Recorded
// GPU errors and timed-out waits are honoured.
#include <gtest/gtest.h>

#include <capnp/any.h>

#include <chrono>
#include <cstring>
#include <string>

#include "format/kmd_records.h"
#include "replay/replay_trace.h"
#include "tests/replay/replay_fixture.h"

namespace amdrr::replay {
namespace {

using format::KmdOp;
using testing::write_trace;

constexpr uint32_t kGpu = 0x1234;

class Hostile : public testing::ReplayTest {
 protected:
  static ReplayResult replay(const std::string& trace, ReplayTraceOptions options = {}) {
    options.backend = "sim";
    options.sim_mode = "deterministic";
    options.timeout_ms = options.timeout_ms.value_or(2000);
    return replay_trace(trace, options);
  }
  static void expect_cannot(const ReplayResult& r, const std::string& needle) {
    EXPECT_EQ(r.verdict, Verdict::kCannotReplay) << r.message;
    EXPECT_EQ(r.exit_code(), 125);
    EXPECT_NE(r.message.find(needle), std::string::npos) << r.message;
  }
};

void alloc_record(format::TraceWriter& w, uint64_t handle, uint64_t size) {
  kmd::AllocMemoryArgs args;
  args.va_addr = 0x300000000000;
  args.size = size;
  args.gpu_id = kGpu;
  args.flags = kmd::alloc_flags::kGtt;
  w.write([&](schema::Record::Builder r) {
    format::write_kmd_returned<KmdOp::kAllocMemoryOfGpu>(r.initKmdCall(), 1, args,
                                                         kmd::AllocMemoryResult{handle, 0x1000}, 0);
  });
}

TEST_F(Hostile, MissingTrace) {
  expect_cannot(replay(path("none.amdrr")), "none.amdrr");
}

// An mmap at a fixed address outside the GPU's aperture (here, where the
// replayer's own code could be).
TEST_F(Hostile, MmapOutsideTheAperture) {
  const std::string trace = path("t.amdrr");
  write_trace(trace, kGpu, [](format::TraceWriter& w) {
    kmd::MmapArgs args;
    args.mmap_offset = 0x1000;
    args.size = 4096;
    args.addr = 0x10000;
    args.prot = 3;
    w.write([&](schema::Record::Builder r) {
      format::write_kmd_returned<KmdOp::kMmap>(r.initKmdCall(), 1, args,
                                               kmd::CpuMapping{0x10000, 4096}, 0);
    });
  });
  ReplayResult r = replay(trace);
  expect_cannot(r, "0x10000");
  EXPECT_NE(r.message.find("aperture"), std::string::npos) << r.message;
  EXPECT_FALSE(r.address_collision);
}

// A CPU write where the replay mapped nothing (the replayer's own stack).
TEST_F(Hostile, MemWriteOutsideTheMappings) {
  const std::string trace = path("t.amdrr");
  int local = 0;
  write_trace(trace, kGpu, [&](format::TraceWriter& w) {
    const uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    format::BlobId blob = w.put_blob(bytes);
    w.write([&](schema::Record::Builder r) {
      auto m = r.initMemWrite();
      m.setVa(reinterpret_cast<uint64_t>(&local));
      format::TraceWriter::set_blob_ref(m.initContent(), blob);
    });
  });
  expect_cannot(replay(trace), "outside");
  EXPECT_EQ(local, 0);
}

TEST_F(Hostile, AbsurdAllocationSize) {
  const std::string trace = path("t.amdrr");
  write_trace(trace, kGpu, [](format::TraceWriter& w) { alloc_record(w, 7, uint64_t{1} << 60); });
  expect_cannot(replay(trace), "--max-alloc");
}

TEST_F(Hostile, TotalAllocationAndBufferCount) {
  const std::string trace = path("t.amdrr");
  write_trace(trace, kGpu, [](format::TraceWriter& w) {
    for (uint64_t h = 1; h <= 4; ++h) alloc_record(w, h, uint64_t{1} << 20);
  });
  ReplayTraceOptions total;
  total.limits.max_total_alloc_bytes = uint64_t{3} << 20;
  expect_cannot(replay(trace, total), "--max-total-alloc");
  ReplayTraceOptions buffers;
  buffers.limits.max_buffers = 2;
  expect_cannot(replay(trace, buffers), "--max-buffers");
}

TEST_F(Hostile, TooManyQueues) {
  const std::string trace = path("t.amdrr");
  write_trace(trace, kGpu, [](format::TraceWriter& w) {
    for (uint32_t q = 1; q <= 3; ++q) {
      kmd::CreateQueueArgs args;
      args.gpu_id = kGpu;
      args.ring_size = 4096;
      w.write([&](schema::Record::Builder r) {
        format::write_kmd_returned<KmdOp::kCreateQueue>(r.initKmdCall(), q, args,
                                                        kmd::CreateQueueResult{q, 0}, 0);
      });
    }
  });
  ReplayTraceOptions options;
  options.limits.max_queues = 2;
  expect_cannot(replay(trace, options), "--max-queues");
}

TEST_F(Hostile, RecordAndBlobSizes) {
  const std::string trace = path("t.amdrr");
  write_trace(trace, kGpu, [](format::TraceWriter& w) {
    std::vector<uint8_t> bytes(4096, 0xAB);
    format::BlobId blob = w.put_blob(bytes);
    w.write([&](schema::Record::Builder r) {
      auto m = r.initMemWrite();
      m.setVa(0x300000000000);
      format::TraceWriter::set_blob_ref(m.initContent(), blob);
    });
  });
  ReplayTraceOptions blob;
  blob.limits.max_blob_bytes = 1024;
  expect_cannot(replay(trace, blob), "--max-blob");
  ReplayTraceOptions record;
  record.limits.max_record_bytes = 16;
  expect_cannot(replay(trace, record), "--max-record");
}

TEST_F(Hostile, ReplayTimeLimit) {
  ReplayTraceOptions options;
  options.limits.max_seconds = 0;
  expect_cannot(replay(capture_sample("hello"), options), "--max-seconds");
}

// dispatch's kernel with every s_endpgm turned into a branch to itself: its
// waves never end. The instruction limit (2^34) would take the interpreter
// hours; the time limit stops the kernel and the replay (exit 125), on the
// deterministic GPU (the kernel runs inside the replay's CPU wait) and the
// threaded one (it runs on a queue's thread, which must stop too).
TEST_F(Hostile, RunawayKernelStopsAtTheTimeLimit) {
  // SOPP encodings (as llvm-mc-19 gives them): s_endpgm; s_branch -1.
  constexpr uint32_t kEndPgm = 0xBF810000, kBranchToItself = 0xBF82FFFF;
  const std::string dispatch = capture_sample("dispatch", "--elements 256");
  const std::string runaway = path("runaway.amdrr");
  int patched = 0;
  testing::copy_trace(dispatch, runaway, {}, nullptr, {}, [&](std::vector<uint8_t>& bytes) {
    for (size_t at = 0; at + 4 <= bytes.size(); at += 4) {
      uint32_t word;
      std::memcpy(&word, &bytes[at], 4);
      if (word != kEndPgm) continue;
      std::memcpy(&bytes[at], &kBranchToItself, 4);
      ++patched;
    }
  });
  ASSERT_GT(patched, 0);
  for (const char* mode : {"deterministic", "threaded"}) {
    ReplayTraceOptions options;
    options.backend = "sim";
    options.sim_mode = mode;
    options.timeout_ms = 600000;  // no wait times out first
    options.limits.max_seconds = 1;
    const auto start = std::chrono::steady_clock::now();
    ReplayResult r = replay_trace(runaway, options);
    const auto took = std::chrono::steady_clock::now() - start;
    SCOPED_TRACE(mode);
    expect_cannot(r, "--max-seconds");
    EXPECT_LT(took, std::chrono::seconds(10));
  }
}

TEST_F(Hostile, UnknownRecordKind) {
  const std::string trace = path("t.amdrr");
  write_trace(trace, kGpu, [](format::TraceWriter& w) {
    w.write([](schema::Record::Builder r) {
      r.initAnnotation().setLabel("from the future");
      // The union's discriminant (data element 6, a UInt16) set to a kind
      // this reader does not know, as a newer writer would.
      auto data = capnp::AnyStruct::Builder(schema::Record::Builder(r)).getDataSection();
      data[12] = 99;
      data[13] = 0;
    });
  });
  expect_cannot(replay(trace), "unknown record kind 99");
}

TEST_F(Hostile, XnackOn) {
  const std::string trace = path("t.amdrr");
  write_trace(trace, kGpu, [](format::TraceWriter& w) {
    w.write([](schema::Record::Builder r) {
      format::write_kmd_returned<KmdOp::kSetXnackMode>(r.initKmdCall(), 1,
                                                       format::SetXnackModeArgs{1}, 0, 0);
    });
  });
  expect_cannot(replay(trace), "XNACK");
}

TEST_F(Hostile, GarbageFile) {
  const std::string trace = path("t.amdrr");
  FILE* f = std::fopen(trace.c_str(), "wb");
  ASSERT_TRUE(f);
  for (int i = 0; i < 4096; ++i) std::fputc((i * 131) & 0xFF, f);
  std::fclose(f);
  EXPECT_EQ(replay(trace).verdict, Verdict::kCannotReplay);
}

// A recorded VM fault the replay does not reproduce is a divergence; a
// recorded hang is a hang.
TEST_F(Hostile, RecordedGpuErrors) {
  for (auto [kind, verdict] :
       {std::pair{schema::GpuErrorKind::VM_FAULT, Verdict::kDiverged},
        std::pair{schema::GpuErrorKind::HANG, Verdict::kHang},
        std::pair{schema::GpuErrorKind::UNSUPPORTED_BY_EMULATOR, Verdict::kCannotReplay}}) {
    const std::string trace = path("t.amdrr");
    write_trace(trace, kGpu, [kind](format::TraceWriter& w) {
      w.write([kind](schema::Record::Builder r) {
        auto e = r.initGpuError();
        e.setKind(kind);
        e.setMessage("recorded error");
      });
    });
    ReplayResult r = replay(trace);
    EXPECT_EQ(r.verdict, verdict) << r.message;
    EXPECT_NE(r.message.find("recorded error"), std::string::npos) << r.message;
  }
}

// hello's CPU wait, edited: recorded as timed out on a value that never
// comes -> a hang (3); recorded as timed out though it is satisfied -> 1.
TEST_F(Hostile, RecordedTimedOutWaits) {
  const std::string hello = capture_sample("hello");
  const std::string never = path("never.amdrr");
  bool edited = false;
  testing::copy_trace(hello, never, [&](const format::RecordView& in, schema::Record::Builder rec) {
    if (in.record.which() != schema::Record::WAIT_RESULT ||
        in.record.getWaitResult().getKind() != schema::WaitKind::CPU_POLL) {
      return;
    }
    auto w = rec.getWaitResult();
    w.setTimedOut(true);
    w.setOp(schema::CompareOp::EQ);
    w.setReference(0xDEADBEEF);
    edited = true;
  });
  ASSERT_TRUE(edited);
  ReplayTraceOptions options;
  options.timeout_ms = 200;
  ReplayResult r = replay(never, options);
  EXPECT_EQ(r.verdict, Verdict::kHang) << r.message;
  EXPECT_EQ(r.exit_code(), 3);
  EXPECT_NE(r.message.find("as at capture"), std::string::npos) << r.message;

  const std::string satisfied = path("satisfied.amdrr");
  testing::copy_trace(hello, satisfied,
                      [](const format::RecordView& in, schema::Record::Builder rec) {
                        if (in.record.which() == schema::Record::WAIT_RESULT &&
                            in.record.getWaitResult().getKind() == schema::WaitKind::CPU_POLL) {
                          rec.getWaitResult().setTimedOut(true);
                        }
                      });
  EXPECT_EQ(replay(satisfied, options).verdict, Verdict::kDiverged);
}

// USERPTR memory is fresh memory at the recorded address, never memory the
// replayer already has: a range over its own heap is refused.
TEST_F(Hostile, UserptrOverTheReplayersOwnMemory) {
  std::vector<uint8_t> mine(1 << 16, 0x5C);
  const uint64_t page = (reinterpret_cast<uint64_t>(mine.data()) + 4095) & ~uint64_t{4095};
  const std::string trace = path("t.amdrr");
  write_trace(trace, kGpu, [&](format::TraceWriter& w) {
    kmd::AllocMemoryArgs args;
    args.va_addr = page;
    args.mmap_offset = page;
    args.size = 4096;
    args.gpu_id = kGpu;
    args.flags = kmd::alloc_flags::kUserptr;
    w.write([&](schema::Record::Builder r) {
      format::write_kmd_returned<KmdOp::kAllocMemoryOfGpu>(r.initKmdCall(), 1, args,
                                                           kmd::AllocMemoryResult{9, page}, 0);
    });
  });
  ReplayResult r = replay(trace);
  EXPECT_EQ(r.verdict, Verdict::kCannotReplay) << r.message;
  EXPECT_TRUE(r.message.find("already taken") != std::string::npos ||
              r.message.find("aperture") != std::string::npos)
      << r.message;
  for (uint8_t b : mine) ASSERT_EQ(b, 0x5C);
}

// EOP, context-save and control-stack sizes are this GPU's, not the
// recorded ones (the emulated GPU, like KFD, refuses any other).
TEST_F(Hostile, QueueBufferSizesAreThisGpus) {
  const std::string dispatch = capture_sample("dispatch", "--elements 1024");
  const std::string odd = path("odd_sizes.amdrr");
  int edited = 0;
  testing::copy_trace(dispatch, odd,
                      [&](const format::RecordView& in, schema::Record::Builder rec) {
                        if (in.record.which() != schema::Record::KMD_CALL ||
                            in.record.getKmdCall().which() != schema::KmdCall::CREATE_QUEUE) {
                          return;
                        }
                        auto q = rec.getKmdCall().getCreateQueue();
                        if (q.getEopBufferAddress() == 0) return;
                        q.setEopBufferSize(q.getEopBufferSize() / 2);
                        q.setCtlStackSize(q.getCtlStackSize() + 64);
                        q.setCtxSaveRestoreSize(q.getCtxSaveRestoreSize() / 2);
                        ++edited;
                      });
  ASSERT_GT(edited, 0);
  ReplayResult r = replay(odd);
  EXPECT_EQ(r.verdict, Verdict::kSame) << r.message;
}

}  // namespace
}  // namespace amdrr::replay
