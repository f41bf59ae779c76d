# sertel - build, run and test. `make run` and `make test` are the two
# commands the README names; both install missing Debian packages first.

PKGS     := libmicrohttpd jansson sqlite3 libcrypto libcurl libsodium \
            libpng libjpeg libqpdf libqrencode zlib
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
            -Wformat=2 -Wno-format-nonliteral -fstack-protector-strong \
            -D_FORTIFY_SOURCE=2
PKG_CF   = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread -lm
SAN      := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined

# docs/openapi.json, the holiday seed and web/ are served by the binary:
# they are turned into C (build/gen/gen_*.c).
# pdf.js (web/package-lock.json) is served from /static/ too: its two ES
# modules are copied from web/node_modules into build/web/static/ (npm ci
# runs when they are missing); node_modules itself is never embedded.
PDFJS    := build/web/static/pdf.min.mjs build/web/static/pdf.worker.min.mjs
WEB      := $(shell find web -path web/node_modules -prune -o -type f \
            -not -name '.*' -not -name 'package*.json' -print | \
            LC_ALL=C sort) $(PDFJS)
GEN      := build/gen/gen_openapi.c build/gen/gen_holidays.c \
            build/gen/gen_web.c
SRC      := $(wildcard src/*.c) $(GEN)
HDR      := $(wildcard src/*.h)
UNIT_SRC := $(wildcard tests/unit/*.c)
NAMES    := $(notdir $(SRC:.c=.o))
LIBNAMES := $(filter-out main.o,$(NAMES))

# The test builds (build/test/*, the sanitizer build, the unit tests)
# have a clock the tests can move (util.c); build/sertel has not.
TCLOCK   := -DSERTEL_TEST_CLOCK

# Each build flavour compiles every source once into its own folder; the
# programs of a flavour link the same objects.
CC_PROD  = $(CC) $(WARN) $(CFLAGS) $(PKG_CF)
CC_TEST  = $(CC) $(WARN) $(CFLAGS) $(TCLOCK) $(PKG_CF)
CC_ASAN  = $(CC) $(WARN) $(SAN) $(TCLOCK) $(PKG_CF)
CC_FUZZ  = clang $(WARN) -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
           -fno-sanitize-recover=undefined $(PKG_CF)

define objects
$(1)/%.o: src/%.c $$(HDR) Makefile
	@mkdir -p $(1)
	$$($(2)) -c -o $$@ $$<

$(1)/%.o: build/gen/%.c Makefile
	@mkdir -p $(1)
	$$($(2)) -c -o $$@ $$<
endef
$(eval $(call objects,build/obj/prod,CC_PROD))
$(eval $(call objects,build/obj/test,CC_TEST))
$(eval $(call objects,build/obj/asan,CC_ASAN))
$(eval $(call objects,build/obj/fuzz,CC_FUZZ))

DIR      ?= ./var
LISTEN   ?= 127.0.0.1:8080

.PHONY: all deps asan run test test-unit test-e2e test-asan test-browser bench docs \
        check-docs fuzz clean binaries

all: build/sertel

deps:
	@./scripts/deps.sh

build/gen/gen_openapi.c: docs/openapi.json
	@mkdir -p build/gen
	xxd -i docs/openapi.json > $@

build/gen/gen_holidays.c: data/holidays-id.json
	@mkdir -p build/gen
	xxd -i data/holidays-id.json > $@

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --omit=optional --no-audit --no-fund --loglevel=error
	@touch $@

build/web/static/%.min.mjs: web/node_modules/.package-lock.json
	@mkdir -p $(@D)
	cp web/node_modules/pdfjs-dist/legacy/build/$*.min.mjs $@

build/gen/gen_web.c: $(WEB) scripts/embed.sh
	@mkdir -p build/gen
	sh scripts/embed.sh $@ $(WEB)

build/sertel: $(addprefix build/obj/prod/,$(NAMES))
	@mkdir -p $(@D)
	$(CC_PROD) -o $@ $^ $(PKG_LIBS)

build/test/sertel: $(addprefix build/obj/test/,$(NAMES))
	@mkdir -p $(@D)
	$(CC_TEST) -o $@ $^ $(PKG_LIBS)

build/asan/sertel: $(addprefix build/obj/asan/,$(NAMES))
	@mkdir -p $(@D)
	$(CC_ASAN) -o $@ $^ $(PKG_LIBS)

# Test tools: one capability driven from the command line.
build/test/%_tool: tests/tools/%_tool.c $(addprefix build/obj/test/,$(LIBNAMES))
	@mkdir -p $(@D)
	$(CC_TEST) -Isrc -o $@ $^ $(PKG_LIBS)

build/asan/%_tool: tests/tools/%_tool.c $(addprefix build/obj/asan/,$(LIBNAMES))
	@mkdir -p $(@D)
	$(CC_ASAN) -Isrc -o $@ $^ $(PKG_LIBS)

build/test_unit: $(UNIT_SRC) $(addprefix build/obj/test/,$(LIBNAMES))
	@mkdir -p $(@D)
	$(CC_TEST) -Isrc -o $@ $^ $(PKG_LIBS) -lcmocka

build/asan/test_unit: $(UNIT_SRC) $(addprefix build/obj/asan/,$(LIBNAMES))
	@mkdir -p $(@D)
	$(CC_ASAN) -Isrc -o $@ $^ $(PKG_LIBS) -lcmocka

# libFuzzer + ASan + UBSan builds of every parser of outside input.
build/fuzz_%: tests/fuzz/fuzz_%.c $(addprefix build/obj/fuzz/,$(LIBNAMES))
	@mkdir -p $(@D)
	clang $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined $(PKG_CF) -Isrc -o $@ $^ $(PKG_LIBS)

# Everything the tests run, built in parallel before they start.
binaries: build/sertel build/test/sertel build/asan/sertel build/test_unit \
    build/asan/test_unit build/test/pdftext_tool build/test/pdfsign_tool \
    build/asan/pdftext_tool build/asan/pdfsign_tool build/fuzz_pki \
    build/fuzz_pdf_text build/fuzz_pdf_verify build/fuzz_pdf_sign

fuzz: build/fuzz_pki build/fuzz_pdf_text build/fuzz_pdf_verify \
    build/fuzz_pdf_sign build/test_unit build/test/pdfsign_tool
	bash tests/fuzz/run.sh

asan: build/asan/sertel build/asan/test_unit

# Installs, builds, creates an instance in $(DIR) if there is none, and
# serves it with the registry simulator and the local mailbox.
run: deps build/sertel
	@DIR=$(DIR) LISTEN=$(LISTEN) ./scripts/run.sh

test-unit: build/test_unit
	./build/test_unit

# The end-to-end tests run the test build; SERTEL_PROD is the production
# binary, which must ignore the test clock.
test-e2e: build/sertel build/test/sertel build/test/pdftext_tool \
    build/test/pdfsign_tool
	SERTEL=build/test/sertel SERTEL_PROD=build/sertel bash tests/e2e/run.sh

# The sanitizer build runs the unit and the end-to-end tests again.
test-asan: build/sertel build/asan/sertel build/asan/test_unit \
    build/asan/pdftext_tool build/asan/pdfsign_tool
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ./build/asan/test_unit
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    SERTEL=build/asan/sertel SERTEL_PROD=build/sertel bash tests/e2e/run.sh

# The portal in headless Debian chromium (playwright-core, axe-core).
test-browser: build/test/sertel
	SERTEL=build/test/sertel /usr/bin/python3 tests/browser/run.py

check-docs: build/sertel
	@./build/sertel help errors | diff -u docs/errors.md - && \
	    echo "docs/errors.md matches the error table"

# Installs, builds and runs every test.
test: deps
	@./scripts/test.sh

docs: build/sertel
	./build/sertel help errors > docs/errors.md

bench: deps build/sertel build/test/pdfsign_tool
	bash bench/pki.sh
	bash bench/sign.sh

clean:
	rm -rf build
