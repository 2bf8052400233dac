# Haoban (好办) — the one entry point for building, running and testing.
#
#   make deps     install every Debian package build, run and tests need (idempotent)
#   make          build libraries, binaries, tests, resources and translations
#   make run      start the kiosk with virtual devices and a local platform-sim
#   make check    run every test; the last line reads "N passed, N failed"
#   make bench    start-up and idle benchmarks against Chromium
#   make fuzz     build the libFuzzer targets with clang and run each FUZZ_RUNS times
#   make clean
#
# SANITIZE=1 builds with ASan+UBSan into build/asan.  BUILD=dir puts the build elsewhere.

SANITIZE ?=
ifeq ($(SANITIZE),1)
BUILD ?= build/asan
else
BUILD ?= build
endif

CC ?= gcc
ifeq ($(origin CC),default)
CC = gcc
endif
Q ?= @

# --- packages ---------------------------------------------------------------------------
# Debian packages by purpose; `make deps` installs the union.
DEPS_BUILD = build-essential pkg-config gettext libglib2.0-dev libglib2.0-bin libgtk-4-dev \
             libjson-glib-dev libsqlite3-dev libcurl4-openssl-dev libssl-dev libsoup-3.0-dev \
             libqrencode-dev libcairo2-dev libpango1.0-dev libusb-1.0-0-dev libumockdev-dev \
             libzbar-dev libcups2-dev libharfbuzz-dev libfreetype-dev \
             libespeak-ng-dev libgooglepinyin0-dev libxml2-utils
DEPS_RUN   = fonts-noto-cjk librsvg2-common ca-certificates espeak-ng-data
DEPS_TEST  = xvfb xauth dbus at-spi2-core poppler-utils curl python3 procps umockdev valgrind \
             cups-daemon cups-client cups-ipp-utils cups-filters openssl glib-networking debootstrap
DEPS_FUZZ  = clang libclang-rt-14-dev
DEPS_BENCH = chromium time libzxing-dev
# make deb (debhelper compat 13, lintian) and the kiosk session the package runs (cage).
DEPS_PKG   = debhelper dpkg-dev fakeroot lintian cage
DEPS       = $(DEPS_BUILD) $(DEPS_RUN) $(DEPS_TEST) $(DEPS_FUZZ) $(DEPS_BENCH) $(DEPS_PKG)

PKGS_BASE  = glib-2.0 gobject-2.0 gio-2.0 gio-unix-2.0 json-glib-1.0
PKGS_DRV   = $(PKGS_BASE) libusb-1.0 zbar
PKGS_CACHE = $(PKGS_BASE) sqlite3 libcurl libcrypto
PKGS_KIOSK = $(PKGS_DRV) $(PKGS_CACHE) cairo cairo-ft pangocairo harfbuzz-subset freetype2 libqrencode \
             espeak-ng googlepinyin
PKGS_UI    = $(PKGS_KIOSK) gtk4
PKGS_SIM   = $(PKGS_BASE) libsoup-3.0 libcrypto

# Evaluated once per make run (the recursive make after `deps` sees fresh packages).
pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)
CF_DRV   := $(call pc_cflags,$(PKGS_DRV))
CF_CACHE := $(call pc_cflags,$(PKGS_CACHE))
CF_KIOSK := $(call pc_cflags,$(PKGS_KIOSK))
CF_UI    := $(call pc_cflags,$(PKGS_UI))
CF_SIM   := $(call pc_cflags,$(PKGS_SIM))
CF_BASE  := $(call pc_cflags,$(PKGS_BASE))
LD_BASE  := $(call pc_libs,$(PKGS_BASE))
# libcups has no .pc file; its headers are in the default include path.
LD_CUPS  := $(shell cups-config --libs 2>/dev/null || echo -lcups)
LD_DRV   := $(call pc_libs,$(PKGS_DRV)) $(LD_CUPS) -lm
LD_CACHE := $(call pc_libs,$(PKGS_CACHE)) -lm
LD_KIOSK := $(call pc_libs,$(PKGS_KIOSK)) $(LD_CUPS) -lm
LD_UI    := $(call pc_libs,$(PKGS_UI)) $(LD_CUPS) -lm
LD_SIM   := $(call pc_libs,$(PKGS_SIM))
LD_TESTUTIL := $(call pc_libs,$(PKGS_BASE) libcurl)
CF_UMOCKDEV := $(call pc_cflags,umockdev-1.0)
LD_SUPPORT  := $(call pc_libs,umockdev-1.0 libusb-1.0 libqrencode)
# zxing-cpp: the peer decoder of the camera benchmark only (a C++ shim in tests/bench/).
CF_ZXING    := $(call pc_cflags,zxing)
LD_ZXING    := $(call pc_libs,zxing) -lstdc++

