/*
 * http.c - the HTTP server on libmicrohttpd.
 *
 * An epoll thread pool of http.threads workers. Each request gets a
 * random request id, which every log line about it carries, and a body
 * buffer capped at its route's limit; the answer is queued on the last
 * access-handler call (never the first: see NOTES.md, answering early
 * makes libmicrohttpd drop keep-alive). Each worker thread opens its own
 * database connection on first use (a struct store is single-threaded).
 * A scheduler thread refreshes OCSP responses and CRLs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "http.h"

#define MAX_WORKERS	8

struct server {
	const struct config	*cfg;
	struct pki		*pki;
	unsigned char		 key[SERVER_KEY_LEN];
	struct MHD_Daemon	*d;
	pthread_key_t		 store_key;
	struct worker		 w[MAX_WORKERS];
	pthread_t		 th[MAX_WORKERS];
	size_t			 nw;
	int			 stop;
	unsigned long		 wakes;		/* bumped by http_wake */
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
};

struct pki *
http_pki(struct req *r)
{
	return r->srv->pki;
}

const char *
http_content_type(struct req *r)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
}

const char *
http_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
http_arg(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

const unsigned char *
http_server_key(struct req *r)
{
	return r->srv->key;
}

void
http_wake(struct req *r)
{
	pthread_mutex_lock(&r->srv->mtx);
	r->srv->wakes++;
	pthread_cond_broadcast(&r->srv->cv);
	pthread_mutex_unlock(&r->srv->mtx);
}

json_t *
http_json_body(struct req *r)
{
	json_error_t je;
	json_t *j;

	j = json_loadb((const char *)r->body.data, r->body.len,
	    JSON_REJECT_DUPLICATES, &je);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		http_error(r, ERR_BAD_JSON, NULL);
		return NULL;
	}
	return j;
}

int
http_json_value(struct req *r, unsigned status, json_t *j)
{
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	int ret;

	json_decref(j);
	if (s == NULL)
		return http_error(r, ERR_INTERNAL, "json encoding");
	ret = http_json(r, status, s);
	free(s);
	return ret;
}

const struct config *
http_config(struct req *r)
{
	return r->srv->cfg;
}

/* ---- routing ---- */

int
route_match(const char *pat, const char *path, char cap[][ROUTE_CAP_MAX],
    size_t *ncap)
{
	const char *seg_end, *suffix;
	size_t n = 0, sl, plen;

	while (*pat != '\0') {
		if (pat[0] == '*' && pat[1] == '*') {
			/* The rest of the path, slashes and all, non-empty. */
			if (*path == '\0' || n == ROUTE_CAPS ||
			    strlen(path) >= ROUTE_CAP_MAX)
				return 0;
			memcpy(cap[n++], path, strlen(path) + 1);
			*ncap = n;
			return 1;
		}
		if (*pat == '*') {
			pat++;
			suffix = pat;
			while (*pat != '\0' && *pat != '/')
				pat++;
			sl = (size_t)(pat - suffix);
			seg_end = strchr(path, '/');
			if (seg_end == NULL)
				seg_end = path + strlen(path);
			plen = (size_t)(seg_end - path);
			if (plen <= sl || memcmp(seg_end - sl, suffix, sl) != 0 ||
			    n == ROUTE_CAPS || plen - sl >= ROUTE_CAP_MAX)
				return 0;
			memcpy(cap[n], path, plen - sl);
			cap[n++][plen - sl] = '\0';
			path = seg_end;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	*ncap = n;
	return *path == '\0';
}

const struct route *
route_find(const char *method, const char *path, char cap[][ROUTE_CAP_MAX],
    size_t *ncap, unsigned *status)
{
	size_t i;
	int path_seen = 0;

	for (i = 0; i < web_nroutes; i++) {
		if (!route_match(web_routes[i].pattern, path, cap, ncap))
			continue;
		if (strcmp(web_routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 &&
		    strcmp(web_routes[i].method, "GET") == 0))
			return &web_routes[i];
		path_seen = 1;
	}
	*status = path_seen ? 405 : 404;
	return NULL;
}

/* ---- answers ---- */

int
http_bytes(struct req *r, unsigned status, const char *ctype, const void *p,
    size_t n)
{
	r->status = status;
	r->ctype = ctype;
	r->out.len = 0;
	return buf_add(&r->out, p, n);
}

int
http_json(struct req *r, unsigned status, const char *json)
{
	return http_bytes(r, status, "application/json; charset=utf-8", json,
	    strlen(json));
}

int
http_error(struct req *r, enum err_code code, const char *detail)
{
	const struct err_info *ei = err_info(code);
	json_t *j;
	char *s;
	int ret = -1;

	if (detail != NULL && detail[0] != '\0')
		log_msg(ei->http_status >= 500 ? LOG_ERROR : LOG_INFO, r->rid,
		    "%s: %s", ei->name, detail);
	j = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", ei->name,
	    "message", r->lang_en ? ei->msg_en : ei->msg_id,
	    "request_id", r->rid);
	if (j != NULL && r->err_field != NULL)
		json_object_set_new(json_object_get(j, "error"), "field",
		    json_string(r->err_field));
	if (j != NULL && (s = json_dumps(j, JSON_COMPACT)) != NULL) {
		ret = http_json(r, (unsigned)ei->http_status, s);
		free(s);
	}
	json_decref(j);
	r->cache[0] = '\0';
	r->xh_name = NULL;
	return ret;
}

/* ---- per-thread database connections ---- */

static void
store_destroy(void *p)
{
	store_close(p);
}

static struct store *
thread_store(struct server *srv, struct err *e)
{
	struct store *s = pthread_getspecific(srv->store_key);

	if (s == NULL) {
		s = store_open(srv->cfg->dir, srv->cfg->database, e);
		if (s != NULL)
			pthread_setspecific(srv->store_key, s);
	}
	return s;
}

/* ---- libmicrohttpd callbacks ---- */

static int
wants_english(struct MHD_Connection *c)
{
	const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "lang");
	const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_LANGUAGE);

	if (q != NULL)
		return strcmp(q, "en") == 0;
	/* Indonesian unless English is the first preference. */
	return al != NULL && strncmp(al, "en", 2) == 0;
}

