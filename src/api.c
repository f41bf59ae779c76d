/*
 * api.c - the native JSON API for staff: login, agencies, staff users
 * and API clients.
 *
 * Each state change runs in one transaction with its audit row; an
 * error rolls everything back and answers from the error table, so a
 * failed request leaves nothing half-written. Objects of an agency are
 * invisible to other agencies' staff: they get 404, not 403.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agency.h"
#include "api.h"
#include "audit.h"

const char *
api_str(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

int
api_audit(struct req *r, const char *action, const char *object,
    json_t *detail, struct err *e)
{
	char *d;
	int rc;

	if (detail == NULL)
		detail = json_object();
	json_object_set_new(detail, "request_id", json_string(r->rid));
	json_object_set_new(detail, "ip", json_string(r->ip));
	d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	if (d == NULL)
		return err_set(e, ERR_INTERNAL, "audit detail");
	rc = audit_append(r->store, http_pki(r)->audit_key,
	    r->who.name[0] ? r->who.name : "anonymous", action, object, d, e);
	free(d);
	return rc;
}

int
api_begin(struct req *r)
{
	struct err e = { 0 };

	if (r->store->ops->begin(r->store, &e) == -1) {
		http_error(r, ERR_STORE, e.detail);
		return -1;
	}
	return 0;
}

int
api_fail(struct req *r, struct err *e)
{
	r->store->ops->rollback(r->store);
	return http_error(r, e->code == ERR_OK ? ERR_INTERNAL : e->code,
	    e->detail);
}

int
api_commit(struct req *r, struct err *e)
{
	if (r->store->ops->commit(r->store, e) == -1)
		return api_fail(r, e);
	return 0;
}

/* ---- login ---- */

int
api_login(struct req *r)
{
	struct session_token tok;
	struct principal p;
	struct err e = { 0 };
	json_t *j, *out;
	const char *user, *pw, *totp;
	int secure = strncmp(http_config(r)->base_url, "https:", 6) == 0;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	user = api_str(j, "username");
	pw = api_str(j, "password");
	totp = api_str(j, "totp");
	if (user == NULL || pw == NULL || totp == NULL) {
		json_decref(j);
		r->err_field = user == NULL ? "username" : pw == NULL ?
		    "password" : "totp";
		return http_error(r, ERR_VALIDATION, NULL);
	}
	if (api_begin(r) == -1) {
		json_decref(j);
		return 0;
	}
	memset(&tok, 0, sizeof(tok));
	if (auth_login(r->store, http_server_key(r), user, pw, totp, r->ip,
	    &tok, &p, &e) == -1) {
		enum err_code code = e.code;
		char name[160];
		/* Failures are worth an audit row: they show guessing. */
		if (code == ERR_UNAUTHORIZED) {
			snprintf(name, sizeof(name), "%.64s", user);
			if (api_audit(r, "auth.login_failed", name, NULL,
			    &e) == -1 || api_commit(r, &e) == -1) {
				json_decref(j);
				return 0;
			}
			json_decref(j);
			return http_error(r, ERR_LOGIN_FAILED, NULL);
		}
		json_decref(j);
		return api_fail(r, &e);
	}
	json_decref(j);
	r->who = p;
	if (api_audit(r, "auth.login", p.name, NULL, &e) == -1 ||
	    api_commit(r, &e) == -1)
		return 0;
	snprintf(r->set_cookie, sizeof(r->set_cookie), "sertel_session=%s; "
	    "Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", tok.token,
	    SESSION_ABSOLUTE, secure ? "; Secure" : "");
	out = json_pack("{s:s, s:s, s:I, s:s, s:I}", "token", tok.token,
	    "csrf_token", tok.csrf, "expires_at", (json_int_t)tok.expires,
	    "role", auth_role_name(p.role), "idle_timeout", (json_int_t)
	    SESSION_IDLE);
	OPENSSL_cleanse(&tok, sizeof(tok));
	return http_json_value(r, 200, out);
}

