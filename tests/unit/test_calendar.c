/*
 * test_calendar.c - the working-day calendar (calendar.c) against the
 * seeded dates of data/holidays-id.json: which days count, due times,
 * working hours, and refusal of malformed calendars.
 *
 * Every expected time is written out by hand from the 2026/2027 decrees
 * (weekday of each date looked up, hours added up) and turned into a
 * time_t with timegm(), never with the functions under test. The suite
 * reads data/holidays-id.json by relative path: run it from the
 * repository root, as tests/unit/main.c says.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "unit.h"

#define HOLIDAYS_JSON	"data/holidays-id.json"

int	run_calendar_tests(void);

static struct calendar cal;

/* y-mo-d h:mi:s on the Asia/Jakarta clock (UTC+7) as a UTC time_t. */
static time_t
jkt(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm) - 7 * 3600;
}

static int
load_seed(void **state)
{
	struct buf b;
	struct err e = { 0 };
	int r;

	(void)state;
	calendar_init(&cal);
	if (file_read(HOLIDAYS_JSON, &b, 1 << 20) == -1) {
		print_error("cannot read %s (run from the repo root)\n",
		    HOLIDAYS_JSON);
		return -1;
	}
	r = calendar_load_json(&cal, (const char *)b.data, b.len, &e);
	if (r == -1)
		print_error("%s: %s\n", HOLIDAYS_JSON, e.detail);
	buf_cleanup(&b);
	return r;
}

static int
free_seed(void **state)
{
	(void)state;
	calendar_cleanup(&cal);
	return 0;
}

static void
helper_is_jakarta_time(void **state)
{
	(void)state;
	/* 2026-01-01T00:00+07:00 = 2025-12-31T17:00:00Z (date -d). */
	assert_int_equal(jkt(2026, 1, 1, 0, 0, 0), 1767200400);
	assert_int_equal(jkt(2026, 3, 21, 0, 0, 0), 1774026000);
}

static void
seed_loaded(void **state)
{
	json_t *a, *o;

	(void)state;
	/* 2026: 17 holidays + 8 cuti bersama; 2027: 18 + 8. */
	assert_int_equal(cal.n, 51);
	a = calendar_json(&cal, 2026);
	assert_non_null(a);
	assert_int_equal(json_array_size(a), 25);
	o = json_array_get(a, 0);
	assert_string_equal(json_string_value(json_object_get(o, "date")),
	    "2026-01-01");
	assert_string_equal(json_string_value(json_object_get(o, "name_id")),
	    "Tahun Baru 2026 Masehi");
	assert_string_equal(json_string_value(json_object_get(o, "name_en")),
	    "New Year's Day");
	assert_string_equal(json_string_value(json_object_get(o, "kind")),
	    "holiday");
	/* The 8th of 2026 is Idul Fitri day 1. */
	o = json_array_get(a, 7);
	assert_string_equal(json_string_value(json_object_get(o, "date")),
	    "2026-03-21");
	assert_string_equal(json_string_value(json_object_get(o, "name_id")),
	    "Idul Fitri 1447 Hijriah");
	json_decref(a);
	a = calendar_json(&cal, 2027);
	assert_int_equal(json_array_size(a), 26);
	json_decref(a);
	a = calendar_json(&cal, 2028);
	assert_non_null(a);
	assert_int_equal(json_array_size(a), 0);
	json_decref(a);
	a = calendar_json(&cal, 0);
	assert_int_equal(json_array_size(a), 51);
	o = json_array_get(a, 50);
	assert_string_equal(json_string_value(json_object_get(o, "date")),
	    "2027-12-26");
	json_decref(a);
}

