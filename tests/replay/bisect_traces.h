#pragma once
// Traces for the bisect, minimize and trace_rewrite tests, made at test time:
// bisect_workload captured on the emulated GPU, then one submission altered
// in the trace (a hang, a VM fault, a flipped fill value).

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "format/trace_reader.h"
#include "lib/pkt/decode.h"
#include "lib/pkt/sdma_build.h"
#include "replay/trace_rewrite.h"
#include "replay/trace_submissions.h"
#include "tests/support/temp_dir.h"

namespace amdrr::testing {

using replay::append_nops;
using replay::index_submissions;
using replay::rewrite_trace;
using replay::RewritePlan;
using replay::submission_packets;
using replay::TraceQueue;
using replay::TraceSubmissions;

/// Captures bisect_workload with `submissions` submissions into `path`.
inline void capture_workload(const std::string& path, int submissions) {
  std::string cmd = std::string("AMDRR_BACKEND=sim AMDRR_CAPTURE=")
                        .append(path)
                        .append(" " AMDRR_BISECT_WORKLOAD " ")
                        .append(std::to_string(submissions))
                        .append(" >/dev/null 2>&1");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

/// How a test alters one submission.
enum class Alteration { kHang, kVmFault, kFlip };

/// A field of a decoded packet, by the table's name for it.
inline uint32_t field(const pkt::DecodedPacket& p, std::string_view name) {
  for (size_t i = 0; i < p.desc->fields.size(); ++i) {
    if (p.desc->fields[i].name == name) return p.values[i];
  }
  ADD_FAILURE() << "no field " << name;
  return 0;
}

/// Writes `in` with submission `index` (0-based) altered to `out`: its fill
/// (the first packet) replaced by a wait that never ends, a fill of an
/// address nothing maps, or a fill of another value.
inline void alter(const std::string& in, size_t index, Alteration how, const std::string& out) {
  std::string error;
  auto reader = format::TraceReader::open(in, &error);
  ASSERT_TRUE(reader) << error;
  TraceSubmissions subs;
  ASSERT_TRUE(index_submissions(*reader, &subs, &error)) << error;
  ASSERT_LT(index, subs.submissions.size());
  std::vector<uint32_t> packets;
  ASSERT_TRUE(submission_packets(*reader, subs.submissions[index], &packets, &error)) << error;
  const TraceQueue& queue = subs.queue_of(subs.submissions[index]);
  auto fill = pkt::decode_one(*queue.table, packets, 0);
  ASSERT_EQ(fill.kind(), pkt::Kind::kSdmaConstantFill);
  const uint64_t dst = field(fill, "DST_ADDR_LO") | uint64_t{field(fill, "DST_ADDR_HI")} << 32;
  const uint32_t value = field(fill, "SRC_DATA");
  std::vector<uint32_t> altered;
  if (how == Alteration::kHang) {
    // Waits for a value the slot never holds; the submission's signal and
    // everything after it never run.
    pkt::sdma::PollRegmem wait;
    wait.addr = dst;
    wait.value = ~value;
    pkt::sdma::poll_regmem(altered, wait);
    append_nops(queue.kind, packets.size() - altered.size(), &altered);
  } else {
    const uint64_t target = how == Alteration::kVmFault ? dst + (512ull << 30) : dst;
    const uint32_t data = how == Alteration::kFlip ? value ^ (1u << 17) : value;
    pkt::sdma::constant_fill(altered, pkt::SdmaVersion::kV4_4, target, data, 64);
    altered.insert(altered.end(), packets.begin() + static_cast<long>(fill.dwords.size()),
                   packets.end());
  }
  ASSERT_EQ(altered.size(), packets.size());
  RewritePlan plan;
  plan.packets[index] = altered;
  plan.drain = false;
  ASSERT_TRUE(rewrite_trace(*reader, subs, plan, out, nullptr, &error)) << error;
}

}  // namespace amdrr::testing
