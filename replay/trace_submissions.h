#pragma once
// TraceSubmissions: the submissions of a trace (its doorbell records, in the
// recorded global order) and the queues they go to, which is what bisect and
// minimize count, cut and remove. Also reads a submission's packets back,
// describes them through lib/pkt, and fills ring space with the engine's NOPs.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "format/trace_reader.h"
#include "lib/kmd/kmd_types.h"
#include "lib/pkt/desc.h"

namespace amdrr::replay {

enum class QueueKind : uint8_t { kPm4, kSdma, kAql };

struct TraceQueue {
  uint32_t id = 0;  // the recorded queue id
  kmd::CreateQueueArgs args;
  QueueKind kind = QueueKind::kPm4;
  const pkt::PacketTable* table = nullptr;  // the packets its engine reads
};

struct Submission {
  uint64_t record = 0;    // record number of the doorbell
  uint32_t queue_id = 0;  // as recorded (KFD reuses ids of destroyed queues)
  size_t queue = 0;       // index into TraceSubmissions::queues
  uint64_t ring_offset = 0;
  uint64_t write_pointer = 0;
  uint64_t bytes = 0;  // packet bytes behind the doorbell
};

struct TraceSubmissions {
  std::vector<Submission> submissions;  // in trace order: submission i is number i + 1
  std::vector<TraceQueue> queues;       // every queue created, in trace order
  uint64_t records = 0;                 // records read, End included

  const TraceQueue& queue_of(const Submission& s) const { return queues[s.queue]; }
};

/// Reads the whole trace. False with a message if it is unreadable, damaged,
/// or a doorbell names a queue no recorded call created.
bool index_submissions(format::TraceReader& reader, TraceSubmissions* out, std::string* error);

/// The packet dwords behind a doorbell record (its list, or its blob).
bool doorbell_packets(format::TraceReader& reader, schema::Doorbell::Reader doorbell,
                      std::vector<uint32_t>* out, std::string* error);

/// Packet dwords of `submission` (reads the trace at its record).
bool submission_packets(format::TraceReader& reader, const Submission& submission,
                        std::vector<uint32_t>* out, std::string* error);

/// Dword spans of the packets in `dwords` as the queue's engine splits them:
/// (offset, length) pairs covering the input.
std::vector<std::pair<size_t, size_t>> split_packets(const TraceQueue& queue,
                                                     std::span<const uint32_t> dwords);

/// One line per packet, each prefixed by `indent` (lib/pkt describe).
std::string describe_packets(const TraceQueue& queue, std::span<const uint32_t> dwords,
                             const std::string& indent);

/// True if the packet is one of the engine's NOPs (what removal leaves).
bool is_nop(const TraceQueue& queue, std::span<const uint32_t> packet);

/// Appends NOP packets of the queue's engine covering exactly `dwords`
/// dwords (a multiple of 16 on AQL queues).
void append_nops(QueueKind kind, size_t dwords, std::vector<uint32_t>* out);

const char* queue_kind_name(QueueKind kind);

}  // namespace amdrr::replay
