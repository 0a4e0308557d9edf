#ifndef BUILDTRIAGE_CVECTORSCAN_SHIM_H
#define BUILDTRIAGE_CVECTORSCAN_SHIM_H

/* Vectorscan (the portable Hyperscan fork), Debian's libvectorscan-dev: headers in /usr/include/hs. */
#include <hs/hs.h>

#endif
