/*
 * pdf_crypt.c - the standard security handler (ISO 32000-2 7.6.4) as far
 * as a signer needs it: derive the file key from the password that
 * opened the document, and encrypt the strings and streams of the
 * objects an incremental update adds or rewrites.
 *
 * qpdf decrypts what it reads but its C API neither hands out the key
 * nor encrypts single objects, and an incremental update must use the
 * document's own key (a new /Encrypt would orphan every older object).
 * So the key is derived here: algorithm 2 (MD5, revisions 2-4, from the
 * user password, which qpdf recovers from the owner password), 2.A with
 * the hash of 2.B (revision 6; plain SHA-256 for Adobe's revision 5)
 * for AES-256. The key is checked against /U (algorithms 4, 5, 11) so
 * that a wrong key can never produce objects other readers cannot
 * decrypt. Objects are encrypted with algorithm 1: a per-object key
 * from the file key, the object number and generation (and "sAlT" for
 * AES), or the file key itself for AESV3; RC4 for /V2, AES-CBC with a
 * random IV and PKCS#5 padding for /AESV2 and /AESV3 (7.6.3).
 *
 * RC4 is written out here: OpenSSL 3 keeps it in the legacy provider,
 * which a service should not have to load for this.
 */
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "pdf_crypt.h"

static const unsigned char pw_pad[32] = {
	0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e,
	0x56, 0xff, 0xfa, 0x01, 0x08, 0x2e, 0x2e, 0x00, 0xb6, 0xd0, 0x68,
	0x3e, 0x80, 0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a
};

/* RC4, which OpenSSL 3 keeps in its legacy provider only. */
static void
rc4(const unsigned char *key, size_t keylen, const unsigned char *in,
    size_t n, unsigned char *out)
{
	unsigned char s[256], t;
	size_t k;
	unsigned i, j;

	for (i = 0; i < 256; i++)
		s[i] = (unsigned char)i;
	for (i = j = 0; i < 256; i++) {
		j = (j + s[i] + key[i % keylen]) & 0xff;
		t = s[i];
		s[i] = s[j];
		s[j] = t;
	}
	for (k = 0, i = j = 0; k < n; k++) {
		i = (i + 1) & 0xff;
		j = (j + s[i]) & 0xff;
		t = s[i];
		s[i] = s[j];
		s[j] = t;
		out[k] = in[k] ^ s[(s[i] + s[j]) & 0xff];
	}
	OPENSSL_cleanse(s, sizeof(s));
}

