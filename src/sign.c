/*
 * sign.c - signing a document for a holder (DESIGN §7), whatever asked:
 * the BSrE v1/v2 API, the native API, or `sertel sign`.
 *
 * The PDF engine (pdf_sign.c) never sees a key or a network: its three
 * callbacks are answered here, in-process. The signature comes from the
 * holder's opened key (keys_holder.c); time-stamps from this instance's
 * own TSA (tsa_respond, the code behind POST /tsa, so every token is
 * recorded like any other); revocation data for the DSS from its own
 * OCSP responder for holder certificates and from the stored CRLs for
 * the CA and TSA certificates.
 *
 * Every signature is logged (holder, certificate serial, SHA-256 of the
 * signed document, level, time, client application) in the signatures
 * table and the audit log; its public id is what the QR code's
 * verification URL names (/v/<id>). The signed document itself is kept
 * only for the download-once window of the BSrE API (sign.download
 * table), then deleted by sign_sweep().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ocsp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ts.h>

#include "audit.h"
#include "sign.h"

struct ctx {
	struct pki		*pki;
	struct store		*s;
	struct keys_holder_key	*key;
};

static int
cb_sign(void *arg, const unsigned char *data, size_t len, struct buf *sig,
    struct err *e)
{
	struct ctx *c = arg;

	return keys_holder_key_sign(c->key, data, len, sig, e);
}

/* An RFC 3161 request to our own TSA; the token out of its answer. */
static int
cb_timestamp(void *arg, const unsigned char *data, size_t len,
    struct buf *token, struct err *e)
{
	struct ctx *c = arg;
	unsigned char md[SHA256_DIGEST_LENGTH], *der = NULL, *p;
	const unsigned char *q;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_INTEGER *nonce = ASN1_INTEGER_new();
	TS_RESP *resp = NULL;
	PKCS7 *tok;
	struct buf out;
	int n, ret = -1;
	long rnd;

	buf_init(&out, 1 << 16);
	SHA256(data, len, md);
	if (req == NULL || mi == NULL || alg == NULL || nonce == NULL ||
	    RAND_bytes((unsigned char *)&rnd, sizeof(rnd)) != 1 ||
	    X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL,
	    NULL) != 1 || TS_MSG_IMPRINT_set_algo(mi, alg) != 1 ||
	    TS_MSG_IMPRINT_set_msg(mi, md, sizeof(md)) != 1 ||
	    TS_REQ_set_version(req, 1) != 1 ||
	    TS_REQ_set_msg_imprint(req, mi) != 1 ||
	    ASN1_INTEGER_set(nonce, rnd & 0x7fffffffL) != 1 ||
	    TS_REQ_set_nonce(req, nonce) != 1 ||
	    TS_REQ_set_cert_req(req, 1) != 1 ||
	    (n = i2d_TS_REQ(req, &der)) <= 0) {
		err_ssl(e, ERR_INTERNAL, "time-stamp request");
		goto out;
	}
	if (tsa_respond(c->pki, c->s, der, (size_t)n, &out, e) == -1)
		goto out;
	q = out.data;
	if ((resp = d2i_TS_RESP(NULL, &q, (long)out.len)) == NULL ||
	    ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(
	    TS_RESP_get_status_info(resp))) > 1 ||
	    (tok = TS_RESP_get_token(resp)) == NULL ||
	    (n = i2d_PKCS7(tok, NULL)) <= 0 || buf_reserve(token,
	    (size_t)n) == -1) {
		err_set(e, ERR_INTERNAL, "time-stamp refused");
		goto out;
	}
	p = token->data + token->len;
	token->len += (size_t)i2d_PKCS7(tok, &p);
	ret = 0;
out:
	OPENSSL_free(der);
	TS_RESP_free(resp);
	TS_REQ_free(req);
	TS_MSG_IMPRINT_free(mi);
	X509_ALGOR_free(alg);
	ASN1_INTEGER_free(nonce);
	buf_cleanup(&out);
	return ret;
}

/* Holder certificates: our OCSP responder's answer. CA and TSA
 * certificates: the CRL of their issuer. */
static int
cb_revocation(void *arg, X509 *cert, X509 *issuer, struct buf *ocsp,
    struct buf *crl, struct err *e)
{
	struct ctx *c = arg;
	OCSP_REQUEST *req = NULL;
	OCSP_CERTID *id = NULL;
	unsigned char *der = NULL;
	time_t tu = 0, nu = 0;
	int n, ret = -1;

