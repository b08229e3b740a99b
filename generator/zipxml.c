/* zipxml.c: an Office archive's parts read with caps and parsed safely (see zipxml.h). */
#include "zipxml.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "xalloc.h"

/* Why libzip failed, in words (its own messages come from calls the house
 * rules keep to diag.c). */
const char *zipxml_why(int code)
{
	switch (code) {
	case ZIP_ER_NOZIP: return "not a ZIP archive";
	case ZIP_ER_INCONS: return "the archive is inconsistent (damaged or cut short)";
	case ZIP_ER_CRC: return "a checksum does not match (damaged)";
	case ZIP_ER_ZLIB: return "damaged compressed data";
	case ZIP_ER_COMPNOTSUPP: return "a compression method libzip does not support";
	case ZIP_ER_ENCRNOTSUPP: case ZIP_ER_NOPASSWD: case ZIP_ER_WRONGPASSWD:
		return "encrypted: save it without a password";
	case ZIP_ER_OPEN: return "cannot open the file";
	case ZIP_ER_READ: case ZIP_ER_SEEK: return "read error";
	case ZIP_ER_MEMORY: return "out of memory";
	case ZIP_ER_EOF: return "the archive ends early";
	default: return "libzip error";
	}
}

/* Reads part name of z into b, at most max bytes inflated. Returns
 * 1, 0 when the archive has no such part, or -1 after an error in d. */
int zipxml_read_part(zip_t *z, const char *path, const char *name, size_t max, struct buf *b,
                     struct diags *d)
{
	zip_int64_t idx = zip_name_locate(z, name, 0);
	if (idx < 0)
		return 0;
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(z, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
	    st.size > max) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "%s inflates to more than %u bytes: refused (a damaged file or a zip bomb)", name,
		         (unsigned)max);
		return -1;
	}
	zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!f) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "%s cannot be read: %s", name,
		         zipxml_why(zip_error_code_zip(zip_get_error(z))));
		return -1;
	}
	int rc = 1;
	char tmp[1 << 16];
	for (;;) {
		zip_int64_t k = zip_fread(f, tmp, sizeof tmp);
		if (k < 0) {
			diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "%s cannot be read: %s", name,
			         zipxml_why(zip_error_code_zip(zip_file_get_error(f))));
			rc = -1;
			break;
		}
		if (k == 0)
			break;
		/* The size the archive states may lie: count what is inflated. */
		if (b->len + (size_t)k > max) {
			diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
			         "%s inflates to more than %u bytes: refused (a damaged file or a zip bomb)",
			         name, (unsigned)max);
			rc = -1;
			break;
		}
		buf_put(b, tmp, (size_t)k);
	}
	zip_fclose(f);
	return rc;
}

/* Parses one part. Returns the tree (xmlFreeDoc), or NULL after an error in d. */
xmlDoc *zipxml_parse(const char *path, const char *part, const char *s, size_t n, size_t max,
                     struct diags *d)
{
	if (buf_find(s, n, "<!DOCTYPE", 9, 0) != (size_t)-1 || buf_find(s, n, "<!ENTITY", 8, 0) != (size_t)-1) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "%s holds a DTD (<!DOCTYPE or <!ENTITY): refused, no Office document has one", part);
		return NULL;
	}
	if (n > max || n > 0x7fffffffu) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "%s is larger than %u bytes: refused", part,
		         (unsigned)max);
		return NULL;
	}
	xmlParserCtxt *ctx = xmlNewParserCtxt();
	if (!ctx)
		xalloc_oom(n);
	/* No NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR, no HUGE, no network. */
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
	xmlDoc *doc = xmlCtxtReadMemory(ctx, s, (int)n, part, NULL, opts);
	if (doc && doc->intSubset) {
		/* The same, in an encoding the byte scan above cannot read (UTF-16). */
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "%s holds a DTD (<!DOCTYPE or <!ENTITY): refused, no Office document has one", part);
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctx);
		return NULL;
	}
	if (!doc || !xmlDocGetRootElement(doc)) {
		const xmlError *e = xmlCtxtGetLastError(ctx);
		char msg[200] = "not well-formed";
		if (e && e->message) {
			snprintf(msg, sizeof msg, "%s", e->message);
			size_t k = strlen(msg);
			while (k > 0 && (msg[k - 1] == '\n' || msg[k - 1] == ' '))
				msg[--k] = 0;
		}
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "%s: bad XML (line %d): %s", part,
		         e ? e->line : 0, msg);
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctx);
	return doc;
}
