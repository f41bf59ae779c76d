/*
 * pdf_text.c - finds an anchor text in a PDF's pages and the box it is
 * drawn in.
 *
 * A content stream (ISO 32000-1 7.8.2) is tokenised with a cursor that
 * fails when input runs short (7.2, 7.3), and its text operators are
 * interpreted with the part of the graphics state positions depend on:
 * q/Q and cm (8.4.4), the text state (9.3), the text and line matrices
 * (9.4.2, 9.4.3). Every glyph is reported with the text rendering matrix
 * of 9.4.4 applied, i.e. in default user space. A collector then groups
 * glyphs into lines (same baseline direction, baselines within half an
 * em), orders each line along its baseline, infers word spaces from
 * gaps, and searches the needle in each line's text.
 *
 * Only the placement of a short anchor matters, to a fraction of an em,
 * so font programs are never read: widths come from /Widths, /W or the
 * standard 14 metrics (9.6.2.2), Unicode from /ToUnicode (9.10.3) or the
 * encoding and glyph names (9.6.6, Annex D), heights from the font
 * descriptor (9.8) or -0.2/+0.8 em. Doing this here rather than with
 * poppler keeps a second PDF parser out of the signing service.
 *
 * Every byte comes from an uploaded document: all containers have fixed
 * limits, and stream data is decoded here rather than by qpdf so that a
 * decompression bomb stops at a cap instead of exhausting memory.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "pdf_text.h"

/* ---- limits ---- */
#define OBJ_DEPTH_MAX	32		/* arrays and dicts in one operand */
#define OPERANDS_MAX	65536		/* objects (array items too) per op */
#define POOL_MAX	(4u << 20)	/* string and name bytes per op */
#define PDFNAME_MAX	255		/* Annex C says 127; be generous */
#define GSAVE_MAX	256		/* q nesting */
#define FORM_DEPTH_MAX	12		/* Form XObjects inside forms */
#define OPS_MAX		(20u * 1000 * 1000)	/* operators per scan */
#define SCAN_BYTES_MAX	((size_t)512 << 20)	/* content run per scan */
#define GLYPHS_MAX	200000		/* glyphs collected per page */
#define CPS_MAX		(PDF_TEXT_MAX_CP * GLYPHS_MAX)	/* their code points */
#define STREAM_MAX	((size_t)64 << 20)	/* one decoded stream */
#define PAGE_MAX	((size_t)64 << 20)	/* a page's /Contents */
#define FORMS_MAX_BYTES	((size_t)64 << 20)	/* decoded forms per page */
#define CMAP_STREAM_MAX	((size_t)4 << 20)	/* decoded CMap */
#define CMAP_MAPS_MAX	200000		/* mappings in one CMap */
#define CMAP_POOL_MAX	(1u << 20)	/* their destination code points */
#define CMAP_SPACES_MAX	16		/* codespace ranges */
#define CID_WIDTHS_MAX	65536		/* /W ranges of one font */
#define NAMES_MAX	1024		/* font or form names per page */
#define FONT_ENTRIES_MAX 2000000	/* /W and CMap entries per page */
#define PARENTS_MAX	64		/* /Parent hops for /Resources */

/* ---- tables ---- */

struct agl_entry {
	const char	*name;
	uint16_t	 cp;
};

/*
 * Encodings (Annex D) as code -> Unicode, glyph names of the Adobe Glyph
 * List, and the advance widths of the standard 14 fonts from Adobe's
 * Core 14 AFM files (Copyright 1985-1999 Adobe Systems Incorporated,
 * which permits their use and distribution). Helvetica-Oblique and
 * -BoldOblique have the widths of Helvetica and Helvetica-Bold, Courier
 * is 600 throughout; Arial is metric-compatible with Helvetica, Times
 * New Roman with Times, Courier New with Courier.
 *
 * WinAnsiEncoding follows the notes of D.2: unused codes above 040 draw
 * a bullet, 0240 a space and 0255 a hyphen (octal); MacRomanEncoding
 * draws a space at 0312.
 */
#define AFM_NCHARS 229
#define AFM_NFONTS 6
/* Adobe Glyph List names used by the standard Latin encodings, sorted. */
static const struct agl_entry agl[] = {
	{ "A", 0x0041 },
	{ "AE", 0x00c6 },
	{ "Aacute", 0x00c1 },
	{ "Abreve", 0x0102 },
	{ "Acircumflex", 0x00c2 },
	{ "Adieresis", 0x00c4 },
	{ "Agrave", 0x00c0 },
	{ "Amacron", 0x0100 },
	{ "Aogonek", 0x0104 },
	{ "Aring", 0x00c5 },
	{ "Atilde", 0x00c3 },
	{ "B", 0x0042 },
	{ "C", 0x0043 },
	{ "Cacute", 0x0106 },
	{ "Ccaron", 0x010c },
	{ "Ccedilla", 0x00c7 },
	{ "Ccircumflex", 0x0108 },
	{ "Cdotaccent", 0x010a },
	{ "D", 0x0044 },
	{ "Dcaron", 0x010e },
	{ "Dcroat", 0x0110 },
	{ "Delta", 0x2206 },
	{ "E", 0x0045 },
	{ "Eacute", 0x00c9 },
	{ "Ebreve", 0x0114 },
	{ "Ecaron", 0x011a },
	{ "Ecircumflex", 0x00ca },
	{ "Edieresis", 0x00cb },
	{ "Edotaccent", 0x0116 },
	{ "Egrave", 0x00c8 },
	{ "Emacron", 0x0112 },
	{ "Eng", 0x014a },
	{ "Eogonek", 0x0118 },
	{ "Eth", 0x00d0 },
	{ "Euro", 0x20ac },
	{ "F", 0x0046 },
	{ "G", 0x0047 },
	{ "Gbreve", 0x011e },
	{ "Gcircumflex", 0x011c },
	{ "Gcommaaccent", 0x0122 },
	{ "Gdotaccent", 0x0120 },
	{ "H", 0x0048 },
	{ "Hbar", 0x0126 },
	{ "Hcircumflex", 0x0124 },
	{ "I", 0x0049 },
	{ "IJ", 0x0132 },
	{ "Iacute", 0x00cd },
	{ "Ibreve", 0x012c },
	{ "Icircumflex", 0x00ce },
	{ "Idieresis", 0x00cf },
	{ "Idotaccent", 0x0130 },
	{ "Igrave", 0x00cc },
	{ "Imacron", 0x012a },
	{ "Iogonek", 0x012e },
	{ "Itilde", 0x0128 },
	{ "J", 0x004a },
	{ "Jcircumflex", 0x0134 },
	{ "K", 0x004b },
	{ "Kcommaaccent", 0x0136 },
	{ "L", 0x004c },
	{ "Lacute", 0x0139 },
	{ "Lcaron", 0x013d },
	{ "Lcommaaccent", 0x013b },
	{ "Ldot", 0x013f },
	{ "Lslash", 0x0141 },
	{ "M", 0x004d },
	{ "N", 0x004e },
	{ "Nacute", 0x0143 },
	{ "Ncaron", 0x0147 },
	{ "Ncommaaccent", 0x0145 },
	{ "Ntilde", 0x00d1 },
	{ "O", 0x004f },
	{ "OE", 0x0152 },
	{ "Oacute", 0x00d3 },
	{ "Obreve", 0x014e },
	{ "Ocircumflex", 0x00d4 },
	{ "Odieresis", 0x00d6 },
	{ "Ograve", 0x00d2 },
	{ "Ohungarumlaut", 0x0150 },
	{ "Omacron", 0x014c },
	{ "Omega", 0x2126 },
	{ "Oslash", 0x00d8 },
	{ "Otilde", 0x00d5 },
	{ "P", 0x0050 },
	{ "Q", 0x0051 },
	{ "R", 0x0052 },
	{ "Racute", 0x0154 },
	{ "Rcaron", 0x0158 },
	{ "Rcommaaccent", 0x0156 },
	{ "S", 0x0053 },
	{ "Sacute", 0x015a },
	{ "Scaron", 0x0160 },
	{ "Scedilla", 0x015e },
	{ "Scircumflex", 0x015c },
	{ "Scommaaccent", 0x0218 },
	{ "T", 0x0054 },
	{ "Tbar", 0x0166 },
	{ "Tcaron", 0x0164 },
	{ "Tcedilla", 0x0162 },
	{ "Tcommaaccent", 0x0162 },
	{ "Thorn", 0x00de },
	{ "U", 0x0055 },
	{ "Uacute", 0x00da },
	{ "Ubreve", 0x016c },
	{ "Ucircumflex", 0x00db },
	{ "Udieresis", 0x00dc },
	{ "Ugrave", 0x00d9 },
	{ "Uhungarumlaut", 0x0170 },
	{ "Umacron", 0x016a },
	{ "Uogonek", 0x0172 },
	{ "Uring", 0x016e },
	{ "Utilde", 0x0168 },
	{ "V", 0x0056 },
	{ "W", 0x0057 },
	{ "Wcircumflex", 0x0174 },
	{ "X", 0x0058 },
	{ "Y", 0x0059 },
	{ "Yacute", 0x00dd },
	{ "Ycircumflex", 0x0176 },
	{ "Ydieresis", 0x0178 },
	{ "Z", 0x005a },
	{ "Zacute", 0x0179 },
	{ "Zcaron", 0x017d },
	{ "Zdotaccent", 0x017b },
	{ "a", 0x0061 },
	{ "aacute", 0x00e1 },
	{ "abreve", 0x0103 },
	{ "acircumflex", 0x00e2 },
	{ "acute", 0x00b4 },
	{ "adieresis", 0x00e4 },
	{ "ae", 0x00e6 },
	{ "agrave", 0x00e0 },
	{ "amacron", 0x0101 },
	{ "ampersand", 0x0026 },
	{ "aogonek", 0x0105 },
	{ "apple", 0xf8ff },
	{ "approxequal", 0x2248 },
	{ "aring", 0x00e5 },
	{ "asciicircum", 0x005e },
	{ "asciitilde", 0x007e },
	{ "asterisk", 0x002a },
	{ "at", 0x0040 },
	{ "atilde", 0x00e3 },
	{ "b", 0x0062 },
	{ "backslash", 0x005c },
	{ "bar", 0x007c },
	{ "braceleft", 0x007b },
	{ "braceright", 0x007d },
	{ "bracketleft", 0x005b },
	{ "bracketright", 0x005d },
	{ "breve", 0x02d8 },
	{ "brokenbar", 0x00a6 },
	{ "bullet", 0x2022 },
	{ "c", 0x0063 },
	{ "cacute", 0x0107 },
	{ "caron", 0x02c7 },
	{ "ccaron", 0x010d },
	{ "ccedilla", 0x00e7 },
	{ "ccircumflex", 0x0109 },
	{ "cdotaccent", 0x010b },
	{ "cedilla", 0x00b8 },
	{ "cent", 0x00a2 },
	{ "circumflex", 0x02c6 },
	{ "colon", 0x003a },
	{ "comma", 0x002c },
	{ "copyright", 0x00a9 },
	{ "currency", 0x00a4 },
	{ "d", 0x0064 },
	{ "dagger", 0x2020 },
	{ "daggerdbl", 0x2021 },
	{ "dcaron", 0x010f },
	{ "dcroat", 0x0111 },
	{ "degree", 0x00b0 },
	{ "dieresis", 0x00a8 },
	{ "divide", 0x00f7 },
	{ "dollar", 0x0024 },
	{ "dotaccent", 0x02d9 },
	{ "dotlessi", 0x0131 },
	{ "dotlessj", 0x0237 },
	{ "dotmath", 0x22c5 },
	{ "e", 0x0065 },
	{ "eacute", 0x00e9 },
	{ "ebreve", 0x0115 },
	{ "ecaron", 0x011b },
	{ "ecircumflex", 0x00ea },
	{ "edieresis", 0x00eb },
	{ "edotaccent", 0x0117 },
	{ "egrave", 0x00e8 },
	{ "eight", 0x0038 },
	{ "ellipsis", 0x2026 },
	{ "emacron", 0x0113 },
	{ "emdash", 0x2014 },
	{ "endash", 0x2013 },
	{ "eng", 0x014b },
	{ "eogonek", 0x0119 },
	{ "equal", 0x003d },
	{ "eth", 0x00f0 },
	{ "exclam", 0x0021 },
	{ "exclamdown", 0x00a1 },
	{ "f", 0x0066 },
	{ "ff", 0xfb00 },
	{ "ffi", 0xfb03 },
	{ "ffl", 0xfb04 },
	{ "fi", 0xfb01 },
	{ "figuredash", 0x2012 },
	{ "five", 0x0035 },
	{ "fl", 0xfb02 },
	{ "florin", 0x0192 },
	{ "four", 0x0034 },
	{ "fraction", 0x2044 },
	{ "g", 0x0067 },
	{ "gbreve", 0x011f },
	{ "gcircumflex", 0x011d },
	{ "gcommaaccent", 0x0123 },
	{ "gdotaccent", 0x0121 },
	{ "germandbls", 0x00df },
	{ "grave", 0x0060 },
	{ "greater", 0x003e },
	{ "greaterequal", 0x2265 },
	{ "guillemotleft", 0x00ab },
	{ "guillemotright", 0x00bb },
	{ "guilsinglleft", 0x2039 },
	{ "guilsinglright", 0x203a },
	{ "h", 0x0068 },
	{ "hbar", 0x0127 },
	{ "hcircumflex", 0x0125 },
	{ "hungarumlaut", 0x02dd },
	{ "hyphen", 0x002d },
	{ "i", 0x0069 },
	{ "iacute", 0x00ed },
	{ "ibreve", 0x012d },
	{ "icircumflex", 0x00ee },
	{ "idieresis", 0x00ef },
	{ "igrave", 0x00ec },
	{ "ij", 0x0133 },
	{ "imacron", 0x012b },
	{ "infinity", 0x221e },
	{ "integral", 0x222b },
	{ "iogonek", 0x012f },
	{ "itilde", 0x0129 },
	{ "j", 0x006a },
	{ "jcircumflex", 0x0135 },
	{ "k", 0x006b },
	{ "kcommaaccent", 0x0137 },
	{ "kgreenlandic", 0x0138 },
	{ "l", 0x006c },
	{ "lacute", 0x013a },
	{ "lcaron", 0x013e },
	{ "lcommaaccent", 0x013c },
	{ "ldot", 0x0140 },
	{ "less", 0x003c },
	{ "lessequal", 0x2264 },
	{ "logicalnot", 0x00ac },
	{ "longs", 0x017f },
	{ "lozenge", 0x25ca },
	{ "lslash", 0x0142 },
	{ "m", 0x006d },
	{ "macron", 0x00af },
	{ "minus", 0x2212 },
	{ "mu", 0x00b5 },
	{ "multiply", 0x00d7 },
	{ "n", 0x006e },
	{ "nacute", 0x0144 },
	{ "napostrophe", 0x0149 },
	{ "nbspace", 0x00a0 },
	{ "ncaron", 0x0148 },
	{ "ncommaaccent", 0x0146 },
	{ "nine", 0x0039 },
	{ "nonbreakingspace", 0x00a0 },
	{ "notequal", 0x2260 },
	{ "ntilde", 0x00f1 },
	{ "numbersign", 0x0023 },
	{ "o", 0x006f },
	{ "oacute", 0x00f3 },
	{ "obreve", 0x014f },
	{ "ocircumflex", 0x00f4 },
	{ "odieresis", 0x00f6 },
	{ "oe", 0x0153 },
	{ "ogonek", 0x02db },
	{ "ograve", 0x00f2 },
	{ "ohungarumlaut", 0x0151 },
	{ "omacron", 0x014d },
	{ "one", 0x0031 },
	{ "onehalf", 0x00bd },
	{ "onequarter", 0x00bc },
	{ "onesuperior", 0x00b9 },
	{ "onethird", 0x2153 },
	{ "ordfeminine", 0x00aa },
	{ "ordmasculine", 0x00ba },
	{ "oslash", 0x00f8 },
	{ "otilde", 0x00f5 },
	{ "p", 0x0070 },
	{ "paragraph", 0x00b6 },
	{ "parenleft", 0x0028 },
	{ "parenright", 0x0029 },
	{ "partialdiff", 0x2202 },
	{ "percent", 0x0025 },
	{ "period", 0x002e },
	{ "periodcentered", 0x00b7 },
	{ "perthousand", 0x2030 },
	{ "pi", 0x03c0 },
	{ "plus", 0x002b },
	{ "plusminus", 0x00b1 },
	{ "product", 0x220f },
	{ "q", 0x0071 },
	{ "question", 0x003f },
	{ "questiondown", 0x00bf },
	{ "quotedbl", 0x0022 },
	{ "quotedblbase", 0x201e },
	{ "quotedblleft", 0x201c },
	{ "quotedblright", 0x201d },
	{ "quoteleft", 0x2018 },
	{ "quotereversed", 0x201b },
	{ "quoteright", 0x2019 },
	{ "quotesinglbase", 0x201a },
	{ "quotesingle", 0x0027 },
	{ "r", 0x0072 },
	{ "racute", 0x0155 },
	{ "radical", 0x221a },
	{ "rcaron", 0x0159 },
	{ "rcommaaccent", 0x0157 },
	{ "registered", 0x00ae },
	{ "ring", 0x02da },
	{ "s", 0x0073 },
	{ "sacute", 0x015b },
	{ "scaron", 0x0161 },
	{ "scedilla", 0x015f },
	{ "scircumflex", 0x015d },
	{ "scommaaccent", 0x0219 },
	{ "section", 0x00a7 },
	{ "semicolon", 0x003b },
	{ "seven", 0x0037 },
	{ "sfthyphen", 0x00ad },
	{ "six", 0x0036 },
	{ "slash", 0x002f },
	{ "softhyphen", 0x00ad },
	{ "space", 0x0020 },
	{ "sterling", 0x00a3 },
	{ "summation", 0x2211 },
	{ "t", 0x0074 },
	{ "tbar", 0x0167 },
	{ "tcaron", 0x0165 },
	{ "tcedilla", 0x0163 },
	{ "tcommaaccent", 0x0163 },
	{ "thorn", 0x00fe },
	{ "three", 0x0033 },
	{ "threequarters", 0x00be },
	{ "threesuperior", 0x00b3 },
	{ "tilde", 0x02dc },
	{ "trademark", 0x2122 },
	{ "two", 0x0032 },
	{ "twosuperior", 0x00b2 },
	{ "twothirds", 0x2154 },
	{ "u", 0x0075 },
	{ "uacute", 0x00fa },
	{ "ubreve", 0x016d },
	{ "ucircumflex", 0x00fb },
	{ "udieresis", 0x00fc },
	{ "ugrave", 0x00f9 },
	{ "uhungarumlaut", 0x0171 },
	{ "umacron", 0x016b },
	{ "underscore", 0x005f },
	{ "uogonek", 0x0173 },
	{ "uring", 0x016f },
	{ "utilde", 0x0169 },
	{ "v", 0x0076 },
	{ "w", 0x0077 },
	{ "wcircumflex", 0x0175 },
	{ "x", 0x0078 },
	{ "y", 0x0079 },
	{ "yacute", 0x00fd },
	{ "ycircumflex", 0x0177 },
	{ "ydieresis", 0x00ff },
	{ "yen", 0x00a5 },
	{ "z", 0x007a },
	{ "zacute", 0x017a },
	{ "zcaron", 0x017e },
	{ "zdotaccent", 0x017c },
	{ "zero", 0x0030 },
};

