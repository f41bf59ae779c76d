/*
 * test_complaint.c - complaints (S4) on a real SQLite store: ticket
 * numbers per Asia/Jakarta day, the status link (only its hash stored),
 * the transition table with its audit rows and e-mails, what each
 * agency's verifier sees, due times across a weekend and a holiday, the
 * answer-time report, and bad input that leaves nothing behind.
 *
 * The test build's clock is moved through SERTEL_TEST_CLOCK_FILE so
 * that each complaint arrives and is answered at a chosen time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "audit.h"
#include "complaint.h"
#include "config.h"
#include "unit.h"

static struct {
	char			 dir[64];
	char			 clock[128];
	struct config		 cfg;
	struct store		*s;
	unsigned char		 key[AUDIT_KEY_LEN];
	struct complaints	 cx;
	long			 agency_a, agency_b;
	struct principal	 anon, ra, verif_a, verif_b;
} g;

/* Moves the test clock to t (UTC seconds). */
static void
set_clock(long long t)
{
	FILE *f = fopen(g.clock, "w");

	assert_non_null(f);
	fprintf(f, "%lld\n", t - (long long)time(NULL));
	fclose(f);
}

/* y-m-d h:mi in Asia/Jakarta as UTC seconds. */
static long long
wib(int y, int m, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return (long long)timegm(&tm) - 7 * 3600;
}

static long
count_where(const char *sql, const char *arg)
{
	struct err e = { 0 };
	long n = -1;

	assert_int_not_equal(store_q(g.s, sql, store_row_long, &n, &e,
	    SV_S(arg)), -1);
	return n;
}

static long
complaints_rows(void)
{
	return count_where("SELECT count(*) FROM complaints WHERE ? IS NULL",
	    NULL);
}

static long
audit_rows(void)
{
	return count_where("SELECT count(*) FROM audit WHERE ? IS NULL", NULL);
}

static long
outbox_to(const char *to)
{
	return count_where("SELECT count(*) FROM outbox WHERE to_addr = ?",
	    to);
}

static void
principal(struct principal *p, unsigned role, long agency, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->role = role;
	p->agency_id = agency;
	snprintf(p->name, sizeof(p->name), "%s", name);
}

static long
add_agency(const char *code)
{
	struct err e = { 0 };
	long id = 0;

	if (store_q(g.s, "INSERT INTO agencies(code, name, pks_number, "
	    "pks_start, pks_end, domains, status, created_at, updated_at) "
	    "VALUES (?, ?, 'PKS-1', '2026-01-01', '2028-12-31', 'x.go.id', "
	    "'ACTIVE', 0, 0)", NULL, NULL, &e, SV_S(code), SV_S(code)) != 1 ||
	    store_q(g.s, "SELECT id FROM agencies WHERE code = ?",
	    store_row_long, &id, &e, SV_S(code)) == -1)
		return -1;
	return id;
}

static int
add_user(const char *username, const char *role, long agency, int disabled)
{
	struct err e = { 0 };
	char mail[160];

	snprintf(mail, sizeof(mail), "%s@bsre.go.id", username);
	return store_q(g.s, "INSERT INTO users(username, name, email, role, "
	    "agency_id, password_hash, totp_secret, disabled, created_at) "
	    "VALUES (?, ?, ?, ?, ?, 'x', x'00', ?, 0)", NULL, NULL, &e,
	    SV_S(username), SV_S(username), SV_S(mail), SV_S(role),
	    agency != 0 ? SV_I(agency) : SV_NUL, SV_I(disabled)) == 1 ? 0 :
	    -1;
}

