/*
 * registry_sim.c - `sertel registry-sim`: a sandbox that answers for
 * the closed identity registries (Dukcapil, BKN, SIPP) from a file of
 * synthetic people, and writes such files.
 *
 * Serving: one libmicrohttpd daemon, a thread per connection (so that a
 * deliberately slow answer delays only its own client), bodies capped
 * at SIM_BODY_MAX, the answer queued on the last access-handler call.
 * The people file is read once and never changes; reference faces are
 * reduced to thumbnails at start, so a Dukcapil check costs one decode
 * of the selfie. Names are compared with ident_name_equal (case,
 * spacing, punctuation and academic titles do not count), birth places
 * case-insensitively with spacing collapsed, faces with
 * image_gray_similarity (see image.c: a deterministic stand-in for a
 * face matcher, not one). Fault injection (POST /_sim/mode: fail answers
 * 503, slow sleeps first) and request counters (GET /_sim/stats) let the
 * tests drive the workflow's retries and its hand-over to manual review.
 *
 * Generating: N people with invented Indonesian-looking names and
 * structurally valid, fake NIK / NIP / NRP (checked with ident.c's own
 * checks as they are made), each with a generated face. The same seed
 * gives the same files. The simulator refuses a people file that does
 * not say "sandbox": true, marks every answer "sandbox": true and says
 * at start that it is a sandbox: it must never hold or pretend to hold
 * real people. docs/registry-sim.md describes the protocol and files.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>
#include <openssl/evp.h>

#include "ident.h"
#include "image.h"
#include "registry.h"

/* A selfie of REGISTRY_SELFIE_MAX in base64, plus the other fields. */
#define SIM_BODY_MAX	((REGISTRY_SELFIE_MAX / 3 + 1) * 4 + 65536)
#define SIM_PEOPLE_MAX	(16u << 20)
#define SIM_FACE_MAX	(16u << 20)
#define SIM_DELAY_MAX	60000
#define SIM_GEN_MAX	9999
#define SIM_FACE_W	600
#define SIM_FACE_H	800

enum sim_reg { R_DUKCAPIL, R_BKN, R_SIPP, R__COUNT };
enum sim_mode { MODE_OK, MODE_FAIL, MODE_SLOW };

static const char *const reg_names[R__COUNT] = { "dukcapil", "bkn", "sipp" };
static const char *const mode_names[] = { "ok", "fail", "slow" };

struct person {
	const char	*nik;
	const char	*name;
	const char	*birth_place;
	const char	*birth_date;
	const char	*gender;
	const char	*category;
	const char	*nip;		/* ASN, else NULL */
	const char	*nrp;		/* POLRI, else NULL */
	const char	*agency;
	const char	*unit;
	const char	*position;
	const char	*rank;		/* POLRI; position when absent */
	int		 active;
	unsigned char	 face[IMAGE_FACE_SIZE * IMAGE_FACE_SIZE];
};

struct sim {
	json_t			*root;		/* owns the strings above */
	struct person		*people;
	size_t			 npeople;
	pthread_mutex_t		 mtx;
	enum sim_mode		 mode[R__COUNT];
	long			 delay_ms[R__COUNT];
	unsigned long		 count[R__COUNT];
	volatile sig_atomic_t	 stopping;
};

struct sim_req {
	struct buf	 body;
	int		 too_large;
	int		 answered;
};

/* ---- small helpers ---- */

static json_t *
sim_error(const char *msg)
{
	return json_pack("{s:s, s:b}", "error", msg, "sandbox", 1);
}

static const char *
str_field(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Case-insensitive, white space runs as one space, ends trimmed. */
static int
place_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t')
			a++;
		while (*b == ' ' || *b == '\t')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		while (*a != '\0' && *a != ' ' && *a != '\t' &&
		    *b != '\0' && *b != ' ' && *b != '\t') {
			if (tolower((unsigned char)*a) !=
			    tolower((unsigned char)*b))
				return 0;
			a++;
			b++;
		}
		if ((*a != '\0' && *a != ' ' && *a != '\t') ||
		    (*b != '\0' && *b != ' ' && *b != '\t'))
			return 0;
	}
}

/* Standard base64, white space ignored; into out (capped). */
static int
b64_decode(const char *s, struct buf *out)
{
	struct buf clean;
	size_t pad = 0, i;
	int n, ret = -1;

	buf_init(&clean, out->max / 3 * 4 + 4);
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' &&
		    s[i] != '\t' && buf_add(&clean, s + i, 1) == -1)
			goto out;
	if (clean.len == 0 || clean.len % 4 != 0)
		goto out;
	if (clean.data[clean.len - 1] == '=')
		pad++;
	if (clean.data[clean.len - 2] == '=')
		pad++;
	if (buf_reserve(out, clean.len / 4 * 3) == -1)
		goto out;
	n = EVP_DecodeBlock(out->data, clean.data, (int)clean.len);
	if (n < 0 || (size_t)n < pad)
		goto out;
	out->len = (size_t)n - pad;
	ret = 0;
out:
	buf_cleanup(&clean);
	return ret;
}

