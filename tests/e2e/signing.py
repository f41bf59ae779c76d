#!/usr/bin/python3
"""End-to-end test of signing and verification (DESIGN §7): the BSrE
Esign Client API v1 and v2, the native API, `sertel sign` and `sertel
verify`, and the public page of a signature, judged by poppler's pdfsig
(with sertel's root in an NSS database) and pdftoppm.

A real SMTP server, the registry simulator and `sertel serve` on loopback;
an ASN holder of KEMENKEU issued through the real workflow; an API client
of KEMENKEU and one of another agency.
"""
import base64, json, os, re, sqlite3, subprocess, urllib.request

import harness as H
from harness import (BASE, CTX, D, PEOPLE, T, activation, check, email_of, expect, http, link_token,
                     register, set_passphrase, sx, t_setup, t_staff, wait_mail, wait_status)

PASS = "Kopi tubruk di Blok M, pagi yang cerah"
NSS = os.path.join(T, "nss")


def mkpdf(text="Nota Dinas Nomor 17/2026", pages=1, anchor="#ttd#"):
    """A small valid PDF written here (Helvetica, WinAnsi)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None]
    kids = []
    for i in range(pages):
        n = 3 + 2 * i
        kids.append(b"%d 0 R" % n)
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    for i in range(pages):
        n = 3 + 2 * i
        body = b"BT /F1 14 Tf 72 760 Td (%s, halaman %d) Tj ET" % (text.encode(), i + 1)
        if anchor:
            body += b" BT /F1 12 Tf 400 200 Td (%s) Tj ET" % anchor.encode()
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
                    b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (n + 1, 3 + 2 * pages))
        objs.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
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


def multipart(fields):
    b = "----sertelB0undary"
    out = bytearray()
    for k, v in fields.items():
        out += b"--" + b.encode() + b"\r\n"
        if isinstance(v, tuple):
            out += ('Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
                    'Content-Type: %s\r\n\r\n' % (k, v[0], v[2])).encode() + v[1] + b"\r\n"
        else:
            out += ('Content-Disposition: form-data; name="%s"\r\n\r\n' % k).encode() + str(v).encode() + b"\r\n"
    out += b"--" + b.encode() + b"--\r\n"
    return bytes(out), "multipart/form-data; boundary=" + b


def post_form(path, fields, basic=None):
    body, ct = multipart(fields)
    return http("POST", path, body, basic=basic or CTX["client"], ctype=ct, raw=True)


def pdfsig(path):
    r = subprocess.run(["pdfsig", "-nssdir", "sql:" + NSS, path], capture_output=True, text=True, timeout=60)
    return r.stdout + r.stderr


def save(name, data):
    p = os.path.join(T, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def v1_sign(nik, pdf, passphrase=PASS, basic=None, **extra):
    f = {"file": ("surat.pdf", pdf, "application/pdf"), "nik": nik, "passphrase": passphrase,
         "tampilan": "invisible"}
    f.update(extra)
    return post_form("/api/sign/pdf", f, basic)


def holder():
    return PEOPLE["ASN"][0]


# ---------------------------------------------------------------- setup
def t_holder():
    p = holder()
    app = register(p)
    tok = link_token(wait_mail(email_of(p), r"^Aktivasi"))
    expect(http("POST", "/api/v1/activation/" + tok, activation(p)), 202)
    wait_status(CTX["verif.a"], app["id"], "VERIFIED")
    serial, _ = set_passphrase(p, PASS)
    CTX["serial"] = serial
    CTX["app"] = app["id"]
    k = expect(http("POST", "/api/v1/api-clients", {"agency": "BAPPEDA", "name": "SIMPEG Bappeda"},
               token=CTX["admin"]), 201)
    CTX["other"] = (k["client_id"], k["client_secret"])
    os.makedirs(NSS)
    subprocess.run(["certutil", "-N", "-d", "sql:" + NSS, "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", "sql:" + NSS, "-n", "sertel-root", "-t", "CT,C,C", "-i",
                    os.path.join(D, "ca", "root.pem")], check=True, capture_output=True)


# ---------------------------------------------------------------- v1
def t_v1_sign():
    pdf = mkpdf()
    st, out, hdr = v1_sign(holder()["nik"], pdf)
    assert st == 200 and hdr["Content-Type"] == "application/pdf", (st, out[:300])
    assert out.startswith(pdf), "not an incremental update"
    doc = hdr["id_dokumen"]
    assert re.fullmatch(r"[0-9A-F]{24}", doc), doc
    p = save("v1.pdf", out)
    o = pdfsig(p)
    assert "Signature is Valid" in o and "Certificate is Trusted" in o, o
    assert "ETSI.CAdES.detached" in o, o
    CTX["v1"] = (p, doc)
    # Download once; the second time the contract's 404.
    st, again, hdr = http("GET", "/api/sign/download/" + doc, basic=CTX["client"], raw=True)
    assert st == 200 and again == out, st
    st, j = http("GET", "/api/sign/download/" + doc, basic=CTX["client"])
    assert st == 404 and j["error"] == "Dokumen telah didownload sebelumnya", (st, j)
    st, j = http("GET", "/api/sign/download/000000000000000000000000", basic=CTX["client"])
    assert st == 404, st
    st, j = http("GET", "/api/sign/download/" + doc, basic=CTX["other"])
    assert st == 404, st


def t_v1_refusals():
    pdf = mkpdf()
    st, out, _ = v1_sign(holder()["nik"], pdf, passphrase="bukan passphrase saya")
    j = json.loads(out)
    assert st == 400 and j["status_code"] == 2031 and j["error"] == "Passphrase anda salah", (st, j)
    st, out, _ = v1_sign("3201010101010001", pdf)
    j = json.loads(out)
    assert st == 400 and j["status_code"] == 2011 and "2011" in j["error"], (st, j)
    # Another agency's client: the holder does not exist for it.
    st, out, _ = v1_sign(holder()["nik"], pdf, basic=CTX["other"])
    j = json.loads(out)
    assert st == 400 and j["status_code"] == 2011, (st, j)
    # Empty, truncated, not a PDF: a 4xx in the same shape, never a 500.
    for bad in (b"", pdf[:len(pdf) // 2], b"GIF89a not a pdf at all", b"%PDF-1.7\n%%EOF\n"):
        st, out, _ = v1_sign(holder()["nik"], bad)
        j = json.loads(out)
        assert 400 <= st < 500 and "status_code" in j and j.get("message"), (st, bad[:10], j)
    st, out, _ = http("POST", "/api/sign/pdf", b"garbage", basic=CTX["client"], ctype="multipart/form-data",
                      raw=True)
    assert st == 400, st
    st, j = http("POST", "/api/sign/pdf", b"x", basic=("nobody", "wrong"), ctype="text/plain")
    assert st == 401 and set(j) >= {"timestamp", "status", "error", "path"}, (st, j)


def t_v1_verify():
    p, _ = CTX["v1"]
    with open(p, "rb") as f:
        data = f.read()
    st, out, _ = post_form("/api/sign/verify", {"signed_file": ("surat.pdf", data, "application/pdf")})
    j = json.loads(out)
    assert st == 200 and j["jumlah_signature"] == 1 and j["summary"] == "DOCUMENT VALID !!!", j
    d = j["details"][0]
    assert d["info_signer"]["signer_name"] == holder()["name"], d
    assert d["signature_document"]["signed_using_tsa"] is True, d
    # One changed byte in the signed range.
    bad = bytearray(data)
    i = data.index(b"halaman 1")
    bad[i] ^= 0x20
    st, out, _ = post_form("/api/sign/verify", {"signed_file": ("surat.pdf", bytes(bad), "application/pdf")})
    j = json.loads(out)
    assert j["summary"] == "DOCUMENT NOT VALID !!!", j
    o = pdfsig(save("flipped.pdf", bytes(bad)))
    assert "Signature is Invalid" in o or "Digest Mismatch" in o, o
    st, out, _ = post_form("/api/sign/verify", {"signed_file": ("kosong.pdf", mkpdf(), "application/pdf")})
    j = json.loads(out)
    assert j["jumlah_signature"] == 0 and j["details"] == [], j


# ---------------------------------------------------------------- v2
def b64(x):
    return base64.b64encode(x).decode()


def t_v2_bulk():
    files = [b64(mkpdf("Surat %d" % i)) for i in range(3)]
    st, j = http("POST", "/api/v2/sign/pdf", {"nik": holder()["nik"], "passphrase": PASS, "file": files,
                 "signatureProperties": [{"tampilan": "VISIBLE", "page": 1, "originX": 60, "originY": 60,
                                          "width": 120, "height": 120, "reason": "Menyetujui",
                                          "location": "Jakarta"}]}, basic=CTX["client"])
    assert st == 200 and isinstance(j["time"], int) and len(j["file"]) == 3, (st, str(j)[:300])
    for i, f in enumerate(j["file"]):
        p = save("v2-%d.pdf" % i, base64.b64decode(f))
        o = pdfsig(p)
        assert "Signature is Valid" in o and "Certificate is Trusted" in o, o
    CTX["v2"] = os.path.join(T, "v2-0.pdf")
    # B-LT by default: our verifier and the v2 answer say so.
    r = subprocess.run([H.SERTEL, "verify", CTX["v2"], "--json", "--trust", os.path.join(D, "ca", "root.pem")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    st, v = http("POST", "/api/v2/verify/pdf", {"file": b64(open(CTX["v2"], "rb").read())},
                 basic=CTX["client"])
    assert st == 200 and v["conclusion"] == "VALID" and v["signatureCount"] == 1, v
    si = v["signatureInformations"][0]
    assert si["signatureFormat"] == "PAdES-BASELINE-LT" and si["certificateTrusted"] is True, si
    assert "timestampInfomation" in si and "signatureAlgoritm" in si["certificateDetails"][0], si


def t_v2_refusals():
    good = b64(mkpdf())
    for body, code in (({"nik": holder()["nik"], "passphrase": "salah", "file": [good],
                         "signatureProperties": [{"tampilan": "INVISIBLE"}]}, 2031),
                       ({"nik": "3201010101010001", "passphrase": PASS, "file": [good],
                         "signatureProperties": [{"tampilan": "INVISIBLE"}]}, 2011),
                       ({"nik": holder()["nik"], "passphrase": PASS, "file": [""],
                         "signatureProperties": [{"tampilan": "INVISIBLE"}]}, 400),
                       ({"nik": holder()["nik"], "passphrase": PASS, "file": [b64(b"not a pdf")],
                         "signatureProperties": [{"tampilan": "INVISIBLE"}]}, 400),
                       ({"nik": holder()["nik"], "passphrase": PASS, "file": [good, good],
                         "signatureProperties": [{}, {}, {}]}, 400)):
        st, j = http("POST", "/api/v2/sign/pdf", body, basic=CTX["client"])
        assert 400 <= st < 500 and j["status_code"] == code, (st, j, code)
    st, j = http("POST", "/api/v2/sign/pdf", b"{broken", basic=CTX["client"], ctype="application/json")
    assert st == 400, st


def t_totp():
    p = holder()
    before = len([m for m in H.messages() if m[0] == email_of(p) and "TOTP" in m[1]])
    j = expect(http("POST", "/api/v2/sign/get/totp", {"nik": p["nik"], "data": 2}, basic=CTX["client"]), 200)
    assert j["success"] is True, j
    m = wait_mail(email_of(p), r"TOTP", after=before)
    code = re.search(r"\b(\d{6})\b", m[2]).group(1)
    files = [b64(mkpdf("TOTP %d" % i)) for i in range(2)]
    body = {"nik": p["nik"], "totp": "000000" if code != "000000" else "111111", "file": files,
            "signatureProperties": [{"tampilan": "INVISIBLE"}]}
    st, j = http("POST", "/api/v2/sign/pdf", body, basic=CTX["client"])
    assert st == 400 and j["status_code"] == 2031, (st, j)
    body["totp"] = code
    body["file"] = files[:1]                      # bound to the number of files
    st, j = http("POST", "/api/v2/sign/pdf", body, basic=CTX["client"])
    assert st == 400 and j["status_code"] == 2031, (st, j)
    body["file"] = files
    st, j = http("POST", "/api/v2/sign/pdf", body, basic=CTX["client"])
    assert st == 200 and len(j["file"]) == 2, (st, str(j)[:300])
    st, j = http("POST", "/api/v2/sign/pdf", body, basic=CTX["client"])     # single use
    assert st == 400 and j["status_code"] == 2031, (st, j)


def t_chain():
    st, j = http("GET", "/api/v2/user/certificate/chain/" + holder()["nik"], basic=CTX["client"])
    assert st == 200 and j["success"] is True and len(j["data"]) == 3, (st, j)
    leaf = save("leaf.der", base64.b64decode(j["data"][0]))
    r = subprocess.run(["openssl", "x509", "-inform", "DER", "-in", leaf, "-noout", "-serial"],
                       capture_output=True, text=True)
    assert CTX["serial"] in r.stdout.upper(), r.stdout
    st, j = http("GET", "/api/v2/user/certificate/chain/" + holder()["nik"], basic=CTX["other"])
    assert st == 404, st


# ---------------------------------------------------------------- native, CLI, public page
def t_native_and_page():
    pdf = mkpdf("Nota native")
    j = expect(http("POST", "/api/v1/sign", {"nik": holder()["nik"], "passphrase": PASS, "file": b64(pdf),
                    "level": "B-LTA", "visible": {"anchor": "#ttd#", "width": 100, "height": 50}},
                    basic=CTX["client"]), 201)
    assert j["level"] == "B-LTA" and j["verify_url"].endswith("/v/" + j["id"]), j
    p = save("native.pdf", base64.b64decode(j["file"]))
    o = pdfsig(p)
    assert o.count("Signature is Valid") >= 1, o
    st, rep = http("POST", "/api/v1/verify", open(p, "rb").read(), ctype="application/pdf")
    assert st == 200, (st, rep)
    st, page, hdr = http("GET", "/v/" + j["id"], raw=True)
    page = page.decode()
    assert st == 200 and j["sha256"] in page and holder()["name"] in page, page[:500]
    assert "<script" not in page
    req = urllib.request.Request(BASE + "/v/" + j["id"], headers={"Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        pj = json.loads(r.read())
    assert pj["sha256"] == j["sha256"] and pj["certificate_status"] == "valid", pj
    assert http("GET", "/v/FFFFFFFFFFFFFFFFFFFFFFFF", raw=True)[0] == 404
    expect(http("POST", "/api/v1/sign", {"nik": holder()["nik"], "passphrase": PASS, "file": b64(pdf),
                "visible": {"anchor": "#tidak-ada#", "width": 100, "height": 50}}, basic=CTX["client"]),
           400, "pdf_anchor_not_found")
    # The holder himself, from the portal: no client; the passphrase is the proof.
    j = expect(http("POST", "/api/v1/holder/sign", {"nik": holder()["nik"], "passphrase": PASS,
                    "file": b64(pdf), "visible": {"page": 1, "x": 300, "y": 100, "width": 120, "height": 60}}),
               201)
    o = pdfsig(save("holder.pdf", base64.b64decode(j["file"])))
    assert "Signature is Valid" in o and "Certificate is Trusted" in o, o
    expect(http("POST", "/api/v1/holder/sign", {"nik": holder()["nik"], "passphrase": "salah",
                "file": b64(pdf)}), 400, "wrong_passphrase")


def t_cli():
    src = save("cli-in.pdf", mkpdf("CLI"))
    out = os.path.join(T, "cli-out.pdf")
    pf = save("pass.txt", (PASS + "\n").encode())
    r = subprocess.run([H.SERTEL, "sign", "--dir", D, "--nik", holder()["nik"], "--in", src, "--out", out,
                        "--level", "B-T", "--passphrase-file", pf], capture_output=True, text=True, env=H.ENV,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    o = pdfsig(out)
    assert "Signature is Valid" in o, o
    # A second signature keeps the first valid.
    out2 = os.path.join(T, "cli-out2.pdf")
    r = subprocess.run([H.SERTEL, "sign", "--dir", D, "--nik", holder()["nik"], "--in", out, "--out", out2,
                        "--visible", "--page", "1", "--x", "300", "--y", "100", "--w", "120", "--h", "60",
                        "--passphrase-file", pf], capture_output=True, text=True, env=H.ENV, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    o = pdfsig(out2)
    assert o.count("Signature is Valid") == 2, o
    r = subprocess.run([H.SERTEL, "verify", out2, "--trust", os.path.join(D, "ca", "root.pem")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    # Visible: ink inside the box, none well outside it (pdftoppm, 72 dpi).
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", "1", "-l", "1", out2, os.path.join(T, "pg")],
                   check=True)
    pgm = [f for f in os.listdir(T) if f.startswith("pg") and f.endswith(".pgm")][0]
    with open(os.path.join(T, pgm), "rb") as f:
        data = f.read()
    parts = data.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    px = parts[3]

    def ink(x0, y0, x1, y1):   # PDF coordinates, y up
        n = 0
        for y in range(int(h - y1), int(h - y0)):
            row = px[y * w:(y + 1) * w]
            n += sum(1 for x in range(int(x0), int(x1)) if row[x] < 200)
        return n
    assert ink(300, 100, 420, 160) > 50, "no ink in the signature box"
    assert ink(450, 300, 590, 700) == 0, "ink where nothing was drawn"
    r = subprocess.run([H.SERTEL, "sign", "--dir", D, "--nik", holder()["nik"], "--in", src, "--out", out,
                        "--passphrase-file", save("wrong.txt", b"salah\n")], capture_output=True, text=True,
                       env=H.ENV, timeout=120)
    assert r.returncode != 0 and "wrong_passphrase" in r.stderr, r.stderr


def t_statuses():
    """Only ISSUE signs: RENEW, SUSPEND and REVOKE are refused (2021)."""
    p = holder()
    expect(http("POST", "/api/v1/holder/renew", {"nik": p["nik"], "passphrase": PASS}), 202)
    st, out, _ = v1_sign(p["nik"], mkpdf())
    j = json.loads(out)
    assert st == 400 and j["status_code"] == 2021 and "RENEW" in j["error"], (st, j)
    # The renewal finishes; then five wrong passphrases suspend.
    m = wait_mail(email_of(p), r"^Atur passphrase")
    tok = re.search(r"/passphrase/([A-Za-z0-9_-]{20,})", m[2]).group(1)
    expect(http("POST", "/api/v1/passphrase/" + tok, {"passphrase": PASS + " baru"}), 201)
    for i in range(5):
        v1_sign(p["nik"], mkpdf(), passphrase="tebakan %d" % i)
    st, out, _ = v1_sign(p["nik"], mkpdf(), passphrase=PASS + " baru")
    j = json.loads(out)
    assert st == 400 and j["status_code"] == 2021 and "SUSPEND" in j["error"], (st, j)
    expect(http("POST", "/api/v1/applications/%s/unsuspend" % CTX["app"], {"note": "tatap muka"},
                token=CTX["verif.a"]), 200)
    st, out, _ = v1_sign(p["nik"], mkpdf(), passphrase=PASS + " baru")
    assert st == 200, out[:200]
    expect(http("POST", "/api/v1/applications/%s/revoke" % CTX["app"], {"reason": "keyCompromise"},
                token=CTX["verif.a"]), 200)
    st, out, _ = v1_sign(p["nik"], mkpdf(), passphrase=PASS + " baru")
    j = json.loads(out)
    assert st == 400 and j["status_code"] == 2021 and "REVOKE" in j["error"], (st, j)


def t_seal():
    """The agency seal: created inactive, activated with the verifiers'
    code, a sealing code per batch, at most one seal per document."""
    a = CTX["admin"]
    x = expect(http("POST", "/api/v1/agencies/KEMENKEU/seal", token=a), 201)
    sid = x["idSubscriber"]
    assert x["status"] == "INACTIVE", x
    expect(http("POST", "/api/v1/agencies/KEMENKEU/seal", token=a), 409, "conflict")
    expect(http("POST", "/api/v1/agencies/KEMENKEU/seal", token=CTX["verif.a"]), 403)
    pdf = b64(mkpdf("Surat segel"))
    body = {"idSubscriber": sid, "totp": "123456", "file": [pdf],
            "signatureProperties": [{"tampilan": "INVISIBLE"}]}
    st, j = http("POST", "/api/v2/seal/pdf", body, basic=CTX["client"])
    assert st == 400 and "aktif" in j["message"], (st, j)          # not active yet
    st, j = http("POST", "/api/v2/seal/get/activation", {"idSubscriber": sid}, basic=CTX["other"])
    assert st == 404, (st, j)                                      # another agency
    n = len([m for m in H.messages() if m[0] == "verif.a@kemenkeu.go.id" and "aktivasi segel" in m[1]])
    expect(http("POST", "/api/v2/seal/get/activation", {"idSubscriber": sid}, basic=CTX["client"]), 200)
    m = wait_mail("verif.a@kemenkeu.go.id", r"aktivasi segel", after=n)
    code = re.search(r"\b(\d{6})\b", m[2]).group(1)
    st, j = http("POST", "/api/v2/seal/get/activation", {"idSubscriber": sid, "totp": "000000" if code !=
                 "000000" else "111111"}, basic=CTX["client"])
    assert st == 400 and j["status_code"] == 2031, (st, j)
    j = expect(http("POST", "/api/v2/seal/get/activation", {"idSubscriber": sid, "totp": code},
                    basic=CTX["client"]), 200)
    assert j["status"] == "ACTIVE", j
    expect(http("POST", "/api/v2/seal/get/totp", {"idSubscriber": sid, "data": 1}, basic=CTX["client"]), 200)
    m = wait_mail("verif.a@kemenkeu.go.id", r"penyegelan")
    body["totp"] = re.search(r"\b(\d{6})\b", m[2]).group(1)
    j = expect(http("POST", "/api/v2/seal/pdf", body, basic=CTX["client"]), 200)
    sealed = base64.b64decode(j["file"][0])
    o = pdfsig(save("sealed.pdf", sealed))
    assert "Signature is Valid" in o and "Certificate is Trusted" in o and "Segel Elektronik" in o, o
    # The code was single use; a new one, but the document already has a seal.
    expect(http("POST", "/api/v2/seal/pdf", body, basic=CTX["client"]), 400)
    expect(http("POST", "/api/v2/seal/get/totp", {"idSubscriber": sid, "data": 1}, basic=CTX["client"]), 200)
    m = wait_mail("verif.a@kemenkeu.go.id", r"penyegelan", after=1)
    st, j = http("POST", "/api/v2/seal/pdf", {"idSubscriber": sid, "totp": re.search(r"\b(\d{6})\b", m[2])
                 .group(1), "file": [b64(sealed)], "signatureProperties": [{"tampilan": "INVISIBLE"}]},
                 basic=CTX["client"])
    assert st == 400 and "segel" in j["message"].lower(), (st, j)
    expect(http("POST", "/api/v2/seal/revoke/activation", {"idSubscriber": sid}, basic=CTX["client"]), 200)
    st, j = http("POST", "/api/v2/seal/get/totp", {"idSubscriber": sid, "data": 1}, basic=CTX["client"])
    assert st == 400, (st, j)


def t_log():
    with sqlite3.connect(os.path.join(D, "sertel.db"), timeout=10) as db:
        n = db.execute("SELECT count(*) FROM audit WHERE action = 'document.sign'").fetchone()[0]
        kept = db.execute("SELECT count(*) FROM downloads WHERE pdf IS NOT NULL AND downloaded_at IS NULL"
                          ).fetchone()[0]
        rows = db.execute("SELECT serial, sha256, level, client FROM signatures").fetchall()
    assert n == len(rows) and n >= 8, (n, len(rows))
    assert all(len(r[1]) == 64 and r[2].startswith("B-") for r in rows), rows[:3]
    assert kept <= n
    for top, _, fs in os.walk(T):
        for name in fs:
            with open(os.path.join(top, name), "rb") as f:
                assert PASS.encode() not in f.read() or name == "pass.txt", os.path.join(top, name)


def t_audit():
    assert "intact" in sx("audit", "verify", "--dir", D)


def main():
    try:
        check("[setup] instance, aiosmtpd, registry-sim, serve", t_setup, "holder.renew_days = 1100\n"
              "lifecycle.interval_seconds = 1\n")
        if H.FAIL:
            print("Bail out! no environment")
            return
        check("[staff] admin, verifiers, API clients", t_staff)
        check("[holder] an ASN holder issued through the workflow; sertel's root in an NSS database", t_holder)
        if H.FAIL:
            print("Bail out! no holder")
            return
        check("[v1] /api/sign/pdf: pdfsig says valid and trusted; id_dokumen; downloaded once, then 404",
              t_v1_sign)
        check("[v1] wrong passphrase 2031, unknown NIK 2011, another agency 2011, broken PDFs 4xx, 401 shape",
              t_v1_refusals)
        check("[v1] /api/sign/verify: valid; one changed byte not valid (pdfsig agrees); unsigned: 0",
              t_v1_verify)
        check("[v2] three files under one passphrase, visible QR, B-LT: pdfsig valid and trusted; v2 verify",
              t_v2_bulk)
        check("[v2] refusals in the same shape: 2031, 2011, empty and broken files, bad properties",
              t_v2_refusals)
        check("[totp] a code by e-mail: bound to the number of files, single use", t_totp)
        check("[chain] the certificate chain, leaf first; not for another agency", t_chain)
        check("[native] /api/v1/sign at an anchor, B-LTA; /api/v1/verify; the public page /v/<id>",
              t_native_and_page)
        check("[cli] sertel sign B-T, a second visible signature, pdftoppm ink, wrong passphrase",
              t_cli)
        check("[status] RENEW, SUSPEND and REVOKE cannot sign; ISSUE again can", t_statuses)
        check("[seal] agency seal: inactive, activated by the verifiers' code, sealing code, one seal per "
              "document, pdfsig valid", t_seal)
        check("[log] every signature logged and audited; no passphrase in any file", t_log)
        check("[audit] the audit chain is intact", t_audit)
    finally:
        H.finish()


main()
