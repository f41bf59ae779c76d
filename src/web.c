/*
 * web.c - the route table and the handlers of the PKI's public face:
 * health, OCSP (RFC 6960 / RFC 5019), CRLs (RFC 5280), caIssuers and
 * the time-stamping authority (RFC 3161 §3.4).
 *
 * The table is the one place that says which method and path reach
 * which handler with which role; docs/api.md is checked against it.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "api.h"
#include "der.h"
#include "http.h"
#include "web_assets.h"

static int
healthz(struct req *r)
{
	struct audit_rec last;
	struct err e = { 0 };

	/* Proves the database answers, not just that the process runs. */
	if (r->store->ops->audit_last(r->store, &last, &e) == -1)
		return http_error(r, ERR_STORE, e.detail);
	return http_json(r, 200, "{\"status\":\"ok\"}");
}

static int
ocsp_answer(struct req *r, const unsigned char *der, size_t len)
{
	struct buf out;
	struct err e = { 0 };
	int ret;

	buf_init(&out, 1 << 16);
	if (ocsp_respond(http_pki(r), r->store, der, len, &out, &e) == -1) {
		buf_cleanup(&out);
		return http_error(r, ERR_INTERNAL, e.detail);
	}
	if (e.code != ERR_OK)
		log_msg(LOG_ERROR, r->rid, "ocsp: %s", e.detail);
	ret = http_bytes(r, 200, "application/ocsp-response", out.data,
	    out.len);
	/* RFC 5019 §6.2; short enough that a revocation is seen soon even
	 * through a cache, long enough to absorb repeated checks. */
	snprintf(r->cache, sizeof(r->cache),
	    "max-age=%ld, public, no-transform, must-revalidate",
	    http_config(r)->ocsp_max_age);
	buf_cleanup(&out);
	return ret;
}

static int
ocsp_post(struct req *r)
{
	const char *ct = http_content_type(r);

	if (ct != NULL && strncmp(ct, "application/ocsp-request", 24) != 0)
		return http_error(r, ERR_UNSUPPORTED_MEDIA, NULL);
	return ocsp_answer(r, r->body.data, r->body.len);
}

static int
ocsp_get(struct req *r)
{
	unsigned char der[4096];
	char b64[ROUTE_CAP_MAX];
	size_t i, n = 0;
	int len;

	/* RFC 6960 appendix A.1: base64 of the DER, URL-encoded; the path
	 * arrives decoded. Accept '-' '_' too and missing padding. */
	for (i = 0; r->cap[0][i] != '\0' && n + 4 < sizeof(b64); i++) {
		char c = r->cap[0][i];
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (c == ' ')
			c = '+';	/* '+' decoded as a space by a proxy */
		b64[n++] = c;
	}
	while (n % 4 != 0)
		b64[n++] = '=';
	b64[n] = '\0';
	len = n > 0 && n / 4 * 3 <= sizeof(der) ?
	    EVP_DecodeBlock(der, (unsigned char *)b64, (int)n) : -1;
	if (len < 0)
		return ocsp_answer(r, NULL, 0);		/* malformedRequest */
	/* EVP_DecodeBlock counts padding as zero bytes. */
	for (i = n; i > 0 && b64[i - 1] == '='; i--)
		len--;
	return ocsp_answer(r, der, (size_t)len);
}

static int
known_ca(const char *name)
{
	return strcmp(name, CA_ROOT) == 0 || strcmp(name, CA_ISSUING) == 0;
}

static int
crl_get(struct req *r)
{
	struct buf der;
	struct err e = { 0 };
	time_t tu, nu;
	int rc, ret;

	if (!known_ca(r->cap[0]))
		return http_error(r, ERR_CA_NOT_FOUND, NULL);
	buf_init(&der, 256u << 20);
	rc = r->store->ops->crl_get(r->store, r->cap[0], &der, &tu, &nu, &e);
	if (rc != 0) {
		buf_cleanup(&der);
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	}
	ret = http_bytes(r, 200, "application/pkix-crl", der.data, der.len);
	snprintf(r->cache, sizeof(r->cache), "max-age=%ld, public",
	    http_config(r)->ocsp_max_age);
	buf_cleanup(&der);
	return ret;
}