static int
setup(void **state)
{
	struct err e = { 0 };

	(void)state;
	if (unit_tmpdir(g.dir, sizeof(g.dir)) == -1)
		return -1;
	snprintf(g.clock, sizeof(g.clock), "%s/clock", g.dir);
	setenv("SERTEL_TEST_CLOCK_FILE", g.clock, 1);
	config_defaults(&g.cfg, g.dir, "https://sertel.example.go.id");
	if ((g.s = store_open(g.cfg.dir, g.cfg.database, &e)) == NULL) {
		print_error("store: %s\n", e.detail);
		return -1;
	}
	randombytes_buf(g.key, sizeof(g.key));
	g.cx.cfg = &g.cfg;
	g.cx.audit_key = g.key;
	if ((g.agency_a = add_agency("KEMENKEU")) <= 0 ||
	    (g.agency_b = add_agency("BAPPEDA")) <= 0 ||
	    add_user("ra1", "RA", 0, 0) == -1 ||
	    add_user("verif.a", "AGENCY_VERIFIER", g.agency_a, 0) == -1 ||
	    add_user("verif.b", "AGENCY_VERIFIER", g.agency_b, 0) == -1 ||
	    add_user("gone", "RA", 0, 1) == -1)
		return -1;
	principal(&g.anon, R_PUBLIC, 0, "");
	principal(&g.ra, R_RA, 0, "user:ra1");
	principal(&g.verif_a, R_VERIFIER, g.agency_a, "user:verif.a");
	principal(&g.verif_b, R_VERIFIER, g.agency_b, "user:verif.b");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unsetenv("SERTEL_TEST_CLOCK_FILE");
	store_close(g.s);
	unit_rmtree(g.dir);
	memset(&g, 0, sizeof(g));
	return 0;
}

/* A valid public complaint; tests change what they need. */
static struct complaint_in
web_in(void)
{
	struct complaint_in in;

	memset(&in, 0, sizeof(in));
	in.channel = "web";
	in.category = "registration";
	in.name = "Siti Rahmawati";
	in.email = "Siti.R@example.id";
	in.text = "Tautan aktivasi saya tidak pernah sampai sejak kemarin.";
	return in;
}

static struct complaint *
file_ok(const struct principal *who, const struct complaint_in *in,
    char *url, size_t urlsz)
{
	static struct complaint c;
	struct err e = { 0 };

	if (complaint_file(&g.cx, g.s, who, in, &c, url, urlsz, &e) != 0)
		fail_msg("file: %s: %s", err_info(e.code)->name, e.detail);
	return &c;
}

static void
ticket_numbers(void **state)
{
	struct complaint_in in = web_in();
	struct complaint *c;
	char url[400], t[COMPLAINT_TICKET_MAX];

	(void)state;
	set_clock(wib(2026, 11, 23, 9, 0));
	c = file_ok(&g.anon, &in, url, sizeof(url));
	assert_string_equal(c->ticket, "ADU-20261123-0001");
	assert_string_equal(c->status, "NEW");
	/* 23:30 WIB (16:30 UTC) is still Monday in Jakarta. */
	set_clock(wib(2026, 11, 23, 23, 30));
	c = file_ok(&g.anon, &in, url, sizeof(url));
	assert_string_equal(c->ticket, "ADU-20261123-0002");
	/* 00:30 WIB is a new day, though UTC is still the 23rd. */
	set_clock(wib(2026, 11, 24, 0, 30));
	c = file_ok(&g.anon, &in, url, sizeof(url));
	assert_string_equal(c->ticket, "ADU-20261124-0001");
	assert_int_equal(complaint_ticket_format(20261124, 12345, t,
	    sizeof(t)), 0);
	assert_string_equal(t, "ADU-20261124-12345");
	assert_int_equal(complaint_ticket_format(20261124, 1, t, 8), -1);
}

