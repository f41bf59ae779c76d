/*
 * complaint.c - complaints (pengaduan, S4).
 *
 * A complaint is one row with a ticket number that people can read out
 * over the phone (ADU-YYYYMMDD-NNNN: the Asia/Jakarta day it arrived
 * and its number that day) and a private status link for the
 * complainant, of which only the SHA-256 of the token is stored, as
 * with the registration links (ra.c): the database alone opens nothing.
 *
 * It moves only through the transition table below, checked in one
 * place (transition()), which updates the status with a compare on the
 * old one, writes the audit row and queues the complainant's e-mail in
 * the caller's transaction:
 *
 *   NEW -> IN_PROGRESS (assigned) -> ANSWERED (a reply) -> CLOSED
 *   a reply or a closing may come from any open state.
 *
 * The due time is one working day after arrival (holidays_due, S1).
 * The first answer stops the clock: the first reply, or the closing
 * when nothing was replied (a duplicate, say; the reason is the answer
 * the complainant sees). complaint_report counts answer times the way
 * the SLA report counts applications (sla.c).
 *
 * An agency verifier sees only the complaints about his own agency;
 * ADMIN and RA see every one. Anything else answers "not found".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "agency.h"
#include "audit.h"
#include "complaint.h"
#include "holidays.h"
#include "image.h"
#include "mail.h"
#include "ra.h"
#include "outbox.h"
#include "sla.h"

static const char *channels[] = {
	"web", "email", "phone", "telegram", "social", "letter", "walk_in",
};

static const char *categories[] = {
	"registration", "verification", "certificate", "signing", "account",
	"service", "other",
};

static const char *statuses[] = {
	"NEW", "IN_PROGRESS", "ANSWERED", "CLOSED",
};

static const struct transition {
	const char		*from;
	enum complaint_event	 ev;
	const char		*to;
	const char		*mail;		/* to the complainant */
	const char		*action;	/* audit */
} transitions[] = {
	{ "NEW", CPL_ASSIGN, "IN_PROGRESS", NULL, "complaint.assign" },
	{ "IN_PROGRESS", CPL_ASSIGN, "IN_PROGRESS", NULL, "complaint.assign" },
	{ "ANSWERED", CPL_ASSIGN, "ANSWERED", NULL, "complaint.assign" },
	{ "NEW", CPL_REPLY, "ANSWERED", "complaint_reply", "complaint.reply" },
	{ "IN_PROGRESS", CPL_REPLY, "ANSWERED", "complaint_reply",
	  "complaint.reply" },
	{ "ANSWERED", CPL_REPLY, "ANSWERED", "complaint_reply",
	  "complaint.reply" },
	{ "NEW", CPL_CLOSE, "CLOSED", "complaint_closed", "complaint.close" },
	{ "IN_PROGRESS", CPL_CLOSE, "CLOSED", "complaint_closed",
	  "complaint.close" },
	{ "ANSWERED", CPL_CLOSE, "CLOSED", "complaint_closed",
	  "complaint.close" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int
in_list(const char *s, const char **list, size_t n)
{
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

int
complaint_channel_ok(const char *s)
{
	return in_list(s, channels, NELEM(channels));
}

int
complaint_category_ok(const char *s)
{
	return in_list(s, categories, NELEM(categories));
}

int
complaint_status_ok(const char *s)
{
	return in_list(s, statuses, NELEM(statuses));
}

int
complaint_ticket_format(int ymd, long seq, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "ADU-%08d-%04ld", ymd, seq);

	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* The Asia/Jakarta date of t as YYYYMMDD. */
static int
wib_ymd(long long t)
{
	struct tm tm;
	time_t j = (time_t)(t + 7 * 3600);

	gmtime_r(&j, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

/* ---- input checks ---- */

/* UTF-8 of min..max bytes; line breaks and tabs only where multiline. */
static int
text_ok(const char *s, size_t min, size_t max, int multiline)
{
	size_t i, n;
	unsigned char c;

	if (s == NULL || (n = strlen(s)) < min || n > max ||
	    !mail_utf8_ok(s, n))
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != 0x7f)
			continue;
		if (multiline && (c == '\n' || c == '\r' || c == '\t'))
			continue;
		return 0;
	}
	/* Not white space alone. */
	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 1;
	return 0;
}

static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i, n = strlen(s);

	if (n < 6 || n > 128 || at == NULL || at == s || strchr(at + 1, '@') ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || strchr("@.-_+", s[i])))
			return 0;
	return 1;
}

/* Digits with + - ( ) and spaces, as people write them: 0812-..., 183. */
static int
phone_ok(const char *s)
{
	size_t i, n = strlen(s), digits = 0;

	if (n < 3 || n > 20)
		return 0;
	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (strchr("+-() ", s[i]) == NULL || (s[i] == '+' &&
		    i != 0))
			return 0;
	}
	return digits >= 3;
}

