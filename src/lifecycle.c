/*
 * lifecycle.c - a holder's life after the first certificate.
 *
 * Renewal (P7) and a forgotten passphrase are both "holder requests",
 * one open per holder, walking the same few states:
 *
 *   renew:   CHECKING | MANUAL_REVIEW -> APPROVED -> DONE
 *   reissue: WAITING_SELFIE -> CHECKING | MANUAL_REVIEW -> APPROVED -> DONE
 *   either:  -> REJECTED (decided), CANCELLED (the certificate expired)
 *
 * A renewal makes the holder RENEW at once, so signing stops while the
 * holder is checked again; the old certificate stays unrevoked until the
 * new one exists, then is revoked as superseded in the same transaction
 * (holder.c). A re-issue changes nothing until the person has proved who
 * he is (a fresh selfie through Dukcapil for ASN/POLRI, else the
 * verifier), because anyone can type a NIK: only then is the old
 * certificate revoked (its key cannot be opened without the passphrase,
 * by design) and a passphrase link sent. A suspended holder's request
 * always ends with a person: only a verifier or RA lifts a suspension.
 *
 * The worker (lifecycle_round) runs the registry checks of open
 * requests and the sweeps: EXPIRED at notAfter (reads check the time
 * too, holder_status), reminders 30, 7 and 1 days before, verifiers'
 * reminders before a due time, overdue flags. Each notice has a key in
 * the notices table, inserted in the transaction that queues its
 * e-mail, so it goes out once however often the sweep runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "agency.h"
#include "audit.h"
#include "holidays.h"
#include "lifecycle.h"
#include "outbox.h"
#include "sign.h"

#define REQ_COLS "r.id, r.public_id, r.holder_id, r.kind, r.status, " \
	"COALESCE(r.reason, ''), COALESCE(r.old_serial, ''), " \
	"r.check_attempts, r.created_at"

static int
req_cb(void *arg, const struct srow *r)
{
	struct hreq *q = arg;

	q->id = (long)srow_int(r, 0);
	srow_copy(r, 1, q->pid, sizeof(q->pid));
	q->holder_id = (long)srow_int(r, 2);
	srow_copy(r, 3, q->kind, sizeof(q->kind));
	srow_copy(r, 4, q->status, sizeof(q->status));
	srow_copy(r, 5, q->reason, sizeof(q->reason));
	srow_copy(r, 6, q->old_serial, sizeof(q->old_serial));
	q->attempts = (long)srow_int(r, 7);
	q->created_at = srow_int(r, 8);
	return 1;
}

static int
req_by_id(struct store *s, long id, struct hreq *q, struct err *e)
{
	long n;

	memset(q, 0, sizeof(*q));
	n = store_q(s, "SELECT " REQ_COLS " FROM holder_requests r WHERE "
	    "r.id = ?", req_cb, q, e, SV_I(id));
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

/* The holder (and its application) a request belongs to. */
static int
holder_of(struct store *s, long holder_id, struct holder *h, struct err *e)
{
	long app_id = 0;
	int rc;

	buf_init(&h->wrapped, 1 << 16);
	if (store_q(s, "SELECT application_id FROM holders WHERE id = ?",
	    store_row_long, &app_id, e, SV_I(holder_id)) == -1)
		return -1;
	if (app_id == 0)
		return err_set(e, ERR_INTERNAL, "holder %ld", holder_id);
	holder_cleanup(h);
	rc = holder_find(s, NULL, NULL, app_id, h, e);
	if (rc == 0 && h->id != holder_id)
		return err_set(e, ERR_INTERNAL, "holder %ld moved", holder_id);
	return rc == 1 ? err_set(e, ERR_INTERNAL, "holder %ld", holder_id) :
	    rc;
}

static const char *
what(const struct hreq *q, int en)
{
	if (strcmp(q->kind, "renew") == 0)
		return en ? "renewal" : "pembaruan";
	return en ? "re-issue (forgotten passphrase)" :
	    "penerbitan ulang (lupa passphrase)";
}

static int
audit_req(struct lifecycle *lc, struct store *s, const char *actor,
    const char *action, const struct hreq *q, const char *reason,
    struct err *e)
{
	json_t *d = json_pack("{s:s, s:s, s:s}", "kind", q->kind, "status",
	    q->status, "reason", reason != NULL ? reason : "");
	char *ds = d != NULL ? json_dumps(d, JSON_COMPACT) : NULL;
	int rc;

	rc = ds == NULL ? err_set(e, ERR_INTERNAL, "out of memory") :
	    audit_append(s, lc->ra.audit_key, actor, action, q->pid, ds, e);
	free(ds);
	json_decref(d);
	return rc;
}

static int
set_status(struct store *s, struct hreq *q, const char *status,
    const char *reason, const char *actor, struct err *e)
{
	int decided = strcmp(status, "APPROVED") == 0 ||
	    strcmp(status, "REJECTED") == 0;

	if (store_q(s, "UPDATE holder_requests SET status = ?, reason = ?, "
	    "decided_by = CASE WHEN ? THEN ? ELSE decided_by END, "
	    "decided_at = CASE WHEN ? THEN ? ELSE decided_at END, "
	    "updated_at = ? WHERE id = ?", NULL, NULL, e, SV_S(status),
	    SV_S(reason), SV_I(decided), SV_S(actor), SV_I(decided),
	    SV_I(now_utc()), SV_I(now_utc()), SV_I(q->id)) == -1)
		return -1;
	snprintf(q->status, sizeof(q->status), "%s", status);
	snprintf(q->reason, sizeof(q->reason), "%s", reason != NULL ? reason :
	    "");
	return 0;
}

