#include "inspect/report.h"

#include <cinttypes>
#include <cstdio>
#include <map>
#include <ostream>

#include "inspect/doorbell_packets.h"
#include "inspect/trace_state.h"
#include "lib/pkt/decode.h"
#include "lib/pkt/describe.h"

namespace amdrr::inspect {
namespace {

const char* error_kind(schema::GpuErrorKind k) {
  switch (k) {
    case schema::GpuErrorKind::VM_FAULT:
      return "VM fault";
    case schema::GpuErrorKind::HANG:
      return "hang";
    case schema::GpuErrorKind::TIMEOUT:
      return "timeout";
    case schema::GpuErrorKind::ILLEGAL_INSTRUCTION:
      return "illegal instruction";
    case schema::GpuErrorKind::QUEUE_ERROR:
      return "queue error";
    case schema::GpuErrorKind::UNSUPPORTED_BY_EMULATOR:
      return "unsupported by the emulator";
    case schema::GpuErrorKind::INJECTED:
      return "injected fault";
  }
  return "error";
}

struct QueueCounts {
  std::string label;
  uint64_t submissions = 0;
  std::map<std::string, uint64_t> packets;
  std::string last_packets;  // of the last submission: what a hang waits behind
  std::string waiting;       // its first packet that waits on memory, if any
  uint64_t last_record = 0;
};

bool waits_on_memory(pkt::Kind kind) {
  return kind == pkt::Kind::kPm4WaitRegMem || kind == pkt::Kind::kSdmaPollRegmem ||
         kind == pkt::Kind::kAqlBarrierAnd || kind == pkt::Kind::kAqlBarrierOr;
}

}  // namespace

void write_report(format::TraceReader& reader, const std::string& path, std::ostream& out) {
  auto h = reader.header();
  TraceState state(h);
  std::map<std::string, uint64_t> kinds;
  std::map<uint64_t, QueueCounts> queues;
  std::vector<std::string> errors;
  std::string timed_out_wait;
  bool hang = false;
  uint64_t records = 0;
  while (auto v = reader.next()) {
    ++records;
    format::visit(*v, state);
    const auto r = v->record;
    ++kinds[format::record_kind_name(r.which())];
    if (r.which() == schema::Record::DOORBELL) {
      auto d = r.getDoorbell();
      const uint64_t key = (uint64_t{d.getGpuId()} << 32) | d.getQueueId();
      const QueueInfo* q = state.queue(d.getGpuId(), d.getQueueId());
      QueueCounts& c = queues[key];
      c.label = q ? q->label() : "q" + std::to_string(d.getQueueId());
      ++c.submissions;
      std::vector<uint32_t> dwords;
      std::string error;
      if (q && q->table && doorbell_dwords(reader, d, &dwords, &error)) {
        c.last_packets.clear();
        c.waiting.clear();
        c.last_record = v->number;
        auto name = [&state](uint64_t va) { return state.buffers().describe(va); };
        for (const pkt::DecodedPacket& p : pkt::decode_all(*q->table, dwords)) {
          ++c.packets[p.desc ? std::string(p.desc->name) : "UNKNOWN"];
          const std::string text = pkt::describe(p, *q->table, name);
          c.last_packets += text + "\n";
          if (c.waiting.empty() && waits_on_memory(p.kind())) c.waiting = text;
        }
      }
    } else if (r.which() == schema::Record::GPU_ERROR) {
      auto e = r.getGpuError();
      std::string s = std::string(error_kind(e.getKind())) + " on gpu " + hex_text(e.getGpuId()) +
                      " queue " + std::to_string(e.getQueueId());
      if (e.getVa() != 0) {
        s += " at VA " + BufferMap::hex(e.getVa()) + " (" + state.buffers().describe(e.getVa()) +
             ")";
      }
      s += " — " + std::string(e.getMessage().cStr()) + " (record #" + std::to_string(v->number) +
           ")";
      errors.push_back(s);
      if (e.getKind() == schema::GpuErrorKind::HANG ||
          e.getKind() == schema::GpuErrorKind::TIMEOUT) {
        hang = true;  // the packet it waits at is shown per queue below
      }
    } else if (r.which() == schema::Record::WAIT_RESULT && r.getWaitResult().getTimedOut()) {
      timed_out_wait =
          "a wait timed out at record #" + std::to_string(v->number) +
          (r.getWaitResult().getVa() ? " polling " + BufferMap::hex(r.getWaitResult().getVa())
                                     : "");
    }
  }

  out << "### amdrr trace `" << path << "`\n\n";
  out << "| | |\n|---|---|\n";
  out << "| program | `";
  for (auto a : h.getCommandLine()) out << a.cStr() << " ";
  out << "` |\n";
  out << "| host | " << h.getHost().cStr() << ", Linux " << h.getKernelRelease().cStr() << " |\n";
  out << "| backend | "
      << (h.getBackend() == schema::Backend::SIM
              ? "emulated GPU (" + std::string(h.getSimProfile().cStr()) + ", seed " +
                    std::to_string(h.getSimSeed()) + ")"
          : h.getBackend() == schema::Backend::KFD ? std::string("/dev/kfd")
                                                   : std::string("unknown"))
      << ", KFD " << h.getKfdVersionMajor() << "." << h.getKfdVersionMinor() << " |\n";
  for (auto g : h.getGpus()) {
    out << "| GPU node " << g.getNodeId() << " | " << g.getGfxTarget().cStr() << " "
        << g.getMarketingName().cStr() << " (device " << hex_text(g.getDeviceId()) << ", gpu_id "
        << hex_text(g.getGpuId()) << ")";
    if (g.getFirmware().size() > 0) {
      out << ", firmware";
      for (auto fw : g.getFirmware()) out << " " << fw.getName().cStr() << "=" << fw.getVersion();
    }
    out << " |\n";
  }
  out << "| amdrr | " << h.getToolVersion().cStr() << ", format " << h.getFormatMajor() << "."
      << h.getFormatMinor() << " |\n";
  out << "| trace | " << records << " records, " << reader.file_size() << " bytes, "
      << format::trace_end_name(reader.end()) << " |\n\n";

  out << "**Workload**\n\n";
  for (const auto& [key, c] : queues) {
    out << "- " << c.label << ": " << c.submissions << " submissions;";
    for (const auto& [name, n] : c.packets) out << " " << name << " " << n;
    out << "\n";
  }
  out << "- records:";
  for (const auto& [kind, n] : kinds) out << " " << kind << " " << n;
  if (errors.empty() && !timed_out_wait.empty()) hang = true;
  out << "\n\n**Outcome**: ";
  if (!errors.empty()) {
    out << (hang ? "hang" : "GPU fault") << "\n\n";
    for (const std::string& e : errors) out << "- " << e << "\n";
  } else if (!timed_out_wait.empty()) {
    out << "hang: " << timed_out_wait << "\n";
  } else if (reader.end() == format::TraceEnd::kClean) {
    out << "ended cleanly, no GPU error recorded\n";
  } else {
    out << "trace " << format::trace_end_name(reader.end()) << " (" << reader.end_message()
        << "): the program died before closing it\n";
  }
  if (hang) {
    for (const auto& [key, c] : queues) {
      out << "\n" << c.label << ", last submission (#" << c.last_record << ")";
      if (!c.waiting.empty()) out << " waits at:\n\n```\n" << c.waiting << "\n```\n";
      out << "\n<details><summary>all its packets</summary>\n\n```\n"
          << c.last_packets << "```\n</details>\n";
    }
  }
  const char* until = !errors.empty() && !hang ? "fault" : hang ? "hang" : "diverge";
  out << "\n**Reproduce**\n\n```sh\n"
      << "amdrr replay " << path
      << "    # 0 same, 1 diverged, 2 GPU fault, 3 hang, 125 cannot replay\n"
      << "amdrr dump " << path << " --kind doorbell --kind gpuError    # the packets, decoded\n"
      << "amdrr bisect " << path << " --until " << until << "    # first failing submission\n"
      << "amdrr minimize " << path << " -o min.amdrr --until " << until << "\n"
      << "git bisect run amdrr replay " << path << "    # a userspace change\n```\n";
}

}  // namespace amdrr::inspect