/*
 * Decodes and sniffs the attachment: PDF, PNG or JPEG by their magic
 * bytes (never by a name or a declared type), at most
 * COMPLAINT_ATTACH_MAX bytes. It is stored as it came and served to
 * staff only, as a download with nosniff.
 */
static int
attachment_decode(const char *b64, struct buf *out, const char **ctype,
    struct err *e)
{
	size_t n = strlen(b64), len = 0;
	const unsigned char *p;

	if (n / 4 * 3 > COMPLAINT_ATTACH_MAX + 3)
		return err_set(e, ERR_BODY_TOO_LARGE, "attachment");
	if (buf_reserve(out, n / 4 * 3 + 3) == -1 ||
	    sodium_base642bin(out->data, out->cap, b64, n, "\n\r ", &len,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || len == 0)
		return err_set(e, ERR_VALIDATION, "attachment");
	if (len > COMPLAINT_ATTACH_MAX)
		return err_set(e, ERR_BODY_TOO_LARGE, "attachment");
	out->len = len;
	p = out->data;
	if (len >= 8 && memcmp(p, "%PDF-", 5) == 0)
		*ctype = "application/pdf";
	else if (image_sniff(p, len) == IMAGE_PNG)
		*ctype = "image/png";
	else if (image_sniff(p, len) == IMAGE_JPEG)
		*ctype = "image/jpeg";
	else
		return err_set(e, ERR_UNSUPPORTED_MEDIA, "attachment is not "
		    "PDF, PNG or JPEG");
	return 0;
}

static int
check_in(const struct principal *who, const struct complaint_in *in,
    struct err *e)
{
	int staff = (who->role & R_STAFF) != 0;

	if (in->channel == NULL || !complaint_channel_ok(in->channel))
		return err_set(e, ERR_VALIDATION, "channel");
	/* The public form is the web channel; staff record the others. */
	if (staff == (strcmp(in->channel, "web") == 0))
		return err_set(e, staff ? ERR_VALIDATION : ERR_FORBIDDEN,
		    "channel");
	if (!complaint_category_ok(in->category))
		return err_set(e, ERR_VALIDATION, "category");
	if (!text_ok(in->name, 2, COMPLAINT_NAME_MAX, 0))
		return err_set(e, ERR_VALIDATION, "name");
	if (in->email != NULL && !email_ok(in->email))
		return err_set(e, ERR_VALIDATION, "email");
	if (in->phone != NULL && !phone_ok(in->phone))
		return err_set(e, ERR_VALIDATION, "phone");
	if (in->handle != NULL && !text_ok(in->handle, 2, 128, 0))
		return err_set(e, ERR_VALIDATION, "handle");
	/* Someone filing on the web must be reachable; a walk-in visitor
	 * may leave with the ticket number alone. */
	if (!staff && in->email == NULL && in->phone == NULL)
		return err_set(e, ERR_VALIDATION, "email");
	if (!text_ok(in->text, COMPLAINT_TEXT_MIN, COMPLAINT_TEXT_MAX, 1))
		return err_set(e, ERR_VALIDATION, "text");
	return 0;
}

/* ---- loading ---- */

#define CPL_HEAD "c.id, c.ticket, c.channel, c.category, " \
	"COALESCE(c.agency_id, 0), COALESCE(g.code, ''), c.name, " \
	"COALESCE(c.email, ''), COALESCE(c.phone, ''), " \
	"COALESCE(c.handle, ''), c.status, c.lang, " \
	"COALESCE(c.assigned_to, 0), COALESCE(u.username, ''), " \
	"COALESCE(c.attachment_type, ''), COALESCE(c.attachment_len, 0), " \
	"c.due_at, COALESCE(c.first_answer_at, 0), COALESCE(c.closed_at, 0), " \
	"COALESCE(c.close_reason, ''), c.created_by, c.created_at"
#define CPL_FROM " FROM complaints c LEFT JOIN agencies g ON " \
	"g.id = c.agency_id LEFT JOIN users u ON u.id = c.assigned_to "

static void
row_to(struct complaint *c, const struct srow *r)
{
	memset(c, 0, sizeof(*c));
	c->id = (long)srow_int(r, 0);
	srow_copy(r, 1, c->ticket, sizeof(c->ticket));
	srow_copy(r, 2, c->channel, sizeof(c->channel));
	srow_copy(r, 3, c->category, sizeof(c->category));
	c->agency_id = (long)srow_int(r, 4);
	srow_copy(r, 5, c->agency, sizeof(c->agency));
	srow_copy(r, 6, c->name, sizeof(c->name));
	srow_copy(r, 7, c->email, sizeof(c->email));
	srow_copy(r, 8, c->phone, sizeof(c->phone));
	srow_copy(r, 9, c->handle, sizeof(c->handle));
	srow_copy(r, 10, c->status, sizeof(c->status));
	srow_copy(r, 11, c->lang, sizeof(c->lang));
	c->assigned_to = (long)srow_int(r, 12);
	srow_copy(r, 13, c->assignee, sizeof(c->assignee));
	srow_copy(r, 14, c->attachment_type, sizeof(c->attachment_type));
	c->attachment_len = (long)srow_int(r, 15);
	c->due_at = srow_int(r, 16);
	c->first_answer_at = srow_int(r, 17);
	c->closed_at = srow_int(r, 18);
	srow_copy(r, 19, c->close_reason, sizeof(c->close_reason));
	srow_copy(r, 20, c->created_by, sizeof(c->created_by));
	c->created_at = srow_int(r, 21);
}

static int
one_cb(void *arg, const struct srow *r)
{
	struct complaint *c = arg;

	row_to(c, r);
	srow_copy(r, 22, c->text, sizeof(c->text));
	return 1;
}

static int
visible(const struct principal *who, const struct complaint *c)
{
	/* A verifier sees his agency's; the operator every one. */
	return who->agency_id == 0 || who->agency_id == c->agency_id;
}

int
complaint_get(struct store *s, const struct principal *who,
    const char *ticket, struct complaint *c, struct err *e)
{
	long n;

	memset(c, 0, sizeof(*c));
	if (ticket == NULL || strlen(ticket) >= COMPLAINT_TICKET_MAX)
		return 1;
	n = store_q(s, "SELECT " CPL_HEAD ", c.body" CPL_FROM
	    "WHERE c.ticket = ?", one_cb, c, e, SV_S(ticket));
	if (n <= 0)
		return n == 0 ? 1 : -1;
	return visible(who, c) ? 0 : 1;
}

int
complaint_by_token(struct store *s, const char *token, struct complaint *c,
    struct err *e)
{
	char th[65];
	long n;