/* MANUAL_REVIEW, and the agency's verifiers are told. */
static int
to_review_tx(struct lifecycle *lc, struct store *s, struct hreq *q,
    struct holder *h, const char *reason, struct err *e)
{
	struct agency ag;
	char link[400];
	json_t *v;
	int rc;

	if (agency_get_id(s, h->a.agency_id, &ag, e) != 0 ||
	    set_status(s, q, "MANUAL_REVIEW", reason, "system", e) == -1 ||
	    audit_req(lc, s, "system", "holder_request.manual_review", q,
	    reason, e) == -1)
		return -1;
	snprintf(link, sizeof(link), "%s/verifikator/permintaan/%s",
	    lc->ra.cfg->base_url, q->pid);
	v = json_pack("{s:s, s:s, s:s, s:s, s:s}", "holder_name", h->a.name,
	    "what", what(q, 0), "agency", ag.name, "reason", reason, "link",
	    link);
	rc = ra_mail_verifiers(&lc->ra, s, h->a.agency_id,
	    "holder_review_needed", v, e);
	json_decref(v);
	return rc == -1 ? -1 : 0;
}

/*
 * APPROVED: for a re-issue the old certificate is revoked now (the
 * person is proved; the key is lost to him); the holder is RENEW and
 * gets a one-day passphrase link.
 */
static int
approve_tx(struct lifecycle *lc, struct store *s, struct hreq *q,
    struct holder *h, const char *actor, struct err *e)
{
	struct cert_rec c;
	char link[400], exp[24];
	json_t *v;
	int rc;

	if (strcmp(q->kind, "reissue") == 0 && h->serial[0] != '\0') {
		cert_rec_init(&c);
		rc = s->ops->cert_get(s, h->serial, &c, e);
		if (rc == 0 && !c.revoked)
			rc = ca_revoke_tx(lc->pki, s, actor, h->serial,
			    PKI_REASON_SUPERSEDED, e);
		cert_rec_cleanup(&c);
		if (rc == -1)
			return -1;
	}
	keys_holder_forget(h->id);
	if (store_q(s, "UPDATE holders SET status = 'RENEW', "
	    "failed_passphrases = 0, updated_at = ? WHERE id = ?", NULL, NULL,
	    e, SV_I(now_utc()), SV_I(h->id)) == -1 ||
	    set_status(s, q, "APPROVED", NULL, actor, e) == -1 ||
	    audit_req(lc, s, actor, "holder_request.approve", q, NULL, e) ==
	    -1 || ra_link_new(&lc->ra, s, h->a.id, q->id, "renew", link,
	    sizeof(link), exp, sizeof(exp), e) == -1)
		return -1;
	v = json_pack("{s:s, s:s, s:s, s:s}", "name", h->a.name, "what",
	    what(q, strcmp(h->a.lang, "en") == 0), "link", link, "expires",
	    exp);
	rc = outbox_put(s, lc->ra.cfg, h->a.email, "renew_passphrase_link",
	    strcmp(h->a.lang, "en") == 0, v, e);
	json_decref(v);
	OPENSSL_cleanse(link, sizeof(link));
	return rc;
}

/* REJECTED: a renewal gives the holder his certificate back (it was
 * never revoked); a re-issue changed nothing yet. */
static int
reject_tx(struct lifecycle *lc, struct store *s, struct hreq *q,
    struct holder *h, const char *actor, const char *reason, struct err *e)
{
	json_t *v;
	int rc, en = strcmp(h->a.lang, "en") == 0;

	if (strcmp(q->kind, "renew") == 0 && store_q(s, "UPDATE holders SET "
	    "status = 'ISSUE', updated_at = ? WHERE id = ? AND status = "
	    "'RENEW'", NULL, NULL, e, SV_I(now_utc()), SV_I(h->id)) == -1)
		return -1;
	if (set_status(s, q, "REJECTED", reason, actor, e) == -1 ||
	    audit_req(lc, s, actor, "holder_request.reject", q, reason, e) ==
	    -1)
		return -1;
	v = json_pack("{s:s, s:s, s:s}", "name", h->a.name, "what", what(q,
	    en), "reason", ra_reason_text(reason, en));
	rc = outbox_put(s, lc->ra.cfg, h->a.email, "request_rejected", en, v,
	    e);
	json_decref(v);
	return rc;
}

static int
new_request_tx(struct store *s, struct holder *h, const char *kind,
    const char *status, const char *actor, struct hreq *q, struct err *e)
{
	char tok[32];

	memset(q, 0, sizeof(*q));
	if (auth_random_token(12, tok, sizeof(tok)) == -1)
		return err_set(e, ERR_INTERNAL, "random");
	snprintf(q->pid, sizeof(q->pid), "HR-%.16s", tok);
	if (store_q(s, "INSERT INTO holder_requests(public_id, holder_id, kind, "
	    "status, next_check_at, old_serial, requested_by, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", NULL, NULL, e,
	    SV_S(q->pid), SV_I(h->id), SV_S(kind), SV_S(status),
	    SV_I(now_utc()), SV_S(h->serial), SV_S(actor), SV_I(now_utc()),
	    SV_I(now_utc())) == -1) {
		if (e->code == ERR_CONFLICT)
			err_set(e, ERR_WRONG_STATE, "a request is open");
		return -1;
	}
	if (store_q(s, "SELECT id FROM holder_requests WHERE public_id = ?",
	    store_row_long, &q->id, e, SV_S(q->pid)) == -1)
		return -1;
	q->holder_id = h->id;
	snprintf(q->kind, sizeof(q->kind), "%s", kind);
	snprintf(q->status, sizeof(q->status), "%s", status);
	snprintf(q->old_serial, sizeof(q->old_serial), "%s", h->serial);
	q->created_at = now_utc();
	return 0;
}

