/*
 * ca.c - the certification authority: the hierarchy made by `sertel
 * init`, holder certificate issuance with a pre-issuance profile check,
 * and revocation.
 *
 * Issuance follows Boulder's cycle: draw a serial and commit it to the
 * database (UNIQUE) before anything is signed; build the to-be-signed
 * certificate; parse those exact bytes and check them against the
 * profile; only then ask the key wall to sign them; assemble the
 * certificate, parse it back and check that its TBS is byte-identical
 * to the one checked and that the signature verifies; store it with its
 * audit row in one transaction. A crash anywhere leaves at worst a
 * reserved, unused serial, never a serial signed twice.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "audit.h"
#include "der.h"
#include "pki.h"

static const struct {
	int		 code;
	const char	*name;
} reasons[] = {
	{ 0, "unspecified" },
	{ 1, "keyCompromise" },
	{ 3, "affiliationChanged" },
	{ 4, "superseded" },
	{ 5, "cessationOfOperation" },
	{ 6, "certificateHold" },
	{ 9, "privilegeWithdrawn" },
};

int
pki_reason_parse(const char *s, int *code)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reasons[i].name, s) == 0) {
			*code = reasons[i].code;
			return 0;
		}
	return -1;
}

const char *
pki_reason_name(int code)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].name;
	return "unspecified";
}

int
ca_serial_new(unsigned char out[SERIAL_LEN])
{
	/* RFC 5280 §4.1.2.2: positive, at most 20 octets. Forcing the first
	 * octet into 0x01..0x7f keeps the encoding at exactly 20 octets
	 * and leaves 152 + log2(127) random bits. */
	do {
		if (RAND_bytes(out, SERIAL_LEN) != 1)
			return -1;
		out[0] &= 0x7f;
	} while (out[0] == 0);
	return 0;
}

int
ca_serial_reserve(struct store *s, const char *kind,
    unsigned char serial[SERIAL_LEN], struct err *e)
{
	char hex[2 * SERIAL_LEN + 1];
	int tries;

	/* Its own committed row: a serial is never signed twice, whatever
	 * happens after this. A collision draws again. */
	for (tries = 0;; tries++) {
		if (ca_serial_new(serial) == -1)
			return err_set(e, ERR_INTERNAL, "random");
		hex_encode(serial, SERIAL_LEN, hex, sizeof(hex));
		if (s->ops->serial_reserve(s, hex, kind, e) == 0)
			return 0;
		if (e->code != ERR_CONFLICT || tries == 3)
			return -1;
	}
}

/* ---- building and signing ---- */

struct issue {
	const char	*kind;		/* holder, ca, ocsp, tsa */
	const char	*ca;		/* issuer id recorded with it */
	const char	*key;		/* signing key id */
	X509		*issuer;	/* NULL: self-signed */
	X509_NAME	*subject;
	EVP_PKEY	*pub;
	long		 days;
	const char	*exts[12][2];	/* extension name, config value */
	const char	*email;		/* holder: SAN rfc822Name */
	const char	*policies;	/* comma-separated policy OIDs */
	const unsigned char *serial;	/* reserved by the caller, or NULL */
	int		 in_tx;		/* the caller's transaction is open */
};

static int
add_ext(X509 *x, X509V3_CTX *ctx, const char *name, const char *value)
{
	X509_EXTENSION *ex;
	int r;

	ex = X509V3_EXT_conf(NULL, ctx, name, value);
	if (ex == NULL)
		return -1;
	r = X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
	return r == 1 ? 0 : -1;
}

static int
add_san_email(X509 *x, const char *email)
{
	GENERAL_NAMES *gens = GENERAL_NAMES_new();
	GENERAL_NAME *g = GENERAL_NAME_new();
	ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();
	int r = -1;

	if (gens == NULL || g == NULL || ia5 == NULL ||
	    !ASN1_STRING_set(ia5, email, -1))
		goto out;
	GENERAL_NAME_set0_value(g, GEN_EMAIL, ia5);
	ia5 = NULL;
	if (!sk_GENERAL_NAME_push(gens, g))
		goto out;
	g = NULL;
	r = X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
	    X509V3_ADD_DEFAULT) == 1 ? 0 : -1;
out:
	ASN1_IA5STRING_free(ia5);
	GENERAL_NAME_free(g);
	GENERAL_NAMES_free(gens);
	return r;
}

/* certificatePolicies from "oid,oid" (the config-string form of OpenSSL
 * needs a config database; building the structure is simpler). */
static int
add_policies(X509 *x, const char *list)
{
	CERTIFICATEPOLICIES *pols = sk_POLICYINFO_new_null();
	POLICYINFO *pi;
	char one[128];
	const char *p = list, *comma;
	size_t n;
	int r = -1;

	if (pols == NULL)
		return -1;
	while (*p != '\0') {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n >= sizeof(one))
			goto out;
		memcpy(one, p, n);
		one[n] = '\0';
		if ((pi = POLICYINFO_new()) == NULL)
			goto out;
		ASN1_OBJECT_free(pi->policyid);
		if ((pi->policyid = OBJ_txt2obj(one, 1)) == NULL ||
		    !sk_POLICYINFO_push(pols, pi)) {
			POLICYINFO_free(pi);
			goto out;
		}
		p += n + (comma != NULL);
	}
	r = X509_add1_ext_i2d(x, NID_certificate_policies, pols, 0,
	    X509V3_ADD_DEFAULT) == 1 ? 0 : -1;
out:
	CERTIFICATEPOLICIES_free(pols);
	return r;
}

/* Wraps tbs in a Certificate with the given signature bytes. */
static int
assemble(struct buf *out, const struct buf *tbs, const struct buf *alg,
    const struct buf *sig)
{
	size_t m = der_open(out);

	if (buf_add(out, tbs->data, tbs->len) == -1 ||
	    buf_add(out, alg->data, alg->len) == -1 ||
	    der_bitstr(out, sig->data, sig->len) == -1)
		return -1;
	return der_close(out, m, DER_SEQ);
}

