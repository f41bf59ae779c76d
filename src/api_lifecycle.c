/*
 * api_lifecycle.c - the certificate lifecycle over HTTP: renewal (P7),
 * a forgotten passphrase, holder requests in the verifier's queue,
 * lifting a suspension, the holiday calendar and the SLA report (S1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "agency.h"
#include "api.h"
#include "audit.h"
#include "holidays.h"
#include "lifecycle.h"
#include "sla.h"

static struct lifecycle *
lc_of(struct req *r, struct lifecycle *lc)
{
	api_ra(r, &lc->ra);
	lc->pki = http_pki(r);
	return lc;
}

static int
request_answer(struct req *r, unsigned status, const struct hreq *q)
{
	http_wake(r);		/* the worker checks, mails */
	return http_json_value(r, status, lifecycle_request_json(q));
}

/* ---- P7: renewal ---- */

/* By the holder, with the passphrase (wrong ones count, as ever). */
int
api_holder_renew(struct req *r)
{
	struct lifecycle lc;
	struct holder h;
	struct hreq q;
	struct err e = { 0 };
	const char *pass;
	json_t *j;
	int rc;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	pass = api_str(j, "passphrase");
	if (pass == NULL || (api_str(j, "nik") == NULL &&
	    api_str(j, "email") == NULL)) {
		r->err_field = pass == NULL ? "passphrase" : "nik";
		json_decref(j);
		return http_error(r, ERR_VALIDATION, NULL);
	}
	rc = holder_find(r->store, api_str(j, "nik"), api_str(j, "email"), 0,
	    &h, &e);
	if (rc != 0) {
		OPENSSL_cleanse((char *)pass, strlen(pass));
		json_decref(j);
		holder_cleanup(&h);
		return http_error(r, rc == 1 ? ERR_CERT_NOT_FOUND : ERR_STORE,
		    e.detail);
	}
	rc = holder_check_passphrase(&lc_of(r, &lc)->ra, r->store, &h, pass,
	    &e);
	OPENSSL_cleanse((char *)pass, strlen(pass));
	json_decref(j);
	if (rc == -1 || lifecycle_renew(&lc, r->store, &h, "holder", &q,
	    &e) == -1) {
		holder_cleanup(&h);
		http_wake(r);		/* a suspension mails the holder */
		return http_error(r, e.code, e.detail);
	}
	holder_cleanup(&h);
	return request_answer(r, 202, &q);
}

/* By a verifier of the holder's agency, or RA/ADMIN. */
int
api_app_renew(struct req *r)
{
	struct lifecycle lc;
	struct app a;
	struct holder h;
	struct hreq q;
	struct err e = { 0 };
	int rc;

	if ((rc = ra_get(r->store, &r->who, r->cap[0], &a, &e)) != 0)
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	if ((rc = holder_find(r->store, NULL, NULL, a.id, &h, &e)) != 0) {
		holder_cleanup(&h);
		return http_error(r, rc == 1 ? ERR_CERT_NOT_FOUND : ERR_STORE,
		    e.detail);
	}
	rc = lifecycle_renew(lc_of(r, &lc), r->store, &h, r->who.name, &q, &e);
	holder_cleanup(&h);
	if (rc == -1)
		return http_error(r, e.code, e.detail);
	return request_answer(r, 202, &q);
}

/* A verifier or RA lifts a suspension after verifying the holder. */
int
api_app_unsuspend(struct req *r)
{
	struct lifecycle lc;
	struct app a;
	struct holder h;
	struct err e = { 0 };
	json_t *j;
	int rc;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	if ((rc = ra_get(r->store, &r->who, r->cap[0], &a, &e)) != 0) {
		json_decref(j);
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	}
	if ((rc = holder_find(r->store, NULL, NULL, a.id, &h, &e)) != 0) {
		json_decref(j);
		holder_cleanup(&h);
		return http_error(r, rc == 1 ? ERR_CERT_NOT_FOUND : ERR_STORE,
		    e.detail);
	}
	rc = lifecycle_unsuspend(lc_of(r, &lc), r->store, &h, r->who.name,
	    api_str(j, "note"), &e);
	json_decref(j);
	holder_cleanup(&h);
	if (rc == -1) {
		if (e.code == ERR_VALIDATION)
			r->err_field = e.detail;
		return http_error(r, e.code, e.detail);
	}
	http_wake(r);
	return http_json_value(r, 200, json_pack("{s:s}", "status", "ISSUE"));
}

