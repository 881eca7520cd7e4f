#ifndef PORTCULLIS_CXML2_SHIM_H
#define PORTCULLIS_CXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, whose headers clash with the ICU copy inside Swift's
   Foundation; Portcullis uses none of libxml2's ICU converters. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#endif
