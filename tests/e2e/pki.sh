#!/usr/bin/env bash
# End-to-end test of sertel's PKI: issuance, OCSP (POST and GET), CRL, TSA,
# error handling and the audit hash chain, checked only with tools nobody on
# the team wrote (openssl, curl, sqlite3).
#
#   tests/e2e/pki.sh                      # against build/sertel
#   SERTEL=build/asan/sertel tests/e2e/pki.sh
#   KEEP_TMP=1 tests/e2e/pki.sh           # keep the temp dir for inspection
#
# Prints one TAP-like line per check, then "N passed, M failed"; exits non-zero
# when any check failed. Every wait is bounded; the run takes ~10-20 s.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERTEL=${SERTEL:-build/sertel}
case $SERTEL in
/*) ;;
*) if [ -x "$PWD/$SERTEL" ]; then SERTEL=$PWD/$SERTEL; else SERTEL=$ROOT/$SERTEL; fi ;;
esac
if [ ! -x "$SERTEL" ]; then
	echo "pki.sh: no executable at $SERTEL (build first, or set SERTEL)" >&2
	exit 2
fi
for tool in openssl curl sqlite3 od timeout; do
	command -v "$tool" >/dev/null || { echo "pki.sh: $tool is required" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/sertel-e2e.XXXXXX")
D=$T/instance
SPID=""
SAN=$T/sanitizer
mkdir -p "$SAN"
# Sanitizer builds: reports go to files, which the last check looks for.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$SAN/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$SAN/ubsan"

cleanup() {
	if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
		kill -TERM "$SPID" 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$SPID" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$SPID" 2>/dev/null || true
	fi
	if [ "${KEEP_TMP:-0}" = 1 ]; then
		echo "# kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$T"

# ---------------------------------------------------------------- helpers
BUDGET=${E2E_BUDGET:-90}
. "$ROOT/tests/e2e/lib.sh"
hget() { # hget URL OUT HDR [curl args]: prints the HTTP status
	local url=$1 out=$2 hdr=$3
	shift 3
	curl -sS --max-time 5 -o "$out" -D "$hdr" -w '%{http_code}' "$@" "$url"
}
header() { # header HDRFILE NAME: value of a response header
	tr -d '\r' <"$1" | sed -n "s/^$2: *//Ip" | tail -n 1
}
serial_of() { openssl x509 -in "$1" -noout -serial | sed 's/^serial=//'; }
# ocsp_post CERT OUT: openssl's own client against the URL in the cert's AIA
ocsp_post() {
	local url
	url=$(openssl x509 -in "$1" -noout -ocsp_uri) || return 1
	openssl ocsp -issuer issuing.pem -cert "$1" -url "$url" -CAfile chain.pem \
		-no_nonce -resp_text -timeout 5 >"$2" 2>&1
}
crl_url() { # CRL DP URI from the text form of the cert
	openssl x509 -in "$1" -noout -text |
		grep -A4 'X509v3 CRL Distribution Points' |
		sed -n 's/^ *URI://p' | head -n 1
}
# fetch_crl CERT BASENAME: fetches the CRL named in CERT to BASENAME.der/.pem
fetch_crl() {
	local url code
	url=$(crl_url "$1")
	[ -n "$url" ] || die "no CRL DP URI in $1"
	code=$(hget "$url" "$2.der" "$2.hdr") || die "curl $url failed"
	[ "$code" = 200 ] || { show "$2.hdr"; die "GET $url -> HTTP $code"; }
	openssl crl -inform DER -in "$2.der" -out "$2.pem" 2>"$2.err" ||
		{ show "$2.err"; die "CRL from $url is not DER"; }
}
crl_has() { # crl_has CRLPEM SERIAL
	openssl crl -in "$1" -noout -text | grep -qi "Serial Number: *$2\$"
}
hexnum() { # normalise a hex number: uppercase, no 0x, no leading zeros
	local h
	h=$(printf '%s' "$1" | sed 's/^0[xX]//' | tr a-f A-F | sed 's/^0*//')
	printf '%s' "${h:-0}"
}
hex_gt() { # hex_gt A B: A > B for arbitrarily long hex numbers
	local a b
	a=$(hexnum "$1") b=$(hexnum "$2")
	[ ${#a} -gt ${#b} ] && return 0
	[ ${#a} -lt ${#b} ] && return 1
	[[ $a > $b ]]
}
one_line() { # one_line FILE: exactly one non-empty line
	[ "$(grep -c . "$1")" -eq 1 ] && [ "$(wc -l <"$1")" -le 1 ]
}

free_port() {
	local p
	if p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null); then
		echo "$p"
		return
	fi
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	return 1
}

PORT=$(free_port)
BASE=http://127.0.0.1:$PORT

NAME="Budi Santoso"
EMAIL="budi.santoso@example.go.id"
AGENCY="Kementerian Contoh"
UNIT="Biro Umum"

# ---------------------------------------------------------------- setup
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
openssl pkey -in ec.key -pubout -out ec.pub.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
openssl pkey -in rsa.key -pubout -out rsa.pub.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec2.key 2>/dev/null
openssl pkey -in ec2.key -pubout -out ec2.pub.pem
head -c 3000 /dev/urandom >data.bin

t_init() {
	sx init --dir "$D" --base-url "$BASE" >init.out 2>init.err ||
		{ show init.out; show init.err; die "sertel init failed"; }
	[ -f "$D/sertel.db" ] || die "no $D/sertel.db after init"
	sx admin ca chain --dir "$D" >chain.pem 2>chain.err ||
		{ show chain.err; die "sertel admin ca chain failed"; }
	[ "$(grep -c 'BEGIN CERTIFICATE' chain.pem)" -eq 2 ] ||
		{ show chain.pem; die "chain does not hold exactly 2 certificates"; }
	awk '/BEGIN CERTIFICATE/{n++} n==1' chain.pem >issuing.pem
	awk '/BEGIN CERTIFICATE/{n++} n==2' chain.pem >root.pem
	openssl verify -CAfile root.pem root.pem >v.out 2>&1 ||
		{ show v.out; die "root is not self-signed"; }
	openssl verify -CAfile root.pem issuing.pem >v.out 2>&1 ||
		{ show v.out; die "issuing CA does not chain to root"; }
}
check "[setup] sertel init --base-url, admin ca chain gives issuing then root" t_init
if [ "$FAIL" -ne 0 ]; then
	echo "Bail out! no instance to test"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi

server_start() {
	"$SERTEL" serve --dir "$D" --listen "127.0.0.1:$PORT" >>"$T/serve.log" 2>&1 &
	SPID=$!
}
t_healthz() {
	local i code
	for i in $(seq 1 100); do
		kill -0 "$SPID" 2>/dev/null || { show "$T/serve.log"; die "sertel serve exited"; }
		code=$(curl -s --max-time 1 -o hz.out -D hz.hdr -w '%{http_code}' "$BASE/healthz" 2>/dev/null) || code=000
		[ "$code" = 200 ] && break
		sleep 0.1
	done
	[ "$code" = 200 ] || { show "$T/serve.log"; die "no 200 from /healthz within 10 s (last: $code)"; }
	echo "ready after ~$((i * 100)) ms"
	header hz.hdr content-type | grep -qi '^application/json' ||
		{ show hz.hdr; die "/healthz Content-Type is not application/json"; }
	grep -q '^[[:space:]]*[{[]' hz.out || { show hz.out; die "/healthz body is not JSON"; }
}
server_start
check "[setup] serve starts; GET /healthz -> 200 JSON within 10 s" t_healthz

# ---------------------------------------------------------------- 1. issuance
t_issue() { # t_issue KEYBASE
	local b=$1
	sx admin cert issue --dir "$D" --pubkey "$b.pub.pem" --name "$NAME" \
		--email "$EMAIL" --agency "$AGENCY" --unit "$UNIT" >"$b.pem" 2>"$b.err" ||
		{ show "$b.err"; die "sertel admin cert issue failed"; }
	openssl x509 -in "$b.pem" -noout 2>/dev/null || { show "$b.pem"; die "stdout is not a PEM certificate"; }
	serial_of "$b.pem" >"$b.serial"
	openssl verify -CAfile root.pem -untrusted issuing.pem "$b.pem" >"$b.verify" 2>&1 ||
		{ show "$b.verify"; die "openssl verify rejects"; }
	grep -q "^$b.pem: OK" "$b.verify" || { show "$b.verify"; die "no 'OK'"; }
	# the certified key is the one we sent
	[ "$(openssl x509 -in "$b.pem" -noout -pubkey)" = "$(cat "$b.pub.pem")" ] ||
		die "certified public key differs from --pubkey"
}
check "[1] issue for EC P-256 key; openssl verify -CAfile root -untrusted issuing OK" t_issue ec
check "[1] issue for RSA-2048 key; openssl verify OK" t_issue rsa
check "[1] issue a third cert (EC P-256) for the CRL-number check" t_issue ec2

# ---------------------------------------------------------------- 2. profile
t_profile() { # t_profile CERT
	local c=$1 txt serial subj
	need "$c"
	txt=$(openssl x509 -in "$c" -noout -text)
	echo "$txt" | grep -A1 'X509v3 Key Usage: critical' | tail -n 1 |
		grep -qx ' *Digital Signature, Non Repudiation *' ||
		{ echo "$txt"; die "KU is not exactly 'critical, Digital Signature, Non Repudiation'"; }
	serial=$(serial_of "$c")
	[ ${#serial} -eq 40 ] || die "serial $serial is ${#serial} hex chars, not 40"
	case $serial in
	0[1-9A-F]* | [1-7]*) ;;
	*) die "serial $serial: first octet not in 01..7F" ;;
	esac
	subj=$(openssl x509 -in "$c" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
	echo "subject: $subj"
	for rdn in "C=ID" "O=$AGENCY" "OU=$UNIT" "CN=$NAME" "emailAddress=$EMAIL"; do
		echo ",$subj," | grep -qF ",$rdn," || die "subject lacks $rdn: $subj"
	done
	if echo "$txt" | grep -q 'CA:TRUE'; then die "certificate has CA:TRUE"; fi
	echo "$txt" | grep -q 'X509v3 Certificate Policies' || die "no certificate policies"
	echo "$txt" | grep -q 'OCSP - URI:http' || die "no OCSP URI in AIA"
	echo "$txt" | grep -q 'CA Issuers - URI:http' || die "no caIssuers URI in AIA"
	[ -n "$(crl_url "$c")" ] || die "no CRL DP URI"
}
check "[2] EC cert profile: KU critical DS+NR, 20-octet serial, subject C/O/OU/CN/email, no CA:TRUE" t_profile ec.pem
check "[2] RSA cert profile" t_profile rsa.pem

t_urls() {
	need ec.pem
	local txt
	txt=$(openssl x509 -in ec.pem -noout -text)
	[ "$(openssl x509 -in ec.pem -noout -ocsp_uri)" = "$BASE/ocsp" ] ||
		die "OCSP URI is not $BASE/ocsp"
	echo "$txt" | grep -qF "CA Issuers - URI:$BASE/ca/issuing.cer" || die "caIssuers is not $BASE/ca/issuing.cer"
	[ "$(crl_url ec.pem)" = "$BASE/crl/issuing.crl" ] || die "CRL DP is not $BASE/crl/issuing.crl"
}
check "[2] AIA/CRL DP carry <base-url>/ocsp, /ca/issuing.cer, /crl/issuing.crl" t_urls

t_ca_certs() {
	need issuing.pem root.pem
	local code
	for c in issuing root; do
		code=$(hget "$BASE/ca/$c.cer" "$c.cer" "$c.cer.hdr") || die "curl failed"
		[ "$code" = 200 ] || die "GET /ca/$c.cer -> $code"
		openssl x509 -inform DER -in "$c.cer" -outform DER -out "$c.cer.norm" 2>/dev/null ||
			die "/ca/$c.cer is not a DER certificate"
		openssl x509 -in "$c.pem" -outform DER -out "$c.pem.der"
		cmp -s "$c.cer.norm" "$c.pem.der" || die "/ca/$c.cer differs from 'admin ca chain'"
		cmp -s "$c.cer" "$c.pem.der" || die "/ca/$c.cer has trailing bytes"
	done
}
check "[2] GET /ca/issuing.cer and /ca/root.cer are DER and match 'admin ca chain'" t_ca_certs

# ---------------------------------------------------------------- 3. OCSP POST
t_ocsp_good() { # t_ocsp_good CERT
	need "$1"
	ocsp_post "$1" "$1.ocsp" || { show "$1.ocsp"; die "openssl ocsp failed"; }
	grep -q "^$1: good" "$1.ocsp" || { show "$1.ocsp"; die "no '$1: good'"; }
	grep -q 'Response verify OK' "$1.ocsp" || { show "$1.ocsp"; die "no 'Response verify OK'"; }
}
check "[3] openssl ocsp (POST, URL from AIA) on EC cert: good, Response verify OK" t_ocsp_good ec.pem
check "[3] openssl ocsp on RSA cert: good, Response verify OK" t_ocsp_good rsa.pem

t_ocsp_responder() {
	need ec.pem.ocsp
	# The responder is a delegated cert (issued by the issuing CA) with the
	# OCSPSigning EKU, and is included in the response.
	local url
	url=$(openssl x509 -in ec.pem -noout -ocsp_uri)
	openssl ocsp -issuer issuing.pem -cert ec.pem -url "$url" -no_nonce -noverify \
		-resp_text -respout ocsp.resp.der -timeout 5 >r.txt 2>&1 || { show r.txt; die "openssl ocsp failed"; }
	grep -q 'OCSP Signing' r.txt || { show r.txt; die "no responder cert with OCSP Signing EKU in the response"; }
	awk '/BEGIN CERTIFICATE/,/END CERTIFICATE/' r.txt >responder.pem
	need responder.pem
	openssl verify -CAfile root.pem -untrusted issuing.pem -purpose ocsphelper responder.pem >rv.txt 2>&1 ||
		openssl verify -CAfile root.pem -untrusted issuing.pem responder.pem >rv.txt 2>&1 ||
		{ show rv.txt; die "responder cert does not chain to the root"; }
	[ "$(openssl x509 -in responder.pem -noout -issuer)" = "$(openssl x509 -in issuing.pem -noout -subject | sed 's/^subject=/issuer=/')" ] ||
		die "responder cert is not issued by the issuing CA"
}
check "[3] OCSP response includes a delegated responder cert (issued by issuing CA, EKU OCSPSigning)" t_ocsp_responder

t_ocsp_unknown() {
	need issuing.pem
	openssl ocsp -issuer issuing.pem -serial 0x7F0102030405060708090A0B0C0D0E0F10111213 \
		-url "$BASE/ocsp" -CAfile chain.pem -no_nonce -timeout 5 >unk.txt 2>&1 || { show unk.txt; die "openssl ocsp failed"; }
	cat unk.txt
	grep -qE '^0x7F0102030405060708090A0B0C0D0E0F10111213: (unknown|revoked)' unk.txt ||
		die "a never-issued serial is not 'unknown' (or 'revoked')"
	grep -q 'Response verify OK' unk.txt || die "no 'Response verify OK'"
}
check "[3] OCSP for a never-issued serial of our issuer: unknown (not good), signed" t_ocsp_unknown

t_ocsp_foreign() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout foreign.key \
		-out foreign.pem -subj /CN=foreign -days 2 >/dev/null 2>&1 || die "cannot make a foreign cert"
	openssl ocsp -issuer foreign.pem -cert foreign.pem -url "$BASE/ocsp" -CAfile chain.pem \
		-no_nonce -timeout 5 >for.txt 2>&1 || true
	cat for.txt
	grep -qiE 'Responder Error: unauthorized|: unknown' for.txt ||
		die "another issuer's cert is neither 'unauthorized' nor 'unknown'"
}
check "[3] OCSP for another issuer's cert: unauthorized (or unknown)" t_ocsp_foreign

# ---------------------------------------------------------------- 4. OCSP GET
b64url() { base64 -w0 "$1" | sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g'; }
t_ocsp_get() {
	need ec.pem issuing.pem
	local code ct cc
	openssl ocsp -issuer issuing.pem -cert ec.pem -no_nonce -reqout req.der >/dev/null 2>&1 ||
		die "openssl ocsp -reqout failed"
	code=$(hget "$BASE/ocsp/$(b64url req.der)" get.resp.der get.hdr) || die "curl failed"
	[ "$code" = 200 ] || { show get.hdr; die "GET /ocsp/... -> HTTP $code"; }
	ct=$(header get.hdr content-type)
	cc=$(header get.hdr cache-control)
	echo "Content-Type: $ct; Cache-Control: $cc"
	echo "$ct" | grep -qi '^application/ocsp-response' || die "Content-Type is '$ct'"
	echo "$cc" | grep -qiE '(^|[ ,])max-age=[0-9]+' || die "Cache-Control '$cc' has no max-age"
	openssl ocsp -respin get.resp.der -issuer issuing.pem -cert ec.pem -CAfile chain.pem \
		-no_nonce -resp_text >get.txt 2>&1 || { show get.txt; die "openssl ocsp -respin failed"; }
	grep -q '^ec.pem: good' get.txt || { show get.txt; die "no 'ec.pem: good'"; }
	grep -q 'Response verify OK' get.txt || { show get.txt; die "no 'Response verify OK'"; }
}
check "[4] GET /ocsp/<urlencoded b64>: good, verify OK, application/ocsp-response, Cache-Control max-age" t_ocsp_get

t_ocsp_get_raw() {
	need req.der
	local raw code
	# RFC 6960 clients send URL-encoded base64; unencoded '/', '+', '=' must
	# work too. Find a request whose base64 has at least one of them.
	raw=$(base64 -w0 req.der)
	code=$(hget "$BASE/ocsp/$raw" getraw.der getraw.hdr) || die "curl failed"
	[ "$code" = 200 ] || die "GET /ocsp/$raw -> HTTP $code"
	openssl ocsp -respin getraw.der -issuer issuing.pem -cert ec.pem -CAfile chain.pem \
		-no_nonce >getraw.txt 2>&1 || { show getraw.txt; die "openssl ocsp -respin failed"; }
	grep -q '^ec.pem: good' getraw.txt || { show getraw.txt; die "not good"; }
	echo "base64: $raw"
}
check "[4] GET /ocsp/<b64 without URL-encoding> also answers good" t_ocsp_get_raw

# ---------------------------------------------------------------- 5. revocation -> OCSP
t_revoke_ocsp() {
	need ec.serial
	local s end
	s=$(cat ec.serial)
	sx admin cert revoke --dir "$D" "$s" --reason keyCompromise >rev.out 2>rev.err ||
		{ show rev.out; show rev.err; die "sertel admin cert revoke failed"; }
	# "A revocation is visible in OCSP within seconds": allow 10 s.
	end=$((SECONDS + 10))
	while :; do
		ocsp_post ec.pem rev.ocsp || true
		grep -q '^ec.pem: revoked' rev.ocsp && break
		[ "$SECONDS" -lt "$end" ] || break
		sleep 0.25
	done
	grep -q '^ec.pem: revoked' rev.ocsp || { show rev.ocsp; die "OCSP does not say revoked within 10 s"; }
	echo "revoked visible in OCSP after <= $((SECONDS + 10 - end)) s"
	grep -q 'Reason: keyCompromise' rev.ocsp || { show rev.ocsp; die "no 'Reason: keyCompromise'"; }
	grep -q 'Response verify OK' rev.ocsp || { show rev.ocsp; die "no 'Response verify OK'"; }
	sx admin cert show --dir "$D" "$s" >show.out 2>show.err || { show show.err; die "admin cert show failed"; }
	grep -qi 'revoked' show.out || { show show.out; die "'admin cert show' does not say revoked"; }
}
check "[5] revoke keyCompromise via CLI while serving; openssl ocsp: revoked, Reason: keyCompromise" t_revoke_ocsp

t_other_still_good() {
	t_ocsp_good rsa.pem
	sx admin cert show --dir "$D" "$(cat rsa.serial)" >show2.out 2>&1 || { show show2.out; die "admin cert show failed"; }
	if grep -qi 'revoked' show2.out; then show show2.out; die "RSA cert shows as revoked"; fi
}
check "[5] the RSA cert is still good in OCSP and 'admin cert show'" t_other_still_good

# ---------------------------------------------------------------- 6. CRL
t_crl() {
	need ec.pem ec.serial
	local s end
	s=$(cat ec.serial)
	end=$((SECONDS + 10))
	while :; do
		fetch_crl ec.pem crl1
		crl_has crl1.pem "$s" && break
		[ "$SECONDS" -lt "$end" ] || break
		sleep 0.25
	done
	crl_has crl1.pem "$s" || { openssl crl -in crl1.pem -noout -text; die "serial $s not on the CRL within 10 s"; }
	openssl crl -inform DER -in crl1.der -CAfile chain.pem -noout >crlv.txt 2>&1 ||
		{ show crlv.txt; die "openssl crl -CAfile chain.pem failed"; }
	grep -q 'verify OK' crlv.txt || { show crlv.txt; die "no 'verify OK'"; }
	openssl crl -in crl1.pem -noout -text >crl1.txt
	grep -A4 -i "Serial Number: *$s\$" crl1.txt | grep -q 'Key Compromise' ||
		{ show crl1.txt; die "no CRL reason Key Compromise for $s"; }
	grep -q 'X509v3 CRL Number' crl1.txt || { show crl1.txt; die "no CRL Number"; }
	grep -q 'X509v3 Authority Key Identifier' crl1.txt || { show crl1.txt; die "no AKI"; }
	[ "$(openssl crl -in crl1.pem -noout -issuer)" = "$(openssl x509 -in issuing.pem -noout -subject | sed 's/^subject=/issuer=/')" ] ||
		die "CRL issuer is not the issuing CA"
	if crl_has crl1.pem "$(cat rsa.serial)"; then die "unrevoked RSA cert is on the CRL"; fi
}
check "[6] CRL from the cert's CRL DP: DER, verify OK with chain, lists the serial (Key Compromise)" t_crl

t_crl_root() {
	local code
	code=$(hget "$BASE/crl/root.crl" root.crl root.crl.hdr) || die "curl failed"
	[ "$code" = 200 ] || die "GET /crl/root.crl -> $code"
	openssl crl -inform DER -in root.crl -CAfile root.pem -noout >rcrl.txt 2>&1 ||
		{ show rcrl.txt; die "openssl crl failed"; }
	grep -q 'verify OK' rcrl.txt || { show rcrl.txt; die "no 'verify OK'"; }
	openssl crl -inform DER -in root.crl -out root.crl.pem
}
check "[6] GET /crl/root.crl: DER, verify OK against root" t_crl_root

# ---------------------------------------------------------------- 7. verify -crl_check
t_crl_check() {
	need crl1.pem
	openssl verify -crl_check -CRLfile crl1.pem -CAfile root.pem -untrusted issuing.pem ec.pem >cc1.txt 2>&1 &&
		{ show cc1.txt; die "revoked cert accepted"; }
	grep -q 'certificate revoked' cc1.txt || { show cc1.txt; die "no 'certificate revoked'"; }
	openssl verify -crl_check -CRLfile crl1.pem -CAfile root.pem -untrusted issuing.pem rsa.pem >cc2.txt 2>&1 ||
		{ show cc2.txt; die "good cert rejected"; }
	grep -q '^rsa.pem: OK' cc2.txt || { show cc2.txt; die "no 'rsa.pem: OK'"; }
	if [ -s root.crl.pem ]; then
		cat crl1.pem root.crl.pem >crls.pem
		openssl verify -crl_check_all -CRLfile crls.pem -CAfile root.pem -untrusted issuing.pem rsa.pem >cc3.txt 2>&1 ||
			{ show cc3.txt; die "good cert rejected with -crl_check_all"; }
	fi
}
check "[7] openssl verify -crl_check rejects the revoked cert, accepts the other (also -crl_check_all)" t_crl_check

t_crl_number() {
	need crl1.pem ec2.serial
	local s n1 n2 end
	s=$(cat ec2.serial)
	n1=$(openssl crl -in crl1.pem -noout -crlnumber | sed 's/^crlNumber=//')
	sx admin cert revoke --dir "$D" "$s" --reason superseded >rev2.out 2>&1 ||
		{ show rev2.out; die "second revoke failed"; }
	end=$((SECONDS + 10))
	while :; do
		fetch_crl ec2.pem crl2
		crl_has crl2.pem "$s" && break
		[ "$SECONDS" -lt "$end" ] || break
		sleep 0.25
	done
	crl_has crl2.pem "$s" || die "second serial $s not on the CRL within 10 s"
	crl_has crl2.pem "$(cat ec.serial)" || die "first serial dropped from the CRL"
	n2=$(openssl crl -in crl2.pem -noout -crlnumber | sed 's/^crlNumber=//')
	echo "CRL number $n1 -> $n2"
	hex_gt "$n2" "$n1" || die "CRL number did not increase ($n1 -> $n2)"
}
check "[6] CRL number increases after a second revocation" t_crl_number

# ---------------------------------------------------------------- 8. TSA
t_tsa() { # t_tsa DIGEST
	local h=$1 code ct qn rn
	openssl ts -query -data data.bin "-$h" -cert -out "q.$h.tsq" 2>/dev/null || die "openssl ts -query failed"
	code=$(hget "$BASE/tsa" "r.$h.tsr" "r.$h.hdr" -H 'Content-Type: application/timestamp-query' \
		--data-binary "@q.$h.tsq") || die "curl failed"
	[ "$code" = 200 ] || { show "r.$h.hdr"; die "POST /tsa -> HTTP $code"; }
	ct=$(header "r.$h.hdr" content-type)
	echo "$ct" | grep -qi '^application/timestamp-reply' || die "Content-Type is '$ct'"
	openssl ts -verify -data data.bin -in "r.$h.tsr" -CAfile root.pem -untrusted issuing.pem >"v.$h.txt" 2>&1 ||
		{ show "v.$h.txt"; openssl ts -reply -in "r.$h.tsr" -text; die "openssl ts -verify failed"; }
	grep -q 'Verification: OK' "v.$h.txt" || { show "v.$h.txt"; die "no 'Verification: OK'"; }
	openssl ts -reply -in "r.$h.tsr" -text >"r.$h.txt" 2>&1 || { show "r.$h.txt"; die "cannot print reply"; }
	grep -q 'Status: Granted' "r.$h.txt" || { show "r.$h.txt"; die "status not Granted"; }
	grep -qi "Hash Algorithm: $h" "r.$h.txt" || { show "r.$h.txt"; die "hash algorithm is not $h"; }
	qn=$(openssl ts -query -in "q.$h.tsq" -text | sed -n 's/^Nonce: *//p')
	rn=$(sed -n 's/^Nonce: *//p' "r.$h.txt")
	[ -n "$qn" ] || die "query has no nonce"
	[ "$qn" = "$rn" ] || { show "r.$h.txt"; die "nonce not echoed: query $qn, reply '$rn'"; }
	# the TSA cert is issued by the issuing CA and is in the token
	openssl ts -reply -in "r.$h.tsr" -token_out -out "tok.$h.der" 2>/dev/null || die "no token"
	openssl pkcs7 -inform DER -in "tok.$h.der" -print_certs -out "tsacert.$h.pem" 2>/dev/null || die "cannot read token certs"
	grep -q 'BEGIN CERTIFICATE' "tsacert.$h.pem" || die "TSA cert not included although -cert was asked"
}
check "[8] TSA SHA-256: POST /tsa, openssl ts -verify OK, nonce echoed" t_tsa sha256
check "[8] TSA SHA-384" t_tsa sha384
check "[8] TSA SHA-512" t_tsa sha512

# ---------------------------------------------------------------- 9. garbage
is_malformed() { # is_malformed FILE
	[ "$(od -An -tx1 "$1" | tr -d ' \n')" = 30030a0101 ]
}
t_ocsp_garbage() { # t_ocsp_garbage KIND
	local code
	case $1 in
	random) { printf 'not DER at all'; head -c 200 /dev/urandom; } >junk.bin ;;
	empty) : >junk.bin ;;
	truncated) need req.der; head -c 20 req.der >junk.bin ;;
	esac
	code=$(hget "$BASE/ocsp" "junk.$1.resp" "junk.$1.hdr" -H 'Content-Type: application/ocsp-request' \
		--data-binary @junk.bin) || die "curl failed"
	[ "$code" = 200 ] || { show "junk.$1.hdr"; die "HTTP $code, not 200"; }
	openssl ocsp -respin "junk.$1.resp" -resp_text -noverify >"junk.$1.txt" 2>&1 || true
	echo "bytes: $(od -An -tx1 "junk.$1.resp" | head -n 2 | tr -s ' \n' ' ')"
	cat "junk.$1.txt"
	grep -qi 'malformedrequest' "junk.$1.txt" || die "openssl does not report malformedrequest"
	is_malformed "junk.$1.resp" || die "body is not exactly 30 03 0a 01 01"
}
check "[9] random bytes POSTed to /ocsp -> 200, OCSPResponse malformedRequest" t_ocsp_garbage random
check "[9] empty body POSTed to /ocsp -> 200, malformedRequest" t_ocsp_garbage empty
check "[9] truncated request POSTed to /ocsp -> 200, malformedRequest" t_ocsp_garbage truncated

t_tsa_garbage() { # t_tsa_garbage KIND
	local code
	case $1 in
	random) { printf 'not DER at all'; head -c 200 /dev/urandom; } >tjunk.bin ;;
	empty) : >tjunk.bin ;;
	esac
	code=$(hget "$BASE/tsa" "tjunk.$1.tsr" "tjunk.$1.hdr" -H 'Content-Type: application/timestamp-query' \
		--data-binary @tjunk.bin) || die "curl failed"
	echo "HTTP $code"
	[ "$code" = 200 ] || { show "tjunk.$1.hdr"; die "HTTP $code, not 200"; }
	openssl ts -reply -in "tjunk.$1.tsr" -text >"tjunk.$1.txt" 2>&1 ||
		{ show "tjunk.$1.txt"; die "reply is not a TimeStampResp"; }
	cat "tjunk.$1.txt"
	grep -q 'Status: Rejected' "tjunk.$1.txt" || die "no 'Status: Rejected'"
}
check "[9] random bytes POSTed to /tsa -> TimeStampResp Status: Rejected" t_tsa_garbage random
check "[9] empty body POSTed to /tsa -> TimeStampResp Status: Rejected" t_tsa_garbage empty

