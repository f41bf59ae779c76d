/*
 * calendar.c - the working-day calendar of Asia/Jakarta (see calendar.h).
 *
 * Times become day numbers: days since 1970-01-01 of the Jakarta clock,
 * (t + 7 h) / 86400, and dates are computed from day numbers with the
 * proleptic Gregorian algorithms of H. Hinnant ("chrono-compatible
 * low-level date algorithms"). Jakarta has kept UTC+7 since 1964 and has
 * no daylight saving time, so a fixed offset is exact for every time this
 * service sees, and it keeps the answer independent of the server's TZ.
 *
 * The non-working dates are a sorted array searched by bisection: a few
 * dozen entries a year. Working hours over a long range count weekdays
 * per whole week and subtract the calendar dates in the range, so a
 * report over years does not walk day by day.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

/* 9999-12-31T23:59:59 Asia/Jakarta. */
#define T_MAX		253402275599LL
#define YEAR_MIN	1970
#define YEAR_MAX	9999
#define DAY		86400LL

_Static_assert(sizeof(time_t) >= 8,
    "calendar times reach year 9999: time_t must have 64 bits");

static const char *const kinds[] = { "holiday", "cuti_bersama" };

/* ---- dates ---- */

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of y-m-d; y >= 1970, so nothing is negative. */
static long long
days_from_civil(int y, int m, int d)
{
	long long yy = y - (m <= 2), era, yoe, doy, doe;

	era = yy / 400;
	yoe = yy - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* YYYYMMDD of a day number >= 0. */
static int
ymd_from_days(long long z)
{
	long long era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	return (int)(y * 10000 + m * 100 + d);
}

/* 1970-01-01 was a Thursday; Monday to Friday are the weekdays. */
static int
is_weekday(long long day)
{
	int wday = (int)((day + 4) % 7);	/* 0 Sunday .. 6 Saturday */

	return wday >= 1 && wday <= 5;
}

/* Monday-to-Friday days in [0, day). */
static long long
weekdays_before(long long day)
{
	long long n = day / 7 * 5, d;

	for (d = day / 7 * 7; d < day; d++)
		n += is_weekday(d);
	return n;
}

static int
in_range(time_t t)
{
	return t >= 0 && (long long)t <= T_MAX;
}

/* Jakarta day number of t; t in range. */
static long long
day_of(time_t t)
{
	return ((long long)t + CALENDAR_UTC_OFFSET) / DAY;
}

/* UTC time of 00:00 Jakarta on day. */
static time_t
day_start(long long day)
{
	return (time_t)(day * DAY - CALENDAR_UTC_OFFSET);
}

/* "YYYY-MM-DD" exactly, a real date, years YEAR_MIN..YEAR_MAX. */
static int
parse_date(const char *s, int *ymd)
{
	int i, y = 0, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	for (i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1 ||
	    d > month_days(y, m))
		return -1;
	*ymd = y * 10000 + m * 100 + d;
	return 0;
}

/*
 * s for an error detail when it is short printable ASCII, else a
 * placeholder: details end up in JSON answers and logs, where a cut
 * UTF-8 sequence or a control character would do harm.
 */
static const char *
shown(const char *s)
{
	size_t i;

	if (s == NULL)
		return "(none)";
	for (i = 0; s[i] != '\0'; i++)
		if (i >= 16 || s[i] < 0x20 || s[i] > 0x7e)
			return "(not shown)";
	return s;
}

/* ---- the set ---- */

/* Index of the first entry with ymd >= key. */
static size_t
lower_bound(const struct calendar *c, int key)
{
	size_t lo = 0, hi = c->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->entries[mid].ymd < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct calendar_entry *
find(const struct calendar *c, int ymd)
{
	size_t i;

	if (c == NULL || c->n == 0)
		return NULL;
	i = lower_bound(c, ymd);
	return i < c->n && c->entries[i].ymd == ymd ? &c->entries[i] : NULL;
}

static int
working(const struct calendar *c, long long day)
{
	return is_weekday(day) && find(c, ymd_from_days(day)) == NULL;
}

/*
 * The first working day after day. Ends: the calendar is finite and
 * weekdays past its last entry are working days.
 */
static long long
next_working(const struct calendar *c, long long day)
{
	do
		day++;
	while (!working(c, day));
	return day;
}

void
calendar_init(struct calendar *c)
{
	c->entries = NULL;
	c->n = c->cap = 0;
}

void
calendar_cleanup(struct calendar *c)
{
	if (c == NULL)
		return;
	free(c->entries);
	calendar_init(c);
}

/* Well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF)
 * without control characters. */
static int
text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	int k, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			k = 1;
			cp = *p & 0x1f;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			k = 2;
			cp = *p & 0x0f;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			k = 3;
			cp = *p & 0x07;
		} else
			return 0;
		for (i = 1; i <= k; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp <= 0x9f))
			return 0;
		p += k + 1;
	}
	return 1;
}

