/*
 * keys.h - the key wall. Nothing outside keys.c touches a private key:
 * callers name a key and a purpose and get signature bytes back
 * (acme-client's keyproc is the model). Today the wall runs in-process;
 * the interface is a message-sized one so that it can move behind a
 * socketpair into its own process without changing callers.
 */
#ifndef SERTEL_KEYS_H
#define SERTEL_KEYS_H

#include <openssl/evp.h>
#include "util.h"

enum keys_alg {
	KEYS_RSA2048, KEYS_RSA3072, KEYS_RSA4096, KEYS_P256, KEYS_P384
};

/* What a signature is for; each key may serve only its own purposes. */
enum keys_purpose {
	KEYS_FOR_CERT	= 1 << 0,	/* to-be-signed certificates */
	KEYS_FOR_CRL	= 1 << 1,
	KEYS_FOR_OCSP	= 1 << 2,
	KEYS_FOR_TSA	= 1 << 3,
};

struct keys;

int		 keys_alg_parse(const char *, enum keys_alg *);
const char	*keys_alg_name(enum keys_alg);

/*
 * Creates the key store in dir/keys: a random key-store passphrase in a
 * 0600 file. Fails if one exists.
 */
int		 keys_store_create(const char *dir, struct err *);
/* Generates key id, stores it encrypted (PKCS#8, AES-256), returns its
 * public half. purposes is a mask of keys_purpose. */
EVP_PKEY	*keys_generate(const char *dir, const char *id,
		    enum keys_alg, unsigned purposes, struct err *);

/* Loads the named keys (NULL-terminated list) from dir/keys. */
struct keys	*keys_open(const char *dir, const char *const *ids,
		    struct err *);
void		 keys_free(struct keys *);

/* A new reference to a public-only copy of key id, or NULL. */
EVP_PKEY	*keys_public(struct keys *, const char *id);
/* The digest keys_sign uses with id (SHA-256, or SHA-384 for P-384). */
const EVP_MD	*keys_md(struct keys *, const char *id);
/* DER AlgorithmIdentifier of the signature keys_sign makes with id. */
int		 keys_sigalg(struct keys *, const char *id, struct buf *);
/* Signs data (hashing it with the key's digest) for purpose. */
int		 keys_sign(struct keys *, const char *id, enum keys_purpose,
		    const unsigned char *, size_t, struct buf *sig,
		    struct err *);

#endif
