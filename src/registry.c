/*
 * registry.c - adapters for the identity registries: Dukcapil (NIK,
 * name, birth data and a selfie in; matches and a face score out), BKN
 * (NIP in; civil servant out) and SIPP (NRP in; police officer out).
 *
 * Each call is one libcurl request, bounded in time (the configured
 * timeout covers connecting too), in protocols (http and https only, no
 * redirects) and in the size of the answer (64 KiB, enforced by the
 * write callback). Identifiers are checked before they go into a URL.
 * Anything but a well-formed answer is REG_UNAVAILABLE, never a
 * verdict: a 404 counts as "not found" only with the registry's own
 * {"found":false} body, so a mistyped endpoint sends applicants to
 * manual review instead of rejecting them. Retrying is the caller's
 * business (the workflow backs off, then hands over to a person).
 *
 * What was asked and answered is recorded in a struct registry_call to
 * be stored with the application; the selfie appears there only as its
 * SHA-256, because the application already holds the image. Logs name
 * the registry, the status and the time, never an identifier or a
 * selfie.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "registry.h"

#define FIELD_MAX	128

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ready;

static void
curl_setup(void)
{
	curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

int
registry_digits(const char *s, size_t n)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[n] == '\0';
}

static int
date_ok(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return (s[5] == '0' ? s[6] >= '1' : s[5] == '1' && s[6] <= '2') &&
	    (s[8] == '0' ? s[9] >= '1' : s[8] <= '2' ||
	    (s[8] == '3' && s[9] <= '1'));
}

static int
text_ok(const char *s)
{
	size_t n;
	json_t *j;

	if (s == NULL || (n = strlen(s)) == 0 || n > FIELD_MAX)
		return 0;
	/* jansson refuses invalid UTF-8. */
	if ((j = json_stringn(s, n)) == NULL)
		return 0;
	json_decref(j);
	return 1;
}

static void
call_start(struct registry_call *rc, const char *method)
{
	memset(rc, 0, sizeof(*rc));
	snprintf(rc->method, sizeof(rc->method), "%s", method);
}

/* Marks the call as never sent and says why. */
static enum registry_outcome
refuse(struct registry_call *rc, struct err *e, const char *why)
{
	snprintf(rc->answer, sizeof(rc->answer), "not sent: %s", why);
	err_set(e, ERR_BAD_REQUEST, "%s", why);
	return REG_UNAVAILABLE;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 +
	    (long)(t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (n != 0 && size > SIZE_MAX / n)
		return 0;
	if (buf_add(b, p, size * n) == -1)
		return 0;	/* over the cap: CURLE_WRITE_ERROR */
	return size * n;
}

/*
 * Sends one request and records it. Returns 0 with *json set to the
 * parsed body (NULL when it is not JSON) and rc->http_status set, or -1
 * when no HTTP answer came (e set, rc->answer describing it).
 */
static int
http_call(const struct config *cfg, const char *reg, const char *body,
    size_t bodylen, struct registry_call *rc, json_t **json,
    struct err *e)
{
	CURL *c = NULL;
	struct curl_slist *hdr = NULL;
	struct timespec t0;
	struct buf b;
	json_error_t jerr;
	char errbuf[CURL_ERROR_SIZE];
	CURLcode cc;
	json_t *s = NULL;
	const char *bp;
	long status = 0;
	int ret = -1;

	*json = NULL;
	buf_init(&b, REGISTRY_ANSWER_MAX);
	errbuf[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_once(&curl_once, curl_setup);
	if (!curl_ready || (c = curl_easy_init()) == NULL) {
		snprintf(rc->answer, sizeof(rc->answer), "libcurl failed to "
		    "start");
		err_set(e, ERR_UNAVAILABLE, "%s: libcurl failed to start", reg);
		goto out;
	}
	hdr = curl_slist_append(hdr, "Accept: application/json");
	if (body != NULL) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		hdr = curl_slist_append(hdr, "Expect:");
	}
	if (hdr == NULL ||
	    curl_easy_setopt(c, CURLOPT_URL, rc->url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->reg_timeout_ms) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    cfg->reg_timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)REGISTRY_ANSWER_MAX) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERAGENT, "sertel") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK ||
	    (body != NULL &&
	    (curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)bodylen) != CURLE_OK))) {
		snprintf(rc->answer, sizeof(rc->answer), "libcurl refused "
		    "an option");
		err_set(e, ERR_UNAVAILABLE, "%s: libcurl refused an option",
		    reg);
		goto out;
	}
	cc = curl_easy_perform(c);
	rc->ms = ms_since(&t0);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (cc != CURLE_OK) {
		if (cc == CURLE_OPERATION_TIMEDOUT)
			snprintf(rc->answer, sizeof(rc->answer), "timeout after "
			    "%ld ms", cfg->reg_timeout_ms);
		else if (cc == CURLE_WRITE_ERROR ||
		    cc == CURLE_FILESIZE_EXCEEDED)
			snprintf(rc->answer, sizeof(rc->answer), "answer larger "
			    "than %d bytes", REGISTRY_ANSWER_MAX);
		else
			snprintf(rc->answer, sizeof(rc->answer), "%s",
			    errbuf[0] ? errbuf : curl_easy_strerror(cc));
		rc->http_status = 0;
		err_set(e, ERR_UNAVAILABLE, "%s: %s", reg, rc->answer);
		goto out;
	}
	rc->http_status = (int)status;
	/* Record the body as text only when it is valid UTF-8 without NULs
	 * (what a JSON column can hold); describe it otherwise. */
	bp = b.len > 0 ? (const char *)b.data : "";
	if (memchr(bp, '\0', b.len) == NULL &&
	    (s = json_stringn(bp, b.len)) != NULL) {
		memcpy(rc->answer, bp, b.len);
		rc->answer[b.len] = '\0';
	} else
		snprintf(rc->answer, sizeof(rc->answer), "(%zu bytes, not "
		    "UTF-8 text)", b.len);
	json_decref(s);
	if (b.len > 0)
		*json = json_loadb((const char *)b.data, b.len,
		    JSON_REJECT_DUPLICATES, &jerr);
	ret = 0;
