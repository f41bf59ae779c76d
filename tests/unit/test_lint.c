/*
 * test_lint.c - the pre-issuance profile check, ca_lint_holder (ca.c),
 * against DESIGN.md §5.
 *
 * A certificate built here with OpenSSL's own API, the way the issuance
 * path builds one, passes the check; then each test changes exactly one
 * thing and expects the check to refuse, naming the rule that failed
 * (its detail text is checked too, so that a certificate refused for
 * some other reason does not count as a pass).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "pki.h"
#include "unit.h"

#define BASE	"http://127.0.0.1:8080"
#define DAY	86400L

#define GOOD_KU		"critical,digitalSignature,nonRepudiation"
#define GOOD_AIA	"OCSP;URI:" BASE "/ocsp,caIssuers;URI:" BASE \
			"/ca/issuing.cer"
#define GOOD_CDP	"URI:" BASE "/crl/issuing.crl"

struct rdn {
	int		 nid;
	int		 type;	/* MBSTRING_UTF8 or a V_ASN1_ string type */
	const char	*value;
};

static const struct rdn good_subject[] = {
	{ NID_countryName, MBSTRING_UTF8, "ID" },
	{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo Contoh" },
	{ NID_organizationalUnitName, MBSTRING_UTF8, "Bidang Persandian" },
	{ NID_commonName, MBSTRING_UTF8, "Budi Santoso" },
	{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
	{ 0, 0, NULL },
};

/* Everything a holder certificate is made of; good() fills it in. */
struct hopts {
	int		 version;	/* 2 for v3 */
	EVP_PKEY	*pub;
	ASN1_INTEGER	*serial;	/* NULL: a fresh good one */
	long		 nb_off, na_off;	/* seconds from now */
	const struct rdn *subject;
	const char	*ski;		/* NULL: none */
	int		 aki;		/* 0: none */
	X509		*aki_from;	/* issuer whose SKI goes into AKI */
	const char	*ku, *bc, *aia, *cdp, *san;
	const char	*policy;	/* NULL: none */
	int		 extra_nid;	/* NID_undef: none */
	const char	*extra_value;
};

static struct {
	struct config	 cfg;
	EVP_PKEY	*ca_key, *other_key;
	X509		*ca, *other;
	time_t		 now;
} g;

static X509_NAME *
make_name(const struct rdn *r)
{
	X509_NAME *n = X509_NAME_new();

	for (; n != NULL && r->value != NULL; r++)
		if (X509_NAME_add_entry_by_NID(n, r->nid, r->type,
		    (const unsigned char *)r->value, -1, -1, 0) != 1) {
			X509_NAME_free(n);
			return NULL;
		}
	return n;
}

static int
add_conf(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int r;

	if (ex == NULL)
		return -1;
	r = X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
	return r == 1 ? 0 : -1;
}

/* certificatePolicies needs a config database in the string form. */
static int
add_policy(X509 *x, const char *oid)
{
	CERTIFICATEPOLICIES *pols = sk_POLICYINFO_new_null();
	POLICYINFO *pi = POLICYINFO_new();
	int r = -1;

	if (pols == NULL || pi == NULL)
		goto out;
	ASN1_OBJECT_free(pi->policyid);
	if ((pi->policyid = OBJ_txt2obj(oid, 1)) == NULL ||
	    !sk_POLICYINFO_push(pols, pi))
		goto out;
	pi = NULL;
	r = X509_add1_ext_i2d(x, NID_certificate_policies, pols, 0,
	    X509V3_ADD_DEFAULT) == 1 ? 0 : -1;
out:
	POLICYINFO_free(pi);
	CERTIFICATEPOLICIES_free(pols);
	return r;
}

static ASN1_INTEGER *
serial_from(const unsigned char *p, size_t n, int negative)
{
	BIGNUM *bn = BN_bin2bn(p, (int)n, NULL);
	ASN1_INTEGER *ai = NULL;

	if (bn != NULL) {
		BN_set_negative(bn, negative);
		ai = BN_to_ASN1_INTEGER(bn, NULL);
	}
	BN_free(bn);
	return ai;
}

static ASN1_INTEGER *
good_serial(void)
{
	unsigned char s[SERIAL_LEN];

	if (ca_serial_new(s) == -1)
		return NULL;
	return serial_from(s, sizeof(s), 0);
}

/* A self-signed P-256 CA: SKI, CA:TRUE, ten years. */
static X509 *
make_ca(EVP_PKEY *k, const char *cn, long days)
{
	const struct rdn name[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Unit Test" },
		{ NID_commonName, MBSTRING_UTF8, cn },
		{ 0, 0, NULL },
	};
	X509 *x = X509_new();
	X509_NAME *n = make_name(name);
	ASN1_INTEGER *sn = good_serial();
	X509V3_CTX ctx;
	int ok;

	ok = x != NULL && n != NULL && sn != NULL &&
	    X509_set_version(x, 2) && X509_set_serialNumber(x, sn) &&
	    X509_set_subject_name(x, n) && X509_set_issuer_name(x, n) &&
	    X509_time_adj_ex(X509_getm_notBefore(x), -1, 0, &g.now) &&
	    X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, &g.now) &&
	    X509_set_pubkey(x, k);
	if (ok) {
		X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
		ok = add_conf(x, &ctx, NID_basic_constraints,
		    "critical,CA:TRUE") == 0 &&
		    add_conf(x, &ctx, NID_key_usage,
		    "critical,keyCertSign,cRLSign") == 0 &&
		    add_conf(x, &ctx, NID_subject_key_identifier, "hash") == 0 &&
		    X509_sign(x, k, EVP_sha256()) > 0;
	}
	X509_NAME_free(n);
	ASN1_INTEGER_free(sn);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static void
good(struct hopts *o)
{
	memset(o, 0, sizeof(*o));
	o->version = 2;
	o->pub = unit_key(UNIT_KEY_P256);
	/* As issue() in ca.c: a minute back, a second short of the days. */
	o->nb_off = -60;
	o->na_off = g.cfg.holder_validity_days * DAY - 61;
	o->subject = good_subject;
	o->ski = "hash";
	o->aki = 1;
	o->aki_from = g.ca;
	o->ku = GOOD_KU;
	o->aia = GOOD_AIA;
	o->cdp = GOOD_CDP;
	o->san = "email:budi@example.go.id";
	o->policy = g.cfg.holder_policy_oid;
	o->extra_nid = NID_undef;
}

/* Builds and signs (with the CA's key) the certificate o describes. */
static X509 *
build(const struct hopts *o)
{
	X509 *x = X509_new();
	X509_NAME *subj = make_name(o->subject);
	ASN1_INTEGER *sn = o->serial != NULL ? NULL : good_serial();
	X509V3_CTX ctx, akictx;
	int ok;

	ok = x != NULL && subj != NULL && (o->serial != NULL || sn != NULL) &&
	    X509_set_version(x, o->version) &&
	    X509_set_serialNumber(x, o->serial != NULL ? o->serial : sn) &&
	    X509_set_subject_name(x, subj) &&
	    X509_set_issuer_name(x, X509_get_subject_name(g.ca)) &&
	    X509_time_adj_ex(X509_getm_notBefore(x), 0, o->nb_off, &g.now) &&
	    X509_time_adj_ex(X509_getm_notAfter(x), 0, o->na_off, &g.now) &&
	    X509_set_pubkey(x, o->pub);
	if (!ok)
		goto out;
	X509V3_set_ctx(&ctx, g.ca, x, NULL, NULL, 0);
	X509V3_set_ctx(&akictx, o->aki_from, x, NULL, NULL, 0);
	ok = (o->ski == NULL || add_conf(x, &ctx, NID_subject_key_identifier,
	    o->ski) == 0) &&
	    (!o->aki || add_conf(x, &akictx, NID_authority_key_identifier,
	    "keyid:always") == 0) &&
	    (o->ku == NULL || add_conf(x, &ctx, NID_key_usage, o->ku) == 0) &&
	    (o->bc == NULL || add_conf(x, &ctx, NID_basic_constraints,
	    o->bc) == 0) &&
	    (o->aia == NULL || add_conf(x, &ctx, NID_info_access,
	    o->aia) == 0) &&
	    (o->cdp == NULL || add_conf(x, &ctx, NID_crl_distribution_points,
	    o->cdp) == 0) &&
	    (o->policy == NULL || add_policy(x, o->policy) == 0) &&
	    (o->san == NULL || add_conf(x, &ctx, NID_subject_alt_name,
	    o->san) == 0) &&
	    (o->extra_nid == NID_undef || add_conf(x, &ctx, o->extra_nid,
	    o->extra_value) == 0) &&
	    X509_sign(x, g.ca_key, EVP_sha256()) > 0;
out:
	X509_NAME_free(subj);
	ASN1_INTEGER_free(sn);
	if (!ok) {
		ERR_print_errors_fp(stderr);
		X509_free(x);
		return NULL;
	}
	return x;
}

static void
expect_pass(const struct hopts *o)
{
	struct err e = { 0 };
	X509 *x = build(o);
	int r;

	assert_non_null(x);
	r = ca_lint_holder(&g.cfg, x, g.ca, &e);
	X509_free(x);
	if (r != 0)
		fail_msg("lint refused a good certificate: %s", e.detail);
}

/* Refused with code, and the detail names the rule (contains why). */
static void
expect_fail(const struct hopts *o, enum err_code code, const char *why)
{
	struct err e = { 0 };
	X509 *x = build(o);
	int r;

	assert_non_null(x);
	r = ca_lint_holder(&g.cfg, x, g.ca, &e);
	X509_free(x);
	if (r != -1)
		fail_msg("lint accepted a certificate that breaks \"%s\"", why);
	if (e.code != code)
		fail_msg("code %s, want %s (%s)", err_info(e.code)->name,
		    err_info(code)->name, e.detail);
	if (strstr(e.detail, why) == NULL)
		fail_msg("refused for another reason: \"%s\", want \"%s\"",
		    e.detail, why);
}

static int
setup(void **state)
{
	(void)state;
	g.now = time(NULL);
	config_defaults(&g.cfg, "/tmp/x", BASE);
	g.ca_key = unit_key_p256_new();
	g.other_key = unit_key_p256_new();
	if (g.ca_key == NULL || g.other_key == NULL)
		return -1;
	g.ca = make_ca(g.ca_key, "Unit Issuing CA", 3650);
	g.other = make_ca(g.other_key, "Other CA", 3650);
	return g.ca != NULL && g.other != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	X509_free(g.ca);
	X509_free(g.other);
	EVP_PKEY_free(g.ca_key);
	EVP_PKEY_free(g.other_key);
	memset(&g, 0, sizeof(g));
	return 0;
}

/* ---- passes ---- */

static void
good_cert_passes(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	expect_pass(&o);
}

static void
good_without_ou_passes(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_commonName, MBSTRING_UTF8, "Budi Santoso" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};
	struct hopts o;

	(void)state;
	good(&o);
	o.subject = s;
	expect_pass(&o);
}

static void
validity_at_limit_passes(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	/* The check allows the configured days plus 60 s of backdating. */
	o.nb_off = -60;
	o.na_off = g.cfg.holder_validity_days * DAY;
	expect_pass(&o);
}

static void
rsa2048_and_p384_pass(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	assert_non_null(o.pub = unit_key(UNIT_KEY_RSA2048));
	expect_pass(&o);
	assert_non_null(o.pub = unit_key(UNIT_KEY_P384));
	expect_pass(&o);
}

static void
fifteen_digits_pass(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_commonName, MBSTRING_UTF8, "Budi 320101234567890" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};
	struct hopts o;

	(void)state;
	good(&o);
	o.subject = s;
	expect_pass(&o);
}

