#!/usr/bin/python3
"""End-to-end test of the registration workflow (issue: P1-P4, R1-R5).

Starts, on loopback ports of their own: a real SMTP server (aiosmtpd from
Debian's python3-aiosmtpd, storing mail in a Maildir), `sertel registry-sim`
with synthetic people it generated, and `sertel serve` on a fresh instance.
Then drives the native API as an operator, agency verifiers, an agency
application and applicants would, and checks what arrives by e-mail.

Prints one `ok N - ...` / `not ok N - ...` line per check and closes with
`N passed, M failed`; exits non-zero when anything failed. Bounded in time.
"""
import base64, json, os, re, sqlite3, subprocess, time, urllib.request

import harness as H
from harness import (BASE, CTX, D, MAILDIR, PEOPLE, SIM, SMTP, SERTEL, T, WEB, activation, check,
                     email_of, expect, http, link_token, messages, register, set_passphrase, start,
                     stop, sx, t_setup, t_staff, totp, v2_status, wait_mail, wait_port, wait_status)


def t_auto(cat, registry):
    p = PEOPLE[cat][0]
    app = register(p)
    assert app["status"] == "NEW" and app["holder_status"] == "NEW", app
    m = wait_mail(email_of(p), r"Aktivasi")
    tok = link_token(m)
    info = expect(http("GET", "/api/v1/activation/" + tok), 200)
    assert info["documents"]["privacy_policy"] == "2026-1", info
    expect(http("POST", "/api/v1/activation/" + tok, activation(p)), 202)
    j = wait_status(CTX["verif.a"], app["id"], "VERIFIED")
    regs = [c["registry"] for c in j["registry_log"]]
    assert "dukcapil" in regs and registry in regs, regs
    assert j["face_score"] >= 0.9, j["face_score"]
    assert j["holder_status"] == "NO_CERTIFICATE", j
    wait_mail(email_of(p), r"telah diverifikasi")
    CTX["used_link"] = tok


def t_non_asn():
    p = PEOPLE["NON_ASN"][0]
    app = register(p)
    tok = link_token(wait_mail(email_of(p), r"Aktivasi"))
    expect(http("POST", "/api/v1/activation/" + tok, activation(p)), 202)
    j = wait_status(CTX["verif.a"], app["id"], "MANUAL_REVIEW")
    assert j["holder_status"] == "WAITING_FOR_VERIFICATION", j
    m = wait_mail("verif.a@kemenkeu.go.id", r"menunggu verifikasi")
    assert p["name"] in m[2], m[2][:300]
    q = expect(http("GET", "/api/v1/applications?status=MANUAL_REVIEW", token=CTX["verif.a"]), 200)
    assert app["id"] in [x["id"] for x in q["applications"]], q
    st, body, hdr = http("GET", "/api/v1/applications/%s/selfie" % app["id"], token=CTX["verif.a"], raw=True)
    assert st == 200 and body[:2] == b"\xff\xd8" and hdr["Content-Type"] == "image/jpeg", (st, body[:4])
    assert b"Exif" not in body[:4096], "metadata left in the selfie"
    expect(http("POST", "/api/v1/applications/%s/approve" % app["id"], {}, token=CTX["verif.a"]), 200)
    wait_status(CTX["verif.a"], app["id"], "VERIFIED", 2)
    wait_mail(email_of(p), r"telah diverifikasi")
    # A decision is made once.
    expect(http("POST", "/api/v1/applications/%s/approve" % app["id"], {}, token=CTX["verif.a"]), 409,
           "wrong_state")


def t_face_mismatch():
    p, other = PEOPLE["ASN"][1], PEOPLE["ASN"][0]
    app = register(p)
    tok = link_token(wait_mail(email_of(p), r"Aktivasi"))
    expect(http("POST", "/api/v1/activation/" + tok, activation(p, face_of=other)), 202)
    j = wait_status(CTX["verif.a"], app["id"], "REJECTED")
    assert j["reason"] == "FACE_MISMATCH", j
    m = wait_mail(email_of(p), r"perlu diperbaiki")
    assert "wajah" in m[2].lower(), m[2][:400]
    tok2 = link_token(m)
    assert tok2 != tok
    expect(http("GET", "/api/v1/activation/" + tok), 410, "link_invalid")
    info = expect(http("GET", "/api/v1/activation/" + tok2), 200)
    assert "wajah" in info["reason"].lower(), info      # the reason, in words
    info = expect(http("GET", "/api/v1/activation/" + tok2, lang="en"), 200)
    assert "face" in info["reason"].lower(), info
    expect(http("POST", "/api/v1/activation/" + tok2, activation(p)), 202)
    wait_status(CTX["verif.a"], app["id"], "VERIFIED")


