/*
 * holidays.c - the non-working days of the calendar (S1) as data the
 * ADMIN edits, and the one calendar the process uses.
 *
 * The dates live in the holidays table. On the first start of an
 * instance the table is seeded from data/holidays-id.json (2026 and
 * 2027, embedded by the build); after that the table is the truth, and
 * the seed never runs again (a deleted date stays deleted). Every edit
 * goes through calendar_add on a copy first, so the table holds only
 * what the calendar accepts, and is audited.
 *
 * The process keeps the calendar in memory behind a read-write lock:
 * due times and the SLA report read it on every request; an edit, and
 * every lifecycle round (so that several servers on one database agree
 * within a minute), swap in a freshly loaded one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "holidays.h"

/* data/holidays-id.json (2026, 2027), embedded by the build. */
extern unsigned char data_holidays_id_json[];
extern unsigned int data_holidays_id_json_len;

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static struct calendar cur;
static int loaded;

/* Before any store is opened (unit tests, CLI): the embedded seed. */
static void
load_builtin_locked(void)
{
	struct err e = { 0 };

	calendar_init(&cur);
	if (calendar_load_json(&cur, (const char *)data_holidays_id_json,
	    data_holidays_id_json_len, &e) == -1)
		log_msg(LOG_ERROR, NULL, "holiday calendar: %s (weekends only)",
		    e.detail);
	loaded = 1;
}

const struct calendar *
holidays_acquire(void)
{
	pthread_rwlock_rdlock(&lock);
	if (!loaded) {
		pthread_rwlock_unlock(&lock);
		pthread_rwlock_wrlock(&lock);
		if (!loaded)
			load_builtin_locked();
		pthread_rwlock_unlock(&lock);
		pthread_rwlock_rdlock(&lock);
	}
	return &cur;
}

void
holidays_release(void)
{
	pthread_rwlock_unlock(&lock);
}

static int
row_cb(void *arg, const struct srow *r)
{
	struct calendar *c = arg;
	struct err e = { 0 };
	char date[16], id[CALENDAR_NAME_MAX], en[CALENDAR_NAME_MAX];
	char kind[CALENDAR_KIND_MAX];

	srow_copy(r, 0, date, sizeof(date));
	srow_copy(r, 1, id, sizeof(id));
	srow_copy(r, 2, en, sizeof(en));
	srow_copy(r, 3, kind, sizeof(kind));
	if (calendar_add(c, date, id, en, kind, &e) == -1)
		log_msg(LOG_ERROR, NULL, "holiday %s skipped: %s", date,
		    e.detail);
	return 0;
}

int
holidays_load(struct store *s, struct err *e)
{
	struct calendar c;

	calendar_init(&c);
	if (store_q0(s, "SELECT date, name_id, name_en, kind FROM holidays "
	    "ORDER BY date", row_cb, &c, e) == -1) {
		calendar_cleanup(&c);
		return -1;
	}
	pthread_rwlock_wrlock(&lock);
	if (loaded)
		calendar_cleanup(&cur);
	cur = c;
	loaded = 1;
	pthread_rwlock_unlock(&lock);
	return 0;
}

int
holidays_seed(struct store *s, struct err *e)
{
	struct calendar c;
	char done[8] = "", date[16];
	size_t i;
	int ret = -1;

	if (s->ops->meta_get(s, "holidays_seeded", done, sizeof(done), e) ==
	    -1)
		return -1;
	if (done[0] != '\0')
		return holidays_load(s, e);
	calendar_init(&c);
	if (calendar_load_json(&c, (const char *)data_holidays_id_json,
	    data_holidays_id_json_len, e) == -1 || s->ops->begin(s, e) == -1)
		goto out;
	for (i = 0; i < c.n; i++) {
		snprintf(date, sizeof(date), "%04d-%02d-%02d", c.entries[i].ymd /
		    10000, c.entries[i].ymd / 100 % 100, c.entries[i].ymd % 100);
		if (store_q(s, "INSERT OR IGNORE INTO holidays(date, name_id, "
		    "name_en, kind, updated_by, updated_at) VALUES (?, ?, ?, ?, "
		    "'seed', ?)", NULL, NULL, e, SV_S(date),
		    SV_S(c.entries[i].name_id), SV_S(c.entries[i].name_en),
		    SV_S(c.entries[i].kind), SV_I(now_utc())) == -1) {
			s->ops->rollback(s);
			goto out;
		}
	}
	if (s->ops->meta_put(s, "holidays_seeded", "1", e) == -1 ||
	    s->ops->commit(s, e) == -1) {
		s->ops->rollback(s);
		goto out;
	}
	ret = holidays_load(s, e);
out:
	calendar_cleanup(&c);
	return ret;
}

int
holidays_put(struct store *s, const unsigned char *audit_key,
    const char *actor, const char *date, const char *name_id,
    const char *name_en, const char *kind, struct err *e)
{
	struct calendar c;
	json_t *d = NULL;
	char *ds = NULL;
	int ret = -1;

	/* The calendar's own checks decide what a valid entry is. */
	calendar_init(&c);
	if (calendar_add(&c, date, name_id, name_en, kind, e) == -1)
		goto out;
	d = json_pack("{s:s, s:s, s:s, s:s}", "date", date, "name_id",
	    name_id, "name_en", name_en, "kind", kind);
	if (d == NULL || (ds = json_dumps(d, JSON_COMPACT)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (s->ops->begin(s, e) == -1)
		goto out;
	if (store_q(s, "INSERT INTO holidays(date, name_id, name_en, kind, "
	    "updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(date) "
	    "DO UPDATE SET name_id = excluded.name_id, name_en = "
	    "excluded.name_en, kind = excluded.kind, updated_by = "
	    "excluded.updated_by, updated_at = excluded.updated_at", NULL, NULL,
	    e, SV_S(date), SV_S(name_id), SV_S(name_en), SV_S(kind),
	    SV_S(actor), SV_I(now_utc())) == -1 ||
	    audit_append(s, audit_key, actor, "holiday.put", date, ds, e) ==
	    -1 || s->ops->commit(s, e) == -1) {
		s->ops->rollback(s);
		goto out;
	}
	ret = holidays_load(s, e);
out:
	free(ds);
	json_decref(d);
	calendar_cleanup(&c);
	return ret;
}

int
holidays_delete(struct store *s, const unsigned char *audit_key,
    const char *actor, const char *date, struct err *e)
{
	long n;

	if (s->ops->begin(s, e) == -1)
		return -1;
	n = store_q(s, "DELETE FROM holidays WHERE date = ?", NULL, NULL, e,
	    SV_S(date));
	if (n == 0)
		err_set(e, ERR_NOT_FOUND, "no holiday on %.16s", date);
	if (n <= 0 || audit_append(s, audit_key, actor, "holiday.delete", date,
	    "{}", e) == -1 || s->ops->commit(s, e) == -1) {
		s->ops->rollback(s);
		return -1;
	}
	return holidays_load(s, e);
}

json_t *
holidays_json(int year)
{
	json_t *j = calendar_json(holidays_acquire(), year);

	holidays_release();
	return j;
}

time_t
holidays_due(time_t t)
{
	time_t d = calendar_due(holidays_acquire(), t);

	holidays_release();
	return d;
}