static void
working_days_2026(void **state)
{
	const struct calendar_entry *en;

	(void)state;
	/* New Year's Day, a Thursday, all day long in Jakarta time. */
	assert_false(calendar_is_working_day(&cal, jkt(2026, 1, 1, 0, 0, 0)));
	assert_false(calendar_is_working_day(&cal, jkt(2026, 1, 1, 10, 0, 0)));
	assert_false(calendar_is_working_day(&cal,
	    jkt(2026, 1, 1, 23, 59, 59)));
	/* Wednesday 2025-12-31 23:59:59 in Jakarta is still a working day
	 * (16:59:59Z); one second later it is the holiday (17:00Z). */
	assert_true(calendar_is_working_day(&cal, 1767200399));
	assert_false(calendar_is_working_day(&cal, 1767200400));
	en = calendar_entry_at(&cal, jkt(2026, 1, 1, 12, 0, 0));
	assert_non_null(en);
	assert_int_equal(en->ymd, 20260101);
	assert_string_equal(en->kind, "holiday");
	/* Friday 2026-01-02 is a plain working day. */
	assert_true(calendar_is_working_day(&cal, jkt(2026, 1, 2, 9, 0, 0)));
	/* Idul Fitri 1447 H on Saturday 2026-03-21: off twice over. */
	assert_false(calendar_is_working_day(&cal, jkt(2026, 3, 21, 9, 0, 0)));
	en = calendar_entry_at(&cal, jkt(2026, 3, 21, 9, 0, 0));
	assert_non_null(en);
	assert_string_equal(en->name_id, "Idul Fitri 1447 Hijriah");
	assert_string_equal(en->name_en, "Eid al-Fitr (day 1)");
	/* Nyepi and Idul Fitri run Wed 18 to Tue 24 March 2026. */
	assert_true(calendar_is_working_day(&cal, jkt(2026, 3, 17, 9, 0, 0)));
	assert_false(calendar_is_working_day(&cal, jkt(2026, 3, 18, 9, 0, 0)));
	assert_false(calendar_is_working_day(&cal, jkt(2026, 3, 19, 9, 0, 0)));
	assert_false(calendar_is_working_day(&cal, jkt(2026, 3, 20, 9, 0, 0)));
	assert_false(calendar_is_working_day(&cal, jkt(2026, 3, 22, 9, 0, 0)));
	assert_false(calendar_is_working_day(&cal, jkt(2026, 3, 23, 9, 0, 0)));
	assert_false(calendar_is_working_day(&cal, jkt(2026, 3, 24, 9, 0, 0)));
	assert_true(calendar_is_working_day(&cal, jkt(2026, 3, 25, 9, 0, 0)));
	en = calendar_entry_at(&cal, jkt(2026, 3, 20, 9, 0, 0));
	assert_non_null(en);
	assert_string_equal(en->kind, "cuti_bersama");
	assert_string_equal(en->name_id,
	    "Cuti Bersama Idul Fitri 1447 Hijriah");
	en = calendar_entry_at(&cal, jkt(2026, 3, 24, 9, 0, 0));
	assert_non_null(en);
	assert_string_equal(en->kind, "cuti_bersama");
	/* Plain Wednesdays. */
	assert_true(calendar_is_working_day(&cal, jkt(2026, 1, 7, 12, 0, 0)));
	assert_true(calendar_is_working_day(&cal, jkt(2026, 11, 25, 0, 0, 0)));
	assert_null(calendar_entry_at(&cal, jkt(2026, 1, 7, 12, 0, 0)));
	/* A weekend with nothing in the calendar. */
	assert_false(calendar_is_working_day(&cal, jkt(2026, 1, 3, 12, 0, 0)));
	assert_false(calendar_is_working_day(&cal, jkt(2026, 1, 4, 12, 0, 0)));
	assert_null(calendar_entry_at(&cal, jkt(2026, 1, 3, 12, 0, 0)));
	/* Monday 2026-01-05 00:00 Jakarta is Sunday 17:00 UTC. */
	assert_true(calendar_is_working_day(&cal, jkt(2026, 1, 5, 0, 0, 0)));
	/* 2027: collective leave on Monday 15 March. */
	assert_false(calendar_is_working_day(&cal, jkt(2027, 3, 15, 9, 0, 0)));
	assert_true(calendar_is_working_day(&cal, jkt(2027, 3, 16, 9, 0, 0)));
	/* Out of range, and no calendar at all (weekends only). */
	assert_false(calendar_is_working_day(&cal, -1));
	assert_true(calendar_is_working_day(NULL, jkt(2026, 1, 1, 10, 0, 0)));
	assert_false(calendar_is_working_day(NULL, jkt(2026, 1, 3, 10, 0, 0)));
}

