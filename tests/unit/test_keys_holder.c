/*
 * test_keys_holder.c - holders' wrapped keys: what keys_holder_sign makes
 * verifies with the public key (checked by OpenSSL's EVP_DigestVerify);
 * a wrong passphrase, a wrong server secret, or a blob changed anywhere
 * (header, public key, ciphertext, tag) does not open; the passphrase
 * is nowhere in the blob. Each unwrap costs an Argon2id run (64 MiB,
 * 3 passes), so the suite keeps their number small.
 */
#include <string.h>

#include <openssl/evp.h>

#include "keys_holder.h"
#include "unit.h"

static unsigned char secret[HOLDER_SECRET_LEN];
static const char pass[] = "Kopi tubruk di Yogyakarta, ☕ 2026";
static struct buf blob;
static EVP_PKEY *pub;

static int
setup(void **state)
{
	struct err e = { 0 };

	(void)state;
	memset(secret, 0x5a, sizeof(secret));
	buf_init(&blob, 1 << 16);
	pub = keys_holder_create(secret, pass, KEYS_P256, &blob, &e);
	return pub == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(pub);
	buf_cleanup(&blob);
	return 0;
}

static int
verifies(EVP_PKEY *k, const struct buf *sig, const char *msg)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok = m != NULL && EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL,
	    k) == 1 && EVP_DigestVerify(m, sig->data, sig->len,
	    (const unsigned char *)msg, strlen(msg)) == 1;

	EVP_MD_CTX_free(m);
	return ok;
}

static int
sign_with(const unsigned char *sec, const unsigned char *w, size_t n,
    const char *p, struct buf *sig, struct err *e)
{
	return keys_holder_sign(sec, w, n, p, (const unsigned char *)"surat",
	    5, sig, e);
}

static void
right_passphrase_signs(void **state)
{
	struct buf sig;
	struct err e = { 0 };
	EVP_PKEY *inside;

	(void)state;
	buf_init(&sig, 1024);
	assert_int_equal(sign_with(secret, blob.data, blob.len, pass, &sig,
	    &e), 0);
	assert_true(verifies(pub, &sig, "surat"));
	assert_false(verifies(pub, &sig, "surah"));
	assert_non_null(inside = keys_holder_public(blob.data, blob.len));
	assert_int_equal(EVP_PKEY_eq(inside, pub), 1);
	EVP_PKEY_free(inside);
	buf_cleanup(&sig);
}

static void
wrong_passphrase_or_secret_refused(void **state)
{
	unsigned char other[HOLDER_SECRET_LEN];
	struct buf sig;
	struct err e = { 0 };

	(void)state;
	buf_init(&sig, 1024);
	assert_int_equal(sign_with(secret, blob.data, blob.len,
	    "Kopi tubruk di Yogyakarta, ☕ 2025", &sig, &e), -1);
	assert_int_equal(e.code, ERR_WRONG_PASSPHRASE);
	assert_int_equal(sig.len, 0);
	memset(other, 0x5b, sizeof(other));
	memset(&e, 0, sizeof(e));
	assert_int_equal(sign_with(other, blob.data, blob.len, pass, &sig, &e),
	    -1);
	assert_int_equal(e.code, ERR_WRONG_PASSPHRASE);
	buf_cleanup(&sig);
}

static void
tampering_refused(void **state)
{
	/* salt, tag, public key, ciphertext */
	size_t at[4] = { 6, 4 + 1 + 16 + 12 + 3, 4 + 1 + 16 + 12 + 16 + 2 + 30,
	    0 };
	struct buf copy, sig;
	struct err e;
	size_t i;

	(void)state;
	at[3] = blob.len - 5;
	for (i = 0; i < 4; i++) {
		buf_init(&copy, 1 << 16);
		buf_init(&sig, 1024);
		buf_add(&copy, blob.data, blob.len);
		copy.data[at[i]] ^= 0x01;
		memset(&e, 0, sizeof(e));
		if (sign_with(secret, copy.data, copy.len, pass, &sig, &e) != -1)
			fail_msg("a blob changed at octet %zu still signs", at[i]);
		buf_cleanup(&copy);
		buf_cleanup(&sig);
	}
	/* Truncated and foreign blobs are refused without a KDF run. */
	memset(&e, 0, sizeof(e));
	buf_init(&sig, 1024);
	assert_int_equal(sign_with(secret, blob.data, 40, pass, &sig, &e), -1);
	assert_int_equal(sign_with(secret, (const unsigned char *)"XXXX", 4,
	    pass, &sig, &e), -1);
	buf_cleanup(&sig);
}