# --- flags ------------------------------------------------------------------------------
API_PIN  = -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
           -DGDK_VERSION_MIN_REQUIRED=GDK_VERSION_4_8 -DGDK_VERSION_MAX_ALLOWED=GDK_VERSION_4_8
WARN     = -Wall -Wextra -Werror -Wformat=2 -Wmissing-prototypes -Wno-unused-parameter \
           -Wno-missing-field-initializers
OPT     ?= -O2 -g
SAN_FLAGS =
ifeq ($(SANITIZE),1)
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT       = -O1 -g
endif
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=

PREFIX     ?= /usr
LOCALEDIR  ?= $(abspath $(BUILD))/locale
SRCDIR     := $(abspath .)
# Where the binaries look for share data (catalog, samples) and their version: the tree
# build reads data/ in place; `make install` rebuilds with the installed paths (see the
# install block at the end).
HB_SHAREDIR ?= $(SRCDIR)/data
HB_VERSION  ?= 0.1.0
CPPFLAGS_COMMON = -I. -I$(BUILD) $(API_PIN) -D_GNU_SOURCE \
                  -DGETTEXT_PACKAGE=\"haoban\" -DHB_LOCALEDIR=\"$(LOCALEDIR)\" \
                  -DHB_SOURCE_DATADIR=\"$(HB_SHAREDIR)\" -DHB_VERSION=\"$(HB_VERSION)\"
CFLAGS_COMMON = -std=gnu11 $(OPT) $(WARN) -fstack-protector-strong -fPIE $(SAN_FLAGS) $(EXTRA_CFLAGS)
LDFLAGS_COMMON = -pie $(SAN_FLAGS) $(EXTRA_LDFLAGS)

# --- sources ----------------------------------------------------------------------------
MAINS       = kiosk/haobanctl.c ui/haoban-kiosk.c
COMMON_SRC  = $(shell find common -name '*.c' 2>/dev/null | sort)
DRV_SRC     = $(filter-out $(MAINS),$(shell find drivers -name '*.c' 2>/dev/null | sort))
CACHE_SRC   = $(filter-out $(MAINS),$(shell find offline-cache -name '*.c' 2>/dev/null | sort))
KIOSK_SRC   = $(filter-out $(MAINS),$(shell find kiosk -name '*.c' 2>/dev/null | sort))
UI_SRC      = $(filter-out $(MAINS),$(shell find ui -name '*.c' 2>/dev/null | sort))
SIM_SRC     = $(shell find tools/platform-sim -name '*.c' 2>/dev/null | sort)
TESTUTIL_SRC= $(shell find tests/common -name '*.c' 2>/dev/null | sort)
# Fake devices for driver tests (umockdev USB, pty serial); linked into driver tests only.
SUPPORT_SRC = $(shell find tests/support -name '*.c' 2>/dev/null | sort)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB_COMMON  = $(BUILD)/libhb-common.a
LIB_DRV     = $(BUILD)/libhb-drivers.a
LIB_CACHE   = $(BUILD)/libhb-offline-cache.a
LIB_KIOSK   = $(BUILD)/libhb-kiosk.a
LIB_UI      = $(BUILD)/libhb-ui.a
LIB_TESTUTIL= $(BUILD)/libhb-testutil.a
LIB_SUPPORT = $(BUILD)/libhb-testsupport.a

