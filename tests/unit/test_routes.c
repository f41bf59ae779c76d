/*
 * test_routes.c - the route matcher (http.c), the real route table
 * (web.c) and docs/api.md, which must name exactly the table's routes.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "unit.h"

#define API_MD	"docs/api.md"

static char cap[ROUTE_CAPS][ROUTE_CAP_MAX];

static int
match(const char *pattern, const char *path, size_t *ncap)
{
	memset(cap, 0, sizeof(cap));
	*ncap = 99;
	return route_match(pattern, path, cap, ncap);
}

static void
exact_path(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(match("/healthz", "/healthz", &n), 1);
	assert_int_equal(n, 0);
	assert_int_equal(match("/healthz", "/healthz/", &n), 0);
	assert_int_equal(match("/healthz", "/health", &n), 0);
	assert_int_equal(match("/healthz", "/healthzz", &n), 0);
	assert_int_equal(match("/healthz", "", &n), 0);
}

static void
star_with_suffix(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(match("/crl/*.crl", "/crl/issuing.crl", &n), 1);
	assert_int_equal(n, 1);
	assert_string_equal(cap[0], "issuing");
	/* The segment must be more than the suffix. */
	assert_int_equal(match("/crl/*.crl", "/crl/.crl", &n), 0);
	/* "*" is one segment only. */
	assert_int_equal(match("/crl/*.crl", "/crl/a/b.crl", &n), 0);
	assert_int_equal(match("/crl/*.crl", "/crl/issuing.crlx", &n), 0);
	assert_int_equal(match("/crl/*.crl", "/crl/issuing.crl/", &n), 0);
	assert_int_equal(match("/crl/*.crl", "/crl/issuing", &n), 0);
	assert_int_equal(match("/crl/*.crl", "/crl/", &n), 0);
	assert_int_equal(match("/ca/*.cer", "/ca/root.cer", &n), 1);
	assert_string_equal(cap[0], "root");
}

static void
double_star_takes_the_rest(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(match("/ocsp/**", "/ocsp/MEQ/ab+c=", &n), 1);
	assert_int_equal(n, 1);
	assert_string_equal(cap[0], "MEQ/ab+c=");
	assert_int_equal(match("/ocsp/**", "/ocsp/x", &n), 1);
	assert_string_equal(cap[0], "x");
	/* Empty rest: no match. */
	assert_int_equal(match("/ocsp/**", "/ocsp/", &n), 0);
	assert_int_equal(match("/ocsp/**", "/ocsp", &n), 0);
	assert_int_equal(match("/ocsp/**", "/ocspx/a", &n), 0);
}

static void
capture_too_long_is_refused(void **state)
{
	static char path[ROUTE_CAP_MAX + 16];
	size_t n;

	(void)state;
	memcpy(path, "/ocsp/", 6);
	memset(path + 6, 'A', ROUTE_CAP_MAX);
	path[6 + ROUTE_CAP_MAX] = '\0';
	assert_int_equal(match("/ocsp/**", path, &n), 0);
	path[6 + ROUTE_CAP_MAX - 1] = '\0';	/* fits with its NUL */
	assert_int_equal(match("/ocsp/**", path, &n), 1);
	assert_int_equal(strlen(cap[0]), ROUTE_CAP_MAX - 1);
}

static const struct route *
find(const char *method, const char *path, unsigned *status)
{
	size_t n = 0;

	*status = 0;
	return route_find(method, path, cap, &n, status);
}

static void
find_in_real_table(void **state)
{
	const struct route *r;
	unsigned st;

	(void)state;
	r = find("GET", "/healthz", &st);
	assert_non_null(r);
	assert_string_equal(r->pattern, "/healthz");
	r = find("GET", "/crl/issuing.crl", &st);
	assert_non_null(r);
	assert_string_equal(r->pattern, "/crl/*.crl");
	assert_string_equal(cap[0], "issuing");
	r = find("POST", "/ocsp", &st);
	assert_non_null(r);
	assert_string_equal(r->method, "POST");
	r = find("GET", "/ocsp/MEQ/ab+c=", &st);
	assert_non_null(r);
	assert_string_equal(r->pattern, "/ocsp/**");
	assert_string_equal(cap[0], "MEQ/ab+c=");
}

static void
find_405_and_404(void **state)
{
	unsigned st;

	(void)state;
	assert_null(find("DELETE", "/healthz", &st));
	assert_int_equal(st, 405);
	assert_null(find("GET", "/tsa", &st));
	assert_int_equal(st, 405);
	assert_null(find("GET", "/nope", &st));
	assert_int_equal(st, 404);
	assert_null(find("GET", "/ocsp/", &st));
	assert_int_equal(st, 404);
}

