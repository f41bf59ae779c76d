/*
 * fuzz_pdf_verify.c - libFuzzer target for pdf_verify(): any bytes, as
 * an uploaded document would be. Every rendering of the report is made
 * too, so that what a hostile file puts into the report (names, DNs,
 * strings that are not UTF-8) is exercised as well. qpdf itself is not
 * instrumented; our code around it is.
 *
 * PDF_VERIFY_FUZZ_TRUST=ROOTS.pem makes the seeds' signatures chain to
 * a trust anchor, so that the paths after a trusted chain are reached.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "pdf_verify.h"

static X509_STORE	*trust;

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
status_cb(void *arg, X509 *cert, X509 *issuer, time_t at, int *revoked,
    time_t *revoked_at, int *reason)
{
	(void)arg;
	(void)issuer;
	/* Answer for every other certificate, so both paths run. */
	if (X509_get_serialNumber(cert) == NULL ||
	    (ASN1_STRING_length(X509_get_serialNumber(cert)) & 1) == 0)
		return -1;
	*revoked = 1;
	*revoked_at = at - 1;
	*reason = 1;
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *p = getenv("PDF_VERIFY_FUZZ_TRUST");

	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR + 1);
	if (p != NULL && (trust = X509_STORE_new()) != NULL &&
	    X509_STORE_load_file(trust, p) != 1) {
		fprintf(stderr, "fuzz: cannot load %s\n", p);
		abort();
	}
	return 0;
}

static void
render(json_t *j)
{
	char *s;

	if (j == NULL)
		abort();
	if ((s = json_dumps(j, JSON_COMPACT)) == NULL)
		abort();
	free(s);
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdf_verify_opts o;
	struct pdf_report *r = NULL;
	struct err e = { 0 };
	struct buf text;

	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.max_in = 4u << 20;
	o.status = status_cb;
	if (pdf_verify(data, size, &o, &r, &e) == -1) {
		if (r != NULL || e.code == ERR_OK)
			abort();
		return 0;
	}
	(void)pdf_report_set_name(r, "fuzz.pdf");
	render(pdf_report_json(r));
	render(pdf_report_bsre_v1(r));
	render(pdf_report_bsre_v2(r));
	buf_init(&text, 16u << 20);
	if (pdf_report_text(r, &text) == -1)
		abort();
	buf_cleanup(&text);
	if (pdf_report_all_valid(r) && pdf_report_count(r) == 0)
		abort();
	pdf_report_free(r);
	return 0;
}
