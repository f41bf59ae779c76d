/*
 * test_pdf_verify.c - the verification engine against PDFs signed in
 * this process: an in-memory CA (root, signer, TSA), a one-page PDF, and
 * a small incremental writer that adds signature fields, document
 * time-stamps, a DSS or new page content, the way a signing service
 * and an attacker would. The CMS is ETSI.CAdES.detached without the
 * signing-time attribute (PAdES baseline, ETSI EN 319 142-1 §6.3),
 * optionally with a signature time-stamp (RFC 3161 Appendix A).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <openssl/cms.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "pdf_verify.h"
#include "unit.h"

#define HEXLEN	20000		/* hex digits reserved for /Contents */

struct pki_fx {
	EVP_PKEY	*root_key, *user_key, *tsa_key, *other_key;
	X509		*root, *user, *tsa, *other_root;
	X509_STORE	*trust, *wrong_trust;
};

static struct pki_fx fx;

/* ---- certificates ---- */

static X509 *
mkcert(const char *cn, const char *o, const char *ou, const char *email,
    EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, int ca, int tsa)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	unsigned char serial[16];
	BIGNUM *bn;

	RAND_bytes(serial, sizeof(serial));
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	X509_set_version(x, 2);
	X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_UTF8,
	    (const unsigned char *)"ID", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_UTF8,
	    (const unsigned char *)o, -1, -1, 0);
	if (ou != NULL)
		X509_NAME_add_entry_by_txt(nm, "OU", MBSTRING_UTF8,
		    (const unsigned char *)ou, -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	if (email != NULL)
		X509_NAME_add_entry_by_txt(nm, "emailAddress", MBSTRING_UTF8,
		    (const unsigned char *)email, -1, -1, 0);
	X509_set_subject_name(x, nm);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : nm);
	X509_NAME_free(nm);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage, ca ?
	    "critical,keyCertSign,cRLSign" :
	    "critical,digitalSignature,nonRepudiation");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_key_identifier,
	    "hash");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (tsa) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_ext_key_usage,
		    "critical,timeStamping");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	X509_sign(x, ikey ? ikey : key, EVP_sha256());
	return x;
}

static int
pki_setup(void **state)
{
	(void)state;
	fx.root_key = unit_key_p256_new();
	fx.user_key = unit_key_p256_new();
	fx.tsa_key = unit_key_p256_new();
	fx.other_key = unit_key_p256_new();
	fx.root = mkcert("Sertel Test Root", "Sertel", NULL, NULL,
	    fx.root_key, NULL, NULL, 1, 0);
	fx.user = mkcert("Siti Rahayu", "Kementerian Uji", "Biro Umum",
	    "siti@uji.go.id", fx.user_key, fx.root, fx.root_key, 0, 0);
	fx.tsa = mkcert("Sertel Test TSA", "Sertel", NULL, NULL, fx.tsa_key,
	    fx.root, fx.root_key, 0, 1);
	fx.other_root = mkcert("Other Root", "Elsewhere", NULL, NULL,
	    fx.other_key, NULL, NULL, 1, 0);
	if (getenv("PDF_VERIFY_SAVE") != NULL) {
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/unit-root.pem",
		    getenv("PDF_VERIFY_SAVE"));
		if ((f = fopen(path, "w")) != NULL) {
			PEM_write_X509(f, fx.root);
			fclose(f);
		}
	}
	fx.trust = X509_STORE_new();
	X509_STORE_add_cert(fx.trust, fx.root);
	fx.wrong_trust = X509_STORE_new();
	X509_STORE_add_cert(fx.wrong_trust, fx.other_root);
	return fx.root && fx.user && fx.tsa ? 0 : -1;
}

static int
pki_teardown(void **state)
{
	(void)state;
	X509_free(fx.root);
	X509_free(fx.user);
	X509_free(fx.tsa);
	X509_free(fx.other_root);
	EVP_PKEY_free(fx.root_key);
	EVP_PKEY_free(fx.user_key);
	EVP_PKEY_free(fx.tsa_key);
	EVP_PKEY_free(fx.other_key);
	X509_STORE_free(fx.trust);
	X509_STORE_free(fx.wrong_trust);
	return 0;
}

/* ---- time-stamps and OCSP ---- */

/* A token over data from an in-process TSA (RFC 3161 §2.4.2). */
static unsigned char *
make_tst(const unsigned char *d1, size_t n1, const unsigned char *d2,
    size_t n2, size_t *outlen)
{
	unsigned char md[32], *out = NULL;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	TS_REQ *req = TS_REQ_new();
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	ASN1_OBJECT *pol = OBJ_txt2obj("1.3.6.1.4.1.99999.1", 1);
	BIO *rb = BIO_new(BIO_s_mem());
	TS_RESP *resp = NULL;
	int len;

	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, d1, n1);
	if (d2 != NULL)
		EVP_DigestUpdate(c, d2, n2);
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
	TS_MSG_IMPRINT_set_algo(mi, alg);
	TS_MSG_IMPRINT_set_msg(mi, md, sizeof(md));
	TS_REQ_set_version(req, 1);
	TS_REQ_set_msg_imprint(req, mi);
	TS_REQ_set_cert_req(req, 1);
	i2d_TS_REQ_bio(rb, req);
	TS_RESP_CTX_set_signer_cert(ctx, fx.tsa);
	TS_RESP_CTX_set_signer_key(ctx, fx.tsa_key);
	TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256());
	TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256());
	TS_RESP_CTX_set_def_policy(ctx, pol);
	TS_RESP_CTX_add_md(ctx, EVP_sha256());
	resp = TS_RESP_create_response(ctx, rb);
	if (resp != NULL && TS_RESP_get_token(resp) != NULL &&
	    (len = i2d_PKCS7(TS_RESP_get_token(resp), &out)) > 0)
		*outlen = (size_t)len;
	TS_RESP_free(resp);
	TS_RESP_CTX_free(ctx);
	TS_REQ_free(req);
	TS_MSG_IMPRINT_free(mi);
	X509_ALGOR_free(alg);
	ASN1_OBJECT_free(pol);
	BIO_free(rb);
	return out;
}

