/*
 * tsa.c - the time-stamping authority (RFC 3161, with the ESSCertIDv2 of
 * RFC 5816).
 *
 * The request is parsed with OpenSSL's TS code; the TSTInfo and the CMS
 * SignedData around it are written here in DER, because the TSA key sits
 * behind the key wall, which signs bytes and nothing else. Every token's
 * serial is random (20 octets, as certificate serials) and recorded in
 * the database under a UNIQUE key, so no two tokens share one. Any
 * request we cannot honour gets a PKIStatusInfo "rejection" with the
 * failure bit that says why (§2.4.2), never an HTTP error.
 */
#include <string.h>

#include <openssl/ts.h>
#include <openssl/x509.h>

#include "der.h"
#include "pki.h"

/* PKIFailureInfo bits, RFC 3161 §2.4.2. */
enum { FAIL_BAD_ALG = 0, FAIL_BAD_REQUEST = 2, FAIL_BAD_DATA_FORMAT = 5,
    FAIL_TIME_NOT_AVAILABLE = 14, FAIL_UNACCEPTED_POLICY = 15,
    FAIL_UNACCEPTED_EXTENSION = 16, FAIL_SYSTEM_FAILURE = 25 };

static int
reject(struct buf *out, int bit, const char *text)
{
	unsigned char bits[5] = { 0 };
	size_t m, si, ss, nbytes = (size_t)bit / 8 + 1;

	out->len = 0;
	bits[0] = (unsigned char)(7 - bit % 8);		/* unused bits */
	bits[1 + bit / 8] = (unsigned char)(0x80 >> (bit % 8));
	m = der_open(out);
	si = der_open(out);
	if (der_long(out, DER_INT, 2) == -1)		/* rejection */
		return -1;
	ss = der_open(out);
	if (der_tlv(out, DER_UTF8, text, strlen(text)) == -1 ||
	    der_close(out, ss, DER_SEQ) == -1 ||
	    der_tlv(out, DER_BITSTR, bits, nbytes + 1) == -1 ||
	    der_close(out, si, DER_SEQ) == -1)
		return -1;
	return der_close(out, m, DER_SEQ);
}

static int
attr(struct buf *b, const char *oid, const struct buf *value)
{
	size_t m = der_open(b), set;

	if (der_oid_txt(b, oid) == -1)
		return -1;
	set = der_open(b);
	if (buf_add(b, value->data, value->len) == -1 ||
	    der_close(b, set, DER_SET) == -1)
		return -1;
	return der_close(b, m, DER_SEQ);
}

static int
alg_id(struct buf *b, int nid)
{
	size_t m = der_open(b);

	if (der_oid_nid(b, nid) == -1)
		return -1;
	return der_close(b, m, DER_SEQ);
}

/* Signs tst (TSTInfo DER) into a ContentInfo(SignedData). */
static int
token(struct pki *p, const struct buf *tst, int cert_req, time_t now,
    struct buf *out, struct err *e)
{
	const EVP_MD *md = keys_md(p->keys, KEY_TSA);
	unsigned char dig[EVP_MAX_MD_SIZE], certhash[32];
	unsigned int dl = 0, chl = 0;
	struct buf parts[4], v, attrs, sig, alg;
	const ASN1_INTEGER *tsn = X509_get0_serialNumber(p->tsa);
	size_t i, m, sd, set, eci, oc, si, isn, ct;
	int ret = -1;

	for (i = 0; i < 4; i++)
		buf_init(&parts[i], 1 << 14);
	buf_init(&v, 1 << 14);
	buf_init(&attrs, 1 << 14);
	buf_init(&sig, 1 << 12);
	buf_init(&alg, 1 << 10);
	if (md == NULL || !EVP_Digest(tst->data, tst->len, dig, &dl, md,
	    NULL) || !EVP_Digest(p->tsa_der.data, p->tsa_der.len, certhash,
	    &chl, EVP_sha256(), NULL) ||
	    keys_sigalg(p->keys, KEY_TSA, &alg) == -1)
		goto enc;

