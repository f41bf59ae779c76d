/*
 * test_pdf_sign.c - the PAdES engine (pdf_sign.c) in process: what it
 * refuses and with which code (leaving the output untouched), the
 * /ByteRange and /Contents layout, CMS SignedData that OpenSSL verifies
 * over the covered bytes with the attributes PAdES wants (no
 * signing-time, ESS signing-certificate-v2), a second signature that
 * leaves the first one's bytes alone, the levels B-T (time-stamp
 * attribute), B-LT (DSS with VRI) and B-LTA (document time-stamp), the
 * visible appearance, encrypted and rotated documents.
 *
 * Everything is made here: a root, an issuing CA, signers (P-256 and
 * RSA-2048) and a TSA with OpenSSL's API; RFC 3161 tokens with
 * TS_RESP_create_response; CRLs as revocation data; small PDFs written
 * by hand and transformed with qpdf's C API (object streams,
 * encryption).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <png.h>
#include <qpdf/qpdf-c.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "pdf_sign.h"
#include "unit.h"

#define OUT_MAX		(64u << 20)
#define PADDING		40	/* certificates a big token carries */

static struct {
	EVP_PKEY	*root_key, *ca_key, *tsa_key;	/* owned */
	EVP_PKEY	*ec_key, *rsa_key;		/* borrowed (unit_key) */
	X509		*root, *ca, *tsa, *ec, *rsa;
	STACK_OF(X509)	*chain;		/* ca, root */
	STACK_OF(X509)	*tsa_chain;	/* root, and padding certificates */
	X509_STORE	*store;
	struct buf	 pdf;		/* 2 pages, classic xref */
	int		 rev_calls;
} g;

/* ---- certificates ---- */

static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX c;
	X509_EXTENSION *ex;
	int r;

	X509V3_set_ctx(&c, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if ((ex = X509V3_EXT_conf_nid(NULL, &c, nid, value)) == NULL)
		return -1;
	r = X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
	return r == 1 ? 0 : -1;
}

enum kind { K_ROOT, K_CA, K_LEAF, K_TSA };

static X509 *
mkcert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
    enum kind k)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	int ok;

	assert_non_null(x);
	assert_int_equal(RAND_bytes(serial, sizeof(serial)), 1);
	serial[0] &= 0x7f;
	serial[0] |= 0x01;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	ok = X509_set_version(x, 2) &&
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL &&
	    X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8,
	    (const unsigned char *)"ID", -1, -1, 0) &&
	    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)"Sertel Unit", -1, -1, 0) &&
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) &&
	    X509_set_subject_name(x, n) &&
	    X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : n) &&
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
	    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365) != NULL &&
	    X509_set_pubkey(x, key);
	BN_free(bn);
	X509_NAME_free(n);
	assert_true(ok);
	assert_int_equal(add_ext(x, issuer, NID_subject_key_identifier,
	    "hash"), 0);
	if (issuer != NULL)
		assert_int_equal(add_ext(x, issuer,
		    NID_authority_key_identifier, "keyid:always"), 0);
	switch (k) {
	case K_ROOT:
	case K_CA:
		assert_int_equal(add_ext(x, issuer, NID_basic_constraints,
		    "critical,CA:TRUE"), 0);
		assert_int_equal(add_ext(x, issuer, NID_key_usage,
		    "critical,keyCertSign,cRLSign"), 0);
		break;
	case K_LEAF:
		assert_int_equal(add_ext(x, issuer, NID_key_usage,
		    "critical,digitalSignature,nonRepudiation"), 0);
		break;
	case K_TSA:
		assert_int_equal(add_ext(x, issuer, NID_key_usage,
		    "critical,digitalSignature"), 0);
		assert_int_equal(add_ext(x, issuer, NID_ext_key_usage,
		    "critical,timeStamping"), 0);
		break;
	}
	assert_true(X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()) > 0);
	return x;
}

/* ---- callbacks ---- */

struct signer_ctx {
	EVP_PKEY	*key;
	X509		*cert;
	int		 extra_certs;	/* padding certificates in tokens */
	int		 bad;		/* 1: flip a bit; 2: fail with ERR_KEYS */
	int		 bad_ocsp;	/* revocation: garbage OCSP */
	int		 ts_calls, sign_calls;
};

static int
cb_sign(void *arg, const unsigned char *data, size_t len, struct buf *sig,
    struct err *e)
{
	struct signer_ctx *c = arg;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	size_t n = 0;
	int ok;

	c->sign_calls++;
	if (c->bad == 2) {
		EVP_MD_CTX_free(m);
		return err_set(e, ERR_KEYS, "key wall says no");
	}
	ok = m != NULL && EVP_DigestSignInit(m, NULL, pdf_sign_md(c->cert),
	    NULL, c->key) == 1 && EVP_DigestSign(m, NULL, &n, data, len) == 1 &&
	    buf_reserve(sig, n) == 0 &&
	    EVP_DigestSign(m, sig->data + sig->len, &n, data, len) == 1;
	EVP_MD_CTX_free(m);
	if (!ok)
		return err_set(e, ERR_KEYS, "sign");
	sig->len += n;
	if (c->bad == 1)
		sig->data[sig->len / 2] ^= 1;
	return 0;
}

/* An RFC 3161 token from the in-process TSA. */
static int
cb_timestamp(void *arg, const unsigned char *data, size_t len,
    struct buf *token, struct err *e)
{
	struct signer_ctx *c = arg;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	ASN1_OBJECT *pol = OBJ_txt2obj("1.3.6.1.4.1.99999.1", 1);
	STACK_OF(X509) *certs = sk_X509_new_null();
	BIO *b = BIO_new(BIO_s_mem());
	TS_RESP *resp = NULL;
	unsigned char h[32], *p = NULL;
	int i, n, ret = -1;

	c->ts_calls++;
	assert_int_equal(EVP_Digest(data, len, h, NULL, EVP_sha256(), NULL), 1);
	for (i = 0; i < sk_X509_num(g.tsa_chain) && i <= c->extra_certs; i++)
		sk_X509_push(certs, sk_X509_value(g.tsa_chain, i));
	if (X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL,
	    NULL) != 1 || TS_MSG_IMPRINT_set_algo(mi, alg) != 1 ||
	    TS_MSG_IMPRINT_set_msg(mi, h, 32) != 1 ||
	    TS_REQ_set_msg_imprint(req, mi) != 1 ||
	    TS_REQ_set_version(req, 1) != 1 ||
	    TS_REQ_set_cert_req(req, 1) != 1 || i2d_TS_REQ_bio(b, req) != 1 ||
	    TS_RESP_CTX_set_signer_cert(ctx, g.tsa) != 1 ||
	    TS_RESP_CTX_set_signer_key(ctx, g.tsa_key) != 1 ||
	    TS_RESP_CTX_set_def_policy(ctx, pol) != 1 ||
	    TS_RESP_CTX_add_md(ctx, EVP_sha256()) != 1 ||
	    TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256()) != 1 ||
	    TS_RESP_CTX_set_certs(ctx, certs) != 1 ||
	    (resp = TS_RESP_create_response(ctx, b)) == NULL ||
	    TS_RESP_get_token(resp) == NULL ||
	    (n = i2d_PKCS7(TS_RESP_get_token(resp), &p)) <= 0 ||
	    buf_add(token, p, (size_t)n) == -1) {
		err_ssl(e, ERR_UNAVAILABLE, "TSA");
		goto out;
	}
	ret = 0;
out:
	OPENSSL_free(p);
	TS_RESP_free(resp);
	TS_RESP_CTX_free(ctx);
	TS_REQ_free(req);
	TS_MSG_IMPRINT_free(mi);
	X509_ALGOR_free(alg);
	ASN1_OBJECT_free(pol);
	sk_X509_free(certs);
	BIO_free(b);
	return ret;
}

