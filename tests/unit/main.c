/*
 * main.c - runs every unit suite (one cmocka group each) and exits with
 * the number of failed tests, capped at 255 so that an exit status can
 * never wrap around to 0.
 *
 * Run from the repository root: the documentation checks read
 * docs/errors.md and docs/api.md by relative path.
 */
#include "unit.h"

int
main(void)
{
	int (*const suites[])(void) = {
		run_errors_tests,
		run_routes_tests,
		run_der_tests,
		run_serial_tests,
		run_audit_tests,
		run_lint_tests,
		run_issue_tests,
	};
	size_t i;
	int failed = 0;

	log_set_level(LOG_ERROR);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		failed += suites[i]();
	unit_keys_free();
	if (failed > 0)
		print_message("unit: %d test(s) failed\n", failed);
	return failed > 255 ? 255 : failed;
}
