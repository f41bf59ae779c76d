#!/usr/bin/env bash
# Benchmark of document signing (DESIGN §7), beside a reference measured
# in the same run: poppler's `pdfsig -add-signature` (NSS, RSA-2048, a
# PKCS#7 signature, one process per document) on the same small PDF.
# Prints docs/s and median latency per PAdES level, cold (the Argon2id
# unwrap of the holder key each time) and warm (DESIGN §6), and the ratio
# of sertel's warm B-B rate to pdfsig's. Then verification of a 4 MiB PDF
# carrying 8 signatures: `sertel verify` beside `pdfsig` on the same file,
# one process per run, median of BENCH_VERIFY_RUNS. `openssl speed rsa2048`
# in the same run says how fast this machine signs. Never asserts on time.
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

# ---- verification: 4 MiB, 8 signatures
RUNS=${BENCH_VERIFY_RUNS:-15}
/usr/bin/python3 "$ROOT/bench/lib/bigpdf.py" s0.pdf $((4 * 1024 * 1024))
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem \
    -days 30 -subj "/CN=Bench Root" -addext basicConstraints=critical,CA:true \
    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout s.key -out s.csr \
    -subj "/CN=Bench Signer" >/dev/null 2>&1
printf 'keyUsage=critical,digitalSignature,nonRepudiation\n' > ext
openssl x509 -req -in s.csr -CA root.pem -CAkey root.key -out s.pem -days 30 \
    -extfile ext >/dev/null 2>&1
for i in 1 2 3 4 5 6 7 8; do
	"$TOOL" sign "s$((i - 1)).pdf" "s$i.pdf" --key s.key --cert s.pem \
	    --chain root.pem --level B-B
done
mkdir vnss
certutil -N -d sql:vnss --empty-password
certutil -A -d sql:vnss -n root -t CT,C,C -i root.pem
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
time_runs() {
	for _ in $(seq 1 "$RUNS"); do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s%N)
		echo $(( (e - s) / 1000000 ))
	done | median
}
"$SERTEL" verify s8.pdf --trust root.pem >/dev/null ||
	{ echo "bench/sign.sh: sertel verify does not accept the file" >&2; exit 1; }
ours_ms=$(time_runs "$SERTEL" verify s8.pdf --trust root.pem)
ref_ms=$(time_runs pdfsig -nssdir sql:vnss s8.pdf)
echo "# verification of $(wc -c < s8.pdf) bytes with 8 signatures, median of $RUNS runs"
echo "sertel verify: $ours_ms ms   pdfsig: $ref_ms ms   ratio pdfsig/sertel: $(awk -v a="$ours_ms" -v b="$ref_ms" 'BEGIN { printf "%.2f", b / a }')"
echo "# this machine: openssl speed rsa2048"
openssl speed -seconds 2 rsa2048 2>/dev/null | awk '/^rsa 2048/ { print "rsa2048 sign/s: " $6 ", verify/s: " $7 }'