/* A fresh, empty CRL from the issuer. */
static int
cb_revocation(void *arg, X509 *cert, X509 *issuer, struct buf *ocsp,
    struct buf *crl, struct err *e)
{
	struct signer_ctx *c = arg;
	X509_CRL *x = X509_CRL_new();
	EVP_PKEY *key = NULL;
	ASN1_TIME *t0 = X509_gmtime_adj(NULL, 0), *t1 = X509_gmtime_adj(NULL,
	    86400);
	unsigned char *p = NULL;
	int n, ret = -1;

	(void)cert;
	g.rev_calls++;
	if (X509_cmp(issuer, g.root) == 0)
		key = g.root_key;
	else if (X509_cmp(issuer, g.ca) == 0)
		key = g.ca_key;
	if (key == NULL) {
		err_set(e, ERR_UNAVAILABLE, "unknown issuer");
		goto out;
	}
	if (c->bad_ocsp && buf_addstr(ocsp, "not an OCSP response") == -1)
		goto out;
	if (X509_CRL_set_version(x, 1) != 1 ||
	    X509_CRL_set_issuer_name(x, X509_get_subject_name(issuer)) != 1 ||
	    X509_CRL_set1_lastUpdate(x, t0) != 1 ||
	    X509_CRL_set1_nextUpdate(x, t1) != 1 ||
	    X509_CRL_sign(x, key, EVP_sha256()) <= 0 ||
	    (n = i2d_X509_CRL(x, &p)) <= 0 || buf_add(crl, p, (size_t)n) == -1) {
		err_ssl(e, ERR_UNAVAILABLE, "CRL");
		goto out;
	}
	ret = 0;
out:
	OPENSSL_free(p);
	ASN1_TIME_free(t0);
	ASN1_TIME_free(t1);
	X509_CRL_free(x);
	return ret;
}

static void
signer_for(struct pdf_signer *s, struct signer_ctx *c, int rsa)
{
	memset(s, 0, sizeof(*s));
	memset(c, 0, sizeof(*c));
	c->key = rsa ? g.rsa_key : g.ec_key;
	c->cert = rsa ? g.rsa : g.ec;
	s->cert = c->cert;
	s->chain = g.chain;
	s->sign = cb_sign;
	s->timestamp = cb_timestamp;
	s->revocation = cb_revocation;
	s->arg = c;
}

/* ---- PDFs ---- */

/* A minimal PDF with Helvetica text; extra entries for the catalog and
 * the pages (raw PDF syntax), a classic cross-reference table. */
static void
mkpdf(struct buf *b, int pages, const char *catalog, const char *page)
{
	size_t off[64];
	int i, n = 3 + 2 * pages, k;
	char content[160];

	assert_true(pages >= 1 && n < 64);
	buf_init(b, 1u << 20);
	assert_int_equal(buf_addstr(b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), 0);
	off[1] = b->len;
	buf_printf(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R %s >>\n"
	    "endobj\n", catalog != NULL ? catalog : "");
	off[2] = b->len;
	buf_printf(b, "2 0 obj\n<< /Type /Pages /Count %d /Kids [", pages);
	for (i = 0; i < pages; i++)
		buf_printf(b, "%d 0 R ", 3 + 2 * i);
	buf_addstr(b, "] >>\nendobj\n");
	for (i = 0; i < pages; i++) {
		k = 3 + 2 * i;
		off[k] = b->len;
		buf_printf(b, "%d 0 obj\n<< /Type /Page /Parent 2 0 R "
		    "/MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 "
		    "R >> >> /Contents %d 0 R %s >>\nendobj\n", k, n, k + 1,
		    page != NULL ? page : "");
		snprintf(content, sizeof(content), "BT /F1 12 Tf 72 700 Td "
		    "(Page %d: sign here ${ttd}) Tj ET", i + 1);
		off[k + 1] = b->len;
		buf_printf(b, "%d 0 obj\n<< /Length %zu >>\nstream\n%s\n"
		    "endstream\nendobj\n", k + 1, strlen(content), content);
	}
	off[n] = b->len;
	buf_printf(b, "%d 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont "
	    "/Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n", n);
	k = (int)b->len;
	buf_printf(b, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
	for (i = 1; i <= n; i++)
		buf_printf(b, "%010zu 00000 n \n", off[i]);
	assert_int_equal(buf_printf(b, "trailer\n<< /Size %d /Root 1 0 R >>\n"
	    "startxref\n%d\n%%%%EOF\n", n + 1, k), 0);
	assert_int_equal(buf_cstr(b), 0);
}

enum xform { X_OBJSTM, X_LINEAR, X_AES256, X_AES256_NOFORM, X_RC4 };

/* in rewritten by qpdf: object streams, linearized, or encrypted with
 * AES-256 or RC4-128 ("user"/"owner"). */
static void
qpdf_xform(const struct buf *in, enum xform how, struct buf *out)
{
	qpdf_data q = qpdf_init();

	qpdf_silence_errors(q);
	assert_int_equal(qpdf_read_memory(q, "t", (const char *)in->data,
	    in->len, NULL) & QPDF_ERRORS, 0);
	assert_int_equal(qpdf_init_write_memory(q) & QPDF_ERRORS, 0);
	if (how == X_OBJSTM)
		qpdf_set_object_stream_mode(q, qpdf_o_generate);
	else if (how == X_LINEAR)
		qpdf_set_linearization(q, 1);
	else if (how == X_RC4)
		qpdf_set_r3_encryption_parameters_insecure(q, "user", "owner",
		    1, 1, 1, 1, 1, 1, qpdf_r3p_full);
	else
		qpdf_set_r6_encryption_parameters2(q, "user", "owner", 1, 1, 1,
		    how == X_AES256, how == X_AES256, 1, qpdf_r3p_full, 1);
	assert_int_equal(qpdf_write(q) & QPDF_ERRORS, 0);
	buf_init(out, 1u << 22);
	assert_int_equal(buf_add(out, qpdf_get_buffer(q),
	    qpdf_get_buffer_length(q)), 0);
	qpdf_cleanup(&q);
}

/* A PNG of w x h with a diagonal band, transparent elsewhere. */
static void
mkpng(struct buf *b, int w, int h)
{
	png_image im;
	unsigned char *px = calloc((size_t)w * h, 4);
	png_alloc_size_t n = 0;
	int x, y;

	assert_non_null(px);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			if (abs(x * h / w - y) < h / 6) {
				px[4 * (y * w + x) + 2] = 200;
				px[4 * (y * w + x) + 3] = 255;
			}
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	im.width = (png_uint_32)w;
	im.height = (png_uint_32)h;
	im.format = PNG_FORMAT_RGBA;
	assert_true(png_image_write_to_memory(&im, NULL, &n, 0, px, 0, NULL));
	buf_init(b, n + 16);
	assert_int_equal(buf_reserve(b, n), 0);
	assert_true(png_image_write_to_memory(&im, b->data, &n, 0, px, 0,
	    NULL));
	b->len = n;
	free(px);
}

/* ---- reading results ---- */

struct sig {
	char	 name[64];
	long long br[4];
	double	 rect[4];
	int	 doc_ts;
};

/* The signed signature fields of a PDF, in /Fields order; qpdf must
 * read the file without a warning. */
static int
read_sigs(const struct buf *pdf, const char *password, struct sig *s,
    int max)
{
	qpdf_data q = qpdf_init();
	qpdf_oh f, fields, v, a;
	const char *t;
	size_t tl;
	int i, k, n = 0;

	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, 1);
	assert_int_equal(qpdf_read_memory(q, "out", (const char *)pdf->data,
	    pdf->len, password) & QPDF_ERRORS, 0);
	assert_int_equal(qpdf_check_pdf(q), 0);
	fields = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_root(q),
	    "/AcroForm"), "/Fields");
	assert_true(qpdf_oh_is_array(q, fields));
	assert_int_equal(qpdf_oh_get_int_value(q, qpdf_oh_get_key(q,
	    qpdf_oh_get_key(q, qpdf_get_root(q), "/AcroForm"), "/SigFlags")),
	    3);
	for (i = 0; i < qpdf_oh_get_array_n_items(q, fields) && n < max; i++) {
		f = qpdf_oh_get_array_item(q, fields, i);
		if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, f, "/FT"),
		    "/Sig") || !qpdf_oh_is_dictionary(q, qpdf_oh_get_key(q, f,
		    "/V")))
			continue;	/* not a signature, or not signed */
		memset(&s[n], 0, sizeof(s[n]));
		assert_true(qpdf_oh_get_value_as_utf8(q, qpdf_oh_get_key(q, f,
		    "/T"), &t, &tl));
		snprintf(s[n].name, sizeof(s[n].name), "%.*s", (int)tl, t);
		v = qpdf_oh_get_key(q, f, "/V");
		s[n].doc_ts = qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, v,
		    "/Type"), "/DocTimeStamp");
		a = qpdf_oh_get_key(q, v, "/ByteRange");
		for (k = 0; k < 4; k++)
			s[n].br[k] = qpdf_oh_get_int_value(q,
			    qpdf_oh_get_array_item(q, a, k));
		a = qpdf_oh_get_key(q, f, "/Rect");
		for (k = 0; k < 4; k++)
			s[n].rect[k] = qpdf_oh_get_numeric_value(q,
			    qpdf_oh_get_array_item(q, a, k));
		n++;
	}
	while (qpdf_more_warnings(q))
		fail_msg("qpdf: %s", qpdf_get_error_full_text(q,
		    qpdf_next_warning(q)));
	assert_false(qpdf_has_error(q));
	qpdf_cleanup(&q);
	return n;
}