out:
	if (ret == -1 && rc->ms == 0)
		rc->ms = ms_since(&t0);
	curl_slist_free_all(hdr);
	if (c != NULL)
		curl_easy_cleanup(c);
	buf_cleanup(&b);
	return ret;
}

static const char *
outcome_name(enum registry_outcome o)
{
	return o == REG_OK ? "found" : o == REG_NOT_FOUND ? "not found" :
	    "unavailable";
}

static void
log_call(const char *reg, const struct registry_call *rc,
    enum registry_outcome o)
{
	log_msg(o == REG_UNAVAILABLE ? LOG_WARN : LOG_INFO, NULL,
	    "registry %s: %s (HTTP %d, %ld ms)", reg, outcome_name(o),
	    rc->http_status, rc->ms);
}

/* An answer that is not what the protocol promises. */
static enum registry_outcome
malformed(const char *reg, struct registry_call *rc, struct err *e,
    const char *why)
{
	err_set(e, ERR_UNAVAILABLE, "%s: HTTP %d: %s", reg, rc->http_status,
	    why);
	log_call(reg, rc, REG_UNAVAILABLE);
	return REG_UNAVAILABLE;
}

static int
is_bool(json_t *o, const char *k)
{
	return json_is_boolean(json_object_get(o, k));
}

static int
is_str(json_t *o, const char *k)
{
	return json_is_string(json_object_get(o, k));
}

static enum registry_outcome
finish(const char *reg, struct registry_call *rc, json_t *j,
    enum registry_outcome o, json_t **answer_out)
{
	log_call(reg, rc, o);
	if (answer_out != NULL)
		*answer_out = j;
	else
		json_decref(j);
	return o;
}

static int
set_url(struct registry_call *rc, const char *base, const char *path,
    const char *id)
{
	int n = snprintf(rc->url, sizeof(rc->url), "%s%s%s", base, path,
	    id != NULL ? id : "");

	return n < 0 || (size_t)n >= sizeof(rc->url) ? -1 : 0;
}

static int
dump_to(char *out, size_t outsz, json_t *j)
{
	size_t n = json_dumpb(j, out, outsz - 1, JSON_COMPACT);

	if (n == 0 || n >= outsz)
		return -1;
	out[n] = '\0';
	return 0;
}

