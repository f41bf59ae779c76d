#!/usr/bin/python3
"""End-to-end test of complaints (S4): the public form with an
attachment and its private status link, a complaint taken by phone and
one by letter recorded by staff, the desk (assign, reply, close), the
replies arriving by e-mail at the real SMTP server, what each agency's
verifier sees, bad input refused with nothing written, and the
answer-time report in working hours.

A real SMTP server (aiosmtpd), the registry simulator and `sertel serve`
on loopback; the test build's clock is moved so that answers take
known working hours.
"""
import base64, os, re, sqlite3

import harness as H
from harness import CTX, D, at, check, expect, http, set_clock, sx, t_setup, t_staff, wait_mail, wib

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")
GIF = base64.b64decode("R0lGODlhAQABAAAAACw=")
CITIZEN = "warga.pelapor@example.id"
VISITOR = "visitor@example.org"




def rows(sql, *args):
    with sqlite3.connect("file:%s?mode=ro" % os.path.join(D, "sertel.db"), uri=True) as c:
        return c.execute(sql, args).fetchall()


def token_of(url):
    m = re.search(r"/pengaduan/status/([A-Za-z0-9_-]{20,})$", url)
    assert m, url
    return m.group(1)


def t_public():
    j = expect(http("POST", "/api/v1/complaints", {
        "name": "Rahmat Hidayat", "email": CITIZEN, "category": "registration",
        "text": "Tautan aktivasi tidak pernah sampai ke kotak surat saya sejak Jumat.",
        "attachment": base64.b64encode(PDF).decode()}), 201)
    assert re.fullmatch(r"ADU-20261207-\d{4}", j["ticket"]) and j["status"] == "NEW", j
    assert j["channel"] == "web" and j["due_at"] >= wib(2026, 12, 8, 9, 0), j
    CTX["web"], CTX["web_tok"] = j["ticket"], token_of(j["status_url"])
    # The ticket and the same private link arrive by e-mail.
    m = wait_mail(CITIZEN, r"^Pengaduan Anda diterima: " + j["ticket"])
    assert j["status_url"] in m[2] and "Yth. Rahmat Hidayat" in m[2], m[2][:600]
    # Only the token's SHA-256 is in the database.
    assert not rows("SELECT 1 FROM complaints WHERE token_hash = ?", CTX["web_tok"])
    s = expect(http("GET", "/api/v1/complaints/status/" + CTX["web_tok"]), 200)
    assert s["ticket"] == j["ticket"] and s["status"] == "NEW" and s["replies"] == [], s
    assert "email" not in s and "name" not in s, s
    # English on request: the answer's e-mail follows the reader.
    j = expect(http("POST", "/api/v1/complaints", {
        "name": "Jane Doe", "email": VISITOR, "category": "signing",
        "text": "The verification page says my signed letter is not valid."}, lang="en"), 201)
    CTX["en"] = j["ticket"]
    wait_mail(VISITOR, r"^Your complaint was received: " + j["ticket"])
    assert j["ticket"] > CTX["web"], (j["ticket"], CTX["web"])


