#ifndef BUILDTRIAGE_CLIBXML2_SHIM_H
#define BUILDTRIAGE_CLIBXML2_SHIM_H

/* Ubuntu's libxml2 is built with ICU, so <libxml/encoding.h> includes the system <unicode/ucnv.h>. Its
 * `UErrorCode` clashes with Foundation's own ICU copy (_FoundationICU) in any Swift module that imports both
 * ("'UErrorCode' has different definitions in different modules"). Nothing here uses the ICU members of
 * xmlCharEncodingHandler (the only thing the macro guards besides that include), so hide them. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

/// `xmlFree` is a global function pointer; Swift 6 strict concurrency rejects reading it directly.
static inline void buildtriage_xmlFree(void *pointer) {
    xmlFree(pointer);
}

/// Swallows a message of libxml2's generic error channel (which prints to stderr by default). Swift cannot
/// define a C variadic function, so it lives here.
static void buildtriage_ignoreGenericError(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/// Stops libxml2 printing to stderr from the calling thread: some errors (an encoding conversion failure, an I/O
/// error in the input layer) have no parser context and go to the per-thread generic channel, not to a reader's
/// structured handler.
static inline void buildtriage_silenceGenericErrors(void) {
    xmlSetGenericErrorFunc(NULL, buildtriage_ignoreGenericError);
}

#endif
