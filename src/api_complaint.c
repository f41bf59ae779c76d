/*
 * api_complaint.c - complaints (S4) over HTTP: the public form and the
 * complainant's status link, the staff desk (record, list, assign,
 * reply, close, the attachment) and the answer-time report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "agency.h"
#include "api.h"
#include "complaint.h"

static struct complaints *
cx_of(struct req *r, struct complaints *cx)
{
	cx->cfg = http_config(r);
	cx->audit_key = http_pki(r)->audit_key;
	return cx;
}

/* Answers e; a validation error names its field. */
static int
fail(struct req *r, struct err *e)
{
	if (e->code == ERR_VALIDATION)
		r->err_field = e->detail;
	return http_error(r, e->code == ERR_OK ? ERR_INTERNAL : e->code,
	    e->detail);
}

/* A member that is there must be a string; absent or null is NULL. */
static int
opt_str(struct req *r, json_t *j, const char *key, const char **out)
{
	json_t *v = json_object_get(j, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		r->err_field = key;
		http_error(r, ERR_VALIDATION, NULL);
		return -1;
	}
	/* An empty optional field is the same as none. */
	if (json_string_length(v) > 0)
		*out = json_string_value(v);
	return 0;
}

static int
file(struct req *r, const char *channel)
{
	struct principal anon;
	struct complaints cx;
	struct complaint_in in;
	struct complaint *c;
	struct err e = { 0 };
	char url[400];
	const char *lang = NULL;
	json_t *j;
	int rc;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	memset(&in, 0, sizeof(in));
	if ((channel == NULL && opt_str(r, j, "channel", &in.channel) == -1) ||
	    opt_str(r, j, "category", &in.category) == -1 ||
	    opt_str(r, j, "agency", &in.agency) == -1 ||
	    opt_str(r, j, "name", &in.name) == -1 ||
	    opt_str(r, j, "email", &in.email) == -1 ||
	    opt_str(r, j, "phone", &in.phone) == -1 ||
	    opt_str(r, j, "handle", &in.handle) == -1 ||
	    opt_str(r, j, "text", &in.text) == -1 ||
	    opt_str(r, j, "attachment", &in.attachment) == -1 ||
	    opt_str(r, j, "lang", &lang) == -1) {
		json_decref(j);
		return 0;
	}
	if (channel != NULL)
		in.channel = channel;
	/* The web form speaks the reader's language; staff say which. */
	in.english = lang != NULL ? strcmp(lang, "en") == 0 : r->lang_en;
	if (lang != NULL && strcmp(lang, "en") != 0 && strcmp(lang, "id") !=
	    0) {
		json_decref(j);
		r->err_field = "lang";
		return http_error(r, ERR_VALIDATION, NULL);
	}
	if ((c = malloc(sizeof(*c))) == NULL) {
		json_decref(j);
		return http_error(r, ERR_INTERNAL, "out of memory");
	}
	/* A public route does not look at credentials at all. */
	memset(&anon, 0, sizeof(anon));
	anon.role = R_PUBLIC;
	rc = complaint_file(cx_of(r, &cx), r->store, channel != NULL ? &anon :
	    &r->who, &in, c, url, sizeof(url), &e);
	json_decref(j);
	if (rc == -1) {
		free(c);
		return fail(r, &e);
	}
	http_wake(r);		/* the mailer */
	rc = http_json_value(r, 201, json_pack("{s:s, s:s, s:s, s:I, s:s}",
	    "ticket", c->ticket, "status", c->status, "channel", c->channel,
	    "due_at", (json_int_t)c->due_at, "status_url", url));
	OPENSSL_cleanse(url, sizeof(url));
	free(c);
	return rc;
}

/* The public form: the web channel. */
int
api_complaint_file(struct req *r)
{
	return file(r, "web");
}

/* Staff record what came by e-mail, phone, Telegram, social media,
 * letter or walk-in, with that channel. */
int
api_complaint_record(struct req *r)
{
	return file(r, NULL);
}

/* The complainant's status link. */
int
api_complaint_status(struct req *r)
{
	struct complaint *c;
	struct err e = { 0 };
	json_t *o;
	int rc;

	if ((c = malloc(sizeof(*c))) == NULL)
		return http_error(r, ERR_INTERNAL, "out of memory");
	if ((rc = complaint_by_token(r->store, r->cap[0], c, &e)) != 0) {
		free(c);
		return http_error(r, rc == 1 ? ERR_LINK_INVALID : ERR_STORE,
		    e.detail);
	}
	o = complaint_public_json(r->store, c, &e);
	free(c);
	if (o == NULL)
		return http_error(r, ERR_STORE, e.detail);
	return http_json_value(r, 200, o);
}

int
api_complaint_list(struct req *r)
{
	struct err e = { 0 };
	json_t *a = complaint_list(r->store, &r->who, http_arg(r, "status"),
	    &e);

	if (a == NULL)
		return fail(r, &e);
	return http_json_value(r, 200, json_pack("{s:I, s:o}", "now",
	    (json_int_t)now_utc(), "complaints", a));
}