/* Finds the session cookie's value in a Cookie header. */
static int
cookie_value(const char *h, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name), vl;
	const char *p = h, *end;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		vl = end != NULL ? (size_t)(end - p) : strlen(p);
		if (vl > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			if (vl - nl - 1 >= n)
				return -1;
			memcpy(out, p + nl + 1, vl - nl - 1);
			out[vl - nl - 1] = '\0';
			return 0;
		}
		p = end;
	}
	return -1;
}

/*
 * Who is asking: a Bearer session token, a session cookie (then a state
 * change must carry the CSRF token in X-CSRF-Token), HTTP Basic
 * credentials of an API client, or nobody. 0 known or anonymous, 1
 * credentials given but wrong, -1 error.
 */
static int
authenticate(struct req *r, struct err *e)
{
	const char *h = http_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	char tok[128], *user = NULL, *pass = NULL;
	int rc;

	memset(&r->who, 0, sizeof(r->who));
	r->who.role = R_PUBLIC;
	if (h != NULL && strncmp(h, "Bearer ", 7) == 0)
		return auth_session(r->store, h + 7, &r->who, e);
	if (h != NULL && strncmp(h, "Basic ", 6) == 0) {
		user = MHD_basic_auth_get_username_password(r->conn, &pass);
		if (user == NULL || pass == NULL)
			rc = 1;
		else
			rc = auth_client(r->store, r->srv->key, user, pass,
			    &r->who, e);
		if (pass != NULL) {
			OPENSSL_cleanse(pass, strlen(pass));
			MHD_free(pass);
		}
		MHD_free(user);
		return rc;
	}
	if (h != NULL)
		return 1;
	h = http_header(r, MHD_HTTP_HEADER_COOKIE);
	if (h != NULL && cookie_value(h, "sertel_session", tok,
	    sizeof(tok)) == 0) {
		if ((rc = auth_session(r->store, tok, &r->who, e)) != 0)
			return rc;
		r->who.via_cookie = 1;
	}
	return 0;
}

static void
client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(out, n, "-");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)
		    sa)->sin6_addr, out, (socklen_t)n);
}

/* The BSrE API's own 401 shape, which its clients parse. */
static void
bsre_unauthorized(struct req *r)
{
	char ts[40];
	json_t *j;

	fmt_time_iso(now_utc(), ts, sizeof(ts));
	j = json_pack("{s:s, s:i, s:s, s:s}", "timestamp", ts, "status", 401,
	    "error", "Unauthorized", "path", r->path);
	http_json_value(r, 401, j);
}

