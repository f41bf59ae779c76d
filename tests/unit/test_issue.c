/*
 * test_issue.c - the real issuance path (ca_issue_holder) on a fresh
 * instance made the way `sertel init` makes one: what it issues passes
 * the profile check and verifies under the issuing CA; what it refuses
 * leaves no certificate and no audit row behind.
 *
 * The instance is created once for the suite (key generation is the
 * slow part).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sqlite3.h>

#include "audit.h"
#include "pki.h"
#include "unit.h"

static struct {
	char		 dir[64];
	struct config	 cfg;
	struct pki	*pki;
	struct store	*s;
} g;

static int	teardown(void **);

static int
setup(void **state)
{
	struct config c;
	struct err e = { 0 };
	char path[256];

	(void)state;
	if (unit_tmpdir(g.dir, sizeof(g.dir)) == -1)
		return -1;
	config_defaults(&c, g.dir, "http://127.0.0.1:8080");
	snprintf(path, sizeof(path), "%s/sertel.conf", g.dir);
	if (config_write(&c, path, &e) == -1 ||
	    config_load(&g.cfg, g.dir, &e) == -1 ||
	    pki_init_instance(&g.cfg, &e) == -1 ||
	    (g.pki = pki_open(&g.cfg, &e)) == NULL ||
	    (g.s = store_open(g.cfg.dir, g.cfg.database, &e)) == NULL) {
		print_error("instance: %s: %s\n", err_info(e.code)->name,
		    e.detail);
		teardown(state);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	store_close(g.s);
	pki_free(g.pki);
	unit_rmtree(g.dir);
	memset(&g, 0, sizeof(g));
	return 0;
}

/* Rows in table, read with a connection of our own. */
static long
count(const char *table)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char path[256], sql[128];
	long n = -1;

	snprintf(path, sizeof(path), "%s/sertel.db", g.dir);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static long
audit_rows(void)
{
	struct err e = { 0 };
	long rows = -1, bad = -1;

	if (audit_verify(g.s, g.pki->audit_key, &rows, &bad, &e) == -1)
		fail_msg("audit log broken: %s", e.detail);
	return rows;
}

static void
req_init(struct holder_req *h, EVP_PKEY *k)
{
	memset(h, 0, sizeof(*h));
	h->pubkey = k;
	h->name = "Budi Santoso";
	h->email = "budi@example.go.id";
	h->agency = "Dinas Kominfo Contoh";
	h->unit = "Bidang Persandian";
}

/* Issues for key k and checks everything about the result. */
static void
issue_and_check(EVP_PKEY *k)
{
	struct holder_req h;
	struct cert_rec rec, back;
	struct err e = { 0 };
	const unsigned char *p;
	const ASN1_INTEGER *sn;
	unsigned char *der = NULL;
	char hex[2 * SERIAL_LEN + 1];
	EVP_PKEY *ipub;
	X509 *x;
	long certs = count("certs"), rows = audit_rows();
	int n, r;

	assert_non_null(k);
	req_init(&h, k);
	cert_rec_init(&rec);
	cert_rec_init(&back);
	if (ca_issue_holder(g.pki, g.s, "unit", &h, &rec, &e) != 0)
		fail_msg("ca_issue_holder: %s: %s", err_info(e.code)->name,
		    e.detail);
	p = rec.der.data;
	x = d2i_X509(NULL, &p, (long)rec.der.len);
	assert_non_null(x);
	assert_ptr_equal(p, rec.der.data + rec.der.len);

	/* 20 octets, positive, and the record names the same serial. */
	sn = X509_get0_serialNumber(x);
	assert_int_equal(ASN1_STRING_type(sn), V_ASN1_INTEGER);
	assert_int_equal(ASN1_STRING_length(sn), SERIAL_LEN);
	assert_in_range(ASN1_STRING_get0_data(sn)[0], 0x01, 0x7f);
	n = i2d_ASN1_INTEGER((ASN1_INTEGER *)sn, &der);
	assert_int_equal(n, 2 + SERIAL_LEN);
	OPENSSL_free(der);
	hex_encode(ASN1_STRING_get0_data(sn), SERIAL_LEN, hex, sizeof(hex));
	assert_string_equal(rec.serial, hex);

	/* Signed by the issuing CA, and passes the profile on its own. */
	assert_non_null(ipub = X509_get_pubkey(g.pki->issuing));
	assert_int_equal(X509_verify(x, ipub), 1);
	EVP_PKEY_free(ipub);
	assert_int_equal(X509_check_issued(g.pki->issuing, x), X509_V_OK);
	r = ca_lint_holder(&g.cfg, x, g.pki->issuing, &e);
	if (r != 0)
		fail_msg("issued certificate fails the lint: %s", e.detail);
	assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(x), k), 1);
	X509_free(x);

	/* Stored as issued, with one audit row. */
	assert_int_equal(g.s->ops->cert_get(g.s, rec.serial, &back, &e), 0);
	assert_string_equal(back.kind, "holder");
	assert_string_equal(back.ca, CA_ISSUING);
	assert_int_equal(back.der.len, rec.der.len);
	assert_memory_equal(back.der.data, rec.der.data, rec.der.len);
	assert_int_equal(count("certs"), certs + 1);
	assert_int_equal(audit_rows(), rows + 1);
	cert_rec_cleanup(&rec);
	cert_rec_cleanup(&back);
}

