/*
 * pdf_text.h - finds an anchor text ("tag_koordinat", such as "#ttd#")
 * in a PDF's pages and reports the box it is drawn in, so that a visible
 * signature can be placed on it.
 *
 * Three layers, each usable on its own:
 *
 *   pdf_text_find            qpdf document in, page and box out.
 *   pdf_text_find_in_content one content stream in (fonts and Form
 *                            XObjects through a resolver), box out.
 *   pdf_text_scan            one content stream in, a callback per glyph
 *                            with its Unicode text and its geometry.
 *
 * The two lower layers do not touch qpdf: unit tests and the fuzzer drive
 * them with fonts built by the pdf_text_font_* functions and a
 * pdf_text_table resolver.
 *
 * All coordinates are in the page's default user space (ISO 32000-1
 * 8.3.2.3): points, origin at the bottom left of the MediaBox's
 * coordinate system, y upwards; /Rotate and /UserUnit are not applied.
 */
#ifndef SERTEL_PDF_TEXT_H
#define SERTEL_PDF_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <qpdf/qpdf-c.h>

#include "util.h"

/*
 * First occurrence of needle (UTF-8) in the pages' text, in page order;
 * page is 1-based; box = x0,y0,x1,y1 of the occurrence in the page's
 * default user space (points, PDF coordinates).
 *
 * The needle is compared with the text of each line (glyphs on one
 * baseline, ordered along it, spaces inferred from gaps); runs of white
 * space count as one space and the needle's leading and trailing space
 * is ignored. When a page has no exact occurrence, the needle without
 * spaces is compared with the line text without spaces, so "#ttd#"
 * also matches "# ttd #" or "#t td#" (letter-spaced or kerned text);
 * such a match may not start or end inside a word, so "programs" is not
 * found in "program should". "First" on a page is the line whose first glyph comes first in the
 * content stream, then left to right.
 *
 * -1 with ERR_PDF_ANCHOR_NOT_FOUND when absent (or the needle is empty or
 * not UTF-8), ERR_PDF_INVALID when the page content cannot be parsed or
 * decoded or exceeds a limit below, ERR_PDF_BAD_PAGE when the document
 * has no pages, ERR_INTERNAL on bad arguments or memory exhaustion.
 * qpdf errors raised on the way are consumed and reported in detail.
 */
int	pdf_text_find(qpdf_data q, const char *needle, int *page,
	    double box[4], struct err *);

/* ---- fonts (ISO 32000-1 9.5-9.10) ---- */

struct pdf_text_font;

enum pdf_text_font_kind {
	PDF_TEXT_SIMPLE,	/* Type1, MMType1, TrueType: one-byte codes */
	PDF_TEXT_TYPE3,		/* one-byte codes, widths via FontMatrix */
	PDF_TEXT_TYPE0		/* composite: codes through a CMap to CIDs */
};

/*
 * A font with the defaults of its kind: simple and Type3 fonts use
 * StandardEncoding and, until pdf_text_font_widths is called, the
 * standard 14 widths of the family base_font names (Helvetica, Arial,
 * Times, Courier; anything else gets Helvetica's); Type0 fonts are
 * Identity-H with /DW 1000. Ascent and descent default to 0.8 and -0.2
 * em. base_font may carry a subset tag ("ABCDEF+Arial"). NULL when out
 * of memory.
 */
struct pdf_text_font	*pdf_text_font_new(enum pdf_text_font_kind,
			    const char *base_font);
void			 pdf_text_font_free(struct pdf_text_font *);
/* "WinAnsiEncoding", "MacRomanEncoding" or "StandardEncoding" as the base
 * encoding of a simple font; -1 for any other name (font unchanged). */
int	pdf_text_font_encoding(struct pdf_text_font *, const char *name);
/* One /Differences entry: code now draws the glyph named glyph (Adobe
 * Glyph List names, "uniXXXX", "uXXXX[XX]", "a_b" ligatures, ".suffix"
 * variants). -1 when code > 255; an unknown name leaves no Unicode. */
int	pdf_text_font_difference(struct pdf_text_font *, unsigned code,
	    const char *glyph);
/* /FirstChar and /Widths (glyph space units, 1000 per em). Codes
 * outside get the missing width. */
int	pdf_text_font_widths(struct pdf_text_font *, unsigned first,
	    const double *w, size_t n);
void	pdf_text_font_missing_width(struct pdf_text_font *, double w);
/* /Ascent and /Descent of the font descriptor, glyph space units;
 * implausible values keep the defaults. */
void	pdf_text_font_metrics(struct pdf_text_font *, double ascent,
	    double descent);
/* Type3: FontMatrix's first element (glyph space to text space). */
void	pdf_text_font_matrix(struct pdf_text_font *, double a);
/* Type0: /DW and one /W range (CIDs first..last have width w). */
void	pdf_text_font_default_width(struct pdf_text_font *, double dw);
int	pdf_text_font_cid_widths(struct pdf_text_font *, unsigned first,
	    unsigned last, double w);