static void
dispatch(struct req *r)
{
	const struct route *rt;
	struct err e = { 0 };
	const char *csrf;
	unsigned st = 404;
	int rc;

	rt = route_find(r->method, r->path, r->cap, &r->ncap, &st);
	if (rt == NULL) {
		http_error(r, st == 405 ? ERR_METHOD_NOT_ALLOWED : ERR_NOT_FOUND,
		    NULL);
		return;
	}
	if (r->too_large) {
		http_error(r, ERR_BODY_TOO_LARGE, NULL);
		return;
	}
	if ((r->store = thread_store(r->srv, &e)) == NULL) {
		http_error(r, ERR_STORE, e.detail);
		return;
	}
	if (rt->roles != R_PUBLIC) {
		if ((rc = authenticate(r, &e)) == -1) {
			http_error(r, ERR_STORE, e.detail);
			return;
		}
		if (rc == 1 || r->who.role == R_PUBLIC) {
			if (strncmp(r->path, "/api/v2/", 8) == 0 ||
			    strncmp(r->path, "/api/sign/", 10) == 0 ||
			    strncmp(r->path, "/api/user/", 10) == 0)
				bsre_unauthorized(r);
			else
				http_error(r, ERR_UNAUTHORIZED, NULL);
			return;
		}
		if ((rt->roles & r->who.role) == 0) {
			http_error(r, ERR_FORBIDDEN, NULL);
			return;
		}
		/* A cookie travels by itself; a state change must prove it
		 * came from our own page. */
		csrf = http_header(r, "X-CSRF-Token");
		if (r->who.via_cookie && strcmp(r->method, "GET") != 0 &&
		    strcmp(r->method, "HEAD") != 0 && (csrf == NULL ||
		    strlen(csrf) != strlen(r->who.csrf) ||
		    CRYPTO_memcmp(csrf, r->who.csrf, strlen(csrf)) != 0)) {
			http_error(r, ERR_FORBIDDEN, "CSRF token missing or "
			    "wrong");
			return;
		}
	}
	if (rt->fn(r) == -1 && r->status == 0)
		http_error(r, ERR_INTERNAL, "handler failed");
}

