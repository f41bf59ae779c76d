/*
 * ident.c - structure of Indonesian identity numbers, and the comparison
 * form of personal names.
 *
 * NIK (Nomor Induk Kependudukan, UU 23/2006 as amended by UU 24/2013):
 * PP KK CC DDMMYY SSSS - province, regency/city, district of first
 * registration (the codes of Kemendagri's area coding), the birth date
 * with 40 added to the day for women, and a serial. The NIK keeps the
 * area of first registration when its holder moves, so the province
 * list below holds every code a living person's NIK can carry.
 *
 * NIP (PP 11/2017 on ASN management, BKN numbering): YYYYMMDD birth date,
 * YYYYMM appointment (TMT CPNS), 1 digit gender, 3 digit serial.
 * NRP (POLRI): no public regulation fixes its layout; this module checks
 * the common convention YYMM of the birth date followed by a 4 digit
 * serial, which is what the registry simulator generates too.
 *
 * The numbers are checked for structure and for agreement with what the
 * applicant declared, so that a typing mistake is caught with a precise
 * message before any registry is asked. The error details never contain
 * the number itself: they end up in logs.
 *
 * Names are compared in a normal form (ident_name_normalise) because the
 * population registry holds "BUDI SANTOSO" while a form, an HR system or
 * the civil-service registry may hold "Dr. Ir. H. Budi Santoso, S.Kom.,
 * M.T.". The rules are deliberately positional: prefix titles (Dr, Ir,
 * Prof, H, Hj ...) are dropped only before the name, degrees (S.Kom, M.T,
 * Sp.PD ...) only after it or after a comma, so that a middle initial
 * "H." or a surname such as "Meng" (also M.Eng without its dot) survives.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ident.h"

/*
 * Province codes (the first two NIK digits). Source: Kepmendagri
 * 300.2.2-2138 Tahun 2025 on area codes (as compiled in the public
 * cahyadsn/wilayah data set), the same as Kepmendagri 100.1.1-6117 Tahun
 * 2022: 11-19 Sumatra, 21 Kepulauan Riau, 31-36 Java, 51-53 Bali and Nusa
 * Tenggara, 61-65 Kalimantan, 71-76 Sulawesi, 81-82 Maluku, 91 Papua,
 * 92 Papua Barat, 93 Papua Selatan, 94 Papua Tengah, 95 Papua Pegunungan,
 * 96 Papua Barat Daya. NIKs issued before 2022 in Papua carry 94 and in
 * Papua Barat 91 (Permendagri 137/2017); both are in the list anyway.
 */
static const int provinces[] = {
	11, 12, 13, 14, 15, 16, 17, 18, 19,
	21,
	31, 32, 33, 34, 35, 36,
	51, 52, 53,
	61, 62, 63, 64, 65,
	71, 72, 73, 74, 75, 76,
	81, 82,
	91, 92, 93, 94, 95, 96,
};

/* Asia/Jakarta (WIB, UTC+7, no daylight saving). */
#define JAKARTA_OFFSET	(7 * 3600)

static void
today(int *y, int *m, int *d)
{
	time_t t = now_utc() + JAKARTA_OFFSET;
	struct tm tm;

	gmtime_r(&t, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m == 2 && is_leap(y))
		return 29;
	return days[m - 1];
}