static int
ca_get(struct req *r)
{
	struct pki *p = http_pki(r);
	X509 *x;
	struct buf der;
	int ret;

	if (!known_ca(r->cap[0]))
		return http_error(r, ERR_CA_NOT_FOUND, NULL);
	x = strcmp(r->cap[0], CA_ROOT) == 0 ? p->root : p->issuing;
	buf_init(&der, 1 << 16);
	if (DER_I2D(&der, i2d_X509, x) == -1) {
		buf_cleanup(&der);
		return http_error(r, ERR_INTERNAL, "encoding CA certificate");
	}
	ret = http_bytes(r, 200, "application/pkix-cert", der.data, der.len);
	snprintf(r->cache, sizeof(r->cache), "max-age=86400, public");
	buf_cleanup(&der);
	return ret;
}

static int
tsa_post(struct req *r)
{
	const char *ct = http_content_type(r);
	struct buf out;
	struct err e = { 0 };
	int ret;

	if (ct == NULL || strncmp(ct, "application/timestamp-query", 27) != 0)
		return http_error(r, ERR_UNSUPPORTED_MEDIA, NULL);
	buf_init(&out, 1 << 16);
	if (tsa_respond(http_pki(r), r->store, r->body.data, r->body.len,
	    &out, &e) == -1) {
		buf_cleanup(&out);
		return http_error(r, ERR_INTERNAL, e.detail);
	}
	if (e.code != ERR_OK)
		log_msg(LOG_ERROR, r->rid, "tsa: %s", e.detail);
	ret = http_bytes(r, 200, "application/timestamp-reply", out.data,
	    out.len);
	buf_cleanup(&out);
	return ret;
}

/* docs/openapi.json, embedded by the build (build/gen/openapi.c). */
extern unsigned char docs_openapi_json[];
extern unsigned int docs_openapi_json_len;

static int
openapi(struct req *r)
{
	snprintf(r->cache, sizeof(r->cache), "max-age=3600, public");
	return http_bytes(r, 200, "application/json; charset=utf-8",
	    docs_openapi_json, docs_openapi_json_len);
}

/*
 * Development mode only: the local mailbox, so that a newcomer running
 * `make run` can open the links the service e-mails. Without dev_mode
 * these pages do not exist (404).
 */
static int
mailbox_name_ok(const char *n)
{
	size_t i, l = strlen(n);

	if (l < 5 || l > 200 || strcmp(n + l - 4, ".eml") != 0 || n[0] == '.')
		return 0;
	for (i = 0; i < l; i++)
		if (!(isalnum((unsigned char)n[i]) || strchr("@._-+", n[i])))
			return 0;
	return 1;
}

static int
html_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		const char *rep = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" :
		    *s == '&' ? "&amp;" : *s == '"' ? "&quot;" : NULL;
		if (rep != NULL ? buf_addstr(b, rep) : buf_add(b, s, 1))
			return -1;
	}
	return 0;
}

static int
dev_mailbox(struct req *r)
{
	char path[600];
	struct dirent **list = NULL;
	struct buf b;
	int i, n, ret;

	if (!http_config(r)->dev_mode)
		return http_error(r, ERR_NOT_FOUND, NULL);
	snprintf(path, sizeof(path), "%s/mailbox", http_config(r)->dir);
	buf_init(&b, 4u << 20);
	buf_addstr(&b, "<!doctype html><html lang=\"id\"><meta charset=\"utf-8\">"
	    "<title>Kotak surat pengembangan</title><h1>Kotak surat "
	    "pengembangan / development mailbox</h1><p>Mode pengembangan: "
	    "e-mail tidak dikirim, tetapi disimpan di sini.</p><ul>");
	n = scandir(path, &list, NULL, alphasort);
	for (i = n - 1; i >= 0; i--) {
		if (mailbox_name_ok(list[i]->d_name)) {
			buf_addstr(&b, "<li><a href=\"/dev/mailbox/");
			html_escape(&b, list[i]->d_name);
			buf_addstr(&b, "\">");
			html_escape(&b, list[i]->d_name);
			buf_addstr(&b, "</a></li>");
		}
		free(list[i]);
	}
	free(list);
	buf_addstr(&b, "</ul></html>");
	ret = http_bytes(r, 200, "text/html; charset=utf-8", b.data, b.len);
	buf_cleanup(&b);
	return ret;
}

