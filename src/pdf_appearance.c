/*
 * pdf_appearance.c - the visible part of a signature: decode the
 * signer's image, encode a QR code, set text lines in Helvetica, lay
 * them out in the box and write the content stream that draws them.
 *
 * Images. A JPEG goes into the PDF as it is (DCTDecode), after libjpeg
 * decoded all of it (a broken file is refused here, not in a reader's
 * hands) and with its metadata segments dropped (EXIF carries GPS
 * positions and camera serials). A PNG is decoded with libpng to 8-bit
 * gray or RGB and an alpha plane, which becomes the image's /SMask so
 * that a signature scanned on transparent paper stays transparent; both
 * are Flate-compressed. libjpeg and libpng report errors by longjmp: each
 * setjmp sits in the function that calls the library, the pointers set
 * after it are volatile, and one exit path frees everything.
 *
 * QR. libqrencode (level M, 8-bit mode), drawn as filled rectangles (one
 * per run of dark modules along a row) on a white square with the quiet
 * zone of 4 modules ISO/IEC 18004 asks for: vectors stay sharp at any
 * zoom and print size.
 *
 * Text. UTF-8 is mapped to WinAnsiEncoding (ISO 32000-2 Annex D.2), the
 * encoding every reader has for the standard Helvetica without an
 * embedded font; what it cannot show becomes '?'. Line widths come from
 * Adobe's Helvetica metrics, so the font size is the largest (up to 14
 * pt) at which the longest line fits.
 *
 * Layout. With both a graphic and text, the graphic takes the left part
 * of a box at least 1.5 times as wide as high, or the upper 60 % of any
 * other box; each part is centred, the graphic keeps its proportions.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <qrencode.h>
#include <zlib.h>

#include "image.h"
#include "pdf_appearance.h"

/* Font size bounds of the text. */
#define FONT_MAX		14.0
#define FONT_MIN		1.0
/* Decoded PNG pixels we accept (RGBA octets stay under 64 MiB). */
#define PNG_MAX_PIXELS		((size_t)PDF_SIGN_IMAGE_MAX_SIDE * \
				    PDF_SIGN_IMAGE_MAX_SIDE)

/* ------------------------------------------------------------------ */
/* Numbers, text, compression                                          */
/* ------------------------------------------------------------------ */

