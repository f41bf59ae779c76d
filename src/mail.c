/*
 * mail.c - composes one message and delivers it, by SMTP or to the
 * instance's mailbox directory.
 *
 * Composition follows RFC 5322 (header fields, CRLF line ends) and MIME
 * (RFC 2045-2047): the body is UTF-8 in quoted-printable, which keeps a
 * message readable in a raw file; a non-ASCII subject or sender name is
 * an RFC 2047 encoded-word; an HTML body makes it multipart/alternative.
 * Every header value that comes from outside is refused if it holds CR
 * or LF, so no caller can add a header (Bcc:) by accident or by attack.
 *
 * Delivery is one attempt. SMTP goes through libcurl; its result is
 * turned into "try again" (ERR_UNAVAILABLE), "never again"
 * (ERR_BAD_REQUEST: a 5xx reply to the message) or "fix the
 * configuration" (ERR_CONFIG), which is what the outbox's retry logic
 * needs. The SMTP password is read from a file for each attempt, refused
 * if others can read the file, and wiped afterwards (libcurl keeps its
 * own copy until the handle is freed; it frees it without wiping, which
 * this module cannot change).
 *
 * The mailbox (mail.smtp_url = mailbox) is the embedded default: each
 * message becomes DIR/mailbox/<message id>.eml, written to a temporary
 * file and renamed, so a reader never sees half a message and delivering
 * the same message twice (a crash between send and commit) leaves one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mail.h"

#define ADDR_MAX	254
#define PASSWORD_MAX	1024
/* RFC 2047 section 2: an encoded-word is at most 75 characters;
 * "=?UTF-8?B?" + "?=" leave 63 for base64, i.e. 45 octets. */
#define EW_OCTETS	45

/* ---- small checks ---- */

int
mail_utf8_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, len;
	unsigned long cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			len = 2;
			cp = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			len = 3;
			cp = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			len = 4;
			cp = s[i] & 0x07;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static int
has_crlf(const char *s)
{
	return strchr(s, '\r') != NULL || strchr(s, '\n') != NULL;
}

static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

/*
 * An address as this service sends to: a dot-atom local part (RFC 5322
 * 3.4.1, no quoted strings) and a DNS host name of at least two labels
 * (no address literals). Stricter than the RFC on purpose: official
 * addresses look like this, and anything odder is more likely an attack.
 */
static int
addr_ok(const char *s, size_t n)
{
	const char *at = NULL;
	size_t i, label = 0, labels = 1;
	unsigned char c, prev = '.';

	if (n < 3 || n > ADDR_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == '@') {
			if (at != NULL)
				return 0;
			at = s + i;
		}
	if (at == NULL || at == s || at - s > 64 || at == s + n - 1)
		return 0;
	for (i = 0; s + i < at; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (prev == '.')
				return 0;
		} else if (!is_atext(c))
			return 0;
		prev = c;
	}
	if (prev == '.')
		return 0;
	prev = '.';
	for (i = (size_t)(at - s) + 1; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (prev == '.' || prev == '-')
				return 0;
			labels++;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-') {
			if (c == '-' && prev == '.')
				return 0;
			if (++label > 63)
				return 0;
		} else
			return 0;
		prev = c;
	}
	return prev != '.' && prev != '-' && labels >= 2;
}

/* "<left@right>": printable ASCII without spaces or angle brackets. */
static int
msgid_ok(const char *s)
{
	size_t i, n = strlen(s), ats = 0;

	if (n < 5 || n > 250 || s[0] != '<' || s[n - 1] != '>')
		return 0;
	for (i = 1; i + 1 < n; i++) {
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '<' || s[i] == '>')
			return 0;
		if (s[i] == '@')
			ats++;
	}
	return ats == 1 && s[1] != '@' && s[n - 2] != '@';
}

/*
 * Splits mail.from ("Name <a@b>" or "a@b") into the display name and the
 * bare address. Returns -1 with ERR_CONFIG if it does not parse.
 */
