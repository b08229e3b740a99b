/* utf8.h: UTF-8 checked once at the boundary, and character helpers that
 * never cut a string inside a sequence. ASCII classes are macros, never <ctype.h>. */
#ifndef PP_UTF8_H
#define PP_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define IS_ASCII_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_ASCII_ALPHA(c) (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define IS_ASCII_ALNUM(c) (IS_ASCII_DIGIT(c) || IS_ASCII_ALPHA(c))
#define IS_ASCII_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r' || (c) == '\f' || (c) == '\v')
#define IS_ASCII_PUNCT(c) (((c) >= 33 && (c) <= 47) || ((c) >= 58 && (c) <= 64) || ((c) >= 91 && (c) <= 96) || ((c) >= 123 && (c) <= 126))
#define ASCII_LOWER(c) (((c) >= 'A' && (c) <= 'Z') ? (c) + 32 : (c))

/* Returns the offset of the first byte that is not valid UTF-8 (overlongs,
 * surrogates and code points past U+10FFFF are invalid), or len when all is valid. */
size_t utf8_invalid_at(const char *s, size_t len);
/* Decodes one character at s (which must be valid); stores its length in *n. */
uint32_t utf8_decode(const char *s, size_t len, size_t *n);
/* Decodes the character that ends at s + end. */
uint32_t utf8_decode_last(const char *s, size_t end, size_t *n);
/* Writes cp as UTF-8 into out (4 bytes room); returns the length. */
size_t utf8_encode(uint32_t cp, char *out);
/* Number of characters in s. */
size_t utf8_count(const char *s, size_t len);
/* The largest byte length <= max that ends on a character boundary. */
size_t utf8_floor(const char *s, size_t len, size_t max);
/* Terminal columns a character takes (2 for East Asian wide). */
int utf8_width(uint32_t cp);
/* Han, kana, hangul, CJK and full-width punctuation: the characters between
 * which a line break means no space. */
int utf8_is_cjk(uint32_t cp);
/* Unicode punctuation as CommonMark defines it (ASCII punct and P* categories),
 * for the characters met in Chinese text. */
int utf8_is_punct(uint32_t cp);
/* 1 if s (not UTF-8) decodes cleanly as GB18030 (and is not plain ASCII). */
int utf8_looks_gb18030(const char *s, size_t len);
/* Length of a UTF-8 byte order mark at s (0 or 3). */
size_t utf8_bom(const char *s, size_t len);

#endif
