// Packets that try to make the emulated GPU touch host memory outside the
// emulated GPU's memory: a host pointer used as a GPU address, an address
// one byte past a buffer, and ranges that wrap past 2^64. Every one must be
// a VM fault naming its packet, with the host bytes untouched.

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "lib/pkt/pm4_build.h"
#include "lib/pkt/sdma_build.h"
#include "tests/lib/sim/engine_fixture.h"

namespace amdrr::sim {
namespace {

namespace pm4 = pkt::pm4;
namespace sdma = pkt::sdma;
using testing::Buf;
using testing::EngineFixture;
using testing::TestQueue;
using Q = kmd::QueueType;

struct Target {
  const char* what;
  uint64_t va;
};

std::vector<Target> targets(const Buf& buf, const std::vector<uint32_t>& host) {
  return {
      {"a host pointer", reinterpret_cast<uint64_t>(host.data())},
      {"one page past a buffer", buf.va + ((buf.size + 4095) & ~uint64_t{4095})},
      {"the top of the address space", UINT64_MAX - 7},
  };
}

void expect_fault(EngineFixture& f, const TestQueue& q, const char* packet, const char* what,
                  const std::vector<uint32_t>& host) {
  f.settle();
  QueueOutcome o = f.outcome(q);
  EXPECT_EQ(o.state, QueueState::kVmFault) << what << ": " << o.message;
  EXPECT_EQ(o.packet, packet) << what;
  for (uint32_t v : host) ASSERT_EQ(v, 0xC0FFEEu) << what << ": host memory changed";
}

TEST(GpuEscape, Pm4WritesOutsideGpuMemoryFault) {
  std::vector<uint32_t> host(64, 0xC0FFEE);
  EngineFixture probe;
  Buf buf = probe.alloc(4096);
  for (const Target& t : targets(buf, host)) {
    EngineFixture f;
    Buf src = f.alloc(4096);
    TestQueue q = f.create_queue(Q::kCompute);
    std::vector<uint32_t> ring;
    const uint32_t data[] = {1, 2, 3, 4};
    pm4::write_data(ring, {.addr = t.va}, data);
    f.submit(q, ring);
    expect_fault(f, q, "WRITE_DATA", t.what, host);

    EngineFixture g;
    g.alloc(4096);
    TestQueue q2 = g.create_queue(Q::kCompute);
    ring.clear();
    pm4::dma_data(ring, pkt::Pm4Family::kGfx9, {.src = src.va, .dst = t.va, .bytes = 64});
    g.submit(q2, ring);
    expect_fault(g, q2, "DMA_DATA", t.what, host);
  }
}

TEST(GpuEscape, SdmaCopiesAndFillsOutsideGpuMemoryFault) {
  std::vector<uint32_t> host(64, 0xC0FFEE);
  EngineFixture probe;
  Buf buf = probe.alloc(4096);
  for (const Target& t : targets(buf, host)) {
    EngineFixture f;
    Buf src = f.alloc(4096);
    TestQueue q = f.create_queue(Q::kSdma);
    std::vector<uint32_t> ring;
    sdma::copy_linear(ring, pkt::SdmaVersion::kV4_4, t.va, src.va, 256);
    f.submit(q, ring);
    expect_fault(f, q, "COPY_LINEAR", t.what, host);

    EngineFixture g;
    g.alloc(4096);
    TestQueue q2 = g.create_queue(Q::kSdma);
    ring.clear();
    sdma::constant_fill(ring, pkt::SdmaVersion::kV4_4, t.va, 0, 256);
    g.submit(q2, ring);
    expect_fault(g, q2, "CONSTANT_FILL", t.what, host);
  }
}

TEST(GpuEscape, ReadsFromOutsideGpuMemoryFaultToo) {
  std::vector<uint32_t> host(64, 0xC0FFEE);
  EngineFixture f;
  Buf dst = f.alloc(4096);
  TestQueue q = f.create_queue(Q::kSdma);
  std::vector<uint32_t> ring;
  sdma::copy_linear(ring, pkt::SdmaVersion::kV4_4, dst.va, reinterpret_cast<uint64_t>(host.data()),
                    256);
  f.submit(q, ring);
  expect_fault(f, q, "COPY_LINEAR", "a host pointer as the source", host);
  for (uint64_t i = 0; i < 64; ++i) EXPECT_EQ(dst.at<uint32_t>(i * 4), 0u) << "host bytes leaked";
}

}  // namespace
}  // namespace amdrr::sim
