#pragma once
// Writes a gpu::Topology as a KFD sysfs tree, so lib/gpu's parser reads the
// emulated GPU exactly as it reads /sys/devices/virtual/kfd/kfd/topology.

#include <filesystem>

#include "lib/base/result.h"
#include "lib/gpu/topology.h"

namespace amdrr::sim {

/// A temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  /// mkdtemp under $TMPDIR (or /tmp); errno on failure.
  static Result<TempDir> create(const char* prefix = "amdrr-topo-");
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

/// Writes generation_id, system_properties and nodes/N/... under `root`.
Result<void> write_topology(const gpu::Topology& topo, const std::filesystem::path& root);

}  // namespace amdrr::sim
