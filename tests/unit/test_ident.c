/*
 * test_ident.c - NIK, NIP and NRP structure checks and the name
 * normalisation used to compare a declared name with a registry's.
 * Every refusal is checked for the reason it gives, and for not
 * repeating the number it refuses.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ident.h"
#include "unit.h"

int	run_ident_tests(void);

/* Expects a refusal whose detail holds why and not the number. */
static void
refused(int r, const struct err *e, const char *number, const char *why)
{
	assert_int_equal(r, -1);
	assert_int_equal(e->code, ERR_BAD_REQUEST);
	if (strstr(e->detail, why) == NULL)
		fail_msg("detail '%s' lacks '%s'", e->detail, why);
	if (number != NULL && strlen(number) >= 8 &&
	    strstr(e->detail, number) != NULL)
		fail_msg("detail '%s' repeats the number", e->detail);
}

static void
nik_valid(void **state)
{
	struct err e = { 0 };

	(void)state;
	/* DKI Jakarta, Jakarta Selatan, district 01; born 17 Aug 1985. */
	assert_int_equal(ident_nik_check("3171011708850001", "1985-08-17",
	    'M', &e), 0);
	/* The same date for a woman: day 17 + 40 = 57. */
	assert_int_equal(ident_nik_check("3171015708850002", "1985-08-17",
	    'F', &e), 0);
	/* The youngest and the newest provinces; born in 2000 and 1900. */
	assert_int_equal(ident_nik_check("1101010101000001", "2000-01-01",
	    'M', &e), 0);
	assert_int_equal(ident_nik_check("9601017112000001", "2000-12-31",
	    'F', &e), 0);
	/* 29 February of a leap year, for a woman (69). */
	assert_int_equal(ident_nik_check("3273016902960001", "1996-02-29",
	    'F', &e), 0);
}

static void
nik_invalid(void **state)
{
	struct err e = { 0 };
	const char *n;

	(void)state;
	n = "0071011708850001";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "province code");
	n = "9971011708850001";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "province code");
	n = "2071011708850001";	/* 20 is no province */
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "province code");
	n = "3100011708850001";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "regency/city code");
	n = "3171001708850001";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "district code");
	/* Day 32, and day 72 (32 + 40). */
	n = "3171013208850001";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "birth day (digits 7-8) must be 01-31");
	n = "3171017208850001";
	refused(ident_nik_check(n, "1985-08-17", 'F', &e), &e, n,
	    "birth day (digits 7-8) must be 01-31");
	/* Month 13 and 00. */
	n = "3171011713850001";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "birth month (digits 9-10) must be 01-12");
	n = "3171011700850001";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "birth month (digits 9-10) must be 01-12");
	/* 30 February; 29 February of 1985; 31 April for a woman. */
	n = "3171013002850001";
	refused(ident_nik_check(n, "1985-02-28", 'M', &e), &e, n,
	    "not a real calendar date");
	n = "3171012902850001";
	refused(ident_nik_check(n, "1985-02-28", 'M', &e), &e, n,
	    "not a real calendar date");
	n = "3171017104850001";
	refused(ident_nik_check(n, "1985-04-30", 'F', &e), &e, n,
	    "not a real calendar date");
	/* A woman whose NIK day lacks the + 40, a man whose has it. */
	n = "3171011708850001";
	refused(ident_nik_check(n, "1985-08-17", 'F', &e), &e, n,
	    "lacks the 40");
	n = "3171015708850001";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "gender given is M");
	/* The encoded date disagrees with the declared one. */
	n = "3171011708850001";
	refused(ident_nik_check(n, "1985-08-18", 'M', &e), &e, n,
	    "birth day (digits 7-8) does not match");
	refused(ident_nik_check(n, "1985-09-17", 'M', &e), &e, n,
	    "birth month (digits 9-10) does not match");
	refused(ident_nik_check(n, "1986-08-17", 'M', &e), &e, n,
	    "birth year (digits 11-12) does not match");
	/* Only two digits of the year are encoded: 1900 and 2000 agree. */
	assert_int_equal(ident_nik_check("3171011708000001", "1900-08-17",
	    'M', &e), 0);
	/* Length, letters, serial. */
	n = "317101170885001";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "exactly 16 digits, not 15");
	n = "31710117088500011";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "exactly 16 digits, not 17");
	n = "31710117088500A1";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "only the digits");
	n = "3171011708850001 ";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "only the digits");
	refused(ident_nik_check("", "1985-08-17", 'M', &e), &e, NULL,
	    "missing");
	refused(ident_nik_check(NULL, "1985-08-17", 'M', &e), &e, NULL,
	    "missing");
	n = "3171011708850000";
	refused(ident_nik_check(n, "1985-08-17", 'M', &e), &e, n,
	    "serial number (digits 13-16)");
	/* The declared data themselves. */
	n = "3171011708850001";
	refused(ident_nik_check(n, "1985-08-17", 'X', &e), &e, n,
	    "gender must be M or F");
	refused(ident_nik_check(n, "17-08-1985", 'M', &e), &e, n,
	    "YYYY-MM-DD");
}

