#ifndef SHIKONG_CGEOS_SHIM_H
#define SHIKONG_CGEOS_SHIM_H
// Only the re-entrant (context handle) API: every caller owns its context.
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#endif
