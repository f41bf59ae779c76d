/*
 * test_pdf_text.c - pdf_text (anchor search in PDF pages): the
 * tokeniser's corner cases, the text positioning operators against
 * positions worked out by hand from ISO 32000-1 9.4, encodings and
 * CMaps, matching across operators, the stream filters, the qpdf entry
 * point on documents built here, and malformed or hostile content,
 * which must fail with ERR_PDF_INVALID and nothing worse (run under
 * ASan+UBSan by `make asan`).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "pdf_text.h"
#include "unit.h"

#define EPS	0.01

/* Glyphs a scan reported. */
struct rec {
	size_t			 n;
	struct pdf_text_glyph	 g[256];
};

static int
record(void *arg, const struct pdf_text_glyph *g, struct err *e)
{
	struct rec *r = arg;

	(void)e;
	if (r->n < sizeof(r->g) / sizeof(r->g[0]))
		r->g[r->n++] = *g;
	return 0;
}

static struct pdf_text_font *
std_font(const char *base, const char *enc)
{
	struct pdf_text_font *f;

	f = pdf_text_font_new(PDF_TEXT_SIMPLE, base);
	assert_non_null(f);
	if (enc != NULL)
		assert_int_equal(pdf_text_font_encoding(f, enc), 0);
	pdf_text_font_finish(f);
	return f;
}

/* A table with F1 = Helvetica WinAnsi plus up to one more font. */
static void
table1(struct pdf_text_table *t, const struct pdf_text_font *f1,
    const char *n2, const struct pdf_text_font *f2)
{
	memset(t, 0, sizeof(*t));
	t->fonts[0].name = "F1";
	t->fonts[0].font = f1;
	t->nfonts = 1;
	if (n2 != NULL) {
		t->fonts[1].name = n2;
		t->fonts[1].font = f2;
		t->nfonts = 2;
	}
}

static int
scan_tab(const char *content, const struct pdf_text_table *t,
    struct rec *r, struct err *e)
{
	struct pdf_text_resolver rv;

	memset(r, 0, sizeof(*r));
	pdf_text_table_resolver(t, &rv);
	return pdf_text_scan((const unsigned char *)content, strlen(content),
	    &rv, NULL, record, r, e);
}

/* Scans with F1 = Helvetica WinAnsi; fails the test on error. */
static void
scan_ok(const char *content, struct rec *r)
{
	struct pdf_text_font *f = std_font("Helvetica", "WinAnsiEncoding");
	struct pdf_text_table t;
	struct err e = { 0 };

	table1(&t, f, NULL, NULL);
	if (scan_tab(content, &t, r, &e) == -1)
		fail_msg("scan: %s", e.detail);
	pdf_text_font_free(f);
}

/* The codes shown, as a string. */
static void
codes(const struct rec *r, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; i < r->n && i + 1 < outsz; i++)
		out[i] = (char)r->g[i].code;
	out[i] = '\0';
}

static void
scan_codes(const char *content, const char *want)
{
	struct rec r;
	char got[256];

	scan_ok(content, &r);
	codes(&r, got, sizeof(got));
	assert_string_equal(got, want);
}

/* Expects content to fail with ERR_PDF_INVALID mentioning want. */
static void
scan_bad(const char *content, size_t len, const char *want)
{
	struct pdf_text_font *f = std_font("Helvetica", "WinAnsiEncoding");
	struct pdf_text_table t;
	struct pdf_text_resolver rv;
	struct rec *r = calloc(1, sizeof(*r));
	struct err e = { 0 };

	assert_non_null(r);
	table1(&t, f, NULL, NULL);
	pdf_text_table_resolver(&t, &rv);
	assert_int_equal(pdf_text_scan((const unsigned char *)content, len,
	    &rv, NULL, record, r, &e), -1);
	if (e.code != ERR_PDF_INVALID || strstr(e.detail, want) == NULL)
		fail_msg("wanted pdf_invalid '%s', got %s '%s'", want,
		    err_info(e.code)->name, e.detail);
	free(r);
	pdf_text_font_free(f);
}

static int
find_tab(const char *content, const struct pdf_text_table *t,
    const char *needle, double box[4], struct err *e)
{
	struct pdf_text_resolver rv;

	pdf_text_table_resolver(t, &rv);
	return pdf_text_find_in_content((const unsigned char *)content,
	    strlen(content), &rv, NULL, needle, box, e);
}

static void
find_ok(const char *content, const struct pdf_text_table *t,
    const char *needle, double box[4])
{
	struct err e = { 0 };

	if (find_tab(content, t, needle, box, &e) == -1)
		fail_msg("find '%s': %s %s", needle, err_info(e.code)->name,
		    e.detail);
}

static void
box_equal(const double *box, double x0, double y0, double x1, double y1)
{
	if (fabs(box[0] - x0) > EPS || fabs(box[1] - y0) > EPS ||
	    fabs(box[2] - x1) > EPS || fabs(box[3] - y1) > EPS)
		fail_msg("box %.3f %.3f %.3f %.3f, wanted %.3f %.3f %.3f %.3f",
		    box[0], box[1], box[2], box[3], x0, y0, x1, y1);
}

/* ---- tokeniser ---- */

static void
literal_strings(void **state)
{
	(void)state;
	/* Escapes of 7.3.4.2, balanced parentheses, octal with overflow. */
	scan_codes("BT /F1 10 Tf (a\\(b\\)c\\\\d) Tj ET", "a(b)c\\d");
	scan_codes("BT /F1 10 Tf (x(y)z) Tj ET", "x(y)z");
	scan_codes("BT /F1 10 Tf (\\101\\1012\\60\\0607) Tj ET", "AA2007");
	scan_codes("BT /F1 10 Tf (\\777) Tj ET", "\377");
	/* Backslash-newline continues; a bare CR LF reads as one LF. */
	scan_codes("BT /F1 10 Tf (ab\\\ncd\\\r\nef) Tj ET", "abcdef");
	scan_codes("BT /F1 10 Tf (a\r\nb\rc) Tj ET", "a\nb\nc");
	/* Unknown escapes stand for the character; % inside is data. */
	scan_codes("BT /F1 10 Tf (\\q%\\t) Tj ET", "q%\t");
}

