/*
 * image.c - selfies: decode a JPEG or PNG, check its size, re-encode it
 * as a clean baseline JPEG; a deterministic image comparison that the
 * registry sandbox uses in place of a face matcher; synthetic faces.
 *
 * Decoding streams: libjpeg and libpng hand over one 8-bit RGB row at a
 * time to a sink (the JPEG encoder or the thumbnail accumulator), so a
 * 4096x4096 selfie costs a few rows of memory, not 48 MiB. Only an
 * interlaced PNG is decoded whole, because its passes revisit every row
 * (at most 4096 x 4096 x 4 octets). Both libraries report errors by
 * longjmp: each setjmp sits in the function that calls into the library,
 * every pointer assigned after it is volatile, and the one exit path
 * frees everything, so a broken file costs an error, never a crash or a
 * leak. libjpeg's warnings (a truncated file that it would pad with
 * gray, bad Huffman data) are errors here: a selfie must be intact.
 * Dimensions are checked from the header before any pixel is decoded;
 * libpng's user limits and libjpeg's memory cap and scan limit bound
 * what a hostile file can make either library allocate.
 *
 * The re-encoded JPEG is written from pixels alone, so EXIF (with its
 * GPS position and camera serial), ICC profiles, XMP and comments are
 * gone; EXIF orientation is not applied, either.
 *
 * Face similarity (the sandbox's stand-in for a face matcher, not one):
 * both images are reduced by area averaging to 64x64 Rec. 601 luma
 * thumbnails; each thumbnail is band-pass filtered (its 3x3 local mean
 * minus its 13x13 local mean), and the score is Pearson's correlation
 * of the 4096 filtered values (that is, each taken to zero mean and unit
 * variance), clamped below at 0. Why the band-pass: faces share a
 * layout (a light oval, dark hair above, shoulders below), and on raw
 * thumbnails two different generated faces correlated up to 0.87; with
 * it the worst of 19,900 pairs (200 faces) scored 0.59 and the mean
 * 0.04, while the same picture re-encoded as JPEG or rescaled still
 * scores above 0.99 (a shift of half a thumbnail pixel, under 1 % of
 * the frame, costs about 0.05). The score ignores brightness and
 * contrast. A real
 * photograph of the same person taken twice would not score high: that
 * is the limit of a sandbox.
 *
 * Synthetic faces: a xorshift64* generator (seeded through splitmix64)
 * draws a background (gradient, stripes, blobs), shoulders, neck, hair
 * or a hijab, ears, face, eyes, brows, nose, mouth and sometimes
 * glasses, all in coordinates relative to the frame. Everything is
 * computed in the same order from the same seed with plain arithmetic
 * (no libm: the program does not link it), so the PNG bytes are
 * identical on every run.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "image.h"

/* libjpeg may allocate this much for one image: enough for the
 * coefficient buffers of a progressive 4096x4096 4:4:4 JPEG (96 MiB). */
#define JPEG_MEM_MAX	(128L << 20)
/* A progressive JPEG has about ten scans; thousands are an attack that
 * makes the decoder redo the whole image each time. */
#define JPEG_MAX_SCANS	100
/* Largest ancillary chunk libpng may decompress (iCCP, zTXt ...). */
#define PNG_CHUNK_MAX	(1L << 20)

struct limits {
	long	min_side;
	long	min_long;
	long	max_side;
};

static const struct limits selfie_limits = {
	IMAGE_SELFIE_MIN_SIDE, IMAGE_SELFIE_MIN_LONG, IMAGE_SELFIE_MAX_SIDE
};
static const struct limits any_limits = { 1, 1, IMAGE_MAX_SIDE };

/*
 * The few numeric helpers this file needs, written out because the
 * program is not linked with libm (and so that the generator does not
 * depend on how a libm rounds its transcendental functions).
 */
static double
num_floor(double v)
{
	double t = (double)(long long)v;

	return t > v ? t - 1 : t;
}

static double
num_abs(double v)
{
	return v < 0 ? -v : v;
}

/* Square root of x >= 0 by Newton's method, to the last bit. */
static double
num_sqrt(double x)
{
	double g, prev = 0;
	int i;

	if (!(x > 0))
		return 0;
	g = x > 1 ? x : 1;
	for (i = 0; i < 200 && g != prev; i++) {
		prev = g;
		g = 0.5 * (g + x / g);
	}
	return g;
}

/* Receives the decoded image: begin once, then each RGB row in order. */
struct sink {
	int	(*begin)(void *, int w, int h, struct err *);
	int	(*row)(void *, unsigned char *rgb, int y, struct err *);
	void	*arg;
};

enum image_kind
image_sniff(const unsigned char *p, size_t n)
{
	static const unsigned char png_sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};

	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return IMAGE_JPEG;
	if (n >= sizeof(png_sig) && memcmp(p, png_sig, sizeof(png_sig)) == 0)
		return IMAGE_PNG;
	return IMAGE_UNKNOWN;
}

static int
check_dims(unsigned long w, unsigned long h, const struct limits *l,
    struct err *e)
{
	unsigned long lo = w < h ? w : h, hi = w < h ? h : w;