def t_refusals():
    before = rows("SELECT count(*) FROM complaints")[0][0], rows("SELECT count(*) FROM audit")[0][0]
    good = {"name": "Rahmat", "email": CITIZEN, "category": "other", "text": "Pelayanan lambat sekali."}
    st, j = http("POST", "/api/v1/complaints", {k: v for k, v in good.items() if k != "email"})
    assert st == 422 and j["error"]["code"] == "validation" and j["error"]["field"] == "email", j
    st, j = http("POST", "/api/v1/complaints", dict(good, category="pungli"))
    assert st == 422 and j["error"]["field"] == "category", j
    st, j = http("POST", "/api/v1/complaints", dict(good, text=12345))
    assert st == 422 and j["error"]["field"] == "text", j
    expect(http("POST", "/api/v1/complaints", dict(good, attachment=base64.b64encode(GIF).decode())), 415,
           "unsupported_media_type")
    expect(http("POST", "/api/v1/complaints", dict(good, attachment="%%% not base64 %%%")), 422, "validation")
    # 2.2 MB decoded fits the body limit but not the attachment's.
    big = base64.b64encode(b"%PDF-1.4\n" + b"0" * 2200000).decode()
    expect(http("POST", "/api/v1/complaints", dict(good, attachment=big)), 413, "body_too_large")
    expect(http("POST", "/api/v1/complaints", dict(good, attachment="A" * (4 << 20))), 413, "body_too_large")
    expect(http("POST", "/api/v1/complaints", "{not json", ctype="application/json"), 400, "bad_json")
    # The public form cannot claim another channel; staff cannot record "web".
    j = expect(http("POST", "/api/v1/complaints/staff", dict(good, channel="web"), token=CTX["admin"]), 422)
    assert j["error"]["field"] == "channel", j
    expect(http("POST", "/api/v1/complaints/staff", dict(good, channel="phone")), 401, "unauthorized")
    expect(http("GET", "/api/v1/complaints"), 401, "unauthorized")
    expect(http("GET", "/api/v1/complaints/status/" + "A" * 32), 410, "link_invalid")
    after = rows("SELECT count(*) FROM complaints")[0][0], rows("SELECT count(*) FROM audit")[0][0]
    assert before == after, (before, after)


def t_phone_and_letter():
    # A caller of 183 about KEMENKEU, taken by that agency's verifier.
    j = expect(http("POST", "/api/v1/complaints/staff", {
        "channel": "phone", "name": "Budi Santoso", "phone": "0812-3456-7890", "category": "certificate",
        "text": "Penelepon: sertifikatnya tercabut tanpa pemberitahuan."}, token=CTX["verif.a"]), 201)
    assert j["channel"] == "phone" and j["ticket"].startswith("ADU-20261207-"), j
    CTX["phone"] = j["ticket"]
    one = expect(http("GET", "/api/v1/complaints/" + j["ticket"], token=CTX["admin"]), 200)
    assert one["agency"] == "KEMENKEU" and one["created_by"] == "user:verif.a" and one["email"] is None, one
    # Another agency's verifier does not see it; it is not on his desk.
    expect(http("GET", "/api/v1/complaints/" + j["ticket"], token=CTX["verif.b"]), 404, "not_found")
    desk = expect(http("GET", "/api/v1/complaints", token=CTX["verif.b"]), 200)["complaints"]
    assert all(c["ticket"] != j["ticket"] for c in desk), desk
    desk = expect(http("GET", "/api/v1/complaints", token=CTX["verif.a"]), 200)["complaints"]
    assert [c["ticket"] for c in desk] == [j["ticket"]], desk


def t_desk():
    d = expect(http("GET", "/api/v1/complaints?status=NEW", token=CTX["admin"]), 200)
    got = {c["ticket"]: c for c in d["complaints"]}
    assert {CTX["web"], CTX["en"], CTX["phone"]} <= set(got), got
    assert all(not c["overdue"] and c["due_at"] > d["now"] for c in got.values()), got
    expect(http("GET", "/api/v1/complaints?status=OPEN", token=CTX["admin"]), 422, "validation")
    one = expect(http("GET", "/api/v1/complaints/" + CTX["web"], token=CTX["admin"]), 200)
    assert one["attachment"] == {"type": "application/pdf", "size": len(PDF)}, one
    st, body, hdr = http("GET", "/api/v1/complaints/%s/attachment" % CTX["web"], token=CTX["admin"], raw=True)
    assert st == 200 and body == PDF and hdr["Content-Type"] == "application/pdf", (st, hdr)
    assert hdr["Content-Disposition"].startswith("attachment;"), hdr
    # A complaint about no agency goes to the operator, not a verifier.
    j = expect(http("POST", "/api/v1/complaints/%s/assign" % CTX["web"], {"assignee": "verif.a"},
                    token=CTX["admin"]), 422)
    assert j["error"]["field"] == "assignee", j
    j = expect(http("POST", "/api/v1/complaints/%s/assign" % CTX["web"], {"assignee": "admin"},
                    token=CTX["admin"]), 200)
    assert j["status"] == "IN_PROGRESS" and j["assignee"] == "admin", j
    wait_mail("admin@bsre.go.id", r"^Pengaduan %s ditugaskan" % CTX["web"])


