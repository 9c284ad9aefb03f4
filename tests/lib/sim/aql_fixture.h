#pragma once
// AQL queues and amd_signal_t signals on the engine fixture: packets are
// published as ROCR does (body first, header dword last), and the doorbell
// carries the index of the last packet written.

#include <array>

#include "lib/pkt/aql_build.h"
#include "lib/pkt/aql_table.h"
#include "tests/lib/sim/engine_fixture.h"

namespace amdrr::sim::testing {

namespace aql = pkt::aql;

struct AqlQueue {
  TestQueue q;
  uint64_t next = 0;  // write_dispatch_id
  uint64_t slots() const { return q.ring.size / 64; }
  uint32_t& dword(uint64_t index, uint32_t i) {
    return q.ring.at<uint32_t>((index % slots()) * 64 + i * 4);
  }
  uint16_t header(uint64_t index) { return static_cast<uint16_t>(dword(index, 0)); }
  uint64_t read_dispatch_id() { return q.rptr(); }
};

/// Signals laid out as amd_signal_t: value @8, mailbox @16, event id @24.
struct Signals {
  Buf buf;
  explicit Signals(EngineFixture& f, uint32_t n = 8) : buf(f.alloc(64ull * n)) {}
  uint64_t va(uint32_t i) const { return buf.va + 64ull * i; }
  int64_t& value(uint32_t i) { return buf.at<int64_t>(64ull * i + 8); }
  void init(uint32_t i, int64_t v, uint64_t mailbox = 0, uint32_t event_id = 0) {
    value(i) = v;
    buf.at<uint64_t>(64ull * i + 16) = mailbox;
    buf.at<uint32_t>(64ull * i + 24) = event_id;
  }
};

class AqlFixture : public EngineFixture {
 public:
  using EngineFixture::EngineFixture;
  using EngineFixture::submit;

  AqlQueue create_aql(uint32_t ring_bytes = 4096) {
    AqlQueue a;
    a.q = create_queue(kmd::QueueType::kComputeAql, ring_bytes);
    // Like ROCR: every slot starts INVALID.
    for (uint64_t i = 0; i < a.slots(); ++i) a.dword(i, 0) = aql::kTypeInvalid;
    return a;
  }
  /// Writes `p` into the next slot; the header dword only when `publish`.
  uint64_t put(AqlQueue& a, const aql::Packet& p, bool publish = true) {
    const uint64_t index = a.next++;
    for (uint32_t i = 1; i < 16; ++i) a.dword(index, i) = p[i];
    if (publish) a.dword(index, 0) = p[0];
    a.q.set_wptr(a.next);  // write_dispatch_id
    return index;
  }
  void ring(AqlQueue& a) { EXPECT_TRUE(kfd->write_doorbell(a.q.id, a.next - 1).ok()); }
  void submit(AqlQueue& a, const aql::Packet& p) {
    put(a, p);
    ring(a);
  }
};

inline aql::Header no_barrier() {
  aql::Header h;
  h.barrier = false;
  return h;
}

}  // namespace amdrr::sim::testing