static unsigned char *
make_ocsp(X509 *cert, int revoked, size_t *outlen)
{
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), cert, fx.root);
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	ASN1_TIME *thisu = X509_gmtime_adj(NULL, 0);
	ASN1_TIME *nextu = X509_gmtime_adj(NULL, 7 * 86400);
	ASN1_TIME *rt = X509_gmtime_adj(NULL, -3600);
	OCSP_RESPONSE *resp;
	unsigned char *out = NULL;
	int len;

	OCSP_basic_add1_status(bs, id, revoked ? V_OCSP_CERTSTATUS_REVOKED :
	    V_OCSP_CERTSTATUS_GOOD, revoked ? 1 : 0, revoked ? rt : NULL,
	    thisu, nextu);
	OCSP_basic_sign(bs, fx.root, fx.root_key, EVP_sha256(), NULL, 0);
	resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	len = i2d_OCSP_RESPONSE(resp, &out);
	*outlen = len > 0 ? (size_t)len : 0;
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_CERTID_free(id);
	ASN1_TIME_free(thisu);
	ASN1_TIME_free(nextu);
	ASN1_TIME_free(rt);
	return out;
}

static unsigned char *
make_crl(X509 *revoked_cert, size_t *outlen)
{
	X509_CRL *crl = X509_CRL_new();
	X509_REVOKED *rv = X509_REVOKED_new();
	ASN1_TIME *now = X509_gmtime_adj(NULL, 0);
	ASN1_TIME *next = X509_gmtime_adj(NULL, 7 * 86400);
	ASN1_TIME *rt = X509_gmtime_adj(NULL, -3600);
	ASN1_ENUMERATED *reason = ASN1_ENUMERATED_new();
	unsigned char *out = NULL;
	int len;

	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(fx.root));
	X509_CRL_set1_lastUpdate(crl, now);
	X509_CRL_set1_nextUpdate(crl, next);
	X509_REVOKED_set_serialNumber(rv, X509_get_serialNumber(revoked_cert));
	X509_REVOKED_set_revocationDate(rv, rt);
	ASN1_ENUMERATED_set(reason, 1);
	X509_REVOKED_add1_ext_i2d(rv, NID_crl_reason, reason, 0, 0);
	X509_CRL_add0_revoked(crl, rv);
	X509_CRL_sort(crl);
	X509_CRL_sign(crl, fx.root_key, EVP_sha256());
	len = i2d_X509_CRL(crl, &out);
	*outlen = len > 0 ? (size_t)len : 0;
	X509_CRL_free(crl);
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	ASN1_TIME_free(rt);
	ASN1_ENUMERATED_free(reason);
	return out;
}

/* tag, DER length, content */
static void
der_wrap(struct buf *out, unsigned char tag, const struct buf *in)
{
	unsigned char h[4];
	size_t n = in->len;

	h[0] = tag;
	if (n < 128) {
		h[1] = (unsigned char)n;
		buf_add(out, h, 2);
	} else if (n < 256) {
		h[1] = 0x81;
		h[2] = (unsigned char)n;
		buf_add(out, h, 3);
	} else {
		h[1] = 0x82;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		buf_add(out, h, 4);
	}
	buf_add(out, in->data, in->len);
}

/*
 * adbe-revocationInfoArchival with one OCSP response for the signer:
 * SEQUENCE { ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse }.
 */
static void
make_adbe_revinfo(struct buf *out)
{
	struct buf a, b, c;
	unsigned char *ocsp;
	size_t ol = 0;

	buf_init(&a, 1 << 20);
	buf_init(&b, 1 << 20);
	buf_init(&c, 1 << 20);
	ocsp = make_ocsp(fx.user, 0, &ol);
	buf_add(&a, ocsp, ol);
	OPENSSL_free(ocsp);
	der_wrap(&b, 0x30, &a);
	der_wrap(&c, 0xa1, &b);
	der_wrap(out, 0x30, &c);
	buf_cleanup(&a);
	buf_cleanup(&b);
	buf_cleanup(&c);
}

/* ---- CMS without signing-time ---- */

static int
der_cmp(const void *a, const void *b)
{
	const struct buf *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->data, y->data, n);

	return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/*
 * Deletes signing-time and signs the remaining signed attributes again,
 * DER-encoded as a sorted SET OF (RFC 5652 §5.4): OpenSSL 3.0 always
 * adds signing-time, which PAdES baseline forbids.
 */
static int
resign_without_signing_time(CMS_SignerInfo *si, EVP_PKEY *key)
{
	struct buf parts[16], set;
	unsigned char *sig = NULL, hdr[4];
	size_t siglen = 0, total = 0, i, n;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int idx, rc = -1;

	if ((idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime,
	    -1)) >= 0)
		X509_ATTRIBUTE_free(CMS_signed_delete_attr(si, idx));
	n = (size_t)CMS_signed_get_attr_count(si);
	if (n > 16)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char *der = NULL;
		int dl = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, (int)i), &der);

		buf_init(&parts[i], 1 << 20);
		buf_add(&parts[i], der, (size_t)dl);
		total += (size_t)dl;
		OPENSSL_free(der);
	}
	qsort(parts, n, sizeof(parts[0]), der_cmp);
	buf_init(&set, 1 << 20);
	hdr[0] = 0x31;
	if (total < 128) {
		hdr[1] = (unsigned char)total;
		buf_add(&set, hdr, 2);
	} else if (total < 256) {
		hdr[1] = 0x81;
		hdr[2] = (unsigned char)total;
		buf_add(&set, hdr, 3);
	} else {
		hdr[1] = 0x82;
		hdr[2] = (unsigned char)(total >> 8);
		hdr[3] = (unsigned char)total;
		buf_add(&set, hdr, 4);
	}
	for (i = 0; i < n; i++) {
		buf_add(&set, parts[i].data, parts[i].len);
		buf_cleanup(&parts[i]);
	}
	if (EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(c, NULL, &siglen, set.data, set.len) == 1 &&
	    (sig = malloc(siglen)) != NULL &&
	    EVP_DigestSign(c, sig, &siglen, set.data, set.len) == 1 &&
	    ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig,
	    (int)siglen) == 1)
		rc = 0;
	free(sig);
	buf_cleanup(&set);
	EVP_MD_CTX_free(c);
	return rc;
}

enum tst_mode { TST_NONE, TST_GOOD, TST_WRONG_IMPRINT };