/* ---- a forgotten passphrase ---- */

int
api_holder_forgot(struct req *r)
{
	struct lifecycle lc;
	struct err e = { 0 };
	json_t *j;
	int rc;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	if (api_str(j, "nik") == NULL && api_str(j, "email") == NULL) {
		json_decref(j);
		r->err_field = "nik";
		return http_error(r, ERR_VALIDATION, NULL);
	}
	rc = lifecycle_forgot(lc_of(r, &lc), r->store, api_str(j, "nik"),
	    api_str(j, "email"), &e);
	json_decref(j);
	if (rc == -1)
		return http_error(r, e.code, e.detail);
	http_wake(r);
	/* The same answer whether or not the holder exists. */
	return http_json_value(r, 202, json_pack("{s:s}", "message",
	    r->lang_en ? "If a holder with a valid certificate has this NIK or "
	    "e-mail, a link has been sent to the e-mail address on record." :
	    "Jika NIK atau e-mail ini milik pemegang sertifikat yang masih "
	    "berlaku, tautan telah dikirim ke alamat e-mail yang terdaftar."));
}

int
api_reissue_get(struct req *r)
{
	struct app a;
	struct hreq q;
	struct err e = { 0 };
	int rc;

	if ((rc = lifecycle_reissue_link(r->store, r->cap[0], &a, &q, &e)) !=
	    0)
		return http_error(r, rc == 1 ? ERR_LINK_INVALID : ERR_STORE,
		    e.detail);
	return http_json_value(r, 200, json_pack("{s:s, s:s, s:b}", "name",
	    a.name, "category", a.category, "selfie_required",
	    strcmp(a.category, "NON_ASN") != 0));
}

int
api_reissue_submit(struct req *r)
{
	struct lifecycle lc;
	struct err e = { 0 };
	json_t *j;
	int rc;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	rc = lifecycle_reissue_submit(lc_of(r, &lc), r->store, r->cap[0],
	    api_str(j, "selfie"), &e);
	json_decref(j);
	if (rc == -1)
		return http_error(r, e.code, e.detail);
	http_wake(r);
	return http_json_value(r, 202, json_pack("{s:s}", "status",
	    "CHECKING"));
}

/* ---- the verifier's queue of holder requests ---- */

int
api_hreq_list(struct req *r)
{
	struct err e = { 0 };
	json_t *a = lifecycle_requests(r->store, &r->who, http_arg(r,
	    "status"), &e);

	if (a == NULL)
		return http_error(r, ERR_STORE, e.detail);
	return http_json_value(r, 200, json_pack("{s:o}", "requests", a));
}

int
api_hreq_get(struct req *r)
{
	struct hreq q;
	struct err e = { 0 };
	int rc;

	if ((rc = lifecycle_request_get(r->store, &r->who, r->cap[0], &q,
	    &e)) != 0)
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	return http_json_value(r, 200, lifecycle_request_json(&q));
}

static int
hreq_decide(struct req *r, int approve)
{
	struct lifecycle lc;
	struct hreq q;
	struct err e = { 0 };
	json_t *j = NULL;
	int rc;

	if (r->body.len > 0 && (j = http_json_body(r)) == NULL)
		return 0;
	rc = lifecycle_decide(lc_of(r, &lc), r->store, &r->who, r->cap[0],
	    approve, api_str(j, "reason"), &q, &e);
	json_decref(j);
	if (rc == -1) {
		if (e.code == ERR_VALIDATION)
			r->err_field = e.detail;
		return http_error(r, e.code, e.detail);
	}
	return request_answer(r, 200, &q);
}

int
api_hreq_approve(struct req *r)
{
	return hreq_decide(r, 1);
}

