/* i18n.c: choosing the language of messages and finding the catalog. */
#include "i18n.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef PP_LOCALEDIR
#define PP_LOCALEDIR "/usr/local/share/locale"
#endif

/* The catalog every build makes; where it is, the others are too. */
#define I18N_PROBE "zh_CN/LC_MESSAGES/" I18N_DOMAIN ".mo"
/* Longer paths than this are not looked in (PATH_MAX-sized exe_dir aside). */
#define I18N_PATH_MAX 4096

static char language[512];

const char *i18n_text(const char *msgid)
{
	/* dgettext("") is the catalog's header, not an empty message. */
	return *msgid ? dgettext(I18N_DOMAIN, msgid) : msgid;
}

const char *i18n_plural(const char *one, const char *many, unsigned long n)
{
	return dngettext(I18N_DOMAIN, one, many, n);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static int is_c(const char *loc)
{
	return strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0;
}

/* The first folder of the search order that holds the catalogs. */
static const char *locale_dir(const char *exe_dir, char *path, size_t size)
{
	static const char *const beside[] = { "build/locale", "../locale", "../share/locale" };
	struct stat st;
	for (size_t i = 0; exe_dir && i < sizeof beside / sizeof beside[0]; i++) {
		int n = snprintf(path, size, "%s/%s/%s", exe_dir, beside[i], I18N_PROBE);
		if (n > 0 && (size_t)n < size && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			path[n - strlen(I18N_PROBE) - 1] = '\0';
			return path;
		}
	}
	return PP_LOCALEDIR;
}

void i18n_init(const char *exe_dir)
{
	/* POSIX: LC_ALL, then LC_MESSAGES, then LANG names the locale. */
	const char *want = env("LC_ALL");
	if (!want)
		want = env("LC_MESSAGES");
	if (!want)
		want = env("LANG");
	setlocale(LC_CTYPE, "C.UTF-8");
	if (!setlocale(LC_MESSAGES, "") && want && !is_c(want)) {
		/* The locale is not installed (Debian makes only C.UTF-8 unless
		 * asked). glibc reads LANGUAGE whenever LC_MESSAGES is not exactly
		 * "C", so C.UTF-8 and LANGUAGE (from the wanted locale, unless the
		 * user set it) still choose the catalog. */
		setlocale(LC_MESSAGES, "C.UTF-8");
		if (!env("LANGUAGE"))
			setenv("LANGUAGE", want, 1);
	}
	char path[I18N_PATH_MAX];
	bindtextdomain(I18N_DOMAIN, locale_dir(exe_dir, path, sizeof path));
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
	const char *lm = setlocale(LC_MESSAGES, NULL);
	snprintf(language, sizeof language, "LANGUAGE=%s;LC_MESSAGES=%s", env("LANGUAGE") ? env("LANGUAGE") : "",
	         lm ? lm : "");
}

const char *i18n_language(void)
{
	return language;
}