static void
status_link(void **state)
{
	struct complaint_in in = web_in();
	struct complaint *c, got, none;
	struct err e = { 0 };
	char url[400], ticket[COMPLAINT_TICKET_MAX], th[65];
	const char *tok;
	json_t *j;

	(void)state;
	set_clock(wib(2026, 11, 25, 8, 0));
	in.english = 1;
	c = file_ok(&g.anon, &in, url, sizeof(url));
	snprintf(ticket, sizeof(ticket), "%s", c->ticket);
	tok = strrchr(url, '/') + 1;
	assert_non_null(strstr(url, "https://sertel.example.go.id/pengaduan/"
	    "status/"));
	assert_ptr_equal(strstr(url, "https://"), url);
	assert_true(strlen(tok) >= 32);
	assert_int_equal(complaint_by_token(g.s, tok, &got, &e), 0);
	assert_string_equal(got.ticket, ticket);
	assert_string_equal(got.lang, "en");
	/* The address is kept in lower case, the text as written. */
	assert_string_equal(got.email, "siti.r@example.id");
	assert_non_null(strstr(got.text, "Tautan aktivasi"));
	/* Only the hash is stored. */
	auth_sha256_hex(tok, th);
	assert_int_equal(count_where("SELECT count(*) FROM complaints WHERE "
	    "token_hash = ?", th), 1);
	assert_int_equal(count_where("SELECT count(*) FROM complaints WHERE "
	    "token_hash = ?", tok), 0);
	assert_int_equal(complaint_by_token(g.s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAA", &none, &e), 1);
	assert_int_equal(complaint_by_token(g.s, "short", &none, &e), 1);
	assert_int_equal(complaint_by_token(g.s, NULL, &none, &e), 1);
	/* The complainant was told, in English, with the link. */
	assert_int_equal(count_where("SELECT count(*) FROM outbox WHERE "
	    "to_addr = 'siti.r@example.id' AND subject LIKE '%' || ? || '%' "
	    "AND body LIKE '%Dear Siti%'", ticket), 1);
	assert_int_equal(count_where("SELECT count(*) FROM outbox WHERE "
	    "instr(body, ?) > 0", tok), 1);
	/* The public view has no staff names and no contact data. */
	j = complaint_public_json(g.s, &got, &e);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "NEW");
	assert_null(json_object_get(j, "email"));
	assert_null(json_object_get(j, "name"));
	assert_int_equal(json_array_size(json_object_get(j, "replies")), 0);
	json_decref(j);
	OPENSSL_cleanse(url, sizeof(url));
}

static void
bad_input_leaves_nothing(void **state)
{
	static const char gif[] = "R0lGODlhAQABAAAAACw=";
	struct complaint_in in;
	struct complaint c;
	struct err e;
	char url[400], *big;
	long rows, audits, mails;
	size_t i, n;
	const struct {
		const char	*what;
		const char	*field;
		const char	*value;
		int		 staff;
		enum err_code	 code;
		const char	*detail;
	} bad[] = {
		{ "web channel by staff", "channel", "web", 1, ERR_VALIDATION,
		  "channel" },
		{ "phone channel in public", "channel", "phone", 0,
		  ERR_FORBIDDEN, "channel" },
		{ "unknown channel", "channel", "fax", 1, ERR_VALIDATION,
		  "channel" },
		{ "unknown category", "category", "pungli", 0, ERR_VALIDATION,
		  "category" },
		{ "short name", "name", "S", 0, ERR_VALIDATION, "name" },
		{ "name with a line break", "name", "Siti\nR", 0,
		  ERR_VALIDATION, "name" },
		{ "bad e-mail", "email", "siti@", 0, ERR_VALIDATION, "email" },
		{ "bad phone", "phone", "0812abc", 0, ERR_VALIDATION, "phone" },
		{ "short text", "text", "tolong", 0, ERR_VALIDATION, "text" },
		{ "blank text", "text", "            ", 0, ERR_VALIDATION,
		  "text" },
		{ "text with a NUL-like control", "text", "tolong dibantu \x01"
		  " segera", 0, ERR_VALIDATION, "text" },
		{ "text not UTF-8", "text", "tolong dibantu \xff\xfe segera",
		  0, ERR_VALIDATION, "text" },
		{ "attachment not base64", "attachment", "%%%not base64%%%", 0,
		  ERR_VALIDATION, "attachment" },
		{ "attachment a GIF", "attachment", gif, 0,
		  ERR_UNSUPPORTED_MEDIA, NULL },
		{ "unknown agency", "agency", "NOPE", 0, ERR_VALIDATION,
		  "agency" },
		{ "verifier, another agency", "agency", "BAPPEDA", 2,
		  ERR_VALIDATION, "agency" },
	};

	(void)state;
	set_clock(wib(2026, 11, 26, 8, 0));
	rows = complaints_rows();
	audits = audit_rows();
	mails = count_where("SELECT count(*) FROM outbox WHERE ? IS NULL",
	    NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in = web_in();
		if (bad[i].staff)
			in.channel = "phone";
		if (strcmp(bad[i].field, "channel") == 0)
			in.channel = bad[i].value;
		else if (strcmp(bad[i].field, "category") == 0)
			in.category = bad[i].value;
		else if (strcmp(bad[i].field, "name") == 0)
			in.name = bad[i].value;
		else if (strcmp(bad[i].field, "email") == 0)
			in.email = bad[i].value;
		else if (strcmp(bad[i].field, "phone") == 0)
			in.phone = bad[i].value;
		else if (strcmp(bad[i].field, "text") == 0)
			in.text = bad[i].value;
		else if (strcmp(bad[i].field, "attachment") == 0)
			in.attachment = bad[i].value;
		else
			in.agency = bad[i].value;
		memset(&e, 0, sizeof(e));
		if (complaint_file(&g.cx, g.s, bad[i].staff == 2 ? &g.verif_a :
		    bad[i].staff ? &g.ra : &g.anon, &in, &c, url, sizeof(url),
		    &e) != -1)
			fail_msg("accepted: %s", bad[i].what);
		if (e.code != bad[i].code)
			fail_msg("%s: got %s (%s)", bad[i].what,
			    err_info(e.code)->name, e.detail);
		if (bad[i].detail != NULL)
			assert_string_equal(e.detail, bad[i].detail);
	}
	/* The web form must say how to reach the complainant. */
	in = web_in();
	in.email = NULL;
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_file(&g.cx, g.s, &g.anon, &in, &c, url,
	    sizeof(url), &e), -1);
	assert_int_equal(e.code, ERR_VALIDATION);
	/* Over 2 MiB decoded: refused before anything is written. */
	n = (COMPLAINT_ATTACH_MAX + 3) / 3 * 4 + 8;
	assert_non_null(big = malloc(n + 1));
	memset(big, 'A', n);
	big[n] = '\0';
	in = web_in();
	in.attachment = big;
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_file(&g.cx, g.s, &g.anon, &in, &c, url,
	    sizeof(url), &e), -1);
	assert_int_equal(e.code, ERR_BODY_TOO_LARGE);
	free(big);
	assert_int_equal(complaints_rows(), rows);
	assert_int_equal(audit_rows(), audits);
	assert_int_equal(count_where("SELECT count(*) FROM outbox WHERE ? IS "
	    "NULL", NULL), mails);
}