	memset(c, 0, sizeof(*c));
	if (token == NULL || strlen(token) < 20 || strlen(token) > 64)
		return 1;
	auth_sha256_hex(token, th);
	n = store_q(s, "SELECT " CPL_HEAD ", c.body" CPL_FROM
	    "WHERE c.token_hash = ?", one_cb, c, e, SV_S(th));
	return n < 0 ? -1 : n == 0 ? 1 : 0;
}

/* ---- filing ---- */

static int
audit_c(struct complaints *cx, struct store *s, const char *actor,
    const char *action, const char *ticket, json_t *d, struct err *e)
{
	char *ds = d != NULL ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) :
	    NULL;
	int rc;

	rc = ds == NULL ? err_set(e, ERR_INTERNAL, "out of memory") :
	    audit_append(s, cx->audit_key, actor, action, ticket, ds, e);
	free(ds);
	json_decref(d);
	return rc;
}

static const char *
actor_of(const struct principal *who)
{
	return who != NULL && who->name[0] != '\0' ? who->name : "anonymous";
}

/* One attempt inside a transaction: number, row, audit, e-mail. */
static int
file_tx(struct complaints *cx, struct store *s, const struct principal *who,
    const struct complaint_in *in, long agency_id, const char *email,
    const struct buf *att, const char *ctype, struct complaint *c,
    char *url, size_t urlsz, struct err *e)
{
	char tok[48], th[65], due[40];
	long long now = now_utc();
	long seq = 0;
	int ymd = wib_ymd(now), rc;
	json_t *v;

	if (auth_random_token(24, tok, sizeof(tok)) == -1)
		return err_set(e, ERR_INTERNAL, "random");
	auth_sha256_hex(tok, th);
	if (store_q(s, "SELECT COALESCE(MAX(seq), 0) + 1 FROM complaints "
	    "WHERE day = ?", store_row_long, &seq, e, SV_I(ymd)) == -1 ||
	    complaint_ticket_format(ymd, seq, c->ticket, sizeof(c->ticket)) ==
	    -1) {
		rc = e->code == ERR_OK ? err_set(e, ERR_INTERNAL, "ticket") :
		    -1;
		goto out;
	}
	c->created_at = now;
	c->due_at = (long long)holidays_due((time_t)now);
	if (store_q(s, "INSERT INTO complaints(ticket, day, seq, token_hash, "
	    "channel, category, agency_id, name, email, phone, handle, body, "
	    "lang, status, attachment, attachment_type, attachment_len, "
	    "due_at, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, 'NEW', ?, ?, ?, ?, ?, ?, ?)", NULL,
	    NULL, e, SV_S(c->ticket), SV_I(ymd), SV_I(seq), SV_S(th),
	    SV_S(in->channel), SV_S(in->category), agency_id != 0 ?
	    SV_I(agency_id) : SV_NUL, SV_S(in->name), SV_S(email),
	    SV_S(in->phone), SV_S(in->handle), SV_S(in->text),
	    SV_S(in->english ? "en" : "id"), att->len > 0 ?
	    SV_B(att->data, att->len) : SV_NUL, SV_S(ctype),
	    att->len > 0 ? SV_I(att->len) : SV_NUL, SV_I(c->due_at),
	    SV_S(actor_of(who)), SV_I(now), SV_I(now)) == -1 ||
	    store_q(s, "SELECT id FROM complaints WHERE ticket = ?",
	    store_row_long, &c->id, e, SV_S(c->ticket)) == -1) {
		rc = -1;
		goto out;
	}
	/* No personal data in the audit row: the complaint has it. */
	if ((rc = audit_c(cx, s, actor_of(who), "complaint.file", c->ticket,
	    json_pack("{s:s, s:s, s:I, s:b}", "channel", in->channel,
	    "category", in->category, "agency_id", (json_int_t)agency_id,
	    "attachment", att->len > 0), e)) == -1)
		goto out;
	snprintf(url, urlsz, "%s/pengaduan/status/%s", cx->cfg->base_url, tok);
	if (email != NULL) {
		ra_fmt_wib(c->due_at, due, sizeof(due));
		v = json_pack("{s:s, s:s, s:s, s:s}", "name", in->name,
		    "ticket", c->ticket, "due", due, "link", url);
		rc = v == NULL ? err_set(e, ERR_INTERNAL, "out of memory") :
		    outbox_put(s, cx->cfg, email, "complaint_received",
		    in->english, v, e);
		json_decref(v);
	}
out:
	OPENSSL_cleanse(tok, sizeof(tok));
	return rc;
}