static const uint16_t enc_winansi[256] = {
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005a, 0x005b, 0x005c, 0x005d, 0x005e, 0x005f,
	0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007a, 0x007b, 0x007c, 0x007d, 0x007e, 0x2022,
	0x20ac, 0x2022, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x2022, 0x017d, 0x2022,
	0x2022, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x2022, 0x017e, 0x0178,
	0x0020, 0x00a1, 0x00a2, 0x00a3, 0x00a4, 0x00a5, 0x00a6, 0x00a7,
	0x00a8, 0x00a9, 0x00aa, 0x00ab, 0x00ac, 0x002d, 0x00ae, 0x00af,
	0x00b0, 0x00b1, 0x00b2, 0x00b3, 0x00b4, 0x00b5, 0x00b6, 0x00b7,
	0x00b8, 0x00b9, 0x00ba, 0x00bb, 0x00bc, 0x00bd, 0x00be, 0x00bf,
	0x00c0, 0x00c1, 0x00c2, 0x00c3, 0x00c4, 0x00c5, 0x00c6, 0x00c7,
	0x00c8, 0x00c9, 0x00ca, 0x00cb, 0x00cc, 0x00cd, 0x00ce, 0x00cf,
	0x00d0, 0x00d1, 0x00d2, 0x00d3, 0x00d4, 0x00d5, 0x00d6, 0x00d7,
	0x00d8, 0x00d9, 0x00da, 0x00db, 0x00dc, 0x00dd, 0x00de, 0x00df,
	0x00e0, 0x00e1, 0x00e2, 0x00e3, 0x00e4, 0x00e5, 0x00e6, 0x00e7,
	0x00e8, 0x00e9, 0x00ea, 0x00eb, 0x00ec, 0x00ed, 0x00ee, 0x00ef,
	0x00f0, 0x00f1, 0x00f2, 0x00f3, 0x00f4, 0x00f5, 0x00f6, 0x00f7,
	0x00f8, 0x00f9, 0x00fa, 0x00fb, 0x00fc, 0x00fd, 0x00fe, 0x00ff,
};

static const uint16_t enc_macroman[256] = {
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005a, 0x005b, 0x005c, 0x005d, 0x005e, 0x005f,
	0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007a, 0x007b, 0x007c, 0x007d, 0x007e, 0x0000,
	0x00c4, 0x00c5, 0x00c7, 0x00c9, 0x00d1, 0x00d6, 0x00dc, 0x00e1,
	0x00e0, 0x00e2, 0x00e4, 0x00e3, 0x00e5, 0x00e7, 0x00e9, 0x00e8,
	0x00ea, 0x00eb, 0x00ed, 0x00ec, 0x00ee, 0x00ef, 0x00f1, 0x00f3,
	0x00f2, 0x00f4, 0x00f6, 0x00f5, 0x00fa, 0x00f9, 0x00fb, 0x00fc,
	0x2020, 0x00b0, 0x00a2, 0x00a3, 0x00a7, 0x2022, 0x00b6, 0x00df,
	0x00ae, 0x00a9, 0x2122, 0x00b4, 0x00a8, 0x2260, 0x00c6, 0x00d8,
	0x221e, 0x00b1, 0x2264, 0x2265, 0x00a5, 0x00b5, 0x2202, 0x2211,
	0x220f, 0x03c0, 0x222b, 0x00aa, 0x00ba, 0x03a9, 0x00e6, 0x00f8,
	0x00bf, 0x00a1, 0x00ac, 0x221a, 0x0192, 0x2248, 0x2206, 0x00ab,
	0x00bb, 0x2026, 0x0020, 0x00c0, 0x00c3, 0x00d5, 0x0152, 0x0153,
	0x2013, 0x2014, 0x201c, 0x201d, 0x2018, 0x2019, 0x00f7, 0x25ca,
	0x00ff, 0x0178, 0x2044, 0x00a4, 0x2039, 0x203a, 0xfb01, 0xfb02,
	0x2021, 0x00b7, 0x201a, 0x201e, 0x2030, 0x00c2, 0x00ca, 0x00c1,
	0x00cb, 0x00c8, 0x00cd, 0x00ce, 0x00cf, 0x00cc, 0x00d3, 0x00d4,
	0x0000, 0x00d2, 0x00da, 0x00db, 0x00d9, 0x0131, 0x02c6, 0x02dc,
	0x00af, 0x02d8, 0x02d9, 0x02da, 0x00b8, 0x02dd, 0x02db, 0x02c7,
};

static const uint16_t enc_standard[256] = {
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x2019,
	0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005a, 0x005b, 0x005c, 0x005d, 0x005e, 0x005f,
	0x2018, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007a, 0x007b, 0x007c, 0x007d, 0x007e, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x00a1, 0x00a2, 0x00a3, 0x2044, 0x00a5, 0x0192, 0x00a7,
	0x00a4, 0x0027, 0x201c, 0x00ab, 0x2039, 0x203a, 0xfb01, 0xfb02,
	0x0000, 0x2013, 0x2020, 0x2021, 0x00b7, 0x0000, 0x00b6, 0x2022,
	0x201a, 0x201e, 0x201d, 0x00bb, 0x2026, 0x2030, 0x0000, 0x00bf,
	0x0000, 0x0060, 0x00b4, 0x02c6, 0x02dc, 0x00af, 0x02d8, 0x02d9,
	0x00a8, 0x0000, 0x02da, 0x00b8, 0x0000, 0x02dd, 0x02db, 0x02c7,
	0x2014, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x00c6, 0x0000, 0x00aa, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0141, 0x00d8, 0x0152, 0x00ba, 0x0000, 0x0000, 0x0000, 0x0000,
	0x0000, 0x00e6, 0x0000, 0x0000, 0x0000, 0x0131, 0x0000, 0x0000,
	0x0142, 0x00f8, 0x0153, 0x00df, 0x0000, 0x0000, 0x0000, 0x0000,
};

static const uint16_t afm_chars[AFM_NCHARS] = {
	0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005a, 0x005b, 0x005c, 0x005d, 0x005e, 0x005f,
	0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007a, 0x007b, 0x007c, 0x007d, 0x007e, 0x00a1,
	0x00a2, 0x00a3, 0x00a4, 0x00a5, 0x00a6, 0x00a7, 0x00a8, 0x00a9,
	0x00aa, 0x00ab, 0x00ac, 0x00ae, 0x00af, 0x00b0, 0x00b1, 0x00b2,
	0x00b3, 0x00b4, 0x00b5, 0x00b6, 0x00b7, 0x00b8, 0x00b9, 0x00ba,
	0x00bb, 0x00bc, 0x00bd, 0x00be, 0x00bf, 0x00c0, 0x00c1, 0x00c2,
	0x00c3, 0x00c4, 0x00c5, 0x00c6, 0x00c7, 0x00c8, 0x00c9, 0x00ca,
	0x00cb, 0x00cc, 0x00cd, 0x00ce, 0x00cf, 0x00d0, 0x00d1, 0x00d2,
	0x00d3, 0x00d4, 0x00d5, 0x00d6, 0x00d7, 0x00d8, 0x00d9, 0x00da,
	0x00db, 0x00dc, 0x00dd, 0x00de, 0x00df, 0x00e0, 0x00e1, 0x00e2,
	0x00e3, 0x00e4, 0x00e5, 0x00e6, 0x00e7, 0x00e8, 0x00e9, 0x00ea,
	0x00eb, 0x00ec, 0x00ed, 0x00ee, 0x00ef, 0x00f0, 0x00f1, 0x00f2,
	0x00f3, 0x00f4, 0x00f5, 0x00f6, 0x00f7, 0x00f8, 0x00f9, 0x00fa,
	0x00fb, 0x00fc, 0x00fd, 0x00fe, 0x00ff, 0x0131, 0x0141, 0x0142,
	0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192,
	0x02c6, 0x02c7, 0x02d8, 0x02d9, 0x02da, 0x02db, 0x02dc, 0x02dd,
	0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e,
	0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x2044,
	0x20ac, 0x2122, 0x2212, 0xfb01, 0xfb02,
};

static const uint16_t afm_widths[AFM_NFONTS][AFM_NCHARS] = {
	/* Helvetica */ {
	    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333,
	    278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278,
	    584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722,
	    278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667,
	    944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
	    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333,
	    500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 333, 556,
	    556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 737, 333, 400, 584,
	    333, 333, 333, 578, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
	    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278,
	    278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722,
	    722, 722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889, 500, 556,
	    556, 556, 556, 278, 278, 278, 278, 556, 556, 556, 556, 556, 556, 556,
	    584, 611, 556, 556, 556, 556, 500, 556, 500, 278, 556, 222, 1000,
	    944, 667, 500, 667, 611, 500, 556, 333, 333, 333, 333, 333, 333, 333,
	    333, 556, 1000, 222, 222, 222, 333, 333, 333, 556, 556, 350, 1000,
	    1000, 333, 333, 167, 556, 1000, 584, 500, 500,
	},
	/* Helvetica-Bold */ {
	    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333,
	    278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333,
	    584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278,
	    556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944,
	    667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556,
	    333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556,
	    333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 333, 556, 556,
	    556, 556, 280, 556, 333, 737, 370, 556, 584, 737, 333, 400, 584, 333,
	    333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, 722,
	    722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278,
	    278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722,
	    722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889, 556, 556, 556,
	    556, 556, 278, 278, 278, 278, 611, 611, 611, 611, 611, 611, 611, 584,
	    611, 611, 611, 611, 611, 556, 611, 556, 278, 611, 278, 1000, 944,
	    667, 556, 667, 611, 500, 556, 333, 333, 333, 333, 333, 333, 333, 333,
	    556, 1000, 278, 278, 278, 500, 500, 500, 556, 556, 350, 1000, 1000,
	    333, 333, 167, 556, 1000, 584, 611, 611,
	},
	/* Times-Roman */ {
	    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333,
	    250, 278, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278,
	    564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722, 722, 333,
	    389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944,
	    722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444,
	    333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389,
	    278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541, 333, 500, 500,
	    500, 500, 200, 500, 333, 760, 276, 500, 564, 760, 333, 400, 564, 300,
	    300, 333, 510, 453, 250, 333, 300, 310, 500, 750, 750, 750, 444, 722,
	    722, 722, 722, 722, 722, 889, 667, 611, 611, 611, 611, 333, 333, 333,
	    333, 722, 722, 722, 722, 722, 722, 722, 564, 722, 722, 722, 722, 722,
	    722, 556, 500, 444, 444, 444, 444, 444, 444, 667, 444, 444, 444, 444,
	    444, 278, 278, 278, 278, 500, 500, 500, 500, 500, 500, 500, 564, 500,
	    500, 500, 500, 500, 500, 500, 500, 278, 611, 278, 889, 722, 556, 389,
	    722, 611, 444, 500, 333, 333, 333, 333, 333, 333, 333, 333, 500,
	    1000, 333, 333, 333, 444, 444, 444, 500, 500, 350, 1000, 1000, 333,
	    333, 167, 500, 980, 564, 556, 556,
	},
	/* Times-Bold */ {
	    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250,
	    333, 250, 278, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 333,
	    333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667, 611, 778, 778,
	    389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722,
	    1000, 722, 722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444,
	    556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556,
	    444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520, 333,
	    500, 500, 500, 500, 220, 500, 333, 747, 300, 500, 570, 747, 333, 400,
	    570, 300, 300, 333, 601, 540, 250, 333, 300, 330, 500, 750, 750, 750,
	    500, 722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667,
	    389, 389, 389, 389, 722, 722, 778, 778, 778, 778, 778, 570, 778, 722,
	    722, 722, 722, 722, 611, 556, 500, 500, 500, 500, 500, 500, 722, 444,
	    444, 444, 444, 444, 278, 278, 278, 278, 500, 556, 500, 500, 500, 500,
	    500, 570, 500, 556, 556, 556, 556, 500, 556, 500, 278, 667, 278,
	    1000, 722, 556, 389, 722, 667, 444, 500, 333, 333, 333, 333, 333,
	    333, 333, 333, 500, 1000, 333, 333, 333, 500, 500, 500, 500, 500,
	    350, 1000, 1000, 333, 333, 167, 500, 1000, 570, 556, 556,
	},
	/* Times-Italic */ {
	    250, 333, 420, 500, 500, 833, 778, 214, 333, 333, 500, 675, 250, 333,
	    250, 278, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 333, 333,
	    675, 675, 675, 500, 920, 611, 611, 667, 722, 611, 611, 722, 722, 333,
	    444, 667, 556, 833, 667, 722, 611, 722, 611, 500, 556, 722, 611, 833,
	    611, 556, 556, 389, 278, 389, 422, 500, 333, 500, 500, 444, 500, 444,
	    278, 500, 500, 278, 278, 444, 278, 722, 500, 500, 500, 500, 389, 389,
	    278, 500, 444, 667, 444, 444, 389, 400, 275, 400, 541, 389, 500, 500,
	    500, 500, 275, 500, 333, 760, 276, 500, 675, 760, 333, 400, 675, 300,
	    300, 333, 514, 523, 250, 333, 300, 310, 500, 750, 750, 750, 500, 611,
	    611, 611, 611, 611, 611, 889, 667, 611, 611, 611, 611, 333, 333, 333,
	    333, 722, 667, 722, 722, 722, 722, 722, 675, 722, 722, 722, 722, 722,
	    556, 611, 500, 500, 500, 500, 500, 500, 500, 667, 444, 444, 444, 444,
	    444, 278, 278, 278, 278, 500, 500, 500, 500, 500, 500, 500, 675, 500,
	    500, 500, 500, 500, 444, 500, 444, 278, 556, 278, 944, 667, 500, 389,
	    556, 556, 389, 500, 333, 333, 333, 333, 333, 333, 333, 333, 500, 889,
	    333, 333, 333, 556, 556, 556, 500, 500, 350, 889, 1000, 333, 333,
	    167, 500, 980, 675, 500, 500,
	},
	/* Times-BoldItalic */ {
	    250, 389, 555, 500, 500, 833, 778, 278, 333, 333, 500, 570, 250, 333,
	    250, 278, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 333, 333,
	    570, 570, 570, 500, 832, 667, 667, 667, 722, 667, 667, 722, 778, 389,
	    500, 667, 611, 889, 722, 722, 611, 722, 667, 556, 611, 722, 667, 889,
	    667, 611, 611, 333, 278, 333, 570, 500, 333, 500, 500, 444, 500, 444,
	    333, 500, 556, 278, 278, 500, 278, 778, 556, 500, 500, 500, 389, 389,
	    278, 556, 444, 667, 500, 444, 389, 348, 220, 348, 570, 389, 500, 500,
	    500, 500, 220, 500, 333, 747, 266, 500, 606, 747, 333, 400, 570, 300,
	    300, 333, 532, 500, 250, 333, 300, 300, 500, 750, 750, 750, 500, 667,
	    667, 667, 667, 667, 667, 944, 667, 667, 667, 667, 667, 389, 389, 389,
	    389, 722, 722, 722, 722, 722, 722, 722, 570, 722, 722, 722, 722, 722,
	    611, 611, 500, 500, 500, 500, 500, 500, 500, 722, 444, 444, 444, 444,
	    444, 278, 278, 278, 278, 500, 556, 500, 500, 500, 500, 500, 570, 500,
	    556, 556, 556, 556, 444, 500, 444, 278, 611, 278, 944, 722, 556, 389,
	    611, 611, 389, 500, 333, 333, 333, 333, 333, 333, 333, 333, 500,
	    1000, 333, 333, 333, 500, 500, 500, 500, 500, 350, 1000, 1000, 333,
	    333, 167, 500, 1000, 606, 556, 556,
	},
};

/* ---- small helpers ---- */

/* White space and delimiters of 7.2.2, tables 1 and 2. */
static int
is_ws(int c)
{
	return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
}