static void
issue_p256(void **state)
{
	(void)state;
	issue_and_check(unit_key(UNIT_KEY_P256));
}

static void
issue_rsa2048(void **state)
{
	(void)state;
	issue_and_check(unit_key(UNIT_KEY_RSA2048));
}

/* Expects a refusal with code; nothing may be stored. */
static void
refused(struct holder_req *h, enum err_code code, int serial_used)
{
	struct cert_rec rec;
	struct err e = { 0 };
	long certs = count("certs"), serials = count("serials"),
	    ocsp = count("ocsp_responses"), rows = audit_rows();
	int r;

	assert_true(certs > 0 && serials > 0 && rows > 0);
	cert_rec_init(&rec);
	r = ca_issue_holder(g.pki, g.s, "unit", h, &rec, &e);
	cert_rec_cleanup(&rec);
	if (r != -1)
		fail_msg("ca_issue_holder accepted it");
	if (e.code != code)
		fail_msg("code %s, want %s (%s)", err_info(e.code)->name,
		    err_info(code)->name, e.detail);
	assert_int_equal(count("certs"), certs);
	assert_int_equal(count("ocsp_responses"), ocsp);
	assert_int_equal(audit_rows(), rows);
	/* A serial reserved before the lint stays used, by design. */
	assert_int_equal(count("serials"), serials + serial_used);
}

static void
issue_rsa1024_weak(void **state)
{
	struct holder_req h;

	(void)state;
	req_init(&h, unit_key(UNIT_KEY_RSA1024));
	assert_non_null(h.pubkey);
	refused(&h, ERR_WEAK_KEY, 0);
}

static void
issue_p521_weak(void **state)
{
	struct holder_req h;

	(void)state;
	req_init(&h, unit_key(UNIT_KEY_P521));
	assert_non_null(h.pubkey);
	refused(&h, ERR_WEAK_KEY, 0);
}

static void
issue_nik_in_name_refused_by_lint(void **state)
{
	struct holder_req h;

	(void)state;
	/* Passes the request checks; only the profile check stops it,
	 * after the serial is reserved and before anything is signed. */
	req_init(&h, unit_key(UNIT_KEY_P256));
	h.name = "Budi 3201012345678901";
	refused(&h, ERR_PROFILE, 1);
}

static void
issue_bad_email_refused(void **state)
{
	struct holder_req h;

	(void)state;
	req_init(&h, unit_key(UNIT_KEY_P256));
	h.email = "budi at example";
	refused(&h, ERR_PROFILE, 0);
}