static int
check_name(const char *field, const char *s, struct err *e)
{
	if (s == NULL || *s == '\0')
		return err_set(e, ERR_VALIDATION, "%s is missing", field);
	if (strlen(s) >= CALENDAR_NAME_MAX)
		return err_set(e, ERR_VALIDATION,
		    "%s is longer than %d bytes", field, CALENDAR_NAME_MAX - 1);
	if (!text_ok(s))
		return err_set(e, ERR_VALIDATION,
		    "%s is not UTF-8 text without control characters", field);
	return 0;
}

int
calendar_add(struct calendar *c, const char *yyyy_mm_dd, const char *name_id,
    const char *name_en, const char *kind, struct err *e)
{
	struct calendar_entry *ne;
	size_t i, k, cap;
	int ymd = 0, ret = -1;

	if (c == NULL) {
		err_set(e, ERR_INTERNAL, "calendar_add: no calendar");
		goto out;
	}
	if (yyyy_mm_dd == NULL || parse_date(yyyy_mm_dd, &ymd) == -1) {
		err_set(e, ERR_VALIDATION, "date \"%s\" is not a real date "
		    "YYYY-MM-DD from %d to %d", shown(yyyy_mm_dd), YEAR_MIN,
		    YEAR_MAX);
		goto out;
	}
	if (check_name("name_id", name_id, e) == -1 ||
	    check_name("name_en", name_en, e) == -1)
		goto out;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (kind != NULL && strcmp(kind, kinds[k]) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0])) {
		err_set(e, ERR_VALIDATION,
		    "kind must be \"holiday\" or \"cuti_bersama\"");
		goto out;
	}
	i = lower_bound(c, ymd);
	if (i < c->n && c->entries[i].ymd == ymd) {
		err_set(e, ERR_CONFLICT, "%s is already in the calendar (%s)",
		    yyyy_mm_dd, c->entries[i].name_en);
		goto out;
	}
	if (c->n >= CALENDAR_MAX_ENTRIES) {
		err_set(e, ERR_VALIDATION, "more than %d calendar dates",
		    CALENDAR_MAX_ENTRIES);
		goto out;
	}
	if (c->n == c->cap) {
		cap = c->cap == 0 ? 64 : c->cap * 2;
		if ((ne = reallocarray(c->entries, cap, sizeof(*ne))) == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		c->entries = ne;
		c->cap = cap;
	}
	memmove(&c->entries[i + 1], &c->entries[i],
	    (c->n - i) * sizeof(c->entries[0]));
	ne = &c->entries[i];
	memset(ne, 0, sizeof(*ne));
	ne->ymd = ymd;
	snprintf(ne->name_id, sizeof(ne->name_id), "%s", name_id);
	snprintf(ne->name_en, sizeof(ne->name_en), "%s", name_en);
	snprintf(ne->kind, sizeof(ne->kind), "%s", kinds[k]);
	c->n++;
	ret = 0;
out:
	return ret;
}

