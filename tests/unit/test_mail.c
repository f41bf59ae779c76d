/*
 * test_mail.c - the mail templates and message composition: every
 * template renders in both languages, a missing variable fails, a
 * message delivered to the mailbox has the headers RFC 5322 and MIME
 * ask for (decoded back with our own small decoders), delivery is
 * idempotent per message id, and no header can be injected.
 *
 * SMTP against a real server is the end-to-end test's (tests/e2e/mail.sh);
 * here only the failures that need no server: a closed port, a bad URL,
 * a password file others can read.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "mail.h"
#include "unit.h"

int	run_mail_tests(void);

static const struct {
	const char	*name;
	const char	*vars[8];
} tvars[] = {
	{ "activation_link", { "name", "agency", "link", "expires" } },
	{ "application_rejected", { "name", "reason", "link" } },
	{ "application_verified", { "name" } },
	{ "manual_review_needed", { "verifier_name", "applicant_name",
	    "agency", "due", "link" } },
	{ "pks_expiring", { "agency", "pks_number", "end_date",
	    "days_left" } },
	{ "mail_test", { "name" } },
	{ "passphrase_link", { "name", "link", "expires" } },
	{ "certificate_issued", { "name", "serial", "not_after", "pem" } },
	{ "certificate_revoked", { "name", "serial", "reason" } },
	{ "holder_suspended", { "name" } },
	{ "renew_passphrase_link", { "name", "what", "link",
	    "expires" } },
	{ "reissue_link", { "name", "link", "expires" } },
	{ "request_rejected", { "name", "what", "reason" } },
	{ "certificate_expiring", { "name", "serial", "not_after", "days" } },
	{ "certificate_expired", { "name", "serial" } },
	{ "holder_unsuspended", { "name" } },
	{ "holder_review_needed", { "verifier_name", "holder_name", "what",
	    "agency", "reason", "link" } },
	{ "review_due_soon", { "verifier_name", "applicant_name", "due",
	    "link" } },
	{ "sign_totp", { "name", "code", "files", "minutes" } },
	{ "seal_code", { "verifier_name", "what", "agency", "code", "files",
	    "minutes" } },
	{ "complaint_received", { "name", "ticket", "due", "link" } },
	{ "complaint_reply", { "name", "ticket", "reply" } },
	{ "complaint_closed", { "name", "ticket", "reason" } },
	{ "complaint_assigned", { "staff_name", "ticket", "category", "due",
	    "link" } },
};
#define NTEMPLATES	(sizeof(tvars) / sizeof(tvars[0]))

static json_t *
vars_for(size_t t, const char *without)
{
	json_t *v = json_object();
	size_t i;
	char val[64];

	for (i = 0; i < 8 && tvars[t].vars[i] != NULL; i++) {
		if (without != NULL && strcmp(without, tvars[t].vars[i]) == 0)
			continue;
		if (strcmp(tvars[t].vars[i], "days_left") == 0)
			json_object_set_new(v, "days_left", json_integer(30));
		else if (strcmp(tvars[t].vars[i], "link") == 0)
			json_object_set_new(v, "link", json_string(
			    "https://sertel.example.go.id/a/TOKEN123"));
		else {
			snprintf(val, sizeof(val), "VAL-%s", tvars[t].vars[i]);
			json_object_set_new(v, tvars[t].vars[i],
			    json_string(val));
		}
	}
	return v;
}

static void
render_all(void **state)
{
	struct buf s, t;
	struct err e = { 0 };
	const char *link = "https://sertel.example.go.id/a/TOKEN123";
	char want[64];
	size_t i, k;
	int en;
	json_t *v;

	(void)state;
	/* Every template the module has is listed here. */
	for (i = 0; mail_template_name(i) != NULL; i++) {
		for (k = 0; k < NTEMPLATES; k++)
			if (strcmp(tvars[k].name, mail_template_name(i)) == 0)
				break;
		if (k == NTEMPLATES)
			fail_msg("template %s has no test", mail_template_name(i));
	}
	assert_int_equal(i, NTEMPLATES);
	for (k = 0; k < NTEMPLATES; k++)
		for (en = 0; en <= 1; en++) {
			v = vars_for(k, NULL);
			buf_init(&s, 4096);
			buf_init(&t, 65536);
			if (mail_render(tvars[k].name, en, v, &s, &t, &e) != 0)
				fail_msg("%s/%d: %s", tvars[k].name, en,
				    e.detail);
			assert_true(s.len > 10 && t.len > 100);
			assert_null(strstr((char *)s.data, "{{"));
			assert_null(strstr((char *)t.data, "{{"));
			assert_null(strstr((char *)t.data, "}}"));
			assert_null(strchr((char *)s.data, '\n'));
			assert_true(mail_utf8_ok((char *)t.data, t.len));
			/* Every variable shows up, a link on its own line. */
			for (i = 0; i < 8 && tvars[k].vars[i] != NULL; i++) {
				if (strcmp(tvars[k].vars[i], "link") == 0) {
					snprintf(want, sizeof(want), "\n%s\n",
					    link);
					assert_non_null(strstr((char *)t.data,
					    want));
				} else if (strcmp(tvars[k].vars[i],
				    "days_left") == 0)
					assert_non_null(strstr((char *)t.data,
					    "30"));
				else {
					snprintf(want, sizeof(want), "VAL-%s",
					    tvars[k].vars[i]);
					assert_non_null(strstr((char *)t.data,
					    want));
				}
			}
			/* Indonesian and English are not the same text. */
			assert_non_null(strstr((char *)t.data, en ?
			    "Electronic Certificate Service" :
			    "Hormat kami,"));
			buf_cleanup(&s);
			buf_cleanup(&t);
			json_decref(v);
		}
}

