#pragma once
// A strict reader for the MessagePack subset that code-object metadata uses
// (maps, arrays, strings, integers, booleans, floats, nil). Code objects
// arrive inside traces from strangers, so the reader bounds nesting, element
// counts and lengths, and reports malformed input as an error, never a crash.
// (Debian's msgpack-c would do the parsing, but not these limits.)

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace amdrr::code {

struct MsgValue {
  using Array = std::vector<MsgValue>;
  using Map = std::vector<std::pair<std::string, MsgValue>>;  // string keys only
  std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, Array, Map> v;

  const MsgValue* find(const std::string& key) const;
  std::optional<uint64_t> as_uint() const;
  const std::string* as_string() const;
  const Array* as_array() const;
  const Map* as_map() const;
};

struct MsgLimits {
  int max_depth = 16;
  size_t max_elements = 100000;
};

/// Parses one value spanning all of `bytes`; nullopt with `error` set when
/// the input is malformed, truncated, over a limit, or has trailing bytes.
std::optional<MsgValue> parse_msgpack(std::span<const uint8_t> bytes, std::string* error,
                                      const MsgLimits& limits = {});

}  // namespace amdrr::code