def t_refusals():
    a, v = CTX["admin"], CTX["verif.a"]
    p = PEOPLE["ASN"][2]
    expect(http("POST", "/api/v1/applications", {"name": "Budi", "email": "budi@lama.go.id",
           "agency": "DINASLAMA"}, token=a), 403, "pks_invalid")
    expect(http("POST", "/api/v1/applications", {"name": "Budi", "email": "budi@gmail.com"}, token=v),
           422, "email_domain")
    expect(http("POST", "/api/v1/applications", {"name": "Nama Lain", "email": email_of(PEOPLE["ASN"][0])},
           token=v), 409, "duplicate")
    expect(http("POST", "/api/v1/activation/" + CTX["used_link"], activation(PEOPLE["ASN"][0])), 410,
           "link_invalid")
    app = register(p)
    tok = link_token(wait_mail(email_of(p), r"Aktivasi"))
    bad_nik = p["nik"][:6] + "320199" + p["nik"][12:]
    expect(http("POST", "/api/v1/activation/" + tok, activation(p, nik=bad_nik)), 422, "nik_invalid")
    expect(http("POST", "/api/v1/activation/" + tok, activation(p, nik="12345")), 422)
    big = base64.b64encode(b"\xff\xd8\xff\xe0" + os.urandom(2200 * 1024)).decode()
    expect(http("POST", "/api/v1/activation/" + tok, activation(p, selfie=big)), 413, "selfie_too_large")
    expect(http("POST", "/api/v1/activation/" + tok, activation(p, selfie=base64.b64encode(
           b"%PDF-1.7 not an image" * 100).decode())), 422, "selfie_invalid")
    expect(http("POST", "/api/v1/activation/" + tok, activation(p, consent={"privacy_policy": "2026-1"})),
           422, "consent_required")
    st, j = http("POST", "/api/v1/activation/" + tok, b"{not json", ctype="application/json")
    assert st == 400 and j["error"]["code"] == "bad_json", (st, j)
    # Nothing above was half-written: the application is still NEW and the
    # link still works.
    j = expect(http("GET", "/api/v1/applications/" + app["id"], token=v), 200)
    assert j["status"] == "NEW" and "nik" not in j, j
    expect(http("GET", "/api/v1/activation/" + tok), 200)
    # An expired link.
    with sqlite3.connect(os.path.join(D, "sertel.db"), timeout=10) as db:
        db.execute("UPDATE links SET expires_at = 1 WHERE used_at IS NULL AND application_id = "
                   "(SELECT id FROM applications WHERE public_id = ?)", (app["id"],))
    expect(http("GET", "/api/v1/activation/" + tok), 410, "link_invalid")
    e = expect(http("GET", "/api/v1/activation/" + tok, lang="en"), 410)
    assert "link" in e["error"]["message"].lower(), e
    expect(http("POST", "/api/v1/activation/resend", {"email": email_of(p)}), 202)
    expect(http("POST", "/api/v1/activation/resend", {"email": "nobody@kemenkeu.go.id"}), 202)
    tok3 = link_token(wait_mail(email_of(p), r"Aktivasi", after=1))
    expect(http("GET", "/api/v1/activation/" + tok3), 200)
    CTX["open_link"] = (p, app, tok3)
    # The NIK of an open (here: verified) application cannot apply again.
    twin = PEOPLE["ASN"][0]
    expect(http("POST", "/api/v1/applications", {"name": twin["name"], "email": "kembar@kemenkeu.go.id"},
           token=v), 201)
    tok4 = link_token(wait_mail("kembar@kemenkeu.go.id", r"Aktivasi"))
    expect(http("POST", "/api/v1/activation/" + tok4, activation(twin)), 409, "duplicate")


