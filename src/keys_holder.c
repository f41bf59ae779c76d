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
 * The passphrase is never stored; the unwrapped key lives for the
 * signatures of one request (keys_holder_open ... keys_holder_close), or
 * a few minutes in the warm cache below, and is wiped (OPENSSL_cleanse,
 * EVP_PKEY_free).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
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

/* ---- an opened key ---- */

struct keys_holder_key {
	EVP_PKEY	*pkey;
};

static struct keys_holder_key *
key_new(EVP_PKEY *pkey)
{
	struct keys_holder_key *k = OPENSSL_zalloc(sizeof(*k));

	if (k != NULL)
		k->pkey = pkey;
	return k;
}

void
keys_holder_close(struct keys_holder_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);		/* OpenSSL cleanses key material */
	OPENSSL_free(k);
}

/* Unwraps with the passphrase: Argon2id, then AES-256-GCM. */
static EVP_PKEY *
unwrap(const unsigned char *secret, const unsigned char *w, size_t len,
    const char *pass, struct err *e)
{
	unsigned char k[32], *p8 = NULL;
	const unsigned char *pp;
	EVP_CIPHER_CTX *c = NULL;
	PKCS8_PRIV_KEY_INFO *pki = NULL;
	EVP_PKEY *key = NULL;
	size_t publen, ctlen;
	int n = 0, fin = 0;

	if (len < HDR_LEN || memcmp(w, MAGIC, 4) != 0) {
		err_set(e, ERR_KEYS, "not a wrapped holder key");
		return NULL;
	}
	publen = (size_t)w[HDR_LEN - 2] << 8 | w[HDR_LEN - 1];
	if (HDR_LEN + publen >= len) {
		err_set(e, ERR_KEYS, "truncated holder key");
		return NULL;
	}
	ctlen = len - HDR_LEN - publen;
	if ((p8 = OPENSSL_malloc(ctlen + 16)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
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
	    (key = EVP_PKCS82PKEY(pki)) == NULL)
		err_ssl(e, ERR_KEYS, "unwrapped key");
out:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(p8, ctlen + 16);
	OPENSSL_free(p8);
	PKCS8_PRIV_KEY_INFO_free(pki);
	EVP_CIPHER_CTX_free(c);
	return key;
}

int
keys_holder_key_sign(struct keys_holder_key *k, const unsigned char *data,
    size_t dlen, struct buf *sig, struct err *e)
{
	EVP_MD_CTX *m;
	const EVP_MD *md;
	size_t slen = 0;
	int r = -1;

	md = EVP_PKEY_is_a(k->pkey, "EC") && EVP_PKEY_get_bits(k->pkey) > 256 ?
	    EVP_sha384() : EVP_sha256();
	if ((m = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(m, NULL, md, NULL, k->pkey) != 1 ||
	    EVP_DigestSign(m, NULL, &slen, data, dlen) != 1 ||
	    buf_reserve(sig, slen) == -1 ||
	    EVP_DigestSign(m, sig->data + sig->len, &slen, data, dlen) != 1)
		err_ssl(e, ERR_KEYS, "holder signature");
	else {
		sig->len += slen;
		r = 0;
	}
	EVP_MD_CTX_free(m);
	return r;
}

/* ---- the warm cache (DESIGN §6) ---- */

/*
 * Argon2id makes every cold signature cost ~0.3 s of a core. After a
 * successful unwrap the opened key may stay here for a short time
 * (holder.key_cache_seconds; 0: never), found again by the holder's id
 * and the SHA-256 of the wrapped blob (a new key is a new blob), and
 * released to a caller who shows the same passphrase: compared as
 * HMAC-SHA-256 under a random key of this process, never stored, in
 * constant time. Entries are dropped on expiry, on keys_holder_forget()
 * (revocation, suspension, renewal, a new passphrase, expiry of the
 * certificate) and at exit. The caller still checks the holder's status
 * in the database before every signature, so another process's stale
 * entry cannot sign for a revoked holder.
 */
#define WARM_MAX	1024

struct warm {
	long			 holder;
	unsigned char		 blob[32];
	unsigned char		 mac[32];
	time_t			 until;
	EVP_PKEY		*pkey;
};

static pthread_mutex_t warm_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct warm warm[WARM_MAX];
static unsigned char warm_key[32];
static int warm_keyed;
static long warm_ttl;

void
keys_holder_cache_ttl(long seconds)
{
	pthread_mutex_lock(&warm_mtx);
	warm_ttl = seconds > 0 ? seconds : 0;
	pthread_mutex_unlock(&warm_mtx);
	if (seconds <= 0)
		keys_holder_forget(0);
}

static void
warm_drop(struct warm *x)
{
	EVP_PKEY_free(x->pkey);
	OPENSSL_cleanse(x, sizeof(*x));
}

void
keys_holder_forget(long holder)
{
	size_t i;

	pthread_mutex_lock(&warm_mtx);
	for (i = 0; i < WARM_MAX; i++)
		if (warm[i].pkey != NULL && (holder == 0 ||
		    warm[i].holder == holder))
			warm_drop(&warm[i]);
	pthread_mutex_unlock(&warm_mtx);
}

/* Needs warm_mtx. */
static int
warm_macs(const unsigned char *w, size_t wlen, const char *pass,
    unsigned char blob[32], unsigned char mac[32])
{
	unsigned int ml = 32;

	if (!warm_keyed) {
		if (RAND_bytes(warm_key, sizeof(warm_key)) != 1)
			return -1;
		warm_keyed = 1;
	}
	return SHA256(w, wlen, blob) == NULL || HMAC(EVP_sha256(), warm_key,
	    sizeof(warm_key), (const unsigned char *)pass, strlen(pass), mac,
	    &ml) == NULL ? -1 : 0;
}

struct keys_holder_key *
keys_holder_open_warm(long holder, const unsigned char *w, size_t wlen,
    const char *pass)
{
	unsigned char blob[32], mac[32];
	struct keys_holder_key *k = NULL;
	time_t now = now_utc();
	size_t i;

	pthread_mutex_lock(&warm_mtx);
	if (warm_ttl == 0 || warm_macs(w, wlen, pass != NULL ? pass : "", blob,
	    mac) == -1)
		goto out;
	for (i = 0; i < WARM_MAX; i++) {
		if (warm[i].pkey == NULL || warm[i].holder != holder)
			continue;
		if (warm[i].until <= now) {
			warm_drop(&warm[i]);
			continue;
		}
		if (CRYPTO_memcmp(warm[i].blob, blob, 32) == 0 &&
		    (pass == NULL || CRYPTO_memcmp(warm[i].mac, mac, 32) == 0) &&
		    EVP_PKEY_up_ref(warm[i].pkey) == 1 &&
		    (k = key_new(warm[i].pkey)) == NULL)
			EVP_PKEY_free(warm[i].pkey);
		break;
	}
out:
	pthread_mutex_unlock(&warm_mtx);
	OPENSSL_cleanse(mac, sizeof(mac));
	return k;
}

static void
warm_put(long holder, const unsigned char *w, size_t wlen, const char *pass,
    EVP_PKEY *pkey)
{
	unsigned char blob[32], mac[32];
	time_t now = now_utc();
	size_t i, slot = WARM_MAX;

	pthread_mutex_lock(&warm_mtx);
	if (warm_ttl == 0 || holder <= 0 || warm_macs(w, wlen, pass, blob,
	    mac) == -1)
		goto out;
	/* The holder's old entry, a free or dead slot, or the oldest. */
	for (i = 0; i < WARM_MAX; i++) {
		if (warm[i].pkey != NULL && warm[i].holder == holder) {
			slot = i;
			break;
		}
		if (warm[i].pkey == NULL || warm[i].until <= now)
			slot = slot == WARM_MAX ? i : slot;
	}
	if (slot == WARM_MAX)
		for (slot = 0, i = 1; i < WARM_MAX; i++)
			if (warm[i].until < warm[slot].until)
				slot = i;
	if (warm[slot].pkey != NULL)
		warm_drop(&warm[slot]);
	if (EVP_PKEY_up_ref(pkey) != 1)
		goto out;
	warm[slot].holder = holder;
	memcpy(warm[slot].blob, blob, 32);
	memcpy(warm[slot].mac, mac, 32);
	warm[slot].until = now + warm_ttl;
	warm[slot].pkey = pkey;
out:
	pthread_mutex_unlock(&warm_mtx);
	OPENSSL_cleanse(mac, sizeof(mac));
}

struct keys_holder_key *
keys_holder_open(long holder, const unsigned char *secret,
    const unsigned char *w, size_t wlen, const char *pass, struct err *e)
{
	EVP_PKEY *pkey;
	struct keys_holder_key *k;

	if ((pkey = unwrap(secret, w, wlen, pass, e)) == NULL)
		return NULL;
	warm_put(holder, w, wlen, pass, pkey);
	if ((k = key_new(pkey)) == NULL) {
		EVP_PKEY_free(pkey);
		err_set(e, ERR_INTERNAL, "out of memory");
	}
	return k;
}

int
keys_holder_sign(const unsigned char *secret, const unsigned char *w,
    size_t len, const char *pass, const unsigned char *data, size_t dlen,
    struct buf *sig, struct err *e)
{
	struct keys_holder_key *k;
	int r;

	if ((k = keys_holder_open(0, secret, w, len, pass, e)) == NULL)
		return -1;
	r = keys_holder_key_sign(k, data, dlen, sig, e);
	keys_holder_close(k);
	return r;
}