/* NULL when a Dukcapil answer is what the protocol promises. */
static const char *
dukcapil_check(const struct registry_call *rc, json_t *ans)
{
	static const char *const matches[] = { "name_match",
	    "birth_place_match", "birth_date_match", "gender_match" };
	json_t *v;
	double fs;
	size_t i;

	if (rc->http_status != 200)
		return "unexpected status";
	if (!json_is_object(ans) || !is_bool(ans, "nik_found"))
		return "not the promised JSON";
	if (!json_is_true(json_object_get(ans, "nik_found")))
		return NULL;
	for (i = 0; i < sizeof(matches) / sizeof(matches[0]); i++)
		if (!is_bool(ans, matches[i]))
			return "a match flag is missing";
	v = json_object_get(ans, "face_similarity");
	fs = json_number_value(v);
	if (!json_is_number(v) || !(fs >= 0 && fs <= 1))
		return "face_similarity is not a number from 0 to 1";
	return NULL;
}

enum registry_outcome
registry_dukcapil_verify(const struct config *cfg,
    const struct registry_person *p, const unsigned char *selfie,
    size_t selfie_len, json_t **answer_out, struct registry_call *rc,
    struct err *e)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	json_t *rec = NULL, *ans = NULL;
	struct buf body;
	enum registry_outcome o = REG_UNAVAILABLE;
	const char *why;
	size_t i, b64len;

	call_start(rc, "POST");
	if (answer_out != NULL)
		*answer_out = NULL;
	if (p == NULL || !registry_digits(p->nik, 16))
		return refuse(rc, e, "nik: 16 digits");
	if (!text_ok(p->name))
		return refuse(rc, e, "name: 1 to 128 bytes of UTF-8");
	if (!text_ok(p->birth_place))
		return refuse(rc, e, "birth_place: 1 to 128 bytes of UTF-8");
	if (!date_ok(p->birth_date))
		return refuse(rc, e, "birth_date: YYYY-MM-DD");
	if (p->gender == NULL || (strcmp(p->gender, "M") != 0 &&
	    strcmp(p->gender, "F") != 0))
		return refuse(rc, e, "gender: M or F");
	if (selfie == NULL || selfie_len == 0 ||
	    selfie_len > REGISTRY_SELFIE_MAX)
		return refuse(rc, e, "selfie: 1 byte to 8 MiB");
	if (set_url(rc, cfg->reg_dukcapil_url, "/verify", NULL) == -1)
		return refuse(rc, e, "registry.dukcapil_url too long");

	SHA256(selfie, selfie_len, md);
	for (i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	/* The body is the recorded request with the selfie spliced in as
	 * base64 (which needs no JSON escaping): one copy of the image. */
	rec = json_pack("{s:s, s:s, s:s, s:s, s:s}", "nik", p->nik,
	    "name", p->name, "birth_place", p->birth_place, "birth_date",
	    p->birth_date, "gender", p->gender);
	b64len = 4 * ((selfie_len + 2) / 3);
	buf_init(&body, b64len + REGISTRY_REQUEST_MAX + 64);
	if (rec == NULL ||
	    dump_to(rc->request, sizeof(rc->request), rec) == -1 ||
	    buf_add(&body, rc->request, strlen(rc->request) - 1) == -1 ||
	    buf_addstr(&body, ",\"selfie\":\"") == -1 ||
	    buf_reserve(&body, b64len + 2) == -1) {
		err_set(e, ERR_INTERNAL, "dukcapil: cannot build the request");
		snprintf(rc->answer, sizeof(rc->answer), "not sent: cannot "
		    "build the request");
		goto out;
	}
	EVP_EncodeBlock(body.data + body.len, selfie, (int)selfie_len);
	body.len += b64len;
	buf_addstr(&body, "\"}");	/* reserved above */
	if (json_object_set_new(rec, "selfie_sha256", json_string(hex)) ==
	    -1 || dump_to(rc->request, sizeof(rc->request), rec) == -1) {
		err_set(e, ERR_INTERNAL, "dukcapil: cannot record the request");
		snprintf(rc->answer, sizeof(rc->answer), "not sent: cannot "
		    "record the request");
		goto out;
	}
	if (http_call(cfg, "dukcapil", (const char *)body.data, body.len, rc,
	    &ans, e) == -1) {
		log_call("dukcapil", rc, REG_UNAVAILABLE);
		goto out;
	}
	if ((why = dukcapil_check(rc, ans)) != NULL) {
		o = malformed("dukcapil", rc, e, why);
		goto out;
	}
	o = finish("dukcapil", rc, ans, json_is_true(json_object_get(ans,
	    "nik_found")) ? REG_OK : REG_NOT_FOUND, answer_out);
	ans = NULL;
out:
	json_decref(rec);
	json_decref(ans);
	buf_cleanup(&body);
	return o;
}