/* Hex to octets, by hand: the /Contents of the file, not a parser's. */
static void
unhex(const unsigned char *p, size_t n, struct buf *out)
{
	size_t i;
	unsigned v, k;
	unsigned char c;

	buf_init(out, n / 2 + 1);
	for (i = 0; i + 1 < n; i += 2) {
		for (v = 0, k = 0; k < 2; k++) {
			c = p[i + k];
			v = v << 4 | (unsigned)(c <= '9' ? c - '0' :
			    (c | 0x20) - 'a' + 10);
		}
		c = (unsigned char)v;
		assert_int_equal(buf_add(out, &c, 1), 0);
	}
}

/* Contents (DER, trailing zero padding) and the covered bytes. */
static void
parts(const struct buf *pdf, const struct sig *s, struct buf *der,
    struct buf *covered)
{
	size_t lt = (size_t)s->br[1], gt = (size_t)s->br[2] - 1, i;

	assert_int_equal(s->br[0], 0);
	assert_true(s->br[2] + s->br[3] <= (long long)pdf->len);
	assert_int_equal(pdf->data[lt], '<');
	assert_int_equal(pdf->data[gt], '>');
	for (i = lt + 1; i < gt; i++)
		assert_non_null(memchr("0123456789ABCDEF", pdf->data[i], 16));
	unhex(pdf->data + lt + 1, gt - lt - 1, der);
	buf_init(covered, pdf->len);
	assert_int_equal(buf_add(covered, pdf->data, (size_t)s->br[1]), 0);
	assert_int_equal(buf_add(covered, pdf->data + s->br[2],
	    (size_t)s->br[3]), 0);
}

/* Verifies a CAdES signature over its covered bytes up to the root;
 * returns the CMS for further looks. */
static CMS_ContentInfo *
verify(const struct buf *pdf, const struct sig *s)
{
	struct buf der, cov;
	const unsigned char *p;
	CMS_ContentInfo *cms;
	BIO *b;

	parts(pdf, s, &der, &cov);
	p = der.data;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)der.len);
	assert_non_null(cms);
	/* the rest of the hole is zero padding */
	for (; p < der.data + der.len; p++)
		assert_int_equal(*p, 0);
	b = BIO_new_mem_buf(cov.data, (int)cov.len);
	if (CMS_verify(cms, NULL, g.store, b, NULL, CMS_BINARY) != 1) {
		ERR_print_errors_fp(stderr);
		fail_msg("CMS_verify failed for %s", s->name);
	}
	BIO_free(b);
	buf_cleanup(&der);
	buf_cleanup(&cov);
	return cms;
}

static void
sign_ok(const struct buf *in, const struct pdf_sign_opts *o,
    const struct pdf_signer *s, struct buf *out)
{
	struct err e = { 0 };

	buf_init(out, OUT_MAX);
	if (pdf_sign(in->data, in->len, o, s, out, &e) == -1)
		fail_msg("pdf_sign: %s: %s", err_info(e.code)->name, e.detail);
	assert_true(out->len > in->len);
	assert_memory_equal(out->data, in->data, in->len);
}

/* Refused with code, detail containing want, out untouched. */
static void
refused(const unsigned char *p, size_t n, const struct pdf_sign_opts *o,
    const struct pdf_signer *s, enum err_code code, const char *want)
{
	struct buf out;
	struct err e = { 0 };

	buf_init(&out, OUT_MAX);
	assert_int_equal(buf_addstr(&out, "keep"), 0);
	assert_int_equal(pdf_sign(p, n, o, s, &out, &e), -1);
	if (e.code != code || strstr(e.detail, want) == NULL)
		fail_msg("wanted %s '%s', got %s '%s'", err_info(code)->name,
		    want, err_info(e.code)->name, e.detail);
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "keep", 4);
	buf_cleanup(&out);
}

/* Whether s occurs in b from offset from on (binary-safe). */
static int
has(const struct buf *b, size_t from, const char *s)
{
	return from <= b->len &&
	    memmem(b->data + from, b->len - from, s, strlen(s)) != NULL;
}

/* ---- fixture ---- */

static int
setup(void **state)
{
	int i;
	EVP_PKEY *k;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.root_key = unit_key_p256_new();
	g.ca_key = unit_key_p256_new();
	g.tsa_key = unit_key_p256_new();
	g.ec_key = unit_key(UNIT_KEY_P256);
	g.rsa_key = unit_key(UNIT_KEY_RSA2048);
	if (g.root_key == NULL || g.ca_key == NULL || g.tsa_key == NULL ||
	    g.ec_key == NULL || g.rsa_key == NULL)
		return -1;
	g.root = mkcert(g.root_key, "Unit Root", NULL, NULL, K_ROOT);
	g.ca = mkcert(g.ca_key, "Unit Signing CA", g.root, g.root_key, K_CA);
	g.ec = mkcert(g.ec_key, "Budi Santoso", g.ca, g.ca_key, K_LEAF);
	g.rsa = mkcert(g.rsa_key, "Siti Rahma", g.ca, g.ca_key, K_LEAF);
	g.tsa = mkcert(g.tsa_key, "Unit TSA", g.root, g.root_key, K_TSA);
	g.chain = sk_X509_new_null();
	sk_X509_push(g.chain, g.ca);
	sk_X509_push(g.chain, g.root);
	/* the TSA's token carries the root, then as many padding
	 * certificates as a test asks for */
	g.tsa_chain = sk_X509_new_null();
	sk_X509_push(g.tsa_chain, g.root);
	for (i = 0; i < PADDING; i++) {
		k = unit_key(UNIT_KEY_P256);
		sk_X509_push(g.tsa_chain, mkcert(k, "Padding certificate with "
		    "a long name to take room", g.root, g.root_key, K_LEAF));
	}
	g.store = X509_STORE_new();
	X509_STORE_add_cert(g.store, g.root);
	mkpdf(&g.pdf, 2, NULL, NULL);
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	for (i = 1; i < sk_X509_num(g.tsa_chain); i++)
		X509_free(sk_X509_value(g.tsa_chain, i));
	sk_X509_free(g.tsa_chain);
	sk_X509_free(g.chain);
	X509_free(g.root);
	X509_free(g.ca);
	X509_free(g.ec);
	X509_free(g.rsa);
	X509_free(g.tsa);
	EVP_PKEY_free(g.root_key);
	EVP_PKEY_free(g.ca_key);
	EVP_PKEY_free(g.tsa_key);
	X509_STORE_free(g.store);
	buf_cleanup(&g.pdf);
	return 0;
}

