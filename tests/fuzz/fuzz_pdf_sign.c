/*
 * fuzz_pdf_sign.c - libFuzzer target for pdf_sign: the input is the PDF
 * (qpdf parses it; the engine reads the trailer, the page tree, the
 * catalog, the form and the page it signs). The first byte picks
 * invisible or a visible box on page 1 or 2. Whatever comes in, pdf_sign
 * either fails with a PDF error code and writes nothing, or its output
 * starts with the input and qpdf reads it back; nothing may crash or
 * leak. The signer is a P-256 key made once, signing in process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <qpdf/qpdf-c.h>

#include "pdf_sign.h"

static EVP_PKEY	*key;
static X509	*cert;

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
cb_sign(void *arg, const unsigned char *data, size_t len, struct buf *sig,
    struct err *e)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	size_t n = 0;
	int ok;

	(void)arg;
	ok = m != NULL && EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL,
	    key) == 1 && EVP_DigestSign(m, NULL, &n, data, len) == 1 &&
	    buf_reserve(sig, n) == 0 &&
	    EVP_DigestSign(m, sig->data + sig->len, &n, data, len) == 1;
	EVP_MD_CTX_free(m);
	if (!ok)
		return err_set(e, ERR_KEYS, "sign");
	sig->len += n;
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	X509_NAME *n;

	(void)argc;
	(void)argv;
	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	cert = X509_new();
	n = X509_NAME_new();
	if (key == NULL || cert == NULL || n == NULL ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)"fuzz", -1, -1, 0) ||
	    !X509_set_version(cert, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(cert), 1) ||
	    !X509_set_subject_name(cert, n) || !X509_set_issuer_name(cert, n) ||
	    !X509_gmtime_adj(X509_getm_notBefore(cert), 0) ||
	    !X509_gmtime_adj(X509_getm_notAfter(cert), 86400) ||
	    !X509_set_pubkey(cert, key) || !X509_sign(cert, key, EVP_sha256()))
		abort();
	X509_NAME_free(n);
	log_set_level(LOG_ERROR + 1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct buf out;
	struct err e = { 0 };
	qpdf_data q;

	if (size < 1)
		return 0;
	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	s.cert = cert;
	s.sign = cb_sign;
	if (data[0] & 1) {
		o.vis.page = 1 + (data[0] >> 1 & 1);
		o.vis.x = 10;
		o.vis.y = 10;
		o.vis.w = 120;
		o.vis.h = 40;
		o.vis.text = "Fuzz\nSäntoso";
		if (data[0] & 4)
			o.vis.qr_text = "https://sertel.example/v/1";
	}
	o.password = data[0] & 8 ? "user" : NULL;
	buf_init(&out, 64u << 20);
	if (pdf_sign(data + 1, size - 1, &o, &s, &out, &e) == 0) {
		if (out.len <= size - 1 || memcmp(out.data, data + 1,
		    size - 1) != 0)
			abort();
		q = qpdf_init();
		qpdf_silence_errors(q);
		qpdf_set_suppress_warnings(q, 1);
		if (qpdf_read_memory(q, "o", (const char *)out.data, out.len,
		    o.password) & QPDF_ERRORS)
			abort();
		qpdf_cleanup(&q);
	} else if (out.len != 0 || e.code < ERR_PDF_INVALID ||
	    e.code > ERR_PDF_SIGN)
		abort();
	buf_cleanup(&out);
	return 0;
}
