#include "tests/format/trace_fixtures.h"

#include <fstream>
#include <iterator>

#include "lib/base/check.h"

namespace amdrr::testing {

using format::TraceWriter;

std::vector<uint8_t> big_blob_content() {
  std::vector<uint8_t> bytes((3u << 20) / 2);
  uint32_t x = 12345;
  for (auto& b : bytes) {
    x = x * 1103515245u + 12345u;
    b = static_cast<uint8_t>(x >> 24);
  }
  return bytes;
}

uint64_t write_every_kind(const std::string& path, const format::WriterOptions& options) {
  std::string error;
  auto w = TraceWriter::create(
      path,
      [](schema::Header::Builder h) {
        h.setHost("testhost");
        h.setBackend(schema::Backend::SIM);
        h.setSimSeed(7);
        auto gpu = h.initGpus(1)[0];
        gpu.setGfxTarget("gfx942");
        gpu.setGpuId(0x1234);
      },
      &error, options);
  AMDRR_ASSERT(w != nullptr, error);
  uint64_t records = 1;
  w->write([](schema::Record::Builder r) {
    auto c = r.initKmdCall();
    c.setSeq(3);
    c.setPhase(schema::KmdCall::Phase::RETURNED);
    c.setErrnum(22);
    c.initGetVersion().setMinor(17);
  });
  records++;
  w->write([](schema::Record::Builder r) {
    auto d = r.initDoorbell();
    d.setQueueId(5);
    d.setValue(99);
    d.setWritePointer(100);
    auto p = d.initPackets(3);
    p.set(0, 0xC0001000);
    p.set(1, 0xdeadbeef);
    p.set(2, 7);
  });
  records++;
  auto content = big_blob_content();
  format::BlobId id = w->put_blob(content);
  records += 3;  // two chunks and the list
  w->write([&](schema::Record::Builder r) {
    auto m = r.initMemWrite();
    m.setVa(0x7f0000001000);
    m.setSource(schema::WriteSource::TRAPPED_STORE);
    TraceWriter::set_blob_ref(m.initContent(), id);
  });
  records++;
  w->write([](schema::Record::Builder r) {
    auto wr = r.initWaitResult();
    wr.setOp(schema::CompareOp::GE);
    wr.setValueSeen(42);
    wr.setTimedOut(true);
    wr.initEventIds(2).set(1, 9);
  });
  records++;
  w->write([](schema::Record::Builder r) {
    auto o = r.initObserved();
    o.setSize(4096);
    o.getHash().setLo(1);
    o.setIsTimestamp(true);
  });
  records++;
  const uint8_t elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  format::BlobId elf_id = w->put_blob(elf);
  records++;
  w->write([&](schema::Record::Builder r) {
    auto c = r.initCodeObject();
    c.setLoadVa(0x10000);
    c.setName("vector_add.co");
    TraceWriter::set_blob_ref(c.initElf(), elf_id);
  });
  records++;
  w->write([](schema::Record::Builder r) {
    auto a = r.initAnnotation();
    a.setLabel("dispatch vector_add");
    a.setDetail("grid 1024");
  });
  records++;
  w->write([](schema::Record::Builder r) {
    auto e = r.initGpuError();
    e.setKind(schema::GpuErrorKind::VM_FAULT);
    e.setVa(0xdead000);
    e.setMessage("write to unmapped page");
  });
  records++;
  AMDRR_ASSERT(w->close(), w->error());
  return records + 1;
}

uint64_t write_many_frames(const std::string& path, uint32_t doorbells, size_t frame_bytes) {
  std::string error;
  format::WriterOptions options;
  options.frame_bytes = frame_bytes;
  auto w = TraceWriter::create(path, nullptr, &error, options);
  AMDRR_ASSERT(w != nullptr, error);
  for (uint32_t i = 0; i < doorbells; ++i) {
    w->write([&](schema::Record::Builder r) {
      auto d = r.initDoorbell();
      d.setQueueId(i % 3);
      d.setValue(i);
      auto p = d.initPackets(4);
      for (unsigned k = 0; k < 4; ++k) p.set(k, i * 4 + k);
    });
  }
  AMDRR_ASSERT(w->close(), w->error());
  return doorbells + 2;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

}  // namespace amdrr::testing