int
api_hreq_reject(struct req *r)
{
	return hreq_decide(r, 0);
}

/* ---- S1: the holiday calendar ---- */

int
api_holidays_list(struct req *r)
{
	const char *y = http_arg(r, "year");
	long year = 0;

	if (y != NULL && parse_long(y, 1970, 9999, &year) == -1) {
		r->err_field = "year";
		return http_error(r, ERR_VALIDATION, NULL);
	}
	return http_json_value(r, 200, json_pack("{s:s, s:o}", "time_zone",
	    "Asia/Jakarta", "holidays", holidays_json((int)year)));
}

int
api_holiday_put(struct req *r)
{
	struct err e = { 0 };
	json_t *j;
	int rc;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	rc = holidays_put(r->store, http_pki(r)->audit_key, r->who.name,
	    r->cap[0], api_str(j, "name_id") ? api_str(j, "name_id") : "",
	    api_str(j, "name_en") ? api_str(j, "name_en") : "",
	    api_str(j, "kind") ? api_str(j, "kind") : "", &e);
	json_decref(j);
	if (rc == -1) {
		if (e.code == ERR_VALIDATION)
			r->err_field = e.detail;
		return http_error(r, e.code, e.detail);
	}
	return http_json_value(r, 200, json_pack("{s:s}", "date", r->cap[0]));
}

int
api_holiday_delete(struct req *r)
{
	struct err e = { 0 };

	if (holidays_delete(r->store, http_pki(r)->audit_key, r->who.name,
	    r->cap[0], &e) == -1)
		return http_error(r, e.code, e.detail);
	return http_json_value(r, 200, json_pack("{s:s}", "deleted",
	    r->cap[0]));
}

/* ---- S1: the report ---- */

int
api_sla_report(struct req *r)
{
	struct err e = { 0 };
	const char *fmt = http_arg(r, "format"), *code = http_arg(r, "agency");
	struct agency ag;
	struct buf csv;
	long agency = r->who.agency_id;
	json_t *rep;
	int rc;

	/* A verifier sees his own agency; an operator any, or all. */
	if (code != NULL && agency == 0) {
		if ((rc = agency_get(r->store, code, &ag, &e)) != 0) {
			r->err_field = "agency";
			return http_error(r, rc == 1 ? ERR_VALIDATION :
			    ERR_STORE, e.detail);
		}
		agency = ag.id;
	}
	if (fmt != NULL && strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") !=
	    0 && strcmp(fmt, "csv-late") != 0) {
		r->err_field = "format";
		return http_error(r, ERR_VALIDATION, NULL);
	}
	if ((rep = sla_report(r->store, agency, http_arg(r, "from"),
	    http_arg(r, "to"), &e)) == NULL) {
		if (e.code == ERR_VALIDATION)
			r->err_field = e.detail;
		return http_error(r, e.code, e.detail);
	}
	if (fmt == NULL || strcmp(fmt, "json") == 0)
		return http_json_value(r, 200, rep);
	buf_init(&csv, 64u << 20);
	if (sla_csv(rep, strcmp(fmt, "csv-late") == 0, &csv) == -1) {
		json_decref(rep);
		buf_cleanup(&csv);
		return http_error(r, ERR_INTERNAL, "csv");
	}
	json_decref(rep);
	rc = http_bytes(r, 200, "text/csv; charset=utf-8", csv.data, csv.len);
	buf_cleanup(&csv);
	return rc;
}

/* ---- the operator's views: the audit log and statistics ---- */

struct audit_page {
	json_t	*rows;
};

static int
audit_row_cb(void *arg, const struct srow *r)
{
	struct audit_page *p = arg;
	json_t *d = json_loads(srow_text(r, 5), 0, NULL);

	return json_array_append_new(p->rows, json_pack("{s:I, s:s, s:s, s:s, "
	    "s:s, s:o}", "id", (json_int_t)srow_int(r, 0), "ts", srow_text(r,
	    1), "actor", srow_text(r, 2), "action", srow_text(r, 3), "object",
	    srow_text(r, 4), "detail", d != NULL ? d : json_string(srow_text(r,
	    5)))) == 0 ? 0 : -1;
}

