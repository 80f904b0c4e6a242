#ifndef SHIKONG_CPROJ_SHIM_H
#define SHIKONG_CPROJ_SHIM_H
#include <proj.h>
#include <geodesic.h>
#endif
