#include "inspect/doorbell_packets.h"

#include <cstring>

namespace amdrr::inspect {

format::BlobId blob_id(schema::BlobRef::Reader ref) {
  format::BlobId id;
  id.hash = {ref.getHash().getLo(), ref.getHash().getHi()};
  id.size = ref.getSize();
  return id;
}

bool doorbell_dwords(format::TraceReader& reader, schema::Doorbell::Reader doorbell,
                     std::vector<uint32_t>* dwords, std::string* error) {
  dwords->clear();
  if (doorbell.hasPacketsBlob() && doorbell.getPacketsBlob().getSize() > 0) {
    std::vector<uint8_t> bytes;
    if (!reader.read_blob(blob_id(doorbell.getPacketsBlob()), &bytes, error)) return false;
    dwords->resize(bytes.size() / 4);
    if (!dwords->empty()) std::memcpy(dwords->data(), bytes.data(), dwords->size() * 4);
    return true;
  }
  for (uint32_t dw : doorbell.getPackets()) dwords->push_back(dw);
  return true;
}

}  // namespace amdrr::inspect
