/*
 * test_serial.c - certificate serial numbers (ca_serial_new) and their
 * reservation in the store.
 *
 * DESIGN.md §5: 20 octets from a CSPRNG, first octet 0x01..0x7f, so
 * always positive, always 20 octets in DER, at least 152 random bits;
 * reserved (UNIQUE) before anything is signed.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>

#include "pki.h"
#include "unit.h"

#define DRAWS	10000

static unsigned char (*draws)[SERIAL_LEN];

static int
setup(void **state)
{
	size_t i;

	(void)state;
	if ((draws = calloc(DRAWS, SERIAL_LEN)) == NULL)
		return -1;
	for (i = 0; i < DRAWS; i++)
		if (ca_serial_new(draws[i]) != 0)
			return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(draws);
	draws = NULL;
	return 0;
}

static void
first_octet_in_range(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < DRAWS; i++)
		if (draws[i][0] < 0x01 || draws[i][0] > 0x7f)
			fail_msg("draw %zu: first octet 0x%02x", i, draws[i][0]);
}

static void
first_octet_takes_every_value(void **state)
{
	int seen[256] = { 0 }, v;
	size_t i;

	(void)state;
	/* 10000 draws over 127 values: about 79 each; missing one by
	 * chance has a probability near 127 * e^-79. */
	for (i = 0; i < DRAWS; i++)
		seen[draws[i][0]]++;
	for (v = 0x01; v <= 0x7f; v++)
		if (seen[v] == 0)
			fail_msg("first octet 0x%02x never drawn", v);
}

static int
cmp_serial(const void *a, const void *b)
{
	return memcmp(a, b, SERIAL_LEN);
}

static void
all_distinct(void **state)
{
	unsigned char (*s)[SERIAL_LEN];
	size_t i;

	(void)state;
	assert_non_null(s = malloc((size_t)DRAWS * SERIAL_LEN));
	memcpy(s, draws, (size_t)DRAWS * SERIAL_LEN);
	qsort(s, DRAWS, SERIAL_LEN, cmp_serial);
	for (i = 1; i < DRAWS; i++)
		if (memcmp(s[i - 1], s[i], SERIAL_LEN) == 0) {
			free(s);
			fail_msg("serial drawn twice");
		}
	free(s);
}

static void
remaining_bits_balanced(void **state)
{
	int ones[8 * (SERIAL_LEN - 1)] = { 0 };
	size_t i, bit;

	(void)state;
	for (i = 0; i < DRAWS; i++)
		for (bit = 0; bit < 8 * (SERIAL_LEN - 1); bit++)
			ones[bit] += (draws[i][1 + bit / 8] >> (bit % 8)) & 1;
	/* Each of the 152 bits is one in about half the draws; 35..65%
	 * is more than 30 standard deviations wide, so only a stuck or
	 * biased bit fails. */
	for (bit = 0; bit < 8 * (SERIAL_LEN - 1); bit++)
		if (ones[bit] < DRAWS * 35 / 100 || ones[bit] > DRAWS * 65 / 100)
			fail_msg("bit %zu after the first octet: %d ones in %d",
			    bit, ones[bit], DRAWS);
}

static void
der_is_always_20_octets(void **state)
{
	unsigned char der[64], *p;
	BIGNUM *bn;
	ASN1_INTEGER *ai;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < DRAWS; i++) {
		assert_non_null(bn = BN_bin2bn(draws[i], SERIAL_LEN, NULL));
		assert_non_null(ai = BN_to_ASN1_INTEGER(bn, NULL));
		assert_int_equal(i2d_ASN1_INTEGER(ai, NULL), 2 + SERIAL_LEN);
		p = der;
		n = i2d_ASN1_INTEGER(ai, &p);
		ASN1_INTEGER_free(ai);
		BN_free(bn);
		assert_int_equal(n, 2 + SERIAL_LEN);
		assert_int_equal(der[0], V_ASN1_INTEGER);
		assert_int_equal(der[1], SERIAL_LEN);
		assert_memory_equal(der + 2, draws[i], SERIAL_LEN);
	}
}

struct db {
	char		 dir[64];
	struct store	*s;
};

static int
db_setup(void **state)
{
	struct db *d = calloc(1, sizeof(*d));
	struct err e = { 0 };

	if (d == NULL || unit_tmpdir(d->dir, sizeof(d->dir)) == -1) {
		free(d);
		return -1;
	}
	if ((d->s = store_open(d->dir, "sqlite:t.db", &e)) == NULL) {
		print_error("store_open: %s\n", e.detail);
		unit_rmtree(d->dir);
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

static int
db_teardown(void **state)
{
	struct db *d = *state;

	store_close(d->s);
	unit_rmtree(d->dir);
	free(d);
	return 0;
}

static void
reserve_twice_conflicts(void **state)
{
	struct db *d = *state;
	struct store *s = d->s;
	struct err e = { 0 };

	assert_int_equal(s->ops->serial_reserve(s, "ABC", "holder", &e), 0);
	e.code = ERR_OK;
	assert_int_equal(s->ops->serial_reserve(s, "ABC", "holder", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	/* The purpose does not make a used serial usable again. */
	e.code = ERR_OK;
	assert_int_equal(s->ops->serial_reserve(s, "ABC", "tsa", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	/* The connection still works after the conflict. */
	assert_int_equal(s->ops->serial_reserve(s, "ABD", "holder", &e), 0);
}

int
run_serial_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_octet_in_range),
		cmocka_unit_test(first_octet_takes_every_value),
		cmocka_unit_test(all_distinct),
		cmocka_unit_test(remaining_bits_balanced),
		cmocka_unit_test(der_is_always_20_octets),
		cmocka_unit_test_setup_teardown(reserve_twice_conflicts,
		    db_setup, db_teardown),
	};

	return cmocka_run_group_tests_name("serial", tests, setup, teardown);
}