int
complaint_file(struct complaints *cx, struct store *s,
    const struct principal *who, const struct complaint_in *in,
    struct complaint *c, char *url, size_t urlsz, struct err *e)
{
	struct agency ag;
	struct buf att;
	const char *ctype = NULL;
	char low[130];
	long agency_id = 0;
	size_t i;
	int rc, tries, ret = -1;

	memset(c, 0, sizeof(*c));
	buf_init(&att, COMPLAINT_ATTACH_MAX + 16);
	if (check_in(who, in, e) == -1)
		goto out;
	if (in->email != NULL) {
		for (i = 0; in->email[i] != '\0' && i < sizeof(low) - 1; i++)
			low[i] = (char)tolower((unsigned char)in->email[i]);
		low[i] = '\0';
	}
	if (in->attachment != NULL && attachment_decode(in->attachment, &att,
	    &ctype, e) == -1)
		goto out;
	/* A verifier records complaints about his own agency. */
	if (who->agency_id != 0)
		agency_id = who->agency_id;
	if (in->agency != NULL) {
		if ((rc = agency_get(s, in->agency, &ag, e)) == -1)
			goto out;
		if (rc == 1 || (agency_id != 0 && ag.id != agency_id)) {
			err_set(e, ERR_VALIDATION, "agency");
			goto out;
		}
		agency_id = ag.id;
	}
	/* Two filings of one day may draw the same number on a backend
	 * that does not serialise writers: the UNIQUE index says so, and
	 * the next attempt counts again. */
	for (tries = 0; tries < 5; tries++) {
		if (s->ops->begin(s, e) == -1)
			goto out;
		if (file_tx(cx, s, who, in, agency_id, in->email != NULL ? low :
		    NULL, &att, ctype, c, url, urlsz, e) == 0 &&
		    s->ops->commit(s, e) == 0)
			break;
		s->ops->rollback(s);
		OPENSSL_cleanse(url, urlsz);
		if (e->code != ERR_CONFLICT)
			goto out;
	}
	if (tries == 5)
		goto out;
	snprintf(c->channel, sizeof(c->channel), "%s", in->channel);
	snprintf(c->category, sizeof(c->category), "%s", in->category);
	snprintf(c->status, sizeof(c->status), "NEW");
	c->agency_id = agency_id;
	ret = 0;
out:
	buf_cleanup(&att);
	return ret;
}

/* ---- the desk ---- */

static const struct transition *
find_transition(const char *from, enum complaint_event ev)
{
	size_t i;

	for (i = 0; i < NELEM(transitions); i++)
		if (transitions[i].ev == ev &&
		    strcmp(transitions[i].from, from) == 0)
			return &transitions[i];
	return NULL;
}

/*
 * The one place a complaint changes state: the row named by t, with a
 * compare on the status read (two desks cannot both act on the old
 * state), its audit row, and the complainant's e-mail when t names one
 * and there is an address to send it to (vars are the template's).
 */
static int
transition(struct complaints *cx, struct store *s,
    const struct principal *who, struct complaint *c,
    const struct transition *t, json_t *detail, json_t *vars,
    struct err *e)
{
	long long now = now_utc();
	int answer = t->ev != CPL_ASSIGN && c->first_answer_at == 0;
	long n;