/* ---- tests ---- */

static void
level_names(void **state)
{
	enum pdf_level l = PDF_LEVEL_BB;
	static const char *const names[] = { "B-B", "B-T", "B-LT", "B-LTA" };
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(pdf_level_parse(names[i], &l), 0);
		assert_int_equal(l, i);
		assert_string_equal(pdf_level_name(l), names[i]);
	}
	l = PDF_LEVEL_BT;
	assert_int_equal(pdf_level_parse("b-b", &l), -1);
	assert_int_equal(pdf_level_parse("B-LTA ", &l), -1);
	assert_int_equal(pdf_level_parse("", &l), -1);
	assert_int_equal(pdf_level_parse(NULL, &l), -1);
	assert_int_equal(l, PDF_LEVEL_BT);
	assert_string_equal(pdf_level_name((enum pdf_level)7), "?");
}

static void
refuses_bad_documents(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf b, out;
	struct err e = { 0 };
	struct sig sg[2];
	const char *p;
	size_t at;

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	refused(NULL, 0, &o, &s, ERR_PDF_INVALID, "empty");
	refused((const unsigned char *)"", 0, &o, &s, ERR_PDF_INVALID,
	    "empty");
	refused((const unsigned char *)"hello, world", 12, &o, &s,
	    ERR_PDF_INVALID, "not a PDF");
	refused((const unsigned char *)"%PDF-1.7\n", 9, &o, &s,
	    ERR_PDF_INVALID, "startxref");
	/* truncated in the middle: no startxref */
	refused(g.pdf.data, g.pdf.len / 2, &o, &s, ERR_PDF_INVALID,
	    "startxref");
	/* cut before its %%EOF line: startxref is still there, and the
	 * update starts on a line of its own */
	mkpdf(&b, 1, NULL, NULL);
	b.len -= 7;
	sign_ok(&b, &o, &s, &out);
	assert_int_equal(read_sigs(&out, NULL, sg, 2), 1);
	CMS_ContentInfo_free(verify(&out, &sg[0]));
	buf_cleanup(&out);
	buf_cleanup(&b);
	/* a startxref that points at the wrong place */
	mkpdf(&b, 1, NULL, NULL);
	p = strstr((const char *)b.data, "startxref\n");
	assert_non_null(p);
	at = (size_t)(p - (const char *)b.data) + 10;
	b.data[at + 1] = b.data[at + 1] == '9' ? '8' : b.data[at + 1] + 1;
	refused(b.data, b.len, &o, &s, ERR_PDF_INVALID, "");
	/* an xref that qpdf would have to reconstruct */
	b.data[at + 1] = b.data[at + 1] == '8' ? '9' : b.data[at + 1] - 1;
	p = strstr((const char *)b.data, "0000000015 00000 n");
	assert_non_null(p);
	b.data[p - (const char *)b.data + 9] = '7';
	refused(b.data, b.len, &o, &s, ERR_PDF_INVALID, "");
	buf_cleanup(&b);
	/* too large */
	o.max_in = g.pdf.len - 1;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_TOO_LARGE, "at most");
	o.max_in = 0;
	/* an output buffer too small for the result: nothing written */
	buf_init(&out, g.pdf.len + 100);
	assert_int_equal(pdf_sign(g.pdf.data, g.pdf.len, &o, &s, &out, &e),
	    -1);
	assert_int_equal(e.code, ERR_PDF_TOO_LARGE);
	assert_int_equal(out.len, 0);
	buf_cleanup(&out);
	/* a document without pages */
	buf_init(&b, 4096);
	buf_addstr(&b, "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\n"
	    "endobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
	at = b.len;
	buf_printf(&b, "xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n"
	    "0000000058 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R >>\n"
	    "startxref\n%zu\n%%%%EOF\n", at);
	refused(b.data, b.len, &o, &s, ERR_PDF_INVALID, "");
	buf_cleanup(&b);
	/* missing callbacks for the level are a programming error */
	o.level = PDF_LEVEL_BT;
	s.timestamp = NULL;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_INTERNAL, "B-T");
}

static void
refuses_bad_placement(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	o.vis.text = "Budi";
	o.vis.w = 100;
	o.vis.h = 50;
	o.vis.page = 3;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_PAGE,
	    "page 3 does not exist");
	o.vis.page = -1;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_PAGE, "page -1");
	o.vis.page = 2;
	o.vis.x = 550;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_PAGE,
	    "not within page 2");
	o.vis.x = -20;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_PAGE, "not within");
	o.vis.x = 10;
	o.vis.y = 760;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_PAGE, "not within");
	o.vis.y = 10;
	o.vis.w = 0;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_PAGE, "width");
	o.vis.w = -5;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_PAGE, "width");
	o.vis.w = 100;
	o.vis.h = 0.0 / 0.0;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_PAGE, "width");
	o.vis.h = 50;
	/* text the document does not have (the detail is pdf_text's) */
	o.vis.anchor = "#tidak-ada#";
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_ANCHOR_NOT_FOUND, "");
}

static void
refuses_bad_images(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf png;
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16,
	    'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9 };
	char big[PDF_SIGN_QR_MAX + 2];

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	o.vis.page = 1;
	o.vis.w = 100;
	o.vis.h = 50;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_IMAGE,
	    "needs an image");
	mkpng(&png, 40, 20);
	o.vis.image = png.data;
	o.vis.imagelen = png.len / 2;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_IMAGE,
	    "corrupt PNG");
	png.data[png.len - 20] ^= 0x55;	/* IDAT checksum */
	o.vis.imagelen = png.len;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_IMAGE, "PNG");
	o.vis.image = (const unsigned char *)"GIF89a......";
	o.vis.imagelen = 12;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_IMAGE,
	    "neither PNG nor JPEG");
	o.vis.image = jpeg;
	o.vis.imagelen = sizeof(jpeg);
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_IMAGE,
	    "corrupt JPEG");
	o.vis.image = NULL;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	o.vis.qr_text = big;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_BAD_IMAGE, "QR text");
	buf_cleanup(&png);
}

/* ByteRange covers the whole file but the /Contents string, with its
 * delimiters (ISO 32000-2 12.8.1); the input is an untouched prefix;
 * the invisible widget has a zero /Rect on page 1. */
static void
layout(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf out;
	struct sig sg[4];
	const char *p;

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	sign_ok(&g.pdf, &o, &s, &out);
	assert_int_equal(read_sigs(&out, NULL, sg, 4), 1);
	assert_string_equal(sg[0].name, "Signature1");
	assert_int_equal(sg[0].br[0], 0);
	assert_true(sg[0].br[1] > (long long)g.pdf.len);
	assert_int_equal(sg[0].br[2] + sg[0].br[3], (long long)out.len);
	assert_memory_equal(out.data + sg[0].br[1] - 9, "/Contents", 9);
	assert_int_equal(out.data[sg[0].br[1]], '<');
	assert_int_equal(out.data[sg[0].br[2] - 1], '>');
	assert_true(sg[0].rect[0] == 0 && sg[0].rect[1] == 0 &&
	    sg[0].rect[2] == 0 && sg[0].rect[3] == 0);
	/* the update ends as ISO 32000-2 7.5.5 wants */
	p = (const char *)out.data + out.len - 6;
	assert_memory_equal(p, "%%EOF\n", 6);
	assert_true(has(&out, g.pdf.len, "/SubFilter/ETSI.CAdES.detached"));
	assert_true(has(&out, g.pdf.len, "/Filter/Adobe.PPKLite"));
	assert_true(has(&out, g.pdf.len, "/M(D:"));
	assert_true(has(&out, g.pdf.len, "/Prev "));
	assert_int_equal(c.sign_calls, 1);
	assert_int_equal(c.ts_calls, 0);
	buf_cleanup(&out);
	/* appended after what the buffer held: offsets stay the file's */
	{
		struct buf pre, view;
		struct err e = { 0 };

		buf_init(&pre, OUT_MAX);
		assert_int_equal(buf_addstr(&pre, "xyz"), 0);
		assert_int_equal(pdf_sign(g.pdf.data, g.pdf.len, &o, &s, &pre,
		    &e), 0);
		assert_memory_equal(pre.data, "xyz", 3);
		view.data = pre.data + 3;
		view.len = pre.len - 3;
		view.cap = view.max = view.len;
		assert_int_equal(read_sigs(&view, NULL, sg, 4), 1);
		CMS_ContentInfo_free(verify(&view, &sg[0]));
		buf_cleanup(&pre);
	}
}

