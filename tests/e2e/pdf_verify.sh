#!/usr/bin/env bash
# pdf_verify.sh - the verification engine (`sertel verify`) against signatures that
# tools nobody on the team wrote have made, judged side by side with
# poppler's pdfsig:
#
#   a CA made with the openssl CLI, imported into an NSS database with
#   certutil/pk12util; a PDF signed with `pdfsig -add-signature`
#   (adbe.pkcs7.detached); a byte-flipped copy; a copy with an appended
#   incremental update that changes the page content; a twice-signed
#   file; an encrypted signed file. For each, pdfsig's verdict on the
#   signature and on the certificate must equal ours, and our
#   modification verdict must say what the increment did. Then the CLI
#   driver's exit codes and its --json, --bsre-v1 and --bsre-v2 output.
#
# usage: tests/e2e/pdf_verify.sh [TOOL]     (default: `$SERTEL verify`)
set -euo pipefail

SERTEL=$(realpath "${SERTEL:-build/sertel}")
TOOL=${1:-}
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/pdfverify-e2e.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
cd "$T"
if [ -z "$TOOL" ]; then
	TOOL=$T/sertel-verify
	printf '#!/bin/sh\nexec "%s" verify "$@"\n' "$SERTEL" > "$TOOL"
	chmod +x "$TOOL"
fi
TOOL=$(realpath "$TOOL")

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
bad() { failed=$((failed + 1)); echo "not ok - $1"; }
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

# ---- tools written here: a one-page PDF, an increment that adds content
cat > mkpdf.py <<'EOF'
import sys
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>", None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
text = b"BT /F1 24 Tf 72 700 Td (Nota Dinas 17/2026) Tj ET"
objs[3] = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
offs = []
for i, o in enumerate(objs):
    offs.append(len(out))
    out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
out += b"".join(b"%010d 00000 n \n" % o for o in offs)
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
    len(objs) + 1, x)
open(sys.argv[1], "wb").write(out)
EOF
cat > addcontent.py <<'EOF'
# Appends an increment that rewrites the first page with /Contents
# [old new], the new stream drawing extra text (classic xref only).
import re, sys
data = open(sys.argv[1], "rb").read()
page = [m for m in re.finditer(rb"(\d+) (\d+) obj\s*(<<.*?>>)\s*endobj", data, re.S)
        if re.search(rb"/Type\s*/Page\b", m.group(3))][-1]
num, gen, body = int(page.group(1)), int(page.group(2)), page.group(3)
size = int(re.findall(rb"/Size\s+(\d+)", data)[-1])
prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
root = re.findall(rb"/Root\s+(\d+ \d+ R)", data)[-1]
old = re.search(rb"/Contents\s+(\d+ \d+ R|\[[^\]]*\])", body)
ref = b"%d 0 R" % size
c = old.group(1)
c = c[:-1] + b" " + ref + b"]" if c.startswith(b"[") else b"[" + c + b" " + ref + b"]"
body = body[:old.start(1)] + c + body[old.end(1):]
s = b"BT /F1 24 Tf 72 600 Td (DIBATALKAN) Tj ET"
out = bytearray(data)
if not out.endswith(b"\n"):
    out += b"\n"
o1 = len(out)
out += b"%d %d obj\n" % (num, gen) + body + b"\nendobj\n"
o2 = len(out)
out += b"%d 0 obj\n<< /Length %d >>\nstream\n" % (size, len(s)) + s + b"\nendstream\nendobj\n"
x = len(out)
out += b"xref\n%d 1\n%010d %05d n \n%d 1\n%010d 00000 n \n" % (num, o1, gen, size, o2)
out += b"trailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
    size + 1, root, prev, x)
open(sys.argv[2], "wb").write(out)
EOF
cat > flip.py <<'EOF'
# Changes one byte of the page text, inside the first signed range.
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"Nota Dinas")
d[i] ^= 0x01
open(sys.argv[2], "wb").write(d)
EOF
# Our verdicts as "field sigok trusted" lines, and one JSON field.
cat > ours.py <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["signatures"]:
    i = s["integrity"]
    print(s["field"], str(i["message_digest_ok"] and i["signature_ok"]).lower(),
          str(s["chain"]["trusted"]).lower())
EOF
cat > field.py <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if not isinstance(v, str) else v)
EOF
# pdfsig's verdicts in the same shape; "-" where pdfsig does not judge
# the certificate (it stops at a digest mismatch). Without -no-ocsp:
# poppler 22.12 then reports every certificate as having an "unknown
# issue"; our certificates have no AIA, so no network is used.
pdfsig_verdicts() {
	pdfsig -nssdir "sql:$T/nss" "$@" 2>/dev/null | awk '
	function out() { if (f != "") print f, s, c; f = "" }
	/^Signature #/ { out(); c = "-" }
	/Signature Field Name:/ { f = $NF }
	/Signature Validation:/ { s = ($0 ~ /Signature is Valid/) ? "true" : "false" }
	/Certificate Validation:/ { c = ($0 ~ /Certificate is Trusted/) ? "true" : "false" }
	END { out() }'
}
# Equal, but only where pdfsig judged.
cat > same.py <<'EOF'
import sys
p, o = sys.argv[1].splitlines(), sys.argv[2].splitlines()
ok = len(p) == len(o) and len(p) > 0
for a, b in zip(p, o):
    a, b = a.split(), b.split()
    ok = ok and len(a) == len(b) == 3 and all(x == "-" or x == y for x, y in zip(a, b))
