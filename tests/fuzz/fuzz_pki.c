/*
 * fuzz_pki.c - libFuzzer target for the two parsers that face the
 * network without authentication: OCSP requests and RFC 3161 time-stamp
 * queries. The first input byte picks the parser (even: OCSP, odd: TSA);
 * the rest is the request body. Whatever comes in, the answer must be a
 * well-formed DER response (checked by parsing it back with OpenSSL) and
 * nothing may crash or leak.
 *
 * A throw-away instance is created once in a temporary directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ocsp.h>
#include <openssl/ts.h>

#include "pki.h"

static struct config	 cfg;
static struct pki	*pki;
static struct store	*st;

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char tmpl[] = "/tmp/sertel-fuzz.XXXXXX", path[600];
	struct err e = { 0 };
	const char *dir;

	(void)argc;
	(void)argv;
	if ((dir = mkdtemp(tmpl)) == NULL)
		abort();
	config_defaults(&cfg, dir, "http://127.0.0.1:8080");
	snprintf(path, sizeof(path), "%s/sertel.conf", dir);
	if (config_write(&cfg, path, &e) == -1 ||
	    config_load(&cfg, dir, &e) == -1 ||
	    pki_init_instance(&cfg, &e) == -1 ||
	    (pki = pki_open(&cfg, &e)) == NULL ||
	    (st = store_open(cfg.dir, cfg.database, &e)) == NULL) {
		fprintf(stderr, "fuzz setup: %s\n", e.detail);
		abort();
	}
	log_set_level(LOG_ERROR + 1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out;
	struct err e = { 0 };
	const unsigned char *p;

	if (size < 1)
		return 0;
	buf_init(&out, 1 << 20);
	if ((data[0] & 1) == 0) {
		OCSP_RESPONSE *r;
		if (ocsp_respond(pki, st, data + 1, size - 1, &out, &e) == -1)
			abort();
		p = out.data;
		if ((r = d2i_OCSP_RESPONSE(NULL, &p, (long)out.len)) == NULL)
			abort();
		OCSP_RESPONSE_free(r);
	} else {
		TS_RESP *r;
		if (tsa_respond(pki, st, data + 1, size - 1, &out, &e) == -1)
			abort();
		p = out.data;
		if ((r = d2i_TS_RESP(NULL, &p, (long)out.len)) == NULL)
			abort();
		TS_RESP_free(r);
	}
	buf_cleanup(&out);
	return 0;
}