int
api_logout(struct req *r)
{
	struct err e = { 0 };

	if (api_begin(r) == -1)
		return 0;
	if (auth_logout(r->store, r->who.token_hash, &e) == -1 ||
	    api_audit(r, "auth.logout", r->who.name, NULL, &e) == -1 ||
	    api_commit(r, &e) == -1)
		return r->status ? 0 : api_fail(r, &e);
	snprintf(r->set_cookie, sizeof(r->set_cookie), "sertel_session=; "
	    "Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	return http_json(r, 200, "{\"status\":\"logged_out\"}");
}

int
api_me(struct req *r)
{
	struct agency a;
	struct err e = { 0 };
	json_t *out;

	out = json_pack("{s:s, s:s}", "name", r->who.name, "role",
	    auth_role_name(r->who.role));
	if (r->who.agency_id != 0 && agency_get_id(r->store, r->who.agency_id,
	    &a, &e) == 0)
		json_object_set_new(out, "agency", json_string(a.code));
	if (r->who.csrf[0] != '\0')
		json_object_set_new(out, "csrf_token", json_string(r->who.csrf));
	return http_json_value(r, 200, out);
}

/* ---- agencies ---- */

/* The agency named in the path, if who may see it; answers 404 itself. */
static int
visible_agency(struct req *r, struct agency *a)
{
	struct err e = { 0 };
	int rc = agency_get(r->store, r->cap[0], a, &e);

	if (rc == -1)
		return http_error(r, ERR_STORE, e.detail), -1;
	if (rc == 1 || (r->who.agency_id != 0 && a->id != r->who.agency_id))
		return http_error(r, ERR_NOT_FOUND, NULL), -1;
	return 0;
}

int
api_agencies_list(struct req *r)
{
	struct err e = { 0 };
	json_t *arr = agency_list(r->store, r->who.agency_id, &e);

	if (arr == NULL)
		return http_error(r, ERR_STORE, e.detail);
	return http_json_value(r, 200, json_pack("{s:o}", "agencies", arr));
}

int
api_agency_get(struct req *r)
{
	struct agency a;

	if (visible_agency(r, &a) == -1)
		return 0;
	return http_json_value(r, 200, agency_json(&a));
}

static int
agency_write(struct req *r, int create)
{
	struct agency a;
	struct err e = { 0 };
	json_t *j;

	memset(&a, 0, sizeof(a));
	if (!create && visible_agency(r, &a) == -1)
		return 0;
	if ((j = http_json_body(r)) == NULL)
		return 0;
	if (api_begin(r) == -1) {
		json_decref(j);
		return 0;
	}
	if (agency_put(r->store, j, create, &a, &e) == -1) {
		json_decref(j);
		if (e.code == ERR_VALIDATION)
			r->err_field = e.detail;
		return api_fail(r, &e);
	}
	json_decref(j);
	if (api_audit(r, create ? "agency.create" : "agency.update", a.code,
	    agency_json(&a), &e) == -1 || api_commit(r, &e) == -1)
		return r->status ? 0 : api_fail(r, &e);
	http_wake(r);		/* a PKS may now be due for its warning */
	return http_json_value(r, create ? 201 : 200, agency_json(&a));
}

int
api_agency_create(struct req *r)
{
	return agency_write(r, 1);
}

int
api_agency_update(struct req *r)
{
	return agency_write(r, 0);
}

/* ---- staff and clients ---- */

int
api_user_create(struct req *r)
{
	struct agency a;
	struct err e = { 0 };
	char uri[256];
	const char *ac;
	unsigned role;
	long id = 0;
	json_t *j, *out;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	role = auth_role_parse(api_str(j, "role") ? api_str(j, "role") : "");
	ac = api_str(j, "agency");
	memset(&a, 0, sizeof(a));
	if (role != R_ADMIN && role != R_RA && role != R_VERIFIER)
		r->err_field = "role";
	/* RA registers verifiers and RA officers; only ADMIN makes ADMIN. */
	else if (role == R_ADMIN && r->who.role != R_ADMIN) {
		json_decref(j);
		return http_error(r, ERR_FORBIDDEN, NULL);
	} else if (api_str(j, "username") == NULL)
		r->err_field = "username";
	else if (api_str(j, "name") == NULL)
		r->err_field = "name";
	else if (api_str(j, "email") == NULL)
		r->err_field = "email";
	else if (api_str(j, "password") == NULL)
		r->err_field = "password";
	else if (role == R_VERIFIER && (ac == NULL ||
	    agency_get(r->store, ac, &a, &e) != 0))
		r->err_field = "agency";
	if (r->err_field != NULL) {
		json_decref(j);
		return http_error(r, ERR_VALIDATION, NULL);
	}
	if (api_begin(r) == -1) {
		json_decref(j);
		return 0;
	}
	if (auth_user_create(r->store, http_server_key(r), api_str(j,
	    "username"), api_str(j, "name"), api_str(j, "email"), role, a.id,
	    api_str(j, "password"), uri, sizeof(uri), &id, &e) == -1) {
		json_decref(j);
		if (e.code == ERR_BAD_REQUEST) {
			e.code = ERR_VALIDATION;
			r->err_field = "password";
		}
		return api_fail(r, &e);
	}
	out = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id,
	    "username", api_str(j, "username"), "role", auth_role_name(role),
	    "totp_uri", uri);
	if (a.id != 0)
		json_object_set_new(out, "agency", json_string(a.code));
	if (api_audit(r, "user.create", api_str(j, "username"), json_pack(
	    "{s:s, s:s}", "role", auth_role_name(role), "agency", a.code),
	    &e) == -1 || api_commit(r, &e) == -1) {
		json_decref(j);
		json_decref(out);
		return r->status ? 0 : api_fail(r, &e);
	}
	json_decref(j);
	OPENSSL_cleanse(uri, sizeof(uri));
	http_wake(r);		/* a new verifier may be owed a PKS warning */
	return http_json_value(r, 201, out);
}

