#!/usr/bin/env bash
# End-to-end test of sertel's e-mail delivery against a real SMTP server
# (aiosmtpd from Debian's python3-aiosmtpd, storing what it receives in a
# Maildir), read back with Python's email package: `sertel admin mail
# test` delivers with the right To, Subject and Message-ID; a 5xx reply is
# a permanent failure, a 4xx reply or a stopped server a temporary one,
# each a one-line error; header injection is refused; the mailbox mode
# writes one .eml file.
#
#   tests/e2e/mail.sh                     # against build/sertel
#   SERTEL=build/asan/sertel tests/e2e/mail.sh
#   KEEP_TMP=1 tests/e2e/mail.sh          # keep the temp dir for inspection
#
# Prints one TAP-like line per check, then "N passed, M failed"; exits non-zero
# when any check failed. Every wait is bounded; the run takes a few seconds.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SERTEL=${SERTEL:-build/sertel}
case $SERTEL in
/*) ;;
*) if [ -x "$PWD/$SERTEL" ]; then SERTEL=$PWD/$SERTEL; else SERTEL=$ROOT/$SERTEL; fi ;;
esac
if [ ! -x "$SERTEL" ]; then
	echo "mail.sh: no executable at $SERTEL (build first, or set SERTEL)" >&2
	exit 2
fi
# Debian's python3 has aiosmtpd; the one first on PATH may not.
PY=/usr/bin/python3
"$PY" -c 'import aiosmtpd' 2>/dev/null ||
	{ echo "mail.sh: $PY lacks aiosmtpd (apt-get install python3-aiosmtpd)" >&2; exit 2; }
command -v timeout >/dev/null || { echo "mail.sh: timeout is required" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/sertel-e2e-mail.XXXXXX")
D=$T/instance
SINK_PID="" PICKY_PID=""
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
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	stop "$SINK_PID"
	stop "$PICKY_PID"
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
SX_TIMEOUT=20
. "$ROOT/tests/e2e/lib.sh"
one_line() { [ "$(grep -c . "$1")" -eq 1 ] && [ "$(wc -l <"$1")" -le 1 ]; }
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
conf_set() { # conf_set KEY VALUE: rewrites "KEY = ..." in sertel.conf
	sed -i "s|^$1 = .*|$1 = $2|" "$D/sertel.conf"
	grep -qx "$1 = $2" "$D/sertel.conf" || die "could not set $1 in sertel.conf"
}
# sink_start PORT MAILDIR CLASS [PYTHONPATH]: starts aiosmtpd in the
# background (in this shell, so that cleanup can stop it); sets LAST_PID
sink_start() {
	local port=$1 dir=$2 class=$3 pp=${4:-}
	PYTHONPATH=$pp "$PY" -m aiosmtpd -n -l "127.0.0.1:$port" -c "$class" "$dir" \
		>>"$T/sink.$port.log" 2>&1 &
	LAST_PID=$!
}
# sink_wait PID PORT: until the sink accepts connections (5 s at most)
sink_wait() {
	local pid=$1 port=$2
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || { show "$T/sink.$port.log"; return 1; }
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "nothing listens on $port after 5 s"
	return 1
}
msgs() { # msgs MAILDIR: number of delivered messages
	find "$1/new" "$1/cur" -type f 2>/dev/null | wc -l
}
# inspect FILE TO SUBJECT_PART MESSAGE_ID: parses a delivered message with
# Python's email package and checks its headers and body.
inspect() {
	"$PY" - "$@" <<'EOF'
import sys
from email import policy
from email.parser import BytesParser

path, to, subj, mid = sys.argv[1:5]
raw = open(path, "rb").read()
m = BytesParser(policy=policy.default).parsebytes(raw)
errs = []
def want(what, got, exp):
    if got != exp:
        errs.append(f"{what}: got {got!r}, want {exp!r}")
want("To", str(m["To"]), to)
want("X-RcptTo (envelope)", str(m["X-RcptTo"]), to)
want("Message-ID", str(m["Message-ID"]), mid)
if subj not in str(m["Subject"]):
    errs.append(f"Subject {str(m['Subject'])!r} lacks {subj!r}")
if m["Date"] is None or m["Date"].datetime is None:
    errs.append("no parseable Date")
want("Content-Type", m.get_content_type(), "text/plain")
want("charset", m.get_content_charset(), "utf-8")
body = m.get_content()
for s in ("Yth. " + to, "Dear " + to, "Hormat kami,"):
    if s not in body:
        errs.append(f"body lacks {s!r}")
if m.defects:
    errs.append(f"defects: {m.defects}")
# Everything the server got had CRLF line ends (aiosmtpd keeps them).
print(f"To={m['To']} Subject={m['Subject']} Message-ID={m['Message-ID']}")
if errs:
    print("\n".join(errs))
    sys.exit(1)
EOF
}

SINK_PORT=$(free_port)
PICKY_PORT=$(free_port)
while [ "$PICKY_PORT" = "$SINK_PORT" ]; do PICKY_PORT=$(free_port); done
TO=siti@example.go.id

# A handler that answers RCPT like a real server with a bad day: 550 for
# unknown@, 451 for busy@; otherwise it is aiosmtpd's own Mailbox.
cat >"$T/picky.py" <<'EOF'
from aiosmtpd.handlers import Mailbox


class Picky(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("unknown@"):
            return "550 5.1.1 No such user here"
        if address.startswith("busy@"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"
EOF

# ---------------------------------------------------------------- setup
sink_start "$SINK_PORT" "$T/maildir" aiosmtpd.handlers.Mailbox
SINK_PID=$LAST_PID
sink_start "$PICKY_PORT" "$T/picky" picky.Picky "$T"
PICKY_PID=$LAST_PID

t_setup() {
	sx init --dir "$D" >init.out 2>init.err || { show init.err; die "sertel init failed"; }
	sink_wait "$SINK_PID" "$SINK_PORT" || die "aiosmtpd (Mailbox) did not start"
	sink_wait "$PICKY_PID" "$PICKY_PORT" || die "aiosmtpd (picky) did not start"
	conf_set mail.smtp_url "smtp://127.0.0.1:$SINK_PORT"
	conf_set mail.starttls 0
}
check "[setup] sertel init; two aiosmtpd sinks listening; smtp_url set, starttls off" t_setup
if [ "$FAIL" -ne 0 ]; then
	echo "Bail out! no instance or no SMTP sink"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi

# ---------------------------------------------------------------- delivery
t_deliver() {
	local id f i
	sx admin mail test --to "$TO" --dir "$D" >send.out 2>send.err ||
		{ show send.err; die "admin mail test exited $?"; }
	id=$(sed -n 's/^sertel: test message \(<[^>]*>\) sent to .*/\1/p' send.out)
	[ -n "$id" ] || { show send.out; die "no message id in the output"; }
	echo "$id" >sent.id
	for i in $(seq 1 50); do
		[ "$(msgs "$T/maildir")" -ge 1 ] && break
		sleep 0.1
	done
	[ "$(msgs "$T/maildir")" -eq 1 ] || die "want 1 message in the Maildir, have $(msgs "$T/maildir")"
	f=$(find "$T/maildir/new" -type f | head -n 1)
	inspect "$f" "$TO" "Uji pengiriman e-mail" "$id" || { show "$f"; die "message check failed"; }
}
check "[1] admin mail test over SMTP: exit 0; one message with To, Subject, Message-ID, body" t_deliver

