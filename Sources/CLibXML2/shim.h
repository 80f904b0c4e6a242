#ifndef SHIKONG_CLIBXML2_SHIM_H
#define SHIKONG_CLIBXML2_SHIM_H
/* Debian's libxml2 is built with ICU, whose headers clash with the copy Foundation bundles; nothing
   here uses libxml2's ICU converters (they only appear at the end of a struct used by pointer). */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/parser.h>
#include <libxml/globals.h>

/* libxml2's generic error handler is variadic, which Swift cannot define: these helpers install
   handlers that drop the messages (errors are read from the XPath context's last error instead). */
static void shikong_xml_drop_generic(void *context, const char *message, ...) { (void)context; (void)message; }
static void shikong_xml_drop_structured(void *context, xmlErrorPtr error) { (void)context; (void)error; }

/* Defaults for threads that first touch libxml2 from now on. */
static inline void shikong_xml_silence_defaults(void) {
    xmlThrDefSetGenericErrorFunc(NULL, shikong_xml_drop_generic);
    xmlThrDefSetStructuredErrorFunc(NULL, shikong_xml_drop_structured);
}

/* The calling thread's handlers. */
static inline void shikong_xml_silence_thread(void) {
    xmlSetGenericErrorFunc(NULL, shikong_xml_drop_generic);
    xmlSetStructuredErrorFunc(NULL, shikong_xml_drop_structured);
}

/* The structured handler for an XPath context, so compile errors land in its lastError. */
static inline void shikong_xpath_context_silence(xmlXPathContextPtr context) {
    context->error = shikong_xml_drop_structured;
}

/* xmlFree is a global function pointer, which Swift 6 treats as shared mutable state. */
static inline void shikong_xml_free(void *pointer) { xmlFree(pointer); }
#endif