static int
from_parse(const char *from, char *name, size_t namesz, char *addr,
    size_t addrsz, struct err *e)
{
	const char *lt, *gt, *a, *b;
	size_t n;

	if (from == NULL || *from == '\0' || has_crlf(from) ||
	    !mail_utf8_ok(from, strlen(from)))
		goto bad;
	name[0] = '\0';
	lt = strrchr(from, '<');
	gt = strrchr(from, '>');
	if (lt != NULL || gt != NULL) {
		if (lt == NULL || gt == NULL || gt < lt || gt[1] != '\0')
			goto bad;
		a = from;
		b = lt;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b - a >= 2 && *a == '"' && b[-1] == '"') {
			a++;
			b--;
		}
		if ((size_t)(b - a) >= namesz)
			goto bad;
		memcpy(name, a, (size_t)(b - a));
		name[b - a] = '\0';
		a = lt + 1;
		n = (size_t)(gt - a);
	} else {
		a = from;
		n = strlen(from);
	}
	if (!addr_ok(a, n) || n >= addrsz)
		goto bad;
	memcpy(addr, a, n);
	addr[n] = '\0';
	return 0;
bad:
	return err_set(e, ERR_CONFIG, "mail.from must be an address "
	    "(name@example.go.id) or Name <name@example.go.id>");
}

/* ---- composition ---- */

/*
 * Appends s as RFC 2047 "B" encoded-words, starting at column *col and
 * folding between words so that no line exceeds 76 characters (RFC 2047
 * section 2); *col is where the last line ends.
 */
static int
add_encoded_words(struct buf *b, const char *s, size_t *col)
{
	unsigned char enc[4 * ((EW_OCTETS + 2) / 3) + 1];
	size_t n = strlen(s), off = 0, len, room;

	while (off < n) {
		/* 12 characters of "=?UTF-8?B?" and "?="; 4 of base64
		 * for every 3 octets. */
		room = *col + 12 < 76 ? (76 - *col - 12) / 4 * 3 : 0;
		if (room > EW_OCTETS)
			room = EW_OCTETS;
		if (room < 12) {
			if (buf_addstr(b, "\r\n ") == -1)
				return -1;
			*col = 1;
			continue;
		}
		len = n - off > room ? room : n - off;
		/* Whole characters only (RFC 2047 section 5). */
		while (off + len < n && len > 1 &&
		    ((unsigned char)s[off + len] & 0xc0) == 0x80)
			len--;
		EVP_EncodeBlock(enc, (const unsigned char *)s + off, (int)len);
		if (buf_printf(b, "=?UTF-8?B?%s?=", enc) == -1)
			return -1;
		*col += 12 + strlen((char *)enc);
		off += len;
		if (off < n) {
			if (buf_addstr(b, "\r\n ") == -1)
				return -1;
			*col = 1;
		}
	}
	return 0;
}

static int
is_plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/*
 * A header value of free text from column col: literal when plain ASCII
 * that cannot be mistaken for an encoded-word, folded at spaces to keep
 * lines within 78 characters where it can (RFC 5322 2.1.1); else
 * encoded-words.
 */
static int
add_text_value(struct buf *b, const char *s, size_t col)
{
	const char *sp;
	size_t w;

	if (!is_plain_ascii(s) || strstr(s, "=?") != NULL || strlen(s) > 900)
		return add_encoded_words(b, s, &col);
	while (*s != '\0') {
		sp = strchr(s + 1, ' ');
		w = sp != NULL ? (size_t)(sp - s) : strlen(s);
		/* Fold before a space: unfolding gives the space back. */
		if (*s == ' ' && col + w > 78 && col > 1) {
			if (buf_addstr(b, "\r\n") == -1)
				return -1;
			col = 0;
		}
		if (buf_add(b, s, w) == -1)
			return -1;
		col += w;
		s += w;
	}
	return 0;
}

/* The display name of From: as an atom sequence, a quoted string or
 * encoded-words (RFC 5322 3.4, RFC 2047 section 5 (3)); *col as above. */