static int
is_delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	    c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

static int
is_regular(int c)
{
	return !is_ws(c) && !is_delim(c);
}

/*
 * Room for need elements of size sz in p (capacity *cap), at most max.
 * Returns the (possibly moved) array, or NULL with p untouched.
 */
static void *
grow(void *p, size_t *cap, size_t need, size_t sz, size_t max)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return p;
	if (need > max)
		return NULL;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	if (ncap > SIZE_MAX / sz || (np = realloc(p, ncap * sz)) == NULL)
		return NULL;
	*cap = ncap;
	return np;
}

/* r = a x b, matrices [a b c d e f] as in 8.3.4. */
static void
mat_mul(double r[6], const double a[6], const double b[6])
{
	double t[6];

	t[0] = a[0] * b[0] + a[1] * b[2];
	t[1] = a[0] * b[1] + a[1] * b[3];
	t[2] = a[2] * b[0] + a[3] * b[2];
	t[3] = a[2] * b[1] + a[3] * b[3];
	t[4] = a[4] * b[0] + a[5] * b[2] + b[4];
	t[5] = a[4] * b[1] + a[5] * b[3] + b[5];
	memcpy(r, t, sizeof(t));
}

static const double identity[6] = { 1, 0, 0, 1, 0, 0 };

static int
agl_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct agl_entry *)e)->name);
}

static int
cp_valid(uint32_t c)
{
	return c <= 0x10ffff && (c < 0xd800 || c > 0xdfff);
}

/*
 * Unicode for a glyph name, following the Adobe Glyph List
 * specification: drop a ".suffix", split ligatures at '_', then each
 * component is an AGL name, "uniXXXX..." (groups of four hex digits) or
 * "uXXXX" to "uXXXXXX". Unknown components map to nothing.
 */
static size_t
glyph_unicode(const char *name, uint32_t *out, size_t max)
{
	const struct agl_entry *a;
	const char *s, *end, *c;
	char comp[64];
	size_t n = 0, len, i;
	uint32_t v;
	int h;

	end = strchr(name, '.');
	if (end == NULL)
		end = name + strlen(name);
	for (s = name; s < end && n < max; s = c + 1) {
		for (c = s; c < end && *c != '_'; c++)
			;
		len = (size_t)(c - s);
		if (len == 0 || len >= sizeof(comp))
			continue;
		memcpy(comp, s, len);
		comp[len] = '\0';
		a = bsearch(comp, agl, sizeof(agl) / sizeof(agl[0]),
		    sizeof(agl[0]), agl_cmp);
		if (a != NULL) {
			out[n++] = a->cp;
		} else if (len >= 7 && (len - 3) % 4 == 0 &&
		    memcmp(comp, "uni", 3) == 0) {
			for (i = 3; i < len && n < max; i += 4) {
				v = 0;
				for (h = 0; h < 4; h++) {
					if (hex_digit(comp[i + h]) < 0)
						break;
					v = v << 4 | (uint32_t)hex_digit(comp[i + h]);
				}
				if (h < 4)
					break;
				if (cp_valid(v))
					out[n++] = v;
			}
		} else if (len >= 5 && len <= 7 && comp[0] == 'u') {
			v = 0;
			for (i = 1; i < len && hex_digit(comp[i]) >= 0; i++)
				v = v << 4 | (uint32_t)hex_digit(comp[i]);
			if (i == len && cp_valid(v))
				out[n++] = v;
		}
		if (c == end)
			break;
	}
	return n;
}

/* Strict UTF-8 (RFC 3629): no overlongs, surrogates or values past
 * U+10FFFF. Returns the number of code points, or -1. */
static long
utf8_decode(const char *s, uint32_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	uint32_t c, min;
	int k, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			c = *p++;
			k = 0;
			min = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			c = *p++ & 0x1f;
			k = 1;
			min = 0x80;
		} else if ((*p & 0xf0) == 0xe0) {
			c = *p++ & 0x0f;
			k = 2;
			min = 0x800;
		} else if ((*p & 0xf8) == 0xf0) {
			c = *p++ & 0x07;
			k = 3;
			min = 0x10000;
		} else
			return -1;
		for (i = 0; i < k; i++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			c = c << 6 | (*p++ & 0x3f);
		}
		if (c < min || !cp_valid(c) || n >= max)
			return -1;
		out[n++] = c;
	}
	return (long)n;
}

/* ---- tokeniser (7.2, 7.3) ---- */

enum tok_type {
	TK_EOF, TK_NUM, TK_NAME, TK_STR, TK_ARRAY, TK_ARRAY_END, TK_DICT,
	TK_DICT_END, TK_KEYWORD
};

struct tok {
	enum tok_type		 type;
	double			 num;
	size_t			 off, len;	/* TK_NAME, TK_STR: in pool */
	const unsigned char	*kw;		/* TK_KEYWORD: in input */
	size_t			 kwlen;
};

struct lex {
	const unsigned char	*p, *end;
	struct buf		*pool;	/* decoded strings and names */
	struct err		*err;
};

static int
lex_put(struct lex *l, unsigned char c)
{
	if (buf_add(l->pool, &c, 1) == -1)
		return err_set(l->err, ERR_PDF_INVALID,
		    "content strings longer than %u bytes", POOL_MAX);
	return 0;
}

static void
lex_skip(struct lex *l)
{
	while (l->p < l->end) {
		if (is_ws(*l->p))
			l->p++;
		else if (*l->p == '%') {
			while (l->p < l->end && *l->p != '\n' && *l->p != '\r')
				l->p++;
		} else
			break;
	}
}

/*
 * A number (7.3.3). Viewers accept repeated signs and trailing junk
 * ("--5", "1.2.3"), so this reads what it can and skips the rest of the
 * token rather than failing. Magnitudes are capped: nothing on a page
 * is meaningfully larger, and it keeps later arithmetic finite.
 */
static double
lex_number(struct lex *l)
{
	double v = 0, scale = 1;
	uint64_t ip = 0, fp = 0;
	int neg = 0, ndig = 0, fdig = 0;

	while (l->p < l->end && (*l->p == '+' || *l->p == '-')) {
		if (*l->p == '-')
			neg = 1;
		l->p++;
	}
	while (l->p < l->end && *l->p >= '0' && *l->p <= '9') {
		if (ndig < 18) {
			ip = ip * 10 + (uint64_t)(*l->p - '0');
			ndig++;
		} else
			scale *= 10;
		l->p++;
	}
	if (l->p < l->end && *l->p == '.') {
		l->p++;
		while (l->p < l->end && *l->p >= '0' && *l->p <= '9') {
			if (fdig < 18) {
				fp = fp * 10 + (uint64_t)(*l->p - '0');
				fdig++;
			}
			l->p++;
		}
	}
	while (l->p < l->end && is_regular(*l->p))
		l->p++;
	v = (double)ip * scale;
	if (fdig > 0)
		v += (double)fp / pow(10, fdig);
	if (v > 1e15)
		v = 1e15;
	return neg ? -v : v;
}

/* A literal string (7.3.4.2) after its '('. */
static int
lex_literal(struct lex *l)
{
	int depth = 1, c, v, i;

	for (;;) {
		if (l->p >= l->end)
			return err_set(l->err, ERR_PDF_INVALID,
			    "unterminated string");
		c = *l->p++;
		if (c == '(')
			depth++;
		else if (c == ')') {
			if (--depth == 0)
				return 0;
		} else if (c == '\\') {
			if (l->p >= l->end)
				return err_set(l->err, ERR_PDF_INVALID,
				    "unterminated string");
			c = *l->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case '\r':
				/* A backslash before an end of line
				 * continues the string on the next line. */
				if (l->p < l->end && *l->p == '\n')
					l->p++;
				continue;
			case '\n':
				continue;
			default:
				if (c >= '0' && c <= '7') {
					v = c - '0';
					for (i = 1; i < 3 && l->p < l->end &&
					    *l->p >= '0' && *l->p <= '7'; i++)
						v = v * 8 + (*l->p++ - '0');
					/* High-order overflow is ignored. */
					c = v & 0xff;
				}
				/* Any other escaped character stands for
				 * itself, the backslash is dropped. */
				break;
			}
		} else if (c == '\r') {
			/* An unescaped end of line reads as one LF. */
			if (l->p < l->end && *l->p == '\n')
				l->p++;
			c = '\n';
		}
		if (lex_put(l, (unsigned char)c) == -1)
			return -1;
	}
}

/* A hexadecimal string (7.3.4.3) after its '<'. */
static int
lex_hex(struct lex *l)
{
	int hi = -1, v;

	for (;;) {
		if (l->p >= l->end)
			return err_set(l->err, ERR_PDF_INVALID,
			    "unterminated hex string");
		if (*l->p == '>') {
			l->p++;
			/* An odd final digit is followed by an implied 0. */
			if (hi >= 0 && lex_put(l, (unsigned char)(hi << 4))
			    == -1)
				return -1;
			return 0;
		}
		if (is_ws(*l->p)) {
			l->p++;
			continue;
		}
		if ((v = hex_digit(*l->p)) < 0)
			return err_set(l->err, ERR_PDF_INVALID,
			    "bad hex digit 0x%02x in string", *l->p);
		l->p++;
		if (hi < 0)
			hi = v;
		else {
			if (lex_put(l, (unsigned char)(hi << 4 | v)) == -1)
				return -1;
			hi = -1;
		}
	}
}

/* A name (7.3.5) after its '/', with #xx escapes. */
static int
lex_name(struct lex *l)
{
	size_t n = 0;
	int c;

	while (l->p < l->end && is_regular(*l->p)) {
		c = *l->p++;
		if (c == '#' && l->end - l->p >= 2 && hex_digit(l->p[0]) >= 0 &&
		    hex_digit(l->p[1]) >= 0) {
			c = hex_digit(l->p[0]) << 4 | hex_digit(l->p[1]);
			l->p += 2;
		}
		if (++n > PDFNAME_MAX)
			return err_set(l->err, ERR_PDF_INVALID,
			    "name longer than %d bytes", PDFNAME_MAX);
		if (lex_put(l, (unsigned char)c) == -1)
			return -1;
	}
	return 0;
}

static int
lex_next(struct lex *l, struct tok *t)
{
	int c;

	lex_skip(l);
	memset(t, 0, sizeof(*t));
	if (l->p >= l->end) {
		t->type = TK_EOF;
		return 0;
	}
	c = *l->p;
	t->off = l->pool->len;
	switch (c) {
	case '(':
		l->p++;
		t->type = TK_STR;
		if (lex_literal(l) == -1)
			return -1;
		break;
	case '<':
		l->p++;
		if (l->p < l->end && *l->p == '<') {
			l->p++;
			t->type = TK_DICT;
			return 0;
		}
		t->type = TK_STR;
		if (lex_hex(l) == -1)
			return -1;
		break;
	case '>':
		l->p++;
		if (l->p < l->end && *l->p == '>') {
			l->p++;
			t->type = TK_DICT_END;
			return 0;
		}
		/* A stray '>': a keyword nobody knows, ignored. */
		t->type = TK_KEYWORD;
		t->kw = l->p - 1;
		t->kwlen = 1;
		return 0;
	case '[':
		l->p++;
		t->type = TK_ARRAY;
		return 0;
	case ']':
		l->p++;
		t->type = TK_ARRAY_END;
		return 0;
	case '/':
		l->p++;
		t->type = TK_NAME;
		if (lex_name(l) == -1)
			return -1;
		break;
	case '{': case '}': case ')':
		t->type = TK_KEYWORD;
		t->kw = l->p++;
		t->kwlen = 1;
		return 0;
	default:
		if ((c >= '0' && c <= '9') || c == '+' || c == '-' ||
		    c == '.') {
			t->type = TK_NUM;
			t->num = lex_number(l);
			return 0;
		}
		t->type = TK_KEYWORD;
		t->kw = l->p;
		while (l->p < l->end && is_regular(*l->p))
			l->p++;
		t->kwlen = (size_t)(l->p - t->kw);
		return 0;
	}
	t->len = l->pool->len - t->off;
	return 0;
}

static int
kw_is(const struct tok *t, const char *s)
{
	size_t n = strlen(s);

	return t->type == TK_KEYWORD && t->kwlen == n &&
	    memcmp(t->kw, s, n) == 0;
}

/* ---- CMaps (9.7.5, 9.10.3) ---- */

struct cmap_space {
	uint8_t		 n;		/* code length in bytes */
	uint8_t		 lo[4], hi[4];
};

/* codes lo..hi of length nbytes. ncp == 0: CIDs from dst on;
 * otherwise ncp code points at pool[dst], the last one incremented
 * along the range. */
struct cmap_map {
	uint32_t	 lo, hi;
	uint32_t	 dst;
	uint32_t	 seq;		/* order of definition */
	uint8_t		 nbytes;
	uint8_t		 ncp;
};

struct cmap {
	struct cmap_space	 space[CMAP_SPACES_MAX];
	size_t			 nspace;
	struct cmap_map		*map;
	size_t			 nmap, capmap;
	uint32_t		*pool;
	size_t			 npool, cappool;
	int			 sorted;
};

static void
cmap_cleanup(struct cmap *m)
{
	free(m->map);
	free(m->pool);
	memset(m, 0, sizeof(*m));
}

static int
cmap_add(struct cmap *m, uint32_t lo, uint32_t hi, size_t nbytes,
    const uint32_t *cp, size_t ncp, uint32_t cid, struct err *e)
{
	struct cmap_map *mp;
	uint32_t *pp;

	if (m->nmap >= CMAP_MAPS_MAX || m->npool + ncp > CMAP_POOL_MAX)
		return err_set(e, ERR_PDF_INVALID,
		    "CMap has more than %d mappings", CMAP_MAPS_MAX);
	if ((mp = grow(m->map, &m->capmap, m->nmap + 1, sizeof(*mp),
	    CMAP_MAPS_MAX)) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	m->map = mp;
	if (ncp > 0) {
		if ((pp = grow(m->pool, &m->cappool, m->npool + ncp,
		    sizeof(*pp), CMAP_POOL_MAX)) == NULL)
			return err_set(e, ERR_INTERNAL, "out of memory");
		m->pool = pp;
		memcpy(m->pool + m->npool, cp, ncp * sizeof(*cp));
	}
	mp = &m->map[m->nmap];
	mp->seq = (uint32_t)m->nmap++;
	mp->lo = lo;
	mp->hi = hi;
	mp->nbytes = (uint8_t)nbytes;
	mp->ncp = (uint8_t)ncp;
	mp->dst = ncp > 0 ? (uint32_t)m->npool : cid;
	m->npool += ncp;
	if (m->nmap > 1 && mp[-1].lo > lo)
		m->sorted = 0;
	return 0;
}

static int
map_cmp(const void *a, const void *b)
{
	const struct cmap_map *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	/* Later definitions sort later and win in cmap_find. */
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static void
cmap_sort(struct cmap *m)
{
	if (!m->sorted && m->nmap > 1)
		qsort(m->map, m->nmap, sizeof(m->map[0]), map_cmp);
	m->sorted = 1;
}

/*
 * The mapping of code (nbytes long); one of another length when none
 * has this one, because producers write <20> for two-byte codes. Ranges
 * rarely overlap, so after the binary search a short look back finds
 * the covering one.
 */
static const struct cmap_map *
cmap_find(const struct cmap *m, uint32_t code, size_t nbytes)
{
	const struct cmap_map *any = NULL;
	size_t lo = 0, hi = m->nmap, i, back;
	int pass;

	if (m->nmap == 0)
		return NULL;
	if (!m->sorted) {
		for (i = m->nmap; i-- > 0;)
			if (m->map[i].lo <= code && code <= m->map[i].hi) {
				if (m->map[i].nbytes == nbytes)
					return &m->map[i];
				if (any == NULL)
					any = &m->map[i];
			}
		return any;
	}
	while (lo < hi) {	/* first map with lo > code */
		i = lo + (hi - lo) / 2;
		if (m->map[i].lo <= code)
			lo = i + 1;
		else
			hi = i;
	}
	for (pass = 0; pass < 2; pass++)
		for (i = lo, back = 0; i-- > 0 && back < 64; back++) {
			if (m->map[i].hi < code)
				continue;
			if (pass == 1 || m->map[i].nbytes == nbytes)
				return &m->map[i];
		}
	return NULL;
}

static uint32_t
be_code(const unsigned char *p, size_t n)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* UTF-16BE (9.10.3: bfchar and bfrange destinations) to code points. */
static size_t
utf16_decode(const unsigned char *p, size_t n, uint32_t *out, size_t max)
{
	size_t i, k = 0;
	uint32_t u, lo;

	if (n == 1) {		/* seen in the wild: one byte, Latin-1 */
		out[0] = p[0];
		return 1;
	}
	for (i = 0; i + 1 < n && k < max; i += 2) {
		u = (uint32_t)p[i] << 8 | p[i + 1];
		if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
			lo = (uint32_t)p[i + 2] << 8 | p[i + 3];
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 2;
			} else
				u = 0xfffd;
		} else if (u >= 0xd800 && u <= 0xdfff)
			u = 0xfffd;
		out[k++] = u;
	}
	return k;
}

/* Reads the next token; it must be a string of 1-4 bytes. */
static int
cmap_code(struct lex *l, struct tok *t, uint32_t *code, size_t *n)
{
	if (lex_next(l, t) == -1)
		return -1;
	if (t->type != TK_STR || t->len < 1 || t->len > 4)
		return 1;
	*code = be_code(l->pool->data + t->off, t->len);
	*n = t->len;
	return 0;
}