static void
sleep_ms(struct sim *s, long ms)
{
	struct timespec ts = { 0, 50 * 1000000L };

	/* In slices, so that stopping the daemon is not held up. */
	for (; ms > 0 && !s->stopping; ms -= 50) {
		if (ms < 50)
			ts.tv_nsec = ms * 1000000L;
		nanosleep(&ts, NULL);
	}
}

/* ---- the registries ---- */

enum sim_key { KEY_NIK, KEY_NIP, KEY_NRP };

static const struct person *
find_by(const struct sim *s, enum sim_key k, const char *v)
{
	const char *f;
	size_t i;

	for (i = 0; i < s->npeople; i++) {
		f = k == KEY_NIK ? s->people[i].nik : k == KEY_NIP ?
		    s->people[i].nip : s->people[i].nrp;
		if (f != NULL && strcmp(f, v) == 0)
			return &s->people[i];
	}
	return NULL;
}

static unsigned
dukcapil_verify(struct sim *s, const struct buf *body, json_t **out)
{
	static const char *const fields[] = { "nik", "name", "birth_place",
	    "birth_date", "gender", "selfie" };
	unsigned char thumb[IMAGE_FACE_SIZE * IMAGE_FACE_SIZE];
	const struct person *p;
	json_error_t jerr;
	struct buf img;
	struct err e = { 0 };
	json_t *req;
	char msg[320];
	double sim;
	size_t i;
	unsigned st = 400;

	buf_init(&img, REGISTRY_SELFIE_MAX);
	req = json_loadb((const char *)body->data, body->len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(req)) {
		snprintf(msg, sizeof(msg), "malformed JSON: %s", req == NULL ?
		    jerr.text : "not an object");
		*out = sim_error(msg);
		goto out;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (str_field(req, fields[i]) == NULL) {
			snprintf(msg, sizeof(msg), "%s: missing, or not a "
			    "string", fields[i]);
			*out = sim_error(msg);
			goto out;
		}
	if (!registry_digits(str_field(req, "nik"), 16)) {
		*out = sim_error("nik: 16 digits");
		goto out;
	}
	st = 200;
	if ((p = find_by(s, KEY_NIK,
	    str_field(req, "nik"))) == NULL) {
		*out = json_pack("{s:b, s:b}", "nik_found", 0, "sandbox", 1);
		goto out;
	}
	st = 400;
	if (b64_decode(str_field(req, "selfie"), &img) == -1) {
		*out = sim_error("selfie: not base64, or larger than 8 MiB");
		goto out;
	}
	if (image_decode_gray(img.data, img.len, IMAGE_FACE_SIZE, thumb,
	    &e) == -1) {
		snprintf(msg, sizeof(msg), "selfie: %s", e.detail);
		*out = sim_error(msg);
		goto out;
	}
	sim = image_gray_similarity(thumb, p->face, IMAGE_FACE_SIZE);
	st = 200;
	*out = json_pack("{s:b, s:b, s:b, s:b, s:b, s:f, s:b}",
	    "nik_found", 1,
	    "name_match", ident_name_equal(str_field(req, "name"), p->name),
	    "birth_place_match", place_equal(str_field(req, "birth_place"),
	    p->birth_place),
	    "birth_date_match", strcmp(str_field(req, "birth_date"),
	    p->birth_date) == 0,
	    "gender_match", strcmp(str_field(req, "gender"), p->gender) == 0,
	    "face_similarity", (double)(long)(sim * 10000 + 0.5) / 10000,
	    "sandbox", 1);
out:
	json_decref(req);
	buf_cleanup(&img);
	return st;
}

static unsigned
bkn_lookup(struct sim *s, const char *nip, json_t **out)
{
	const struct person *p;

	if (!registry_digits(nip, 18)) {
		*out = sim_error("nip: 18 digits");
		return 400;
	}
	if ((p = find_by(s, KEY_NIP, nip)) == NULL) {
		*out = json_pack("{s:b, s:b}", "found", 0, "sandbox", 1);
		return 404;
	}
	*out = json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:b, s:b}",
	    "found", 1, "nip", p->nip, "name", p->name, "agency", p->agency,
	    "unit", p->unit, "position", p->position, "active", p->active,
	    "sandbox", 1);
	return 200;
}

static unsigned
sipp_lookup(struct sim *s, const char *nrp, json_t **out)
{
	const struct person *p;

	if (!registry_digits(nrp, 8)) {
		*out = sim_error("nrp: 8 digits");
		return 400;
	}
	if ((p = find_by(s, KEY_NRP, nrp)) == NULL) {
		*out = json_pack("{s:b, s:b}", "found", 0, "sandbox", 1);
		return 404;
	}
	*out = json_pack("{s:b, s:s, s:s, s:s, s:s, s:b, s:b}",
	    "found", 1, "nrp", p->nrp, "name", p->name, "unit", p->unit,
	    "rank", p->rank, "active", p->active, "sandbox", 1);
	return 200;
}

/* ---- fault injection and statistics ---- */