static void
head_finds_get(void **state)
{
	const struct route *r;
	unsigned st;

	(void)state;
	r = find("HEAD", "/healthz", &st);
	assert_non_null(r);
	assert_string_equal(r->method, "GET");
	assert_string_equal(r->pattern, "/healthz");
	/* ... but not a POST-only route. */
	assert_null(find("HEAD", "/tsa", &st));
	assert_int_equal(st, 405);
}

static void
table_is_sane(void **state)
{
	size_t i, j;

	(void)state;
	assert_true(web_nroutes > 0);
	for (i = 0; i < web_nroutes; i++) {
		assert_non_null(web_routes[i].fn);
		assert_true(web_routes[i].pattern[0] == '/');
		assert_non_null(web_routes[i].doc);
		for (j = i + 1; j < web_nroutes; j++)
			if (strcmp(web_routes[i].method,
			    web_routes[j].method) == 0 && strcmp(
			    web_routes[i].pattern, web_routes[j].pattern) == 0)
				fail_msg("route %s %s listed twice",
				    web_routes[i].method, web_routes[i].pattern);
	}
}

/* ---- docs/api.md against the table ---- */

static int
load_api(struct buf *b)
{
	if (file_read(API_MD, b, 1 << 20) == -1) {
		print_error("%s is missing (run from the repository root)\n",
		    API_MD);
		return -1;
	}
	return 0;
}

/* "METHOD /path": upper-case letters, one space, a path. */
static int
route_like(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= 'A' && s[i] <= 'Z')
		i++;
	if (i == 0 || i + 1 >= n || s[i] != ' ' || s[i + 1] != '/')
		return 0;
	for (i += 1; i < n; i++)
		if (s[i] == ' ')
			return 0;
	return 1;
}

static int
in_table(const char *s, size_t n)
{
	char one[512];
	size_t i;

	for (i = 0; i < web_nroutes; i++)
		if (snprintf(one, sizeof(one), "%s %s", web_routes[i].method,
		    web_routes[i].pattern) == (int)n &&
		    memcmp(one, s, n) == 0)
			return 1;
	return 0;
}

static void
api_doc_names_every_route(void **state)
{
	struct buf doc;
	char want[512];
	size_t i;
	int missing = 0;

	(void)state;
	if (load_api(&doc) == -1)
		fail_msg("%s does not exist", API_MD);
	for (i = 0; i < web_nroutes; i++) {
		snprintf(want, sizeof(want), "`%s %s`", web_routes[i].method,
		    web_routes[i].pattern);
		if (strstr((const char *)doc.data, want) == NULL) {
			print_error("%s does not document %s\n", API_MD, want);
			missing++;
		}
	}
	buf_cleanup(&doc);
	assert_int_equal(missing, 0);
}

static void
api_doc_names_only_routes(void **state)
{
	struct buf doc;
	const char *line, *nl, *a, *b;
	int fence = 0, stale = 0, seen = 0;

	(void)state;
	if (load_api(&doc) == -1)
		fail_msg("%s does not exist", API_MD);
	for (line = (const char *)doc.data; *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		nl = nl != NULL ? nl + 1 : line + strlen(line);
		if (strncmp(line, "```", 3) == 0) {
			fence = !fence;
			continue;
		}
		if (fence)
			continue;
		/* Inline code spans on this line. */
		for (a = line; (a = memchr(a, '`', (size_t)(nl - a))) != NULL;
		    a = b + 1) {
			if ((b = memchr(a + 1, '`', (size_t)(nl - a - 1))) ==
			    NULL)
				break;
			if (!route_like(a + 1, (size_t)(b - a - 1)))
				continue;
			seen++;
			if (!in_table(a + 1, (size_t)(b - a - 1))) {
				print_error("%s names `%.*s`, which is not in "
				    "the route table\n", API_MD,
				    (int)(b - a - 1), a + 1);
				stale++;
			}
		}
	}
	buf_cleanup(&doc);
	assert_int_equal(stale, 0);
	assert_true(seen >= (int)web_nroutes);
}

int
run_routes_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_path),
		cmocka_unit_test(star_with_suffix),
		cmocka_unit_test(double_star_takes_the_rest),
		cmocka_unit_test(capture_too_long_is_refused),
		cmocka_unit_test(find_in_real_table),
		cmocka_unit_test(find_405_and_404),
		cmocka_unit_test(head_finds_get),
		cmocka_unit_test(table_is_sane),
		cmocka_unit_test(api_doc_names_every_route),
		cmocka_unit_test(api_doc_names_only_routes),
	};

	return cmocka_run_group_tests_name("routes", tests, NULL, NULL);
}