/* printf's %f would follow LC_NUMERIC: integers only here. */
void
pdf_appearance_num(char *out, size_t outsz, double v)
{
	long long t, ip, fp;
	char frac[8];
	int neg, i;

	if (!(v > -1e12 && v < 1e12))
		v = 0;
	neg = v < 0;
	t = (long long)((neg ? -v : v) * 10000.0 + 0.5);
	ip = t / 10000;
	fp = t % 10000;
	if (fp == 0) {
		snprintf(out, outsz, "%s%lld", neg && t ? "-" : "", ip);
		return;
	}
	snprintf(frac, sizeof(frac), "%04lld", fp);
	for (i = 3; i > 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	snprintf(out, outsz, "%s%lld.%s", neg ? "-" : "", ip, frac);
}

/* Overlong forms, surrogates, code points beyond U+10FFFF and truncated
 * sequences are bad; a bad sequence never eats a following ASCII byte
 * (such as the NUL or a newline). */
unsigned long
pdf_appearance_utf8_next(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	unsigned long c;
	int n, i;

	if (p[0] < 0x80) {
		*pp = p + 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 1;
		c = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 2;
		c = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 3;
		c = p[0] & 0x07;
	} else {
		*pp = p + 1;
		return 0xfffd;
	}
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*pp = p + i;
			return 0xfffd;
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	*pp = p + n + 1;
	if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) ||
	    (n == 3 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0xfffd;
	return c;
}

/* WinAnsiEncoding (ISO 32000-2 Annex D.2) code of a code point, '?'
 * when it has none. */
static unsigned char
winansi(unsigned long c)
{
	static const struct {
		unsigned short	u;
		unsigned char	b;
	} hi[] = {
		{ 0x20ac, 0x80 }, { 0x201a, 0x82 }, { 0x0192, 0x83 },
		{ 0x201e, 0x84 }, { 0x2026, 0x85 }, { 0x2020, 0x86 },
		{ 0x2021, 0x87 }, { 0x02c6, 0x88 }, { 0x2030, 0x89 },
		{ 0x0160, 0x8a }, { 0x2039, 0x8b }, { 0x0152, 0x8c },
		{ 0x017d, 0x8e }, { 0x2018, 0x91 }, { 0x2019, 0x92 },
		{ 0x201c, 0x93 }, { 0x201d, 0x94 }, { 0x2022, 0x95 },
		{ 0x2013, 0x96 }, { 0x2014, 0x97 }, { 0x02dc, 0x98 },
		{ 0x2122, 0x99 }, { 0x0161, 0x9a }, { 0x203a, 0x9b },
		{ 0x0153, 0x9c }, { 0x017e, 0x9e }, { 0x0178, 0x9f },
	};
	size_t i;

	if ((c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c <= 0xff))
		return (unsigned char)c;
	for (i = 0; i < sizeof(hi) / sizeof(hi[0]); i++)
		if (hi[i].u == c)
			return hi[i].b;
	return '?';
}

/* Helvetica advance widths (Adobe's AFM, 1/1000 em) of WinAnsi codes
 * 32-255; codes WinAnsi leaves undefined are 0 and never produced. */
static const unsigned short helv_w[224] = {
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584,
	278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
	556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
	722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
	278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
	556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
	278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
	556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333,
	1000, 0, 611, 0, 0, 222, 222, 333, 333, 350, 556, 1000,
	333, 1000, 500, 333, 944, 0, 500, 667, 278, 333, 556, 556,
	556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
	400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556,
	834, 834, 834, 611, 667, 667, 667, 667, 667, 667, 1000, 722,
	667, 667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778,
	778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
	556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556,
	278, 278, 278, 278, 556, 556, 556, 556, 556, 556, 556, 584,
	611, 556, 556, 556, 556, 500, 556, 500,
};

/* zlib deflate of p into out (appended). */
static int
deflate_buf(const unsigned char *p, size_t n, struct buf *out)
{
	uLongf dl;

	if (n > (size_t)ULONG_MAX / 2)
		return -1;
	dl = compressBound((uLong)n);
	if (buf_reserve(out, dl) == -1)
		return -1;
	if (compress2(out->data + out->len, &dl, p, (uLong)n, 6) != Z_OK)
		return -1;
	out->len += dl;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Images                                                              */
/* ------------------------------------------------------------------ */

static void
img_cleanup(struct pdf_image *im)
{
	buf_cleanup(&im->data);
	buf_cleanup(&im->alpha);
}

/* Decodes the whole JPEG (so that a broken one is refused here, not in
 * the reader) and notes its size and colour space. */
static int
jpeg_probe(const unsigned char *p, size_t n, struct pdf_image *im,
    struct err *e)
{
	struct jpeg_decompress_struct c;
	struct image_jpeg_err je;
	JSAMPLE *volatile row = NULL;
	volatile int ret = -1;
	JSAMPROW rp;

	memset(&c, 0, sizeof(c));
	memset(&je, 0, sizeof(je));
	image_jpeg_err_setup(&je);
	c.err = &je.mgr;
	if (setjmp(je.jb)) {
		err_set(e, ERR_PDF_BAD_IMAGE, "corrupt JPEG: %s", je.msg);
		goto out;
	}
	jpeg_create_decompress(&c);
	c.mem->max_memory_to_use = 128L << 20;
	jpeg_mem_src(&c, p, (unsigned long)n);
	if (jpeg_read_header(&c, TRUE) != JPEG_HEADER_OK) {
		err_set(e, ERR_PDF_BAD_IMAGE, "corrupt JPEG: no image");
		goto out;
	}
	if (c.image_width < 1 || c.image_height < 1 ||
	    c.image_width > PDF_SIGN_IMAGE_MAX_SIDE ||
	    c.image_height > PDF_SIGN_IMAGE_MAX_SIDE) {
		err_set(e, ERR_PDF_BAD_IMAGE, "JPEG is %ux%u pixels; at most "
		    "%d a side", c.image_width, c.image_height,
		    PDF_SIGN_IMAGE_MAX_SIDE);
		goto out;
	}
	if (c.data_precision != 8 || (c.num_components != 1 &&
	    c.num_components != 3 && c.num_components != 4)) {
		err_set(e, ERR_PDF_BAD_IMAGE, "unsupported JPEG (%d-bit, %d "
		    "components)", c.data_precision, c.num_components);
		goto out;
	}
	im->w = (int)c.image_width;
	im->h = (int)c.image_height;
	im->comps = c.num_components;
	im->inverted = c.num_components == 4 && c.saw_Adobe_marker;
	c.dct_method = JDCT_IFAST;
	jpeg_start_decompress(&c);
	row = malloc((size_t)c.output_width * (size_t)c.output_components);
	if (row == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	while (c.output_scanline < c.output_height) {
		rp = row;
		if (jpeg_read_scanlines(&c, &rp, 1) != 1) {
			err_set(e, ERR_PDF_BAD_IMAGE, "corrupt JPEG: short "
			    "read");
			goto out;
		}
	}
	jpeg_finish_decompress(&c);
	ret = 0;
out:
	jpeg_destroy_decompress(&c);
	free(row);
	return ret;
}

/*
 * The JPEG without its metadata: APP1-APP13, APP15 and COM segments
 * (EXIF with a GPS position, XMP, comments) are dropped, APP0 (JFIF)
 * and APP14 (Adobe, whose colour transform flag decoders need) kept,
 * and everything from the first SOS on copied as it is.
 */
static int
jpeg_strip(const unsigned char *p, size_t n, struct buf *out)
{
	size_t i = 2, len;
	unsigned char m;

	if (n < 4 || p[0] != 0xff || p[1] != 0xd8 || buf_add(out, p, 2) == -1)
		return -1;
	for (;;) {
		if (i + 2 > n || p[i] != 0xff)
			return -1;
		while (i + 1 < n && p[i + 1] == 0xff)
			i++;	/* fill bytes */
		if (i + 2 > n)
			return -1;
		m = p[i + 1];
		if (m == 0xda)
			return buf_add(out, p + i, n - i);
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			if (buf_add(out, p + i, 2) == -1)
				return -1;
			i += 2;
			continue;
		}
		if (i + 4 > n)
			return -1;
		len = (size_t)p[i + 2] << 8 | p[i + 3];
		if (len < 2 || i + 2 + len > n)
			return -1;
		if (!((m >= 0xe1 && m <= 0xed) || m == 0xef || m == 0xfe) &&
		    buf_add(out, p + i, 2 + len) == -1)
			return -1;
		i += 2 + len;
	}
}

struct png_src {
	const unsigned char	*p;
	size_t			 len, off;
	char			 msg[160];
};

static void
png_read_mem(png_structp png, png_bytep out, size_t n)
{
	struct png_src *s = png_get_io_ptr(png);

	if (n > s->len - s->off)
		png_error(png, "truncated file");
	memcpy(out, s->p + s->off, n);
	s->off += n;
}

static void
png_err(png_structp png, png_const_charp msg)
{
	struct png_src *s = png_get_error_ptr(png);

	snprintf(s->msg, sizeof(s->msg), "%s", msg);
	png_longjmp(png, 1);
}

static void
png_warn(png_structp png, png_const_charp msg)
{
	(void)png;	/* ancillary trouble: the chunk is dropped */
	(void)msg;
}

/* Decodes a PNG to 8-bit gray or RGB plus an alpha plane (kept only
 * when some pixel is not opaque), each Flate-compressed. */
static int
png_load(const unsigned char *p, size_t n, struct pdf_image *im,
    struct err *e)
{
	struct png_src src;
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *volatile pix = NULL, *volatile plane = NULL;
	png_bytep *volatile rows = NULL;
	volatile int ret = -1;
	png_uint_32 w, h, y;
	size_t ch, i, npx;
	int depth, ctype, opaque;

	memset(&src, 0, sizeof(src));
	src.p = p;
	src.len = n;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_err,
	    png_warn);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (setjmp(png_jmpbuf(png))) {
		err_set(e, ERR_PDF_BAD_IMAGE, "corrupt PNG: %s", src.msg);
		goto out;
	}
	png_set_user_limits(png, PDF_SIGN_IMAGE_MAX_SIDE,
	    PDF_SIGN_IMAGE_MAX_SIDE);
	png_set_chunk_malloc_max(png, 1L << 20);
	png_set_read_fn(png, &src, png_read_mem);
	png_read_info(png, info);
	png_get_IHDR(png, info, &w, &h, &depth, &ctype, NULL, NULL, NULL);
	png_set_expand(png);
	png_set_scale_16(png);
	(void)png_set_interlace_handling(png);
	png_read_update_info(png, info);
	ch = png_get_channels(png, info);
	if (ch < 1 || ch > 4 || png_get_rowbytes(png, info) != (size_t)w * ch ||
	    (size_t)w * h > PNG_MAX_PIXELS) {
		err_set(e, ERR_PDF_BAD_IMAGE, "unsupported PNG layout");
		goto out;
	}
	npx = (size_t)w * h;
	pix = malloc(npx * ch);
	rows = malloc(h * sizeof(*rows));
	plane = malloc(npx * 3);
	if (pix == NULL || rows == NULL || plane == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (y = 0; y < h; y++)
		rows[y] = pix + (size_t)y * w * ch;
	png_read_image(png, rows);
	png_read_end(png, NULL);
	im->w = (int)w;
	im->h = (int)h;
	im->comps = ch >= 3 ? 3 : 1;
	for (i = 0; i < npx; i++)
		memcpy(plane + i * (size_t)im->comps, pix + i * ch,
		    (size_t)im->comps);
	buf_init(&im->data, npx * 3 + 4096);
	if (deflate_buf(plane, npx * (size_t)im->comps, &im->data) == -1) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (ch == 2 || ch == 4) {
		for (opaque = 1, i = 0; i < npx; i++) {
			plane[i] = pix[i * ch + ch - 1];
			opaque &= plane[i] == 0xff;
		}
		buf_init(&im->alpha, npx + 4096);
		if (!opaque && deflate_buf(plane, npx, &im->alpha) == -1) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
	}
	ret = 0;
out:
	png_destroy_read_struct(&png, &info, NULL);
	free(pix);
	free(rows);
	free(plane);
	return ret;
}

static int
img_load(const unsigned char *p, size_t n, struct pdf_image *im,
    struct err *e)
{
	static const unsigned char png_sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};

	memset(im, 0, sizeof(*im));
	buf_init(&im->data, PDF_SIGN_IMAGE_MAX_BYTES);
	buf_init(&im->alpha, 0);
	if (n > PDF_SIGN_IMAGE_MAX_BYTES)
		return err_set(e, ERR_PDF_BAD_IMAGE, "image over %u octets",
		    PDF_SIGN_IMAGE_MAX_BYTES);
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) {
		if (jpeg_probe(p, n, im, e) == -1)
			return -1;
		im->dct = 1;
		if (jpeg_strip(p, n, &im->data) == -1)
			return err_set(e, ERR_PDF_BAD_IMAGE, "corrupt JPEG "
			    "markers");
		return 0;
	}
	if (n >= sizeof(png_sig) && memcmp(p, png_sig, sizeof(png_sig)) == 0)
		return png_load(p, n, im, e);
	return err_set(e, ERR_PDF_BAD_IMAGE, "the image is neither PNG nor "
	    "JPEG");
}

