/*
 * api_ra.c - the registration workflow over HTTP: registering applicants
 * (one, in bulk from CSV, or by themselves), the verifier's queue and
 * decisions, the activation link, and BSrE v2's registration call.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "api.h"
#include "holder.h"
#include "ra.h"

/* Answers an error from e after a rollback; names the field if any. */
static int
fail(struct req *r, struct err *e)
{
	if (e->code == ERR_VALIDATION)
		r->err_field = e->detail;
	return api_fail(r, e);
}

int
api_app_register(struct req *r)
{
	struct ra ra;
	struct app a;
	struct err e = { 0 };
	json_t *j;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	if (api_begin(r) == -1) {
		json_decref(j);
		return 0;
	}
	if (ra_register(api_ra(r, &ra), r->store, &r->who, api_str(j, "agency"),
	    api_str(j, "name"), api_str(j, "email"), r->who.role == R_CLIENT ?
	    "api" : "verifier", r->lang_en, &a, &e) == -1 ||
	    api_commit(r, &e) == -1) {
		json_decref(j);
		return r->status ? 0 : fail(r, &e);
	}
	json_decref(j);
	http_wake(r);
	return http_json_value(r, 201, ra_app_json(&a, 0));
}

int
api_app_self(struct req *r)
{
	struct principal anon;
	struct ra ra;
	struct app a;
	struct err e = { 0 };
	json_t *j;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	memset(&anon, 0, sizeof(anon));
	anon.role = R_PUBLIC;
	if (api_str(j, "agency") == NULL) {
		json_decref(j);
		r->err_field = "agency";
		return http_error(r, ERR_VALIDATION, NULL);
	}
	if (api_begin(r) == -1) {
		json_decref(j);
		return 0;
	}
	if (ra_register(api_ra(r, &ra), r->store, &anon, api_str(j, "agency"),
	    api_str(j, "name"), api_str(j, "email"), "self", r->lang_en, &a,
	    &e) == -1 || api_commit(r, &e) == -1) {
		json_decref(j);
		return r->status ? 0 : fail(r, &e);
	}
	json_decref(j);
	return http_json_value(r, 201, json_pack("{s:s, s:s, s:s}", "id",
	    a.pid, "status", a.status, "next", "confirmation by the agency "
	    "verifier"));
}

/* Splits one CSV line into at most two fields (name, email); quotes
 * around a field are removed, "" inside quotes is one ". */
static int
csv_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line, *w;

	while (n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		f[n++] = w = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0')
					return -1;
				if (*p == '"' && p[1] == '"') {
					*w++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else
					*w++ = *p++;
			}
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p != ',' && *p != '\0')
				return -1;
		} else {
			while (*p != ',' && *p != '\0')
				p++;
			w = p;
			while (w > f[n - 1] && (w[-1] == ' ' || w[-1] == '\t'))
				w--;
		}
		if (*p == '\0') {
			*w = '\0';
			return (int)n;
		}
		p++;
		*w = '\0';
	}
	return (int)n;
}