static void
bb_verifies_with_pades_attributes(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf out;
	struct sig sg[2];
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	int rsa;

	(void)state;
	for (rsa = 0; rsa < 2; rsa++) {
		memset(&o, 0, sizeof(o));
		o.name = "Budi Santoso";
		o.reason = "Persetujuan dokumen";
		o.location = "Jakarta";
		o.contact = "budi@example.go.id";
		o.when = 1700000000;
		signer_for(&s, &c, rsa);
		sign_ok(&g.pdf, &o, &s, &out);
		assert_int_equal(read_sigs(&out, NULL, sg, 2), 1);
		cms = verify(&out, &sg[0]);
		si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
		assert_non_null(si);
		/* PAdES baseline: no signing-time, ESS signing-certificate-v2,
		 * content-type and message-digest (ETSI EN 319 142-1 5.2) */
		assert_true(CMS_signed_get_attr_by_NID(si,
		    NID_pkcs9_signingTime, -1) < 0);
		assert_true(CMS_signed_get_attr_by_NID(si,
		    NID_id_smime_aa_signingCertificateV2, -1) >= 0);
		assert_true(CMS_signed_get_attr_by_NID(si,
		    NID_pkcs9_contentType, -1) >= 0);
		assert_true(CMS_signed_get_attr_by_NID(si,
		    NID_pkcs9_messageDigest, -1) >= 0);
		assert_int_equal(CMS_signed_get_attr_count(si), 3);
		assert_int_equal(CMS_unsigned_get_attr_count(si), -1);
		/* the chain travels in the SignedData */
		{
			STACK_OF(X509) *certs = CMS_get1_certs(cms);

			assert_int_equal(sk_X509_num(certs), 3);
			sk_X509_pop_free(certs, X509_free);
		}
		assert_true(has(&out, g.pdf.len, "/M(D:20231114221320+00'00')"));
		assert_true(has(&out, g.pdf.len, "/Reason(Persetujuan dokumen)"));
		CMS_ContentInfo_free(cms);
		buf_cleanup(&out);
	}
}

/* A second signature is a second update: the first file is a prefix of
 * the second, and the first signature still verifies over it. */
static void
second_signature_keeps_first(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf one, two;
	struct sig sg[3];

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	sign_ok(&g.pdf, &o, &s, &one);
	signer_for(&s, &c, 1);
	o.vis.page = 2;
	o.vis.x = 72;
	o.vis.y = 72;
	o.vis.w = 200;
	o.vis.h = 60;
	o.vis.text = "Siti Rahma\nKepala Bidang";
	sign_ok(&one, &o, &s, &two);
	assert_int_equal(read_sigs(&two, NULL, sg, 3), 2);
	assert_string_equal(sg[0].name, "Signature1");
	assert_string_equal(sg[1].name, "Signature2");
	assert_int_equal(sg[0].br[2] + sg[0].br[3], (long long)one.len);
	assert_true(sg[1].br[1] > (long long)one.len);
	CMS_ContentInfo_free(verify(&one, &sg[0]));
	CMS_ContentInfo_free(verify(&two, &sg[1]));
	/* the first signature's covered bytes are the same in both */
	{
		struct buf d1, c1, c2;

		parts(&one, &sg[0], &d1, &c1);
		buf_init(&c2, two.len);
		assert_int_equal(buf_add(&c2, two.data, (size_t)sg[0].br[1]),
		    0);
		assert_int_equal(buf_add(&c2, two.data + sg[0].br[2],
		    (size_t)sg[0].br[3]), 0);
		assert_int_equal(c1.len, c2.len);
		assert_memory_equal(c1.data, c2.data, c1.len);
		buf_cleanup(&d1);
		buf_cleanup(&c1);
		buf_cleanup(&c2);
	}
	buf_cleanup(&one);
	buf_cleanup(&two);
}

/* The update's cross-reference is of the kind the file ends with. */
static void
xref_stream_input(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf in, out;
	struct sig sg[2];
	const char *p;
	size_t i;
	unsigned long long x = 0;

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	qpdf_xform(&g.pdf, X_OBJSTM, &in);
	sign_ok(&in, &o, &s, &out);
	assert_int_equal(read_sigs(&out, NULL, sg, 2), 1);
	CMS_ContentInfo_free(verify(&out, &sg[0]));
	p = memmem(out.data + out.len - 40, 40, "startxref\n", 10);
	assert_non_null(p);
	for (i = 10; p[i] >= '0' && p[i] <= '9'; i++)
		x = x * 10 + (unsigned)(p[i] - '0');
	assert_true(x > in.len && x < out.len);
	assert_true(has(&out, x, "/Type/XRef"));
	assert_false(has(&out, in.len, "\nxref\n"));
	buf_cleanup(&in);
	buf_cleanup(&out);
	/* and a classic table after a classic table */
	sign_ok(&g.pdf, &o, &s, &out);
	assert_true(has(&out, g.pdf.len, "\nxref\n"));
	buf_cleanup(&out);
	/* a linearized file: the update's /Prev is the last startxref */
	qpdf_xform(&g.pdf, X_LINEAR, &in);
	sign_ok(&in, &o, &s, &out);
	assert_int_equal(read_sigs(&out, NULL, sg, 2), 1);
	CMS_ContentInfo_free(verify(&out, &sg[0]));
	buf_cleanup(&in);
	buf_cleanup(&out);
}

/* The signature-time-stamp token in the unsigned attributes covers the
 * signature value (ETSI EN 319 122-1 5.3). */
static void
bt_carries_a_token_over_the_signature(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf out;
	struct sig sg[2];
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	X509_ATTRIBUTE *a;
	ASN1_TYPE *t;
	const unsigned char *p;
	PKCS7 *p7;
	TS_TST_INFO *tst;
	ASN1_OCTET_STRING *sv;
	const ASN1_OCTET_STRING *imp;
	unsigned char h[32];

	(void)state;
	memset(&o, 0, sizeof(o));
	o.level = PDF_LEVEL_BT;
	signer_for(&s, &c, 1);
	sign_ok(&g.pdf, &o, &s, &out);
	assert_int_equal(c.ts_calls, 1);
	assert_int_equal(read_sigs(&out, NULL, sg, 2), 1);
	cms = verify(&out, &sg[0]);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	a = CMS_unsigned_get_attr(si, CMS_unsigned_get_attr_by_NID(si,
	    NID_id_smime_aa_timeStampToken, -1));
	assert_non_null(a);
	t = X509_ATTRIBUTE_get0_type(a, 0);
	assert_int_equal(ASN1_TYPE_get(t), V_ASN1_SEQUENCE);
	p = t->value.sequence->data;
	p7 = d2i_PKCS7(NULL, &p, t->value.sequence->length);
	assert_non_null(p7);
	tst = PKCS7_to_TS_TST_INFO(p7);
	assert_non_null(tst);
	sv = CMS_SignerInfo_get0_signature(si);
	EVP_Digest(sv->data, (size_t)sv->length, h, NULL, EVP_sha256(), NULL);
	imp = TS_MSG_IMPRINT_get_msg(TS_TST_INFO_get_msg_imprint(tst));
	assert_int_equal(imp->length, 32);
	assert_memory_equal(imp->data, h, 32);
	TS_TST_INFO_free(tst);
	PKCS7_free(p7);
	CMS_ContentInfo_free(cms);
	buf_cleanup(&out);
}