	n = store_q(s, "UPDATE complaints SET status = ?, "
	    "first_answer_at = CASE WHEN ? THEN ? ELSE first_answer_at END, "
	    "closed_at = CASE WHEN ? THEN ? ELSE closed_at END, "
	    "updated_at = ? WHERE id = ? AND status = ?", NULL, NULL, e,
	    SV_S(t->to), SV_I(answer), SV_I(now), SV_I(t->ev == CPL_CLOSE),
	    SV_I(now), SV_I(now), SV_I(c->id), SV_S(c->status));
	if (n == -1) {
		json_decref(detail);
		return -1;
	}
	if (n != 1) {
		json_decref(detail);
		return err_set(e, ERR_WRONG_STATE, "changed meanwhile");
	}
	json_object_set_new(detail, "from", json_string(c->status));
	json_object_set_new(detail, "to", json_string(t->to));
	if (audit_c(cx, s, actor_of(who), t->action, c->ticket, detail, e) ==
	    -1)
		return -1;
	snprintf(c->status, sizeof(c->status), "%s", t->to);
	if (answer)
		c->first_answer_at = now;
	if (t->ev == CPL_CLOSE)
		c->closed_at = now;
	if (t->mail != NULL && c->email[0] != '\0' && outbox_put(s, cx->cfg,
	    c->email, t->mail, strcmp(c->lang, "en") == 0, vars, e) == -1)
		return -1;
	return 0;
}

/* Opens the write transaction, loads the complaint and finds its row. */
static const struct transition *
begin_event(struct store *s, const struct principal *who, const char *ticket,
    enum complaint_event ev, struct complaint *c, struct err *e)
{
	const struct transition *t;
	int rc;

	if (s->ops->begin(s, e) == -1)
		return NULL;
	if ((rc = complaint_get(s, who, ticket, c, e)) != 0) {
		if (rc == 1)
			err_set(e, ERR_NOT_FOUND, "complaint");
		goto fail;
	}
	if ((t = find_transition(c->status, ev)) == NULL) {
		err_set(e, ERR_WRONG_STATE, "complaint is %s", c->status);
		goto fail;
	}
	return t;
fail:
	s->ops->rollback(s);
	return NULL;
}

static int
end_event(struct store *s, int rc, struct err *e)
{
	if (rc == 0 && s->ops->commit(s, e) == 0)
		return 0;
	if (e->code == ERR_OK)
		err_set(e, ERR_INTERNAL, "complaint");
	s->ops->rollback(s);
	return -1;
}

struct staff_user {
	long	 id;
	long	 agency_id;
	int	 disabled;
	char	 role[20], name[130], email[130], username[130];
};

static int
staff_cb(void *arg, const struct srow *r)
{
	struct staff_user *u = arg;

	u->id = (long)srow_int(r, 0);
	srow_copy(r, 1, u->role, sizeof(u->role));
	u->agency_id = (long)srow_int(r, 2);
	u->disabled = (int)srow_int(r, 3);
	srow_copy(r, 4, u->name, sizeof(u->name));
	srow_copy(r, 5, u->email, sizeof(u->email));
	srow_copy(r, 6, u->username, sizeof(u->username));
	return 1;
}

int
complaint_assign(struct complaints *cx, struct store *s,
    const struct principal *who, const char *ticket, const char *username,
    struct complaint *c, struct err *e)
{
	const struct transition *t;
	struct staff_user u;
	struct principal as;
	char due[40], link[400];
	json_t *v;
	int rc;

	if (username == NULL || *username == '\0' || strlen(username) > 128)
		return err_set(e, ERR_VALIDATION, "assignee");
	if ((t = begin_event(s, who, ticket, CPL_ASSIGN, c, e)) == NULL)
		return -1;
	memset(&u, 0, sizeof(u));
	if (store_q(s, "SELECT id, role, COALESCE(agency_id, 0), disabled, "
	    "name, email, username FROM users WHERE username = ?", staff_cb,
	    &u, e, SV_S(username)) == -1)
		return end_event(s, -1, e);
	/* The assignee must be able to see the complaint himself. */
	memset(&as, 0, sizeof(as));
	as.agency_id = strcmp(u.role, "AGENCY_VERIFIER") == 0 ?
	    u.agency_id : 0;
	if (u.id == 0 || u.disabled || (strcmp(u.role, "ADMIN") != 0 &&
	    strcmp(u.role, "RA") != 0 && strcmp(u.role, "AGENCY_VERIFIER") !=
	    0) || !visible(&as, c)) {
		err_set(e, ERR_VALIDATION, "assignee");
		return end_event(s, -1, e);
	}
	if (store_q(s, "UPDATE complaints SET assigned_to = ? WHERE id = ?",
	    NULL, NULL, e, SV_I(u.id), SV_I(c->id)) == -1 ||
	    transition(cx, s, who, c, t, json_pack("{s:s}", "assignee",
	    u.username), NULL, e) == -1)
		return end_event(s, -1, e);
	c->assigned_to = u.id;
	snprintf(c->assignee, sizeof(c->assignee), "%s", u.username);
	/* The staff user is told; staff mail is Indonesian, as ra.c's. */
	ra_fmt_wib(c->due_at, due, sizeof(due));
	snprintf(link, sizeof(link), "%s/petugas/pengaduan/%s",
	    cx->cfg->base_url, c->ticket);
	v = json_pack("{s:s, s:s, s:s, s:s, s:s}", "staff_name", u.name,
	    "ticket", c->ticket, "category", c->category, "due", due, "link",
	    link);
	rc = v == NULL ? err_set(e, ERR_INTERNAL, "out of memory") :
	    outbox_put(s, cx->cfg, u.email, "complaint_assigned", 0, v, e);
	json_decref(v);
	return end_event(s, rc, e);
}