static void
hex_names_numbers_comments(void **state)
{
	struct rec r;

	(void)state;
	scan_codes("BT /F1 10 Tf <41 42\n43> Tj <4> Tj <> Tj ET", "ABC@");
	/* A comment runs to the end of the line, a string does not start
	 * in it. */
	scan_codes("BT /F1 10 Tf % (hidden) Tj\r(shown) Tj ET", "shown");
	/* #xx in names: /F#31 is /F1. */
	scan_ok("BT /F#31 10 Tf 0 0 Td (H) Tj ET", &r);
	assert_int_equal(r.n, 1);
	assert_float_equal(r.g[0].bx, 10, EPS);
	/* Numbers: leading point, signs, trailing point, doubled sign. */
	scan_ok("BT /F1 10 Tf +.5 -.25 Td (a) Tj 4. --3 Td (b) Tj ET", &r);
	assert_int_equal(r.n, 2);
	assert_float_equal(r.g[0].x, 0.5, EPS);
	assert_float_equal(r.g[0].y, -0.25, EPS);
	assert_float_equal(r.g[1].x, 4.5, EPS);
	assert_float_equal(r.g[1].y, -3.25, EPS);
	/* Operands of the wrong type: the operator is ignored. */
	scan_ok("BT /F1 10 Tf 5 5 Td /x 7 Td (a) Tj ET", &r);
	assert_float_equal(r.g[0].x, 5, EPS);
}

static void
dicts_arrays_inline_images(void **state)
{
	(void)state;
	/* Marked content with a property dict holding a string. */
	scan_codes("/Span <</ActualText (zz) /K [1 [2]] >> BDC "
	    "BT /F1 10 Tf (A) Tj ET EMC", "A");
	/* Unfiltered inline image: its length comes from /W /H /BPC /CS,
	 * so "EI" inside the data does not end it. */
	scan_codes("BI /W 4 /H 1 /BPC 8 /CS /G ID a EI EI "
	    "BT /F1 10 Tf (B) Tj ET", "B");
	/* An image mask, one bit per pixel: 9 wide is 2 bytes a row. */
	scan_codes("BI /IM true /W 9 /H 2 ID \x01" "EI\x02 EI "
	    "BT /F1 10 Tf (C) Tj ET", "C");
	/* Filtered: the first EI between white space followed by text. */
	scan_codes("BI /W 2 /H 2 /F /AHx /CS /RGB ID 00ff00ff> EI Q "
	    "BT /F1 10 Tf (D) Tj ET", "D");
	/* /L (PDF 2.0) gives the length. */
	scan_codes("BI /L 7 /F /Fl ID \x03\x01 EI \xff EI "
	    "BT /F1 10 Tf (E) Tj ET", "E");
	/* Stray closers and unknown operators are skipped. */
	scan_codes("] >> ) } foo BT /F1 10 Tf (F) Tj ET", "F");
}

/* ---- text positioning ---- */

static void
tj_kerning(void **state)
{
	struct rec r;

	(void)state;
	/* Helvetica A = 667, B = 667: A at 100; B after 6.67 and the
	 * -500 adjustment (+5 at size 10). */
	scan_ok("BT /F1 10 Tf 100 200 Td [(A) -500 (B) 250 (A)] TJ ET", &r);
	assert_int_equal(r.n, 3);
	assert_float_equal(r.g[0].x, 100, EPS);
	assert_float_equal(r.g[0].y, 200, EPS);
	assert_float_equal(r.g[0].width, 0.667, 1e-6);
	assert_float_equal(r.g[1].x, 111.67, EPS);
	assert_float_equal(r.g[2].x, 115.84, EPS);
	/* Tc after every glyph, Tw only after the one-byte space, Tz
	 * scales both and the kerning. */
	scan_ok("BT /F1 10 Tf 1 Tc 3 Tw 50 Tz 0 0 Td (A B) Tj [-1000 (A)] "
	    "TJ ET", &r);
	assert_int_equal(r.n, 4);
	assert_float_equal(r.g[1].x, (6.67 + 1) * 0.5, EPS);
	assert_float_equal(r.g[2].x, (6.67 + 1 + 2.78 + 1 + 3) * 0.5, EPS);
	assert_float_equal(r.g[3].x, (6.67 + 1 + 2.78 + 1 + 3 + 6.67 + 1 +
	    10) * 0.5, EPS);
	assert_float_equal(r.g[0].bx, 5, EPS);	/* em along: 10 * 50% */
	assert_float_equal(r.g[0].uy, 10, EPS);
}

static void
line_moves(void **state)
{
	struct rec r;

	(void)state;
	/* Td, TL and T*, TD (which sets TL), ' and " (9.4.2, 9.4.3). */
	scan_ok("BT /F1 10 Tf 12 TL 50 700 Td (a) Tj T* (b) Tj 10 -5 TD (c) Tj"
	    " T* (d) Tj (e) ' 2 1 (f g) \" ET", &r);
	assert_int_equal(r.n, 8);
	assert_float_equal(r.g[0].y, 700, EPS);
	assert_float_equal(r.g[1].x, 50, EPS);
	assert_float_equal(r.g[1].y, 688, EPS);
	assert_float_equal(r.g[2].x, 60, EPS);
	assert_float_equal(r.g[2].y, 683, EPS);
	assert_float_equal(r.g[3].y, 678, EPS);
	assert_float_equal(r.g[4].y, 673, EPS);
	assert_float_equal(r.g[5].x, 60, EPS);
	assert_float_equal(r.g[5].y, 668, EPS);
	/* f = 278: 2.78 + Tc 1; space 2.78 + Tc 1 + Tw 2. */
	assert_float_equal(r.g[7].x, 60 + 2.78 + 1 + 2.78 + 1 + 2, EPS);
	/* Tm replaces, BT resets, Ts raises the origin only. */
	scan_ok("BT /F1 10 Tf 2 0 0 2 30 40 Tm (a) Tj 3 Ts (b) Tj ET "
	    "BT (c) Tj ET", &r);
	assert_int_equal(r.n, 3);
	assert_float_equal(r.g[0].x, 30, EPS);
	assert_float_equal(r.g[0].bx, 20, EPS);
	assert_float_equal(r.g[1].x, 30 + 2 * 5.56, EPS);
	assert_float_equal(r.g[1].y, 46, EPS);
	assert_float_equal(r.g[1].uy, 20, EPS);
	assert_float_equal(r.g[2].x, 0, EPS);
	assert_float_equal(r.g[2].y, 3, EPS);
}

