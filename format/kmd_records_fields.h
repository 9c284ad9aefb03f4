#pragma once
// Field converters for kmd_records.cc: each one ties a typed member to its
// schema field and knows both directions, so a record's write and read code
// are one table line per field and cannot drift apart. Reading validates:
// a field that fails says why in `error` and the record is rejected.
//
// `access` picks the member from the typed object (auto& -> auto&), so one
// table serves both kmd::MapMemoryArgs (a span) and MapMemoryCallArgs (a
// vector). Internal to format/.

#include <capnp/schema.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace amdrr::format::kmd_fields {

template <typename V, typename R>
V getter_value(V (R::*)() const);
/// The value type a schema getter returns.
template <typename Get>
using GetterValue = decltype(getter_value(std::declval<Get>()));

/// The schema's name of a field given as in its accessors ("WaitResult" ->
/// "waitResult"), for messages.
inline std::string field_name(const char* accessor) {
  std::string name = accessor;
  if (!name.empty() && name[0] >= 'A' && name[0] <= 'Z')
    name[0] = static_cast<char>(name[0] - 'A' + 'a');
  return name;
}

template <typename Table, typename B, typename T>
void write_fields(const Table& table, [[maybe_unused]] B out, [[maybe_unused]] const T& value) {
  std::apply([&](const auto&... field) { (field.write(out, value), ...); }, table);
}

template <typename Table, typename R, typename T>
bool read_fields(const Table& table, [[maybe_unused]] R in, [[maybe_unused]] T& value,
                 [[maybe_unused]] std::string* error) {
  return std::apply([&](const auto&... field) { return (field.read(in, value, error) && ...); },
                    table);
}

/// A number stored as is: every value is valid.
template <typename Access, typename Set, typename Get>
struct Scalar {
  Access access;
  Set set;
  Get get;
  template <typename B, typename T>
  void write(B out, const T& value) const {
    (out.*set)(access(value));
  }
  template <typename R, typename T>
  bool read(R in, T& value, std::string*) const {
    access(value) = (in.*get)();
    return true;
  }
};

/// An enum whose schema ordinals equal the typed values, set closed: an
/// ordinal this schema does not name is an error.
template <typename Access, typename Set, typename Get>
struct ClosedEnum {
  Access access;
  Set set;
  Get get;
  const char* name;
  using E = GetterValue<Get>;
  template <typename B, typename T>
  void write(B out, const T& value) const {
    (out.*set)(static_cast<E>(access(value)));
  }
  template <typename R, typename T>
  bool read(R in, T& value, std::string* error) const {
    auto ordinal = static_cast<uint16_t>((in.*get)());
    if (ordinal >= capnp::Schema::from<E>().getEnumerants().size()) {
      *error = field_name(name) + " " + std::to_string(ordinal) + " is not a known value";
      return false;
    }
    using Typed = std::remove_cvref_t<decltype(access(value))>;
    access(value) = static_cast<Typed>(ordinal);
    return true;
  }
};

/// An enum the kernel may grow: the schema enum names the value (or says
/// `other`), the raw field always holds the kernel's number, which is what
/// is read back. The two must agree.
template <typename Access, typename Set, typename Get, typename SetRaw, typename GetRaw>
struct OpenEnum {
  Access access;
  Set set;
  Get get;
  SetRaw set_raw;
  GetRaw get_raw;
  GetterValue<Get> other;
  const char* name;
  template <typename B, typename T>
  void write(B out, const T& value) const {
    auto raw = static_cast<uint32_t>(access(value));
    (out.*set)(raw < static_cast<uint32_t>(other) ? static_cast<GetterValue<Get>>(raw) : other);
    (out.*set_raw)(raw);
  }
  template <typename R, typename T>
  bool read(R in, T& value, std::string* error) const {
    auto ordinal = static_cast<uint32_t>((in.*get)());
    uint32_t raw = (in.*get_raw)();
    auto first_unnamed = static_cast<uint32_t>(other);
    // A named value must match; `other` (or a newer enumerant) must not
    // hide a value this schema names.
    if (ordinal < first_unnamed ? raw != ordinal : raw < first_unnamed) {
      *error = field_name(name) + " " + std::to_string(ordinal) + " disagrees with its raw value " +
               std::to_string(raw);
      return false;
    }
    using Typed = std::remove_cvref_t<decltype(access(value))>;
    access(value) = static_cast<Typed>(raw);
    return true;
  }
};

/// A list of numbers (ElementTable = std::tuple<>) or of structs converted by
/// ElementTable, at most `max` long when read.
template <typename Access, typename Init, typename Get, typename ElementTable>
struct List {
  Access access;
  Init init;
  Get get;
  ElementTable element;
  const char* name;
  size_t max;
  static constexpr bool kNumbers = std::tuple_size_v<ElementTable> == 0;

  template <typename B, typename T>
  void write(B out, const T& value) const {
    const auto& items = access(value);
    auto list = (out.*init)(static_cast<unsigned>(items.size()));
    for (unsigned i = 0; i < list.size(); i++) {
      if constexpr (kNumbers) {
        list.set(i, items[i]);
      } else {
        write_fields(element, list[i], items[i]);
      }
    }
  }
  template <typename R, typename T>
  bool read(R in, T& value, std::string* error) const {
    auto list = (in.*get)();
    if (list.size() > max) {
      *error = field_name(name) + " has " + std::to_string(list.size()) + " items, more than " +
               std::to_string(max);
      return false;
    }
    auto& items = access(value);
    items.assign(list.size(), {});
    for (unsigned i = 0; i < list.size(); i++) {
      if constexpr (kNumbers) {
        items[i] = list[i];
      } else if (!read_fields(element, list[i], items[i], error)) {
        *error = field_name(name) + "[" + std::to_string(i) + "]: " + *error;
        return false;
      }
    }
    return true;
  }
};

/// A struct inside a struct (kfd_event_data's exception data).
template <typename Access, typename Init, typename Get, typename Table>
struct Nested {
  Access access;
  Init init;
  Get get;
  Table table;
  template <typename B, typename T>
  void write(B out, const T& value) const {
    write_fields(table, (out.*init)(), access(value));
  }
  template <typename R, typename T>
  bool read(R in, T& value, std::string* error) const {
    return read_fields(table, (in.*get)(), access(value), error);
  }
};

}  // namespace amdrr::format::kmd_fields
