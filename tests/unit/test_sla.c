/*
 * test_sla.c - the SLA report's CSV (RFC 4180 quoting, spreadsheet
 * formulas defused), its date parsing, and the test build's clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sla.h"
#include "unit.h"

static void
csv_quotes_and_defuses(void **state)
{
	json_t *rep;
	struct buf b;

	(void)state;
	rep = json_pack("{s:{s:i, s:i, s:i, s:i, s:i, s:f, s:f}, s:[{s:s, "
	    "s:s, s:i, s:i, s:i, s:i, s:i, s:f, s:f}], s:[{s:s, s:s, s:s, s:s, "
	    "s:I, s:I, s:f, s:b}]}",
	    "overall", "count", 2, "finished", 1, "within_one_working_day", 1,
	    "pending", 0, "overdue", 1, "share_within_one_working_day", 0.5,
	    "median_working_hours", 23.0,
	    "agencies", "agency", "KEMENKEU", "agency_name",
	    "Kementerian \"Keuangan\", Pusat", "count", 2, "finished", 1,
	    "within_one_working_day", 1, "pending", 0, "overdue", 1,
	    "share_within_one_working_day", 0.5, "median_working_hours", 23.0,
	    "late", "id", "APP-1", "agency", "KEMENKEU", "name",
	    "=HYPERLINK(\"x\")", "status", "MANUAL_REVIEW", "data_complete_at",
	    (json_int_t)1798444800, "due_at", (json_int_t)1798531200,
	    "working_hours", 44.0, "open", 1);
	assert_non_null(rep);
	buf_init(&b, 1 << 16);
	assert_int_equal(sla_csv(rep, 0, &b), 0);
	assert_int_equal(buf_cstr(&b), 0);
	assert_non_null(strstr((char *)b.data, "KEMENKEU,\"Kementerian "
	    "\"\"Keuangan\"\", Pusat\",2,1,1,0,1,0.500,23.00\r\n"));
	assert_non_null(strstr((char *)b.data, "ALL,,2,1,1,0,1,0.500,"
	    "23.00\r\n"));
	b.len = 0;
	assert_int_equal(sla_csv(rep, 1, &b), 0);
	assert_int_equal(buf_cstr(&b), 0);
	/* A name that a spreadsheet would run is text. */
	assert_non_null(strstr((char *)b.data, ",\"'=HYPERLINK(\"\"x\"\")\","));
	assert_non_null(strstr((char *)b.data, "2026-12-28T08:00:00Z"));
	assert_non_null(strstr((char *)b.data, ",44.00,true\r\n"));
	buf_cleanup(&b);
	json_decref(rep);
}

static void
dates(void **state)
{
	long long t;

	(void)state;
	assert_int_equal(sla_parse_date("2026-12-18", &t), 0);
	assert_int_equal(t, 1797552000LL - 7 * 3600);	/* 00:00 WIB */
	assert_int_equal(sla_parse_date("2026-13-01", &t), -1);
	assert_int_equal(sla_parse_date("2026-12-1", &t), -1);
	assert_int_equal(sla_parse_date("2026-12-18x", &t), -1);
	assert_int_equal(sla_parse_date("", &t), -1);
	assert_int_equal(sla_parse_date(NULL, &t), -1);
}

/* The unit tests are a test build: the clock follows the file. */
static void
test_clock(void **state)
{
	char dir[256], path[300];
	time_t a, b;
	FILE *f;

	(void)state;
	assert_int_equal(util_test_clock(), 1);
	assert_int_equal(unit_tmpdir(dir, sizeof(dir)), 0);
	snprintf(path, sizeof(path), "%s/clock", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "-86400\n");
	fclose(f);
	setenv("SERTEL_TEST_CLOCK_FILE", path, 1);
	a = now_utc();
	b = time(NULL);
	unsetenv("SERTEL_TEST_CLOCK_FILE");
	assert_true(b - a >= 86399 && b - a <= 86401);
	assert_true(now_utc() - time(NULL) <= 1);
	unit_rmtree(dir);
}

int
run_sla_tests(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(csv_quotes_and_defuses),
		cmocka_unit_test(dates),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