static int
add_display_name(struct buf *b, const char *s, size_t *col)
{
	const char *p;

	if (!is_plain_ascii(s) || strstr(s, "=?") != NULL)
		return add_encoded_words(b, s, col);
	*col += strlen(s);
	if (strpbrk(s, "()<>[]:;@\\,.\"") == NULL)
		return buf_addstr(b, s);
	*col += 2;
	if (buf_addstr(b, "\"") == -1)
		return -1;
	for (p = s; *p != '\0'; p++)
		if ((*p == '"' || *p == '\\') && buf_addstr(b, "\\") == -1)
			return -1;
		else if (buf_add(b, p, 1) == -1)
			return -1;
	return buf_addstr(b, "\"");
}

/* RFC 5322 3.3 date in Asia/Jakarta (UTC+7, no daylight saving), the
 * time zone of the service and of its readers. */
static int
add_date(struct buf *b)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = now_utc() + 7 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	return buf_printf(b, "Date: %s, %d %s %d %02d:%02d:%02d +0700\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * Quoted-printable (RFC 2045 6.7): CRLF hard line breaks for every LF,
 * CRLF or lone CR of the input, encoded lines of at most 76 characters,
 * trailing white space encoded. A dot or "From " at the start of a line
 * is encoded too, so that no relay or mbox file can mangle it.
 */
static int
add_qp(struct buf *b, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t col = 0, n = strlen(s), i;
	unsigned char c;
	char tok[3];
	size_t tl;
	int eol;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\r' || c == '\n') {
			if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			if (buf_addstr(b, "\r\n") == -1)
				return -1;
			col = 0;
			continue;
		}
		eol = i + 1 == n || s[i + 1] == '\r' || s[i + 1] == '\n';
		if ((c >= 33 && c <= 126 && c != '=' &&
		    !(col == 0 && c == '.') &&
		    !(col == 0 && c == 'F' && strncmp(s + i, "From ", 5) == 0)) ||
		    ((c == ' ' || c == '\t') && !eol)) {
			tok[0] = (char)c;
			tl = 1;
		} else {
			tok[0] = '=';
			tok[1] = hx[c >> 4];
			tok[2] = hx[c & 15];
			tl = 3;
		}
		/* Leave room for the '=' of a soft line break, unless this
		 * is the last character of the line. */
		if (col + tl > (eol ? 76 : 75)) {
			if (buf_addstr(b, "=\r\n") == -1)
				return -1;
			col = 0;
			if (tl == 1 && (c == '.' || (c == 'F' &&
			    strncmp(s + i, "From ", 5) == 0))) {
				tok[0] = '=';
				tok[1] = hx[c >> 4];
				tok[2] = hx[c & 15];
				tl = 3;
			}
		}
		if (buf_add(b, tok, tl) == -1)
			return -1;
		col += tl;
	}
	if (n == 0 || (s[n - 1] != '\n' && s[n - 1] != '\r'))
		return buf_addstr(b, "\r\n");
	return 0;
}

static int
add_part_headers(struct buf *b, const char *subtype)
{
	return buf_printf(b, "Content-Type: text/%s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n", subtype);
}

/* Builds the whole message into out (initialised by the caller). */
static int
compose(const struct config *c, const struct mail_msg *m, struct buf *out,
    struct err *e)
{
	char name[256], addr[ADDR_MAX + 1], boundary[64];
	unsigned char rnd[12];
	size_t col;

	if (m == NULL || m->message_id == NULL || m->to == NULL ||
	    m->subject == NULL || m->text == NULL)
		return err_set(e, ERR_BAD_REQUEST, "mail: message id, "
		    "recipient, subject and text are required");
	if (has_crlf(m->to) || has_crlf(m->subject) || has_crlf(m->message_id))
		return err_set(e, ERR_BAD_REQUEST, "mail: line break in a "
		    "header value (recipient, subject or message id) refused");
	if (!addr_ok(m->to, strlen(m->to)))
		return err_set(e, ERR_BAD_REQUEST, "mail: the recipient is not "
		    "an e-mail address of the form name@host.domain");
	if (!msgid_ok(m->message_id))
		return err_set(e, ERR_BAD_REQUEST, "mail: the message id must "
		    "look like <unique@host>");
	if (!mail_utf8_ok(m->subject, strlen(m->subject)) ||
	    !mail_utf8_ok(m->text, strlen(m->text)) ||
	    (m->html != NULL && !mail_utf8_ok(m->html, strlen(m->html))))
		return err_set(e, ERR_BAD_REQUEST, "mail: subject and body "
		    "must be valid UTF-8");
	if (from_parse(c->mail_from, name, sizeof(name), addr, sizeof(addr),
	    e) == -1)
		return -1;

