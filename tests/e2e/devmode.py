#!/usr/bin/python3
"""The embedded default a newcomer gets from `make run`: mail goes to the
instance's local mailbox, and in development mode /dev/mailbox shows it with
clickable links that work. Without development mode those pages do not
exist. Prints `ok N`/`not ok N` lines and `N passed, M failed`."""
import html.parser, json, os, re, shutil, signal, socket, subprocess, sys
import tempfile, time, urllib.error, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERTEL = os.path.abspath(os.path.join(ROOT, os.environ.get("SERTEL", "build/sertel")))
T = tempfile.mkdtemp(prefix="sertel-dev.")
N = PASS = FAIL = 0


def port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href"]


def serve(d, p):
    proc = subprocess.Popen([SERTEL, "serve", "--dir", d, "--listen", "127.0.0.1:%d" % p],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(T, "serve.log"), "ab"))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", p), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc


def check(desc, fn):
    global N, PASS, FAIL
    N += 1
    try:
        fn()
        PASS += 1
        print("ok %d - %s" % (N, desc))
    except Exception as ex:  # noqa: BLE001
        FAIL += 1
        print("not ok %d - %s\n#   %s: %s" % (N, desc, type(ex).__name__, ex))
    sys.stdout.flush()


P = port()
BASE = "http://127.0.0.1:%d" % P
D = os.path.join(T, "i")


def t_mailbox():
    subprocess.run([SERTEL, "init", "--dir", D, "--base-url", BASE], check=True, capture_output=True)
    with open(os.path.join(D, "sertel.conf"), "a") as f:
        f.write("dev_mode = 1\n")
    # An operator's command writes mail too: the agency comes from SQL to
    # keep this test about the mailbox.
    import sqlite3
    with sqlite3.connect(os.path.join(D, "sertel.db")) as db:
        db.execute("INSERT INTO agencies(code, name, pks_number, pks_start, pks_end, domains, status, "
                   "created_at, updated_at) VALUES ('DEV', 'Instansi Contoh', 'PKS-1', '2026-01-01', "
                   "'2030-12-31', 'contoh.go.id', 'ACTIVE', 0, 0)")
    proc = serve(D, P)
    try:
        r = subprocess.run([SERTEL, "admin", "user", "add", "--dir", D, "--username", "ra", "--name", "RA",
                            "--email", "ra@contoh.go.id", "--role", "RA"], input="kata sandi yang panjang\n",
                           capture_output=True, text=True, check=True)
        uri = r.stdout.strip().splitlines()[-1]
        import base64, hashlib, hmac, struct, urllib.parse
        secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        h = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
        code = "%06d" % ((struct.unpack(">I", h[(h[19] & 15):(h[19] & 15) + 4])[0] & 0x7FFFFFFF) % 1000000)
        req = urllib.request.Request(BASE + "/api/v1/auth/login", method="POST", data=json.dumps(
            {"username": "ra", "password": "kata sandi yang panjang", "totp": code}).encode())
        tok = json.load(urllib.request.urlopen(req, timeout=10))["token"]
        req = urllib.request.Request(BASE + "/api/v1/applications", method="POST", data=json.dumps(
            {"name": "Ani Pratiwi", "email": "ani@contoh.go.id", "agency": "DEV"}).encode(),
            headers={"Authorization": "Bearer " + tok})
        assert urllib.request.urlopen(req, timeout=10).status == 201
        end = time.time() + 10
        while time.time() < end:
            st, body, _ = get(BASE + "/dev/mailbox")
            lp = Links()
            lp.feed(body)
            msgs = [h for h in lp.hrefs if h.startswith("/dev/mailbox/")]
            if msgs:
                break
            time.sleep(0.2)
        assert st == 200 and len(msgs) == 1, (st, lp.hrefs)
        files = os.listdir(os.path.join(D, "mailbox"))
        assert len(files) == 1 and oct(os.stat(os.path.join(D, "mailbox", files[0])).st_mode & 0o777) == "0o600"
        st, body, hdr = get(BASE + msgs[0])
        assert st == 200 and "text/html" in hdr["Content-Type"], (st, hdr)
        lp = Links()
        lp.feed(body)
        links = [h for h in lp.hrefs if "/aktivasi/" in h]
        assert len(links) == 1, lp.hrefs
        token = links[0].rsplit("/", 1)[1]
        st, body, _ = get(BASE + "/api/v1/activation/" + token)
        assert st == 200 and json.loads(body)["name"] == "Ani Pratiwi", (st, body)
        st, _, _ = get(BASE + "/dev/mailbox/..%2Fsertel.conf")
        assert st == 404, st
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def t_off():
    with open(os.path.join(D, "sertel.conf"), "a") as f:
        f.write("dev_mode = 0\n")
    proc = serve(D, P)
    try:
        for path in ("/dev/mailbox", "/dev/mailbox/x.eml"):
            st, _, _ = get(BASE + path)
            assert st == 404, (path, st)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


check("[dev] mail lands in the local mailbox; /dev/mailbox shows it with a working activation link", t_mailbox)
check("[dev] without development mode /dev/mailbox does not exist", t_off)
shutil.rmtree(T, ignore_errors=True)
print("%d passed, %d failed" % (PASS, FAIL))
sys.exit(1 if FAIL else 0)