	if (X509_cmp(issuer, c->pki->root) == 0)
		return c->s->ops->crl_get(c->s, CA_ROOT, crl, &tu, &nu, e) == 0 ?
		    0 : err_set(e, ERR_INTERNAL, "root CRL");
	if (X509_cmp(issuer, c->pki->issuing) != 0)
		return err_set(e, ERR_PDF_SIGN, "a certificate of another CA");
	if (X509_cmp(cert, c->pki->tsa) == 0 || X509_cmp(cert,
	    c->pki->ocsp) == 0)
		return c->s->ops->crl_get(c->s, CA_ISSUING, crl, &tu, &nu,
		    e) == 0 ? 0 : err_set(e, ERR_INTERNAL, "issuing CRL");
	if ((req = OCSP_REQUEST_new()) == NULL ||
	    (id = OCSP_cert_to_id(EVP_sha1(), cert, issuer)) == NULL ||
	    OCSP_request_add0_id(req, id) == NULL) {
		OCSP_CERTID_free(id);
		err_ssl(e, ERR_INTERNAL, "OCSP request");
		goto out;
	}
	if ((n = i2d_OCSP_REQUEST(req, &der)) <= 0) {
		err_ssl(e, ERR_INTERNAL, "OCSP request");
		goto out;
	}
	ret = ocsp_respond(c->pki, c->s, der, (size_t)n, ocsp, e);
out:
	OPENSSL_free(der);
	OCSP_REQUEST_free(req);
	return ret;
}

static X509 *
x509_of(const struct buf *der)
{
	const unsigned char *p = der->data;

	return d2i_X509(NULL, &p, (long)der->len);
}

int
sign_new_id(char out[SIGN_ID_LEN])
{
	unsigned char r[12];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	return hex_encode(r, sizeof(r), out, SIGN_ID_LEN);
}

int
sign_pdf(struct pki *pki, struct store *s, X509 *cert,
    struct keys_holder_key *key, const unsigned char *pdf, size_t len,
    const struct pdf_sign_opts *o, struct buf *out, struct err *e)
{
	struct ctx c = { pki, s, key };
	struct pdf_signer signer;
	STACK_OF(X509) *chain = sk_X509_new_null();
	int ret = -1;

	if (chain == NULL || sk_X509_push(chain, pki->issuing) == 0 ||
	    sk_X509_push(chain, pki->root) == 0) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	memset(&signer, 0, sizeof(signer));
	signer.cert = cert;
	signer.chain = chain;
	signer.sign = cb_sign;
	signer.timestamp = cb_timestamp;
	signer.revocation = cb_revocation;
	signer.arg = &c;
	ret = pdf_sign(pdf, len, o, &signer, out, e);
out:
	sk_X509_free(chain);
	return ret;
}

int
sign_document(struct pki *pki, struct store *s, struct holder *h,
    struct keys_holder_key *key, const struct sign_job *job,
    struct sign_result *res, struct err *e)
{
	struct pdf_sign_opts o;
	struct cert_rec cr;
	char qr[300], detail[400], hex[2 * SHA256_DIGEST_LENGTH + 1];
	unsigned char md[SHA256_DIGEST_LENGTH];
	X509 *cert = NULL;
	struct buf *keep = res->pdf;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	res->pdf = keep;
	cert_rec_init(&cr);
	if (sign_new_id(res->id) == -1) {
		err_set(e, ERR_INTERNAL, "random");
		goto out;
	}
	if (s->ops->cert_get(s, h->serial, &cr, e) != 0 ||
	    (cert = x509_of(&cr.der)) == NULL) {
		if (e->code == ERR_OK)
			err_set(e, ERR_INTERNAL, "holder certificate");
		goto out;
	}
	o = job->opts;
	if (o.name == NULL)
		o.name = h->a.name;
	/* A QR code without a link of its own points at this document's
	 * public verification page. */
	if (o.vis.page != 0 && o.vis.image == NULL && o.vis.qr_text == NULL) {
		snprintf(qr, sizeof(qr), "%s/v/%s", pki->cfg->base_url,
		    res->id);
		o.vis.qr_text = qr;
	}
	if (sign_pdf(pki, s, cert, key, job->pdf, job->len, &o, res->pdf, e) ==
	    -1)
		goto out;
	SHA256(res->pdf->data, res->pdf->len, md);
	hex_encode(md, sizeof(md), hex, sizeof(hex));
	snprintf(res->sha256, sizeof(res->sha256), "%s", hex);
	res->signed_at = now_utc();
	snprintf(detail, sizeof(detail), "{\"id\":\"%s\",\"serial\":\"%s\","
	    "\"sha256\":\"%s\",\"level\":\"%s\",\"client\":\"%.80s\"}",
	    res->id, h->serial, hex, pdf_level_name(o.level),
	    job->client != NULL ? job->client : "");
	/* The log row and the download-once copy, with the audit row. */
	if (s->ops->begin(s, e) == -1)
		goto out;
	if (store_q(s, "INSERT INTO signatures(id, holder_id, serial, sha256, "
	    "level, client, signer_name, signed_at) VALUES (?, ?, ?, ?, ?, ?, "
	    "?, ?)", NULL, NULL, e, SV_S(res->id), SV_I(h->id),
	    SV_S(h->serial), SV_S(hex), SV_S(pdf_level_name(o.level)),
	    SV_S(job->client), SV_S(h->a.name), SV_I(res->signed_at)) == -1 ||
	    (job->keep && store_q(s, "INSERT INTO downloads(id, pdf, "
	    "expires_at, created_at) VALUES (?, ?, ?, ?)", NULL, NULL, e,
	    SV_S(res->id), SV_B(res->pdf->data, res->pdf->len),
	    SV_I(res->signed_at + pki->cfg->download_minutes * 60),
	    SV_I(res->signed_at)) == -1) ||
	    audit_append(s, pki->audit_key, job->client != NULL ? job->client :
	    "holder", "document.sign", h->a.pid, detail, e) == -1 ||
	    s->ops->commit(s, e) == -1) {
		s->ops->rollback(s);
		goto out;
	}
	ret = 0;
out:
	cert_rec_cleanup(&cr);
	X509_free(cert);
	return ret;
}