/* ---- version and serial ---- */

static void
v1_cert(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.version = 0;
	expect_fail(&o, ERR_PROFILE, "not a v3");
}

static void
serial_with(const unsigned char *p, size_t n, int negative)
{
	struct hopts o;

	good(&o);
	assert_non_null(o.serial = serial_from(p, n, negative));
	expect_fail(&o, ERR_PROFILE, "serial");
	ASN1_INTEGER_free(o.serial);
}

static void
serial_19_octets(void **state)
{
	unsigned char s[19];

	(void)state;
	memset(s, 0x5a, sizeof(s));
	serial_with(s, sizeof(s), 0);
}

static void
serial_21_octets(void **state)
{
	unsigned char s[21];

	(void)state;
	memset(s, 0x5a, sizeof(s));
	serial_with(s, sizeof(s), 0);
}

static void
serial_high_first_octet(void **state)
{
	unsigned char s[SERIAL_LEN];

	(void)state;
	/* 20 octets of magnitude, but 21 in DER (a 00 to stay positive). */
	memset(s, 0x5a, sizeof(s));
	s[0] = 0x80;
	serial_with(s, sizeof(s), 0);
}

static void
serial_negative(void **state)
{
	unsigned char s[SERIAL_LEN];

	(void)state;
	memset(s, 0x5a, sizeof(s));
	serial_with(s, sizeof(s), 1);
}

