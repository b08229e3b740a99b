# planpress: a plain Makefile with pkg-config. `make site` and `make test` are all a newcomer needs.

PREFIX    ?= /usr/local
CC        ?= gcc
VERSION   := 0.1.0
# zlib: publish writes its objects as one compressed git pack (gitpack.c);
# libgit2 links it already, but offers no way to compress for a pack.
# libmicrohttpd: planpress serve's HTTP server (serve.c), a small embeddable
# server in Debian, rather than HTTP parsing of our own.
# libzip: import reads a Word file's parts (.docx is a ZIP archive) with a cap on what each inflates to.
# libxml-2.0: import parses those parts' XML (no network, no entities, no DTD; docx.c).
# xlsxwriter: the build writes data/tasks.xlsx (sheetout.c); Excel's format is big enough not to write ourselves.
# freexl: import reads an Excel 97-2003 progress return (.xls, an OLE file) (sheet.c).
PKGS      := md4c md4c-html libcmark lua5.4 libgit2 yaml-0.1 zlib libmicrohttpd libzip libxml-2.0 xlsxwriter freexl
# gettext: xgettext and msgfmt make the message catalogs from po/ (libintl
# itself is part of glibc).
# poppler-utils (no library): import runs its pdftotext on a PDF as a child process (pdf.h says why).
DEB_PKGS  := libmd4c-dev libmd4c-html0-dev libcmark-dev liblua5.4-dev libgit2-dev libyaml-dev zlib1g-dev \
             libmicrohttpd-dev pkg-config gettext libzip-dev libxml2-dev poppler-utils libxlsxwriter-dev libfreexl-dev
FUZZ_DEBS := clang libclang-rt-14-dev
# make bench: GNU time for wall time and peak memory, hyperfine for repeated
# runs, Hugo (Debian 12: 0.111) for the comparison.
BENCH_DEBS := time hyperfine hugo
# curl: tests/serve.sh's HTTP client (and event-stream reader) for planpress serve.
# nginx-light: tests/nginx.sh serves a published worktree under a sub-path,
# as the intranet's web server does.
TEST_DEBS := git chromium fonts-wqy-microhei curl nginx-light poppler-utils $(FUZZ_DEBS)

WARN      := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wwrite-strings \
             -Wno-unused-parameter
CSTD      := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
OPT       ?= -O2 -g
# build/gen/: headers made from files of the repository (progress_lua.h).
GEN_INC   := -Ibuild/gen
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(GEN_INC) -MMD -MP -DPP_VERSION='"$(VERSION)"' \
             -DPP_DATADIR='"$(PREFIX)/share/planpress"' -DPP_LOCALEDIR='"$(LOCALEDIR)"' $(PKG_CFLAGS) $(CFLAGS)
LIBS_ALL   = $(PKG_LIBS) -lpthread -lm $(LDLIBS)
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Message catalogs: po/LANG.po, compiled where the program finds them (i18n.h).
LOCALEDIR := $(PREFIX)/share/locale
LINGUAS   := zh_CN
MO_FILES  := $(patsubst %,build/locale/%/LC_MESSAGES/planpress.mo,$(LINGUAS))