struct dl {
	struct buf	*out;
	long long	 expires, downloaded;
	int		 found;
};

static int
dl_cb(void *arg, const struct srow *r)
{
	struct dl *d = arg;
	const void *p;
	size_t n = 0;

	d->found = 1;
	d->expires = srow_int(r, 0);
	d->downloaded = srow_int(r, 1);
	p = srow_blob(r, 2, &n);
	return p != NULL ? buf_add(d->out, p, n) : 0;
}

int
sign_download(struct store *s, const char *id, struct buf *out,
    struct err *e)
{
	struct dl d = { out, 0, 0, 0 };
	long n = -1;

	if (strlen(id) >= SIGN_ID_LEN || s->ops->begin(s, e) == -1)
		return strlen(id) >= SIGN_ID_LEN ? 1 : -1;
	if (store_q(s, "SELECT expires_at, COALESCE(downloaded_at, 0), pdf "
	    "FROM downloads WHERE id = ?", dl_cb, &d, e, SV_S(id)) == -1)
		goto fail;
	if (!d.found || d.downloaded != 0 || d.expires <= now_utc()) {
		s->ops->rollback(s);
		out->len = 0;
		return 1;
	}
	/* Once: the copy is gone with the first download. */
	n = store_q(s, "UPDATE downloads SET downloaded_at = ?, pdf = NULL "
	    "WHERE id = ? AND downloaded_at IS NULL", NULL, NULL, e,
	    SV_I(now_utc()), SV_S(id));
	if (n != 1 || s->ops->commit(s, e) == -1)
		goto fail;
	return 0;
fail:
	s->ops->rollback(s);
	out->len = 0;
	return n == 0 ? 1 : -1;
}

int
sign_sweep(struct store *s, struct err *e)
{
	/* Expired copies are deleted; the rows stay so that a late
	 * download gets the "already downloaded" answer, not a 500. */
	return store_q(s, "UPDATE downloads SET pdf = NULL, downloaded_at = "
	    "COALESCE(downloaded_at, expires_at) WHERE pdf IS NOT NULL AND "
	    "expires_at <= ?", NULL, NULL, e, SV_I(now_utc())) == -1 ? -1 : 0;
}

static int
sig_cb(void *arg, const struct srow *r)
{
	struct sign_record *x = arg;

	srow_copy(r, 0, x->id, sizeof(x->id));
	srow_copy(r, 1, x->serial, sizeof(x->serial));
	srow_copy(r, 2, x->sha256, sizeof(x->sha256));
	srow_copy(r, 3, x->level, sizeof(x->level));
	srow_copy(r, 4, x->signer_name, sizeof(x->signer_name));
	x->signed_at = srow_int(r, 5);
	srow_copy(r, 6, x->agency, sizeof(x->agency));
	return 1;
}

int
sign_record_get(struct store *s, const char *id, struct sign_record *x,
    struct err *e)
{
	long n;

	memset(x, 0, sizeof(*x));
	if (strlen(id) >= SIGN_ID_LEN)
		return 1;
	n = store_q(s, "SELECT g.id, g.serial, g.sha256, g.level, "
	    "g.signer_name, g.signed_at, COALESCE(ag.name, '') FROM signatures "
	    "g JOIN holders h ON h.id = g.holder_id JOIN applications a ON "
	    "a.id = h.application_id LEFT JOIN agencies ag ON ag.id = "
	    "a.agency_id WHERE g.id = ?", sig_cb, x, e, SV_S(id));
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}