static X509 *
parse_cert(const struct buf *b)
{
	const unsigned char *p = b->data;

	return d2i_X509(NULL, &p, (long)b->len);
}

static void
subject_oneline(X509 *x, char *out, size_t n)
{
	BIO *bio = BIO_new(BIO_s_mem());
	BUF_MEM *m;

	out[0] = '\0';
	if (bio == NULL)
		return;
	X509_NAME_print_ex(bio, X509_get_subject_name(x), 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	BIO_get_mem_ptr(bio, &m);
	snprintf(out, n, "%.*s", (int)m->length, m->data);
	BIO_free(bio);
}

/* The audit detail of an issuance, as JSON (jansson escapes). */
static int
json_detail(char *out, size_t n, const char *kind, const char *ca,
    const char *subject)
{
	json_t *j = json_pack("{s:s, s:s, s:s}", "kind", kind, "ca", ca,
	    "subject", subject);
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) :
	    NULL;
	int r = -1;

	if (s != NULL && strlen(s) < n) {
		memcpy(out, s, strlen(s) + 1);
		r = 0;
	}
	free(s);
	json_decref(j);
	return r;
}

static int
issue(struct pki *pki, struct store *s, const char *actor,
    const struct issue *in, struct cert_rec *out, struct err *e)
{
	unsigned char serial[SERIAL_LEN];
	struct buf tbs, alg, sig, der, check;
	X509 *x = NULL, *parsed = NULL, *final = NULL;
	X509_ALGOR *tbsalg, *want = NULL;
	X509V3_CTX ctx;
	ASN1_INTEGER *sn = NULL;
	BIGNUM *bn = NULL;
	EVP_PKEY *ipub = NULL;
	unsigned char *tp;
	const unsigned char *ap;
	char hex[2 * SERIAL_LEN + 1], detail[768];
	time_t now = now_utc();
	int i, r = -1;

	buf_init(&tbs, 1 << 20);
	buf_init(&alg, 1024);
	buf_init(&sig, 4096);
	buf_init(&der, 1 << 20);
	buf_init(&check, 1 << 20);

	/* 1. Serial, committed before anything is signed. */
	if (in->serial != NULL)
		memcpy(serial, in->serial, sizeof(serial));
	else if (ca_serial_reserve(s, in->kind, serial, e) == -1)
		goto out;
	hex_encode(serial, sizeof(serial), hex, sizeof(hex));

	/* 2. The to-be-signed certificate. */
	if ((x = X509_new()) == NULL ||
	    (bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    (sn = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    !X509_set_version(x, 2) || !X509_set_serialNumber(x, sn) ||
	    !X509_set_subject_name(x, in->subject) ||
	    !X509_set_issuer_name(x, in->issuer != NULL ?
	    X509_get_subject_name(in->issuer) : in->subject) ||
	    /* A minute of backdating absorbs relying parties' clock skew. */
	    X509_time_adj_ex(X509_getm_notBefore(x), 0, -60, &now) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), (int)in->days, -61,
	    &now) == NULL ||
	    !X509_set_pubkey(x, in->pub)) {
		err_ssl(e, ERR_INTERNAL, "building certificate");
		goto out;
	}
	X509V3_set_ctx(&ctx, in->issuer != NULL ? in->issuer : x, x, NULL,
	    NULL, 0);
	for (i = 0; i < 12 && in->exts[i][0] != NULL; i++)
		if (add_ext(x, &ctx, in->exts[i][0], in->exts[i][1]) == -1) {
			err_ssl(e, ERR_PROFILE, in->exts[i][0]);
			goto out;
		}
	if (in->policies != NULL && add_policies(x, in->policies) == -1) {
		err_ssl(e, ERR_PROFILE, "certificatePolicies");
		goto out;
	}
	if (in->email != NULL && add_san_email(x, in->email) == -1) {
		err_ssl(e, ERR_PROFILE, "subjectAltName");
		goto out;
	}
	if (keys_sigalg(pki->keys, in->key, &alg) == -1) {
		err_set(e, ERR_KEYS, "no signature algorithm for %s", in->key);
		goto out;
	}
	ap = alg.data;
	if ((want = d2i_X509_ALGOR(NULL, &ap, (long)alg.len)) == NULL) {
		err_ssl(e, ERR_INTERNAL, "algorithm");
		goto out;
	}
	/* OpenSSL 3.0 has no setter for the TBS signature algorithm short
	 * of signing with the key, which lives behind the wall; the field
	 * is ours to fill in, so write it through the const view. */
	tbsalg = (X509_ALGOR *)X509_get0_tbs_sigalg(x);
	if (X509_ALGOR_copy(tbsalg, want) != 1) {
		err_ssl(e, ERR_INTERNAL, "algorithm");
		goto out;
	}
	if ((i = i2d_re_X509_tbs(x, NULL)) <= 0 ||
	    buf_reserve(&tbs, (size_t)i) == -1) {
		err_ssl(e, ERR_INTERNAL, "encoding");
		goto out;
	}
	tp = tbs.data;
	i2d_re_X509_tbs(x, &tp);
	tbs.len = (size_t)i;

	/* 3. Check exactly these bytes against the profile. */
	if (assemble(&check, &tbs, &alg, &sig) == -1 ||
	    (parsed = parse_cert(&check)) == NULL) {
		err_ssl(e, ERR_INTERNAL, "re-parsing TBS");
		goto out;
	}
	if (strcmp(in->kind, "holder") == 0 &&
	    ca_lint_holder(pki->cfg, parsed, in->issuer, e) == -1)
		goto out;

	/* 4. Sign, assemble, and check the result. */
	if (keys_sign(pki->keys, in->key, KEYS_FOR_CERT, tbs.data, tbs.len,
	    &sig, e) == -1)
		goto out;
	if (assemble(&der, &tbs, &alg, &sig) == -1 ||
	    (final = parse_cert(&der)) == NULL) {
		err_ssl(e, ERR_INTERNAL, "assembling certificate");
		goto out;
	}
	check.len = 0;
	if ((i = i2d_re_X509_tbs(final, NULL)) <= 0 || (size_t)i != tbs.len ||
	    buf_reserve(&check, (size_t)i) == -1 ||
	    (tp = check.data, i2d_re_X509_tbs(final, &tp)) != i ||
	    memcmp(check.data, tbs.data, tbs.len) != 0) {
		err_set(e, ERR_INTERNAL, "signed TBS differs from checked TBS");
		goto out;
	}
	ipub = keys_public(pki->keys, in->key);
	if (ipub == NULL || X509_verify(final, ipub) != 1) {
		err_ssl(e, ERR_KEYS, "signature does not verify");
		goto out;
	}

	/* 5. Store it with its audit row. */
	snprintf(out->serial, sizeof(out->serial), "%s", hex);
	snprintf(out->ca, sizeof(out->ca), "%s", in->ca);
	snprintf(out->kind, sizeof(out->kind), "%s", in->kind);
	subject_oneline(final, out->subject, sizeof(out->subject));
	{
		struct tm tm;
		ASN1_TIME_to_tm(X509_get0_notBefore(final), &tm);
		out->not_before = timegm(&tm);
		ASN1_TIME_to_tm(X509_get0_notAfter(final), &tm);
		out->not_after = timegm(&tm);
	}
	out->der.len = 0;
	if (buf_add(&out->der, der.data, der.len) == -1) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (json_detail(detail, sizeof(detail), in->kind, in->ca,
	    out->subject) == -1) {
		err_set(e, ERR_INTERNAL, "audit detail");
		goto out;
	}
	if (!in->in_tx && s->ops->begin(s, e) == -1)
		goto out;
	if (s->ops->cert_insert(s, out, e) == -1 ||
	    audit_append(s, pki->audit_key, actor, "cert.issue", hex, detail,
	    e) == -1 ||
	    (strcmp(in->kind, "holder") == 0 &&
	    ocsp_produce(pki, s, hex, e) == -1) ||
	    (!in->in_tx && s->ops->commit(s, e) == -1)) {
		if (!in->in_tx)
			s->ops->rollback(s);
		goto out;
	}
	r = 0;
out:
	EVP_PKEY_free(ipub);
	X509_ALGOR_free(want);
	X509_free(x);
	X509_free(parsed);
	X509_free(final);
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	buf_cleanup(&tbs);
	buf_cleanup(&alg);
	buf_cleanup(&sig);
	buf_cleanup(&der);
	buf_cleanup(&check);
	return r;
}