/* ------------------------------------------------------------------ */
/* Appearance                                                          */
/* ------------------------------------------------------------------ */

void
pdf_appearance_cleanup(struct pdf_appearance *lk)
{
	int i;

	img_cleanup(&lk->im);
	if (lk->qr != NULL)
		QRcode_free(lk->qr);
	for (i = 0; i < lk->nlines; i++)
		free(lk->lines[i]);
	memset(lk, 0, sizeof(*lk));
}

static int
look_text(struct pdf_appearance *lk, const char *text, struct err *e)
{
	const unsigned char *p = (const unsigned char *)text, *end;
	unsigned char *l;
	unsigned long c;
	size_t n;
	unsigned char b;

	if (strlen(text) > PDF_SIGN_TEXT_MAX)
		return err_set(e, ERR_PDF_SIGN, "signature text over %d "
		    "octets", PDF_SIGN_TEXT_MAX);
	while (*p != '\0' && lk->nlines < PDF_APPEARANCE_MAX_LINES) {
		end = (const unsigned char *)strchr((const char *)p, '\n');
		if (end == NULL)
			end = p + strlen((const char *)p);
		if ((l = malloc((size_t)(end - p) + 1)) == NULL)
			return err_set(e, ERR_INTERNAL, "out of memory");
		lk->lines[lk->nlines] = l;
		n = 0;
		lk->linew[lk->nlines] = 0;
		while (p < end) {
			c = pdf_appearance_utf8_next(&p);
			b = winansi(c == '\t' || c == '\r' ? ' ' : c);
			l[n++] = b;
			lk->linew[lk->nlines] += helv_w[b - 32];
			if (p > end)
				p = end;
		}
		lk->linelen[lk->nlines++] = n;
		if (*p == '\n')
			p++;
	}
	return 0;
}

