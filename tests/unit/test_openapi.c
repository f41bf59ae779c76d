/*
 * test_openapi.c - docs/openapi.json (served at /api/v1/openapi.json)
 * against the route table: every route is documented, every documented
 * operation is a route. Path parameters "{x}" stand for the table's "*"
 * (with any fixed suffix kept: "{ca}.crl" is "*.crl"); a route's
 * trailing "**" is documented as one parameter.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "http.h"
#include "unit.h"

#define OPENAPI	"docs/openapi.json"

static json_t *doc;

static int
setup(void **state)
{
	json_error_t je;

	(void)state;
	doc = json_load_file(OPENAPI, 0, &je);
	if (doc == NULL)
		print_error("%s: %s (line %d)\n", OPENAPI, je.text, je.line);
	return doc == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	json_decref(doc);
	return 0;
}

/* A parameter "{id}" becomes "*", keeping a fixed suffix such as ".crl". */
static void
to_pattern(const char *path, char *out, size_t n)
{
	size_t o = 0;

	for (; *path != '\0' && o + 2 < n; path++) {
		if (*path == '{') {
			while (*path != '\0' && *path != '}')
				path++;
			out[o++] = '*';
			if (*path == '\0')
				break;
			continue;
		}
		out[o++] = *path;
	}
	out[o] = '\0';
}

static int
documented(const char *method, const char *pattern)
{
	const char *path;
	json_t *ops;
	char pat[512], want[512], m[16];
	size_t i;

	snprintf(want, sizeof(want), "%s", pattern);
	/* The table's "**" is one parameter in the document. */
	if (strlen(want) >= 2 && strcmp(want + strlen(want) - 2, "**") == 0)
		want[strlen(want) - 1] = '\0';
	for (i = 0; method[i] != '\0' && i < sizeof(m) - 1; i++)
		m[i] = (char)(method[i] | 0x20);
	m[i] = '\0';
	json_object_foreach(json_object_get(doc, "paths"), path, ops) {
		to_pattern(path, pat, sizeof(pat));
		if (strcmp(pat, want) == 0 && json_object_get(ops, m) != NULL)
			return 1;
	}
	return 0;
}

static void
every_route_documented(void **state)
{
	size_t i;
	int missing = 0;

	(void)state;
	for (i = 0; i < web_nroutes; i++)
		if (!documented(web_routes[i].method, web_routes[i].pattern)) {
			print_error("not in %s: %s %s\n", OPENAPI,
			    web_routes[i].method, web_routes[i].pattern);
			missing++;
		}
	assert_int_equal(missing, 0);
}

static void
every_operation_is_a_route(void **state)
{
	static const char *methods[] = { "get", "post", "put", "delete",
	    "patch" };
	const char *path;
	json_t *ops;
	char pat[512], upper[16];
	size_t i, k, ncap;
	unsigned st;
	int extra = 0;

	(void)state;
	json_object_foreach(json_object_get(doc, "paths"), path, ops) {
		to_pattern(path, pat, sizeof(pat));
		for (k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
			if (json_object_get(ops, methods[k]) == NULL)
				continue;
			for (i = 0; methods[k][i] != '\0'; i++)
				upper[i] = (char)(methods[k][i] & ~0x20);
			upper[i] = '\0';
			for (i = 0; i < web_nroutes; i++) {
				char w[512];
				snprintf(w, sizeof(w), "%s", web_routes[i].pattern);
				if (strlen(w) >= 2 && strcmp(w + strlen(w) - 2,
				    "**") == 0)
					w[strlen(w) - 1] = '\0';
				if (strcmp(w, pat) == 0 &&
				    strcmp(web_routes[i].method, upper) == 0)
					break;
			}
			if (i == web_nroutes) {
				print_error("documented but not a route: %s %s\n",
				    upper, path);
				extra++;
			}
		}
	}
	(void)ncap;
	(void)st;
	assert_int_equal(extra, 0);
}

static void
document_is_openapi3(void **state)
{
	const char *v = json_string_value(json_object_get(doc, "openapi"));

	(void)state;
	assert_non_null(v);
	assert_int_equal(strncmp(v, "3.", 2), 0);
	assert_non_null(json_object_get(json_object_get(doc, "info"), "title"));
}

int
run_openapi_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(document_is_openapi3),
		cmocka_unit_test(every_route_documented),
		cmocka_unit_test(every_operation_is_a_route),
	};

	return cmocka_run_group_tests_name("openapi", tests, setup, teardown);
}