/*
 * The audit log, newest first, searchable by action (prefix), actor,
 * object and a text in the detail; ?before=ID pages back. With
 * ?verify=1 the whole chain is checked too (audit_verify).
 */
int
api_audit_list(struct req *r)
{
	struct audit_page p = { json_array() };
	struct err e = { 0 };
	const char *q = http_arg(r, "q"), *act = http_arg(r, "action"),
	    *actor = http_arg(r, "actor"), *obj = http_arg(r, "object"),
	    *bs = http_arg(r, "before"), *ls = http_arg(r, "limit");
	long before = 0, limit = 100, rows = 0, bad = 0;
	char like[300], alike[100];
	json_t *out;

	if ((bs != NULL && parse_long(bs, 1, 1L << 62, &before) == -1) ||
	    (ls != NULL && parse_long(ls, 1, 1000, &limit) == -1) ||
	    (q != NULL && strlen(q) > 200) || (act != NULL && strlen(act) > 60)) {
		json_decref(p.rows);
		r->err_field = bs != NULL && before == 0 ? "before" : "limit";
		return http_error(r, ERR_VALIDATION, NULL);
	}
	snprintf(like, sizeof(like), "%%%s%%", q != NULL ? q : "");
	snprintf(alike, sizeof(alike), "%s%%", act != NULL ? act : "");
	if (p.rows == NULL || store_q(r->store, "SELECT id, ts, actor, action, "
	    "object, detail FROM audit WHERE (? = 0 OR id < ?) AND action LIKE "
	    "? AND (? IS NULL OR actor = ?) AND (? IS NULL OR object = ?) AND "
	    "(? IS NULL OR detail LIKE ? OR object LIKE ?) ORDER BY id DESC "
	    "LIMIT ?", audit_row_cb, &p, &e, SV_I(before), SV_I(before),
	    SV_S(alike), SV_S(actor), SV_S(actor), SV_S(obj), SV_S(obj), SV_S(q),
	    SV_S(like), SV_S(like), SV_I(limit)) == -1) {
		json_decref(p.rows);
		return http_error(r, ERR_STORE, e.detail);
	}
	out = json_pack("{s:o}", "rows", p.rows);
	if (http_arg(r, "verify") != NULL && strcmp(http_arg(r, "verify"),
	    "1") == 0) {
		int rc = audit_verify(r->store, http_pki(r)->audit_key, &rows,
		    &bad, &e);
		json_object_set_new(out, "chain", json_pack("{s:b, s:I, s:I, "
		    "s:s}", "intact", rc == 0, "rows", (json_int_t)rows,
		    "first_bad_row", (json_int_t)bad, "detail", rc == 0 ? "" :
		    e.detail));
	}
	return http_json_value(r, 200, out);
}

static int
pair_cb(void *arg, const struct srow *r)
{
	json_t *o = arg;

	return json_array_append_new(o, json_pack("{s:s, s:s, s:I}", "key",
	    srow_text(r, 0), "group", srow_text(r, 1), "count",
	    (json_int_t)srow_int(r, 2))) == 0 ? 0 : -1;
}

/*
 * The dashboard's numbers for a date range: applications per day (the
 * day their data was complete, WIB), certificates by holder status and
 * agency now. A verifier sees his own agency.
 */