KIOSK_BIN   = $(BUILD)/haoban-kiosk
CTL_BIN     = $(BUILD)/haobanctl
SIM_BIN     = $(BUILD)/haoban-platform-sim

# Per-layer compile flags: a layer sees only the headers of the packages it may use, so
# "kiosk/ never includes GTK" is enforced by the compiler, not by review.
$(BUILD)/obj/common/%.o:        LAYER_CFLAGS = $(CF_BASE)
$(BUILD)/obj/drivers/%.o:       LAYER_CFLAGS = $(CF_DRV)
$(BUILD)/obj/offline-cache/%.o: LAYER_CFLAGS = $(CF_CACHE)
$(BUILD)/obj/kiosk/%.o:         LAYER_CFLAGS = $(CF_KIOSK)
$(BUILD)/obj/ui/%.o:            LAYER_CFLAGS = $(CF_UI)
$(BUILD)/obj/$(BUILD)/%.o:      LAYER_CFLAGS = $(CF_UI)
$(BUILD)/obj/tools/%.o:         LAYER_CFLAGS = $(CF_SIM)
$(BUILD)/obj/tests/%.o:         LAYER_CFLAGS = $(CF_UI) $(CF_UMOCKDEV)

# --- GResource --------------------------------------------------------------------------
GRES_XML   = ui/haoban.gresource.xml
GRES_C     = $(BUILD)/ui/hb-resources.c
GRES_H     = $(BUILD)/ui/hb-resources.h
GRES_DEPS  = $(shell test -f $(GRES_XML) && glib-compile-resources --sourcedir=ui --generate-dependencies $(GRES_XML) 2>/dev/null)

$(GRES_C): $(GRES_XML) $(GRES_DEPS)
	@mkdir -p $(dir $@)
	$(Q)glib-compile-resources --sourcedir=ui --target=$@ --generate-source --manual-register --c-name hb $<
$(GRES_H): $(GRES_XML) $(GRES_DEPS)
	@mkdir -p $(dir $@)
	$(Q)glib-compile-resources --sourcedir=ui --target=$@ --generate-header --manual-register --c-name hb $<

UI_OBJ = $(call obj,$(UI_SRC)) $(if $(wildcard $(GRES_XML)),$(BUILD)/obj/$(GRES_C:.c=.o))
$(call obj,$(UI_SRC)): | $(GRES_H)