/* ---- P7: renewal ---- */

int
lifecycle_renew(struct lifecycle *lc, struct store *s, struct holder *h,
    const char *actor, struct hreq *q, struct err *e)
{
	struct cert_rec c;
	long long now = now_utc(), from;
	char when[32];
	int manual, rc;

	if (strcmp(h->status, "SUSPEND") == 0)
		return err_set(e, ERR_HOLDER_SUSPENDED, "suspended");
	if (strcmp(h->status, "RENEW") == 0)
		return err_set(e, ERR_WRONG_STATE, "a renewal is open");
	if (strcmp(h->status, "ISSUE") != 0 && strcmp(h->status, "EXPIRED") !=
	    0)
		return err_set(e, ERR_CERT_ALREADY_REVOKED, "holder is %s",
		    h->status);
	cert_rec_init(&c);
	rc = s->ops->cert_get(s, h->serial, &c, e);
	if (rc == 0 && c.revoked)
		rc = err_set(e, ERR_CERT_ALREADY_REVOKED, "revoked");
	/* P8: an expired certificate is not renewed; a new application
	 * is. The time decides, not a sweep that may not have run yet. */
	else if (rc == 0 && c.not_after <= now)
		rc = err_set(e, ERR_RENEW_EXPIRED, "expired");
	from = (long long)c.not_after - lc->ra.cfg->renew_days * 86400LL;
	if (rc == 0 && now < from) {
		ra_fmt_wib(from, when, sizeof(when));
		rc = err_set(e, ERR_RENEW_TOO_EARLY, "renewal opens %s", when);
	}
	cert_rec_cleanup(&c);
	if (rc != 0)
		return rc == 1 ? err_set(e, ERR_CERT_NOT_FOUND, "certificate") :
		    -1;
	manual = strcmp(h->a.category, "NON_ASN") == 0;
	if (s->ops->begin(s, e) == -1)
		return -1;
	if (new_request_tx(s, h, "renew", "CHECKING", actor, q, e) == -1 ||
	    store_q(s, "UPDATE holders SET status = 'RENEW', updated_at = ? "
	    "WHERE id = ? AND status = 'ISSUE'", NULL, NULL, e, SV_I(now),
	    SV_I(h->id)) != 1 ||
	    audit_req(lc, s, actor, "holder_request.renew", q, NULL, e) == -1 ||
	    (manual && to_review_tx(lc, s, q, h, "NON_ASN: verifikasi ulang "
	    "oleh verifikator instansi", e) == -1) ||
	    s->ops->commit(s, e) == -1) {
		if (e->code == ERR_OK)
			err_set(e, ERR_WRONG_STATE, "holder changed");
		s->ops->rollback(s);
		return -1;
	}
	keys_holder_forget(h->id);
	snprintf(h->status, sizeof(h->status), "RENEW");
	return 0;
}

/* ---- a forgotten passphrase ---- */

int
lifecycle_forgot(struct lifecycle *lc, struct store *s, const char *nik,
    const char *email, struct err *e)
{
	struct holder h;
	struct cert_rec c;
	struct hreq q;
	char link[400], exp[24];
	json_t *v = NULL;
	int rc, ok, ret = -1;

	if ((rc = holder_find(s, nik, email, 0, &h, e)) != 0) {
		holder_cleanup(&h);
		return rc == 1 ? 0 : -1;
	}
	cert_rec_init(&c);
	rc = s->ops->cert_get(s, h.serial, &c, e);
	/* Only a valid certificate is worth a new key; an expired or
	 * revoked one needs a new application. */
	ok = rc == 0 && !c.revoked && c.not_after > now_utc() &&
	    (strcmp(h.status, "ISSUE") == 0 || strcmp(h.status, "SUSPEND") ==
	    0);
	cert_rec_cleanup(&c);
	if (rc == -1)
		goto out;
	if (!ok) {
		log_msg(LOG_INFO, "lifecycle", "forgotten passphrase for a "
		    "holder in %s: nothing sent", h.status);
		ret = 0;
		goto out;
	}
	if (s->ops->begin(s, e) == -1)
		goto out;
	/* Asked again while the first link waits: a fresh link. */
	q.id = 0;
	if (store_q(s, "SELECT " REQ_COLS " FROM holder_requests r WHERE "
	    "r.holder_id = ? AND r.status = 'WAITING_SELFIE'", req_cb, &q, e,
	    SV_I(h.id)) == -1)
		goto fail;
	if (q.id != 0 && store_q(s, "UPDATE holder_requests SET updated_at = ? "
	    "WHERE id = ?", NULL, NULL, e, SV_I(now_utc()), SV_I(q.id)) == -1)
		goto fail;
	if (q.id == 0 && new_request_tx(s, &h, "reissue", "WAITING_SELFIE",
	    "holder", &q, e) == -1) {
		if (e->code == ERR_WRONG_STATE) {	/* one is under way */
			s->ops->rollback(s);
			ret = 0;
			goto out;
		}
		goto fail;
	}
	if (ra_link_new(&lc->ra, s, h.a.id, q.id, "reissue", link,
	    sizeof(link), exp, sizeof(exp), e) == -1 ||
	    audit_req(lc, s, "holder", "holder_request.reissue", &q, NULL, e) ==
	    -1)
		goto fail;
	v = json_pack("{s:s, s:s, s:s}", "name", h.a.name, "link", link,
	    "expires", exp);
	OPENSSL_cleanse(link, sizeof(link));
	if (outbox_put(s, lc->ra.cfg, h.a.email, "reissue_link",
	    strcmp(h.a.lang, "en") == 0, v, e) == -1 ||
	    s->ops->commit(s, e) == -1)
		goto fail;
	ret = 0;
	goto out;
fail:
	s->ops->rollback(s);
out:
	json_decref(v);
	holder_cleanup(&h);
	return ret;
}