int
api_app_bulk(struct req *r)
{
	struct ra ra;
	struct app a;
	struct err e;
	char *text, *line, *next, *f[3];
	const char *agency = http_arg(r, "agency");
	json_t *results = json_array(), *row;
	long created = 0, failed = 0, lineno = 0;
	int nf;

	if (buf_cstr(&r->body) == -1)
		return http_error(r, ERR_BODY_TOO_LARGE, NULL);
	text = (char *)r->body.data;
	if (text == NULL || *text == '\0') {
		json_decref(results);
		r->err_field = "csv";
		return http_error(r, ERR_VALIDATION, NULL);
	}
	api_ra(r, &ra);
	/* One transaction per row: a bad row never costs the good ones. */
	for (line = text; line != NULL && *line != '\0'; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (*line == '\0')
			continue;
		memset(&e, 0, sizeof(e));
		nf = csv_fields(line, f, 3);
		if (lineno == 1 && nf >= 2 && (strcasecmp(f[0], "nama") == 0 ||
		    strcasecmp(f[0], "name") == 0))
			continue;			/* header */
		if (nf != 2)
			err_set(&e, ERR_VALIDATION, "line must be name,email");
		else if (r->store->ops->begin(r->store, &e) == 0) {
			if (ra_register(&ra, r->store, &r->who, agency, f[0],
			    f[1], r->who.role == R_CLIENT ? "api" : "verifier",
			    r->lang_en, &a, &e) == -1 ||
			    r->store->ops->commit(r->store, &e) == -1)
				r->store->ops->rollback(r->store);
		}
		if (e.code == ERR_OK) {
			created++;
			row = json_pack("{s:I, s:s, s:s, s:s}", "line",
			    (json_int_t)lineno, "email", a.email, "result",
			    "created", "id", a.pid);
		} else {
			const struct err_info *ei = err_info(e.code);
			failed++;
			row = json_pack("{s:I, s:s, s:{s:s, s:s}}", "line",
			    (json_int_t)lineno, "result", "error", "error",
			    "code", ei->name, "message", r->lang_en ? ei->msg_en :
			    ei->msg_id);
			if (e.code == ERR_VALIDATION)
				json_object_set_new(json_object_get(row, "error"),
				    "field", json_string(e.detail));
			if (nf >= 2)
				json_object_set_new(row, "email",
				    json_string(f[1]));
		}
		json_array_append_new(results, row);
		if (lineno > 10000)
			break;
	}
	if (created > 0)
		http_wake(r);
	return http_json_value(r, failed == 0 ? 201 : created > 0 ? 207 : 422,
	    json_pack("{s:I, s:I, s:o}", "created", (json_int_t)created,
	    "failed", (json_int_t)failed, "results", results));
}

int
api_app_list(struct req *r)
{
	struct err e = { 0 };
	json_t *arr = ra_list(r->store, &r->who, http_arg(r, "status"), &e);

	if (arr == NULL)
		return http_error(r, ERR_STORE, e.detail);
	return http_json_value(r, 200, json_pack("{s:o}", "applications",
	    arr));
}

int
api_app_get(struct req *r)
{
	struct app a;
	struct err e = { 0 };
	json_t *j;
	int rc;

	if ((rc = ra_get(r->store, &r->who, r->cap[0], &a, &e)) != 0)
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	j = ra_app_json(&a, 1);
	json_object_set_new(j, "registry_log", ra_registry_log(r->store, a.id,
	    &e));
	return http_json_value(r, 200, j);
}

struct blob {
	struct buf	*b;
};

static int
selfie_cb(void *arg, const struct srow *row)
{
	struct buf *b = arg;
	size_t n = 0;
	const void *p = srow_blob(row, 0, &n);

	return p != NULL && n > 0 ? buf_add(b, p, n) : 0;
}

int
api_app_selfie(struct req *r)
{
	struct app a;
	struct err e = { 0 };
	struct buf b;
	int rc;

	if ((rc = ra_get(r->store, &r->who, r->cap[0], &a, &e)) != 0)
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	buf_init(&b, 16u << 20);
	if (store_q(r->store, "SELECT selfie FROM applications WHERE id = ?",
	    selfie_cb, &b, &e, SV_I(a.id)) == -1 || b.len == 0) {
		buf_cleanup(&b);
		return http_error(r, ERR_NOT_FOUND, e.detail);
	}
	rc = http_bytes(r, 200, "image/jpeg", b.data, b.len);
	buf_cleanup(&b);
	return rc;
}

static int
decide(struct req *r, enum ra_event ev)
{
	struct ra ra;
	struct app a;
	struct err e = { 0 };
	json_t *j = NULL;
	const char *reason = NULL;
	int rc;

	if (r->body.len > 0) {
		if ((j = http_json_body(r)) == NULL)
			return 0;
		reason = api_str(j, "reason");
	}
	if (api_begin(r) == -1) {
		json_decref(j);
		return 0;
	}
	if ((rc = ra_get(r->store, &r->who, r->cap[0], &a, &e)) != 0 ||
	    ra_transition(api_ra(r, &ra), r->store, &a, ev, &r->who, reason,
	    &e) == -1 || api_commit(r, &e) == -1) {
		json_decref(j);
		return r->status ? 0 : fail(r, &e);
	}
	json_decref(j);
	http_wake(r);
	return http_json_value(r, 200, ra_app_json(&a, 0));
}