static void
render_missing_and_bad(void **state)
{
	struct buf s, t;
	struct err e = { 0 };
	size_t k, i;
	json_t *v;

	(void)state;
	for (k = 0; k < NTEMPLATES; k++)
		for (i = 0; i < 8 && tvars[k].vars[i] != NULL; i++) {
			v = vars_for(k, tvars[k].vars[i]);
			buf_init(&s, 4096);
			buf_init(&t, 65536);
			assert_int_equal(mail_render(tvars[k].name, i % 2, v,
			    &s, &t, &e), -1);
			assert_int_equal(e.code, ERR_INTERNAL);
			assert_non_null(strstr(e.detail, tvars[k].vars[i]));
			buf_cleanup(&s);
			buf_cleanup(&t);
			json_decref(v);
		}
	buf_init(&s, 4096);
	buf_init(&t, 65536);
	/* No vars at all, unknown template, wrong types. */
	assert_int_equal(mail_render("mail_test", 0, NULL, &s, &t, &e), -1);
	assert_int_equal(mail_render("no_such", 0, NULL, &s, &t, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	v = json_pack("{s:b}", "name", 1);
	assert_int_equal(mail_render("mail_test", 0, v, &s, &t, &e), -1);
	json_decref(v);
	/* A line break in a subject variable is refused; in the body a
	 * reason may span lines, but no other control character. */
	v = json_pack("{s:s,s:s,s:s,s:i}", "agency", "Kementerian\r\nBcc: x",
	    "pks_number", "1", "end_date", "2026-12-31", "days_left", 30);
	assert_int_equal(mail_render("pks_expiring", 0, v, &s, &t, &e), -1);
	assert_int_equal(e.code, ERR_BAD_REQUEST);
	json_decref(v);
	s.len = t.len = 0;
	v = json_pack("{s:s,s:s,s:s}", "name", "Siti", "reason",
	    "Foto buram.\nNIK tidak cocok.", "link", "https://x.go.id/r");
	assert_int_equal(mail_render("application_rejected", 0, v, &s, &t,
	    &e), 0);
	json_decref(v);
	v = json_pack("{s:s,s:s,s:s}", "name", "Siti", "reason", "a\x1b[2Jb",
	    "link", "https://x.go.id/r");
	assert_int_equal(mail_render("application_rejected", 0, v, &s, &t,
	    &e), -1);
	json_decref(v);
	v = json_pack("{s:s}", "name", "Siti \xc3\x28");
	assert_int_equal(mail_render("mail_test", 0, v, &s, &t, &e), -1);
	json_decref(v);
	buf_cleanup(&s);
	buf_cleanup(&t);
}

/* ---- helpers for reading a delivered message ---- */

static void
config_for(struct config *c, const char *dir)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	snprintf(c->mail_smtp_url, sizeof(c->mail_smtp_url), "mailbox");
	snprintf(c->mail_from, sizeof(c->mail_from),
	    "Layanan Sertel <noreply@sertel.example.go.id>");
	c->mail_starttls = 1;
}

/* Number of entries of dir/mailbox ending in suffix; the last in last. */
static int
count_files(const char *dir, const char *suffix, char *last, size_t lastsz)
{
	char path[600];
	DIR *d;
	struct dirent *de;
	size_t n;
	int count = 0;

	snprintf(path, sizeof(path), "%s/mailbox", dir);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n > strlen(suffix) &&
		    strcmp(de->d_name + n - strlen(suffix), suffix) == 0) {
			count++;
			if (last != NULL)
				snprintf(last, lastsz, "%s/%s", path,
				    de->d_name);
		}
	}
	closedir(d);
	return count;
}

