#!/usr/bin/python3
"""Browser tests of the portal: the environment from tests/e2e/harness.py
(a real SMTP sink, `sertel registry-sim`, `sertel serve` on loopback, an
ADMIN, agencies, verifiers with TOTP, an API client), then portal.test.mjs
drives headless Debian chromium through playwright-core.

  /usr/bin/python3 run.py            (from this folder, after `npm install`)

Environment: SERTEL_ROOT (the source tree whose tests/e2e/harness.py is
used; default: this repository), SERTEL (the binary, as for the other
end-to-end tests), SHOTS (where the screenshots go; default
build/screenshots), CHROMIUM (/usr/bin/chromium).
"""
import json, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.environ.get("SERTEL_ROOT") or os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
os.environ.setdefault("E2E_BUDGET", "400")

import harness as H  # noqa: E402
from harness import CTX, PEOPLE, check, email_of, expect, http  # noqa: E402


def mkpdf(text="Nota Dinas Nomor 17/2026"):
    """A small valid one-page PDF (Helvetica, WinAnsi)."""
    body = b"BT /F1 14 Tf 72 760 Td (%s) Tj ET" % text.encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(out)


def person(p):
    q = {k: p.get(k) for k in ("nik", "name", "birth_place", "birth_date", "gender", "category",
                               "nip", "nrp", "unit", "position", "face_path")}
    q["email"] = email_of(p)
    return q


def t_context():
    asn = [p for p in PEOPLE["ASN"] if p.get("active", True)]
    non = [p for p in PEOPLE["NON_ASN"] if p.get("active", True)]
    # The keyboard run's and the NON_ASN applicant's links are sent now;
    # the first applicant is registered by the verifier in the browser.
    for p in (asn[1], non[0]):
        expect(http("POST", "/api/v1/applications", {"name": p["name"], "email": email_of(p)},
                    token=CTX["verif.a"]), 201)
    pdf = os.path.join(H.T, "surat.pdf")
    with open(pdf, "wb") as f:
        f.write(mkpdf())
    ctx = {"base": H.BASE, "maildir": H.MAILDIR, "tmp": H.T, "pdf": pdf,
           "shots": os.path.abspath(os.environ.get("SHOTS") or os.path.join(ROOT, "build", "screenshots")),
           "chromium": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
           "verifier": {"username": "verif.a", "password": CTX["cred"]["verif.a"][0],
                        "totp_uri": CTX["cred"]["verif.a"][1]},
           "admin": {"username": "admin", "password": CTX["cred"]["admin"][0],
                     "totp_uri": CTX["cred"]["admin"][1]},
           "client": list(CTX["client"]),
           "mouse": person(asn[0]), "keyboard": person(asn[1]), "manual": person(non[0])}
    # sertel's root in an NSS database, for poppler's pdfsig.
    nss = os.path.join(H.T, "nss")
    os.makedirs(nss)
    subprocess.run(["certutil", "-N", "-d", "sql:" + nss, "--empty-password"], check=True,
                   capture_output=True)
    subprocess.run(["certutil", "-A", "-d", "sql:" + nss, "-n", "sertel-root", "-t", "CT,C,C", "-i",
                    os.path.join(H.D, "ca", "root.pem")], check=True, capture_output=True)
    ctx["nss"] = nss
    path = os.path.join(H.T, "ctx.json")
    with open(path, "w") as f:
        json.dump(ctx, f, indent=1)
    return path


def main():
    check("setup: SMTP sink, registry simulator, sertel serve", H.t_setup)
    check("setup: ADMIN, agencies, verifiers, API client", H.t_staff)
    ctx = check("setup: two applicants registered, a PDF to sign, an NSS database", t_context)
    if ctx is None:
        H.finish()
        sys.exit(1)
    sys.stdout.flush()
    # The browser run prints its own TAP lines, numbered after ours.
    p = subprocess.Popen(["node", os.path.join(HERE, "portal.test.mjs"), ctx, str(H.N)],
                         cwd=HERE, stdout=subprocess.PIPE, text=True)
    counted = False
    for line in p.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        m = re.match(r"# browser: (\d+) passed, (\d+) failed", line)
        if m:
            H.PASS += int(m.group(1))
            H.FAIL += int(m.group(2))
            counted = True
    rc = p.wait(600)
    if rc != 0 and not counted:
        H.FAIL += 1
        print("not ok %d - browser tests (node exit %d)" % (H.N + 1, rc))
    H.finish()
    sys.exit(1 if H.FAIL else 0)


if __name__ == "__main__":
    main()
