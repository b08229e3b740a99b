/* lang.h: what depends on the site's language: dates in words. Chinese first. */
#ifndef PP_LANG_H
#define PP_LANG_H

#include "buf.h"
#include "value.h"

enum lang { LANG_ZH, LANG_EN };

/* "zh-CN" (and any "zh…") → LANG_ZH, "en…" → LANG_EN. */
enum lang lang_from_code(const char *code);
/* 2019年6月30日 (zh) or 30 June 2019 (en); a date-time adds the time. */
void lang_date(enum lang l, const struct datetime *dt, struct buf *out);
/* 2019年6月 (zh) or June 2019 (en). */
void lang_month(enum lang l, int year, int month, struct buf *out);

#endif