/* ---- the holder profile ---- */

static int
name_add(X509_NAME *n, int nid, const char *v)
{
	return X509_NAME_add_entry_by_NID(n, nid, MBSTRING_UTF8,
	    (const unsigned char *)v, -1, -1, 0) == 1 ? 0 : -1;
}

static int
text_ok(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i;

	if (!text_ok(s, 128) || at == NULL || at == s || strchr(at + 1, '@') ||
	    strchr(at + 1, '.') == NULL || at[1] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] > 0x7e || s[i] == ' ' || s[i] == ',' ||
		    s[i] == '<' || s[i] == '>' || s[i] == '"')
			return 0;
	return 1;
}

static int
key_allowed(const struct config *c, EVP_PKEY *k)
{
	char want[16];
	const char *p;
	size_t n;
	int bits = EVP_PKEY_get_bits(k);

	if (EVP_PKEY_is_a(k, "RSA") && (bits == 2048 || bits == 3072 ||
	    bits == 4096))
		snprintf(want, sizeof(want), "rsa%d", bits);
	else if (EVP_PKEY_is_a(k, "EC") && (bits == 256 || bits == 384)) {
		char grp[32];
		size_t gl = 0;
		if (!EVP_PKEY_get_utf8_string_param(k, "group", grp,
		    sizeof(grp), &gl) || (strcmp(grp, "prime256v1") != 0 &&
		    strcmp(grp, "secp384r1") != 0))
			return 0;
		snprintf(want, sizeof(want), "p%d", bits);
	} else
		return 0;
	n = strlen(want);
	for (p = c->holder_allowed_keys; (p = strstr(p, want)) != NULL; p += n)
		if ((p == c->holder_allowed_keys || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

static void
url(char *out, size_t n, const struct config *c, const char *fmt,
    const char *arg)
{
	char path[128];

	snprintf(path, sizeof(path), fmt, arg);
	snprintf(out, n, "%s%s", c->base_url, path);
}

int
ca_issue_holder(struct pki *pki, struct store *s, const char *actor,
    const struct holder_req *h, struct cert_rec *out, struct err *e)
{
	return ca_issue_holder_tx(pki, s, actor, h, NULL, out, e);
}

int
ca_issue_holder_tx(struct pki *pki, struct store *s, const char *actor,
    const struct holder_req *h, const unsigned char *serial,
    struct cert_rec *out, struct err *e)
{
	const struct config *c = pki->cfg;
	char aia[1000], cdp[500], ocsp[400], cai[400], crl[400];
	struct issue in;
	int r = -1;

	memset(&in, 0, sizeof(in));
	if (!text_ok(h->name, 64))
		return err_set(e, ERR_PROFILE, "name: 1 to 64 characters");
	if (!email_ok(h->email))
		return err_set(e, ERR_PROFILE, "email: not a valid address");
	if (!text_ok(h->agency, 64))
		return err_set(e, ERR_PROFILE, "agency: 1 to 64 characters");
	if (h->unit != NULL && !text_ok(h->unit, 64))
		return err_set(e, ERR_PROFILE, "unit: 1 to 64 characters");
	if (!key_allowed(c, h->pubkey))
		return err_set(e, ERR_WEAK_KEY, "allowed: %s",
		    c->holder_allowed_keys);
	if ((in.subject = X509_NAME_new()) == NULL ||
	    name_add(in.subject, NID_countryName, c->country) == -1 ||
	    name_add(in.subject, NID_organizationName, h->agency) == -1 ||
	    (h->unit != NULL && name_add(in.subject,
	    NID_organizationalUnitName, h->unit) == -1) ||
	    name_add(in.subject, NID_commonName, h->name) == -1 ||
	    name_add(in.subject, NID_pkcs9_emailAddress, h->email) == -1) {
		err_ssl(e, ERR_PROFILE, "subject");
		goto out;
	}
	url(ocsp, sizeof(ocsp), c, "%s", "/ocsp");
	url(cai, sizeof(cai), c, "/ca/%s.cer", CA_ISSUING);
	url(crl, sizeof(crl), c, "/crl/%s.crl", CA_ISSUING);
	snprintf(aia, sizeof(aia), "OCSP;URI:%s,caIssuers;URI:%s", ocsp, cai);
	snprintf(cdp, sizeof(cdp), "URI:%s", crl);
	in.kind = "holder";
	in.ca = CA_ISSUING;
	in.key = CA_ISSUING;
	in.issuer = pki->issuing;
	in.pub = h->pubkey;
	in.days = c->holder_validity_days;
	in.email = h->email;
	in.serial = serial;
	in.in_tx = serial != NULL;
	in.exts[0][0] = "subjectKeyIdentifier"; in.exts[0][1] = "hash";
	in.exts[1][0] = "authorityKeyIdentifier"; in.exts[1][1] = "keyid:always";
	in.exts[2][0] = "keyUsage";
	in.exts[2][1] = "critical,digitalSignature,nonRepudiation";
	in.exts[3][0] = "authorityInfoAccess"; in.exts[3][1] = aia;
	in.exts[4][0] = "crlDistributionPoints"; in.exts[4][1] = cdp;
	in.policies = c->holder_policy_oid;
	r = issue(pki, s, actor, &in, out, e);
out:
	X509_NAME_free(in.subject);
	return r;
}

static int
has_uri(X509 *x, int nid, const char *want)
{
	int found = 0, i;

	if (nid == NID_info_access) {
		AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, nid, NULL,
		    NULL);
		for (i = 0; aia != NULL && i < sk_ACCESS_DESCRIPTION_num(aia);
		    i++) {
			ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia,
			    i);
			if (ad->location->type == GEN_URI && strcmp((const char *)
			    ASN1_STRING_get0_data(ad->location->d.uniformResourceIdentifier),
			    want) == 0)
				found = 1;
		}
		AUTHORITY_INFO_ACCESS_free(aia);
	} else {
		CRL_DIST_POINTS *dps = X509_get_ext_d2i(x, nid, NULL, NULL);
		for (i = 0; dps != NULL && i < sk_DIST_POINT_num(dps); i++) {
			DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
			GENERAL_NAMES *g;
			int j;
			if (dp->distpoint == NULL || dp->distpoint->type != 0)
				continue;
			g = dp->distpoint->name.fullname;
			for (j = 0; j < sk_GENERAL_NAME_num(g); j++) {
				GENERAL_NAME *gn = sk_GENERAL_NAME_value(g, j);
				if (gn->type == GEN_URI && strcmp((const char *)
				    ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier),
				    want) == 0)
					found = 1;
			}
		}
		CRL_DIST_POINTS_free(dps);
	}
	return found;
}

