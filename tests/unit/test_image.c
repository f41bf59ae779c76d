/*
 * test_image.c - selfies (image.c): what image_selfie_normalise accepts
 * and refuses, that its JPEG is clean (checked by walking the marker
 * segments and by decoding it with libjpeg), the face comparison's
 * promises, and the generator's determinism. Corrupted files are fed
 * through both decoders so that the sanitizer build sees every longjmp
 * path.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "image.h"
#include "unit.h"

#define MAX_BYTES	(2u << 20)

static void
gen(unsigned long seed, int w, int h, struct buf *b)
{
	struct err e = { 0 };

	buf_init(b, 16u << 20);
	if (image_face_generate(seed, w, h, b, &e) == -1)
		fail_msg("image_face_generate: %s", e.detail);
}

static void
normalise_ok(const struct buf *in, struct buf *out, int *w, int *h)
{
	struct err e = { 0 };

	buf_init(out, 16u << 20);
	if (image_selfie_normalise(in->data, in->len, MAX_BYTES, out, w, h,
	    &e) == -1)
		fail_msg("image_selfie_normalise: %s", e.detail);
}

/* Refused with this code; detail contains want; out left untouched. */
static void
refused(const unsigned char *p, size_t n, size_t max, enum err_code code,
    const char *want)
{
	struct buf out;
	struct err e = { 0 };
	int w = -1, h = -1;

	buf_init(&out, 16u << 20);
	assert_int_equal(buf_addstr(&out, "keep"), 0);
	assert_int_equal(image_selfie_normalise(p, n, max, &out, &w, &h, &e),
	    -1);
	if (e.code != code || strstr(e.detail, want) == NULL)
		fail_msg("wanted %s '%s', got %s '%s'", err_info(code)->name,
		    want, err_info(e.code)->name, e.detail);
	assert_int_equal(out.len, 4);
	assert_int_equal(w, -1);
	buf_cleanup(&out);
}

/* ---- a libjpeg decoder of our own, to check the output ---- */

struct tjerr {
	struct jpeg_error_mgr	 mgr;
	jmp_buf			 jb;
};

static void
tj_exit(j_common_ptr c)
{
	longjmp(((struct tjerr *)c->err)->jb, 1);
}

/* Decodes fully; pixel (x, y) into rgb[3] when rgb != NULL. */
static int
jpeg_check(const struct buf *b, int *w, int *h, int x, int y,
    unsigned char *rgb)
{
	struct jpeg_decompress_struct c;
	struct tjerr je;
	unsigned char *volatile row = NULL;
	volatile int ret = -1;
	JSAMPROW rp;

	memset(&c, 0, sizeof(c));
	c.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = tj_exit;
	if (setjmp(je.jb))
		goto out;
	jpeg_create_decompress(&c);
	jpeg_mem_src(&c, b->data, (unsigned long)b->len);
	jpeg_read_header(&c, TRUE);
	c.out_color_space = JCS_RGB;
	jpeg_start_decompress(&c);
	row = malloc((size_t)c.output_width * 3);
	while (c.output_scanline < c.output_height) {
		rp = row;
		jpeg_read_scanlines(&c, &rp, 1);
		if (rgb != NULL && (int)c.output_scanline - 1 == y)
			memcpy(rgb, row + 3 * x, 3);
	}
	*w = (int)c.output_width;
	*h = (int)c.output_height;
	jpeg_finish_decompress(&c);
	ret = je.mgr.num_warnings == 0 ? 0 : -1;
out:
	jpeg_destroy_decompress(&c);
	free(row);
	return ret;
}

/*
 * Walks the marker segments up to SOS: a baseline SOF0, and no APPn
 * other than JFIF APP0, no COM. Returns 0 when clean.
 */
