#!/usr/bin/env bash
# End-to-end test of `sertel registry-sim`, the sandbox Dukcapil / BKN / SIPP:
# generation of synthetic people, the three registries' answers, the face
# comparison, fault injection (fail, slow) and its counters, bad input.
# Checked with curl and python3's json module only.
#
#   tests/e2e/registry_sim.sh                   # against build/sertel
#   SERTEL=build/asan/sertel tests/e2e/registry_sim.sh
#   KEEP_TMP=1 tests/e2e/registry_sim.sh        # keep the temp dir
#
# Prints one TAP-like line per check, then "N passed, M failed"; exits non-zero
# when any check failed. Every wait is bounded; the run takes ~5-10 s.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERTEL=${SERTEL:-build/sertel}
case $SERTEL in
/*) ;;
*) if [ -x "$PWD/$SERTEL" ]; then SERTEL=$PWD/$SERTEL; else SERTEL=$ROOT/$SERTEL; fi ;;
esac
if [ ! -x "$SERTEL" ]; then
	echo "registry_sim.sh: no executable at $SERTEL (build first, or set SERTEL)" >&2
	exit 2
fi
for tool in curl python3 timeout cmp od; do
	command -v "$tool" >/dev/null || { echo "registry_sim.sh: $tool is required" >&2; exit 2; }
done
# Debian's python3 starts in a fraction of the time a version manager's
# shim takes; only its standard library is used.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

T=$(mktemp -d "${TMPDIR:-/tmp}/sertel-regsim.XXXXXX")
SPID="" SPID2=""
SAN=$T/sanitizer
mkdir -p "$SAN"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$SAN/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$SAN/ubsan"

stop() { # stop PID: TERM, then KILL after 2 s
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 20); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	return 1
}
cleanup() {
	stop "$SPID" || true
	stop "$SPID2" || true
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
BUDGET=${E2E_BUDGET:-30}
SX_TIMEOUT=30
. "$ROOT/tests/e2e/lib.sh"
# jget FILE PATH: the JSON value at a dotted path (people.0.nik); strings
# bare, anything else as JSON (true, 0.97, null ...).
jget() {
	"$PY" - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    d = d[int(k)] if isinstance(d, list) else d.get(k)
print(d if isinstance(d, str) else json.dumps(d))
PY
}
# mkreq OUT NIK NAME PLACE DATE GENDER FACE: a Dukcapil verify request
mkreq() {
	"$PY" - "$@" <<'PY'
import base64, json, sys
out, nik, name, place, date, gender, face = sys.argv[1:8]
selfie = base64.b64encode(open(face, "rb").read()).decode()
json.dump({"nik": nik, "name": name, "birth_place": place,
           "birth_date": date, "gender": gender, "selfie": selfie},
          open(out, "w"))
PY
}
# req METHOD PATH OUT [curl args]: prints the HTTP status
req() {
	local m=$1 p=$2 out=$3
	shift 3
	curl -sS --max-time 5 -X "$m" -o "$out" -w '%{http_code}' "$@" "$BASE$p"
}
# verify OUT REQFILE: POST a Dukcapil request, prints the status
verify() {
	req POST /dukcapil/v1/verify "$1" -H 'Content-Type: application/json' \
		--data-binary "@$2"
}
free_port() {
	local p
	if p=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null); then
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
# wait_up BASE LOG: until /_sim/stats answers (5 s at most)
wait_up() {
	for _ in $(seq 1 50); do
		curl -s --max-time 1 -o /dev/null "$1/_sim/stats" && return 0
		sleep 0.1
	done
	show "$2"
	return 1
}
# count REGISTRY: its request counter
count() {
	req GET /_sim/stats stats.json >/dev/null && jget stats.json "requests.$1"
}
# mode JSON: POST /_sim/mode
mode() {
	local code
	code=$(req POST /_sim/mode mode.json --data "$1") || return 1
	[ "$code" = 200 ] || { show mode.json; return 1; }
}

PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
P=$T/people

# ---------------------------------------------------------------- generation
t_generate() {
	sx registry-sim --generate 6 --out "$P" --seed 42 >gen.out 2>&1 || { show gen.out; die "generate failed"; }
	[ "$(jget "$P/people.json" sandbox)" = true ] || die "people.json lacks sandbox: true"
	[ "$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["people"]))' "$P/people.json")" = 6 ] ||
		die "not 6 people"
	for i in 1 2 3 4 5 6; do
		f=$P/faces/000$i.png
		[ -s "$f" ] || die "missing $f"
		[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || die "$f is not a PNG"
	done
	grep -qi synthetic "$P/README.txt" || { show "$P/README.txt"; die "README.txt does not say synthetic"; }
	# One of each category first, with the numbers each needs.
	[ "$(jget "$P/people.json" people.0.category)" = ASN ] || die "people[0] is not ASN"
	[ "$(jget "$P/people.json" people.1.category)" = POLRI ] || die "people[1] is not POLRI"
	[ "$(jget "$P/people.json" people.2.category)" = NON_ASN ] || die "people[2] is not NON_ASN"
	jget "$P/people.json" people.0.nip | grep -Eq '^[0-9]{18}$' || die "bad NIP"
	jget "$P/people.json" people.1.nrp | grep -Eq '^[0-9]{8}$' || die "bad NRP"
	for i in 0 1 2 3 4 5; do
		jget "$P/people.json" "people.$i.nik" | grep -Eq '^(1[1-9]|21|3[1-6]|5[1-3]|6[1-5]|7[1-6]|8[12]|9[1-6])[0-9]{14}$' ||
			die "people[$i]: NIK does not start with a province code"
	done
}
check "[gen] --generate 6 writes people.json, 6 PNG faces, a README that says synthetic" t_generate

t_nik_structure() {
	"$PY" - "$P/people.json" <<'PY'
import json, sys
for i, p in enumerate(json.load(open(sys.argv[1]))["people"]):
    nik, (y, m, d) = p["nik"], p["birth_date"].split("-")
    dd = int(d) + (40 if p["gender"] == "F" else 0)
    assert nik[6:12] == "%02d%s%s" % (dd, m, y[2:]), (i, "NIK date", nik)
    assert nik[2:4] != "00" and nik[4:6] != "00" and nik[12:] != "0000", (i, nik)
    if p["category"] == "ASN":
        nip = p["nip"]
        assert nip[:8] == y + m + d, (i, "NIP birth", nip)
        assert int(nip[8:12]) >= int(y) + 17 and 1 <= int(nip[12:14]) <= 12, (i, "NIP TMT", nip)
        assert nip[14] == ("2" if p["gender"] == "F" else "1"), (i, "NIP gender", nip)
    if p["category"] == "POLRI":
        assert p["nrp"][:4] == y[2:] + m, (i, "NRP", p["nrp"])
print("ok")
PY
}
check "[gen] NIK, NIP and NRP encode the birth date and gender" t_nik_structure

t_deterministic() {
	sx registry-sim --generate 6 --out "$T/again" --seed 42 >gen2.out 2>&1 || { show gen2.out; die "generate failed"; }
	cmp "$P/people.json" "$T/again/people.json" || die "people.json differs for the same seed"
	for i in 1 2 3 4 5 6; do
		cmp "$P/faces/000$i.png" "$T/again/faces/000$i.png" || die "face $i differs for the same seed"
	done
	sx registry-sim --generate 6 --out "$T/other" --seed 43 >gen3.out 2>&1 || die "generate failed"
	! cmp -s "$P/people.json" "$T/other/people.json" || die "another seed gave the same people"
}
check "[gen] the same seed gives identical files, another seed different ones" t_deterministic

# ---------------------------------------------------------------- serving
# The simulators run as children of this shell, never of a check's subshell:
# an orphan is reaped by init, and until it is, its zombie passes kill -0.
if [ -s "$P/people.json" ]; then
	"$SERTEL" registry-sim --listen "127.0.0.1:$PORT" --people "$P/people.json" >sim.log 2>&1 &
	SPID=$!
fi
t_start() {
	[ -n "$SPID" ] || die "no people (generation failed)"
	wait_up "$BASE" sim.log || die "simulator did not answer"
	grep -q SANDBOX sim.log || { show sim.log; die "no sandbox banner"; }
}
check "[sim] starts on loopback and says it is a sandbox" t_start

NIK0=$(jget "$P/people.json" people.0.nik 2>/dev/null || echo 0)
NAME0=$(jget "$P/people.json" people.0.name 2>/dev/null || echo x)
PLACE0=$(jget "$P/people.json" people.0.birth_place 2>/dev/null || echo x)
DATE0=$(jget "$P/people.json" people.0.birth_date 2>/dev/null || echo x)
G0=$(jget "$P/people.json" people.0.gender 2>/dev/null || echo M)
NIP0=$(jget "$P/people.json" people.0.nip 2>/dev/null || echo 0)
NRP1=$(jget "$P/people.json" people.1.nrp 2>/dev/null || echo 0)

t_own_face() {
	mkreq r1.json "$NIK0" "$NAME0" "$PLACE0" "$DATE0" "$G0" "$P/faces/0001.png" || die "mkreq failed"
	code=$(verify v1.json r1.json) || die "curl failed"
	[ "$code" = 200 ] || { show v1.json; die "HTTP $code"; }
	for k in nik_found name_match birth_place_match birth_date_match gender_match sandbox; do
		[ "$(jget v1.json $k)" = true ] || { show v1.json; die "$k is not true"; }
	done
	"$PY" -c 'import json,sys; s=json.load(open("v1.json"))["face_similarity"]; sys.exit(0 if s >= 0.9 else 1)' ||
		{ show v1.json; die "own face scored below 0.9"; }
}
check "[dukcapil] own data and own face (PNG selfie): every match true, face >= 0.9" t_own_face

t_titles() {
	mkreq r2.json "$NIK0" "Dr. ${NAME0^^}, S.Kom., M.T." "  ${PLACE0,,} " "$DATE0" "$G0" "$P/faces/0001.png" || die "mkreq failed"
	code=$(verify v2.json r2.json) || die "curl failed"
	[ "$code" = 200 ] || { show v2.json; die "HTTP $code"; }
	[ "$(jget v2.json name_match)" = true ] || { show v2.json; die "titles and case broke the name match"; }
	[ "$(jget v2.json birth_place_match)" = true ] || { show v2.json; die "case broke the place match"; }
}
check "[dukcapil] titles, case and spacing do not count in names and places" t_titles

t_other_face() {
	mkreq r3.json "$NIK0" "$NAME0" "$PLACE0" "$DATE0" "$G0" "$P/faces/0002.png" || die "mkreq failed"
	code=$(verify v3.json r3.json) || die "curl failed"
	[ "$code" = 200 ] || { show v3.json; die "HTTP $code"; }
	"$PY" -c 'import json,sys; s=json.load(open("v3.json"))["face_similarity"]; print(s); sys.exit(0 if s < 0.75 else 1)' ||
		{ show v3.json; die "another person's face reached the 0.75 threshold"; }
}
check "[dukcapil] another person's face scores below the 0.75 threshold" t_other_face

t_wrong_data() {
	mkreq r4.json "$NIK0" "Siti Aminah" "$PLACE0" "1999-01-01" "$G0" "$P/faces/0001.png" || die "mkreq failed"
	code=$(verify v4.json r4.json) || die "curl failed"
	[ "$code" = 200 ] || { show v4.json; die "HTTP $code"; }
	[ "$(jget v4.json nik_found)" = true ] || die "nik_found is not true"
	[ "$(jget v4.json name_match)" = false ] || { show v4.json; die "a wrong name matched"; }
	[ "$(jget v4.json birth_date_match)" = false ] || { show v4.json; die "a wrong date matched"; }
	[ "$(jget v4.json birth_place_match)" = true ] || { show v4.json; die "the right place did not match"; }
}
check "[dukcapil] wrong name and birth date -> name_match and birth_date_match false" t_wrong_data

t_unknown_nik() {
	mkreq r5.json 3171010101900001 "$NAME0" "$PLACE0" "$DATE0" "$G0" "$P/faces/0001.png" || die "mkreq failed"
	code=$(verify v5.json r5.json) || die "curl failed"
	[ "$code" = 200 ] || { show v5.json; die "HTTP $code"; }
	[ "$(jget v5.json nik_found)" = false ] || { show v5.json; die "unknown NIK found"; }
	[ "$(jget v5.json sandbox)" = true ] || die "no sandbox flag"
}
check "[dukcapil] unknown NIK -> nik_found false" t_unknown_nik

t_bkn() {
	code=$(req GET "/bkn/v1/asn/$NIP0" b1.json) || die "curl failed"
	[ "$code" = 200 ] || { show b1.json; die "HTTP $code"; }
	[ "$(jget b1.json found)" = true ] || die "not found"
	[ "$(jget b1.json active)" = true ] || die "not active"
	[ "$(jget b1.json nip)" = "$NIP0" ] || die "another NIP"
	[ "$(jget b1.json name)" = "$NAME0" ] || die "another name"
	[ -n "$(jget b1.json agency)" ] && [ -n "$(jget b1.json position)" ] || die "agency or position missing"
}
check "[bkn] the ASN's NIP -> 200 found, active, name, agency, position" t_bkn

t_sipp() {
	code=$(req GET "/sipp/v1/personel/$NRP1" s1.json) || die "curl failed"
	[ "$code" = 200 ] || { show s1.json; die "HTTP $code"; }
	[ "$(jget s1.json found)" = true ] || die "not found"
	[ "$(jget s1.json nrp)" = "$NRP1" ] || die "another NRP"
	[ "$(jget s1.json name)" = "$(jget "$P/people.json" people.1.name)" ] || die "another name"
	[ -n "$(jget s1.json rank)" ] && [ "$(jget s1.json active)" = true ] || die "rank or active missing"
}
check "[sipp] the POLRI officer's NRP -> 200 found, name, rank, active" t_sipp

t_unknown_ids() {
	code=$(req GET /bkn/v1/asn/199001012015011999 b2.json) || die "curl failed"
	[ "$code" = 404 ] || { show b2.json; die "unknown NIP: HTTP $code"; }
	[ "$(jget b2.json found)" = false ] || die "unknown NIP: found is not false"
	code=$(req GET /sipp/v1/personel/90019999 s2.json) || die "curl failed"
	[ "$code" = 404 ] && [ "$(jget s2.json found)" = false ] || die "unknown NRP: HTTP $code"
	code=$(req GET /bkn/v1/asn/12345 b3.json) || die "curl failed"
	[ "$code" = 400 ] || die "a 5-digit NIP: HTTP $code"
}
check "[bkn/sipp] unknown NIP and NRP -> 404 found:false; malformed NIP -> 400" t_unknown_ids

t_bad_requests() {
	code=$(req POST /dukcapil/v1/verify m1.json --data-binary '{"nik": "1234",') || die "curl failed"
	[ "$code" = 400 ] || { show m1.json; die "malformed JSON: HTTP $code"; }
	grep -q '"error"' m1.json || die "no error member"
	code=$(req POST /dukcapil/v1/verify m2.json --data-binary '{"nik": "3171010101900001"}') || die "curl failed"
	[ "$code" = 400 ] || { show m2.json; die "missing fields: HTTP $code"; }
	"$PY" - <<PY || die "mkreq failed"
import json
json.dump({"nik": "$NIK0", "name": "x", "birth_place": "x", "birth_date": "$DATE0",
           "gender": "M", "selfie": "dGhpcyBpcyBub3QgYW4gaW1hZ2U="}, open("m3req.json", "w"))
PY
	code=$(verify m3.json m3req.json) || die "curl failed"
	[ "$code" = 400 ] || { show m3.json; die "a selfie that is not an image: HTTP $code"; }
	code=$(req GET /no/such/path m4.json) || die "curl failed"
	[ "$code" = 404 ] || die "unknown path: HTTP $code"
	code=$(req GET /dukcapil/v1/verify m5.json) || die "curl failed"
	[ "$code" = 405 ] || die "GET verify: HTTP $code"
	head -c $((12 * 1024 * 1024)) /dev/zero | tr '\0' a >big.bin
	code=$(req POST /dukcapil/v1/verify m6.json --data-binary @big.bin) || die "curl failed"
	[ "$code" = 413 ] || die "12 MiB body: HTTP $code"
}
check "[sim] malformed JSON, missing fields, non-image selfie -> 400; unknown path 404; GET verify 405; 12 MiB 413" t_bad_requests

t_fail() {
	before=$(count bkn) || die "stats failed"
	mode '{"registry":"bkn","mode":"fail"}' || die "mode failed"
	for _ in 1 2 3; do
		code=$(req GET "/bkn/v1/asn/$NIP0" f1.json) || die "curl failed"
		[ "$code" = 503 ] || { show f1.json; die "fail mode: HTTP $code"; }
	done
	code=$(req GET "/sipp/v1/personel/$NRP1" f2.json) || die "curl failed"
	[ "$code" = 200 ] || die "SIPP failed along with BKN: HTTP $code"
	after=$(count bkn) || die "stats failed"
	[ "$after" -eq $((before + 3)) ] || die "BKN count went from $before to $after, not +3"
	mode '{"registry":"bkn","mode":"ok"}' || die "mode failed"
	code=$(req GET "/bkn/v1/asn/$NIP0" f3.json) || die "curl failed"
	[ "$code" = 200 ] || die "back to ok: HTTP $code"
}
check "[fault] fail mode -> 503 for that registry only, each attempt counted in /_sim/stats" t_fail

t_slow() {
	mode '{"registry":"dukcapil","mode":"slow","delay_ms":3000}' || die "mode failed"
	set +e
	curl -s --max-time 1 -o /dev/null -H 'Content-Type: application/json' \
		--data-binary @r1.json "$BASE/dukcapil/v1/verify"
	rc=$?
	set -e
	[ "$rc" = 28 ] || die "curl --max-time 1 against a 3 s delay: exit $rc, not 28 (timeout)"
	# A slow answer holds up only its own connection.
	code=$(req GET "/sipp/v1/personel/$NRP1" sl.json) || die "curl failed"
	[ "$code" = 200 ] || die "SIPP during a slow Dukcapil: HTTP $code"
	mode '{"registry":"all","mode":"ok"}' || die "mode failed"
	code=$(verify v6.json r1.json) || die "curl failed"
	[ "$code" = 200 ] || die "after slow mode: HTTP $code"
}
check "[fault] slow mode (3 s) -> curl --max-time 1 times out; other registries answer meanwhile" t_slow

t_bad_mode() {
	code=$(req POST /_sim/mode bm.json --data '{"registry":"kpu","mode":"fail"}') || die "curl failed"
	[ "$code" = 400 ] || die "unknown registry: HTTP $code"
	code=$(req POST /_sim/mode bm.json --data '{"registry":"all","mode":"slow","delay_ms":999999}') || die "curl failed"
	[ "$code" = 400 ] || die "delay over 60 s: HTTP $code"
	code=$(req POST /_sim/mode bm.json --data 'nonsense') || die "curl failed"
	[ "$code" = 400 ] || die "malformed mode: HTTP $code"
}
check "[fault] /_sim/mode refuses unknown registries, huge delays, malformed JSON" t_bad_mode

PORT2=$(free_port)
"$SERTEL" registry-sim --listen "127.0.0.1:$PORT2" --people "$P/people.json" --fail sipp >sim2.log 2>&1 &
SPID2=$!
t_cli_fail() {
	wait_up "http://127.0.0.1:$PORT2" sim2.log || die "second simulator did not answer"
	code=$(curl -s --max-time 5 -o c1.json -w '%{http_code}' "http://127.0.0.1:$PORT2/sipp/v1/personel/$NRP1") || die "curl failed"
	[ "$code" = 503 ] || die "--fail sipp: HTTP $code"
	code=$(curl -s --max-time 5 -o c2.json -w '%{http_code}' "http://127.0.0.1:$PORT2/bkn/v1/asn/$NIP0") || die "curl failed"
	[ "$code" = 200 ] || die "--fail sipp broke BKN: HTTP $code"
	stop "$SPID2" || die "did not stop on SIGTERM within 2 s"
}
check "[cli] --fail sipp starts with SIPP failing; SIGTERM stops it" t_cli_fail

t_refuses_unflagged() {
	"$PY" - "$P/people.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["sandbox"]
json.dump(d, open("unflagged.json", "w"))
PY
	cp -r "$P/faces" faces
	set +e
	timeout 10 "$SERTEL" registry-sim --listen "127.0.0.1:$(free_port)" --people unflagged.json >uf.out 2>&1
	rc=$?
	set -e
	[ "$rc" = 1 ] || { show uf.out; die "exit $rc, not 1"; }
	grep -q sandbox uf.out || { show uf.out; die "the error does not name the sandbox flag"; }
	set +e
	timeout 10 "$SERTEL" registry-sim --generate 0 --out x >u2.out 2>&1
	rc=$?
	set -e
	[ "$rc" = 2 ] || die "--generate 0: exit $rc, not 2"
}
check "[cli] a people file without \"sandbox\": true is refused; bad usage exits 2" t_refuses_unflagged

t_stop() {
	stop "$SPID" || die "the simulator did not stop on SIGTERM within 2 s"
}
check "[sim] stops on SIGTERM" t_stop

t_sanitizers() {
	local f found=0
	for f in "$SAN"/*; do
		[ -e "$f" ] || continue
		found=1
		echo "== $f"; head -n 30 "$f"
	done
	grep -E 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer' sim.log sim2.log 2>/dev/null && found=1
	[ $found = 0 ]
}
check "[san] no sanitizer reports from any sertel process" t_sanitizers

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