static void
serial_first_octet_zero(void **state)
{
	unsigned char s[SERIAL_LEN];
	struct hopts o;

	(void)state;
	/* BN_to_ASN1_INTEGER would strip the zero; set the content
	 * octets directly, as a careless builder could. */
	memset(s, 0x5a, sizeof(s));
	s[0] = 0x00;
	good(&o);
	assert_non_null(o.serial = ASN1_INTEGER_new());
	assert_int_equal(ASN1_STRING_set(o.serial, s, sizeof(s)), 1);
	expect_fail(&o, ERR_PROFILE, "serial");
	ASN1_INTEGER_free(o.serial);
}

/* ---- validity ---- */

static void
validity_too_long(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.na_off = g.cfg.holder_validity_days * DAY + 1;
	expect_fail(&o, ERR_PROFILE, "validity");
}

static void
validity_backwards(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.nb_off = DAY;
	o.na_off = -DAY;
	expect_fail(&o, ERR_PROFILE, "validity");
}

static void
outlives_issuer(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	/* 700 days, ending a day after the CA's 3650. */
	o.na_off = 3651 * DAY;
	o.nb_off = o.na_off - 700 * DAY;
	expect_fail(&o, ERR_PROFILE, "outlives");
}

/* ---- key usage and CA flag ---- */

