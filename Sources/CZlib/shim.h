#ifndef BUILDTRIAGE_CZLIB_SHIM_H
#define BUILDTRIAGE_CZLIB_SHIM_H

#include <zlib.h>

/// `inflateInit2` is a macro (it passes the library version and the stream's size): a function Swift can call.
/// `windowBits` 15 + 32: a zlib or gzip header, detected.
static inline int buildtriage_inflateInit(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

#endif