/* B-LT: a DSS with the chains' certificates and CRLs and a VRI entry
 * keyed by the SHA-1 of the /Contents string; B-LTA: then a document
 * time-stamp over everything before it. */
static void
blt_and_blta(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf out, der, cov, raw;
	struct sig sg[3];
	unsigned char h[32], sha1[20];
	char key[48];
	const unsigned char *p;
	PKCS7 *p7;
	TS_TST_INFO *tst;
	const ASN1_OCTET_STRING *imp;
	qpdf_data q;
	qpdf_oh dss, vri;
	int level;

	(void)state;
	for (level = PDF_LEVEL_BLT; level <= PDF_LEVEL_BLTA; level++) {
		memset(&o, 0, sizeof(o));
		o.level = (enum pdf_level)level;
		signer_for(&s, &c, 0);
		g.rev_calls = 0;
		sign_ok(&g.pdf, &o, &s, &out);
		/* leaf, issuing CA, TSA: the root is self-signed */
		assert_int_equal(g.rev_calls, 3);
		assert_int_equal(read_sigs(&out, NULL, sg, 3),
		    level == PDF_LEVEL_BLTA ? 2 : 1);
		CMS_ContentInfo_free(verify(&out, &sg[0]));
		/* VRI key from the raw /Contents octets, padding included */
		raw.len = 0;
		unhex(out.data + sg[0].br[1] + 1, (size_t)(sg[0].br[2] -
		    sg[0].br[1] - 2), &raw);
		EVP_Digest(raw.data, raw.len, sha1, NULL, EVP_sha1(), NULL);
		key[0] = '/';
		assert_int_equal(hex_encode(sha1, 20, key + 1, sizeof(key) - 1),
		    0);
		buf_cleanup(&raw);
		q = qpdf_init();
		qpdf_silence_errors(q);
		assert_int_equal(qpdf_read_memory(q, "o", (const char *)out.data,
		    out.len, NULL) & QPDF_ERRORS, 0);
		dss = qpdf_oh_get_key(q, qpdf_get_root(q), "/DSS");
		assert_true(qpdf_oh_is_dictionary(q, dss));
		/* leaf, CA, root, TSA */
		assert_int_equal(qpdf_oh_get_array_n_items(q, qpdf_oh_get_key(q,
		    dss, "/Certs")), 4);
		/* one per call: this TSA signs a new CRL each time */
		assert_int_equal(qpdf_oh_get_array_n_items(q, qpdf_oh_get_key(q,
		    dss, "/CRLs")), 3);
		vri = qpdf_oh_get_key(q, qpdf_oh_get_key(q, dss, "/VRI"), key);
		assert_true(qpdf_oh_is_dictionary(q, vri));
		assert_int_equal(qpdf_oh_get_array_n_items(q, qpdf_oh_get_key(q,
		    vri, "/Cert")), 4);
		assert_false(qpdf_more_warnings(q));
		qpdf_cleanup(&q);
		if (level == PDF_LEVEL_BLTA) {
			assert_true(sg[1].doc_ts);
			assert_string_equal(sg[1].name, "Timestamp1");
			assert_int_equal(c.ts_calls, 2);
			parts(&out, &sg[1], &der, &cov);
			p = der.data;
			p7 = d2i_PKCS7(NULL, &p, (long)der.len);
			assert_non_null(p7);
			tst = PKCS7_to_TS_TST_INFO(p7);
			assert_non_null(tst);
			EVP_Digest(cov.data, cov.len, h, NULL, EVP_sha256(),
			    NULL);
			imp = TS_MSG_IMPRINT_get_msg(
			    TS_TST_INFO_get_msg_imprint(tst));
			assert_memory_equal(imp->data, h, 32);
			/* the DSS comes before the time-stamp */
			assert_true(sg[1].br[1] > sg[0].br[2]);
			TS_TST_INFO_free(tst);
			PKCS7_free(p7);
			buf_cleanup(&der);
			buf_cleanup(&cov);
		}
		buf_cleanup(&out);
	}
	/* a revocation callback that answers garbage */
	memset(&o, 0, sizeof(o));
	o.level = PDF_LEVEL_BLT;
	signer_for(&s, &c, 0);
	c.bad_ocsp = 1;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_SIGN, "OCSP");
}

/* Signing a B-LT document again merges the DSS. */
static void
dss_is_merged(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf one, two;
	struct sig sg[3];
	qpdf_data q;
	qpdf_oh dss;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.level = PDF_LEVEL_BLT;
	signer_for(&s, &c, 0);
	sign_ok(&g.pdf, &o, &s, &one);
	signer_for(&s, &c, 1);
	sign_ok(&one, &o, &s, &two);
	assert_int_equal(read_sigs(&two, NULL, sg, 3), 2);
	CMS_ContentInfo_free(verify(&two, &sg[1]));
	q = qpdf_init();
	qpdf_silence_errors(q);
	assert_int_equal(qpdf_read_memory(q, "o", (const char *)two.data,
	    two.len, NULL) & QPDF_ERRORS, 0);
	dss = qpdf_oh_get_key(q, qpdf_get_root(q), "/DSS");
	/* 4 from the first signature, 4 more (the same certificates as
	 * new streams are kept: the store is append-only) */
	assert_int_equal(qpdf_oh_get_array_n_items(q, qpdf_oh_get_key(q, dss,
	    "/Certs")), 8);
	qpdf_oh_begin_dict_key_iter(q, qpdf_oh_get_key(q, dss, "/VRI"));
	assert_true(qpdf_oh_dict_more_keys(q));
	qpdf_oh_dict_next_key(q);
	assert_true(qpdf_oh_dict_more_keys(q));
	qpdf_oh_dict_next_key(q);
	assert_false(qpdf_oh_dict_more_keys(q));
	qpdf_cleanup(&q);
	buf_cleanup(&one);
	buf_cleanup(&two);
}

/* Visible: an image with its soft mask, or a QR code of filled squares
 * with no image; text in Helvetica. */
