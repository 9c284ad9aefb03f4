#pragma once
// Human-readable numbers for the CLI's reports.

#include <cstdint>
#include <string>

namespace amdrr::cli {

/// 1536 -> "1.5 KiB".
std::string bytes_text(uint64_t bytes);
/// 1500000 ns -> "1.50 ms".
std::string duration_text(uint64_t ns);
/// Unix ns -> "2026-11-25 16:10:00 UTC".
std::string utc_text(uint64_t unix_ns);

}  // namespace amdrr::cli