static void
exec_sql(const char *sql)
{
	sqlite3 *db = NULL;
	char path[256];

	snprintf(path, sizeof(path), "%s/sertel.db", g.dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static long
oldest_ocsp(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char path[256];
	long t = -1;

	snprintf(path, sizeof(path), "%s/sertel.db", g.dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "SELECT min(this_update) FROM "
	    "ocsp_responses", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		t = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return t;
}

/* The scheduler re-signs OCSP responses once they are refresh_hours old,
 * and only those. */
static void
ocsp_refresh_resigns_stale(void **state)
{
	struct holder_req h;
	struct cert_rec rec;
	struct err e = { 0 };
	int n;

	(void)state;
	req_init(&h, unit_key(UNIT_KEY_P256));
	cert_rec_init(&rec);
	assert_int_equal(ca_issue_holder(g.pki, g.s, "unit", &h, &rec, &e), 0);
	cert_rec_cleanup(&rec);
	/* Fresh responses are left alone. */
	assert_int_equal(ocsp_refresh(g.pki, g.s, &e), 0);
	exec_sql("UPDATE ocsp_responses SET this_update = this_update - "
	    "13 * 3600");
	assert_true(oldest_ocsp() < (long)now_utc() - 12 * 3600);
	n = ocsp_refresh(g.pki, g.s, &e);
	assert_true(n >= 1);
	assert_int_equal(n, (int)count("ocsp_responses"));
	assert_true(oldest_ocsp() >= (long)now_utc() - 60);
	assert_int_equal(ocsp_refresh(g.pki, g.s, &e), 0);
}

static long
crl_number(const char *ca)
{
	struct buf der;
	struct err e = { 0 };
	time_t tu, nu;
	const unsigned char *p;
	X509_CRL *crl;
	ASN1_INTEGER *num;
	EVP_PKEY *k;
	long n;

	buf_init(&der, 1 << 20);
	assert_int_equal(g.s->ops->crl_get(g.s, ca, &der, &tu, &nu, &e), 0);
	p = der.data;
	assert_non_null(crl = d2i_X509_CRL(NULL, &p, (long)der.len));
	k = X509_get0_pubkey(strcmp(ca, CA_ROOT) == 0 ? g.pki->root :
	    g.pki->issuing);
	assert_int_equal(X509_CRL_verify(crl, k), 1);
	assert_non_null(num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL,
	    NULL));
	n = ASN1_INTEGER_get(num);
	ASN1_INTEGER_free(num);
	X509_CRL_free(crl);
	buf_cleanup(&der);
	return n;
}

/* CRLs younger than max_age stay; older ones are re-published with the
 * next number, signed by their CA. */
static void
crl_refresh_republishes_old(void **state)
{
	struct err e = { 0 };
	long root = crl_number(CA_ROOT), iss = crl_number(CA_ISSUING);

	(void)state;
	assert_int_equal(crl_refresh(g.pki, g.s, 3600, &e), 0);
	assert_int_equal(crl_number(CA_ROOT), root);
	assert_int_equal(crl_number(CA_ISSUING), iss);
	exec_sql("UPDATE crls SET this_update = this_update - 2 * 3600");
	assert_int_equal(crl_refresh(g.pki, g.s, 3600, &e), 0);
	assert_int_equal(crl_number(CA_ROOT), root + 1);
	assert_int_equal(crl_number(CA_ISSUING), iss + 1);
}

int
run_issue_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(issue_p256),
		cmocka_unit_test(issue_rsa2048),
		cmocka_unit_test(issue_rsa1024_weak),
		cmocka_unit_test(issue_p521_weak),
		cmocka_unit_test(issue_nik_in_name_refused_by_lint),
		cmocka_unit_test(issue_bad_email_refused),
		cmocka_unit_test(ocsp_refresh_resigns_stale),
		cmocka_unit_test(crl_refresh_republishes_old),
	};

	return cmocka_run_group_tests_name("issue", tests, setup, teardown);
}