# --- translations -----------------------------------------------------------------------
PO_FILES = $(wildcard po/*.po)
MO_FILES = $(patsubst po/%.po,$(BUILD)/locale/%/LC_MESSAGES/haoban.mo,$(PO_FILES))
$(BUILD)/locale/%/LC_MESSAGES/haoban.mo: po/%.po
	@mkdir -p $(dir $@)
	$(Q)msgfmt --check -o $@ $<

# --- rules ------------------------------------------------------------------------------
.PHONY: all deps run check bench soak fuzz fuzz-build clean pot tests bins libs
# Keep intermediate objects (fuzz targets are built through pattern chains).
.SECONDARY:
.DEFAULT_GOAL := all

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS_COMMON) $(CFLAGS_COMMON) $(LAYER_CFLAGS) -MMD -MP -c -o $@ $<

# generated sources live under $(BUILD)
$(BUILD)/obj/$(BUILD)/%.o: $(BUILD)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS_COMMON) $(CFLAGS_COMMON) $(LAYER_CFLAGS) -Wno-missing-prototypes -MMD -MP -c -o $@ $<

define static_lib
$(1): $(2)
	@mkdir -p $$(dir $$@)
	@echo "  AR      $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $$^
endef
$(eval $(call static_lib,$(LIB_COMMON),$(call obj,$(COMMON_SRC))))
$(eval $(call static_lib,$(LIB_DRV),$(call obj,$(DRV_SRC))))
$(eval $(call static_lib,$(LIB_CACHE),$(call obj,$(CACHE_SRC))))
$(eval $(call static_lib,$(LIB_KIOSK),$(call obj,$(KIOSK_SRC))))
$(eval $(call static_lib,$(LIB_UI),$(UI_OBJ)))
$(eval $(call static_lib,$(LIB_TESTUTIL),$(call obj,$(TESTUTIL_SRC))))
$(eval $(call static_lib,$(LIB_SUPPORT),$(call obj,$(SUPPORT_SRC))))

LIBS_CORE = $(LIB_KIOSK) $(LIB_CACHE) $(LIB_DRV) $(LIB_COMMON)

$(KIOSK_BIN): $(BUILD)/obj/ui/haoban-kiosk.o $(LIB_UI) $(LIBS_CORE)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_COMMON) -o $@ $^ $(LD_UI)
$(BUILD)/obj/ui/haoban-kiosk.o: | $(GRES_H)

$(CTL_BIN): $(BUILD)/obj/kiosk/haobanctl.o $(LIBS_CORE)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_COMMON) -o $@ $^ $(LD_KIOSK)

$(SIM_BIN): $(call obj,$(SIM_SRC)) $(LIB_COMMON)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_COMMON) -o $@ $^ $(LD_SIM)

BINS = $(if $(wildcard ui/haoban-kiosk.c),$(KIOSK_BIN)) $(if $(wildcard kiosk/haobanctl.c),$(CTL_BIN)) \
       $(if $(SIM_SRC),$(SIM_BIN))

# --- tests ------------------------------------------------------------------------------
# Every tests/**/test-*.c is one GTest program. Which libraries it links follows the layer
# it tests, so a test of a lower layer builds even while an upper layer is broken.
test_bin = $(patsubst %.c,$(BUILD)/%,$(1))
T_COMMON = $(shell find tests/unit/common -name 'test-*.c' 2>/dev/null | sort)
T_DRV    = $(shell find tests/unit/drivers -name 'test-*.c' 2>/dev/null | sort)
T_CACHE  = $(shell find tests/unit/offline-cache -name 'test-*.c' 2>/dev/null | sort)
T_KIOSK  = $(shell find tests/unit/kiosk tests/integration -name 'test-*.c' 2>/dev/null | sort)
T_UI     = $(shell find tests/unit/ui tests/ui -name 'test-*.c' 2>/dev/null | sort)
T_TOOLS  = $(shell find tests/tools -name 'test-*.c' 2>/dev/null | sort)
T_FUZZ   = $(shell find tests/fuzz -name 'fuzz-*.c' 2>/dev/null | sort)
T_BENCH  = $(shell find tests/bench -name 'bench-*.c' 2>/dev/null | sort)
FUZZ_REPLAY = $(patsubst tests/fuzz/%.c,$(BUILD)/tests/fuzz/replay-%,$(T_FUZZ))

define test_prog
$(call test_bin,$(1)): $(call obj,$(1)) $(LIB_TESTUTIL) $(2)
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	$(Q)$(CC) $(LDFLAGS_COMMON) -o $$@ $$^ $(3) $(LD_TESTUTIL)
endef
$(foreach t,$(T_DRV),$(eval $(call test_prog,$(t),$(if $(SUPPORT_SRC),$(LIB_SUPPORT)) $(LIB_DRV) $(LIB_COMMON),$(LD_DRV) $(LD_SUPPORT))))
$(foreach t,$(T_CACHE),$(eval $(call test_prog,$(t),$(LIB_CACHE) $(LIB_COMMON),$(LD_CACHE))))
$(foreach t,$(T_COMMON),$(eval $(call test_prog,$(t),$(LIB_COMMON),$(LD_BASE))))
$(foreach t,$(filter-out tests/integration/%,$(T_KIOSK)),$(eval $(call test_prog,$(t),$(LIBS_CORE),$(LD_KIOSK))))
# Integration tests may put fake devices on a umockdev bus under the whole terminal.
$(foreach t,$(filter tests/integration/%,$(T_KIOSK)),$(eval $(call test_prog,$(t),$(if $(SUPPORT_SRC),$(LIB_SUPPORT)) $(LIBS_CORE),$(LD_KIOSK) $(LD_SUPPORT))))
$(foreach t,$(T_UI),$(eval $(call test_prog,$(t),$(LIB_UI) $(LIBS_CORE),$(LD_UI))))
$(foreach t,$(T_TOOLS),$(eval $(call test_prog,$(t),,)))
# Benchmark programs drive the whole core headless, with the test fakes. A bench-NAME.c
# may have C++ peers in tests/bench/NAME-*.cpp (e.g. the zxing-cpp shim), linked into it
# alone.
bench_cxx = $(patsubst %.cpp,$(BUILD)/obj/%.o,$(wildcard tests/bench/$(patsubst bench-%.c,%,$(notdir $(1)))-*.cpp))
$(foreach t,$(filter-out tests/bench/bench-ui-%,$(T_BENCH)),$(eval $(call test_prog,$(t),$(call bench_cxx,$(t)) $(if $(SUPPORT_SRC),$(LIB_SUPPORT)) $(LIBS_CORE),$(LD_KIOSK) $(LD_SUPPORT) $(if $(call bench_cxx,$(t)),$(LD_ZXING)))))
# bench-ui-*.c run the real kiosk window in-process (under run-bench.sh's Xvfb).
$(foreach t,$(filter tests/bench/bench-ui-%,$(T_BENCH)),$(eval $(call test_prog,$(t),$(LIB_UI) $(LIBS_CORE),$(LD_UI))))
$(BUILD)/obj/tests/bench/%.o: tests/bench/%.cpp
	@mkdir -p $(dir $@)
	@echo "  CXX     $@"
	$(Q)g++ -std=c++17 $(OPT) -Wall -Wextra -Werror $(CF_ZXING) -MMD -MP -c -o $@ $<

# Fuzz targets also build with gcc against a small driver that replays their seed corpus,
# so `make check` proves every target compiles and survives its corpus.
$(BUILD)/tests/fuzz/replay-%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/obj/tests/fuzz/replay-main.o $(LIBS_CORE)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_COMMON) -o $@ $^ $(LD_KIOSK)
$(BUILD)/obj/tests/fuzz/replay-main.o: tests/fuzz/replay-main.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS_COMMON) $(CFLAGS_COMMON) $(CF_BASE) -MMD -MP -c -o $@ $<