int
api_stats(struct req *r)
{
	struct err e = { 0 };
	long long f, t;
	long ag = r->who.agency_id;
	json_t *days = json_array(), *certs = json_array();

	if (sla_parse_date(http_arg(r, "from"), &f) == -1 ||
	    sla_parse_date(http_arg(r, "to"), &t) == -1 || t < f ||
	    t - f > 3660LL * 86400) {
		json_decref(days);
		json_decref(certs);
		r->err_field = "from";
		return http_error(r, ERR_VALIDATION, NULL);
	}
	if (days == NULL || certs == NULL || store_q(r->store, "SELECT "
	    "date(a.data_complete_at + 25200, 'unixepoch'), g.code, count(*) "
	    "FROM applications a JOIN agencies g ON g.id = a.agency_id WHERE "
	    "a.data_complete_at >= ? AND a.data_complete_at < ? AND a.status "
	    "<> 'CANCELLED' AND (? = 0 OR a.agency_id = ?) GROUP BY 1, 2 ORDER "
	    "BY 1, 2", pair_cb, days, &e, SV_I(f), SV_I(t + 86400), SV_I(ag),
	    SV_I(ag)) == -1 || store_q(r->store, "SELECT CASE WHEN c.revoked = "
	    "1 THEN 'REVOKE' WHEN c.not_after <= ? THEN 'EXPIRED' ELSE h.status "
	    "END, g.code, count(*) FROM holders h JOIN applications a ON a.id = "
	    "h.application_id JOIN agencies g ON g.id = a.agency_id JOIN certs "
	    "c ON c.serial = h.cert_serial WHERE (? = 0 OR a.agency_id = ?) "
	    "GROUP BY 1, 2 ORDER BY 2, 1", pair_cb, certs, &e, SV_I(now_utc()),
	    SV_I(ag), SV_I(ag)) == -1) {
		json_decref(days);
		json_decref(certs);
		return http_error(r, ERR_STORE, e.detail);
	}
	return http_json_value(r, 200, json_pack("{s:s, s:s, s:o, s:o}", "from",
	    http_arg(r, "from"), "to", http_arg(r, "to"),
	    "applications_per_day", days, "certificates_by_status", certs));
}

/* ---- the holder's own view ---- */

/*
 * "My certificate": {nik or email, passphrase} -> the holder's status as
 * the signing API computes it, the certificate (PEM) and its dates, and
 * from when renewal may be asked. The passphrase is checked and counted
 * like any other use.
 */
int
api_holder_certificate(struct req *r)
{
	struct lifecycle lc;
	struct holder h;
	struct holder_status hs;
	struct cert_rec c;
	struct err e = { 0 };
	const char *pass;
	char pem[8192], nb[32], na[32], from[32];
	json_t *j, *out;
	int rc;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	pass = api_str(j, "passphrase");
	if (pass == NULL || (api_str(j, "nik") == NULL &&
	    api_str(j, "email") == NULL)) {
		r->err_field = pass == NULL ? "passphrase" : "nik";
		json_decref(j);
		return http_error(r, ERR_VALIDATION, NULL);
	}
	rc = holder_find(r->store, api_str(j, "nik"), api_str(j, "email"), 0,
	    &h, &e);
	if (rc == 0)
		rc = holder_check_passphrase(&lc_of(r, &lc)->ra, r->store, &h,
		    pass, &e);
	OPENSSL_cleanse((char *)pass, strlen(pass));
	json_decref(j);
	if (rc != 0) {
		holder_cleanup(&h);
		http_wake(r);		/* a suspension mails the holder */
		return http_error(r, rc == 1 ? ERR_CERT_NOT_FOUND : e.code,
		    e.detail);
	}
	cert_rec_init(&c);
	if (holder_status(r->store, h.a.nik[0] ? h.a.nik : NULL, h.a.email, 0,
	    &hs, &e) == -1 || r->store->ops->cert_get(r->store, h.serial, &c,
	    &e) != 0 || pki_pem(&c.der, pem, sizeof(pem)) == -1) {
		holder_cleanup(&h);
		cert_rec_cleanup(&c);
		return http_error(r, ERR_STORE, e.detail);
	}
	fmt_time_iso(c.not_before, nb, sizeof(nb));
	fmt_time_iso(c.not_after, na, sizeof(na));
	fmt_time_iso(c.not_after - lc.ra.cfg->renew_days * 86400, from,
	    sizeof(from));
	out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "status",
	    hs.status, "serial", h.serial, "name", h.a.name, "not_before", nb,
	    "not_after", na, "renewal_from", from, "certificate", pem);
	holder_cleanup(&h);
	cert_rec_cleanup(&c);
	return http_json_value(r, 200, out);
}