int
lifecycle_reissue_link(struct store *s, const char *token, struct app *a,
    struct hreq *q, struct err *e)
{
	struct ra_link_info li;
	int rc;

	if ((rc = ra_link(s, token, "reissue", a, &li, e)) != 0)
		return rc;
	if ((rc = req_by_id(s, li.request_id, q, e)) != 0)
		return rc;
	return strcmp(q->status, "WAITING_SELFIE") == 0 ? 0 : 1;
}

int
lifecycle_reissue_submit(struct lifecycle *lc, struct store *s,
    const char *token, const char *selfie_b64, struct err *e)
{
	struct app a;
	struct hreq q;
	struct holder h;
	struct buf jpeg;
	int rc, ret = -1, registries;

	buf_init(&jpeg, 8u << 20);
	memset(&h, 0, sizeof(h));
	buf_init(&h.wrapped, 16);
	if ((rc = lifecycle_reissue_link(s, token, &a, &q, e)) != 0) {
		if (rc == 1)
			err_set(e, ERR_LINK_INVALID, "reissue link");
		goto out;
	}
	registries = strcmp(a.category, "NON_ASN") != 0;
	/* ASN and POLRI prove themselves with their face; a NON_ASN
	 * holder's verifier decides, a selfie helps him. */
	if ((registries || selfie_b64 != NULL) &&
	    ra_selfie_decode(&lc->ra, selfie_b64, &jpeg, e) == -1)
		goto out;
	if (holder_of(s, q.holder_id, &h, e) == -1 ||
	    s->ops->begin(s, e) == -1)
		goto out;
	if ((rc = lifecycle_reissue_link(s, token, &a, &q, e)) != 0) {
		if (rc == 1)
			err_set(e, ERR_LINK_INVALID, "reissue link");
		goto fail;
	}
	if (store_q(s, "UPDATE holder_requests SET selfie = ?, status = "
	    "'CHECKING', next_check_at = ?, updated_at = ? WHERE id = ?", NULL,
	    NULL, e, jpeg.len > 0 ? SV_B(jpeg.data, jpeg.len) : SV_NUL,
	    SV_I(now_utc()), SV_I(now_utc()), SV_I(q.id)) == -1 ||
	    ra_link_use(s, token, e) == -1 ||
	    audit_req(lc, s, "holder", "holder_request.proof", &q, NULL, e) ==
	    -1)
		goto fail;
	snprintf(q.status, sizeof(q.status), "CHECKING");
	if (!registries && to_review_tx(lc, s, &q, &h, "NON_ASN: lupa "
	    "passphrase, verifikasi identitas oleh verifikator", e) == -1)
		goto fail;
	if (s->ops->commit(s, e) == -1)
		goto fail;
	ret = 0;
	goto out;
fail:
	s->ops->rollback(s);
out:
	holder_cleanup(&h);
	buf_cleanse(&jpeg);
	return ret;
}

/* ---- decisions by people ---- */

int
lifecycle_request_get(struct store *s, const struct principal *who,
    const char *pid, struct hreq *q, struct err *e)
{
	long agency = 0, n;

	memset(q, 0, sizeof(*q));
	n = store_q(s, "SELECT " REQ_COLS " FROM holder_requests r WHERE "
	    "r.public_id = ?", req_cb, q, e, SV_S(pid));
	if (n <= 0)
		return n == 0 ? 1 : -1;
	if (store_q(s, "SELECT a.agency_id FROM holders h JOIN applications a "
	    "ON a.id = h.application_id WHERE h.id = ?", store_row_long,
	    &agency, e, SV_I(q->holder_id)) == -1)
		return -1;
	/* Another agency's request does not exist for this verifier. */
	return who->agency_id != 0 && who->agency_id != agency ? 1 : 0;
}

