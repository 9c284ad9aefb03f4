#pragma once
// The backends the Kmd contract suite runs against. Each has a factory and,
// where the backend can tell, a fingerprint of its kernel-side state (live
// BOs, mappings, queues, events) so a failing call can be checked to have
// changed nothing: SimKfd directly, LinuxKfd over FakeKfdSyscalls (SimKfd
// behind raw ioctl structs), and LinuxKfd on real hardware when /dev/kfd opens.

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "lib/kmd/kmd.h"

namespace amdrr::kmd::testing {

struct KmdBackend {
  std::string name;
  std::function<std::unique_ptr<Kmd>()> make;
  /// Empty when the backend cannot be inspected (real hardware).
  std::function<std::string(Kmd&)> state;
  /// Why the backend cannot run here (no /dev/kfd, ...); "" when it can.
  /// Empty function: always runs.
  std::function<std::string()> skip_reason;
};

std::vector<KmdBackend> kmd_backends();

/// GoogleTest prints the backend by name, not as bytes.
inline void PrintTo(const KmdBackend& backend, std::ostream* os) {
  *os << backend.name;
}

}  // namespace amdrr::kmd::testing
