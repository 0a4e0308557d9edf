#ifndef BUILDTRIAGE_CLIBXML2_SHIM_H
#define BUILDTRIAGE_CLIBXML2_SHIM_H

#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

/// `xmlFree` is a global function pointer; Swift 6 strict concurrency rejects reading it directly.
static inline void buildtriage_xmlFree(void *pointer) {
    xmlFree(pointer);
}

#endif