LIB_SRCS  := $(filter-out generator/main.c,$(sort $(wildcard generator/*.c)))
UNIT_SRCS := $(sort $(wildcard tests/unit/check_*.c))
CONF_SRCS := $(sort $(wildcard tests/conformance/*.c))

# Two builds side by side: plain (B=build) and sanitized (B=build/san).
define objs
$(patsubst generator/%.c,$(1)/obj/%.o,$(LIB_SRCS))
endef

.PHONY: all deps site test test-plain test-san unit conformance bench regen install uninstall clean check-deps \
        fuzz tsan po

all: planpress

# ---- dependencies ----------------------------------------------------------
check-deps:
	@missing=""; for p in $(PKGS); do pkg-config --exists $$p || missing="$$missing $$p"; done; \
	command -v msgfmt >/dev/null || missing="$$missing msgfmt"; \
	if [ -n "$$missing" ]; then $(MAKE) --no-print-directory deps; fi

deps:
	@missing=""; for d in $(DEB_PKGS) $(DEPS_EXTRA); do \
	  dpkg-query -W -f='$${Status}' $$d 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$d"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all packages present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "deps: missing Debian packages:$$missing"; \
	  echo "deps: run as root, or: sudo apt-get install$$missing"; exit 2; fi; \
	echo "deps: installing$$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing

# ---- the program -------------------------------------------------------------
# The text of lua/progress.lua, compiled in: generator/progress.c stands in for
# the installed file only while that file is this text, byte for byte.
build/gen/progress_lua.h: lua/progress.lua
	@mkdir -p build/gen
	@{ echo '/* progress_lua.h: made from lua/progress.lua by the Makefile; do not edit. */'; \
	  echo 'static const unsigned char progress_lua_text[] = {'; \
	  od -An -v -tx1 lua/progress.lua | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0 };'; \
	  echo "#define PROGRESS_LUA_LEN $$(wc -c <lua/progress.lua | tr -d ' ')"; } >$@.tmp && mv $@.tmp $@

$(foreach d,build build/san build/fuzz build/tsan,$(d)/obj/progress.o): build/gen/progress_lua.h

# ---- messages (gettext) ---------------------------------------------------------
# `make po` extracts the messages of the sources (po/extract.sh, the same
# command tests/i18n.sh runs) into po/planpress.pot and merges them into each
# po/LANG.po, whose new entries then need a translation: tests/i18n.sh fails
# on any message without one.
build/locale/%/LC_MESSAGES/planpress.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@.tmp $< && mv $@.tmp $@

po:
	sh po/extract.sh po/planpress.pot
	for l in $(LINGUAS); do msgmerge --quiet --update --backup=none --no-fuzzy-matching \
	  --add-location=file --sort-by-file po/$$l.po po/planpress.pot && \
	  msgattrib --no-obsolete --add-location=file --sort-by-file -o po/$$l.po po/$$l.po; done

planpress: build/obj/main.o build/libplanpress.a $(MO_FILES)
	$(CC) $(CFLAGS_ALL) -o $@ $(filter %.o %.a,$^) $(LIBS_ALL)

build/libplanpress.a: $(call objs,build)
	@rm -f $@
	ar rcs $@ $^

build/obj/%.o: generator/%.c | build/obj
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

build/san/planpress: build/san/obj/main.o build/san/libplanpress.a $(MO_FILES)
	$(CC) $(CFLAGS_ALL) $(SAN) -o $@ $(filter %.o %.a,$^) $(LIBS_ALL)

build/san/libplanpress.a: $(call objs,build/san)
	@rm -f $@
	ar rcs $@ $^

build/san/obj/%.o: generator/%.c | build/san/obj
	$(CC) $(CFLAGS_ALL) $(SAN) -c -o $@ $<

build/obj build/san/obj build/tests build/san/tests build/fuzz/obj build/tsan/obj:
	@mkdir -p $@

# ---- tests -------------------------------------------------------------------
TEST_BINS     := $(patsubst tests/unit/%.c,build/tests/%,$(UNIT_SRCS)) \
                 $(patsubst tests/conformance/%.c,build/tests/%,$(CONF_SRCS))
SAN_TEST_BINS := $(patsubst build/tests/%,build/san/tests/%,$(TEST_BINS))

# The LD_PRELOAD shim tests/sync.sh watches fsync and rename with (test code only).
SHIM := build/tests/syncspy.so
$(SHIM): tests/shim/syncspy.c | build/tests
	$(CC) $(CSTD) $(WARN) -O1 -shared -fPIC -o $@ $< -ldl

build/tests/%: tests/unit/%.c build/libplanpress.a | build/tests
	$(CC) $(CFLAGS_ALL) -Igenerator -o $@ $< build/libplanpress.a $(LIBS_ALL)
build/tests/%: tests/conformance/%.c build/libplanpress.a | build/tests
	$(CC) $(CFLAGS_ALL) -Igenerator -o $@ $< build/libplanpress.a $(LIBS_ALL)
build/san/tests/%: tests/unit/%.c build/san/libplanpress.a | build/san/tests
	$(CC) $(CFLAGS_ALL) $(SAN) -Igenerator -o $@ $< build/san/libplanpress.a $(LIBS_ALL)
build/san/tests/%: tests/conformance/%.c build/san/libplanpress.a | build/san/tests
	$(CC) $(CFLAGS_ALL) $(SAN) -Igenerator -o $@ $< build/san/libplanpress.a $(LIBS_ALL)

test: check-deps
	@$(MAKE) --no-print-directory test-deps
	@$(MAKE) --no-print-directory planpress build/san/planpress $(TEST_BINS) $(SAN_TEST_BINS) \
	  $(SHIM) $(FUZZ_BINS) build/tsan/planpress
	@sh tests/run.sh

test-deps:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS)" DEPS_EXTRA="$(TEST_DEBS)" >/dev/null || \
	  $(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS)" DEPS_EXTRA="$(TEST_DEBS)"

# Quick loop while developing: the plain build only.
test-plain: planpress $(TEST_BINS) $(SHIM)
	@PP_NO_SAN=1 sh tests/run.sh

# ---- dynamic checks: libFuzzer and ThreadSanitizer --------------------------------
# Fuzz targets: tests/fuzz/fuzz_NAME.c, built by clang against the library
# compiled by clang into build/fuzz/ (gcc's builds are untouched). `make test`
# runs each for FUZZ_SECONDS on tests/fuzz/corpus/NAME (tests/fuzz.sh);
# `make fuzz FUZZ_SECONDS=600 [FUZZ_ONLY="markdown toml"]` runs longer, keeping
# what it finds in build/fuzz/scratch/ and crashes in build/fuzz/crashes/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 8
FUZZ_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_CFLAGS   = $(CSTD) $(WARN) $(GEN_INC) -O1 -g -MMD -MP -DPP_VERSION='"$(VERSION)"' \
                -DPP_DATADIR='"$(PREFIX)/share/planpress"' -DPP_LOCALEDIR='"$(LOCALEDIR)"' $(PKG_CFLAGS) \
                $(FUZZ_SAN)
# FUZZ_KNOWN_BUGS=1 (with make -B): also check what tests/fuzz/known/ lists.
FUZZ_DEFS     = $(if $(FUZZ_KNOWN_BUGS),-DFUZZ_KNOWN_BUGS)
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))

