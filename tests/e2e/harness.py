"""What the Python end-to-end tests share.

Each test script imports this module once: it makes a temporary folder,
picks free loopback ports for a real SMTP server (aiosmtpd from Debian's
python3-aiosmtpd, storing mail in a Maildir), `sertel registry-sim` and
`sertel serve`, and offers the helpers the scripts drive them with:
checks that print `ok N - ...` / `not ok N - ...`, HTTP with JSON, TOTP
logins, the Maildir, and the people the simulator generated.

The test build's clock (SERTEL_TEST_CLOCK_FILE, util.c) is shared by
every process started here: set_clock() moves it, now() reads it, and
TOTP codes follow it.
"""
import base64, calendar, email, email.policy, hashlib, hmac, json, os, re
import shutil, signal, socket, struct, subprocess, sys, tempfile
import time, traceback, urllib.error, urllib.parse, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERTEL = os.path.abspath(os.path.join(ROOT, os.environ.get("SERTEL", "build/sertel")))
BUDGET = float(os.environ.get("E2E_BUDGET", "240"))
T0 = time.time()
T = tempfile.mkdtemp(prefix="sertel-e2e.")
PROCS = {}
N = PASS = FAIL = 0
CLOCK = os.path.join(T, "clock")
ENV = dict(os.environ, SERTEL_TEST_CLOCK_FILE=CLOCK)
OFFSET = 0


def set_clock(epoch):
    """Moves the test clock of every sertel process to epoch (UTC)."""
    global OFFSET
    OFFSET = int(epoch - time.time())
    with open(CLOCK + ".tmp", "w") as f:
        f.write("%d\n" % OFFSET)
    os.replace(CLOCK + ".tmp", CLOCK)


def now():
    return time.time() + OFFSET


def wib(y, mo, d, h=0, mi=0):
    """A time in Asia/Jakarta (UTC+7, no daylight saving) as UTC seconds."""
    return calendar.timegm((y, mo, d, h, mi, 0)) - 7 * 3600


def at(y, mo, d, h=0, mi=0, settle=1.2):
    """Moves every process's clock to that WIB time; staff sessions do not
    survive the jump, so they log in again; the workers get a moment."""
    set_clock(wib(y, mo, d, h, mi))
    relogin()
    time.sleep(settle)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


SMTP, SIM, WEB = free_port(), free_port(), free_port()
BASE = "http://127.0.0.1:%d" % WEB
D = os.path.join(T, "instance")
MAILDIR = os.path.join(T, "maildir")


def check(desc, fn, *a):
    global N, PASS, FAIL
    N += 1
    if time.time() - T0 > BUDGET:
        FAIL += 1
        print("not ok %d - %s (not run: past the %d s budget)" % (N, desc, BUDGET))
        return None
    try:
        r = fn(*a)
        PASS += 1
        print("ok %d - %s" % (N, desc))
        return r
    except Exception as ex:  # noqa: BLE001 - a failed check, whatever it was
        FAIL += 1
        print("not ok %d - %s" % (N, desc))
        for line in ("%s: %s" % (type(ex).__name__, ex)).splitlines()[:30]:
            print("#   " + line)
        for line in traceback.format_exc().splitlines()[-4:]:
            print("#   " + line)
        return None
    finally:
        sys.stdout.flush()


def start(name, argv, env=None):
    log = open(os.path.join(T, name + ".log"), "ab")
    PROCS[name] = subprocess.Popen(argv, stdout=log, stderr=log, env=env or ENV,
                                   start_new_session=True)


def stop(name):
    p = PROCS.pop(name, None)
    if p is None:
        return None
    p.send_signal(signal.SIGTERM)
    try:
        return p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        return p.wait(5)


def wait_port(port, secs=10):
    end = time.time() + secs
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("nothing listens on %d" % port)