static void
nip_checks(void **state)
{
	struct err e = { 0 };
	char future[32];
	const char *n;
	time_t t = time(NULL);
	struct tm tm;

	(void)state;
	/* Born 17 Aug 1985, appointed March 2010, male, serial 001. */
	assert_int_equal(ident_nip_check("198508172010031001", "1985-08-17",
	    'M', &e), 0);
	assert_int_equal(ident_nip_check("198508172010032001", "1985-08-17",
	    'F', &e), 0);
	/* Appointed in the year the holder turned 17: allowed. */
	assert_int_equal(ident_nip_check("198508172002121001", "1985-08-17",
	    'M', &e), 0);
	n = "198508172010031001";
	refused(ident_nip_check(n, "1985-08-18", 'M', &e), &e, n,
	    "birth date (digits 1-8) does not match");
	n = "198502302010031001";
	refused(ident_nip_check(n, "1985-02-28", 'M', &e), &e, n,
	    "not a real calendar date");
	n = "198508172010033001";
	refused(ident_nip_check(n, "1985-08-17", 'M', &e), &e, n,
	    "gender digit (digit 15) must be 1");
	n = "198508172010031001";
	refused(ident_nip_check(n, "1985-08-17", 'F', &e), &e, n,
	    "gender digit (digit 15) does not match");
	n = "198508172010131001";
	refused(ident_nip_check(n, "1985-08-17", 'M', &e), &e, n,
	    "appointment month (digits 13-14) must be 01-12");
	n = "198508172010001001";
	refused(ident_nip_check(n, "1985-08-17", 'M', &e), &e, n,
	    "appointment month (digits 13-14) must be 01-12");
	n = "198508171999031001";
	refused(ident_nip_check(n, "1985-08-17", 'M', &e), &e, n,
	    "before the year the holder turned 17");
	/* Next year: always in the future. */
	gmtime_r(&t, &tm);
	snprintf(future, sizeof(future), "19850817%04d011001",
	    tm.tm_year + 1900 + 1);
	refused(ident_nip_check(future, "1985-08-17", 'M', &e), &e, future,
	    "in the future");
	n = "198508172010031000";
	refused(ident_nip_check(n, "1985-08-17", 'M', &e), &e, n,
	    "serial number (digits 16-18)");
	n = "19850817201003100";
	refused(ident_nip_check(n, "1985-08-17", 'M', &e), &e, n,
	    "exactly 18 digits");
	n = "19850817201003100x";
	refused(ident_nip_check(n, "1985-08-17", 'M', &e), &e, n,
	    "only the digits");
}