static void
attachments_sniffed(void **state)
{
	static const unsigned char pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\n"
	    "trailer <<>>\n%%EOF\n";
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0,
	    1, 8, 2, 0, 0, 0 };
	struct complaint_in in = web_in();
	struct complaint *c;
	struct err e = { 0 };
	struct buf b;
	char url[400], b64[256], ctype[32];
	long mails;

	(void)state;
	set_clock(wib(2026, 11, 26, 9, 0));
	mails = count_where("SELECT count(*) FROM outbox WHERE ? IS NULL",
	    NULL);
	sodium_bin2base64(b64, sizeof(b64), pdf, sizeof(pdf) - 1,
	    sodium_base64_VARIANT_ORIGINAL);
	in.attachment = b64;
	in.phone = "0812-3456-7890";
	in.email = NULL;
	c = file_ok(&g.anon, &in, url, sizeof(url));
	buf_init(&b, COMPLAINT_ATTACH_MAX + 16);
	assert_int_equal(complaint_attachment(g.s, c->id, &b, ctype,
	    sizeof(ctype), &e), 0);
	assert_string_equal(ctype, "application/pdf");
	assert_int_equal(b.len, sizeof(pdf) - 1);
	assert_memory_equal(b.data, pdf, b.len);
	buf_cleanup(&b);
	/* No e-mail address: nothing queued for the complainant. */
	assert_int_equal(count_where("SELECT count(*) FROM outbox WHERE ? IS "
	    "NULL", NULL), mails);

	sodium_bin2base64(b64, sizeof(b64), png, sizeof(png),
	    sodium_base64_VARIANT_ORIGINAL);
	c = file_ok(&g.anon, &in, url, sizeof(url));
	buf_init(&b, COMPLAINT_ATTACH_MAX + 16);
	assert_int_equal(complaint_attachment(g.s, c->id, &b, ctype,
	    sizeof(ctype), &e), 0);
	assert_string_equal(ctype, "image/png");
	buf_cleanup(&b);

	in.attachment = NULL;
	c = file_ok(&g.anon, &in, url, sizeof(url));
	buf_init(&b, 16);
	assert_int_equal(complaint_attachment(g.s, c->id, &b, ctype,
	    sizeof(ctype), &e), 1);
	buf_cleanup(&b);
}

