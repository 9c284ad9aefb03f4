// check_against_schema walks a plan compiled from the schema over raw
// pointer slots. Its oracle here is the straightforward check through
// Cap'n Proto's reflection (every pointer field of the active member read
// with DynamicStruct::get): on thousands of records of every kind with
// pointer words damaged, both must refuse exactly the same ones.

#include "format/schema_check.h"

#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "format/trace_reader.h"
#include "tests/format/trace_fixtures.h"
#include "tests/support/temp_dir.h"

namespace amdrr::format {
namespace {

void reflective_check(capnp::DynamicValue::Reader value);

void reflective_check_struct(capnp::DynamicStruct::Reader s) {
  auto check = [&](capnp::StructSchema::Field field) {
    const bool group = !field.getProto().isSlot();
    const capnp::Type t = field.getType();
    if (!group && !(t.isStruct() || t.isList() || t.isText() || t.isData())) return;
    if (group || s.has(field)) reflective_check(s.get(field));
  };
  for (auto field : s.getSchema().getNonUnionFields()) check(field);
  KJ_IF_MAYBE (active, s.which()) {
    check(*active);
  }
}

void reflective_check(capnp::DynamicValue::Reader value) {
  if (value.getType() == capnp::DynamicValue::STRUCT) {
    reflective_check_struct(value.as<capnp::DynamicStruct>());
  } else if (value.getType() == capnp::DynamicValue::LIST) {
    for (auto item : value.as<capnp::DynamicList>()) reflective_check(item);
  }
}

template <typename F>
bool throws(F&& f) {
  try {
    f();
    return false;
  } catch (const kj::Exception&) {
    return true;
  }
}

// Every record of a trace with one record of each kind, as flat messages.
std::vector<kj::Array<capnp::word>> every_kind_of_record() {
  testing::TempDir dir;
  testing::write_every_kind(dir.file("every.amdrr"));
  std::string error;
  auto reader = TraceReader::open(dir.file("every.amdrr"), &error);
  EXPECT_NE(reader, nullptr) << error;
  std::vector<kj::Array<capnp::word>> out;
  while (reader) {
    auto view = reader->next();
    if (!view) break;
    capnp::MallocMessageBuilder copy;
    copy.setRoot(view->record);
    out.push_back(capnp::messageToFlatArray(copy));
  }
  return out;
}

TEST(SchemaCheck, RefusesExactlyWhatReflectionRefuses) {
  const auto records = every_kind_of_record();
  ASSERT_GE(records.size(), 10u);
  std::mt19937_64 random(7);
  int compared = 0, refused = 0;
  for (const auto& original : records) {
    const size_t words = original.size();
    for (int round = 0; round < 1500; ++round) {
      auto damaged = kj::heapArray<capnp::word>(words);
      std::memcpy(damaged.begin(), original.begin(), words * sizeof(capnp::word));
      auto* raw = reinterpret_cast<uint64_t*>(damaged.begin());
      // Word 0 is the segment table; damage 1 to 3 words of the segment:
      // a pointer's kind bits, a copy of another word, or one bit.
      const int edits = 1 + static_cast<int>(random() % 3);
      for (int e = 0; e < edits; ++e) {
        const size_t at = 1 + random() % (words - 1);
        switch (random() % 3) {
          case 0:
            raw[at] = (raw[at] & ~uint64_t{3}) | (random() & 3);
            break;
          case 1:
            raw[at] = raw[1 + random() % (words - 1)];
            break;
          default:
            raw[at] ^= uint64_t{1} << (random() % 64);
            break;
        }
      }
      capnp::FlatArrayMessageReader message(damaged);
      schema::Record::Reader record;
      // Out-of-bounds pointers are the bounds check's: the reader runs it first.
      if (throws([&] {
            record = message.getRoot<schema::Record>();
            record.totalSize();
          })) {
        continue;
      }
      const bool oracle = throws([&] { reflective_check_struct(record); });
      const bool planned = throws([&] { check_against_schema(record); });
      EXPECT_EQ(planned, oracle) << "record kind " << static_cast<int>(record.which()) << ", round "
                                 << round;
      ++compared;
      refused += oracle;
    }
  }
  // The damage must reach the check both ways, or this compares nothing.
  EXPECT_GT(compared, 5000);
  EXPECT_GT(refused, 100);
  EXPECT_GT(compared - refused, 1000);
}

TEST(SchemaCheck, TextWhereAStructIsDeclaredIsRefused) {
  // Doorbell.packetsBlob (a struct) holding text.
  capnp::MallocMessageBuilder message;
  auto d = message.initRoot<schema::Record>().initDoorbell();
  d.initPacketsBlob();
  auto any = capnp::AnyStruct::Builder(schema::Doorbell::Builder(d)).getPointerSection();
  any[1].setAs<capnp::Text>("not a struct");
  auto record = message.getRoot<schema::Record>().asReader();
  EXPECT_TRUE(throws([&] { check_against_schema(record); }));
  EXPECT_TRUE(throws([&] { reflective_check_struct(record); }));
}

// A header whose pointer `slot` holds what `fill` puts there.
template <typename Fill>
void expect_header_refused(Fill&& fill, const char* what) {
  capnp::MallocMessageBuilder message;
  auto h = message.initRoot<schema::Record>().initHeader();
  h.initCommandLine(1).set(0, "prog");
  h.initEnvironment(1);
  fill(capnp::AnyStruct::Builder(schema::Header::Builder(h)).getPointerSection());
  auto record = message.getRoot<schema::Record>().asReader();
  EXPECT_TRUE(throws([&] { check_against_schema(record); })) << what;
  EXPECT_TRUE(throws([&] { reflective_check_struct(record); })) << what;
}

TEST(SchemaCheck, ListsOfTheWrongEncodingAreRefused) {
  auto slot_of = [](const char* name) {
    return capnp::Schema::from<schema::Header>()
        .getFieldByName(name)
        .getProto()
        .getSlot()
        .getOffset();
  };
  static const unsigned kCommandLine = slot_of("commandLine"),
                        kEnvironment = slot_of("environment");
  capnp::MallocMessageBuilder probe;
  auto h = probe.initRoot<schema::Record>().initHeader();
  h.initCommandLine(1);
  h.initEnvironment(1);
  auto slots = capnp::AnyStruct::Builder(schema::Header::Builder(h)).getPointerSection();
  ASSERT_EQ(slots[kCommandLine].getAs<capnp::List<capnp::Text>>().size(), 1u);
  ASSERT_EQ(slots[kEnvironment].getAs<capnp::List<schema::EnvVar>>().size(), 1u);
  // Bytes where a list of text is declared: read as pointers, they would be
  // out of bounds, so the element size is checked before the elements.
  expect_header_refused(
      [](auto ptrs) { ptrs[kCommandLine].template initAs<capnp::List<uint8_t>>(64); },
      "bytes for List(Text)");
  expect_header_refused([](auto ptrs) { ptrs[kEnvironment].template initAs<capnp::List<bool>>(8); },
                        "bits for List(EnvVar)");
}

}  // namespace
}  // namespace amdrr::format