def t_bulk():
    good = [("Andi Wijaya", "andi.wijaya@kemenkeu.go.id"), ('"Sari, Dewi"', "sari.dewi@kemenkeu.go.id"),
            ("Tono", "tono@kemenkeu.go.id")]
    lines = ["nama,email"] + ["%s,%s" % g for g in good] + [
        "Orang Luar,luar@gmail.com", "baris tanpa koma", "Andi Lagi,andi.wijaya@kemenkeu.go.id"]
    j = expect(http("POST", "/api/v1/applications/bulk", "\r\n".join(lines) + "\r\n", token=CTX["verif.a"]),
               207)
    assert j["created"] == 3 and j["failed"] == 3, j
    errs = {r["line"]: r["error"]["code"] for r in j["results"] if r["result"] == "error"}
    assert errs == {5: "email_domain", 6: "validation", 7: "duplicate"}, errs
    q = expect(http("GET", "/api/v1/applications?status=NEW", token=CTX["verif.a"]), 200)
    emails = {x["email"] for x in q["applications"]}
    for _, mail in good:
        assert mail in emails, (mail, emails)
        wait_mail(mail, r"Aktivasi")
    names = {x["email"]: x["name"] for x in q["applications"]}
    assert names["sari.dewi@kemenkeu.go.id"] == "Sari, Dewi", names


def sim_mode(registry, mode, delay=0):
    req = urllib.request.Request("http://127.0.0.1:%d/_sim/mode" % SIM, method="POST",
                                 data=json.dumps({"registry": registry, "mode": mode, "delay_ms": delay}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.status == 200


def t_outage():
    p = PEOPLE["POLRI"][1]
    sim_mode("dukcapil", "fail")
    try:
        app = register(p)
        tok = link_token(wait_mail(email_of(p), r"Aktivasi"))
        expect(http("POST", "/api/v1/activation/" + tok, activation(p)), 202)
        j = wait_status(CTX["verif.a"], app["id"], "MANUAL_REVIEW", 30)
    finally:
        sim_mode("all", "ok")
    outcomes = [c["outcome"] for c in j["registry_log"] if c["registry"] == "dukcapil"]
    assert outcomes == ["unavailable"] * 3, outcomes
    assert all(c["http_status"] == 503 for c in j["registry_log"]), j["registry_log"]
    assert j["nik"] == p["nik"] and j["category"] == "POLRI", j   # nothing lost
    assert "selfie" not in json.dumps(j["registry_log"]).replace("selfie_sha256", ""), "selfie in the log"


def t_isolation():
    pid = CTX["open_link"][1]["id"]
    b = CTX["verif.b"]
    expect(http("GET", "/api/v1/applications/" + pid, token=b), 404, "not_found")
    expect(http("POST", "/api/v1/applications/%s/cancel" % pid, {}, token=b), 404, "not_found")
    expect(http("GET", "/api/v1/applications/%s/selfie" % pid, token=b), 404)
    q = expect(http("GET", "/api/v1/applications", token=b), 200)
    assert q["applications"] == [], q
    expect(http("GET", "/api/v1/agencies/KEMENKEU", token=b), 404)
    expect(http("POST", "/api/v1/applications", {"name": "x", "email": "x@kemenkeu.go.id",
           "agency": "KEMENKEU"}, token=b), 422, "validation")
    expect(http("POST", "/api/v1/agencies", {"code": "X"}, token=b), 403, "forbidden")


def t_self_apply():
    st, j = http("POST", "/api/v1/apply", {"name": "Rina Mandiri", "email": "rina.mandiri@kemenkeu.go.id",
                 "agency": "KEMENKEU"})
    assert st == 201, (st, j)
    time.sleep(1)
    assert not [m for m in messages() if m[0] == "rina.mandiri@kemenkeu.go.id"], "mailed before confirmation"
    expect(http("POST", "/api/v1/applications/%s/confirm" % j["id"], {}, token=CTX["verif.a"]), 200)
    link_token(wait_mail("rina.mandiri@kemenkeu.go.id", r"Aktivasi"))


def t_bsre():
    cid, sec = CTX["client"]
    st, j = http("POST", "/api/v2/user/registration", {"nama": "Joko Client", "email": "joko@kemenkeu.go.id"},
                 basic=(cid, sec))
    assert st == 200 and j["success"] is True and j["data"]["status"] == "NEW", (st, j)
    st, j = http("POST", "/api/v2/user/register", {"nama": "Joko Dua", "email": "joko2@kemenkeu.go.id"},
                 basic=(cid, sec))
    assert st == 200 and j["success"] is True, (st, j)
    st, j = http("POST", "/api/v2/user/registration", {"nama": "x", "email": "x@kemenkeu.go.id"},
                 basic=(cid, "wrong"))
    assert st == 401 and set(j) == {"timestamp", "status", "error", "path"}, (st, j)
    wait_mail("joko@kemenkeu.go.id", r"Aktivasi")


def t_mail_restart():
    stop("smtp")
    p = {"name": "Wati Tertunda"}
    register(p)
    db = os.path.join(D, "sertel.db")
    end = time.time() + 10
    while time.time() < end:
        with sqlite3.connect(db, timeout=10) as c:
            row = c.execute("SELECT attempts, status FROM outbox WHERE to_addr = ?", (email_of(p),)).fetchone()
        if row and row[0] >= 1:
            break
        time.sleep(0.2)
    assert row and row[1] == "PENDING" and row[0] >= 1, row
    rc = stop("serve")
    assert rc == 0, "serve exit %s" % rc
    start("smtp", ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:%d" % SMTP,
                   "-c", "aiosmtpd.handlers.Mailbox", MAILDIR])
    start("serve", [SERTEL, "serve", "--dir", D, "--listen", "127.0.0.1:%d" % WEB])
    wait_port(SMTP)
    wait_port(WEB)
    m = wait_mail(email_of(p), r"Aktivasi", secs=40)
    time.sleep(1)
    same = [x for x in messages() if x[3] == m[3]]
    assert len(same) == 1, "delivered %d times" % len(same)
    with sqlite3.connect(db, timeout=10) as c:
        bad = c.execute("SELECT count(*) FROM outbox WHERE status <> 'SENT'").fetchone()[0]
    assert bad == 0, "%d messages not sent" % bad


def t_no_duplicates():
    ids = [m[3] for m in messages()]
    assert len(ids) == len(set(ids)), "a Message-ID arrived twice"


def t_pks_warning():
    a = CTX["admin"]
    end = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600 + 10 * 86400))
    expect(http("POST", "/api/v1/agencies", {"code": "SEGERA", "name": "Dinas Segera Berakhir",
           "pks_number": "PKS-09/2025", "pks_start": "2025-01-01", "pks_end": end,
           "domains": ["segera.go.id"]}, token=a), 201)
    expect(http("POST", "/api/v1/users", {"username": "verif.s", "name": "Verifikator Segera",
           "email": "verif.s@segera.go.id", "role": "AGENCY_VERIFIER", "agency": "SEGERA",
           "password": "kata sandi verifikator"}, token=a), 201)
    m = wait_mail("verif.s@segera.go.id", r"PKS|Perjanjian")
    assert "PKS-09/2025" in m[2] and end in m[2], m[2][:400]
    expect(http("PUT", "/api/v1/agencies/SEGERA", {"name": "Dinas Segera"}, token=a), 200)
    time.sleep(1.5)
    assert len([x for x in messages() if x[0] == "verif.s@segera.go.id"]) == 1, "warned twice"
    end2 = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600 + 20 * 86400))
    expect(http("PUT", "/api/v1/agencies/SEGERA", {"pks_end": end2}, token=a), 200)
    wait_mail("verif.s@segera.go.id", r"PKS|Perjanjian", after=1)


