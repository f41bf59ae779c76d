/*
 * der.h - a minimal DER writer for the structures sertel signs itself
 * (certificates' outer shell, CRLs, OCSP responses, time-stamp tokens).
 *
 * The key wall only signs bytes, so every signed structure is assembled
 * here: content is written first, then wrapped with its tag and length.
 */
#ifndef SERTEL_DER_H
#define SERTEL_DER_H

#include <time.h>
#include "util.h"

#define DER_INT		0x02
#define DER_BITSTR	0x03
#define DER_OCTSTR	0x04
#define DER_NULL	0x05
#define DER_OID		0x06
#define DER_ENUM	0x0a
#define DER_UTF8	0x0c
#define DER_UTCTIME	0x17
#define DER_GENTIME	0x18
#define DER_SEQ		0x30
#define DER_SET		0x31
#define DER_CTX(n)	(0xa0 | (n))	/* [n] constructed */
#define DER_CTXP(n)	(0x80 | (n))	/* [n] primitive (IMPLICIT) */

/* Marks where a constructed value's content begins. */
size_t	der_open(struct buf *);
/* Wraps everything written since mark in tag + length. */
int	der_close(struct buf *, size_t mark, unsigned tag);
int	der_tlv(struct buf *, unsigned tag, const void *, size_t);
/* A non-negative INTEGER from a big-endian magnitude. */
int	der_uint(struct buf *, unsigned tag, const unsigned char *, size_t);
int	der_long(struct buf *, unsigned tag, long);
int	der_oid_nid(struct buf *, int nid);
/* Dotted-text OID, e.g. "1.2.840.113549.1.1.11". */
int	der_oid_txt(struct buf *, const char *);
int	der_gentime(struct buf *, unsigned tag, time_t);
/* Time as RFC 5280 §4.1.2.5 wants it: UTCTime for 1950..2049,
 * GeneralizedTime otherwise. */
int	der_time5280(struct buf *, time_t);
/* BIT STRING with no unused bits. */
int	der_bitstr(struct buf *, const void *, size_t);
/* SET OF the DER elements in parts, sorted as X.690 §11.6 requires. */
int	der_set_of(struct buf *, struct buf *parts, size_t n);

/* Appends the DER of an OpenSSL object: DER_I2D(b, i2d_X509, x). */
#define DER_I2D(b, fn, obj) __extension__ ({				\
	int _n = fn((obj), NULL), _r = -1;				\
	if (_n > 0 && buf_reserve((b), (size_t)_n) == 0) {		\
		unsigned char *_p = (b)->data + (b)->len;		\
		if (fn((obj), &_p) == _n) {				\
			(b)->len += (size_t)_n;				\
			_r = 0;						\
		}							\
	}								\
	_r; })

#endif