	if (lo >= (unsigned long)l->min_side && hi <= (unsigned long)l->max_side &&
	    hi >= (unsigned long)l->min_long)
		return 0;
	if (l->min_side > 1)
		return err_set(e, ERR_BAD_REQUEST, "image is %lux%lu pixels; "
		    "each side must be %ld to %ld pixels and the longer side "
		    "at least %ld", w, h, l->min_side, l->max_side,
		    l->min_long);
	return err_set(e, ERR_BAD_REQUEST, "image is %lux%lu pixels; at most "
	    "%ld a side", w, h, l->max_side);
}

/* ---- JPEG: errors ---- */

static void
jerr_exit(j_common_ptr c)
{
	struct image_jpeg_err *je = (struct image_jpeg_err *)c->err;

	(*c->err->format_message)(c, je->msg);
	longjmp(je->jb, 1);
}

static void
jerr_emit(j_common_ptr c, int level)
{
	/* Level -1 is a warning: corrupt data libjpeg would paper over. */
	if (level < 0)
		jerr_exit(c);
}

static void
jerr_output(j_common_ptr c)
{
	(void)c;	/* never print on stderr */
}

void
image_jpeg_err_setup(struct image_jpeg_err *je)
{
	memset(je, 0, sizeof(*je));
	jpeg_std_error(&je->mgr);
	je->mgr.error_exit = jerr_exit;
	je->mgr.emit_message = jerr_emit;
	je->mgr.output_message = jerr_output;
}

static void
jpeg_scan_limit(j_common_ptr c)
{
	struct image_jpeg_err *je = (struct image_jpeg_err *)c->err;

	if (c->is_decompressor &&
	    ((j_decompress_ptr)c)->input_scan_number > JPEG_MAX_SCANS) {
		snprintf(je->msg, sizeof(je->msg), "more than %d scans",
		    JPEG_MAX_SCANS);
		longjmp(je->jb, 1);
	}
}

/* ---- JPEG: decoding ---- */

