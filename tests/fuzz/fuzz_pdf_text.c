/*
 * fuzz_pdf_text.c - libFuzzer target for pdf_text's parsers. The first
 * byte chooses what the rest of the input is:
 *
 *   0x00-0xbf  a content stream, run with fonts F1 (Helvetica WinAnsi),
 *              F2 (Type0 Identity-H with a ToUnicode CMap and /W), F3
 *              (Type3 with /Differences) and forms X1 (text under a
 *              matrix) and X2 (which invokes itself, to hit the depth
 *              limit), then searched for "#ttd#";
 *   0xc0-0xdf  a ToUnicode CMap (or, when odd, an embedded Type0
 *              /Encoding CMap) for a font then used on fixed content;
 *   0xe0-0xff  data for one stream filter, chosen by the next byte,
 *              decoded with a 1 MiB cap.
 *
 * Any return value is fine; the sanitizers judge the rest.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pdf_text.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char tounicode[] =
    "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
    "2 beginbfrange <0003> <005d> <0020> <0100> <0102> [<0041> <0042> "
    "<D83DDE00>] endbfrange 1 beginbfchar <0006> <0023> endbfchar\n";
static const char form1[] = "BT /F2 10 Tf 0 0 Td <00060057005700470006> Tj "
    "ET /X2 Do";
static const char form2[] = "q 1 0 0 1 1 1 cm /X2 Do Q";
static const char sample[] = "BT /F1 12 Tf 14 TL 10 10 Td [(#t) -20 (td#)] "
    "TJ T* <00060057> Tj ET";

static struct pdf_text_font *f1, *f2, *f3;
static struct pdf_text_table table;
static struct pdf_text_resolver rv;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const double w3[] = { 500, 600, 700 };
	struct err e;

	(void)argc;
	(void)argv;
	f1 = pdf_text_font_new(PDF_TEXT_SIMPLE, "Helvetica");
	pdf_text_font_encoding(f1, "WinAnsiEncoding");
	pdf_text_font_finish(f1);
	f2 = pdf_text_font_new(PDF_TEXT_TYPE0, "ABCDEF+ArialMT");
	pdf_text_font_tounicode(f2, (const unsigned char *)tounicode,
	    sizeof(tounicode) - 1, &e);
	pdf_text_font_cid_widths(f2, 3, 93, 556);
	pdf_text_font_cid_widths(f2, 0x57, 0x57, 278);
	pdf_text_font_metrics(f2, 905, -212);
	pdf_text_font_finish(f2);
	f3 = pdf_text_font_new(PDF_TEXT_TYPE3, "T3");
	pdf_text_font_matrix(f3, 0.01);
	pdf_text_font_difference(f3, 'a', "numbersign");
	pdf_text_font_difference(f3, 'b', "uni0074");
	pdf_text_font_difference(f3, 'c', "d.alt");
	pdf_text_font_widths(f3, 'a', w3, 3);
	pdf_text_font_finish(f3);

	table.fonts[0].name = "F1";
	table.fonts[0].font = f1;
	table.fonts[1].name = "F2";
	table.fonts[1].font = f2;
	table.fonts[2].name = "F3";
	table.fonts[2].font = f3;
	table.nfonts = 3;
	table.forms[0].name = "X1";
	table.forms[0].form.content = (const unsigned char *)form1;
	table.forms[0].form.len = sizeof(form1) - 1;
	table.forms[0].form.matrix[0] = 0.5;
	table.forms[0].form.matrix[3] = 2;
	table.forms[0].form.matrix[4] = 30;
	table.forms[1].name = "X2";
	table.forms[1].form.content = (const unsigned char *)form2;
	table.forms[1].form.len = sizeof(form2) - 1;
	table.forms[1].form.matrix[0] = 1;
	table.forms[1].form.matrix[3] = 1;
	table.nforms = 2;
	pdf_text_table_resolver(&table, &rv);
	return 0;
}

static int
count(void *arg, const struct pdf_text_glyph *g, struct err *e)
{
	(void)e;
	(*(size_t *)arg) += g->ncp;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const filters[] = {
		"FlateDecode", "ASCIIHexDecode", "ASCII85Decode",
		"RunLengthDecode", "LZWDecode"
	};
	struct pdf_text_font *f;
	struct pdf_text_table t;
	struct pdf_text_resolver r;
	struct buf b;
	struct err e;
	double box[4];
	size_t n = 0;

	if (size == 0)
		return 0;
	memset(&e, 0, sizeof(e));
	if (data[0] < 0xc0) {
		pdf_text_scan(data + 1, size - 1, &rv, NULL, count, &n, &e);
		pdf_text_find_in_content(data + 1, size - 1, &rv, NULL,
		    "#ttd#", box, &e);
	} else if (data[0] < 0xe0) {
		f = pdf_text_font_new(PDF_TEXT_TYPE0, NULL);
		if (f == NULL)
			return 0;
		if (data[0] & 1)
			pdf_text_font_cmap(f, data + 1, size - 1, &e);
		else
			pdf_text_font_tounicode(f, data + 1, size - 1, &e);
		if (size > 2)
			pdf_text_font_cid_widths(f, data[1], data[2], 700);
		pdf_text_font_finish(f);
		memset(&t, 0, sizeof(t));
		t.fonts[0].name = "F1";
		t.fonts[0].font = f;
		t.nfonts = 1;
		pdf_text_table_resolver(&t, &r);
		pdf_text_scan((const unsigned char *)sample, sizeof(sample) - 1,
		    &r, NULL, count, &n, &e);
		pdf_text_find_in_content((const unsigned char *)sample,
		    sizeof(sample) - 1, &r, NULL, "#t", box, &e);
		pdf_text_font_free(f);
	} else if (size >= 2) {
		buf_init(&b, 2u << 20);
		pdf_text_decode(filters[data[1] % 5], data + 2, size - 2,
		    1u << 20, &b, &e);
		buf_cleanup(&b);
	}
	return 0;
}
