/*
 * helpers.c - temporary directories and cached keys for the unit suites.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static EVP_PKEY *keys[UNIT_KEY__COUNT];

int
unit_tmpdir(char *out, size_t outsz)
{
	const char *tmpl = "/tmp/sertel-unit-XXXXXX";

	if (strlen(tmpl) >= outsz)
		return -1;
	memcpy(out, tmpl, strlen(tmpl) + 1);
	return mkdtemp(out) == NULL ? -1 : 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

void
unit_rmtree(const char *dir)
{
	/* Only ever our own mkdtemp directories. */
	if (dir == NULL || strncmp(dir, "/tmp/sertel-unit-", 17) != 0)
		return;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static EVP_PKEY *
make(enum unit_key k)
{
	switch (k) {
	case UNIT_KEY_P256:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	case UNIT_KEY_P384:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	case UNIT_KEY_P521:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
	case UNIT_KEY_RSA1024:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	case UNIT_KEY_RSA2048:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	case UNIT_KEY_BRAINPOOL256:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "brainpoolP256r1");
	case UNIT_KEY_SECP256K1:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
	case UNIT_KEY_ED25519:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	default:
		return NULL;
	}
}

EVP_PKEY *
unit_key(enum unit_key k)
{
	if ((unsigned)k >= UNIT_KEY__COUNT)
		return NULL;
	if (keys[k] == NULL)
		keys[k] = make(k);
	return keys[k];
}

EVP_PKEY *
unit_key_p256_new(void)
{
	return make(UNIT_KEY_P256);
}

void
unit_keys_free(void)
{
	size_t i;

	for (i = 0; i < UNIT_KEY__COUNT; i++) {
		EVP_PKEY_free(keys[i]);
		keys[i] = NULL;
	}
}
