#!/usr/bin/env bash
# Seeds the corpus with real requests made by openssl, then fuzzes the
# OCSP and TSA request parsers for FUZZ_SECONDS (default 20).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/build/fuzz_pki
T=$(mktemp -d "${TMPDIR:-/tmp}/sertel-fuzzseed.XXXXXX")
trap 'rm -rf "$T" /tmp/sertel-fuzz.*' EXIT
mkdir -p "$T/corpus"
cd "$T"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout k.pem -subj /CN=seed -out ca.pem 2>/dev/null
for s in 0x01 0x7f3a 0x1122334455667788; do
	for h in -sha1 -sha256; do
		openssl ocsp -issuer ca.pem $h -serial $s -reqout r.der >/dev/null 2>&1
		{ printf '\000'; cat r.der; } > "corpus/ocsp$s$h"
	done
done
echo seed > data
for h in sha256 sha384 sha512 sha1; do
	openssl ts -query -data data -$h -cert -out q.tsq 2>/dev/null
	{ printf '\001'; cat q.tsq; } > "corpus/tsa-$h"
done
"$BIN" -max_total_time="${FUZZ_SECONDS:-20}" -rss_limit_mb=2048 \
    -print_final_stats=1 corpus 2>&1 | tail -n 12