	/* Signed attributes (RFC 5652 §11, RFC 5035 §5.4.1). */
	if (der_oid_txt(&v, "1.2.840.113549.1.9.16.1.4") == -1 ||
	    attr(&parts[0], "1.2.840.113549.1.9.3", &v) == -1)
		goto enc;
	v.len = 0;
	if (der_tlv(&v, DER_OCTSTR, dig, dl) == -1 ||
	    attr(&parts[1], "1.2.840.113549.1.9.4", &v) == -1)
		goto enc;
	v.len = 0;
	if (der_time5280(&v, now) == -1 ||
	    attr(&parts[2], "1.2.840.113549.1.9.5", &v) == -1)
		goto enc;
	v.len = 0;
	m = der_open(&v);				/* SigningCertificateV2 */
	set = der_open(&v);				/* certs */
	si = der_open(&v);				/* ESSCertIDv2 */
	if (der_tlv(&v, DER_OCTSTR, certhash, chl) == -1 ||
	    der_close(&v, si, DER_SEQ) == -1 ||
	    der_close(&v, set, DER_SEQ) == -1 ||
	    der_close(&v, m, DER_SEQ) == -1 ||
	    attr(&parts[3], "1.2.840.113549.1.9.16.2.47", &v) == -1)
		goto enc;
	/* Signed as a SET OF (RFC 5652 §5.4), stored as [0] IMPLICIT. */
	if (der_set_of(&attrs, parts, 4) == -1)
		goto enc;
	if (keys_sign(p->keys, KEY_TSA, KEYS_FOR_TSA, attrs.data, attrs.len,
	    &sig, e) == -1)
		goto out;
	attrs.data[0] = DER_CTX(0);

	out->len = 0;
	ct = der_open(out);				/* ContentInfo */
	if (der_oid_txt(out, "1.2.840.113549.1.7.2") == -1)
		goto enc;
	oc = der_open(out);
	sd = der_open(out);				/* SignedData */
	if (der_long(out, DER_INT, 3) == -1)
		goto enc;
	set = der_open(out);
	if (alg_id(out, EVP_MD_get_type(md)) == -1 ||
	    der_close(out, set, DER_SET) == -1)
		goto enc;
	eci = der_open(out);
	if (der_oid_txt(out, "1.2.840.113549.1.9.16.1.4") == -1)
		goto enc;
	m = der_open(out);
	if (der_tlv(out, DER_OCTSTR, tst->data, tst->len) == -1 ||
	    der_close(out, m, DER_CTX(0)) == -1 ||
	    der_close(out, eci, DER_SEQ) == -1)
		goto enc;
	/* §2.4.1: the TSA certificate is included iff certReq is true. */
	if (cert_req) {
		m = der_open(out);
		if (buf_add(out, p->tsa_der.data, p->tsa_der.len) == -1 ||
		    der_close(out, m, DER_CTX(0)) == -1)
			goto enc;
	}
	set = der_open(out);
	si = der_open(out);				/* SignerInfo */
	if (der_long(out, DER_INT, 1) == -1)
		goto enc;
	isn = der_open(out);
	if (DER_I2D(out, i2d_X509_NAME, X509_get_issuer_name(p->tsa)) == -1 ||
	    DER_I2D(out, i2d_ASN1_INTEGER, tsn) == -1 ||
	    der_close(out, isn, DER_SEQ) == -1 ||
	    alg_id(out, EVP_MD_get_type(md)) == -1 ||
	    buf_add(out, attrs.data, attrs.len) == -1 ||
	    buf_add(out, alg.data, alg.len) == -1 ||
	    der_tlv(out, DER_OCTSTR, sig.data, sig.len) == -1 ||
	    der_close(out, si, DER_SEQ) == -1 ||
	    der_close(out, set, DER_SET) == -1 ||
	    der_close(out, sd, DER_SEQ) == -1 ||
	    der_close(out, oc, DER_CTX(0)) == -1 ||
	    der_close(out, ct, DER_SEQ) == -1)
		goto enc;
	ret = 0;
	goto out;
enc:
	err_set(e, ERR_INTERNAL, "time-stamp token encoding");
out:
	for (i = 0; i < 4; i++)
		buf_cleanup(&parts[i]);
	buf_cleanup(&v);
	buf_cleanup(&attrs);
	buf_cleanup(&sig);
	buf_cleanup(&alg);
	return ret;
}