int
api_app_confirm(struct req *r)
{
	return decide(r, RA_CONFIRM);
}

int
api_app_approve(struct req *r)
{
	return decide(r, RA_APPROVE);
}

int
api_app_reject(struct req *r)
{
	return decide(r, RA_REJECT);
}

int
api_app_cancel(struct req *r)
{
	return decide(r, RA_CANCEL);
}

int
api_activation_get(struct req *r)
{
	struct app a;
	struct err e = { 0 };
	struct ra_link_info li;
	int rc;

	if ((rc = ra_link(r->store, r->cap[0], "activate", &a, &li,
	    &e)) != 0)
		return http_error(r, rc == 1 ? ERR_LINK_INVALID : ERR_STORE,
		    e.detail);
	return http_json_value(r, 200, json_pack("{s:s, s:s, s:s, s:I, "
	    "s:{s:s, s:s}, s:s}", "name", a.name, "email", a.email, "status",
	    a.status, "expires_at", (json_int_t)li.expires, "documents",
	    "privacy_policy", RA_PRIVACY_VERSION, "holder_agreement",
	    RA_AGREEMENT_VERSION, "reason", a.reason[0] != '\0' ?
	    ra_reason_text(a.reason, r->lang_en) : ""));
}

int
api_activation_submit(struct req *r)
{
	struct ra ra;
	struct err e = { 0 };
	json_t *j;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	if (api_begin(r) == -1) {
		json_decref(j);
		return 0;
	}
	if (ra_submit(api_ra(r, &ra), r->store, r->cap[0], j, r->ip, &e) == -1 ||
	    api_commit(r, &e) == -1) {
		json_decref(j);
		return r->status ? 0 : fail(r, &e);
	}
	json_decref(j);
	http_wake(r);
	return http_json_value(r, 202, json_pack("{s:s, s:s}", "status",
	    "SUBMITTED", "holder_status", "WAITING_FOR_VERIFICATION"));
}

int
api_activation_resend(struct req *r)
{
	struct ra ra;
	struct err e = { 0 };
	json_t *j;
	const char *email;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	email = api_str(j, "email");
	if (email != NULL && api_begin(r) == 0) {
		if (ra_resend(api_ra(r, &ra), r->store, email, &e) == -1 ||
		    api_commit(r, &e) == -1) {
			json_decref(j);
			return r->status ? 0 : fail(r, &e);
		}
		http_wake(r);
	}
	json_decref(j);
	/* The same answer whether or not the address is known. */
	return http_json(r, 202, "{\"status\":\"accepted\"}");
}

/* BSrE v2: {nama, email[, oid_instansi]} from an agency application. */
int
api_bsre_registration(struct req *r)
{
	struct ra ra;
	struct app a;
	struct err e = { 0 };
	const struct err_info *ei;
	json_t *j;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	if (api_begin(r) == -1) {
		json_decref(j);
		return 0;
	}
	if (ra_register(api_ra(r, &ra), r->store, &r->who, NULL,
	    api_str(j, "nama"), api_str(j, "email"), "api", r->lang_en, &a,
	    &e) == -1 || api_commit(r, &e) == -1) {
		json_decref(j);
		if (r->status)
			return 0;
		r->store->ops->rollback(r->store);
		ei = err_info(e.code);
		return http_json_value(r, (unsigned)ei->http_status, json_pack(
		    "{s:b, s:i, s:s, s:s}", "success", 0, "status_code",
		    ei->http_status, "message", r->lang_en ? ei->msg_en :
		    ei->msg_id, "error", ei->name));
	}
	json_decref(j);
	http_wake(r);
	return http_json_value(r, 200, json_pack("{s:b, s:i, s:s, s:{s:s, "
	    "s:s, s:s}}", "success", 1, "status_code", 200, "message",
	    r->lang_en ? "Registration accepted; the activation link was "
	    "e-mailed." : "Pendaftaran diterima; tautan aktivasi telah "
	    "dikirim ke e-mail.", "data", "id", a.pid, "email", a.email,
	    "status", ra_holder_status(a.status)));
}

