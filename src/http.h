/*
 * http.h - the HTTP front: libmicrohttpd underneath, a route table on top
 * (web.c), one error table for every answer that is not a success.
 */
#ifndef SERTEL_HTTP_H
#define SERTEL_HTTP_H

#include <pthread.h>

#include <jansson.h>

#include "auth.h"
#include "pki.h"

#define ROUTE_CAPS	2
#define ROUTE_CAP_MAX	4096

struct server;

struct req {
	struct server		*srv;
	struct store		*store;
	struct MHD_Connection	*conn;
	char			 rid[17];
	char			 method[16];
	char			 path[ROUTE_CAP_MAX + 64];
	char			 cap[ROUTE_CAPS][ROUTE_CAP_MAX];
	size_t			 ncap;
	int			 lang_en;
	const char		*err_field;	/* named in a 422 answer */
	char			 ip[64];
	struct principal	 who;
	struct buf		 body;
	int			 too_large;
	int			 dispatched;
	/* the answer */
	unsigned		 status;
	const char		*ctype;
	char			 cache[96];
	char			 set_cookie[256];
	const char		*xh_name;	/* one more header, or NULL */
	char			 xh_value[128];
	struct buf		 out;
	struct timespec		 t0;
};

typedef int (*http_handler)(struct req *);

struct route {
	const char	*method;
	const char	*pattern;	/* "*" one segment (may end in a
					   suffix: "*.crl"), "**" the rest */
	http_handler	 fn;
	unsigned	 roles;		/* R_ bits allowed (auth.h) */
	size_t		 max_body;	/* 0: http.max_body */
	const char	*doc;
};

extern const struct route	web_routes[];
extern const size_t		web_nroutes;

/* 1 when path matches pattern, captures filled in. */
int	route_match(const char *pattern, const char *path,
	    char cap[][ROUTE_CAP_MAX], size_t *ncap);
/* The route for method and path; *status 404 or 405 when there is none. */
const struct route *route_find(const char *method, const char *path,
	    char cap[][ROUTE_CAP_MAX], size_t *ncap, unsigned *status);

/* Answers with the error table's status and message (JSON). */
int	http_error(struct req *, enum err_code, const char *log_detail);
int	http_json(struct req *, unsigned status, const char *json);
int	http_bytes(struct req *, unsigned status, const char *ctype,
	    const void *, size_t);

/* The request's Content-Type, or NULL. */
const char	*http_content_type(struct req *);
/* A request header, or NULL. */
const char	*http_header(struct req *, const char *);
/* A query-string argument, or NULL. */
const char	*http_arg(struct req *, const char *);
const unsigned char *http_server_key(struct req *);
/* Parses the body as a JSON object; answers 400 itself on failure. */
json_t		*http_json_body(struct req *);
/* Answers with a JSON value (consumed). */
int		 http_json_value(struct req *, unsigned status, json_t *);
struct pki	*http_pki(struct req *);
const struct config *http_config(struct req *);

/* Background work that runs beside the HTTP workers (mailer, checks). */
struct worker {
	const char	*name;
	/* One round of work; returns seconds until the next (0: at once). */
	int		(*round)(void *arg, struct store *, struct err *);
	void		*arg;
};

/* Runs until SIGINT or SIGTERM. */
int	http_serve(const struct config *, struct pki *, const char *listen,
	    const struct worker *, size_t nworkers, struct err *);
/* Wakes the workers (after a commit that gave them work). */
void	http_wake(struct req *);

#endif
