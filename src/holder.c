/*
 * holder.c - from a verified application to a certificate holder (P5).
 *
 * The passphrase arrives once, through a single-use link that lives a
 * day. It is checked (at least 8 characters, any Unicode, up to 256
 * octets; not a common password; not containing the holder's name, NIK
 * or birth date), the key pair is generated and wrapped by the key wall
 * (keys_holder.c), and the certificate is issued with the verified data,
 * all in one transaction with the holder row, the used link, the audit
 * row and the notification. The passphrase is never stored, logged or
 * answered, and is wiped by the caller.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "agency.h"
#include "audit.h"
#include "holder.h"
#include "keys_holder.h"
#include "outbox.h"

/* The most used passwords of public breach lists, and Indonesian
 * favourites. Compared case-insensitively after dropping spaces. */
static const char *const common[] = {
	"123456", "123456789", "12345678", "1234567890", "password",
	"password1", "qwerty", "qwertyuiop", "11111111", "00000000",
	"12341234", "87654321", "abc12345", "abcd1234", "iloveyou",
	"sunshine", "princess", "football", "baseball", "welcome1",
	"admin123", "administrator", "letmein1", "passw0rd", "p@ssw0rd",
	"p@ssword", "trustno1", "superman", "1q2w3e4r", "1qaz2wsx",
	"zaq12wsx", "qazwsxedc", "asdfghjkl", "zxcvbnm1", "changeme",
	"indonesia", "indonesia1", "bismillah", "bismillah123",
	"alhamdulillah", "assalamualaikum", "sayangku", "sayang123",
	"rahasia", "rahasia123", "katasandi", "katasandi123",
	"merdeka45", "garuda123", "jakarta123", "pancasila",
	"passphrase", "kuncirahasia", "sertifikat", "tandatangan",
	"bsre12345", "sertel123",
};

static int
utf8_chars(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* haystack contains needle, ASCII case-insensitively. */
static int
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return 0;
	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

int
holder_passphrase_ok(const char *pass, const struct app *a, struct err *e)
{
	char squeezed[300], word[130], dates[4][16];
	const char *p, *q;
	size_t i, k, n = strlen(pass);

	if (utf8_chars(pass) < 8)
		return err_set(e, ERR_WEAK_PASSPHRASE, "shorter than 8");
	if (n > 256)
		return err_set(e, ERR_WEAK_PASSPHRASE, "longer than 256 octets");
	for (i = k = 0; pass[i] != '\0' && k < sizeof(squeezed) - 1; i++)
		if (pass[i] != ' ')
			squeezed[k++] = pass[i];
	squeezed[k] = '\0';
	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strcasecmp(squeezed, common[i]) == 0)
			return err_set(e, ERR_WEAK_PASSPHRASE, "common password");
	/* Each part of the name of three letters or more. */
	for (p = a->name; *p != '\0'; p = q) {
		while (*p != '\0' && !isalpha((unsigned char)*p))
			p++;
		for (q = p; *q != '\0' && isalpha((unsigned char)*q); q++)
			;
		if (q - p >= 3 && (size_t)(q - p) < sizeof(word)) {
			memcpy(word, p, (size_t)(q - p));
			word[q - p] = '\0';
			if (contains(squeezed, word))
				return err_set(e, ERR_WEAK_PASSPHRASE,
				    "contains the name");
		}
	}
	if (a->nik[0] != '\0' && (contains(pass, a->nik) ||
	    contains(pass, a->nik + 6)))	/* the whole NIK, or its tail */
		return err_set(e, ERR_WEAK_PASSPHRASE, "contains the NIK");
	if (strlen(a->birth_date) == 10) {
		const char *d = a->birth_date;	/* YYYY-MM-DD */
		snprintf(dates[0], sizeof(dates[0]), "%.4s%.2s%.2s", d, d + 5,
		    d + 8);
		snprintf(dates[1], sizeof(dates[1]), "%.2s%.2s%.4s", d + 8,
		    d + 5, d);
		snprintf(dates[2], sizeof(dates[2]), "%s", d);
		snprintf(dates[3], sizeof(dates[3]), "%.2s-%.2s-%.4s", d + 8,
		    d + 5, d);
		for (i = 0; i < 4; i++)
			if (contains(pass, dates[i]))
				return err_set(e, ERR_WEAK_PASSPHRASE,
				    "contains the birth date");
	}
	return 0;
}