int
pdf_appearance_load(struct pdf_appearance *lk, const struct pdf_visible *v,
    struct err *e)
{
	if (v->image != NULL) {
		if (img_load(v->image, v->imagelen, &lk->im, e) == -1)
			return -1;
		lk->has_image = 1;
	} else if (v->qr_text != NULL && *v->qr_text != '\0') {
		if (strlen(v->qr_text) > PDF_SIGN_QR_MAX)
			return err_set(e, ERR_PDF_BAD_IMAGE, "QR text over %d "
			    "octets", PDF_SIGN_QR_MAX);
		lk->qr = QRcode_encodeString(v->qr_text, 0, QR_ECLEVEL_M,
		    QR_MODE_8, 1);
		if (lk->qr == NULL)
			return err_set(e, ERR_PDF_BAD_IMAGE, "cannot encode the "
			    "QR text");
	}
	if (v->text != NULL && look_text(lk, v->text, e) == -1)
		return -1;
	if (!lk->has_image && lk->qr == NULL && lk->nlines == 0)
		return err_set(e, ERR_PDF_BAD_IMAGE, "a visible signature needs "
		    "an image, a QR text or text");
	return 0;
}


/* A line of WinAnsi text as a literal string for a content stream. */
static int
add_pdfstring(struct buf *c, const unsigned char *s, size_t n)
{
	size_t i;
	int r = buf_add(c, "(", 1);

	for (i = 0; i < n && r == 0; i++) {
		if (s[i] == '(' || s[i] == ')' || s[i] == '\\')
			r = buf_printf(c, "\\%c", s[i]);
		else if (s[i] < 0x20 || s[i] > 0x7e)
			r = buf_printf(c, "\\%03o", s[i]);
		else
			r = buf_add(c, s + i, 1);
	}
	return r == 0 ? buf_add(c, ")", 1) : -1;
}