static void
transitions(void **state)
{
	struct complaint_in in = web_in();
	struct complaint *c, cur;
	struct err e = { 0 };
	char url[400], ticket[COMPLAINT_TICKET_MAX];
	long long first;
	long audits;
	int emailed = -1;

	(void)state;
	set_clock(wib(2026, 12, 1, 9, 0));
	in.email = "warga@example.id";
	in.agency = "KEMENKEU";
	c = file_ok(&g.anon, &in, url, sizeof(url));
	snprintf(ticket, sizeof(ticket), "%s", c->ticket);
	audits = audit_rows();

	/* Closing what was never answered needs a reason. */
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_close(&g.cx, g.s, &g.ra, ticket, NULL, &cur,
	    &e), -1);
	assert_int_equal(e.code, ERR_VALIDATION);
	assert_string_equal(e.detail, "reason");
	/* Assignees: known, enabled, and able to see it. */
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_assign(&g.cx, g.s, &g.ra, ticket, "nobody",
	    &cur, &e), -1);
	assert_int_equal(e.code, ERR_VALIDATION);
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_assign(&g.cx, g.s, &g.ra, ticket, "gone",
	    &cur, &e), -1);
	assert_int_equal(e.code, ERR_VALIDATION);
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_assign(&g.cx, g.s, &g.ra, ticket, "verif.b",
	    &cur, &e), -1);
	assert_int_equal(e.code, ERR_VALIDATION);
	/* Another agency's verifier does not even find it. */
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_reply(&g.cx, g.s, &g.verif_b, ticket,
	    "Jawaban.", &cur, &emailed, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(audit_rows(), audits);

	set_clock(wib(2026, 12, 1, 10, 0));
	assert_int_equal(complaint_assign(&g.cx, g.s, &g.ra, ticket, "verif.a",
	    &cur, &e), 0);
	assert_string_equal(cur.status, "IN_PROGRESS");
	assert_string_equal(cur.assignee, "verif.a");
	assert_int_equal(cur.first_answer_at, 0);
	assert_int_equal(outbox_to("verif.a@bsre.go.id"), 1);

	set_clock(wib(2026, 12, 1, 14, 0));
	assert_int_equal(complaint_reply(&g.cx, g.s, &g.verif_a, ticket,
	    "Tautan baru telah kami kirim.\nSilakan periksa folder spam.",
	    &cur, &emailed, &e), 0);
	assert_string_equal(cur.status, "ANSWERED");
	assert_int_equal(emailed, 1);
	first = cur.first_answer_at;
	assert_true(first >= wib(2026, 12, 1, 14, 0) &&
	    first <= wib(2026, 12, 1, 14, 0) + 5);
	/* The reply went to the complainant's outbox row. */
	assert_int_equal(count_where("SELECT count(*) FROM outbox WHERE "
	    "to_addr = 'warga@example.id' AND subject LIKE 'Tanggapan%' || ? "
	    "AND instr(body, 'Silakan periksa folder spam.') > 0", ticket), 1);

	set_clock(wib(2026, 12, 2, 9, 0));
	assert_int_equal(complaint_reply(&g.cx, g.s, &g.ra, ticket,
	    "Tambahan: akun Anda sudah aktif.", &cur, &emailed, &e), 0);
	assert_string_equal(cur.status, "ANSWERED");
	/* The first answer stays the first. */
	assert_int_equal(cur.first_answer_at, first);
	assert_int_equal(complaint_close(&g.cx, g.s, &g.verif_a, ticket, NULL,
	    &cur, &e), 0);
	assert_string_equal(cur.status, "CLOSED");
	assert_true(cur.closed_at > 0);
	assert_int_equal(outbox_to("warga@example.id"), 4);

	/* CLOSED is final. */
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_reply(&g.cx, g.s, &g.ra, ticket, "Lagi.",
	    &cur, &emailed, &e), -1);
	assert_int_equal(e.code, ERR_WRONG_STATE);
	assert_int_equal(emailed, 0);
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_assign(&g.cx, g.s, &g.ra, ticket, "ra1",
	    &cur, &e), -1);
	assert_int_equal(e.code, ERR_WRONG_STATE);
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_close(&g.cx, g.s, &g.ra, ticket, "lagi",
	    &cur, &e), -1);
	assert_int_equal(e.code, ERR_WRONG_STATE);
	memset(&e, 0, sizeof(e));
	assert_int_equal(complaint_reply(&g.cx, g.s, &g.ra, "ADU-00000000-0000",
	    "x", &cur, &emailed, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);

	/* Every change has its audit row, and the chain holds. */
	assert_int_equal(count_where("SELECT count(*) FROM audit WHERE object "
	    "= ?", ticket), 5);
	assert_int_equal(count_where("SELECT count(*) FROM audit WHERE object "
	    "= ? AND action = 'complaint.reply'", ticket), 2);
	assert_int_equal(count_where("SELECT count(*) FROM complaint_replies r "
	    "JOIN complaints c ON c.id = r.complaint_id WHERE c.ticket = ? AND "
	    "r.emailed = 1", ticket), 2);
	{
		long nrows = 0, bad_id = -1;

		assert_int_equal(audit_verify(g.s, g.key, &nrows, &bad_id, &e),
		    0);
	}
}