static json_t *
sim_state(struct sim *s)
{
	json_t *j = json_pack("{s:b, s:{}, s:{}}", "sandbox", 1, "requests",
	    "modes");
	size_t i;

	if (j == NULL)
		return NULL;
	pthread_mutex_lock(&s->mtx);
	for (i = 0; i < R__COUNT; i++) {
		json_object_set_new(json_object_get(j, "requests"),
		    reg_names[i], json_integer((json_int_t)s->count[i]));
		json_object_set_new(json_object_get(j, "modes"), reg_names[i],
		    json_pack("{s:s, s:I}", "mode", mode_names[s->mode[i]],
		    "delay_ms", (json_int_t)s->delay_ms[i]));
	}
	pthread_mutex_unlock(&s->mtx);
	return j;
}

static int
mode_parse(const char *m, enum sim_mode *out)
{
	size_t i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (m != NULL && strcmp(m, mode_names[i]) == 0) {
			*out = (enum sim_mode)i;
			return 0;
		}
	return -1;
}

/* R_xxx, R__COUNT for "all", -1 for anything else. */
static int
reg_parse(const char *r)
{
	size_t i;

	if (r != NULL && strcmp(r, "all") == 0)
		return R__COUNT;
	for (i = 0; i < R__COUNT; i++)
		if (r != NULL && strcmp(r, reg_names[i]) == 0)
			return (int)i;
	return -1;
}

static void
mode_set(struct sim *s, int reg, enum sim_mode m, long delay)
{
	int i;

	pthread_mutex_lock(&s->mtx);
	for (i = 0; i < R__COUNT; i++)
		if (reg == R__COUNT || reg == i) {
			s->mode[i] = m;
			s->delay_ms[i] = delay;
		}
	pthread_mutex_unlock(&s->mtx);
}

static unsigned
sim_mode_post(struct sim *s, const struct buf *body, json_t **out)
{
	json_error_t jerr;
	enum sim_mode m;
	json_t *req, *d;
	long delay = 0;
	int reg;
	unsigned st = 400;

	req = json_loadb((const char *)body->data, body->len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(req)) {
		*out = sim_error("malformed JSON");
		goto out;
	}
	if ((reg = reg_parse(str_field(req, "registry"))) == -1) {
		*out = sim_error("registry: dukcapil, bkn, sipp or all");
		goto out;
	}
	if (mode_parse(str_field(req, "mode"), &m) == -1) {
		*out = sim_error("mode: ok, fail or slow");
		goto out;
	}
	d = json_object_get(req, "delay_ms");
	if (d != NULL) {
		if (!json_is_integer(d) || json_integer_value(d) < 0 ||
		    json_integer_value(d) > SIM_DELAY_MAX) {
			*out = sim_error("delay_ms: 0 to 60000");
			goto out;
		}
		delay = (long)json_integer_value(d);
	}
	mode_set(s, reg, m, delay);
	log_msg(LOG_INFO, "sim", "mode %s: %s (%ld ms)", reg == R__COUNT ?
	    "all" : reg_names[reg], mode_names[m], delay);
	*out = sim_state(s);
	st = 200;
out:
	json_decref(req);
	return st;
}

/* ---- dispatch ---- */

static int
prefixed(const char *url, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(url, prefix, n) != 0)
		return 0;
	*rest = url + n;
	return 1;
}

static unsigned
route(struct sim *s, struct sim_req *r, const char *url, const char *method,
    json_t **out)
{
	const char *rest = NULL;
	enum sim_mode m;
	long delay;
	int reg = -1, is_post;

	is_post = strcmp(method, "POST") == 0;
	if (strcmp(url, "/_sim/mode") == 0) {
		if (!is_post)
			goto bad_method;
		if (r->too_large)
			goto too_large;
		return sim_mode_post(s, &r->body, out);
	}
	if (strcmp(url, "/_sim/stats") == 0) {
		if (strcmp(method, "GET") != 0)
			goto bad_method;
		*out = sim_state(s);
		return 200;
	}
	if (strcmp(url, "/dukcapil/v1/verify") == 0)
		reg = R_DUKCAPIL;
	else if (prefixed(url, "/bkn/v1/asn/", &rest) &&
	    strchr(rest, '/') == NULL)
		reg = R_BKN;
	else if (prefixed(url, "/sipp/v1/personel/", &rest) &&
	    strchr(rest, '/') == NULL)
		reg = R_SIPP;
	if (reg == -1) {
		*out = sim_error("no such endpoint");
		return 404;
	}
	if ((reg == R_DUKCAPIL) != is_post || (!is_post &&
	    strcmp(method, "GET") != 0))
		goto bad_method;

	pthread_mutex_lock(&s->mtx);
	s->count[reg]++;
	m = s->mode[reg];
	delay = s->delay_ms[reg];
	pthread_mutex_unlock(&s->mtx);
	if (m == MODE_FAIL) {
		*out = sim_error("simulated outage");
		return 503;
	}
	if (m == MODE_SLOW)
		sleep_ms(s, delay);
	if (r->too_large)
		goto too_large;
	if (reg == R_DUKCAPIL)
		return dukcapil_verify(s, &r->body, out);
	if (reg == R_BKN)
		return bkn_lookup(s, rest, out);
	return sipp_lookup(s, rest, out);
bad_method:
	*out = sim_error("method not allowed");
	return 405;
too_large:
	*out = sim_error("request body too large");
	return 413;
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **con_cls)
{
	struct sim *s = cls;
	struct sim_req *r = *con_cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	json_t *out = NULL;
	const char *cl;
	char *text;
	unsigned st;

	(void)version;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		buf_init(&r->body, SIM_BODY_MAX);
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > SIM_BODY_MAX)
			r->too_large = 1;
		*con_cls = r;
		return MHD_YES;
	}
	if (*size > 0) {
		if (!r->too_large && buf_add(&r->body, data, *size) == -1) {
			r->too_large = 1;
			buf_cleanup(&r->body);
		}
		*size = 0;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_NO;
	r->answered = 1;
	st = route(s, r, url, method, &out);
	if (out == NULL) {
		st = 500;
		out = sim_error("out of memory");
	}
	text = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(out);
	if (text == NULL)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(text), text,
	    MHD_RESPMEM_MUST_COPY);
	free(text);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store");
	MHD_add_response_header(resp, "X-Sandbox", "synthetic people, not "
	    "for production");
	ret = MHD_queue_response(c, st, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct sim_req *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (r == NULL)
		return;
	buf_cleanup(&r->body);
	free(r);
	*con_cls = NULL;
}