def t_csrf():
    """A session cookie travels by itself: state changes need X-CSRF-Token."""
    out = sx("admin", "user", "add", "--dir", D, "--username", "ra.cookie", "--name", "RA Cookie",
             "--email", "ra@bsre.go.id", "--role", "RA", stdin="kata sandi ra cookie\n")
    uri = out.strip().splitlines()[-1]
    req = urllib.request.Request(BASE + "/api/v1/auth/login", method="POST", data=json.dumps(
        {"username": "ra.cookie", "password": "kata sandi ra cookie", "totp": totp(uri)}).encode())
    with urllib.request.urlopen(req, timeout=10) as r:
        cookie = r.headers["Set-Cookie"]
        body = json.load(r)
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie
    c = cookie.split(";")[0]
    def post(extra):
        h = {"Cookie": c, "Content-Type": "application/json"}
        h.update(extra)
        q = urllib.request.Request(BASE + "/api/v1/agencies", method="POST", headers=h, data=json.dumps(
            {"code": "CSRF" + str(len(extra)), "name": "Dinas", "pks_number": "1", "pks_start": "2026-01-01",
             "pks_end": "2027-01-01", "domains": ["csrf.go.id"]}).encode())
        try:
            with urllib.request.urlopen(q, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
    assert post({}) == 403, "a cookie without the CSRF token changed state"
    assert post({"X-CSRF-Token": "wrong"}) == 403
    assert post({"X-CSRF-Token": body["csrf_token"]}) == 201
    q = urllib.request.Request(BASE + "/api/v1/me", headers={"Cookie": c})
    assert json.load(urllib.request.urlopen(q, timeout=10))["role"] == "RA"
    q = urllib.request.Request(BASE + "/api/v1/auth/logout", method="POST", data=b"",
                               headers={"Cookie": c, "X-CSRF-Token": body["csrf_token"]})
    assert urllib.request.urlopen(q, timeout=10).status == 200
    q = urllib.request.Request(BASE + "/api/v1/me", headers={"Cookie": c})
    try:
        urllib.request.urlopen(q, timeout=10)
        raise AssertionError("the session outlived its logout")
    except urllib.error.HTTPError as e:
        assert e.code == 401, e.code


def t_passphrase():
    """P5: the verified ASN applicant sets a passphrase and gets a
    certificate that openssl accepts; the passphrase is nowhere."""
    p = PEOPLE["ASN"][0]
    mail = email_of(p)
    m = wait_mail(mail, r"passphrase")
    tm = re.search(r"/passphrase/([A-Za-z0-9_-]{20,})", m[2])
    assert tm, m[2][:400]
    tok = tm.group(1)
    expect(http("GET", "/api/v1/passphrase/" + tok), 200)
    expect(http("GET", "/api/v1/activation/" + tok), 410, "link_invalid")   # another purpose
    first = p["name"].split()[0]
    bdate = p["birth_date"].replace("-", "")
    for weak in ("pendek", "password", "Rahasia %s 99!" % first, "kunci-%s-aman" % bdate,
                 "x" + p["nik"] + "y"):
        expect(http("POST", "/api/v1/passphrase/" + tok, {"passphrase": weak}), 422, "weak_passphrase")
    secret = "Langit biru di atas Monas, 25 November!"
    st, raw, _ = http("POST", "/api/v1/passphrase/" + tok, {"passphrase": secret}, raw=True)
    assert st == 201, (st, raw[:300])
    assert secret.encode() not in raw
    j = json.loads(raw)
    assert j["status"] == "ISSUE", j
    cert = os.path.join(T, "holder.pem")
    with open(cert, "w") as f:
        f.write(j["certificate"])
    chain = os.path.join(T, "chain.pem")
    with open(chain, "w") as f:
        f.write(sx("admin", "ca", "chain", "--dir", D))
    root = os.path.join(D, "ca", "root.pem")
    r = subprocess.run(["openssl", "verify", "-CAfile", root, "-untrusted", chain, cert],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "OK" in r.stdout, r.stdout + r.stderr
    subj = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus"],
                          capture_output=True, text=True).stdout
    for part in ("CN=" + p["name"], "emailAddress=" + mail, "O=Kementerian Keuangan", "C=ID"):
        assert part in subj, (part, subj)
    assert p["nik"] not in subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-text"],
                                          capture_output=True, text=True).stdout, "NIK in the certificate"
    issuing = os.path.join(D, "ca", "issuing.pem")
    r = subprocess.run(["openssl", "ocsp", "-issuer", issuing, "-cert", cert, "-url", BASE + "/ocsp",
                        "-CAfile", chain, "-no_nonce"], capture_output=True, text=True)
    assert ": good" in r.stdout, r.stdout + r.stderr
    expect(http("POST", "/api/v1/passphrase/" + tok, {"passphrase": secret}), 410, "link_invalid")
    m = wait_mail(mail, r"telah terbit")
    assert j["serial"] in m[2] and "BEGIN CERTIFICATE" in m[2], m[2][:300]
    CTX["passphrase"] = secret


