/*
 * main.c - runs every unit suite (one cmocka group each) and exits with
 * the number of failed tests, capped at 255 so that an exit status can
 * never wrap around to 0.
 *
 * Run from the repository root: the documentation checks read
 * docs/errors.md and docs/api.md by relative path.
 */
#include <sodium.h>

#include "unit.h"

static const struct {
	const char	*name;
	int		(*run)(void);
} suites[] = {
	{ "errors", run_errors_tests },
	{ "routes", run_routes_tests },
	{ "openapi", run_openapi_tests },
	{ "ident", run_ident_tests },
	{ "mail", run_mail_tests },
	{ "image", run_image_tests },
	{ "keys_holder", run_keys_holder_tests },
	{ "calendar", run_calendar_tests },
	{ "sla", run_sla_tests },
	{ "multipart", run_multipart_tests },
	{ "pdf_text", run_pdf_text_tests },
	{ "pdf_verify", run_pdf_verify_tests },
	{ "pdf_sign", run_pdf_sign_tests },
	{ "der", run_der_tests },
	{ "serial", run_serial_tests },
	{ "audit", run_audit_tests },
	{ "lint", run_lint_tests },
	{ "issue", run_issue_tests },
	{ "complaint", run_complaint_tests },
};

int
main(void)
{
	size_t i;
	int failed = 0, n;

	log_set_level(LOG_ERROR);
	if (sodium_init() == -1)
		return 1;
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		print_message("[----------] suite %s\n", suites[i].name);
		failed += n = suites[i].run();
		if (n > 0)
			print_message("[----------] suite %s: %d failed\n",
			    suites[i].name, n);
	}
	unit_keys_free();
	if (failed > 0)
		print_message("unit: %d test(s) failed\n", failed);
	else
		print_message("unit: all suites passed\n");
	return failed > 255 ? 255 : failed;
}