/*
 * Parses CMap text with the content tokeniser: the sections that matter
 * are begincodespacerange, beginbfchar, beginbfrange, begincidchar and
 * begincidrange; everything else (the PostScript around them, usecmap)
 * is skipped. Entries of the wrong shape are ignored one by one.
 */
static int
cmap_parse(struct cmap *m, const unsigned char *p, size_t len, struct err *e)
{
	struct cmap_space *sp;
	struct buf pool;
	struct lex l;
	struct tok t, d;
	uint32_t lo = 0, hi = 0, cp[PDF_TEXT_MAX_CP], c;
	size_t n = 0, n2 = 0, ncp, k;
	const char *end;
	int r, rc = -1, sec;
	char gname[PDFNAME_MAX + 1];

	buf_init(&pool, POOL_MAX);
	l.p = p;
	l.end = p + len;
	l.pool = &pool;
	l.err = e;
	for (;;) {
		pool.len = 0;
		if (lex_next(&l, &t) == -1)
			goto out;
		if (t.type == TK_EOF)
			break;
		if (kw_is(&t, "begincodespacerange")) {
			sec = 0;
			end = "endcodespacerange";
		} else if (kw_is(&t, "beginbfchar")) {
			sec = 1;
			end = "endbfchar";
		} else if (kw_is(&t, "beginbfrange")) {
			sec = 2;
			end = "endbfrange";
		} else if (kw_is(&t, "begincidchar")) {
			sec = 3;
			end = "endcidchar";
		} else if (kw_is(&t, "begincidrange")) {
			sec = 4;
			end = "endcidrange";
		} else
			continue;
		for (;;) {
			pool.len = 0;
			if ((r = cmap_code(&l, &t, &lo, &n)) == -1)
				goto out;
			if (t.type == TK_EOF || kw_is(&t, end))
				break;
			if (r == 1)
				continue;
			hi = lo;
			n2 = n;
			if (sec == 0 || sec == 2 || sec == 4) {
				if ((r = cmap_code(&l, &t, &hi, &n2)) == -1)
					goto out;
				if (t.type == TK_EOF || kw_is(&t, end))
					break;
				if (r == 1 || hi < lo)
					continue;
			}
			if (sec == 0) {
				if (m->nspace >= CMAP_SPACES_MAX)
					continue;
				/* The pool holds lo, then hi; cmap_code
				 * keeps both within 4 bytes. */
				if (n2 != n)
					continue;
				sp = &m->space[m->nspace++];
				sp->n = (uint8_t)n;
				memcpy(sp->lo, pool.data, n);
				memcpy(sp->hi, pool.data + n, n);
				continue;
			}
			if (lex_next(&l, &d) == -1)
				goto out;
			if (d.type == TK_EOF || kw_is(&d, end))
				break;
			if (sec == 3 || sec == 4) {
				if (d.type == TK_NUM && d.num >= 0 &&
				    d.num <= 0xffffff &&
				    cmap_add(m, lo, hi, n, NULL, 0,
				    (uint32_t)d.num, e) == -1)
					goto out;
				continue;
			}
			if (d.type == TK_STR) {
				ncp = utf16_decode(pool.data + d.off, d.len,
				    cp, PDF_TEXT_MAX_CP);
				if (ncp > 0 && cmap_add(m, lo, hi, n, cp, ncp,
				    0, e) == -1)
					goto out;
			} else if (d.type == TK_NAME && sec == 1) {
				k = d.len < PDFNAME_MAX ? d.len : PDFNAME_MAX;
				memcpy(gname, pool.data + d.off, k);
				gname[k] = '\0';
				ncp = glyph_unicode(gname, cp,
				    PDF_TEXT_MAX_CP);
				if (ncp > 0 && cmap_add(m, lo, hi, n, cp, ncp,
				    0, e) == -1)
					goto out;
			} else if (d.type == TK_ARRAY && sec == 2) {
				/* One destination per code, in order. */
				for (c = lo;; c++) {
					pool.len = 0;
					if (lex_next(&l, &d) == -1)
						goto out;
					if (d.type == TK_ARRAY_END ||
					    d.type == TK_EOF)
						break;
					if (d.type != TK_STR || c > hi)
						continue;
					ncp = utf16_decode(pool.data + d.off,
					    d.len, cp, PDF_TEXT_MAX_CP);
					if (ncp > 0 && cmap_add(m, c, c, n, cp,
					    ncp, 0, e) == -1)
						goto out;
				}
			}
		}
	}
	rc = 0;
out:
	cmap_sort(m);
	buf_cleanup(&pool);
	return rc;
}

/* The length of the code starting at p by the codespace ranges (9.7.6.2):
 * the shortest range all of whose bytes match. 0 when none does. */
static size_t
cmap_code_len(const struct cmap *m, const unsigned char *p, size_t avail)
{
	size_t n, i, k;

	for (n = 1; n <= 4 && n <= avail; n++)
		for (i = 0; i < m->nspace; i++) {
			if (m->space[i].n != n)
				continue;
			for (k = 0; k < n; k++)
				if (p[k] < m->space[i].lo[k] ||
				    p[k] > m->space[i].hi[k])
					break;
			if (k == n)
				return n;
		}
	return 0;
}

/* ---- fonts ---- */

enum { AFM_HELVETICA, AFM_HELVETICA_BOLD, AFM_TIMES, AFM_TIMES_BOLD,
    AFM_TIMES_ITALIC, AFM_TIMES_BOLDITALIC, AFM_COURIER };

struct cid_width {
	uint32_t	 first, last;
	uint32_t	 seq;		/* order of definition */
	double		 w;
};

struct pdf_text_font {
	enum pdf_text_font_kind	 kind;
	int			 afm;		/* AFM_* */
	double			 wscale;	/* glyph units -> em */
	double			 ascent, descent;	/* em */
	double			 missing;	/* glyph units */
	/* simple and Type3 */
	uint32_t		 enc[256];	/* code -> Unicode */
	int			 has_widths;
	unsigned char		 wset[256];
	double			 widths[256];	/* glyph units */
	/* Type0 */
	int			 has_cmap;
	struct cmap		 cmap;		/* code -> CID */
	struct cid_width	*cw;
	size_t			 ncw, capcw;
	int			 cw_sorted;
	double			 dw;		/* glyph units */
	/* ToUnicode */
	struct cmap		 tu;
};

static void
lower_copy(char *dst, size_t dstsz, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < dstsz && src[i] != '\0'; i++)
		dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ?
		    (char)(src[i] - 'A' + 'a') : src[i];
	dst[i] = '\0';
}

/* Which standard 14 metrics a /BaseFont stands for (9.6.2.2 and the
 * common metric-compatible substitutes). */
static int
afm_family(const char *base)
{
	char s[128];
	size_t i;
	int bold, italic;

	if (base == NULL)
		return AFM_HELVETICA;
	/* A subset tag is six upper-case letters and '+' (9.6.4). */
	for (i = 0; i < 6 && base[i] >= 'A' && base[i] <= 'Z'; i++)
		;
	if (i == 6 && base[6] == '+')
		base += 7;
	lower_copy(s, sizeof(s), base);
	bold = strstr(s, "bold") != NULL || strstr(s, "black") != NULL ||
	    strstr(s, "heavy") != NULL;
	italic = strstr(s, "italic") != NULL || strstr(s, "oblique") != NULL;
	if (strstr(s, "courier") != NULL)
		return AFM_COURIER;
	if (strstr(s, "times") != NULL) {
		if (bold)
			return italic ? AFM_TIMES_BOLDITALIC : AFM_TIMES_BOLD;
		return italic ? AFM_TIMES_ITALIC : AFM_TIMES;
	}
	return bold ? AFM_HELVETICA_BOLD : AFM_HELVETICA;
}

static int
u16_cmp(const void *k, const void *e)
{
	uint16_t a = *(const uint16_t *)k, b = *(const uint16_t *)e;

	return (a > b) - (a < b);
}

/* Width in glyph units of the character cp in a standard 14 font;
 * -1 when the font has no such glyph. */
static double
afm_width(int family, uint32_t cp)
{
	const uint16_t *p;
	uint16_t k;

	if (cp == 0 || cp > 0xffff)
		return -1;
	k = (uint16_t)cp;
	p = bsearch(&k, afm_chars, AFM_NCHARS, sizeof(afm_chars[0]), u16_cmp);
	if (p == NULL)
		return -1;
	if (family == AFM_COURIER)
		return 600;
	return afm_widths[family][p - afm_chars];
}

struct pdf_text_font *
pdf_text_font_new(enum pdf_text_font_kind kind, const char *base_font)
{
	struct pdf_text_font *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->kind = kind;
	f->afm = afm_family(base_font);
	f->wscale = 0.001;
	f->ascent = 0.8;
	f->descent = -0.2;
	f->dw = 1000;
	f->cw_sorted = 1;
	f->cmap.sorted = f->tu.sorted = 1;
	pdf_text_font_encoding(f, "StandardEncoding");
	return f;
}

void
pdf_text_font_free(struct pdf_text_font *f)
{
	if (f == NULL)
		return;
	cmap_cleanup(&f->cmap);
	cmap_cleanup(&f->tu);
	free(f->cw);
	free(f);
}

int
pdf_text_font_encoding(struct pdf_text_font *f, const char *name)
{
	const uint16_t *e;
	size_t i;

	if (name != NULL && name[0] == '/')
		name++;
	if (name == NULL)
		return -1;
	if (strcmp(name, "WinAnsiEncoding") == 0)
		e = enc_winansi;
	else if (strcmp(name, "MacRomanEncoding") == 0)
		e = enc_macroman;
	else if (strcmp(name, "StandardEncoding") == 0)
		e = enc_standard;
	else
		return -1;
	for (i = 0; i < 256; i++)
		f->enc[i] = e[i];
	return 0;
}

int
pdf_text_font_difference(struct pdf_text_font *f, unsigned code,
    const char *glyph)
{
	uint32_t cp[PDF_TEXT_MAX_CP];

	if (code > 255 || glyph == NULL)
		return -1;
	if (glyph[0] == '/')
		glyph++;
	/* A ligature name keeps its first component here; the collector
	 * spells out U+FB00-FB06, and fonts name ligatures "fi", not
	 * "f_i", in /Differences. */
	f->enc[code] = glyph_unicode(glyph, cp, PDF_TEXT_MAX_CP) > 0 ?
	    cp[0] : 0;
	return 0;
}

int
pdf_text_font_widths(struct pdf_text_font *f, unsigned first,
    const double *w, size_t n)
{
	size_t i;

	if (first > 255)
		return -1;
	f->has_widths = 1;
	for (i = 0; i < n && first + i < 256; i++) {
		if (!isfinite(w[i]))
			continue;
		f->widths[first + i] = w[i];
		f->wset[first + i] = 1;
	}
	return 0;
}

void
pdf_text_font_missing_width(struct pdf_text_font *f, double w)
{
	if (isfinite(w))
		f->missing = w;
}

void
pdf_text_font_metrics(struct pdf_text_font *f, double ascent,
    double descent)
{
	double a = ascent / 1000, d = descent / 1000;

	if (!isfinite(a) || !isfinite(d))
		return;
	if (d > 0)		/* a sign error some producers make */
		d = -d;
	/* Zeros, fonts taller than three em or nearly flat: keep the
	 * defaults, which are closer than such numbers. */
	if (a <= 0.2 || a > 3 || d < -2 || a - d < 0.5)
		return;
	f->ascent = a;
	f->descent = d;
}

void
pdf_text_font_matrix(struct pdf_text_font *f, double a)
{
	if (isfinite(a) && fabs(a) > 1e-9 && fabs(a) < 1e3)
		f->wscale = fabs(a);
}

void
pdf_text_font_default_width(struct pdf_text_font *f, double dw)
{
	if (isfinite(dw))
		f->dw = dw;
}

int
pdf_text_font_cid_widths(struct pdf_text_font *f, unsigned first,
    unsigned last, double w)
{
	struct cid_width *c;

	if (last < first || !isfinite(w) || f->ncw >= CID_WIDTHS_MAX)
		return -1;
	if ((c = grow(f->cw, &f->capcw, f->ncw + 1, sizeof(*c),
	    CID_WIDTHS_MAX)) == NULL)
		return -1;
	f->cw = c;
	if (f->ncw > 0 && c[f->ncw - 1].first > first)
		f->cw_sorted = 0;
	c[f->ncw].seq = (uint32_t)f->ncw;
	c[f->ncw].first = first;
	c[f->ncw].last = last;
	c[f->ncw].w = w;
	f->ncw++;
	return 0;
}

int
pdf_text_font_tounicode(struct pdf_text_font *f, const unsigned char *p,
    size_t len, struct err *e)
{
	return cmap_parse(&f->tu, p, len, e);
}

int
pdf_text_font_cmap(struct pdf_text_font *f, const unsigned char *p,
    size_t len, struct err *e)
{
	f->has_cmap = 1;
	return cmap_parse(&f->cmap, p, len, e);
}

static int
cw_cmp(const void *a, const void *b)
{
	const struct cid_width *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void
pdf_text_font_finish(struct pdf_text_font *f)
{
	if (!f->cw_sorted && f->ncw > 1)
		qsort(f->cw, f->ncw, sizeof(f->cw[0]), cw_cmp);
	f->cw_sorted = 1;
	cmap_sort(&f->cmap);
	cmap_sort(&f->tu);
}

/* What a font holds in tables, to bound a page's fonts together. */
static size_t
font_entries(const struct pdf_text_font *f)
{
	return f->ncw + f->cmap.nmap + f->tu.nmap + f->tu.npool;
}

static double
cid_width(const struct pdf_text_font *f, uint32_t cid)
{
	size_t lo = 0, hi = f->ncw, i, back;

	if (!f->cw_sorted) {
		for (i = f->ncw; i-- > 0;)
			if (f->cw[i].first <= cid && cid <= f->cw[i].last)
				return f->cw[i].w;
		return f->dw;
	}
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (f->cw[i].first <= cid)
			lo = i + 1;
		else
			hi = i;
	}
	for (i = lo, back = 0; i-- > 0 && back < 64; back++)
		if (cid <= f->cw[i].last)
			return f->cw[i].w;
	return f->dw;
}

/* One decoded character code. */
struct gchar {
	uint32_t	 code;
	size_t		 nbytes;
	uint32_t	 cp[PDF_TEXT_MAX_CP];
	size_t		 ncp;
	double		 w;		/* em */
};

/*
 * Decodes the code at p (9.4.3 steps a-b): its length, Unicode and
 * width. f NULL stands for a font the page names but does not have:
 * WinAnsi with Helvetica widths. Returns the bytes used (>= 1).
 */
static size_t
font_decode(const struct pdf_text_font *f, const unsigned char *p,
    size_t avail, struct gchar *g)
{
	const struct cmap_map *m;
	uint32_t cid;
	double w;
	size_t n;

	memset(g, 0, sizeof(*g));
	if (f == NULL) {
		g->code = p[0];
		g->nbytes = 1;
		g->cp[0] = enc_winansi[p[0]];
		g->ncp = g->cp[0] != 0;
		w = afm_width(AFM_HELVETICA, g->cp[0]);
		g->w = (w < 0 ? 500 : w) / 1000;
		return 1;
	}
	if (f->kind == PDF_TEXT_TYPE0) {
		if (f->has_cmap && f->cmap.nspace > 0) {
			n = cmap_code_len(&f->cmap, p, avail);
			/* No match: 9.7.6.3 says use the shortest range's
			 * length and draw .notdef. */
			if (n == 0) {
				n = 4;
				for (size_t i = 0; i < f->cmap.nspace; i++)
					if (f->cmap.space[i].n < n)
						n = f->cmap.space[i].n;
			}
		} else
			n = 2;
		if (n > avail)
			n = avail;
		g->code = be_code(p, n);
		g->nbytes = n;
		cid = g->code;
		if (f->has_cmap) {
			m = cmap_find(&f->cmap, g->code, n);
			cid = (m != NULL && m->ncp == 0) ?
			    m->dst + (g->code - m->lo) : 0;
		}
		g->w = cid_width(f, cid) * f->wscale;
	} else {
		n = 1;
		g->code = p[0];
		g->nbytes = 1;
		if (f->wset[p[0]])
			w = f->widths[p[0]];
		else if (f->has_widths)
			w = f->missing;
		else if ((w = afm_width(f->afm, f->enc[p[0]])) < 0)
			w = f->missing > 0 ? f->missing : 500;
		g->w = w * f->wscale;
	}
	if ((m = cmap_find(&f->tu, g->code, n)) != NULL && m->ncp > 0) {
		memcpy(g->cp, f->tu.pool + m->dst, m->ncp * sizeof(g->cp[0]));
		g->ncp = m->ncp;
		/* bfrange: the last byte, read as the last code point,
		 * counts up along the range. */
		g->cp[g->ncp - 1] += g->code - m->lo;
		if (!cp_valid(g->cp[g->ncp - 1]))
			g->ncp = 0;
	} else if (f->kind != PDF_TEXT_TYPE0 && f->enc[p[0]] != 0) {
		g->cp[0] = f->enc[p[0]];
		g->ncp = 1;
	}
	return n;
}

/* ---- stream filters (7.4) ---- */

static int
dec_limit(struct err *e, size_t max)
{
	return err_set(e, ERR_PDF_INVALID,
	    "decoded stream larger than %zu bytes", max);
}

static int
dec_put(struct buf *out, size_t base, size_t max, const void *p, size_t n,
    struct err *e)
{
	if (out->len - base > max || n > max - (out->len - base))
		return dec_limit(e, max);
	if (buf_add(out, p, n) == -1)
		return err_set(e, ERR_INTERNAL, "out of memory");
	return 0;
}