/* ---- the people file ---- */

static int
person_load(struct person *p, json_t *o, size_t i, const char *dir,
    struct err *e)
{
	static const char *const need[] = { "nik", "name", "birth_place",
	    "birth_date", "gender", "category", "agency", "unit", "position",
	    "face" };
	char path[PATH_MAX];
	struct buf img;
	const char *face;
	size_t k;
	int r;

	if (!json_is_object(o))
		return err_set(e, ERR_CONFIG, "people[%zu]: not an object", i);
	for (k = 0; k < sizeof(need) / sizeof(need[0]); k++)
		if (str_field(o, need[k]) == NULL ||
		    str_field(o, need[k])[0] == '\0')
			return err_set(e, ERR_CONFIG, "people[%zu].%s: missing, "
			    "empty or not a string", i, need[k]);
	p->nik = str_field(o, "nik");
	p->name = str_field(o, "name");
	p->birth_place = str_field(o, "birth_place");
	p->birth_date = str_field(o, "birth_date");
	p->gender = str_field(o, "gender");
	p->category = str_field(o, "category");
	p->agency = str_field(o, "agency");
	p->unit = str_field(o, "unit");
	p->position = str_field(o, "position");
	p->rank = str_field(o, "rank") != NULL ? str_field(o, "rank") :
	    p->position;
	p->active = json_is_true(json_object_get(o, "active"));
	if (!json_is_boolean(json_object_get(o, "active")))
		return err_set(e, ERR_CONFIG, "people[%zu].active: true or "
		    "false", i);
	if (!registry_digits(p->nik, 16))
		return err_set(e, ERR_CONFIG, "people[%zu].nik: 16 digits", i);
	if (ident_date_check(p->birth_date, e) == -1)
		return err_set(e, ERR_CONFIG, "people[%zu].birth_date: "
		    "YYYY-MM-DD", i);
	if (strcmp(p->gender, "M") != 0 && strcmp(p->gender, "F") != 0)
		return err_set(e, ERR_CONFIG, "people[%zu].gender: M or F", i);
	if (strcmp(p->category, "ASN") == 0) {
		p->nip = str_field(o, "nip");
		if (!registry_digits(p->nip, 18))
			return err_set(e, ERR_CONFIG, "people[%zu].nip: 18 "
			    "digits for an ASN", i);
	} else if (strcmp(p->category, "POLRI") == 0) {
		p->nrp = str_field(o, "nrp");
		if (!registry_digits(p->nrp, 8))
			return err_set(e, ERR_CONFIG, "people[%zu].nrp: 8 "
			    "digits for POLRI", i);
	} else if (strcmp(p->category, "NON_ASN") != 0)
		return err_set(e, ERR_CONFIG, "people[%zu].category: ASN, "
		    "POLRI or NON_ASN", i);
	face = str_field(o, "face");
	if (face[0] == '/')
		r = snprintf(path, sizeof(path), "%s", face);
	else
		r = snprintf(path, sizeof(path), "%s/%s", dir, face);
	if (r < 0 || (size_t)r >= sizeof(path))
		return err_set(e, ERR_CONFIG, "people[%zu].face: path too "
		    "long", i);
	if (file_read(path, &img, SIM_FACE_MAX) == -1)
		return err_set(e, ERR_CONFIG, "people[%zu].face: cannot read "
		    "%s", i, path);
	r = image_decode_gray(img.data, img.len, IMAGE_FACE_SIZE, p->face, e);
	buf_cleanup(&img);
	if (r == -1)
		return err_set(e, ERR_CONFIG, "people[%zu].face %s: %s", i,
		    path, e->detail);
	return 0;
}