t_alive() {
	kill -0 "$SPID" 2>/dev/null || { show "$T/serve.log"; die "server died"; }
	local code
	code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$BASE/healthz") || die "curl failed"
	[ "$code" = 200 ] || die "/healthz -> $code"
}
check "[9] server still answers /healthz after garbage" t_alive

# ---------------------------------------------------------------- 13. 404
t_404() {
	local code ct
	code=$(hget "$BASE/no/such/path" nf.json nf.hdr -H 'Accept-Language: en') || die "curl failed"
	cat nf.json; echo
	[ "$code" = 404 ] || die "HTTP $code, not 404"
	ct=$(header nf.hdr content-type)
	echo "$ct" | grep -qi '^application/json' || die "Content-Type is '$ct'"
	python3 - nf.json <<'EOF' || die "body is not {\"error\":{\"code\":...,\"message\":<English>}}"
import json, sys
d = json.load(open(sys.argv[1]))
e = d["error"]
assert "code" in e and isinstance(e["message"], str) and e["message"], e
m = e["message"].lower()
assert any(w in m for w in ("not found", "no such", "unknown", "does not exist")), m
EOF
	hget "$BASE/no/such/path" nf.id.json nf.id.hdr -H 'Accept-Language: id' >/dev/null || true
	echo "Accept-Language: id -> $(cat nf.id.json)"
}
check "[13] unknown path -> 404 JSON {error:{code,message}}, English with Accept-Language: en" t_404