int
api_client_create(struct req *r)
{
	struct agency a;
	struct err e = { 0 };
	char id[48], secret[64];
	long rowid = 0;
	json_t *j, *out;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	if (api_str(j, "agency") == NULL || agency_get(r->store,
	    api_str(j, "agency"), &a, &e) != 0)
		r->err_field = "agency";
	else if (api_str(j, "name") == NULL || strlen(api_str(j, "name")) > 90)
		r->err_field = "name";
	if (r->err_field != NULL) {
		json_decref(j);
		return http_error(r, ERR_VALIDATION, NULL);
	}
	if (api_begin(r) == -1) {
		json_decref(j);
		return 0;
	}
	if (auth_client_create(r->store, http_server_key(r), a.id,
	    api_str(j, "name"), id, sizeof(id), secret, sizeof(secret), &rowid,
	    &e) == -1 || api_audit(r, "client.create", id, json_pack("{s:s}",
	    "agency", a.code), &e) == -1 || api_commit(r, &e) == -1) {
		json_decref(j);
		return r->status ? 0 : api_fail(r, &e);
	}
	/* The secret is shown once, here, and stored only as an HMAC. */
	out = json_pack("{s:s, s:s, s:s, s:s}", "client_id", id,
	    "client_secret", secret, "agency", a.code, "name",
	    api_str(j, "name"));
	OPENSSL_cleanse(secret, sizeof(secret));
	json_decref(j);
	return http_json_value(r, 201, out);
}

struct ra *
api_ra(struct req *r, struct ra *ra)
{
	ra->cfg = http_config(r);
	ra->audit_key = http_pki(r)->audit_key;
	return ra;
}
