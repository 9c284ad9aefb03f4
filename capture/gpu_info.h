#pragma once
// The machine part of a trace header: every GPU node of the topology as a
// GpuInfo (gfx target, ids, memory, engines, firmware) and the KFD version.

#include "format/trace.capnp.h"
#include "lib/kmd/kmd.h"

namespace amdrr::capture {

/// Fills header.gpus from kmd.topology() (plus libdrm's device info when
/// `query_render_nodes`, for a real backend) and the KFD version from
/// kmd.get_version() (called on the backend directly: not a traced call).
void fill_machine_info(kmd::Kmd& kmd, schema::Header::Builder header, bool query_render_nodes);

}  // namespace amdrr::capture