def sx(*args, stdin=None, binary=None):
    r = subprocess.run([binary or SERTEL] + list(args), input=stdin, capture_output=True,
                       text=True, timeout=60, env=ENV)
    if r.returncode != 0:
        raise AssertionError("sertel %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout


def http(method, path, body=None, token=None, basic=None, ctype=None, lang=None, raw=False):
    data = None
    headers = {}
    if body is not None:
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        else:
            data = body if isinstance(body, bytes) else body.encode()
            headers["Content-Type"] = ctype or "text/csv"
    if token:
        headers["Authorization"] = "Bearer " + token
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(("%s:%s" % basic).encode()).decode()
    if lang:
        headers["Accept-Language"] = lang
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            status, out, hdrs = r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        status, out, hdrs = e.code, e.read(), e.headers
    if raw:
        return status, out, hdrs
    try:
        return status, json.loads(out.decode() or "null")
    except ValueError:
        raise AssertionError("%s %s: %d, not JSON: %r" % (method, path, status, out[:200]))


def expect(got, status, code=None):
    st, j = got
    if st != status:
        raise AssertionError("want HTTP %d, got %d: %s" % (status, st, json.dumps(j)[:400]))
    if code is not None and (not isinstance(j, dict) or j.get("error", {}).get("code") != code):
        raise AssertionError("want error code %s, got %s" % (code, json.dumps(j)[:400]))
    return j


def totp(uri, off=0):
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    step = int(now()) // 30 + off
    h = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    o = h[19] & 15
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def login(user, pw, uri):
    # A code is accepted once; the next step's code is valid too (drift).
    for off in (0, 1):
        st, j = http("POST", "/api/v1/auth/login", {"username": user, "password": pw, "totp": totp(uri, off)})
        if st == 200:
            return j["token"]
    raise AssertionError("login %s: %s" % (user, j))


def messages():
    """Every delivered message, parsed: (to, subject, text, message-id)."""
    out = []
    files = []
    for sub in ("new", "cur"):
        d = os.path.join(MAILDIR, sub)
        if os.path.isdir(d):
            files += [os.path.join(d, f) for f in os.listdir(d)]
    # In delivery order, which the Maildir's own listing does not keep.
    files.sort(key=lambda f: (os.stat(f).st_mtime_ns, f))
    for f in files:
        with open(f, "rb") as fh:
            msg = email.message_from_bytes(fh.read(), policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        out.append((str(msg["To"]), str(msg["Subject"]), text, str(msg["Message-ID"])))
    return out


def wait_mail(to, pattern, secs=15, after=0):
    end = time.time() + secs
    while time.time() < end:
        found = [m for m in messages() if m[0] == to and re.search(pattern, m[1])]
        if len(found) > after:
            return found[after]
        time.sleep(0.1)
    raise AssertionError("no mail to %s matching %r within %d s; have: %s" % (
        to, pattern, secs, [(m[0], m[1]) for m in messages()]))


def link_token(msg):
    m = re.search(r"/aktivasi/([A-Za-z0-9_-]{20,})", msg[2])
    if not m:
        raise AssertionError("no activation link in: %s" % msg[2][:500])
    return m.group(1)


def wait_status(token, pid, want, secs=20):
    end = time.time() + secs
    j = None
    while time.time() < end:
        j = expect(http("GET", "/api/v1/applications/" + pid, token=token), 200)
        if j["status"] == want:
            return j
        time.sleep(0.2)
    raise AssertionError("application %s: want %s, still %s (%s)" % (pid, want, j and j["status"], j and j.get("reason")))


# ---------------------------------------------------------------- setup
PEOPLE = {}
CTX = {}
EMAIL_DOMAIN = "kemenkeu.go.id"


def t_setup(extra_conf="", people=16):
    sx("init", "--dir", D, "--base-url", BASE)
    conf = os.path.join(D, "sertel.conf")
    with open(conf, "a") as f:
        f.write("\nmail.smtp_url = smtp://127.0.0.1:%d\nmail.starttls = 0\n" % SMTP)
        f.write("registry.dukcapil_url = http://127.0.0.1:%d/dukcapil/v1\n" % SIM)
        f.write("registry.bkn_url = http://127.0.0.1:%d/bkn/v1\n" % SIM)
        f.write("registry.sipp_url = http://127.0.0.1:%d/sipp/v1\n" % SIM)
        f.write("registry.attempts = 3\nregistry.timeout_ms = 2000\n")
        f.write(extra_conf)
    # sertel.conf rejects a key given twice? Later lines win; check it parses.
    sx("admin", "ca", "chain", "--dir", D)
    pdir = os.path.join(T, "people")
    sx("registry-sim", "--generate", str(people), "--out", pdir, "--seed", "20261125",
       "--agency", "Kementerian Keuangan")
    with open(os.path.join(pdir, "people.json")) as f:
        people = json.load(f)["people"]
    for p in people:
        PEOPLE.setdefault(p["category"], []).append(p)
        p["face_path"] = os.path.join(pdir, p["face"])
    for cat in ("ASN", "POLRI", "NON_ASN"):
        if len(PEOPLE.get(cat, [])) < 2:
            raise AssertionError("generator gave too few %s: %s" % (cat, {k: len(v) for k, v in PEOPLE.items()}))
    start("smtp", ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:%d" % SMTP,
                   "-c", "aiosmtpd.handlers.Mailbox", MAILDIR])
    start("sim", [SERTEL, "registry-sim", "--listen", "127.0.0.1:%d" % SIM, "--people",
                  os.path.join(pdir, "people.json")])
    start("serve", [SERTEL, "serve", "--dir", D, "--listen", "127.0.0.1:%d" % WEB])
    for port in (SMTP, SIM, WEB):
        wait_port(port)


def t_staff():
    out = sx("admin", "user", "add", "--dir", D, "--username", "admin", "--name", "Admin Utama",
             "--email", "admin@bsre.go.id", "--role", "ADMIN", stdin="kata sandi admin yang panjang\n")
    CTX["cred"] = {"admin": ("kata sandi admin yang panjang", out.strip().splitlines()[-1])}
    CTX["admin"] = login("admin", *CTX["cred"]["admin"])
    a = CTX["admin"]
    expect(http("POST", "/api/v1/agencies", {"code": "KEMENKEU", "name": "Kementerian Keuangan",
           "pks_number": "PKS-01/2026", "pks_start": "2026-01-01", "pks_end": "2028-12-31",
           "domains": [EMAIL_DOMAIN]}, token=a), 201)
    expect(http("POST", "/api/v1/agencies", {"code": "DINASLAMA", "name": "Dinas Lama",
           "pks_number": "PKS-07/2024", "pks_start": "2024-01-01", "pks_end": "2025-12-31",
           "domains": ["lama.go.id"]}, token=a), 201)
    expect(http("POST", "/api/v1/agencies", {"code": "BAPPEDA", "name": "Bappeda Contoh",
           "pks_number": "PKS-03/2026", "pks_start": "2026-01-01", "pks_end": "2028-12-31",
           "domains": ["bappeda.go.id"]}, token=a), 201)
    for user, agency, mail in (("verif.a", "KEMENKEU", "verif.a@kemenkeu.go.id"),
                               ("verif.b", "BAPPEDA", "verif.b@bappeda.go.id")):
        j = expect(http("POST", "/api/v1/users", {"username": user, "name": "Verifikator " + agency,
                   "email": mail, "role": "AGENCY_VERIFIER", "agency": agency,
                   "password": "kata sandi verifikator"}, token=a), 201)
        CTX["cred"][user] = ("kata sandi verifikator", j["totp_uri"])
        CTX[user] = login(user, *CTX["cred"][user])
    j = expect(http("POST", "/api/v1/api-clients", {"agency": "KEMENKEU", "name": "e-Office Kemenkeu"},
               token=a), 201)
    CTX["client"] = (j["client_id"], j["client_secret"])


def relogin():
    """New sessions for the staff, after the clock jumped past their
    12-hour lifetime."""
    for user, (pw, uri) in CTX["cred"].items():
        CTX[user] = login(user, pw, uri)


def email_of(p):
    return re.sub(r"[^a-z]+", ".", p["name"].lower()).strip(".") + "@" + EMAIL_DOMAIN


def face_b64(p):
    with open(p["face_path"], "rb") as f:
        return base64.b64encode(f.read()).decode()


def activation(p, face_of=None, **over):
    d = {"nik": p["nik"], "name": p["name"], "birth_place": p["birth_place"],
         "birth_date": p["birth_date"], "gender": p["gender"], "category": p["category"],
         "unit": p.get("unit") or "Biro Umum", "position": p.get("position") or "Analis",
         "selfie": face_b64(face_of or p),
         "consent": {"privacy_policy": "2026-1", "holder_agreement": "2026-1"}}
    if p.get("nip"):
        d["nip"] = p["nip"]
    if p.get("nrp"):
        d["nrp"] = p["nrp"]
    d.update(over)
    return {k: v for k, v in d.items() if v is not None}


def register(p, token=None):
    return expect(http("POST", "/api/v1/applications", {"name": p["name"], "email": email_of(p)},
                  token=token or CTX["verif.a"]), 201)


def set_passphrase(p, secret):
    m = wait_mail(email_of(p), r"passphrase")
    tok = re.search(r"/passphrase/([A-Za-z0-9_-]{20,})", m[2]).group(1)
    j = expect(http("POST", "/api/v1/passphrase/" + tok, {"passphrase": secret}), 201)
    path = os.path.join(T, "%s.pem" % j["serial"])
    with open(path, "w") as f:
        f.write(j["certificate"])
    return j["serial"], path


def v2_status(p):
    return http("POST", "/api/v2/user/check/status", {"email": email_of(p)}, basic=CTX["client"])[1]["status"]


def finish():
    """Stops everything, looks for sanitizer reports, prints the count."""
    global FAIL
    for name in list(PROCS):
        stop(name)
    log = os.path.join(T, "serve.log")
    if os.path.exists(log):
        with open(log, errors="replace") as f:
            text = f.read()
        if re.search(r"runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer", text):
            FAIL += 1
            print("not ok %d - [san] sanitizer reports in serve.log" % (N + 1))
            print("\n".join("#   " + x for x in text.splitlines()[-40:]))
    if os.environ.get("KEEP_TMP") == "1":
        print("# kept " + T)
    else:
        shutil.rmtree(T, ignore_errors=True)
    print("%d passed, %d failed" % (PASS, FAIL))
