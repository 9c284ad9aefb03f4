// Writes a small trace shaped like a real session on an emulated gfx942:
// a header describing the machine, Kmd calls, SDMA and PM4 doorbells with
// their packets, uploads (one repeated, to show dedup), waits and results.
// Until capture lands, this is what `scripts/demo.sh` shows `amdrr info` on.

#include <cstdio>
#include <string>
#include <vector>

#include "format/host_info.h"
#include "format/trace_writer.h"

using amdrr::format::BlobId;
using amdrr::format::TraceWriter;
namespace schema = amdrr::schema;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.amdrr\n", argv[0]);
    return 2;
  }
  std::string error;
  auto writer = TraceWriter::create(
      argv[1],
      [](schema::Header::Builder h) {
        amdrr::format::fill_host_info(h);
        h.setBackend(schema::Backend::SIM);
        h.setSimProfile("gfx942");
        h.setKfdVersionMajor(1);
        h.setKfdVersionMinor(17);
        auto gpu = h.initGpus(1)[0];
        gpu.setNodeId(1);
        gpu.setGpuId(0x4a3c);
        gpu.setGfxTarget("gfx942");
        gpu.setGfxTargetVersion(90402);
        gpu.setVendorId(0x1002);
        gpu.setDeviceId(0x74a1);
        gpu.setMarketingName("AMD Instinct MI300X (emulated)");
        gpu.setVramBytes(192ull << 30);
        gpu.setHostVisibleVramBytes(192ull << 30);
        gpu.setComputeUnits(38);
        gpu.setXccCount(1);
        gpu.setWaveSize(64);
        gpu.setSdmaEngines(2);
        gpu.setSdmaXgmiEngines(14);
      },
      &error);
  if (!writer) {
    std::fprintf(stderr, "write_sample_trace: %s\n", error.c_str());
    return 1;
  }

  writer->write([](schema::Record::Builder r) {
    auto call = r.initKmdCall();
    call.setSeq(0);
    call.setPhase(schema::KmdCall::Phase::RETURNED);
    auto v = call.initGetVersion();
    v.setMajor(1);
    v.setMinor(17);
  });
  writer->write([](schema::Record::Builder r) { r.initAnnotation().setLabel("upload inputs"); });

  // A 1 MiB input uploaded four times: stored once.
  std::vector<uint8_t> input(1 << 20);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 7 / 4096);
  for (int repeat = 0; repeat < 4; ++repeat) {
    BlobId id = writer->put_blob(input);
    writer->write([&](schema::Record::Builder r) {
      auto w = r.initMemWrite();
      w.setVa(0x7f0000000000ull + 0x100000ull * static_cast<uint64_t>(repeat));
      TraceWriter::set_blob_ref(w.initContent(), id);
    });
  }

  // SDMA copies: COPY_LINEAR packets (7 dwords) then a FENCE, 64 doorbells.
  for (uint32_t i = 0; i < 64; ++i) {
    writer->write([&](schema::Record::Builder r) {
      auto d = r.initDoorbell();
      d.setGpuId(0x4a3c);
      d.setQueueId(1);
      d.setValue(static_cast<uint64_t>(i + 1) * 44);
      d.setWritePointer(static_cast<uint64_t>(i + 1) * 44);
      d.setRingOffset(static_cast<uint64_t>(i) * 44);
      const uint32_t dwords[] = {0x00000001, 0x000fffff, 0,      0x00000000, 0x7f00, 0x00100000 * i,
                                 0x7f00,     0x0000000e, 0x1000, 0x7f00,     i + 1};
      auto list = d.initPackets(sizeof(dwords) / 4);
      for (unsigned k = 0; k < sizeof(dwords) / 4; ++k) list.set(k, dwords[k]);
    });
  }
  writer->write([](schema::Record::Builder r) {
    auto w = r.initWaitResult();
    w.setKind(schema::WaitKind::CPU_POLL);
    w.setVa(0x7f0000f00000ull);
    w.setWidth(8);
    w.setOp(schema::CompareOp::GE);
    w.setMask(~0ull);
    w.setReference(64);
    w.setValueSeen(64);
    w.setDurationNs(125000);
  });
  writer->write([](schema::Record::Builder r) {
    auto o = r.initObserved();
    o.setVa(0x7f0000400000ull);
    o.setSize(1 << 20);
    o.setReason(schema::ObservedReason::AFTER_WAIT);
  });
  if (!writer->close()) {
    std::fprintf(stderr, "write_sample_trace: %s\n", writer->error().c_str());
    return 1;
  }
  return 0;
}