t_permanent() {
	conf_set mail.smtp_url "smtp://127.0.0.1:$PICKY_PORT"
	if sx admin mail test --to "unknown@example.go.id" --dir "$D" >p.out 2>p.err; then
		die "exit 0 for a refused recipient"
	fi
	one_line p.err || { show p.err; die "not a one-line error"; }
	grep -q '^sertel: bad_request: .*550' p.err || { show p.err; die "not a permanent (bad_request, 550) error"; }
	[ "$(msgs "$T/picky")" -eq 0 ] || die "a refused message was delivered"
}
check "[2] 550 to RCPT -> exit 1, one line 'bad_request ... 550' (permanent)" t_permanent

t_temporary_4xx() {
	if sx admin mail test --to "busy@example.go.id" --dir "$D" >b.out 2>b.err; then
		die "exit 0 for a deferred recipient"
	fi
	one_line b.err || { show b.err; die "not a one-line error"; }
	grep -q '^sertel: unavailable: .*451' b.err || { show b.err; die "not a temporary (unavailable, 451) error"; }
	# The picky sink delivers everyone else.
	sx admin mail test --to "$TO" --dir "$D" >ok.out 2>ok.err || { show ok.err; die "normal recipient refused"; }
	[ "$(msgs "$T/picky")" -eq 1 ] || die "want 1 message at the picky sink"
}
check "[3] 451 to RCPT -> exit 1, one line 'unavailable ... 451' (temporary)" t_temporary_4xx