static int
people_load(struct sim *s, const char *file, struct err *e)
{
	char dir[PATH_MAX];
	const char *slash;
	json_error_t jerr;
	struct buf b;
	json_t *arr;
	size_t i, j;

	if (file_read(file, &b, SIM_PEOPLE_MAX) == -1)
		return err_set(e, ERR_CONFIG, "cannot read %s (at most %u "
		    "bytes)", file, SIM_PEOPLE_MAX);
	s->root = json_loadb((const char *)b.data, b.len,
	    JSON_REJECT_DUPLICATES, &jerr);
	buf_cleanup(&b);
	if (s->root == NULL)
		return err_set(e, ERR_CONFIG, "%s:%d: %s", file, jerr.line,
		    jerr.text);
	/* A file without the flag might hold real people: refuse it. */
	if (!json_is_true(json_object_get(s->root, "sandbox")))
		return err_set(e, ERR_CONFIG, "%s does not say \"sandbox\": "
		    "true; the simulator serves synthetic people only", file);
	arr = json_object_get(s->root, "people");
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return err_set(e, ERR_CONFIG, "%s: \"people\" must be a "
		    "non-empty array", file);
	slash = strrchr(file, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)(slash - file) >= sizeof(dir))
		return err_set(e, ERR_CONFIG, "%s: path too long", file);
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
	s->npeople = json_array_size(arr);
	if ((s->people = calloc(s->npeople, sizeof(*s->people))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	for (i = 0; i < s->npeople; i++) {
		if (person_load(&s->people[i], json_array_get(arr, i), i, dir,
		    e) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(s->people[j].nik, s->people[i].nik) == 0 ||
			    (s->people[i].nip != NULL && s->people[j].nip !=
			    NULL && strcmp(s->people[j].nip,
			    s->people[i].nip) == 0) ||
			    (s->people[i].nrp != NULL && s->people[j].nrp !=
			    NULL && strcmp(s->people[j].nrp,
			    s->people[i].nrp) == 0))
				return err_set(e, ERR_CONFIG, "people[%zu] and "
				    "people[%zu] share a NIK, NIP or NRP", j,
				    i);
	}
	return 0;
}

/* ---- serving ---- */

static int
listen_parse(const char *s, struct sockaddr_storage *ss)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	size_t hl;
	long port;

	if (colon == NULL || parse_long(colon + 1, 1, 65535, &port) == -1)
		return -1;
	hl = (size_t)(colon - s);
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1 ?
		    0 : -1;
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
}

static int
sim_serve(struct sim *s, const char *listen, const char *people,
    struct err *e)
{
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	sigset_t set;
	int sig;

	if (listen_parse(listen, &ss) == -1)
		return err_set(e, ERR_CONFIG, "--listen: expected HOST:PORT "
		    "with a numeric address, got '%s'", listen);
	if (people_load(s, people, e) == -1)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    on_access, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_END);
	if (d == NULL)
		return err_set(e, ERR_UNAVAILABLE, "cannot listen on %s",
		    listen);
	printf("sertel registry-sim: SANDBOX with %zu synthetic people from "
	    "%s; never for production, never for real people\n"
	    "sertel registry-sim: listening on http://%s (Dukcapil "
	    "/dukcapil/v1, BKN /bkn/v1, SIPP /sipp/v1)\n", s->npeople, people,
	    listen);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	s->stopping = 1;
	MHD_stop_daemon(d);
	return 0;
}

/* ---- generating people ---- */

struct rng {
	uint64_t	 s;
};

static void
rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;	/* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	r->s = (z ^ (z >> 31)) | 1;
}

static uint64_t
rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;	/* xorshift64* */
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [lo, hi]. */
static long
rng_int(struct rng *r, long lo, long hi)
{
	return lo + (long)(rng_next(r) >> 33) % (hi - lo + 1);
}

#define PICK(r, a)	((a)[rng_next(r) % (sizeof(a) / sizeof((a)[0]))])

static const char *const first_m[] = {
	"Budi", "Agus", "Andi", "Bambang", "Dedi", "Eko", "Fajar", "Hendra",
	"Irfan", "Joko", "Muhammad", "Rizki", "Slamet", "Teguh", "Wahyu",
	"Yusuf", "Ahmad", "Arif", "Dimas", "Gilang", "Hadi", "Putu", "Made",
	"Yohanes", "Stefanus", "Rudi", "Taufik", "Bayu", "Galih", "Heru",
};
static const char *const first_f[] = {
	"Siti", "Dewi", "Sri", "Rina", "Ayu", "Putri", "Nur", "Fitri",
	"Indah", "Maya", "Nadia", "Ratna", "Wulan", "Yuni", "Anisa", "Dian",
	"Intan", "Kartika", "Mega", "Novi", "Rahma", "Sari", "Tri", "Ni Luh",
	"Maria", "Theresia", "Eka", "Wening", "Laras", "Citra",
};
static const char *const last_names[] = {
	"Santoso", "Wijaya", "Saputra", "Pratama", "Hidayat", "Nugroho",
	"Kusuma", "Setiawan", "Gunawan", "Halim", "Siregar", "Nasution",
	"Harahap", "Lubis", "Simanjuntak", "Sitompul", "Sembiring", "Ginting",
	"Tarigan", "Wibowo", "Purnomo", "Susanto", "Rahman", "Hasibuan",
	"Manurung", "Tanjung", "Situmorang", "Lestari", "Rahmawati",
	"Permata", "Utami", "Wulandari", "Maharani", "Anggraini", "Suryani",
	"Damanik", "Sinaga", "Mahendra", "Firmansyah", "Kurniawan",
};

