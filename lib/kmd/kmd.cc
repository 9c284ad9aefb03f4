// The Kmd seam is an interface; this file anchors its library target.
#include "lib/kmd/kmd.h"
