#pragma once
// The KFD topology tree (sysfs), parsed into plain data. The same parser reads
// the real /sys tree and the trees lib/sim generates for its profiles, so the
// emulated GPU and real hardware describe themselves through one path.
//
// Layout [S-TOPO]: <root>/generation_id, <root>/system_properties,
// <root>/nodes/N/{gpu_id,name,properties}, nodes/N/mem_banks/M/{properties,
// used_memory}, nodes/N/caches/M/properties, nodes/N/io_links/M/properties,
// nodes/N/p2p_links/M/properties. Every properties file is "key value" lines.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/base/result.h"

namespace amdrr::gpu {

inline constexpr std::string_view kDefaultTopologyRoot = "/sys/devices/virtual/kfd/kfd/topology";

/// One `properties` file: ordered "key value" pairs. Values are kept as text
/// because a few are not integers (a cache's sibling_map is "1,0,1,...").
class PropertyList {
 public:
  /// The value of `key` as an unsigned integer, if present and numeric.
  std::optional<uint64_t> find(std::string_view key) const;
  /// The value of `key`, or `fallback` when absent or not numeric.
  uint64_t get(std::string_view key, uint64_t fallback = 0) const;
  const std::string* find_text(std::string_view key) const;
  /// Sets (or replaces, keeping its position) a key.
  void set(std::string_view key, std::string value);
  void set(std::string_view key, uint64_t value) { set(key, std::to_string(value)); }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

  /// Parses "key value" lines; EINVAL on a line without a value.
  static Result<PropertyList> parse(std::string_view text);
  /// The sysfs text form, one "key value" line per entry.
  std::string to_text() const;

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

/// HSA heap types of a mem bank (`heap_type`) [S-SYSFS].
enum class HeapType : uint32_t {
  kSystem = 0,
  kFbPublic = 1,
  kFbPrivate = 2,
  kGpuGds = 3,
  kGpuLds = 4,
  kGpuScratch = 5,
};

/// io_link `type` values used by amdrr [S-SYSFS].
inline constexpr uint32_t kIoLinkTypePcie = 2;
inline constexpr uint32_t kIoLinkTypeXgmi = 11;

struct MemBank {
  PropertyList properties;              // heap_type, size_in_bytes, flags, width, mem_clk_max
  std::optional<uint64_t> used_memory;  // GPU nodes only
  HeapType heap_type() const { return static_cast<HeapType>(properties.get("heap_type")); }
  uint64_t size_in_bytes() const { return properties.get("size_in_bytes"); }
};

struct Cache {
  PropertyList properties;  // processor_id_low, level, size, cache_line_size, type, sibling_map
};

struct IoLink {
  PropertyList properties;  // type, node_from, node_to, weight, min/max latency/bandwidth, flags
  uint32_t type() const { return static_cast<uint32_t>(properties.get("type")); }
  uint32_t node_from() const { return static_cast<uint32_t>(properties.get("node_from")); }
  uint32_t node_to() const { return static_cast<uint32_t>(properties.get("node_to")); }
};

struct Node {
  uint32_t index = 0;   // N in nodes/N: topology order, not what ioctls use
  uint32_t gpu_id = 0;  // 0 for CPU-only nodes; what every ioctl names a GPU by
  std::string name;
  PropertyList properties;
  std::vector<MemBank> mem_banks;
  std::vector<Cache> caches;
  std::vector<IoLink> io_links;
  std::vector<IoLink> p2p_links;

  bool is_gpu() const { return gpu_id != 0; }
  uint32_t gfx_target_version() const {
    return static_cast<uint32_t>(properties.get("gfx_target_version"));
  }
  uint32_t num_xcc() const { return static_cast<uint32_t>(properties.get("num_xcc", 1)); }
  uint32_t drm_render_minor() const {
    return static_cast<uint32_t>(properties.get("drm_render_minor"));
  }
  /// Sum of the FB_PUBLIC and FB_PRIVATE banks (local_mem_size prints 0) [S-TOPO].
  uint64_t vram_size() const;
};

struct Topology {
  uint64_t generation_id = 0;
  PropertyList system_properties;  // platform_oem, platform_id, platform_rev
  std::vector<Node> nodes;         // in node-index order

  const Node* find_gpu(uint32_t gpu_id) const;
  /// GPU nodes in node-index order.
  std::vector<const Node*> gpu_nodes() const;
};

/// Reads the tree under `root`. The kernel bumps generation_id when the tree
/// changes; like libhsakmt, we read it before and after and start over when it
/// moved, so the result is one consistent snapshot (EAGAIN if it never settles).
/// ENOENT when the root or a required file is missing, EINVAL when malformed.
Result<Topology> read_topology(const std::filesystem::path& root = kDefaultTopologyRoot);

}  // namespace amdrr::gpu