/* Birth places with the province code a NIK registered there carries. */
static const struct {
	const char	*city;
	int		 province;
} places[] = {
	{ "Banda Aceh", 11 }, { "Medan", 12 }, { "Padang", 13 },
	{ "Pekanbaru", 14 }, { "Jambi", 15 }, { "Palembang", 16 },
	{ "Bengkulu", 17 }, { "Bandar Lampung", 18 }, { "Pangkal Pinang", 19 },
	{ "Tanjung Pinang", 21 }, { "Jakarta", 31 }, { "Bandung", 32 },
	{ "Bogor", 32 }, { "Cirebon", 32 }, { "Semarang", 33 },
	{ "Surakarta", 33 }, { "Yogyakarta", 34 }, { "Surabaya", 35 },
	{ "Malang", 35 }, { "Serang", 36 }, { "Denpasar", 51 },
	{ "Mataram", 52 }, { "Kupang", 53 }, { "Pontianak", 61 },
	{ "Palangka Raya", 62 }, { "Banjarmasin", 63 }, { "Samarinda", 64 },
	{ "Balikpapan", 64 }, { "Tanjung Selor", 65 }, { "Manado", 71 },
	{ "Palu", 72 }, { "Makassar", 73 }, { "Kendari", 74 },
	{ "Gorontalo", 75 }, { "Mamuju", 76 }, { "Ambon", 81 },
	{ "Ternate", 82 }, { "Jayapura", 91 }, { "Manokwari", 92 },
	{ "Timika", 94 },
};

static const char *const agencies[] = {
	"Kementerian Dalam Negeri", "Kementerian Keuangan",
	"Badan Siber dan Sandi Negara", "Pemerintah Provinsi Jawa Barat",
	"Kementerian Kesehatan",
};
static const char *const units_civil[] = {
	"Biro Umum", "Biro Kepegawaian", "Pusat Data dan Informasi",
	"Inspektorat Jenderal", "Sekretariat Jenderal", "Bagian Keuangan",
	"Direktorat Jenderal Anggaran",
};
static const char *const positions_asn[] = {
	"Analis Kebijakan Ahli Muda", "Pranata Komputer Ahli Pertama",
	"Arsiparis Terampil", "Kepala Bagian Umum", "Auditor Ahli Muda",
	"Analis SDM Aparatur", "Perencana Ahli Pertama",
};
static const char *const positions_non[] = {
	"Tenaga Ahli", "Tenaga Pendukung Teknis", "Konsultan Individu",
	"Pramubakti", "Pengemudi",
};
static const char *const units_polri[] = {
	"Polda Metro Jaya", "Polda Jawa Barat", "Bareskrim Polri",
	"Korlantas Polri", "Divisi Humas Polri", "Polres Bogor",
};
static const char *const positions_polri[] = {
	"Penyidik Pembantu", "Kanit Reskrim", "Panit Lantas", "Bamin",
	"Kasubbag Renmin",
};
static const char *const ranks[] = {
	"Bripda", "Briptu", "Brigpol", "Bripka", "Aipda", "Aiptu", "Ipda",
	"Iptu", "AKP", "Kompol",
};

static int
days_in(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ?
	    29 : d[m - 1];
}

/* One person as JSON; ids already used are in nips (for the serial). */
static json_t *
gen_person(struct rng *r, long i, const char *agency, json_t *nips,
    struct err *e)
{
	char nik[64], nip[64], nrp[64], bdate[16], name[128], face[32];
	const char *category, *first, *unit, *position, *ag;
	int y, m, d, c, prov, female, ay, am, serial;
	size_t pi;
	json_t *p;