static void
visible_appearances(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf out, png;
	struct sig sg[2];
	qpdf_data q;
	qpdf_oh ap, res;
	unsigned char *data = NULL;
	size_t len = 0;

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	mkpng(&png, 120, 40);
	o.vis.page = 1;
	o.vis.x = 300;
	o.vis.y = 100;
	o.vis.w = 240;
	o.vis.h = 80;
	o.vis.image = png.data;
	o.vis.imagelen = png.len;
	o.vis.text = "Ditandatangani secara elektronik oleh\nBudi Säntoso €";
	sign_ok(&g.pdf, &o, &s, &out);
	assert_int_equal(read_sigs(&out, NULL, sg, 2), 1);
	assert_true(sg[0].rect[0] == 300 && sg[0].rect[1] == 100 &&
	    sg[0].rect[2] == 540 && sg[0].rect[3] == 180);
	CMS_ContentInfo_free(verify(&out, &sg[0]));
	q = qpdf_init();
	qpdf_silence_errors(q);
	assert_int_equal(qpdf_read_memory(q, "o", (const char *)out.data,
	    out.len, NULL) & QPDF_ERRORS, 0);
	ap = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_oh_get_array_item(q,
	    qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_root(q),
	    "/AcroForm"), "/Fields"), 0), "/AP"), "/N");
	assert_true(qpdf_oh_is_stream(q, ap));
	res = qpdf_oh_get_key(q, qpdf_oh_get_dict(q, ap), "/Resources");
	assert_true(qpdf_oh_is_stream(q, qpdf_oh_get_key(q, qpdf_oh_get_dict(q,
	    qpdf_oh_get_key(q, qpdf_oh_get_key(q, res, "/XObject"), "/Im1")),
	    "/SMask")));
	assert_true(qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q,
	    qpdf_oh_get_key(q, qpdf_oh_get_key(q, res, "/Font"), "/F1"),
	    "/BaseFont"), "/Helvetica"));
	assert_int_equal(qpdf_oh_get_stream_data(q, ap, qpdf_dl_generalized,
	    NULL, &data, &len), 0);
	assert_non_null(memmem(data, len, "/Im1 Do", 7));
	/* UTF-8 "ä" and "€" in WinAnsi: \344 and \200 */
	assert_non_null(memmem(data, len, "(Budi S\\344ntoso \\200) Tj", 25));
	free(data);
	qpdf_cleanup(&q);
	buf_cleanup(&out);
	/* QR code: filled squares, no image */
	o.vis.image = NULL;
	o.vis.qr_text = "https://sertel.example/v/0123456789abcdef";
	o.vis.text = NULL;
	sign_ok(&g.pdf, &o, &s, &out);
	q = qpdf_init();
	qpdf_silence_errors(q);
	assert_int_equal(qpdf_read_memory(q, "o", (const char *)out.data,
	    out.len, NULL) & QPDF_ERRORS, 0);
	ap = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_oh_get_array_item(q,
	    qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_root(q),
	    "/AcroForm"), "/Fields"), 0), "/AP"), "/N");
	res = qpdf_oh_get_key(q, qpdf_oh_get_dict(q, ap), "/Resources");
	assert_false(qpdf_oh_has_key(q, res, "/XObject"));
	data = NULL;
	assert_int_equal(qpdf_oh_get_stream_data(q, ap, qpdf_dl_generalized,
	    NULL, &data, &len), 0);
	{
		size_t i, re = 0;

		for (i = 0; i + 3 < len; i++)
			re += memcmp(data + i, " re\n", 4) == 0;
		assert_true(re > 50);
		assert_non_null(memmem(data, len, "f\n", 2));
		assert_null(memmem(data, len, " Do", 3));
	}
	free(data);
	qpdf_cleanup(&q);
	buf_cleanup(&out);
	buf_cleanup(&png);
}

/* /Rotate 90: the box is given as displayed and lands rotated in user
 * space; the appearance's /Matrix turns it upright. */
static void
rotated_page(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf in, out;
	struct sig sg[2];

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	mkpdf(&in, 1, NULL, "/Rotate 90");
	o.vis.page = 1;
	o.vis.x = 50;
	o.vis.y = 40;
	o.vis.w = 200;
	o.vis.h = 60;
	o.vis.text = "Budi";
	sign_ok(&in, &o, &s, &out);
	assert_int_equal(read_sigs(&out, NULL, sg, 2), 1);
	/* displayed 792 x 612: user x = 612 - y - h .. 612 - y, user y =
	 * x .. x + w */
	assert_true(sg[0].rect[0] == 612 - 40 - 60 && sg[0].rect[2] == 612 - 40);
	assert_true(sg[0].rect[1] == 50 && sg[0].rect[3] == 250);
	assert_true(has(&out, in.len, "/Matrix[0 1 -1 0 0 0]"));
	/* the displayed page is 792 wide: x = 700 fits, y = 700 does not */
	buf_cleanup(&out);
	o.vis.x = 550;
	sign_ok(&in, &o, &s, &out);
	buf_cleanup(&out);
	o.vis.x = 50;
	o.vis.y = 580;
	refused(in.data, in.len, &o, &s, ERR_PDF_BAD_PAGE, "not within");
	buf_cleanup(&in);
}

/* An existing form keeps its fields; the new field gets a free name. */
static void
existing_acroform(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf in, out;
	struct sig sg[2];
	qpdf_data q;
	qpdf_oh fields;

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	mkpdf(&in, 1, "/AcroForm << /Fields [<< /FT /Sig /T (Signature1) "
	    "/Rect [0 0 0 0] /Subtype /Widget >>] /DA (/Helv 0 Tf 0 g) >>",
	    NULL);
	sign_ok(&in, &o, &s, &out);
	assert_int_equal(read_sigs(&out, NULL, sg, 2), 1);
	assert_string_equal(sg[0].name, "Signature2");
	CMS_ContentInfo_free(verify(&out, &sg[0]));
	q = qpdf_init();
	qpdf_silence_errors(q);
	assert_int_equal(qpdf_read_memory(q, "o", (const char *)out.data,
	    out.len, NULL) & QPDF_ERRORS, 0);
	fields = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_root(q),
	    "/AcroForm"), "/Fields");
	assert_int_equal(qpdf_oh_get_array_n_items(q, fields), 2);
	assert_string_equal(qpdf_oh_get_string_value(q, qpdf_oh_get_key(q,
	    qpdf_oh_get_key(q, qpdf_get_root(q), "/AcroForm"), "/DA")),
	    "/Helv 0 Tf 0 g");
	qpdf_cleanup(&q);
	buf_cleanup(&in);
	buf_cleanup(&out);
}

static void
encrypted_documents(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf in, out;
	struct sig sg[2];
	qpdf_data q;
	qpdf_oh v;

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	qpdf_xform(&g.pdf, X_AES256, &in);
	refused(in.data, in.len, &o, &s, ERR_PDF_ENCRYPTED, "password");
	o.password = "wrong";
	refused(in.data, in.len, &o, &s, ERR_PDF_PASSWORD, "wrong");
	o.password = "user";
	o.name = "Budi Säntoso";
	sign_ok(&in, &o, &s, &out);
	assert_int_equal(read_sigs(&out, "user", sg, 2), 1);
	CMS_ContentInfo_free(verify(&out, &sg[0]));
	/* the strings of the new objects are encrypted: qpdf decrypts
	 * them back */
	q = qpdf_init();
	qpdf_silence_errors(q);
	assert_int_equal(qpdf_read_memory(q, "o", (const char *)out.data,
	    out.len, "owner") & QPDF_ERRORS, 0);
	v = qpdf_oh_get_key(q, qpdf_oh_get_array_item(q, qpdf_oh_get_key(q,
	    qpdf_oh_get_key(q, qpdf_get_root(q), "/AcroForm"), "/Fields"), 0),
	    "/V");
	assert_string_equal(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, v,
	    "/Name")), "Budi Säntoso");
	assert_false(qpdf_more_warnings(q));
	qpdf_cleanup(&q);
	assert_null(memmem(out.data + in.len, out.len - in.len, "Budi", 4));
	buf_cleanup(&out);
	/* the owner password opens and signs too */
	o.password = "owner";
	sign_ok(&in, &o, &s, &out);
	assert_int_equal(read_sigs(&out, "user", sg, 2), 1);
	buf_cleanup(&out);
	buf_cleanup(&in);
	/* an existing form's strings are re-encrypted when the AcroForm
	 * is written again, with AES-256 and with RC4 */
	{
		struct buf plain;
		enum xform how;

		mkpdf(&plain, 1, "/AcroForm << /Fields [] /DA (/Helv 0 Tf 0 g) "
		    ">> /Lang (id-ID)", NULL);
		for (how = X_AES256; how <= X_RC4; how++) {
			if (how == X_AES256_NOFORM)
				continue;
			qpdf_xform(&plain, how, &in);
			o.password = "user";
			sign_ok(&in, &o, &s, &out);
			assert_int_equal(read_sigs(&out, "user", sg, 2), 1);
			CMS_ContentInfo_free(verify(&out, &sg[0]));
			q = qpdf_init();
			qpdf_silence_errors(q);
			assert_int_equal(qpdf_read_memory(q, "o",
			    (const char *)out.data, out.len, "user") &
			    QPDF_ERRORS, 0);
			assert_string_equal(qpdf_oh_get_string_value(q,
			    qpdf_oh_get_key(q, qpdf_oh_get_key(q,
			    qpdf_get_root(q), "/AcroForm"), "/DA")),
			    "/Helv 0 Tf 0 g");
			assert_string_equal(qpdf_oh_get_string_value(q,
			    qpdf_oh_get_key(q, qpdf_get_root(q), "/Lang")),
			    "id-ID");
			assert_string_equal(qpdf_oh_get_utf8_value(q,
			    qpdf_oh_get_key(q, qpdf_oh_get_key(q,
			    qpdf_oh_get_array_item(q, qpdf_oh_get_key(q,
			    qpdf_oh_get_key(q, qpdf_get_root(q), "/AcroForm"),
			    "/Fields"), 0), "/V"), "/Name")), "Budi Säntoso");
			assert_false(qpdf_more_warnings(q));
			qpdf_cleanup(&q);
			buf_cleanup(&in);
			buf_cleanup(&out);
		}
		buf_cleanup(&plain);
	}
	/* permissions without forms or annotations: only the owner */
	qpdf_xform(&g.pdf, X_AES256_NOFORM, &in);
	o.password = "user";
	refused(in.data, in.len, &o, &s, ERR_PDF_SIGN, "permissions");
	o.password = "owner";
	sign_ok(&in, &o, &s, &out);
	buf_cleanup(&out);
	buf_cleanup(&in);
}

