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
/* An opened holder key: only this module sees inside. */
struct keys_holder_key;

/* Unwraps with passphrase (Argon2id: slow by design); ERR_WRONG_PASSPHRASE
 * when it does not open. A holder id > 0 keeps the key warm (below). */
struct keys_holder_key *keys_holder_open(long holder, const unsigned char *secret,
	    const unsigned char *wrapped, size_t wrappedlen, const char *passphrase,
	    struct err *);
/* The warm key of holder when passphrase is the one that opened it and
 * the blob is the same; NULL otherwise (then open it cold). No KDF.
 * passphrase NULL: the caller has authorised the holder otherwise (a
 * single-use TOTP sent to him, api_sign.c); only a warm key is found. */
struct keys_holder_key *keys_holder_open_warm(long holder,
	    const unsigned char *wrapped, size_t wrappedlen, const char *passphrase);
/* Signs data with the key's digest (SHA-256; SHA-384 for P-384). */
int	keys_holder_key_sign(struct keys_holder_key *, const unsigned char *data,
	    size_t len, struct buf *sig, struct err *);
/* Wipes and frees; NULL is fine. */
void	keys_holder_close(struct keys_holder_key *);
/* How long an opened key stays warm (0: not at all, the default). */
void	keys_holder_cache_ttl(long seconds);
/* Drops the holder's warm key (0: every one). */
void	keys_holder_forget(long holder);
/* open + sign + close, for one signature. */
int	keys_holder_sign(const unsigned char *secret, const unsigned char *wrapped,
	    size_t wrappedlen, const char *passphrase, const unsigned char *data,
	    size_t len, struct buf *sig, struct err *);
/* The public key inside a wrapped blob, without the passphrase. */
EVP_PKEY *keys_holder_public(const unsigned char *wrapped, size_t len);

#endif