# ---------------------------------------------------------------- stop
t_stop() {
	[ "$1" = 0 ] || { show "$T/serve.log"; die "serve exit status $1 after SIGTERM"; }
}
rc=0
if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
	kill -TERM "$SPID"
	for _ in $(seq 1 50); do
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SPID" 2>/dev/null; then
		kill -KILL "$SPID"
		rc=timeout
	fi
	wrc=0
	wait "$SPID" || wrc=$?
	[ "$rc" = timeout ] || rc=$wrc
else
	rc=dead
fi
SPID=""
check "[serve] SIGTERM stops serve within 5 s with exit status 0" t_stop "$rc"

# ---------------------------------------------------------------- 10. audit
t_audit_ok() {
	sx audit verify --dir "$D" >av.out 2>av.err || { show av.out; show av.err; die "audit verify fails on an untouched instance"; }
	local n
	n=$(sqlite3 "$D/sertel.db" 'SELECT count(*) FROM audit') || die "cannot read audit table"
	echo "audit rows: $n"
	[ "$n" -ge 4 ] || die "only $n audit rows after init, 3 issues and 2 revocations"
	[ "$(sqlite3 "$D/sertel.db" 'SELECT count(*) FROM audit WHERE id IN (2,3)')" = 2 ] || die "no audit rows 2 and 3"
}
check "[10] sertel audit verify passes on the untouched instance" t_audit_ok