static int
has_digit_run(const unsigned char *s, int n, int run)
{
	int i, k = 0;

	for (i = 0; i < n; i++) {
		k = (s[i] >= '0' && s[i] <= '9') ? k + 1 : 0;
		if (k >= run)
			return 1;
	}
	return 0;
}

/* subjectAltName: exactly one rfc822Name, the subject's emailAddress. */
static int
san_check(X509 *x, struct err *e)
{
	X509_NAME *subj = X509_get_subject_name(x);
	GENERAL_NAMES *gens;
	GENERAL_NAME *g;
	ASN1_STRING *mail;
	int i, ok;

	i = X509_NAME_get_index_by_NID(subj, NID_pkcs9_emailAddress, -1);
	if (i < 0)
		return err_set(e, ERR_PROFILE, "lint: no emailAddress");
	mail = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i));
	if ((gens = X509_get_ext_d2i(x, NID_subject_alt_name, &i, NULL)) ==
	    NULL)
		return err_set(e, ERR_PROFILE, "lint: subjectAltName missing");
	ok = sk_GENERAL_NAME_num(gens) == 1 &&
	    (g = sk_GENERAL_NAME_value(gens, 0))->type == GEN_EMAIL &&
	    ASN1_STRING_length(g->d.rfc822Name) == ASN1_STRING_length(mail) &&
	    memcmp(ASN1_STRING_get0_data(g->d.rfc822Name),
	    ASN1_STRING_get0_data(mail), (size_t)ASN1_STRING_length(mail)) == 0;
	GENERAL_NAMES_free(gens);
	if (!ok)
		return err_set(e, ERR_PROFILE, "lint: subjectAltName must be "
		    "the subject's e-mail address and nothing else");
	return 0;
}