int
complaint_reply(struct complaints *cx, struct store *s,
    const struct principal *who, const char *ticket, const char *text,
    struct complaint *c, int *emailed, struct err *e)
{
	const struct transition *t;
	json_t *v;
	int rc;

	*emailed = 0;
	if (!text_ok(text, 1, COMPLAINT_REPLY_MAX, 1))
		return err_set(e, ERR_VALIDATION, "text");
	if ((t = begin_event(s, who, ticket, CPL_REPLY, c, e)) == NULL)
		return -1;
	*emailed = c->email[0] != '\0';
	if (store_q(s, "INSERT INTO complaint_replies(complaint_id, body, "
	    "author, emailed, created_at) VALUES (?, ?, ?, ?, ?)", NULL, NULL,
	    e, SV_I(c->id), SV_S(text), SV_S(actor_of(who)), SV_I(*emailed),
	    SV_I(now_utc())) == -1) {
		*emailed = 0;
		return end_event(s, -1, e);
	}
	v = json_pack("{s:s, s:s, s:s}", "name", c->name, "ticket", c->ticket,
	    "reply", text);
	rc = v == NULL ? err_set(e, ERR_INTERNAL, "out of memory") :
	    transition(cx, s, who, c, t, json_pack("{s:b, s:I}", "emailed",
	    *emailed, "length", (json_int_t)strlen(text)), v, e);
	json_decref(v);
	if (end_event(s, rc, e) == -1) {
		*emailed = 0;
		return -1;
	}
	return 0;
}

int
complaint_close(struct complaints *cx, struct store *s,
    const struct principal *who, const char *ticket, const char *reason,
    struct complaint *c, struct err *e)
{
	const struct transition *t;
	json_t *v;
	int rc, en;

	if (reason != NULL && *reason == '\0')
		reason = NULL;
	if (reason != NULL && !text_ok(reason, 1, COMPLAINT_REASON_MAX, 1))
		return err_set(e, ERR_VALIDATION, "reason");
	if ((t = begin_event(s, who, ticket, CPL_CLOSE, c, e)) == NULL)
		return -1;
	/* Closing what was never answered needs the reason: it is the
	 * answer the complainant gets. */
	if (reason == NULL && strcmp(c->status, "ANSWERED") != 0) {
		err_set(e, ERR_VALIDATION, "reason");
		return end_event(s, -1, e);
	}
	en = strcmp(c->lang, "en") == 0;
	if (store_q(s, "UPDATE complaints SET close_reason = ? WHERE id = ?",
	    NULL, NULL, e, SV_S(reason), SV_I(c->id)) == -1)
		return end_event(s, -1, e);
	snprintf(c->close_reason, sizeof(c->close_reason), "%s",
	    reason != NULL ? reason : "");
	v = json_pack("{s:s, s:s, s:s}", "name", c->name, "ticket", c->ticket,
	    "reason", reason != NULL ? reason : en ? "Your complaint has been "
	    "answered and is now closed." : "Pengaduan Anda telah ditanggapi "
	    "dan kini ditutup.");
	rc = v == NULL ? err_set(e, ERR_INTERNAL, "out of memory") :
	    transition(cx, s, who, c, t, json_pack("{s:s}", "reason",
	    reason != NULL ? reason : ""), v, e);
	json_decref(v);
	return end_event(s, rc, e);
}

/* ---- views ---- */

static int
overdue(const struct complaint *c, long long now)
{
	return c->first_answer_at == 0 && strcmp(c->status, "CLOSED") != 0 &&
	    now > c->due_at;
}

/* Sets key to a string, or to null when it is empty. */
static void
set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v[0] != '\0' ? json_string(v) :
	    json_null());
}

static void
set_time(json_t *o, const char *key, long long t)
{
	json_object_set_new(o, key, t > 0 ? json_integer(t) : json_null());
}

static json_t *
summary_json(const struct complaint *c, long long now)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:b}",
	    "ticket", c->ticket, "status", c->status, "channel", c->channel,
	    "category", c->category, "name", c->name, "created_at",
	    (json_int_t)c->created_at, "due_at", (json_int_t)c->due_at,
	    "overdue", overdue(c, now));

	if (o == NULL)
		return NULL;
	set_str(o, "agency", c->agency);
	set_str(o, "assignee", c->assignee);
	set_time(o, "first_answer_at", c->first_answer_at);
	set_time(o, "closed_at", c->closed_at);
	return o;
}