/* Decodes quoted-printable (RFC 2045 §6.7) from p into out. */
static int
qp_decode(struct buf *out, const char *p, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (p[i] != '=') {
			if (buf_add(out, &p[i], 1) == -1)
				return -1;
			continue;
		}
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n') {
			i += 2;			/* soft line break */
			continue;
		}
		if (i + 1 < n && p[i + 1] == '\n') {
			i += 1;
			continue;
		}
		if (i + 2 < n && isxdigit((unsigned char)p[i + 1]) &&
		    isxdigit((unsigned char)p[i + 2])) {
			char c;
			hi = isdigit((unsigned char)p[i + 1]) ? p[i + 1] - '0' :
			    (tolower((unsigned char)p[i + 1]) - 'a' + 10);
			lo = isdigit((unsigned char)p[i + 2]) ? p[i + 2] - '0' :
			    (tolower((unsigned char)p[i + 2]) - 'a' + 10);
			c = (char)(hi << 4 | lo);
			if (buf_add(out, &c, 1) == -1)
				return -1;
			i += 2;
			continue;
		}
		if (buf_add(out, "=", 1) == -1)
			return -1;
	}
	return buf_cstr(out);
}


/* ---- the portal's files (web/, embedded) ---- */

static int
asset(struct req *r, const char *path)
{
	size_t i;

	for (i = 0; i < web_nassets; i++)
		if (strcmp(web_assets[i].path, path) == 0) {
			snprintf(r->cache, sizeof(r->cache), "max-age=300, "
			    "public");
			return http_bytes(r, 200, web_assets[i].ctype,
			    web_assets[i].data, web_assets[i].len);
		}
	return http_error(r, ERR_NOT_FOUND, NULL);
}

static int
page_id(struct req *r)
{
	return asset(r, "/index.html");
}

static int
page_en(struct req *r)
{
	return asset(r, "/en.html");
}

static int
page_portal(struct req *r)
{
	return asset(r, "/portal.html");
}

static int
static_get(struct req *r)
{
	char path[160];

	if (strlen(r->cap[0]) > 100)
		return http_error(r, ERR_NOT_FOUND, NULL);
	snprintf(path, sizeof(path), "/static/%.100s", r->cap[0]);
	return asset(r, path);
}

/* Escapes text into HTML, turning http(s) URLs into links. */
static int
html_linkify(struct buf *b, const char *s)
{
	char one[2] = { 0, 0 };
	size_t n;

	while (*s != '\0') {
		if (strncmp(s, "http://", 7) == 0 ||
		    strncmp(s, "https://", 8) == 0) {
			char url[1024];
			for (n = 0; s[n] != '\0' && !isspace((unsigned char)s[n]) &&
			    s[n] != '<' && s[n] != '>' && s[n] != '"' &&
			    n < sizeof(url) - 1; n++)
				url[n] = s[n];
			url[n] = '\0';
			if (buf_addstr(b, "<a href=\"") == -1 ||
			    html_escape(b, url) == -1 ||
			    buf_addstr(b, "\">") == -1 || html_escape(b, url) == -1 ||
			    buf_addstr(b, "</a>") == -1)
				return -1;
			s += n;
			continue;
		}
		one[0] = *s++;
		if (html_escape(b, one) == -1)
			return -1;
	}
	return 0;
}