static void
cm_and_q(void **state)
{
	struct rec r;

	(void)state;
	/* cm concatenates (8.4.4); Q restores CTM and text state. */
	scan_ok("q 2 0 0 2 10 10 cm 1 0 0 1 5 5 cm BT /F1 10 Tf (a) Tj ET Q "
	    "BT /F1 10 Tf 7 Tc (b) Tj q 30 Tc Q (c) Tj ET", &r);
	assert_int_equal(r.n, 3);
	assert_float_equal(r.g[0].x, 20, EPS);
	assert_float_equal(r.g[0].y, 20, EPS);
	assert_float_equal(r.g[0].ux, 0, EPS);
	assert_float_equal(r.g[0].uy, 20, EPS);
	assert_float_equal(r.g[1].x, 0, EPS);
	assert_float_equal(r.g[2].x, 5.56 + 7, EPS);
	/* Rotated 90 degrees: the baseline runs up. */
	scan_ok("0 1 -1 0 100 0 cm BT /F1 10 Tf 0 0 Td (ab) Tj ET", &r);
	assert_float_equal(r.g[0].x, 100, EPS);
	assert_float_equal(r.g[1].x, 100, EPS);
	assert_float_equal(r.g[1].y, 5.56, EPS);
	assert_float_equal(r.g[0].by, 10, EPS);
	assert_float_equal(r.g[0].ux, -10, EPS);
	/* An unmatched Q is ignored. */
	scan_ok("Q Q BT /F1 10 Tf (a) Tj ET", &r);
	assert_int_equal(r.n, 1);
}

static void
form_xobject(void **state)
{
	struct pdf_text_font *f = std_font("Helvetica", "WinAnsiEncoding");
	static const char form[] = "BT /F1 10 Tf 10 20 Td (#ttd#) Tj ET";
	struct pdf_text_table t;
	struct rec r;
	struct err e = { 0 };
	double box[4];

	(void)state;
	table1(&t, f, NULL, NULL);
	t.forms[0].name = "X1";
	t.forms[0].form.content = (const unsigned char *)form;
	t.forms[0].form.len = strlen(form);
	t.forms[0].form.matrix[0] = 2;
	t.forms[0].form.matrix[3] = 2;
	t.forms[0].form.matrix[4] = 100;
	t.forms[0].form.matrix[5] = 50;
	t.nforms = 1;
	/* Origin: (10,20) x Matrix x CTM = (120,90) + (5,5). */
	assert_int_equal(scan_tab("1 0 0 1 5 5 cm /X1 Do /Im0 Do", &t, &r, &e),
	    0);
	assert_int_equal(r.n, 5);
	assert_float_equal(r.g[0].x, 125, EPS);
	assert_float_equal(r.g[0].y, 95, EPS);
	assert_float_equal(r.g[0].bx, 20, EPS);
	find_ok("q 1 0 0 1 5 5 cm /X1 Do Q", &t, "#ttd#", box);
	box_equal(box, 125, 95 - 4, 125 + 2 * 26.688 / 1.2 * 1.2 * 10 / 12,
	    95 + 16);
	/* A form that runs itself stops at the depth limit. */
	t.forms[0].form.content = (const unsigned char *)"/X1 Do";
	t.forms[0].form.len = 6;
	assert_int_equal(scan_tab("/X1 Do", &t, &r, &e), -1);
	assert_int_equal(e.code, ERR_PDF_INVALID);
	assert_non_null(strstr(e.detail, "nested deeper"));
	pdf_text_font_free(f);
}

/* ---- fonts ---- */

static void
standard_fonts_and_encodings(void **state)
{
	struct pdf_text_font *tr = std_font("Times-Roman", NULL);
	struct pdf_text_font *co = std_font("CourierNewPSMT", NULL);
	struct pdf_text_font *hb = std_font("ABCDEF+Arial,Bold", NULL);
	struct pdf_text_font *mac = std_font("Helvetica", "MacRomanEncoding");
	struct pdf_text_font *win = std_font("Helvetica", "WinAnsiEncoding");
	struct pdf_text_table t;
	struct rec r;
	struct err e = { 0 };

	(void)state;
	memset(&t, 0, sizeof(t));
	t.fonts[0].name = "TR";
	t.fonts[0].font = tr;
	t.fonts[1].name = "CO";
	t.fonts[1].font = co;
	t.fonts[2].name = "HB";
	t.fonts[2].font = hb;
	t.fonts[3].name = "MAC";
	t.fonts[3].font = mac;
	t.fonts[4].name = "WIN";
	t.fonts[4].font = win;
	t.nfonts = 5;
	assert_int_equal(scan_tab("BT /TR 1 Tf (A') Tj /CO 1 Tf (iW) Tj "
	    "/HB 1 Tf (A) Tj /MAC 1 Tf (\x8e\xd5) Tj /WIN 1 Tf (\x80\x9f\xa0) "
	    "Tj /Nope 1 Tf (A) Tj ET", &t, &r, &e), 0);
	assert_int_equal(r.n, 11);
	assert_float_equal(r.g[0].width, 0.722, 1e-6);	/* Times A */
	assert_int_equal(r.g[1].cp[0], 0x2019);		/* Standard 047 */
	assert_float_equal(r.g[2].width, 0.6, 1e-6);	/* Courier */
	assert_float_equal(r.g[3].width, 0.6, 1e-6);
	assert_float_equal(r.g[4].width, 0.722, 1e-6);	/* Helv-Bold A */
	assert_int_equal(r.g[5].cp[0], 0xe9);		/* MacRoman é */
	assert_int_equal(r.g[6].cp[0], 0x2019);
	assert_int_equal(r.g[7].cp[0], 0x20ac);		/* WinAnsi € */
	assert_int_equal(r.g[8].cp[0], 0x178);
	assert_int_equal(r.g[9].cp[0], 0x20);		/* nbspace */
	assert_int_equal(r.g[10].cp[0], 'A');		/* unknown font */
	assert_float_equal(r.g[10].width, 0.667, 1e-6);
	assert_float_equal(r.g[10].ascent, 0.8, 1e-6);
	pdf_text_font_free(tr);
	pdf_text_font_free(co);
	pdf_text_font_free(hb);
	pdf_text_font_free(mac);
	pdf_text_font_free(win);
}

