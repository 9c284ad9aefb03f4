#pragma once
// Content hashes for blobs and observed memory: XXH3-128, whose collision odds
// are negligible for the sizes a trace holds (a trace is not a security
// boundary: a crafted collision only confuses the trace it is in).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace amdrr::format {

struct Hash128 {
  uint64_t lo = 0;
  uint64_t hi = 0;
  friend bool operator==(const Hash128&, const Hash128&) = default;
};

Hash128 hash128(std::span<const uint8_t> bytes);

struct Hash128Hasher {
  size_t operator()(const Hash128& h) const {
    return static_cast<size_t>(h.lo ^ (h.hi * 0x9E3779B97F4A7C15ull));
  }
};

}  // namespace amdrr::format