	female = rng_next(r) % 2 == 1;
	/* The first three are one of each; then 60 / 20 / 20. */
	if (i < 3)
		category = i == 0 ? "ASN" : i == 1 ? "POLRI" : "NON_ASN";
	else {
		c = (int)rng_int(r, 0, 9);
		category = c < 6 ? "ASN" : c < 8 ? "POLRI" : "NON_ASN";
	}
	y = (int)rng_int(r, 1965, 2001);
	m = (int)rng_int(r, 1, 12);
	d = (int)rng_int(r, 1, days_in(y, m));
	snprintf(bdate, sizeof(bdate), "%04d-%02d-%02d", y, m, d);
	first = female ? PICK(r, first_f) : PICK(r, first_m);
	if (rng_next(r) % 3 == 0)
		snprintf(name, sizeof(name), "%s %s %s", first, female ?
		    PICK(r, first_f) : PICK(r, first_m), PICK(r, last_names));
	else
		snprintf(name, sizeof(name), "%s %s", first,
		    PICK(r, last_names));
	pi = rng_next(r) % (sizeof(places) / sizeof(places[0]));
	prov = places[pi].province;
	snprintf(nik, sizeof(nik), "%02d%02ld%02ld%02d%02d%02d%04ld", prov,
	    rng_int(r, 1, 20), rng_int(r, 1, 30), d + (female ? 40 : 0), m,
	    y % 100, i + 1);
	if (ident_nik_check(nik, bdate, female ? 'F' : 'M', e) == -1)
		return NULL;
	if (strcmp(category, "POLRI") == 0) {
		unit = PICK(r, units_polri);
		position = PICK(r, positions_polri);
		ag = agency != NULL ? agency :
		    "Kepolisian Negara Republik Indonesia";
	} else {
		unit = PICK(r, units_civil);
		position = strcmp(category, "ASN") == 0 ?
		    PICK(r, positions_asn) : PICK(r, positions_non);
		ag = agency != NULL ? agency : PICK(r, agencies);
	}
	snprintf(face, sizeof(face), "faces/%04ld.png", i + 1);
	p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "nik", nik,
	    "name", name, "birth_place", places[pi].city, "birth_date", bdate,
	    "gender", female ? "F" : "M", "category", category);
	if (p == NULL)
		goto oom;
	if (strcmp(category, "ASN") == 0) {
		/* Appointed at 20 to 30, no later than December 2024 (a
		 * fixed bound keeps the output independent of the date). */
		ay = y + (int)rng_int(r, 20, 30);
		if (ay > 2024)
			ay = 2024;
		am = (int)rng_int(r, 1, 12);
		serial = (int)(i % 999) + 1;
		do {
			snprintf(nip, sizeof(nip), "%04d%02d%02d%04d%02d%c%03d",
			    y, m, d, ay, am, female ? '2' : '1', serial);
			serial = serial % 999 + 1;
		} while (json_object_get(nips, nip) != NULL);
		if (ident_nip_check(nip, bdate, female ? 'F' : 'M', e) == -1)
			goto bad;
		json_object_set_new(nips, nip, json_true());
		json_object_set_new(p, "nip", json_string(nip));
	} else if (strcmp(category, "POLRI") == 0) {
		snprintf(nrp, sizeof(nrp), "%02d%02d%04ld", y % 100, m, i + 1);
		if (ident_nrp_check(nrp, bdate, e) == -1)
			goto bad;
		json_object_set_new(p, "nrp", json_string(nrp));
		json_object_set_new(p, "rank", json_string(PICK(r, ranks)));
	}
	/* Every eighth person has left the service. */
	if (json_object_set_new(p, "agency", json_string(ag)) == -1 ||
	    json_object_set_new(p, "unit", json_string(unit)) == -1 ||
	    json_object_set_new(p, "position", json_string(position)) == -1 ||
	    json_object_set_new(p, "active", json_boolean(i % 8 != 7)) == -1 ||
	    json_object_set_new(p, "face", json_string(face)) == -1)
		goto oom;
	return p;
bad:
	json_decref(p);
	return NULL;	/* a generator bug: ident.c disagrees */
oom:
	json_decref(p);
	err_set(e, ERR_INTERNAL, "out of memory");
	return NULL;
}

static int
write_text(const char *dir, const char *name, const void *p, size_t n,
    struct err *e)
{
	char path[PATH_MAX];

	if (path_join(path, sizeof(path), dir, name) == -1)
		return err_set(e, ERR_CONFIG, "%s: path too long", dir);
	if (file_write(path, p, n, 0644) == -1)
		return err_set(e, ERR_CONFIG, "cannot write %s: %s", path,
		    strerror(errno));
	return 0;
}

static int
readme(const char *dir, json_t *people, unsigned long seed, struct err *e)
{
	struct buf b;
	json_t *p;
	size_t i;
	const char *id;
	int r;

	buf_init(&b, 4u << 20);
	buf_printf(&b,
	    "SYNTHETIC DATA - SANDBOX ONLY\n"
	    "\n"
	    "Everything in this directory was invented by `sertel registry-sim "
	    "--generate`\n(seed %lu). The people do not exist: names are drawn "
	    "from lists, the NIK,\nNIP and NRP numbers only have the right "
	    "structure, and the faces are drawn\nby a program. Use them with "
	    "`sertel registry-sim --people people.json` for\ndemos and tests; "
	    "never load real people into the simulator, and never point\n"
	    "a production instance at it.\n\n"
	    "#     category  active  NIK               NIP/NRP             "
	    "name\n", seed);
	json_array_foreach(people, i, p) {
		id = str_field(p, "nip") != NULL ? str_field(p, "nip") :
		    str_field(p, "nrp") != NULL ? str_field(p, "nrp") : "-";
		buf_printf(&b, "%-5zu %-9s %-7s %s  %-18s  %s\n", i + 1,
		    str_field(p, "category"), json_is_true(json_object_get(p,
		    "active")) ? "yes" : "no", str_field(p, "nik"), id,
		    str_field(p, "name"));
	}
	r = buf_cstr(&b) == -1 ? err_set(e, ERR_INTERNAL, "README too large") :
	    write_text(dir, "README.txt", b.data, b.len, e);
	buf_cleanup(&b);
	return r;
}

static int
sim_generate(long n, const char *out, unsigned long seed, const char *agency,
    struct err *e)
{
	char faces[PATH_MAX], name[32];
	struct rng r;
	struct buf png;
	json_t *root = NULL, *people, *nips = NULL, *p;
	char *text = NULL;
	long i;
	int ret = -1;