static void
passphrase_not_in_blob(void **state)
{
	(void)state;
	assert_null(memmem(blob.data, blob.len, pass, strlen(pass)));
	assert_null(memmem(blob.data, blob.len, "Yogyakarta", 10));
}

static void
rsa_key_wraps_too(void **state)
{
	struct buf w, sig;
	struct err e = { 0 };
	EVP_PKEY *k;

	(void)state;
	buf_init(&w, 1 << 16);
	buf_init(&sig, 1024);
	assert_non_null(k = keys_holder_create(secret, "passphrase rsa",
	    KEYS_RSA2048, &w, &e));
	assert_int_equal(EVP_PKEY_get_bits(k), 2048);
	assert_int_equal(sign_with(secret, w.data, w.len, "passphrase rsa",
	    &sig, &e), 0);
	assert_true(verifies(k, &sig, "surat"));
	EVP_PKEY_free(k);
	buf_cleanup(&w);
	buf_cleanup(&sig);
}

/* DESIGN §6: the same passphrase within the warm time opens without a
 * KDF; anything else does not. */
static void
warm_cache(void **state)
{
	struct keys_holder_key *k;
	struct buf sig;
	struct err e = { 0 };
	unsigned char other[4096];

	(void)state;
	buf_init(&sig, 1024);
	keys_holder_cache_ttl(300);
	assert_null(keys_holder_open_warm(7, blob.data, blob.len, pass));
	assert_non_null(k = keys_holder_open(7, secret, blob.data, blob.len,
	    pass, &e));
	keys_holder_close(k);
	/* Warm: signs, and the signature is the holder's. */
	assert_non_null(k = keys_holder_open_warm(7, blob.data, blob.len,
	    pass));
	assert_int_equal(keys_holder_key_sign(k, (const unsigned char *)
	    "surat", 5, &sig, &e), 0);
	keys_holder_close(k);
	assert_true(verifies(pub, &sig, "surat"));
	/* Another passphrase, holder or blob: cold. */
	assert_null(keys_holder_open_warm(7, blob.data, blob.len, "Bukan "
	    "passphrase ini"));
	assert_null(keys_holder_open_warm(8, blob.data, blob.len, pass));
	assert_true(blob.len <= sizeof(other));
	memcpy(other, blob.data, blob.len);
	other[blob.len - 1] ^= 1;
	assert_null(keys_holder_open_warm(7, other, blob.len, pass));
	/* Forgotten (revoked, suspended, renewed): cold again. */
	keys_holder_forget(7);
	assert_null(keys_holder_open_warm(7, blob.data, blob.len, pass));
	/* A wrong passphrase never warms anything. */
	assert_null(keys_holder_open(9, secret, blob.data, blob.len, "Salah "
	    "sekali passphrase", &e));
	assert_int_equal(e.code, ERR_WRONG_PASSPHRASE);
	assert_null(keys_holder_open_warm(9, blob.data, blob.len, "Salah "
	    "sekali passphrase"));
	/* Off: nothing stays. */
	keys_holder_cache_ttl(0);
	keys_holder_close(keys_holder_open(7, secret, blob.data, blob.len,
	    pass, &e));
	assert_null(keys_holder_open_warm(7, blob.data, blob.len, pass));
	buf_cleanup(&sig);
}

int
run_keys_holder_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(right_passphrase_signs),
		cmocka_unit_test(warm_cache),
		cmocka_unit_test(wrong_passphrase_or_secret_refused),
		cmocka_unit_test(tampering_refused),
		cmocka_unit_test(passphrase_not_in_blob),
		cmocka_unit_test(rsa_key_wraps_too),
	};

	return cmocka_run_group_tests_name("keys_holder", tests, setup,
	    teardown);
}
