/*
 * sla.c - the one-working-day report (S1): per agency and overall, for
 * the applications whose data became complete in a date range.
 *
 * An application's clock starts when its data is complete (the due time
 * is one working day later, calendar.h) and stops when it is finished:
 * its certificate is issued, or it is refused (REJECTED; a later
 * resubmission starts a new clock). Working hours count only working
 * days of Asia/Jakarta, with the holiday calendar in force now, so an
 * ADMIN's correction of a holiday corrects past reports too.
 *
 * For each group the report gives: the count; how many finished, and
 * within one working day; how many are open but not yet due (they
 * count for nothing yet); how many are overdue (open past their due
 * time); the share finished within one working day out of those that
 * finished or are overdue; the median working hours to finish. The
 * overdue list and the late finished ones are listed by id. The answer
 * times of the complaints received in the same days (S4) come with it
 * (complaint.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "complaint.h"
#include "holidays.h"
#include "sla.h"

struct group {
	char	 code[32], name[256];
	long	 count, finished, within, pending, overdue;
	double	*hours;
	size_t	 nh, caph;
};

struct ctx {
	const struct calendar	*cal;
	long long		 now;
	struct group		 all, cur;
	json_t			*agencies, *overdue;
	int			 failed;
};

static int
add_hours(struct group *g, double h)
{
	double *p;

	if (g->nh == g->caph) {
		g->caph = g->caph == 0 ? 64 : g->caph * 2;
		if ((p = realloc(g->hours, g->caph * sizeof(*p))) == NULL)
			return -1;
		g->hours = p;
	}
	g->hours[g->nh++] = h;
	return 0;
}

static json_t *
group_json(struct group *g)
{
	long judged = g->finished + g->overdue;
	double median = calendar_median(g->hours, g->nh);

	/* Rounded to a minute for the eye; the share to 0.1 %. */
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:f, s:f}", "count",
	    (int)g->count, "finished", (int)g->finished,
	    "within_one_working_day", (int)g->within, "pending",
	    (int)g->pending, "overdue", (int)g->overdue,
	    "share_within_one_working_day", judged == 0 ? 1.0 :
	    (double)(long)((double)g->within * 1000 / (double)judged + 0.5) /
	    1000, "median_working_hours", (double)(long)(median * 60 + 0.5) /
	    60);
}

static void
group_reset(struct group *g)
{
	free(g->hours);
	memset(g, 0, sizeof(*g));
}

static int
flush(struct ctx *c)
{
	json_t *j;

	if (c->cur.code[0] == '\0')
		return 0;
	if ((j = group_json(&c->cur)) == NULL ||
	    json_object_set_new(j, "agency", json_string(c->cur.code)) == -1 ||
	    json_object_set_new(j, "agency_name", json_string(c->cur.name)) ==
	    -1 || json_array_append_new(c->agencies, j) == -1)
		return -1;
	group_reset(&c->cur);
	return 0;
}

static int
row_cb(void *arg, const struct srow *r)
{
	struct ctx *c = arg;
	const char *code = srow_text(r, 1);
	long long start = srow_int(r, 5), decided = srow_int(r, 7);
	long long issued = srow_int(r, 8), end = 0;
	const char *status = srow_text(r, 4);
	double h;
	json_t *o;
	int within = 0, late_open = 0;

	if (strcmp(code, c->cur.code) != 0) {
		if (flush(c) == -1)
			return -1;
		snprintf(c->cur.code, sizeof(c->cur.code), "%s", code);
		srow_copy(r, 2, c->cur.name, sizeof(c->cur.name));
	}
	if (strcmp(status, "REJECTED") == 0 && decided >= start)
		end = decided;
	else if (issued > 0)
		end = issued;
	c->cur.count++;
	c->all.count++;
	if (end > 0) {
		h = calendar_working_hours(c->cal, (time_t)start, (time_t)end);
		within = calendar_within_one_working_day(c->cal, (time_t)start,
		    (time_t)end);
		c->cur.finished++;
		c->all.finished++;
		c->cur.within += within;
		c->all.within += within;
		if (add_hours(&c->cur, h) == -1 || add_hours(&c->all, h) == -1)
			return -1;
	} else if (calendar_within_one_working_day(c->cal, (time_t)start,
	    (time_t)c->now)) {
		c->cur.pending++;
		c->all.pending++;
		return 0;
	} else {
		late_open = 1;
		c->cur.overdue++;
		c->all.overdue++;
		h = calendar_working_hours(c->cal, (time_t)start, (time_t)c->now);
	}
	if (within)
		return 0;
	/* Late, finished or not: listed, with what it took so far. */
	o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:f, s:b}", "id",
	    srow_text(r, 0), "agency", code, "name", srow_text(r, 3), "status",
	    status, "data_complete_at", (json_int_t)start, "due_at",
	    (json_int_t)calendar_due(c->cal, (time_t)start), "working_hours",
	    (double)(long)(h * 60 + 0.5) / 60, "open", late_open);
	if (o == NULL || (end > 0 && json_object_set_new(o, "finished_at",
	    json_integer(end)) == -1))
		return -1;
	return json_array_append_new(c->overdue, o) == 0 ? 0 : -1;
}

