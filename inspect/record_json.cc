#include "inspect/record_json.h"

#include <algorithm>
#include <vector>

namespace amdrr::inspect {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
  for (int i = 0; i < 64; ++i) {
    if (kAlphabet[i] == c) return i;
  }
  return -1;
}

}  // namespace

std::string base64_encode(capnp::Data::Reader bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint32_t{bytes[i]} << 16;
    if (i + 1 < bytes.size()) v |= uint32_t{bytes[i + 1]} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// capnp's Handler has virtual functions but a protected-less, non-virtual
// destructor; this class is never deleted through it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class RecordJson::Base64 final : public capnp::JsonCodec::Handler<capnp::Data> {
 public:
  void encode(const capnp::JsonCodec&, capnp::Data::Reader input,
              capnp::JsonValue::Builder output) const override {
    output.setString(base64_encode(input));
  }
  capnp::Orphan<capnp::Data> decode(const capnp::JsonCodec&, capnp::JsonValue::Reader input,
                                    capnp::Orphanage orphanage) const override {
    KJ_REQUIRE(input.isString(), "Data must be a base64 string");
    std::string_view text = input.getString().cStr();
    std::vector<uint8_t> bytes;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
      if (c == '=') break;
      const int v = value_of(c);
      KJ_REQUIRE(v >= 0, "not base64");
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push_back(static_cast<uint8_t>((acc >> bits) & 0xFF));
      }
    }
    auto orphan = orphanage.newOrphan<capnp::Data>(bytes.size());
    if (!bytes.empty()) std::copy(bytes.begin(), bytes.end(), orphan.get().begin());
    return orphan;
  }
};
#pragma GCC diagnostic pop

RecordJson::RecordJson() : base64_(std::make_unique<Base64>()) {
  codec_.addTypeHandler(*base64_);
}
RecordJson::~RecordJson() = default;

std::string RecordJson::encode(schema::Record::Reader record) const {
  return codec_.encode(record).cStr();
}

void RecordJson::decode(const std::string& line, schema::Record::Builder record) const {
  codec_.decode(kj::StringPtr(line.c_str()), record);
}

}  // namespace amdrr::inspect