int
ca_lint_holder(const struct config *c, X509 *x, X509 *issuer, struct err *e)
{
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	X509_NAME *subj = X509_get_subject_name(x);
	const X509_ALGOR *a1, *a2;
	char want[400];
	int i, days, secs, need[5] = { 0 };
	const int nids[5] = { NID_countryName, NID_organizationName,
	    NID_commonName, NID_pkcs9_emailAddress, NID_organizationalUnitName };
	uint32_t ku;
	BASIC_CONSTRAINTS *bc;
	CERTIFICATEPOLICIES *pol;
	ASN1_OBJECT *want_pol;

	if (X509_get_version(x) != 2)
		return err_set(e, ERR_PROFILE, "lint: not a v3 certificate");
	/* Serial: 20 octets, positive, first octet 0x01..0x7f. */
	if (ASN1_STRING_type(sn) != V_ASN1_INTEGER ||
	    ASN1_STRING_length(sn) != SERIAL_LEN ||
	    ASN1_STRING_get0_data(sn)[0] == 0 ||
	    ASN1_STRING_get0_data(sn)[0] > 0x7f)
		return err_set(e, ERR_PROFILE, "lint: serial is not 20 "
		    "positive octets");
	/* Validity: forwards, within the configured period (+ backdating),
	 * and inside the issuer's own validity. */
	if (!ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x),
	    X509_get0_notAfter(x)) || days < 0 || (days == 0 && secs <= 0) ||
	    (long)days * 86400 + secs > c->holder_validity_days * 86400 + 60)
		return err_set(e, ERR_PROFILE, "lint: validity period");
	if (issuer != NULL && ASN1_TIME_compare(X509_get0_notAfter(x),
	    X509_get0_notAfter(issuer)) > 0)
		return err_set(e, ERR_PROFILE, "lint: outlives its issuer");
	if (issuer != NULL && X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(issuer)) != 0)
		return err_set(e, ERR_PROFILE, "lint: issuer name");
	/* Subject: C, O, CN, emailAddress present once, OU at most once;
	 * DirectoryStrings are UTF8String; nothing else, and no NIK
	 * (a 16-digit run) anywhere. */
	for (i = 0; i < X509_NAME_entry_count(subj); i++) {
		X509_NAME_ENTRY *ne = X509_NAME_get_entry(subj, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(ne));
		ASN1_STRING *v = X509_NAME_ENTRY_get_data(ne);
		int k, type = ASN1_STRING_type(v);

		for (k = 0; k < 5 && nids[k] != nid; k++)
			;
		if (k == 5)
			return err_set(e, ERR_PROFILE, "lint: subject "
			    "attribute %s not allowed", OBJ_nid2sn(nid));
		need[k]++;
		if ((nid == NID_countryName && type != V_ASN1_PRINTABLESTRING) ||
		    (nid == NID_pkcs9_emailAddress && type != V_ASN1_IA5STRING) ||
		    (nid != NID_countryName && nid != NID_pkcs9_emailAddress &&
		    type != V_ASN1_UTF8STRING))
			return err_set(e, ERR_PROFILE, "lint: %s has the wrong "
			    "string type", OBJ_nid2sn(nid));
		if (has_digit_run(ASN1_STRING_get0_data(v),
		    ASN1_STRING_length(v), 16))
			return err_set(e, ERR_PROFILE, "lint: subject %s looks "
			    "like it carries a NIK", OBJ_nid2sn(nid));
	}
	for (i = 0; i < 4; i++)
		if (need[i] != 1)
			return err_set(e, ERR_PROFILE, "lint: subject needs "
			    "exactly one %s", OBJ_nid2sn(nids[i]));
	if (need[4] > 1)
		return err_set(e, ERR_PROFILE, "lint: more than one OU");
	{
		int li = X509_NAME_get_index_by_NID(subj, NID_countryName, -1);
		ASN1_STRING *cv = X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(subj, li));
		if (ASN1_STRING_length(cv) != 2 || memcmp(
		    ASN1_STRING_get0_data(cv), c->country, 2) != 0)
			return err_set(e, ERR_PROFILE, "lint: country must be "
			    "%s", c->country);
	}
	/* Extensions. */
	ku = X509_get_key_usage(x);
	if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE) ||
	    ku != (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION) ||
	    !X509_EXTENSION_get_critical(X509_get_ext(x,
	    X509_get_ext_by_NID(x, NID_key_usage, -1))))
		return err_set(e, ERR_PROFILE, "lint: key usage must be "
		    "critical digitalSignature + nonRepudiation only");
	if ((X509_get_extension_flags(x) & EXFLAG_CA) ||
	    X509_check_ca(x) != 0)
		return err_set(e, ERR_PROFILE, "lint: a CA flag is present");
	if ((bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL))) {
		int ca = bc->ca;
		BASIC_CONSTRAINTS_free(bc);
		if (ca)
			return err_set(e, ERR_PROFILE, "lint: CA:TRUE");
	}
	if (X509_get0_subject_key_id(x) == NULL ||
	    X509_get0_authority_key_id(x) == NULL)
		return err_set(e, ERR_PROFILE, "lint: SKI and AKI required");
	if (issuer != NULL && (X509_get0_subject_key_id(issuer) == NULL ||
	    ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(x),
	    X509_get0_subject_key_id(issuer)) != 0))
		return err_set(e, ERR_PROFILE, "lint: AKI is not the issuer's "
		    "SKI");
	snprintf(want, sizeof(want), "%s/ocsp", c->base_url);
	if (!has_uri(x, NID_info_access, want))
		return err_set(e, ERR_PROFILE, "lint: AIA lacks %s", want);
	snprintf(want, sizeof(want), "%s/ca/%s.cer", c->base_url, CA_ISSUING);
	if (!has_uri(x, NID_info_access, want))
		return err_set(e, ERR_PROFILE, "lint: AIA lacks %s", want);
	snprintf(want, sizeof(want), "%s/crl/%s.crl", c->base_url, CA_ISSUING);
	if (!has_uri(x, NID_crl_distribution_points, want))
		return err_set(e, ERR_PROFILE, "lint: CRL DP lacks %s", want);
	pol = X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL);
	want_pol = OBJ_txt2obj(c->holder_policy_oid, 1);
	for (i = 0; pol != NULL && want_pol != NULL &&
	    i < sk_POLICYINFO_num(pol); i++)
		if (OBJ_cmp(sk_POLICYINFO_value(pol, i)->policyid,
		    want_pol) == 0)
			break;
	if (pol == NULL || want_pol == NULL || i == sk_POLICYINFO_num(pol)) {
		CERTIFICATEPOLICIES_free(pol);
		ASN1_OBJECT_free(want_pol);
		return err_set(e, ERR_PROFILE, "lint: policy %s missing",
		    c->holder_policy_oid);
	}
	CERTIFICATEPOLICIES_free(pol);
	ASN1_OBJECT_free(want_pol);
	if (X509_get_ext_by_NID(x, NID_ext_key_usage, -1) >= 0 ||
	    X509_get_ext_by_NID(x, NID_netscape_cert_type, -1) >= 0)
		return err_set(e, ERR_PROFILE, "lint: unexpected extension");
	for (i = 0; i < X509_get_ext_count(x); i++) {
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(
		    X509_get_ext(x, i)));
		if (nid != NID_subject_key_identifier &&
		    nid != NID_authority_key_identifier &&
		    nid != NID_key_usage && nid != NID_info_access &&
		    nid != NID_crl_distribution_points &&
		    nid != NID_certificate_policies &&
		    nid != NID_subject_alt_name)
			return err_set(e, ERR_PROFILE, "lint: extension %s not "
			    "in the profile", OBJ_nid2sn(nid));
	}
	if (san_check(x, e) == -1)
		return -1;
	/* Key and signature algorithm. */
	if (!key_allowed(c, X509_get0_pubkey(x)))
		return err_set(e, ERR_WEAK_KEY, "lint: key type not allowed");
	X509_get0_signature(NULL, &a1, x);
	a2 = X509_get0_tbs_sigalg(x);
	if (X509_ALGOR_cmp(a1, a2) != 0)
		return err_set(e, ERR_PROFILE, "lint: signature algorithms "
		    "differ");
	return 0;
}