tamper() { # tamper NAME SQL: copy of the instance with SQL applied
	rm -rf "${T:?}/${1:?}"
	cp -a "$D" "$T/$1"
	local db=$T/$1/sertel.db trig
	# an attacker with write access to the file can drop append-only triggers
	for trig in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit'"); do
		sqlite3 "$db" "DROP TRIGGER \"$trig\"" || return 1
		echo "(dropped trigger $trig)"
	done
	sqlite3 "$db" "$2"
}
t_audit_tamper() { # t_audit_tamper NAME SQL ROW
	tamper "$1" "$2" || die "tampering failed"
	local st=0
	sx audit verify --dir "$T/$1" >"$1.out" 2>"$1.err" || st=$?
	if [ $st = 0 ]; then
		show "$1.out"; show "$1.err"; die "audit verify passes on a tampered db"
	fi
	echo "exit $st; stderr:"; cat "$1.err"
	if [ -n "$3" ]; then
		grep -qE "(^|[^0-9])$3([^0-9]|\$)" "$1.err" || die "stderr does not name row $3"
	fi
}
check "[10] UPDATE audit detail of row 2 -> audit verify fails naming row 2" \
	t_audit_tamper upd "UPDATE audit SET detail='x' WHERE id=2" 2
check "[10] DELETE audit row 2 -> audit verify fails" \
	t_audit_tamper del "DELETE FROM audit WHERE id=2" ""