int
sla_parse_date(const char *s, long long *midnight_utc)
{
	struct tm tm;
	const char *end;

	if (s == NULL || strlen(s) != 10)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0' ||
	    tm.tm_year < 70 || tm.tm_year > 8099)
		return -1;
	/* 00:00 in Asia/Jakarta. */
	*midnight_utc = (long long)timegm(&tm) - CALENDAR_UTC_OFFSET;
	return 0;
}

json_t *
sla_report(struct store *s, long agency_id, const char *from, const char *to,
    struct err *e)
{
	struct complaint_times ct;
	struct ctx c;
	long long f, t;
	json_t *out = NULL, *all;

	if (sla_parse_date(from, &f) == -1) {
		err_set(e, ERR_VALIDATION, "from");
		return NULL;
	}
	if (sla_parse_date(to, &t) == -1 || t < f || t - f > 3660LL * 86400) {
		err_set(e, ERR_VALIDATION, "to");
		return NULL;
	}
	memset(&c, 0, sizeof(c));
	c.now = now_utc();
	/* S4: the complaints received in the same days, and how soon they
	 * were answered (before the calendar is held: it takes it too). */
	if (complaint_answer_times(s, agency_id, f, t + 86400, c.now, &ct,
	    e) == -1)
		return NULL;
	c.agencies = json_array();
	c.overdue = json_array();
	c.cal = holidays_acquire();
	if (c.agencies == NULL || c.overdue == NULL || store_q(s, "SELECT "
	    "a.public_id, g.code, g.name, a.name, a.status, a.data_complete_at, "
	    "a.due_at, COALESCE(a.decided_at, 0), COALESCE((SELECT "
	    "MIN(h.created_at) FROM holders h WHERE h.application_id = a.id), "
	    "0) FROM applications a JOIN agencies g ON g.id = a.agency_id "
	    "WHERE a.data_complete_at >= ? AND a.data_complete_at < ? AND "
	    "a.status <> 'CANCELLED' AND (? = 0 OR a.agency_id = ?) ORDER BY "
	    "g.code, a.data_complete_at, a.id", row_cb, &c, e, SV_I(f),
	    SV_I(t + 86400), SV_I(agency_id), SV_I(agency_id)) == -1 ||
	    flush(&c) == -1 || (all = group_json(&c.all)) == NULL) {
		if (e->code == ERR_OK)
			err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	out = json_pack("{s:s, s:s, s:s, s:I, s:o, s:O, s:O, s:o}", "from",
	    from, "to", to, "time_zone", "Asia/Jakarta", "generated_at",
	    (json_int_t)c.now, "overall", all, "agencies", c.agencies,
	    "late", c.overdue, "complaints", complaint_times_json(&ct));
	if (out == NULL)
		err_set(e, ERR_INTERNAL, "out of memory");
out:
	holidays_release();
	group_reset(&c.cur);
	group_reset(&c.all);
	json_decref(c.agencies);
	json_decref(c.overdue);
	return out;
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break; a
 * leading = + - @ is defused so that a spreadsheet never runs it. */
static int
csv_field(struct buf *b, const char *v, int last)
{
	const char *p;
	int formula = v[0] != '\0' && strchr("=+-@", v[0]) != NULL;
	int quote = formula || strpbrk(v, ",\"\r\n") != NULL;

	if (quote && buf_addstr(b, "\"") == -1)
		return -1;
	if (formula && buf_addstr(b, "'") == -1)
		return -1;
	for (p = v; *p != '\0'; p++)
		if ((*p == '"' && buf_addstr(b, "\"\"") == -1) ||
		    (*p != '"' && buf_add(b, p, 1) == -1))
			return -1;
	if (quote && buf_addstr(b, "\"") == -1)
		return -1;
	return buf_addstr(b, last ? "\r\n" : ",");
}

static int
csv_group(struct buf *b, const char *code, const char *name, json_t *g)
{
	char v[7][32];

	snprintf(v[0], sizeof(v[0]), "%lld", (long long)json_integer_value(
	    json_object_get(g, "count")));
	snprintf(v[1], sizeof(v[1]), "%lld", (long long)json_integer_value(
	    json_object_get(g, "finished")));
	snprintf(v[2], sizeof(v[2]), "%lld", (long long)json_integer_value(
	    json_object_get(g, "within_one_working_day")));
	snprintf(v[3], sizeof(v[3]), "%lld", (long long)json_integer_value(
	    json_object_get(g, "pending")));
	snprintf(v[4], sizeof(v[4]), "%lld", (long long)json_integer_value(
	    json_object_get(g, "overdue")));
	snprintf(v[5], sizeof(v[5]), "%.3f", json_real_value(json_object_get(g,
	    "share_within_one_working_day")));
	snprintf(v[6], sizeof(v[6]), "%.2f", json_real_value(json_object_get(g,
	    "median_working_hours")));
	return csv_field(b, code, 0) == -1 || csv_field(b, name, 0) == -1 ||
	    csv_field(b, v[0], 0) == -1 || csv_field(b, v[1], 0) == -1 ||
	    csv_field(b, v[2], 0) == -1 || csv_field(b, v[3], 0) == -1 ||
	    csv_field(b, v[4], 0) == -1 || csv_field(b, v[5], 0) == -1 ||
	    csv_field(b, v[6], 1) == -1 ? -1 : 0;
}

int
sla_csv(json_t *report, int late, struct buf *b)
{
	json_t *g;
	size_t i;
	char v[4][32];

	if (!late) {
		if (buf_addstr(b, "agency,agency_name,count,finished,"
		    "within_one_working_day,pending,overdue,"
		    "share_within_one_working_day,median_working_hours\r\n") ==
		    -1)
			return -1;
		json_array_foreach(json_object_get(report, "agencies"), i, g)
			if (csv_group(b, json_string_value(json_object_get(g,
			    "agency")), json_string_value(json_object_get(g,
			    "agency_name")), g) == -1)
				return -1;
		return csv_group(b, "ALL", "", json_object_get(report,
		    "overall"));
	}
	if (buf_addstr(b, "id,agency,name,status,data_complete_at,due_at,"
	    "finished_at,working_hours,open\r\n") == -1)
		return -1;
	json_array_foreach(json_object_get(report, "late"), i, g) {
		fmt_time_iso((time_t)json_integer_value(json_object_get(g,
		    "data_complete_at")), v[0], sizeof(v[0]));
		fmt_time_iso((time_t)json_integer_value(json_object_get(g,
		    "due_at")), v[1], sizeof(v[1]));
		v[2][0] = '\0';
		if (json_object_get(g, "finished_at") != NULL)
			fmt_time_iso((time_t)json_integer_value(json_object_get(
			    g, "finished_at")), v[2], sizeof(v[2]));
		snprintf(v[3], sizeof(v[3]), "%.2f", json_real_value(
		    json_object_get(g, "working_hours")));
		if (csv_field(b, json_string_value(json_object_get(g, "id")),
		    0) == -1 || csv_field(b, json_string_value(json_object_get(
		    g, "agency")), 0) == -1 || csv_field(b, json_string_value(
		    json_object_get(g, "name")), 0) == -1 || csv_field(b,
		    json_string_value(json_object_get(g, "status")), 0) == -1 ||
		    csv_field(b, v[0], 0) == -1 || csv_field(b, v[1], 0) == -1 ||
		    csv_field(b, v[2], 0) == -1 || csv_field(b, v[3], 0) == -1 ||
		    csv_field(b, json_is_true(json_object_get(g, "open")) ?
		    "true" : "false", 1) == -1)
			return -1;
	}
	return 0;
}
