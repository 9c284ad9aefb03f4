// <linux/kfd_ioctl.h> includes <drm/drm.h>; Debian's libdrm-dev installs that
// header as <libdrm/drm.h> and linux-libc-dev has no drm/ directory. This
// shim is on the include path of amdrr_kmd (and its users) only.
#pragma once
#include <libdrm/drm.h>