/* The unfolded value of a header of msg's header section, or NULL. */
static char *
header(const char *msg, const char *name, char *out, size_t outsz)
{
	const char *end = strstr(msg, "\r\n\r\n"), *p = msg, *eol;
	size_t n = strlen(name), o = 0;

	while (p != NULL && p < end) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			for (;;) {
				eol = strstr(p, "\r\n");
				if (o + (size_t)(eol - p) >= outsz)
					return NULL;
				memcpy(out + o, p, (size_t)(eol - p));
				o += (size_t)(eol - p);
				p = eol + 2;
				if (*p != ' ' && *p != '\t')
					break;
			}
			out[o] = '\0';
			return out;
		}
		p = strstr(p, "\r\n");
		if (p != NULL)
			p += 2;
	}
	return NULL;
}

/* Decodes a header value made of RFC 2047 B encoded-words (folding
 * white space between them ignored). */
static int
decode_words(const char *v, char *out, size_t outsz)
{
	unsigned char dec[128];
	const char *p = v, *q;
	size_t o = 0, len;
	int n, pad;

	while (*p != '\0') {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (strncmp(p, "=?UTF-8?B?", 10) != 0 ||
		    (q = strstr(p + 10, "?=")) == NULL)
			return -1;
		if (q + 2 - p > 75)
			return -1;	/* RFC 2047 section 2 */
		len = (size_t)(q - p - 10);
		if (len > 4 * sizeof(dec) / 3)
			return -1;
		n = EVP_DecodeBlock(dec, (const unsigned char *)p + 10,
		    (int)len);
		if (n < 0)
			return -1;
		pad = (len > 0 && p[10 + len - 1] == '=') +
		    (len > 1 && p[10 + len - 2] == '=');
		n -= pad;
		if (o + (size_t)n >= outsz)
			return -1;
		memcpy(out + o, dec, (size_t)n);
		o += (size_t)n;
		p = q + 2;
	}
	out[o] = '\0';
	return 0;
}

/* Decodes quoted-printable; hard line breaks come out as LF. */
static int
decode_qp(const char *p, char *out, size_t outsz)
{
	size_t o = 0;
	unsigned int x;

	while (*p != '\0') {
		if (o + 1 >= outsz)
			return -1;
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
		} else if (p[0] == '=') {
			if (sscanf(p + 1, "%2X", &x) != 1)
				return -1;
			out[o++] = (char)x;
			p += 3;
		} else if (p[0] == '\r' && p[1] == '\n') {
			out[o++] = '\n';
			p += 2;
		} else
			out[o++] = *p++;
	}
	out[o] = '\0';
	return 0;
}

/* Every line ends in CRLF and is at most 78 characters long. */
static void
lines_ok(const char *msg, size_t len)
{
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		if (msg[i] == '\n') {
			assert_true(i > 0 && msg[i - 1] == '\r');
			col = 0;
			continue;
		}
		if (msg[i] == '\r')
			assert_true(i + 1 < len && msg[i + 1] == '\n');
		else if (++col > 78)
			fail_msg("line longer than 78 characters at %zu", i);
	}
}

