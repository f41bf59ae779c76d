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