check "[10] swap audit rows 2 and 3 -> audit verify fails" \
	t_audit_tamper swap "CREATE TEMP TABLE s AS SELECT * FROM audit WHERE id IN (2,3);
UPDATE audit SET
 ts=(SELECT ts FROM s WHERE s.id=5-audit.id), actor=(SELECT actor FROM s WHERE s.id=5-audit.id),
 action=(SELECT action FROM s WHERE s.id=5-audit.id), object=(SELECT object FROM s WHERE s.id=5-audit.id),
 detail=(SELECT detail FROM s WHERE s.id=5-audit.id), prev=(SELECT prev FROM s WHERE s.id=5-audit.id),
 hash=(SELECT hash FROM s WHERE s.id=5-audit.id), mac=(SELECT mac FROM s WHERE s.id=5-audit.id)
 WHERE id IN (2,3);" ""
check "[10] UPDATE the actor of the last row -> audit verify fails" \
	t_audit_tamper last "UPDATE audit SET actor=actor || 'x' WHERE id=(SELECT max(id) FROM audit)" ""

# ---------------------------------------------------------------- 11. init twice
t_init_again() {
	local before after
	before=$(sha256sum "$D/sertel.db")
	if sx init --dir "$D" --base-url "$BASE" >ia.out 2>ia.err; then
		die "second init on an existing instance succeeded"
	fi
	show ia.err
	one_line ia.err || die "stderr is not one line"
	after=$(sha256sum "$D/sertel.db")
	[ "$before" = "$after" ] || die "the existing database was modified"
}
check "[11] sertel init on an existing dir fails, one-line stderr, db untouched" t_init_again