static void
ku_missing(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.ku = NULL;
	expect_fail(&o, ERR_PROFILE, "key usage");
}

static void
ku_not_critical(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.ku = "digitalSignature,nonRepudiation";
	expect_fail(&o, ERR_PROFILE, "key usage");
}

static void
ku_extra_keycertsign(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.ku = GOOD_KU ",keyCertSign";
	expect_fail(&o, ERR_PROFILE, "key usage");
}

static void
ku_without_nonrepudiation(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.ku = "critical,digitalSignature";
	expect_fail(&o, ERR_PROFILE, "key usage");
}

static void
bc_ca_true(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.bc = "critical,CA:TRUE";
	expect_fail(&o, ERR_PROFILE, "CA");
}

/* ---- key identifiers ---- */

static void
ski_missing(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.ski = NULL;
	expect_fail(&o, ERR_PROFILE, "SKI and AKI");
}

static void
aki_missing(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.aki = 0;
	expect_fail(&o, ERR_PROFILE, "SKI and AKI");
}

static void
aki_of_other_ca(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.aki_from = g.other;
	expect_fail(&o, ERR_PROFILE, "AKI is not the issuer");
}

/* ---- AIA, CRL DP, policy ---- */

static void
aia_missing(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.aia = NULL;
	expect_fail(&o, ERR_PROFILE, "AIA lacks");
}