sys.exit(0 if ok else 1)
EOF
same() { $PY same.py "$1" "$2"; }
ours() {
	"$TOOL" "$@" --json > ours.json || true
	$PY ours.py ours.json
}
field() { $PY field.py ours.json "$1"; }

# ---- a CA, an NSS database, a signing certificate
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
    -days 3650 -subj "/C=ID/O=E2E Root/CN=E2E Test Root" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout user.key -out user.csr \
    -subj "/C=ID/O=Pemda Uji/OU=Sekretariat/CN=Andi Wijaya/emailAddress=andi@uji.go.id" \
    2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' > ext.cnf
openssl x509 -req -in user.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
    -days 700 -extfile ext.cnf -out user.pem 2>/dev/null
openssl pkcs12 -export -inkey user.key -in user.pem -certfile ca.pem \
    -name andi -passout pass: -out user.p12
mkdir nss
certutil -N -d sql:nss --empty-password
certutil -A -d sql:nss -n e2e-root -t "CT,C,C" -i ca.pem
pk12util -i user.p12 -d sql:nss -W "" >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem \
    -days 30 -subj "/CN=Unrelated Root" 2>/dev/null

# ---- the documents
$PY mkpdf.py plain.pdf
pdfsig -nssdir sql:nss -add-signature -nick andi \
    -new-signature-field-name Sig1 -reason "Menyetujui" plain.pdf signed.pdf \
    2>/dev/null
$PY flip.py signed.pdf flipped.pdf
$PY addcontent.py signed.pdf changed.pdf
pdfsig -nssdir sql:nss -add-signature -nick andi \
    -new-signature-field-name Sig2 signed.pdf twice.pdf 2>/dev/null
qpdf --encrypt rahasia owner 256 -- plain.pdf enc.pdf
pdfsig -nssdir sql:nss -add-signature -nick andi -upw rahasia \
    -new-signature-field-name SigE enc.pdf enc-signed.pdf 2>/dev/null
echo rahasia > pw.txt
echo salah > wrong.txt

# ---- verdicts side by side
for f in signed flipped changed twice; do
	p=$(pdfsig_verdicts "$f.pdf")
	o=$(ours "$f.pdf" --trust ca.pem)
	if same "$p" "$o"; then
		ok "$f.pdf: pdfsig and we agree ($(echo "$p" | tr '\n' ';'))"
	else
		bad "$f.pdf: pdfsig says [$p], we say [$o]"
	fi
done
p=$(pdfsig_verdicts -upw rahasia enc-signed.pdf)
o=$(ours enc-signed.pdf --trust ca.pem --password-file pw.txt)
check "enc-signed.pdf: pdfsig and we agree" same "$p" "$o"

# ---- what only we judge: changes after signing
"$TOOL" changed.pdf --trust ca.pem --json > ours.json || true
check "changed.pdf: content_changed" \
    test "$(field signatures.0.modifications.verdict)" = content_changed
check "changed.pdf: names the page's /Contents" \
    grep -q '"what": "page 1: /Contents changed' ours.json
"$TOOL" twice.pdf --trust ca.pem --json > ours.json || true
check "twice.pdf: the first signature allows the second" \
    test "$(field signatures.0.modifications.verdict)" = allowed
check "twice.pdf: the second covers the whole file" \
    test "$(field signatures.1.byte_range.covers_whole_file)" = true
check "twice.pdf: the first does not" \
    test "$(field signatures.0.byte_range.covers_whole_file)" = false
"$TOOL" flipped.pdf --trust ca.pem --json > ours.json || true
check "flipped.pdf: digest mismatch, ByteRange itself fine" \
    test "$(field signatures.0.integrity.message_digest_ok)" = false -a \
    "$(field signatures.0.byte_range.valid)" = true
"$TOOL" signed.pdf --trust ca.pem --json > ours.json
check "signed.pdf: signer fields" \
    test "$(field signatures.0.signer.common_name)" = "Andi Wijaya" -a \
    "$(field signatures.0.signer.organizational_unit)" = Sekretariat -a \
    "$(field signatures.0.signer.email)" = andi@uji.go.id
check "signed.pdf: serial equals openssl's" \
    test "$(field signatures.0.signer.serial)" = \
    "$(openssl x509 -in user.pem -noout -serial | cut -d= -f2)"