int
lifecycle_decide(struct lifecycle *lc, struct store *s,
    const struct principal *who, const char *pid, int approve,
    const char *reason, struct hreq *q, struct err *e)
{
	struct holder h;
	int rc, ret = -1;

	memset(&h, 0, sizeof(h));
	buf_init(&h.wrapped, 16);
	if (!approve && (reason == NULL || *reason == '\0'))
		return err_set(e, ERR_VALIDATION, "reason");
	if (s->ops->begin(s, e) == -1)
		goto out;
	if ((rc = lifecycle_request_get(s, who, pid, q, e)) != 0) {
		if (rc == 1)
			err_set(e, ERR_NOT_FOUND, "request");
		goto fail;
	}
	if (strcmp(q->status, "MANUAL_REVIEW") != 0) {
		err_set(e, ERR_WRONG_STATE, "request is %s", q->status);
		goto fail;
	}
	if (holder_of(s, q->holder_id, &h, e) == -1)
		goto fail;
	if ((approve ? approve_tx(lc, s, q, &h, who->name, e) :
	    reject_tx(lc, s, q, &h, who->name, reason, e)) == -1 ||
	    s->ops->commit(s, e) == -1)
		goto fail;
	ret = 0;
	goto out;
fail:
	s->ops->rollback(s);
out:
	holder_cleanup(&h);
	return ret;
}

int
lifecycle_unsuspend(struct lifecycle *lc, struct store *s, struct holder *h,
    const char *actor, const char *note, struct err *e)
{
	json_t *d, *v;
	char *ds = NULL;
	int ret = -1;

	if (strcmp(h->status, "SUSPEND") != 0)
		return err_set(e, ERR_WRONG_STATE, "holder is %s", h->status);
	if (note == NULL || *note == '\0')
		return err_set(e, ERR_VALIDATION, "note");
	d = json_pack("{s:s}", "reverified", note);
	v = json_pack("{s:s}", "name", h->a.name);
	if (d == NULL || v == NULL || (ds = json_dumps(d, JSON_COMPACT)) ==
	    NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (s->ops->begin(s, e) == -1)
		goto out;
	if (store_q(s, "UPDATE holders SET status = 'ISSUE', "
	    "failed_passphrases = 0, updated_at = ? WHERE id = ? AND status = "
	    "'SUSPEND'", NULL, NULL, e, SV_I(now_utc()), SV_I(h->id)) != 1 ||
	    audit_append(s, lc->ra.audit_key, actor, "holder.unsuspend",
	    h->a.pid, ds, e) == -1 ||
	    outbox_put(s, lc->ra.cfg, h->a.email, "holder_unsuspended",
	    strcmp(h->a.lang, "en") == 0, v, e) == -1 ||
	    s->ops->commit(s, e) == -1) {
		if (e->code == ERR_OK)
			err_set(e, ERR_WRONG_STATE, "holder changed");
		s->ops->rollback(s);
		goto out;
	}
	snprintf(h->status, sizeof(h->status), "ISSUE");
	h->failed = 0;
	ret = 0;
out:
	free(ds);
	json_decref(d);
	json_decref(v);
	return ret;
}

json_t *
lifecycle_request_json(const struct hreq *q)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "id", q->pid, "kind",
	    q->kind, "status", q->status, "reason", q->reason, "old_serial",
	    q->old_serial, "created_at", (json_int_t)q->created_at);
}

struct list_ctx {
	json_t	*arr;
};

static int
list_cb(void *arg, const struct srow *r)
{
	struct list_ctx *l = arg;
	struct hreq q;
	json_t *o;

	memset(&q, 0, sizeof(q));
	req_cb(&q, r);
	if ((o = lifecycle_request_json(&q)) == NULL)
		return -1;
	json_object_set_new(o, "holder_name", json_string(srow_text(r, 9)));
	json_object_set_new(o, "application", json_string(srow_text(r, 10)));
	json_object_set_new(o, "category", json_string(srow_text(r, 11)));
	return json_array_append_new(l->arr, o) == 0 ? 0 : -1;
}

json_t *
lifecycle_requests(struct store *s, const struct principal *who,
    const char *status, struct err *e)
{
	struct list_ctx l = { json_array() };

	if (l.arr == NULL || store_q(s, "SELECT " REQ_COLS ", a.name, "
	    "a.public_id, COALESCE(a.category, '') FROM holder_requests r "
	    "JOIN holders h ON h.id = r.holder_id JOIN applications a ON "
	    "a.id = h.application_id WHERE (? = 0 OR a.agency_id = ?) AND "
	    "(? IS NULL OR r.status = ?) ORDER BY r.id LIMIT 1000", list_cb, &l,
	    e, SV_I(who->agency_id), SV_I(who->agency_id), SV_S(status),
	    SV_S(status)) == -1) {
		json_decref(l.arr);
		return NULL;
	}
	return l.arr;
}

/* ---- the worker ---- */

struct ids {
	long	 v[64];
	size_t	 n;
};

static int
ids_cb(void *arg, const struct srow *r)
{
	struct ids *d = arg;

	if (d->n == sizeof(d->v) / sizeof(d->v[0]))
		return 1;
	d->v[d->n++] = (long)srow_int(r, 0);
	return 0;
}

static int
selfie_cb(void *arg, const struct srow *r)
{
	struct buf *b = arg;
	const void *p;
	size_t n = 0;

	p = srow_blob(r, 0, &n);
	return p != NULL && n > 0 ? buf_add(b, p, n) : 0;
}

static int
log_cb(void *arg, const struct srow *r)
{
	json_t **j = arg;

	*j = json_loads(srow_text(r, 0), 0, NULL);
	return 1;
}

