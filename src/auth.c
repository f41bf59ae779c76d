/*
 * auth.c - staff logins, sessions and API-client credentials.
 *
 * Passwords: Argon2id through libsodium's crypto_pwhash_str (3 passes,
 * 64 MiB), checked even for an unknown user name so that timing does
 * not tell which names exist; five failures lock the account for
 * fifteen minutes. Second factor: TOTP (RFC 6238, HMAC-SHA-1, 30 s,
 * 6 digits, one step of drift) whose secret is stored sealed with
 * crypto_secretbox under the server key (dir/secrets/server.key), and a
 * code is never accepted twice (the last used step is stored).
 * Sessions: 256-bit random tokens; the database keeps only their
 * SHA-256, with idle (30 min) and absolute (12 h) expiry.
 * API clients: a random 256-bit secret shown once; the database keeps
 * HMAC-SHA-256(server key, secret), compared in constant time.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "auth.h"

#define PW_OPS		3
#define PW_MEM		(64u << 20)
#define TOTP_LEN	20

int
auth_server_key(const char *dir, unsigned char key[SERVER_KEY_LEN],
    struct err *e)
{
	/* Made on first use, so that older instances get one too. */
	return secret_file(dir, "server.key", key, SERVER_KEY_LEN,
	    SECRET_LOAD_OR_NEW, e);
}

static const struct {
	unsigned	 role;
	const char	*name;
} roles[] = {
	{ R_ADMIN, "ADMIN" }, { R_RA, "RA" },
	{ R_VERIFIER, "AGENCY_VERIFIER" }, { R_CLIENT, "API_CLIENT" },
	{ R_PUBLIC, "PUBLIC" },
};

unsigned
auth_role_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].name, s) == 0)
			return roles[i].role;
	return 0;
}

const char *
auth_role_name(unsigned r)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == r)
			return roles[i].name;
	return "?";
}

void
auth_sha256_hex(const char *s, char out[65])
{
	unsigned char h[32];
	unsigned int n = 0;

	EVP_Digest(s, strlen(s), h, &n, EVP_sha256(), NULL);
	hex_encode(h, sizeof(h), out, 65);
}

int
auth_random_token(size_t n, char *out, size_t outsz)
{
	unsigned char raw[64];

	if (n > sizeof(raw) || RAND_bytes(raw, (int)n) != 1 ||
	    sodium_bin2base64(out, outsz, raw, n,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) == NULL)
		return -1;
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

int
auth_base32(const unsigned char *p, size_t n, char *out, size_t outsz)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t i, o = 0;
	unsigned bits = 0, acc = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 5) {
			if (o + 1 >= outsz)
				return -1;
			out[o++] = al[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) {
		if (o + 1 >= outsz)
			return -1;
		out[o++] = al[(acc << (5 - bits)) & 31];
	}
	out[o] = '\0';
	return 0;
}

int
auth_totp(const unsigned char *secret, size_t len, long long step)
{
	unsigned char msg[8], mac[20];
	unsigned int ml = 0;
	int i, off;
	unsigned long bin;

	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(step & 0xff);
		step >>= 8;
	}
	HMAC(EVP_sha1(), secret, (int)len, msg, sizeof(msg), mac, &ml);
	off = mac[19] & 0x0f;			/* RFC 4226 §5.3 */
	bin = ((unsigned long)(mac[off] & 0x7f) << 24) |
	    ((unsigned long)mac[off + 1] << 16) |
	    ((unsigned long)mac[off + 2] << 8) | mac[off + 3];
	OPENSSL_cleanse(mac, sizeof(mac));
	return (int)(bin % 1000000);
}

static int
seal(const unsigned char *key, const unsigned char *plain, size_t n,
    struct buf *out)
{
	unsigned char nonce[crypto_secretbox_NONCEBYTES];

	randombytes_buf(nonce, sizeof(nonce));
	out->len = 0;
	if (buf_add(out, nonce, sizeof(nonce)) == -1 ||
	    buf_reserve(out, n + crypto_secretbox_MACBYTES) == -1)
		return -1;
	crypto_secretbox_easy(out->data + out->len, plain, n, nonce, key);
	out->len += n + crypto_secretbox_MACBYTES;
	return 0;
}