json_t *
complaint_json(const struct complaint *c, long long now)
{
	json_t *o = summary_json(c, now);

	if (o == NULL)
		return NULL;
	set_str(o, "email", c->email);
	set_str(o, "phone", c->phone);
	set_str(o, "handle", c->handle);
	set_str(o, "close_reason", c->close_reason);
	json_object_set_new(o, "lang", json_string(c->lang));
	json_object_set_new(o, "created_by", json_string(c->created_by));
	json_object_set_new(o, "text", json_string(c->text));
	json_object_set_new(o, "attachment", c->attachment_type[0] != '\0' ?
	    json_pack("{s:s, s:I}", "type", c->attachment_type, "size",
	    (json_int_t)c->attachment_len) : json_null());
	return o;
}

struct replies_ctx {
	json_t	*arr;
	int	 staff;
};

static int
reply_cb(void *arg, const struct srow *r)
{
	struct replies_ctx *x = arg;
	json_t *o = json_pack("{s:I, s:s}", "at", (json_int_t)srow_int(r, 0),
	    "text", srow_text(r, 1));

	if (o == NULL)
		return -1;
	if (x->staff) {
		json_object_set_new(o, "author", json_string(srow_text(r, 2)));
		json_object_set_new(o, "emailed", json_boolean(srow_int(r, 3)));
	}
	return json_array_append_new(x->arr, o) == 0 ? 0 : -1;
}

json_t *
complaint_replies_json(struct store *s, long id, int staff, struct err *e)
{
	struct replies_ctx x = { json_array(), staff };

	if (x.arr == NULL || store_q(s, "SELECT created_at, body, author, "
	    "emailed FROM complaint_replies WHERE complaint_id = ? ORDER BY id",
	    reply_cb, &x, e, SV_I(id)) == -1) {
		json_decref(x.arr);
		return NULL;
	}
	return x.arr;
}

json_t *
complaint_public_json(struct store *s, const struct complaint *c,
    struct err *e)
{
	json_t *o, *rep;

	if ((rep = complaint_replies_json(s, c->id, 0, e)) == NULL)
		return NULL;
	o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "ticket",
	    c->ticket, "status", c->status, "channel", c->channel, "category",
	    c->category, "created_at", (json_int_t)c->created_at, "due_at",
	    (json_int_t)c->due_at, "replies", rep);
	if (o == NULL)
		return NULL;
	set_time(o, "closed_at", c->closed_at);
	set_str(o, "close_reason", c->close_reason);
	return o;
}

struct list_ctx {
	json_t		*arr;
	long long	 now;
	struct complaint c;
};

static int
list_cb(void *arg, const struct srow *r)
{
	struct list_ctx *l = arg;
	json_t *o;

	row_to(&l->c, r);
	if ((o = summary_json(&l->c, l->now)) == NULL)
		return -1;
	return json_array_append_new(l->arr, o) == 0 ? 0 : -1;
}

json_t *
complaint_list(struct store *s, const struct principal *who,
    const char *status, struct err *e)
{
	struct list_ctx *l;
	json_t *arr;

	if (status != NULL && !complaint_status_ok(status)) {
		err_set(e, ERR_VALIDATION, "status");
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->arr = json_array()) == NULL) {
		free(l);
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	l->now = now_utc();
	if (store_q(s, "SELECT " CPL_HEAD CPL_FROM "WHERE (? = 0 OR "
	    "c.agency_id = ?) AND (? IS NULL OR c.status = ?) ORDER BY CASE "
	    "WHEN c.status = 'CLOSED' THEN 1 ELSE 0 END, c.due_at, c.id "
	    "LIMIT 1000", list_cb, l, e, SV_I(who->agency_id),
	    SV_I(who->agency_id), SV_S(status), SV_S(status)) == -1) {
		json_decref(l->arr);
		free(l);
		return NULL;
	}
	arr = l->arr;
	free(l);
	return arr;
}

struct att_ctx {
	struct buf	*out;
	char		*ctype;
	size_t		 ctypesz;
};

static int
att_cb(void *arg, const struct srow *r)
{
	struct att_ctx *a = arg;
	const void *p;
	size_t n = 0;

	p = srow_blob(r, 0, &n);
	srow_copy(r, 1, a->ctype, a->ctypesz);
	return p != NULL && n > 0 ? buf_add(a->out, p, n) : 0;
}

int
complaint_attachment(struct store *s, long id, struct buf *out, char *ctype,
    size_t ctypesz, struct err *e)
{
	struct att_ctx a = { out, ctype, ctypesz };

	ctype[0] = '\0';
	if (store_q(s, "SELECT attachment, COALESCE(attachment_type, '') FROM "
	    "complaints WHERE id = ?", att_cb, &a, e, SV_I(id)) == -1)
		return -1;
	return out->len == 0 || ctype[0] == '\0' ? 1 : 0;
}

/* ---- answer times ---- */

