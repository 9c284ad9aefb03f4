#include "lib/code/msgpack.h"

#include <cstring>

namespace amdrr::code {
namespace {

class Reader {
 public:
  Reader(std::span<const uint8_t> b, const MsgLimits& limits) : b_(b), limits_(limits) {}

  bool value(MsgValue* out, int depth) {
    if (depth > limits_.max_depth)
      return fail("nested deeper than " + std::to_string(limits_.max_depth));
    if (++elements_ > limits_.max_elements) return fail("too many elements");
    uint8_t t = 0;
    if (!byte(&t)) return false;
    if (t <= 0x7f) return set(out, uint64_t{t});
    if (t >= 0xe0) return set(out, int64_t{static_cast<int8_t>(t)});
    if ((t & 0xf0) == 0x80) return map(out, t & 0x0f, depth);
    if ((t & 0xf0) == 0x90) return array(out, t & 0x0f, depth);
    if ((t & 0xe0) == 0xa0) return str(out, t & 0x1f);
    switch (t) {
      case 0xc0:
        out->v = std::monostate{};
        return true;
      case 0xc2:
        return set(out, false);
      case 0xc3:
        return set(out, true);
      case 0xc4:
      case 0xd9:
        return sized(out, 1, t == 0xd9);
      case 0xc5:
      case 0xda:
        return sized(out, 2, t == 0xda);
      case 0xc6:
      case 0xdb:
        return sized(out, 4, t == 0xdb);
      case 0xca: {
        uint64_t u = 0;
        float f;
        if (!be(4, &u)) return false;
        uint32_t w = static_cast<uint32_t>(u);
        std::memcpy(&f, &w, 4);
        return set(out, double{f});
      }
      case 0xcb: {
        uint64_t u = 0;
        double d;
        if (!be(8, &u)) return false;
        std::memcpy(&d, &u, 8);
        return set(out, d);
      }
      case 0xcc:
        return uint(out, 1);
      case 0xcd:
        return uint(out, 2);
      case 0xce:
        return uint(out, 4);
      case 0xcf:
        return uint(out, 8);
      case 0xd0:
        return sint(out, 1);
      case 0xd1:
        return sint(out, 2);
      case 0xd2:
        return sint(out, 4);
      case 0xd3:
        return sint(out, 8);
      case 0xdc: {
        uint64_t n = 0;
        return be(2, &n) && array(out, n, depth);
      }
      case 0xdd: {
        uint64_t n = 0;
        return be(4, &n) && array(out, n, depth);
      }
      case 0xde: {
        uint64_t n = 0;
        return be(2, &n) && map(out, n, depth);
      }
      case 0xdf: {
        uint64_t n = 0;
        return be(4, &n) && map(out, n, depth);
      }
      default:
        return fail("unsupported type byte " + std::to_string(t));
    }
  }

  bool done() const { return at_ == b_.size(); }
  std::string error;

 private:
  template <typename T>
  static bool set(MsgValue* out, T v) {
    out->v = v;
    return true;
  }
  bool fail(std::string why) {
    if (error.empty()) error = "metadata at byte " + std::to_string(at_) + ": " + why;
    return false;
  }
  bool byte(uint8_t* out) {
    if (at_ >= b_.size()) return fail("truncated");
    *out = b_[at_++];
    return true;
  }
  bool be(int n, uint64_t* out) {
    if (b_.size() - at_ < static_cast<size_t>(n)) return fail("truncated");
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | b_[at_++];
    *out = v;
    return true;
  }
  bool uint(MsgValue* out, int n) {
    uint64_t v = 0;
    return be(n, &v) && set(out, v);
  }
  bool sint(MsgValue* out, int n) {
    uint64_t v = 0;
    if (!be(n, &v)) return false;
    int shift = 64 - 8 * n;  // sign-extend from n bytes
    return set(out, static_cast<int64_t>(v << shift) >> shift);
  }
  bool sized(MsgValue* out, int len_bytes, bool is_string) {
    uint64_t n = 0;
    if (!be(len_bytes, &n)) return false;
    if (is_string) return str(out, n);
    if (b_.size() - at_ < n) return fail("truncated binary");
    at_ += n;  // binary blobs are not part of metadata we use
    out->v = std::monostate{};
    return true;
  }
  bool str(MsgValue* out, uint64_t n) {
    if (b_.size() - at_ < n) return fail("truncated string");
    out->v = std::string(reinterpret_cast<const char*>(b_.data() + at_), n);
    at_ += n;
    return true;
  }
  bool array(MsgValue* out, uint64_t n, int depth) {
    if (n > limits_.max_elements) return fail("array too long");
    MsgValue::Array a;
    for (uint64_t i = 0; i < n; ++i) {
      a.emplace_back();
      if (!value(&a.back(), depth + 1)) return false;
    }
    out->v = std::move(a);
    return true;
  }
  bool map(MsgValue* out, uint64_t n, int depth) {
    if (n > limits_.max_elements) return fail("map too long");
    MsgValue::Map m;
    for (uint64_t i = 0; i < n; ++i) {
      MsgValue key;
      if (!value(&key, depth + 1)) return false;
      const std::string* k = key.as_string();
      if (!k) return fail("a map key is not a string");
      m.emplace_back(*k, MsgValue{});
      if (!value(&m.back().second, depth + 1)) return false;
    }
    out->v = std::move(m);
    return true;
  }

  std::span<const uint8_t> b_;
  MsgLimits limits_;
  size_t at_ = 0;
  size_t elements_ = 0;
};

}  // namespace

const MsgValue* MsgValue::find(const std::string& key) const {
  const Map* m = as_map();
  if (!m) return nullptr;
  for (const auto& [k, val] : *m) {
    if (k == key) return &val;
  }
  return nullptr;
}

std::optional<uint64_t> MsgValue::as_uint() const {
  if (const auto* u = std::get_if<uint64_t>(&v)) return *u;
  if (const auto* i = std::get_if<int64_t>(&v); i && *i >= 0) return static_cast<uint64_t>(*i);
  return std::nullopt;
}
const std::string* MsgValue::as_string() const {
  return std::get_if<std::string>(&v);
}
const MsgValue::Array* MsgValue::as_array() const {
  return std::get_if<Array>(&v);
}
const MsgValue::Map* MsgValue::as_map() const {
  return std::get_if<Map>(&v);
}

std::optional<MsgValue> parse_msgpack(std::span<const uint8_t> bytes, std::string* error,
                                      const MsgLimits& limits) {
  Reader r(bytes, limits);
  MsgValue out;
  if (!r.value(&out, 0)) {
    *error = r.error;
    return std::nullopt;
  }
  if (!r.done()) {
    *error = "metadata: trailing bytes after the value";
    return std::nullopt;
  }
  return out;
}

}  // namespace amdrr::code