static unsigned char *
cms_sign(const unsigned char *d1, size_t n1, const unsigned char *d2,
    size_t n2, int etsi, enum tst_mode tm, int adbe, size_t *outlen)
{
	BIO *in = BIO_new(BIO_s_mem());
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	unsigned char *out = NULL, *tok;
	size_t toklen = 0;
	int len;

	BIO_write(in, d1, (int)n1);
	BIO_write(in, d2, (int)n2);
	cms = CMS_sign(NULL, NULL, NULL, NULL,
	    CMS_PARTIAL | CMS_DETACHED | CMS_BINARY);
	si = CMS_add1_signer(cms, fx.user, fx.user_key, EVP_sha256(),
	    CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP |
	    (etsi ? CMS_CADES : 0));
	CMS_add1_cert(cms, fx.root);
	if (si != NULL && adbe) {
		ASN1_OBJECT *oid = OBJ_txt2obj("1.2.840.113583.1.1.8", 1);
		struct buf ri;

		buf_init(&ri, 1 << 20);
		make_adbe_revinfo(&ri);
		CMS_signed_add1_attr_by_OBJ(si, oid, V_ASN1_SEQUENCE, ri.data,
		    (int)ri.len);
		buf_cleanup(&ri);
		ASN1_OBJECT_free(oid);
	}
	if (si == NULL || CMS_final(cms, in, NULL,
	    CMS_DETACHED | CMS_BINARY) != 1)
		goto out;
	if (etsi && resign_without_signing_time(si, fx.user_key) == -1)
		goto out;
	if (tm != TST_NONE) {
		const ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
		unsigned char other[8] = "other";

		tok = tm == TST_GOOD ?
		    make_tst(ASN1_STRING_get0_data(sv),
		    (size_t)ASN1_STRING_length(sv), NULL, 0, &toklen) :
		    make_tst(other, sizeof(other), NULL, 0, &toklen);
		if (tok == NULL || CMS_unsigned_add1_attr_by_NID(si,
		    NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, tok,
		    (int)toklen) != 1) {
			OPENSSL_free(tok);
			goto out;
		}
		OPENSSL_free(tok);
	}
	if ((len = i2d_CMS_ContentInfo(cms, &out)) > 0)
		*outlen = (size_t)len;
out:
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return out;
}

/* ---- a tiny incremental PDF writer ---- */

struct tpdf {
	struct buf	 b;
	int		 next;			/* next object number */
	size_t		 last_xref;
	int		 fields[8], nfields;
	char		 page_contents[128];
	int		 dss;			/* DSS object, 0 if none */
	int		 perms_sig;		/* certification signature */
	struct {
		int	 num;
		size_t	 off;
	}		 xref[64];
	int		 nxref;
};