/* One request's registry check, made outside any transaction. */
static int
check_request(struct lifecycle *lc, struct store *s, long id, struct err *e)
{
	struct hreq q;
	struct holder h;
	struct agency ag;
	struct buf selfie;
	enum ra_verdict v;
	const char *reason = NULL;
	char *log = NULL;
	json_t *calls = json_array(), *prev = NULL;
	double face = -1;
	int reissue, ret = -1;

	memset(&h, 0, sizeof(h));
	buf_init(&h.wrapped, 16);
	buf_init(&selfie, 8u << 20);
	if (calls == NULL || req_by_id(s, id, &q, e) != 0 ||
	    strcmp(q.status, "CHECKING") != 0) {
		ret = calls == NULL ? -1 : 0;
		goto out;
	}
	reissue = strcmp(q.kind, "reissue") == 0;
	if (holder_of(s, q.holder_id, &h, e) == -1 ||
	    agency_get_id(s, h.a.agency_id, &ag, e) != 0 ||
	    (reissue && store_q(s, "SELECT selfie FROM holder_requests WHERE "
	    "id = ?", selfie_cb, &selfie, e, SV_I(id)) == -1))
		goto out;
	/* Renewal: still employed, by the same agency (BKN/SIPP). Re-issue:
	 * the face too (Dukcapil), against a fresh selfie. */
	v = ra_run_checks(&lc->ra, &h.a, ag.name, selfie.data, selfie.len,
	    reissue, calls, &face, &reason, e);
	q.attempts++;
	if (v == RA_V_RETRY && q.attempts >= lc->ra.cfg->reg_attempts) {
		v = RA_V_REVIEW;
		reason = "Registri tidak tersedia setelah beberapa percobaan: "
		    "verifikasi manual";
	}
	/* A renewal's definite mismatch is for the verifier to judge (the
	 * holder has a valid certificate); a re-issue's is a refusal. */
	if (v == RA_V_FAIL && !reissue) {
		v = RA_V_REVIEW;
		reason = ra_reason_text(reason, 0);
	}
	/* Only a person lifts a suspension. */
	if (v == RA_V_PASS && strcmp(h.status, "SUSPEND") == 0) {
		v = RA_V_REVIEW;
		reason = "Pemegang ditangguhkan (SUSPEND): registri sesuai, "
		    "verifikator memutuskan";
	}
	if (s->ops->begin(s, e) == -1)
		goto out;
	/* What earlier rounds asked stays; this round's calls follow. */
	if (store_q(s, "SELECT COALESCE(registry_log, '[]') FROM "
	    "holder_requests WHERE id = ?", log_cb, &prev, e, SV_I(id)) == -1)
		goto fail;
	if (prev == NULL)
		prev = json_array();
	if (prev == NULL || json_array_extend(prev, calls) == -1 ||
	    (log = json_dumps(prev, JSON_COMPACT)) == NULL) {
		err_set(e, ERR_INTERNAL, "registry log");
		goto fail;
	}
	if (store_q(s, "UPDATE holder_requests SET registry_log = ?, "
	    "face_score = ?, check_attempts = ?, next_check_at = ?, "
	    "updated_at = ? WHERE id = ? AND status = 'CHECKING'", NULL, NULL,
	    e, SV_S(log), face >= 0 ? SV_D(face) : SV_NUL, SV_I(q.attempts),
	    SV_I(now_utc() + (2LL << (q.attempts < 12 ? q.attempts : 12))),
	    SV_I(now_utc()), SV_I(id)) != 1)
		goto fail;
	switch (v) {
	case RA_V_PASS:
		ret = approve_tx(lc, s, &q, &h, "system", e);
		break;
	case RA_V_FAIL:
		ret = reject_tx(lc, s, &q, &h, "system", reason, e);
		break;
	case RA_V_REVIEW:
		ret = to_review_tx(lc, s, &q, &h, reason, e);
		break;
	default:
		ret = 0;
	}
	if (ret == -1 || s->ops->commit(s, e) == -1)
		goto fail;
	log_msg(LOG_INFO, "lifecycle", "%s: %s", q.pid, q.status);
	ret = 0;
	goto out;
fail:
	if (e->code == ERR_OK)
		err_set(e, ERR_STORE, "request %ld changed", id);
	s->ops->rollback(s);
	ret = -1;
out:
	free(log);
	json_decref(calls);
	json_decref(prev);
	holder_cleanup(&h);
	buf_cleanse(&selfie);
	return ret;
}

/* Inserts the notice key; 1 when it is new (the caller sends). */
static int
notice_once(struct store *s, const char *key, struct err *e)
{
	long n = store_q(s, "INSERT INTO notices(key, sent_at) VALUES (?, ?) "
	    "ON CONFLICT(key) DO NOTHING", NULL, NULL, e, SV_S(key),
	    SV_I(now_utc()));

	return n < 0 ? -1 : n > 0;
}

/* P8: EXPIRED at notAfter; an open request ends with it. */
static int
expire_one(struct lifecycle *lc, struct store *s, long holder_id,
    struct err *e)
{
	struct holder h;
	char detail[96];
	json_t *v = NULL;
	int ret = -1;