static int
dev_mailbox_one(struct req *r)
{
	char path[1024];
	struct buf raw, text, page;
	const char *hdr_end, *body;
	int ret, qp;

	if (!http_config(r)->dev_mode || !mailbox_name_ok(r->cap[0]))
		return http_error(r, ERR_NOT_FOUND, NULL);
	/* mailbox_name_ok bounds the name to 200 characters. */
	if (snprintf(path, sizeof(path), "%s/mailbox/%.200s",
	    http_config(r)->dir, r->cap[0]) >= (int)sizeof(path))
		return http_error(r, ERR_NOT_FOUND, NULL);
	if (file_read(path, &raw, 8u << 20) == -1)
		return http_error(r, ERR_NOT_FOUND, NULL);
	buf_init(&text, 16u << 20);
	buf_init(&page, 32u << 20);
	hdr_end = strstr((char *)raw.data, "\r\n\r\n");
	body = hdr_end != NULL ? hdr_end + 4 : (char *)raw.data;
	qp = hdr_end != NULL && memmem(raw.data, (size_t)(hdr_end -
	    (char *)raw.data), "quoted-printable", 16) != NULL;
	if (hdr_end != NULL)
		buf_add(&text, raw.data, (size_t)(body - (char *)raw.data));
	if (qp)
		qp_decode(&text, body, strlen(body));
	else
		buf_addstr(&text, body);
	buf_cstr(&text);
	buf_addstr(&page, "<!doctype html><html lang=\"id\"><meta charset="
	    "\"utf-8\"><title>");
	html_escape(&page, r->cap[0]);
	buf_addstr(&page, "</title><p><a href=\"/dev/mailbox\">&larr; kotak "
	    "surat</a></p><pre style=\"white-space:pre-wrap\">");
	html_linkify(&page, (char *)text.data);
	buf_addstr(&page, "</pre></html>");
	ret = http_bytes(r, 200, "text/html; charset=utf-8", page.data,
	    page.len);
	buf_cleanup(&raw);
	buf_cleanup(&text);
	buf_cleanup(&page);
	return ret;
}