def t_reply():
    at(2026, 12, 7, 13, 0)     # four working hours after filing
    text = "Tautan aktivasi baru telah kami kirim pukul 13.00.\nMohon periksa juga folder spam."
    j = expect(http("POST", "/api/v1/complaints/%s/reply" % CTX["web"], {"text": text}, token=CTX["admin"]), 200)
    assert j["status"] == "ANSWERED" and j["emailed"] is True and j["first_answer_at"] is not None, j
    m = wait_mail(CITIZEN, r"^Tanggapan atas pengaduan " + CTX["web"])
    assert "Mohon periksa juga folder spam." in m[2] and "tautan aktivasi baru" in m[2].lower(), m[2][:800]
    s = expect(http("GET", "/api/v1/complaints/status/" + CTX["web_tok"]), 200)
    assert s["status"] == "ANSWERED" and [r["text"] for r in s["replies"]] == [text], s
    assert "author" not in s["replies"][0], s
    at(2026, 12, 7, 15, 0)     # six working hours after the call
    j = expect(http("POST", "/api/v1/complaints/%s/reply" % CTX["phone"],
                    {"text": "Dihubungi kembali lewat telepon: sertifikat dicabut atas permintaan instansi."},
                    token=CTX["verif.a"]), 200)
    assert j["status"] == "ANSWERED" and j["emailed"] is False, j
    expect(http("POST", "/api/v1/complaints/%s/reply" % CTX["phone"], {"text": ""}, token=CTX["verif.a"]),
           422, "validation")
    expect(http("POST", "/api/v1/complaints/%s/reply" % CTX["phone"], {"text": "x"}, token=CTX["verif.b"]),
           404, "not_found")


def t_close():
    j = expect(http("POST", "/api/v1/complaints/%s/close" % CTX["web"], {}, token=CTX["admin"]), 200)
    assert j["status"] == "CLOSED" and j["closed_at"] is not None, j
    m = wait_mail(CITIZEN, r"^Pengaduan %s ditutup" % CTX["web"])
    assert "telah ditanggapi" in m[2], m[2][:600]
    expect(http("POST", "/api/v1/complaints/%s/reply" % CTX["web"], {"text": "lagi"}, token=CTX["admin"]),
           409, "wrong_state")
    expect(http("POST", "/api/v1/complaints/%s/close" % CTX["web"], {}, token=CTX["admin"]), 409, "wrong_state")
    # Never answered: closing needs the reason.
    j = expect(http("POST", "/api/v1/complaints/%s/close" % CTX["en"], {}, token=CTX["admin"]), 422)
    assert j["error"]["field"] == "reason", j
    s = expect(http("GET", "/api/v1/complaints/status/" + CTX["web_tok"]), 200)
    assert s["status"] == "CLOSED", s