static void
key_wall_and_keys(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	X509 *x;

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	c.bad = 1;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_SIGN, "does not verify");
	c.bad = 2;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_KEYS, "key wall says no");
	/* a signature by another key than the certificate's */
	signer_for(&s, &c, 0);
	c.key = g.rsa_key;
	c.cert = g.rsa;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_SIGN, "does not verify");
	/* key types the engine does not sign with */
	x = mkcert(unit_key(UNIT_KEY_ED25519), "Ed", g.ca, g.ca_key, K_LEAF);
	signer_for(&s, &c, 0);
	s.cert = x;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_SIGN, "not supported");
	assert_null(pdf_sign_md(x));
	X509_free(x);
	x = mkcert(unit_key(UNIT_KEY_RSA1024), "Small", g.ca, g.ca_key, K_LEAF);
	s.cert = x;
	refused(g.pdf.data, g.pdf.len, &o, &s, ERR_PDF_SIGN, "not supported");
	X509_free(x);
	x = mkcert(unit_key(UNIT_KEY_P384), "P384", g.ca, g.ca_key, K_LEAF);
	assert_ptr_equal(pdf_sign_md(x), EVP_sha384());
	X509_free(x);
	assert_ptr_equal(pdf_sign_md(g.ec), EVP_sha256());
	assert_ptr_equal(pdf_sign_md(g.rsa), EVP_sha256());
}

/* A document certified with "no changes" (DocMDP P 1) is refused. */
static void
docmdp_no_changes(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf in;

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	mkpdf(&in, 1, "/Perms << /DocMDP << /Type /Sig /Reference [<< "
	    "/TransformMethod /DocMDP /TransformParams << /P 1 /V /1.2 >> >>] "
	    ">> >>", NULL);
	refused(in.data, in.len, &o, &s, ERR_PDF_SIGN, "DocMDP");
	buf_cleanup(&in);
	mkpdf(&in, 1, "/Perms << /DocMDP << /Type /Sig /Reference [<< "
	    "/TransformMethod /DocMDP /TransformParams << /P 2 /V /1.2 >> >>] "
	    ">> >>", NULL);
	{
		struct buf out;

		sign_ok(&in, &o, &s, &out);
		buf_cleanup(&out);
	}
	buf_cleanup(&in);
}

/* A token bigger than the room kept for it: the update is written again
 * with a hole of the measured size, never truncated. */
static void
hole_grows(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf out;
	struct sig sg[2];

	(void)state;
	memset(&o, 0, sizeof(o));
	o.level = PDF_LEVEL_BT;
	signer_for(&s, &c, 0);
	c.extra_certs = PADDING;
	sign_ok(&g.pdf, &o, &s, &out);
	assert_int_equal(c.sign_calls, 2);
	assert_int_equal(c.ts_calls, 2);
	assert_int_equal(read_sigs(&out, NULL, sg, 2), 1);
	CMS_ContentInfo_free(verify(&out, &sg[0]));
	buf_cleanup(&out);
}

/* Damaged files: each call signs (the input a prefix of the output,
 * which qpdf reads) or fails with a PDF code and writes nothing; none
 * may crash or leak (the sanitizer build runs this). */
static void
corrupt_inputs(void **state)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct signer_ctx c;
	struct buf xs, m, out;
	struct err e;
	unsigned long r = 12345;
	int i, k, ok = 0;
	qpdf_data q;

	(void)state;
	memset(&o, 0, sizeof(o));
	signer_for(&s, &c, 0);
	o.vis.page = 1;
	o.vis.x = 10;
	o.vis.y = 10;
	o.vis.w = 100;
	o.vis.h = 40;
	o.vis.text = "x";
	qpdf_xform(&g.pdf, X_OBJSTM, &xs);
	buf_init(&m, 1u << 20);
	for (i = 0; i < 400; i++) {
		const struct buf *src = i % 2 ? &xs : &g.pdf;

		m.len = 0;
		assert_int_equal(buf_add(&m, src->data, src->len), 0);
		for (k = 0; k < 1 + i % 3; k++) {
			r = r * 6364136223846793005UL + 1442695040888963407UL;
			m.data[(r >> 33) % m.len] ^=
			    (unsigned char)(1 + (r >> 20) % 255);
		}
		if (i % 7 == 0)
			m.len -= (r >> 40) % (m.len / 2);
		memset(&e, 0, sizeof(e));
		buf_init(&out, OUT_MAX);
		if (pdf_sign(m.data, m.len, &o, &s, &out, &e) == 0) {
			ok++;
			assert_memory_equal(out.data, m.data, m.len);
			q = qpdf_init();
			qpdf_silence_errors(q);
			qpdf_set_suppress_warnings(q, 1);
			assert_int_equal(qpdf_read_memory(q, "o",
			    (const char *)out.data, out.len, NULL) &
			    QPDF_ERRORS, 0);
			assert_true(qpdf_get_num_pages(q) >= 1);
			qpdf_cleanup(&q);
		} else {
			assert_int_equal(out.len, 0);
			assert_true(e.code == ERR_PDF_INVALID ||
			    e.code == ERR_PDF_BAD_PAGE ||
			    e.code == ERR_PDF_ENCRYPTED ||
			    e.code == ERR_PDF_SIGN);
		}
		buf_cleanup(&out);
	}
	assert_true(ok > 0);	/* a flipped bit in a content stream signs */
	buf_cleanup(&m);
	buf_cleanup(&xs);
}

int
run_pdf_sign_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(level_names),
		cmocka_unit_test(refuses_bad_documents),
		cmocka_unit_test(refuses_bad_placement),
		cmocka_unit_test(refuses_bad_images),
		cmocka_unit_test(layout),
		cmocka_unit_test(bb_verifies_with_pades_attributes),
		cmocka_unit_test(second_signature_keeps_first),
		cmocka_unit_test(xref_stream_input),
		cmocka_unit_test(bt_carries_a_token_over_the_signature),
		cmocka_unit_test(blt_and_blta),
		cmocka_unit_test(dss_is_merged),
		cmocka_unit_test(visible_appearances),
		cmocka_unit_test(rotated_page),
		cmocka_unit_test(existing_acroform),
		cmocka_unit_test(encrypted_documents),
		cmocka_unit_test(key_wall_and_keys),
		cmocka_unit_test(docmdp_no_changes),
		cmocka_unit_test(hole_grows),
		cmocka_unit_test(corrupt_inputs),
	};

	return cmocka_run_group_tests_name("pdf_sign", tests, setup, teardown);
}
