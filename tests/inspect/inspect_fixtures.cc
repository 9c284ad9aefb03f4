#include "tests/inspect/inspect_fixtures.h"

#include <cstdlib>
#include <filesystem>

#include "format/trace_writer.h"
#include "lib/base/check.h"

namespace amdrr::testing {
namespace {

using format::TraceWriter;

void alloc(TraceWriter& w, uint64_t seq, uint64_t va, uint64_t size, uint64_t handle) {
  w.write([&](schema::Record::Builder r) {
    auto c = r.initKmdCall();
    c.setSeq(seq);
    c.setPhase(schema::KmdCall::Phase::RETURNED);
    auto a = c.initAllocMemoryOfGpu();
    a.setVaAddr(va);
    a.setSize(size);
    a.setGpuId(kGpuId);
    a.setFlags(2);  // GTT
    a.setHandle(handle);
  });
}

void doorbell(TraceWriter& w, const std::vector<uint32_t>& packets, uint64_t wptr) {
  w.write([&](schema::Record::Builder r) {
    auto d = r.initDoorbell();
    d.setGpuId(kGpuId);
    d.setQueueId(kQueueId);
    d.setValue(wptr);
    d.setWritePointer(wptr);
    auto list = d.initPackets(static_cast<unsigned>(packets.size()));
    for (unsigned i = 0; i < packets.size(); ++i) list.set(i, packets[i]);
  });
}

// WRITE_DATA (0x37) to memory (DST_SEL=5), one data dword (reference §3.3).
std::vector<uint32_t> write_data(uint64_t va, uint32_t value) {
  return {0xC0033700u, 5u << 8, static_cast<uint32_t>(va), static_cast<uint32_t>(va >> 32), value};
}

}  // namespace

std::vector<uint8_t> secret_bytes() {
  std::vector<uint8_t> bytes(256);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(0x5A ^ (i * 37));
  return bytes;
}

std::vector<uint32_t> first_doorbell_packets() {
  const uint64_t poll = kDataVa + 0x40, fence = kWptrVa + 0x8;
  return {// WAIT_REG_MEM: COUNT=5, FUNCTION=3 (==), MEM_SPACE=1 (memory).
          0xC0053C00u, 0x13u, static_cast<uint32_t>(poll), static_cast<uint32_t>(poll >> 32), 1u,
          0xFFFFFFFFu, 4u,
          // RELEASE_MEM: COUNT=6, EVENT_TYPE=0x14, EVENT_INDEX=5; DATA_SEL=1, INT_SEL=2.
          0xC0064900u, 0x14u | (5u << 8), (1u << 29) | (2u << 24), static_cast<uint32_t>(fence),
          static_cast<uint32_t>(fence >> 32), 7u, 0u, 0u};
}

uint64_t write_inspect_trace(const std::string& path, const InspectTraceOptions& options) {
  std::string error;
  auto w = TraceWriter::create(
      path,
      [](schema::Header::Builder h) {
        h.setHost("secret-host");
        h.setBackend(schema::Backend::SIM);
        h.setSimProfile("gfx942");
        auto cmd = h.initCommandLine(2);
        cmd.set(0, "./victim");
        cmd.set(1, kSecretArg);
        auto env = h.initEnvironment(1)[0];
        env.setName(kSecretEnv);
        env.setValue("s3cr3t");
        auto gpu = h.initGpus(1)[0];
        gpu.setGfxTarget("gfx942");
        gpu.setGfxTargetVersion(90402);
        gpu.setGpuId(kGpuId);
      },
      &error);
  AMDRR_ASSERT(w != nullptr, error);
  uint64_t records = 1;
  alloc(*w, 1, kRingVa, 0x10000, 0x4000'0000'0001);
  alloc(*w, 2, kWptrVa, 0x1000, 0x4000'0000'0002);
  alloc(*w, 3, kDataVa, 0x1000, 0x4000'0000'0003);
  records += 3;
  w->write([](schema::Record::Builder r) {
    auto c = r.initKmdCall();
    c.setSeq(4);
    c.setPhase(schema::KmdCall::Phase::RETURNED);
    auto q = c.initCreateQueue();
    q.setRingBaseAddress(kRingVa);
    q.setRingSize(0x10000);
    q.setWritePointerAddress(kWptrVa);
    q.setReadPointerAddress(kWptrVa + 0x80);
    q.setGpuId(kGpuId);
    q.setQueueType(schema::QueueType::COMPUTE);
    q.setQueueId(kQueueId);
  });
  w->write([](schema::Record::Builder r) { r.initAnnotation().setLabel("upload"); });
  std::vector<uint8_t> data = secret_bytes();
  if (options.flip_data_byte >= 0) data[static_cast<size_t>(options.flip_data_byte)] ^= 0xFF;
  const format::BlobId blob = w->put_blob(data);
  w->write([&](schema::Record::Builder r) {
    auto m = r.initMemWrite();
    m.setVa(kDataVa);
    TraceWriter::set_blob_ref(m.initContent(), blob);
  });
  w->write([](schema::Record::Builder r) { r.initAnnotation().setLabel("run"); });
  if (options.extra_wait) {
    w->write([](schema::Record::Builder r) {
      auto wr = r.initWaitResult();
      wr.setKind(schema::WaitKind::CPU_POLL);
      wr.setVa(kDataVa);
    });
    ++records;
  }
  std::vector<uint32_t> first = first_doorbell_packets();
  if (options.flip_packet_dword >= 0) first[static_cast<size_t>(options.flip_packet_dword)] ^= 0x10;
  doorbell(*w, first, first.size());
  w->write([](schema::Record::Builder r) {
    auto wr = r.initWaitResult();
    wr.setKind(schema::WaitKind::CPU_POLL);
    wr.setVa(kWptrVa + 0x8);
    wr.setWidth(4);
    wr.setOp(schema::CompareOp::EQ);
    wr.setReference(7);
    wr.setValueSeen(7);
    wr.setDurationNs(1000);
  });
  w->write([](schema::Record::Builder r) {
    auto c = r.initKmdCall();
    c.setSeq(5);
    c.setPhase(schema::KmdCall::Phase::RETURNED);
    c.initFreeMemoryOfGpu().setHandle(0x4000'0000'0003);
  });
  records += 7;  // createQueue, 2 annotations, blob, memWrite, doorbell, wait, free: 8
  ++records;
  std::vector<uint32_t> second = write_data(kDataVa + 0x10, 1);
  for (uint32_t dw : write_data(kUnmappedVa, 2)) second.push_back(dw);
  doorbell(*w, second, first.size() + second.size());
  w->write([](schema::Record::Builder r) {
    auto e = r.initGpuError();
    e.setKind(schema::GpuErrorKind::VM_FAULT);
    e.setGpuId(kGpuId);
    e.setQueueId(kQueueId);
    e.setVa(kUnmappedVa);
    e.setMessage("memory exception");
  });
  records += 2;
  AMDRR_ASSERT(w->close(), w->error());
  return records + 1;  // end
}

std::string capture_sample(const std::string& sample, const std::string& dir) {
  std::string trace = dir + "/" + sample + ".amdrr";
  std::string cmd = "AMDRR_BACKEND=sim AMDRR_CAPTURE=" + trace + " " AMDRR_SAMPLES_DIR "/" +
                    sample + " >/dev/null 2>&1";
  (void)std::system(cmd.c_str());
  return trace;
}

}  // namespace amdrr::testing