/* ---- P5: the passphrase ---- */

int
api_passphrase_get(struct req *r)
{
	struct app a;
	struct err e = { 0 };
	struct ra_link_info li;
	int rc;

	if ((rc = ra_link(r->store, r->cap[0], "passphrase", &a, &li,
	    &e)) != 0)
		return http_error(r, rc == 1 ? ERR_LINK_INVALID : ERR_STORE,
		    e.detail);
	return http_json_value(r, 200, json_pack("{s:s, s:s, s:I, s:i, s:i}",
	    "name", a.name, "email", a.email, "expires_at", (json_int_t)li.expires,
	    "min_length", 8, "max_octets", 256));
}

int
api_passphrase_set(struct req *r)
{
	struct ra ra;
	struct cert_rec c;
	struct err e = { 0 };
	json_t *j;
	const char *pass;
	char pem[8192];
	int ret;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	if ((pass = api_str(j, "passphrase")) == NULL) {
		json_decref(j);
		r->err_field = "passphrase";
		return http_error(r, ERR_VALIDATION, NULL);
	}
	cert_rec_init(&c);
	ret = holder_set_passphrase(api_ra(r, &ra), http_pki(r), r->store,
	    r->cap[0], pass, &c, &e);
	/* The passphrase leaves memory with the request: the JSON copy here,
	 * the body buffer when the request ends. */
	OPENSSL_cleanse((char *)pass, strlen(pass));
	json_decref(j);
	if (ret == -1) {
		cert_rec_cleanup(&c);
		return http_error(r, e.code, e.detail);
	}
	pki_pem(&c.der, pem, sizeof(pem));
	http_wake(r);
	ret = http_json_value(r, 201, json_pack("{s:s, s:s, s:I, s:s}",
	    "status", "ISSUE", "serial", c.serial, "not_after",
	    (json_int_t)c.not_after, "certificate", pem));
	cert_rec_cleanup(&c);
	return ret;
}

/* ---- BSrE: user status ---- */

static int
status_code(const char *st, int v1)
{
	if (strcmp(st, "ISSUE") == 0)
		return 1111;
	if (strcmp(st, "NOT_REGISTERED") == 0)
		return v1 ? 1110 : 2011;
	return 2021;		/* registered, no usable certificate */
}

static const char *
status_message(const char *st, int en)
{
	static __thread char m[160];

	if (strcmp(st, "NOT_REGISTERED") == 0)
		return en ? "User is not registered" : "User belum terdaftar";
	if (strcmp(st, "NEW") == 0 || strcmp(st, "WAITING_FOR_VERIFICATION") ==
	    0 || strcmp(st, "NO_CERTIFICATE") == 0)
		snprintf(m, sizeof(m), en ? "User is registered without a "
		    "certificate (status %s)" : "User sudah terdaftar dan belum "
		    "memiliki sertifikat (status %s)", st);
	else
		snprintf(m, sizeof(m), en ? "User is registered and has a "
		    "certificate with status %s" : "User sudah terdaftar dan "
		    "memiliki sertifikat dengan status %s", st);
	return m;
}

static int
status_answer(struct req *r, const char *nik, const char *email, int v1)
{
	struct holder_status hs;
	struct err e = { 0 };

	/* A malformed NIK is simply not registered (the original answers
	 * 200 NOT_REGISTERED too). */
	if (nik != NULL && (strlen(nik) != 16 || strspn(nik, "0123456789") !=
	    16))
		nik = NULL;
	if (holder_status(r->store, nik, email, r->who.agency_id, &hs,
	    &e) == -1)
		return http_error(r, ERR_STORE, e.detail);
	return http_json_value(r, 200, json_pack("{s:i, s:s, s:s}",
	    "status_code", status_code(hs.status, v1), "status", hs.status,
	    "message", status_message(hs.status, r->lang_en)));
}

