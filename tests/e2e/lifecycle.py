#!/usr/bin/python3
"""End-to-end test of the certificate lifecycle and the one-working-day
promise (P5-P8, S1): on the test build, whose clock this script moves.

Timeline (WIB, UTC+7), absolute so that weekends and holidays are known:
Friday 2026-12-18 an ASN applicant completes his data, on Monday the 21st
he sets his passphrase (23 working hours: within one working day across
the weekend). On Wednesday the 23rd a NON_ASN applicant completes hers;
the 24th (collective leave) and the 25th (Christmas) and the weekend do
not count: due Monday the 28th 15:00, the verifier is reminded before,
approves, and she is done in 22 working hours. A third application is
overdue and flagged. The SLA report, in JSON and CSV, says exactly that.
Then: the ADMIN's holiday calendar moves a due time, renewal (too early,
then in its window: RENEW, registry re-check, a new key and certificate,
the old one revoked as superseded, which openssl ocsp and the CRL
confirm), a forgotten passphrase (a stranger's face refused, then the
holder's own: old certificate revoked, new one issued), suspension lifted
by the verifier, reminders 30, 7 and 1 days before expiry, expiry, a
refused renewal and a new application that succeeds. Every e-mail of the
lifecycle arrives exactly once; the production build ignores the clock.
"""
import calendar, csv, io, json, os, re, sqlite3, subprocess, time

import harness as H
from harness import (BASE, CTX, D, PEOPLE, T, activation, at, check, email_of, expect, http, link_token, wib,
                     messages, register, set_clock, sx, t_setup, t_staff, v2_status, wait_mail,
                     wait_status)

SECRETS = []




def near(got, want):
    """The clock runs on between two moves: a minute of slack."""
    assert want <= got < want + 60, (got, want, time.strftime("%Y-%m-%d %H:%M", time.gmtime(got + 7 * 3600)))


def pick(cat, i):
    return PEOPLE[cat][i]


def submit(p, wait_for):
    n = count(email_of(p), r"^Aktivasi")
    app = register(p)
    tok = link_token(wait_mail(email_of(p), r"^Aktivasi", after=n))
    expect(http("POST", "/api/v1/activation/" + tok, activation(p)), 202)
    return wait_status(CTX["verif.a"], app["id"], wait_for)


def count(to, pattern):
    return len([m for m in messages() if m[0] == to and re.search(pattern, m[1])])


def new_passphrase(p, secret, subject=r"^Buat passphrase", n=1):
    """Sets the passphrase through the n-th link of that kind."""
    m = wait_mail(email_of(p), subject, after=n - 1)
    tok = re.search(r"/passphrase/([A-Za-z0-9_-]{20,})", m[2]).group(1)
    st, raw, _ = http("POST", "/api/v1/passphrase/" + tok, {"passphrase": secret}, raw=True)
    assert st == 201, (st, raw[:300])
    assert secret.encode() not in raw
    SECRETS.append(secret)
    j = json.loads(raw)
    path = os.path.join(T, "%s.pem" % j["serial"])
    with open(path, "w") as f:
        f.write(j["certificate"])
    return j["serial"], path


def ocsp(cert, when):
    """openssl ocsp at the moved clock (the responder signs at that time)."""
    chain = os.path.join(T, "chain.pem")
    if not os.path.exists(chain):
        with open(chain, "w") as f:
            f.write(sx("admin", "ca", "chain", "--dir", D))
    r = subprocess.run(["openssl", "ocsp", "-issuer", os.path.join(D, "ca", "issuing.pem"), "-cert", cert,
                        "-url", BASE + "/ocsp", "-CAfile", chain, "-no_nonce", "-attime", str(int(when)),
                        "-validity_period", "315360000"], capture_output=True, text=True)
    assert "Response verify OK" in r.stderr + r.stdout, r.stdout + r.stderr
    return r.stdout


