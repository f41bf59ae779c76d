/*
 * keys.c - software keys for the CA hierarchy, in encrypted PKCS#8 files.
 *
 * dir/keys/keystore.pass (0600) holds a random passphrase; each key is
 * dir/keys/<id>.key, PKCS#8 encrypted with AES-256-CBC under PBKDF2 of
 * that passphrase, and dir/keys/<id>.purpose says what it may sign.
 * A key is decrypted once when the wall opens and lives only in this
 * file's memory; EVP_PKEY_free wipes it. The passphrase is wiped as soon
 * as the keys are loaded.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "keys.h"

#define KEYS_MAX	8
#define PASS_LEN	32

struct key {
	char		 id[32];
	EVP_PKEY	*pkey;
	unsigned	 purposes;
	const EVP_MD	*md;
};

struct keys {
	struct key	 k[KEYS_MAX];
	size_t		 n;
};

static const struct {
	enum keys_alg	 alg;
	const char	*name;
} algs[] = {
	{ KEYS_RSA2048, "rsa2048" }, { KEYS_RSA3072, "rsa3072" },
	{ KEYS_RSA4096, "rsa4096" }, { KEYS_P256, "p256" },
	{ KEYS_P384, "p384" },
};

int
keys_alg_parse(const char *s, enum keys_alg *out)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(s, algs[i].name) == 0) {
			*out = algs[i].alg;
			return 0;
		}
	return -1;
}

const char *
keys_alg_name(enum keys_alg a)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == a)
			return algs[i].name;
	return "?";
}

static int
key_path(char *out, size_t n, const char *dir, const char *id,
    const char *ext)
{
	int r = snprintf(out, n, "%s/keys/%s%s", dir, id, ext);

	return (r < 0 || (size_t)r >= n) ? -1 : 0;
}

static int
id_ok(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0 || n >= sizeof(((struct key *)0)->id))
		return 0;
	for (i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return 0;
	return 1;
}

int
keys_store_create(const char *dir, struct err *e)
{
	unsigned char raw[PASS_LEN];
	char path[PATH_MAX], hex[2 * PASS_LEN + 2];
	struct stat st;
	int r = -1;

	if (key_path(path, sizeof(path), dir, "", "") == -1)
		return err_set(e, ERR_CONFIG, "key store path too long");
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return err_set(e, ERR_KEYS, "mkdir %s: %s", path,
		    strerror(errno));
	if (key_path(path, sizeof(path), dir, "keystore.pass", "") == -1)
		return err_set(e, ERR_CONFIG, "key store path too long");
	if (stat(path, &st) == 0)
		return err_set(e, ERR_INSTANCE_EXISTS, "%s exists", path);
	if (RAND_priv_bytes(raw, sizeof(raw)) != 1)
		return err_ssl(e, ERR_KEYS, "random");
	hex_encode(raw, sizeof(raw), hex, sizeof(hex));
	if (file_write(path, hex, strlen(hex), 0600) == -1)
		err_set(e, ERR_KEYS, "cannot write %s", path);
	else
		r = 0;
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(hex, sizeof(hex));
	return r;
}

static int
read_pass(const char *dir, struct buf *pass, struct err *e)
{
	char path[PATH_MAX];
	struct stat st;

	if (key_path(path, sizeof(path), dir, "keystore.pass", "") == -1)
		return err_set(e, ERR_CONFIG, "key store path too long");
	if (stat(path, &st) == -1)
		return err_set(e, ERR_NO_INSTANCE, "no key store at %s", path);
	if ((st.st_mode & 077) != 0)
		return err_set(e, ERR_KEYS,
		    "%s must not be readable by group or others", path);
	if (file_read(path, pass, 256) == -1 || pass->len < 16)
		return err_set(e, ERR_KEYS, "cannot read %s", path);
	return 0;
}

static EVP_PKEY *
gen_pkey(enum keys_alg alg)
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

static EVP_PKEY *
public_copy(EVP_PKEY *k)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	EVP_PKEY *pub;
	int n;

	if ((n = i2d_PUBKEY(k, &der)) <= 0)
		return NULL;
	p = der;
	pub = d2i_PUBKEY(NULL, &p, n);
	OPENSSL_free(der);
	return pub;
}

EVP_PKEY *
keys_generate(const char *dir, const char *id, enum keys_alg alg,
    unsigned purposes, struct err *e)
{
	char path[PATH_MAX], pp[16];
	struct buf pass;
	EVP_PKEY *k = NULL, *pub = NULL;
	BIO *bio = NULL;
	BUF_MEM *mem;
	int n;

	buf_init(&pass, 0);
	if (!id_ok(id)) {
		err_set(e, ERR_CONFIG, "bad key id");
		goto out;
	}
	if (read_pass(dir, &pass, e) == -1)
		goto out;
	if ((k = gen_pkey(alg)) == NULL) {
		err_ssl(e, ERR_KEYS, "key generation");
		goto out;
	}
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_PKCS8PrivateKey(bio, k, EVP_aes_256_cbc(),
	    (const char *)pass.data, (int)pass.len, NULL, NULL)) {
		err_ssl(e, ERR_KEYS, "key encryption");
		goto out;
	}
	BIO_get_mem_ptr(bio, &mem);
	if (key_path(path, sizeof(path), dir, id, ".key") == -1 ||
	    file_write(path, mem->data, mem->length, 0600) == -1) {
		err_set(e, ERR_KEYS, "cannot write key %s", id);
		goto out;
	}
	n = snprintf(pp, sizeof(pp), "%u\n", purposes);
	if (key_path(path, sizeof(path), dir, id, ".purpose") == -1 ||
	    file_write(path, pp, (size_t)n, 0600) == -1) {
		err_set(e, ERR_KEYS, "cannot write key purpose %s", id);
		goto out;
	}
	if ((pub = public_copy(k)) == NULL)
		err_ssl(e, ERR_KEYS, "public key");
out:
	BIO_free(bio);
	EVP_PKEY_free(k);
	buf_cleanse(&pass);
	return pub;
}

static const EVP_MD *
md_for(EVP_PKEY *k)
{
	if (EVP_PKEY_is_a(k, "EC") && EVP_PKEY_get_bits(k) > 256)
		return EVP_sha384();
	return EVP_sha256();
}

struct keys *
keys_open(const char *dir, const char *const *ids, struct err *e)
{
	char path[PATH_MAX];
	struct keys *ks;
	struct buf pass, pem, pp;
	BIO *bio;
	long purposes;
	struct key *k;

	if ((ks = calloc(1, sizeof(*ks))) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	buf_init(&pass, 0);
	if (read_pass(dir, &pass, e) == -1)
		goto fail;
	for (; *ids != NULL; ids++) {
		if (ks->n == KEYS_MAX || !id_ok(*ids)) {
			err_set(e, ERR_KEYS, "bad key id");
			goto fail;
		}
		k = &ks->k[ks->n];
		if (key_path(path, sizeof(path), dir, *ids, ".key") == -1 ||
		    file_read(path, &pem, 64 * 1024) == -1) {
			err_set(e, ERR_KEYS, "cannot read key %s", *ids);
			goto fail;
		}
		bio = BIO_new_mem_buf(pem.data, (int)pem.len);
		k->pkey = bio == NULL ? NULL : PEM_read_bio_PrivateKey(bio,
		    NULL, NULL, pass.data);
		BIO_free(bio);
		buf_cleanse(&pem);
		if (k->pkey == NULL) {
			err_ssl(e, ERR_KEYS, "cannot decrypt key");
			goto fail;
		}
		if (key_path(path, sizeof(path), dir, *ids, ".purpose") == -1 ||
		    file_read(path, &pp, 64) == -1) {
			err_set(e, ERR_KEYS, "cannot read purpose of %s", *ids);
			goto fail;
		}
		while (pp.len > 0 && pp.data[pp.len - 1] == '\n')
			pp.data[--pp.len] = '\0';
		if (parse_long((char *)pp.data, 1, 255, &purposes) == -1) {
			buf_cleanup(&pp);
			err_set(e, ERR_KEYS, "bad purpose of %s", *ids);
			goto fail;
		}
		buf_cleanup(&pp);
		snprintf(k->id, sizeof(k->id), "%s", *ids);
		k->purposes = (unsigned)purposes;
		k->md = md_for(k->pkey);
		ks->n++;
	}
	buf_cleanse(&pass);
	return ks;
fail:
	buf_cleanse(&pass);
	keys_free(ks);
	return NULL;
}

void
keys_free(struct keys *ks)
{
	size_t i;

	if (ks == NULL)
		return;
	/* Every slot: a key that failed half-way through keys_open too. */
	for (i = 0; i < KEYS_MAX; i++)
		EVP_PKEY_free(ks->k[i].pkey);	/* clears key material */
	OPENSSL_cleanse(ks, sizeof(*ks));
	free(ks);
}

