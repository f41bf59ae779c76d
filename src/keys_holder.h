/*
 * keys_holder.h - holders' private keys, part of the key wall (DESIGN
 * §6). A holder key exists outside this module only wrapped; callers
 * pass the wrapped blob and the passphrase and get a signature back.
 */
#ifndef SERTEL_KEYS_HOLDER_H
#define SERTEL_KEYS_HOLDER_H

#include <openssl/evp.h>

#include "keys.h"
#include "util.h"

#define HOLDER_SECRET_LEN	32

/* dir/secrets/holder.key (0600), made on first use. */
int	keys_holder_secret(const char *dir, unsigned char out[HOLDER_SECRET_LEN],
	    struct err *);
/* Generates a key pair, wraps the private key under passphrase and the
 * server secret into wrapped, and returns the public key. */
EVP_PKEY *keys_holder_create(const unsigned char *secret, const char *passphrase,
	    enum keys_alg, struct buf *wrapped, struct err *);
/* Unwraps with passphrase (ERR_WRONG_PASSPHRASE when it does not open),
 * signs data with the key's digest, wipes the key. */
int	keys_holder_sign(const unsigned char *secret, const unsigned char *wrapped,
	    size_t wrappedlen, const char *passphrase, const unsigned char *data,
	    size_t len, struct buf *sig, struct err *);
/* The public key inside a wrapped blob, without the passphrase. */
EVP_PKEY *keys_holder_public(const unsigned char *wrapped, size_t len);

#endif
