/*
 * ocsp.c - the OCSP responder (RFC 6960), answering as RFC 5019's
 * lightweight profile describes: responses are pre-produced, signed by
 * the delegated responder certificate, stored in the database and
 * served as they are, so a lookup costs a read, not a signature.
 *
 * A response is produced when a certificate is issued, again in the same
 * transaction as any status change (so a revocation made by the CLI is
 * what the next request to a running `serve` sees), and again by the
 * scheduler once it is ocsp.refresh_hours old. Requests with a CertID
 * hash other than SHA-1 are signed on first use and stored too. Nonces
 * are ignored (RFC 5019 §2.2.1). An unknown serial is "unknown", never
 * "good"; a request that cannot be parsed gets malformedRequest.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ocsp.h>

#include "der.h"
#include "pki.h"

enum { OCSP_OK = 0, OCSP_MALFORMED = 1, OCSP_INTERNAL = 2,
    OCSP_UNAUTHORIZED = 6 };

static const char *hash_names[4] = { "sha1", "sha256", "sha384", "sha512" };

static int
status_only(struct buf *out, int status)
{
	size_t m = der_open(out);

	out->len = 0;
	if (der_long(out, DER_ENUM, status) == -1)
		return -1;
	return der_close(out, m, DER_SEQ);
}

/*
 * Builds a signed OCSPResponse for serial (hex) with CertID hash index
 * idx; r is the certificate's record, or NULL for "unknown".
 */