int
tsa_respond(struct pki *p, struct store *s, const unsigned char *in,
    size_t len, struct buf *out, struct err *e)
{
	const unsigned char *q = in;
	unsigned char serial[SERIAL_LEN];
	char shex[2 * SERIAL_LEN + 1], imprint[2 * EVP_MAX_MD_SIZE + 16];
	TS_REQ *req = NULL;
	TS_MSG_IMPRINT *mi;
	const ASN1_OBJECT *aobj;
	const ASN1_INTEGER *nonce;
	ASN1_OCTET_STRING *dig;
	ASN1_OBJECT *pol, *ours = NULL;
	const EVP_MD *md;
	struct buf tst, tok;
	time_t now = now_utc();
	size_t m, a;
	int nid, tries, ret = -1;

	buf_init(&tst, 1 << 14);
	buf_init(&tok, 1 << 16);
	if (len == 0 || len > 16384 ||
	    (req = d2i_TS_REQ(NULL, &q, (long)len)) == NULL || q != in + len) {
		ret = reject(out, FAIL_BAD_DATA_FORMAT,
		    "malformed TimeStampReq");
		goto out;
	}
	if (TS_REQ_get_version(req) != 1) {
		ret = reject(out, FAIL_BAD_REQUEST, "version must be 1");
		goto out;
	}
	mi = TS_REQ_get_msg_imprint(req);
	X509_ALGOR_get0(&aobj, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
	nid = OBJ_obj2nid(aobj);
	dig = TS_MSG_IMPRINT_get_msg(mi);
	if (nid != NID_sha256 && nid != NID_sha384 && nid != NID_sha512) {
		ret = reject(out, FAIL_BAD_ALG,
		    "hash algorithm not accepted (SHA-256/384/512)");
		goto out;
	}
	md = EVP_get_digestbynid(nid);
	if (md == NULL || ASN1_STRING_length(dig) != EVP_MD_get_size(md)) {
		ret = reject(out, FAIL_BAD_DATA_FORMAT,
		    "imprint length does not match its algorithm");
		goto out;
	}
	ours = OBJ_txt2obj(p->cfg->tsa_policy_oid, 1);
	if ((pol = TS_REQ_get_policy_id(req)) != NULL && (ours == NULL ||
	    OBJ_cmp(pol, ours) != 0)) {
		ret = reject(out, FAIL_UNACCEPTED_POLICY, "policy not offered");
		goto out;
	}
	if (TS_REQ_get_ext_count(req) > 0) {
		ret = reject(out, FAIL_UNACCEPTED_EXTENSION,
		    "extensions not supported");
		goto out;
	}
	nonce = TS_REQ_get_nonce(req);
	if (nonce != NULL && ASN1_STRING_length(nonce) > 64) {
		ret = reject(out, FAIL_BAD_REQUEST, "nonce too long");
		goto out;
	}

	/* A unique serial, recorded before the token is signed. */
	snprintf(imprint, sizeof(imprint), "%s:", OBJ_nid2sn(nid));
	hex_encode(ASN1_STRING_get0_data(dig), (size_t)ASN1_STRING_length(dig),
	    imprint + strlen(imprint), sizeof(imprint) - strlen(imprint));
	for (tries = 0;; tries++) {
		if (ca_serial_new(serial) == -1)
			goto fail;
		hex_encode(serial, sizeof(serial), shex, sizeof(shex));
		if (s->ops->tsa_insert(s, shex, now, p->cfg->tsa_policy_oid,
		    imprint, e) == 0) {
			e->code = ERR_OK;	/* a collision that was redrawn */
			break;
		}
		if (e->code != ERR_CONFLICT || tries == 3)
			goto fail;
	}

	m = der_open(&tst);				/* TSTInfo */
	if (der_long(&tst, DER_INT, 1) == -1 ||
	    der_oid_txt(&tst, p->cfg->tsa_policy_oid) == -1 ||
	    DER_I2D(&tst, i2d_TS_MSG_IMPRINT, mi) == -1 ||
	    der_uint(&tst, DER_INT, serial, sizeof(serial)) == -1 ||
	    der_gentime(&tst, DER_GENTIME, now) == -1)
		goto fail;
	if (p->cfg->tsa_accuracy_seconds > 0) {
		a = der_open(&tst);
		if (der_long(&tst, DER_INT, p->cfg->tsa_accuracy_seconds) == -1 ||
		    der_close(&tst, a, DER_SEQ) == -1)
			goto fail;
	}
	if (nonce != NULL && DER_I2D(&tst, i2d_ASN1_INTEGER, nonce) == -1)
		goto fail;
	if (der_close(&tst, m, DER_SEQ) == -1 ||
	    token(p, &tst, TS_REQ_get_cert_req(req), now, &tok, e) == -1)
		goto fail;

	out->len = 0;
	m = der_open(out);				/* TimeStampResp */
	a = der_open(out);
	if (der_long(out, DER_INT, 0) == -1 ||		/* granted */
	    der_close(out, a, DER_SEQ) == -1 ||
	    buf_add(out, tok.data, tok.len) == -1 ||
	    der_close(out, m, DER_SEQ) == -1)
		goto fail;
	ret = 0;
	goto out;
fail:
	/* The client learns only "system failure"; e stays set with the
	 * detail for the caller's log. */
	if (e->code == ERR_OK)
		err_set(e, ERR_INTERNAL, "time-stamp encoding");
	ret = reject(out, FAIL_SYSTEM_FAILURE, "system failure");
out:
	ASN1_OBJECT_free(ours);
	TS_REQ_free(req);
	buf_cleanup(&tst);
	buf_cleanup(&tok);
	return ret;
}