static void
aia_without_ocsp(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.aia = "caIssuers;URI:" BASE "/ca/issuing.cer";
	expect_fail(&o, ERR_PROFILE, "AIA lacks " BASE "/ocsp");
}

static void
aia_ocsp_elsewhere(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.aia = "OCSP;URI:http://ocsp.example.org,caIssuers;URI:" BASE
	    "/ca/issuing.cer";
	expect_fail(&o, ERR_PROFILE, "AIA lacks " BASE "/ocsp");
}

static void
aia_without_ca_issuers(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.aia = "OCSP;URI:" BASE "/ocsp";
	expect_fail(&o, ERR_PROFILE, "AIA lacks " BASE "/ca/issuing.cer");
}

static void
cdp_wrong_url(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.cdp = "URI:" BASE "/crl/root.crl";
	expect_fail(&o, ERR_PROFILE, "CRL DP");
}

static void
cdp_missing(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.cdp = NULL;
	expect_fail(&o, ERR_PROFILE, "CRL DP");
}

static void
policy_missing(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.policy = NULL;
	expect_fail(&o, ERR_PROFILE, "policy");
}

static void
policy_other_oid(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.policy = "1.2.3.4.5";
	expect_fail(&o, ERR_PROFILE, "policy");
}

/* ---- extensions outside the profile ---- */

static void
extra_eku(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.extra_nid = NID_ext_key_usage;
	o.extra_value = "emailProtection";
	expect_fail(&o, ERR_PROFILE, "extension");
}

static void
extra_ns_cert_type(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.extra_nid = NID_netscape_cert_type;
	o.extra_value = "client,email";
	expect_fail(&o, ERR_PROFILE, "extension");
}

static void
extra_ns_comment(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.extra_nid = NID_netscape_comment;
	o.extra_value = "hello";
	expect_fail(&o, ERR_PROFILE, "not in the profile");
}

static void
extra_ocsp_nocheck(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	o.extra_nid = NID_id_pkix_OCSP_noCheck;
	o.extra_value = "ignored";
	expect_fail(&o, ERR_PROFILE, "not in the profile");
}

static void
bc_ca_false(void **state)
{
	struct hopts o;

	(void)state;
	good(&o);
	/* Harmless, but not in the profile either. */
	o.bc = "CA:FALSE";
	expect_fail(&o, ERR_PROFILE, "not in the profile");
}

/* ---- subject ---- */

static void
subject_fail(const struct rdn *s, const char *why)
{
	struct hopts o;

	good(&o);
	o.subject = s;
	expect_fail(&o, ERR_PROFILE, why);
}

static void
subject_without_cn(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "exactly one CN");
}

static void
subject_without_email(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_commonName, MBSTRING_UTF8, "Budi Santoso" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "exactly one emailAddress");
}

static void
subject_without_o(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_commonName, MBSTRING_UTF8, "Budi Santoso" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "exactly one O");
}

static void
subject_two_cns(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_commonName, MBSTRING_UTF8, "Budi Santoso" },
		{ NID_commonName, MBSTRING_UTF8, "Someone Else" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "exactly one CN");
}

static void
subject_two_ous(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_organizationalUnitName, MBSTRING_UTF8, "Bidang A" },
		{ NID_organizationalUnitName, MBSTRING_UTF8, "Bidang B" },
		{ NID_commonName, MBSTRING_UTF8, "Budi Santoso" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "more than one OU");
}

static void
subject_country_not_id(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "MY" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_commonName, MBSTRING_UTF8, "Budi Santoso" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "country must be ID");
}

static void
subject_cn_printable(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_commonName, V_ASN1_PRINTABLESTRING, "Budi Santoso" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "wrong string type");
}

static void
subject_country_utf8(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, V_ASN1_UTF8STRING, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_commonName, MBSTRING_UTF8, "Budi Santoso" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "wrong string type");
}

static void
subject_nik_in_cn(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_commonName, MBSTRING_UTF8, "Budi 3201012345678901" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "NIK");
}

