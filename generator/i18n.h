/* i18n.h: messages in the user's language, through gettext (glibc's libintl).
 * Source strings are English; po/zh_CN.po translates every one of them, and
 * tests/i18n.sh fails when one is missing. */
#ifndef PP_I18N_H
#define PP_I18N_H

/* The text domain: build/locale/LANG/LC_MESSAGES/planpress.mo. */
#define I18N_DOMAIN "planpress"

/* msgid in the user's language (msgid itself when there is no translation).
 * The result is static; format_arg keeps gcc checking printf arguments. */
const char *i18n_text(const char *msgid) __attribute__((format_arg(1)));
/* one or many, as fits n, in the user's language (Chinese has one form). */
const char *i18n_plural(const char *one, const char *many, unsigned long n)
	__attribute__((format_arg(1))) __attribute__((format_arg(2)));

/* _("...") marks and translates a message; N_("...") only marks it, for a
 * table translated where it is printed. xgettext finds both (Makefile POT_FLAGS). */
#define _(s) i18n_text(s)
#define N_(s) (s)

/* Chooses the message language once, before any thread starts: from
 * LANGUAGE, LC_ALL, LC_MESSAGES and LANG, as GNU programs do, even when that
 * locale is not installed on the machine. Only LC_MESSAGES follows the
 * environment; LC_CTYPE is C.UTF-8 (output is UTF-8) and everything else
 * stays "C", so numbers print and parse the same in every language. The
 * catalog is looked for beside the program (exe_dir, may be NULL) first,
 * as datadir.h orders: exe_dir/build/locale (the program at the top of a
 * source tree), exe_dir/../locale (build/san/planpress),
 * exe_dir/../share/locale, then the installed PP_LOCALEDIR. */
void i18n_init(const char *exe_dir);

/* What decides the language of messages ("LANGUAGE=...;LC_MESSAGES=..."),
 * for caches that keep messages (a build stamp replays its warnings). */
const char *i18n_language(void);

#endif