/*
 * Parses a ToUnicode CMap (9.10.3: codespacerange, bfchar, bfrange with a
 * string or an array of strings). Its mappings take precedence over the
 * encoding. On a syntax error the mappings read so far are kept and -1
 * is returned with ERR_PDF_INVALID.
 */
int	pdf_text_font_tounicode(struct pdf_text_font *,
	    const unsigned char *cmap, size_t len, struct err *);
/* Type0: an embedded /Encoding CMap (codespacerange, cidrange, cidchar)
 * that decides code lengths and CIDs; same error rule as above. */
int	pdf_text_font_cmap(struct pdf_text_font *, const unsigned char *cmap,
	    size_t len, struct err *);
/* Sorts what the setters collected; call once before scanning (an
 * unfinished font still works, only slower). */
void	pdf_text_font_finish(struct pdf_text_font *);

/* ---- resources ---- */

/* A Form XObject ready to run (8.10): its decoded content, /Matrix and the
 * resources its names refer to. */
struct pdf_text_form {
	const unsigned char	*content;
	size_t			 len;
	double			 matrix[6];
	const void		*res;
};

/*
 * How the scanner finds what a content stream names. res is the
 * resource context of the stream being run (the caller's for the page,
 * pdf_text_form.res inside a form). font: 0 with *out set, or *out NULL
 * when the name is unknown (the scanner then uses Helvetica metrics),
 * -1 with err set to stop. form: 1 with *out filled, 0 when the name is
 * no Form XObject (images are skipped), -1 with err set to stop.
 * Everything handed out must stay valid until the scan returns. Either
 * function pointer may be NULL.
 */
struct pdf_text_resolver {
	int	(*font)(void *ctx, const void *res, const char *name,
		    const struct pdf_text_font **out, struct err *);
	int	(*form)(void *ctx, const void *res, const char *name,
		    struct pdf_text_form *out, struct err *);
	void	*ctx;
};

/* A fixed list of names for callers without a document (tests, fuzzing):
 * one namespace for the page and every form. */
#define PDF_TEXT_TABLE_MAX	8
struct pdf_text_table {
	size_t	 nfonts;
	struct {
		const char			*name;
		const struct pdf_text_font	*font;
	} fonts[PDF_TEXT_TABLE_MAX];
	size_t	 nforms;
	struct {
		const char		*name;
		struct pdf_text_form	 form;
	} forms[PDF_TEXT_TABLE_MAX];
};
void	pdf_text_table_resolver(const struct pdf_text_table *,
	    struct pdf_text_resolver *out);

/* ---- glyphs ---- */

#define PDF_TEXT_MAX_CP	8

/*
 * One shown glyph. Its box is the quadrilateral with corners
 *   (x, y) + t * width * (bx, by) + s * (ux, uy),
 *   t in {0, 1}, s in {descent, ascent},
 * i.e. the text rendering matrix of 9.4.4 applied to the glyph's
 * advance and to the font's vertical extent.
 */
struct pdf_text_glyph {
	uint32_t	 cp[PDF_TEXT_MAX_CP];	/* Unicode scalar values */
	size_t		 ncp;			/* 0: no Unicode known */
	uint32_t	 code;			/* character code shown */
	size_t		 code_len;		/* its length in bytes */
	double		 x, y;			/* origin, rise included */
	double		 bx, by;		/* one em along the baseline */
	double		 ux, uy;		/* one em upwards */
	double		 width;			/* advance in em; no Tc, Tw */
	double		 ascent, descent;	/* em */
};

/* Return 0 to go on, -1 (err set) to stop the scan. */
typedef int	(*pdf_text_glyph_fn)(void *arg, const struct pdf_text_glyph *,
		    struct err *);

/*
 * Runs one content stream (7.8.2) from a fresh graphics state with the
 * identity CTM and calls fn for every glyph shown by Tj, TJ, ' and ",
 * including those inside Form XObjects invoked by Do. rv may be NULL.
 * 0, or -1 with ERR_PDF_INVALID for content that cannot be tokenised
 * (unterminated string, array, dictionary or inline image, bad hex
 * digit) or that exceeds a limit (nesting, operand count, string bytes,
 * q depth, form depth, operator count), or whatever fn or rv reported.
 * Operators with operands of the wrong type are ignored, as viewers do.
 */
int	pdf_text_scan(const unsigned char *content, size_t len,
	    const struct pdf_text_resolver *rv, const void *res,
	    pdf_text_glyph_fn fn, void *arg, struct err *);

/* pdf_text_find for one content stream: 0 and box, or -1 with the error
 * codes of pdf_text_find. */
int	pdf_text_find_in_content(const unsigned char *content, size_t len,
	    const struct pdf_text_resolver *rv, const void *res,
	    const char *needle, double box[4], struct err *);

/*
 * Applies one stream filter (7.4): "FlateDecode", "ASCIIHexDecode",
 * "ASCII85Decode", "RunLengthDecode" or their abbreviations, appending
 * at most max bytes to out. -1 with ERR_PDF_INVALID for other filters,
 * corrupt data, or output beyond max (a decompression bomb stops here).
 */
int	pdf_text_decode(const char *filter, const unsigned char *in,
	    size_t len, size_t max, struct buf *out, struct err *);

#endif
