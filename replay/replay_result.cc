#include "replay/replay_result.h"

namespace amdrr::replay {

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSame:
      return "same";
    case Verdict::kDiverged:
      return "diverged";
    case Verdict::kGpuFault:
      return "GPU fault";
    case Verdict::kHang:
      return "hang";
    case Verdict::kCannotReplay:
      return "cannot replay";
  }
  return "?";
}

int verdict_exit_code(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSame:
      return 0;
    case Verdict::kDiverged:
      return 1;
    case Verdict::kGpuFault:
      return 2;
    case Verdict::kHang:
      return 3;
    case Verdict::kCannotReplay:
      return 125;
  }
  return 125;
}

}  // namespace amdrr::replay
