#pragma once
// The packet dwords behind a doorbell, whether inline or in a blob.

#include <cstdint>
#include <string>
#include <vector>

#include "format/trace_reader.h"

namespace amdrr::inspect {

/// Fills `dwords`; false with a message when the blob is missing or damaged.
bool doorbell_dwords(format::TraceReader& reader, schema::Doorbell::Reader doorbell,
                     std::vector<uint32_t>* dwords, std::string* error);

format::BlobId blob_id(schema::BlobRef::Reader ref);

}  // namespace amdrr::inspect