build/fuzz/obj/%.o: generator/%.c | build/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/libplanpress.a: $(call objs,build/fuzz)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h build/fuzz/libplanpress.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Igenerator -DPP_SRCDIR='"$(CURDIR)"' $(FUZZ_DEFS) \
	  -o $@ $< build/fuzz/libplanpress.a $(LIBS_ALL)

fuzz: check-deps
	@$(MAKE) --no-print-directory deps DEPS_EXTRA="$(FUZZ_DEBS)" >/dev/null || \
	  $(MAKE) --no-print-directory deps DEPS_EXTRA="$(FUZZ_DEBS)"
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_ONLY="$(FUZZ_ONLY)" FUZZ_KEEP=1 sh tests/fuzz.sh

# ThreadSanitizer (gcc): the golden and determinism tests with --jobs 2 and 8.
TSAN := -fsanitize=thread -fno-omit-frame-pointer

build/tsan/planpress: build/tsan/obj/main.o $(call objs,build/tsan) $(MO_FILES)
	$(CC) $(CFLAGS_ALL) $(TSAN) -o $@ $(filter %.o,$^) $(LIBS_ALL)

build/tsan/obj/%.o: generator/%.c | build/tsan/obj
	$(CC) $(CSTD) $(WARN) $(GEN_INC) -O1 -g -MMD -MP -DPP_VERSION='"$(VERSION)"' \
	  -DPP_DATADIR='"$(PREFIX)/share/planpress"' -DPP_LOCALEDIR='"$(LOCALEDIR)"' $(PKG_CFLAGS) $(CFLAGS) \
	  $(TSAN) -c -o $@ $<

tsan: check-deps
	@$(MAKE) --no-print-directory build/tsan/planpress
	@sh tests/tsan.sh

# Shows each golden-output difference, then replaces expected/ with what the build makes now.
regen: planpress
	@sh tests/golden.sh --regen ./planpress
	@PP_REGEN=1 sh tests/review.sh ./planpress

# ---- the example site and benchmarks -------------------------------------------
site: check-deps
	@$(MAKE) --no-print-directory planpress
	./planpress publish -m "示例站点发布"
	@echo "site: built public/ from content/ (open public/index.html) and published it to build/published.git"
	@echo "site: ./planpress log lists the publications"

bench: check-deps
	@$(MAKE) --no-print-directory deps DEPS_EXTRA="$(BENCH_DEBS)" >/dev/null || \
	  $(MAKE) --no-print-directory deps DEPS_EXTRA="$(BENCH_DEBS)"
	@$(MAKE) --no-print-directory planpress
	@sh tests/bench/run.sh ./planpress

# ---- install -----------------------------------------------------------------
install: planpress
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/planpress \
	           $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	           $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 planpress $(DESTDIR)$(PREFIX)/bin/planpress
	@if [ -d themes ]; then cp -R themes $(DESTDIR)$(PREFIX)/share/planpress/; fi
	@if [ -d lua ]; then cp -R lua $(DESTDIR)$(PREFIX)/share/planpress/; fi
	for m in generator/*.1; do [ -f "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done; true
	for m in generator/*.5; do [ -f "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man5/; done; true
	for m in generator/*.7; do [ -f "$$m" ] && install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man7/; done; true
	for l in $(LINGUAS); do \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	  install -m 644 build/locale/$$l/LC_MESSAGES/planpress.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/planpress
	rm -rf $(DESTDIR)$(PREFIX)/share/planpress
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/planpress.mo; done
	cd $(DESTDIR)$(PREFIX)/share/man && rm -f man1/planpress.1 man5/planpress.5 man7/planpress-*.7

clean:
	rm -rf build planpress public

-include $(wildcard build/obj/*.d build/san/obj/*.d build/tests/*.d build/san/tests/*.d \
                    build/fuzz/obj/*.d build/fuzz/*.d build/tsan/obj/*.d)