static void
visibility(void **state)
{
	struct complaint_in in = web_in();
	struct complaint *c, cur;
	struct err e = { 0 };
	char url[400], ticket[COMPLAINT_TICKET_MAX];
	json_t *a;
	size_t i;
	int seen;

	(void)state;
	set_clock(wib(2026, 12, 2, 10, 0));
	/* A verifier records by phone: about his own agency. */
	in.channel = "phone";
	in.email = NULL;
	in.phone = "183";
	c = file_ok(&g.verif_b, &in, url, sizeof(url));
	snprintf(ticket, sizeof(ticket), "%s", c->ticket);
	assert_int_equal(c->agency_id, g.agency_b);
	assert_int_equal(complaint_get(g.s, &g.verif_b, ticket, &cur, &e), 0);
	assert_string_equal(cur.channel, "phone");
	assert_string_equal(cur.agency, "BAPPEDA");
	assert_string_equal(cur.created_by, "user:verif.b");
	assert_int_equal(complaint_get(g.s, &g.verif_a, ticket, &cur, &e), 1);
	assert_int_equal(complaint_get(g.s, &g.ra, ticket, &cur, &e), 0);
	a = complaint_list(g.s, &g.verif_a, NULL, &e);
	assert_non_null(a);
	for (i = 0, seen = 0; i < json_array_size(a); i++)
		seen |= strcmp(json_string_value(json_object_get(
		    json_array_get(a, i), "ticket")), ticket) == 0;
	assert_false(seen);
	json_decref(a);
	a = complaint_list(g.s, &g.ra, "NEW", &e);
	assert_non_null(a);
	for (i = 0, seen = 0; i < json_array_size(a); i++) {
		assert_string_equal(json_string_value(json_object_get(
		    json_array_get(a, i), "status")), "NEW");
		seen |= strcmp(json_string_value(json_object_get(
		    json_array_get(a, i), "ticket")), ticket) == 0;
	}
	assert_true(seen);
	json_decref(a);
	assert_null(complaint_list(g.s, &g.ra, "OPEN", &e));
	assert_int_equal(e.code, ERR_VALIDATION);
}