# ---------------------------------------------------------------- 12. CLI errors
t_revoke_bad() { # t_revoke_bad SERIAL REASON
	if sx admin cert revoke --dir "$D" "$1" --reason "$2" >rb.out 2>rb.err; then
		die "revoke $1 --reason $2 succeeded"
	fi
	show rb.err
	one_line rb.err || die "stderr is not one line"
}
check "[12] revoke with unknown reason fails with one-line message" t_revoke_bad "$(cat rsa.serial 2>/dev/null || echo 00)" notAReason
check "[12] revoke of unknown serial fails with one-line message" t_revoke_bad 7F0102030405060708090A0B0C0D0E0F10111213 keyCompromise
t_rsa_unrevoked() {
	sx admin cert show --dir "$D" "$(cat rsa.serial)" >s3.out 2>&1 || { show s3.out; die "show failed"; }
	if grep -qi revoked s3.out; then show s3.out; die "failed revoke changed the status"; fi
}
check "[12] the failed revoke left the RSA cert unrevoked" t_rsa_unrevoked

# ---------------------------------------------------------------- 14. algorithms
# An operator writes sertel.conf before the first init to choose names and
# algorithms: an RSA hierarchy with a P-384 TSA, and a P-384 holder key.
D2=$T/rsa-instance
PORT2=$(free_port)
BASE2=http://127.0.0.1:$PORT2
t_alg_init() {
	mkdir -p "$D2" || die "mkdir"
	cat >"$D2/sertel.conf" <<CONF
base_url = $BASE2
organization = Balai Uji Algoritma
root.cn = Uji Root RSA
root.key = rsa3072
issuing.key = rsa2048
ocsp.key = rsa2048
tsa.key = p384
CONF
	sx init --dir "$D2" >i2.out 2>i2.err || { show i2.err; die "init with a pre-written config failed"; }
	grep -q '^root.key = rsa3072' "$D2/sertel.conf" || { show "$D2/sertel.conf"; die "the operator's choice was not kept"; }
	sx admin ca chain --dir "$D2" >chain2.pem || die "chain"
	awk '/BEGIN CERTIFICATE/{n++} n==1' chain2.pem >issuing2.pem
	awk '/BEGIN CERTIFICATE/{n++} n==2' chain2.pem >root2.pem
	openssl x509 -in root2.pem -noout -text >r2.txt
	grep -q 'Public-Key: (3072 bit)' r2.txt || { show r2.txt; die "root is not RSA-3072"; }
	grep -q 'CN = Uji Root RSA' r2.txt || die "root CN from the config not used"
	grep -q 'sha256WithRSAEncryption' r2.txt || die "root not signed with sha256WithRSAEncryption"
	openssl x509 -in issuing2.pem -noout -text | grep -q 'Public-Key: (2048 bit)' || die "issuing CA is not RSA-2048"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.key 2>/dev/null
	openssl pkey -in p384.key -pubout -out p384.pub.pem
	sx admin cert issue --dir "$D2" --pubkey p384.pub.pem --name "Rina Wati" \
		--email rina@uji.go.id --agency "Badan Uji" >p384.pem 2>p384.err || { show p384.err; die "issue failed"; }
	openssl verify -CAfile root2.pem -untrusted issuing2.pem p384.pem >v2.out 2>&1 || { show v2.out; die "verify failed"; }
	grep -q "URI:$BASE2/ocsp" <(openssl x509 -in p384.pem -noout -text) || die "AIA does not carry the configured base_url"
}
check "[14] init honours a pre-written sertel.conf: RSA-3072 root, RSA-2048 issuing, P-384 holder verifies" t_alg_init
t_alg_serve() {
	need p384.pem root2.pem issuing2.pem
	"$SERTEL" serve --dir "$D2" --listen "127.0.0.1:$PORT2" >>"$T/serve.log" 2>&1 &
	local pid=$! i ok=1
	for i in $(seq 1 100); do
		curl -s --max-time 1 -o /dev/null "$BASE2/healthz" && break
		sleep 0.1
	done
	openssl ocsp -issuer issuing2.pem -cert p384.pem -url "$BASE2/ocsp" -CAfile root2.pem \
		-no_nonce >o2.out 2>&1 && grep -q 'Response verify OK' o2.out && grep -q 'p384.pem: good' o2.out ||
		{ show o2.out; ok=0; }
	openssl ts -query -data data.bin -sha512 -cert -out q2.tsq 2>/dev/null &&
		curl -s --max-time 5 -H 'Content-Type: application/timestamp-query' \
			--data-binary @q2.tsq "$BASE2/tsa" -o r2.tsr &&
		openssl ts -verify -data data.bin -in r2.tsr -CAfile root2.pem -untrusted issuing2.pem \
			>t2.out 2>&1 && grep -q 'Verification: OK' t2.out || { show t2.out; ok=0; }
	openssl ts -reply -in r2.tsr -token_out -out tok2.der 2>/dev/null &&
		openssl cms -cmsout -inform DER -in tok2.der -print 2>/dev/null | grep -q 'ecdsa-with-SHA384' ||
		{ echo "the P-384 TSA did not sign with ecdsa-with-SHA384"; ok=0; }
	kill -TERM $pid; wait $pid 2>/dev/null
	[ $ok = 1 ]
}
check "[14] RSA-2048 OCSP responder and P-384 TSA answers verify with openssl" t_alg_serve

# ---------------------------------------------------------------- sanitizers
t_sanitizers() {
	local f found=0
	for f in "$SAN"/*; do
		[ -e "$f" ] || continue
		found=1
		echo "== $f"; head -n 30 "$f"
	done
	grep -E 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer' "$T/serve.log" && found=1
	[ $found = 0 ]
}
check "[san] no sanitizer reports from any sertel process" t_sanitizers

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