static int
add_nums(struct buf *c, const double *v, size_t n, const char *op)
{
	char s[40];
	size_t i;

	for (i = 0; i < n; i++) {
		pdf_appearance_num(s, sizeof(s), v[i]);
		if (buf_printf(c, "%s ", s) == -1)
			return -1;
	}
	return buf_printf(c, "%s\n", op);
}

/*
 * The appearance stream's content for a w x h box (displayed
 * orientation): the graphic (image or QR) and the text side by side
 * when the box is at least 1.5 times as wide as high, the text under
 * the graphic otherwise; each fills its share, centred, the graphic
 * keeping its proportions.
 */
static int
layout(const struct pdf_appearance *lk, double w, double h, struct buf *c)
{
	double gx = 0, gy = 0, gw = w, gh = h, tx = 0, ty = 0, tw = w, th = h;
	double pad = (w < h ? w : h) * 0.04, v[6], s, ms, ox, oy, fs, lead,
	    top;
	int graphic = lk->has_image || lk->qr != NULL, x, y, x0, i, r = 0;
	long maxw = 1;

	if (graphic && lk->nlines > 0) {
		if (w >= 1.5 * h) {
			gw = h < w * 0.45 ? h : w * 0.45;
			tx = gw + pad;
			tw = w - tx;
		} else {
			gh = h * 0.6;
			gy = h - gh;
			th = gy - pad;
		}
	}
	if (lk->has_image) {
		s = gw / lk->im.w < gh / lk->im.h ? gw / lk->im.w :
		    gh / lk->im.h;
		v[0] = lk->im.w * s;
		v[1] = 0;
		v[2] = 0;
		v[3] = lk->im.h * s;
		v[4] = gx + (gw - v[0]) / 2;
		v[5] = gy + (gh - v[3]) / 2;
		r |= buf_addstr(c, "q\n");
		r |= add_nums(c, v, 6, "cm");
		r |= buf_addstr(c, "/Im1 Do\nQ\n");
	} else if (lk->qr != NULL) {
		/* ISO/IEC 18004: a quiet zone of 4 modules, then filled
		 * squares, merged into runs along each row. */
		s = gw < gh ? gw : gh;
		ms = s / (lk->qr->width + 8);
		ox = gx + (gw - s) / 2;
		oy = gy + (gh - s) / 2;
		r |= buf_addstr(c, "q\n1 g\n");
		v[0] = ox;
		v[1] = oy;
		v[2] = s;
		v[3] = s;
		r |= add_nums(c, v, 4, "re");
		r |= buf_addstr(c, "f\n0 g\n");
		for (y = 0; y < lk->qr->width && r == 0; y++)
			for (x = 0; x < lk->qr->width; x++) {
				if (!(lk->qr->data[y * lk->qr->width + x] & 1))
					continue;
				for (x0 = x; x < lk->qr->width &&
				    (lk->qr->data[y * lk->qr->width + x] & 1);
				    x++)
					;
				v[0] = ox + (4 + x0) * ms;
				v[1] = oy + s - (4 + y + 1) * ms;
				v[2] = (x - x0) * ms;
				v[3] = ms;
				r |= add_nums(c, v, 4, "re");
			}
		r |= buf_addstr(c, "f\nQ\n");
	}
	if (lk->nlines > 0 && tw > 0 && th > 0) {
		for (i = 0; i < lk->nlines; i++)
			if (lk->linew[i] > maxw)
				maxw = lk->linew[i];
		fs = th / (lk->nlines * 1.15);
		if (fs > tw * 1000.0 / maxw)
			fs = tw * 1000.0 / maxw;
		if (fs > FONT_MAX)
			fs = FONT_MAX;
		if (fs < FONT_MIN)
			fs = FONT_MIN;
		lead = fs * 1.15;
		top = ty + (th + lead * lk->nlines) / 2;
		r |= buf_addstr(c, "q\nBT\n/F1 ");
		v[0] = fs;
		r |= add_nums(c, v, 1, "Tf");
		r |= buf_addstr(c, "0 g\n");
		v[0] = tx;
		v[1] = top - fs * 0.93;
		r |= add_nums(c, v, 2, "Td");
		for (i = 0; i < lk->nlines && r == 0; i++) {
			if (i > 0) {
				v[0] = 0;
				v[1] = -lead;
				r |= add_nums(c, v, 2, "Td");
			}
			r |= add_pdfstring(c, lk->lines[i], lk->linelen[i]);
			r |= buf_addstr(c, " Tj\n");
		}
		r |= buf_addstr(c, "ET\nQ\n");
	}
	return r == 0 ? 0 : -1;
}

int
pdf_appearance_content(const struct pdf_appearance *lk, double w, double h,
    struct buf *out)
{
	struct buf c;
	int r;

	buf_init(&c, 16u << 20);
	r = layout(lk, w, h, &c) == 0 && deflate_buf(c.data, c.len, out) == 0 ?
	    0 : -1;
	buf_cleanup(&c);
	return r;
}
