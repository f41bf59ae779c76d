#!/usr/bin/env bash
# Benchmarks for sertel's PKI hot paths. Prints ratios against references
# measured in the same run on the same machine (absolute numbers move from run
# to run; ratios move less). Never asserts on time.
#
#   bench/pki.sh                           # against build/sertel
#   SERTEL=build/asan/sertel bench/pki.sh  # works, but numbers mean little
#   BENCH_OUT=bench.txt bench/pki.sh       # also write the table to a file
#   BENCH_SECS=5 BENCH_CONNS=32 BENCH_COUNT=2000 bench/pki.sh
#
# References: `openssl speed` sign/s for the key type the responder / issuing
# CA actually use (P-256 by default), and wrk GET /healthz as the ceiling of
# the HTTP layer.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERTEL=${SERTEL:-build/sertel}
case $SERTEL in
/*) ;;
*) if [ -x "$PWD/$SERTEL" ]; then SERTEL=$PWD/$SERTEL; else SERTEL=$ROOT/$SERTEL; fi ;;
esac
[ -x "$SERTEL" ] || { echo "bench/pki.sh: no executable at $SERTEL" >&2; exit 2; }
for tool in wrk openssl curl timeout; do
	command -v "$tool" >/dev/null || { echo "bench/pki.sh: $tool is required" >&2; exit 2; }
done

SECS=${BENCH_SECS:-5}
CONNS=${BENCH_CONNS:-32}
COUNT=${BENCH_COUNT:-2000}
CLI_COUNT=${BENCH_CLI_COUNT:-50}

START_DIR=$PWD
T=$(mktemp -d "${TMPDIR:-/tmp}/sertel-bench.XXXXXX")
SPID=""
cleanup() {
	if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
		kill -TERM "$SPID" 2>/dev/null || true
		for _ in $(seq 1 20); do
			kill -0 "$SPID" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$SPID" 2>/dev/null || true
	fi
	if [ "${KEEP_TMP:-0}" = 1 ]; then echo "# kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$T"

log() { echo "# $*" >&2; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 40000))
}

# openssl_alg CERT: the `openssl speed` algorithm matching CERT's key
openssl_alg() {
	local txt bits
	txt=$(openssl x509 -in "$1" -noout -text)
	bits=$(echo "$txt" | sed -n 's/.*Public-Key: (\([0-9]*\) bit).*/\1/p' | head -n 1)
	if echo "$txt" | grep -q 'Public Key Algorithm: id-ecPublicKey'; then
		case $bits in
		256) echo ecdsap256 ;; 384) echo ecdsap384 ;; 521) echo ecdsap521 ;; *) echo "?" ;;
		esac
	elif echo "$txt" | grep -q 'Public Key Algorithm: rsaEncryption'; then
		echo "rsa$bits"
	elif echo "$txt" | grep -q 'Public Key Algorithm: ED25519'; then
		echo ed25519
	else
		echo "?"
	fi
}
declare -A SPEED
# speed ALG: sets SPEED[ALG] to sign/s from `openssl speed -seconds 3 ALG`
# (once per run; call it directly, not in $(...), so the cache survives)
speed() {
	local alg=$1 out v
	if [ -z "${SPEED[$alg]:-}" ]; then
		log "openssl speed -seconds 3 $alg"
		out=$(openssl speed -seconds 3 "$alg" 2>/dev/null) || out=""
		case $alg in
		rsa*) v=$(echo "$out" | awk '/^rsa +[0-9]+ bits/ {print $(NF-1); exit}') ;;
		ecdsa*) v=$(echo "$out" | awk '/bits ecdsa/ {print $(NF-1); exit}') ;;
		ed25519) v=$(echo "$out" | awk '/EdDSA \(Ed25519\)/ {print $(NF-1); exit}') ;;
		*) v="" ;;
		esac
		SPEED[$alg]=${v:-0}
	fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.3f", a / b; else print "n/a" }'; }

