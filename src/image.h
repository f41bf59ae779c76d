/*
 * image.h - selfies: sniffing, decoding, re-encoding without metadata, a
 * deterministic face comparison for the registry sandbox, and synthetic
 * faces for generated people. See image.c for the methods and limits.
 */
#ifndef SERTEL_IMAGE_H
#define SERTEL_IMAGE_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>

#include <jpeglib.h>

#include "util.h"

/* Selfie dimensions: each side within [MIN_SIDE, MAX_SIDE] pixels and the
 * longer side at least MIN_LONG (480x640 portrait or 640x480 landscape up
 * to 4096x4096). */
/* libjpeg's errors as a longjmp to jb, with the message in msg; its
 * warnings (corrupt data it would paper over) count as errors, and
 * nothing is printed. */
struct image_jpeg_err {
	struct jpeg_error_mgr	 mgr;
	jmp_buf			 jb;
	char			 msg[JMSG_LENGTH_MAX];
};

void	image_jpeg_err_setup(struct image_jpeg_err *);

#define IMAGE_SELFIE_MIN_SIDE	480
#define IMAGE_SELFIE_MIN_LONG	640
#define IMAGE_SELFIE_MAX_SIDE	4096
#define IMAGE_JPEG_QUALITY	90

/* Side of the grayscale thumbnails the face comparison works on. */
#define IMAGE_FACE_SIZE		64

/* Largest image any function here decodes (either side), and the range
 * of sizes image_face_generate draws. */
#define IMAGE_MAX_SIDE		4096
#define IMAGE_GEN_MIN_SIDE	16

enum image_kind { IMAGE_UNKNOWN, IMAGE_JPEG, IMAGE_PNG };

/* What the magic bytes say; never a content type. */
enum image_kind	image_sniff(const unsigned char *, size_t);

/*
 * Checks a JPEG or PNG selfie (at most max_bytes, dimensions as above),
 * decodes it to 8-bit RGB (PNG alpha composited on white, palette and
 * gray expanded, 16-bit reduced) and re-encodes it as a baseline JPEG,
 * quality 90, whose only marker segments are JFIF APP0, DQT, SOF0, DHT,
 * SOS and EOI: no EXIF, ICC profile or comment survives. The JPEG is
 * appended to jpeg_out (whose cap bounds it); *w and *h get the size.
 * Errors: ERR_BODY_TOO_LARGE over max_bytes; ERR_BAD_REQUEST for not a
 * JPEG/PNG, a corrupt or unsupported file, or dimensions out of range,
 * with the reason in e->detail; ERR_INTERNAL when memory runs out.
 */
int	image_selfie_normalise(const unsigned char *in, size_t len,
	    size_t max_bytes, struct buf *jpeg_out, int *w, int *h,
	    struct err *);

/*
 * Decodes a JPEG or PNG (any size up to IMAGE_MAX_SIDE a side) and
 * reduces it by area averaging to a size x size grayscale thumbnail
 * (Rec. 601 luma) in out[size * size], row by row. size 1..1024.
 */
int	image_decode_gray(const unsigned char *in, size_t len, int size,
	    unsigned char *out, struct err *);

/*
 * Similarity of two size x size grayscale thumbnails: each is band-pass
 * filtered (its 3x3 local mean minus its 13x13 local mean, windows
 * clipped at the edges), then Pearson's correlation of the filtered
 * values is clamped below at 0. A flat image scores 0. Returns 0..1.
 */
#define IMAGE_BAND_NARROW	1	/* half-widths of the two windows */
#define IMAGE_BAND_WIDE		6
double	image_gray_similarity(const unsigned char *a, const unsigned char *b,
	    int size);

/*
 * Face similarity of two encoded images: image_gray_similarity of their
 * IMAGE_FACE_SIZE thumbnails. 0..1, or -1 with e set when either image
 * cannot be decoded. A sandbox stand-in for a face matcher, not one.
 */
double	image_face_similarity(const unsigned char *a, size_t alen,
	    const unsigned char *b, size_t blen, struct err *);

/*
 * Draws a synthetic face (no real person) of w x h pixels
 * (IMAGE_GEN_MIN_SIDE..IMAGE_MAX_SIDE) as an 8-bit RGB PNG appended to
 * png_out. Every shape, position and colour comes from a xorshift
 * generator seeded by seed, in coordinates relative to the frame, so
 * the same seed gives identical bytes on every run and the same picture
 * at any size.
 */
int	image_face_generate(unsigned long seed, int w, int h,
	    struct buf *png_out, struct err *);

#endif