static void
due_times(void **state)
{
	(void)state;
	/* Friday 10:00 -> Monday 10:00. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 1, 9, 10, 0, 0)),
	    jkt(2026, 1, 12, 10, 0, 0));
	/* A plain Wednesday -> Thursday, to the second, at both ends of
	 * the Jakarta day. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 1, 7, 0, 0, 0)),
	    jkt(2026, 1, 8, 0, 0, 0));
	assert_int_equal(calendar_due(&cal, jkt(2026, 1, 7, 23, 59, 59)),
	    jkt(2026, 1, 8, 23, 59, 59));
	/* Thursday before the Friday holiday (Isra Mikraj, 16 Jan). */
	assert_int_equal(calendar_due(&cal, jkt(2026, 1, 15, 9, 30, 0)),
	    jkt(2026, 1, 19, 9, 30, 0));
	/* Thursday before Good Friday (3 Apr). */
	assert_int_equal(calendar_due(&cal, jkt(2026, 4, 2, 14, 0, 0)),
	    jkt(2026, 4, 6, 14, 0, 0));
	/* Saturday -> clock starts Monday 00:00 -> due Tuesday 00:00. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 1, 10, 14, 0, 0)),
	    jkt(2026, 1, 13, 0, 0, 0));
	assert_int_equal(calendar_due(&cal, jkt(2026, 1, 11, 23, 59, 59)),
	    jkt(2026, 1, 13, 0, 0, 0));
	/* Friday 23:30 in Jakarta is 16:30 UTC: still Friday. Friday
	 * 17:30 UTC is Saturday 00:30 in Jakarta: a weekend. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 1, 9, 23, 30, 0)),
	    jkt(2026, 1, 12, 23, 30, 0));
	assert_int_equal(calendar_due(&cal, jkt(2026, 1, 10, 0, 30, 0)),
	    jkt(2026, 1, 13, 0, 0, 0));
	/* Monday 00:00:00 is a working-day start: due Tuesday 00:00:00,
	 * the same as Sunday's. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 1, 5, 0, 0, 0)),
	    jkt(2026, 1, 6, 0, 0, 0));
	/* On a weekday holiday (Thu 1 Jan): the clock starts Friday
	 * 2 Jan 00:00; the same clock time on the next working day is
	 * Monday 5 Jan 00:00. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 1, 1, 11, 0, 0)),
	    jkt(2026, 1, 5, 0, 0, 0));
	/* Tuesday 17 Mar, before Nyepi + Idul Fitri (18..24 off):
	 * Wednesday 25 Mar, same time. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 3, 17, 15, 0, 0)),
	    jkt(2026, 3, 25, 15, 0, 0));
	/* Inside that run (Idul Fitri, Saturday 21 Mar): clock starts
	 * Wednesday 25, due Thursday 26 00:00. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 3, 21, 10, 0, 0)),
	    jkt(2026, 3, 26, 0, 0, 0));
	/* 2027: Friday 5 Mar, then Nyepi Mon 8, cuti 9, Idul Fitri 10-11,
	 * cuti Fri 12, weekend, cuti Mon 15: Tuesday 16 Mar. */
	assert_int_equal(calendar_due(&cal, jkt(2027, 3, 5, 8, 0, 0)),
	    jkt(2027, 3, 16, 8, 0, 0));
	/* Wednesday 2026-12-23: cuti 24, Christmas 25, weekend: Mon 28. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 12, 23, 16, 0, 0)),
	    jkt(2026, 12, 28, 16, 0, 0));
	/* Across the year: Thu 2026-12-31 -> New Year Fri, weekend ->
	 * Monday 2027-01-04. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 12, 31, 10, 0, 0)),
	    jkt(2027, 1, 4, 10, 0, 0));
	/* On cuti bersama Thu 2026-12-24: clock starts Mon 28 -> Tue 29. */
	assert_int_equal(calendar_due(&cal, jkt(2026, 12, 24, 10, 0, 0)),
	    jkt(2026, 12, 29, 0, 0, 0));
	/* Monday 2027-01-04 -> Isra Mikraj Tuesday 5 Jan -> Wednesday. */
	assert_int_equal(calendar_due(&cal, jkt(2027, 1, 4, 11, 0, 0)),
	    jkt(2027, 1, 6, 11, 0, 0));
	/* Without a calendar only weekends count. */
	assert_int_equal(calendar_due(NULL, jkt(2026, 1, 1, 10, 0, 0)),
	    jkt(2026, 1, 2, 10, 0, 0));
	assert_int_equal(calendar_due(&cal, -1), -1);
}