/* The string member name of o, or NULL when absent or not a string. */
static const char *
member_str(json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

static int
load_year(struct calendar *c, const char *key, json_t *list, struct err *e)
{
	struct err sub;
	json_t *item, *st;
	const char *date;
	char first[16];
	size_t i;
	int ymd;

	snprintf(first, sizeof(first), "%.4s-01-01", key);
	if (strlen(key) != 4 || parse_date(first, &ymd) == -1)
		return err_set(e, ERR_VALIDATION,
		    "years: \"%s\" is not a year from %d to %d", shown(key),
		    YEAR_MIN, YEAR_MAX);
	if (!json_is_array(list))
		return err_set(e, ERR_BAD_REQUEST,
		    "years.%s is not an array", key);
	json_array_foreach(list, i, item) {
		if (!json_is_object(item))
			return err_set(e, ERR_BAD_REQUEST,
			    "years.%s[%zu] is not an object", key, i);
		st = json_object_get(item, "status");
		if (st != NULL && !json_is_string(st))
			return err_set(e, ERR_VALIDATION,
			    "years.%s[%zu].status is not a string", key, i);
		/* A date filed under the wrong year is a typo in one of
		 * the two; refuse rather than guess which. */
		date = member_str(item, "date");
		if (date != NULL && parse_date(date, &ymd) == 0 &&
		    strncmp(date, key, 4) != 0)
			return err_set(e, ERR_VALIDATION,
			    "years.%s[%zu]: date %s is not in %s", key, i,
			    date, key);
		if (calendar_add(c, date, member_str(item, "name_id"),
		    member_str(item, "name_en"), member_str(item, "kind"),
		    &sub) == -1)
			return err_set(e, sub.code, "years.%s[%zu]: %s", key, i,
			    sub.detail);
	}
	return 0;
}

int
calendar_load_json(struct calendar *c, const char *json_text, size_t len,
    struct err *e)
{
	struct calendar tmp;
	json_error_t je;
	json_t *root = NULL, *years, *list;
	const char *key;
	int ret = -1;

	calendar_init(&tmp);
	if (c == NULL) {
		err_set(e, ERR_INTERNAL, "calendar_load_json: no calendar");
		goto out;
	}
	if (json_text == NULL) {
		err_set(e, ERR_BAD_REQUEST, "no calendar document");
		goto out;
	}
	root = json_loadb(json_text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		err_set(e, ERR_BAD_JSON, "calendar: line %d column %d: %s",
		    je.line, je.column, je.text);
		goto out;
	}
	if (!json_is_object(root)) {
		err_set(e, ERR_BAD_REQUEST, "calendar: not a JSON object");
		goto out;
	}
	years = json_object_get(root, "years");
	if (!json_is_object(years)) {
		err_set(e, ERR_BAD_REQUEST,
		    "calendar: \"years\" is missing or not an object");
		goto out;
	}
	/* All or nothing: build the result beside the calendar, swap at
	 * the end. */
	if (c->n > 0) {
		tmp.entries = reallocarray(NULL, c->n, sizeof(*tmp.entries));
		if (tmp.entries == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		memcpy(tmp.entries, c->entries, c->n * sizeof(*tmp.entries));
		tmp.n = tmp.cap = c->n;
	}
	json_object_foreach(years, key, list) {
		if (load_year(&tmp, key, list, e) == -1)
			goto out;
	}
	calendar_cleanup(c);
	*c = tmp;
	calendar_init(&tmp);
	ret = 0;
out:
	calendar_cleanup(&tmp);
	json_decref(root);
	return ret;
}

/* ---- questions ---- */

const struct calendar_entry *
calendar_entry_at(const struct calendar *c, time_t t)
{
	if (!in_range(t))
		return NULL;
	return find(c, ymd_from_days(day_of(t)));
}

int
calendar_is_working_day(const struct calendar *c, time_t t)
{
	return in_range(t) && working(c, day_of(t));
}

time_t
calendar_due(const struct calendar *c, time_t t)
{
	long long day, d1;

	if (!in_range(t))
		return -1;
	day = day_of(t);
	if (working(c, day))
		return (time_t)(t + (next_working(c, day) - day) * DAY);
	/* Not a working day: the clock starts at 00:00 of the next one,
	 * d1, and the due time is the end of d1. */
	d1 = next_working(c, day);
	return day_start(next_working(c, d1));
}

int
calendar_within_one_working_day(const struct calendar *c, time_t from,
    time_t to)
{
	time_t due = calendar_due(c, from);

	return due != -1 && to <= due;
}

double
calendar_working_hours(const struct calendar *c, time_t from, time_t to)
{
	long long a, b, secs = 0, full;
	size_t i;
	int ymd_hi, y, m, d;

	if (from < 0)
		from = 0;
	if ((long long)to > T_MAX + 1)
		to = (time_t)(T_MAX + 1);
	if (to <= from)
		return 0;
	a = day_of(from);
	b = day_of(to);
	if (a == b)
		return working(c, a) ? (double)(to - from) / 3600.0 : 0;
	if (working(c, a))
		secs += (long long)(day_start(a + 1) - from);
	if (working(c, b))
		secs += (long long)(to - day_start(b));
	/* Whole days a+1 .. b-1: weekdays, less calendar dates among
	 * them that fall on a weekday. */
	if (b - a > 1) {
		full = weekdays_before(b) - weekdays_before(a + 1);
		if (c != NULL && c->n > 0) {
			ymd_hi = ymd_from_days(b - 1);
			for (i = lower_bound(c, ymd_from_days(a + 1));
			    i < c->n && c->entries[i].ymd <= ymd_hi; i++) {
				y = c->entries[i].ymd / 10000;
				m = c->entries[i].ymd / 100 % 100;
				d = c->entries[i].ymd % 100;
				full -= is_weekday(days_from_civil(y, m, d));
			}
		}
		secs += full * DAY;
	}
	return (double)secs / 3600.0;
}

json_t *
calendar_json(const struct calendar *c, int year)
{
	const struct calendar_entry *en;
	json_t *arr, *o;
	char date[16];
	size_t i;

	if ((arr = json_array()) == NULL)
		return NULL;
	for (i = 0; c != NULL && i < c->n; i++) {
		en = &c->entries[i];
		if (year != 0 && en->ymd / 10000 != year)
			continue;
		snprintf(date, sizeof(date), "%04d-%02d-%02d", en->ymd / 10000,
		    en->ymd / 100 % 100, en->ymd % 100);
		o = json_pack("{s:s, s:s, s:s, s:s}", "date", date,
		    "name_id", en->name_id, "name_en", en->name_en,
		    "kind", en->kind);
		if (o == NULL || json_array_append_new(arr, o) == -1) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* ---- the report ---- */

static int
cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	/* A total order even with NaN, which qsort needs. */
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	return (a > b) - (a < b);
}

double
calendar_median(double *values, size_t n)
{
	if (values == NULL || n == 0)
		return 0;
	qsort(values, n, sizeof(values[0]), cmp_double);
	if (n % 2 == 1)
		return values[n / 2];
	return values[n / 2 - 1] / 2 + values[n / 2] / 2;
}
