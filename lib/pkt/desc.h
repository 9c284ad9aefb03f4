#pragma once
// The one description of a packet: a constexpr table entry naming every field
// by (dword, lo bit, width). Builders, the decoder, the emulator and `dump`
// all read these entries; nothing else knows a bit position.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace amdrr::pkt {

/// Which command processor executes a packet.
enum class Engine : uint8_t { kPm4, kSdma, kAql };

/// A stable identity per packet across families, for emulators to switch on.
enum class Kind : uint8_t {
  kUnknown,
  // PM4
  kPm4Type2Nop,
  kPm4Nop,
  kPm4SetShReg,
  kPm4SetUconfigReg,
  kPm4WriteData,
  kPm4WaitRegMem,
  kPm4ReleaseMem,
  kPm4AcquireMem,
  kPm4EventWrite,
  kPm4CopyData,
  kPm4DmaData,
  kPm4AtomicMem,
  kPm4IndirectBuffer,
  kPm4DispatchDirect,
  // SDMA
  kSdmaNop,
  kSdmaCopyLinear,
  kSdmaConstantFill,
  kSdmaWriteUntiled,
  kSdmaFence,
  kSdmaTrap,
  kSdmaPollRegmem,
  kSdmaTimestampGetGlobal,
  kSdmaAtomic,
  kSdmaIndirect,
  // AQL
  kAqlKernelDispatch,
  kAqlBarrierAnd,
  kAqlBarrierOr,
  kAqlVendorPm4Ib,
};

/// One named value of a field (compare function, data select, event type...).
struct EnumName {
  uint32_t value;
  std::string_view name;
};

/// What a field means to the generic encoder: most are plain data; the rest
/// the encoder fills itself from the entry: a constant (`fixed`, e.g. the PM4
/// packet type), the entry's opcode or sub-op, or the size rule's count.
enum class Role : uint8_t { kData, kFixed, kOpcode, kSubOp, kCount };

struct Field {
  uint16_t dword;
  uint8_t lo;
  uint8_t width;  // 1..32
  std::string_view name;
  std::span<const EnumName> enums = {};
  Role role = Role::kData;
  uint32_t fixed = 0;  // value of a kFixed field

  constexpr uint32_t mask() const { return width >= 32 ? 0xFFFFFFFFu : (1u << width) - 1u; }
  constexpr uint32_t extract(uint32_t dw) const { return (dw >> lo) & mask(); }
  constexpr uint32_t insert(uint32_t dw, uint32_t v) const {
    return (dw & ~(mask() << lo)) | ((v & mask()) << lo);
  }
  constexpr bool fits(uint64_t v) const { return v <= mask(); }
};

/// How many dwords a packet occupies: `base + field(count)` where count is a
/// field of the packet itself (PM4 header COUNT, SDMA NOP/WRITE count), or a
/// fixed `base` when count_width is 0.
struct SizeRule {
  uint16_t base = 0;
  uint16_t count_dword = 0;
  uint8_t count_lo = 0;
  uint8_t count_width = 0;
};

inline constexpr size_t kMaxFields = 48;

struct PacketDesc {
  Engine engine;
  Kind kind;
  std::string_view name;  // hardware spelling, greps against kernel headers
  uint8_t opcode;         // PM4 IT_OPCODE, SDMA OP, AQL packet type
  int16_t sub_op;         // SDMA SUB_OP or AQL vendor format; -1 = not matched
  uint32_t min_dwords;    // a well-formed packet is at least this long
  uint32_t max_dwords;    // and at most this (== min for fixed layouts)
  SizeRule size;
  std::span<const Field> fields;
  std::string_view payload;  // name of trailing variable dwords, "" if none
  std::string_view source;   // where the layout was read, or UNVERIFIED
};

/// A field of a particular entry, resolved at compile time by name.
struct FieldId {
  const PacketDesc* desc;
  uint8_t index;
  constexpr const Field& field() const { return desc->fields[index]; }
};

/// Compile-time lookup: a misspelt name fails to compile.
consteval FieldId field_id(const PacketDesc& desc, std::string_view name) {
  for (size_t i = 0; i < desc.fields.size(); ++i) {
    if (desc.fields[i].name == name) return FieldId{&desc, static_cast<uint8_t>(i)};
  }
  throw "no such field in packet description";
}

/// Concatenates constexpr arrays (shared header fields + body fields).
template <typename T, size_t N, size_t M>
consteval std::array<T, N + M> concat(const std::array<T, N>& a, const std::array<T, M>& b) {
  std::array<T, N + M> out{};
  for (size_t i = 0; i < N; ++i) out[i] = a[i];
  for (size_t i = 0; i < M; ++i) out[N + i] = b[i];
  return out;
}

/// A family's set of entries, as the decoder and `dump` see it.
struct RegName {
  uint32_t addr;  // absolute dword register address
  std::string_view name;
};

struct PacketTable {
  Engine engine;
  std::string_view name;  // e.g. "PM4 GFX9"
  std::span<const PacketDesc* const> packets;
  std::span<const RegName> sh_regs = {};       // PM4: SET_SH_REG targets
  std::span<const RegName> uconfig_regs = {};  // PM4: SET_UCONFIG_REG targets
};

}  // namespace amdrr::pkt