static struct key *
find(struct keys *ks, const char *id)
{
	size_t i;

	for (i = 0; ks != NULL && i < ks->n; i++)
		if (strcmp(ks->k[i].id, id) == 0)
			return &ks->k[i];
	return NULL;
}

EVP_PKEY *
keys_public(struct keys *ks, const char *id)
{
	struct key *k = find(ks, id);

	return k == NULL ? NULL : public_copy(k->pkey);
}

const EVP_MD *
keys_md(struct keys *ks, const char *id)
{
	struct key *k = find(ks, id);

	return k == NULL ? NULL : k->md;
}

int
keys_sigalg(struct keys *ks, const char *id, struct buf *out)
{
	struct key *k = find(ks, id);
	X509_ALGOR *a;
	int nid, r = -1;

	if (k == NULL)
		return -1;
	if (EVP_PKEY_is_a(k->pkey, "RSA"))
		nid = NID_sha256WithRSAEncryption;
	else if (k->md == EVP_sha384())
		nid = NID_ecdsa_with_SHA384;
	else
		nid = NID_ecdsa_with_SHA256;
	if ((a = X509_ALGOR_new()) == NULL)
		return -1;
	/* RFC 4055 §5: RSA keeps a NULL parameter; RFC 5758 §3.2: ECDSA
	 * omits it. */
	if (X509_ALGOR_set0(a, OBJ_nid2obj(nid),
	    nid == NID_sha256WithRSAEncryption ? V_ASN1_NULL : V_ASN1_UNDEF,
	    NULL) == 1) {
		int n = i2d_X509_ALGOR(a, NULL);
		if (n > 0 && buf_reserve(out, (size_t)n) == 0) {
			unsigned char *p = out->data + out->len;
			i2d_X509_ALGOR(a, &p);
			out->len += (size_t)n;
			r = 0;
		}
	}
	X509_ALGOR_free(a);
	return r;
}

int
keys_sign(struct keys *ks, const char *id, enum keys_purpose purpose,
    const unsigned char *data, size_t len, struct buf *sig, struct err *e)
{
	struct key *k = find(ks, id);
	EVP_MD_CTX *ctx = NULL;
	size_t n = 0;
	int r = -1;

	if (k == NULL)
		return err_set(e, ERR_KEYS, "key %s is not loaded", id);
	if ((k->purposes & (unsigned)purpose) == 0)
		return err_set(e, ERR_KEYS, "key %s may not sign this", id);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, k->md, NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, data, len) != 1 ||
	    buf_reserve(sig, n) == -1 ||
	    EVP_DigestSign(ctx, sig->data + sig->len, &n, data, len) != 1) {
		err_ssl(e, ERR_KEYS, "signature");
		goto out;
	}
	sig->len += n;
	r = 0;
out:
	EVP_MD_CTX_free(ctx);
	return r;
}