int
api_complaint_get(struct req *r)
{
	struct complaint *c;
	struct err e = { 0 };
	json_t *o, *rep;
	int rc;

	if ((c = malloc(sizeof(*c))) == NULL)
		return http_error(r, ERR_INTERNAL, "out of memory");
	if ((rc = complaint_get(r->store, &r->who, r->cap[0], c, &e)) != 0) {
		free(c);
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	}
	o = complaint_json(c, now_utc());
	rep = complaint_replies_json(r->store, c->id, 1, &e);
	free(c);
	if (o == NULL || rep == NULL) {
		json_decref(o);
		json_decref(rep);
		return http_error(r, ERR_STORE, e.detail);
	}
	json_object_set_new(o, "replies", rep);
	return http_json_value(r, 200, o);
}

int
api_complaint_attachment(struct req *r)
{
	struct complaint *c;
	struct err e = { 0 };
	struct buf b;
	char ctype[32];
	int rc;

	if ((c = malloc(sizeof(*c))) == NULL)
		return http_error(r, ERR_INTERNAL, "out of memory");
	if ((rc = complaint_get(r->store, &r->who, r->cap[0], c, &e)) != 0) {
		free(c);
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	}
	buf_init(&b, COMPLAINT_ATTACH_MAX + 16);
	rc = complaint_attachment(r->store, c->id, &b, ctype, sizeof(ctype),
	    &e);
	if (rc != 0) {
		buf_cleanup(&b);
		free(c);
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	}
	rc = http_bytes(r, 200, strcmp(ctype, "application/pdf") == 0 ?
	    "application/pdf" : strcmp(ctype, "image/png") == 0 ? "image/png" :
	    "image/jpeg", b.data, b.len);
	/* A download, never rendered in the portal's own origin. */
	r->xh_name = "Content-Disposition";
	snprintf(r->xh_value, sizeof(r->xh_value), "attachment; filename=\"%s."
	    "%s\"", c->ticket, strcmp(ctype, "application/pdf") == 0 ? "pdf" :
	    strcmp(ctype, "image/png") == 0 ? "png" : "jpg");
	buf_cleanup(&b);
	free(c);
	return rc;
}

/* Runs one desk action on the complaint in the path; answers it. */
static int
desk(struct req *r, enum complaint_event ev)
{
	struct complaints cx;
	struct complaint *c;
	struct err e = { 0 };
	const char *arg = NULL;
	json_t *j = NULL, *o;
	int rc, emailed = 0;

	if (r->body.len > 0 && (j = http_json_body(r)) == NULL)
		return 0;
	if (opt_str(r, j, ev == CPL_ASSIGN ? "assignee" : ev == CPL_REPLY ?
	    "text" : "reason", &arg) == -1) {
		json_decref(j);
		return 0;
	}
	if ((c = malloc(sizeof(*c))) == NULL) {
		json_decref(j);
		return http_error(r, ERR_INTERNAL, "out of memory");
	}
	cx_of(r, &cx);
	rc = ev == CPL_ASSIGN ? complaint_assign(&cx, r->store, &r->who,
	    r->cap[0], arg, c, &e) : ev == CPL_REPLY ? complaint_reply(&cx,
	    r->store, &r->who, r->cap[0], arg, c, &emailed, &e) :
	    complaint_close(&cx, r->store, &r->who, r->cap[0], arg, c, &e);
	json_decref(j);
	if (rc == -1) {
		free(c);
		return fail(r, &e);
	}
	http_wake(r);		/* the mailer */
	o = complaint_json(c, now_utc());
	free(c);
	if (o != NULL && ev == CPL_REPLY)
		json_object_set_new(o, "emailed", json_boolean(emailed));
	return http_json_value(r, 200, o);
}

int
api_complaint_assign(struct req *r)
{
	return desk(r, CPL_ASSIGN);
}

int
api_complaint_reply(struct req *r)
{
	return desk(r, CPL_REPLY);
}

int
api_complaint_close(struct req *r)
{
	return desk(r, CPL_CLOSE);
}

/* Answer times; a verifier sees his own agency, an operator any or all. */
int
api_complaint_report(struct req *r)
{
	struct err e = { 0 };
	const char *code = http_arg(r, "agency");
	struct agency ag;
	long agency = r->who.agency_id;
	json_t *rep;
	int rc;

	if (code != NULL && agency == 0) {
		if ((rc = agency_get(r->store, code, &ag, &e)) != 0) {
			r->err_field = "agency";
			return http_error(r, rc == 1 ? ERR_VALIDATION :
			    ERR_STORE, e.detail);
		}
		agency = ag.id;
	}
	if ((rep = complaint_report(r->store, agency, http_arg(r, "from"),
	    http_arg(r, "to"), &e)) == NULL)
		return fail(r, &e);
	return http_json_value(r, 200, rep);
}
