#!/usr/bin/env bash
# Fuzzes every parser of outside input for FUZZ_SECONDS each (default
# 15): the OCSP and TSA requests (seeded with requests made by openssl),
# PDF page content (anchor text search) and whole PDFs (signature
# verification, seeded with the signed PDFs the unit tests make), and
# the signing engine's reading of whole PDFs and appearance options.
set -euo pipefail
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
SECS=${FUZZ_SECONDS:-15}
echo "== fuzz_pki"
"$BIN" -max_total_time="$SECS" -rss_limit_mb=2048 \
    -print_final_stats=1 corpus 2>&1 | tail -n 12

echo "== fuzz_pdf_text"
mkdir -p text-corpus
printf 'BT /F1 12 Tf 72 700 Td (#ttd#) Tj ET' > text-corpus/seed1
printf 'BT /F1 12 Tf 1 0 0 1 72 700 Tm [(#)-20(t)5(td#)] TJ T* (x) Tj ET' \
    > text-corpus/seed2
# Inputs that once failed stay in the corpus.
echo QlQgL0YxIDEyIFRmIEogVCp4KCApIFRqKV1KIFQqAQAAAAAAAAAgKHgpIERqIEVU |
    base64 -d > text-corpus/regress-qsort-no-lines
"$ROOT/build/fuzz_pdf_text" -max_total_time="$SECS" -rss_limit_mb=2048 \
    -print_final_stats=1 text-corpus 2>&1 | tail -n 12

echo "== fuzz_pdf_verify"
mkdir -p pdf-seeds pdf-corpus
PDF_VERIFY_SAVE=$T/pdf-seeds "$ROOT/build/test_unit" >/dev/null 2>&1 || true
[ -f pdf-seeds/unit-root.pem ] && mv pdf-seeds/unit-root.pem root.pem
PDF_VERIFY_FUZZ_TRUST=$T/root.pem "$ROOT/build/fuzz_pdf_verify" \
    -max_total_time="$SECS" -rss_limit_mb=2048 -max_len=262144 \
    -print_final_stats=1 pdf-corpus pdf-seeds 2>&1 | tail -n 12

echo "== fuzz_pdf_sign"
mkdir -p sign-corpus
"$ROOT/build/test/pdfsign_tool" gen sign-corpus/classic.pdf --pages 2
"$ROOT/build/test/pdfsign_tool" gen sign-corpus/form.pdf --form --rotate 90
qpdf --object-streams=generate sign-corpus/classic.pdf sign-corpus/xrefstm.pdf
for f in sign-corpus/*.pdf; do
	{ printf '\001'; cat "$f"; } > "$f.v"
	{ printf '\011'; cat "$f"; } > "$f.p"
	{ printf '\000'; cat "$f"; } > "$f.i"
	rm "$f"
done
"$ROOT/build/fuzz_pdf_sign" -max_total_time="$SECS" -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 sign-corpus 2>&1 | tail -n 12