/* ---- revocation ---- */

int
ca_revoke(struct pki *pki, struct store *s, const char *actor,
    const char *serial, int reason, struct err *e)
{
	if (s->ops->begin(s, e) == -1)
		return -1;
	if (ca_revoke_tx(pki, s, actor, serial, reason, e) == -1 ||
	    s->ops->commit(s, e) == -1) {
		s->ops->rollback(s);
		return -1;
	}
	return 0;
}

int
ca_revoke_tx(struct pki *pki, struct store *s, const char *actor,
    const char *serial, int reason, struct err *e)
{
	struct cert_rec r;
	char detail[128];
	int rc, ret = -1;

	cert_rec_init(&r);
	if ((rc = s->ops->cert_get(s, serial, &r, e)) == -1)
		goto out;
	if (rc == 1) {
		err_set(e, ERR_CERT_NOT_FOUND, "no certificate %s", serial);
		goto out;
	}
	if (strcmp(r.ca, CA_ISSUING) != 0) {
		err_set(e, ERR_FORBIDDEN, "%s is a CA certificate; CA "
		    "certificates are revoked in a key ceremony", serial);
		goto out;
	}
	if (r.revoked) {
		err_set(e, ERR_CERT_ALREADY_REVOKED, "%s was revoked (%s)",
		    serial, pki_reason_name(r.reason));
		goto out;
	}
	if (r.not_after <= now_utc()) {
		err_set(e, ERR_CERT_EXPIRED, "%s has expired", serial);
		goto out;
	}
	snprintf(detail, sizeof(detail), "{\"reason\":\"%s\"}",
	    pki_reason_name(reason));
	/* One transaction: the revocation, its audit row, the new OCSP
	 * answer and the new CRL become visible together or not at all. */
	if (s->ops->cert_revoke(s, serial, now_utc(), reason, e) == -1 ||
	    audit_append(s, pki->audit_key, actor, "cert.revoke", serial,
	    detail, e) == -1 ||
	    ocsp_produce(pki, s, serial, e) == -1 ||
	    crl_publish(pki, s, CA_ISSUING, actor, e) == -1)
		goto out;
	ret = 0;
out:
	cert_rec_cleanup(&r);
	return ret;
}

/* ---- the hierarchy ---- */

int
pki_pem(const struct buf *der, char *out, size_t n)
{
	const unsigned char *p = der->data;
	X509 *x = d2i_X509(NULL, &p, (long)der->len);
	BIO *b = BIO_new(BIO_s_mem());
	BUF_MEM *m;
	int r = -1;

	if (n > 0)
		out[0] = '\0';
	if (x != NULL && b != NULL && PEM_write_bio_X509(b, x) == 1) {
		BIO_get_mem_ptr(b, &m);
		if (m->length < n) {
			memcpy(out, m->data, m->length);
			out[m->length] = '\0';
			r = 0;
		}
	}
	X509_free(x);
	BIO_free(b);
	return r;
}

static int
write_pem(const char *dir, const char *id, const struct buf *der,
    struct err *e)
{
	char path[PATH_MAX], pem[16384];

	if (pki_pem(der, pem, sizeof(pem)) == 0 && snprintf(path, sizeof(path),
	    "%s/ca/%s.pem", dir, id) < (int)sizeof(path) &&
	    file_write(path, pem, strlen(pem), 0644) == 0)
		return 0;
	return err_set(e, ERR_CONFIG, "cannot write %s cert", id);
}