t_injection() {
	conf_set mail.smtp_url "smtp://127.0.0.1:$SINK_PORT"
	if sx admin mail test --to $'x@example.go.id\r\nBcc: evil@example.com' --dir "$D" \
		>i.out 2>i.err; then
		die "exit 0 with CR/LF in the recipient"
	fi
	grep -q '^sertel: bad_request: ' i.err || { show i.err; die "not bad_request"; }
	[ "$(msgs "$T/maildir")" -eq 1 ] || die "something was delivered"
}
check "[4] CR/LF in --to (header injection) -> bad_request, nothing sent" t_injection

t_password_file() {
	printf 'Rahasia-Sekali-123\n' >"$D/smtp.pw"
	chmod 644 "$D/smtp.pw"
	conf_set mail.user sertel
	conf_set mail.password_file smtp.pw
	if sx admin mail test --to "$TO" --dir "$D" >pw.out 2>pw.err; then
		die "exit 0 with a world-readable password file"
	fi
	one_line pw.err || { show pw.err; die "not a one-line error"; }
	grep -q '^sertel: config: .*group or others' pw.err || { show pw.err; die "not refused as config"; }
	grep -q Rahasia pw.err pw.out && die "the password was printed"
	conf_set mail.user ""
	conf_set mail.password_file ""
	[ "$(msgs "$T/maildir")" -eq 1 ] || die "something was delivered"
}
check "[5] password file readable by others -> config error, password not shown" t_password_file

t_starttls_required() {
	conf_set mail.starttls 1
	if sx admin mail test --to "$TO" --dir "$D" >s.out 2>s.err; then
		die "exit 0 although the server offers no STARTTLS"
	fi
	conf_set mail.starttls 0
	one_line s.err || { show s.err; die "not a one-line error"; }
	grep -q '^sertel: unavailable: .*STARTTLS' s.err || { show s.err; die "not 'unavailable ... STARTTLS'"; }
	[ "$(msgs "$T/maildir")" -eq 1 ] || die "sent in clear text"
}
check "[6] mail.starttls = 1, server without STARTTLS -> not sent, 'unavailable' (temporary)" t_starttls_required

t_sink_down() {
	local t0
	stop "$SINK_PID"
	t0=$SECONDS
	if sx admin mail test --to "$TO" --dir "$D" >d.out 2>d.err; then
		die "exit 0 with the SMTP server stopped"
	fi
	one_line d.err || { show d.err; die "not a one-line error"; }
	grep -q '^sertel: unavailable: ' d.err || { show d.err; die "not a temporary (unavailable) error"; }
	cat d.err
	[ $((SECONDS - t0)) -le 12 ] || die "took longer than the connect timeout"
}
check "[7] SMTP server stopped -> exit 1, one line 'unavailable' (temporary)" t_sink_down

t_mailbox() {
	local id f n
	conf_set mail.smtp_url mailbox
	sx admin mail test --to "$TO" --dir "$D" >mb.out 2>mb.err || { show mb.err; die "exit $?"; }
	n=$(find "$D/mailbox" -name '*.eml' -type f | wc -l)
	[ "$n" -eq 1 ] || die "want 1 .eml in $D/mailbox, have $n"
	f=$(find "$D/mailbox" -name '*.eml' -type f)
	[ "$(stat -c %a "$f")" = 600 ] || die "$f has mode $(stat -c %a "$f")"
	[ "$(stat -c %a "$D/mailbox")" = 700 ] || die "mailbox/ has mode $(stat -c %a "$D/mailbox")"
	grep -qF "$f" mb.out || { show mb.out; die "output does not name the file"; }
	id=$(sed -n 's/^sertel: test message \(<[^>]*>\) for .*/\1/p' mb.out)
	[ -n "$id" ] || { show mb.out; die "no message id in the output"; }
	"$PY" - "$f" "$TO" "$id" <<'EOF' || die "mailbox message check failed"
import sys
from email import policy
from email.parser import BytesParser
path, to, mid = sys.argv[1:4]
raw = open(path, "rb").read()
assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
m = BytesParser(policy=policy.default).parsebytes(raw)
assert str(m["To"]) == to, m["To"]
assert str(m["Message-ID"]) == mid, m["Message-ID"]
assert "Uji pengiriman e-mail" in str(m["Subject"]), m["Subject"]
assert "Yth. " + to in m.get_content()
print("ok", path)
EOF
}
check "[8] mail.smtp_url = mailbox -> one .eml (0600) in DIR/mailbox (0700)" t_mailbox

# ---------------------------------------------------------------- sanitizers
t_sanitizers() {
	local f found=0
	for f in "$SAN"/*; do
		[ -e "$f" ] || continue
		found=1
		echo "== $f"
		head -n 30 "$f"
	done
	[ $found = 0 ]
}
check "[san] no sanitizer reports from any sertel process" t_sanitizers

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