static void
within_one_day(void **state)
{
	time_t from = jkt(2026, 1, 9, 10, 0, 0);	/* Friday */

	(void)state;
	assert_true(calendar_within_one_working_day(&cal, from,
	    jkt(2026, 1, 9, 16, 0, 0)));
	assert_true(calendar_within_one_working_day(&cal, from,
	    jkt(2026, 1, 12, 10, 0, 0)));
	assert_false(calendar_within_one_working_day(&cal, from,
	    jkt(2026, 1, 12, 10, 0, 1)));
	/* Completed Tuesday 17 Mar 2026, finished after the Lebaran
	 * break on Wednesday 25 Mar at 14:00: in time. */
	assert_true(calendar_within_one_working_day(&cal,
	    jkt(2026, 3, 17, 15, 0, 0), jkt(2026, 3, 25, 14, 0, 0)));
	assert_false(calendar_within_one_working_day(&cal,
	    jkt(2026, 3, 17, 15, 0, 0), jkt(2026, 3, 26, 9, 0, 0)));
	assert_false(calendar_within_one_working_day(&cal, -5, 0));
}

static void
hours(void **state)
{
	(void)state;
	/* Fri 12:00 -> Mon 12:00: 12 + 0 + 0 + 12. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 9, 12, 0, 0), jkt(2026, 1, 12, 12, 0, 0)), 24, 1e-9);
	/* Same day, Wednesday 09:00 -> 17:30. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 7, 9, 0, 0), jkt(2026, 1, 7, 17, 30, 0)), 8.5, 1e-9);
	/* Same day on a Saturday. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 10, 9, 0, 0), jkt(2026, 1, 10, 17, 0, 0)), 0, 1e-9);
	/* Across New Year: Wed 2025-12-31 12:00 -> Fri 2026-01-02 12:00:
	 * 12 + 0 (holiday) + 12. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2025, 12, 31, 12, 0, 0), jkt(2026, 1, 2, 12, 0, 0)), 24, 1e-9);
	/* Starting on the holiday: Thu 1 Jan 10:00 -> Fri 10:00 = 10. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 1, 10, 0, 0), jkt(2026, 1, 2, 10, 0, 0)), 10, 1e-9);
	/* Across the Lebaran break: Tue 17 Mar 12:00 -> Wed 25 Mar 12:00
	 * = 12 + 7 days off + 12. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 3, 17, 12, 0, 0), jkt(2026, 3, 25, 12, 0, 0)), 24, 1e-9);
	/* Across the year: Thu 2026-12-31 12:00 -> Mon 2027-01-04 12:00:
	 * 12 + Fri holiday + weekend + 12. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 12, 31, 12, 0, 0), jkt(2027, 1, 4, 12, 0, 0)), 24, 1e-9);
	/* A plain week, Mon 5 Jan 00:00 -> Mon 12 Jan 00:00: 5 days. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 5, 0, 0, 0), jkt(2026, 1, 12, 0, 0, 0)), 120, 1e-9);
	/* January 2026: 22 weekdays (Thu and Fri five times), less
	 * 1 Jan and 16 Jan = 20 days = 480 h. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 1, 0, 0, 0), jkt(2026, 2, 1, 0, 0, 0)), 480, 1e-9);
	/* March 2026: 22 weekdays (Mon, Tue five times), less 18, 19,
	 * 20, 23, 24 = 17 days = 408 h. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 3, 1, 0, 0, 0), jkt(2026, 4, 1, 0, 0, 0)), 408, 1e-9);
	/* 2026: starts and ends on a Thursday, 261 weekdays; 25 dates of
	 * which 4 are at a weekend (21, 22 Mar, 5 Apr, 31 May): 240 days. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 1, 0, 0, 0), jkt(2027, 1, 1, 0, 0, 0)), 5760, 1e-9);
	/* 2027: starts and ends on a Friday, 261 weekdays; 26 dates, 7 at
	 * a weekend (6 Feb, 28 Mar, 1 May, 6 Jun, 15 Aug, 25, 26 Dec):
	 * 242 days. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2027, 1, 1, 0, 0, 0), jkt(2028, 1, 1, 0, 0, 0)), 5808, 1e-9);
	/* Up to the due time is exactly one working day, whichever rule
	 * set it: Thu 1 Jan (holiday) 11:00 -> Mon 5 Jan 00:00 is 0 + 24
	 * (Fri) + 0 + 0; Sat 10 Jan 14:00 -> Tue 13 Jan 00:00 is 0 + 0 +
	 * 24 (Mon); Tue 17 Mar 15:00 -> Wed 25 Mar 15:00 is 9 + 15. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 1, 11, 0, 0), jkt(2026, 1, 5, 0, 0, 0)), 24, 1e-9);
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 10, 14, 0, 0), jkt(2026, 1, 13, 0, 0, 0)), 24, 1e-9);
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 3, 17, 15, 0, 0), jkt(2026, 3, 25, 15, 0, 0)), 24, 1e-9);
	/* Empty and reversed ranges. */
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 7, 9, 0, 0), jkt(2026, 1, 7, 9, 0, 0)), 0, 1e-9);
	assert_float_equal(calendar_working_hours(&cal,
	    jkt(2026, 1, 8, 9, 0, 0), jkt(2026, 1, 7, 9, 0, 0)), 0, 1e-9);
	/* No calendar: New Year's Day counts. */
	assert_float_equal(calendar_working_hours(NULL,
	    jkt(2026, 1, 1, 0, 0, 0), jkt(2026, 1, 2, 0, 0, 0)), 24, 1e-9);
}

