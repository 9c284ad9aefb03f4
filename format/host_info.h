#pragma once
// Fills the parts of a trace header that describe this host and process:
// host name, kernel release, command line, and the environment variables
// that change GPU behaviour (never the whole environment: traces are shared).

#include "format/trace.capnp.h"

namespace amdrr::format {

void fill_host_info(schema::Header::Builder header);

/// True for variables worth recording: AMDRR_*, HSA_*, HIP_*, ROC*, AMD_*, GPU_*.
bool is_recorded_env_var(const char* name_eq_value);

}  // namespace amdrr::format
