#include "cli/info_command.h"

#include <cstdio>
#include <iomanip>
#include <ostream>

#include "cli/exit_codes.h"
#include "cli/format_units.h"
#include "format/record_visitor.h"
#include "format/trace_reader.h"
#include "format/trace_stats.h"

namespace amdrr::cli {
namespace {

const char* backend_name(schema::Backend backend) {
  switch (backend) {
    case schema::Backend::KFD:
      return "kfd";
    case schema::Backend::SIM:
      return "sim (emulated GPU)";
    case schema::Backend::PCI:
      return "pci";
    case schema::Backend::UNKNOWN:
      break;
  }
  return "unknown";
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

void print_header(schema::Header::Reader h, std::ostream& out) {
  out << "format    " << h.getFormatMajor() << "." << h.getFormatMinor() << ", written by amdrr "
      << h.getToolVersion().cStr() << "\n";
  out << "created   " << utc_text(h.getCreatedUnixNs());
  if (h.getHost().size() > 0) out << " on " << h.getHost().cStr();
  if (h.getKernelRelease().size() > 0) out << ", kernel " << h.getKernelRelease().cStr();
  out << "\n";
  if (h.getCommandLine().size() > 0) {
    out << "command  ";
    for (auto arg : h.getCommandLine()) out << " " << arg.cStr();
    out << "\n";
  }
  out << "backend   " << backend_name(h.getBackend());
  if (h.getBackend() == schema::Backend::SIM) {
    out << ", profile " << h.getSimProfile().cStr() << ", seed " << h.getSimSeed();
  }
  if (h.getKfdVersionMajor() != 0 || h.getKfdVersionMinor() != 0) {
    out << ", KFD " << h.getKfdVersionMajor() << "." << h.getKfdVersionMinor();
  }
  out << "\n";
  out << "gpus      " << h.getGpus().size() << "\n";
  for (auto g : h.getGpus()) {
    out << "  node " << g.getNodeId() << "  " << g.getGfxTarget().cStr() << "  gpu_id "
        << hex(g.getGpuId()) << "  device " << hex(g.getDeviceId());
    if (g.getMarketingName().size() > 0) out << "  \"" << g.getMarketingName().cStr() << "\"";
    out << "\n    VRAM " << bytes_text(g.getVramBytes()) << " (host-visible "
        << bytes_text(g.getHostVisibleVramBytes()) << "), CUs " << g.getComputeUnits() << ", XCCs "
        << g.getXccCount() << ", SDMA " << g.getSdmaEngines() << " + " << g.getSdmaXgmiEngines()
        << " xGMI\n";
    if (g.getFirmware().size() > 0) {
      out << "    firmware";
      for (auto fw : g.getFirmware()) out << " " << fw.getName().cStr() << "=" << fw.getVersion();
      out << "\n";
    }
  }
  if (h.getEnvironment().size() > 0) {
    out << "env      ";
    for (auto e : h.getEnvironment())
      out << " " << e.getName().cStr() << "=" << e.getValue().cStr();
    out << "\n";
  }
}

void print_kinds(const format::TraceStats& stats, std::ostream& out) {
  out << "  " << std::left << std::setw(12) << "kind" << std::right << std::setw(10) << "records"
      << std::setw(14) << "bytes" << std::setw(14) << "compressed"
      << "\n";
  const auto& kinds = stats.kinds();
  for (size_t k = 0; k < kinds.size(); ++k) {
    if (kinds[k].records == 0) continue;
    const char* name = k < format::kRecordKinds
                           ? format::record_kind_name(static_cast<schema::Record::Which>(k))
                           : "(newer)";
    out << "  " << std::left << std::setw(12) << name << std::right << std::setw(10)
        << kinds[k].records << std::setw(14) << bytes_text(kinds[k].bytes) << std::setw(14)
        << bytes_text(kinds[k].compressed_bytes) << "\n";
  }
}

}  // namespace

CLI::App* add_info_command(CLI::App& app, InfoOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "info",
      "Show a trace's header, machine, record counts and sizes, and whether it is complete");
  cmd->add_option("trace", options.trace, "the trace file (.amdrr)")->required();
  cmd->footer(
      "Exit status: 0 the trace ended cleanly; 1 it is cut short or damaged (everything before "
      "the damage is reported); 2 it cannot be read at all.");
  return cmd;
}

int run_info(const InfoOptions& options, std::ostream& out, std::ostream& err) {
  std::string error;
  auto reader = format::TraceReader::open(options.trace, &error);
  if (!reader) {
    err << "amdrr info: " << error << "\n";
    return kExitUsage;
  }
  out << "trace     " << options.trace << " (" << bytes_text(reader->file_size()) << ")\n";
  print_header(reader->header(), out);

  format::TraceStats stats;
  format::dispatch(*reader, {&stats});
  stats.finish(*reader);

  uint64_t span = stats.records() > 0 ? stats.last_time_ns() - stats.first_time_ns() : 0;
  out << "records   " << stats.records() << " in " << reader->frames().size()
      << " frames, spanning " << duration_text(span) << "\n";
  print_kinds(stats, out);

  uint64_t referenced = stats.referenced_blob_bytes();
  uint64_t stored = stats.stored_blob_bytes();
  out << "blobs     " << bytes_text(referenced) << " referenced, " << bytes_text(stored)
      << " stored";
  if (referenced > stored && referenced > 0) {
    char pct[16];
    std::snprintf(
        pct, sizeof(pct), "%.1f%%",
        100.0 * static_cast<double>(referenced - stored) / static_cast<double>(referenced));
    out << " (dedup saved " << bytes_text(referenced - stored) << ", " << pct << ")";
  }
  out << "\n";
  out << "index     " << (reader->has_index() ? "present" : "absent") << "\n";

  switch (reader->end()) {
    case format::TraceEnd::kClean:
      out << "status    ended cleanly\n";
      return kExitOk;
    case format::TraceEnd::kCutShort:
      out << "status    CUT SHORT: " << reader->end_message() << "\n";
      return kExitDamagedTrace;
    case format::TraceEnd::kCorrupt:
      out << "status    CORRUPT: " << reader->end_message()
          << "\n          every record before the damage is counted above\n";
      return kExitDamagedTrace;
    case format::TraceEnd::kReading:
      break;
  }
  return kExitOk;
}

}  // namespace amdrr::cli