/* The holder row and open request a renewal's link belongs to. */
struct renewal {
	long	 holder_id, request_id;
	char	 old_serial[SERIAL_HEX_MAX];
	int	 old_valid;
};

static int
renewal_cb(void *arg, const struct srow *r)
{
	struct renewal *x = arg;

	x->holder_id = (long)srow_int(r, 0);
	srow_copy(r, 1, x->old_serial, sizeof(x->old_serial));
	x->old_valid = srow_int(r, 2) == 0;
	return 1;
}

/* Where the link leads: 0 a first certificate, 1 a renewal or re-issue
 * (then x is filled), -1 with e set. */
static int
link_kind(struct store *s, const char *token, struct app *a,
    struct renewal *x, struct err *e)
{
	struct ra_link_info li;
	int rc;

	memset(x, 0, sizeof(*x));
	if ((rc = ra_link(s, token, "passphrase", a, &li, e)) != 0)
		return rc == 1 ? err_set(e, ERR_LINK_INVALID, "passphrase link") :
		    -1;
	if (strcmp(li.purpose, "passphrase") == 0) {
		if (strcmp(a->status, "VERIFIED") != 0)
			return err_set(e, ERR_WRONG_STATE, "application is %s",
			    a->status);
		return 0;
	}
	if (store_q(s, "SELECT h.id, COALESCE(h.cert_serial, ''), "
	    "COALESCE(c.revoked, 1) FROM holder_requests r JOIN holders h ON "
	    "h.id = r.holder_id LEFT JOIN certs c ON c.serial = h.cert_serial "
	    "WHERE r.id = ? AND r.status = 'APPROVED' AND h.status = 'RENEW'",
	    renewal_cb, x, e, SV_I(li.request_id)) == -1)
		return -1;
	if (x->holder_id == 0)
		return err_set(e, ERR_LINK_INVALID, "request not approved");
	x->request_id = li.request_id;
	return 1;
}

