// Writes the binary seed corpora of the fuzz targets into OUT/<target>/:
//   packets, engines  — packet streams built with lib/pkt's builders (the
//                       engine seeds name sim_rig.h's addresses);
//   shader            — the machine code of every kernel of the given code
//                       objects (built from source at build time);
//   code_object       — those code objects themselves;
//   trace_file        — the given traces;
//   trace_record      — every record of the given traces, one per file;
//   topology          — the emulated GPUs' sysfs trees (topology_files.h).
// Usage: make_seeds OUT --code A.co... --trace T.amdrr...
// Nothing here is committed: tests/fuzz/make_corpus.sh reruns it.

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "format/trace_reader.h"
#include "lib/code/code_object.h"
#include "lib/pkt/aql_build.h"
#include "lib/pkt/pm4_build.h"
#include "lib/pkt/sdma_build.h"
#include "lib/sim/profile.h"
#include "lib/sim/topology_writer.h"
#include "tests/fuzz/sim_rig.h"
#include "tests/fuzz/topology_files.h"

namespace fs = std::filesystem;
namespace pkt = amdrr::pkt;
using amdrr::fuzz::kRigDataVa;
using amdrr::fuzz::kRigRingVa;

namespace {

fs::path out_dir;
int written = 0;

void put(const std::string& target, const std::string& name, const std::vector<uint8_t>& bytes) {
  fs::create_directories(out_dir / target);
  std::ofstream(out_dir / target / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  ++written;
}

std::vector<uint8_t> with_prefix(uint8_t first, const std::vector<uint32_t>& dwords) {
  std::vector<uint8_t> out(1 + dwords.size() * 4);
  out[0] = first;
  std::memcpy(out.data() + 1, dwords.data(), dwords.size() * 4);
  return out;
}

std::vector<uint32_t> pm4_stream() {
  std::vector<uint32_t> o;
  const uint32_t vals[] = {1, 2, 3, 4};
  pkt::pm4::nop(o, 2);
  pkt::pm4::write_data(o, {.addr = kRigDataVa}, vals);
  pkt::pm4::copy_data(o, {.src = kRigDataVa, .dst = kRigDataVa + 64});
  pkt::pm4::dma_data(o, pkt::Pm4Family::kGfx9,
                     {.src = kRigDataVa, .dst = kRigDataVa + 0x1000, .bytes = 256});
  pkt::pm4::atomic_mem(o, {.addr = kRigDataVa + 128, .src = 5});
  pkt::pm4::ReleaseMemGfx9 rm;
  rm.addr = kRigDataVa + 256;
  rm.data = 7;
  rm.data_sel = 1;
  pkt::pm4::release_mem(o, rm);
  pkt::pm4::wait_reg_mem_memory(o, kRigDataVa + 256, {.reference = 7});
  pkt::pm4::event_write(o, 0x07, 4);
  pkt::pm4::acquire_mem(o, pkt::pm4::AcquireMemGfx9{});
  // An IB into the ring itself, 4 dwords past its own packet: a NOP block.
  const uint64_t ib = kRigRingVa + (o.size() + 4) * 4;
  pkt::pm4::indirect_buffer(o, {.addr = ib, .size_dwords = 4});
  pkt::pm4::nop(o, 3);
  const uint32_t sh[] = {0x12345600, 0};
  pkt::pm4::set_sh_reg(o, 0x2e0c, sh);  // COMPUTE_PGM_LO/HI
  pkt::pm4::dispatch_direct(o, 1, 1, 1, 1);
  return o;
}

std::vector<uint32_t> sdma_stream() {
  std::vector<uint32_t> o;
  const auto v = pkt::SdmaVersion::kV4_4;
  const uint32_t vals[] = {9, 8, 7};
  pkt::sdma::nop(o, 1);
  pkt::sdma::constant_fill(o, v, kRigDataVa, 0xabcdabcd, 4096);
  pkt::sdma::copy_linear(o, v, kRigDataVa + 8192, kRigDataVa, 4096);
  pkt::sdma::write_untiled(o, kRigDataVa + 64, vals);
  pkt::sdma::fence(o, v, kRigDataVa + 128, 1);
  pkt::sdma::poll_regmem(o, {.addr = kRigDataVa + 128, .value = 1, .retry_count = 4});
  pkt::sdma::timestamp_get_global(o, kRigDataVa + 256);
  pkt::sdma::atomic(o, {.addr = kRigDataVa + 512, .src = 3});
  pkt::sdma::trap(o, 1);
  const uint64_t ib = kRigRingVa + (o.size() + 6) * 4;
  pkt::sdma::indirect(o, ib, 2);
  pkt::sdma::nop(o, 1);
  return o;
}

std::vector<uint32_t> aql_stream() {
  std::vector<uint32_t> o;
  auto add = [&](const pkt::aql::Packet& p) { o.insert(o.end(), p.begin(), p.end()); };
  pkt::aql::Barrier b;
  b.completion_signal = kRigDataVa + 0x100;
  add(pkt::aql::barrier_and(b));
  add(pkt::aql::barrier_or(b));
  // A PM4 IB in the data buffer (zeroed: NOPs to the engine).
  add(pkt::aql::pm4_ib(pkt::aql::Header{}, kRigDataVa + 0x2000, 8, kRigDataVa + 0x140));
  pkt::aql::KernelDispatch k;
  k.workgroup_size[0] = 64;
  k.grid_size[0] = 64;
  k.kernel_object = kRigRingVa + 64 * 4;  // a descriptor in slot 4 (not a packet)
  k.kernarg_address = kRigDataVa + 0x3000;
  k.completion_signal = kRigDataVa + 0x180;
  add(pkt::aql::kernel_dispatch(k));
  return o;
}

std::vector<uint8_t> read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
}

void code_seeds(const fs::path& co) {
  std::vector<uint8_t> elf = read_file(co);
  put("code_object", co.filename().string(), elf);
  auto r = amdrr::code::parse_code_object(elf);
  if (!r.object) {
    std::fprintf(stderr, "make_seeds: %s: %s\n", co.c_str(), r.error.c_str());
    return;
  }
  const uint8_t gfx90a = r.object->target == "gfx90a" ? 1 : 0;
  for (const auto& k : r.object->kernels) {
    const uint64_t start = k.code_va();
    if (start >= r.object->image.size()) continue;
    const uint64_t end = std::min<uint64_t>(r.object->image.size(), start + 4096);
    std::vector<uint8_t> seed(1 + end - start);
    seed[0] = gfx90a;
    std::memcpy(seed.data() + 1, r.object->image.data() + start, end - start);
    put("shader", co.stem().string() + "-" + k.name, seed);
  }
}

void trace_seeds(const fs::path& trace, size_t max_records) {
  std::string error;
  auto reader = amdrr::format::TraceReader::open(trace.string(), &error);
  if (!reader) {
    std::fprintf(stderr, "make_seeds: %s\n", error.c_str());
    return;
  }
  put("trace_file", trace.filename().string(), read_file(trace));
  size_t n = 0;
  while (auto view = reader->next()) {
    if (n++ >= max_records) break;
    capnp::MallocMessageBuilder message;
    message.setRoot(view->record);
    auto words = capnp::messageToFlatArray(message);
    auto bytes = words.asBytes();
    put("trace_record", trace.stem().string() + "-" + std::to_string(view->number),
        std::vector<uint8_t>(bytes.begin(), bytes.end()));
  }
}

/// The emulated GPUs' sysfs trees, flattened the way fuzz_topology reads them.
void topology_seeds() {
  namespace sim = amdrr::sim;
  const std::pair<const char*, sim::SimProfile> profiles[] = {
      {"gfx942", {sim::SimTarget::kGfx942, 1}},
      {"gfx90a", {sim::SimTarget::kGfx90a, 1}},
      {"gfx1100", {sim::SimTarget::kGfx1100, 1}},
      {"gfx942x2", {sim::SimTarget::kGfx942, 2}},
  };
  for (const auto& [name, profile] : profiles) {
    auto dir = sim::TempDir::create("amdrr-seed-topo-");
    if (!dir.ok() || !sim::write_topology(sim::build_topology(profile), dir->path()).ok()) continue;
    std::string text;
    for (const char* file : amdrr::fuzz::kTopologyFiles) {
      if (!text.empty()) text += amdrr::fuzz::kTopologySeparator;
      std::vector<uint8_t> bytes = read_file(dir->path() / file);
      text.append(bytes.begin(), bytes.end());
    }
    put("topology", name, std::vector<uint8_t>(text.begin(), text.end()));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT [--code A.co...] [--trace T.amdrr...]\n", argv[0]);
    return 2;
  }
  out_dir = argv[1];
  using amdrr::fuzz::RigQueue;
  const auto pm4 = pm4_stream(), sdma = sdma_stream(), aql = aql_stream();
  put("packets", "pm4", with_prefix(0, pm4));
  put("packets", "sdma", with_prefix(2, sdma));
  put("packets", "aql", with_prefix(5, aql));
  put("engines", "pm4", with_prefix(static_cast<uint8_t>(RigQueue::kPm4), pm4));
  put("engines", "pm4-gfx90a", with_prefix(0x80 | static_cast<uint8_t>(RigQueue::kPm4), pm4));
  put("engines", "sdma", with_prefix(static_cast<uint8_t>(RigQueue::kSdma), sdma));
  put("engines", "aql", with_prefix(static_cast<uint8_t>(RigQueue::kAql), aql));

  topology_seeds();

  std::string mode;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      mode = a;
    } else if (mode == "--code") {
      code_seeds(a);
    } else if (mode == "--trace") {
      trace_seeds(a, 200);
    }
  }
  std::printf("make_seeds: %d seeds in %s\n", written, out_dir.c_str());
  return 0;
}