	col = 6;
	if (add_date(out) == -1 || buf_addstr(out, "From: ") == -1 ||
	    (name[0] != '\0' && (add_display_name(out, name, &col) == -1 ||
	    buf_addstr(out, col + 3 + strlen(addr) > 78 ? "\r\n " : " ") ==
	    -1)) ||
	    buf_printf(out, "<%s>\r\nTo: %s\r\nSubject: ", addr, m->to) == -1 ||
	    add_text_value(out, m->subject, 9) == -1 ||
	    buf_printf(out, "\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n"
	    /* RFC 3834: no vacation auto-replies to a robot. */
	    "Auto-Submitted: auto-generated\r\n", m->message_id) == -1)
		goto full;
	if (m->html == NULL) {
		if (add_part_headers(out, "plain") == -1 ||
		    buf_addstr(out, "\r\n") == -1 || add_qp(out, m->text) == -1)
			goto full;
	} else {
		/* "=_" never occurs in quoted-printable text, so the
		 * boundary cannot occur in a part (RFC 2045 6.7, 2046 5.1). */
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return err_ssl(e, ERR_INTERNAL, "RAND_bytes");
		memcpy(boundary, "=_sertel_", 9);
		hex_encode(rnd, sizeof(rnd), boundary + 9,
		    sizeof(boundary) - 9);
		if (buf_printf(out, "Content-Type: multipart/alternative;\r\n"
		    " boundary=\"%s\"\r\n\r\n--%s\r\n", boundary, boundary) == -1 ||
		    add_part_headers(out, "plain") == -1 ||
		    buf_addstr(out, "\r\n") == -1 || add_qp(out, m->text) == -1 ||
		    buf_printf(out, "--%s\r\n", boundary) == -1 ||
		    add_part_headers(out, "html") == -1 ||
		    buf_addstr(out, "\r\n") == -1 || add_qp(out, m->html) == -1 ||
		    buf_printf(out, "--%s--\r\n", boundary) == -1)
			goto full;
	}
	if (buf_cstr(out) == -1)
		goto full;
	return 0;
full:
	return err_set(e, ERR_BAD_REQUEST, "mail: the message is larger than "
	    "%d bytes", MAIL_MAX);
}

/* ---- the mailbox ---- */

int
mail_mailbox_name(const char *id, char *out, size_t outsz)
{
	unsigned char md[32];
	char hex[65];
	size_t i, n, o = 0;
	int changed = 0;

	if (id == NULL)
		return -1;
	n = strlen(id);
	if (n >= 2 && id[0] == '<' && id[n - 1] == '>') {
		id++;
		n -= 2;
	}
	for (i = 0; i < n && o < 100; i++) {
		char ch = id[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '@' || ch == '-' ||
		    ch == '_' || (ch == '.' && o > 0))) {
			ch = '_';
			changed = 1;
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = ch;
	}
	/* Different ids must never share a file: when anything was
	 * replaced or cut, a hash of the whole id tells them apart. */
	if (changed || i < n || n == 0) {
		if (EVP_Digest(id, n, md, NULL, EVP_sha256(), NULL) != 1 ||
		    hex_encode(md, 8, hex, sizeof(hex)) == -1)
			return -1;
		if (o + 1 + 16 >= outsz)
			return -1;
		out[o++] = '-';
		memcpy(out + o, hex, 16);
		o += 16;
	}
	if (o + 5 >= outsz)
		return -1;
	memcpy(out + o, ".eml", 5);
	return 0;
}