static int
unseal(const unsigned char *key, const unsigned char *box, size_t n,
    unsigned char *plain, size_t plainsz)
{
	size_t ml = n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;

	if (n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES ||
	    ml != plainsz)
		return -1;
	return crypto_secretbox_open_easy(plain, box +
	    crypto_secretbox_NONCEBYTES, n - crypto_secretbox_NONCEBYTES, box,
	    key);
}

static int
password_ok(const char *pw)
{
	size_t n = strlen(pw);

	return n >= 12 && n <= 256;
}

int
auth_user_create(struct store *s, const unsigned char *key,
    const char *username, const char *name, const char *email,
    unsigned role, long agency_id, const char *password, char *otpauth,
    size_t otpauthsz, long *id, struct err *e)
{
	char hash[crypto_pwhash_STRBYTES], b32[64];
	unsigned char secret[TOTP_LEN];
	struct buf box;
	long n;
	int r = -1;

	if (!password_ok(password))
		return err_set(e, ERR_BAD_REQUEST, "password: 12 to 256 "
		    "characters");
	if ((role == R_VERIFIER) != (agency_id != 0))
		return err_set(e, ERR_BAD_REQUEST, "an agency verifier belongs "
		    "to exactly one agency; other staff to none");
	if (crypto_pwhash_str(hash, password, strlen(password), PW_OPS,
	    PW_MEM) != 0)
		return err_set(e, ERR_INTERNAL, "password hashing");
	buf_init(&box, 256);
	randombytes_buf(secret, sizeof(secret));
	if (seal(key, secret, sizeof(secret), &box) == -1 ||
	    auth_base32(secret, sizeof(secret), b32, sizeof(b32)) == -1) {
		err_set(e, ERR_INTERNAL, "totp secret");
		goto out;
	}
	n = store_q(s, "INSERT INTO users(username, name, email, role, "
	    "agency_id, password_hash, totp_secret, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", store_row_long, id,
	    e,
	    SV_S(username), SV_S(name), SV_S(email),
	    SV_S(auth_role_name(role)), agency_id ? SV_I(agency_id) : SV_NUL,
	    SV_S(hash), SV_B(box.data, box.len), SV_I(now_utc()));
	if (n == -1) {
		if (e->code == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "user name %s is taken",
			    username);
		goto out;
	}
	snprintf(otpauth, otpauthsz, "otpauth://totp/sertel:%s?secret=%s&"
	    "issuer=sertel&algorithm=SHA1&digits=6&period=30", username, b32);
	r = 0;
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	OPENSSL_cleanse(b32, sizeof(b32));
	sodium_memzero(hash, sizeof(hash));
	buf_cleanup(&box);
	return r;
}

struct user_row {
	long		 id;
	char		 username[64];
	char		 name[128];
	unsigned	 role;
	long		 agency_id;
	char		 hash[crypto_pwhash_STRBYTES];
	unsigned char	 box[128];
	size_t		 boxlen;
	long long	 last_step;
	long		 failures;
	long long	 locked_until;
	int		 disabled;
	int		 found;
};

static int
user_cb(void *arg, const struct srow *r)
{
	struct user_row *u = arg;
	const void *b;
	size_t n = 0;

	u->id = (long)srow_int(r, 0);
	srow_copy(r, 1, u->username, sizeof(u->username));
	srow_copy(r, 2, u->name, sizeof(u->name));
	u->role = auth_role_parse(srow_text(r, 3) ? srow_text(r, 3) : "");
	u->agency_id = (long)srow_int(r, 4);
	srow_copy(r, 5, u->hash, sizeof(u->hash));
	b = srow_blob(r, 6, &n);
	if (b != NULL && n <= sizeof(u->box)) {
		memcpy(u->box, b, n);
		u->boxlen = n;
	}
	u->last_step = srow_int(r, 7);
	u->failures = (long)srow_int(r, 8);
	u->locked_until = srow_int(r, 9);
	u->disabled = (int)srow_int(r, 10);
	u->found = 1;
	return 0;
}

#define USER_COLS "id, username, name, role, COALESCE(agency_id, 0), " \
	"password_hash, totp_secret, totp_last_step, failed_logins, " \
	"locked_until, disabled"

static void
principal_from_user(struct principal *p, const struct user_row *u)
{
	memset(p, 0, sizeof(*p));
	p->role = u->role;
	p->user_id = u->id;
	p->agency_id = u->agency_id;
	snprintf(p->name, sizeof(p->name), "user:%s", u->username);
}

