#include "format/hash.h"

#include <xxhash.h>

namespace amdrr::format {

Hash128 hash128(std::span<const uint8_t> bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return Hash128{h.low64, h.high64};
}

}  // namespace amdrr::format