static int
jpeg_markers_clean(const struct buf *b)
{
	size_t i = 2, seglen;
	int m, sof0 = 0;

	if (b->len < 4 || b->data[0] != 0xff || b->data[1] != 0xd8)
		return -1;
	while (i + 4 <= b->len) {
		if (b->data[i] != 0xff)
			return -1;
		m = b->data[i + 1];
		seglen = (size_t)b->data[i + 2] << 8 | b->data[i + 3];
		if (m == 0xda)
			return sof0 ? 0 : -1;
		if (m == 0xc0)
			sof0 = 1;
		else if (m == 0xe0) {
			if (seglen < 7 || memcmp(b->data + i + 4, "JFIF", 5))
				return -1;
		} else if ((m >= 0xe1 && m <= 0xef) || m == 0xfe ||
		    (m >= 0xc1 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
		    m != 0xcc))
			return -1;
		i += 2 + seglen;
	}
	return -1;
}

static int
has_marker(const struct buf *b, int marker)
{
	size_t i;

	for (i = 0; i + 1 < b->len; i++)
		if (b->data[i] == 0xff && b->data[i + 1] == marker)
			return 1;
	return 0;
}

/* ---- PNG writing in any colour type ---- */

struct tpng {
	struct buf	*out;
};

static void
tpng_write(png_structp png, png_bytep p, size_t n)
{
	struct tpng *t = png_get_io_ptr(png);

	if (buf_add(t->out, p, n) == -1)
		png_error(png, "full");
}

static void
tpng_flush(png_structp png)
{
	(void)png;
}