TESTS = $(foreach t,$(T_COMMON) $(T_DRV) $(T_CACHE) $(T_KIOSK) $(T_UI) $(T_TOOLS),$(call test_bin,$(t))) \
        $(if $(wildcard tests/fuzz/replay-main.c),$(FUZZ_REPLAY))

all: libs bins tests $(MO_FILES)
libs: $(LIB_COMMON) $(LIB_DRV) $(LIB_CACHE) $(LIB_KIOSK) $(if $(UI_SRC),$(LIB_UI))
bins: $(BINS)
tests: $(TESTS)

# --- entry points -----------------------------------------------------------------------
deps:
	@tools/deps.sh $(DEPS)

run: deps
	@$(MAKE) --no-print-directory all
	@tools/run-demo.sh $(BUILD)

check: deps
	@$(MAKE) --no-print-directory all
	@tests/run-tests.sh $(BUILD) $(TESTS) $(shell find tests -name 'test-*.sh' -o -name 'test-*.py' | sort)

bench: deps
	@$(MAKE) --no-print-directory all $(foreach t,$(T_BENCH),$(call test_bin,$(t)))
	@tests/bench/run-bench.sh $(BUILD)

# kill -9 crash-safety soak: 2,000 trials instead of make check's 200 (docs/crash-safety.md).
soak: deps
	@$(MAKE) --no-print-directory $(SIM_BIN) $(BUILD)/tests/unit/offline-cache/test-crash-safety
	@HB_CRASH_TRIALS=2000 HB_TEST_TIMEOUT=3600 tests/run-tests.sh $(BUILD) $(BUILD)/tests/unit/offline-cache/test-crash-safety