static void
subject_nik_in_email(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_commonName, MBSTRING_UTF8, "Budi Santoso" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8,
		  "3201012345678901@example.go.id" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "NIK");
}

static void
subject_serial_number_attribute(void **state)
{
	const struct rdn s[] = {
		{ NID_countryName, MBSTRING_UTF8, "ID" },
		{ NID_organizationName, MBSTRING_UTF8, "Dinas Kominfo" },
		{ NID_commonName, MBSTRING_UTF8, "Budi Santoso" },
		{ NID_serialNumber, MBSTRING_UTF8, "PNOID-12345" },
		{ NID_pkcs9_emailAddress, MBSTRING_UTF8, "budi@example.go.id" },
		{ 0, 0, NULL },
	};

	(void)state;
	subject_fail(s, "not allowed");
}

/* ---- found while writing these tests (see the report) ---- */

/*
 * DESIGN.md §5 says "no NIK in the certificate" and docs/pki.md that the
 * subjectAltName is the holder's e-mail address; the check looks at
 * neither the SAN's content nor its agreement with the subject.
 */
static void
san_with_nik_not_subject_email(void **state)
{
	struct hopts o;
	struct err e = { 0 };
	X509 *x;
	int r;

	(void)state;
	good(&o);
	o.san = "email:3201012345678901@example.go.id";
	assert_non_null(x = build(&o));
	r = ca_lint_holder(&g.cfg, x, g.ca, &e);
	X509_free(x);
	if (r != -1)
		fail_msg("lint accepted a SAN that carries a NIK and is not "
		    "the subject's emailAddress");
	assert_int_equal(e.code, ERR_PROFILE);
}

struct noski {
	X509	*holder, *issuer;
};

static int
noski_setup(void **state)
{
	struct noski *n = calloc(1, sizeof(*n));
	struct hopts o;
	int i;

	if (n == NULL)
		return -1;
	*state = n;
	good(&o);
	if ((n->holder = build(&o)) == NULL ||
	    (n->issuer = X509_dup(g.ca)) == NULL)
		return -1;
	i = X509_get_ext_by_NID(n->issuer, NID_subject_key_identifier, -1);
	X509_EXTENSION_free(X509_delete_ext(n->issuer, i));
	return X509_sign(n->issuer, g.ca_key, EVP_sha256()) > 0 &&
	    X509_get0_subject_key_id(n->issuer) == NULL ? 0 : -1;
}

static int
noski_teardown(void **state)
{
	struct noski *n = *state;

	if (n != NULL) {
		X509_free(n->holder);
		X509_free(n->issuer);
		free(n);
	}
	return 0;
}

/*
 * An issuer without a subjectKeyIdentifier: the AKI comparison passes
 * NULL to ASN1_OCTET_STRING_cmp, which dereferences it. The check must
 * refuse (fail closed), not crash.
 */
static void
issuer_without_ski_fails_closed(void **state)
{
	struct noski *n = *state;
	struct err e = { 0 };

	assert_int_equal(ca_lint_holder(&g.cfg, n->holder, n->issuer, &e),
	    -1);
	assert_int_equal(e.code, ERR_PROFILE);
}

/* ---- keys ---- */

static void
key_fail(enum unit_key k)
{
	struct hopts o;

	good(&o);
	assert_non_null(o.pub = unit_key(k));
	expect_fail(&o, ERR_WEAK_KEY, "key type");
}

static void
key_rsa1024(void **state)
{
	(void)state;
	key_fail(UNIT_KEY_RSA1024);
}

static void
key_p521(void **state)
{
	(void)state;
	key_fail(UNIT_KEY_P521);
}

static void
key_brainpool256(void **state)
{
	(void)state;
	key_fail(UNIT_KEY_BRAINPOOL256);
}

static void
key_secp256k1(void **state)
{
	(void)state;
	key_fail(UNIT_KEY_SECP256K1);
}

static void
key_ed25519(void **state)
{
	(void)state;
	key_fail(UNIT_KEY_ED25519);
}