static void
mailbox_delivery(void **state)
{
	char dir[128], file[700], v[2048], body[8192], path[700];
	const char *text = "Yth. Siti,\n\nSilakan buka tautan berikut:\n\n"
	    "https://sertel.example.go.id/activate/"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	    "\nTrailing space \nA line = with an equals sign, a tab\tand "
	    "\xc3\xa9\xc3\xa8 accents, long enough to need a soft line break "
	    "somewhere.\n.dot at the start\nFrom the start\n";
	struct config c;
	struct mail_msg m;
	struct err e = { 0 };
	struct buf b;
	struct stat st;
	const char *sep;

	(void)state;
	assert_int_equal(unit_tmpdir(dir, sizeof(dir)), 0);
	config_for(&c, dir);
	memset(&m, 0, sizeof(m));
	m.message_id = "<6f1c2d3e-0000-4000-8000-000000000001@sertel.example.go.id>";
	m.to = "siti@example.go.id";
	m.subject = "Aktivasi akun sertifikat elektronik Anda";
	m.text = text;
	if (mail_send(&c, &m, &e) != 0)
		fail_msg("mail_send: %s", e.detail);
	assert_int_equal(count_files(dir, ".eml", file, sizeof(file)), 1);
	assert_int_equal(count_files(dir, ".tmp", NULL, 0), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/mailbox", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_non_null(strstr(file,
	    "/6f1c2d3e-0000-4000-8000-000000000001@sertel.example.go.id.eml"));

	assert_int_equal(file_read(file, &b, 1 << 20), 0);
	lines_ok((char *)b.data, b.len);
	assert_non_null(header((char *)b.data, "Date", v, sizeof(v)));
	assert_non_null(strstr(v, " +0700"));
	assert_string_equal(header((char *)b.data, "From", v, sizeof(v)),
	    "Layanan Sertel <noreply@sertel.example.go.id>");
	assert_string_equal(header((char *)b.data, "To", v, sizeof(v)),
	    "siti@example.go.id");
	assert_string_equal(header((char *)b.data, "Subject", v, sizeof(v)),
	    "Aktivasi akun sertifikat elektronik Anda");
	assert_string_equal(header((char *)b.data, "Message-ID", v, sizeof(v)),
	    m.message_id);
	assert_string_equal(header((char *)b.data, "MIME-Version", v,
	    sizeof(v)), "1.0");
	assert_string_equal(header((char *)b.data, "Content-Type", v,
	    sizeof(v)), "text/plain; charset=UTF-8");
	assert_string_equal(header((char *)b.data,
	    "Content-Transfer-Encoding", v, sizeof(v)), "quoted-printable");
	assert_null(header((char *)b.data, "Bcc", v, sizeof(v)));
	/* The body decodes back to the text exactly. */
	sep = strstr((char *)b.data, "\r\n\r\n");
	assert_non_null(sep);
	assert_int_equal(decode_qp(sep + 4, body, sizeof(body)), 0);
	assert_string_equal(body, text);
	assert_null(strstr(sep, "\r\n.dot"));
	assert_null(strstr(sep, "\r\nFrom "));
	buf_cleanup(&b);

	/* The same message again (a retry after a crash): still one file. */
	assert_int_equal(mail_send(&c, &m, &e), 0);
	assert_int_equal(count_files(dir, ".eml", NULL, 0), 1);
	assert_int_equal(count_files(dir, ".tmp", NULL, 0), 0);
	/* Another message id: a second file. */
	m.message_id = "<6f1c2d3e-0000-4000-8000-000000000002@sertel.example.go.id>";
	assert_int_equal(mail_send(&c, &m, &e), 0);
	assert_int_equal(count_files(dir, ".eml", NULL, 0), 2);
	unit_rmtree(dir);
}