static void
differences(void **state)
{
	struct pdf_text_font *f = pdf_text_font_new(PDF_TEXT_SIMPLE,
	    "Helvetica");
	static const double w[] = { 556, 278, 556, 700 };
	struct pdf_text_table t;
	struct rec r;
	struct err e = { 0 };
	double box[4];

	(void)state;
	assert_non_null(f);
	assert_int_equal(pdf_text_font_encoding(f, "WinAnsiEncoding"), 0);
	assert_int_equal(pdf_text_font_encoding(f, "Bogus"), -1);
	assert_int_equal(pdf_text_font_difference(f, 1, "numbersign"), 0);
	assert_int_equal(pdf_text_font_difference(f, 2, "/t"), 0);
	assert_int_equal(pdf_text_font_difference(f, 3, "d"), 0);
	assert_int_equal(pdf_text_font_difference(f, 4, "uni00C9"), 0);
	assert_int_equal(pdf_text_font_difference(f, 5, "T.sc"), 0);
	assert_int_equal(pdf_text_font_difference(f, 6, "u1F600"), 0);
	assert_int_equal(pdf_text_font_difference(f, 7, "eacute"), 0);
	assert_int_equal(pdf_text_font_difference(f, 8, "g123"), 0);
	assert_int_equal(pdf_text_font_difference(f, 'A', "Zcaron"), 0);
	assert_int_equal(pdf_text_font_difference(f, 256, "A"), -1);
	assert_int_equal(pdf_text_font_widths(f, 1, w, 4), 0);
	pdf_text_font_missing_width(f, 250);
	pdf_text_font_finish(f);
	table1(&t, f, NULL, NULL);
	assert_int_equal(scan_tab("BT /F1 10 Tf <0405060708> Tj (A) Tj ET",
	    &t, &r, &e), 0);
	assert_int_equal(r.n, 6);
	assert_int_equal(r.g[0].cp[0], 0xc9);
	assert_float_equal(r.g[0].width, 0.7, 1e-6);
	assert_int_equal(r.g[1].cp[0], 'T');
	assert_float_equal(r.g[1].width, 0.25, 1e-6);	/* MissingWidth */
	assert_int_equal(r.g[2].cp[0], 0x1f600);
	assert_int_equal(r.g[3].cp[0], 0xe9);
	assert_int_equal(r.g[4].ncp, 0);
	assert_int_equal(r.g[5].cp[0], 0x17d);
	/* #, t, t, d, # at 556 278 278 556 556: 22.24 em/1000 * 10. */
	find_ok("BT /F1 10 Tf 20 30 Td <0102020301> Tj ET", &t, "#ttd#", box);
	box_equal(box, 20, 28, 20 + 22.24, 38);
	pdf_text_font_free(f);
}

static const char tounicode[] =
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >>"
    " def /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
    "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
    "3 beginbfrange\n"
    "<0010> <0019> <0030>\n"			/* digits */
    "<0020> <0023> [<0023> <0074> <0064> <FB01>]\n"	/* # t d fi */
    "<0030> <0031> <D83DDE00>\n"		/* surrogate pair, counting */
    "endbfrange\n"
    "2 beginbfchar\n"
    "<0040> <00410042>\n"			/* two code points */
    "<0041> /eacute\n"
    "endbfchar\n"
    "endcmap CMapName currentdict /CMap defineresource pop end end\n";

static void
tounicode_bfrange(void **state)
{
	struct pdf_text_font *f = pdf_text_font_new(PDF_TEXT_TYPE0, "ArialMT");
	struct pdf_text_table t;
	struct rec r;
	struct err e = { 0 };

	(void)state;
	assert_non_null(f);
	assert_int_equal(pdf_text_font_tounicode(f, (const unsigned char *)
	    tounicode, strlen(tounicode), &e), 0);
	pdf_text_font_finish(f);
	table1(&t, f, NULL, NULL);
	assert_int_equal(scan_tab("BT /F1 10 Tf <00100015001900200021002200"
	    "2300300031004000410099> Tj ET", &t, &r, &e), 0);
	assert_int_equal(r.n, 12);
	assert_int_equal(r.g[0].cp[0], '0');
	assert_int_equal(r.g[1].cp[0], '5');
	assert_int_equal(r.g[2].cp[0], '9');
	assert_int_equal(r.g[3].cp[0], '#');
	assert_int_equal(r.g[4].cp[0], 't');
	assert_int_equal(r.g[5].cp[0], 'd');
	assert_int_equal(r.g[6].cp[0], 0xfb01);
	assert_int_equal(r.g[7].cp[0], 0x1f600);
	assert_int_equal(r.g[8].cp[0], 0x1f601);
	assert_int_equal(r.g[9].ncp, 2);
	assert_int_equal(r.g[9].cp[1], 'B');
	assert_int_equal(r.g[10].cp[0], 0xe9);
	assert_int_equal(r.g[11].ncp, 0);		/* unmapped */
	assert_int_equal(r.g[11].code, 0x99);
	assert_int_equal(r.g[11].code_len, 2);
	assert_float_equal(r.g[0].width, 1, 1e-6);	/* /DW default */
	pdf_text_font_free(f);
	/* A damaged CMap keeps what came before the damage. */
	f = pdf_text_font_new(PDF_TEXT_SIMPLE, NULL);
	assert_non_null(f);
	assert_int_equal(pdf_text_font_tounicode(f, (const unsigned char *)
	    "1 beginbfchar <41> <0058> endbfchar 1 beginbfchar <42> <00",
	    58, &e), -1);
	assert_int_equal(e.code, ERR_PDF_INVALID);
	pdf_text_font_finish(f);
	table1(&t, f, NULL, NULL);
	assert_int_equal(scan_tab("BT /F1 10 Tf (AB) Tj ET", &t, &r, &e), 0);
	assert_int_equal(r.g[0].cp[0], 'X');
	assert_int_equal(r.g[1].cp[0], 'B');		/* from the encoding */
	pdf_text_font_free(f);
}