static void
key_not_in_allowed_list(void **state)
{
	struct hopts o;
	struct err e = { 0 };
	char saved[sizeof(g.cfg.holder_allowed_keys)];
	X509 *x;
	int r;

	(void)state;
	/* The list is configuration: p256 is allowed only when listed,
	 * and "xp256" or "p2560" are not "p256". */
	good(&o);
	assert_non_null(x = build(&o));
	memcpy(saved, g.cfg.holder_allowed_keys, sizeof(saved));
	snprintf(g.cfg.holder_allowed_keys, sizeof(g.cfg.holder_allowed_keys),
	    "rsa2048,xp256,p2560,p384");
	r = ca_lint_holder(&g.cfg, x, g.ca, &e);
	memcpy(g.cfg.holder_allowed_keys, saved, sizeof(saved));
	X509_free(x);
	assert_int_equal(r, -1);
	assert_int_equal(e.code, ERR_WEAK_KEY);
}

int
run_lint_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_cert_passes),
		cmocka_unit_test(good_without_ou_passes),
		cmocka_unit_test(validity_at_limit_passes),
		cmocka_unit_test(rsa2048_and_p384_pass),
		cmocka_unit_test(fifteen_digits_pass),
		cmocka_unit_test(v1_cert),
		cmocka_unit_test(serial_19_octets),
		cmocka_unit_test(serial_21_octets),
		cmocka_unit_test(serial_high_first_octet),
		cmocka_unit_test(serial_negative),
		cmocka_unit_test(serial_first_octet_zero),
		cmocka_unit_test(validity_too_long),
		cmocka_unit_test(validity_backwards),
		cmocka_unit_test(outlives_issuer),
		cmocka_unit_test(ku_missing),
		cmocka_unit_test(ku_not_critical),
		cmocka_unit_test(ku_extra_keycertsign),
		cmocka_unit_test(ku_without_nonrepudiation),
		cmocka_unit_test(bc_ca_true),
		cmocka_unit_test(bc_ca_false),
		cmocka_unit_test(ski_missing),
		cmocka_unit_test(aki_missing),
		cmocka_unit_test(aki_of_other_ca),
		cmocka_unit_test(aia_missing),
		cmocka_unit_test(aia_without_ocsp),
		cmocka_unit_test(aia_ocsp_elsewhere),
		cmocka_unit_test(aia_without_ca_issuers),
		cmocka_unit_test(cdp_wrong_url),
		cmocka_unit_test(cdp_missing),
		cmocka_unit_test(policy_missing),
		cmocka_unit_test(policy_other_oid),
		cmocka_unit_test(extra_eku),
		cmocka_unit_test(extra_ns_cert_type),
		cmocka_unit_test(extra_ns_comment),
		cmocka_unit_test(extra_ocsp_nocheck),
		cmocka_unit_test(subject_without_cn),
		cmocka_unit_test(subject_without_email),
		cmocka_unit_test(subject_without_o),
		cmocka_unit_test(subject_two_cns),
		cmocka_unit_test(subject_two_ous),
		cmocka_unit_test(subject_country_not_id),
		cmocka_unit_test(subject_cn_printable),
		cmocka_unit_test(subject_country_utf8),
		cmocka_unit_test(subject_nik_in_cn),
		cmocka_unit_test(subject_nik_in_email),
		cmocka_unit_test(subject_serial_number_attribute),
		cmocka_unit_test(key_rsa1024),
		cmocka_unit_test(key_p521),
		cmocka_unit_test(key_brainpool256),
		cmocka_unit_test(key_secp256k1),
		cmocka_unit_test(key_ed25519),
		cmocka_unit_test(key_not_in_allowed_list),
		cmocka_unit_test(san_with_nik_not_subject_email),
		cmocka_unit_test_setup_teardown(issuer_without_ski_fails_closed,
		    noski_setup, noski_teardown),
	};

	return cmocka_run_group_tests_name("lint", tests, setup, teardown);
}