int
holder_set_passphrase(struct ra *ra, struct pki *pki, struct store *s,
    const char *token, const char *pass, struct cert_rec *out, struct err *e)
{
	unsigned char secret[HOLDER_SECRET_LEN], serial[SERIAL_LEN];
	char pem[8192], na[32], detail[160];
	struct holder_req h;
	struct renewal x;
	struct agency ag;
	struct app a;
	struct buf wrapped;
	EVP_PKEY *pub = NULL;
	json_t *v = NULL;
	int kind, ret = -1, in_tx = 0;
	const char *alg = keys_alg_name(ra->cfg->holder_key);

	buf_init(&wrapped, 1 << 16);
	if ((kind = link_kind(s, token, &a, &x, e)) == -1 ||
	    holder_passphrase_ok(pass, &a, e) == -1 ||
	    agency_get_id(s, a.agency_id, &ag, e) != 0 ||
	    keys_holder_secret(ra->cfg->dir, secret, e) == -1)
		goto out;
	/* The expensive part (Argon2id, key generation) and the serial's
	 * own commit happen before the transaction. */
	if ((pub = keys_holder_create(secret, pass, ra->cfg->holder_key,
	    &wrapped, e)) == NULL ||
	    ca_serial_reserve(s, "holder", serial, e) == -1)
		goto out;
	if (s->ops->begin(s, e) == -1)
		goto out;
	in_tx = 1;
	/* The link may have been used meanwhile by a second request. */
	if (link_kind(s, token, &a, &x, e) != kind) {
		if (e->code == ERR_OK)
			err_set(e, ERR_LINK_INVALID, "passphrase link");
		goto out;
	}
	memset(&h, 0, sizeof(h));
	h.pubkey = pub;
	h.name = a.name;
	h.email = a.email;
	h.agency = ag.name;
	h.unit = a.unit[0] != '\0' ? a.unit : NULL;
	if (ca_issue_holder_tx(pki, s, "holder", &h, serial, out, e) == -1 ||
	    ra_link_use(s, token, e) == -1)
		goto out;
	if (kind == 0) {
		if (store_q(s, "INSERT INTO holders(application_id, status, "
		    "cert_serial, wrapped_key, key_alg, created_at, updated_at) "
		    "VALUES (?, 'ISSUE', ?, ?, ?, ?, ?)", NULL, NULL, e,
		    SV_I(a.id), SV_S(out->serial), SV_B(wrapped.data,
		    wrapped.len), SV_S(alg), SV_I(now_utc()),
		    SV_I(now_utc())) == -1)
			goto out;
		snprintf(detail, sizeof(detail), "{\"serial\":\"%s\","
		    "\"key\":\"%s\"}", out->serial, alg);
	} else {
		/* P7: the new certificate replaces the old, which is revoked
		 * as superseded in this same transaction (a re-issue's was
		 * revoked when the person was proved). */
		if ((x.old_valid && x.old_serial[0] != '\0' &&
		    ca_revoke_tx(pki, s, "holder", x.old_serial,
		    PKI_REASON_SUPERSEDED, e) == -1) ||
		    store_q(s, "UPDATE holders SET status = 'ISSUE', "
		    "cert_serial = ?, wrapped_key = ?, key_alg = ?, "
		    "failed_passphrases = 0, updated_at = ? WHERE id = ?", NULL,
		    NULL, e, SV_S(out->serial), SV_B(wrapped.data, wrapped.len),
		    SV_S(alg), SV_I(now_utc()), SV_I(x.holder_id)) != 1 ||
		    store_q(s, "UPDATE holder_requests SET status = 'DONE', "
		    "new_serial = ?, updated_at = ? WHERE id = ?", NULL, NULL, e,
		    SV_S(out->serial), SV_I(now_utc()), SV_I(x.request_id)) !=
		    1) {
			if (e->code == ERR_OK)
				err_set(e, ERR_WRONG_STATE, "holder changed");
			goto out;
		}
		snprintf(detail, sizeof(detail), "{\"serial\":\"%s\","
		    "\"key\":\"%s\",\"replaces\":\"%s\"}", out->serial, alg,
		    x.old_serial);
	}
	fmt_time_iso(out->not_after, na, sizeof(na));
	if (audit_append(s, ra->audit_key, "holder", kind == 0 ?
	    "holder.passphrase_set" : "holder.renewed", a.pid, detail, e) ==
	    -1 || pki_pem(&out->der, pem, sizeof(pem)) == -1) {
		if (e->code == ERR_OK)
			err_set(e, ERR_INTERNAL, "certificate PEM");
		goto out;
	}
	v = json_pack("{s:s, s:s, s:s, s:s}", "name", a.name, "serial",
	    out->serial, "not_after", na, "pem", pem);
	if (outbox_put(s, ra->cfg, a.email, "certificate_issued",
	    strcmp(a.lang, "en") == 0, v, e) == -1 ||
	    s->ops->commit(s, e) == -1)
		goto out;
	in_tx = 0;
	if (kind == 1)
		keys_holder_forget(x.holder_id);	/* a new key */
	ret = 0;
out:
	if (in_tx)
		s->ops->rollback(s);
	json_decref(v);
	EVP_PKEY_free(pub);
	buf_cleanup(&wrapped);
	OPENSSL_cleanse(secret, sizeof(secret));
	return ret;
}

struct st_row {
	long		 app_id, agency_id;
	char		 app_status[20], h_status[16], serial[SERIAL_HEX_MAX];
	int		 revoked, found;
	long long	 not_after;
};

static int
st_cb(void *arg, const struct srow *r)
{
	struct st_row *x = arg;

	x->app_id = (long)srow_int(r, 0);
	x->agency_id = (long)srow_int(r, 1);
	srow_copy(r, 2, x->app_status, sizeof(x->app_status));
	srow_copy(r, 3, x->h_status, sizeof(x->h_status));
	srow_copy(r, 4, x->serial, sizeof(x->serial));
	x->revoked = (int)srow_int(r, 5);
	x->not_after = srow_int(r, 6);
	x->found = 1;
	return 1;		/* the newest row is enough */
}

