/*
 * keys_holder.c - wrapping holders' private keys.
 *
 * A blob is: "SHK1" | alg (1 octet) | salt (16) | nonce (12) | tag (16) |
 * length of the public key DER (2) | public key DER | AES-256-GCM
 * ciphertext of the private key's PKCS#8 DER. The key-encryption key is
 * HMAC-SHA-256(server secret, Argon2id(passphrase, salt; 3 passes,
 * 64 MiB)): the passphrase alone cannot open a stolen database, nor the
 * server secret alone. Everything before the ciphertext is
 * authenticated as GCM's additional data, so a blob cannot be spliced.
 * The passphrase is never stored; the unwrapped key lives only for one
 * signature and is wiped (OPENSSL_cleanse, EVP_PKEY_free).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "keys_holder.h"

#define MAGIC		"SHK1"
#define SALT_LEN	16
#define NONCE_LEN	12
#define TAG_LEN		16
#define HDR_LEN		(4 + 1 + SALT_LEN + NONCE_LEN + TAG_LEN + 2)
#define KDF_OPS		3
#define KDF_MEM		(64u << 20)

int
keys_holder_secret(const char *dir, unsigned char out[HOLDER_SECRET_LEN],
    struct err *e)
{
	return secret_file(dir, "holder.key", out, HOLDER_SECRET_LEN,
	    SECRET_LOAD_OR_NEW, e);
}

static int
kek(const unsigned char *secret, const char *pass, const unsigned char *salt,
    unsigned char out[32])
{
	unsigned char stretched[32];
	unsigned int n = 0;
	int r = -1;

	if (crypto_pwhash(stretched, sizeof(stretched), pass, strlen(pass),
	    salt, KDF_OPS, KDF_MEM, crypto_pwhash_ALG_ARGON2ID13) == 0 &&
	    HMAC(EVP_sha256(), secret, HOLDER_SECRET_LEN, stretched,
	    sizeof(stretched), out, &n) != NULL)
		r = 0;
	OPENSSL_cleanse(stretched, sizeof(stretched));
	return r;
}

static EVP_PKEY *
gen(enum keys_alg alg)
{
	switch (alg) {
	case KEYS_RSA2048:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	case KEYS_RSA3072:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	case KEYS_RSA4096:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
	case KEYS_P256:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	case KEYS_P384:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	}
	return NULL;
}

EVP_PKEY *
keys_holder_create(const unsigned char *secret, const char *pass,
    enum keys_alg alg, struct buf *out, struct err *e)
{
	unsigned char k[32], *p8 = NULL, *pub = NULL, hdr[HDR_LEN];
	EVP_PKEY *key = NULL, *ret = NULL;
	EVP_CIPHER_CTX *c = NULL;
	PKCS8_PRIV_KEY_INFO *pki = NULL;
	const unsigned char *pp;
	int p8len = 0, publen = 0, n = 0, fin = 0;

	if ((key = gen(alg)) == NULL) {
		err_ssl(e, ERR_KEYS, "holder key generation");
		goto out;
	}
	if ((pki = EVP_PKEY2PKCS8(key)) == NULL ||
	    (p8len = i2d_PKCS8_PRIV_KEY_INFO(pki, &p8)) <= 0 ||
	    (publen = i2d_PUBKEY(key, &pub)) <= 0 || publen > 0xffff) {
		err_ssl(e, ERR_KEYS, "holder key encoding");
		goto out;
	}
	memcpy(hdr, MAGIC, 4);
	hdr[4] = (unsigned char)alg;
	if (RAND_bytes(hdr + 5, SALT_LEN + NONCE_LEN) != 1) {
		err_set(e, ERR_INTERNAL, "random");
		goto out;
	}
	hdr[HDR_LEN - 2] = (unsigned char)(publen >> 8);
	hdr[HDR_LEN - 1] = (unsigned char)publen;
	if (kek(secret, pass, hdr + 5, k) == -1) {
		err_set(e, ERR_KEYS, "key derivation");
		goto out;
	}
	out->len = 0;
	if (buf_add(out, hdr, HDR_LEN) == -1 || buf_add(out, pub,
	    (size_t)publen) == -1 || buf_reserve(out, (size_t)p8len + 16) == -1) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	/* AAD: magic, algorithm, salt, nonce, the public key's length and
	 * the public key (everything but the tag itself). */
	if ((c = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, k, hdr + 5 +
	    SALT_LEN) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &n, hdr, 5 + SALT_LEN + NONCE_LEN) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &n, hdr + HDR_LEN - 2, 2) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &n, pub, publen) != 1 ||
	    EVP_EncryptUpdate(c, out->data + out->len, &n, p8, p8len) != 1 ||
	    EVP_EncryptFinal_ex(c, out->data + out->len + n, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, out->data +
	    5 + SALT_LEN + NONCE_LEN) != 1) {
		err_ssl(e, ERR_KEYS, "wrapping");
		goto out;
	}
	out->len += (size_t)n + (size_t)fin;
	pp = pub;
	ret = d2i_PUBKEY(NULL, &pp, publen);
