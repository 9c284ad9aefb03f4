// Fuzz target: the KFD topology parser. The input is split on "\n--\n"
// into the files of a one-CPU one-GPU sysfs tree (topology_files.h),
// written to a temporary tree and read back with read_topology; every chunk
// is also parsed as a PropertyList.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "lib/gpu/topology.h"
#include "tests/fuzz/topology_files.h"

namespace fs = std::filesystem;
namespace gpu = amdrr::gpu;

namespace {

const fs::path& tree_root() {
  static const fs::path root = [] {
    fs::path p = fs::temp_directory_path() / ("amdrr-fuzz-topology-" + std::to_string(getpid()));
    return p;
  }();
  return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> chunks;
  for (size_t start = 0;;) {
    size_t at = text.find(amdrr::fuzz::kTopologySeparator, start);
    chunks.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) break;
    start = at + amdrr::fuzz::kTopologySeparator.size();
  }
  for (std::string_view c : chunks) {
    auto props = gpu::PropertyList::parse(c);
    if (props.ok()) (void)props->to_text();
  }

  const fs::path& root = tree_root();
  std::error_code ec;
  fs::remove_all(root, ec);
  for (size_t i = 0; i < std::size(amdrr::fuzz::kTopologyFiles) && i < chunks.size(); ++i) {
    fs::path p = root / amdrr::fuzz::kTopologyFiles[i];
    fs::create_directories(p.parent_path(), ec);
    std::ofstream(p, std::ios::binary) << chunks[i];
  }
  auto topo = gpu::read_topology(root);
  if (topo.ok()) {
    for (const gpu::Node* n : topo->gpu_nodes()) {
      (void)n->vram_size();
      (void)topo->find_gpu(n->gpu_id);
    }
  }
  fs::remove_all(root, ec);
  return 0;
}