def t_overdue_and_report():
    # A letter recorded on Tuesday morning; at 10:00 it is not due yet,
    # while Monday's unanswered English complaint is late.
    at(2026, 12, 8, 8, 0)
    j = expect(http("POST", "/api/v1/complaints/staff", {
        "channel": "letter", "name": "Kepala Desa Sukamaju", "category": "service", "lang": "id",
        "text": "Surat nomor 12/2026 tentang layanan verifikasi yang lambat."}, token=CTX["admin"]), 201)
    CTX["letter"] = j["ticket"]
    assert j["ticket"].startswith("ADU-20261208-0001"), j
    at(2026, 12, 8, 10, 0)
    desk = {c["ticket"]: c for c in expect(http("GET", "/api/v1/complaints", token=CTX["admin"]), 200)["complaints"]}
    assert desk[CTX["en"]]["overdue"] is True and desk[CTX["letter"]]["overdue"] is False, desk
    assert desk[CTX["phone"]]["overdue"] is False, desk          # answered in time
    rep = expect(http("GET", "/api/v1/reports/complaints?from=2026-12-07&to=2026-12-08", token=CTX["admin"]), 200)
    o = rep["overall"]
    want = {"count": 4, "answered": 2, "answered_within_one_working_day": 2, "pending": 1, "overdue": 1}
    assert {k: o[k] for k in want} == want, o
    assert abs(o["share_answered_within_one_working_day"] - 0.667) < 1e-9, o
    assert abs(o["median_working_hours_to_first_answer"] - 5.0) < 0.05, o     # 4 h and 6 h
    chans = {c["channel"]: c for c in rep["channels"]}
    assert set(chans) == {"web", "phone", "letter"} and chans["web"]["count"] == 2, chans
    # A verifier sees his agency's complaints only.
    mine = expect(http("GET", "/api/v1/reports/complaints?from=2026-12-07&to=2026-12-08",
                       token=CTX["verif.a"]), 200)["overall"]
    assert mine["count"] == 1 and mine["answered"] == 1, mine
    other = expect(http("GET", "/api/v1/reports/complaints?from=2026-12-07&to=2026-12-08",
                        token=CTX["verif.b"]), 200)["overall"]
    assert other["count"] == 0, other
    j = expect(http("GET", "/api/v1/reports/complaints?from=2026-12-08&to=2026-12-07", token=CTX["admin"]), 422)
    assert j["error"]["field"] == "to", j
    expect(http("GET", "/api/v1/reports/complaints?from=2026-12-07&to=2026-12-08"), 401, "unauthorized")


def t_audit():
    acts = dict(rows("SELECT action, count(*) FROM audit WHERE action LIKE 'complaint.%' GROUP BY action"))
    assert acts == {"complaint.file": 4, "complaint.assign": 1, "complaint.reply": 2, "complaint.close": 1}, acts
    out = sx("audit", "verify", "--dir", D)
    assert "intact" in out, out


def main():
    try:
        set_clock(wib(2026, 12, 7, 9, 0))        # a Monday without holidays
        check("[setup] test build with a movable clock, aiosmtpd, registry-sim, serve", t_setup)
        if H.FAIL:
            print("Bail out! no environment")
            return
        check("[staff] admin, verifiers, an API client", t_staff)
        if H.FAIL:
            print("Bail out! no staff")
            return
        check("[public] the form with a PDF: ticket ADU-YYYYMMDD-NNNN, private status link by e-mail, "
              "only its hash stored; English on request", t_public)
        check("[refusals] no contact, bad category, GIF 415, over 2 MiB 413, bad JSON 400, staff route 401, "
              "unknown link 410: nothing written", t_refusals)
        check("[phone] a 183 call recorded by KEMENKEU's verifier; another agency's verifier cannot see it",
              t_phone_and_letter)
        check("[desk] list with due times, the attachment as a download, assignment by e-mail", t_desk)
        check("[reply] the answer arrives by e-mail at the SMTP server and on the status page; "
              "a phone complaint's answer is not e-mailed", t_reply)
        check("[close] closed with a notice by e-mail; no reply after closing; an unanswered one needs "
              "a reason", t_close)
        check("[report] overdue flag; answer times: count, share within one working day, median 5 "
              "working hours; per channel and per agency", t_overdue_and_report)
        check("[audit] every change audited; the chain is intact", t_audit)
    finally:
        H.finish()


main()