static X509_NAME *
ca_name(const struct config *c, const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (n == NULL || name_add(n, NID_countryName, c->country) == -1 ||
	    name_add(n, NID_organizationName, c->org) == -1 ||
	    name_add(n, NID_commonName, cn) == -1) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

static X509 *
load_pem(const char *dir, const char *id)
{
	char path[PATH_MAX];
	X509 *x = NULL;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/ca/%s.pem", dir, id) >=
	    (int)sizeof(path) || (f = fopen(path, "r")) == NULL)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

/* Issues one hierarchy certificate and writes it as dir/ca/<id>.pem. */
static int
hierarchy_cert(struct pki *pki, struct store *s, struct issue *in,
    const char *id, const char *cn, X509 **slot, struct err *e)
{
	struct cert_rec r;
	int ret = -1;

	cert_rec_init(&r);
	in->subject = ca_name(pki->cfg, cn);
	in->pub = keys_public(pki->keys, id);
	if (in->subject == NULL || in->pub == NULL) {
		err_set(e, ERR_INTERNAL, "building %s", id);
		goto out;
	}
	if (issue(pki, s, "init", in, &r, e) == -1 ||
	    write_pem(pki->cfg->dir, id, &r.der, e) == -1)
		goto out;
	if ((*slot = load_pem(pki->cfg->dir, id)) == NULL) {
		err_set(e, ERR_INTERNAL, "reloading %s", id);
		goto out;
	}
	ret = 0;
out:
	X509_NAME_free(in->subject);
	EVP_PKEY_free(in->pub);
	cert_rec_cleanup(&r);
	return ret;
}

int
pki_init_instance(const struct config *c, struct err *e)
{
	static const char *const ids[] = { CA_ROOT, CA_ISSUING, KEY_OCSP,
	    KEY_TSA, NULL };
	const struct { const char *id; const struct ca_conf *cc;
	    unsigned purposes; } gen[] = {
		{ CA_ROOT, &c->root, KEYS_FOR_CERT | KEYS_FOR_CRL },
		{ CA_ISSUING, &c->issuing, KEYS_FOR_CERT | KEYS_FOR_CRL },
		{ KEY_OCSP, &c->ocsp, KEYS_FOR_OCSP },
		{ KEY_TSA, &c->tsa, KEYS_FOR_TSA },
	};
	char path[PATH_MAX], aia_root[500], cdp_root[500], aia_iss[500],
	    cdp_iss[500], u1[400], u2[400], pols[300];
	struct pki *pki = NULL;
	struct store *s = NULL;
	struct issue in;
	EVP_PKEY *k;
	size_t i;
	int r = -1;

	if (path_join(path, sizeof(path), c->dir, "ca") == -1 ||
	    (mkdir(path, 0755) == -1 && errno != EEXIST))
		return err_set(e, ERR_CONFIG, "cannot create %s", path);
	if (keys_store_create(c->dir, e) == -1 ||
	    audit_key_create(c->dir, e) == -1)
		return -1;
	for (i = 0; i < sizeof(gen) / sizeof(gen[0]); i++) {
		if ((k = keys_generate(c->dir, gen[i].id, gen[i].cc->alg,
		    gen[i].purposes, e)) == NULL)
			return -1;
		EVP_PKEY_free(k);
	}
	if ((pki = calloc(1, sizeof(*pki))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	pki->cfg = c;
	buf_init(&pki->ocsp_der, 1 << 16);
	buf_init(&pki->tsa_der, 1 << 16);
	if ((pki->keys = keys_open(c->dir, ids, e)) == NULL ||
	    audit_key_load(c->dir, pki->audit_key, e) == -1 ||
	    (s = store_open(c->dir, c->database, e)) == NULL)
		goto out;

	url(u1, sizeof(u1), c, "/ca/%s.cer", CA_ROOT);
	url(u2, sizeof(u2), c, "/crl/%s.crl", CA_ROOT);
	snprintf(aia_root, sizeof(aia_root), "caIssuers;URI:%s", u1);
	snprintf(cdp_root, sizeof(cdp_root), "URI:%s", u2);
	url(u1, sizeof(u1), c, "/ca/%s.cer", CA_ISSUING);
	url(u2, sizeof(u2), c, "/crl/%s.crl", CA_ISSUING);
	snprintf(aia_iss, sizeof(aia_iss), "caIssuers;URI:%s", u1);
	snprintf(cdp_iss, sizeof(cdp_iss), "URI:%s", u2);
	snprintf(pols, sizeof(pols), "%s,%s", c->holder_policy_oid,
	    c->tsa_policy_oid);

	memset(&in, 0, sizeof(in));
	in.kind = "ca"; in.ca = CA_ROOT; in.key = CA_ROOT;
	in.days = c->root.validity_days;
	in.exts[0][0] = "basicConstraints"; in.exts[0][1] = "critical,CA:TRUE";
	in.exts[1][0] = "keyUsage"; in.exts[1][1] = "critical,keyCertSign,cRLSign";
	in.exts[2][0] = "subjectKeyIdentifier"; in.exts[2][1] = "hash";
	if (hierarchy_cert(pki, s, &in, CA_ROOT, c->root.cn, &pki->root,
	    e) == -1)
		goto out;

	memset(&in, 0, sizeof(in));
	in.kind = "ca"; in.ca = CA_ROOT; in.key = CA_ROOT; in.issuer = pki->root;
	in.days = c->issuing.validity_days;
	in.exts[0][0] = "basicConstraints";
	in.exts[0][1] = "critical,CA:TRUE,pathlen:0";
	in.exts[1][0] = "keyUsage"; in.exts[1][1] = "critical,keyCertSign,cRLSign";
	in.exts[2][0] = "subjectKeyIdentifier"; in.exts[2][1] = "hash";
	in.exts[3][0] = "authorityKeyIdentifier"; in.exts[3][1] = "keyid:always";
	in.exts[4][0] = "authorityInfoAccess"; in.exts[4][1] = aia_root;
	in.exts[5][0] = "crlDistributionPoints"; in.exts[5][1] = cdp_root;
	in.policies = pols;
	if (hierarchy_cert(pki, s, &in, CA_ISSUING, c->issuing.cn,
	    &pki->issuing, e) == -1)
		goto out;

	memset(&in, 0, sizeof(in));
	in.kind = "ocsp"; in.ca = CA_ISSUING; in.key = CA_ISSUING;
	in.issuer = pki->issuing; in.days = c->ocsp.validity_days;
	in.exts[0][0] = "keyUsage"; in.exts[0][1] = "critical,digitalSignature";
	in.exts[1][0] = "extendedKeyUsage"; in.exts[1][1] = "OCSPSigning";
	/* RFC 6960 §4.2.2.2.1: relying parties need not check the
	 * responder's own revocation status. */
	in.exts[2][0] = "noCheck"; in.exts[2][1] = "ignored";
	in.exts[3][0] = "subjectKeyIdentifier"; in.exts[3][1] = "hash";
	in.exts[4][0] = "authorityKeyIdentifier"; in.exts[4][1] = "keyid:always";
	in.exts[5][0] = "authorityInfoAccess"; in.exts[5][1] = aia_iss;
	if (hierarchy_cert(pki, s, &in, KEY_OCSP, c->ocsp.cn, &pki->ocsp,
	    e) == -1)
		goto out;

	memset(&in, 0, sizeof(in));
	in.kind = "tsa"; in.ca = CA_ISSUING; in.key = CA_ISSUING;
	in.issuer = pki->issuing; in.days = c->tsa.validity_days;
	in.exts[0][0] = "keyUsage";
	in.exts[0][1] = "critical,digitalSignature,nonRepudiation";
	/* RFC 3161 §2.3: the only EKU, and critical. */
	in.exts[1][0] = "extendedKeyUsage"; in.exts[1][1] = "critical,timeStamping";
	in.exts[2][0] = "subjectKeyIdentifier"; in.exts[2][1] = "hash";
	in.exts[3][0] = "authorityKeyIdentifier"; in.exts[3][1] = "keyid:always";
	in.exts[4][0] = "authorityInfoAccess"; in.exts[4][1] = aia_iss;
	in.exts[5][0] = "crlDistributionPoints"; in.exts[5][1] = cdp_iss;
	if (hierarchy_cert(pki, s, &in, KEY_TSA, c->tsa.cn, &pki->tsa,
	    e) == -1)
		goto out;

	for (i = 0; i < 2; i++) {
		if (s->ops->begin(s, e) == -1)
			goto out;
		if (crl_publish(pki, s, i == 0 ? CA_ROOT : CA_ISSUING, "init",
		    e) == -1 || audit_append(s, pki->audit_key, "init",
		    "instance.init", "instance", i == 0 ? "{\"step\":\"root crl\"}" :
		    "{\"step\":\"issuing crl\"}", e) == -1 ||
		    s->ops->commit(s, e) == -1) {
			s->ops->rollback(s);
			goto out;
		}
	}
	r = 0;
out:
	store_close(s);
	pki_free(pki);
	return r;
}

static int
certid_prepare(struct pki *p)
{
	static const int nids[4] = { NID_sha1, NID_sha256, NID_sha384,
	    NID_sha512 };
	const ASN1_BIT_STRING *key = X509_get0_pubkey_bitstr(p->issuing);
	unsigned char *nd = NULL;
	int i, nl;

	if (key == NULL || (nl = i2d_X509_NAME(X509_get_subject_name(
	    p->issuing), &nd)) <= 0)
		return -1;
	for (i = 0; i < 4; i++) {
		const EVP_MD *md = EVP_get_digestbynid(nids[i]);
		unsigned int l = 0;
		p->certid[i].nid = nids[i];
		if (md == NULL || !EVP_Digest(nd, (size_t)nl, p->certid[i].name,
		    &l, md, NULL) || !EVP_Digest(key->data, (size_t)key->length,
		    p->certid[i].key, &l, md, NULL)) {
			OPENSSL_free(nd);
			return -1;
		}
		p->certid[i].len = l;
	}
	OPENSSL_free(nd);
	return 0;
}

static int
cert_der(X509 *x, struct buf *b)
{
	return DER_I2D(b, i2d_X509, x);
}

struct pki *
pki_open(const struct config *c, struct err *e)
{
	static const char *const ids[] = { CA_ROOT, CA_ISSUING, KEY_OCSP,
	    KEY_TSA, NULL };
	struct pki *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	p->cfg = c;
	buf_init(&p->ocsp_der, 1 << 16);
	buf_init(&p->tsa_der, 1 << 16);
	if ((p->keys = keys_open(c->dir, ids, e)) == NULL ||
	    audit_key_load(c->dir, p->audit_key, e) == -1)
		goto fail;
	p->root = load_pem(c->dir, CA_ROOT);
	p->issuing = load_pem(c->dir, CA_ISSUING);
	p->ocsp = load_pem(c->dir, KEY_OCSP);
	p->tsa = load_pem(c->dir, KEY_TSA);
	if (p->root == NULL || p->issuing == NULL || p->ocsp == NULL ||
	    p->tsa == NULL) {
		err_set(e, ERR_NO_INSTANCE, "CA certificates missing in %s/ca",
		    c->dir);
		goto fail;
	}
	if (certid_prepare(p) == -1 || cert_der(p->ocsp, &p->ocsp_der) == -1 ||
	    cert_der(p->tsa, &p->tsa_der) == -1) {
		err_ssl(e, ERR_INTERNAL, "preparing responder");
		goto fail;
	}
	return p;
fail:
	pki_free(p);
	return NULL;
}

void
pki_free(struct pki *p)
{
	if (p == NULL)
		return;
	keys_free(p->keys);
	X509_free(p->root);
	X509_free(p->issuing);
	X509_free(p->ocsp);
	X509_free(p->tsa);
	buf_cleanup(&p->ocsp_der);
	buf_cleanup(&p->tsa_der);
	OPENSSL_cleanse(p->audit_key, sizeof(p->audit_key));
	free(p);
}