int
api_bsre_status_v1(struct req *r)
{
	return status_answer(r, r->cap[0], NULL, 1);
}

int
api_bsre_status_v2(struct req *r)
{
	json_t *j;
	int ret;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	ret = status_answer(r, api_str(j, "nik"), api_str(j, "email"), 0);
	json_decref(j);
	return ret;
}

/* ---- P6: revocation ---- */

static int
reason_of(json_t *j, int *reason)
{
	const char *name = api_str(j, "reason");

	if (name == NULL) {
		*reason = 0;		/* unspecified */
		return 0;
	}
	return pki_reason_parse(name, reason);
}

static int
revoke_answer(struct req *r, struct holder *h)
{
	json_t *out = json_pack("{s:s, s:s}", "status", "REVOKE", "serial",
	    h->serial);

	holder_cleanup(h);
	http_wake(r);
	return http_json_value(r, 200, out);
}

/* By the holder himself, with the passphrase. */
int
api_holder_revoke(struct req *r)
{
	struct ra ra;
	struct holder h;
	struct err e = { 0 };
	const char *pass;
	json_t *j;
	int reason, rc;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	pass = api_str(j, "passphrase");
	if (pass == NULL || (api_str(j, "nik") == NULL &&
	    api_str(j, "email") == NULL)) {
		r->err_field = pass == NULL ? "passphrase" : "nik";
		json_decref(j);
		return http_error(r, ERR_VALIDATION, NULL);
	}
	if (reason_of(j, &reason) == -1) {
		json_decref(j);
		return http_error(r, ERR_BAD_REASON, NULL);
	}
	rc = holder_find(r->store, api_str(j, "nik"), api_str(j, "email"), 0,
	    &h, &e);
	if (rc != 0) {
		json_decref(j);
		holder_cleanup(&h);
		return http_error(r, rc == 1 ? ERR_CERT_NOT_FOUND : ERR_STORE,
		    e.detail);
	}
	rc = holder_check_passphrase(api_ra(r, &ra), r->store, &h, pass, &e);
	OPENSSL_cleanse((char *)pass, strlen(pass));
	json_decref(j);
	if (rc == -1 || holder_revoke(&ra, http_pki(r), r->store, &h,
	    "holder", reason, &e) == -1) {
		holder_cleanup(&h);
		http_wake(r);		/* a suspension mails the holder */
		return http_error(r, e.code, e.detail);
	}
	return revoke_answer(r, &h);
}

/* By a verifier of the holder's agency, or RA/ADMIN. */
int
api_app_revoke(struct req *r)
{
	struct ra ra;
	struct app a;
	struct holder h;
	struct err e = { 0 };
	json_t *j = NULL;
	int reason = 0, rc;

	if (r->body.len > 0 && (j = http_json_body(r)) == NULL)
		return 0;
	if (j != NULL && reason_of(j, &reason) == -1) {
		json_decref(j);
		return http_error(r, ERR_BAD_REASON, NULL);
	}
	json_decref(j);
	if ((rc = ra_get(r->store, &r->who, r->cap[0], &a, &e)) != 0)
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	if ((rc = holder_find(r->store, NULL, NULL, a.id, &h, &e)) != 0) {
		holder_cleanup(&h);
		return http_error(r, rc == 1 ? ERR_CERT_NOT_FOUND : ERR_STORE,
		    e.detail);
	}
	if (holder_revoke(api_ra(r, &ra), http_pki(r), r->store, &h,
	    r->who.name, reason, &e) == -1) {
		holder_cleanup(&h);
		return http_error(r, e.code, e.detail);
	}
	return revoke_answer(r, &h);
}