def t_passphrase_nowhere():
    secret = CTX["passphrase"].encode()
    seen = 0
    for top, _, files in os.walk(T):            # the instance, logs, Maildir
        for name in files:
            with open(os.path.join(top, name), "rb") as f:
                assert secret not in f.read(), "passphrase in " + os.path.join(top, name)
            seen += 1
    assert seen > 10, seen


def t_status():
    """The nine statuses, computed in one place, as BSrE clients read them."""
    cid = CTX["client"]
    asn, non = PEOPLE["ASN"][0], PEOPLE["NON_ASN"][0]
    st, j = http("POST", "/api/v2/user/check/status", {"nik": asn["nik"]}, basic=cid)
    assert st == 200 and j == {"status_code": 1111, "status": "ISSUE", "message": j["message"]}, (st, j)
    assert "ISSUE" in j["message"], j
    st, j = http("GET", "/api/user/status/" + asn["nik"], basic=cid)
    assert st == 200 and j["status_code"] == 1111 and j["status"] == "ISSUE", (st, j)
    st, j = http("POST", "/api/v2/user/check/status", {"email": email_of(non)}, basic=cid)
    assert j["status"] == "NO_CERTIFICATE" and j["status_code"] == 2021, j
    st, j = http("POST", "/api/v2/user/check/status", {"nik": "3201010101010001"}, basic=cid)
    assert st == 200 and j["status"] == "NOT_REGISTERED" and j["status_code"] == 2011, (st, j)
    st, j = http("POST", "/api/v2/user/check/status", {"nik": "12ab"}, basic=cid)
    assert st == 200 and j["status_code"] == 2011, (st, j)
    st, j = http("GET", "/api/user/status/3201010101010001", basic=cid)
    assert j["status"] == "NOT_REGISTERED" and j["status_code"] == 1110, j
    st, j = http("POST", "/api/v2/user/check/status", {"email": "x@kemenkeu.go.id"}, basic=cid)
    assert j["status"] in ("NOT_REGISTERED",), j
    p = CTX["open_link"][0]           # registered, link open, no data yet
    st, j = http("POST", "/api/v2/user/check/status", {"email": email_of(p)}, basic=cid)
    assert j["status"] == "NEW", j
    # Another agency's client does not see Kemenkeu's holder.
    k = expect(http("POST", "/api/v1/api-clients", {"agency": "BAPPEDA", "name": "SIMPEG Bappeda"},
               token=CTX["admin"]), 201)
    st, j = http("POST", "/api/v2/user/check/status", {"nik": asn["nik"]},
                 basic=(k["client_id"], k["client_secret"]))
    assert j["status"] == "NOT_REGISTERED", j


