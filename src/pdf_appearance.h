/*
 * pdf_appearance.h - what a visible signature looks like: the signer's
 * image (PNG with its alpha, or JPEG as it is), or a QR code drawn as
 * filled squares, and lines of Helvetica text, laid out in the box and
 * written as a PDF content stream. pdf_sign.c turns the result into
 * objects. See pdf_appearance.c.
 */
#ifndef SERTEL_PDF_APPEARANCE_H
#define SERTEL_PDF_APPEARANCE_H

#include <stddef.h>

#include <qrencode.h>

#include "pdf_sign.h"
#include "util.h"

#define PDF_APPEARANCE_MAX_LINES	16

/* An image ready for an image XObject. */
struct pdf_image {
	int		 w, h;		/* pixels */
	int		 comps;		/* 1 gray, 3 RGB, 4 CMYK */
	int		 dct;		/* data is the JPEG (DCTDecode) */
	int		 inverted;	/* Adobe CMYK JPEG: /Decode [1 0 ...] */
	struct buf	 data;		/* JPEG, or the Flate-compressed pixels */
	struct buf	 alpha;		/* Flate of the alpha plane; empty when
					 * every pixel is opaque */
};

struct pdf_appearance {
	struct pdf_image im;
	int		 has_image;
	QRcode		*qr;
	/* the text lines in WinAnsiEncoding, their widths in 1/1000 em */
	unsigned char	*lines[PDF_APPEARANCE_MAX_LINES];
	size_t		 linelen[PDF_APPEARANCE_MAX_LINES];
	long		 linew[PDF_APPEARANCE_MAX_LINES];
	int		 nlines;
};

/*
 * Decodes and checks what v asks to draw: the image (ERR_PDF_BAD_IMAGE
 * for a broken or unsupported one), else the QR text (ERR_PDF_BAD_IMAGE
 * when it does not fit), and the text (at most PDF_SIGN_TEXT_MAX
 * octets, PDF_APPEARANCE_MAX_LINES lines). Something must be drawn.
 * On error the caller still calls pdf_appearance_cleanup.
 */
int	pdf_appearance_load(struct pdf_appearance *,
	    const struct pdf_visible *v, struct err *);

/* The Flate-compressed content stream for a w x h box (in points, as
 * displayed); it names the image /Im1 and the font /F1. */
int	pdf_appearance_content(const struct pdf_appearance *, double w,
	    double h, struct buf *out);

void	pdf_appearance_cleanup(struct pdf_appearance *);

/* Helpers pdf_sign.c shares: a number as PDF writes it (at most 4
 * decimals, no exponent, independent of the locale, |v| < 1e12), and
 * the next code point of NUL-terminated UTF-8 (U+FFFD for a bad
 * sequence), advancing *p. */
void		 pdf_appearance_num(char *out, size_t outsz, double v);
unsigned long	 pdf_appearance_utf8_next(const unsigned char **p);

#endif
