/*
 * ident.h - Indonesian identity numbers and personal names: structural
 * checks of the NIK (population number), NIP (civil-service number) and
 * NRP (police number) against the birth date and gender the applicant
 * gave, and the name normalisation used to compare a typed name with a
 * registry's answer.
 *
 * These checks catch typing mistakes and invented numbers before a
 * registry is asked; they prove nothing about a person. Error details are
 * English and operator-facing and never contain the number itself.
 */
#ifndef SERTEL_IDENT_H
#define SERTEL_IDENT_H

#include <stddef.h>

#include "util.h"

#define IDENT_NIK_LEN	16
#define IDENT_NIP_LEN	18
#define IDENT_NRP_LEN	8

/* A real calendar date "YYYY-MM-DD", year 1900 to today (Asia/Jakarta).
 * 0, or -1 with ERR_BAD_REQUEST. */
int	ident_date_check(const char *yyyy_mm_dd, struct err *);

/* NIK: 16 digits PPKKCC DDMMYY SSSS (province, regency, district, birth
 * date with day + 40 for women, serial), checked against birth_date
 * ("YYYY-MM-DD") and gender ('M' or 'F'). 0, or -1 with ERR_BAD_REQUEST. */
int	ident_nik_check(const char *nik, const char *birth_date, char gender,
	    struct err *);

/* NIP: 18 digits YYYYMMDD (birth) YYYYMM (appointment) G (1 male,
 * 2 female) SSS (serial). 0, or -1 with ERR_BAD_REQUEST. */
int	ident_nip_check(const char *nip, const char *birth_date, char gender,
	    struct err *);

/* NRP: 8 digits YYMM (birth) SSSS. 0, or -1 with ERR_BAD_REQUEST. */
int	ident_nrp_check(const char *nrp, const char *birth_date, struct err *);

/*
 * Writes the comparison form of a personal name into out: ASCII letters
 * lowercased, punctuation ' ’ ` - removed, a dot removed (or, between two
 * letters as in "M.Rizki", turned into a space), commas, other ASCII
 * punctuation and runs of white space turned into one space, academic and
 * professional titles dropped (see ident.c for which and where). Bytes of
 * non-ASCII characters are copied as they are. The result is never longer
 * than in.
 * 0, or -1 if out is too small or the name has more than 64 words.
 */
int	ident_name_normalise(const char *in, char *out, size_t outsz);

/* 1 when the normalised forms of a and b are equal and not empty. */
int	ident_name_equal(const char *a, const char *b);

#endif