struct times_ctx {
	const struct calendar	*cal;
	long long		 now;
	struct complaint_times	*t;
	double			*hours;
	size_t			 nh, cap;
};

static int
times_cb(void *arg, const struct srow *r)
{
	struct times_ctx *x = arg;
	long long start = srow_int(r, 0), end = srow_int(r, 1);
	double *p;

	x->t->count++;
	if (end > 0) {
		x->t->answered++;
		x->t->within += calendar_within_one_working_day(x->cal,
		    (time_t)start, (time_t)end);
		if (x->nh == x->cap) {
			x->cap = x->cap == 0 ? 64 : x->cap * 2;
			if ((p = realloc(x->hours, x->cap * sizeof(*p))) ==
			    NULL)
				return -1;
			x->hours = p;
		}
		x->hours[x->nh++] = calendar_working_hours(x->cal,
		    (time_t)start, (time_t)end);
	} else if (calendar_within_one_working_day(x->cal, (time_t)start,
	    (time_t)x->now))
		x->t->pending++;
	else
		x->t->overdue++;
	return 0;
}

static int
times(struct store *s, long agency_id, const char *channel,
    long long from_utc, long long to_utc, long long now,
    struct complaint_times *t, struct err *e)
{
	struct times_ctx x;
	long judged;
	long n;

	memset(t, 0, sizeof(*t));
	memset(&x, 0, sizeof(x));
	x.now = now;
	x.t = t;
	x.cal = holidays_acquire();
	n = store_q(s, "SELECT created_at, COALESCE(first_answer_at, 0) FROM "
	    "complaints WHERE created_at >= ? AND created_at < ? AND (? = 0 OR "
	    "agency_id = ?) AND (? IS NULL OR channel = ?) ORDER BY id",
	    times_cb, &x, e, SV_I(from_utc), SV_I(to_utc), SV_I(agency_id),
	    SV_I(agency_id), SV_S(channel), SV_S(channel));
	holidays_release();
	if (n == -1) {
		free(x.hours);
		if (e->code == ERR_OK)
			err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	t->median_hours = calendar_median(x.hours, x.nh);
	free(x.hours);
	/* As the SLA report judges: those answered, and those that are
	 * late without an answer; the open ones not yet due wait. */
	judged = t->answered + t->overdue;
	t->share = judged == 0 ? 1.0 : (double)t->within / (double)judged;
	return 0;
}

int
complaint_answer_times(struct store *s, long agency_id, long long from_utc,
    long long to_utc, long long now, struct complaint_times *t,
    struct err *e)
{
	return times(s, agency_id, NULL, from_utc, to_utc, now, t, e);
}

json_t *
complaint_times_json(const struct complaint_times *t)
{
	/* Rounded to a minute for the eye; the share to 0.1 %. */
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:f, s:f}", "count",
	    (json_int_t)t->count, "answered", (json_int_t)t->answered,
	    "answered_within_one_working_day", (json_int_t)t->within,
	    "pending", (json_int_t)t->pending, "overdue",
	    (json_int_t)t->overdue, "share_answered_within_one_working_day",
	    (double)(long)(t->share * 1000 + 0.5) / 1000,
	    "median_working_hours_to_first_answer",
	    (double)(long)(t->median_hours * 60 + 0.5) / 60);
}

json_t *
complaint_report(struct store *s, long agency_id, const char *from,
    const char *to, struct err *e)
{
	struct complaint_times t;
	long long f, u, now = now_utc();
	json_t *out = NULL, *all = NULL, *chs = NULL, *g;
	size_t i;

	if (sla_parse_date(from, &f) == -1) {
		err_set(e, ERR_VALIDATION, "from");
		return NULL;
	}
	if (sla_parse_date(to, &u) == -1 || u < f || u - f > 3660LL * 86400) {
		err_set(e, ERR_VALIDATION, "to");
		return NULL;
	}
	u += 86400;		/* to 24:00 WIB of the last day */
	if (times(s, agency_id, NULL, f, u, now, &t, e) == -1 ||
	    (all = complaint_times_json(&t)) == NULL ||
	    (chs = json_array()) == NULL)
		goto out;
	for (i = 0; i < NELEM(channels); i++) {
		if (times(s, agency_id, channels[i], f, u, now, &t, e) == -1)
			goto out;
		if (t.count == 0)
			continue;
		if ((g = complaint_times_json(&t)) == NULL ||
		    json_object_set_new(g, "channel", json_string(
		    channels[i])) == -1 || json_array_append_new(chs, g) == -1)
			goto out;
	}
	out = json_pack("{s:s, s:s, s:s, s:I, s:O, s:O}", "from", from, "to",
	    to, "time_zone", "Asia/Jakarta", "generated_at", (json_int_t)now,
	    "overall", all, "channels", chs);
out:
	if (out == NULL && e->code == ERR_OK)
		err_set(e, ERR_INTERNAL, "out of memory");
	json_decref(all);
	json_decref(chs);
	return out;
}
