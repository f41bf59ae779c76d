/*
 * calendar.h - the working-day calendar of Asia/Jakarta, for the "within
 * one working day" promise (S1): which days count, when an application
 * is due, and how many working hours an application took.
 *
 * A working day is Monday to Friday in Asia/Jakarta (UTC+7 all year, no
 * daylight saving time), minus the dates in the calendar: national
 * holidays ("holiday") and collective leave ("cuti_bersama") of the joint
 * ministerial decrees (SKB 3 Menteri), kept as data (data/holidays-id.json
 * seeds 2026 and 2027; ADMIN edits them). The date arithmetic is done on
 * day numbers with a fixed offset rather than with localtime() and TZ, so
 * the answer cannot depend on the server's time zone or tzdata.
 *
 * Every function takes the time it is asked about: the clock is the
 * caller's (now_utc(), or a moved clock in test builds), never read here.
 * Times outside 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59+07:00 are
 * not working days and have no due time.
 */
#ifndef SERTEL_CALENDAR_H
#define SERTEL_CALENDAR_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "util.h"

#define CALENDAR_UTC_OFFSET	(7 * 3600)	/* Asia/Jakarta, WIB */
#define CALENDAR_NAME_MAX	128		/* bytes, NUL included */
#define CALENDAR_KIND_MAX	16
#define CALENDAR_MAX_ENTRIES	10000		/* bounds an upload */

struct calendar_entry {
	int	 ymd;				/* YYYYMMDD, 1970..9999 */
	char	 name_id[CALENDAR_NAME_MAX];	/* Indonesian */
	char	 name_en[CALENDAR_NAME_MAX];	/* English */
	char	 kind[CALENDAR_KIND_MAX];	/* "holiday", "cuti_bersama" */
};

/* The non-working dates, sorted by ymd, no date twice. */
struct calendar {
	struct calendar_entry	*entries;
	size_t			 n;
	size_t			 cap;
};

void	calendar_init(struct calendar *);
/* Frees the entries; accepts NULL; the calendar is empty afterwards. */
void	calendar_cleanup(struct calendar *);

/*
 * Adds one non-working date "YYYY-MM-DD" (a real date, 1970 to 9999)
 * with its names (non-empty UTF-8 without control characters, shorter
 * than CALENDAR_NAME_MAX bytes) and kind ("holiday" or "cuti_bersama").
 * 0, or -1 with ERR_VALIDATION (bad value; detail names the field) or
 * ERR_CONFLICT (the date is already in the calendar); the calendar is
 * unchanged on error.
 */
int	calendar_add(struct calendar *, const char *yyyy_mm_dd,
	    const char *name_id, const char *name_en, const char *kind,
	    struct err *);

/*
 * Adds every entry of a document shaped like data/holidays-id.json:
 *   { "source": "...", "years": { "2026": [ { "date": "2026-01-01",
 *     "name_id": "...", "name_en": "...", "kind": "holiday",
 *     "status": "decreed" }, ... ], ... } }
 * Each date must lie in the year it is listed under; "source", "status"
 * and unknown members are ignored. All or nothing: 0, or -1 with
 * ERR_BAD_JSON (not JSON, or a member twice in one object),
 * ERR_BAD_REQUEST (wrong shape), ERR_VALIDATION or ERR_CONFLICT (as
 * calendar_add; detail says where), and the calendar is unchanged.
 */
int	calendar_load_json(struct calendar *, const char *json_text,
	    size_t len, struct err *);

/*
 * The entry for the Asia/Jakarta date of t, or NULL when that date is not
 * in the calendar (it may still be a Saturday or Sunday).
 */
const struct calendar_entry *calendar_entry_at(const struct calendar *,
	    time_t t);

/*
 * 1 when the Asia/Jakarta date of t is Monday to Friday and not in the
 * calendar, else 0. A NULL calendar means weekends only.
 */
int	calendar_is_working_day(const struct calendar *, time_t t);

/*
 * The due time of something that becomes complete at t, "one working day
 * after t" (S1), in Asia/Jakarta:
 *
 *  - t on a working day: the same clock time on the next working day
 *    after t's date. Friday 10:00 is due Monday 10:00; Thursday 10:00
 *    before a Friday holiday is due Monday 10:00.
 *  - t on a non-working day (weekend, holiday, cuti bersama): nothing is
 *    owed before the office opens, so the clock starts at 00:00 of the
 *    next working day D, and the due time is the same clock time, 00:00,
 *    on the working day after D. Completed on Saturday: the clock starts
 *    Monday 00:00, due at the end of Monday, 00:00 Tuesday (when both
 *    are working days). Completed on a Thursday holiday: the clock
 *    starts Friday 00:00, due Monday 00:00 (Friday's 24 hours, then a
 *    weekend that does not count).
 *
 * Either way the due time is the last moment at which at most 24 working
 * hours (calendar_working_hours) have passed since t, so "within one
 * working day" and "24 working hours or less" always agree in the SLA
 * report. The result is a UTC time_t; -1 when t is out of range. A NULL
 * calendar means weekends only.
 */
time_t	calendar_due(const struct calendar *, time_t t);

/*
 * 1 when to <= calendar_due(from): something completed at from and
 * finished at to kept the promise (for to >= from, the same as
 * calendar_working_hours(from, to) <= 24). 0 otherwise, also when from
 * is out of range.
 */
int	calendar_within_one_working_day(const struct calendar *, time_t from,
	    time_t to);

/*
 * The hours of [from, to) that fall on working days: each working day
 * counts its full 24 hours of Asia/Jakarta time, every other day 0. So
 * Friday 12:00 to Monday 12:00 is 24 h. 0 when to <= from; times out of
 * range are clamped into it.
 */
double	calendar_working_hours(const struct calendar *, time_t from,
	    time_t to);

/*
 * The entries of one year (0: all years) in date order, as an array of
 * { "date": "YYYY-MM-DD", "name_id", "name_en", "kind" }. The caller
 * owns the result; NULL when out of memory.
 */
json_t	*calendar_json(const struct calendar *, int year);

/*
 * The median of values[0..n) for the SLA report: sorts values in place
 * (NaN last), the middle value for odd n, the mean of the two middle
 * values for even n, 0 for n == 0.
 */
double	calendar_median(double *values, size_t n);

#endif