check "signed.pdf: sub_filter" \
    test "$(field signatures.0.sub_filter)" = adbe.pkcs7.detached

# ---- exit codes
rc() { set +e; "$TOOL" "$@" >/dev/null 2>&1; echo $?; set -e; }
check "exit 0: signed and trusted" test "$(rc signed.pdf --trust ca.pem)" = 0
check "exit 0: twice signed" test "$(rc twice.pdf --trust ca.pem)" = 0
check "exit 1: no trust anchors" test "$(rc signed.pdf)" = 1
check "exit 1: unrelated trust anchor" \
    test "$(rc signed.pdf --trust other.pem)" = 1
check "exit 1: byte flipped" test "$(rc flipped.pdf --trust ca.pem)" = 1
check "exit 1: content changed" test "$(rc changed.pdf --trust ca.pem)" = 1
check "exit 1: no signature" test "$(rc plain.pdf --trust ca.pem)" = 1
printf 'not a pdf' > junk.pdf
: > empty.pdf
head -c 2000 signed.pdf > truncated.pdf
check "exit 1: not a PDF" test "$(rc junk.pdf)" = 1
check "exit 1: empty file" test "$(rc empty.pdf)" = 1
check "exit 1: truncated" test "$(rc truncated.pdf --trust ca.pem)" = 1
check "exit 0: encrypted, password file" \
    test "$(rc enc-signed.pdf --trust ca.pem --password-file pw.txt)" = 0
check "exit 2: encrypted, no password" \
    test "$(rc enc-signed.pdf --trust ca.pem)" = 2
check "exit 2: encrypted, wrong password" \
    test "$(rc enc-signed.pdf --trust ca.pem --password-file wrong.txt)" = 2
check "exit 2: no arguments" test "$(rc)" = 2
check "exit 2: unknown option" test "$(rc signed.pdf --bogus)" = 2
check "exit 2: missing file" test "$(rc nosuch.pdf)" = 2
check "exit 2: unreadable trust file" test "$(rc signed.pdf --trust nosuch.pem)" = 2

# ---- JSON outputs
"$TOOL" junk.pdf --json > ours.json || true
check "--json on a non-PDF: an error object" \
    test "$(field error)" = pdf_invalid
"$TOOL" plain.pdf --json > ours.json || true
check "--json unsigned: zero signatures, not all valid" \
    test "$(field signature_count)" = 0 -a "$(field all_valid)" = false
"$TOOL" signed.pdf --trust ca.pem --bsre-v1 > ours.json
check "--bsre-v1: contract fields" $PY -c '
import json, sys
r = json.load(open("ours.json"))
assert list(r) == ["nama_dokumen", "jumlah_signature", "notes", "details", "summary"]
d = r["details"][0]
assert set(d) == {"info_tsa", "signature_field", "info_signer", "signature_document"}
assert set(d["info_signer"]) == {"issuer_dn", "signer_name", "signer_cert_validity",
                                 "signer_dn", "cert_user_certified"}
assert set(d["signature_document"]) == {"signed_using_tsa", "reason",
    "document_integrity", "signature_value", "signed_in", "location", "hash_value"}
assert r["nama_dokumen"] == "signed.pdf" and r["jumlah_signature"] == 1
assert r["summary"] == "DOCUMENT VALID !!!"
assert d["signature_field"] == "Sig1" and d["info_signer"]["signer_name"] == "Andi Wijaya"
assert d["signature_document"]["reason"] == "Menyetujui"
assert r["notes"] == "Dokumen asli dan valid, tetapi dokumen tidak menggunakan waktu TSA"
'
"$TOOL" signed.pdf --trust ca.pem --bsre-v2 > ours.json
check "--bsre-v2: contract fields and vendor spellings" $PY -c '
import json
r = json.load(open("ours.json"))
assert list(r) == ["conclusion", "description", "signatureInformations", "signatureCount"]
assert r["conclusion"] == "VALID" and r["signatureCount"] == 1
s = r["signatureInformations"][0]
for k in ["id", "fieldName", "signerName", "signatureDate", "location", "reason",
          "signatureFormat", "certLevelCode", "integrityValid", "certificateTrusted",
          "ltv", "lastSignature", "digestAlgorithm", "signatureAlgorithm",
          "timestampInfomation", "certificateDetails"]:
    assert k in s, k
assert s["id"].startswith("S-") and s["signatureFormat"] == "PKCS7-B"
c = s["certificateDetails"][0]
assert c["signatureAlgoritm"] == "RSA with SHA256" and c["id"].startswith("C-")
assert c["keyUsages"] == ["digitalSignature", "nonRepudiation"]
assert int(c["serialNumber"]) > 0
'
"$TOOL" plain.pdf --bsre-v2 > ours.json || true
check "--bsre-v2 unsigned: NO_SIGNATURE" test "$(field conclusion)" = NO_SIGNATURE

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
