/*
 * unit.h - what the cmocka unit suites share: cmocka's headers in the
 * order it needs them, one runner per suite (each returns its number of
 * failed tests), and the few helpers in helpers.c that several suites
 * use (temporary directories, keys that are slow to make).
 *
 * Keys are made once and cached because RSA key generation dominates
 * the run time, more so under the sanitizers.
 */
#ifndef SERTEL_UNIT_H
#define SERTEL_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "util.h"

int	run_lint_tests(void);
int	run_issue_tests(void);
int	run_serial_tests(void);
int	run_audit_tests(void);
int	run_routes_tests(void);
int	run_errors_tests(void);
int	run_der_tests(void);
int	run_openapi_tests(void);
int	run_ident_tests(void);
int	run_mail_tests(void);
int	run_image_tests(void);
int	run_keys_holder_tests(void);
int	run_calendar_tests(void);
int	run_sla_tests(void);
int	run_multipart_tests(void);
int	run_pdf_text_tests(void);
int	run_pdf_verify_tests(void);
int	run_pdf_sign_tests(void);
int	run_complaint_tests(void);

/* Creates a fresh directory /tmp/sertel-unit-XXXXXX into out. */
int	unit_tmpdir(char *out, size_t outsz);
/* Removes dir and everything below it. */
void	unit_rmtree(const char *dir);

enum unit_key {
	UNIT_KEY_P256, UNIT_KEY_P384, UNIT_KEY_P521, UNIT_KEY_RSA1024,
	UNIT_KEY_RSA2048, UNIT_KEY_BRAINPOOL256, UNIT_KEY_SECP256K1,
	UNIT_KEY_ED25519, UNIT_KEY__COUNT
};
/* A cached key pair of that type (borrowed: do not free), or NULL. */
EVP_PKEY	*unit_key(enum unit_key);
/* A fresh P-256 key pair (caller frees). */
EVP_PKEY	*unit_key_p256_new(void);
void		 unit_keys_free(void);

#endif
