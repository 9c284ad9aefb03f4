#pragma once
// A capnp MessageBuilder whose first segment is zeroed space the caller lends
// (the trace writer's current frame slot), so a record is built where it will
// be compressed from: no malloc, no copy. Space beyond the loan comes from
// the heap, and the caller falls back to copying such a message.

#include <capnp/message.h>

#include <cstdlib>
#include <vector>

namespace amdrr::format {

class SlotMessageBuilder final : public capnp::MessageBuilder {
 public:
  explicit SlotMessageBuilder(kj::ArrayPtr<capnp::word> space) : space_(space) {}
  ~SlotMessageBuilder() noexcept(false) override {
    for (void* p : overflow_) std::free(p);
  }

  kj::ArrayPtr<capnp::word> allocateSegment(unsigned minimum_size) override {
    if (!lent_used_ && minimum_size <= space_.size()) {
      lent_used_ = true;
      return space_;
    }
    size_t words = minimum_size < 8192 ? 8192 : minimum_size;
    auto* p = static_cast<capnp::word*>(std::calloc(words, sizeof(capnp::word)));
    if (p == nullptr) throw std::bad_alloc();
    overflow_.push_back(p);
    return {p, words};
  }

  /// True when the whole message lies in the lent space.
  bool in_lent_space() { return lent_used_ && overflow_.empty(); }

 private:
  kj::ArrayPtr<capnp::word> space_;
  bool lent_used_ = false;
  std::vector<void*> overflow_;
};

}  // namespace amdrr::format
