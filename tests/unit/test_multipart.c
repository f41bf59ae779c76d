/*
 * test_multipart.c - multipart/form-data as BSrE v1 clients send it
 * (curl -F, PHP Guzzle, Java's HttpClient), and broken bodies.
 */
#include <string.h>

#include "multipart.h"
#include "unit.h"

#define CT	"multipart/form-data; boundary=----X1y2"

static const char body[] =
    "preamble is ignored\r\n"
    "------X1y2\r\n"
    "Content-Disposition: form-data; name=\"nik\"\r\n"
    "\r\n"
    "3201010101010001\r\n"
    "------X1y2\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"surat \\\"a\\\".pdf\"\r\n"
    "Content-Type: application/pdf\r\n"
    "\r\n"
    "%PDF-1.7\r\n\0binary\r\n--not-a-boundary\r\n"
    "------X1y2\r\n"
    "Content-Disposition: form-data; name=tampilan\r\n"
    "\r\n"
    "invisible\r\n"
    "------X1y2--\r\n";

static void
parses_fields_and_files(void **state)
{
	struct mp_form f;
	struct err e = { 0 };
	const struct mp_part *p;
	char v[32];

	(void)state;
	assert_int_equal(multipart_parse(CT, (const unsigned char *)body,
	    sizeof(body) - 1, &f, &e), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(multipart_text(&f, "nik", v, sizeof(v)),
	    "3201010101010001");
	assert_string_equal(multipart_text(&f, "tampilan", v, sizeof(v)),
	    "invisible");
	assert_non_null(p = multipart_get(&f, "file"));
	assert_string_equal(p->filename, "surat \"a\".pdf");
	assert_string_equal(p->ctype, "application/pdf");
	/* Binary, NULs and CRLFs inside the part survive exactly. */
	assert_int_equal(p->len, 35);
	assert_memory_equal(p->data, "%PDF-1.7\r\n\0binary\r\n--not-a-boundary",
	    35);
	/* A field with a NUL is not text. */
	assert_null(multipart_text(&f, "file", v, sizeof(v)));
	assert_null(multipart_get(&f, "absent"));
	assert_null(multipart_text(&f, "nik", v, 8));	/* too long */
	/* A quoted boundary. */
	assert_int_equal(multipart_parse("multipart/form-data; charset=utf-8; "
	    "boundary=\"----X1y2\"", (const unsigned char *)body,
	    sizeof(body) - 1, &f, &e), 0);
	assert_int_equal(f.n, 3);
}

static void
refuses_broken_bodies(void **state)
{
	static const char noname[] = "------X1y2\r\nContent-Type: text/plain"
	    "\r\n\r\nx\r\n------X1y2--";
	struct mp_form f;
	struct err e = { 0 };
	size_t cut;

	(void)state;
	/* Not multipart, no boundary, a boundary of 71 characters. */
	assert_int_equal(multipart_parse("application/json",
	    (const unsigned char *)body, sizeof(body) - 1, &f, &e), -1);
	assert_int_equal(e.code, ERR_BAD_REQUEST);
	assert_int_equal(multipart_parse("multipart/form-data",
	    (const unsigned char *)body, sizeof(body) - 1, &f, &e), -1);
	assert_int_equal(multipart_parse("multipart/form-data; boundary="
	    "12345678901234567890123456789012345678901234567890123456789012345"
	    "678901", (const unsigned char *)body, sizeof(body) - 1, &f, &e),
	    -1);
	assert_int_equal(multipart_parse(NULL, (const unsigned char *)body,
	    sizeof(body) - 1, &f, &e), -1);
	/* Every truncation before the close delimiter is an error, never
	 * a shorter file. */
	for (cut = 0; cut < sizeof(body) - 1 - strlen("--\r\n"); cut++)
		assert_int_equal(multipart_parse(CT, (const unsigned char *)body,
		    cut, &f, &e), -1);
	/* A part without a name. */
	assert_int_equal(multipart_parse(CT, (const unsigned char *)noname,
	    strlen(noname), &f, &e), -1);
	assert_string_equal(e.detail, "multipart: part headers");
}

int
run_multipart_tests(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(parses_fields_and_files),
		cmocka_unit_test(refuses_broken_bodies),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