static int
build(struct pki *p, const char *serial, int idx, const struct cert_rec *r,
    time_t now, struct buf *out, struct err *e)
{
	unsigned char sn[SERIAL_LEN + 8], rid[20];
	const ASN1_BIT_STRING *rk = X509_get0_pubkey_bitstr(p->ocsp);
	struct buf tbs, alg, sig;
	size_t snlen = 0, m, a, single, cid, st, nu, resp, basic;
	unsigned int ridlen = 0;
	int ret = -1;

	buf_init(&tbs, 1 << 16);
	buf_init(&alg, 1024);
	buf_init(&sig, 4096);
	if (hex_decode(serial, sn, sizeof(sn), &snlen) == -1 || rk == NULL ||
	    !EVP_Digest(rk->data, (size_t)rk->length, rid, &ridlen,
	    EVP_sha1(), NULL) || keys_sigalg(p->keys, KEY_OCSP, &alg) == -1) {
		err_set(e, ERR_INTERNAL, "OCSP response setup");
		goto out;
	}
	m = der_open(&tbs);
	/* responderID byKey [2] */
	a = der_open(&tbs);
	if (der_tlv(&tbs, DER_OCTSTR, rid, ridlen) == -1 ||
	    der_close(&tbs, a, DER_CTX(2)) == -1 ||
	    der_gentime(&tbs, DER_GENTIME, now) == -1)
		goto enc;
	resp = der_open(&tbs);
	single = der_open(&tbs);
	cid = der_open(&tbs);
	a = der_open(&tbs);
	if (der_oid_nid(&tbs, p->certid[idx].nid) == -1 ||
	    der_tlv(&tbs, DER_NULL, NULL, 0) == -1 ||
	    der_close(&tbs, a, DER_SEQ) == -1 ||
	    der_tlv(&tbs, DER_OCTSTR, p->certid[idx].name,
	    p->certid[idx].len) == -1 ||
	    der_tlv(&tbs, DER_OCTSTR, p->certid[idx].key,
	    p->certid[idx].len) == -1 ||
	    der_uint(&tbs, DER_INT, sn, snlen) == -1 ||
	    der_close(&tbs, cid, DER_SEQ) == -1)
		goto enc;
	if (r == NULL) {
		if (der_tlv(&tbs, DER_CTXP(2), NULL, 0) == -1)	/* unknown */
			goto enc;
	} else if (r->revoked) {
		st = der_open(&tbs);
		if (der_gentime(&tbs, DER_GENTIME, r->revoked_at) == -1)
			goto enc;
		if (r->reason != 0) {
			a = der_open(&tbs);
			if (der_long(&tbs, DER_ENUM, r->reason) == -1 ||
			    der_close(&tbs, a, DER_CTX(0)) == -1)
				goto enc;
		}
		if (der_close(&tbs, st, DER_CTX(1)) == -1)
			goto enc;
	} else if (der_tlv(&tbs, DER_CTXP(0), NULL, 0) == -1)	/* good */
		goto enc;
	if (der_gentime(&tbs, DER_GENTIME, now) == -1)		/* thisUpdate */
		goto enc;
	nu = der_open(&tbs);
	if (der_gentime(&tbs, DER_GENTIME, now + p->cfg->ocsp_response_hours *
	    3600) == -1 || der_close(&tbs, nu, DER_CTX(0)) == -1)
		goto enc;
	if (der_close(&tbs, single, DER_SEQ) == -1 ||
	    der_close(&tbs, resp, DER_SEQ) == -1 ||
	    der_close(&tbs, m, DER_SEQ) == -1)
		goto enc;

	if (keys_sign(p->keys, KEY_OCSP, KEYS_FOR_OCSP, tbs.data, tbs.len,
	    &sig, e) == -1)
		goto out;
	out->len = 0;
	m = der_open(out);
	a = der_open(out);
	if (der_long(out, DER_ENUM, OCSP_OK) == -1)
		goto enc;
	resp = der_open(out);
	basic = der_open(out);
	if (der_oid_txt(out, "1.3.6.1.5.5.7.48.1.1") == -1)
		goto enc;
	st = der_open(out);
	single = der_open(out);
	if (buf_add(out, tbs.data, tbs.len) == -1 ||
	    buf_add(out, alg.data, alg.len) == -1 ||
	    der_bitstr(out, sig.data, sig.len) == -1)
		goto enc;
	cid = der_open(out);
	nu = der_open(out);
	if (buf_add(out, p->ocsp_der.data, p->ocsp_der.len) == -1 ||
	    der_close(out, nu, DER_SEQ) == -1 ||
	    der_close(out, cid, DER_CTX(0)) == -1 ||
	    der_close(out, single, DER_SEQ) == -1 ||
	    der_close(out, st, DER_OCTSTR) == -1 ||
	    der_close(out, basic, DER_SEQ) == -1 ||
	    der_close(out, resp, DER_CTX(0)) == -1 ||
	    der_close(out, m, DER_SEQ) == -1)
		goto enc;
	(void)a;
	ret = 0;
	goto out;
enc:
	err_set(e, ERR_INTERNAL, "OCSP encoding");
out:
	buf_cleanup(&tbs);
	buf_cleanup(&alg);
	buf_cleanup(&sig);
	return ret;
}

/* Produces and stores the response for serial with hash index idx. */
static int
produce(struct pki *p, struct store *s, const char *serial, int idx,
    struct buf *out, struct err *e)
{
	struct cert_rec r;
	time_t now = now_utc();
	int rc, ret = -1;

	cert_rec_init(&r);
	if ((rc = s->ops->cert_get(s, serial, &r, e)) == -1)
		goto out;
	/* Only certificates this responder is authoritative for. */
	if (rc == 0 && strcmp(r.ca, CA_ISSUING) != 0)
		rc = 1;
	if (build(p, serial, idx, rc == 0 ? &r : NULL, now, out, e) == -1)
		goto out;
	if (rc == 0 && s->ops->ocsp_put(s, serial, hash_names[idx], out, now,
	    now + p->cfg->ocsp_response_hours * 3600, e) == -1)
		goto out;
	ret = 0;
out:
	cert_rec_cleanup(&r);
	return ret;
}

int
ocsp_produce(struct pki *p, struct store *s, const char *serial,
    struct err *e)
{
	struct buf out;
	int r;

	buf_init(&out, 1 << 16);
	r = produce(p, s, serial, 0, &out, e);
	buf_cleanup(&out);
	return r;
}