int
holder_status(struct store *s, const char *nik, const char *email,
    long agency_id, struct holder_status *out, struct err *e)
{
	struct st_row x;

	memset(&x, 0, sizeof(x));
	memset(out, 0, sizeof(*out));
	out->status = "NOT_REGISTERED";
	if ((nik == NULL || *nik == '\0') && (email == NULL || *email == '\0'))
		return 0;
	if (store_q(s, "SELECT a.id, a.agency_id, a.status, "
	    "COALESCE(h.status, ''), COALESCE(h.cert_serial, ''), "
	    "COALESCE(c.revoked, 0), COALESCE(c.not_after, 0) "
	    "FROM applications a LEFT JOIN holders h ON h.application_id = a.id "
	    "LEFT JOIN certs c ON c.serial = h.cert_serial "
	    "WHERE a.status <> 'CANCELLED' AND (a.nik = ? OR a.email = ?) "
	    "ORDER BY a.id DESC", st_cb, &x, e, SV_S(nik), SV_S(email)) == -1)
		return -1;
	if (!x.found || (agency_id != 0 && x.agency_id != agency_id))
		return 0;
	out->app_id = x.app_id;
	snprintf(out->serial, sizeof(out->serial), "%s", x.serial);
	if (x.h_status[0] == '\0')
		out->status = ra_holder_status(x.app_status);
	else if (strcmp(x.h_status, "SUSPEND") == 0 ||
	    strcmp(x.h_status, "RENEW") == 0)
		out->status = strcmp(x.h_status, "SUSPEND") == 0 ? "SUSPEND" :
		    "RENEW";
	else if (x.revoked)
		out->status = "REVOKE";
	else if (x.not_after <= now_utc())	/* every read checks the time */
		out->status = "EXPIRED";
	else
		out->status = "ISSUE";
	return 0;
}

void
holder_cleanup(struct holder *h)
{
	buf_cleanup(&h->wrapped);
}

struct hrow {
	struct holder	*h;
	long		 app_id;
};

static int
hrow_cb(void *arg, const struct srow *r)
{
	struct hrow *x = arg;
	const void *b;
	size_t n = 0;

	x->h->id = (long)srow_int(r, 0);
	x->app_id = (long)srow_int(r, 1);
	srow_copy(r, 2, x->h->status, sizeof(x->h->status));
	srow_copy(r, 3, x->h->serial, sizeof(x->h->serial));
	x->h->failed = (long)srow_int(r, 5);
	b = srow_blob(r, 4, &n);
	x->h->wrapped.len = 0;
	return b != NULL ? buf_add(&x->h->wrapped, b, n) : 0;
}

int
holder_find(struct store *s, const char *nik, const char *email, long app_id,
    struct holder *h, struct err *e)
{
	struct hrow x = { h, 0 };
	long n;

	buf_init(&h->wrapped, 1 << 16);
	h->id = 0;
	n = store_q(s, "SELECT h.id, h.application_id, h.status, "
	    "COALESCE(h.cert_serial, ''), h.wrapped_key, h.failed_passphrases "
	    "FROM holders h JOIN applications a ON a.id = h.application_id "
	    "WHERE a.status <> 'CANCELLED' AND ((? IS NOT NULL AND a.nik = ?) "
	    "OR (? IS NOT NULL AND a.email = ?) OR a.id = ?) "
	    "ORDER BY h.id DESC LIMIT 1", hrow_cb, &x, e, SV_S(nik), SV_S(nik),
	    SV_S(email), SV_S(email), SV_I(app_id));
	if (n <= 0)
		return n == 0 ? 1 : -1;
	return ra_get_by_id(s, x.app_id, &h->a, e);
}

int
holder_open(struct ra *ra, struct store *s, struct holder *h,
    const char *pass, struct keys_holder_key **out, struct err *e)
{
	unsigned char secret[HOLDER_SECRET_LEN];
	struct err ue = { 0 };
	json_t *v;

	*out = NULL;
	if (strcmp(h->status, "SUSPEND") == 0)
		return err_set(e, ERR_HOLDER_SUSPENDED, "suspended");
	/* The same passphrase within the warm time: no KDF (DESIGN §6). */
	if ((*out = keys_holder_open_warm(h->id, h->wrapped.data,
	    h->wrapped.len, pass)) != NULL)
		return 0;
	/* Counted first, in its own commit: a crash or a kill during the
	 * slow unwrap cannot give a guess for free. */
	if (store_q(s, "UPDATE holders SET failed_passphrases = "
	    "failed_passphrases + 1, updated_at = ? WHERE id = ?", NULL, NULL,
	    e, SV_I(now_utc()), SV_I(h->id)) == -1 ||
	    keys_holder_secret(ra->cfg->dir, secret, e) == -1)
		return -1;
	h->failed++;
	*out = keys_holder_open(h->id, secret, h->wrapped.data, h->wrapped.len,
	    pass, &ue);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (*out != NULL) {
		h->failed = 0;
		if (store_q(s, "UPDATE holders SET failed_passphrases = 0 "
		    "WHERE id = ?", NULL, NULL, e, SV_I(h->id)) == -1) {
			keys_holder_close(*out);
			*out = NULL;
			return -1;
		}
		return 0;
	}
	if (ue.code != ERR_WRONG_PASSPHRASE) {
		*e = ue;
		return -1;
	}
	if (h->failed < HOLDER_MAX_FAILURES)
		return err_set(e, ERR_WRONG_PASSPHRASE, "attempt %ld of %d",
		    h->failed, HOLDER_MAX_FAILURES);
	if (s->ops->begin(s, e) == -1)
		return -1;
	v = json_pack("{s:s}", "name", h->a.name);
	if (store_q(s, "UPDATE holders SET status = 'SUSPEND', updated_at = ? "
	    "WHERE id = ? AND status = 'ISSUE'", NULL, NULL, e,
	    SV_I(now_utc()), SV_I(h->id)) == -1 ||
	    audit_append(s, ra->audit_key, "system", "holder.suspend",
	    h->a.pid, "{\"reason\":\"5 wrong passphrases\"}", e) == -1 ||
	    outbox_put(s, ra->cfg, h->a.email, "holder_suspended",
	    strcmp(h->a.lang, "en") == 0, v, e) == -1 ||
	    s->ops->commit(s, e) == -1) {
		json_decref(v);
		s->ops->rollback(s);
		return -1;
	}
	json_decref(v);
	keys_holder_forget(h->id);
	snprintf(h->status, sizeof(h->status), "SUSPEND");
	return err_set(e, ERR_HOLDER_SUSPENDED, "suspended now");
}

