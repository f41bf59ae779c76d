/*
 * test_der.c - the hand-written DER encoder (der.c), checked against
 * OpenSSL's encoder and parser wherever OpenSSL has the same thing.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/rand.h>

#include "der.h"
#include "unit.h"

static void
hexdump(const char *what, const unsigned char *p, size_t n)
{
	char hex[2 * 80 + 1];

	hex_encode(p, n > 80 ? 80 : n, hex, sizeof(hex));
	print_error("%s (%zu octets): %s%s\n", what, n, hex,
	    n > 80 ? "..." : "");
}

/* OpenSSL's DER of the non-negative integer with magnitude p[0..n). */
static int
openssl_uint(const unsigned char *p, size_t n, struct buf *out)
{
	BIGNUM *bn = BN_bin2bn(p, (int)n, NULL);
	ASN1_INTEGER *ai = bn != NULL ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	int r = ai != NULL ? DER_I2D(out, i2d_ASN1_INTEGER, ai) : -1;

	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return r;
}

static void
uint_matches_openssl(void **state)
{
	unsigned char in[64], pick[3];
	struct buf mine, ref;
	size_t n, zeros;
	int round;

	(void)state;
	buf_init(&mine, 4096);
	buf_init(&ref, 4096);
	for (round = 0; round < 200; round++) {
		assert_int_equal(RAND_bytes(pick, sizeof(pick)), 1);
		n = pick[0] % (sizeof(in) + 1);
		assert_int_equal(RAND_bytes(in, sizeof(in)), 1);
		/* A third with leading zero octets, a third with the high
		 * bit set on the first octet, a third as drawn. */
		if (pick[1] % 3 == 0 && n > 0) {
			zeros = 1 + pick[2] % n;
			memset(in, 0, zeros);
		} else if (pick[1] % 3 == 1 && n > 0)
			in[0] |= 0x80;
		/* And a few all-zero values of various lengths. */
		if (round % 50 == 7)
			memset(in, 0, n);
		mine.len = ref.len = 0;
		assert_int_equal(der_uint(&mine, DER_INT, in, n), 0);
		assert_int_equal(openssl_uint(in, n, &ref), 0);
		if (mine.len != ref.len ||
		    memcmp(mine.data, ref.data, mine.len) != 0) {
			hexdump("input", in, n);
			hexdump("der_uint", mine.data, mine.len);
			hexdump("OpenSSL", ref.data, ref.len);
			fail_msg("der_uint differs from OpenSSL (round %d)",
			    round);
		}
		/* Minimal: a leading 00 only before a high bit. */
		if (mine.data[1] > 1)
			assert_false(mine.data[2] == 0 &&
			    (mine.data[3] & 0x80) == 0);
	}
	buf_cleanup(&mine);
	buf_cleanup(&ref);
}

static void
uint_fixed_cases(void **state)
{
	static const struct {
		unsigned char	 in[4];
		size_t		 n;
		unsigned char	 out[6];
		size_t		 outn;
	} t[] = {
		{ { 0 }, 0, { 0x02, 0x01, 0x00 }, 3 },
		{ { 0, 0, 0 }, 3, { 0x02, 0x01, 0x00 }, 3 },
		{ { 0x7f }, 1, { 0x02, 0x01, 0x7f }, 3 },
		{ { 0x80 }, 1, { 0x02, 0x02, 0x00, 0x80 }, 4 },
		{ { 0, 0, 0x80 }, 3, { 0x02, 0x02, 0x00, 0x80 }, 4 },
		{ { 0, 0x01, 0x00 }, 3, { 0x02, 0x02, 0x01, 0x00 }, 4 },
		{ { 0xff, 0xff }, 2, { 0x02, 0x03, 0x00, 0xff, 0xff }, 5 },
	};
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 64);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		b.len = 0;
		assert_int_equal(der_uint(&b, DER_INT, t[i].in, t[i].n), 0);
		assert_int_equal(b.len, t[i].outn);
		assert_memory_equal(b.data, t[i].out, t[i].outn);
	}
	buf_cleanup(&b);
}

