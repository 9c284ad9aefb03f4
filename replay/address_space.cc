#include "replay/address_space.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace amdrr::replay {

namespace {

constexpr uint64_t kPage = 4096;

std::string hex_range(uint64_t begin, uint64_t end) {
  std::ostringstream out;
  out << std::hex << "0x" << begin << "-0x" << end;
  return out.str();
}

}  // namespace

AddressSpace::~AddressSpace() {
  for (const auto& [begin, size] : reservations_) {
    ::munmap(reinterpret_cast<void*>(begin), size);
  }
}

bool AddressSpace::reserve(std::vector<VaRange> ranges, const std::vector<VaRange>& apertures,
                           std::string* error) {
  for (VaRange& r : ranges) {
    if (r.size == 0 || r.begin > UINT64_MAX - r.size - kPage) {
      *error = "VA range " + hex_range(r.begin, r.begin + r.size) + " is empty or wraps around";
      return false;
    }
    const uint64_t end = (r.end() + kPage - 1) & ~(kPage - 1);
    r.begin &= ~(kPage - 1);
    r.size = end - r.begin;
    bool in_aperture = std::any_of(apertures.begin(), apertures.end(), [&](const VaRange& a) {
      return r.begin >= a.begin && r.end() <= a.end();
    });
    if (!in_aperture) {
      *error = "VA range " + hex_range(r.begin, r.end()) + " is outside this GPU's aperture";
      return false;
    }
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const VaRange& a, const VaRange& b) { return a.begin < b.begin; });
  std::vector<VaRange> merged;
  for (const VaRange& r : ranges) {
    if (!merged.empty() && r.begin <= merged.back().end()) {
      merged.back().size = std::max(merged.back().end(), r.end()) - merged.back().begin;
    } else {
      merged.push_back(r);
    }
  }
  for (const VaRange& r : merged) {
    void* want = reinterpret_cast<void*>(r.begin);
    void* got = ::mmap(want, r.size, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (got == MAP_FAILED || got != want) {
      const int err = errno;
      if (got != MAP_FAILED) ::munmap(got, r.size);  // a kernel without NOREPLACE
      collided_ = err == EEXIST || got != MAP_FAILED;
      *error = "VA range " + hex_range(r.begin, r.end()) + " is already taken in this process (" +
               std::strerror(err) + ")";
      return false;
    }
    reservations_[r.begin] = r.size;
  }
  return true;
}

bool AddressSpace::inside(const std::map<uint64_t, uint64_t>& ranges, uint64_t va, uint64_t size) {
  if (size > UINT64_MAX - va) return false;
  auto it = ranges.upper_bound(va);
  if (it == ranges.begin()) return false;
  --it;
  return va >= it->first && va + size <= it->first + it->second;
}

bool AddressSpace::reserved(uint64_t va, uint64_t size) const {
  if (size > UINT64_MAX - va) return false;
  // Piece by piece: a range may span reserved and handed-over parts.
  const uint64_t end = va + size;
  uint64_t at = va;
  while (at < end) {
    uint64_t next = at;
    for (const auto* ranges : {&reservations_, &handed_over_}) {
      auto it = ranges->upper_bound(at);
      if (it == ranges->begin()) continue;
      --it;
      if (at < it->first + it->second) next = std::max(next, it->first + it->second);
    }
    if (next == at) return false;
    at = next;
  }
  return true;
}

void AddressSpace::hand_over(uint64_t va, uint64_t size) {
  if (size == 0 || size > UINT64_MAX - va - kPage) return;
  const uint64_t begin = va & ~(kPage - 1);
  const uint64_t end = (va + size + kPage - 1) & ~(kPage - 1);
  auto it = reservations_.upper_bound(begin);
  if (it != reservations_.begin()) --it;
  while (it != reservations_.end() && it->first < end) {
    const uint64_t r_begin = it->first;
    const uint64_t r_end = r_begin + it->second;
    const uint64_t cut_begin = std::max(begin, r_begin);
    const uint64_t cut_end = std::min(end, r_end);
    if (cut_begin >= cut_end) {
      ++it;
      continue;
    }
    ::munmap(reinterpret_cast<void*>(cut_begin), cut_end - cut_begin);
    handed_over_[cut_begin] = cut_end - cut_begin;
    it = reservations_.erase(it);
    if (r_begin < cut_begin) reservations_[r_begin] = cut_begin - r_begin;
    if (cut_end < r_end) it = reservations_.emplace(cut_end, r_end - cut_end).first;
  }
}

bool AddressSpace::map_fresh(uint64_t va, uint64_t size, std::string* error) {
  if (va % kPage != 0 || size == 0 || !reserved(va, size)) {
    *error = "USERPTR range " + hex_range(va, va + size) + " was not reserved";
    return false;
  }
  void* p = ::mmap(reinterpret_cast<void*>(va), size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (p == MAP_FAILED) {
    *error = "cannot map USERPTR range " + hex_range(va, va + size) + ": " + std::strerror(errno);
    return false;
  }
  add_mapping(va, size);
  return true;
}

void AddressSpace::add_mapping(uint64_t va, uint64_t size) {
  mappings_[va] = size;
}

void AddressSpace::remove_mapping(uint64_t va) {
  mappings_.erase(va);
}

bool AddressSpace::mapped(uint64_t va, uint64_t size) const {
  return inside(mappings_, va, size);
}

}  // namespace amdrr::replay