static void
injection_refused(void **state)
{
	char dir[128];
	struct config c;
	struct mail_msg m;
	struct err e = { 0 };
	static const char *const bad_to[] = {
		"a@b.c\r\nBcc: x@y.z", "a@b.c\nBcc: x@y.z", "a@b.c\r",
		"siti", "siti@localhost", "a@@b.c", "a..b@c.d", ".a@b.c",
		"<a@b.c>", "Siti <a@b.c>", "a@b.c, x@y.z", "a b@c.d",
		"a@-b.c", "a@b-.c", "a@b..c", "a@[127.0.0.1]", "",
		"s\xc3\xadti@b.c",
	};
	size_t i;

	(void)state;
	assert_int_equal(unit_tmpdir(dir, sizeof(dir)), 0);
	config_for(&c, dir);
	memset(&m, 0, sizeof(m));
	m.message_id = "<x1@sertel.example.go.id>";
	m.to = "siti@example.go.id";
	m.subject = "Uji";
	m.text = "Uji.\n";
	for (i = 0; i < sizeof(bad_to) / sizeof(bad_to[0]); i++) {
		m.to = bad_to[i];
		assert_int_equal(mail_send(&c, &m, &e), -1);
		if (e.code != ERR_BAD_REQUEST)
			fail_msg("to '%s': code %d", bad_to[i], e.code);
	}
	m.to = "siti@example.go.id";
	m.subject = "Uji\r\nBcc: x@y.z";
	assert_int_equal(mail_send(&c, &m, &e), -1);
	assert_int_equal(e.code, ERR_BAD_REQUEST);
	m.subject = "Uji\nBcc: x@y.z";
	assert_int_equal(mail_send(&c, &m, &e), -1);
	m.subject = "Uji";
	m.message_id = "<x1@sertel.example.go.id>\r\nBcc: x@y.z";
	assert_int_equal(mail_send(&c, &m, &e), -1);
	m.message_id = "x1@sertel.example.go.id";
	assert_int_equal(mail_send(&c, &m, &e), -1);
	m.message_id = "<x1 x@sertel.example.go.id>";
	assert_int_equal(mail_send(&c, &m, &e), -1);
	m.message_id = "<x1@sertel.example.go.id>";
	m.text = "not UTF-8: \xff\n";
	assert_int_equal(mail_send(&c, &m, &e), -1);
	/* Nothing of all that reached the mailbox. */
	assert_true(count_files(dir, ".eml", NULL, 0) <= 0);
	/* Plus-addressing and sub-domains are fine. */
	m.text = "Uji.\n";
	m.to = "siti.nurhaliza+sertel@mail.kemenkeu.go.id";
	assert_int_equal(mail_send(&c, &m, &e), 0);
	unit_rmtree(dir);
}

static void
non_ascii_subject(void **state)
{
	char dir[128], file[700], v[2048], dec[1024], *line;
	/* Long enough for several encoded-words, with multi-octet
	 * characters where a naive split would cut one. */
	const char *subject = "Permohonan sertifikat elektronik \xe2\x80\x94 "
	    "Ni Luh Putu \xc3\x89lodie \xe2\x80\x94 \xe6\xbc\xa2\xe5\xad\x97 "
	    "\xf0\x9f\x99\x82 menunggu verifikasi Anda, mohon diperiksa "
	    "sebelum tanggal jatuh tempo";
	struct config c;
	struct mail_msg m;
	struct err e = { 0 };
	struct buf b;

	(void)state;
	assert_int_equal(unit_tmpdir(dir, sizeof(dir)), 0);
	config_for(&c, dir);
	snprintf(c.mail_from, sizeof(c.mail_from),
	    "Balai Sertifikasi \xc3\x89lektronik <noreply@sertel.example.go.id>");
	memset(&m, 0, sizeof(m));
	m.message_id = "<x2@sertel.example.go.id>";
	m.to = "siti@example.go.id";
	m.subject = subject;
	m.text = "Isi.\n";
	m.html = "<p>Isi.</p>\n";
	if (mail_send(&c, &m, &e) != 0)
		fail_msg("mail_send: %s", e.detail);
	assert_int_equal(count_files(dir, ".eml", file, sizeof(file)), 1);
	assert_int_equal(file_read(file, &b, 1 << 20), 0);
	lines_ok((char *)b.data, b.len);
	line = strstr((char *)b.data, "\r\nSubject: ");
	assert_non_null(line);
	assert_memory_equal(line + 11, "=?UTF-8?B?", 10);
	assert_non_null(header((char *)b.data, "Subject", v, sizeof(v)));
	assert_int_equal(decode_words(v, dec, sizeof(dec)), 0);
	assert_string_equal(dec, subject);
	/* Each encoded-word holds whole characters. */
	assert_true(strchr(v, ' ') != NULL);	/* folded: several words */
	assert_non_null(header((char *)b.data, "From", v, sizeof(v)));
	assert_memory_equal(v, "=?UTF-8?B?", 10);
	assert_non_null(strstr(v, "<noreply@sertel.example.go.id>"));
	/* An HTML body makes it multipart/alternative. */
	assert_non_null(header((char *)b.data, "Content-Type", v, sizeof(v)));
	assert_non_null(strstr(v, "multipart/alternative; boundary=\"=_"));
	assert_non_null(strstr((char *)b.data, "Content-Type: text/html; "
	    "charset=UTF-8"));
	assert_non_null(strstr((char *)b.data, "Content-Type: text/plain; "
	    "charset=UTF-8"));
	buf_cleanup(&b);
	unit_rmtree(dir);
}

