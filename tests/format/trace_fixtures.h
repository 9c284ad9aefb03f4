#pragma once
// Traces the format tests share: one record of every kind with known values,
// and a longer multi-frame trace for truncation and corruption sweeps.

#include <cstdint>
#include <string>
#include <vector>

#include "format/trace_writer.h"

namespace amdrr::testing {

/// The bytes of the blob `write_every_kind` stores (1.5 chunks: exercises chunking).
std::vector<uint8_t> big_blob_content();

/// Writes header, kmdCall, doorbell, memWrite (+ its blobs), waitResult,
/// observed, codeObject, annotation, gpuError and end. Returns the number of
/// records written, end included.
uint64_t write_every_kind(const std::string& path, const format::WriterOptions& options = {});

/// Writes `doorbells` doorbell records with distinct contents in small frames,
/// so the file has many frames. Returns the number of records, end included.
uint64_t write_many_frames(const std::string& path, uint32_t doorbells, size_t frame_bytes);

std::vector<uint8_t> read_file(const std::string& path);
void write_file(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace amdrr::testing