static void
identity_h_with_cmap(void **state)
{
	struct pdf_text_font *f = pdf_text_font_new(PDF_TEXT_TYPE0,
	    "ABCDEF+ArialMT");
	struct pdf_text_table t;
	struct err e = { 0 };
	double box[4];

	(void)state;
	assert_non_null(f);
	assert_int_equal(pdf_text_font_tounicode(f, (const unsigned char *)
	    tounicode, strlen(tounicode), &e), 0);
	/* # 556, t 278, d 556; everything else /DW 500. */
	pdf_text_font_default_width(f, 500);
	assert_int_equal(pdf_text_font_cid_widths(f, 0x22, 0x22, 556), 0);
	assert_int_equal(pdf_text_font_cid_widths(f, 0x20, 0x20, 556), 0);
	assert_int_equal(pdf_text_font_cid_widths(f, 0x21, 0x21, 278), 0);
	assert_int_equal(pdf_text_font_cid_widths(f, 5, 4, 1), -1);
	pdf_text_font_metrics(f, 905, -212);
	pdf_text_font_finish(f);
	table1(&t, f, NULL, NULL);
	/* "Nomor 0 #ttd#" in CIDs; Tw must not apply to two-byte codes. */
	find_ok("BT /F1 20 Tf 99 Tw 100 300 Td <0010 0010> Tj 25 0 Td "
	    "[<00200021> 100 <0021 00220020>] TJ ET", &t, "#ttd#", box);
	box_equal(box, 100 + 20 + 5, 300 - 20 * 0.212,
	    100 + 20 + 5 + 20 * 2.224 - 2, 300 + 20 * 0.905);
	/* The needle's "fi" matches the ligature glyph mapped to U+FB01. */
	find_ok("BT /F1 20 Tf <00230010> Tj ET", &t, "fi0", box);
	pdf_text_font_free(f);
}

static void
embedded_cmap(void **state)
{
	static const char cm[] =
	    "begincmap 2 begincodespacerange <00> <7F> <8000> <FFFF> "
	    "endcodespacerange 1 begincidrange <41> <5A> 100 endcidrange "
	    "1 begincidchar <8140> 7 endcidchar endcmap";
	struct pdf_text_font *f = pdf_text_font_new(PDF_TEXT_TYPE0, NULL);
	struct pdf_text_table t;
	struct rec r;
	struct err e = { 0 };

	(void)state;
	assert_non_null(f);
	assert_int_equal(pdf_text_font_cmap(f, (const unsigned char *)cm,
	    strlen(cm), &e), 0);
	assert_int_equal(pdf_text_font_cid_widths(f, 100, 125, 250), 0);
	assert_int_equal(pdf_text_font_cid_widths(f, 7, 7, 800), 0);
	pdf_text_font_finish(f);
	table1(&t, f, NULL, NULL);
	/* One-byte and two-byte codes by the codespace ranges. */
	assert_int_equal(scan_tab("BT /F1 10 Tf <41 8140 5A 81> Tj ET", &t,
	    &r, &e), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.g[0].code_len, 1);
	assert_float_equal(r.g[0].width, 0.25, 1e-6);
	assert_int_equal(r.g[1].code, 0x8140);
	assert_float_equal(r.g[1].width, 0.8, 1e-6);
	assert_float_equal(r.g[2].width, 0.25, 1e-6);
	assert_int_equal(r.g[3].code_len, 1);		/* short at the end */
	pdf_text_font_free(f);
}

static void
type3_widths(void **state)
{
	struct pdf_text_font *f = pdf_text_font_new(PDF_TEXT_TYPE3, "X");
	static const double w[] = { 5, 10 };
	struct pdf_text_table t;
	struct rec r;
	struct err e = { 0 };

	(void)state;
	assert_non_null(f);
	pdf_text_font_matrix(f, 0.1);
	assert_int_equal(pdf_text_font_widths(f, 'a', w, 2), 0);
	pdf_text_font_finish(f);
	table1(&t, f, NULL, NULL);
	assert_int_equal(scan_tab("BT /F1 10 Tf (ab) Tj ET", &t, &r, &e), 0);
	assert_float_equal(r.g[0].width, 0.5, 1e-6);
	assert_float_equal(r.g[1].x, 5, EPS);
	pdf_text_font_free(f);
}

/* ---- matching ---- */

static void
needle_split_across_operators(void **state)
{
	struct pdf_text_font *f = std_font("Helvetica", "WinAnsiEncoding");
	struct pdf_text_table t;
	struct err e = { 0 };
	double box[4];

	(void)state;
	table1(&t, f, NULL, NULL);
	/* Three text objects placed by Td: # 6.672, ttd 13.344 at 12. */
	find_ok("BT /F1 12 Tf 100 100 Td (#) Tj ET "
	    "BT /F1 12 Tf 106.672 100 Td (ttd) Tj ET "
	    "BT /F1 12 Tf 120.016 100 Td (#) Tj ET", &t, "#ttd#", box);
	box_equal(box, 100, 97.6, 126.688, 109.6);
	/* Drawn right to left in the stream, read left to right. */
	find_ok("BT /F1 12 Tf 120.016 100 Td (#) Tj ET "
	    "BT /F1 12 Tf 100 100 Td (#ttd) Tj ET", &t, "#ttd#", box);
	box_equal(box, 100, 97.6, 126.688, 109.6);
	/* Gaps wider than 0.15 em are spaces: exact match fails, the
	 * space-insensitive one finds it. */
	find_ok("BT /F1 12 Tf 100 100 Td (#) Tj 10 0 Td (ttd) Tj 20 0 Td "
	    "(#) Tj ET", &t, "#ttd#", box);
	box_equal(box, 100, 97.6, 136.672, 109.6);
	/* Without spaces a match may not begin or end inside a word. */
	assert_int_equal(find_tab("BT /F1 10 Tf (a program should) Tj ET", &t,
	    "programs", box, &e), -1);
	assert_int_equal(e.code, ERR_PDF_ANCHOR_NOT_FOUND);
	find_ok("BT /F1 10 Tf (a pro gram s) Tj ET", &t, "programs", box);
	find_ok("BT /F1 10 Tf (Ttd:(# t t d #)) Tj ET", &t, "#ttd#", box);
	box_equal(box, 10 * (0.611 + 0.278 + 0.556 + 0.278 + 0.333), -2,
	    10 * (0.611 + 0.278 + 0.556 + 0.278 + 0.333 + 6 * 0.278 + 3 *
	    0.556), 8);
	/* A needle with spaces, across a gap and collapsed. */
	find_ok("BT /F1 10 Tf 10 10 Td (xx Kepala) Tj ET "
	    "BT /F1 10 Tf 60 10 Td (Dinas) Tj ET",
	    &t, "  Kepala \t Dinas ", box);
	/* Simulated bold: the same text twice, 0.3 pt apart, is read
	 * once (the leftmost copy), not as "##ttttdd##". */
	find_ok("BT /F1 10 Tf 10 10 Td (#ttd#) Tj ET "
	    "BT /F1 10 Tf 10.3 10 Td (#ttd#) Tj ET", &t, "#ttd#", box);
	box_equal(box, 10, 8, 10 + 22.24, 18);
	/* First in content order wins; other lines come later. */
	find_ok("BT /F1 10 Tf 10 10 Td (#ttd# bawah) Tj 0 500 Td (#ttd#) Tj "
	    "ET", &t, "#ttd#", box);
	assert_float_equal(box[1], 8, EPS);
	/* A rotated line: the box holds the rotated glyph boxes. */
	find_ok("BT /F1 10 Tf 0 1 -1 0 200 100 Tm (#ttd#) Tj ET", &t, "#ttd#",
	    box);
	box_equal(box, 192, 100, 202, 122.24);
	/* Glyphs on another baseline are another line. */
	assert_int_equal(find_tab("BT /F1 10 Tf 10 10 Td (#tt) Tj 0 -20 Td "
	    "(d#) Tj ET", &t, "#ttd#", box, &e), -1);
	assert_int_equal(e.code, ERR_PDF_ANCHOR_NOT_FOUND);
	pdf_text_font_free(f);
}