/* NULL when a BKN or SIPP answer is what the protocol promises. */
static const char *
lookup_check(const struct registry_call *rc, json_t *ans, const char *idname,
    const char *id, const char *const *strs)
{
	const char *got;
	size_t i;

	if (rc->http_status == 404)
		return json_is_object(ans) && json_is_false(json_object_get(ans,
		    "found")) ? NULL : "404 without the registry's "
		    "{\"found\":false}: wrong endpoint?";
	if (rc->http_status != 200)
		return "unexpected status";
	if (!json_is_object(ans) || !json_is_true(json_object_get(ans,
	    "found")))
		return "not the promised JSON";
	got = json_string_value(json_object_get(ans, idname));
	if (got == NULL || strcmp(got, id) != 0)
		return "the answer is about someone else";
	for (i = 0; strs[i] != NULL; i++)
		if (!is_str(ans, strs[i]))
			return "a field is missing";
	if (!is_bool(ans, "active"))
		return "active is missing";
	return NULL;
}

/* BKN and SIPP: GET base/path/id, 200 found or 404 {"found":false}. */
static enum registry_outcome
lookup(const struct config *cfg, const char *reg, const char *base,
    const char *path, const char *idname, const char *id, size_t idlen,
    const char *const *strs, json_t **answer_out, struct registry_call *rc,
    struct err *e)
{
	json_t *ans = NULL, *rec;
	const char *why2;
	char why[64];

	call_start(rc, "GET");
	if (answer_out != NULL)
		*answer_out = NULL;
	if (!registry_digits(id, idlen)) {
		snprintf(why, sizeof(why), "%s: %zu digits", idname, idlen);
		return refuse(rc, e, why);
	}
	if (set_url(rc, base, path, id) == -1) {
		snprintf(why, sizeof(why), "registry.%s_url too long", reg);
		return refuse(rc, e, why);
	}
	rec = json_pack("{s:s}", idname, id);
	if (rec == NULL || dump_to(rc->request, sizeof(rc->request), rec) ==
	    -1) {
		json_decref(rec);
		err_set(e, ERR_INTERNAL, "%s: cannot record the request", reg);
		return REG_UNAVAILABLE;
	}
	json_decref(rec);
	if (http_call(cfg, reg, NULL, 0, rc, &ans, e) == -1) {
		log_call(reg, rc, REG_UNAVAILABLE);
		return REG_UNAVAILABLE;
	}
	if ((why2 = lookup_check(rc, ans, idname, id, strs)) != NULL) {
		json_decref(ans);
		return malformed(reg, rc, e, why2);
	}
	return finish(reg, rc, ans, rc->http_status == 200 ? REG_OK :
	    REG_NOT_FOUND, answer_out);
}

enum registry_outcome
registry_bkn_lookup(const struct config *cfg, const char *nip,
    json_t **answer_out, struct registry_call *rc, struct err *e)
{
	static const char *const strs[] = { "name", "agency", "unit",
	    "position", NULL };

	return lookup(cfg, "bkn", cfg->reg_bkn_url, "/asn/", "nip", nip, 18,
	    strs, answer_out, rc, e);
}

enum registry_outcome
registry_sipp_lookup(const struct config *cfg, const char *nrp,
    json_t **answer_out, struct registry_call *rc, struct err *e)
{
	static const char *const strs[] = { "name", "unit", "rank", NULL };

	return lookup(cfg, "sipp", cfg->reg_sipp_url, "/personel/", "nrp", nrp,
	    8, strs, answer_out, rc, e);
}