static void
t_obj(struct tpdf *t, int num, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
t_obj(struct tpdf *t, int num, const char *fmt, ...)
{
	char body[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	t->xref[t->nxref].num = num;
	t->xref[t->nxref++].off = t->b.len;
	buf_printf(&t->b, "%d 0 obj\n%s\nendobj\n", num, body);
}

static void
t_stream(struct tpdf *t, int num, const char *dict, const void *data,
    size_t n)
{
	t->xref[t->nxref].num = num;
	t->xref[t->nxref++].off = t->b.len;
	buf_printf(&t->b, "%d 0 obj\n<< %s /Length %zu >>\nstream\n", num,
	    dict, n);
	buf_add(&t->b, data, n);
	buf_printf(&t->b, "\nendstream\nendobj\n");
}

static void
t_finish(struct tpdf *t, int first)
{
	size_t x = t->b.len;
	int i;

	buf_printf(&t->b, "xref\n");
	if (first)
		buf_printf(&t->b, "0 1\n0000000000 65535 f \n");
	for (i = 0; i < t->nxref; i++)
		buf_printf(&t->b, "%d 1\n%010zu 00000 n \n", t->xref[i].num,
		    t->xref[i].off);
	if (first)
		buf_printf(&t->b, "trailer\n<< /Size %d /Root 1 0 R >>\n",
		    t->next);
	else
		buf_printf(&t->b, "trailer\n<< /Size %d /Root 1 0 R /Prev %zu >>\n",
		    t->next, t->last_xref);
	buf_printf(&t->b, "startxref\n%zu\n%%%%EOF\n", x);
	t->last_xref = x;
	t->nxref = 0;
}

static void
t_init(struct tpdf *t)
{
	static const char content[] =
	    "BT /F1 24 Tf 72 700 Td (Surat Keputusan) Tj ET";

	memset(t, 0, sizeof(*t));
	buf_init(&t->b, 16 << 20);
	buf_printf(&t->b, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n");
	t->next = 6;
	snprintf(t->page_contents, sizeof(t->page_contents), "4 0 R");
	t_obj(t, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	t_obj(t, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	t_obj(t, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
	    "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>");
	t_stream(t, 4, "", content, sizeof(content) - 1);
	t_obj(t, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
	t_finish(t, 1);
}

static void
t_catalog_and_page(struct tpdf *t)
{
	char fields[256] = "", dss[32] = "", perms[64] = "";
	size_t o = 0;
	int i;

	for (i = 0; i < t->nfields; i++)
		o += (size_t)snprintf(fields + o, sizeof(fields) - o, "%d 0 R ",
		    t->fields[i]);
	if (t->dss)
		snprintf(dss, sizeof(dss), " /DSS %d 0 R", t->dss);
	if (t->perms_sig)
		snprintf(perms, sizeof(perms), " /Perms << /DocMDP %d 0 R >>",
		    t->perms_sig);
	t_obj(t, 1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [%s] "
	    "/SigFlags 3 >>%s%s >>", fields, dss, perms);
	t_obj(t, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
	    "/Contents %s /Resources << /Font << /F1 5 0 R >> >> "
	    "/Annots [%s] >>", t->page_contents, fields);
}

enum sigkind { SK_CADES, SK_PKCS7, SK_DOCTS };

struct signopt {
	enum sigkind	 kind;
	enum tst_mode	 tst;
	int		 certify_p;		/* 0: approval signature */
	int		 not_der;		/* /Contents of garbage */
	int		 adbe_revinfo;		/* Acrobat's signed OCSP */
};

/* Appends a signed field; returns the signature dictionary's number. */
static int
t_sign(struct tpdf *t, const struct signopt *so)
{
	static const char *subf[] = { "ETSI.CAdES.detached",
	    "adbe.pkcs7.detached", "ETSI.RFC3161" };
	int f = t->next++, s = t->next++;
	size_t gap0, gap1, brpos, end, i, n = 0;
	unsigned char *der = NULL;
	char name[16], br[64], ref[256] = "";

	t->fields[t->nfields++] = f;
	if (so->certify_p) {
		t->perms_sig = s;
		snprintf(ref, sizeof(ref), " /Reference [<< /Type /SigRef "
		    "/TransformMethod /DocMDP /TransformParams << /Type "
		    "/TransformParams /P %d /V /1.2 >> >>]", so->certify_p);
	}
	snprintf(name, sizeof(name), "Sig%d", t->nfields);
	t_obj(t, f, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (%s) "
	    "/Rect [0 0 0 0] /F 132 /P 3 0 R /V %d 0 R >>", name, s);
	t->xref[t->nxref].num = s;
	t->xref[t->nxref++].off = t->b.len;
	buf_printf(&t->b, "%d 0 obj\n<< /Type /%s /Filter /Adobe.PPKLite "
	    "/SubFilter /%s /M (D:20260105083000+07'00') /Reason (Setuju)%s "
	    "/Contents ", s, so->kind == SK_DOCTS ? "DocTimeStamp" : "Sig",
	    subf[so->kind], ref);
	gap0 = t->b.len;
	buf_addstr(&t->b, "<");
	for (i = 0; i < HEXLEN; i++)
		buf_addstr(&t->b, "0");
	buf_addstr(&t->b, ">");
	gap1 = t->b.len;
	buf_addstr(&t->b, " /ByteRange ");
	brpos = t->b.len;
	buf_printf(&t->b, "[0 %-10s %-10s %-10s]", "0", "0", "0");
	buf_printf(&t->b, " >>\nendobj\n");
	t_catalog_and_page(t);
	t_finish(t, 0);
	end = t->b.len;
	snprintf(br, sizeof(br), "[0 %-10zu %-10zu %-10zu]", gap0, gap1,
	    end - gap1);
	memcpy(t->b.data + brpos, br, strlen(br));
	if (so->not_der) {
		der = OPENSSL_malloc(64);
		memset(der, 0x5a, 64);
		n = 64;
	} else if (so->kind == SK_DOCTS)
		der = make_tst(t->b.data, gap0, t->b.data + gap1, end - gap1, &n);
	else
		der = cms_sign(t->b.data, gap0, t->b.data + gap1, end - gap1,
		    so->kind == SK_CADES, so->tst, so->adbe_revinfo, &n);
	if (der == NULL || 2 * n > HEXLEN) {
		OPENSSL_free(der);
		return -1;
	}
	for (i = 0; i < n; i++) {
		static const char hx[] = "0123456789abcdef";

		t->b.data[gap0 + 1 + 2 * i] = (unsigned char)hx[der[i] >> 4];
		t->b.data[gap0 + 2 + 2 * i] = (unsigned char)hx[der[i] & 15];
	}
	OPENSSL_free(der);
	return s;
}

enum dss_mode { DSS_OCSP_GOOD, DSS_OCSP_REVOKED, DSS_CRL_REVOKED };

/* Appends a DSS with the chain and the signer's status. */
static void
t_dss(struct tpdf *t, enum dss_mode mode)
{
	unsigned char *der = NULL, *ocsp, z[8192];
	uLongf zl = sizeof(z);
	size_t ol = 0;
	int c1 = t->next++, c2 = t->next++, o1 = t->next++, d = t->next++;
	int tsac = t->next++, len;

	len = i2d_X509(fx.user, &der);
	t_stream(t, c1, "", der, (size_t)len);
	OPENSSL_free(der);
	der = NULL;
	/* one Flate stream, as most writers compress the DSS */
	len = i2d_X509(fx.root, &der);
	compress(z, &zl, der, (uLong)len);
	t_stream(t, c2, "/Filter /FlateDecode", z, zl);
	OPENSSL_free(der);
	der = NULL;
	len = i2d_X509(fx.tsa, &der);
	t_stream(t, tsac, "", der, (size_t)len);
	OPENSSL_free(der);
	ocsp = mode == DSS_CRL_REVOKED ? make_crl(fx.user, &ol) :
	    make_ocsp(fx.user, mode == DSS_OCSP_REVOKED, &ol);
	t_stream(t, o1, "", ocsp, ol);
	OPENSSL_free(ocsp);
	{
		/* the TSA's status too, for the time-stamps' own LTV */
		size_t tl = 0;
		unsigned char *to = make_ocsp(fx.tsa, 0, &tl);
		int o2 = t->next++;

		t_stream(t, o2, "", to, tl);
		OPENSSL_free(to);
		if (mode == DSS_CRL_REVOKED)
			t_obj(t, d, "<< /Certs [%d 0 R %d 0 R %d 0 R] /OCSPs "
			    "[%d 0 R] /CRLs [%d 0 R] >>", c1, c2, tsac, o2, o1);
		else
			t_obj(t, d, "<< /Certs [%d 0 R %d 0 R %d 0 R] /OCSPs "
			    "[%d 0 R %d 0 R] >>", c1, c2, tsac, o1, o2);
	}
	t->dss = d;
	t_catalog_and_page(t);
	t_finish(t, 0);
}

/* Appends new page content: what a forger would do after signing. */
static void
t_add_content(struct tpdf *t)
{
	static const char extra[] = "BT /F1 24 Tf 72 600 Td (Dibatalkan) Tj ET";
	int c = t->next++;

	t_stream(t, c, "", extra, sizeof(extra) - 1);
	snprintf(t->page_contents, sizeof(t->page_contents), "[4 0 R %d 0 R]",
	    c);
	t_catalog_and_page(t);
	t_finish(t, 0);
}

/* ---- running the verifier ---- */

struct run {
	struct pdf_report	*rep;
	json_t			*j, *v1, *v2;
	int			 rc;
	struct err		 e;
};

static int cb_revoked;
static int cb_calls;

static int
status_cb(void *arg, X509 *cert, X509 *issuer, time_t at, int *revoked,
    time_t *revoked_at, int *reason)
{
	(void)arg;
	(void)issuer;
	cb_calls++;
	if (X509_cmp(cert, fx.user) != 0)
		return -1;
	*revoked = cb_revoked;
	*revoked_at = at - 60;
	*reason = 1;
	return 0;
}

/* PDF_VERIFY_SAVE=DIR keeps every document verified here (fuzz seeds). */
static void
save_sample(const unsigned char *p, size_t n)
{
	static int count;
	const char *dir = getenv("PDF_VERIFY_SAVE");
	char path[512];
	FILE *f;

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/unit-%03d.pdf", dir, ++count);
	if ((f = fopen(path, "wb")) != NULL) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
}

static void
run(struct run *r, const unsigned char *p, size_t n, X509_STORE *trust,
    int with_cb)
{
	struct pdf_verify_opts o;
	struct buf text;

	memset(r, 0, sizeof(*r));
	memset(&o, 0, sizeof(o));
	save_sample(p, n);
	o.trust = trust;
	if (with_cb) {
		o.status = status_cb;
		o.status_arg = NULL;
	}
	r->rc = pdf_verify(p, n, &o, &r->rep, &r->e);
	if (r->rc == 0) {
		pdf_report_set_name(r->rep, "surat.pdf");
		r->j = pdf_report_json(r->rep);
		r->v1 = pdf_report_bsre_v1(r->rep);
		r->v2 = pdf_report_bsre_v2(r->rep);
		buf_init(&text, 1 << 20);
		assert_int_equal(pdf_report_text(r->rep, &text), 0);
		buf_cleanup(&text);
	}
}

static void
run_free(struct run *r)
{
	json_decref(r->j);
	json_decref(r->v1);
	json_decref(r->v2);
	pdf_report_free(r->rep);
}

static json_t *
entry(const struct run *r, size_t i)
{
	return json_array_get(json_object_get(r->j, "signatures"), i);
}

/* entry i's value at a path of object keys: "a.b.c" */
static json_t *
at(const struct run *r, size_t i, const char *path)
{
	json_t *j = entry(r, i);
	char key[64];
	const char *p = path, *dot;

	while (j != NULL && *p != '\0') {
		dot = strchr(p, '.');
		snprintf(key, sizeof(key), "%.*s",
		    (int)(dot ? (size_t)(dot - p) : strlen(p)), p);
		j = json_object_get(j, key);
		p = dot ? dot + 1 : p + strlen(p);
	}
	return j;
}

static int
at_true(const struct run *r, size_t i, const char *path)
{
	return json_is_true(at(r, i, path));
}

static const char *
at_str(const struct run *r, size_t i, const char *path)
{
	const char *s = json_string_value(at(r, i, path));

	return s != NULL ? s : "(null)";
}

static void
dump_on_failure(const struct run *r)
{
	char *s = json_dumps(r->j, JSON_INDENT(1));

	print_error("%s\n", s ? s : "(no json)");
	free(s);
}

/* ---- the tests ---- */

static void
test_valid_cades(void **state)
{
	struct signopt so = { SK_CADES, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(pdf_report_count(r.rep), 1);
	if (!pdf_report_all_valid(r.rep))
		dump_on_failure(&r);
	assert_true(pdf_report_all_valid(r.rep));
	assert_string_equal(at_str(&r, 0, "kind"), "signature");
	assert_string_equal(at_str(&r, 0, "field"), "Sig1");
	assert_string_equal(at_str(&r, 0, "sub_filter"), "ETSI.CAdES.detached");
	assert_string_equal(at_str(&r, 0, "signer.common_name"), "Siti Rahayu");
	assert_string_equal(at_str(&r, 0, "signer.organization"),
	    "Kementerian Uji");
	assert_string_equal(at_str(&r, 0, "signer.organizational_unit"),
	    "Biro Umum");
	assert_string_equal(at_str(&r, 0, "signer.email"), "siti@uji.go.id");
	assert_true(at_true(&r, 0, "byte_range.valid"));
	assert_true(at_true(&r, 0, "byte_range.covers_whole_file"));
	assert_true(at_true(&r, 0, "integrity.message_digest_ok"));
	assert_true(at_true(&r, 0, "integrity.signature_ok"));
	assert_string_equal(at_str(&r, 0, "integrity.signing_certificate_attribute"),
	    "ok");
	assert_true(at_true(&r, 0, "chain.trusted"));
	assert_string_equal(at_str(&r, 0, "revocation.status"), "unknown");
	assert_string_equal(at_str(&r, 0, "pades_level"), "B-B");
	assert_string_equal(at_str(&r, 0, "modifications.verdict"), "none");
	assert_string_equal(at_str(&r, 0, "signing_time.claimed"),
	    "2026-01-05T01:30:00Z");
	assert_true(json_is_null(at(&r, 0, "signing_time.proven")));
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_pkcs7_and_no_trust(void **state)
{
	struct signopt so = { SK_PKCS7, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_true(pdf_report_all_valid(r.rep));
	assert_string_equal(at_str(&r, 0, "sub_filter"), "adbe.pkcs7.detached");
	/* the signing-time attribute stands in for a missing /M */
	assert_string_equal(at_str(&r, 0, "signing_time.claimed_source"), "M");
	run_free(&r);
	/* NULL trust: nothing is trusted */
	run(&r, t.b.data, t.b.len, NULL, 0);
	assert_false(pdf_report_all_valid(r.rep));
	assert_true(at_true(&r, 0, "integrity.signature_ok"));
	assert_false(at_true(&r, 0, "chain.trusted"));
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_changed_byte(void **state)
{
	struct signopt so = { SK_CADES, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;
	unsigned char *p;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	/* "Surat Keputusan" becomes "Surat Keputusam": same length */
	p = memmem(t.b.data, t.b.len, "Keputusan", 9);
	assert_non_null(p);
	p[8] = 'm';
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_int_equal(r.rc, 0);
	assert_false(pdf_report_all_valid(r.rep));
	assert_true(at_true(&r, 0, "byte_range.valid"));
	assert_false(at_true(&r, 0, "integrity.message_digest_ok"));
	assert_false(at_true(&r, 0, "valid"));
	assert_true(json_array_size(at(&r, 0, "problems")) > 0);
	assert_true(json_is_false(json_object_get(json_object_get(
	    json_array_get(json_object_get(r.v1, "details"), 0),
	    "signature_document"), "document_integrity")));
	assert_string_equal(json_string_value(json_object_get(r.v1, "notes")),
	    "Konten Dokumen mengalami perubahan oleh pihak yang tidak berhak");
	run_free(&r);
	buf_cleanup(&t.b);
}

/* Rewrites the ByteRange in place (same width) as [0 a b+k c-k]. */
static void
shift_byterange(struct tpdf *t, long k)
{
	unsigned char *p = memmem(t->b.data, t->b.len, "/ByteRange [0 ", 14);
	long long a, b, c;
	char nb[64];
	int w;

	assert_non_null(p);
	assert_int_equal(sscanf((char *)p + 14, "%lld %lld %lld", &a, &b, &c), 3);
	w = snprintf(nb, sizeof(nb), "[0 %-10lld %-10lld %-10lld]", a, b + k,
	    c - k);
	memcpy(p + 11, nb, (size_t)w);
}

static void
test_byterange_skips_bytes(void **state)
{
	struct signopt so = { SK_CADES, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	shift_byterange(&t, 6);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(pdf_report_count(r.rep), 1);
	assert_false(pdf_report_all_valid(r.rep));
	assert_false(at_true(&r, 0, "byte_range.valid"));
	assert_false(at_true(&r, 0, "valid"));
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_untrusted_root(void **state)
{
	struct signopt so = { SK_CADES, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	run(&r, t.b.data, t.b.len, fx.wrong_trust, 0);
	assert_false(pdf_report_all_valid(r.rep));
	assert_true(at_true(&r, 0, "byte_range.valid"));
	assert_true(at_true(&r, 0, "integrity.message_digest_ok"));
	assert_true(at_true(&r, 0, "integrity.signature_ok"));
	assert_false(at_true(&r, 0, "chain.trusted"));
	assert_true(strlen(at_str(&r, 0, "chain.error")) > 0);
	assert_string_equal(json_string_value(json_object_get(r.v1, "notes")),
	    "Dokumen asli, tetapi Sertifikat yang digunakan tidak terpercaya");
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_content_appended(void **state)
{
	struct signopt so = { SK_CADES, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;
	json_t *ch;
	size_t i;
	int found = 0;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	t_add_content(&t);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_false(pdf_report_all_valid(r.rep));
	assert_true(at_true(&r, 0, "integrity.signature_ok"));
	assert_false(at_true(&r, 0, "byte_range.covers_whole_file"));
	assert_string_equal(at_str(&r, 0, "modifications.verdict"),
	    "content_changed");
	ch = at(&r, 0, "modifications.changes");
	for (i = 0; i < json_array_size(ch); i++) {
		json_t *c = json_array_get(ch, i);

		if (!json_is_true(json_object_get(c, "allowed")) &&
		    strstr(json_string_value(json_object_get(c, "what")),
		    "/Contents") != NULL)
			found = 1;
	}
	assert_true(found);
	assert_true(json_is_true(json_object_get(json_array_get(
	    json_object_get(r.v2, "signatureInformations"), 0), "modified")));
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_second_signature(void **state)
{
	struct signopt so = { SK_CADES, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	assert_true(t_sign(&t, &so) > 0);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_int_equal(pdf_report_count(r.rep), 2);
	if (!pdf_report_all_valid(r.rep))
		dump_on_failure(&r);
	assert_true(pdf_report_all_valid(r.rep));
	assert_string_equal(at_str(&r, 0, "field"), "Sig1");
	assert_string_equal(at_str(&r, 1, "field"), "Sig2");
	assert_true(at_true(&r, 0, "valid"));
	assert_string_equal(at_str(&r, 0, "modifications.verdict"), "allowed");
	assert_string_equal(at_str(&r, 1, "modifications.verdict"), "none");
	assert_false(at_true(&r, 0, "byte_range.covers_whole_file"));
	assert_true(at_true(&r, 1, "byte_range.covers_whole_file"));
	assert_int_equal(json_integer_value(json_object_get(r.v1,
	    "jumlah_signature")), 2);
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_certified_no_changes(void **state)
{
	struct signopt cert = { SK_CADES, TST_NONE, 1, 0, 0 };
	struct signopt so = { SK_CADES, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &cert) > 0);
	assert_true(t_sign(&t, &so) > 0);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_int_equal(json_integer_value(at(&r, 0, "certification_p")), 1);
	/* P=1: not even a signature may be added */
	assert_string_equal(at_str(&r, 0, "modifications.verdict"),
	    "content_changed");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    json_object_get(r.v2, "signatureInformations"), 0),
	    "certLevelCode")), 1);
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_revoked_by_callback(void **state)
{
	struct signopt so = { SK_CADES, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	cb_revoked = 1;
	cb_calls = 0;
	run(&r, t.b.data, t.b.len, fx.trust, 1);
	assert_true(cb_calls > 0);
	assert_false(pdf_report_all_valid(r.rep));
	assert_string_equal(at_str(&r, 0, "revocation.status"), "revoked");
	assert_string_equal(at_str(&r, 0, "revocation.source"), "instance");
	assert_string_equal(at_str(&r, 0, "revocation.reason"), "keyCompromise");
	assert_false(json_is_null(at(&r, 0, "revocation.revoked_at")));
	run_free(&r);
	cb_revoked = 0;
	run(&r, t.b.data, t.b.len, fx.trust, 1);
	assert_true(pdf_report_all_valid(r.rep));
	assert_string_equal(at_str(&r, 0, "revocation.status"), "good");
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_timestamp(void **state)
{
	struct signopt good = { SK_CADES, TST_GOOD, 0, 0, 0 };
	struct signopt bad = { SK_CADES, TST_WRONG_IMPRINT, 0, 0, 0 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &good) > 0);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	if (!pdf_report_all_valid(r.rep))
		dump_on_failure(&r);
	assert_true(pdf_report_all_valid(r.rep));
	assert_true(at_true(&r, 0, "timestamp.imprint_ok"));
	assert_true(at_true(&r, 0, "timestamp.trusted"));
	assert_string_equal(at_str(&r, 0, "timestamp.tsa"), "Sertel Test TSA");
	assert_string_equal(at_str(&r, 0, "signing_time.proof"),
	    "signature_timestamp");
	assert_string_equal(at_str(&r, 0, "pades_level"), "B-T");
	assert_string_equal(json_string_value(json_object_get(r.v1, "notes")),
	    "Dokumen valid, Sertifikat yang digunakan terpercaya");
	run_free(&r);
	buf_cleanup(&t.b);

	t_init(&t);
	assert_true(t_sign(&t, &bad) > 0);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_false(pdf_report_all_valid(r.rep));
	assert_true(at_true(&r, 0, "integrity.signature_ok"));
	assert_false(at_true(&r, 0, "timestamp.imprint_ok"));
	assert_true(at_true(&r, 0, "timestamp.signature_ok"));
	assert_true(json_is_null(at(&r, 0, "signing_time.proven")));
	assert_string_equal(at_str(&r, 0, "pades_level"), "B-B");
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_lt_and_lta(void **state)
{
	struct signopt so = { SK_CADES, TST_GOOD, 0, 0, 0 };
	struct signopt dts = { SK_DOCTS, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	t_dss(&t, DSS_OCSP_GOOD);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	if (!pdf_report_all_valid(r.rep))
		dump_on_failure(&r);
	assert_true(pdf_report_all_valid(r.rep));
	assert_string_equal(at_str(&r, 0, "pades_level"), "B-LT");
	assert_true(at_true(&r, 0, "ltv"));
	assert_string_equal(at_str(&r, 0, "revocation.status"), "good");
	assert_string_equal(at_str(&r, 0, "revocation.source"), "dss");
	assert_string_equal(at_str(&r, 0, "modifications.verdict"), "allowed");
	run_free(&r);

	assert_true(t_sign(&t, &dts) > 0);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	if (!pdf_report_all_valid(r.rep))
		dump_on_failure(&r);
	assert_int_equal(pdf_report_count(r.rep), 2);
	assert_true(pdf_report_all_valid(r.rep));
	assert_string_equal(at_str(&r, 0, "pades_level"), "B-LTA");
	assert_string_equal(at_str(&r, 1, "kind"), "timestamp");
	assert_string_equal(at_str(&r, 1, "sub_filter"), "ETSI.RFC3161");
	assert_true(at_true(&r, 1, "valid"));
	assert_string_equal(at_str(&r, 1, "signer.common_name"),
	    "Sertel Test TSA");
	/* BSrE answers count signatures, not document time-stamps */
	assert_int_equal(json_integer_value(json_object_get(r.v2,
	    "signatureCount")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(r.v2, "signatureInformations"), 0),
	    "signatureFormat")), "PAdES-BASELINE-LTA");
	run_free(&r);

	/* a revoked signer in the DSS */
	buf_cleanup(&t.b);
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	t_dss(&t, DSS_OCSP_REVOKED);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_false(pdf_report_all_valid(r.rep));
	assert_string_equal(at_str(&r, 0, "revocation.status"), "revoked");
	assert_string_equal(at_str(&r, 0, "revocation.source"), "dss");
	run_free(&r);
	buf_cleanup(&t.b);

	/* ... and in a CRL, with its reason */
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	t_dss(&t, DSS_CRL_REVOKED);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_false(pdf_report_all_valid(r.rep));
	assert_string_equal(at_str(&r, 0, "revocation.status"), "revoked");
	assert_string_equal(at_str(&r, 0, "revocation.reason"), "keyCompromise");
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_adbe_revinfo(void **state)
{
	struct signopt so = { SK_PKCS7, TST_NONE, 0, 0, 1 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	if (!pdf_report_all_valid(r.rep))
		dump_on_failure(&r);
	assert_true(pdf_report_all_valid(r.rep));
	assert_string_equal(at_str(&r, 0, "revocation.status"), "good");
	assert_string_equal(at_str(&r, 0, "revocation.source"), "signature");
	assert_true(at_true(&r, 0, "revocation.embedded_for_chain"));
	assert_true(at_true(&r, 0, "ltv"));
	/* revocation data inside the CMS is not a DSS: no B-LT */
	assert_string_equal(at_str(&r, 0, "pades_level"), "B-B");
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_docts_changed(void **state)
{
	struct signopt dts = { SK_DOCTS, TST_NONE, 0, 0, 0 };
	struct tpdf t;
	struct run r;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &dts) > 0);
	t_add_content(&t);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_int_equal(pdf_report_count(r.rep), 1);
	assert_string_equal(at_str(&r, 0, "kind"), "timestamp");
	assert_true(at_true(&r, 0, "integrity.message_digest_ok"));
	assert_string_equal(at_str(&r, 0, "modifications.verdict"),
	    "content_changed");
	assert_false(pdf_report_all_valid(r.rep));
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_bsre_fields(void **state)
{
	static const char *const v1_top[] = { "nama_dokumen",
	    "jumlah_signature", "notes", "details", "summary" };
	static const char *const v1_tsa[] = { "name", "tsa_cert_validity" };
	static const char *const v1_signer[] = { "issuer_dn", "signer_name",
	    "signer_cert_validity", "signer_dn", "cert_user_certified" };
	static const char *const v1_doc[] = { "signed_using_tsa", "reason",
	    "document_integrity", "signature_value", "signed_in", "location",
	    "hash_value" };
	static const char *const v2_top[] = { "conclusion", "description",
	    "signatureInformations", "signatureCount" };
	static const char *const v2_sig[] = { "id", "fieldName", "signerName",
	    "signatureDate", "location", "reason", "signatureFormat",
	    "certLevelCode", "integrityValid", "certificateTrusted", "ltv",
	    "lastSignature", "digestAlgorithm", "signatureAlgorithm",
	    "timestampInfomation", "certificateDetails" };
	static const char *const v2_ts[] = { "id", "signerName",
	    "timestampDate" };
	static const char *const v2_cert[] = { "id", "commonName",
	    "issuerName", "serialNumber", "notBeforeDate", "notAfterDate",
	    "signatureAlgoritm", "keyUsages" };
	struct signopt so = { SK_CADES, TST_GOOD, 0, 0, 0 };
	struct tpdf t;
	struct run r;
	json_t *d, *s, *c;
	size_t i;

	(void)state;
	t_init(&t);
	assert_true(t_sign(&t, &so) > 0);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	for (i = 0; i < sizeof(v1_top) / sizeof(v1_top[0]); i++)
		assert_non_null(json_object_get(r.v1, v1_top[i]));
	assert_string_equal(json_string_value(json_object_get(r.v1,
	    "nama_dokumen")), "surat.pdf");
	assert_string_equal(json_string_value(json_object_get(r.v1,
	    "summary")), "DOCUMENT VALID !!!");
	d = json_array_get(json_object_get(r.v1, "details"), 0);
	assert_non_null(d);
	assert_string_equal(json_string_value(json_object_get(d,
	    "signature_field")), "Sig1");
	for (i = 0; i < sizeof(v1_tsa) / sizeof(v1_tsa[0]); i++)
		assert_non_null(json_object_get(json_object_get(d, "info_tsa"),
		    v1_tsa[i]));
	for (i = 0; i < sizeof(v1_signer) / sizeof(v1_signer[0]); i++)
		assert_non_null(json_object_get(json_object_get(d,
		    "info_signer"), v1_signer[i]));
	for (i = 0; i < sizeof(v1_doc) / sizeof(v1_doc[0]); i++)
		assert_non_null(json_object_get(json_object_get(d,
		    "signature_document"), v1_doc[i]));
	assert_true(json_is_true(json_object_get(json_object_get(d,
	    "info_signer"), "cert_user_certified")));
	assert_true(json_is_true(json_object_get(json_object_get(d,
	    "signature_document"), "signed_using_tsa")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(d,
	    "info_signer"), "signer_dn")),
	    "E=siti@uji.go.id,CN=Siti Rahayu,OU=Biro Umum,O=Kementerian Uji,C=ID");
	for (i = 0; i < sizeof(v2_top) / sizeof(v2_top[0]); i++)
		assert_non_null(json_object_get(r.v2, v2_top[i]));
	assert_string_equal(json_string_value(json_object_get(r.v2,
	    "conclusion")), "VALID");
	s = json_array_get(json_object_get(r.v2, "signatureInformations"), 0);
	for (i = 0; i < sizeof(v2_sig) / sizeof(v2_sig[0]); i++)
		assert_non_null(json_object_get(s, v2_sig[i]));
	assert_true(strncmp(json_string_value(json_object_get(s, "id")), "S-",
	    2) == 0);
	assert_string_equal(json_string_value(json_object_get(s,
	    "signatureFormat")), "PAdES-BASELINE-T");
	assert_string_equal(json_string_value(json_object_get(s,
	    "signatureDate")), "2026-01-05T01:30:00.000+00:00");
	for (i = 0; i < sizeof(v2_ts) / sizeof(v2_ts[0]); i++)
		assert_non_null(json_object_get(json_object_get(s,
		    "timestampInfomation"), v2_ts[i]));
	assert_int_equal(json_array_size(json_object_get(s,
	    "certificateDetails")), 2);
	c = json_array_get(json_object_get(s, "certificateDetails"), 0);
	for (i = 0; i < sizeof(v2_cert) / sizeof(v2_cert[0]); i++)
		assert_non_null(json_object_get(c, v2_cert[i]));
	assert_string_equal(json_string_value(json_object_get(c,
	    "signatureAlgoritm")), "ECDSA with SHA256");
	assert_string_equal(json_string_value(json_object_get(c, "issuerName")),
	    "C=ID,O=Sertel,CN=Sertel Test Root");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c,
	    "keyUsages"), 0)), "digitalSignature");
	assert_true(strspn(json_string_value(json_object_get(c,
	    "serialNumber")), "0123456789") == strlen(json_string_value(
	    json_object_get(c, "serialNumber"))));
	/* the misspelled names are the contract; the correct ones are not */
	assert_null(json_object_get(s, "timestampInformation"));
	assert_null(json_object_get(c, "signatureAlgorithm"));
	run_free(&r);
	buf_cleanup(&t.b);
}

static void
test_unsigned_and_bad_input(void **state)
{
	static const unsigned char junk[] = "this is not a PDF at all";
	struct signopt bad = { SK_CADES, TST_NONE, 0, 1, 0 };
	struct pdf_report *rep = NULL;
	struct pdf_verify_opts o;
	struct err e = { 0 };
	struct tpdf t;
	struct run r;
	size_t cut;

	(void)state;
	memset(&o, 0, sizeof(o));
	t_init(&t);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(pdf_report_count(r.rep), 0);
	assert_false(pdf_report_all_valid(r.rep));
	assert_int_equal(json_integer_value(json_object_get(r.v1,
	    "jumlah_signature")), 0);
	assert_true(json_is_null(json_object_get(r.v1, "summary")));
	assert_int_equal(json_array_size(json_object_get(r.v1, "details")), 0);
	assert_string_equal(json_string_value(json_object_get(r.v2,
	    "conclusion")), "NO_SIGNATURE");
	run_free(&r);

	assert_int_equal(pdf_verify(junk, sizeof(junk) - 1, &o, &rep, &e), -1);
	assert_int_equal(e.code, ERR_PDF_INVALID);
	assert_null(rep);
	assert_int_equal(pdf_verify(junk, 0, &o, &rep, &e), -1);
	assert_int_equal(e.code, ERR_PDF_INVALID);
	o.max_in = 10;
	assert_int_equal(pdf_verify(t.b.data, t.b.len, &o, &rep, &e), -1);
	assert_int_equal(e.code, ERR_PDF_TOO_LARGE);
	o.max_in = 0;

	/* a /Contents that is not DER */
	assert_true(t_sign(&t, &bad) > 0);
	run(&r, t.b.data, t.b.len, fx.trust, 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(pdf_report_count(r.rep), 1);
	assert_false(at_true(&r, 0, "valid"));
	assert_non_null(strstr(json_string_value(json_array_get(at(&r, 0,
	    "problems"), 0)), "DER"));
	run_free(&r);

	/* every truncation of a signed file: no crash, never valid */
	buf_cleanup(&t.b);
	{
		struct signopt so = { SK_CADES, TST_NONE, 0, 0, 0 };

		t_init(&t);
		assert_true(t_sign(&t, &so) > 0);
	}
	for (cut = 1; cut < t.b.len - 1; cut += 97) {
		rep = NULL;
		if (pdf_verify(t.b.data, cut, &o, &rep, &e) == 0) {
			assert_false(pdf_report_all_valid(rep));
			pdf_report_free(rep);
		}
	}
	buf_cleanup(&t.b);
}

int
run_pdf_verify_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_cades),
		cmocka_unit_test(test_pkcs7_and_no_trust),
		cmocka_unit_test(test_changed_byte),
		cmocka_unit_test(test_byterange_skips_bytes),
		cmocka_unit_test(test_untrusted_root),
		cmocka_unit_test(test_content_appended),
		cmocka_unit_test(test_second_signature),
		cmocka_unit_test(test_certified_no_changes),
		cmocka_unit_test(test_revoked_by_callback),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_lt_and_lta),
		cmocka_unit_test(test_adbe_revinfo),
		cmocka_unit_test(test_docts_changed),
		cmocka_unit_test(test_bsre_fields),
		cmocka_unit_test(test_unsigned_and_bad_input),
	};

	return cmocka_run_group_tests_name("pdf_verify", tests, pki_setup,
	    pki_teardown);
}

#ifdef PDF_VERIFY_TEST_MAIN
int
main(void)
{
	int failed;

	log_set_level(LOG_ERROR);
	failed = run_pdf_verify_tests();
	unit_keys_free();
	return failed > 255 ? 255 : failed;
}
#endif