FUZZ_BUILD   = build/fuzz
FUZZ_RUNS    ?= 1000000
FUZZ_SECONDS ?= 3600
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang SANITIZE= \
	  OPT="-O1 -g" EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -Wno-unused-command-line-argument" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" fuzz-build
	@tests/fuzz/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_RUNS) $(FUZZ_SECONDS) $(patsubst tests/fuzz/%.c,%,$(T_FUZZ))

fuzz-build: $(patsubst tests/fuzz/%.c,$(BUILD)/tests/fuzz/%,$(T_FUZZ))
$(BUILD)/tests/fuzz/fuzz-%: $(BUILD)/obj/tests/fuzz/fuzz-%.o $(LIBS_CORE)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS_COMMON) -fsanitize=fuzzer -o $@ $^ $(LD_KIOSK)

pot:
	xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --add-comments=TRANSLATORS \
	  --files-from=po/POTFILES.in -o po/haoban.pot

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# --- check-install (issue 10) -----------------------------------------------------------
# The packages on a bare Debian 12: `make deb`, a debootstrapped root (cached per day in
# /var/cache/haoban-ci), install, units/udev/user/dirs/conffile, doctor + selftest inside
# against the packaged platform-sim, upgrade over itself, purge. Needs root. Last line
# "N passed, N failed" (tests/install/check-install.sh, docs/testing.md).
.PHONY: check-install
check-install: deps
	@tests/install/check-install.sh $(BUILD)

# --- install and Debian packages (H32; docs/packaging.md) -------------------------------
#   make install DESTDIR=DIR [PREFIX=/usr]  rebuild the binaries with the installed paths
#                 (in INSTALL_BUILD, apart from the tree build) and copy them with data,
#                 locale, docs, units, udev rules, the CUPS backend and /etc/haoban/kiosk.conf
#   make deb [DEB_VERSION=0.1.1]           dpkg-buildpackage the tree as it is: haoban and
#                 haoban-platform-sim .debs (+ .changes) in DEB_OUT, then lintian (errors fail)
SYSCONFDIR     ?= /etc
LOCALSTATEDIR  ?= /var
DESTDIR        ?=
BINDIR          = $(PREFIX)/bin
LIBEXECDIR      = $(PREFIX)/libexec/haoban
DATAROOTDIR     = $(PREFIX)/share
PKGDATADIR      = $(DATAROOTDIR)/haoban
SIMDATADIR      = $(DATAROOTDIR)/haoban-platform-sim
DOCDIR          = $(DATAROOTDIR)/doc/haoban
SIMDOCDIR       = $(DATAROOTDIR)/doc/haoban-platform-sim
MANDIR          = $(DATAROOTDIR)/man
CUPSBACKENDDIR ?= $(PREFIX)/lib/cups/backend
# Debian 12's systemd and udev still look under /lib (usrmerge is done by symlinks).
UNITDIR        ?= /lib/systemd/system
UDEVRULESDIR   ?= /lib/udev/rules.d
INSTALL_BUILD  ?= build/install
# The kiosk reads the catalog and the demo's sample cards; the simulator serves all four.
KIOSK_SHARE     = data/catalog.json data/sample-cards.json
SIM_SHARE       = data/catalog.json data/sample-cards.json data/sample-enterprises.json data/sample-staff.json
DEB_OUT        ?= build/deb
DEB_VERSION    ?= $(shell dpkg-parsechangelog -l packaging/debian/changelog -S Version 2>/dev/null)
DEB_JOBS       ?= 2
DEB_LINTIAN    ?= 1
# What the installed binaries are compiled with; a change of any of it rebuilds INSTALL_BUILD.
INSTALL_VARS    = BUILD=$(INSTALL_BUILD) SANITIZE= HB_SHAREDIR=$(PKGDATADIR) \
                  LOCALEDIR=$(DATAROOTDIR)/locale HB_VERSION=$(HB_VERSION)
INSTALL_STAMP   = $(INSTALL_VARS) OPT=$(OPT) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS)