int
ocsp_respond(struct pki *p, struct store *s, const unsigned char *in,
    size_t len, struct buf *out, struct err *e)
{
	const unsigned char *q = in;
	OCSP_REQUEST *req = NULL;
	OCSP_CERTID *id;
	ASN1_OCTET_STRING *nh, *kh;
	ASN1_OBJECT *md;
	ASN1_INTEGER *sn;
	BIGNUM *bn = NULL;
	char *hex = NULL;
	time_t tu;
	int idx, nid, rc, ret = -1;

	if (len == 0 || len > 65536 ||
	    (req = d2i_OCSP_REQUEST(NULL, &q, (long)len)) == NULL ||
	    q != in + len || OCSP_request_onereq_count(req) != 1) {
		/* RFC 5019 §2.1.1: one request per message. */
		ret = status_only(out, OCSP_MALFORMED);
		goto out;
	}
	id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, 0));
	if (!OCSP_id_get0_info(&nh, &md, &kh, &sn, id)) {
		ret = status_only(out, OCSP_MALFORMED);
		goto out;
	}
	nid = OBJ_obj2nid(md);
	for (idx = 0; idx < 4 && p->certid[idx].nid != nid; idx++)
		;
	if (idx == 4 || ASN1_STRING_length(nh) != (int)p->certid[idx].len ||
	    ASN1_STRING_length(kh) != (int)p->certid[idx].len ||
	    memcmp(ASN1_STRING_get0_data(nh), p->certid[idx].name,
	    p->certid[idx].len) != 0 ||
	    memcmp(ASN1_STRING_get0_data(kh), p->certid[idx].key,
	    p->certid[idx].len) != 0) {
		/* Not a certificate of our issuing CA. */
		ret = status_only(out, OCSP_UNAUTHORIZED);
		goto out;
	}
	if ((bn = ASN1_INTEGER_to_BN(sn, NULL)) == NULL ||
	    (hex = BN_bn2hex(bn)) == NULL) {
		ret = status_only(out, OCSP_MALFORMED);
		goto out;
	}
	if (BN_is_negative(bn) || strlen(hex) > 2 * SERIAL_LEN) {
		ret = status_only(out, OCSP_MALFORMED);
		goto out;
	}
	rc = s->ops->ocsp_get(s, hex, hash_names[idx], out, &tu, e);
	if (rc == -1)
		goto internal;
	if (rc == 0 && tu > now_utc() - p->cfg->ocsp_refresh_hours * 3600) {
		ret = 0;
		goto out;
	}
	if (produce(p, s, hex, idx, out, e) == -1)
		goto internal;
	ret = 0;
	goto out;
internal:
	/* RFC 6960 §2.3: internalError; e stays set for the caller's log. */
	ret = status_only(out, OCSP_INTERNAL);
out:
	OPENSSL_free(hex);
	BN_free(bn);
	OCSP_REQUEST_free(req);
	return ret;
}

struct stale {
	char	(*serials)[SERIAL_HEX_MAX];
	size_t	 n, max;
};

static int
collect(void *arg, const char *serial)
{
	struct stale *st = arg;

	if (st->n == st->max)
		return 0;
	snprintf(st->serials[st->n++], SERIAL_HEX_MAX, "%s", serial);
	return 0;
}

int
ocsp_refresh(struct pki *p, struct store *s, struct err *e)
{
	struct stale st;
	time_t now = now_utc();
	size_t i;
	int total = 0;

	st.max = 1000;
	if ((st.serials = calloc(st.max, SERIAL_HEX_MAX)) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	do {
		st.n = 0;
		if (s->ops->ocsp_stale_each(s, now - p->cfg->ocsp_refresh_hours *
		    3600, now, collect, &st, e) == -1) {
			free(st.serials);
			return -1;
		}
		for (i = 0; i < st.n; i++) {
			if (ocsp_produce(p, s, st.serials[i], e) == -1) {
				free(st.serials);
				return -1;
			}
			total++;
		}
	} while (st.n == st.max);
	free(st.serials);
	return total;
}