/*
 * FlateDecode (7.4.4) without predictor. Damaged streams are common
 * and viewers show what inflates before the damage, so a truncated
 * stream or a bad checksum keeps the output so far; a stream that
 * yields nothing at all is an error.
 */
static int
dec_flate(const unsigned char *in, size_t len, size_t max, struct buf *out,
    struct err *e)
{
	unsigned char chunk[16384];
	size_t base = out->len, left = len, have;
	z_stream z;
	int r, rc = -1;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return err_set(e, ERR_INTERNAL, "inflateInit failed");
	z.next_in = (Bytef *)(uintptr_t)in;
	for (;;) {
		if (z.avail_in == 0 && left > 0) {
			z.avail_in = left > UINT32_MAX ? UINT32_MAX :
			    (uInt)left;
			left -= z.avail_in;
		}
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		r = inflate(&z, Z_NO_FLUSH);
		have = sizeof(chunk) - z.avail_out;
		if (have > 0 && dec_put(out, base, max, chunk, have, e) == -1)
			goto out;
		if (r == Z_STREAM_END)
			break;
		if (r == Z_OK)
			continue;
		if (r == Z_MEM_ERROR) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		/* Z_BUF_ERROR: input ended early; Z_DATA_ERROR: damage. */
		if (out->len == base && len > 0) {
			err_set(e, ERR_PDF_INVALID, "FlateDecode: %s",
			    z.msg != NULL ? z.msg : "no data");
			goto out;
		}
		break;
	}
	rc = 0;
out:
	inflateEnd(&z);
	return rc;
}

static int
dec_hex(const unsigned char *in, size_t len, size_t max, struct buf *out,
    struct err *e)
{
	size_t base = out->len, i;
	unsigned char c;
	int hi = -1, v;

	for (i = 0; i < len && in[i] != '>'; i++) {
		if (is_ws(in[i]))
			continue;
		if ((v = hex_digit(in[i])) < 0)
			return err_set(e, ERR_PDF_INVALID,
			    "ASCIIHexDecode: bad digit");
		if (hi < 0) {
			hi = v;
			continue;
		}
		c = (unsigned char)(hi << 4 | v);
		hi = -1;
		if (dec_put(out, base, max, &c, 1, e) == -1)
			return -1;
	}
	if (hi < 0)
		return 0;
	/* An odd final digit is followed by an implied 0 (7.4.2). */
	c = (unsigned char)(hi << 4);
	return dec_put(out, base, max, &c, 1, e);
}

static int
dec_a85(const unsigned char *in, size_t len, size_t max, struct buf *out,
    struct err *e)
{
	static const unsigned char zero[4];
	unsigned char b[4];
	size_t base = out->len, i = 0;
	uint64_t v = 0;
	int k = 0, j;

	if (len >= 2 && in[0] == '<' && in[1] == '~')
		i = 2;
	for (; i < len && in[i] != '~'; i++) {
		if (is_ws(in[i]))
			continue;
		if (in[i] == 'z' && k == 0) {
			if (dec_put(out, base, max, zero, 4, e) == -1)
				return -1;
			continue;
		}
		if (in[i] < '!' || in[i] > 'u')
			return err_set(e, ERR_PDF_INVALID,
			    "ASCII85Decode: bad character");
		v = v * 85 + (uint64_t)(in[i] - '!');
		if (++k == 5) {
			if (v > UINT32_MAX)
				return err_set(e, ERR_PDF_INVALID,
				    "ASCII85Decode: group out of range");
			for (j = 0; j < 4; j++)
				b[j] = (unsigned char)(v >> (24 - 8 * j));
			if (dec_put(out, base, max, b, 4, e) == -1)
				return -1;
			v = 0;
			k = 0;
		}
	}
	if (k == 1)
		return err_set(e, ERR_PDF_INVALID,
		    "ASCII85Decode: lone final character");
	if (k > 1) {
		/* A final group of k characters is padded with 'u' and
		 * yields k - 1 bytes. */
		for (j = k; j < 5; j++)
			v = v * 85 + 84;
		if (v > UINT32_MAX)
			return err_set(e, ERR_PDF_INVALID,
			    "ASCII85Decode: group out of range");
		for (j = 0; j < 4; j++)
			b[j] = (unsigned char)(v >> (24 - 8 * j));
		return dec_put(out, base, max, b, (size_t)(k - 1), e);
	}
	return 0;
}

static int
dec_rl(const unsigned char *in, size_t len, size_t max, struct buf *out,
    struct err *e)
{
	unsigned char run[128];
	size_t base = out->len, i = 0, n;

	while (i < len && in[i] != 128) {
		if (in[i] < 128) {
			n = (size_t)in[i] + 1;
			if (n > len - i - 1)	/* truncated: keep the rest */
				n = len - i - 1;
			if (dec_put(out, base, max, in + i + 1, n, e) == -1)
				return -1;
			i += 1 + n;
		} else {
			if (i + 1 >= len)
				break;
			n = 257 - (size_t)in[i];
			memset(run, in[i + 1], n);
			if (dec_put(out, base, max, run, n, e) == -1)
				return -1;
			i += 2;
		}
	}
	return 0;
}

int
pdf_text_decode(const char *filter, const unsigned char *in, size_t len,
    size_t max, struct buf *out, struct err *e)
{
	if (filter == NULL || out == NULL || (in == NULL && len > 0))
		return err_set(e, ERR_INTERNAL, "pdf_text_decode: bad call");
	if (filter[0] == '/')
		filter++;
	if (in == NULL)
		in = (const unsigned char *)"";
	if (strcmp(filter, "FlateDecode") == 0 || strcmp(filter, "Fl") == 0)
		return dec_flate(in, len, max, out, e);
	if (strcmp(filter, "ASCIIHexDecode") == 0 ||
	    strcmp(filter, "AHx") == 0)
		return dec_hex(in, len, max, out, e);
	if (strcmp(filter, "ASCII85Decode") == 0 || strcmp(filter, "A85") == 0)
		return dec_a85(in, len, max, out, e);
	if (strcmp(filter, "RunLengthDecode") == 0 ||
	    strcmp(filter, "RL") == 0)
		return dec_rl(in, len, max, out, e);
	return err_set(e, ERR_PDF_INVALID, "stream filter %.64s is not read",
	    filter);
}

/* ---- content stream interpreter (8.4, 9.3, 9.4) ---- */

enum obj_type { OB_NUM, OB_NAME, OB_STR, OB_ARRAY, OB_DICT, OB_OTHER };

/* Operands are kept flat: an array or dict is followed by the n objects
 * inside it, nested ones included. */
struct obj {
	enum obj_type	 type;
	double		 num;
	size_t		 off, len;	/* OB_NAME, OB_STR: in the pool */
	size_t		 n;
};

/* What of the graphics state (8.4.1) and text state (9.3.1) positions
 * depend on; q and Q save and restore all of it. */
struct gstate {
	double				 ctm[6];
	double				 tc, tw, th, tl, tfs, trise;
	const struct pdf_text_font	*font;
};

/* Shared by a page and the forms it runs. */
struct scanner {
	const struct pdf_text_resolver	*rv;
	pdf_text_glyph_fn		 fn;
	void				*arg;
	struct err			*err;
	struct buf			 pool;
	struct obj			*ops;
	size_t				 nops, capops;
	size_t				 nrun;		/* operators run */
	size_t				 bytes;		/* content bytes run */
};

/* One content stream being run. */
struct run {
	struct scanner		*sc;
	struct lex		 lex;
	const void		*res;
	int			 depth;		/* of Form XObjects */
	struct gstate		 gs;
	struct gstate		*stack;
	size_t			 nstack, capstack;
	double			 tm[6], tlm[6];
};

static int	run_content(struct scanner *, const unsigned char *, size_t,
		    const void *, const struct gstate *, int);

static int
push(struct scanner *sc, const struct obj *o)
{
	struct obj *v;

	if (sc->nops >= OPERANDS_MAX)
		return err_set(sc->err, ERR_PDF_INVALID,
		    "more than %d operands", OPERANDS_MAX);
	if ((v = grow(sc->ops, &sc->capops, sc->nops + 1, sizeof(*v),
	    OPERANDS_MAX)) == NULL)
		return err_set(sc->err, ERR_INTERNAL, "out of memory");
	sc->ops = v;
	v[sc->nops++] = *o;
	return 0;
}

static int
parse_value(struct run *r, const struct tok *t, int depth)
{
	struct scanner *sc = r->sc;
	struct obj o;
	struct tok in;
	enum tok_type close;
	size_t at;

	memset(&o, 0, sizeof(o));
	o.off = t->off;
	o.len = t->len;
	switch (t->type) {
	case TK_NUM:
		o.type = OB_NUM;
		o.num = t->num;
		return push(sc, &o);
	case TK_NAME:
		o.type = OB_NAME;
		return push(sc, &o);
	case TK_STR:
		o.type = OB_STR;
		return push(sc, &o);
	case TK_KEYWORD:	/* true, false, null, or junk */
		o.type = OB_OTHER;
		return push(sc, &o);
	case TK_ARRAY:
	case TK_DICT:
		if (depth >= OBJ_DEPTH_MAX)
			return err_set(sc->err, ERR_PDF_INVALID,
			    "arrays or dictionaries nested deeper than %d",
			    OBJ_DEPTH_MAX);
		o.type = t->type == TK_ARRAY ? OB_ARRAY : OB_DICT;
		close = t->type == TK_ARRAY ? TK_ARRAY_END : TK_DICT_END;
		at = sc->nops;
		if (push(sc, &o) == -1)
			return -1;
		for (;;) {
			if (lex_next(&r->lex, &in) == -1)
				return -1;
			if (in.type == close)
				break;
			if (in.type == TK_EOF)
				return err_set(sc->err, ERR_PDF_INVALID,
				    "unterminated %s", t->type == TK_ARRAY ?
				    "array" : "dictionary");
			if (in.type == TK_ARRAY_END || in.type == TK_DICT_END)
				continue;	/* the other closer: ignored */
			if (parse_value(r, &in, depth + 1) == -1)
				return -1;
		}
		sc->ops[at].n = sc->nops - at - 1;
		return 0;
	default:
		return 0;
	}
}

/* The last k top-level operands, oldest first; -1 if there are fewer. */
static int
last_args(const struct scanner *sc, size_t k, const struct obj **out)
{
	size_t ring[8], cnt = 0, i = 0, j;

	if (k > 8)
		return -1;
	while (i < sc->nops) {
		ring[cnt % 8] = i;
		cnt++;
		i += 1 + sc->ops[i].n;
	}
	if (cnt < k)
		return -1;
	for (j = 0; j < k; j++)
		out[j] = &sc->ops[ring[(cnt - k + j) % 8]];
	return 0;
}

static int
nums(const struct scanner *sc, size_t k, double *v)
{
	const struct obj *a[8];
	size_t j;

	if (last_args(sc, k, a) == -1)
		return -1;
	for (j = 0; j < k; j++) {
		if (a[j]->type != OB_NUM)
			return -1;
		v[j] = a[j]->num;
	}
	return 0;
}

static void
name_copy(const struct scanner *sc, const struct obj *o, char *out)
{
	size_t n = o->len < PDFNAME_MAX ? o->len : PDFNAME_MAX;

	if (n > 0)
		memcpy(out, sc->pool.data + o->off, n);
	out[n] = '\0';
}

/* Td (9.4.2): a new line at an offset from the start of the current. */
static void
text_move(struct run *r, double tx, double ty)
{
	const double t[6] = { 1, 0, 0, 1, tx, ty };

	mat_mul(r->tlm, t, r->tlm);
	memcpy(r->tm, r->tlm, sizeof(r->tm));
}

/* Moves the text matrix by tx along the baseline: Tm = [1 0 0 1 tx 0]
 * x Tm (9.4.4). */
static void
text_advance(struct run *r, double tx)
{
	r->tm[4] += tx * r->tm[0];
	r->tm[5] += tx * r->tm[1];
}

/* Tj and the others (9.4.3): every code is decoded, reported with the
 * text rendering matrix Trm = [Tfs*Th 0 0 Tfs 0 Trise] x Tm x CTM, then
 * the text matrix moves by the glyph's displacement. */
static int
show(struct run *r, const struct obj *s)
{
	struct scanner *sc = r->sc;
	const struct pdf_text_font *f = r->gs.font;
	const unsigned char *p;
	struct pdf_text_glyph g;
	struct gchar c;
	double m[6], tx;
	size_t i = 0;

	if (s->len == 0)
		return 0;
	p = sc->pool.data + s->off;
	while (i < s->len) {
		i += font_decode(f, p + i, s->len - i, &c);
		if (sc->fn != NULL) {
			mat_mul(m, r->tm, r->gs.ctm);
			memset(&g, 0, sizeof(g));
			memcpy(g.cp, c.cp, sizeof(g.cp));
			g.ncp = c.ncp;
			g.code = c.code;
			g.code_len = c.nbytes;
			g.x = r->gs.trise * m[2] + m[4];
			g.y = r->gs.trise * m[3] + m[5];
			g.bx = r->gs.tfs * r->gs.th * m[0];
			g.by = r->gs.tfs * r->gs.th * m[1];
			g.ux = r->gs.tfs * m[2];
			g.uy = r->gs.tfs * m[3];
			g.width = c.w;
			g.ascent = f != NULL ? f->ascent : 0.8;
			g.descent = f != NULL ? f->descent : -0.2;
			if (sc->fn(sc->arg, &g, sc->err) == -1)
				return -1;
		}
		/* tx = ((w0 - Tj/1000) Tfs + Tc + Tw) Th; word spacing
		 * only for the one-byte code 32 (9.3.3). */
		tx = c.w * r->gs.tfs + r->gs.tc;
		if (c.nbytes == 1 && c.code == 32)
			tx += r->gs.tw;
		text_advance(r, tx * r->gs.th);
	}
	return 0;
}

static int
op_tj_array(struct run *r, const struct obj *a)
{
	const struct obj *o, *end = a + 1 + a->n;

	for (o = a + 1; o < end; o += 1 + o->n) {
		if (o->type == OB_STR) {
			if (show(r, o) == -1)
				return -1;
		} else if (o->type == OB_NUM)
			text_advance(r, -o->num / 1000 * r->gs.tfs * r->gs.th);
	}
	return 0;
}

static int
op_font(struct run *r)
{
	struct scanner *sc = r->sc;
	const struct pdf_text_font *f = NULL;
	const struct obj *a[2];
	char name[PDFNAME_MAX + 1];

	if (last_args(sc, 2, a) == -1 || a[0]->type != OB_NAME ||
	    a[1]->type != OB_NUM)
		return 0;
	name_copy(sc, a[0], name);
	if (sc->rv != NULL && sc->rv->font != NULL &&
	    sc->rv->font(sc->rv->ctx, r->res, name, &f, sc->err) == -1)
		return -1;
	r->gs.font = f;
	r->gs.tfs = a[1]->num;
	return 0;
}

/* Do (8.8, 8.10.1): a Form XObject runs with its /Matrix concatenated
 * to the CTM and inside an implicit q/Q. */
static int
op_do(struct run *r)
{
	struct scanner *sc = r->sc;
	struct pdf_text_form f;
	struct gstate gs;
	const struct obj *a[1];
	char name[PDFNAME_MAX + 1];
	int k;

	if (last_args(sc, 1, a) == -1 || a[0]->type != OB_NAME ||
	    sc->rv == NULL || sc->rv->form == NULL)
		return 0;
	name_copy(sc, a[0], name);
	memset(&f, 0, sizeof(f));
	if ((k = sc->rv->form(sc->rv->ctx, r->res, name, &f, sc->err)) == -1)
		return -1;
	if (k == 0)
		return 0;
	if (r->depth + 1 > FORM_DEPTH_MAX)
		return err_set(sc->err, ERR_PDF_INVALID,
		    "Form XObjects nested deeper than %d", FORM_DEPTH_MAX);
	gs = r->gs;
	mat_mul(gs.ctm, f.matrix, r->gs.ctm);
	return run_content(sc, f.content, f.len, f.res, &gs, r->depth + 1);
}

/* After EI: white space, or the end, or an operator in plain ASCII. */
static int
after_ei_ok(const unsigned char *p, const unsigned char *end)
{
	size_t n;

	if (p < end && !is_ws(*p) && !is_delim(*p))
		return 0;
	while (p < end && is_ws(*p))
		p++;
	for (n = 0; p < end && n < 16 && !is_ws(*p); p++, n++)
		if (*p < 0x21 || *p > 0x7e)
			return 0;
	return 1;
}

/*
 * BI ... ID data EI (8.9.7). The data is binary and may contain "EI",
 * so a length known from /L (PDF 2.0) or, for unfiltered data, from
 * /W /H /BPC and the colour space is tried first; otherwise the first
 * "EI" between white space and followed by plain text ends it.
 */
