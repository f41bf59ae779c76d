/*
 * der.c - DER encoding (X.690) of the few types sertel writes by hand.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>

#include "der.h"

size_t
der_open(struct buf *b)
{
	return b->len;
}

static size_t
len_octets(size_t n, unsigned char *hdr)
{
	size_t k = 0, t;

	if (n < 0x80) {
		hdr[0] = (unsigned char)n;
		return 1;
	}
	for (t = n; t > 0; t >>= 8)
		k++;
	hdr[0] = (unsigned char)(0x80 | k);
	for (t = 0; t < k; t++)
		hdr[1 + t] = (unsigned char)(n >> (8 * (k - 1 - t)));
	return 1 + k;
}

int
der_close(struct buf *b, size_t mark, unsigned tag)
{
	unsigned char hdr[16];
	size_t clen, hlen;

	if (mark > b->len)
		return -1;
	clen = b->len - mark;
	hdr[0] = (unsigned char)tag;
	hlen = 1 + len_octets(clen, hdr + 1);
	if (buf_reserve(b, hlen) == -1)
		return -1;
	memmove(b->data + mark + hlen, b->data + mark, clen);
	memcpy(b->data + mark, hdr, hlen);
	b->len += hlen;
	return 0;
}

int
der_tlv(struct buf *b, unsigned tag, const void *p, size_t n)
{
	unsigned char hdr[16];
	size_t hlen;

	hdr[0] = (unsigned char)tag;
	hlen = 1 + len_octets(n, hdr + 1);
	if (buf_add(b, hdr, hlen) == -1)
		return -1;
	return buf_add(b, p, n);
}

int
der_uint(struct buf *b, unsigned tag, const unsigned char *p, size_t n)
{
	size_t m;

	while (n > 1 && p[0] == 0) {	/* minimal encoding */
		p++;
		n--;
	}
	if (n == 0)
		return der_tlv(b, tag, "\0", 1);
	if (p[0] & 0x80) {		/* keep it positive */
		m = der_open(b);
		if (buf_add(b, "\0", 1) == -1 || buf_add(b, p, n) == -1)
			return -1;
		return der_close(b, m, tag);
	}
	return der_tlv(b, tag, p, n);
}

int
der_long(struct buf *b, unsigned tag, long v)
{
	unsigned char t[sizeof(long)];
	unsigned long u = (unsigned long)v;
	size_t i;

	if (v < 0)
		return -1;
	for (i = 0; i < sizeof(t); i++)
		t[sizeof(t) - 1 - i] = (unsigned char)(u >> (8 * i));
	return der_uint(b, tag, t, sizeof(t));
}

int
der_oid_nid(struct buf *b, int nid)
{
	const ASN1_OBJECT *o = OBJ_nid2obj(nid);
	const unsigned char *p;
	size_t n;

	if (o == NULL || (n = OBJ_length(o)) == 0 ||
	    (p = OBJ_get0_data(o)) == NULL)
		return -1;
	return der_tlv(b, DER_OID, p, n);
}

int
der_oid_txt(struct buf *b, const char *txt)
{
	ASN1_OBJECT *o;
	int r = -1, n;
	const unsigned char *p;

	if ((o = OBJ_txt2obj(txt, 1)) == NULL)
		return -1;
	n = (int)OBJ_length(o);
	p = OBJ_get0_data(o);
	if (n > 0 && p != NULL)
		r = der_tlv(b, DER_OID, p, (size_t)n);
	ASN1_OBJECT_free(o);
	return r;
}

int
der_gentime(struct buf *b, unsigned tag, time_t t)
{
	struct tm tm;
	char s[32];

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	strftime(s, sizeof(s), "%Y%m%d%H%M%SZ", &tm);
	return der_tlv(b, tag, s, strlen(s));
}

int
der_time5280(struct buf *b, time_t t)
{
	struct tm tm;
	char s[32];

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	if (tm.tm_year + 1900 >= 2050 || tm.tm_year + 1900 < 1950)
		return der_gentime(b, DER_GENTIME, t);
	strftime(s, sizeof(s), "%Y%m%d%H%M%SZ", &tm);
	return der_tlv(b, DER_UTCTIME, s + 2, strlen(s + 2));
}

int
der_bitstr(struct buf *b, const void *p, size_t n)
{
	size_t m = der_open(b);

	if (buf_add(b, "\0", 1) == -1 || buf_add(b, p, n) == -1)
		return -1;
	return der_close(b, m, DER_BITSTR);
}

static int
cmp_parts(const void *a, const void *b)
{
	const struct buf *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->data, y->data, n);

	if (c != 0)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

int
der_set_of(struct buf *b, struct buf *parts, size_t n)
{
	size_t i, m;

	qsort(parts, n, sizeof(*parts), cmp_parts);
	m = der_open(b);
	for (i = 0; i < n; i++)
		if (buf_add(b, parts[i].data, parts[i].len) == -1)
			return -1;
	return der_close(b, m, DER_SET);
}
