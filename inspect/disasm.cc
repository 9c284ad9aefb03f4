#include "inspect/disasm.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "lib/code/code_object.h"
#include "lib/pkt/aql_table.h"
#include "lib/pkt/pm4_regs.h"
#include "lib/pkt/pm4_table.h"

namespace amdrr::inspect {
namespace {

constexpr size_t kMaxDisassemblyBytes = 16u << 20;

bool executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

// Runs `argv` and returns its stdout (nullopt when it cannot run or fails).
std::optional<std::string> run_capture(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe(fds) != 0) return std::nullopt;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) {
    if (out.size() < kMaxDisassemblyBytes) out.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

// The lines of llvm-objdump's output under `<symbol>:`, up to the next symbol.
std::string symbol_block(const std::string& text, const std::string& symbol) {
  const std::string key = "<" + symbol + ">:\n";
  size_t at = text.find(key);
  if (at == std::string::npos) return {};
  at = text.find('\n', at) + 1;
  size_t end = text.find(">:\n", at);
  if (end != std::string::npos) end = text.rfind('\n', end);
  std::string block = text.substr(at, end == std::string::npos ? std::string::npos : end + 1 - at);
  // Drop the s_nop padding after the kernel's end.
  while (true) {
    size_t last = block.rfind('\n', block.size() >= 2 ? block.size() - 2 : 0);
    std::string line = block.substr(last == std::string::npos ? 0 : last + 1);
    if (line.find("s_nop 0") == std::string::npos || last == std::string::npos) break;
    block.resize(last + 1);
  }
  return block;
}

}  // namespace

void DispatchLog::add_packets(uint64_t record, uint32_t queue_id,
                              std::span<const pkt::DecodedPacket> packets,
                              const pkt::PacketTable& table) {
  constexpr pkt::FieldId kObjLo = pkt::field_id(pkt::aql::kKernelDispatch, "KERNEL_OBJECT_LO");
  constexpr pkt::FieldId kObjHi = pkt::field_id(pkt::aql::kKernelDispatch, "KERNEL_OBJECT_HI");
  constexpr pkt::FieldId kShOffset = pkt::field_id(pkt::pm4::kSetShReg, "REG_OFFSET");
  const uint32_t pgm_lo = pkt::pm4::reg_addr(pkt::pm4::kComputeCommonRegs, "COMPUTE_PGM_LO");
  for (const pkt::DecodedPacket& p : packets) {
    switch (p.kind()) {
      case pkt::Kind::kAqlKernelDispatch:
        uses_.push_back({record, queue_id, p.get64(kObjLo, kObjHi), 0});
        break;
      case pkt::Kind::kPm4SetShReg: {
        const uint32_t first = pkt::pm4::kShRegBase + p.get(kShOffset);
        auto data = p.payload();
        for (size_t i = 0; i < data.size(); ++i) {
          if (first + i == pgm_lo) pgm_lo_ = data[i];
          if (first + i == pgm_lo + 1) pgm_hi_ = data[i];
        }
        break;
      }
      case pkt::Kind::kPm4DispatchDirect:
        uses_.push_back({record, queue_id, 0, ((pgm_hi_ << 32) | pgm_lo_) << 8});
        break;
      default:
        break;
    }
  }
  (void)table;
}

std::optional<std::string> find_llvm_objdump() {
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    size_t start = 0;
    while (start <= dirs.size()) {
      size_t end = dirs.find(':', start);
      std::string dir =
          dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (!dir.empty() && executable(dir + "/llvm-objdump-19")) return dir + "/llvm-objdump-19";
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  if (executable("/usr/lib/llvm-19/bin/llvm-objdump")) return "/usr/lib/llvm-19/bin/llvm-objdump";
  if (executable("/usr/bin/llvm-objdump")) return "/usr/bin/llvm-objdump";
  return std::nullopt;
}

CodeObjectListing list_code_object(std::span<const uint8_t> elf, uint64_t load_va,
                                   const std::string& name, const DispatchLog& log,
                                   const std::optional<std::string>& objdump) {
  CodeObjectListing out;
  out.name = name;
  out.load_va = load_va;
  code::CodeObjectResult parsed = code::parse_code_object(elf);
  if (!parsed.object) {
    out.error = "not a code object amdrr can read: " + parsed.error;
    return out;
  }
  out.target = parsed.object->target;
  std::string text;
  if (!objdump) {
    out.error =
        "llvm-objdump-19 not found (apt-get install llvm-19): kernels listed without "
        "disassembly";
  } else {
    char path[] = "/tmp/amdrr-code-XXXXXX";
    int fd = ::mkstemp(path);
    if (fd >= 0) {
      bool written = ::write(fd, elf.data(), elf.size()) == static_cast<ssize_t>(elf.size());
      ::close(fd);
      std::optional<std::string> result;
      if (written) {
        result = run_capture({*objdump, "-d", "--no-show-raw-insn", "--mcpu=" + out.target, path});
      }
      ::unlink(path);
      if (result) {
        text = *result;
      } else {
        out.error = *objdump + " failed on this code object";
      }
    }
  }
  for (const code::Kernel& k : parsed.object->kernels) {
    KernelListing kl;
    kl.name = k.name;
    kl.descriptor_va = load_va + k.descriptor_va;
    kl.code_va = load_va + k.code_va();
    for (const DispatchUse& u : log.uses()) {
      if ((u.kernel_object != 0 && u.kernel_object == kl.descriptor_va) ||
          (u.code_va != 0 && u.code_va == kl.code_va)) {
        kl.dispatch_records.push_back(u.record);
      }
    }
    if (!text.empty()) kl.disassembly = symbol_block(text, k.name);
    out.kernels.push_back(std::move(kl));
  }
  return out;
}

void print_listing(const CodeObjectListing& l, std::ostream& out) {
  char va[32];
  std::snprintf(va, sizeof va, "0x%" PRIx64, l.load_va);
  out << "code object \"" << l.name << "\" " << l.target << " loaded at " << va << "\n";
  if (!l.error.empty()) out << "  note: " << l.error << "\n";
  for (const KernelListing& k : l.kernels) {
    std::snprintf(va, sizeof va, "0x%" PRIx64, k.code_va);
    out << "kernel " << k.name << " code " << va << ", dispatched by ";
    if (k.dispatch_records.empty()) out << "no doorbell in this trace";
    for (size_t i = 0; i < k.dispatch_records.size(); ++i) {
      out << (i ? ", " : "") << "#" << k.dispatch_records[i];
    }
    out << "\n" << k.disassembly;
  }
}

}  // namespace amdrr::inspect
