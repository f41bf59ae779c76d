/*
 * audit.c - an append-only, hash-chained, MACed audit log.
 *
 * Row n stores hash_n = SHA-256(prev || each field, length-prefixed) with
 * prev = hash_{n-1} (64 zeros for the first row), and
 * mac_n = HMAC-SHA-256(audit key, hash_n). Ids are consecutive from 1.
 * Editing a row breaks its hash; inserting, deleting or reordering rows
 * breaks an id or a prev link; recomputing the chain needs the key in
 * dir/secrets/audit.key, which the database never sees. A MACed head
 * (meta "audit.head": id and hash of the last row) catches truncation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "audit.h"

static const char zero_hash[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

int
audit_key_create(const char *dir, struct err *e)
{
	unsigned char k[AUDIT_KEY_LEN];
	int r = secret_file(dir, "audit.key", k, sizeof(k), SECRET_NEW, e);

	OPENSSL_cleanse(k, sizeof(k));
	return r;
}

int
audit_key_load(const char *dir, unsigned char key[AUDIT_KEY_LEN],
    struct err *e)
{
	return secret_file(dir, "audit.key", key, AUDIT_KEY_LEN, SECRET_LOAD,
	    e);
}

static void
field(EVP_MD_CTX *c, const char *s)
{
	unsigned char len[4];
	size_t n = strlen(s);

	len[0] = (unsigned char)(n >> 24);
	len[1] = (unsigned char)(n >> 16);
	len[2] = (unsigned char)(n >> 8);
	len[3] = (unsigned char)n;
	EVP_DigestUpdate(c, len, sizeof(len));
	EVP_DigestUpdate(c, s, n);
}

/* Computes r->hash and r->mac from the other fields. */
static int
seal(struct audit_rec *r, const unsigned char *key)
{
	unsigned char h[32], m[32];
	unsigned int hl = 0, ml = 0;
	char id[32];
	EVP_MD_CTX *c;

	if ((c = EVP_MD_CTX_new()) == NULL)
		return -1;
	snprintf(id, sizeof(id), "%ld", r->id);
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	field(c, "sertel-audit-v1");
	field(c, r->prev);
	field(c, id);
	field(c, r->ts);
	field(c, r->actor);
	field(c, r->action);
	field(c, r->object);
	field(c, r->detail);
	EVP_DigestFinal_ex(c, h, &hl);
	EVP_MD_CTX_free(c);
	if (HMAC(EVP_sha256(), key, AUDIT_KEY_LEN, h, sizeof(h), m, &ml) ==
	    NULL)
		return -1;
	hex_encode(h, sizeof(h), r->hash, sizeof(r->hash));
	hex_encode(m, sizeof(m), r->mac, sizeof(r->mac));
	return 0;
}

static int
head_mac(const unsigned char *key, long id, const char *hash, char out[65])
{
	unsigned char m[32];
	unsigned int ml = 0;
	char msg[128];
	int n = snprintf(msg, sizeof(msg), "head:%ld:%s", id, hash);

	if (HMAC(EVP_sha256(), key, AUDIT_KEY_LEN, (unsigned char *)msg,
	    (size_t)n, m, &ml) == NULL)
		return -1;
	hex_encode(m, sizeof(m), out, 65);
	return 0;
}

int
audit_append(struct store *s, const unsigned char *key, const char *actor,
    const char *action, const char *object, const char *detail,
    struct err *e)
{
	struct audit_rec last, r;
	char head[256], hm[65];
	int rc;

	memset(&r, 0, sizeof(r));
	/* Never store a shortened record: refuse what does not fit. */
	if (strlen(actor) >= sizeof(r.actor) || strlen(action) >=
	    sizeof(r.action) || strlen(object) >= sizeof(r.object) ||
	    strlen(detail) >= sizeof(r.detail))
		return err_set(e, ERR_INTERNAL, "audit field too long");
	if ((rc = s->ops->audit_last(s, &last, e)) == -1)
		return -1;
	if (rc == 1) {
		r.id = 1;
		memcpy(r.prev, zero_hash, sizeof(r.prev));
	} else {
		r.id = last.id + 1;
		memcpy(r.prev, last.hash, sizeof(r.prev));
	}
	fmt_time_iso(now_utc(), r.ts, sizeof(r.ts));
	snprintf(r.actor, sizeof(r.actor), "%s", actor);
	snprintf(r.action, sizeof(r.action), "%s", action);
	snprintf(r.object, sizeof(r.object), "%s", object);
	snprintf(r.detail, sizeof(r.detail), "%s", detail);
	if (seal(&r, key) == -1 || head_mac(key, r.id, r.hash, hm) == -1)
		return err_set(e, ERR_INTERNAL, "audit seal");
	snprintf(head, sizeof(head), "%ld:%s:%s", r.id, r.hash, hm);
	if (s->ops->audit_append(s, &r, e) == -1 ||
	    s->ops->meta_put(s, "audit.head", head, e) == -1)
		return -1;
	return 0;
}

struct walk {
	const unsigned char	*key;
	long			 expect_id;
	char			 prev[65];
	long			 bad_id;
	const char		*why;
};

static int
walk_row(void *arg, const struct audit_rec *r)
{
	struct walk *w = arg;
	struct audit_rec c = *r;

	if (r->overlong) {
		w->bad_id = r->id;
		w->why = "a field is longer than any written by sertel";
		return 1;
	}
	if (r->id != w->expect_id) {
		w->bad_id = r->id;
		w->why = r->id > w->expect_id ? "a row before it is missing" :
		    "out of order";
		return 1;
	}
	if (strcmp(r->prev, w->prev) != 0) {
		w->bad_id = r->id;
		w->why = "does not link to the previous row";
		return 1;
	}
	if (seal(&c, w->key) == -1 || CRYPTO_memcmp(c.hash, r->hash, 64) != 0 ||
	    CRYPTO_memcmp(c.mac, r->mac, 64) != 0) {
		w->bad_id = r->id;
		w->why = "content does not match its hash or MAC";
		return 1;
	}
	memcpy(w->prev, r->hash, sizeof(w->prev));
	w->expect_id++;
	return 0;
}

int
audit_verify(struct store *s, const unsigned char *key, long *rows,
    long *bad_id, struct err *e)
{
	struct walk w;
	char head[256], hm[65], want[256];
	int rc;

	memset(&w, 0, sizeof(w));
	w.key = key;
	w.expect_id = 1;
	memcpy(w.prev, zero_hash, sizeof(w.prev));
	*bad_id = 0;
	if ((rc = s->ops->audit_each(s, walk_row, &w, e)) == -1)
		return -1;
	*rows = w.expect_id - 1;
	if (rc != 0) {
		*bad_id = w.bad_id;
		return err_set(e, ERR_AUDIT_BROKEN, "audit row %ld: %s",
		    w.bad_id, w.why);
	}
	if ((rc = s->ops->meta_get(s, "audit.head", head, sizeof(head), e)) ==
	    -1)
		return -1;
	if (rc == 1 && *rows == 0)
		return 0;
	if (head_mac(key, *rows, w.prev, hm) == -1)
		return err_set(e, ERR_INTERNAL, "audit head");
	snprintf(want, sizeof(want), "%ld:%s:%s", *rows, w.prev, hm);
	if (rc == 1 || strcmp(want, head) != 0) {
		*bad_id = *rows + 1;
		return err_set(e, ERR_AUDIT_BROKEN, "audit row %ld: the last "
		    "%s missing (the log ends at row %ld, the head says %.20s)",
		    *rows + 1, "row(s) after it are", *rows, rc == 1 ? "none" :
		    head);
	}
	return 0;
}
