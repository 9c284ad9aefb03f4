#pragma once
// AddressSpace: the replayer's own address space as the trace needs it.
// Before anything is replayed, every host-visible range the trace maps at a
// fixed address is reserved (PROT_NONE, MAP_FIXED_NOREPLACE), so CPU VA ==
// GPU VA as recorded. Afterwards it tracks which ranges are CPU mappings the
// replay made, so recorded CPU writes land only there — never in memory the
// replayer had of its own (its stack, its heap).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace amdrr::replay {

struct VaRange {
  uint64_t begin = 0;
  uint64_t size = 0;
  uint64_t end() const { return begin + size; }
};

class AddressSpace {
 public:
  AddressSpace() = default;
  ~AddressSpace();
  AddressSpace(const AddressSpace&) = delete;
  AddressSpace& operator=(const AddressSpace&) = delete;

  /// Reserves `ranges` (page-aligned outward, merged). Each must lie inside
  /// one of `apertures`. False with a message naming the range when one is
  /// outside them or already taken.
  bool reserve(std::vector<VaRange> ranges, const std::vector<VaRange>& apertures,
               std::string* error);
  /// True when the last reserve() failed because a range was already taken
  /// (a re-execution without address-space randomisation may free it).
  bool collided() const { return collided_; }
  /// True if [va, va + size) is inside a reservation.
  bool reserved(uint64_t va, uint64_t size) const;

  /// Gives the reserved part of [va, va + size) back to the system for a
  /// backend that reserves a BO's address itself (LinuxKfd at ALLOC); it
  /// still counts as the trace's (reserved() stays true).
  void hand_over(uint64_t va, uint64_t size);
  /// Fresh zeroed read-write memory at `va` (USERPTR), inside a reservation.
  bool map_fresh(uint64_t va, uint64_t size, std::string* error);
  /// A CPU mapping the replay made at its recorded address.
  void add_mapping(uint64_t va, uint64_t size);
  void remove_mapping(uint64_t va);
  /// True if [va, va + size) is inside one CPU mapping of the replay.
  bool mapped(uint64_t va, uint64_t size) const;
  /// The CPU mappings the replay made (begin -> size): the GPU-visible
  /// memory bisect compares between two runs.
  const std::map<uint64_t, uint64_t>& mappings() const { return mappings_; }

 private:
  static bool inside(const std::map<uint64_t, uint64_t>& ranges, uint64_t va, uint64_t size);
  std::map<uint64_t, uint64_t> reservations_;  // begin -> size
  std::map<uint64_t, uint64_t> mappings_;      // begin -> size
  std::map<uint64_t, uint64_t> handed_over_;   // begin -> size
  bool collided_ = false;
};

}  // namespace amdrr::replay