.PHONY: install install-build install-programs deb
install-build:
	@mkdir -p $(INSTALL_BUILD)
	@if [ "$$(cat $(INSTALL_BUILD)/.install-flags 2>/dev/null)" != '$(INSTALL_STAMP)' ]; then \
	  rm -rf $(INSTALL_BUILD) && mkdir -p $(INSTALL_BUILD) && \
	  printf '%s' '$(INSTALL_STAMP)' > $(INSTALL_BUILD)/.install-flags; fi
	@$(MAKE) --no-print-directory $(INSTALL_VARS) install-programs

# (run by install-build with BUILD=INSTALL_BUILD)
install-programs: $(BINS) $(MO_FILES) $(BUILD)/haoban-fallback $(BUILD)/haoban-ipp

# The out-of-order screen links GTK only: nothing of the kiosk that could have broken it.
$(BUILD)/haoban-fallback: packaging/fallback/haoban-fallback.c
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(CPPFLAGS_COMMON) $(CFLAGS_COMMON) $(call pc_cflags,gtk4) -o $@ $< $(LDFLAGS_COMMON) $(call pc_libs,gtk4)
$(BUILD)/haoban-ipp: packaging/cups/haoban-ipp.c
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(CPPFLAGS_COMMON) $(CFLAGS_COMMON) -o $@ $< $(LDFLAGS_COMMON)

install: install-build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(CUPSBACKENDDIR) \
	  $(DESTDIR)$(PKGDATADIR) $(DESTDIR)$(SIMDATADIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SIMDOCDIR) \
	  $(DESTDIR)$(UNITDIR) $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSCONFDIR)/haoban
	install -m 0755 $(INSTALL_BUILD)/haoban-kiosk $(INSTALL_BUILD)/haobanctl \
	  $(INSTALL_BUILD)/haoban-platform-sim $(DESTDIR)$(BINDIR)/
	install -m 0755 packaging/bin/haoban-session packaging/bin/haoban-session-stopped \
	  $(INSTALL_BUILD)/haoban-fallback $(DESTDIR)$(LIBEXECDIR)/
	install -m 0755 $(INSTALL_BUILD)/haoban-ipp $(DESTDIR)$(CUPSBACKENDDIR)/haoban-ipp
	ln -sf haoban-ipp $(DESTDIR)$(CUPSBACKENDDIR)/haoban-ipps
	install -m 0644 $(KIOSK_SHARE) $(DESTDIR)$(PKGDATADIR)/
	install -m 0644 $(SIM_SHARE) $(DESTDIR)$(SIMDATADIR)/
	for mo in $(INSTALL_BUILD)/locale/*/LC_MESSAGES/haoban.mo; do \
	  lang=$${mo#$(INSTALL_BUILD)/locale/}; lang=$${lang%%/*}; \
	  install -D -m 0644 $$mo $(DESTDIR)$(DATAROOTDIR)/locale/$$lang/LC_MESSAGES/haoban.mo || exit 1; \
	done
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 docs/platform-sim.md docs/platform-api.md $(DESTDIR)$(SIMDOCDIR)/
	install -m 0644 packaging/systemd/*.service $(DESTDIR)$(UNITDIR)/
	install -m 0644 packaging/udev/60-haoban.rules $(DESTDIR)$(UDEVRULESDIR)/
	install -m 0644 packaging/kiosk.conf $(DESTDIR)$(SYSCONFDIR)/haoban/kiosk.conf
	install -D -m 0644 packaging/man/haoban-kiosk.1 $(DESTDIR)$(MANDIR)/man1/haoban-kiosk.1
	install -D -m 0644 packaging/man/haoban-platform-sim.1 $(DESTDIR)$(MANDIR)/man1/haoban-platform-sim.1
	install -D -m 0644 packaging/man/haobanctl.8 $(DESTDIR)$(MANDIR)/man8/haobanctl.8

deb:
	@packaging/make-deb.sh "$(DEB_OUT)" "$(DEB_VERSION)" "$(DEB_JOBS)" "$(DEB_LINTIAN)"
