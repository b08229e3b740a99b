/* zipxml.h: the parts of an Office archive (.docx, .xlsx) read through libzip
 * with a cap on what each inflates to, and parsed by libxml2 with no DTD,
 * no entities and no network: the readers docx.c and sheet.c share. */
#ifndef PP_ZIPXML_H
#define PP_ZIPXML_H

#include <stddef.h>

#include <libxml/tree.h>
#include <zip.h>

#include "buf.h"
#include "diag.h"

/* Why libzip failed (a ZIP_ER_* code), in words. */
const char *zipxml_why(int code);

/* Reads part name of z into b, at most max bytes inflated (counted as they
 * are inflated: the size the archive states may lie). path names the
 * archive in messages. Returns 1, 0 when the archive has no such part, or -1
 * after an error in d. */
int zipxml_read_part(zip_t *z, const char *path, const char *name, size_t max, struct buf *b,
                     struct diags *d);

/* Parses one part's XML (s, n bytes; at most max). A part holding a DTD
 * (<!DOCTYPE or <!ENTITY, in any encoding) is refused: no Office part has
 * one, and entities are how XML bombs and external entities arrive.
 * Returns the tree (xmlFreeDoc), or NULL after an error about path in d. */
xmlDoc *zipxml_parse(const char *path, const char *part, const char *s, size_t n, size_t max,
                     struct diags *d);

#endif