static void
long_values(void **state)
{
	struct buf b, ref;
	const long v[] = { 0, 1, 127, 128, 255, 256, 65535, 1L << 31,
	    LONG_MAX };
	ASN1_INTEGER *ai;
	size_t i;

	(void)state;
	buf_init(&b, 64);
	buf_init(&ref, 64);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		b.len = ref.len = 0;
		assert_int_equal(der_long(&b, DER_INT, v[i]), 0);
		assert_non_null(ai = ASN1_INTEGER_new());
		assert_int_equal(ASN1_INTEGER_set_int64(ai, v[i]), 1);
		assert_int_equal(DER_I2D(&ref, i2d_ASN1_INTEGER, ai), 0);
		ASN1_INTEGER_free(ai);
		assert_int_equal(b.len, ref.len);
		assert_memory_equal(b.data, ref.data, b.len);
	}
	assert_int_equal(der_long(&b, DER_INT, -1), -1);
	buf_cleanup(&b);
	buf_cleanup(&ref);
}

/* Wraps clen octets (after a prefix) and parses the result back. */
static void
close_one(size_t clen, const unsigned char *hdr, size_t hlen)
{
	static const unsigned char prefix[3] = { 0x05, 0x00, 0x99 };
	struct buf b;
	const unsigned char *p;
	size_t m, i;
	long plen;
	int tag, xclass, ret;

	buf_init(&b, 1 << 20);
	assert_int_equal(buf_add(&b, prefix, sizeof(prefix)), 0);
	m = der_open(&b);
	assert_int_equal(m, sizeof(prefix));
	for (i = 0; i < clen; i++)
		assert_int_equal(buf_add(&b, &(unsigned char){ (unsigned char)
		    (i * 7 + 1) }, 1), 0);
	assert_int_equal(der_close(&b, m, DER_SEQ), 0);
	/* The prefix is untouched, the header exactly as X.690 §8.1.3. */
	assert_int_equal(b.len, sizeof(prefix) + hlen + clen);
	assert_memory_equal(b.data, prefix, sizeof(prefix));
	if (memcmp(b.data + m, hdr, hlen) != 0) {
		hexdump("header", b.data + m, hlen);
		fail_msg("content length %zu: wrong header", clen);
	}
	p = b.data + m;
	ret = ASN1_get_object(&p, &plen, &tag, &xclass, (long)(b.len - m));
	assert_false(ret & 0x80);
	assert_true(ret & V_ASN1_CONSTRUCTED);
	assert_int_equal(tag, V_ASN1_SEQUENCE);
	assert_int_equal(xclass, V_ASN1_UNIVERSAL);
	assert_int_equal(plen, (long)clen);
	assert_int_equal(p - (b.data + m), (long)hlen);
	for (i = 0; i < clen; i++)
		if (p[i] != (unsigned char)(i * 7 + 1))
			fail_msg("content octet %zu moved", i);
	buf_cleanup(&b);
}

static void
close_lengths(void **state)
{
	(void)state;
	close_one(0, (const unsigned char *)"\x30\x00", 2);
	close_one(1, (const unsigned char *)"\x30\x01", 2);
	close_one(127, (const unsigned char *)"\x30\x7f", 2);
	close_one(128, (const unsigned char *)"\x30\x81\x80", 3);
	close_one(255, (const unsigned char *)"\x30\x81\xff", 3);
	close_one(256, (const unsigned char *)"\x30\x82\x01\x00", 4);
	close_one(65535, (const unsigned char *)"\x30\x82\xff\xff", 4);
	close_one(65536, (const unsigned char *)"\x30\x83\x01\x00\x00", 5);
}

static void
close_bad_mark(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(buf_add(&b, "ab", 2), 0);
	assert_int_equal(der_close(&b, 3, DER_SEQ), -1);
	assert_int_equal(b.len, 2);
	buf_cleanup(&b);
}