static void
due_times(void **state)
{
	struct complaint_in in = web_in();
	struct complaint *c, cur;
	struct err e = { 0 };
	char url[400], ticket[COMPLAINT_TICKET_MAX];
	long long want;
	json_t *j;

	(void)state;
	/* Friday 10:00 is due Monday 10:00: the weekend does not count. */
	set_clock(wib(2026, 11, 20, 10, 0));
	c = file_ok(&g.anon, &in, url, sizeof(url));
	snprintf(ticket, sizeof(ticket), "%s", c->ticket);
	want = wib(2026, 11, 23, 10, 0);
	assert_true(c->due_at >= want && c->due_at <= want + 5);
	assert_int_equal(complaint_get(g.s, &g.ra, ticket, &cur, &e), 0);
	assert_int_equal(cur.due_at, c->due_at);
	/* Monday 09:59 it is not late; 10:01 it is. */
	set_clock(wib(2026, 11, 23, 9, 59));
	j = complaint_json(&cur, wib(2026, 11, 23, 9, 59));
	assert_false(json_is_true(json_object_get(j, "overdue")));
	json_decref(j);
	j = complaint_json(&cur, wib(2026, 11, 23, 10, 1));
	assert_true(json_is_true(json_object_get(j, "overdue")));
	json_decref(j);

	/* Wednesday 23 December 2026 10:00: the 24th is collective leave,
	 * the 25th Christmas, then a weekend: due Monday the 28th. */
	set_clock(wib(2026, 12, 23, 10, 0));
	c = file_ok(&g.anon, &in, url, sizeof(url));
	want = wib(2026, 12, 28, 10, 0);
	assert_true(c->due_at >= want && c->due_at <= want + 5);
	/* Filed on a Saturday: the clock starts Monday 00:00, due Tuesday
	 * 00:00. */
	set_clock(wib(2026, 11, 28, 15, 0));
	c = file_ok(&g.anon, &in, url, sizeof(url));
	assert_int_equal(c->due_at, wib(2026, 12, 1, 0, 0));
}

/* Answers the complaint in ticket at t (reply, or close with reason). */
static void
answer_at(const char *ticket, long long t, int close)
{
	struct complaint cur;
	struct err e = { 0 };
	int emailed;

	set_clock(t);
	if ((close ? complaint_close(&g.cx, g.s, &g.ra, ticket, "Duplikat "
	    "dari tiket lain.", &cur, &e) : complaint_reply(&g.cx, g.s, &g.ra,
	    ticket, "Sudah kami tindak lanjuti.", &cur, &emailed, &e)) != 0)
		fail_msg("answer %s: %s", ticket, e.detail);
}