/* Digits only, exactly six. */
static int
totp_parse(const char *s, int *code)
{
	int i, v = 0;

	if (s == NULL || strlen(s) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*code = v;
	return 0;
}

/* Verified against when the user does not exist, so that an unknown
 * name costs the same time as a wrong password. */
static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	if (crypto_pwhash_str(dummy, "not a password", 14, PW_OPS,
	    PW_MEM) != 0)
		dummy[0] = '\0';
}

int
auth_login(struct store *s, const unsigned char *key, const char *user,
    const char *password, const char *totp, const char *ip,
    struct session_token *tok, struct principal *p, struct err *e)
{
	unsigned char secret[TOTP_LEN];
	struct user_row u;
	char th[65];
	long long now = now_utc(), step, used = -1, k;
	int code, pw_ok, ok = 0;

	memset(&u, 0, sizeof(u));
	pthread_once(&dummy_once, dummy_init);
	if (dummy[0] == '\0')
		return err_set(e, ERR_INTERNAL, "password hashing");
	if (store_q(s, "SELECT " USER_COLS " FROM users WHERE username = ?",
	    user_cb, &u, e, SV_S(user)) == -1)
		return -1;
	pw_ok = crypto_pwhash_str_verify(u.found ? u.hash : dummy, password,
	    strlen(password)) == 0;
	if (!u.found || u.disabled)
		return err_set(e, ERR_UNAUTHORIZED, "login refused");
	if (u.locked_until > now)
		return err_set(e, ERR_UNAUTHORIZED, "account locked until %lld",
		    u.locked_until);
	if (pw_ok && totp_parse(totp, &code) == 0 &&
	    unseal(key, u.box, u.boxlen, secret, sizeof(secret)) == 0) {
		step = now / 30;
		for (k = step - 1; k <= step + 1; k++)
			if (k > u.last_step && auth_totp(secret, sizeof(secret),
			    k) == code)
				used = k;
		ok = used != -1;
	}
	OPENSSL_cleanse(secret, sizeof(secret));
	if (!ok) {
		long f = u.failures + 1;
		if (store_q(s, "UPDATE users SET failed_logins = ?, "
		    "locked_until = ? WHERE id = ?", NULL, NULL, e, SV_I(
		    f >= LOGIN_MAX_FAILURES ? 0 : f), SV_I(f >= LOGIN_MAX_FAILURES ?
		    now + LOGIN_LOCK_SECONDS : 0), SV_I(u.id)) == -1)
			return -1;
		return err_set(e, ERR_UNAUTHORIZED, "login refused");
	}
	if (auth_random_token(32, tok->token, sizeof(tok->token)) == -1 ||
	    auth_random_token(24, tok->csrf, sizeof(tok->csrf)) == -1)
		return err_set(e, ERR_INTERNAL, "random");
	auth_sha256_hex(tok->token, th);
	tok->expires = (time_t)(now + SESSION_ABSOLUTE);
	if (store_q(s, "UPDATE users SET failed_logins = 0, locked_until = 0, "
	    "totp_last_step = ? WHERE id = ?", NULL, NULL, e, SV_I(used),
	    SV_I(u.id)) == -1 ||
	    store_q(s, "INSERT INTO sessions(token_hash, user_id, csrf, "
	    "created_at, last_seen, ip) VALUES (?, ?, ?, ?, ?, ?)", NULL, NULL,
	    e, SV_S(th), SV_I(u.id), SV_S(tok->csrf), SV_I(now), SV_I(now),
	    SV_S(ip)) == -1)
		return -1;
	principal_from_user(p, &u);
	snprintf(p->csrf, sizeof(p->csrf), "%s", tok->csrf);
	memcpy(p->token_hash, th, sizeof(p->token_hash));
	return 0;
}

struct sess_row {
	long		 user_id;
	char		 csrf[48];
	long long	 created, last_seen;
	int		 found;
};

static int
sess_cb(void *arg, const struct srow *r)
{
	struct sess_row *x = arg;

	x->user_id = (long)srow_int(r, 0);
	srow_copy(r, 1, x->csrf, sizeof(x->csrf));
	x->created = srow_int(r, 2);
	x->last_seen = srow_int(r, 3);
	x->found = 1;
	return 0;
}

int
auth_session(struct store *s, const char *token, struct principal *p,
    struct err *e)
{
	struct sess_row x;
	struct user_row u;
	char th[65];
	long long now = now_utc();