static void
set_of_sorts(void **state)
{
	/* X.690 §11.6: ascending as octet strings, already in order. */
	static const unsigned char *const sorted[] = {
		(const unsigned char *)"\x02\x01\x05",
		(const unsigned char *)"\x02\x02\x01\x00",
		(const unsigned char *)"\x04\x01\x62",
		(const unsigned char *)"\x04\x02\x61\x62",
		(const unsigned char *)"\x05\x00",
	};
	static const size_t lens[] = { 3, 4, 3, 4, 2 };
	/* Some orders, all of which must give the same SET. */
	static const int orders[][5] = {
		{ 0, 1, 2, 3, 4 }, { 4, 3, 2, 1, 0 }, { 2, 4, 0, 3, 1 },
		{ 3, 0, 4, 1, 2 }, { 1, 2, 3, 4, 0 },
	};
	struct buf parts[5], out, want;
	size_t i, k;

	(void)state;
	buf_init(&want, 256);
	assert_int_equal(buf_add(&want, "\x31\x10", 2), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(buf_add(&want, sorted[i], lens[i]), 0);
	for (k = 0; k < sizeof(orders) / sizeof(orders[0]); k++) {
		for (i = 0; i < 5; i++) {
			buf_init(&parts[i], 64);
			assert_int_equal(buf_add(&parts[i],
			    sorted[orders[k][i]], lens[orders[k][i]]), 0);
		}
		buf_init(&out, 256);
		assert_int_equal(der_set_of(&out, parts, 5), 0);
		if (out.len != want.len ||
		    memcmp(out.data, want.data, want.len) != 0) {
			hexdump("got", out.data, out.len);
			hexdump("want", want.data, want.len);
			fail_msg("SET OF not sorted (input order %zu)", k);
		}
		for (i = 0; i < 5; i++)
			buf_cleanup(&parts[i]);
		buf_cleanup(&out);
	}
	buf_cleanup(&want);
}

static void
set_of_empty(void **state)
{
	struct buf out, none[1];

	(void)state;
	buf_init(&out, 16);
	buf_init(&none[0], 16);
	assert_int_equal(der_set_of(&out, none, 0), 0);
	assert_int_equal(out.len, 2);
	assert_memory_equal(out.data, "\x31\x00", 2);
	buf_cleanup(&out);
}

static void
time_one(time_t t, unsigned tag, const char *text)
{
	struct buf b;
	const unsigned char *p;
	ASN1_TIME *at;
	struct tm tm;
	size_t n = strlen(text);

	buf_init(&b, 64);
	assert_int_equal(der_time5280(&b, t), 0);
	if (b.len != 2 + n || b.data[0] != tag || b.data[1] != n ||
	    memcmp(b.data + 2, text, n) != 0) {
		hexdump("got", b.data, b.len);
		fail_msg("time %lld: want tag 0x%02x \"%s\"", (long long)t,
		    tag, text);
	}
	/* OpenSSL reads back the same instant. */
	p = b.data;
	assert_non_null(at = d2i_ASN1_TIME(NULL, &p, (long)b.len));
	assert_int_equal(ASN1_TIME_to_tm(at, &tm), 1);
	assert_int_equal(timegm(&tm), t);
	ASN1_TIME_free(at);
	buf_cleanup(&b);
}

static void
time5280_switches_in_2050(void **state)
{
	(void)state;
	time_one(0, DER_UTCTIME, "700101000000Z");
	time_one(951825600, DER_UTCTIME, "000229120000Z");
	time_one(2524607999, DER_UTCTIME, "491231235959Z");
	time_one(2524608000, DER_GENTIME, "20500101000000Z");
	time_one(4102444800, DER_GENTIME, "21000101000000Z");
	/* RFC 5280 §4.1.2.5.1: UTCTime only reaches back to 1950. */
	time_one(-631152000, DER_UTCTIME, "500101000000Z");
	time_one(-631152001, DER_GENTIME, "19491231235959Z");
}

static void
bitstr_and_oid(void **state)
{
	struct buf b;
	const ASN1_OBJECT *o;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(der_bitstr(&b, "\xa5\x5a", 2), 0);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "\x03\x03\x00\xa5\x5a", 5);
	b.len = 0;
	assert_int_equal(der_oid_txt(&b, "1.2.840.113549.1.1.11"), 0);
	o = OBJ_nid2obj(NID_sha256WithRSAEncryption);
	assert_int_equal(b.len, 2 + OBJ_length(o));
	assert_memory_equal(b.data + 2, OBJ_get0_data(o), OBJ_length(o));
	b.len = 0;
	assert_int_equal(der_oid_nid(&b, NID_sha256WithRSAEncryption), 0);
	assert_int_equal(b.len, 2 + OBJ_length(o));
	assert_int_equal(der_oid_txt(&b, "not an oid"), -1);
	buf_cleanup(&b);
}

int
run_der_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uint_matches_openssl),
		cmocka_unit_test(uint_fixed_cases),
		cmocka_unit_test(long_values),
		cmocka_unit_test(close_lengths),
		cmocka_unit_test(close_bad_mark),
		cmocka_unit_test(set_of_sorts),
		cmocka_unit_test(set_of_empty),
		cmocka_unit_test(time5280_switches_in_2050),
		cmocka_unit_test(bitstr_and_oid),
	};

	return cmocka_run_group_tests_name("der", tests, NULL, NULL);
}
