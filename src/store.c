/*
 * store.c - picks the backend by the scheme of the database setting.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"

static const struct store_ops *backends[] = { &store_sqlite_ops };

struct store *
store_open(const char *dir, const char *spec, struct err *e)
{
	const char *colon = strchr(spec, ':');
	struct store *s;
	size_t i, n;

	if (colon == NULL) {
		err_set(e, ERR_CONFIG, "database: expected scheme:location");
		return NULL;
	}
	n = (size_t)(colon - spec);
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (strlen(backends[i]->name) != n ||
		    strncmp(backends[i]->name, spec, n) != 0)
			continue;
		if ((s = calloc(1, sizeof(*s))) == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			return NULL;
		}
		s->ops = backends[i];
		if (s->ops->open(s, dir, colon + 1, e) == -1 ||
		    s->ops->migrate(s, e) == -1) {
			store_close(s);
			return NULL;
		}
		return s;
	}
	err_set(e, ERR_CONFIG, "database: unknown backend '%.*s'", (int)n,
	    spec);
	return NULL;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->be != NULL)
		s->ops->close(s);
	free(s);
}

void
cert_rec_init(struct cert_rec *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->der, 1 << 20);
}

void
cert_rec_cleanup(struct cert_rec *r)
{
	buf_cleanup(&r->der);
}

long long
srow_int(const struct srow *r, int col)
{
	return r->ops->i(r->h, col);
}

double
srow_real(const struct srow *r, int col)
{
	return r->ops->d(r->h, col);
}

const char *
srow_text(const struct srow *r, int col)
{
	return r->ops->s(r->h, col);
}

const void *
srow_blob(const struct srow *r, int col, size_t *len)
{
	return r->ops->b(r->h, col, len);
}

int
srow_copy(const struct srow *r, int col, char *out, size_t n)
{
	const char *t = srow_text(r, col);
	size_t l;

	if (t == NULL)
		t = "";
	l = strlen(t);
	if (l >= n) {
		out[0] = '\0';
		return -1;
	}
	memcpy(out, t, l + 1);
	return 0;
}

int
store_row_long(void *arg, const struct srow *r)
{
	if (arg != NULL)
		*(long *)arg = (long)srow_int(r, 0);
	return 0;
}