def t_revoke_by_holder():
    p = PEOPLE["POLRI"][0]
    secret = "Ombak Parangtritis jam lima sore"
    serial, cert = set_passphrase(p, secret)
    for _ in range(2):
        e = expect(http("POST", "/api/v1/holder/revoke", {"email": email_of(p), "passphrase": "bukan ini",
                   "reason": "keyCompromise"}), 400, "wrong_passphrase")
        assert e["error"]["message"] == "Passphrase anda salah.", e
    assert v2_status(p) == "ISSUE"
    expect(http("POST", "/api/v1/holder/revoke", {"email": email_of(p), "passphrase": secret,
           "reason": "noSuchReason"}), 400, "bad_reason")
    j = expect(http("POST", "/api/v1/holder/revoke", {"nik": p["nik"], "passphrase": secret,
               "reason": "keyCompromise"}), 200)
    assert j == {"status": "REVOKE", "serial": serial}, j
    chain = os.path.join(T, "chain.pem")
    r = subprocess.run(["openssl", "ocsp", "-issuer", os.path.join(D, "ca", "issuing.pem"), "-cert", cert,
                        "-url", BASE + "/ocsp", "-CAfile", chain, "-no_nonce"], capture_output=True, text=True)
    assert ": revoked" in r.stdout and "keyCompromise" in r.stdout, r.stdout + r.stderr
    st, der, _ = http("GET", "/crl/issuing.crl", raw=True)
    crl = os.path.join(T, "issuing.crl")
    with open(crl, "wb") as f:
        f.write(der)
    r = subprocess.run(["openssl", "crl", "-inform", "DER", "-in", crl, "-CAfile", chain, "-noout", "-text"],
                       capture_output=True, text=True)
    assert "verify OK" in (r.stdout + r.stderr) and serial in r.stdout.replace(":", "").upper(), r.stdout[:600]
    wait_mail(email_of(p), r"dicabut")
    assert v2_status(p) == "REVOKE"
    expect(http("POST", "/api/v1/holder/revoke", {"nik": p["nik"], "passphrase": secret}), 409,
           "cert_already_revoked")