static void
nrp_checks(void **state)
{
	struct err e = { 0 };

	(void)state;
	assert_int_equal(ident_nrp_check("85080123", "1985-08-17", &e), 0);
	refused(ident_nrp_check("85080123", "1986-08-17", &e), &e, "85080123",
	    "birth year (digits 1-2) does not match");
	refused(ident_nrp_check("85080123", "1985-09-17", &e), &e, "85080123",
	    "birth month (digits 3-4) does not match");
	refused(ident_nrp_check("85130123", "1985-08-17", &e), &e, "85130123",
	    "birth month (digits 3-4) must be 01-12");
	refused(ident_nrp_check("85080000", "1985-08-17", &e), &e, "85080000",
	    "serial number (digits 5-8)");
	refused(ident_nrp_check("8508012", "1985-08-17", &e), &e, NULL,
	    "exactly 8 digits");
	refused(ident_nrp_check("850801234", "1985-08-17", &e), &e, NULL,
	    "exactly 8 digits");
}

static void
date_checks(void **state)
{
	struct err e = { 0 };
	char d[32];
	time_t t = time(NULL) + 7 * 3600 + 2 * 86400;
	struct tm tm;

	(void)state;
	assert_int_equal(ident_date_check("2000-02-29", &e), 0);
	assert_int_equal(ident_date_check("1900-01-01", &e), 0);
	assert_int_equal(ident_date_check("1985-12-31", &e), 0);
	refused(ident_date_check("1900-02-29", &e), &e, NULL, "does not exist");
	refused(ident_date_check("2001-02-29", &e), &e, NULL, "does not exist");
	refused(ident_date_check("2001-04-31", &e), &e, NULL, "does not exist");
	refused(ident_date_check("2001-13-01", &e), &e, NULL, "month");
	refused(ident_date_check("2001-00-10", &e), &e, NULL, "month");
	refused(ident_date_check("2001-01-00", &e), &e, NULL, "does not exist");
	refused(ident_date_check("1899-12-31", &e), &e, NULL, "year must be");
	refused(ident_date_check("2001-1-01", &e), &e, NULL, "YYYY-MM-DD");
	refused(ident_date_check("2001/01/01", &e), &e, NULL, "YYYY-MM-DD");
	refused(ident_date_check("2001-01-01x", &e), &e, NULL, "YYYY-MM-DD");
	refused(ident_date_check("", &e), &e, NULL, "YYYY-MM-DD");
	refused(ident_date_check(NULL, &e), &e, NULL, "YYYY-MM-DD");
	/* The day after tomorrow is in the future wherever we run. */
	gmtime_r(&t, &tm);
	strftime(d, sizeof(d), "%Y-%m-%d", &tm);
	assert_int_equal(ident_date_check(d, &e), -1);
	snprintf(d, sizeof(d), "%04d-01-01", tm.tm_year + 1900 + 1);
	assert_int_equal(ident_date_check(d, &e), -1);
}

