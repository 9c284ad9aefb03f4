#include "capture/gpu_info.h"

#include "lib/kmd/gpu_info_fill.h"

namespace amdrr::capture {

void fill_machine_info(kmd::Kmd& kmd, schema::Header::Builder header, bool query_render_nodes) {
  if (auto version = kmd.get_version(); version.ok()) {
    header.setKfdVersionMajor(version->major_version);
    header.setKfdVersionMinor(version->minor_version);
  }
  // The emulated GPU's render minors could name a real GPU's node on a
  // machine that has one: only a real backend asks libdrm.
  kmd::fill_gpu_infos(header, kmd.topology(),
                      query_render_nodes ? kmd::DrmQuery::kRenderNodes : kmd::DrmQuery::kNone);
}

}  // namespace amdrr::capture