static void
not_found_and_bad_needles(void **state)
{
	struct pdf_text_font *f = std_font("Helvetica", "WinAnsiEncoding");
	struct pdf_text_table t;
	struct err e = { 0 };
	double box[4];

	(void)state;
	table1(&t, f, NULL, NULL);
	assert_int_equal(find_tab("BT /F1 10 Tf (#ttd) Tj ET", &t, "#ttd#",
	    box, &e), -1);
	assert_int_equal(e.code, ERR_PDF_ANCHOR_NOT_FOUND);
	assert_int_equal(find_tab("", &t, "#ttd#", box, &e), -1);
	assert_int_equal(e.code, ERR_PDF_ANCHOR_NOT_FOUND);
	/* Case matters. */
	assert_int_equal(find_tab("BT /F1 10 Tf (#TTD#) Tj ET", &t, "#ttd#",
	    box, &e), -1);
	assert_int_equal(e.code, ERR_PDF_ANCHOR_NOT_FOUND);
	assert_int_equal(find_tab("BT /F1 10 Tf (x) Tj ET", &t, " \t ", box,
	    &e), -1);
	assert_int_equal(e.code, ERR_PDF_ANCHOR_NOT_FOUND);
	assert_non_null(strstr(e.detail, "empty"));
	assert_int_equal(find_tab("BT /F1 10 Tf (x) Tj ET", &t, "\xc3\x28",
	    box, &e), -1);
	assert_int_equal(e.code, ERR_PDF_ANCHOR_NOT_FOUND);
	assert_non_null(strstr(e.detail, "UTF-8"));
	assert_int_equal(find_tab("BT /F1 10 Tf (x) Tj ET", &t, "\xed\xa0\x80",
	    box, &e), -1);
	assert_int_equal(find_tab("x", &t, NULL, box, &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	/* Text scaled to nothing is not found. */
	assert_int_equal(find_tab("BT /F1 0 Tf (#ttd#) Tj ET", &t, "#ttd#",
	    box, &e), -1);
	assert_int_equal(e.code, ERR_PDF_ANCHOR_NOT_FOUND);
	pdf_text_font_free(f);
}

/* ---- malformed and hostile content ---- */

static void
malformed_content(void **state)
{
	char *s;
	size_t i, n;

	(void)state;
	scan_bad("BT /F1 10 Tf (abc", 17, "unterminated string");
	scan_bad("(abc\\", 5, "unterminated string");
	scan_bad("<414", 4, "unterminated hex");
	scan_bad("<41 4G> Tj", 10, "bad hex digit");
	scan_bad("[(a) 1", 6, "unterminated array");
	scan_bad("<< /A [1 >> 2", 13, "unterminated array");
	scan_bad("<< /A 1", 7, "unterminated dictionary");
	scan_bad("BI /W 1 /H 1 ID xxxxx", 21, "without EI");
	scan_bad("BI /W 1 /H 1", 12, "without ID");
	scan_bad("BI /W 1 (x", 10, "unterminated string");
	scan_bad("/abc\0(", 6, "unterminated string");

	n = 40;
	assert_non_null(s = malloc(2 * n + 1));
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	scan_bad(s, 2 * n, "nested deeper than 32");
	free(s);

	n = 300;
	assert_non_null(s = malloc(2 * n + 1));
	for (i = 0; i < n; i++)
		memcpy(s + 2 * i, "q ", 2);
	s[2 * n] = '\0';
	scan_bad(s, 2 * n, "q nested deeper than 256");
	free(s);

	n = 70000;
	assert_non_null(s = malloc(2 * n + 1));
	for (i = 0; i < n; i++)
		memcpy(s + 2 * i, "1 ", 2);
	s[2 * n] = '\0';
	scan_bad(s, 2 * n, "more than 65536 operands");
	free(s);

	n = (4u << 20) + 10;
	assert_non_null(s = malloc(n + 3));
	s[0] = '(';
	memset(s + 1, 'a', n);
	s[n + 1] = ')';
	s[n + 2] = '\0';
	scan_bad(s, n + 2, "longer than");
	free(s);

	n = 300;
	assert_non_null(s = malloc(n + 2));
	s[0] = '/';
	memset(s + 1, 'N', n);
	s[n + 1] = '\0';
	scan_bad(s, n + 1, "name longer");
	free(s);
}

/* Random bytes and mutations of real content: any outcome but a crash
 * (the sanitizer build checks memory). */
static void
random_content_never_crashes(void **state)
{
	static const char seed[] =
	    "q 1 0 0 1 5 5 cm BT /F1 12 Tf 14 TL 100 100 Td [(#t) -20 <7464>"
	    " (#)] TJ T* (a\\(b\\)) ' 1 2 (c) \" ET Q BI /W 2 /H 1 /CS /G "
	    "/BPC 8 ID ab EI /X1 Do << /A [1 2] >> BDC EMC";
	static const char alphabet[] = "()<>[]{}/%\\ \n\r0123456789.-+#"
	    "BTETjJdDfmqQcIEWHLF*'\"";
	struct pdf_text_font *f = std_font("Helvetica", "WinAnsiEncoding");
	struct pdf_text_table t;
	struct pdf_text_resolver rv;
	struct rec *r = calloc(1, sizeof(*r));
	struct err e;
	unsigned char buf[sizeof(seed) + 64];
	uint32_t x = 12345;
	size_t i, k, n;
	double box[4];

	(void)state;
	assert_non_null(r);
	table1(&t, f, NULL, NULL);
	t.forms[0].name = "X1";
	t.forms[0].form.content = (const unsigned char *)seed;
	t.forms[0].form.len = sizeof(seed) - 1;
	t.forms[0].form.matrix[0] = t.forms[0].form.matrix[3] = 1;
	t.nforms = 1;
	pdf_text_table_resolver(&t, &rv);
	for (i = 0; i < 20000; i++) {
		memcpy(buf, seed, sizeof(seed) - 1);
		n = sizeof(seed) - 1;
		for (k = 0; k < 1 + i % 8; k++) {
			x = x * 1103515245 + 12345;
			if (i % 3 == 0)
				buf[(x >> 8) % n] = (unsigned char)(x >> 16);
			else
				buf[(x >> 8) % n] =
				    (unsigned char)alphabet[(x >> 16) %
				    (sizeof(alphabet) - 1)];
		}
		x = x * 1103515245 + 12345;
		n = (x >> 8) % (n + 1);
		r->n = 0;
		memset(&e, 0, sizeof(e));
		if (pdf_text_scan(buf, n, &rv, NULL, record, r, &e) == -1)
			assert_true(e.code == ERR_PDF_INVALID);
		if (pdf_text_find_in_content(buf, n, &rv, NULL, "#t", box,
		    &e) == 0)
			assert_true(box[0] <= box[2] && box[1] <= box[3]);
	}
	free(r);
	pdf_text_font_free(f);
}

/* ---- filters ---- */

static void
decode(const char *filter, const void *in, size_t len, size_t max,
    const char *want, size_t wantlen)
{
	struct buf b;
	struct err e = { 0 };

	buf_init(&b, 1u << 20);
	if (pdf_text_decode(filter, in, len, max, &b, &e) == -1)
		fail_msg("%s: %s", filter, e.detail);
	assert_int_equal(b.len, wantlen);
	assert_memory_equal(b.data, want, wantlen);
	buf_cleanup(&b);
}

static void
decode_bad(const char *filter, const void *in, size_t len, size_t max,
    const char *want)
{
	struct buf b;
	struct err e = { 0 };

	buf_init(&b, 1u << 20);
	assert_int_equal(pdf_text_decode(filter, in, len, max, &b, &e), -1);
	if (e.code != ERR_PDF_INVALID || strstr(e.detail, want) == NULL)
		fail_msg("wanted pdf_invalid '%s', got '%s'", want, e.detail);
	buf_cleanup(&b);
}

static void
stream_filters(void **state)
{
	unsigned char z[256], *big;
	uLongf zlen = sizeof(z);
	size_t n = 1u << 20;

	(void)state;
	decode("ASCIIHexDecode", "48 65\n6c6C6f7>", 15, 100, "Hellop", 6);
	decode("/AHx", "", 0, 100, "", 0);
	decode_bad("AHx", "4x", 2, 100, "bad digit");
	/* "Man " and the final two-character group of 7.4.3. */
	decode("ASCII85Decode", "9jqo^z9jqo~>", 12, 100,
	    "Man \0\0\0\0Man", 11);
	decode("A85", "<~9jqo^~>", 9, 100, "Man ", 4);
	decode_bad("A85", "9jqo^v", 6, 100, "bad character");
	decode_bad("A85", "s8W-\"", 5, 100, "out of range");
	decode_bad("A85", "9jqo^9", 6, 100, "lone final");
	decode("RunLengthDecode", "\x02" "abc\xfe" "z\x80" "q", 8, 100,
	    "abczzz", 6);
	decode("RL", "\x05" "ab", 3, 100, "ab", 2);	/* truncated */
	decode_bad("RL", "\xfe" "z\xfe" "z", 4, 5, "larger than 5");
	assert_int_equal(compress(z, &zlen, (const Bytef *)"BT (x) Tj ET", 12),
	    Z_OK);
	decode("FlateDecode", z, zlen, 100, "BT (x) Tj ET", 12);
	decode("Fl", z, zlen - 4, 100, "BT (x) Tj ET", 12);	/* no Adler */
	decode_bad("Fl", "garbage", 7, 100, "FlateDecode");
	decode_bad("LZWDecode", "x", 1, 100, "is not read");
	decode_bad("DCTDecode", "x", 1, 100, "is not read");
	/* A bomb stops at the cap. */
	assert_non_null(big = calloc(1, n));
	zlen = sizeof(z);
	assert_int_equal(compress2(z, &zlen, big, n, 9), Z_BUF_ERROR);
	free(big);
}

static void
flate_bomb(void **state)
{
	unsigned char *big, *z;
	uLongf zlen;
	size_t n = 8u << 20;
	struct buf b;
	struct err e = { 0 };

	(void)state;
	assert_non_null(big = calloc(1, n));
	zlen = compressBound(n);
	assert_non_null(z = malloc(zlen));
	assert_int_equal(compress2(z, &zlen, big, n, 9), Z_OK);
	buf_init(&b, 64u << 20);
	assert_int_equal(pdf_text_decode("FlateDecode", z, zlen, 1u << 20, &b,
	    &e), -1);
	assert_non_null(strstr(e.detail, "larger than 1048576"));
	assert_true(b.len <= (1u << 20));
	buf_cleanup(&b);
	free(big);
	free(z);
}

/* ---- qpdf ---- */

/* A PDF of the given page contents (Helvetica /F1) with a correct xref,
 * written into b. */
static void
make_pdf(struct buf *b, const char *const *pages, size_t npages)
{
	size_t off[64], nobj = 0, i, xref;

	assert_true(3 + 2 * npages < 64);
	buf_init(b, 1u << 20);
	assert_int_equal(buf_addstr(b, "%PDF-1.7\n"), 0);
	off[nobj++] = b->len;
	assert_int_equal(buf_printf(b, "1 0 obj << /Type /Catalog /Pages 2 0 R"
	    " >> endobj\n"), 0);
	off[nobj++] = b->len;
	assert_int_equal(buf_printf(b, "2 0 obj << /Type /Pages /Count %zu "
	    "/Kids [", npages), 0);
	for (i = 0; i < npages; i++)
		assert_int_equal(buf_printf(b, " %zu 0 R", 4 + 2 * i), 0);
	assert_int_equal(buf_printf(b, "] /Resources << /Font << /F1 3 0 R >> "
	    ">> >> endobj\n"), 0);
	off[nobj++] = b->len;
	assert_int_equal(buf_printf(b, "3 0 obj << /Type /Font /Subtype /Type1 "
	    "/BaseFont /Helvetica /Encoding /WinAnsiEncoding >> endobj\n"), 0);
	for (i = 0; i < npages; i++) {
		off[nobj++] = b->len;
		/* No /Resources: inherited from the page tree. */
		assert_int_equal(buf_printf(b, "%zu 0 obj << /Type /Page "
		    "/Parent 2 0 R /MediaBox [0 0 595 842] /Contents %zu 0 R "
		    ">> endobj\n", 4 + 2 * i, 5 + 2 * i), 0);
		off[nobj++] = b->len;
		assert_int_equal(buf_printf(b, "%zu 0 obj << /Length %zu >>\n"
		    "stream\n%s\nendstream endobj\n", 5 + 2 * i,
		    strlen(pages[i]) + 1, pages[i]), 0);
	}
	xref = b->len;
	assert_int_equal(buf_printf(b, "xref\n0 %zu\n0000000000 65535 f \n",
	    nobj + 1), 0);
	for (i = 0; i < nobj; i++)
		assert_int_equal(buf_printf(b, "%010zu 00000 n \n", off[i]), 0);
	assert_int_equal(buf_printf(b, "trailer << /Size %zu /Root 1 0 R >>\n"
	    "startxref\n%zu\n%%%%EOF\n", nobj + 1, xref), 0);
}

static qpdf_data
open_pdf(const char *const *pages, size_t npages, struct buf *b)
{
	qpdf_data q = qpdf_init();

	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	make_pdf(b, pages, npages);
	assert_int_equal(qpdf_read_memory(q, "test", (const char *)b->data,
	    b->len, NULL) & QPDF_ERRORS, 0);
	return q;
}

static void
qpdf_documents(void **state)
{
	static const char *const pages[] = {
		"BT /F1 12 Tf 72 700 Td (Halaman satu) Tj ET",
		"BT /F1 12 Tf 72 700 Td (tanpa) Tj ET",
		("BT /F1 10 Tf 300 100 Td (Kepala: ) Tj ET "
		    "BT /F1 10 Tf 336.68 100 Td (#ttd#) Tj ET"),
		"BT /F1 10 Tf (#ttd#) Tj (",
	};
	struct buf b;
	struct err e = { 0 };
	qpdf_data q;
	double box[4];
	int page = 0;

	(void)state;
	q = open_pdf(pages, 3, &b);
	if (pdf_text_find(q, "#ttd#", &page, box, &e) == -1)
		fail_msg("pdf_text_find: %s", e.detail);
	assert_int_equal(page, 3);
	box_equal(box, 336.68, 98, 336.68 + 22.24, 108);
	assert_int_equal(pdf_text_find(q, "Halaman", &page, box, &e), 0);
	assert_int_equal(page, 1);
	assert_int_equal(pdf_text_find(q, "#tidak#", &page, box, &e), -1);
	assert_int_equal(e.code, ERR_PDF_ANCHOR_NOT_FOUND);
	assert_int_equal(pdf_text_find(q, "#ttd#", NULL, box, &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	assert_false(qpdf_has_error(q));
	qpdf_cleanup(&q);
	buf_cleanup(&b);

	/* Broken content on page 2 stops the search there. */
	q = open_pdf(pages + 1, 3, &b);
	assert_int_equal(pdf_text_find(q, "#ttd#", &page, box, &e), 0);
	assert_int_equal(page, 2);
	assert_int_equal(pdf_text_find(q, "#none#", &page, box, &e), -1);
	assert_int_equal(e.code, ERR_PDF_INVALID);
	assert_non_null(strstr(e.detail, "page 3: unterminated string"));
	qpdf_cleanup(&q);
	buf_cleanup(&b);

	q = open_pdf(pages, 0, &b);
	assert_int_equal(pdf_text_find(q, "#ttd#", &page, box, &e), -1);
	assert_int_equal(e.code, ERR_PDF_BAD_PAGE);
	qpdf_cleanup(&q);
	buf_cleanup(&b);
}

int
run_pdf_text_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literal_strings),
		cmocka_unit_test(hex_names_numbers_comments),
		cmocka_unit_test(dicts_arrays_inline_images),
		cmocka_unit_test(tj_kerning),
		cmocka_unit_test(line_moves),
		cmocka_unit_test(cm_and_q),
		cmocka_unit_test(form_xobject),
		cmocka_unit_test(standard_fonts_and_encodings),
		cmocka_unit_test(differences),
		cmocka_unit_test(tounicode_bfrange),
		cmocka_unit_test(identity_h_with_cmap),
		cmocka_unit_test(embedded_cmap),
		cmocka_unit_test(type3_widths),
		cmocka_unit_test(needle_split_across_operators),
		cmocka_unit_test(not_found_and_bad_needles),
		cmocka_unit_test(malformed_content),
		cmocka_unit_test(random_content_never_crashes),
		cmocka_unit_test(stream_filters),
		cmocka_unit_test(flate_bomb),
		cmocka_unit_test(qpdf_documents),
	};

	return cmocka_run_group_tests_name("pdf_text", tests, NULL, NULL);
}

#ifdef PDF_TEXT_TEST_MAIN
/* Standalone runner; in the repository tests/unit/main.c calls
 * run_pdf_text_tests with the other suites. */
int
main(void)
{
	return run_pdf_text_tests() > 0;
}
#endif