out:
	OPENSSL_cleanse(k, sizeof(k));
	if (p8 != NULL) {
		OPENSSL_cleanse(p8, (size_t)p8len);
		OPENSSL_free(p8);
	}
	OPENSSL_free(pub);
	PKCS8_PRIV_KEY_INFO_free(pki);
	EVP_CIPHER_CTX_free(c);
	EVP_PKEY_free(key);
	return ret;
}

EVP_PKEY *
keys_holder_public(const unsigned char *w, size_t len)
{
	const unsigned char *p;
	size_t publen;

	if (len < HDR_LEN || memcmp(w, MAGIC, 4) != 0)
		return NULL;
	publen = (size_t)w[HDR_LEN - 2] << 8 | w[HDR_LEN - 1];
	if (HDR_LEN + publen > len)
		return NULL;
	p = w + HDR_LEN;
	return d2i_PUBKEY(NULL, &p, (long)publen);
}

int
keys_holder_sign(const unsigned char *secret, const unsigned char *w,
    size_t len, const char *pass, const unsigned char *data, size_t dlen,
    struct buf *sig, struct err *e)
{
	unsigned char k[32], *p8 = NULL;
	const unsigned char *pp;
	EVP_CIPHER_CTX *c = NULL;
	EVP_MD_CTX *m = NULL;
	PKCS8_PRIV_KEY_INFO *pki = NULL;
	EVP_PKEY *key = NULL;
	const EVP_MD *md;
	size_t publen, ctlen, slen = 0;
	int n = 0, fin = 0, r = -1;

	if (len < HDR_LEN || memcmp(w, MAGIC, 4) != 0)
		return err_set(e, ERR_KEYS, "not a wrapped holder key");
	publen = (size_t)w[HDR_LEN - 2] << 8 | w[HDR_LEN - 1];
	if (HDR_LEN + publen >= len)
		return err_set(e, ERR_KEYS, "truncated holder key");
	ctlen = len - HDR_LEN - publen;
	if ((p8 = OPENSSL_malloc(ctlen + 16)) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (kek(secret, pass, w + 5, k) == -1) {
		err_set(e, ERR_KEYS, "key derivation");
		goto out;
	}
	if ((c = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, k, w + 5 +
	    SALT_LEN) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &n, w, 5 + SALT_LEN + NONCE_LEN) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &n, w + HDR_LEN - 2, 2) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &n, w + HDR_LEN, (int)publen) != 1 ||
	    EVP_DecryptUpdate(c, p8, &n, w + HDR_LEN + publen,
	    (int)ctlen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
	    (void *)(w + 5 + SALT_LEN + NONCE_LEN)) != 1) {
		err_ssl(e, ERR_KEYS, "unwrapping");
		goto out;
	}
	if (EVP_DecryptFinal_ex(c, p8 + n, &fin) != 1) {
		/* GCM refuses: the passphrase (or the blob) is wrong. */
		ERR_clear_error();
		err_set(e, ERR_WRONG_PASSPHRASE, "passphrase does not open "
		    "the key");
		goto out;
	}
	pp = p8;
	if ((pki = d2i_PKCS8_PRIV_KEY_INFO(NULL, &pp, n + fin)) == NULL ||
	    (key = EVP_PKCS82PKEY(pki)) == NULL) {
		err_ssl(e, ERR_KEYS, "unwrapped key");
		goto out;
	}
	md = EVP_PKEY_is_a(key, "EC") && EVP_PKEY_get_bits(key) > 256 ?
	    EVP_sha384() : EVP_sha256();
	if ((m = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(m, NULL, md, NULL, key) != 1 ||
	    EVP_DigestSign(m, NULL, &slen, data, dlen) != 1 ||
	    buf_reserve(sig, slen) == -1 ||
	    EVP_DigestSign(m, sig->data + sig->len, &slen, data, dlen) != 1) {
		err_ssl(e, ERR_KEYS, "holder signature");
		goto out;
	}
	sig->len += slen;
	r = 0;
out:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(p8, ctlen + 16);
	OPENSSL_free(p8);
	PKCS8_PRIV_KEY_INFO_free(pki);
	EVP_PKEY_free(key);
	EVP_MD_CTX_free(m);
	EVP_CIPHER_CTX_free(c);
	return r;
}
