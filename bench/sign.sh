#!/usr/bin/env bash
# Benchmark of document signing (DESIGN §7), beside a reference measured
# in the same run: poppler's `pdfsig -add-signature` (NSS, RSA-2048, a
# PKCS#7 signature, one process per document) on the same small PDF.
# Prints docs/s and median latency per PAdES level, cold (the Argon2id
# unwrap of the holder key each time) and warm (DESIGN §6), and the ratio
# of sertel's warm B-B rate to pdfsig's. Never asserts on time.
#
#   bench/sign.sh                    # against build/sertel
#   BENCH_COUNT=200 bench/sign.sh
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERTEL=${SERTEL:-$ROOT/build/sertel}
TOOL=${PDFSIGN_TOOL:-$ROOT/build/test/pdfsign_tool}
COUNT=${BENCH_COUNT:-100}
REF_COUNT=${BENCH_REF_COUNT:-20}
for t in pdfsig certutil pk12util openssl; do
	command -v "$t" >/dev/null || { echo "bench/sign.sh: $t is required" >&2; exit 2; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/sertel-bench-sign.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

"$SERTEL" init --dir inst >/dev/null
"$TOOL" gen small.pdf --pages 1
echo "# sertel, in process (sertel bench sign)"
"$SERTEL" bench sign --dir inst --in small.pdf --count "$COUNT" | tee ours.txt

# The reference: pdfsig with an RSA-2048 key in an NSS database.
openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -days 30 \
    -subj "/CN=Bench Signer/O=Bench" >/dev/null 2>&1
openssl pkcs12 -export -inkey k.pem -in c.pem -name bench -passout pass:x \
    -out k.p12 >/dev/null 2>&1
mkdir nss
certutil -N -d sql:nss --empty-password
pk12util -i k.p12 -d sql:nss -W x >/dev/null
start=$(date +%s.%N)
for i in $(seq 1 "$REF_COUNT"); do
	rm -f ref.pdf
	pdfsig -nssdir sql:nss -add-signature -nick bench small.pdf ref.pdf \
	    >/dev/null 2>&1
done
end=$(date +%s.%N)
ref=$(echo "$REF_COUNT $start $end" | awk '{ printf "%.1f", $1 / ($3 - $2) }')
echo "# reference: pdfsig -add-signature, $REF_COUNT documents: $ref docs/s"
warm=$(awk '/^warm B-B/ { print $3 }' ours.txt)
blt=$(awk '/^warm B-LT/ { print $3 }' ours.txt)
cold=$(awk '/^cold B-B/ { print $3 }' ours.txt)
awk -v w="$warm" -v l="$blt" -v c="$cold" -v r="$ref" 'BEGIN {
	printf "ratio warm B-B / pdfsig:  %.1f\n", w / r
	printf "ratio warm B-LT / pdfsig: %.1f\n", l / r
	printf "ratio cold B-B / pdfsig:  %.2f\n", c / r
}'