static int
deliver_mailbox(const struct config *c, const struct mail_msg *m,
    const struct buf *msg, struct err *e)
{
	char dir[PATH_MAX], name[160], path[PATH_MAX];
	struct stat st;

	if (path_join(dir, sizeof(dir), c->dir, "mailbox") == -1 ||
	    mail_mailbox_name(m->message_id, name, sizeof(name)) == -1 ||
	    path_join(path, sizeof(path), dir, name) == -1)
		return err_set(e, ERR_INTERNAL, "mailbox: path too long");
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return err_set(e, ERR_INTERNAL, "mkdir %s: %s", dir,
		    strerror(errno));
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return err_set(e, ERR_INTERNAL, "%s is not a directory", dir);
	if (file_write(path, msg->data, msg->len, 0600) == -1)
		return err_set(e, ERR_INTERNAL, "cannot write %s: %s", path,
		    strerror(errno));
	return 0;
}

/* ---- SMTP ---- */

struct upload {
	const unsigned char	*p;
	size_t			 len;
	size_t			 off;
};

static size_t
upload_read(char *dst, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;

	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(dst, u->p + u->off, n);
	u->off += n;
	return n;
}

/* libcurl rewinds the upload when it must send it again (after an
 * authentication round trip); without this it fails with
 * CURLE_SEND_FAIL_REWIND. */