static void
report_numbers(void **state)
{
	struct complaint_in in = web_in();
	struct complaint_times t;
	struct complaint *c;
	struct err e = { 0 };
	char url[400], a[COMPLAINT_TICKET_MAX], b[COMPLAINT_TICKET_MAX];
	char ch[COMPLAINT_TICKET_MAX];
	long long now;
	json_t *rep, *o, *chs;
	size_t i;

	(void)state;
	/* Sunday before the range: not counted. */
	set_clock(wib(2027, 1, 17, 12, 0));
	file_ok(&g.anon, &in, url, sizeof(url));
	/* A: Monday 09:00 web, answered 15:00 (6 h). */
	set_clock(wib(2027, 1, 18, 9, 0));
	c = file_ok(&g.anon, &in, url, sizeof(url));
	snprintf(a, sizeof(a), "%s", c->ticket);
	/* B: Monday 10:00 by phone, answered Wednesday 10:00 (48 h). */
	set_clock(wib(2027, 1, 18, 10, 0));
	in.channel = "phone";
	c = file_ok(&g.ra, &in, url, sizeof(url));
	snprintf(b, sizeof(b), "%s", c->ticket);
	answer_at(a, wib(2027, 1, 18, 15, 0), 0);
	/* C: Tuesday 09:00 by e-mail, closed unanswered at 12:00 (3 h). */
	set_clock(wib(2027, 1, 19, 9, 0));
	in.channel = "email";
	c = file_ok(&g.ra, &in, url, sizeof(url));
	snprintf(ch, sizeof(ch), "%s", c->ticket);
	answer_at(ch, wib(2027, 1, 19, 12, 0), 1);
	answer_at(b, wib(2027, 1, 20, 10, 0), 0);
	/* D: Friday 16:00 web, never answered: overdue since Monday. */
	set_clock(wib(2027, 1, 22, 16, 0));
	in.channel = "web";
	file_ok(&g.anon, &in, url, sizeof(url));
	/* E: Tuesday 09:00 by letter: open, not yet due at noon. */
	set_clock(wib(2027, 1, 26, 9, 0));
	in.channel = "letter";
	file_ok(&g.ra, &in, url, sizeof(url));

	now = wib(2027, 1, 26, 12, 0);
	set_clock(now);
	assert_int_equal(complaint_answer_times(g.s, 0, wib(2027, 1, 18, 0, 0),
	    wib(2027, 1, 27, 0, 0), now, &t, &e), 0);
	assert_int_equal(t.count, 5);
	assert_int_equal(t.answered, 3);
	assert_int_equal(t.within, 2);
	assert_int_equal(t.pending, 1);
	assert_int_equal(t.overdue, 1);
	assert_true(fabs(t.share - 0.5) < 1e-9);
	assert_true(fabs(t.median_hours - 6.0) < 0.01);
	/* Of one agency: none of these named one. */
	assert_int_equal(complaint_answer_times(g.s, g.agency_b, wib(2027, 1,
	    18, 0, 0), wib(2027, 1, 27, 0, 0), now, &t, &e), 0);
	assert_int_equal(t.count, 0);
	assert_true(fabs(t.share - 1.0) < 1e-9);

	rep = complaint_report(g.s, 0, "2027-01-18", "2027-01-26", &e);
	assert_non_null(rep);
	o = json_object_get(rep, "overall");
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 5);
	assert_int_equal(json_integer_value(json_object_get(o,
	    "answered_within_one_working_day")), 2);
	assert_true(fabs(json_real_value(json_object_get(o,
	    "share_answered_within_one_working_day")) - 0.5) < 1e-9);
	assert_true(fabs(json_real_value(json_object_get(o,
	    "median_working_hours_to_first_answer")) - 6.0) < 1e-9);
	chs = json_object_get(rep, "channels");
	/* web, phone, email, letter */
	assert_int_equal(json_array_size(chs), 4);
	for (i = 0; i < json_array_size(chs); i++) {
		o = json_array_get(chs, i);
		if (strcmp(json_string_value(json_object_get(o, "channel")),
		    "web") == 0) {
			assert_int_equal(json_integer_value(json_object_get(o,
			    "count")), 2);
			assert_int_equal(json_integer_value(json_object_get(o,
			    "overdue")), 1);
		}
		if (strcmp(json_string_value(json_object_get(o, "channel")),
		    "phone") == 0)
			assert_true(fabs(json_real_value(json_object_get(o,
			    "median_working_hours_to_first_answer")) - 48.0) <
			    1e-9);
	}
	json_decref(rep);
	memset(&e, 0, sizeof(e));
	assert_null(complaint_report(g.s, 0, "2027-01-26", "2027-01-18", &e));
	assert_int_equal(e.code, ERR_VALIDATION);
	assert_string_equal(e.detail, "to");
	assert_null(complaint_report(g.s, 0, "18-01-2027", "2027-01-26", &e));
	assert_string_equal(e.detail, "from");
}

int
run_complaint_tests(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(ticket_numbers),
		cmocka_unit_test(status_link),
		cmocka_unit_test(bad_input_leaves_nothing),
		cmocka_unit_test(attachments_sniffed),
		cmocka_unit_test(transitions),
		cmocka_unit_test(visibility),
		cmocka_unit_test(due_times),
		cmocka_unit_test(report_numbers),
	};

	return cmocka_run_group_tests_name("complaint", t, setup, teardown);
}