#define ENTRY(date, kind) "{\"date\":\"" date "\",\"name_id\":\"Libur\"," \
	"\"name_en\":\"Holiday\",\"kind\":\"" kind "\",\"status\":\"decreed\"}"
#define YEAR(y, list)	"{\"years\":{\"" y "\":[" list "]}}"

static void
bad_documents(void **state)
{
	static const struct {
		const char	*json;
		enum err_code	 code;
		const char	*where;		/* in the detail */
	} bad[] = {
		{ "", ERR_BAD_JSON, "line" },
		{ "{", ERR_BAD_JSON, "line" },
		{ "{\"years\":{\"2026\":[],\"2026\":[]}}", ERR_BAD_JSON,
		  "duplicate" },
		{ "[]", ERR_BAD_REQUEST, "object" },
		{ "{}", ERR_BAD_REQUEST, "years" },
		{ "{\"years\":[]}", ERR_BAD_REQUEST, "years" },
		{ "{\"years\":{\"2026\":{}}}", ERR_BAD_REQUEST, "years.2026" },
		{ YEAR("2026", "1"), ERR_BAD_REQUEST, "years.2026[0]" },
		{ YEAR("26", ""), ERR_VALIDATION, "26" },
		{ YEAR("1969", ""), ERR_VALIDATION, "1969" },
		{ YEAR("20x6", ""), ERR_VALIDATION, "20x6" },
		{ YEAR("2026", ENTRY("2026-02-29", "holiday")),
		  ERR_VALIDATION, "years.2026[0]" },
		{ YEAR("2026", ENTRY("2026-01-01", "holiday") ","
		    ENTRY("2026-04-31", "holiday")),
		  ERR_VALIDATION, "years.2026[1]" },
		{ YEAR("2026", ENTRY("2026-13-01", "holiday")),
		  ERR_VALIDATION, "date" },
		{ YEAR("2026", ENTRY("2026-00-10", "holiday")),
		  ERR_VALIDATION, "date" },
		{ YEAR("2026", ENTRY("2026-01-00", "holiday")),
		  ERR_VALIDATION, "date" },
		{ YEAR("2026", ENTRY("2026-1-01", "holiday")),
		  ERR_VALIDATION, "date" },
		{ YEAR("2026", ENTRY("2026/01/01", "holiday")),
		  ERR_VALIDATION, "date" },
		{ YEAR("2026", ENTRY("20260101", "holiday")),
		  ERR_VALIDATION, "date" },
		{ YEAR("2026", ENTRY("2026-01-01T00:00", "holiday")),
		  ERR_VALIDATION, "date" },
		{ YEAR("2026", ENTRY(" 2026-01-1", "holiday")),
		  ERR_VALIDATION, "date" },
		{ YEAR("2100", ENTRY("2100-02-29", "holiday")),
		  ERR_VALIDATION, "date" },
		{ YEAR("2026", ENTRY("2027-01-01", "holiday")),
		  ERR_VALIDATION, "not in 2026" },
		{ YEAR("2026", ENTRY("2026-05-01", "libur")),
		  ERR_VALIDATION, "kind" },
		{ YEAR("2026", ENTRY("2026-05-01", "")),
		  ERR_VALIDATION, "kind" },
		{ YEAR("2026", "{\"date\":20260501,\"name_id\":\"a\","
		    "\"name_en\":\"b\",\"kind\":\"holiday\"}"),
		  ERR_VALIDATION, "date" },
		{ YEAR("2026", "{\"name_id\":\"a\",\"name_en\":\"b\","
		    "\"kind\":\"holiday\"}"), ERR_VALIDATION, "date" },
		{ YEAR("2026", "{\"date\":\"2026-05-01\",\"name_id\":\"\","
		    "\"name_en\":\"b\",\"kind\":\"holiday\"}"),
		  ERR_VALIDATION, "name_id" },
		{ YEAR("2026", "{\"date\":\"2026-05-01\",\"name_id\":\"a\","
		    "\"kind\":\"holiday\"}"), ERR_VALIDATION, "name_en" },
		{ YEAR("2026", "{\"date\":\"2026-05-01\","
		    "\"name_id\":\"a\\u0007\",\"name_en\":\"b\","
		    "\"kind\":\"holiday\"}"),
		  ERR_VALIDATION, "name_id" },
		{ YEAR("2026", "{\"date\":\"2026-05-01\",\"name_id\":\"a\","
		    "\"name_en\":\"b\",\"kind\":\"holiday\",\"status\":1}"),
		  ERR_VALIDATION, "status" },
		{ YEAR("2026", ENTRY("2026-05-01", "holiday") ","
		    ENTRY("2026-05-01", "cuti_bersama")),
		  ERR_CONFLICT, "2026-05-01" },
		/* Already in the calendar before the load. */
		{ YEAR("2026", ENTRY("2026-06-01", "holiday") ","
		    ENTRY("2026-08-17", "holiday")),
		  ERR_CONFLICT, "2026-08-17" },
	};
	struct calendar c;
	struct buf b;
	struct err e;
	size_t i;

	(void)state;
	calendar_init(&c);
	assert_int_equal(calendar_add(&c, "2026-08-17",
	    "Proklamasi Kemerdekaan", "Independence Day", "holiday", &e), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		if (calendar_load_json(&c, bad[i].json, strlen(bad[i].json),
		    &e) != -1)
			fail_msg("case %zu accepted: %s", i, bad[i].json);
		if (e.code != bad[i].code ||
		    strstr(e.detail, bad[i].where) == NULL)
			fail_msg("case %zu: code %d detail \"%s\", want code "
			    "%d and \"%s\"", i, (int)e.code, e.detail,
			    (int)bad[i].code, bad[i].where);
		/* All or nothing: the one date from before, untouched. */
		assert_int_equal(c.n, 1);
		assert_int_equal(c.entries[0].ymd, 20260817);
		assert_string_equal(c.entries[0].name_en, "Independence Day");
	}
	assert_int_equal(calendar_load_json(&c, NULL, 0, &e), -1);
	assert_int_equal(e.code, ERR_BAD_REQUEST);
	/* A length that cuts the document short. */
	assert_int_equal(calendar_load_json(&c, "{\"years\":{}}", 5, &e), -1);
	assert_int_equal(e.code, ERR_BAD_JSON);
	/* Good documents: leap days, an empty year, unknown members. */
	assert_int_equal(calendar_load_json(&c, YEAR("2028",
	    ENTRY("2028-02-29", "holiday")), strlen(YEAR("2028",
	    ENTRY("2028-02-29", "holiday"))), &e), 0);
	assert_int_equal(calendar_load_json(&c, "{\"source\":\"x\",\"note\":1,"
	    "\"years\":{\"2000\":[" ENTRY("2000-02-29", "cuti_bersama") "],"
	    "\"2029\":[]}}", strlen("{\"source\":\"x\",\"note\":1,"
	    "\"years\":{\"2000\":[" ENTRY("2000-02-29", "cuti_bersama") "],"
	    "\"2029\":[]}}"), &e), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.entries[0].ymd, 20000229);
	assert_int_equal(c.entries[1].ymd, 20260817);
	assert_int_equal(c.entries[2].ymd, 20280229);
	calendar_cleanup(&c);
	/* Loading the seed twice is a conflict and changes nothing. */
	assert_int_equal(cal.n, 51);
	assert_int_equal(file_read(HOLIDAYS_JSON, &b, 1 << 20), 0);
	assert_int_equal(calendar_load_json(&cal, (const char *)b.data, b.len,
	    &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	buf_cleanup(&b);
	assert_int_equal(cal.n, 51);
}

static void
add_entries(void **state)
{
	char longname[CALENDAR_NAME_MAX + 1];
	struct calendar c;
	struct err e;
	json_t *a;

	(void)state;
	calendar_init(&c);
	/* Out of order in, date order out. */
	assert_int_equal(calendar_add(&c, "2026-05-01", "Hari Buruh",
	    "Labour Day", "holiday", &e), 0);
	assert_int_equal(calendar_add(&c, "2026-01-01", "Tahun Baru",
	    "New Year", "holiday", &e), 0);
	assert_int_equal(calendar_add(&c, "2026-03-20",
	    "Cuti Bersama Idul Fitri – 1447 H", "Collective leave",
	    "cuti_bersama", &e), 0);
	a = calendar_json(&c, 0);
	assert_int_equal(json_array_size(a), 3);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(a, 0), "date")), "2026-01-01");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(a, 1), "date")), "2026-03-20");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(a, 1), "name_id")),
	    "Cuti Bersama Idul Fitri – 1447 H");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(a, 2), "date")), "2026-05-01");
	json_decref(a);
	/* Refusals leave it as it was. */
	assert_int_equal(calendar_add(&c, "2026-05-01", "x", "y", "holiday",
	    &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(calendar_add(&c, NULL, "x", "y", "holiday", &e), -1);
	assert_int_equal(e.code, ERR_VALIDATION);
	/* Junk is not echoed into the detail. */
	assert_int_equal(calendar_add(&c, "2026-06-0\x01", "x", "y",
	    "holiday", &e), -1);
	assert_int_equal(e.code, ERR_VALIDATION);
	assert_non_null(strstr(e.detail, "(not shown)"));
	assert_int_equal(calendar_add(&c, "2026-06-01", NULL, "y", "holiday",
	    &e), -1);
	assert_int_equal(e.code, ERR_VALIDATION);
	assert_int_equal(calendar_add(&c, "2026-06-01", "x", "y", NULL, &e),
	    -1);
	assert_int_equal(e.code, ERR_VALIDATION);
	assert_int_equal(calendar_add(&c, "2026-06-01", "\xff", "y",
	    "holiday", &e), -1);
	assert_int_equal(e.code, ERR_VALIDATION);
	/* Overlong "/" and a UTF-16 surrogate are not UTF-8. */
	assert_int_equal(calendar_add(&c, "2026-06-01", "\xc0\xaf", "y",
	    "holiday", &e), -1);
	assert_int_equal(calendar_add(&c, "2026-06-01", "x", "\xed\xa0\x80",
	    "holiday", &e), -1);
	assert_int_equal(calendar_add(&c, "2026-06-01", "a\tb", "y",
	    "holiday", &e), -1);
	assert_int_equal(calendar_add(&c, "2026-06-01", "x", "y", "Holiday",
	    &e), -1);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(calendar_add(&c, "2026-06-01", longname, "y",
	    "holiday", &e), -1);
	assert_non_null(strstr(e.detail, "name_id"));
	longname[CALENDAR_NAME_MAX - 1] = '\0';	/* the longest that fits */
	assert_int_equal(calendar_add(&c, "2026-06-01", longname, "y",
	    "holiday", &e), 0);
	assert_int_equal(c.n, 4);
	calendar_cleanup(&c);
	assert_int_equal(c.n, 0);
	assert_null(c.entries);
	calendar_cleanup(&c);
	calendar_cleanup(NULL);
}

static void
median(void **state)
{
	double one[] = { 5 };
	double odd[] = { 3, 1, 2 };
	double even[] = { 4, 1, 3, 2 };
	double same[] = { 7, 7, 7, 7 };
	double mixed[] = { 30.5, -2, 8, 8, 0.25, 100 };
	double nan_last[] = { NAN, 3, 1 };

	(void)state;
	assert_float_equal(calendar_median(NULL, 0), 0, 0);
	assert_float_equal(calendar_median(one, 0), 0, 0);
	assert_float_equal(calendar_median(one, 1), 5, 0);
	assert_float_equal(calendar_median(odd, 3), 2, 0);
	/* Sorted in place. */
	assert_float_equal(odd[0], 1, 0);
	assert_float_equal(odd[1], 2, 0);
	assert_float_equal(odd[2], 3, 0);
	assert_float_equal(calendar_median(even, 4), 2.5, 0);
	assert_float_equal(calendar_median(same, 4), 7, 0);
	/* -2, 0.25, 8, 8, 30.5, 100: middle two 8 and 8. */
	assert_float_equal(calendar_median(mixed, 6), 8, 0);
	assert_float_equal(mixed[0], -2, 0);
	assert_float_equal(mixed[5], 100, 0);
	/* The first three after the sort above: -2, 0.25, 8. */
	assert_float_equal(calendar_median(mixed, 3), 0.25, 0);
	/* NaN sorts last: 1, 3, NaN. */
	assert_float_equal(calendar_median(nan_last, 3), 3, 0);
	assert_true(isnan(nan_last[2]));
}

int
run_calendar_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(helper_is_jakarta_time),
		cmocka_unit_test(seed_loaded),
		cmocka_unit_test(working_days_2026),
		cmocka_unit_test(due_times),
		cmocka_unit_test(within_one_day),
		cmocka_unit_test(hours),
		cmocka_unit_test(bad_documents),
		cmocka_unit_test(add_entries),
		cmocka_unit_test(median),
	};

	return cmocka_run_group_tests_name("calendar", tests, load_seed,
	    free_seed);
}
