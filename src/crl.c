/*
 * crl.c - RFC 5280 §5 CRLs, one per CA, built in DER here and signed by
 * the key wall.
 *
 * Every CRL gets the next CRL number (monotonic, kept in the database in
 * the same transaction) and lists each revoked certificate of that CA
 * until the certificate expires (§3.3: entries may leave only after
 * expiry). A CRL is published on every revocation and refreshed by the
 * scheduler at least daily.
 */
#include <string.h>

#include <openssl/x509v3.h>

#include "audit.h"
#include "der.h"
#include "pki.h"

struct entries {
	struct buf	*b;
	int		 failed;
};

static int
add_entry(void *arg, const struct cert_rec *r)
{
	struct entries *en = arg;
	unsigned char sn[SERIAL_LEN + 1];
	size_t snlen = 0, m, ext, one, val;

	if (hex_decode(r->serial, sn, sizeof(sn), &snlen) == -1)
		return -1;
	m = der_open(en->b);
	if (der_uint(en->b, DER_INT, sn, snlen) == -1 ||
	    der_time5280(en->b, r->revoked_at) == -1)
		return -1;
	/* §5.3.1: reasonCode unspecified SHOULD be absent. */
	if (r->reason != 0) {
		ext = der_open(en->b);
		one = der_open(en->b);
		if (der_oid_txt(en->b, "2.5.29.21") == -1)
			return -1;
		val = der_open(en->b);
		if (der_long(en->b, DER_ENUM, r->reason) == -1 ||
		    der_close(en->b, val, DER_OCTSTR) == -1 ||
		    der_close(en->b, one, DER_SEQ) == -1 ||
		    der_close(en->b, ext, DER_SEQ) == -1)
			return -1;
	}
	return der_close(en->b, m, DER_SEQ);
}

static X509 *
ca_cert(struct pki *p, const char *ca)
{
	if (strcmp(ca, CA_ROOT) == 0)
		return p->root;
	if (strcmp(ca, CA_ISSUING) == 0)
		return p->issuing;
	return NULL;
}

int
crl_publish(struct pki *p, struct store *s, const char *ca,
    const char *actor, struct err *e)
{
	X509 *x = ca_cert(p, ca);
	const ASN1_OCTET_STRING *ski;
	struct buf tbs, alg, sig, der;
	struct entries en;
	time_t now = now_utc(), next;
	size_t m, list, exts, seq, one, val, aki;
	long number;
	char detail[128];
	int r = -1;

	if (x == NULL || (ski = X509_get0_subject_key_id(x)) == NULL)
		return err_set(e, ERR_CA_NOT_FOUND, "no CA %s", ca);
	next = now + p->cfg->crl_validity_hours * 3600;
	buf_init(&tbs, 256u << 20);
	buf_init(&alg, 1024);
	buf_init(&sig, 4096);
	buf_init(&der, 256u << 20);
	if (s->ops->crl_next_number(s, ca, &number, e) == -1)
		goto out;
	if (keys_sigalg(p->keys, ca, &alg) == -1) {
		err_set(e, ERR_KEYS, "no key for %s", ca);
		goto out;
	}
	m = der_open(&tbs);
	if (der_long(&tbs, DER_INT, 1) == -1 ||		/* v2 */
	    buf_add(&tbs, alg.data, alg.len) == -1 ||
	    DER_I2D(&tbs, i2d_X509_NAME, X509_get_subject_name(x)) == -1 ||
	    der_time5280(&tbs, now) == -1 || der_time5280(&tbs, next) == -1)
		goto enc;
	list = der_open(&tbs);
	en.b = &tbs;
	en.failed = 0;
	if (s->ops->cert_revoked_each(s, ca, now, add_entry, &en, e) == -1)
		goto out;
	if (tbs.len > list) {
		if (der_close(&tbs, list, DER_SEQ) == -1)
			goto enc;
	}
	/* crlExtensions [0]: authorityKeyIdentifier and cRLNumber. */
	exts = der_open(&tbs);
	seq = der_open(&tbs);
	one = der_open(&tbs);
	if (der_oid_txt(&tbs, "2.5.29.35") == -1)
		goto enc;
	val = der_open(&tbs);
	aki = der_open(&tbs);
	if (der_tlv(&tbs, DER_CTXP(0), ASN1_STRING_get0_data(ski),
	    (size_t)ASN1_STRING_length(ski)) == -1 ||
	    der_close(&tbs, aki, DER_SEQ) == -1 ||
	    der_close(&tbs, val, DER_OCTSTR) == -1 ||
	    der_close(&tbs, one, DER_SEQ) == -1)
		goto enc;
	one = der_open(&tbs);
	if (der_oid_txt(&tbs, "2.5.29.20") == -1)
		goto enc;
	val = der_open(&tbs);
	if (der_long(&tbs, DER_INT, number) == -1 ||
	    der_close(&tbs, val, DER_OCTSTR) == -1 ||
	    der_close(&tbs, one, DER_SEQ) == -1 ||
	    der_close(&tbs, seq, DER_SEQ) == -1 ||
	    der_close(&tbs, exts, DER_CTX(0)) == -1 ||
	    der_close(&tbs, m, DER_SEQ) == -1)
		goto enc;

	if (keys_sign(p->keys, ca, KEYS_FOR_CRL, tbs.data, tbs.len, &sig,
	    e) == -1)
		goto out;
	m = der_open(&der);
	if (buf_add(&der, tbs.data, tbs.len) == -1 ||
	    buf_add(&der, alg.data, alg.len) == -1 ||
	    der_bitstr(&der, sig.data, sig.len) == -1 ||
	    der_close(&der, m, DER_SEQ) == -1)
		goto enc;
	snprintf(detail, sizeof(detail), "{\"number\":%ld}", number);
	if (s->ops->crl_put(s, ca, number, now, next, &der, e) == -1 ||
	    audit_append(s, p->audit_key, actor, "crl.publish", ca, detail,
	    e) == -1)
		goto out;
	r = 0;
	goto out;
enc:
	err_set(e, ERR_INTERNAL, "CRL encoding");
out:
	buf_cleanup(&tbs);
	buf_cleanup(&alg);
	buf_cleanup(&sig);
	buf_cleanup(&der);
	return r;
}

int
crl_refresh(struct pki *p, struct store *s, long max_age, struct err *e)
{
	static const char *cas[] = { CA_ROOT, CA_ISSUING };
	struct buf der;
	time_t tu, nu, now = now_utc();
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		buf_init(&der, 256u << 20);
		rc = s->ops->crl_get(s, cas[i], &der, &tu, &nu, e);
		buf_cleanup(&der);
		if (rc == -1)
			return -1;
		if (rc == 0 && tu > now - max_age)
			continue;
		if (s->ops->begin(s, e) == -1)
			return -1;
		if (crl_publish(p, s, cas[i], "scheduler", e) == -1 ||
		    s->ops->commit(s, e) == -1) {
			s->ops->rollback(s);
			return -1;
		}
	}
	return 0;
}