static int
inline_image(struct run *r)
{
	struct scanner *sc = r->sc;
	struct lex *l = &r->lex;
	const unsigned char *d, *q;
	const struct obj *o;
	struct tok t, v;
	double w = -1, h = -1, bpc = -1, len = -1, bytes;
	size_t at, need = SIZE_MAX, rem;
	char key[PDFNAME_MAX + 1], val[PDFNAME_MAX + 1];
	int ncomp = 0, filtered = 0, mask = 0;

	for (;;) {
		sc->nops = 0;
		sc->pool.len = 0;
		if (lex_next(l, &t) == -1)
			return -1;
		if (t.type == TK_EOF)
			return err_set(sc->err, ERR_PDF_INVALID,
			    "inline image without ID");
		if (kw_is(&t, "ID"))
			break;
		if (t.type != TK_NAME) {
			if (parse_value(r, &t, 0) == -1)
				return -1;
			continue;
		}
		at = sc->nops;
		if (parse_value(r, &t, 0) == -1)
			return -1;
		name_copy(sc, &sc->ops[at], key);
		if (lex_next(l, &v) == -1)
			return -1;
		if (v.type == TK_EOF)
			return err_set(sc->err, ERR_PDF_INVALID,
			    "inline image without ID");
		if (kw_is(&v, "ID"))
			break;
		if (kw_is(&v, "true") && (strcmp(key, "IM") == 0 ||
		    strcmp(key, "ImageMask") == 0))
			mask = 1;
		at = sc->nops;
		if (parse_value(r, &v, 0) == -1)
			return -1;
		if (at >= sc->nops)
			continue;
		o = &sc->ops[at];
		if (o->type == OB_NUM) {
			if (strcmp(key, "W") == 0 || strcmp(key, "Width") == 0)
				w = o->num;
			else if (strcmp(key, "H") == 0 ||
			    strcmp(key, "Height") == 0)
				h = o->num;
			else if (strcmp(key, "BPC") == 0 ||
			    strcmp(key, "BitsPerComponent") == 0)
				bpc = o->num;
			else if (strcmp(key, "L") == 0 ||
			    strcmp(key, "Length") == 0)
				len = o->num;
		} else if (strcmp(key, "F") == 0 ||
		    strcmp(key, "Filter") == 0) {
			filtered = o->type == OB_NAME ||
			    (o->type == OB_ARRAY && o->n > 0);
		} else if (strcmp(key, "CS") == 0 ||
		    strcmp(key, "ColorSpace") == 0) {
			if (o->type == OB_ARRAY && o->n > 0)
				o++;	/* [/Indexed base hival lookup] */
			if (o->type != OB_NAME)
				continue;
			name_copy(sc, o, val);
			if (strcmp(val, "G") == 0 ||
			    strcmp(val, "DeviceGray") == 0 ||
			    strcmp(val, "I") == 0 ||
			    strcmp(val, "Indexed") == 0)
				ncomp = 1;
			else if (strcmp(val, "RGB") == 0 ||
			    strcmp(val, "DeviceRGB") == 0)
				ncomp = 3;
			else if (strcmp(val, "CMYK") == 0 ||
			    strcmp(val, "DeviceCMYK") == 0)
				ncomp = 4;
		}
	}
	/* ID is followed by exactly one white-space character. */
	if (l->p < l->end && is_ws(*l->p))
		l->p++;
	d = l->p;
	rem = (size_t)(l->end - d);
	if (mask) {
		ncomp = 1;
		bpc = 1;
	}
	if (len >= 0 && len <= (double)rem)
		need = (size_t)len;
	else if (!filtered && ncomp > 0 && w > 0 && h > 0 && w <= 1e6 &&
	    h <= 1e6 && (bpc == 1 || bpc == 2 || bpc == 4 || bpc == 8 ||
	    bpc == 16)) {
		bytes = ceil(w * ncomp * bpc / 8) * ceil(h);
		if (bytes <= (double)rem)
			need = (size_t)bytes;
	}
	if (need != SIZE_MAX) {
		for (q = d + need; q < l->end && is_ws(*q); q++)
			;
		if (l->end - q >= 2 && q[0] == 'E' && q[1] == 'I' &&
		    after_ei_ok(q + 2, l->end)) {
			l->p = q + 2;
			return 0;
		}
	}
	for (q = d; l->end - q >= 2; q++) {
		if (q[0] != 'E' || q[1] != 'I' || (q > d && !is_ws(q[-1])))
			continue;
		if (after_ei_ok(q + 2, l->end)) {
			l->p = q + 2;
			return 0;
		}
	}
	return err_set(sc->err, ERR_PDF_INVALID, "inline image without EI");
}

static int
do_op(struct run *r, const struct tok *t)
{
	struct scanner *sc = r->sc;
	const struct obj *a[3];
	struct gstate *st;
	double v[6];
	const char *k = (const char *)t->kw;
	size_t n = t->kwlen;

#define OP(s)	(n == sizeof(s) - 1 && memcmp(k, s, n) == 0)
	if (OP("Tj")) {
		if (last_args(sc, 1, a) == 0 && a[0]->type == OB_STR)
			return show(r, a[0]);
	} else if (OP("TJ")) {
		if (last_args(sc, 1, a) == 0 && a[0]->type == OB_ARRAY)
			return op_tj_array(r, a[0]);
	} else if (OP("'")) {
		if (last_args(sc, 1, a) == 0 && a[0]->type == OB_STR) {
			text_move(r, 0, -r->gs.tl);
			return show(r, a[0]);
		}
	} else if (OP("\"")) {
		if (last_args(sc, 3, a) == 0 && a[0]->type == OB_NUM &&
		    a[1]->type == OB_NUM && a[2]->type == OB_STR) {
			r->gs.tw = a[0]->num;
			r->gs.tc = a[1]->num;
			text_move(r, 0, -r->gs.tl);
			return show(r, a[2]);
		}
	} else if (OP("Td")) {
		if (nums(sc, 2, v) == 0)
			text_move(r, v[0], v[1]);
	} else if (OP("TD")) {
		if (nums(sc, 2, v) == 0) {
			r->gs.tl = -v[1];
			text_move(r, v[0], v[1]);
		}
	} else if (OP("T*")) {
		text_move(r, 0, -r->gs.tl);
	} else if (OP("Tm")) {
		if (nums(sc, 6, v) == 0) {
			memcpy(r->tm, v, sizeof(r->tm));
			memcpy(r->tlm, v, sizeof(r->tlm));
		}
	} else if (OP("BT")) {
		memcpy(r->tm, identity, sizeof(r->tm));
		memcpy(r->tlm, identity, sizeof(r->tlm));
	} else if (OP("Tf")) {
		return op_font(r);
	} else if (OP("Tc")) {
		if (nums(sc, 1, v) == 0)
			r->gs.tc = v[0];
	} else if (OP("Tw")) {
		if (nums(sc, 1, v) == 0)
			r->gs.tw = v[0];
	} else if (OP("Tz")) {
		if (nums(sc, 1, v) == 0)
			r->gs.th = v[0] / 100;
	} else if (OP("TL")) {
		if (nums(sc, 1, v) == 0)
			r->gs.tl = v[0];
	} else if (OP("Ts")) {
		if (nums(sc, 1, v) == 0)
			r->gs.trise = v[0];
	} else if (OP("cm")) {
		if (nums(sc, 6, v) == 0)
			mat_mul(r->gs.ctm, v, r->gs.ctm);
	} else if (OP("q")) {
		if (r->nstack >= GSAVE_MAX)
			return err_set(sc->err, ERR_PDF_INVALID,
			    "q nested deeper than %d", GSAVE_MAX);
		if ((st = grow(r->stack, &r->capstack, r->nstack + 1,
		    sizeof(*st), GSAVE_MAX)) == NULL)
			return err_set(sc->err, ERR_INTERNAL,
			    "out of memory");
		r->stack = st;
		st[r->nstack++] = r->gs;
	} else if (OP("Q")) {
		/* An unmatched Q is ignored, as viewers do. */
		if (r->nstack > 0)
			r->gs = r->stack[--r->nstack];
	} else if (OP("Do")) {
		return op_do(r);
	}
#undef OP
	return 0;
}

static int
run_stream(struct run *r)
{
	struct scanner *sc = r->sc;
	struct tok t;

	for (;;) {
		if (lex_next(&r->lex, &t) == -1)
			return -1;
		switch (t.type) {
		case TK_EOF:
			return 0;
		case TK_KEYWORD:
			if (++sc->nrun > OPS_MAX)
				return err_set(sc->err, ERR_PDF_INVALID,
				    "more than %u operators", OPS_MAX);
			if (kw_is(&t, "BI")) {
				if (inline_image(r) == -1)
					return -1;
			} else if (do_op(r, &t) == -1)
				return -1;
			sc->nops = 0;
			sc->pool.len = 0;
			break;
		case TK_ARRAY_END:
		case TK_DICT_END:
			break;		/* stray closer: ignored */
		default:
			if (parse_value(r, &t, 0) == -1)
				return -1;
			break;
		}
	}
}

static int
run_content(struct scanner *sc, const unsigned char *p, size_t len,
    const void *res, const struct gstate *gs, int depth)
{
	struct run r;
	int rc;

	if (p == NULL) {
		p = (const unsigned char *)"";
		len = 0;
	}
	if (len > SCAN_BYTES_MAX - sc->bytes)
		return err_set(sc->err, ERR_PDF_INVALID,
		    "more than %zu bytes of content to run", SCAN_BYTES_MAX);
	sc->bytes += len;
	memset(&r, 0, sizeof(r));
	r.sc = sc;
	r.lex.p = p;
	r.lex.end = p + len;
	r.lex.pool = &sc->pool;
	r.lex.err = sc->err;
	r.res = res;
	r.depth = depth;
	r.gs = *gs;
	memcpy(r.tm, identity, sizeof(r.tm));
	memcpy(r.tlm, identity, sizeof(r.tlm));
	sc->nops = 0;
	sc->pool.len = 0;
	rc = run_stream(&r);
	free(r.stack);
	return rc;
}

int
pdf_text_scan(const unsigned char *content, size_t len,
    const struct pdf_text_resolver *rv, const void *res,
    pdf_text_glyph_fn fn, void *arg, struct err *e)
{
	struct scanner sc;
	struct gstate gs;
	int rc;

	if (content == NULL && len > 0)
		return err_set(e, ERR_INTERNAL, "pdf_text_scan: bad call");
	memset(&sc, 0, sizeof(sc));
	sc.rv = rv;
	sc.fn = fn;
	sc.arg = arg;
	sc.err = e;
	buf_init(&sc.pool, POOL_MAX);
	memset(&gs, 0, sizeof(gs));
	memcpy(gs.ctm, identity, sizeof(gs.ctm));
	gs.th = 1;
	rc = run_content(&sc, content, len, res, &gs, 0);
	buf_cleanup(&sc.pool);
	free(sc.ops);
	return rc;
}

/* ---- lines and matching ---- */

#define PI	3.14159265358979323846

/* Glyphs closer than this (em) to a copy of themselves are one glyph
 * drawn twice (simulated bold, shadows). */
#define DUP_EM		0.12
/* A gap along the baseline wider than this (em) separates words. */
#define SPACE_EM	0.15
/* Baselines closer than this (em) belong to one line. */
#define LINE_EM		0.5
#define NEEDLE_MAX	256	/* anchors are short; matching is n*m */

struct cglyph {
	double		 x, y, bx, by, ux, uy, w, asc, desc;
	double		 a, p, h, end;	/* along, across, em, end along */
	int		 dir;		/* baseline angle, half degrees */
	uint8_t		 ncp;
	uint32_t	 cpo;		/* code points at cp[cpo] */
	size_t		 seq;		/* order shown */
};

struct collector {
	struct cglyph	*g;
	size_t		 n, cap;
	uint32_t	*cp;
	size_t		 ncp, capcp;
};

/* An inferred space has g == -1; character k of a glyph's nk covers
 * that fraction of its advance. */
struct lchar {
	uint32_t	 cp;
	int32_t		 g;
	uint8_t		 k, nk;
};

struct line {
	size_t		 first_seq;
	size_t		 off, n;
};

struct text {
	struct lchar	*c;
	size_t		 n, cap;
	struct line	*l;
	size_t		 nl, capl;
};

static int
is_space(uint32_t c)
{
	return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d ||
	    c == 0xa0 || (c >= 0x2000 && c <= 0x200a) || c == 0x202f ||
	    c == 0x205f || c == 0x3000;
}

/* Ligatures U+FB00-FB06 as the letters they join, so that "fi" in a
 * needle matches a glyph that draws both. */
static size_t
unligature(uint32_t c, uint32_t *out)
{
	static const char *const lig[] = {
		"ff", "fi", "fl", "ffi", "ffl", "st", "st"
	};
	size_t i;

	if (c < 0xfb00 || c > 0xfb06) {
		out[0] = c;
		return 1;
	}
	for (i = 0; lig[c - 0xfb00][i] != '\0'; i++)
		out[i] = (uint32_t)lig[c - 0xfb00][i];
	return i;
}

