/* slug.c: heading ids from heading text. */
#include "slug.h"

#include <stdint.h>

#include "utf8.h"

/* Unicode spaces (Zs) and controls: never part of an id. */
static int is_space_or_control(uint32_t cp)
{
	return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

static int is_kept(uint32_t cp)
{
	if (cp < 0x80)
		return IS_ASCII_ALNUM(cp) || cp == '_';
	return !is_space_or_control(cp) && !utf8_is_punct(cp);
}

void slug_make(const char *text, size_t len, struct buf *out)
{
	size_t start = out->len;
	uint32_t prev = 0;   /* the last kept character; 0 before the first */
	int gap = 0;         /* separators seen since prev */
	size_t i = 0;
	while (i < len) {
		size_t k;
		uint32_t cp = utf8_decode(text + i, len - i, &k);
		if (!is_kept(cp)) {
			gap = 1;
			i += k;
			continue;
		}
		if (gap && prev && !(utf8_is_cjk(prev) && utf8_is_cjk(cp)))
			buf_putc(out, '-');
		gap = 0;
		if (cp < 0x80)
			buf_putc(out, (char)ASCII_LOWER(cp));
		else
			buf_put(out, text + i, k);
		prev = cp;
		i += k;
	}
	if (out->len == start)
		buf_puts(out, "section");
}