def t_suspend():
    p = PEOPLE["ASN"][0]
    for i in range(4):
        expect(http("POST", "/api/v1/holder/revoke", {"nik": p["nik"], "passphrase": "tebakan %d" % i}), 400,
               "wrong_passphrase")
    expect(http("POST", "/api/v1/holder/revoke", {"nik": p["nik"], "passphrase": "tebakan kelima"}), 403,
           "holder_suspended")
    assert v2_status(p) == "SUSPEND"
    wait_mail(email_of(p), r"ditangguhkan")
    # Suspended: even the right passphrase does nothing now.
    expect(http("POST", "/api/v1/holder/revoke", {"nik": p["nik"], "passphrase": CTX["passphrase"]}), 403,
           "holder_suspended")
    with sqlite3.connect(os.path.join(D, "sertel.db"), timeout=10) as db:
        n = db.execute("SELECT count(*) FROM audit WHERE action = 'holder.suspend'").fetchone()[0]
    assert n == 1, n


def t_revoke_by_staff():
    p = PEOPLE["ASN"][1]
    set_passphrase(p, "Sate Padang di Jalan Sabang malam")
    q = expect(http("GET", "/api/v1/applications?status=VERIFIED", token=CTX["verif.a"]), 200)
    pid = [x["id"] for x in q["applications"] if x["email"] == email_of(p)][0]
    expect(http("POST", "/api/v1/applications/%s/revoke" % pid, {"reason": "affiliationChanged"},
                token=CTX["verif.b"]), 404, "not_found")
    j = expect(http("POST", "/api/v1/applications/%s/revoke" % pid, {"reason": "affiliationChanged"},
                    token=CTX["verif.a"]), 200)
    assert j["status"] == "REVOKE", j
    assert v2_status(p) == "REVOKE"
    wait_mail(email_of(p), r"dicabut")


def t_audit():
    out = sx("audit", "verify", "--dir", D)
    assert "intact" in out, out


def main():
    try:
        check("[setup] instance, aiosmtpd, registry-sim with generated people, serve", t_setup)
        if H.FAIL:
            print("Bail out! no environment")
            return
        check("[staff] admin from the CLI logs in with TOTP; agencies, verifiers, an API client", t_staff)
        if H.FAIL:
            print("Bail out! no staff")
            return
        check("[asn] ASN: registered, link mailed, data + selfie, VERIFIED with no human", t_auto, "ASN", "bkn")
        check("[polri] POLRI: Dukcapil + SIPP, VERIFIED with no human", t_auto, "POLRI", "sipp")
        check("[non-asn] NON_ASN waits in the queue, the verifier is mailed and approves", t_non_asn)
        check("[face] a face mismatch is REJECTED, corrected through a new link, then VERIFIED", t_face_mismatch)
        check("[refuse] no PKS, foreign domain, duplicate, used/expired link, bad NIK, big or "
              "non-image selfie, no consent: clear 4xx, nothing half-written", t_refusals)
        check("[bulk] CSV with bad rows keeps the good ones, per-row results", t_bulk)
        check("[outage] a registry outage is retried, then manual review, nothing lost", t_outage)
        check("[isolation] agency B's verifier cannot see or act on agency A's applications", t_isolation)
        check("[self] a self-made application is mailed only after the verifier confirms", t_self_apply)
        check("[bsre] BSrE v2 /user/registration and /user/register with Basic auth; 401 shape", t_bsre)
        check("[mailer] an SMTP outage and a restart neither lose nor duplicate a message", t_mail_restart)
        check("[mailer] no Message-ID arrived twice", t_no_duplicates)
        check("[passphrase] P5: passphrase link, weak ones refused, key + certificate that "
              "openssl verify accepts, OCSP good, link single use, certificate mailed", t_passphrase)
        check("[passphrase] the passphrase is in no file: database, WAL, logs, mail", t_passphrase_nowhere)
        check("[status] BSrE v1/v2 user status: ISSUE, NO_CERTIFICATE, NEW, NOT_REGISTERED, "
              "per agency", t_status)
        check("[revoke] P6 by the holder: wrong passphrases refused, then revoked; openssl ocsp says "
              "revoked (keyCompromise), the CRL lists it, the holder is mailed", t_revoke_by_holder)
        check("[suspend] 5 wrong passphrases in a row suspend the holder, who is mailed once", t_suspend)
        check("[revoke] P6 by the agency's verifier; another agency's verifier cannot", t_revoke_by_staff)
        check("[pks] an agency whose PKS ends within 30 days: its verifiers are warned once", t_pks_warning)
        check("[csrf] cookie sessions: state changes need the CSRF token; logout ends the session", t_csrf)
        check("[audit] the audit chain is intact after all of it", t_audit)
    finally:
        H.finish()


main()