static size_t
body_limit(struct server *srv, const char *method, const char *path)
{
	char cap[ROUTE_CAPS][ROUTE_CAP_MAX];
	size_t ncap;
	unsigned st;
	const struct route *rt = route_find(method, path, cap, &ncap, &st);

	if (rt != NULL && rt->max_body != 0)
		return rt->max_body;
	return (size_t)srv->cfg->http_max_body;
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **con_cls)
{
	struct server *srv = cls;
	struct req *r = *con_cls;
	struct MHD_Response *resp;
	unsigned char rnd[8];
	enum MHD_Result ret;
	const char *cl;

	(void)version;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		r->srv = srv;
		r->conn = c;
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		RAND_bytes(rnd, sizeof(rnd));
		hex_encode(rnd, sizeof(rnd), r->rid, sizeof(r->rid));
		snprintf(r->method, sizeof(r->method), "%s", method);
		if (strlen(url) >= sizeof(r->path))
			r->too_large = 1;	/* answered as 404 below */
		snprintf(r->path, sizeof(r->path), "%s", url);
		r->lang_en = wants_english(c);
		client_ip(c, r->ip, sizeof(r->ip));
		buf_init(&r->body, body_limit(srv, r->method, r->path));
		buf_init(&r->out, 64u << 20);
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > r->body.max)
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
	if (r->dispatched)
		return MHD_NO;
	r->dispatched = 1;
	dispatch(r);
	resp = MHD_create_response_from_buffer(r->out.len, r->out.data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    r->ctype != NULL ? r->ctype : "text/plain");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    r->cache[0] != '\0' ? r->cache : "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* The portal runs no inline script and loads nothing from
	 * elsewhere; JSON and DER answers lose nothing by the same policy. */
	MHD_add_response_header(resp, "Content-Security-Policy",
	    "default-src 'none'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data: blob:; media-src 'self' blob:; "
	    "connect-src 'self'; worker-src 'self' blob:; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Request-Id", r->rid);
	if (r->set_cookie[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE,
		    r->set_cookie);
	if (r->xh_name != NULL)
		MHD_add_response_header(resp, r->xh_name, r->xh_value);
	ret = MHD_queue_response(c, r->status ? r->status : 500, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;
	struct timespec t1;
	double ms;

	(void)cls;
	(void)c;
	if (r == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - r->t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e6;
	log_msg(LOG_DEBUG, r->rid, "%s %.128s %u %zu bytes %.2f ms%s",
	    r->method, r->path, r->status, r->out.len, ms,
	    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	buf_cleanse(&r->body);
	buf_cleanup(&r->out);
	free(r);
	*con_cls = NULL;
}

/* ---- background workers ---- */

/* The PKI's own round: OCSP responses and CRLs before they go stale. */
static int
pki_round(void *arg, struct store *s, struct err *e)
{
	struct server *srv = arg;
	int n;

	if ((n = ocsp_refresh(srv->pki, s, e)) == -1)
		return -1;
	if (n > 0)
		log_msg(LOG_INFO, "pki", "re-signed %d OCSP responses", n);
	/* At least daily (a CRL lives crl.validity_hours). */
	if (crl_refresh(srv->pki, s, 23 * 3600, e) == -1)
		return -1;
	return 60;
}

struct worker_arg {
	struct server	*srv;
	size_t		 i;
};

static void *
worker_main(void *arg)
{
	struct worker_arg *wa = arg;
	struct server *srv = wa->srv;
	const struct worker *w = &srv->w[wa->i];
	struct store *s;
	struct err e = { 0 };
	struct timespec ts;
	unsigned long seen;
	int secs;

	if ((s = store_open(srv->cfg->dir, srv->cfg->database, &e)) == NULL) {
		log_msg(LOG_ERROR, w->name, "store: %s", e.detail);
		free(wa);
		return NULL;
	}
	pthread_mutex_lock(&srv->mtx);
	while (!srv->stop) {
		seen = srv->wakes;
		pthread_mutex_unlock(&srv->mtx);
		memset(&e, 0, sizeof(e));
		if ((secs = w->round(w->arg, s, &e)) == -1) {
			log_msg(LOG_ERROR, w->name, "%s", e.detail);
			secs = 5;
		}
		pthread_mutex_lock(&srv->mtx);
		if (secs == 0 || srv->wakes != seen)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += secs;
		while (!srv->stop && srv->wakes == seen &&
		    pthread_cond_timedwait(&srv->cv, &srv->mtx, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&srv->mtx);
	store_close(s);
	free(wa);
	return NULL;
}

/* ---- start and stop ---- */

static int
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	long port;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	size_t hl;

	if (colon == NULL || parse_long(colon + 1, 1, 65535, &port) == -1)
		return -1;
	hl = (size_t)(colon - s);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1 ?
		    0 : -1;
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*len = sizeof(*a4);
	return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
}

int
http_serve(const struct config *cfg, struct pki *pki, const char *listen,
    const struct worker *workers, size_t nworkers, struct err *e)
{
	struct worker_arg *wa;
	size_t i, started = 0;
	struct server srv;
	struct sockaddr_storage ss;
	socklen_t sl;
	sigset_t set;
	int sig;

	memset(&srv, 0, sizeof(srv));
	srv.cfg = cfg;
	srv.pki = pki;
	if (parse_listen(listen, &ss, &sl) == -1)
		return err_set(e, ERR_CONFIG, "listen: expected HOST:PORT, "
		    "got '%s'", listen);
	if (nworkers + 1 > MAX_WORKERS)
		return err_set(e, ERR_INTERNAL, "too many workers");
	if (auth_server_key(cfg->dir, srv.key, e) == -1)
		return -1;
	srv.w[0] = (struct worker){ "pki", pki_round, &srv };
	for (i = 0; i < nworkers; i++)
		srv.w[i + 1] = workers[i];
	srv.nw = nworkers + 1;
	pthread_key_create(&srv.store_key, store_destroy);
	pthread_mutex_init(&srv.mtx, NULL);
	pthread_cond_init(&srv.cv, NULL);

	/* Signals go to this thread only, through sigwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	srv.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_access, &srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->http_threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv,
	    MHD_OPTION_END);
	if (srv.d == NULL) {
		err_set(e, ERR_UNAVAILABLE, "cannot listen on %s", listen);
		goto out;
	}
	for (started = 0; started < srv.nw; started++) {
		if ((wa = malloc(sizeof(*wa))) == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			break;
		}
		wa->srv = &srv;
		wa->i = started;
		if (pthread_create(&srv.th[started], NULL, worker_main, wa) != 0) {
			free(wa);
			err_set(e, ERR_INTERNAL, "cannot start worker %s",
			    srv.w[started].name);
			break;
		}
	}
	if (started < srv.nw) {
		MHD_stop_daemon(srv.d);
		goto stop;
	}
	log_msg(LOG_INFO, NULL, "sertel serving on http://%s (instance %s)",
	    listen, cfg->dir);
	printf("sertel: listening on http://%s\n", listen);
	fflush(stdout);
	while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	log_msg(LOG_INFO, NULL, "signal %d: stopping", sig);
	MHD_stop_daemon(srv.d);
stop:
	pthread_mutex_lock(&srv.mtx);
	srv.stop = 1;
	pthread_cond_broadcast(&srv.cv);
	pthread_mutex_unlock(&srv.mtx);
	for (i = 0; i < started; i++)
		pthread_join(srv.th[i], NULL);
	pthread_key_delete(srv.store_key);
	OPENSSL_cleanse(srv.key, sizeof(srv.key));
	return started < srv.nw ? -1 : 0;
out:
	pthread_key_delete(srv.store_key);
	OPENSSL_cleanse(srv.key, sizeof(srv.key));
	return -1;
}
