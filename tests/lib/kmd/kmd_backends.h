#pragma once
// The backends the Kmd contract suite runs against. Each has a factory and,
// where the backend can tell, a fingerprint of its kernel-side state (live
// BOs, mappings, queues, events) so a failing call can be checked to have
// changed nothing. LinuxKfd over fake syscalls and real hardware join here.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lib/kmd/kmd.h"

namespace amdrr::kmd::testing {

struct KmdBackend {
  std::string name;
  std::function<std::unique_ptr<Kmd>()> make;
  /// Empty when the backend cannot be inspected (real hardware).
  std::function<std::string(Kmd&)> state;
};

std::vector<KmdBackend> kmd_backends();

}  // namespace amdrr::kmd::testing