static int
collect(void *arg, const struct pdf_text_glyph *pg, struct err *e)
{
	struct collector *c = arg;
	struct cglyph *g;
	uint32_t cp[3 * PDF_TEXT_MAX_CP], *np;
	double bl, h, th, dx, dy;
	size_t n = 0, i;
	int dir;

	if (!isfinite(pg->x) || !isfinite(pg->y) || !isfinite(pg->bx) ||
	    !isfinite(pg->by) || !isfinite(pg->ux) || !isfinite(pg->uy) ||
	    !isfinite(pg->width))
		return 0;
	bl = hypot(pg->bx, pg->by);
	h = hypot(pg->ux, pg->uy);
	/* Text scaled to nothing cannot be signed on. */
	if (!isfinite(bl) || !isfinite(h) || bl < 1e-6 || h < 1e-6)
		return 0;
	if (c->n >= GLYPHS_MAX)
		return err_set(e, ERR_PDF_INVALID,
		    "more than %d glyphs on one page", GLYPHS_MAX);
	for (i = 0; i < pg->ncp && i < PDF_TEXT_MAX_CP; i++)
		n += unligature(pg->cp[i], cp + n);
	if (n == 0)
		cp[n++] = 0xfffd;	/* holds its place, matches nothing */
	if (n > PDF_TEXT_MAX_CP)
		n = PDF_TEXT_MAX_CP;
	if ((g = grow(c->g, &c->cap, c->n + 1, sizeof(*g), GLYPHS_MAX)) ==
	    NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	c->g = g;
	if ((np = grow(c->cp, &c->capcp, c->ncp + n, sizeof(*np), CPS_MAX)) ==
	    NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	c->cp = np;
	memcpy(c->cp + c->ncp, cp, n * sizeof(*cp));
	g = &c->g[c->n];
	g->x = pg->x;
	g->y = pg->y;
	g->bx = pg->bx;
	g->by = pg->by;
	g->ux = pg->ux;
	g->uy = pg->uy;
	g->w = pg->width;
	g->asc = pg->ascent;
	g->desc = pg->descent;
	g->ncp = (uint8_t)n;
	g->cpo = (uint32_t)c->ncp;
	g->seq = c->n;
	/* Positions along and across the baseline are measured in the
	 * frame of the quantised direction, so that every glyph of a
	 * line uses the same frame. */
	dir = (int)lround(atan2(pg->by, pg->bx) * 360 / PI);
	dir %= 720;
	if (dir < 0)
		dir += 720;
	g->dir = dir;
	th = dir * PI / 360;
	dx = cos(th);
	dy = sin(th);
	g->a = g->x * dx + g->y * dy;
	g->p = -g->x * dy + g->y * dx;
	g->h = h;
	g->end = g->a + g->w * bl;
	c->ncp += n;
	c->n++;
	return 0;
}

static void
collector_cleanup(struct collector *c)
{
	free(c->g);
	free(c->cp);
	memset(c, 0, sizeof(*c));
}

static void
text_cleanup(struct text *t)
{
	free(t->c);
	free(t->l);
	memset(t, 0, sizeof(*t));
}

struct srec {
	int		 dir;
	double		 p, a;
	size_t		 seq;
	size_t		 g;
};

static int
dcmp(double a, double b)
{
	return (a > b) - (a < b);
}

static int
cmp_across(const void *x, const void *y)
{
	const struct srec *a = x, *b = y;

	if (a->dir != b->dir)
		return a->dir < b->dir ? -1 : 1;
	if (dcmp(a->p, b->p) != 0)
		return dcmp(a->p, b->p);
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static int
cmp_along(const void *x, const void *y)
{
	const struct srec *a = x, *b = y;

	if (dcmp(a->a, b->a) != 0)
		return dcmp(a->a, b->a);
	return (a->seq > b->seq) - (a->seq < b->seq);
}

static int
cmp_lines(const void *x, const void *y)
{
	const struct line *a = x, *b = y;

	return (a->first_seq > b->first_seq) - (a->first_seq < b->first_seq);
}

static int
text_add(struct text *t, size_t line_off, uint32_t cp, long g, size_t k,
    size_t nk)
{
	struct lchar *c;

	if (is_space(cp)) {
		cp = ' ';
		if (t->n == line_off || t->c[t->n - 1].cp == ' ')
			return 0;
	}
	if ((c = grow(t->c, &t->cap, t->n + 1, sizeof(*c), SIZE_MAX / 2)) ==
	    NULL)
		return -1;
	t->c = c;
	c[t->n].cp = cp;
	c[t->n].g = (int32_t)g;
	c[t->n].k = (uint8_t)k;
	c[t->n].nk = (uint8_t)nk;
	t->n++;
	return 0;
}

static int
same_glyph(const struct collector *c, const struct cglyph *a,
    const struct cglyph *b)
{
	double tol = DUP_EM * (a->h > b->h ? a->h : b->h);

	return a->ncp == b->ncp && fabs(a->a - b->a) < tol &&
	    fabs(a->p - b->p) < tol && memcmp(c->cp + a->cpo, c->cp + b->cpo,
	    a->ncp * sizeof(uint32_t)) == 0;
}

/* One line: glyphs in order along the baseline, duplicates dropped,
 * a space where the gap is wide, spaces collapsed and trimmed. */
static int
line_build(const struct collector *c, const struct srec *r, size_t n,
    struct text *t)
{
	const struct cglyph *g, *prev = NULL;
	struct line *l;
	size_t off = t->n, first = SIZE_MAX, i, k;
	double hmax;

	for (i = 0; i < n; i++) {
		g = &c->g[r[i].g];
		if (g->seq < first)
			first = g->seq;
		if (prev != NULL) {
			if (same_glyph(c, prev, g))
				continue;
			hmax = prev->h > g->h ? prev->h : g->h;
			if (g->a - prev->end > SPACE_EM * hmax &&
			    text_add(t, off, ' ', -1, 0, 1) == -1)
				return -1;
		}
		for (k = 0; k < g->ncp; k++)
			if (text_add(t, off, c->cp[g->cpo + k], (long)r[i].g,
			    k, g->ncp) == -1)
				return -1;
		prev = g;
	}
	while (t->n > off && t->c[t->n - 1].cp == ' ')
		t->n--;
	if (t->n == off)
		return 0;
	if ((l = grow(t->l, &t->capl, t->nl + 1, sizeof(*l), SIZE_MAX / 2)) ==
	    NULL)
		return -1;
	t->l = l;
	l[t->nl].first_seq = first;
	l[t->nl].off = off;
	l[t->nl].n = t->n - off;
	t->nl++;
	return 0;
}

static int
lines_build(const struct collector *c, struct text *t, struct err *e)
{
	struct srec *r;
	const struct cglyph *g0;
	size_t i, j;
	int rc = -1;

	if (c->n == 0)
		return 0;
	if ((r = calloc(c->n, sizeof(*r))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	for (i = 0; i < c->n; i++) {
		r[i].dir = c->g[i].dir;
		r[i].p = c->g[i].p;
		r[i].a = c->g[i].a;
		r[i].seq = c->g[i].seq;
		r[i].g = i;
	}
	qsort(r, c->n, sizeof(*r), cmp_across);
	for (i = 0; i < c->n; i = j) {
		g0 = &c->g[r[i].g];
		for (j = i + 1; j < c->n; j++)
			if (r[j].dir != r[i].dir ||
			    r[j].p - r[i].p > LINE_EM * g0->h)
				break;
		qsort(r + i, j - i, sizeof(*r), cmp_along);
		if (line_build(c, r + i, j - i, t) == -1) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
	}
	/* qsort's pointer must not be NULL, even for no lines (C17 7.22.5). */
	if (t->nl > 0)
		qsort(t->l, t->nl, sizeof(t->l[0]), cmp_lines);
	rc = 0;
out:
	free(r);
	return rc;
}

/* Letters, digits and the underscore, roughly: anything from U+00C0
 * on counts as a letter. */
static int
is_word(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || c == '_' || (c >= 0xc0 && !is_space(c));
}

/*
 * The first line (in line order) holding the needle. [*s, *e] are the
 * matched chars. With nospace, spaces on both sides are skipped, and a
 * match may not start or end inside a word: letter-spaced anchors are
 * whole tokens, and without the rule "programs" would be found in
 * "program should".
 */
static int
text_match(const struct text *t, const uint32_t *nd, size_t nn, int nospace,
    size_t *s, size_t *e)
{
	const struct lchar *lc;
	size_t li, ln, i, j, k;

	for (li = 0; li < t->nl; li++) {
		lc = t->c + t->l[li].off;
		ln = t->l[li].n;
		for (i = 0; i < ln; i++) {
			if (nospace && lc[i].cp == ' ')
				continue;
			for (j = 0, k = i; j < nn && k < ln; k++) {
				if (nospace && lc[k].cp == ' ')
					continue;
				if (lc[k].cp != nd[j])
					break;
				j++;
			}
			if (j == nn && nospace &&
			    ((i > 0 && is_word(nd[0]) && is_word(lc[i - 1].cp)) ||
			    (k < ln && is_word(nd[nn - 1]) && is_word(lc[k].cp))))
				continue;
			if (j == nn) {
				*s = t->l[li].off + i;
				*e = t->l[li].off + k - 1;
				return 1;
			}
		}
	}
	return 0;
}

/* The bounding box of the matched glyphs' quadrilaterals (struct
 * pdf_text_glyph), a share of the advance for each character of a
 * glyph that stands for several. */
static void
match_box(const struct collector *c, const struct text *t, size_t s,
    size_t e, double box[4])
{
	const struct lchar *ch;
	const struct cglyph *g;
	double ts[2], ss[2], X, Y;
	size_t i;
	int a, b;

	box[0] = box[1] = HUGE_VAL;
	box[2] = box[3] = -HUGE_VAL;
	for (i = s; i <= e; i++) {
		ch = &t->c[i];
		if (ch->g < 0)
			continue;
		g = &c->g[ch->g];
		ts[0] = g->w * ch->k / ch->nk;
		ts[1] = g->w * (ch->k + 1) / ch->nk;
		ss[0] = g->desc;
		ss[1] = g->asc;
		for (a = 0; a < 2; a++)
			for (b = 0; b < 2; b++) {
				X = g->x + ts[a] * g->bx + ss[b] * g->ux;
				Y = g->y + ts[a] * g->by + ss[b] * g->uy;
				box[0] = fmin(box[0], X);
				box[1] = fmin(box[1], Y);
				box[2] = fmax(box[2], X);
				box[3] = fmax(box[3], Y);
			}
	}
}

/* The needle as matched: ligatures spelt out, white space runs as one
 * space, none at either end; nospace gets it without spaces. */
struct needle {
	uint32_t	 cp[NEEDLE_MAX];
	size_t		 n;
	uint32_t	 ns[NEEDLE_MAX];
	size_t		 nns;
};

static int
needle_prepare(const char *s, struct needle *nd, struct err *e)
{
	uint32_t raw[NEEDLE_MAX], lig[3];
	long n;
	size_t i, k, m;

	if (s == NULL)
		return err_set(e, ERR_INTERNAL, "no anchor text");
	if ((n = utf8_decode(s, raw, NEEDLE_MAX)) < 0)
		return err_set(e, ERR_PDF_ANCHOR_NOT_FOUND,
		    "anchor text is not UTF-8 or longer than %d characters",
		    NEEDLE_MAX);
	nd->n = nd->nns = 0;
	for (i = 0; i < (size_t)n; i++) {
		m = unligature(raw[i], lig);
		for (k = 0; k < m; k++) {
			if (is_space(lig[k])) {
				if (nd->n == 0 || nd->cp[nd->n - 1] == ' ')
					continue;
				lig[k] = ' ';
			} else if (nd->nns < NEEDLE_MAX)
				nd->ns[nd->nns++] = lig[k];
			if (nd->n >= NEEDLE_MAX)
				return err_set(e, ERR_PDF_ANCHOR_NOT_FOUND,
				    "anchor text longer than %d characters",
				    NEEDLE_MAX);
			nd->cp[nd->n++] = lig[k];
		}
	}
	while (nd->n > 0 && nd->cp[nd->n - 1] == ' ')
		nd->n--;
	if (nd->n == 0)
		return err_set(e, ERR_PDF_ANCHOR_NOT_FOUND,
		    "anchor text is empty");
	return 0;
}

/* 1 and box when found, 0 when not, -1 on error. */
static int
find_content(const unsigned char *content, size_t len,
    const struct pdf_text_resolver *rv, const void *res,
    const struct needle *nd, double box[4], struct err *e)
{
	struct collector c;
	struct text t;
	size_t s, end;
	int rc = -1, found;

	memset(&c, 0, sizeof(c));
	memset(&t, 0, sizeof(t));
	if (pdf_text_scan(content, len, rv, res, collect, &c, e) == -1 ||
	    lines_build(&c, &t, e) == -1)
		goto out;
	found = text_match(&t, nd->cp, nd->n, 0, &s, &end) ||
	    text_match(&t, nd->ns, nd->nns, 1, &s, &end);
	if (found)
		match_box(&c, &t, s, end, box);
	rc = found;
out:
	text_cleanup(&t);
	collector_cleanup(&c);
	return rc;
}

int
pdf_text_find_in_content(const unsigned char *content, size_t len,
    const struct pdf_text_resolver *rv, const void *res, const char *needle,
    double box[4], struct err *e)
{
	struct needle *nd;
	int r;

	if (box == NULL || (content == NULL && len > 0))
		return err_set(e, ERR_INTERNAL,
		    "pdf_text_find_in_content: bad call");
	if ((nd = malloc(sizeof(*nd))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (needle_prepare(needle, nd, e) == -1)
		r = -1;
	else if ((r = find_content(content, len, rv, res, nd, box, e)) == 0)
		r = err_set(e, ERR_PDF_ANCHOR_NOT_FOUND,
		    "anchor text not in the content");
	else if (r == 1)
		r = 0;
	free(nd);
	return r;
}

/* ---- a fixed resolver ---- */

static int
table_font(void *ctx, const void *res, const char *name,
    const struct pdf_text_font **out, struct err *e)
{
	const struct pdf_text_table *t = ctx;
	size_t i;

	(void)res;
	(void)e;
	*out = NULL;
	for (i = 0; i < t->nfonts && i < PDF_TEXT_TABLE_MAX; i++)
		if (t->fonts[i].name != NULL &&
		    strcmp(t->fonts[i].name, name) == 0) {
			*out = t->fonts[i].font;
			break;
		}
	return 0;
}

static int
table_form(void *ctx, const void *res, const char *name,
    struct pdf_text_form *out, struct err *e)
{
	const struct pdf_text_table *t = ctx;
	size_t i;

	(void)res;
	(void)e;
	for (i = 0; i < t->nforms && i < PDF_TEXT_TABLE_MAX; i++)
		if (t->forms[i].name != NULL &&
		    strcmp(t->forms[i].name, name) == 0) {
			*out = t->forms[i].form;
			return 1;
		}
	return 0;
}

void
pdf_text_table_resolver(const struct pdf_text_table *t,
    struct pdf_text_resolver *out)
{
	out->font = table_font;
	out->form = table_form;
	out->ctx = (void *)(uintptr_t)t;
}

/* ---- qpdf documents ---- */

#define CONTENTS_ITEMS_MAX	10000	/* streams in one /Contents array */
#define FILTERS_MAX		8	/* filters on one stream */
#define SLOTS			2048	/* hash slots, twice NAMES_MAX */

/* A resource dictionary a content stream's names refer to. */
struct qres {
	qpdf_oh		 dict;		/* may be a null object */
	struct qres	*next;
};

/*
 * One name looked up in one resource dictionary, found or not, so that
 * a content stream repeating Tf or Do costs no further qpdf calls. The
 * same object under two names is loaded once; the first entry owns it.
 */
struct qname {
	const struct qres	*res;
	char			 name[PDFNAME_MAX + 1];
	int			 id, gen;	/* 0 when direct or absent */
	int			 owner;
	struct pdf_text_font	*font;		/* fonts */
	int			 isform;	/* forms */
	unsigned char		*data;
	size_t			 len;
	double			 m[6];
	const struct qres	*fres;
};

struct qcache {
	struct qname	*v;
	size_t		 n, cap;
	uint16_t	 slot[SLOTS];	/* index + 1; 0 is empty */
};

/* What one page's scan loaded; all of it, qpdf's object handles
 * included, is released when the page is done. */
struct qctx {
	qpdf_data	 q;
	qpdf_oh		*h;
	size_t		 nh, caph;
	struct qres	*res;
	struct qcache	 fonts, forms;
	size_t		 form_bytes;
	size_t		 font_entries;
};

/* Remembers a handle for release at the end of the page. */
static qpdf_oh
qh(struct qctx *c, qpdf_oh h)
{
	qpdf_oh *v;

	if ((v = grow(c->h, &c->caph, c->nh + 1, sizeof(*v), SIZE_MAX / 2))
	    != NULL) {
		c->h = v;
		v[c->nh++] = h;
	}
	return h;
}

static qpdf_oh
qkey(struct qctx *c, qpdf_oh dict, const char *key)
{
	return qh(c, qpdf_oh_get_key_if_dict(c->q, dict, key));
}

static int
qnitems(struct qctx *c, qpdf_oh array)
{
	return qpdf_oh_is_array(c->q, array) ?
	    qpdf_oh_get_array_n_items(c->q, array) : 0;
}

static int
qname(struct qctx *c, qpdf_oh oh, char *out, size_t outsz)
{
	const char *s;
	size_t n;

	if (!qpdf_oh_is_name(c->q, oh) ||
	    !qpdf_oh_get_value_as_name(c->q, oh, &s, &n))
		return -1;
	if (n > 0 && s[0] == '/') {
		s++;
		n--;
	}
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int
qnum(struct qctx *c, qpdf_oh oh, double *v)
{
	if (!qpdf_oh_is_number(c->q, oh) ||
	    !qpdf_oh_get_value_as_number(c->q, oh, v) || !isfinite(*v))
		return -1;
	return 0;
}

/* Array items read and released at once: arrays such as /W may be
 * long, and every handle costs memory inside qpdf until released. */
static int
qitem_num(struct qctx *c, qpdf_oh a, int i, double *v)
{
	qpdf_oh h = qpdf_oh_get_array_item(c->q, a, i);
	int r = qnum(c, h, v);

	qpdf_oh_release(c->q, h);
	return r;
}

static int
qitem_name(struct qctx *c, qpdf_oh a, int i, char *out, size_t outsz)
{
	qpdf_oh h = qpdf_oh_get_array_item(c->q, a, i);
	int r = qname(c, h, out, outsz);

	qpdf_oh_release(c->q, h);
	return r;
}

/* Consumes qpdf's pending error into e. */
static int
qfail(struct qctx *c, struct err *e, const char *what)
{
	qpdf_error qe;
	const char *msg = NULL;

	if (qpdf_has_error(c->q) && (qe = qpdf_get_error(c->q)) != NULL)
		msg = qpdf_get_error_full_text(c->q, qe);
	return err_set(e, ERR_PDF_INVALID, "%s: %.200s", what,
	    msg != NULL ? msg : "no detail");
}

static size_t
qhash(const struct qres *r, const char *name)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)r;

	for (; *name != '\0'; name++) {
		h ^= (unsigned char)*name;
		h *= 1099511628211ull;
	}
	return (size_t)(h ^ (h >> 29)) & (SLOTS - 1);
}

/* The entry for (r, name), or NULL and in *slot where to add it. */
static struct qname *
qcache_find(struct qcache *k, const struct qres *r, const char *name,
    size_t *slot)
{
	struct qname *v;
	size_t i = qhash(r, name), n;

	for (n = 0; n < SLOTS; n++, i = (i + 1) & (SLOTS - 1)) {
		if (k->slot[i] == 0) {
			*slot = i;
			return NULL;
		}
		v = &k->v[k->slot[i] - 1];
		if (v->res == r && strcmp(v->name, name) == 0)
			return v;
	}
	*slot = SIZE_MAX;
	return NULL;
}

/* A new entry; valid until the next qcache_add. */
static struct qname *
qcache_add(struct qcache *k, size_t slot, const struct qres *r,
    const char *name, const char *what, struct err *e)
{
	struct qname *v;

	if (k->n >= NAMES_MAX || slot == SIZE_MAX) {
		err_set(e, ERR_PDF_INVALID, "more than %d %s names on one page",
		    NAMES_MAX, what);
		return NULL;
	}
	if ((v = grow(k->v, &k->cap, k->n + 1, sizeof(*v), NAMES_MAX)) ==
	    NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	k->v = v;
	v = &k->v[k->n];
	memset(v, 0, sizeof(*v));
	v->res = r;
	snprintf(v->name, sizeof(v->name), "%s", name);
	k->slot[slot] = (uint16_t)(++k->n);
	return v;
}

static void
qctx_free(struct qctx *c)
{
	struct qres *r, *next;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->fonts.n; i++)
		if (c->fonts.v[i].owner)
			pdf_text_font_free(c->fonts.v[i].font);
	for (i = 0; i < c->forms.n; i++)
		if (c->forms.v[i].owner)
			free(c->forms.v[i].data);
	for (r = c->res; r != NULL; r = next) {
		next = r->next;
		free(r);
	}
	for (i = 0; i < c->nh; i++)
		qpdf_oh_release(c->q, c->h[i]);
	free(c->fonts.v);
	free(c->forms.v);
	free(c->h);
	free(c);
}

static struct qres *
qres_new(struct qctx *c, qpdf_oh dict)
{
	struct qres *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->dict = dict;
	r->next = c->res;
	c->res = r;
	return r;
}

/* /DecodeParms with a predictor (7.4.4.4) is not read here. */
static int
qpredictor(struct qctx *c, qpdf_oh parms, int depth)
{
	qpdf_oh h;
	double p;
	int i, n, r = 0;

	if (qpdf_oh_is_dictionary(c->q, parms))
		return qnum(c, qkey(c, parms, "/Predictor"), &p) == 0 && p > 1;
	n = qnitems(c, parms);
	for (i = 0; depth == 0 && i < n && i < FILTERS_MAX && !r; i++) {
		h = qpdf_oh_get_array_item(c->q, parms, i);
		r = qpredictor(c, h, depth + 1);
		qpdf_oh_release(c->q, h);
	}
	return r;
}

/*
 * A stream's data decoded here, at most max bytes appended to out.
 * qpdf hands over the raw bytes (decrypted, not decoded) so that no
 * filter runs without a cap.
 */
static int
qstream(struct qctx *c, qpdf_oh s, size_t max, struct buf *out,
    struct err *e)
{
	char fname[FILTERS_MAX][64];
	unsigned char *raw = NULL;
	struct buf a, b;
	const unsigned char *in;
	size_t rawlen = 0, inlen;
	qpdf_oh d, f;
	int nf = 0, i, n, rc = -1;

	buf_init(&a, max);
	buf_init(&b, max);
	d = qh(c, qpdf_oh_get_dict(c->q, s));
	f = qkey(c, d, "/Filter");
	if (qpdf_oh_is_name(c->q, f)) {
		if (qname(c, f, fname[0], sizeof(fname[0])) == 0)
			nf = 1;
	} else if ((n = qnitems(c, f)) > 0) {
		if (n > FILTERS_MAX) {
			err_set(e, ERR_PDF_INVALID, "more than %d filters",
			    FILTERS_MAX);
			goto out;
		}
		for (i = 0; i < n; i++)
			if (qitem_name(c, f, i, fname[nf],
			    sizeof(fname[0])) == 0)
				nf++;
	}
	if (nf > 0 && qpredictor(c, qkey(c, d, "/DecodeParms"), 0)) {
		err_set(e, ERR_PDF_INVALID, "stream predictors are not read");
		goto out;
	}
	if ((qpdf_oh_get_stream_data(c->q, s, qpdf_dl_none, NULL, &raw,
	    &rawlen) & QPDF_ERRORS) != 0 || qpdf_has_error(c->q)) {
		qfail(c, e, "reading stream data");
		goto out;
	}
	in = raw;
	inlen = rawlen;
	for (i = 0; i < nf; i++) {
		/* Decryption is qpdf's; a /Crypt entry is already done. */
		if (strcmp(fname[i], "Crypt") == 0)
			continue;
		b.len = 0;
		if (pdf_text_decode(fname[i], in, inlen, max, &b, e) == -1)
			goto out;
		buf_cleanup(&a);
		a = b;
		buf_init(&b, max);
		in = a.data;
		inlen = a.len;
	}
	if (inlen > max || buf_add(out, in, inlen) == -1) {
		err_set(e, ERR_PDF_INVALID, "stream data larger than %zu bytes",
		    max);
		goto out;
	}
	rc = 0;
out:
	free(raw);
	buf_cleanup(&a);
	buf_cleanup(&b);
	return rc;
}

/* /Contents: one stream or an array of them, joined by a newline so
 * that tokens cannot run together across streams (7.8.2). */
static int
qcontents(struct qctx *c, qpdf_oh page, struct buf *out, struct err *e)
{
	qpdf_oh k, item;
	int i, n, rc = 0;

	k = qkey(c, page, "/Contents");
	if (qpdf_oh_is_stream(c->q, k))
		return qstream(c, k, PAGE_MAX, out, e);
	n = qnitems(c, k);
	if (n > CONTENTS_ITEMS_MAX)
		return err_set(e, ERR_PDF_INVALID,
		    "more than %d content streams", CONTENTS_ITEMS_MAX);
	for (i = 0; i < n && rc == 0; i++) {
		item = qpdf_oh_get_array_item(c->q, k, i);
		if (qpdf_oh_is_stream(c->q, item)) {
			if (buf_add(out, "\n", 1) == -1)
				rc = err_set(e, ERR_PDF_INVALID,
				    "page content larger than %zu bytes",
				    PAGE_MAX);
			else
				rc = qstream(c, item, PAGE_MAX - out->len, out,
				    e);
		}
		qpdf_oh_release(c->q, item);
	}
	return rc;
}

/* /Resources, inherited from the page tree when the page has none
 * (7.7.3.4). */
static qpdf_oh
qresources(struct qctx *c, qpdf_oh page)
{
	qpdf_oh node = page, r = 0;
	int i;

	for (i = 0; i < PARENTS_MAX; i++) {
		r = qkey(c, node, "/Resources");
		if (qpdf_oh_is_dictionary(c->q, r))
			return r;
		node = qkey(c, node, "/Parent");
		if (!qpdf_oh_is_dictionary(c->q, node))
			break;
	}
	return r;
}

static void
qload_widths(struct qctx *c, struct pdf_text_font *f, qpdf_oh fd)
{
	double first, w[256];
	qpdf_oh a;
	int i, n;

	a = qkey(c, fd, "/Widths");
	if ((n = qnitems(c, a)) <= 0 ||
	    qnum(c, qkey(c, fd, "/FirstChar"), &first) == -1 ||
	    first < 0 || first > 255)
		return;
	if (n > 256)
		n = 256;
	for (i = 0; i < n; i++)
		if (qitem_num(c, a, i, &w[i]) == -1)
			w[i] = NAN;	/* skipped by pdf_text_font_widths */
	pdf_text_font_widths(f, (unsigned)first, w, (size_t)n);
}

/* /W (9.7.4.3): "c [w1 w2 ...]" or "cfirst clast w". */
static void
qload_w(struct qctx *c, struct pdf_text_font *f, qpdf_oh wa)
{
	double first, last, w;
	qpdf_oh item;
	int i = 0, j, m, n, stop = 0;

	n = qnitems(c, wa);
	while (i + 1 < n && !stop) {
		if (qitem_num(c, wa, i, &first) == -1 || first < 0 ||
		    first > 0xffffff)
			break;
		item = qpdf_oh_get_array_item(c->q, wa, i + 1);
		if ((m = qnitems(c, item)) > 0) {
			for (j = 0; j < m && first + j <= 0xffffff && !stop;
			    j++)
				if (qitem_num(c, item, j, &w) == 0 &&
				    pdf_text_font_cid_widths(f,
				    (unsigned)first + (unsigned)j,
				    (unsigned)first + (unsigned)j, w) == -1)
					stop = 1;
			i += 2;
		} else if (qnum(c, item, &last) == 0 && i + 2 < n) {
			if (last >= first && last <= 0xffffff &&
			    qitem_num(c, wa, i + 2, &w) == 0 &&
			    pdf_text_font_cid_widths(f, (unsigned)first,
			    (unsigned)last, w) == -1)
				stop = 1;
			i += 3;
		} else
			stop = 1;
		qpdf_oh_release(c->q, item);
	}
}

static void
qload_encoding(struct qctx *c, struct pdf_text_font *f, qpdf_oh enc)
{
	char name[PDFNAME_MAX + 1];
	double code = -1;
	qpdf_oh diff;
	int i, n;

	if (qname(c, enc, name, sizeof(name)) == 0) {
		pdf_text_font_encoding(f, name);
		return;
	}
	if (!qpdf_oh_is_dictionary(c->q, enc))
		return;
	if (qname(c, qkey(c, enc, "/BaseEncoding"), name, sizeof(name)) == 0)
		pdf_text_font_encoding(f, name);
	/* 9.6.6.1: a code, then the names of it and the codes after. */
	diff = qkey(c, enc, "/Differences");
	n = qnitems(c, diff);
	for (i = 0; i < n && i < 1024; i++) {
		if (qitem_num(c, diff, i, &code) == 0)
			continue;
		if (qitem_name(c, diff, i, name, sizeof(name)) == 0 &&
		    code >= 0 && code <= 255)
			pdf_text_font_difference(f, (unsigned)code, name);
		code++;
	}
}

static void
qload_descriptor(struct qctx *c, struct pdf_text_font *f, qpdf_oh fd)
{
	double a, d, mw;

	if (!qpdf_oh_is_dictionary(c->q, fd))
		return;
	if (qnum(c, qkey(c, fd, "/Ascent"), &a) == 0 &&
	    qnum(c, qkey(c, fd, "/Descent"), &d) == 0)
		pdf_text_font_metrics(f, a, d);
	if (qnum(c, qkey(c, fd, "/MissingWidth"), &mw) == 0)
		pdf_text_font_missing_width(f, mw);
}

/* A font dictionary (9.6, 9.7) as a struct pdf_text_font. Unreadable
 * parts fall back to defaults; only stream data that cannot be decoded
 * is an error. */
static struct pdf_text_font *
qfont_load(struct qctx *c, qpdf_oh fd, struct err *e)
{
	struct pdf_text_font *f;
	struct err ignored;
	struct buf b;
	enum pdf_text_font_kind kind = PDF_TEXT_SIMPLE;
	char sub[32] = "", base[PDFNAME_MAX + 1] = "";
	qpdf_oh enc, df, tu, fm;
	double v;

	buf_init(&b, CMAP_STREAM_MAX);
	qname(c, qkey(c, fd, "/Subtype"), sub, sizeof(sub));
	qname(c, qkey(c, fd, "/BaseFont"), base, sizeof(base));
	if (strcmp(sub, "Type0") == 0)
		kind = PDF_TEXT_TYPE0;
	else if (strcmp(sub, "Type3") == 0)
		kind = PDF_TEXT_TYPE3;
	if ((f = pdf_text_font_new(kind, base)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto fail;
	}
	if (kind == PDF_TEXT_TYPE0) {
		/* Identity-H/V and predefined CMaps by name are read as
		 * two-byte identity; an embedded CMap is parsed. */
		enc = qkey(c, fd, "/Encoding");
		if (qpdf_oh_is_stream(c->q, enc)) {
			if (qstream(c, enc, CMAP_STREAM_MAX, &b, e) == -1)
				goto fail;
			pdf_text_font_cmap(f, b.data, b.len, &ignored);
			b.len = 0;
		}
		df = qkey(c, fd, "/DescendantFonts");
		if (qnitems(c, df) > 0)
			df = qh(c, qpdf_oh_get_array_item(c->q, df, 0));
		if (qnum(c, qkey(c, df, "/DW"), &v) == 0)
			pdf_text_font_default_width(f, v);
		qload_w(c, f, qkey(c, df, "/W"));
		qload_descriptor(c, f, qkey(c, df, "/FontDescriptor"));
	} else {
		qload_encoding(c, f, qkey(c, fd, "/Encoding"));
		qload_widths(c, f, fd);
		if (kind == PDF_TEXT_TYPE3) {
			fm = qkey(c, fd, "/FontMatrix");
			if (qnitems(c, fm) == 6 && qitem_num(c, fm, 0, &v) == 0)
				pdf_text_font_matrix(f, v);
		}
		qload_descriptor(c, f, qkey(c, fd, "/FontDescriptor"));
	}
	tu = qkey(c, fd, "/ToUnicode");
	if (qpdf_oh_is_stream(c->q, tu)) {
		if (qstream(c, tu, CMAP_STREAM_MAX, &b, e) == -1)
			goto fail;
		/* A damaged CMap keeps what it mapped before the damage. */
		pdf_text_font_tounicode(f, b.data, b.len, &ignored);
	}
	pdf_text_font_finish(f);
	buf_cleanup(&b);
	return f;
fail:
	pdf_text_font_free(f);
	buf_cleanup(&b);
	return NULL;
}

static int
qres_font(void *ctx, const void *resp, const char *name,
    const struct pdf_text_font **out, struct err *e)
{
	struct qctx *c = ctx;
	const struct qres *r = resp;
	struct pdf_text_font *f;
	struct qname *v;
	char key[PDFNAME_MAX + 2];
	qpdf_oh fd;
	size_t slot, i;
	int id, gen;

	*out = NULL;
	if (r == NULL)
		return 0;
	if ((v = qcache_find(&c->fonts, r, name, &slot)) != NULL) {
		*out = v->font;
		return 0;
	}
	if ((v = qcache_add(&c->fonts, slot, r, name, "font", e)) == NULL)
		return -1;
	snprintf(key, sizeof(key), "/%s", name);
	fd = qkey(c, qkey(c, r->dict, "/Font"), key);
	if (!qpdf_oh_is_dictionary(c->q, fd))
		return 0;
	id = qpdf_oh_get_object_id(c->q, fd);
	gen = qpdf_oh_get_generation(c->q, fd);
	for (i = 0; id > 0 && i < c->fonts.n; i++)
		if (c->fonts.v[i].owner && c->fonts.v[i].id == id &&
		    c->fonts.v[i].gen == gen) {
			*out = v->font = c->fonts.v[i].font;
			return 0;
		}
	if ((f = qfont_load(c, fd, e)) == NULL)
		return -1;
	if (font_entries(f) > FONT_ENTRIES_MAX - c->font_entries) {
		pdf_text_font_free(f);
		return err_set(e, ERR_PDF_INVALID, "fonts on one page with "
		    "more than %d width and CMap entries", FONT_ENTRIES_MAX);
	}
	c->font_entries += font_entries(f);
	v->id = id;
	v->gen = gen;
	v->owner = 1;
	*out = v->font = f;
	return 0;
}

static void
qform_out(const struct qname *v, struct pdf_text_form *out)
{
	out->content = v->data;
	out->len = v->len;
	memcpy(out->matrix, v->m, sizeof(v->m));
	out->res = v->fres;
}

static int
qres_form(void *ctx, const void *resp, const char *name,
    struct pdf_text_form *out, struct err *e)
{
	struct qctx *c = ctx;
	const struct qres *r = resp;
	struct qname *v;
	struct buf b;
	char key[PDFNAME_MAX + 2], sub[32];
	qpdf_oh x, d, m, rd;
	size_t slot, room, i;
	int id, gen, k;

	if (r == NULL)
		return 0;
	if ((v = qcache_find(&c->forms, r, name, &slot)) != NULL) {
		if (!v->isform)
			return 0;
		qform_out(v, out);
		return 1;
	}
	if ((v = qcache_add(&c->forms, slot, r, name, "XObject", e)) == NULL)
		return -1;
	snprintf(key, sizeof(key), "/%s", name);
	x = qkey(c, qkey(c, r->dict, "/XObject"), key);
	if (!qpdf_oh_is_stream(c->q, x))
		return 0;
	d = qh(c, qpdf_oh_get_dict(c->q, x));
	if (qname(c, qkey(c, d, "/Subtype"), sub, sizeof(sub)) == -1 ||
	    strcmp(sub, "Form") != 0)
		return 0;	/* an image, skipped */
	id = qpdf_oh_get_object_id(c->q, x);
	gen = qpdf_oh_get_generation(c->q, x);
	for (i = 0; id > 0 && i < c->forms.n; i++)
		if (c->forms.v[i].owner && c->forms.v[i].id == id &&
		    c->forms.v[i].gen == gen) {
			v->isform = 1;
			v->data = c->forms.v[i].data;
			v->len = c->forms.v[i].len;
			memcpy(v->m, c->forms.v[i].m, sizeof(v->m));
			v->fres = c->forms.v[i].fres;
			qform_out(v, out);
			return 1;
		}
	room = FORMS_MAX_BYTES - c->form_bytes;
	buf_init(&b, room);
	if (qstream(c, x, room < STREAM_MAX ? room : STREAM_MAX, &b, e) == -1) {
		buf_cleanup(&b);
		return -1;
	}
	v->id = id;
	v->gen = gen;
	v->owner = 1;
	v->isform = 1;
	v->data = b.data;
	v->len = b.len;
	c->form_bytes += b.len;
	memcpy(v->m, identity, sizeof(v->m));
	m = qkey(c, d, "/Matrix");
	if (qnitems(c, m) == 6) {
		for (k = 0; k < 6; k++)
			if (qitem_num(c, m, k, &v->m[k]) == -1)
				break;
		if (k < 6)
			memcpy(v->m, identity, sizeof(v->m));
	}
	/* A form without /Resources uses its caller's (8.10.1, a PDF 1.1
	 * habit). */
	rd = qkey(c, d, "/Resources");
	v->fres = r;
	if (qpdf_oh_is_dictionary(c->q, rd) &&
	    (v->fres = qres_new(c, rd)) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	qform_out(v, out);
	return 1;
}

/* 1 found (box set), 0 not on this page, -1 error. */
static int
find_page(qpdf_data q, int i, const struct needle *nd, double box[4],
    struct err *e)
{
	struct pdf_text_resolver rv;
	struct qctx *c;
	struct qres *res;
	struct buf content;
	qpdf_oh pg;
	int rc = -1;

	buf_init(&content, PAGE_MAX);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	c->q = q;
	pg = qh(c, qpdf_get_page_n(q, (size_t)i));
	if (qpdf_has_error(q)) {
		qfail(c, e, "reading the page");
		goto out;
	}
	if (qcontents(c, pg, &content, e) == -1)
		goto out;
	if ((res = qres_new(c, qresources(c, pg))) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	rv.font = qres_font;
	rv.form = qres_form;
	rv.ctx = c;
	rc = find_content(content.data, content.len, &rv, res, nd, box, e);
	/* An object qpdf failed to read on the way leaves an error behind
	 * rather than a return value: whatever was found, fail closed. */
	if (rc != -1 && qpdf_has_error(q))
		rc = qfail(c, e, "reading objects");
out:
	qctx_free(c);
	buf_cleanup(&content);
	return rc;
}

int
pdf_text_find(qpdf_data q, const char *needle, int *page, double box[4],
    struct err *e)
{
	struct needle *nd = NULL;
	char detail[sizeof(e->detail)];
	qpdf_error qe;
	int n, i, r, rc = -1;

	if (q == NULL || page == NULL || box == NULL)
		return err_set(e, ERR_INTERNAL, "pdf_text_find: bad call");
	if ((nd = malloc(sizeof(*nd))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (needle_prepare(needle, nd, e) == -1)
		goto out;
	n = qpdf_get_num_pages(q);
	if (qpdf_has_error(q) || n < 0) {
		qe = qpdf_has_error(q) ? qpdf_get_error(q) : NULL;
		err_set(e, ERR_PDF_INVALID, "reading the page tree: %.200s",
		    qe != NULL ? qpdf_get_error_full_text(q, qe) : "no detail");
		goto out;
	}
	if (n == 0) {
		err_set(e, ERR_PDF_BAD_PAGE, "the document has no pages");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((r = find_page(q, i, nd, box, e)) == 1) {
			*page = i + 1;
			rc = 0;
			goto out;
		}
		if (r == -1) {
			if (e != NULL) {
				snprintf(detail, sizeof(detail), "%s",
				    e->detail);
				err_set(e, e->code, "page %d: %s", i + 1,
				    detail);
			}
			goto out;
		}
	}
	err_set(e, ERR_PDF_ANCHOR_NOT_FOUND, "anchor text not in %d page%s",
	    n, n == 1 ? "" : "s");
out:
	free(nd);
	return rc;
}
