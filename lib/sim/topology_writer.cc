#include "lib/sim/topology_writer.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <string>
#include <system_error>

namespace amdrr::sim {
namespace {

namespace fs = std::filesystem;

Result<void> write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Errno{errno ? errno : EIO};
  out << text;
  out.close();
  if (!out) return Errno{EIO};
  return {};
}

Result<void> make_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Errno{ec.value()};
  return {};
}

Result<void> write_properties_dir(const fs::path& dir, const gpu::PropertyList& props) {
  if (auto r = make_dir(dir); !r) return r;
  return write_file(dir / "properties", props.to_text());
}

Result<void> write_node(const gpu::Node& node, const fs::path& dir) {
  if (auto r = make_dir(dir); !r) return r;
  if (auto r = write_file(dir / "gpu_id", std::to_string(node.gpu_id) + "\n"); !r) return r;
  if (auto r = write_file(dir / "name", node.name + "\n"); !r) return r;
  if (auto r = write_file(dir / "properties", node.properties.to_text()); !r) return r;
  for (size_t i = 0; i < node.mem_banks.size(); ++i) {
    fs::path d = dir / "mem_banks" / std::to_string(i);
    if (auto r = write_properties_dir(d, node.mem_banks[i].properties); !r) return r;
    if (node.mem_banks[i].used_memory) {
      auto r = write_file(d / "used_memory", std::to_string(*node.mem_banks[i].used_memory) + "\n");
      if (!r) return r;
    }
  }
  for (size_t i = 0; i < node.caches.size(); ++i) {
    auto r = write_properties_dir(dir / "caches" / std::to_string(i), node.caches[i].properties);
    if (!r) return r;
  }
  for (size_t i = 0; i < node.io_links.size(); ++i) {
    auto r =
        write_properties_dir(dir / "io_links" / std::to_string(i), node.io_links[i].properties);
    if (!r) return r;
  }
  for (size_t i = 0; i < node.p2p_links.size(); ++i) {
    auto r =
        write_properties_dir(dir / "p2p_links" / std::to_string(i), node.p2p_links[i].properties);
    if (!r) return r;
  }
  // Empty subdirectories exist in sysfs even without entries.
  for (const char* sub : {"mem_banks", "caches", "io_links", "p2p_links"}) {
    if (auto r = make_dir(dir / sub); !r) return r;
  }
  return {};
}

}  // namespace

Result<TempDir> TempDir::create(const char* prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/" + prefix + "XXXXXX";
  if (!::mkdtemp(templ.data())) return Errno{errno};
  return TempDir(fs::path(templ));
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

Result<void> write_topology(const gpu::Topology& topo, const fs::path& root) {
  if (auto r = make_dir(root / "nodes"); !r) return r;
  if (auto r = write_file(root / "generation_id", std::to_string(topo.generation_id) + "\n"); !r) {
    return r;
  }
  if (auto r = write_file(root / "system_properties", topo.system_properties.to_text()); !r) {
    return r;
  }
  for (const auto& node : topo.nodes) {
    if (auto r = write_node(node, root / "nodes" / std::to_string(node.index)); !r) return r;
  }
  return {};
}

}  // namespace amdrr::sim
