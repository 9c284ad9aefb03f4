#pragma once
// Exit codes shared by every subcommand. replay/bisect follow `git bisect
// run`: 0 same, 1..124 different, 125 cannot test.

namespace amdrr::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitDamagedTrace = 1;  // readable, but cut short or corrupt
inline constexpr int kExitUsage = 2;         // bad arguments, unreadable input
inline constexpr int kExitCannotTest = 125;

}  // namespace amdrr::cli