static void
message_ids(void **state)
{
	char a[MAIL_ID_MAX], b2[MAIL_ID_MAX], name[160];
	struct config c;

	(void)state;
	config_for(&c, "/nonexistent");
	assert_int_equal(mail_message_id_new(&c, a, sizeof(a)), 0);
	assert_int_equal(mail_message_id_new(&c, b2, sizeof(b2)), 0);
	assert_string_not_equal(a, b2);
	assert_int_equal(strlen(a), 1 + 36 + 1 + strlen(
	    "sertel.example.go.id") + 1);
	assert_non_null(strstr(a, "@sertel.example.go.id>"));
	assert_int_equal(a[15], '4');
	assert_int_equal(mail_message_id_new(&c, a, 20), -1);
	/* Odd characters never escape the mailbox directory, and two ids
	 * that differ only in them get different files. */
	assert_int_equal(mail_mailbox_name("<../../etc/passwd@x>", name,
	    sizeof(name)), 0);
	assert_null(strchr(name, '/'));
	assert_int_equal(name[0] != '.', 1);
	assert_int_equal(mail_mailbox_name("<a/b@x>", a, sizeof(a)), 0);
	assert_int_equal(mail_mailbox_name("<a_b@x>", b2, sizeof(b2)), 0);
	assert_string_not_equal(a, b2);
	assert_string_equal(b2, "a_b@x.eml");
}

static void
smtp_failures(void **state)
{
	char dir[128], pw[300];
	struct config c;
	struct mail_msg m;
	struct err e = { 0 };
	FILE *f;

	(void)state;
	assert_int_equal(unit_tmpdir(dir, sizeof(dir)), 0);
	config_for(&c, dir);
	memset(&m, 0, sizeof(m));
	m.message_id = "<x3@sertel.example.go.id>";
	m.to = "siti@example.go.id";
	m.subject = "Uji";
	m.text = "Uji.\n";
	/* Nobody listens on port 1: temporary. */
	snprintf(c.mail_smtp_url, sizeof(c.mail_smtp_url),
	    "smtp://127.0.0.1:1");
	c.mail_starttls = 0;
	assert_int_equal(mail_send(&c, &m, &e), -1);
	if (e.code != ERR_UNAVAILABLE)
		fail_msg("closed port: %d %s", e.code, e.detail);
	/* Not an SMTP URL: the configuration's fault. */
	snprintf(c.mail_smtp_url, sizeof(c.mail_smtp_url), "http://x.y");
	assert_int_equal(mail_send(&c, &m, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	/* A sender that is no address. */
	snprintf(c.mail_smtp_url, sizeof(c.mail_smtp_url), "mailbox");
	snprintf(c.mail_from, sizeof(c.mail_from), "sertel");
	assert_int_equal(mail_send(&c, &m, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	config_for(&c, dir);
	/* A password file others can read is refused, and the refusal
	 * does not show the password. */
	snprintf(c.mail_smtp_url, sizeof(c.mail_smtp_url),
	    "smtp://127.0.0.1:1");
	snprintf(c.mail_user, sizeof(c.mail_user), "sertel");
	snprintf(pw, sizeof(pw), "%s/smtp.pw", dir);
	f = fopen(pw, "w");
	assert_non_null(f);
	fputs("Rahasia-123\n", f);
	fclose(f);
	assert_int_equal(chmod(pw, 0644), 0);
	snprintf(c.mail_password_file, sizeof(c.mail_password_file),
	    "smtp.pw");	/* relative to the instance directory */
	assert_int_equal(mail_send(&c, &m, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	assert_non_null(strstr(e.detail, "group or others"));
	assert_null(strstr(e.detail, "Rahasia"));
	assert_int_equal(chmod(pw, 0600), 0);
	assert_int_equal(mail_send(&c, &m, &e), -1);
	assert_int_equal(e.code, ERR_UNAVAILABLE);
	assert_null(strstr(e.detail, "Rahasia"));
	c.mail_password_file[0] = '\0';
	assert_int_equal(mail_send(&c, &m, &e), -1);
	assert_int_equal(e.code, ERR_CONFIG);
	unit_rmtree(dir);
}

int
run_mail_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(render_all),
		cmocka_unit_test(render_missing_and_bad),
		cmocka_unit_test(mailbox_delivery),
		cmocka_unit_test(injection_refused),
		cmocka_unit_test(non_ascii_subject),
		cmocka_unit_test(message_ids),
		cmocka_unit_test(smtp_failures),
	};

	return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
