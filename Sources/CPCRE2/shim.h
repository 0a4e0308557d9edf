#ifndef BUILDTRIAGE_CPCRE2_SHIM_H
#define BUILDTRIAGE_CPCRE2_SHIM_H

/* PCRE2 with 8-bit code units (UTF-8). Its function names are macros over the `_8` symbols, which Swift does not
 * import: the Swift code calls `pcre2_compile_8` and the others directly. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/// `PCRE2_UNSET` (an expression macro): the offset of a group that did not take part in the match.
static inline PCRE2_SIZE buildtriage_pcre2_unset(void) {
    return PCRE2_UNSET;
}

#endif