static int
upload_seek(void *arg, curl_off_t offset, int origin)
{
	struct upload *u = arg;

	if (origin != SEEK_SET || offset < 0 || (size_t)offset > u->len)
		return CURL_SEEKFUNC_FAIL;
	u->off = (size_t)offset;
	return CURL_SEEKFUNC_OK;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void
curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/*
 * Reads the SMTP password from mail.password_file (relative paths are
 * relative to the instance directory). The file must be a regular file
 * that neither group nor others can access. The caller wipes pw.
 */
static int
password_read(const struct config *c, struct buf *pw, struct err *e)
{
	char path[PATH_MAX];
	unsigned char tmp[256];
	struct stat st;
	ssize_t r;
	int fd, ret = -1;

	buf_init(pw, PASSWORD_MAX);
	if (c->mail_password_file[0] == '\0')
		return err_set(e, ERR_CONFIG, "mail.user is set but "
		    "mail.password_file is empty");
	if (c->mail_password_file[0] == '/')
		snprintf(path, sizeof(path), "%s", c->mail_password_file);
	else if (path_join(path, sizeof(path), c->dir,
	    c->mail_password_file) == -1)
		return err_set(e, ERR_CONFIG, "mail.password_file: path too "
		    "long");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return err_set(e, ERR_CONFIG, "mail.password_file %s: %s",
		    path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		err_set(e, ERR_CONFIG, "mail.password_file %s is not a "
		    "regular file", path);
		goto out;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		err_set(e, ERR_CONFIG, "mail.password_file %s is accessible "
		    "to group or others (mode %03o); chmod 600 it", path,
		    (unsigned)(st.st_mode & 0777));
		goto out;
	}
	for (;;) {
		r = read(fd, tmp, sizeof(tmp));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (buf_add(pw, tmp, (size_t)r) == -1) {
			r = -1;
			break;
		}
	}
	OPENSSL_cleanse(tmp, sizeof(tmp));
	if (r == -1) {
		err_set(e, ERR_CONFIG, "mail.password_file %s: unreadable or "
		    "longer than %d bytes", path, PASSWORD_MAX);
		goto out;
	}
	while (pw->len > 0 && (pw->data[pw->len - 1] == '\n' ||
	    pw->data[pw->len - 1] == '\r'))
		pw->len--;
	if (buf_cstr(pw) == -1 || pw->len == 0 ||
	    memchr(pw->data, '\0', pw->len) != NULL ||
	    memchr(pw->data, '\n', pw->len) != NULL) {
		err_set(e, ERR_CONFIG, "mail.password_file %s must hold the "
		    "password on one line", path);
		goto out;
	}
	ret = 0;
out:
	close(fd);
	if (ret == -1)
		buf_cleanse(pw);
	return ret;
}

/*
 * What a failed attempt means for the next one. libcurl reports the
 * last SMTP reply code; RFC 5321 4.2.1: 4yz is transient, 5yz permanent.
 * A refused login or missing TLS is the configuration's fault, not the
 * message's: transient, so that nothing is dropped while an operator
 * fixes it.
 */
static int
smtp_failure(CURLcode rc, long code, const char *detail, struct err *e)
{
	if (rc == CURLE_LOGIN_DENIED || code == 530 || code == 534 ||
	    code == 535 || code == 538)
		return err_set(e, ERR_UNAVAILABLE, "SMTP server refused the "
		    "login (reply %ld): check mail.user and "
		    "mail.password_file: %s", code, detail);
	if (rc == CURLE_USE_SSL_FAILED)
		return err_set(e, ERR_UNAVAILABLE, "SMTP server does not offer "
		    "STARTTLS, which mail.starttls = 1 requires: %s", detail);
	if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
		return err_set(e, ERR_CONFIG, "mail.smtp_url: %s", detail);
	if (rc == CURLE_OUT_OF_MEMORY)
		return err_set(e, ERR_INTERNAL, "SMTP: out of memory");
	if (code >= 500 && code <= 599)
		return err_set(e, ERR_BAD_REQUEST, "SMTP server refused the "
		    "message permanently (reply %ld): %s", code, detail);
	if (code >= 400 && code <= 499)
		return err_set(e, ERR_UNAVAILABLE, "SMTP server deferred the "
		    "message (reply %ld): %s", code, detail);
	return err_set(e, ERR_UNAVAILABLE, "SMTP delivery failed, will "
	    "retry: %s", detail);
}

static int
deliver_smtp(const struct config *c, const struct mail_msg *m,
    const struct buf *msg, struct err *e)
{
	char name[256], addr[ADDR_MAX + 1], from[ADDR_MAX + 3],
	    rcpt[ADDR_MAX + 3], errbuf[CURL_ERROR_SIZE];
	struct upload u = { msg->data, msg->len, 0 };
	struct curl_slist *rcpts = NULL;
	struct buf pw;
	CURL *h = NULL;
	CURLcode rc;
	long code = 0;
	int smtps, ret = -1;

	buf_init(&pw, PASSWORD_MAX);
	smtps = strncmp(c->mail_smtp_url, "smtps://", 8) == 0;
	if (!smtps && strncmp(c->mail_smtp_url, "smtp://", 7) != 0)
		return err_set(e, ERR_CONFIG, "mail.smtp_url must be mailbox, "
		    "smtp://HOST:PORT or smtps://HOST:PORT");
	if (from_parse(c->mail_from, name, sizeof(name), addr, sizeof(addr),
	    e) == -1)
		return -1;
	snprintf(from, sizeof(from), "<%s>", addr);
	snprintf(rcpt, sizeof(rcpt), "<%s>", m->to);
	if (c->mail_user[0] != '\0' && password_read(c, &pw, e) == -1)
		return -1;
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK || (h = curl_easy_init()) == NULL ||
	    (rcpts = curl_slist_append(NULL, rcpt)) == NULL) {
		err_set(e, ERR_INTERNAL, "libcurl initialisation failed");
		goto out;
	}
	errbuf[0] = '\0';
	rc = curl_easy_setopt(h, CURLOPT_URL, c->mail_smtp_url);
#if LIBCURL_VERSION_NUM >= 0x075500
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_PROTOCOLS,
		    (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_READDATA, &u);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, upload_seek);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_SEEKDATA, &u);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)msg->len);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_USE_SSL,
		    (smtps || c->mail_starttls) ? (long)CURLUSESSL_ALL :
		    (long)CURLUSESSL_NONE);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK && c->mail_user[0] != '\0') {
		rc = curl_easy_setopt(h, CURLOPT_USERNAME, c->mail_user);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(h, CURLOPT_PASSWORD,
			    (char *)pw.data);
		/* libcurl keeps its own copy; ours goes now. */
		buf_cleanse(&pw);
	}
	if (rc != CURLE_OK) {
		smtp_failure(rc, 0, curl_easy_strerror(rc), e);
		goto out;
	}
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK) {
		smtp_failure(rc, code, errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc), e);
		goto out;
	}
	ret = 0;