	memset(&x, 0, sizeof(x));
	memset(&u, 0, sizeof(u));
	if (strlen(token) > 64)
		return 1;
	auth_sha256_hex(token, th);
	if (store_q(s, "SELECT user_id, csrf, created_at, last_seen FROM "
	    "sessions WHERE token_hash = ?", sess_cb, &x, e, SV_S(th)) == -1)
		return -1;
	if (!x.found)
		return 1;
	if (x.last_seen + SESSION_IDLE < now ||
	    x.created + SESSION_ABSOLUTE < now) {
		(void)auth_logout(s, th, e);
		return 1;
	}
	if (store_q(s, "SELECT " USER_COLS " FROM users WHERE id = ?",
	    user_cb, &u, e, SV_I(x.user_id)) == -1)
		return -1;
	if (!u.found || u.disabled)
		return 1;
	/* Touch at most once a minute: a read should not always write. */
	if (now - x.last_seen >= 60 && store_q(s, "UPDATE sessions SET "
	    "last_seen = ? WHERE token_hash = ?", NULL, NULL, e, SV_I(now),
	    SV_S(th)) == -1)
		return -1;
	principal_from_user(p, &u);
	snprintf(p->csrf, sizeof(p->csrf), "%s", x.csrf);
	memcpy(p->token_hash, th, sizeof(p->token_hash));
	OPENSSL_cleanse(&u, sizeof(u));
	return 0;
}

int
auth_logout(struct store *s, const char *th, struct err *e)
{
	return store_q(s, "DELETE FROM sessions WHERE token_hash = ?", NULL,
	    NULL, e, SV_S(th)) == -1 ? -1 : 0;
}

static void
client_hash(const unsigned char *key, const char *secret, char out[65])
{
	unsigned char m[32];
	unsigned int ml = 0;

	HMAC(EVP_sha256(), key, SERVER_KEY_LEN, (const unsigned char *)secret,
	    strlen(secret), m, &ml);
	hex_encode(m, sizeof(m), out, 65);
}

int
auth_client_create(struct store *s, const unsigned char *key, long agency_id,
    const char *name, char *client_id, size_t idsz, char *secret,
    size_t secretsz, long *id, struct err *e)
{
	char h[65], rnd[24];

	if (auth_random_token(9, rnd, sizeof(rnd)) == -1 ||
	    auth_random_token(32, secret, secretsz) == -1)
		return err_set(e, ERR_INTERNAL, "random");
	/* Basic user names may not hold a colon; ours are [A-Za-z0-9_-]. */
	snprintf(client_id, idsz, "cl_%s", rnd);
	client_hash(key, secret, h);
	if (store_q(s, "INSERT INTO api_clients(client_id, name, agency_id, "
	    "secret_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
	    store_row_long, id, e, SV_S(client_id), SV_S(name),
	    SV_I(agency_id), SV_S(h), SV_I(now_utc())) == -1)
		return -1;
	return 0;
}

struct client_row {
	long	 id, agency_id;
	char	 hash[65], name[96];
	int	 disabled, found;
};

static int
client_cb(void *arg, const struct srow *r)
{
	struct client_row *c = arg;

	c->id = (long)srow_int(r, 0);
	c->agency_id = (long)srow_int(r, 1);
	srow_copy(r, 2, c->hash, sizeof(c->hash));
	c->disabled = (int)srow_int(r, 3);
	srow_copy(r, 4, c->name, sizeof(c->name));
	c->found = 1;
	return 0;
}

int
auth_client(struct store *s, const unsigned char *key, const char *id,
    const char *secret, struct principal *p, struct err *e)
{
	struct client_row c;
	char h[65];

	memset(&c, 0, sizeof(c));
	if (store_q(s, "SELECT id, agency_id, secret_hash, disabled, client_id "
	    "FROM api_clients WHERE client_id = ?", client_cb, &c, e,
	    SV_S(id)) == -1)
		return -1;
	client_hash(key, secret, h);
	if (!c.found || c.disabled || CRYPTO_memcmp(h, c.hash, 64) != 0)
		return 1;
	memset(p, 0, sizeof(*p));
	p->role = R_CLIENT;
	p->client_id = c.id;
	p->agency_id = c.agency_id;
	snprintf(p->name, sizeof(p->name), "client:%s", c.name);
	return 0;
}