int
holder_check_passphrase(struct ra *ra, struct store *s, struct holder *h,
    const char *pass, struct err *e)
{
	struct keys_holder_key *k;

	if (holder_open(ra, s, h, pass, &k, e) == -1)
		return -1;
	keys_holder_close(k);
	return 0;
}

int
holder_signable(struct store *s, struct holder *h, struct err *e)
{
	struct cert_rec c;
	int rc;

	if (strcmp(h->status, "SUSPEND") == 0)
		return err_set(e, ERR_HOLDER_SUSPENDED, "suspended");
	if (strcmp(h->status, "ISSUE") != 0)
		return err_set(e, ERR_NOT_SIGNABLE, "holder is %s", h->status);
	cert_rec_init(&c);
	rc = s->ops->cert_get(s, h->serial, &c, e);
	/* Revoked a moment ago by another process, or expired before the
	 * sweep ran: the time and the certificate decide. */
	if (rc == 0 && (c.revoked || c.not_after <= now_utc()))
		rc = err_set(e, ERR_NOT_SIGNABLE, "certificate %s",
		    c.revoked ? "revoked" : "expired");
	cert_rec_cleanup(&c);
	return rc == 1 ? err_set(e, ERR_CERT_NOT_FOUND, "certificate") : rc;
}

int
holder_revoke(struct ra *ra, struct pki *pki, struct store *s,
    struct holder *h, const char *actor, int reason, struct err *e)
{
	char detail[160];
	json_t *v;

	if (h->serial[0] == '\0')
		return err_set(e, ERR_CERT_NOT_FOUND, "no certificate");
	snprintf(detail, sizeof(detail), "{\"serial\":\"%s\",\"reason\":\"%s\"}",
	    h->serial, pki_reason_name(reason));
	if (s->ops->begin(s, e) == -1)
		return -1;
	v = json_pack("{s:s, s:s, s:s}", "name", h->a.name, "serial",
	    h->serial, "reason", pki_reason_name(reason));
	/* The certificate, OCSP and the CRL; the holder; the audit row; the
	 * e-mail: together or not at all. */
	if (ca_revoke_tx(pki, s, actor, h->serial, reason, e) == -1 ||
	    store_q(s, "UPDATE holders SET status = 'REVOKE', updated_at = ? "
	    "WHERE id = ?", NULL, NULL, e, SV_I(now_utc()), SV_I(h->id)) == -1 ||
	    audit_append(s, ra->audit_key, actor, "holder.revoke", h->a.pid,
	    detail, e) == -1 ||
	    outbox_put(s, ra->cfg, h->a.email, "certificate_revoked",
	    strcmp(h->a.lang, "en") == 0, v, e) == -1 ||
	    s->ops->commit(s, e) == -1) {
		json_decref(v);
		s->ops->rollback(s);
		return -1;
	}
	json_decref(v);
	keys_holder_forget(h->id);
	snprintf(h->status, sizeof(h->status), "REVOKE");
	return 0;
}