	if (holder_of(s, holder_id, &h, e) == -1)
		goto out;
	keys_holder_forget(holder_id);
	snprintf(detail, sizeof(detail), "{\"serial\":\"%s\"}", h.serial);
	v = json_pack("{s:s, s:s}", "name", h.a.name, "serial", h.serial);
	if (s->ops->begin(s, e) == -1)
		goto out;
	if (store_q(s, "UPDATE holders SET status = 'EXPIRED', updated_at = ? "
	    "WHERE id = ? AND status IN ('ISSUE', 'RENEW', 'SUSPEND')", NULL,
	    NULL, e, SV_I(now_utc()), SV_I(holder_id)) != 1 ||
	    store_q(s, "UPDATE holder_requests SET status = 'CANCELLED', "
	    "reason = 'EXPIRED', updated_at = ? WHERE holder_id = ? AND status "
	    "IN ('WAITING_SELFIE', 'CHECKING', 'MANUAL_REVIEW', 'APPROVED')",
	    NULL, NULL, e, SV_I(now_utc()), SV_I(holder_id)) == -1 ||
	    audit_append(s, lc->ra.audit_key, "system", "holder.expire",
	    h.a.pid, detail, e) == -1 ||
	    outbox_put(s, lc->ra.cfg, h.a.email, "certificate_expired",
	    strcmp(h.a.lang, "en") == 0, v, e) == -1 ||
	    s->ops->commit(s, e) == -1) {
		s->ops->rollback(s);
		goto out;
	}
	ret = 0;
out:
	json_decref(v);
	holder_cleanup(&h);
	return ret;
}

struct expiring {
	long		 holder[64];
	long long	 not_after[64];
	char		 serial[64][SERIAL_HEX_MAX];
	size_t		 n;
};

static int
expiring_cb(void *arg, const struct srow *r)
{
	struct expiring *x = arg;

	if (x->n == 64)
		return 1;
	x->holder[x->n] = (long)srow_int(r, 0);
	srow_copy(r, 1, x->serial[x->n], sizeof(x->serial[0]));
	x->not_after[x->n] = srow_int(r, 2);
	x->n++;
	return 0;
}

/* 30, 7 and 1 days before notAfter: the smallest that applies, once. */
static int
remind_one(struct lifecycle *lc, struct store *s, long holder_id,
    const char *serial, long long not_after, struct err *e)
{
	static const int days[] = { 1, 7, 30 };
	struct holder h;
	char key[96], na[40];
	long long left = not_after - now_utc();
	json_t *v = NULL;
	size_t i;
	int rc, ret = -1;

	for (i = 0; i < 3 && left > days[i] * 86400LL; i++)
		;
	if (i == 3)
		return 0;
	snprintf(key, sizeof(key), "expiry:%s:%d", serial, days[i]);
	memset(&h, 0, sizeof(h));
	buf_init(&h.wrapped, 16);
	if (holder_of(s, holder_id, &h, e) == -1 || s->ops->begin(s, e) == -1)
		goto out;
	if ((rc = notice_once(s, key, e)) == -1)
		goto fail;
	if (rc == 1) {
		ra_fmt_wib(not_after, na, sizeof(na));
		na[strlen(na) > 4 ? strlen(na) - 4 : 0] = '\0';	/* " WIB" */
		v = json_pack("{s:s, s:s, s:s, s:i}", "name", h.a.name,
		    "serial", serial, "not_after", na, "days", days[i]);
		if (outbox_put(s, lc->ra.cfg, h.a.email,
		    "certificate_expiring", strcmp(h.a.lang, "en") == 0, v,
		    e) == -1 || audit_append(s, lc->ra.audit_key, "system",
		    "holder.expiry_reminder", h.a.pid, key, e) == -1)
			goto fail;
	}
	if (s->ops->commit(s, e) == -1)
		goto fail;
	ret = 0;
	goto out;
fail:
	s->ops->rollback(s);
out:
	json_decref(v);
	holder_cleanup(&h);
	return ret;
}

/* S1: verifiers are reminded before a due time; past it, flagged. */
static int
due_one(struct lifecycle *lc, struct store *s, long app_id, int overdue,
    struct err *e)
{
	struct app a;
	struct agency ag;
	char key[48], due[40], link[400], detail[96];
	json_t *v = NULL;
	int rc, ret = -1;

	if (ra_get_by_id(s, app_id, &a, e) != 0 ||
	    agency_get_id(s, a.agency_id, &ag, e) != 0 ||
	    s->ops->begin(s, e) == -1)
		return -1;
	if (overdue) {
		ra_fmt_wib(a.due_at, due, sizeof(due));
		snprintf(detail, sizeof(detail), "{\"due\":\"%s\"}", due);
		if (store_q(s, "UPDATE applications SET overdue_at = ? WHERE "
		    "id = ? AND overdue_at IS NULL", NULL, NULL, e,
		    SV_I(now_utc()), SV_I(app_id)) == -1 ||
		    audit_append(s, lc->ra.audit_key, "system",
		    "application.overdue", a.pid, detail, e) == -1)
			goto fail;
	} else {
		snprintf(key, sizeof(key), "due:%ld", app_id);
		if ((rc = notice_once(s, key, e)) == -1)
			goto fail;
		ra_fmt_wib(a.due_at, due, sizeof(due));
		snprintf(link, sizeof(link), "%s/verifikator/permohonan/%s",
		    lc->ra.cfg->base_url, a.pid);
		v = json_pack("{s:s, s:s, s:s}", "applicant_name", a.name,
		    "due", due, "link", link);
		if (rc == 1 && ra_mail_verifiers(&lc->ra, s, a.agency_id,
		    "review_due_soon", v, e) == -1)
			goto fail;
	}
	if (s->ops->commit(s, e) == -1)
		goto fail;
	ret = 0;
	goto out;
fail:
	s->ops->rollback(s);
out:
	json_decref(v);
	return ret;
}