out:
	buf_cleanse(&pw);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(h);
	return ret;
}

int
mail_send(const struct config *c, const struct mail_msg *m, struct err *e)
{
	struct buf msg;
	int r = -1;

	buf_init(&msg, MAIL_MAX);
	if (compose(c, m, &msg, e) == -1)
		goto out;
	if (strcmp(c->mail_smtp_url, "mailbox") == 0)
		r = deliver_mailbox(c, m, &msg, e);
	else
		r = deliver_smtp(c, m, &msg, e);
out:
	buf_cleanup(&msg);
	return r;
}

int
mail_message_id_new(const struct config *c, char *out, size_t outsz)
{
	char name[256], addr[ADDR_MAX + 1], hex[33];
	unsigned char u[16];
	const char *domain = "sertel.invalid";
	struct err e;
	int n;

	if (from_parse(c->mail_from, name, sizeof(name), addr, sizeof(addr),
	    &e) == 0)
		domain = strchr(addr, '@') + 1;
	if (RAND_bytes(u, sizeof(u)) != 1)
		return -1;
	u[6] = (u[6] & 0x0f) | 0x40;	/* RFC 9562 version 4 */
	u[8] = (u[8] & 0x3f) | 0x80;	/* variant 10 */
	hex_encode(u, sizeof(u), hex, sizeof(hex));
	for (n = 0; hex[n] != '\0'; n++)	/* RFC 9562 4: lowercase */
		if (hex[n] >= 'A' && hex[n] <= 'F')
			hex[n] = (char)(hex[n] - 'A' + 'a');
	n = snprintf(out, outsz, "<%.8s-%.4s-%.4s-%.4s-%.12s@%s>", hex,
	    hex + 8, hex + 12, hex + 16, hex + 20, domain);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int
mail_cli_test(const struct config *c, const char *to, struct err *e)
{
	char id[MAIL_ID_MAX], file[160];
	struct buf sid, tid, sen, ten, subject, text;
	struct mail_msg m;
	json_t *vars = NULL;
	int ret = -1;

	buf_init(&sid, 1024);
	buf_init(&tid, 16384);
	buf_init(&sen, 1024);
	buf_init(&ten, 16384);
	buf_init(&subject, 2048);
	buf_init(&text, 32768);
	if (to == NULL || has_crlf(to) || !addr_ok(to, strlen(to))) {
		err_set(e, ERR_BAD_REQUEST, "--to: not an e-mail address of "
		    "the form name@host.domain");
		goto out;
	}
	if ((vars = json_pack("{s:s}", "name", to)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (mail_render("mail_test", 0, vars, &sid, &tid, e) == -1 ||
	    mail_render("mail_test", 1, vars, &sen, &ten, e) == -1)
		goto out;
	if (buf_printf(&subject, "%s / %s", (char *)sid.data,
	    (char *)sen.data) == -1 ||
	    buf_printf(&text, "%s\n-- English --\n\n%s", (char *)tid.data,
	    (char *)ten.data) == -1 || buf_cstr(&subject) == -1 ||
	    buf_cstr(&text) == -1) {
		err_set(e, ERR_INTERNAL, "test message too large");
		goto out;
	}
	if (mail_message_id_new(c, id, sizeof(id)) == -1) {
		err_set(e, ERR_INTERNAL, "cannot make a message id");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.message_id = id;
	m.to = to;
	m.subject = (char *)subject.data;
	m.text = (char *)text.data;
	if (mail_send(c, &m, e) == -1)
		goto out;
	if (strcmp(c->mail_smtp_url, "mailbox") == 0 &&
	    mail_mailbox_name(id, file, sizeof(file)) == 0)
		printf("sertel: test message %s for %s written to "
		    "%s/mailbox/%s\n", id, to, c->dir, file);
	else
		printf("sertel: test message %s sent to %s by SMTP\n", id, to);
	ret = 0;
out:
	json_decref(vars);
	buf_cleanup(&sid);
	buf_cleanup(&tid);
	buf_cleanup(&sen);
	buf_cleanup(&ten);
	buf_cleanup(&subject);
	buf_cleanup(&text);
	return ret;
}