	if (mkdir(out, 0755) == -1 && errno != EEXIST)
		return err_set(e, ERR_CONFIG, "mkdir %s: %s", out,
		    strerror(errno));
	if (path_join(faces, sizeof(faces), out, "faces") == -1)
		return err_set(e, ERR_CONFIG, "%s: path too long", out);
	if (mkdir(faces, 0755) == -1 && errno != EEXIST)
		return err_set(e, ERR_CONFIG, "mkdir %s: %s", faces,
		    strerror(errno));
	rng_seed(&r, (uint64_t)seed);
	buf_init(&png, 16u << 20);
	root = json_pack("{s:b, s:s, s:I, s:[]}", "sandbox", 1, "note",
	    "synthetic people for sertel registry-sim; not real persons",
	    "seed", (json_int_t)seed, "people");
	nips = json_object();
	if (root == NULL || nips == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	people = json_object_get(root, "people");
	for (i = 0; i < n; i++) {
		if ((p = gen_person(&r, i, agency, nips, e)) == NULL) {
			if (e->code != ERR_INTERNAL)
				err_set(e, ERR_INTERNAL, "generator bug: "
				    "person %ld fails its own check: %s",
				    i + 1, e->detail);
			goto out;
		}
		json_array_append_new(people, p);
		png.len = 0;
		snprintf(name, sizeof(name), "%04ld.png", i + 1);
		if (image_face_generate(seed * 1000003UL + (unsigned long)i,
		    SIM_FACE_W, SIM_FACE_H, &png, e) == -1 ||
		    write_text(faces, name, png.data, png.len, e) == -1)
			goto out;
	}
	if ((text = json_dumps(root, JSON_INDENT(2))) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (write_text(out, "people.json", text, strlen(text), e) == -1 ||
	    readme(out, people, seed, e) == -1)
		goto out;
	printf("sertel registry-sim: wrote %ld synthetic people to "
	    "%s/people.json (faces in %s, seed %lu)\n", n, out, faces, seed);
	ret = 0;
out:
	free(text);
	json_decref(root);
	json_decref(nips);
	buf_cleanup(&png);
	return ret;
}

/* ---- the command ---- */

static const char sim_usage[] =
    "usage: sertel registry-sim --people FILE.json [--listen HOST:PORT]\n"
    "                           [--fail REGISTRY] [--delay-ms N]\n"
    "       sertel registry-sim --generate N --out DIR [--seed S] "
    "[--agency NAME]\n";

static int
sim_usage_err(const char *msg)
{
	fprintf(stderr, "sertel: registry-sim: %s\n%s", msg, sim_usage);
	return 2;
}

int
registry_sim_main(int argc, char **argv)
{
	static const char *const names[] = { "listen", "people", "fail",
	    "delay-ms", "generate", "out", "seed", "agency" };
	const char *val[sizeof(names) / sizeof(names[0])] = { 0 };
	struct sim s;
	struct err e = { 0 };
	long n, seed = 1, delay = 0;
	int i, reg = -1, r;
	size_t k;

	for (i = 0; i < argc; i++) {
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strncmp(argv[i], "--", 2) == 0 &&
			    strcmp(argv[i] + 2, names[k]) == 0)
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return sim_usage_err("unknown argument");
		if (i + 1 == argc)
			return sim_usage_err("option needs a value");
		val[k] = argv[++i];
	}
	/* names: 0 listen 1 people 2 fail 3 delay-ms 4 generate 5 out
	 * 6 seed 7 agency */
	if (val[4] != NULL) {
		if (val[0] || val[1] || val[2] || val[3])
			return sim_usage_err("--generate takes --out, --seed "
			    "and --agency only");
		if (parse_long(val[4], 1, SIM_GEN_MAX, &n) == -1)
			return sim_usage_err("--generate: 1 to 9999");
		if (val[5] == NULL)
			return sim_usage_err("--generate needs --out DIR");
		if (val[6] != NULL && parse_long(val[6], 0, LONG_MAX,
		    &seed) == -1)
			return sim_usage_err("--seed: a non-negative number");
		if (val[7] != NULL && (val[7][0] == '\0' ||
		    strlen(val[7]) > 128))
			return sim_usage_err("--agency: 1 to 128 bytes");
		if (sim_generate(n, val[5], (unsigned long)seed, val[7],
		    &e) == -1)
			goto fail;
		return 0;
	}
	if (val[1] == NULL)
		return sim_usage_err("--people FILE.json (or --generate N)");
	if (val[5] || val[6] || val[7])
		return sim_usage_err("--out, --seed and --agency go with "
		    "--generate");
	if (val[2] != NULL && (reg = reg_parse(val[2])) == -1)
		return sim_usage_err("--fail: dukcapil, bkn, sipp or all");
	if (val[3] != NULL && parse_long(val[3], 0, SIM_DELAY_MAX,
	    &delay) == -1)
		return sim_usage_err("--delay-ms: 0 to 60000");
	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.mtx, NULL);
	if (delay > 0)
		mode_set(&s, R__COUNT, MODE_SLOW, delay);
	if (reg != -1)
		mode_set(&s, reg, MODE_FAIL, 0);
	r = sim_serve(&s, val[0] != NULL ? val[0] : "127.0.0.1:8090", val[1],
	    &e);
	free(s.people);
	json_decref(s.root);
	pthread_mutex_destroy(&s.mtx);
	if (r == 0)
		return 0;
fail:
	fprintf(stderr, "sertel: %s: %s\n", err_info(e.code)->name,
	    e.detail[0] ? e.detail : err_info(e.code)->msg_en);
	return 1;
}