# ---------------------------------------------------------------- S1
def t_weekend():
    at(2026, 12, 18, 9, 0)                       # Friday
    p = pick("ASN", 0)
    app = register(p)
    at(2026, 12, 18, 10, 0)
    tok = link_token(wait_mail(email_of(p), r"^Aktivasi"))
    expect(http("POST", "/api/v1/activation/" + tok, activation(p)), 202)
    j = wait_status(CTX["verif.a"], app["id"], "VERIFIED")
    # Due: the same time on the next working day, Monday.
    near(j["due_at"], wib(2026, 12, 21, 10, 0))
    at(2026, 12, 21, 9, 0)                       # Monday
    # The Friday link lived a day: he asks for a new one.
    expect(http("POST", "/api/v1/activation/resend", {"email": email_of(p)}), 202)
    serial, cert = new_passphrase(p, "Gunung Salak berkabut di pagi hari", n=2)
    root = os.path.join(D, "ca", "root.pem")
    r = subprocess.run(["openssl", "verify", "-attime", str(wib(2026, 12, 21, 10)), "-CAfile", root,
                        "-untrusted", os.path.join(D, "ca", "issuing.pem"), cert], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    CTX["A"] = (p, serial, cert, "Gunung Salak berkabut di pagi hari", app["id"])


def t_holiday_due():
    at(2026, 12, 23, 15, 0)                      # Wednesday
    p = pick("NON_ASN", 0)
    j = submit(p, "MANUAL_REVIEW")
    # Thursday is collective leave, Friday Christmas, then the weekend.
    near(j["due_at"], wib(2026, 12, 28, 15, 0))
    CTX["B"] = [p, j["id"]]


def t_reminder():
    p, app = CTX["B"]
    before = count("verif.a@kemenkeu.go.id", r"^Segera diverifikasi")
    at(2026, 12, 28, 10, 0)                      # 5 h before: not yet
    time.sleep(1.5)
    assert count("verif.a@kemenkeu.go.id", r"^Segera diverifikasi") == before
    at(2026, 12, 28, 11, 30)                     # within 4 h
    m = wait_mail("verif.a@kemenkeu.go.id", r"^Segera diverifikasi", after=before)
    assert p["name"] in m[1] + m[2] and "2026-12-28 15:00 WIB" in m[2], m[2][:400]
    at(2026, 12, 28, 12, 0)
    time.sleep(1.5)
    assert count("verif.a@kemenkeu.go.id", r"^Segera diverifikasi") == before + 1, "reminded twice"
    expect(http("POST", "/api/v1/applications/%s/approve" % app, {}, token=CTX["verif.a"]), 200)
    at(2026, 12, 28, 13, 0)
    serial, cert = new_passphrase(p, "Pelangi sore di Danau Toba, Desember")
    CTX["B"] += [serial, cert, "Pelangi sore di Danau Toba, Desember"]


def t_overdue():
    at(2026, 12, 28, 14, 0)                      # Monday
    c = pick("NON_ASN", 1)
    j = submit(c, "MANUAL_REVIEW")
    assert j["overdue"] is False
    at(2026, 12, 30, 9, 0)                       # Wednesday: past Tuesday 14:00
    d = pick("NON_ASN", 2)
    submit(d, "MANUAL_REVIEW")                   # open, not yet due
    end = time.time() + 10
    while time.time() < end:
        j = expect(http("GET", "/api/v1/applications/" + j["id"], token=CTX["verif.a"]), 200)
        if j["overdue"]:
            break
        time.sleep(0.2)
    assert j["overdue"] is True, j
    with sqlite3.connect(os.path.join(D, "sertel.db"), timeout=10) as db:
        n = db.execute("SELECT count(*) FROM audit WHERE action = 'application.overdue'").fetchone()[0]
    assert n == 1, n
    at(2026, 12, 30, 10, 0)
    expect(http("POST", "/api/v1/applications/%s/reject" % j["id"], {"reason": "Bukan pegawai instansi ini"},
                token=CTX["verif.a"]), 200)
    CTX["C"] = j["id"]


def t_report():
    j = expect(http("GET", "/api/v1/reports/sla?from=2026-12-14&to=2026-12-31", token=CTX["verif.a"]), 200)
    o = j["overall"]
    want = {"count": 4, "finished": 3, "within_one_working_day": 2, "pending": 1, "overdue": 0}
    assert {k: o[k] for k in want} == want, o
    assert abs(o["share_within_one_working_day"] - 0.667) < 1e-9, o
    assert abs(o["median_working_hours"] - 23.0) < 1e-9, o      # 23, 22 and 44 hours
    assert [a["agency"] for a in j["agencies"]] == ["KEMENKEU"], j["agencies"]
    late = j["late"]
    assert [x["id"] for x in late] == [CTX["C"]] and abs(late[0]["working_hours"] - 44.0) < 1e-9, late
    st, body, hdr = http("GET", "/api/v1/reports/sla?from=2026-12-14&to=2026-12-31&format=csv",
                         token=CTX["admin"], raw=True)
    assert st == 200 and hdr["Content-Type"].startswith("text/csv"), (st, hdr["Content-Type"])
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    allrow = [r for r in rows if r["agency"] == "ALL"][0]
    assert (allrow["count"], allrow["within_one_working_day"], allrow["share_within_one_working_day"],
            allrow["median_working_hours"]) == ("4", "2", "0.667", "23.00"), allrow
    st, body, _ = http("GET", "/api/v1/reports/sla?from=2026-12-14&to=2026-12-31&format=csv-late",
                       token=CTX["admin"], raw=True)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [r["id"] for r in rows] == [CTX["C"]] and rows[0]["working_hours"] == "44.00", rows
    # Another agency's verifier sees his own agency only; bad dates are 422.
    j = expect(http("GET", "/api/v1/reports/sla?from=2026-12-14&to=2026-12-31", token=CTX["verif.b"]), 200)
    assert j["overall"]["count"] == 0, j
    expect(http("GET", "/api/v1/reports/sla?from=2026-12-31&to=2026-12-14", token=CTX["admin"]), 422, "validation")
    expect(http("GET", "/api/v1/reports/sla?from=2026-13-01&to=2026-12-31", token=CTX["admin"]), 422, "validation")
    expect(http("GET", "/api/v1/reports/sla?from=2026-12-01&to=2026-12-31"), 401)


def t_holidays():
    at(2026, 12, 31, 10, 0)                      # Thursday
    expect(http("PUT", "/api/v1/holidays/2027-01-04", {"name_id": "Libur uji", "name_en": "Test holiday",
                "kind": "holiday"}, token=CTX["verif.a"]), 403)
    expect(http("PUT", "/api/v1/holidays/2027-02-30", {"name_id": "x", "name_en": "x", "kind": "holiday"},
                token=CTX["admin"]), 422, "validation")
    expect(http("PUT", "/api/v1/holidays/2027-01-04", {"name_id": "Libur uji", "name_en": "Test holiday",
                "kind": "holiday"}, token=CTX["admin"]), 200)
    j = expect(http("GET", "/api/v1/holidays?year=2027"), 200)
    assert {"date": "2027-01-04", "name_id": "Libur uji", "name_en": "Test holiday",
            "kind": "holiday"} in j["holidays"], j["holidays"][:3]
    assert "2027-01-01" in [h["date"] for h in j["holidays"]]
    # New Year on Friday, the weekend, the new Monday holiday, Isra
    # Mikraj on Tuesday: Wednesday (without the new one: Monday).
    p = pick("POLRI", 0)
    a = submit(p, "VERIFIED")
    near(a["due_at"], wib(2027, 1, 6, 10, 0))
    expect(http("DELETE", "/api/v1/holidays/2027-01-04", token=CTX["admin"]), 200)
    expect(http("DELETE", "/api/v1/holidays/2027-01-04", token=CTX["admin"]), 404, "not_found")
    serial, cert = new_passphrase(p, "Hujan deras di Bogor pada sore hari")
    CTX["G"] = (p, serial, cert)


# ---------------------------------------------------------------- P7
def t_renew():
    p, serial, cert, secret, app = CTX["A"]
    e = expect(http("POST", "/api/v1/holder/renew", {"nik": p["nik"], "passphrase": secret}), 409,
               "renew_too_early")
    assert "pembaruan" in e["error"]["message"].lower(), e
    at(2027, 10, 1, 9, 0)                        # 81 days before notAfter
    expect(http("POST", "/api/v1/holder/renew", {"nik": p["nik"], "passphrase": "bukan passphrase ini"}), 400,
           "wrong_passphrase")
    j = expect(http("POST", "/api/v1/holder/renew", {"nik": p["nik"], "passphrase": secret}), 202)
    assert j["kind"] == "renew" and j["old_serial"] == serial, j
    assert v2_status(p) in ("RENEW", "ISSUE")   # ISSUE only after the new certificate
    st = http("POST", "/api/v2/user/check/status", {"nik": p["nik"]}, basic=CTX["client"])[1]
    if st["status"] == "RENEW":
        assert st["status_code"] == 2021, st
    # A second request while one is open.
    expect(http("POST", "/api/v1/applications/%s/renew" % app, token=CTX["verif.a"]), 409)
    new, path = new_passphrase(p, "Kabut tipis di Dieng, Oktober 2027", r"^Atur passphrase")
    assert new != serial
    assert v2_status(p) == "ISSUE"
    # "My certificate" with the new passphrase; the old one opens nothing.
    mine = expect(http("POST", "/api/v1/holder/certificate", {"nik": p["nik"], "passphrase":
                       "Kabut tipis di Dieng, Oktober 2027"}), 200)
    assert mine["status"] == "ISSUE" and mine["serial"] == new and "BEGIN CERTIFICATE" in mine["certificate"], mine
    with open(path) as f:
        assert f.read().strip() == mine["certificate"].strip()
    expect(http("POST", "/api/v1/holder/certificate", {"nik": p["nik"], "passphrase": secret}), 400,
           "wrong_passphrase")
    out = ocsp(cert, wib(2027, 10, 1, 10))
    assert ": revoked" in out and "superseded" in out, out
    out = ocsp(path, wib(2027, 10, 1, 10))
    assert ": good" in out, out
    st, der, _ = http("GET", "/crl/issuing.crl", raw=True)
    crl = os.path.join(T, "renew.crl")
    with open(crl, "wb") as f:
        f.write(der)
    r = subprocess.run(["openssl", "crl", "-inform", "DER", "-in", crl, "-noout", "-text"],
                       capture_output=True, text=True)
    txt = r.stdout.replace(":", "").upper()
    i = txt.find(serial)
    assert i >= 0 and "SUPERSEDED" in txt[i:i + 300], r.stdout[:800]
    with sqlite3.connect(os.path.join(D, "sertel.db"), timeout=10) as db:
        row = db.execute("SELECT kind, status, new_serial FROM holder_requests WHERE old_serial = ?",
                         (serial,)).fetchone()
    assert row == ("renew", "DONE", new), row
    wait_mail(email_of(p), r"^Sertifikat elektronik Anda telah terbit", after=1)


# ---------------------------------------------------------------- forgotten passphrase
def t_forgot():
    p = pick("ASN", 1)
    other = pick("ASN", 0)
    at(2027, 10, 2, 9, 0)
    submit(p, "VERIFIED")
    serial, cert = new_passphrase(p, "Batik parang di Yogyakarta, Oktober")
    ask = expect(http("POST", "/api/v1/holder/forgot", {"nik": p["nik"]}), 202)
    nobody = expect(http("POST", "/api/v1/holder/forgot", {"nik": "3201010101010001"}), 202)
    assert ask == nobody, (ask, nobody)          # tells nothing
    expect(http("POST", "/api/v1/holder/forgot", {}), 422, "validation")
    m = wait_mail(email_of(p), r"^Lupa passphrase")
    tok = re.search(r"/lupa-passphrase/([A-Za-z0-9_-]{20,})", m[2]).group(1)
    info = expect(http("GET", "/api/v1/reissue/" + tok), 200)
    assert info["selfie_required"] is True and info["name"] == p["name"], info
    expect(http("GET", "/api/v1/passphrase/" + tok), 410, "link_invalid")
    expect(http("POST", "/api/v1/reissue/" + tok, {"selfie": "bukan gambar"}), 422, "selfie_invalid")
    # A stranger's face: refused, the certificate untouched.
    expect(http("POST", "/api/v1/reissue/" + tok, {"selfie": activation(other)["selfie"]}), 202)
    wait_mail(email_of(p), r"ditolak")
    assert v2_status(p) == "ISSUE"
    assert ": good" in ocsp(cert, wib(2027, 10, 2, 10))
    expect(http("POST", "/api/v1/reissue/" + tok, {"selfie": activation(p)["selfie"]}), 410, "link_invalid")
    # Again, with his own face.
    expect(http("POST", "/api/v1/holder/forgot", {"email": email_of(p)}), 202)
    m = wait_mail(email_of(p), r"^Lupa passphrase", after=1)
    tok = re.search(r"/lupa-passphrase/([A-Za-z0-9_-]{20,})", m[2]).group(1)
    expect(http("POST", "/api/v1/reissue/" + tok, {"selfie": activation(p)["selfie"]}), 202)
    new, path = new_passphrase(p, "Rendang Padang buatan ibu, resep baru", r"^Atur passphrase")
    assert new != serial and v2_status(p) == "ISSUE"
    out = ocsp(cert, wib(2027, 10, 2, 10))
    assert ": revoked" in out and "superseded" in out, out
    # A link lives one day.
    expect(http("POST", "/api/v1/holder/forgot", {"nik": p["nik"]}), 202)
    m = wait_mail(email_of(p), r"^Lupa passphrase", after=2)
    tok = re.search(r"/lupa-passphrase/([A-Za-z0-9_-]{20,})", m[2]).group(1)
    at(2027, 10, 3, 9, 30)
    expect(http("GET", "/api/v1/reissue/" + tok), 410, "link_invalid")


# ---------------------------------------------------------------- suspension
def t_unsuspend():
    p = pick("ASN", 2)
    submit(p, "VERIFIED")
    serial, cert = new_passphrase(p, "Pantai Kuta senja hari, Oktober 2027")
    for i in range(4):
        expect(http("POST", "/api/v1/holder/renew", {"nik": p["nik"], "passphrase": "tebakan %d" % i}), 400,
               "wrong_passphrase")
    expect(http("POST", "/api/v1/holder/renew", {"nik": p["nik"], "passphrase": "tebakan kelima"}), 403,
           "holder_suspended")
    assert v2_status(p) == "SUSPEND"
    wait_mail(email_of(p), r"ditangguhkan$")
    q = expect(http("GET", "/api/v1/applications?status=VERIFIED", token=CTX["verif.a"]), 200)
    pid = [x["id"] for x in q["applications"] if x["email"] == email_of(p)][0]
    expect(http("POST", "/api/v1/applications/%s/unsuspend" % pid, {"note": "x"}, token=CTX["verif.b"]), 404)
    expect(http("POST", "/api/v1/applications/%s/unsuspend" % pid, {}, token=CTX["verif.a"]), 422, "validation")
    expect(http("POST", "/api/v1/applications/%s/unsuspend" % pid,
                {"note": "Datang langsung, KTP dan wajah dicocokkan"}, token=CTX["verif.a"]), 200)
    expect(http("POST", "/api/v1/applications/%s/unsuspend" % pid, {"note": "lagi"}, token=CTX["verif.a"]),
           409, "wrong_state")
    assert v2_status(p) == "ISSUE"
    wait_mail(email_of(p), r"^Penangguhan")
    # The count starts again: one wrong passphrase is not a suspension.
    e = expect(http("POST", "/api/v1/holder/renew", {"nik": p["nik"], "passphrase": "salah lagi"}), 400,
               "wrong_passphrase")
    assert v2_status(p) == "ISSUE", e


# ---------------------------------------------------------------- P8
def t_reminders():
    p, app, serial, cert, secret = CTX["B"]          # notAfter 2027-12-28 13:00 WIB
    to = email_of(p)
    at(2027, 11, 27, 12, 0)                      # 31 days before: nothing
    time.sleep(1.5)
    assert count(to, r"berakhir dalam") == 0
    at(2027, 11, 28, 14, 0)
    m = wait_mail(to, r"berakhir dalam 30 hari")
    assert serial in m[2], m[2][:300]
    at(2027, 11, 29, 14, 0)
    time.sleep(1.5)
    assert count(to, r"berakhir dalam") == 1
    at(2027, 12, 21, 14, 0)
    wait_mail(to, r"berakhir dalam 7 hari")
    at(2027, 12, 27, 14, 0)
    wait_mail(to, r"berakhir dalam 1 hari")
    time.sleep(1.5)
    assert count(to, r"berakhir dalam") == 3, [m[1] for m in messages() if m[0] == to]


def t_expiry():
    p, app, serial, cert, secret = CTX["B"]
    to = email_of(p)
    at(2027, 12, 28, 14, 0)                      # an hour after notAfter
    assert v2_status(p) == "EXPIRED"
    wait_mail(to, r"kedaluwarsa")
    e = expect(http("POST", "/api/v1/holder/renew", {"email": to, "passphrase": secret}), 409,
               "renew_expired")
    assert "baru" in e["error"]["message"], e
    expect(http("POST", "/api/v1/applications/%s/renew" % app, token=CTX["verif.a"]), 409, "renew_expired")
    with sqlite3.connect(os.path.join(D, "sertel.db"), timeout=10) as db:
        st = db.execute("SELECT h.status FROM holders h JOIN applications a ON a.id = h.application_id "
                        "WHERE a.public_id = ?", (app,)).fetchone()[0]
    assert st == "EXPIRED", st
    # A new application for the same person is accepted and goes through.
    j = submit(p, "MANUAL_REVIEW")
    assert j["id"] != app
    expect(http("POST", "/api/v1/applications/%s/approve" % j["id"], {}, token=CTX["verif.a"]), 200)
    new, _ = new_passphrase(p, "Kembang api malam tahun baru di Monas", n=2)
    assert new != serial and v2_status(p) == "ISSUE"
    old = expect(http("GET", "/api/v1/applications/" + app, token=CTX["verif.a"]), 200)
    assert old["status"] == "CLOSED", old
    time.sleep(1.5)
    assert count(to, r"kedaluwarsa") == 1


# ---------------------------------------------------------------- mail, secrets, clock
def t_mail_once():
    ids = [m[3] for m in messages()]
    assert len(ids) == len(set(ids)), "a Message-ID arrived twice"
    per = {}
    for m in messages():
        key = (m[0], re.sub(r"\d+ hari", "N hari", m[1]))
        per[key] = per.get(key, 0) + 1
    b = email_of(CTX["B"][0])
    for subject in ("Sertifikat elektronik Anda telah kedaluwarsa",):
        assert per.get((b, subject)) == 1, per.get((b, subject))
    a = email_of(CTX["A"][0])
    assert per.get((a, "Atur passphrase untuk sertifikat elektronik baru Anda")) == 1
    assert per.get((a, "Sertifikat elektronik Anda telah terbit")) == 2


def t_secrets_nowhere():
    for top, _, files in os.walk(T):
        for name in files:
            with open(os.path.join(top, name), "rb") as f:
                data = f.read()
            for s in SECRETS:
                assert s.encode() not in data, "a passphrase in " + os.path.join(top, name)
    assert len(SECRETS) >= 7, SECRETS


def t_prod_clock():
    prod = os.environ.get("SERTEL_PROD")
    if not prod:
        raise AssertionError("SERTEL_PROD is not set: which production binary ignores the clock?")
    d = os.path.join(T, "prod")
    sx("init", "--dir", d, binary=os.path.abspath(os.path.join(H.ROOT, prod)))
    r = subprocess.run(["openssl", "x509", "-in", os.path.join(d, "ca", "root.pem"), "-noout", "-startdate"],
                       capture_output=True, text=True)
    start = calendar.timegm(time.strptime(r.stdout.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z"))
    assert abs(start - time.time()) < 600, (r.stdout, H.OFFSET)
    r = subprocess.run(["openssl", "x509", "-in", os.path.join(D, "ca", "root.pem"), "-noout", "-startdate"],
                       capture_output=True, text=True)
    start = calendar.timegm(time.strptime(r.stdout.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z"))
    assert abs(start - wib(2026, 12, 18, 8, 0)) < 600, r.stdout


def t_free():
    """S2: no payment step anywhere; the landing page says it is free."""
    st, body, hdr = http("GET", "/", raw=True)
    page = body.decode()
    assert st == 200 and hdr["Content-Type"].startswith("text/html"), (st, hdr["Content-Type"])
    assert "tidak dipungut biaya" in page and "satu hari kerja" in page.lower(), page[:400]
    assert "<script>" not in page and "style=" not in page
    csp = hdr["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, csp
    st, body, _ = http("GET", "/en", raw=True)
    assert st == 200 and b"free of charge" in body and b'lang="en"' in body
    st, body, hdr = http("GET", "/static/site.css", raw=True)
    assert st == 200 and hdr["Content-Type"].startswith("text/css"), st
    assert http("GET", "/static/nothing.css", raw=True)[0] == 404
    paths = json.loads(http("GET", "/api/v1/openapi.json", raw=True)[1])["paths"]
    assert not [p for p in paths if re.search(r"pay|bayar|billing|invoice", p)], paths


def t_operator():
    """The operator's views: the audit log searched and checked, and the
    dashboard's numbers."""
    j = expect(http("GET", "/api/v1/audit?action=holder.&verify=1&limit=500", token=CTX["admin"]), 200)
    acts = {r["action"] for r in j["rows"]}
    assert {"holder.renewed", "holder.expire", "holder.unsuspend", "holder.suspend"} <= acts, acts
    assert j["chain"]["intact"] is True and j["chain"]["rows"] > 50, j["chain"]
    ids = [r["id"] for r in j["rows"]]
    assert ids == sorted(ids, reverse=True), ids[:5]
    older = expect(http("GET", "/api/v1/audit?before=%d&limit=5" % ids[0], token=CTX["admin"]), 200)["rows"]
    assert older and all(r["id"] < ids[0] for r in older), older
    expect(http("GET", "/api/v1/audit", token=CTX["verif.a"]), 403)
    expect(http("GET", "/api/v1/audit?limit=0", token=CTX["admin"]), 422, "validation")
    j = expect(http("GET", "/api/v1/reports/stats?from=2026-12-01&to=2027-12-31", token=CTX["admin"]), 200)
    days = {d["key"]: d["count"] for d in j["applications_per_day"]}
    assert days.get("2026-12-18") == 1 and days.get("2026-12-23") == 1, days
    statuses = {c["key"] for c in j["certificates_by_status"]}
    assert {"ISSUE", "EXPIRED"} <= statuses, j["certificates_by_status"]
    j = expect(http("GET", "/api/v1/reports/stats?from=2026-12-01&to=2027-12-31", token=CTX["verif.b"]), 200)
    assert j["applications_per_day"] == [] and j["certificates_by_status"] == [], j


def t_audit():
    out = sx("audit", "verify", "--dir", D)
    assert "intact" in out, out


def main():
    try:
        set_clock(wib(2026, 12, 18, 8, 0))
        check("[setup] test build with a movable clock, aiosmtpd, registry-sim, serve", t_setup,
              "holder.validity_days = 365\nlifecycle.interval_seconds = 1\nsla.remind_hours = 4\n", 28)
        if H.FAIL:
            print("Bail out! no environment")
            return
        check("[staff] admin, verifiers, an API client", t_staff)
        if H.FAIL:
            print("Bail out! no staff")
            return
        check("[sla] Friday 10:00 to Monday 09:00 is 23 working hours; due Monday 10:00", t_weekend)
        check("[sla] Wednesday 15:00 before collective leave, Christmas and a weekend: due Monday 15:00",
              t_holiday_due)
        check("[sla] the verifier is reminded once, 4 h before the due time; approved in time", t_reminder)
        check("[sla] past its due time an open application is flagged overdue, once", t_overdue)
        check("[sla] the report per agency and overall, JSON and CSV: count, median, share, late list",
              t_report)
        check("[holidays] ADMIN adds a holiday, due times follow it; verifiers cannot edit", t_holidays)
        check("[renew] P7: too early refused; in the window RENEW, BKN re-check, new key and certificate, "
              "old one superseded in OCSP and the CRL", t_renew)
        check("[forgot] a stranger's face refused; the holder's own: old certificate revoked, new one; "
              "links live a day", t_forgot)
        check("[suspend] only the verifier lifts a suspension, with a note; the count restarts", t_unsuspend)
        check("[expiry] reminders 30, 7 and 1 days before notAfter, each once", t_reminders)
        check("[expiry] EXPIRED at notAfter, mailed once; renewal refused; a new application succeeds",
              t_expiry)
        check("[mail] every lifecycle e-mail arrived exactly once", t_mail_once)
        check("[secrets] no passphrase in any file: database, WAL, logs, mail", t_secrets_nowhere)
        check("[clock] the production build ignores the test clock; the test build follows it", t_prod_clock)
        check("[operator] the audit log searched, paged and checked; dashboard numbers per day and status",
              t_operator)
        check("[free] S2: the landing page says free of charge, with a strict CSP; no payment route",
              t_free)
        check("[audit] the audit chain is intact", t_audit)
    finally:
        H.finish()


main()