int
lifecycle_round(void *arg, struct store *s, struct err *e)
{
	struct lifecycle *lc = arg;
	struct expiring *x;
	struct ids d;
	long long now = now_utc();
	size_t i;
	int more = 0;

	/* Several servers on one database: an ADMIN's edit reaches all. */
	if (holidays_load(s, e) == -1)
		log_msg(LOG_ERROR, "lifecycle", "holidays: %s", e->detail);
	/* Signed copies past their download window (sign.c). */
	if (sign_sweep(s, e) == -1)
		return -1;
	/* A forgotten-passphrase request whose link died unused. */
	if (store_q(s, "UPDATE holder_requests SET status = 'CANCELLED', "
	    "reason = 'LINK_EXPIRED', updated_at = ? WHERE status = "
	    "'WAITING_SELFIE' AND updated_at <= ?", NULL, NULL, e, SV_I(now),
	    SV_I(now - 86400)) == -1)
		return -1;

	memset(&d, 0, sizeof(d));
	if (store_q(s, "SELECT id FROM holder_requests WHERE status = "
	    "'CHECKING' AND next_check_at <= ? ORDER BY next_check_at, id",
	    ids_cb, &d, e, SV_I(now)) == -1)
		return -1;
	for (i = 0; i < d.n; i++)
		if (check_request(lc, s, d.v[i], e) == -1)
			log_msg(LOG_ERROR, "lifecycle", "request %ld: %s",
			    d.v[i], e->detail);
	more |= d.n == 64;

	memset(&d, 0, sizeof(d));
	if (store_q(s, "SELECT h.id FROM holders h JOIN certs c ON c.serial = "
	    "h.cert_serial WHERE h.status IN ('ISSUE', 'RENEW', 'SUSPEND') "
	    "AND c.revoked = 0 AND c.not_after <= ? ORDER BY h.id", ids_cb, &d,
	    e, SV_I(now)) == -1)
		return -1;
	for (i = 0; i < d.n; i++)
		if (expire_one(lc, s, d.v[i], e) == -1)
			log_msg(LOG_ERROR, "lifecycle", "expire %ld: %s", d.v[i],
			    e->detail);
	more |= d.n == 64;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (store_q(s, "SELECT h.id, c.serial, c.not_after FROM holders h "
	    "JOIN certs c ON c.serial = h.cert_serial WHERE h.status IN "
	    "('ISSUE', 'SUSPEND') AND c.revoked = 0 AND c.not_after > ? AND "
	    "c.not_after <= ? AND NOT EXISTS (SELECT 1 FROM notices n WHERE "
	    "n.key = 'expiry:' || c.serial || ':' || CASE WHEN c.not_after - "
	    "? <= 86400 THEN 1 WHEN c.not_after - ? <= 604800 THEN 7 ELSE 30 "
	    "END) ORDER BY c.not_after", expiring_cb, x, e, SV_I(now),
	    SV_I(now + 30 * 86400LL), SV_I(now), SV_I(now)) == -1) {
		free(x);
		return -1;
	}
	for (i = 0; i < x->n; i++)
		if (remind_one(lc, s, x->holder[i], x->serial[i],
		    x->not_after[i], e) == -1)
			log_msg(LOG_ERROR, "lifecycle", "reminder %s: %s",
			    x->serial[i], e->detail);
	more |= x->n == 64;
	free(x);

	/* Before the due time: the verifier can still act on these. */
	memset(&d, 0, sizeof(d));
	if (lc->ra.cfg->remind_hours > 0 && store_q(s, "SELECT a.id FROM "
	    "applications a WHERE a.status = 'MANUAL_REVIEW' AND a.due_at > ? "
	    "AND a.due_at <= ? AND NOT EXISTS (SELECT 1 FROM notices n WHERE "
	    "n.key = 'due:' || a.id) ORDER BY a.due_at", ids_cb, &d, e,
	    SV_I(now), SV_I(now + lc->ra.cfg->remind_hours * 3600)) == -1)
		return -1;
	for (i = 0; i < d.n; i++)
		if (due_one(lc, s, d.v[i], 0, e) == -1)
			log_msg(LOG_ERROR, "lifecycle", "due %ld: %s", d.v[i],
			    e->detail);
	more |= d.n == 64;

	/* Past it and not finished (no certificate, no refusal). */
	memset(&d, 0, sizeof(d));
	if (store_q(s, "SELECT a.id FROM applications a WHERE a.status IN "
	    "('SUBMITTED', 'MANUAL_REVIEW', 'VERIFIED') AND a.due_at <= ? AND "
	    "a.overdue_at IS NULL AND NOT EXISTS (SELECT 1 FROM holders h "
	    "WHERE h.application_id = a.id) ORDER BY a.due_at", ids_cb, &d, e,
	    SV_I(now)) == -1)
		return -1;
	for (i = 0; i < d.n; i++)
		if (due_one(lc, s, d.v[i], 1, e) == -1)
			log_msg(LOG_ERROR, "lifecycle", "overdue %ld: %s",
			    d.v[i], e->detail);
	more |= d.n == 64;
	return more ? 0 : (int)lc->ra.cfg->lifecycle_seconds;
}
