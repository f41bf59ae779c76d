/*
 * test_errors.c - the error table (errors.c) and docs/errors.md.
 *
 * Every answer that is not a success comes from this one table, so a
 * hole in it (a code without a row, a row out of order, a message
 * missing in one language) would reach users; docs/errors.md must
 * list what the table says, or the documentation has drifted.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"

#define ERRORS_MD	"docs/errors.md"

static void
table_has_every_code_in_order(void **state)
{
	const struct err_info *t;
	size_t i, n = 0;

	(void)state;
	t = err_table(&n);
	assert_non_null(t);
	assert_int_equal(n, ERR__COUNT);
	for (i = 0; i < n; i++) {
		assert_int_equal(t[i].code, i);
		/* err_info is the lookup everybody uses: same row. */
		assert_ptr_equal(err_info((enum err_code)i), &t[i]);
	}
}

static void
names_unique_and_non_empty(void **state)
{
	const struct err_info *t;
	size_t i, j, k, n = 0;

	(void)state;
	t = err_table(&n);
	for (i = 0; i < n; i++) {
		assert_non_null(t[i].name);
		assert_true(strlen(t[i].name) > 0);
		/* Machine names: lower case, digits, underscores. */
		for (k = 0; t[i].name[k] != '\0'; k++)
			assert_true((t[i].name[k] >= 'a' && t[i].name[k] <= 'z') ||
			    (t[i].name[k] >= '0' && t[i].name[k] <= '9') ||
			    t[i].name[k] == '_');
		for (j = i + 1; j < n; j++)
			if (strcmp(t[i].name, t[j].name) == 0)
				fail_msg("codes %zu and %zu share the name %s",
				    i, j, t[i].name);
	}
}

static void
messages_in_both_languages(void **state)
{
	const struct err_info *t;
	size_t i, n = 0;

	(void)state;
	t = err_table(&n);
	for (i = 0; i < n; i++) {
		assert_non_null(t[i].msg_id);
		assert_non_null(t[i].msg_en);
		if (strlen(t[i].msg_id) == 0 || strlen(t[i].msg_en) == 0)
			fail_msg("%s: a message is empty", t[i].name);
		/* Equal texts mean a translation was forgotten. */
		if (strcmp(t[i].msg_id, t[i].msg_en) == 0)
			fail_msg("%s: Indonesian message is the English one",
			    t[i].name);
	}
}

static void
statuses_are_http_errors(void **state)
{
	const struct err_info *t;
	size_t i, n = 0;

	(void)state;
	t = err_table(&n);
	assert_int_equal(t[ERR_OK].http_status, 200);
	for (i = 1; i < n; i++)
		if (t[i].http_status < 400 || t[i].http_status > 599)
			fail_msg("%s: status %d is not 4xx/5xx", t[i].name,
			    t[i].http_status);
}

static void
err_info_out_of_range_is_internal(void **state)
{
	(void)state;
	assert_int_equal(err_info(ERR__COUNT)->code, ERR_INTERNAL);
	assert_int_equal(err_info((enum err_code)-1)->code, ERR_INTERNAL);
}

static void
err_set_fills_code_and_detail(void **state)
{
	struct err e = { 0 };

	(void)state;
	assert_int_equal(err_set(&e, ERR_CONFLICT, "serial %s", "AB"), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.detail, "serial AB");
}

/* "| name | status |" at the start of a line of doc. */
static int
doc_has_row(const char *doc, const char *name, int status)
{
	char want[128];
	const char *p = doc;
	size_t n;

	snprintf(want, sizeof(want), "| %s | %d |", name, status);
	n = strlen(want);
	while ((p = strstr(p, want)) != NULL) {
		if (p == doc || p[-1] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

static int
load_doc(struct buf *b)
{
	if (file_read(ERRORS_MD, b, 1 << 20) == -1) {
		print_error("%s is missing (run from the repository root, and "
		    "generate it: ./build/sertel help errors > %s)\n",
		    ERRORS_MD, ERRORS_MD);
		return -1;
	}
	return 0;
}

static void
doc_lists_every_code(void **state)
{
	const struct err_info *t;
	struct buf doc;
	size_t i, n = 0;
	int missing = 0;

	(void)state;
	if (load_doc(&doc) == -1)
		fail_msg("%s does not exist", ERRORS_MD);
	t = err_table(&n);
	/* ERR_OK is not an error answer; `sertel help errors` leaves it
	 * out on purpose. */
	for (i = 1; i < n; i++)
		if (!doc_has_row((const char *)doc.data, t[i].name,
		    t[i].http_status)) {
			print_error("%s: no row \"| %s | %d |\"\n", ERRORS_MD,
			    t[i].name, t[i].http_status);
			missing++;
		}
	buf_cleanup(&doc);
	assert_int_equal(missing, 0);
}

static void
doc_lists_nothing_else(void **state)
{
	const struct err_info *t;
	struct buf doc;
	const char *line, *nl;
	char name[64];
	size_t i, n = 0, k;
	int stale = 0, rows = 0;

	(void)state;
	if (load_doc(&doc) == -1)
		fail_msg("%s does not exist", ERRORS_MD);
	t = err_table(&n);
	for (line = (const char *)doc.data; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line) - 1;
		/* Table rows: "| name | 404 | ...", not header or rule. */
		if (strncmp(line, "| ", 2) != 0)
			continue;
		for (k = 0; line[2 + k] != ' ' && line[2 + k] != '\n' &&
		    line[2 + k] != '\0' && k + 1 < sizeof(name); k++)
			name[k] = line[2 + k];
		name[k] = '\0';
		if (strcmp(name, "code") == 0)
			continue;
		rows++;
		for (i = 0; i < n && strcmp(t[i].name, name) != 0; i++)
			;
		if (i == n) {
			print_error("%s: row for unknown code %s\n", ERRORS_MD,
			    name);
			stale++;
		}
	}
	buf_cleanup(&doc);
	assert_int_equal(stale, 0);
	assert_int_equal(rows, (int)n - 1);
}

int
run_errors_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_has_every_code_in_order),
		cmocka_unit_test(names_unique_and_non_empty),
		cmocka_unit_test(messages_in_both_languages),
		cmocka_unit_test(statuses_are_http_errors),
		cmocka_unit_test(err_info_out_of_range_is_internal),
		cmocka_unit_test(err_set_fills_code_and_detail),
		cmocka_unit_test(doc_lists_every_code),
		cmocka_unit_test(doc_lists_nothing_else),
	};

	return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