/* 1 if the n bytes at s are ASCII digits. */
static int
digits_at(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The number in the n digits at s (already checked to be digits). */
static int
num(const char *s, size_t n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Checks that s is a string of exactly n digits; names it what. */
static int
check_digits(const char *s, size_t n, const char *what, struct err *e)
{
	size_t i, len;

	if (s == NULL || *s == '\0')
		return err_set(e, ERR_BAD_REQUEST, "%s is missing", what);
	len = strlen(s);
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return err_set(e, ERR_BAD_REQUEST, "%s must contain "
			    "only the digits 0-9", what);
	if (len != n)
		return err_set(e, ERR_BAD_REQUEST, "%s must be exactly %zu "
		    "digits, not %zu", what, n, len > 99 ? (size_t)99 : len);
	return 0;
}

/* Parses a checked "YYYY-MM-DD" into y, m, d. */
static int
parse_date(const char *s, int *y, int *m, int *d, struct err *e)
{
	int ty, tm, td;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !digits_at(s, 4) || !digits_at(s + 5, 2) || !digits_at(s + 8, 2))
		return err_set(e, ERR_BAD_REQUEST, "birth date must be "
		    "written YYYY-MM-DD");
	*y = num(s, 4);
	*m = num(s + 5, 2);
	*d = num(s + 8, 2);
	if (*m < 1 || *m > 12)
		return err_set(e, ERR_BAD_REQUEST, "birth date: the month "
		    "must be 01 to 12");
	if (*d < 1 || *d > month_days(*y, *m))
		return err_set(e, ERR_BAD_REQUEST, "birth date: day %02d does "
		    "not exist in that month", *d);
	today(&ty, &tm, &td);
	if (*y < 1900 || *y > ty)
		return err_set(e, ERR_BAD_REQUEST, "birth date: the year must "
		    "be 1900 to %d", ty);
	if (*y == ty && (*m > tm || (*m == tm && *d > td)))
		return err_set(e, ERR_BAD_REQUEST, "birth date is in the "
		    "future");
	return 0;
}

int
ident_date_check(const char *s, struct err *e)
{
	int y, m, d;

	return parse_date(s, &y, &m, &d, e);
}

static int
gender_check(char gender, struct err *e)
{
	if (gender != 'M' && gender != 'F')
		return err_set(e, ERR_BAD_REQUEST, "gender must be M or F");
	return 0;
}

int
ident_nik_check(const char *nik, const char *birth_date, char gender,
    struct err *e)
{
	int by = 0, bm = 0, bd = 0, prov, dd, mm, yy, day, female, maxd;
	size_t i;

	if (check_digits(nik, IDENT_NIK_LEN, "NIK", e) == -1 ||
	    parse_date(birth_date, &by, &bm, &bd, e) == -1 ||
	    gender_check(gender, e) == -1)
		return -1;
	prov = num(nik, 2);
	for (i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++)
		if (provinces[i] == prov)
			break;
	if (i == sizeof(provinces) / sizeof(provinces[0]))
		return err_set(e, ERR_BAD_REQUEST, "NIK: the province code "
		    "(digits 1-2) is not an Indonesian province");
	if (num(nik + 2, 2) == 0)
		return err_set(e, ERR_BAD_REQUEST, "NIK: the regency/city "
		    "code (digits 3-4) must not be 00");
	if (num(nik + 4, 2) == 0)
		return err_set(e, ERR_BAD_REQUEST, "NIK: the district code "
		    "(digits 5-6) must not be 00");

	dd = num(nik + 6, 2);
	mm = num(nik + 8, 2);
	yy = num(nik + 10, 2);
	if (dd >= 1 && dd <= 31) {
		female = 0;
		day = dd;
	} else if (dd >= 41 && dd <= 71) {
		female = 1;
		day = dd - 40;
	} else
		return err_set(e, ERR_BAD_REQUEST, "NIK: the birth day "
		    "(digits 7-8) must be 01-31, or 41-71 for women");
	if (mm < 1 || mm > 12)
		return err_set(e, ERR_BAD_REQUEST, "NIK: the birth month "
		    "(digits 9-10) must be 01-12");
	/* Only the last two digits of the year are encoded: take the
	 * century of the declared birth date when they agree (they must),
	 * else accept 29 February if either century makes it a leap day. */
	if (yy == by % 100)
		maxd = month_days(by, mm);
	else
		maxd = mm == 2 && (is_leap(1900 + yy) || is_leap(2000 + yy)) ?
		    29 : month_days(2001, mm);
	if (day > maxd)
		return err_set(e, ERR_BAD_REQUEST, "NIK: the encoded birth "
		    "date (digits 7-12) is not a real calendar date");
	if (female && gender == 'M')
		return err_set(e, ERR_BAD_REQUEST, "NIK: the birth day has 40 "
		    "added (a woman's NIK) but the gender given is M");
	if (!female && gender == 'F')
		return err_set(e, ERR_BAD_REQUEST, "NIK: the gender given is "
		    "F but the birth day (digits 7-8) lacks the 40 added for "
		    "women");
	if (day != bd)
		return err_set(e, ERR_BAD_REQUEST, "NIK: the birth day "
		    "(digits 7-8) does not match the birth date given");
	if (mm != bm)
		return err_set(e, ERR_BAD_REQUEST, "NIK: the birth month "
		    "(digits 9-10) does not match the birth date given");
	if (yy != by % 100)
		return err_set(e, ERR_BAD_REQUEST, "NIK: the birth year "
		    "(digits 11-12) does not match the birth date given");
	if (num(nik + 12, 4) == 0)
		return err_set(e, ERR_BAD_REQUEST, "NIK: the serial number "
		    "(digits 13-16) must not be 0000");
	return 0;
}

int
ident_nip_check(const char *nip, const char *birth_date, char gender,
    struct err *e)
{
	int by = 0, bm = 0, bd = 0, ny, nm, nd, ay, am, ty, tm, td, g;

	if (check_digits(nip, IDENT_NIP_LEN, "NIP", e) == -1 ||
	    parse_date(birth_date, &by, &bm, &bd, e) == -1 ||
	    gender_check(gender, e) == -1)
		return -1;
	ny = num(nip, 4);
	nm = num(nip + 4, 2);
	nd = num(nip + 6, 2);
	if (nm < 1 || nm > 12 || nd < 1 || nd > month_days(ny, nm))
		return err_set(e, ERR_BAD_REQUEST, "NIP: the birth date "
		    "(digits 1-8) is not a real calendar date");
	if (ny != by || nm != bm || nd != bd)
		return err_set(e, ERR_BAD_REQUEST, "NIP: the birth date "
		    "(digits 1-8) does not match the birth date given");
	ay = num(nip + 8, 4);
	am = num(nip + 12, 2);
	if (am < 1 || am > 12)
		return err_set(e, ERR_BAD_REQUEST, "NIP: the appointment "
		    "month (digits 13-14) must be 01-12");
	if (ay < by + 17)
		return err_set(e, ERR_BAD_REQUEST, "NIP: the appointment year "
		    "(digits 9-12) is before the year the holder turned 17");
	today(&ty, &tm, &td);
	if (ay > ty || (ay == ty && am > tm))
		return err_set(e, ERR_BAD_REQUEST, "NIP: the appointment date "
		    "(digits 9-14) is in the future");
	g = nip[14] - '0';
	if (g != 1 && g != 2)
		return err_set(e, ERR_BAD_REQUEST, "NIP: the gender digit "
		    "(digit 15) must be 1 (male) or 2 (female)");
	if ((g == 1) != (gender == 'M'))
		return err_set(e, ERR_BAD_REQUEST, "NIP: the gender digit "
		    "(digit 15) does not match the gender given");
	if (num(nip + 15, 3) == 0)
		return err_set(e, ERR_BAD_REQUEST, "NIP: the serial number "
		    "(digits 16-18) must not be 000");
	return 0;
}

int
ident_nrp_check(const char *nrp, const char *birth_date, struct err *e)
{
	int by = 0, bm = 0, bd = 0, yy, mm;

	if (check_digits(nrp, IDENT_NRP_LEN, "NRP", e) == -1 ||
	    parse_date(birth_date, &by, &bm, &bd, e) == -1)
		return -1;
	yy = num(nrp, 2);
	mm = num(nrp + 2, 2);
	if (mm < 1 || mm > 12)
		return err_set(e, ERR_BAD_REQUEST, "NRP: the birth month "
		    "(digits 3-4) must be 01-12");
	if (yy != by % 100)
		return err_set(e, ERR_BAD_REQUEST, "NRP: the birth year "
		    "(digits 1-2) does not match the birth date given");
	if (mm != bm)
		return err_set(e, ERR_BAD_REQUEST, "NRP: the birth month "
		    "(digits 3-4) does not match the birth date given");
	if (num(nrp + 4, 4) == 0)
		return err_set(e, ERR_BAD_REQUEST, "NRP: the serial number "
		    "(digits 5-8) must not be 0000");
	return 0;
}

/* ---- names ---- */

#define T_PREFIX	0x1	/* stands before the name */
#define T_SUFFIX	0x2	/* stands after the name (a degree) */
#define T_DOTTED	0x4	/* without a dot, also a common name: only
				 * a title when written with a dot or after
				 * a comma */

/*
 * Titles and degrees as written in Indonesia (Permendikbud 154/2014 and
 * Permenristekdikti 59/2018 on degree abbreviations, plus the customary
 * ones), keyed by their letters without dots: "S.Kom." is "skom".
 */
static const struct title {
	const char	*key;
	int		 flags;
} titles[] = {
	/* before the name */
	{ "prof", T_PREFIX }, { "dr", T_PREFIX }, { "drs", T_PREFIX },
	{ "dra", T_PREFIX }, { "drg", T_PREFIX }, { "drh", T_PREFIX },
	{ "ir", T_PREFIX }, { "h", T_PREFIX }, { "hj", T_PREFIX },
	{ "kh", T_PREFIX }, { "hc", T_PREFIX | T_SUFFIX },
	{ "apt", T_PREFIX | T_SUFFIX }, { "ns", T_PREFIX | T_SUFFIX },
	{ "bc", T_PREFIX | T_SUFFIX | T_DOTTED },
	/* diploma */
	{ "amd", T_SUFFIX }, { "ama", T_SUFFIX | T_DOTTED },
	{ "amapd", T_SUFFIX }, { "ampd", T_SUFFIX },
	/* bachelor (sarjana, sarjana terapan) */
	{ "se", T_SUFFIX }, { "sh", T_SUFFIX }, { "st", T_SUFFIX },
	{ "skom", T_SUFFIX }, { "spd", T_SUFFIX }, { "ssos", T_SUFFIX },
	{ "sip", T_SUFFIX }, { "ssi", T_SUFFIX }, { "skep", T_SUFFIX },
	{ "sked", T_SUFFIX }, { "sfarm", T_SUFFIX }, { "spsi", T_SUFFIX },
	{ "sak", T_SUFFIX }, { "sap", T_SUFFIX }, { "sag", T_SUFFIX },
	{ "shum", T_SUFFIX }, { "skm", T_SUFFIX }, { "sgz", T_SUFFIX },
	{ "sp", T_SUFFIX }, { "spt", T_SUFFIX }, { "spi", T_SUFFIX },
	{ "stp", T_SUFFIX }, { "shut", T_SUFFIX }, { "sikom", T_SUFFIX },
	{ "ssn", T_SUFFIX }, { "sds", T_SUFFIX }, { "sstat", T_SUFFIX },
	{ "smat", T_SUFFIX }, { "sst", T_SUFFIX }, { "str", T_SUFFIX },
	{ "sei", T_SUFFIX }, { "shi", T_SUFFIX }, { "spdi", T_SUFFIX },
	{ "sthi", T_SUFFIX }, { "sth", T_SUFFIX }, { "ssy", T_SUFFIX },
	{ "skg", T_SUFFIX }, { "skh", T_SUFFIX }, { "sm", T_SUFFIX },
	{ "stan", T_SUFFIX | T_DOTTED },
	{ "ssit", T_SUFFIX }, { "sikm", T_SUFFIX }, { "sadm", T_SUFFIX },
	{ "lc", T_SUFFIX }, { "ba", T_SUFFIX | T_DOTTED }, { "bsc", T_SUFFIX },
	{ "beng", T_SUFFIX }, { "bba", T_SUFFIX }, { "llb", T_SUFFIX },
	{ "ak", T_SUFFIX }, { "cpa", T_SUFFIX },
	/* the consultant mark of Sp.A(K) once the brackets are gone */
	{ "k", T_SUFFIX | T_DOTTED },
	/* master (magister) */
	{ "mkom", T_SUFFIX }, { "mt", T_SUFFIX }, { "mm", T_SUFFIX },
	{ "msi", T_SUFFIX }, { "mh", T_SUFFIX }, { "mpd", T_SUFFIX },
	{ "map", T_SUFFIX }, { "msc", T_SUFFIX }, { "meng", T_SUFFIX | T_DOTTED },
	{ "mba", T_SUFFIX }, { "mkes", T_SUFFIX }, { "mhum", T_SUFFIX },
	{ "mag", T_SUFFIX }, { "mak", T_SUFFIX | T_DOTTED },
	{ "mpsi", T_SUFFIX }, { "mfarm", T_SUFFIX }, { "mkn", T_SUFFIX },
	{ "mkm", T_SUFFIX }, { "mars", T_SUFFIX | T_DOTTED },
	{ "mph", T_SUFFIX }, { "med", T_SUFFIX | T_DOTTED },
	{ "ma", T_SUFFIX | T_DOTTED }, { "mec", T_SUFFIX },
	{ "mecdev", T_SUFFIX }, { "mphil", T_SUFFIX }, { "macc", T_SUFFIX },
	{ "mpdi", T_SUFFIX }, { "mei", T_SUFFIX | T_DOTTED },
	{ "mhi", T_SUFFIX }, { "msy", T_SUFFIX }, { "mtr", T_SUFFIX },
	{ "mikom", T_SUFFIX }, { "mip", T_SUFFIX }, { "mkeb", T_SUFFIX },
	{ "mkep", T_SUFFIX }, { "mbiomed", T_SUFFIX }, { "msn", T_SUFFIX },
	{ "mds", T_SUFFIX }, { "mstat", T_SUFFIX }, { "mpp", T_SUFFIX },
	{ "mpa", T_SUFFIX }, { "msm", T_SUFFIX }, { "llm", T_SUFFIX },
	{ "mtcp", T_SUFFIX },
	/* doctorate and specialist physicians (Sp.X is handled below) */
	{ "phd", T_SUFFIX }, { "dsc", T_SUFFIX }, { "edd", T_SUFFIX },
	{ "drphil", T_SUFFIX },
	{ "spa", T_SUFFIX }, { "sppd", T_SUFFIX }, { "spog", T_SUFFIX },
};

#define MAX_WORDS	64
#define MAX_PIECES	16
#define KEY_MAX		24

struct word {
	const char	*p;
	size_t		 n;
	int		 seg;	/* how many commas precede it */
	int		 drop;
};

/* Bytes that separate words: ASCII white space, controls, and ASCII
 * punctuation other than the characters removed inside words. */
static int
is_sep(unsigned char c)
{
	if (c <= ' ' || c == 0x7f)
		return 1;
	if (c >= 0x80)
		return 0;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 0;
	return c != '.' && c != '\'' && c != '`' && c != '-';
}

/* Length of a character removed inside a word at p (0 if none):
 * . ' ` - and U+2018/U+2019 (typographic apostrophes). */
static size_t
removed_len(const char *p, size_t left)
{
	if (*p == '.' || *p == '\'' || *p == '`' || *p == '-')
		return 1;
	if (left >= 3 && (unsigned char)p[0] == 0xe2 &&
	    (unsigned char)p[1] == 0x80 &&
	    ((unsigned char)p[2] == 0x98 || (unsigned char)p[2] == 0x99))
		return 3;
	return 0;
}

/* Length of a separating sequence at p (0 if none): is_sep bytes and
 * U+00A0, the no-break space that word processors put after "Dr.". */
static size_t
sep_len(const char *p, size_t left)
{
	if (is_sep((unsigned char)*p))
		return 1;
	if (left >= 2 && (unsigned char)p[0] == 0xc2 &&
	    (unsigned char)p[1] == 0xa0)
		return 2;
	return 0;
}

static const struct title *
title_find(const char *key, int kinds)
{
	size_t i;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if ((titles[i].flags & kinds) != 0 &&
		    strcmp(titles[i].key, key) == 0)
			return &titles[i];
	return NULL;
}

/*
 * Splits a word at its dots into lowercase ASCII pieces (apostrophes and
 * hyphens removed). Returns the number of pieces, 0 if the word holds
 * anything but ASCII letters, dots, apostrophes and hyphens (so it cannot
 * be a title), or if it is too long to be one.
 */
static size_t
pieces_of(const char *p, size_t n, char piece[MAX_PIECES][KEY_MAX])
{
	size_t i, np = 0, len = 0, r;
	unsigned char c;

	for (i = 0; i < n; ) {
		c = (unsigned char)p[i];
		if (c == '.') {
			if (len > 0) {
				piece[np][len] = '\0';
				np++;
				len = 0;
			}
			i++;
			continue;
		}
		if ((r = removed_len(p + i, n - i)) > 0) {
			i += r;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 0;
		if (len == 0 && np == MAX_PIECES)
			return 0;
		if (len + 1 >= KEY_MAX)
			return 0;
		piece[np][len++] = (char)(c | 0x20);
		i++;
	}
	if (len > 0) {
		piece[np][len] = '\0';
		np++;
	}
	return np;
}

/*
 * 1 if the word is a title of one of the kinds given. A word with dots
 * is a title when its pieces can be split into consecutive titles
 * ("S.Kom.M.T" is S.Kom + M.T); specialist and diploma families "Sp.X",
 * "A.Md.X", "S.Tr.X" are titles whatever X is. A word without dots is a
 * title unless the entry is T_DOTTED and the word does not follow a
 * comma.
 */
static int
is_title(const char *p, size_t n, int kinds, int after_comma)
{
	char piece[MAX_PIECES][KEY_MAX], key[KEY_MAX];
	const struct title *t;
	int ok[MAX_PIECES + 1];
	size_t np, i, j, k, len;

	if ((np = pieces_of(p, n, piece)) == 0)
		return 0;
	if (memchr(p, '.', n) == NULL) {
		t = title_find(piece[0], kinds);
		return t != NULL && (!(t->flags & T_DOTTED) || after_comma);
	}
	if (np >= 2 && (kinds & T_SUFFIX) &&
	    (strcmp(piece[0], "sp") == 0 ||
	    (strcmp(piece[0], "a") == 0 && strcmp(piece[1], "md") == 0) ||
	    (strcmp(piece[0], "s") == 0 && strcmp(piece[1], "tr") == 0)))
		return 1;
	/* ok[i]: pieces [0, i) split into titles. */
	memset(ok, 0, sizeof(ok));
	ok[0] = 1;
	for (i = 1; i <= np; i++)
		for (j = 0; j < i && !ok[i]; j++) {
			if (!ok[j])
				continue;
			key[0] = '\0';
			len = 0;
			for (k = j; k < i; k++) {
				size_t l = strlen(piece[k]);

				if (len + l >= sizeof(key))
					break;
				memcpy(key + len, piece[k], l + 1);
				len += l;
			}
			if (k == i && title_find(key, kinds) != NULL)
				ok[i] = 1;
		}
	return ok[np];
}

/*
 * A word before the name may carry prefix titles glued to it by dots
 * ("Dr.Ir.Budi"): moves w past them. Only whole dot-separated pieces
 * that are prefix titles are skipped, so "M.Rizki" stays as it is.
 */
static void
peel_prefixes(struct word *w)
{
	const char *dot;
	size_t len;

	while ((dot = memchr(w->p, '.', w->n)) != NULL) {
		len = (size_t)(dot - w->p);
		if (len == 0 || len + 1 >= w->n ||
		    !is_title(w->p, len + 1, T_PREFIX, 0))
			return;
		w->p += len + 1;
		w->n -= len + 1;
	}
}

/* Splits in into words, recording after how many commas each stands. */
static int
split_words(const char *in, struct word *w, size_t *nw)
{
	size_t left = strlen(in), l;
	int seg = 0;

	*nw = 0;
	while (left > 0) {
		if ((l = sep_len(in, left)) > 0) {
			if (*in == ',')
				seg++;
			in += l;
			left -= l;
			continue;
		}
		if (*nw == MAX_WORDS)
			return -1;
		w[*nw].p = in;
		w[*nw].seg = seg;
		w[*nw].drop = 0;
		while (left > 0 && sep_len(in, left) == 0) {
			in++;
			left--;
		}
		w[*nw].n = (size_t)(in - w[*nw].p);
		(*nw)++;
	}
	return 0;
}

int
ident_name_normalise(const char *in, char *out, size_t outsz)
{
	struct word w[MAX_WORDS];
	size_t nw, n0, lead, i, j, o = 0, r, before, start;
	unsigned char c;
	int dot;

	if (outsz == 0 || in == NULL || split_words(in, w, &nw) == -1)
		return -1;
	/* The words before the first comma: the name, with prefix titles
	 * before it and possibly degrees after it. One word always stays. */
	for (n0 = 0; n0 < nw && w[n0].seg == 0; n0++)
		;
	for (lead = 0; lead + 1 < n0; lead++) {
		if (!is_title(w[lead].p, w[lead].n, T_PREFIX, 0))
			break;
		w[lead].drop = 1;
	}
	if (lead < n0)
		peel_prefixes(&w[lead]);
	for (j = n0; j > lead + 1; j--) {
		if (!is_title(w[j - 1].p, w[j - 1].n, T_SUFFIX, 0))
			break;
		w[j - 1].drop = 1;
	}
	/* After a comma, every title goes. */
	for (i = n0; i < nw; i++)
		if (is_title(w[i].p, w[i].n, T_PREFIX | T_SUFFIX, 1))
			w[i].drop = 1;

	for (i = 0; i < nw; i++) {
		if (w[i].drop)
			continue;
		before = o;
		if (o > 0) {
			if (o + 1 >= outsz)
				return -1;
			out[o++] = ' ';
		}
		start = o;
		dot = 0;
		for (j = 0; j < w[i].n; ) {
			/* A dot between letters parts words ("M.Rizki" is
			 * "M. Rizki"); other punctuation just goes. */
			if (w[i].p[j] == '.')
				dot = 1;
			if ((r = removed_len(w[i].p + j, w[i].n - j)) > 0) {
				j += r;
				continue;
			}
			if (dot && o > start) {
				if (o + 1 >= outsz)
					return -1;
				out[o++] = ' ';
			}
			dot = 0;
			c = (unsigned char)w[i].p[j++];
			if (c >= 'A' && c <= 'Z')
				c |= 0x20;
			if (o + 1 >= outsz)
				return -1;
			out[o++] = (char)c;
		}
		/* A word of punctuation only leaves no trace. */
		if (o == before + 1 && before > 0)
			o = before;
	}
	out[o] = '\0';
	return 0;
}

int
ident_name_equal(const char *a, const char *b)
{
	char *na = NULL, *nb = NULL;
	int r = 0;

	if (a == NULL || b == NULL)
		return 0;
	if ((na = malloc(strlen(a) + 1)) == NULL ||
	    (nb = malloc(strlen(b) + 1)) == NULL)
		goto out;
	if (ident_name_normalise(a, na, strlen(a) + 1) == -1 ||
	    ident_name_normalise(b, nb, strlen(b) + 1) == -1)
		goto out;
	r = na[0] != '\0' && strcmp(na, nb) == 0;
out:
	free(na);
	free(nb);
	return r;
}