/* A w x h PNG; pixel value from fn(x, y, channel) for bytes per pixel bpp. */
static void
png_make(struct buf *out, int w, int h, int ctype, int depth, int bpp,
    int interlace, unsigned char (*fn)(int, int, int))
{
	png_structp png;
	png_infop info;
	png_color pal[4] = { { 0, 0, 0 }, { 255, 0, 0 }, { 0, 255, 0 },
	    { 40, 40, 200 } };
	unsigned char *img;
	png_bytep *rows;
	struct tpng t;
	int x, y, k;

	buf_init(out, 16u << 20);
	t.out = out;
	img = malloc((size_t)w * (size_t)h * (size_t)bpp);
	rows = malloc((size_t)h * sizeof(*rows));
	assert_non_null(img);
	assert_non_null(rows);
	for (y = 0; y < h; y++) {
		rows[y] = img + (size_t)y * (size_t)w * (size_t)bpp;
		for (x = 0; x < w; x++)
			for (k = 0; k < bpp; k++)
				rows[y][x * bpp + k] = fn(x, y, k);
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	assert_non_null(info);
	if (setjmp(png_jmpbuf(png)))
		fail_msg("libpng failed writing the test image");
	png_set_write_fn(png, &t, tpng_write, tpng_flush);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, ctype,
	    interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (ctype == PNG_COLOR_TYPE_PALETTE)
		png_set_PLTE(png, info, pal, 4);
	png_write_info(png, info);
	png_write_image(png, rows);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(rows);
	free(img);
}

/* RGBA: transparent left half, opaque blue stripes on the right. */
static unsigned char
px_rgba(int x, int y, int k)
{
	if (k == 3)
		return x < 320 ? 0 : 255;
	if (x < 320)
		return 0;	/* black, but fully transparent */
	return (unsigned char)(k == 2 ? 200 : (y / 20) % 2 ? 30 : 90);
}

/* 16-bit gray: a gradient (two bytes per sample, big-endian). */
static unsigned char
px_gray16(int x, int y, int k)
{
	return (unsigned char)(k == 0 ? (x + y) / 6 : x);
}

static unsigned char
px_palette(int x, int y, int k)
{
	(void)k;
	return (unsigned char)((x / 40 + y / 40) % 4);
}

static unsigned long
crc32_png(const unsigned char *p, size_t n)
{
	unsigned long c = 0xffffffffUL;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320UL ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffUL;
}

static void
put32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* ---- tests ---- */

static void
png_600x800_becomes_clean_jpeg(void **state)
{
	struct buf png, jpg;
	int w, h, dw, dh;

	(void)state;
	gen(7, 600, 800, &png);
	assert_int_equal(image_sniff(png.data, png.len), IMAGE_PNG);
	normalise_ok(&png, &jpg, &w, &h);
	assert_int_equal(w, 600);
	assert_int_equal(h, 800);
	assert_int_equal(image_sniff(jpg.data, jpg.len), IMAGE_JPEG);
	assert_int_equal(jpeg_check(&jpg, &dw, &dh, 0, 0, NULL), 0);
	assert_int_equal(dw, 600);
	assert_int_equal(dh, 800);
	assert_int_equal(jpeg_markers_clean(&jpg), 0);
	buf_cleanup(&png);
	buf_cleanup(&jpg);
}

static void
jpeg_with_exif_icc_comment_is_stripped(void **state)
{
	static const unsigned char app1[] = {
		0xff, 0xe1, 0x00, 0x1e, 'E', 'x', 'i', 'f', 0, 0,
		'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0,
		0, 1, 0, 6, 0, 0
	};
	static const unsigned char app2[] = {
		0xff, 0xe2, 0x00, 0x10, 'I', 'C', 'C', '_', 'P', 'R', 'O',
		'F', 'I', 'L', 'E', 0, 1, 1
	};
	static const unsigned char com[] = {
		0xff, 0xfe, 0x00, 0x0c, 'G', 'P', 'S', ' ', '-', '6', '.',
		'2', ' ', '1'
	};
	struct buf png, jpg, exif, out;
	int w, h, dw, dh;

	(void)state;
	gen(8, 640, 480, &png);
	normalise_ok(&png, &jpg, &w, &h);
	buf_init(&exif, 16u << 20);
	assert_int_equal(buf_add(&exif, jpg.data, 2), 0);	/* SOI */
	assert_int_equal(buf_add(&exif, app1, sizeof(app1)), 0);
	assert_int_equal(buf_add(&exif, app2, sizeof(app2)), 0);
	assert_int_equal(buf_add(&exif, com, sizeof(com)), 0);
	assert_int_equal(buf_add(&exif, jpg.data + 2, jpg.len - 2), 0);
	/* The crafted input is a valid JPEG that carries them. */
	assert_int_equal(jpeg_check(&exif, &dw, &dh, 0, 0, NULL), 0);
	assert_int_not_equal(jpeg_markers_clean(&exif), 0);
	assert_true(has_marker(&exif, 0xe1));
	normalise_ok(&exif, &out, &w, &h);
	assert_int_equal(w, 640);
	assert_int_equal(h, 480);
	assert_int_equal(jpeg_markers_clean(&out), 0);
	assert_null(memmem(out.data, out.len, "Exif", 4));
	assert_null(memmem(out.data, out.len, "ICC_PROFILE", 11));
	assert_null(memmem(out.data, out.len, "GPS", 3));
	assert_int_equal(jpeg_check(&out, &dw, &dh, 0, 0, NULL), 0);
	assert_int_equal(dw, 640);
	assert_int_equal(dh, 480);
	buf_cleanup(&png);
	buf_cleanup(&jpg);
	buf_cleanup(&exif);
	buf_cleanup(&out);
}

static void
png_alpha_gray16_palette_interlaced(void **state)
{
	struct buf png, jpg;
	unsigned char rgb[3];
	int w, h, dw, dh;

	(void)state;
	/* Transparent pixels come out white, opaque ones keep their colour. */
	png_make(&png, 640, 480, PNG_COLOR_TYPE_RGB_ALPHA, 8, 4,
	    PNG_INTERLACE_NONE, px_rgba);
	normalise_ok(&png, &jpg, &w, &h);
	assert_int_equal(jpeg_check(&jpg, &dw, &dh, 100, 200, rgb), 0);
	assert_true(rgb[0] > 245 && rgb[1] > 245 && rgb[2] > 245);
	assert_int_equal(jpeg_check(&jpg, &dw, &dh, 500, 200, rgb), 0);
	assert_true(rgb[2] > 170 && rgb[0] < 120);
	buf_cleanup(&png);
	buf_cleanup(&jpg);

	png_make(&png, 480, 640, PNG_COLOR_TYPE_GRAY, 16, 2,
	    PNG_INTERLACE_NONE, px_gray16);
	normalise_ok(&png, &jpg, &w, &h);
	assert_int_equal(w, 480);
	assert_int_equal(h, 640);
	assert_int_equal(jpeg_markers_clean(&jpg), 0);
	buf_cleanup(&png);
	buf_cleanup(&jpg);

	png_make(&png, 640, 640, PNG_COLOR_TYPE_PALETTE, 8, 1,
	    PNG_INTERLACE_ADAM7, px_palette);
	normalise_ok(&png, &jpg, &w, &h);
	/* Palette entry 3 at (140, 20): (40, 40, 200) after JPEG. */
	assert_int_equal(jpeg_check(&jpg, &dw, &dh, 140, 20, rgb), 0);
	assert_true(rgb[2] > 170 && rgb[0] < 80 && rgb[1] < 80);
	buf_cleanup(&png);
	buf_cleanup(&jpg);
}

static void
refuses_non_images_and_broken_files(void **state)
{
	static const char text[] = "GIF89a is not welcome, nor is text";
	struct buf png, jpg;
	int w, h;

	(void)state;
	refused((const unsigned char *)text, sizeof(text), MAX_BYTES,
	    ERR_BAD_REQUEST, "not a JPEG or PNG");
	refused((const unsigned char *)"", 0, MAX_BYTES, ERR_BAD_REQUEST,
	    "not a JPEG or PNG");
	gen(9, 600, 800, &png);
	refused(png.data, png.len / 2, MAX_BYTES, ERR_BAD_REQUEST,
	    "corrupt or unsupported PNG");
	refused(png.data, 40, MAX_BYTES, ERR_BAD_REQUEST, "PNG");
	normalise_ok(&png, &jpg, &w, &h);
	refused(jpg.data, jpg.len / 2, MAX_BYTES, ERR_BAD_REQUEST,
	    "corrupt or unsupported JPEG");
	refused(jpg.data, jpg.len - 2, MAX_BYTES, ERR_BAD_REQUEST, "JPEG");
	refused(jpg.data, 3, MAX_BYTES, ERR_BAD_REQUEST, "JPEG");
	/* One byte over the limit; the limit itself passes. */
	refused(png.data, png.len, png.len - 1, ERR_BODY_TOO_LARGE, "limit");
	buf_cleanup(&jpg);
	buf_init(&jpg, 16u << 20);
	assert_int_equal(image_selfie_normalise(png.data, png.len, png.len,
	    &jpg, &w, &h, &(struct err){ 0 }), 0);
	buf_cleanup(&png);
	buf_cleanup(&jpg);
}

static void
refuses_dimensions(void **state)
{
	struct buf png, jpg;
	size_t i;
	int w, h;

	(void)state;
	gen(10, 100, 100, &png);
	refused(png.data, png.len, MAX_BYTES, ERR_BAD_REQUEST, "100x100");
	buf_cleanup(&png);
	gen(10, 480, 480, &png);	/* both sides fine, but square */
	refused(png.data, png.len, MAX_BYTES, ERR_BAD_REQUEST, "480x480");
	buf_cleanup(&png);
	gen(10, 479, 640, &png);
	refused(png.data, png.len, MAX_BYTES, ERR_BAD_REQUEST, "479x640");
	buf_cleanup(&png);

	/* A small PNG whose IHDR (CRC fixed) claims 5000x5000: refused
	 * from the header, before 75 MB of pixels could be allocated. */
	gen(11, 480, 640, &png);
	put32(png.data + 16, 5000);
	put32(png.data + 20, 5000);
	put32(png.data + 29, crc32_png(png.data + 12, 17));
	refused(png.data, png.len, MAX_BYTES, ERR_BAD_REQUEST, "5000x5000");
	/* The same through a JPEG's SOF0. */
	put32(png.data + 16, 480);
	put32(png.data + 20, 640);
	put32(png.data + 29, crc32_png(png.data + 12, 17));
	normalise_ok(&png, &jpg, &w, &h);
	for (i = 2; i + 9 < jpg.len; i++)
		if (jpg.data[i] == 0xff && jpg.data[i + 1] == 0xc0)
			break;
	assert_true(i + 9 < jpg.len);
	jpg.data[i + 5] = 5000 >> 8;	/* height */
	jpg.data[i + 6] = 5000 & 0xff;
	jpg.data[i + 7] = 5000 >> 8;	/* width */
	jpg.data[i + 8] = 5000 & 0xff;
	refused(jpg.data, jpg.len, MAX_BYTES, ERR_BAD_REQUEST, "5000x5000");
	buf_cleanup(&png);
	buf_cleanup(&jpg);
}

static void
same_face_scores_high(void **state)
{
	struct buf png, jpg, big, bigjpg, small;
	struct err e = { 0 };
	double s;
	int w, h;

	(void)state;
	gen(12, 600, 800, &png);
	normalise_ok(&png, &jpg, &w, &h);
	s = image_face_similarity(png.data, png.len, jpg.data, jpg.len, &e);
	assert_true(s >= 0.9);
	/* The same face drawn 10 % larger, then normalised. */
	gen(12, 660, 880, &big);
	normalise_ok(&big, &bigjpg, &w, &h);
	s = image_face_similarity(png.data, png.len, bigjpg.data, bigjpg.len,
	    &e);
	assert_true(s >= 0.9);
	/* And much smaller, as a thumbnail-sized PNG. */
	gen(12, 150, 200, &small);
	s = image_face_similarity(small.data, small.len, jpg.data, jpg.len,
	    &e);
	assert_true(s >= 0.9);
	s = image_face_similarity(png.data, png.len, png.data, png.len, &e);
	assert_true(s > 0.999);
	buf_cleanup(&png);
	buf_cleanup(&jpg);
	buf_cleanup(&big);
	buf_cleanup(&bigjpg);
	buf_cleanup(&small);
}

static void
different_faces_score_low(void **state)
{
	struct buf a, b;
	struct err e = { 0 };
	double s, worst = 0;
	unsigned long i;

	(void)state;
	/* Small frames: the pictures are the same at any size. */
	for (i = 0; i < 10; i++) {
		gen(100 + 2 * i, 150, 200, &a);
		gen(101 + 2 * i, 150, 200, &b);
		s = image_face_similarity(a.data, a.len, b.data, b.len, &e);
		assert_true(s >= 0);
		if (s > worst)
			worst = s;
		buf_cleanup(&a);
		buf_cleanup(&b);
	}
	if (worst >= 0.6)
		fail_msg("two different faces scored %.3f", worst);
}

static void
generation_is_deterministic(void **state)
{
	struct buf a, b, c;
	struct err e = { 0 };

	(void)state;
	gen(42, 300, 400, &a);
	gen(42, 300, 400, &b);
	gen(43, 300, 400, &c);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_false(a.len == c.len && memcmp(a.data, c.data, a.len) == 0);
	buf_cleanup(&a);
	buf_cleanup(&b);
	buf_cleanup(&c);
	buf_init(&a, 1024);
	assert_int_equal(image_face_generate(1, 8, 8, &a, &e), -1);
	assert_int_equal(image_face_generate(1, 5000, 100, &a, &e), -1);
	/* A cap too small for the PNG fails cleanly, leaving nothing. */
	assert_int_equal(image_face_generate(1, 300, 400, &a, &e), -1);
	assert_int_equal(a.len, 0);
	buf_cleanup(&a);
}

static unsigned char
px_flat(int x, int y, int k)
{
	(void)x;
	(void)y;
	(void)k;
	return 128;
}

static void
gray_thumbnails(void **state)
{
	unsigned char t1[64 * 64], t2[64 * 64];
	struct buf tiny, flat, face;
	struct err e = { 0 };
	size_t i;

	(void)state;
	/* Smaller than the thumbnail: every cell still gets a value, and
	 * the picture is still the picture. */
	gen(13, 32, 40, &tiny);
	assert_int_equal(image_decode_gray(tiny.data, tiny.len, 64, t1, &e),
	    0);
	png_make(&flat, 50, 30, PNG_COLOR_TYPE_GRAY, 8, 1, PNG_INTERLACE_NONE,
	    px_flat);
	assert_int_equal(image_decode_gray(flat.data, flat.len, 64, t2, &e),
	    0);
	for (i = 0; i < sizeof(t2); i++)
		assert_int_equal(t2[i], 128);
	/* A flat image has nothing to match. */
	assert_true(image_gray_similarity(t2, t2, 64) == 0);
	assert_true(image_face_similarity(flat.data, flat.len,
	    (const unsigned char *)"x", 1, &e) == -1);
	assert_int_equal(e.code, ERR_BAD_REQUEST);
	assert_int_equal(image_decode_gray(flat.data, flat.len, 0, t2, &e),
	    -1);
	gen(13, 600, 800, &face);
	assert_int_equal(image_decode_gray(face.data, face.len, 64, t2, &e),
	    0);
	assert_true(image_gray_similarity(t1, t2, 64) > 0.9);
	buf_cleanup(&tiny);
	buf_cleanup(&flat);
	buf_cleanup(&face);
}

/* Corrupted files through both decoders: errors, never crashes. */
static void
corrupt_files_fail_cleanly(void **state)
{
	unsigned char t[32 * 32];
	struct buf png, jpg, m;
	struct err e = { 0 };
	unsigned long r = 12345;
	int i, k, w, h, ok = 0;

	(void)state;
	gen(14, 480, 640, &png);
	normalise_ok(&png, &jpg, &w, &h);
	buf_cleanup(&png);
	gen(14, 64, 48, &png);
	buf_init(&m, 16u << 20);
	for (i = 0; i < 400; i++) {
		const struct buf *src = i % 2 ? &jpg : &png;

		m.len = 0;
		assert_int_equal(buf_add(&m, src->data, src->len), 0);
		for (k = 0; k < 1 + i % 4; k++) {
			r = r * 6364136223846793005UL + 1442695040888963407UL;
			/* Keep the magic so the decoders get to work. */
			m.data[8 + (r >> 33) % (m.len - 8)] ^=
			    (unsigned char)(1 + (r >> 20) % 255);
		}
		ok += image_decode_gray(m.data, m.len, 32, t, &e) == 0;
	}
	(void)ok;	/* some survive a flipped bit; none may crash */
	buf_cleanup(&m);
	buf_cleanup(&png);
	buf_cleanup(&jpg);
}

int
run_image_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(png_600x800_becomes_clean_jpeg),
		cmocka_unit_test(jpeg_with_exif_icc_comment_is_stripped),
		cmocka_unit_test(png_alpha_gray16_palette_interlaced),
		cmocka_unit_test(refuses_non_images_and_broken_files),
		cmocka_unit_test(refuses_dimensions),
		cmocka_unit_test(same_face_scores_high),
		cmocka_unit_test(different_faces_score_low),
		cmocka_unit_test(generation_is_deterministic),
		cmocka_unit_test(gray_thumbnails),
		cmocka_unit_test(corrupt_files_fail_cleanly),
	};

	return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
