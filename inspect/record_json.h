#pragma once
// A record as one line of JSON with the schema's field names (capnp's JSON
// codec), Data fields (blob bytes) as base64 strings: the codec's default of
// one number per byte made `dump --json` of an 8 MiB trace take 10 s.

#include <capnp/compat/json.h>

#include <memory>
#include <string>

#include "format/trace.capnp.h"

namespace amdrr::inspect {

class RecordJson {
 public:
  RecordJson();
  ~RecordJson();
  std::string encode(schema::Record::Reader record) const;
  /// Parses a line back into `record`; throws kj::Exception on bad JSON.
  void decode(const std::string& line, schema::Record::Builder record) const;

 private:
  class Base64;
  std::unique_ptr<Base64> base64_;
  capnp::JsonCodec codec_;
};

std::string base64_encode(capnp::Data::Reader bytes);

}  // namespace amdrr::inspect