# wrkrun NAME URL [LUA]: req/s, and a note with latency and non-2xx count
declare -A RPS NOTE
wrkrun() {
	local name=$1 url=$2 lua=${3:-} out rps lat bad
	log "wrk -t1 -c$CONNS -d${SECS}s $name"
	if [ -n "$lua" ]; then
		out=$(wrk -t1 -c"$CONNS" -d"${SECS}s" -s "$lua" "$url" 2>&1) || true
	else
		out=$(wrk -t1 -c"$CONNS" -d"${SECS}s" "$url" 2>&1) || true
	fi
	echo "$out" >"wrk.$name.txt"
	rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
	lat=$(echo "$out" | awk '$1 == "Latency" {print $2; exit}')
	bad=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ {print $NF}')
	errs=$(echo "$out" | sed -n 's/^ *Socket errors: *//p')
	RPS[$name]=${rps:-0}
	NOTE[$name]="lat avg ${lat:-?}${bad:+, NON-2xx $bad}${errs:+, socket errors: $errs}"
}

# ------------------------------------------------------------------ instance
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
D=$T/instance
timeout 60 "$SERTEL" init --dir "$D" --base-url "$BASE" >init.log 2>&1 ||
	{ cat init.log >&2; exit 1; }
timeout 30 "$SERTEL" admin ca chain --dir "$D" >chain.pem
awk '/BEGIN CERTIFICATE/{n++} n==1' chain.pem >issuing.pem
"$SERTEL" serve --dir "$D" --listen "127.0.0.1:$PORT" >serve.log 2>&1 &
SPID=$!
for _ in $(seq 1 100); do
	curl -s --max-time 1 -o /dev/null "$BASE/healthz" && break
	kill -0 "$SPID" 2>/dev/null || { cat serve.log >&2; exit 1; }
	sleep 0.1
done
curl -sf --max-time 2 -o /dev/null "$BASE/healthz" || { echo "serve did not come up" >&2; exit 1; }

for i in 1 2 3 4 5; do
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null |
		openssl pkey -pubout -out "k$i.pub.pem"
	timeout 30 "$SERTEL" admin cert issue --dir "$D" --pubkey "k$i.pub.pem" --name "Bench User $i" \
		--email "bench$i@example.go.id" --agency "Kementerian Bench" >"c$i.pem"
done

