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

# docs/openapi.json is served by the binary: xxd turns it into C.
WEB      := $(shell find web -type f -not -name '.*' | LC_ALL=C sort)
GEN      := build/gen/openapi.c build/gen/holidays.c build/gen/web.c
SRC      := $(wildcard src/*.c) $(GEN)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
HDR      := $(wildcard src/*.h)
UNIT_SRC := $(wildcard tests/unit/*.c)

DIR      ?= ./var
LISTEN   ?= 127.0.0.1:8080

.PHONY: all deps asan run test test-unit test-e2e test-asan bench docs \
        check-docs fuzz clean

all: build/sertel

deps:
	@./scripts/deps.sh

build/gen/openapi.c: docs/openapi.json
	@mkdir -p build/gen
	xxd -i docs/openapi.json > $@

build/gen/holidays.c: data/holidays-id.json
	@mkdir -p build/gen
	xxd -i data/holidays-id.json > $@

build/gen/web.c: $(WEB) scripts/embed.sh
	@mkdir -p build/gen
	sh scripts/embed.sh $@ $(WEB)

build/sertel: $(SRC) $(HDR) Makefile
	@mkdir -p build
	$(CC) $(WARN) $(CFLAGS) $(PKG_CF) -o $@ $(SRC) $(PKG_LIBS)

# The test builds (build/test/sertel, the sanitizer build, the unit
# tests) have a clock the tests can move (util.c); build/sertel has not.
TCLOCK   := -DSERTEL_TEST_CLOCK

build/test/sertel: $(SRC) $(HDR) Makefile
	@mkdir -p build/test
	$(CC) $(WARN) $(CFLAGS) $(TCLOCK) $(PKG_CF) -o $@ $(SRC) $(PKG_LIBS)

# Test tools: one capability driven from the command line.
build/test/pdftext_tool: tests/tools/pdftext_tool.c $(LIB_SRC) $(HDR) Makefile
	@mkdir -p build/test
	$(CC) $(WARN) $(CFLAGS) $(TCLOCK) $(PKG_CF) -Isrc -o $@ \
	    tests/tools/pdftext_tool.c $(LIB_SRC) $(PKG_LIBS)

build/asan/pdftext_tool: tests/tools/pdftext_tool.c $(LIB_SRC) $(HDR) Makefile
	@mkdir -p build/asan
	$(CC) $(WARN) $(SAN) $(TCLOCK) $(PKG_CF) -Isrc -o $@ \
	    tests/tools/pdftext_tool.c $(LIB_SRC) $(PKG_LIBS)

build/test/pdfsign_tool: tests/tools/pdfsign_tool.c $(LIB_SRC) $(HDR) Makefile
	@mkdir -p build/test
	$(CC) $(WARN) $(CFLAGS) $(TCLOCK) $(PKG_CF) -Isrc -o $@ \
	    tests/tools/pdfsign_tool.c $(LIB_SRC) $(PKG_LIBS)

build/asan/pdfsign_tool: tests/tools/pdfsign_tool.c $(LIB_SRC) $(HDR) Makefile
	@mkdir -p build/asan
	$(CC) $(WARN) $(SAN) $(TCLOCK) $(PKG_CF) -Isrc -o $@ \
	    tests/tools/pdfsign_tool.c $(LIB_SRC) $(PKG_LIBS)

build/asan/sertel: $(SRC) $(HDR) Makefile
	@mkdir -p build/asan
	$(CC) $(WARN) $(SAN) $(TCLOCK) $(PKG_CF) -o $@ $(SRC) $(PKG_LIBS)

build/test_unit: $(UNIT_SRC) $(LIB_SRC) $(HDR) Makefile
	@mkdir -p build
	$(CC) $(WARN) $(CFLAGS) $(TCLOCK) $(PKG_CF) -Isrc -o $@ $(UNIT_SRC) \
	    $(LIB_SRC) $(PKG_LIBS) -lcmocka

build/asan/test_unit: $(UNIT_SRC) $(LIB_SRC) $(HDR) Makefile
	@mkdir -p build/asan
	$(CC) $(WARN) $(SAN) $(TCLOCK) $(PKG_CF) -Isrc -o $@ $(UNIT_SRC) \
	    $(LIB_SRC) $(PKG_LIBS) -lcmocka

# libFuzzer + ASan + UBSan builds of every parser of outside input.
build/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(HDR) Makefile
	@mkdir -p build
	clang $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined $(PKG_CF) -Isrc -o $@ \
	    $< $(LIB_SRC) $(PKG_LIBS)

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