const struct route web_routes[] = {
	{ "GET", "/healthz", healthz, R_PUBLIC, 0,
	  "Liveness and database check." },
	{ "POST", "/ocsp", ocsp_post, R_PUBLIC, 65536,
	  "OCSP request (RFC 6960), application/ocsp-request." },
	{ "GET", "/ocsp/**", ocsp_get, R_PUBLIC, 0,
	  "OCSP request as URL-encoded base64 (RFC 6960 A.1, RFC 5019)." },
	{ "GET", "/crl/*.crl", crl_get, R_PUBLIC, 0,
	  "Latest CRL of a CA (root, issuing), DER." },
	{ "GET", "/ca/*.cer", ca_get, R_PUBLIC, 0,
	  "CA certificate (root, issuing), DER: the caIssuers target." },
	{ "POST", "/tsa", tsa_post, R_PUBLIC, 16384,
	  "RFC 3161 time-stamp request, application/timestamp-query." },

	{ "GET", "/", page_id, R_PUBLIC, 0,
	  "The portal's landing page, Indonesian." },
	{ "GET", "/en", page_en, R_PUBLIC, 0,
	  "The landing page in English." },
	{ "GET", "/aktivasi/*", page_portal, R_PUBLIC, 0,
	  "The activation form behind the e-mailed link (portal.html)." },
	{ "GET", "/passphrase/*", page_portal, R_PUBLIC, 0,
	  "The passphrase page behind the e-mailed link (portal.html)." },
	{ "GET", "/lupa-passphrase/*", page_portal, R_PUBLIC, 0,
	  "The forgotten-passphrase page behind the link (portal.html)." },
	{ "GET", "/verifikator", page_portal, R_PUBLIC, 0,
	  "The verifier's desk: login, queue, registration (portal.html)." },
	{ "GET", "/verifikator/**", page_portal, R_PUBLIC, 0,
	  "One application or holder request for the verifier (portal.html)." },
	{ "GET", "/verifikasi", page_portal, R_PUBLIC, 0,
	  "The public verification page: upload a PDF (portal.html)." },
	{ "GET", "/sertifikat", page_portal, R_PUBLIC, 0,
	  "My certificate: forgotten passphrase, renewal, revocation "
	  "(portal.html)." },
	{ "GET", "/tanda-tangan", page_portal, R_PUBLIC, 0,
	  "The holder signs a PDF: page 1 shown, the place chosen with the "
	  "mouse (portal.html)." },
	{ "GET", "/operator", page_portal, R_PUBLIC, 0,
	  "The operator's desk: SLA report, agencies, holidays (portal.html)." },
	{ "GET", "/pengaduan", page_portal, R_PUBLIC, 0,
	  "The public complaint form (portal.html)." },
	{ "GET", "/pengaduan/status/*", page_portal, R_PUBLIC, 0,
	  "A complaint's private status page (portal.html)." },
	{ "GET", "/petugas/pengaduan", page_portal, R_PUBLIC, 0,
	  "The staff's complaint desk (portal.html)." },
	{ "GET", "/petugas/pengaduan/*", page_portal, R_PUBLIC, 0,
	  "One complaint at the desk (portal.html)." },
	{ "GET", "/static/*", static_get, R_PUBLIC, 0,
	  "The portal's stylesheets, scripts and images." },
	{ "GET", "/api/v1/openapi.json", openapi, R_PUBLIC, 0,
	  "This API described in OpenAPI 3 (docs/openapi.json)." },
	{ "GET", "/dev/mailbox", dev_mailbox, R_PUBLIC, 0,
	  "Development mode only: the local mailbox." },
	{ "GET", "/dev/mailbox/*", dev_mailbox_one, R_PUBLIC, 0,
	  "Development mode only: one message of the local mailbox." },
	{ "POST", "/api/v1/auth/login", api_login, R_PUBLIC, 4096,
	  "Staff login: password and TOTP; a session token and cookie." },
	{ "POST", "/api/v1/auth/logout", api_logout, R_STAFF, 0,
	  "Ends the session." },
	{ "GET", "/api/v1/me", api_me, R_STAFF | R_CLIENT, 0,
	  "Who the credentials belong to." },
	{ "GET", "/api/v1/agencies", api_agencies_list, R_STAFF, 0,
	  "Agencies (a verifier sees its own)." },
	{ "POST", "/api/v1/agencies", api_agency_create, R_OPERATOR, 16384,
	  "Creates an agency with its PKS and e-mail domains." },
	{ "GET", "/api/v1/agencies/*", api_agency_get, R_STAFF, 0,
	  "One agency." },
	{ "PUT", "/api/v1/agencies/*", api_agency_update, R_OPERATOR, 16384,
	  "Changes an agency (PKS, domains, status)." },
	{ "POST", "/api/v1/users", api_user_create, R_OPERATOR, 4096,
	  "Creates a staff user; answers the TOTP enrolment URI once." },
	{ "POST", "/api/v1/api-clients", api_client_create, R_OPERATOR, 4096,
	  "Creates an agency application's credentials; the secret is shown "
	  "once." },

	{ "POST", "/api/v1/applications", api_app_register,
	  R_STAFF | R_CLIENT, 4096, "Registers one applicant (P1)." },
	{ "POST", "/api/v1/applications/bulk", api_app_bulk,
	  R_STAFF | R_CLIENT, 2u << 20, "Registers applicants from CSV." },
	{ "GET", "/api/v1/applications", api_app_list, R_STAFF, 0,
	  "The review queue of the caller's agency." },
	{ "GET", "/api/v1/applications/*", api_app_get, R_STAFF, 0,
	  "One application with its registry answers." },
	{ "GET", "/api/v1/applications/*/selfie", api_app_selfie, R_STAFF, 0,
	  "The applicant's selfie." },
	{ "POST", "/api/v1/applications/*/confirm", api_app_confirm, R_STAFF,
	  1024, "Confirms a self-made application." },
	{ "POST", "/api/v1/applications/*/approve", api_app_approve, R_STAFF,
	  4096, "Approves after manual review (P4)." },
	{ "POST", "/api/v1/applications/*/reject", api_app_reject, R_STAFF,
	  4096, "Rejects after manual review, with a reason." },
	{ "POST", "/api/v1/applications/*/cancel", api_app_cancel, R_STAFF,
	  4096, "Cancels an open application." },
	{ "POST", "/api/v1/applications/*/revoke", api_app_revoke, R_STAFF,
	  4096, "Revokes the holder's certificate (P6)." },
	{ "POST", "/api/v1/holder/revoke", api_holder_revoke, R_PUBLIC, 4096,
	  "The holder revokes his certificate with the passphrase (P6)." },
	{ "POST", "/api/v1/apply", api_app_self, R_PUBLIC, 4096,
	  "An applicant applies by himself (R4)." },
	{ "POST", "/api/v1/activation/resend", api_activation_resend,
	  R_PUBLIC, 1024, "A new activation link, if the address has one." },
	{ "GET", "/api/v1/activation/*", api_activation_get, R_PUBLIC, 0,
	  "What an activation link is for." },
	{ "POST", "/api/v1/activation/*", api_activation_submit, R_PUBLIC,
	  6u << 20, "The applicant's data, selfie and consent (P2)." },
	{ "GET", "/api/v1/passphrase/*", api_passphrase_get, R_PUBLIC, 0,
	  "What a passphrase link is for (P5)." },
	{ "POST", "/api/v1/passphrase/*", api_passphrase_set, R_PUBLIC, 4096,
	  "Sets the passphrase: key pair and certificate (P5)." },
	{ "POST", "/api/v1/holder/certificate", api_holder_certificate,
	  R_PUBLIC, 4096, "The holder's own certificate and status." },
	{ "POST", "/api/v1/holder/renew", api_holder_renew, R_PUBLIC, 4096,
	  "The holder asks for renewal with the passphrase (P7)." },
	{ "POST", "/api/v1/applications/*/renew", api_app_renew, R_STAFF, 1024,
	  "A verifier starts the holder's renewal (P7)." },
	{ "POST", "/api/v1/applications/*/unsuspend", api_app_unsuspend,
	  R_STAFF, 4096, "Lifts a suspension after re-verification." },
	{ "POST", "/api/v1/holder/forgot", api_holder_forgot, R_PUBLIC, 4096,
	  "A forgotten passphrase: a link to prove oneself again." },
	{ "GET", "/api/v1/reissue/*", api_reissue_get, R_PUBLIC, 0,
	  "What a forgotten-passphrase link is for." },
	{ "POST", "/api/v1/reissue/*", api_reissue_submit, R_PUBLIC, 6u << 20,
	  "Proof through that link: a fresh selfie." },
	{ "GET", "/api/v1/holder-requests", api_hreq_list, R_STAFF, 0,
	  "Renewals and re-issues, by status." },
	{ "GET", "/api/v1/holder-requests/*", api_hreq_get, R_STAFF, 0,
	  "One renewal or re-issue." },
	{ "POST", "/api/v1/holder-requests/*/approve", api_hreq_approve,
	  R_STAFF, 4096, "Approves a renewal or re-issue in manual review." },
	{ "POST", "/api/v1/holder-requests/*/reject", api_hreq_reject, R_STAFF,
	  4096, "Rejects it, with a reason." },
	{ "GET", "/api/v1/holidays", api_holidays_list, R_PUBLIC, 0,
	  "The non-working days of the calendar (S1)." },
	{ "PUT", "/api/v1/holidays/*", api_holiday_put, R_ADMIN, 4096,
	  "Adds or changes a non-working day." },
	{ "DELETE", "/api/v1/holidays/*", api_holiday_delete, R_ADMIN, 0,
	  "Removes a non-working day." },
	{ "GET", "/api/v1/audit", api_audit_list, R_OPERATOR, 0,
	  "The audit log, searchable; ?verify=1 checks the chain." },
	{ "GET", "/api/v1/reports/stats", api_stats, R_STAFF, 0,
	  "Dashboard numbers: applications per day, certificates by status." },
	{ "GET", "/api/v1/reports/sla", api_sla_report, R_STAFF, 0,
	  "The one-working-day report, JSON or CSV (S1)." },
	{ "POST", "/api/v1/complaints", api_complaint_file, R_PUBLIC, 3u << 20,
	  "Files a complaint from the public form (S4)." },
	{ "GET", "/api/v1/complaints/status/*", api_complaint_status, R_PUBLIC,
	  0, "The complainant's private status link: status and answers." },
	{ "POST", "/api/v1/complaints/staff", api_complaint_record, R_STAFF,
	  3u << 20, "Records a complaint that came by another channel." },
	{ "GET", "/api/v1/complaints", api_complaint_list, R_STAFF, 0,
	  "The complaints desk: due times and overdue flags, by status." },
	{ "GET", "/api/v1/complaints/*", api_complaint_get, R_STAFF, 0,
	  "One complaint with its answers." },
	{ "GET", "/api/v1/complaints/*/attachment", api_complaint_attachment,
	  R_STAFF, 0, "The complaint's attachment, as a download." },
	{ "POST", "/api/v1/complaints/*/assign", api_complaint_assign, R_STAFF,
	  4096, "Assigns the complaint to a staff user." },
	{ "POST", "/api/v1/complaints/*/reply", api_complaint_reply, R_STAFF,
	  65536, "Answers the complainant; e-mailed when there is an address." },
	{ "POST", "/api/v1/complaints/*/close", api_complaint_close, R_STAFF,
	  4096, "Closes the complaint." },
	{ "GET", "/api/v1/reports/complaints", api_complaint_report, R_STAFF,
	  0, "Complaint answer times in working hours (S4, S1)." },
	{ "POST", "/api/v1/sign", api_sign, R_CLIENT, 96u << 20,
	  "Signs a PDF for a holder of the client's agency (PAdES)." },
	{ "POST", "/api/v1/holder/sign", api_holder_sign, R_PUBLIC, 96u << 20,
	  "The holder signs a PDF himself, with the passphrase (portal)." },
	{ "POST", "/api/v1/verify", api_verify, R_PUBLIC, 64u << 20,
	  "Verifies a PDF's signatures: the native report." },
	{ "GET", "/v/*", api_public_signature, R_PUBLIC, 0,
	  "The public page of a signature: the QR code's target." },
	{ "POST", "/api/sign/pdf", api_bsre_sign_v1, R_CLIENT, 64u << 20,
	  "BSrE v1: signs a PDF (multipart); the PDF, id_dokumen header." },
	{ "GET", "/api/sign/download/*", api_bsre_download, R_CLIENT, 0,
	  "BSrE v1: the signed PDF, once." },
	{ "POST", "/api/sign/verify", api_bsre_verify_v1, R_CLIENT, 64u << 20,
	  "BSrE v1: verifies a PDF (multipart signed_file)." },
	{ "POST", "/api/v2/sign/pdf", api_bsre_sign_v2, R_CLIENT, 96u << 20,
	  "BSrE v2: signs one or many base64 PDFs." },
	{ "POST", "/api/v2/sign/get/totp", api_bsre_totp, R_CLIENT, 4096,
	  "BSrE v2: a one-time code to the holder's e-mail." },
	{ "GET", "/api/v2/user/certificate/chain/*", api_bsre_chain, R_CLIENT,
	  0, "BSrE v2: the holder's certificate chain, leaf first." },
	{ "POST", "/api/v2/verify/pdf", api_bsre_verify_v2, R_CLIENT,
	  96u << 20, "BSrE v2: verifies a base64 PDF." },
	{ "POST", "/api/v1/agencies/*/seal", api_seal_create, R_OPERATOR, 1024,
	  "Creates the agency's electronic seal (inactive)." },
	{ "GET", "/api/v1/agencies/*/seal", api_seal_get, R_STAFF, 0,
	  "The agency's seal and its status." },
	{ "POST", "/api/v2/seal/get/activation", api_seal_activation, R_CLIENT,
	  4096, "BSrE v2 seal: activation code, then activation with it." },
	{ "POST", "/api/v2/seal/revoke/activation", api_seal_deactivate,
	  R_CLIENT, 4096, "BSrE v2 seal: deactivates the seal." },
	{ "POST", "/api/v2/seal/get/totp", api_seal_totp, R_CLIENT, 4096,
	  "BSrE v2 seal: a one-time sealing code to the verifiers." },
	{ "POST", "/api/v2/seal/pdf", api_seal_pdf, R_CLIENT, 96u << 20,
	  "BSrE v2 seal: seals documents, at most one seal each." },
	{ "GET", "/api/user/status/*", api_bsre_status_v1, R_CLIENT, 0,
	  "BSrE v1: a holder's status by NIK." },
	{ "POST", "/api/v2/user/check/status", api_bsre_status_v2, R_CLIENT,
	  4096, "BSrE v2: a holder's status by NIK or e-mail." },
	{ "POST", "/api/v2/user/registration", api_bsre_registration, R_CLIENT,
	  8u << 20, "BSrE Esign v2 registration (P1)." },
	{ "POST", "/api/v2/user/register", api_bsre_registration, R_CLIENT,
	  8u << 20, "BSrE Esign v2 registration, the other spelling." },
};

const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);