# one OCSP request, checked once so the benchmark measures real answers
openssl ocsp -issuer issuing.pem -cert c3.pem -no_nonce -reqout req.der >/dev/null 2>&1
B64=$(base64 -w0 req.der | sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g')
curl -sS --max-time 5 -o check.resp -H 'Content-Type: application/ocsp-request' --data-binary @req.der "$BASE/ocsp"
OCSP_OK=yes
openssl ocsp -respin check.resp -issuer issuing.pem -cert c3.pem -CAfile chain.pem -no_nonce \
	-resp_text >check.txt 2>&1 && grep -q 'c3.pem: good' check.txt || OCSP_OK=no
[ $OCSP_OK = yes ] || log "WARNING: the OCSP answer does not verify as 'good'; numbers below are suspect"
awk '/BEGIN CERTIFICATE/,/END CERTIFICATE/' check.txt | awk '/BEGIN CERTIFICATE/{n++} n==1' >responder.pem

cat >post.lua <<EOF
local f = assert(io.open("$T/req.der", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/ocsp-request"
EOF

wrkrun healthz "$BASE/healthz"
wrkrun ocsp_post "$BASE/ocsp" post.lua
wrkrun ocsp_get "$BASE/ocsp/$B64"

kill -TERM "$SPID"
for _ in $(seq 1 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
wait "$SPID" 2>/dev/null || true
SPID=""

# ------------------------------------------------------------------ issuance
log "sertel bench issue --count $COUNT"
ISSUE_RATE=0 ISSUE_NOTE=""
if out=$(timeout 300 "$SERTEL" bench issue --dir "$D" --count "$COUNT" 2>&1); then
	ISSUE_RATE=$(echo "$out" | grep -oE '[0-9]+(\.[0-9]+)? *certs/s' | tail -n 1 | grep -oE '^[0-9.]+' || true)
	[ -n "$ISSUE_RATE" ] || { ISSUE_RATE=0; ISSUE_NOTE="no 'certs/s' in output: $(echo "$out" | head -n 1)"; }
else
	ISSUE_NOTE="'sertel bench issue' failed: $(echo "$out" | head -n 1)"
fi

# process-per-certificate issuance through the CLI (includes process start,
# DB open and key load each time; for context only)
log "$CLI_COUNT x sertel admin cert issue"
done_n=0
start=$(date +%s.%N)
for i in $(seq 1 "$CLI_COUNT"); do
	timeout 30 "$SERTEL" admin cert issue --dir "$D" --pubkey k1.pub.pem --name "CLI User $i" \
		--email "cli$i@example.go.id" --agency "Kementerian Bench" >/dev/null 2>&1 || break
	done_n=$i
done
end=$(date +%s.%N)
CLI_RATE=$(awk -v n="$done_n" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n / (b - a) }')

# ------------------------------------------------------------------ references
OCSP_ALG=$( [ -s responder.pem ] && openssl_alg responder.pem || echo ecdsap256)
CA_ALG=$(openssl_alg issuing.pem)
[ "$OCSP_ALG" = "?" ] && OCSP_ALG=ecdsap256
[ "$CA_ALG" = "?" ] && CA_ALG=ecdsap256
speed "$OCSP_ALG"
speed "$CA_ALG"
OCSP_REF=${SPEED[$OCSP_ALG]}
CA_REF=${SPEED[$CA_ALG]}

# ------------------------------------------------------------------ table
{
	echo "sertel PKI bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) CPU(s), $(openssl version | cut -d' ' -f1-2); wrk -t1 -c$CONNS -d${SECS}s"
	printf '%-34s %12s   %-30s %10s   %s\n' "benchmark" "result/s" "reference (same run)" "ratio" "notes"
	printf '%-34s %12s   %-30s %10s   %s\n' "wrk GET /healthz (HTTP ceiling)" "${RPS[healthz]}" "-" "-" "${NOTE[healthz]}"
	for k in ocsp_post ocsp_get; do
		case $k in ocsp_post) n="wrk POST /ocsp" ;; *) n="wrk GET /ocsp/<b64>" ;; esac
		printf '%-34s %12s   %-30s %10s   %s\n' "$n" "${RPS[$k]}" "openssl $OCSP_ALG ${OCSP_REF} sign/s" \
			"$(ratio "${RPS[$k]}" "$OCSP_REF")" "${NOTE[$k]}; $(ratio "${RPS[$k]}" "${RPS[healthz]}") of /healthz; answer verified: $OCSP_OK"
	done
	printf '%-34s %12s   %-30s %10s   %s\n' "sertel bench issue (count $COUNT)" "${ISSUE_RATE}" "openssl $CA_ALG ${CA_REF} sign/s" \
		"$(ratio "$ISSUE_RATE" "$CA_REF")" "${ISSUE_NOTE:-certs/s}"
	printf '%-34s %12s   %-30s %10s   %s\n' "CLI admin cert issue x$CLI_COUNT" "$CLI_RATE" "openssl $CA_ALG ${CA_REF} sign/s" \
		"$(ratio "$CLI_RATE" "$CA_REF")" "one process per cert (process start included)"
} >table.txt
cat table.txt
if [ -n "${BENCH_OUT:-}" ]; then
	case $BENCH_OUT in /*) cp table.txt "$BENCH_OUT" ;; *) cp table.txt "$START_DIR/$BENCH_OUT" ;; esac
fi