/* AES-CBC without padding, one shot; enc 1 or 0. */
static int
aes_cbc_raw(const EVP_CIPHER *c, const unsigned char *key,
    const unsigned char *iv, const unsigned char *in, size_t n,
    unsigned char *out, int enc)
{
	EVP_CIPHER_CTX *x;
	int l1 = 0, l2 = 0, ok;

	if (n > INT_MAX || (x = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_CipherInit_ex(x, c, NULL, key, iv, enc) == 1 &&
	    EVP_CIPHER_CTX_set_padding(x, 0) == 1 &&
	    EVP_CipherUpdate(x, out, &l1, in, (int)n) == 1 &&
	    EVP_CipherFinal_ex(x, out + l1, &l2) == 1 &&
	    (size_t)(l1 + l2) == n;
	EVP_CIPHER_CTX_free(x);
	return ok ? 0 : -1;
}

/* Algorithm 2.B (ISO 32000-2 7.6.4.3.4): the R6 password hash; R5 is
 * the plain SHA-256 (Adobe extension level 3). */
static int
hash_2b(int r, const unsigned char *pw, size_t pwlen,
    const unsigned char *salt, const unsigned char *udata, size_t ulen,
    unsigned char out[32])
{
	unsigned char k[64], e[64 * (127 + 64 + 48)], *k1 = NULL;
	size_t klen = 32, k1len, seq, i;
	unsigned sum;
	int round, ret = -1;
	EVP_MD_CTX *m = NULL;
	const EVP_MD *md;
	unsigned int ol;

	if ((m = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(m, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(m, pw, pwlen) != 1 ||
	    EVP_DigestUpdate(m, salt, 8) != 1 ||
	    EVP_DigestUpdate(m, udata, ulen) != 1 ||
	    EVP_DigestFinal_ex(m, k, &ol) != 1)
		goto out;
	if (r == 5) {
		memcpy(out, k, 32);
		ret = 0;
		goto out;
	}
	k1 = e;	/* K1 is built in place, then encrypted into itself */
	for (round = 0;; round++) {
		seq = pwlen + klen + ulen;
		k1len = seq * 64;
		for (i = 0; i < 64; i++) {
			memcpy(k1 + i * seq, pw, pwlen);
			memcpy(k1 + i * seq + pwlen, k, klen);
			if (ulen > 0)
				memcpy(k1 + i * seq + pwlen + klen, udata, ulen);
		}
		if (aes_cbc_raw(EVP_aes_128_cbc(), k, k + 16, k1, k1len, e,
		    1) == -1)
			goto out;
		for (sum = 0, i = 0; i < 16; i++)
			sum += e[i];
		md = sum % 3 == 0 ? EVP_sha256() : sum % 3 == 1 ?
		    EVP_sha384() : EVP_sha512();
		if (EVP_Digest(e, k1len, k, &ol, md, NULL) != 1)
			goto out;
		klen = ol;
		if (round >= 63 && e[k1len - 1] <= (unsigned)(round + 1) - 32)
			break;
	}
	memcpy(out, k, 32);
	ret = 0;
out:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(e, sizeof(e));
	EVP_MD_CTX_free(m);
	return ret;
}

/* Per-object key (algorithm 1, 7.6.3.3); the file key itself for AESV3. */
static void
obj_key(const struct pdf_crypt *c, long long num, int gen, int aes,
    unsigned char *k, size_t *klen)
{
	unsigned char in[32 + 9], md[16];
	size_t n = c->keylen;

	if (c->v >= 5) {
		memcpy(k, c->key, 32);
		*klen = 32;
		return;
	}
	memcpy(in, c->key, n);
	in[n] = (unsigned char)num;
	in[n + 1] = (unsigned char)(num >> 8);
	in[n + 2] = (unsigned char)(num >> 16);
	in[n + 3] = (unsigned char)gen;
	in[n + 4] = (unsigned char)(gen >> 8);
	n += 5;
	if (aes) {
		memcpy(in + n, "sAlT", 4);
		n += 4;
	}
	EVP_Digest(in, n, md, NULL, EVP_md5(), NULL);
	*klen = c->keylen + 5 > 16 ? 16 : c->keylen + 5;
	memcpy(k, md, *klen);
	OPENSSL_cleanse(in, sizeof(in));
	OPENSSL_cleanse(md, sizeof(md));
}

int
pdf_crypt_encrypt(const struct pdf_crypt *cr, enum pdf_cfm m, long long num,
    int gen, const unsigned char *p, size_t n, struct buf *out)
{
	unsigned char k[32], iv[16], last[16];
	size_t kl, full, pad;
	const EVP_CIPHER *c;
	int ret = -1;

	if (m == PDF_CFM_NONE)
		return buf_add(out, p, n);
	obj_key(cr, num, gen, m != PDF_CFM_RC4, k, &kl);
	if (m == PDF_CFM_RC4) {
		if (buf_reserve(out, n) == -1)
			goto out;
		rc4(k, kl, p, n, out->data + out->len);
		out->len += n;
		ret = 0;
		goto out;
	}
	/* AES-CBC, a random IV first, PKCS#5 padding (7.6.3.2). */
	c = m == PDF_CFM_AESV3 ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
	full = n / 16 * 16;
	pad = 16 - (n - full);
	if (RAND_bytes(iv, sizeof(iv)) != 1 ||
	    buf_reserve(out, 16 + full + 16) == -1)
		goto out;
	memcpy(out->data + out->len, iv, 16);
	if (full > 0 && aes_cbc_raw(c, k, iv, p, full,
	    out->data + out->len + 16, 1) == -1)
		goto out;
	memcpy(last, p + full, n - full);
	memset(last + (n - full), (int)pad, pad);
	if (aes_cbc_raw(c, k, full > 0 ? out->data + out->len + full : iv,
	    last, 16, out->data + out->len + 16 + full, 1) == -1)
		goto out;
	out->len += 16 + full + 16;
	ret = 0;
out:
	OPENSSL_cleanse(k, sizeof(k));
	return ret;
}

/* Algorithms 2 and 2.A (7.6.4.3), checked against /U (4, 5, 11). */
int
pdf_crypt_init(struct pdf_crypt *c, const struct pdf_crypt_dict *dict,
    const unsigned char *id0, size_t id0len, const char *user_pw,
    const char *password, struct err *e)
{
	const char *upw;
	unsigned char h[32], md[16], x[32], pw[32], p4[4], iv[16];
	size_t pl, i;
	int j, ret = -1;
	EVP_MD_CTX *m = NULL;
	unsigned ml;

	memset(c, 0, sizeof(*c));
	memset(x, 0, sizeof(x));
	memset(pw, 0, sizeof(pw));
	memset(h, 0, sizeof(h));
	memset(md, 0, sizeof(md));
	if ((m = EVP_MD_CTX_new()) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (dict->r >= 2 && dict->r <= 4 && dict->v >= 1 && dict->v <= 4) {
		/* Algorithm 2, with the user password qpdf recovered (it
		 * does so from the owner password for these revisions). */
		c->keylen = dict->r == 2 ? 5 : dict->v == 4 ? 16 :
		    (size_t)(dict->length >= 40 && dict->length <= 128 ?
		    dict->length / 8 : 5);
		upw = user_pw != NULL ? user_pw : "";
		pl = strlen(upw);
		if (pl > 32)
			pl = 32;
		memcpy(pw, upw, pl);
		memcpy(pw + pl, pw_pad, 32 - pl);
		for (i = 0; i < 4; i++)
			p4[i] = (unsigned char)((unsigned long long)dict->p >>
			    (8 * i));
		if (dict->olen < 32 || dict->ulen < 32 ||
		    EVP_DigestInit_ex(m, EVP_md5(), NULL) != 1 ||
		    EVP_DigestUpdate(m, pw, 32) != 1 ||
		    EVP_DigestUpdate(m, dict->o, 32) != 1 ||
		    EVP_DigestUpdate(m, p4, 4) != 1 ||
		    EVP_DigestUpdate(m, id0, id0len) != 1 ||
		    (dict->r >= 4 && !dict->encrypt_metadata &&
		    EVP_DigestUpdate(m, "\xff\xff\xff\xff", 4) != 1) ||
		    EVP_DigestFinal_ex(m, md, &ml) != 1) {
			err_set(e, ERR_PDF_SIGN, "bad encryption dictionary");
			goto out;
		}
		if (dict->r >= 3)
			for (i = 0; i < 50; i++)
				EVP_Digest(md, c->keylen, md, &ml, EVP_md5(),
				    NULL);
		memcpy(c->key, md, c->keylen);
		/* Check the key against /U (algorithms 4 and 5). */
		if (dict->r == 2) {
			rc4(c->key, c->keylen, pw_pad, 32, x);
			if (memcmp(x, dict->u, 32) != 0)
				goto nokey;
		} else {
			unsigned char k2[16];

			if (EVP_DigestInit_ex(m, EVP_md5(), NULL) != 1 ||
			    EVP_DigestUpdate(m, pw_pad, 32) != 1 ||
			    EVP_DigestUpdate(m, id0, id0len) != 1 ||
			    EVP_DigestFinal_ex(m, x, &ml) != 1)
				goto nokey;
			for (j = 0; j < 20; j++) {
				for (i = 0; i < c->keylen; i++)
					k2[i] = c->key[i] ^ (unsigned char)j;
				rc4(k2, c->keylen, x, 16, x);
			}
			if (memcmp(x, dict->u, 16) != 0)
				goto nokey;
		}
		/* With the owner password, qpdf hands back a user password
		 * different from the one given. */
		c->owner = password != NULL && strcmp(password, upw) != 0;
	} else if ((dict->r == 5 || dict->r == 6) && dict->v == 5) {
		/* Algorithm 2.A: the owner password first, then the user
		 * password (qpdf does not recover one from the other). */
		const unsigned char *pwp = (const unsigned char *)
		    (password != NULL ? password : "");

		pl = strlen((const char *)pwp);
		if (pl > 127)
			pl = 127;
		if (dict->olen < 48 || dict->ulen < 48 || dict->oelen < 32 ||
		    dict->uelen < 32) {
			err_set(e, ERR_PDF_SIGN, "bad encryption dictionary");
			goto out;
		}
		memset(iv, 0, sizeof(iv));
		if (hash_2b(dict->r, pwp, pl, dict->o + 32, dict->u, 48,
		    h) == 0 && memcmp(h, dict->o, 32) == 0) {
			if (hash_2b(dict->r, pwp, pl, dict->o + 40, dict->u,
			    48, h) == -1 || aes_cbc_raw(EVP_aes_256_cbc(), h,
			    iv, dict->oe, 32, c->key, 0) == -1)
				goto nokey;
			c->owner = 1;
		} else if (hash_2b(dict->r, pwp, pl, dict->u + 32, NULL, 0,
		    h) == 0 && memcmp(h, dict->u, 32) == 0) {
			if (hash_2b(dict->r, pwp, pl, dict->u + 40, NULL, 0,
			    h) == -1 || aes_cbc_raw(EVP_aes_256_cbc(), h, iv,
			    dict->ue, 32, c->key, 0) == -1)
				goto nokey;
		} else
			goto nokey;
		c->keylen = 32;
	} else {
		err_set(e, ERR_PDF_SIGN, "unsupported encryption (V %d, R %d)",
		    dict->v, dict->r);
		goto out;
	}
	c->v = dict->v;
	c->stm = dict->stm;
	c->str = dict->str;
	ret = 0;
	goto out;
nokey:
	err_set(e, ERR_PDF_SIGN, "cannot derive the document's encryption "
	    "key");
out:
	if (ret == -1)
		OPENSSL_cleanse(c, sizeof(*c));
	OPENSSL_cleanse(x, sizeof(x));
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(h, sizeof(h));
	OPENSSL_cleanse(md, sizeof(md));
	EVP_MD_CTX_free(m);
	return ret;
}

void
pdf_crypt_cleanup(struct pdf_crypt *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
}