static const struct {
	const char	*in;
	const char	*out;
} names[] = {
	{ "Dr. Ir. H. Budi Santoso, S.Kom., M.T.", "budi santoso" },
	{ "BUDI  SANTOSO", "budi santoso" },
	{ "  Budi\tSantoso  ", "budi santoso" },
	{ "Siti Nurhaliza, S.E.", "siti nurhaliza" },
	{ "Siti Nurhaliza SE", "siti nurhaliza" },
	{ "Dra. Hj. Sri", "sri" },
	{ "Prof. Dr. Ir. H. Ahmad Fauzi, M.Sc., Ph.D.", "ahmad fauzi" },
	{ "Prof.Dr.Ir.H.Ahmad Fauzi", "ahmad fauzi" },
	{ "H Ahmad Fauzi SH MH", "ahmad fauzi" },
	{ "dr. Rina Wulandari, Sp.PD", "rina wulandari" },
	{ "dr. Rina Wulandari, Sp.A(K)", "rina wulandari" },
	{ "dr. Rina Wulandari, Sp.OG-KFM", "rina wulandari" },
	{ "Rina Wulandari, A.Md.Kep.", "rina wulandari" },
	{ "Rina Wulandari, Amd", "rina wulandari" },
	{ "Dewi Lestari, S.Pd., M.Pd.", "dewi lestari" },
	{ "Dewi Lestari S.Pd.,M.Pd.", "dewi lestari" },
	{ "Dewi Lestari, S.Sos, M.AP", "dewi lestari" },
	{ "Agus Salim, S.IP., M.Si.", "agus salim" },
	{ "Agus Salim, S.H., M.H., MBA", "agus salim" },
	{ "Yohanes Kurniawan, S.Psi., S.Ak., M.M.", "yohanes kurniawan" },
	{ "Fitri Handayani, S.Kep., Ns.", "fitri handayani" },
	{ "Fitri Handayani, S.Farm., Apt.", "fitri handayani" },
	{ "Bambang S., S.T., M.Eng.", "bambang s" },
	/* Names that merely contain title letters keep them. */
	{ "Sean Hadi", "sean hadi" },
	{ "Irwan Drajat", "irwan drajat" },
	{ "Hadi Prof", "hadi prof" },
	{ "Mahendra Sekar", "mahendra sekar" },
	/* A middle initial is a name, not "Haji"; "Meng" is a surname
	 * unless written with its dot or after a comma. */
	{ "Budi H. Santoso", "budi h santoso" },
	{ "Lim Meng", "lim meng" },
	{ "Lim Meng, M.Eng.", "lim meng" },
	/* Punctuation inside names. */
	{ "Ma'ruf Amin", "maruf amin" },
	{ "Ma\xe2\x80\x99ruf Amin", "maruf amin" },
	{ "Abdul-Rahman", "abdulrahman" },
	{ "M.Rizki Pratama", "m rizki pratama" },
	{ "M. Rizki Pratama", "m rizki pratama" },
	/* Non-ASCII letters stay as they are. */
	{ "Ni Luh Putu \xc3\x89lodie", "ni luh putu \xc3\x89lodie" },
	{ "Dr.\xc2\xa0" "Budi", "budi" },
	{ "", "" },
	{ " . , ", "" },
};

static void
name_table(void **state)
{
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(ident_name_normalise(names[i].in, out,
		    sizeof(out)), 0);
		if (strcmp(out, names[i].out) != 0)
			fail_msg("'%s' -> '%s', want '%s'", names[i].in, out,
			    names[i].out);
	}
}

static void
name_equal(void **state)
{
	char small[5];

	(void)state;
	assert_true(ident_name_equal("Dr. Ir. H. Budi Santoso, S.Kom., M.T.",
	    "BUDI SANTOSO"));
	assert_true(ident_name_equal("BUDI  SANTOSO", "Budi Santoso"));
	assert_true(ident_name_equal("Siti Nurhaliza, S.E.", "Siti Nurhaliza"));
	assert_true(ident_name_equal("Dra. Hj. Sri", "SRI"));
	assert_false(ident_name_equal("Budi Santoso", "Budi Susanto"));
	assert_false(ident_name_equal("Budi Santoso", "Santoso Budi"));
	assert_false(ident_name_equal("Budi Santoso", "Budi"));
	assert_false(ident_name_equal("Sean Hadi", "Sean"));
	assert_false(ident_name_equal("Sean Hadi", "Hadi"));
	assert_false(ident_name_equal("", ""));
	assert_false(ident_name_equal("Dr. Budi", "Dr. Bud"));
	assert_false(ident_name_equal(NULL, "Budi"));
	/* Too small an output buffer is an error, never a cut name. */
	assert_int_equal(ident_name_normalise("Budi Santoso", small,
	    sizeof(small)), -1);
	assert_int_equal(ident_name_normalise("Budi", small, sizeof(small)),
	    0);
	assert_string_equal(small, "budi");
}

int
run_ident_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nik_valid),
		cmocka_unit_test(nik_invalid),
		cmocka_unit_test(nip_checks),
		cmocka_unit_test(nrp_checks),
		cmocka_unit_test(date_checks),
		cmocka_unit_test(name_table),
		cmocka_unit_test(name_equal),
	};

	return cmocka_run_group_tests_name("ident", tests, NULL, NULL);
}
