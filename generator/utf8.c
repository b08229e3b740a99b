/* utf8.c: UTF-8 validation, decoding and character classes. */
#include "utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

size_t utf8_invalid_at(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			/* ASCII eight bytes at a time (indentation, keys, markup). */
			uint64_t w;
			while (i + 8 <= len && (memcpy(&w, s + i, 8), (w & UINT64_C(0x8080808080808080)) == 0))
				i += 8;
			continue;
		}
		size_t n;
		uint32_t cp, min;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 2; cp = c & 0x1F; min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 3; cp = c & 0x0F; min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4; cp = c & 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (i + n > len)
			return i;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n;
	}
	return len;
}

uint32_t utf8_decode(const char *str, size_t len, size_t *n)
{
	const unsigned char *s = (const unsigned char *)str;
	if (len == 0) {
		*n = 0;
		return 0;
	}
	unsigned c = s[0];
	size_t k;
	uint32_t cp;
	if (c < 0x80) {
		*n = 1;
		return c;
	} else if (c < 0xE0) {
		k = 2; cp = c & 0x1F;
	} else if (c < 0xF0) {
		k = 3; cp = c & 0x0F;
	} else {
		k = 4; cp = c & 0x07;
	}
	if (k > len) {
		*n = 1;
		return 0xFFFD;
	}
	for (size_t i = 1; i < k; i++)
		cp = (cp << 6) | (s[i] & 0x3F);
	*n = k;
	return cp;
}

uint32_t utf8_decode_last(const char *s, size_t end, size_t *n)
{
	size_t start = end;
	while (start > 0 && end - start < 4) {
		start--;
		if (((unsigned char)s[start] & 0xC0) != 0x80)
			break;
	}
	return utf8_decode(s + start, end - start, n);
}

size_t utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_count(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

size_t utf8_floor(const char *s, size_t len, size_t max)
{
	if (max >= len)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

int utf8_is_cjk(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) ||   /* Hangul Jamo */
	       (cp >= 0x2E80 && cp <= 0x303F) ||   /* radicals, CJK symbols and punctuation */
	       (cp >= 0x3040 && cp <= 0x30FF) ||   /* kana */
	       (cp >= 0x3100 && cp <= 0x31FF) ||   /* bopomofo, kanbun, strokes */
	       (cp >= 0x3200 && cp <= 0x4DBF) ||   /* enclosed, compatibility, ext. A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* unified ideographs */
	       (cp >= 0xAC00 && cp <= 0xD7A3) ||   /* Hangul syllables */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility ideographs */
	       (cp >= 0xFE30 && cp <= 0xFE4F) ||   /* compatibility forms */
	       (cp >= 0xFF00 && cp <= 0xFF60) ||   /* full-width forms */
	       (cp >= 0xFFE0 && cp <= 0xFFE6) ||
	       (cp >= 0x20000 && cp <= 0x3FFFD);   /* ext. B and beyond */
}

int utf8_width(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' ? 1 : 0;
	return utf8_is_cjk(cp) ? 2 : 1;
}

int utf8_is_punct(uint32_t cp)
{
	if (cp < 0x80)
		return IS_ASCII_PUNCT(cp);
	return (cp >= 0x2010 && cp <= 0x2027) ||   /* dashes, quotes, bullets, ellipsis */
	       (cp >= 0x2030 && cp <= 0x205E) ||
	       (cp >= 0x3001 && cp <= 0x3003) ||   /* 、。〃 */
	       (cp >= 0x3008 && cp <= 0x3011) ||   /* 〈〉《》「」『』【】 */
	       (cp >= 0x3014 && cp <= 0x301F) ||   /* 〔〕〖〗〘〙〚〛〜〝〞〟 */
	       cp == 0x3030 || cp == 0x303D || cp == 0x30FB ||
	       (cp >= 0xFE10 && cp <= 0xFE19) || (cp >= 0xFE30 && cp <= 0xFE52) ||
	       (cp >= 0xFE54 && cp <= 0xFE61) || cp == 0xFE63 || cp == 0xFE68 ||
	       cp == 0xFE6A || cp == 0xFE6B ||
	       (cp >= 0xFF01 && cp <= 0xFF03) || (cp >= 0xFF05 && cp <= 0xFF0A) ||
	       (cp >= 0xFF0C && cp <= 0xFF0F) || cp == 0xFF1A || cp == 0xFF1B ||
	       cp == 0xFF1F || cp == 0xFF20 || (cp >= 0xFF3B && cp <= 0xFF3D) ||
	       cp == 0xFF3F || cp == 0xFF5B || cp == 0xFF5D ||
	       (cp >= 0xFF5F && cp <= 0xFF65) ||
	       cp == 0x00A1 || cp == 0x00A7 || cp == 0x00AB || cp == 0x00B6 ||
	       cp == 0x00B7 || cp == 0x00BB || cp == 0x00BF;
}

int utf8_looks_gb18030(const char *s, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return 0;
	int ok = 1, nonascii = 0;
	char out[1024];
	char *in = (char *)s;
	size_t inleft = len;
	for (size_t i = 0; i < len && !nonascii; i++)
		nonascii = (unsigned char)s[i] >= 0x80;
	while (inleft > 0) {
		char *o = out;
		size_t oleft = sizeof out;
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
			if (errno == E2BIG)
				continue;
			ok = 0;
			break;
		}
	}
	iconv_close(cd);
	return ok && nonascii;
}

size_t utf8_bom(const char *s, size_t len)
{
	return len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}