static int
decode_jpeg(const unsigned char *in, size_t len, const struct limits *l,
    const struct sink *s, struct err *e)
{
	struct jpeg_decompress_struct c;
	struct jpeg_progress_mgr pm;
	struct image_jpeg_err je;
	unsigned char *volatile row = NULL;
	volatile int ret = -1;
	JSAMPROW rp;
	int y;

	memset(&c, 0, sizeof(c));
	memset(&pm, 0, sizeof(pm));
	image_jpeg_err_setup(&je);
	c.err = &je.mgr;
	if (setjmp(je.jb)) {
		err_set(e, ERR_BAD_REQUEST, "corrupt or unsupported JPEG: %s",
		    je.msg);
		goto out;
	}
	jpeg_create_decompress(&c);
	c.mem->max_memory_to_use = JPEG_MEM_MAX;
	pm.progress_monitor = jpeg_scan_limit;
	c.progress = &pm;
	jpeg_mem_src(&c, in, (unsigned long)len);
	if (jpeg_read_header(&c, TRUE) != JPEG_HEADER_OK) {
		err_set(e, ERR_BAD_REQUEST, "corrupt JPEG: no image");
		goto out;
	}
	if (check_dims(c.image_width, c.image_height, l, e) == -1)
		goto out;
	c.out_color_space = JCS_RGB;
	c.dct_method = JDCT_ISLOW;
	jpeg_start_decompress(&c);
	if (c.output_components != 3) {
		err_set(e, ERR_BAD_REQUEST, "unsupported JPEG colour space");
		goto out;
	}
	if ((row = malloc((size_t)c.output_width * 3)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (s->begin(s->arg, (int)c.output_width, (int)c.output_height,
	    e) == -1)
		goto out;
	for (y = 0; c.output_scanline < c.output_height; y++) {
		rp = row;
		if (jpeg_read_scanlines(&c, &rp, 1) != 1) {
			err_set(e, ERR_BAD_REQUEST, "corrupt JPEG: short read");
			goto out;
		}
		if (s->row(s->arg, row, y, e) == -1)
			goto out;
	}
	jpeg_finish_decompress(&c);
	ret = 0;
out:
	jpeg_destroy_decompress(&c);
	free(row);
	return ret;
}

/* ---- PNG: decoding ---- */

struct png_src {
	const unsigned char	*p;
	size_t			 len;
	size_t			 off;
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
	(void)png;	/* ancillary trouble (a bad iCCP ...): chunk dropped */
	(void)msg;
}

/* The size the IHDR claims, read before libpng sees the file, so that
 * an oversized image gets the dimension error rather than libpng's. */
static int
png_ihdr_size(const unsigned char *p, size_t n, unsigned long *w,
    unsigned long *h)
{
	if (n < 24 || memcmp(p + 12, "IHDR", 4) != 0)
		return -1;
	*w = (unsigned long)p[16] << 24 | (unsigned long)p[17] << 16 |
	    (unsigned long)p[18] << 8 | p[19];
	*h = (unsigned long)p[20] << 24 | (unsigned long)p[21] << 16 |
	    (unsigned long)p[22] << 8 | p[23];
	return 0;
}

/* RGBA on white, in place, to RGB. */
static void
composite_white(unsigned char *p, size_t w)
{
	size_t i, k;
	unsigned a;

	for (i = 0; i < w; i++) {
		a = p[4 * i + 3];
		for (k = 0; k < 3; k++)
			p[3 * i + k] = (unsigned char)((p[4 * i + k] * a +
			    255u * (255u - a) + 127u) / 255u);
	}
}

static int
decode_png(const unsigned char *in, size_t len, const struct limits *l,
    const struct sink *s, struct err *e)
{
	struct png_src src;
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *volatile row = NULL;
	unsigned char *volatile full = NULL;
	png_bytep *volatile rows = NULL;
	volatile int ret = -1;
	png_uint_32 w, h, y;
	unsigned long cw, ch;
	int depth, ctype, interlace, passes;

	memset(&src, 0, sizeof(src));
	src.p = in;
	src.len = len;
	if (png_ihdr_size(in, len, &cw, &ch) == 0 &&
	    check_dims(cw, ch, l, e) == -1)
		return -1;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_err,
	    png_warn);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (setjmp(png_jmpbuf(png))) {
		err_set(e, ERR_BAD_REQUEST, "corrupt or unsupported PNG: %s",
		    src.msg);
		goto out;
	}
	png_set_user_limits(png, (png_uint_32)l->max_side,
	    (png_uint_32)l->max_side);
	png_set_chunk_malloc_max(png, PNG_CHUNK_MAX);
	png_set_chunk_cache_max(png, 128);
	png_set_read_fn(png, &src, png_read_mem);
	png_read_info(png, info);
	png_get_IHDR(png, info, &w, &h, &depth, &ctype, &interlace, NULL,
	    NULL);
	if (check_dims(w, h, l, e) == -1)
		goto out;
	/* Whatever the colour type: 8-bit RGBA, then composited on white. */
	png_set_expand(png);
	png_set_scale_16(png);
	png_set_gray_to_rgb(png);
	png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
	passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if (png_get_rowbytes(png, info) != (size_t)w * 4) {
		err_set(e, ERR_BAD_REQUEST, "unsupported PNG layout");
		goto out;
	}
	if (s->begin(s->arg, (int)w, (int)h, e) == -1)
		goto out;
	if (passes > 1) {
		full = malloc((size_t)w * 4 * h);
		rows = calloc(h, sizeof(*rows));
		if (full == NULL || rows == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		for (y = 0; y < h; y++)
			rows[y] = full + (size_t)y * w * 4;
		png_read_image(png, rows);
		for (y = 0; y < h; y++) {
			composite_white(rows[y], w);
			if (s->row(s->arg, rows[y], (int)y, e) == -1)
				goto out;
		}
	} else {
		if ((row = malloc((size_t)w * 4)) == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		for (y = 0; y < h; y++) {
			png_read_row(png, row, NULL);
			composite_white(row, w);
			if (s->row(s->arg, row, (int)y, e) == -1)
				goto out;
		}
	}
	png_read_end(png, NULL);
	ret = 0;
out:
	if (png != NULL)
		png_destroy_read_struct(&png, info != NULL ? &info : NULL, NULL);
	free(row);
	free(rows);
	free(full);
	return ret;
}

static int
decode_rows(const unsigned char *in, size_t len, const struct limits *l,
    const struct sink *s, struct err *e)
{
	switch (image_sniff(in, len)) {
	case IMAGE_JPEG:
		return decode_jpeg(in, len, l, s, e);
	case IMAGE_PNG:
		return decode_png(in, len, l, s, e);
	default:
		return err_set(e, ERR_BAD_REQUEST, "not a JPEG or PNG image");
	}
}

/* ---- JPEG: encoding into a struct buf ---- */

struct jpeg_dst {
	struct jpeg_destination_mgr	 mgr;
	struct buf			*out;
	int				 overflow;
	unsigned char			 chunk[16384];
};

static void
dst_init(j_compress_ptr c)
{
	struct jpeg_dst *d = (struct jpeg_dst *)c->dest;

	d->mgr.next_output_byte = d->chunk;
	d->mgr.free_in_buffer = sizeof(d->chunk);
}

static boolean
dst_empty(j_compress_ptr c)
{
	struct jpeg_dst *d = (struct jpeg_dst *)c->dest;

	/* libjpeg expects the whole chunk written, whatever is left. */
	if (buf_add(d->out, d->chunk, sizeof(d->chunk)) == -1) {
		d->overflow = 1;
		ERREXIT(c, JERR_FILE_WRITE);
	}
	dst_init(c);
	return TRUE;
}

static void
dst_term(j_compress_ptr c)
{
	struct jpeg_dst *d = (struct jpeg_dst *)c->dest;

	if (buf_add(d->out, d->chunk, sizeof(d->chunk) -
	    d->mgr.free_in_buffer) == -1) {
		d->overflow = 1;
		ERREXIT(c, JERR_FILE_WRITE);
	}
}

struct enc {
	struct jpeg_compress_struct	 c;
	struct image_jpeg_err			 je;
	struct jpeg_dst			 dst;
	int				 created;
	size_t				 start_len;	/* out->len before */
};

static int
enc_fail(struct enc *x, struct err *e)
{
	if (x->dst.overflow)
		return err_set(e, ERR_INTERNAL, "re-encoded JPEG exceeds "
		    "%zu bytes", x->dst.out->max);
	return err_set(e, ERR_INTERNAL, "JPEG encoder: %s", x->je.msg);
}

static int
enc_begin(void *arg, int w, int h, struct err *e)
{
	struct enc *x = arg;

	if (setjmp(x->je.jb))
		return enc_fail(x, e);
	jpeg_create_compress(&x->c);
	x->created = 1;
	x->c.dest = &x->dst.mgr;
	x->dst.mgr.init_destination = dst_init;
	x->dst.mgr.empty_output_buffer = dst_empty;
	x->dst.mgr.term_destination = dst_term;
	x->c.image_width = (JDIMENSION)w;
	x->c.image_height = (JDIMENSION)h;
	x->c.input_components = 3;
	x->c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&x->c);
	jpeg_set_quality(&x->c, IMAGE_JPEG_QUALITY, TRUE);	/* baseline */
	x->c.optimize_coding = TRUE;
	x->c.dct_method = JDCT_ISLOW;
	/* JFIF APP0 (version, square pixels) is all the metadata written. */
	x->c.write_JFIF_header = TRUE;
	x->c.density_unit = 0;
	x->c.X_density = x->c.Y_density = 1;
	jpeg_start_compress(&x->c, TRUE);
	return 0;
}

static int
enc_row(void *arg, unsigned char *rgb, int y, struct err *e)
{
	struct enc *x = arg;
	JSAMPROW rp = rgb;

	(void)y;
	if (setjmp(x->je.jb))
		return enc_fail(x, e);
	if (jpeg_write_scanlines(&x->c, &rp, 1) != 1)
		return err_set(e, ERR_INTERNAL, "JPEG encoder stalled");
	return 0;
}

static int
enc_finish(struct enc *x, struct err *e)
{
	if (setjmp(x->je.jb))
		return enc_fail(x, e);
	jpeg_finish_compress(&x->c);
	return 0;
}

int
image_selfie_normalise(const unsigned char *in, size_t len, size_t max_bytes,
    struct buf *jpeg_out, int *w, int *h, struct err *e)
{
	struct enc *x;
	struct sink s;
	int ret = -1;

	if (len > max_bytes)
		return err_set(e, ERR_BODY_TOO_LARGE, "image is %zu bytes; "
		    "the limit is %zu", len, max_bytes);
	if (image_sniff(in, len) == IMAGE_UNKNOWN)
		return err_set(e, ERR_BAD_REQUEST, "not a JPEG or PNG image");
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	image_jpeg_err_setup(&x->je);
	x->c.err = &x->je.mgr;
	x->dst.out = jpeg_out;
	x->start_len = jpeg_out->len;
	s.begin = enc_begin;
	s.row = enc_row;
	s.arg = x;
	if (decode_rows(in, len, &selfie_limits, &s, e) == -1 ||
	    enc_finish(x, e) == -1)
		goto out;
	*w = (int)x->c.image_width;
	*h = (int)x->c.image_height;
	ret = 0;
out:
	if (x->created)
		jpeg_destroy_compress(&x->c);
	if (ret == -1)
		jpeg_out->len = x->start_len;	/* nothing half-written */
	free(x);
	return ret;
}

/* ---- grayscale thumbnails ---- */

/*
 * Area averaging with exact overlaps in integers: in units where a
 * source pixel is `size` wide, thumbnail cell ox spans [ox*W, ox*W+W)
 * and source pixel x spans [x*size, x*size+size). Each cell is covered
 * exactly W (and, vertically, H) units, so the mean is the
 * overlap-weighted sum divided by W*H, whatever the ratio of the sizes.
 */
struct thumb {
	int		 size;
	long		 w, h;
	double		*acc;		/* size * size */
	double		*rowacc;	/* size */
};

static long
overlap(long a0, long a1, long b0, long b1)
{
	long lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

	return hi > lo ? hi - lo : 0;
}

static int
thumb_begin(void *arg, int w, int h, struct err *e)
{
	struct thumb *t = arg;

	(void)e;
	t->w = w;
	t->h = h;
	return 0;
}

static int
thumb_row(void *arg, unsigned char *rgb, int y, struct err *e)
{
	struct thumb *t = arg;
	long n = t->size, x, ox, oy, ox1, oy1, ov;
	double g;

	(void)e;
	memset(t->rowacc, 0, (size_t)n * sizeof(double));
	for (x = 0; x < t->w; x++) {
		g = 0.299 * rgb[3 * x] + 0.587 * rgb[3 * x + 1] +
		    0.114 * rgb[3 * x + 2];
		ox1 = ((x + 1) * n - 1) / t->w;
		for (ox = x * n / t->w; ox <= ox1; ox++) {
			ov = overlap(x * n, x * n + n, ox * t->w,
			    ox * t->w + t->w);
			t->rowacc[ox] += g * (double)ov;
		}
	}
	oy1 = ((long)(y + 1) * n - 1) / t->h;
	for (oy = (long)y * n / t->h; oy <= oy1; oy++) {
		ov = overlap((long)y * n, (long)y * n + n, oy * t->h,
		    oy * t->h + t->h);
		for (ox = 0; ox < n; ox++)
			t->acc[oy * n + ox] += t->rowacc[ox] * (double)ov;
	}
	return 0;
}

int
image_decode_gray(const unsigned char *in, size_t len, int size,
    unsigned char *out, struct err *e)
{
	struct thumb t;
	struct sink s;
	double v;
	size_t i, n;
	int ret = -1;

	if (size < 1 || size > 1024)
		return err_set(e, ERR_INTERNAL, "thumbnail size %d", size);
	n = (size_t)size * (size_t)size;
	memset(&t, 0, sizeof(t));
	t.size = size;
	t.acc = calloc(n, sizeof(double));
	t.rowacc = calloc((size_t)size, sizeof(double));
	if (t.acc == NULL || t.rowacc == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	s.begin = thumb_begin;
	s.row = thumb_row;
	s.arg = &t;
	if (decode_rows(in, len, &any_limits, &s, e) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		v = num_floor(t.acc[i] / ((double)t.w * (double)t.h) + 0.5);
		out[i] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
	}
	ret = 0;
out:
	free(t.acc);
	free(t.rowacc);
	return ret;
}

/*
 * Mean of the (2k+1) x (2k+1) window around each pixel of a size x size
 * image, the window clipped at the edges, from a summed-area table.
 */
static void
box_mean(const double *sat, int size, int k, double *out)
{
	int x, y, x0, x1, y0, y1;
	double s;
	long n1 = size + 1;

	for (y = 0; y < size; y++) {
		y0 = y - k < 0 ? 0 : y - k;
		y1 = y + k + 1 > size ? size : y + k + 1;
		for (x = 0; x < size; x++) {
			x0 = x - k < 0 ? 0 : x - k;
			x1 = x + k + 1 > size ? size : x + k + 1;
			s = sat[y1 * n1 + x1] - sat[y0 * n1 + x1] -
			    sat[y1 * n1 + x0] + sat[y0 * n1 + x0];
			out[y * size + x] = s / ((double)(x1 - x0) *
			    (double)(y1 - y0));
		}
	}
}

/* 3x3 mean minus 13x13 mean: keeps the shapes, drops the layout. */
static int
band_pass(const unsigned char *t, int size, double *out)
{
	double *sat, *wide;
	long n1 = size + 1;
	int x, y;

	sat = calloc((size_t)n1 * (size_t)n1, sizeof(double));
	wide = calloc((size_t)size * (size_t)size, sizeof(double));
	if (sat == NULL || wide == NULL) {
		free(sat);
		free(wide);
		return -1;
	}
	for (y = 0; y < size; y++)
		for (x = 0; x < size; x++)
			sat[(y + 1) * n1 + x + 1] = t[y * size + x] +
			    sat[y * n1 + x + 1] + sat[(y + 1) * n1 + x] -
			    sat[y * n1 + x];
	box_mean(sat, size, IMAGE_BAND_NARROW, out);
	box_mean(sat, size, IMAGE_BAND_WIDE, wide);
	for (x = 0; x < size * size; x++)
		out[x] -= wide[x];
	free(sat);
	free(wide);
	return 0;
}

double
image_gray_similarity(const unsigned char *ta, const unsigned char *tb,
    int size)
{
	double *a = NULL, *b = NULL;
	double ma = 0, mb = 0, va = 0, vb = 0, cov = 0, da, db, r = 0;
	size_t i, n;

	if (size < 1 || size > 1024)
		return 0;
	n = (size_t)size * (size_t)size;
	a = calloc(n, sizeof(double));
	b = calloc(n, sizeof(double));
	if (a == NULL || b == NULL || band_pass(ta, size, a) == -1 ||
	    band_pass(tb, size, b) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		ma += a[i];
		mb += b[i];
	}
	ma /= (double)n;
	mb /= (double)n;
	for (i = 0; i < n; i++) {
		da = a[i] - ma;
		db = b[i] - mb;
		va += da * da;
		vb += db * db;
		cov += da * db;
	}
	/* A flat image has no shapes to compare: it matches nothing. */
	if (va > 1e-9 && vb > 1e-9)
		r = cov / (num_sqrt(va) * num_sqrt(vb));
	r = r < 0 ? 0 : r > 1 ? 1 : r;
out:
	free(a);
	free(b);
	return r;
}

double
image_face_similarity(const unsigned char *a, size_t alen,
    const unsigned char *b, size_t blen, struct err *e)
{
	unsigned char ta[IMAGE_FACE_SIZE * IMAGE_FACE_SIZE];
	unsigned char tb[IMAGE_FACE_SIZE * IMAGE_FACE_SIZE];

	if (image_decode_gray(a, alen, IMAGE_FACE_SIZE, ta, e) == -1 ||
	    image_decode_gray(b, blen, IMAGE_FACE_SIZE, tb, e) == -1)
		return -1;
	return image_gray_similarity(ta, tb, IMAGE_FACE_SIZE);
}

/* ---- synthetic faces ---- */

struct rng {
	uint64_t	 s;
};

static void
rng_seed(struct rng *r, uint64_t seed)
{
	/* splitmix64: spreads small seeds over the state, never zero. */
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	r->s = z ^ (z >> 31);
	if (r->s == 0)
		r->s = 0x2545f4914f6cdd1dULL;
}

static uint64_t
rng_next(struct rng *r)
{
	/* xorshift64* (Vigna 2016). */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double
rng_range(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_unit(r);
}

/* A random unit vector (polar method: no trigonometry). */
static void
rng_direction(struct rng *r, double *dx, double *dy)
{
	double x, y, n;

	do {
		x = rng_range(r, -1, 1);
		y = rng_range(r, -1, 1);
		n = x * x + y * y;
	} while (n < 0.01 || n > 1);
	n = num_sqrt(n);
	*dx = x / n;
	*dy = y / n;
}

/* A smooth wave of period 1: 1 at whole numbers, 0 half-way. */
static double
wave(double t)
{
	double x = 2 * num_abs(t - num_floor(t) - 0.5);

	return x * x * (3 - 2 * x);
}

struct rgb {
	double	 r, g, b;
};

static struct rgb
rgb_rand(struct rng *r, double lo, double hi)
{
	struct rgb c;

	c.r = rng_range(r, lo, hi);
	c.g = rng_range(r, lo, hi);
	c.b = rng_range(r, lo, hi);
	return c;
}

static struct rgb
rgb_jitter(struct rng *r, struct rgb c, double amount)
{
	c.r += rng_range(r, -amount, amount);
	c.g += rng_range(r, -amount, amount);
	c.b += rng_range(r, -amount, amount);
	return c;
}

static struct rgb
rgb_scale(struct rgb c, double k)
{
	c.r *= k;
	c.g *= k;
	c.b *= k;
	return c;
}

static struct rgb
rgb_mix(struct rgb a, struct rgb b, double t)
{
	a.r += (b.r - a.r) * t;
	a.g += (b.g - a.g) * t;
	a.b += (b.b - a.b) * t;
	return a;
}

#define NBLOBS	6
/* Shapes are drawn for a 3:4 portrait (height / width); other frames
 * stretch them. */
#define FACE_AR	(4.0 / 3.0)

struct face {
	/* background */
	struct rgb	 bg0, bg1, stripe;
	double		 bg_dx, bg_dy;		/* gradient direction */
	double		 st_fx, st_fy, st_phase, st_amp;	/* cycles */
	double		 blob_x[NBLOBS], blob_y[NBLOBS], blob_r[NBLOBS];
	struct rgb	 blob_c[NBLOBS];
	/* head and body */
	double		 cx, cy, rx, ry;
	struct rgb	 skin, body, hair, lips, iris, brow;
	double		 body_rx, body_ry, body_cy;
	int		 hijab, hair_style, glasses, smile;
	double		 hairline, hair_len;
	double		 eye_dx, eye_dy, eye_rx, eye_ry;
	double		 brow_dy, brow_th, brow_tilt;
	double		 nose_len, nose_w;
	double		 mouth_dy, mouth_rx, mouth_ry;
};

static void
face_draw_params(struct face *f, struct rng *r)
{
	static const struct rgb skins[] = {
		{ 241, 194, 155 }, { 224, 172, 125 }, { 198, 140, 100 },
		{ 171, 118, 80 }, { 141, 92, 60 }, { 110, 72, 48 },
	};
	static const struct rgb bodies[] = {
		{ 245, 245, 245 }, { 190, 170, 120 }, { 120, 85, 55 },
		{ 35, 45, 90 }, { 20, 20, 25 }, { 150, 30, 40 },
	};
	static const struct rgb hairs[] = {
		{ 15, 12, 10 }, { 40, 28, 20 }, { 75, 50, 30 },
		{ 120, 115, 110 }, { 25, 25, 30 },
	};
	double a;
	int i;

	f->bg0 = rgb_rand(r, 10, 245);
	f->bg1 = rgb_rand(r, 10, 245);
	rng_direction(r, &f->bg_dx, &f->bg_dy);
	f->stripe = rgb_rand(r, 0, 255);
	f->st_amp = rng_range(r, 0.2, 0.7);
	rng_direction(r, &f->st_fx, &f->st_fy);
	a = rng_range(r, 1.5, 6);	/* stripes across the frame */
	f->st_fx *= a;
	f->st_fy *= a;
	f->st_phase = rng_range(r, 0, 1);
	for (i = 0; i < NBLOBS; i++) {
		f->blob_x[i] = rng_range(r, -0.1, 1.1);
		f->blob_y[i] = rng_range(r, -0.1, 1.1);
		f->blob_r[i] = rng_range(r, 0.08, 0.35);
		f->blob_c[i] = rgb_rand(r, 0, 255);
	}

	f->cx = rng_range(r, 0.3, 0.7);
	f->cy = rng_range(r, 0.33, 0.58);
	f->rx = rng_range(r, 0.14, 0.3);
	f->ry = f->rx * rng_range(r, 1.1, 1.35);
	f->skin = rgb_jitter(r, skins[rng_next(r) % 6], 12);
	f->body = rgb_jitter(r, bodies[rng_next(r) % 6], 20);
	f->hair = rgb_jitter(r, hairs[rng_next(r) % 5], 8);
	f->brow = rgb_scale(f->hair, rng_range(r, 0.8, 1.1));
	f->lips = rgb_jitter(r, (struct rgb){ 170, 80, 80 }, 25);
	f->iris = rgb_jitter(r, (struct rgb){ 60, 40, 25 }, 20);
	f->body_rx = rng_range(r, 0.35, 0.6);
	f->body_ry = rng_range(r, 0.25, 0.4);
	f->body_cy = f->cy + (f->ry * rng_range(r, 1.5, 2.2) +
	    f->body_ry * 0.5) / FACE_AR;
	f->hijab = rng_unit(r) < 0.3;
	a = rng_unit(r);	/* 0 short, 1 none, 2 long */
	f->hair_style = a < 0.15 ? 1 : a < 0.6 ? 0 : 2;
	f->hairline = rng_range(r, 0.25, 0.6);
	f->hair_len = rng_range(r, 0.3, 1.6);
	f->glasses = rng_unit(r) < 0.25;
	f->smile = rng_unit(r) < 0.6;
	f->eye_dx = rng_range(r, 0.3, 0.45);
	f->eye_dy = rng_range(r, 0.02, 0.22);
	f->eye_rx = rng_range(r, 0.12, 0.2);
	f->eye_ry = rng_range(r, 0.05, 0.09);
	f->brow_dy = rng_range(r, 0.12, 0.2);
	f->brow_th = rng_range(r, 0.025, 0.06);
	f->brow_tilt = rng_range(r, -0.3, 0.3);
	f->nose_len = rng_range(r, 0.25, 0.45);
	f->nose_w = rng_range(r, 0.05, 0.1);
	f->mouth_dy = rng_range(r, 0.45, 0.62);
	f->mouth_rx = rng_range(r, 0.22, 0.4);
	f->mouth_ry = rng_range(r, 0.04, 0.1);
}

/* Inside the ellipse centred (cx, cy) with radii (rx, ry): < 1. */
static double
ell(double u, double v, double cx, double cy, double rx, double ry)
{
	double a = (u - cx) / rx, b = (v - cy) / ry;

	return a * a + b * b;
}

/*
 * The colour at (u, v), both 0..1 over the frame. Radii are drawn in
 * units of the frame's width; a vertical radius is divided by ar (the
 * nominal height / width) to become a fraction of the height.
 */
static struct rgb
face_shade(const struct face *f, double u, double v, double ar)
{
	struct rgb c;
	double t, d, rx = f->rx, ry = f->ry / ar;
	double ex, ey, side, fu, fv;
	int i;

	/* background */
	t = 0.5 + 0.5 * ((u - 0.5) * f->bg_dx + (v - 0.5) * f->bg_dy) * 1.4;
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	c = rgb_mix(f->bg0, f->bg1, t);
	t = f->st_amp * wave(u * f->st_fx + v * f->st_fy + f->st_phase);
	c = rgb_mix(c, f->stripe, t);
	for (i = 0; i < NBLOBS; i++) {
		d = ell(u, v, f->blob_x[i], f->blob_y[i], f->blob_r[i],
		    f->blob_r[i] / ar);
		if (d < 1)
			c = rgb_mix(c, f->blob_c[i], 0.9 * (1 - d * d));
	}
	/* long hair behind the head */
	if (!f->hijab && f->hair_style == 2 &&
	    ell(u, v, f->cx, f->cy + ry * 0.2, rx * 1.3, ry * 1.25) < 1 &&
	    v < f->cy + ry * f->hair_len)
		c = f->hair;
	/* neck and shoulders */
	if (num_abs(u - f->cx) < rx * 0.45 && v > f->cy && v < f->body_cy)
		c = rgb_scale(f->skin, 0.88);
	if (ell(u, v, f->cx, f->body_cy, f->body_rx, f->body_ry / ar) < 1)
		c = f->body;
	/* hijab: cloth around the face and down to the shoulders */
	if (f->hijab && (ell(u, v, f->cx, f->cy + ry * 0.1, rx * 1.35,
	    ry * 1.3) < 1 || (v > f->cy && v < f->body_cy &&
	    num_abs(u - f->cx) < rx * (1.2 + (v - f->cy) / ry * 0.4))))
		c = rgb_mix(f->body, f->hair, 0.3);
	/* ears */
	if (!f->hijab && (ell(u, v, f->cx - rx * 0.98, f->cy, rx * 0.13,
	    ry * 0.16) < 1 || ell(u, v, f->cx + rx * 0.98, f->cy, rx * 0.13,
	    ry * 0.16) < 1))
		c = rgb_scale(f->skin, 0.93);
	/* hair on top */
	if (!f->hijab && f->hair_style != 1 &&
	    ell(u, v, f->cx, f->cy - ry * 0.08, rx * 1.1, ry * 1.08) < 1 &&
	    v < f->cy - ry * f->hairline)
		c = f->hair;
	/* the face, a little darker towards its edge */
	d = ell(u, v, f->cx, f->cy, rx, ry);
	if (d < 1 && !(!f->hijab && f->hair_style != 1 &&
	    v < f->cy - ry * (f->hairline + 0.25)))
		c = rgb_scale(f->skin, 1.0 - 0.18 * d * d);
	if (d >= 1)
		return c;
	fu = (u - f->cx) / rx;		/* -1..1 across the face */
	fv = (v - f->cy) / ry;		/* -1..1 down the face */
	/* brows */
	for (side = -1; side <= 1; side += 2) {
		ex = side * f->eye_dx;
		ey = -f->eye_dy - f->brow_dy + f->brow_tilt * side *
		    (fu - ex) * 0.5;
		if (num_abs(fu - ex) < f->eye_rx * 1.2 &&
		    num_abs(fv - ey) < f->brow_th)
			c = f->brow;
	}
	/* eyes: white, iris, pupil */
	for (side = -1; side <= 1; side += 2) {
		ex = side * f->eye_dx;
		ey = -f->eye_dy;
		d = ell(fu, fv, ex, ey, f->eye_rx, f->eye_ry);
		if (d < 1) {
			c = (struct rgb){ 240, 240, 235 };
			if (ell(fu, fv, ex, ey, f->eye_ry * 1.1,
			    f->eye_ry * 1.1) < 1)
				c = f->iris;
			if (ell(fu, fv, ex, ey, f->eye_ry * 0.45,
			    f->eye_ry * 0.45) < 1)
				c = (struct rgb){ 10, 10, 10 };
		}
		if (f->glasses) {
			d = ell(fu, fv, ex, ey, f->eye_rx * 1.6,
			    f->eye_rx * 1.3);
			if (d > 0.8 && d < 1)
				c = (struct rgb){ 20, 20, 20 };
		}
	}
	if (f->glasses && num_abs(fv + f->eye_dy) < 0.02 &&
	    num_abs(fu) < f->eye_dx - f->eye_rx * 1.5)
		c = (struct rgb){ 20, 20, 20 };
	/* nose: a shadow down the middle, nostrils at its foot */
	if (fv > -f->eye_dy && fv < -f->eye_dy + f->nose_len &&
	    num_abs(fu - 0.03) < f->nose_w * 0.4)
		c = rgb_scale(c, 0.9);
	if (ell(fu, fv, 0, -f->eye_dy + f->nose_len, f->nose_w * 1.6,
	    0.05) < 1)
		c = rgb_scale(f->skin, 0.72);
	/* mouth, curved when smiling */
	ey = f->mouth_dy - (f->smile ? 0.25 * fu * fu : 0);
	if (ell(fu, fv, 0, ey, f->mouth_rx, f->mouth_ry) < 1)
		c = f->lips;
	return c;
}

static unsigned char
clamp8(double v)
{
	if (v <= 0)
		return 0;
	v = num_floor(v + 0.5);
	return (unsigned char)(v > 255 ? 255 : v);
}

struct png_dst {
	struct buf	*out;
	char		 msg[160];
};

static void
png_write_mem(png_structp png, png_bytep p, size_t n)
{
	struct png_dst *d = png_get_io_ptr(png);

	if (buf_add(d->out, p, n) == -1)
		png_error(png, "output exceeds its cap");
}

static void
png_flush_mem(png_structp png)
{
	(void)png;
}

static void
png_werr(png_structp png, png_const_charp msg)
{
	struct png_dst *d = png_get_error_ptr(png);

	snprintf(d->msg, sizeof(d->msg), "%s", msg);
	png_longjmp(png, 1);
}

int
image_face_generate(unsigned long seed, int w, int h, struct buf *png_out,
    struct err *e)
{
	struct face f;
	struct rng r;
	struct png_dst d;
	struct rgb c;
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *volatile row = NULL;
	volatile int ret = -1;
	size_t start = png_out->len;
	double ar;
	int x, y;

	if (w < IMAGE_GEN_MIN_SIDE || h < IMAGE_GEN_MIN_SIDE ||
	    w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE)
		return err_set(e, ERR_BAD_REQUEST, "face size %dx%d: each side "
		    "%d to %d", w, h, IMAGE_GEN_MIN_SIDE, IMAGE_MAX_SIDE);
	memset(&f, 0, sizeof(f));
	rng_seed(&r, (uint64_t)seed);
	face_draw_params(&f, &r);
	ar = FACE_AR;
	memset(&d, 0, sizeof(d));
	d.out = png_out;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &d, png_werr,
	    png_warn);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (setjmp(png_jmpbuf(png))) {
		err_set(e, ERR_INTERNAL, "PNG encoder: %s", d.msg);
		goto out;
	}
	if ((row = malloc((size_t)w * 3)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	png_set_write_fn(png, &d, png_write_mem, png_flush_mem);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
	    PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	    PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			c = face_shade(&f, (x + 0.5) / w, (y + 0.5) / h, ar);
			row[3 * x] = clamp8(c.r);
			row[3 * x + 1] = clamp8(c.g);
			row[3 * x + 2] = clamp8(c.b);
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	ret = 0;
out:
	if (png != NULL)
		png_destroy_write_struct(&png, info != NULL ? &info : NULL);
	free(row);
	if (ret == -1)
		png_out->len = start;
	return ret;
}
