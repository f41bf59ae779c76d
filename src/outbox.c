/*
 * outbox.c - delivering the outbox.
 *
 * outbox_put renders the message and inserts it in the caller's
 * transaction, with a Message-ID that stays the message's for life: a
 * state change and its e-mail commit together or not at all.
 * The mailer round claims due rows one at a time by moving their
 * next_attempt_at forward (a lease: another instance will not take the
 * same row meanwhile), sends, and marks them SENT. A temporary failure
 * (server down, 4xx) is retried with exponential back-off from 10 s up
 * to an hour; a permanent one (5xx, a malformed address) is marked
 * FAILED with the reason. A crash between sending and marking means one
 * more delivery of the same Message-ID, which receivers (and the
 * mailbox, which overwrites the same file) recognise as the same
 * message: never lost, never two different messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "outbox.h"

#define LEASE_SECONDS	300
#define ROUND_MAX	50

int
outbox_put(struct store *s, const struct config *c, const char *to,
    const char *tpl, int english, json_t *vars, struct err *e)
{
	struct buf subj, text;
	char mid[MAIL_ID_MAX];
	long long now = now_utc();
	int r = -1;

	buf_init(&subj, 1024);
	buf_init(&text, 64 * 1024);
	if (mail_message_id_new(c, mid, sizeof(mid)) == -1) {
		err_set(e, ERR_INTERNAL, "message id");
		goto out;
	}
	if (mail_render(tpl, english, vars, &subj, &text, e) == -1)
		goto out;
	if (store_q(s, "INSERT INTO outbox(message_id, to_addr, subject, body, "
	    "status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, "
	    "'PENDING', ?, ?)", NULL, NULL, e, SV_S(mid), SV_S(to),
	    SV_S((char *)subj.data), SV_S((char *)text.data), SV_I(now),
	    SV_I(now)) == -1)
		goto out;
	r = 0;
out:
	buf_cleanup(&subj);
	buf_cleanup(&text);
	return r;
}

struct row {
	long	 id;
	long	 attempts;
	char	 mid[MAIL_ID_MAX], to[256];
	char	*subject, *body;
};

static int
due_cb(void *arg, const struct srow *r)
{
	long *ids = arg;
	size_t i;

	for (i = 0; i < ROUND_MAX && ids[i] != 0; i++)
		;
	if (i < ROUND_MAX)
		ids[i] = (long)srow_int(r, 0);
	return 0;
}

static int
row_cb(void *arg, const struct srow *r)
{
	struct row *m = arg;

	m->id = (long)srow_int(r, 0);
	srow_copy(r, 1, m->mid, sizeof(m->mid));
	srow_copy(r, 2, m->to, sizeof(m->to));
	m->subject = strdup(srow_text(r, 3) ? srow_text(r, 3) : "");
	m->body = strdup(srow_text(r, 4) ? srow_text(r, 4) : "");
	m->attempts = (long)srow_int(r, 5);
	return m->subject != NULL && m->body != NULL ? 0 : -1;
}

static long
backoff(long attempts)
{
	long d = 10;

	while (attempts-- > 1 && d < 3600)
		d *= 2;
	return d > 3600 ? 3600 : d;
}

/* Sends one claimed row and records the outcome. */
static int
deliver(const struct config *c, struct store *s, long id, struct err *e)
{
	struct row m;
	struct mail_msg msg;
	struct err se = { 0 };
	long long now = now_utc();
	long n;
	int r = -1;

	memset(&m, 0, sizeof(m));
	/* Claim: only the round that moves the lease owns the row. */
	n = store_q(s, "UPDATE outbox SET next_attempt_at = ? WHERE id = ? "
	    "AND status = 'PENDING' AND next_attempt_at <= ?", NULL, NULL, e,
	    SV_I(now + LEASE_SECONDS), SV_I(id), SV_I(now));
	if (n <= 0)
		return (int)n;
	if (store_q(s, "SELECT id, message_id, to_addr, subject, body, attempts "
	    "FROM outbox WHERE id = ?", row_cb, &m, e, SV_I(id)) == -1)
		goto out;
	msg.message_id = m.mid;
	msg.to = m.to;
	msg.subject = m.subject;
	msg.text = m.body;
	msg.html = NULL;
	if (mail_send(c, &msg, &se) == 0) {
		n = store_q(s, "UPDATE outbox SET status = 'SENT', sent_at = ?, "
		    "attempts = attempts + 1, last_error = NULL WHERE id = ?",
		    NULL, NULL, e, SV_I(now_utc()), SV_I(id));
		log_msg(LOG_INFO, "mailer", "sent %s", m.mid);
	} else if (se.code == ERR_BAD_REQUEST ||
	    m.attempts + 1 >= OUTBOX_MAX_ATTEMPTS) {
		n = store_q(s, "UPDATE outbox SET status = 'FAILED', attempts = "
		    "attempts + 1, last_error = ? WHERE id = ?", NULL, NULL, e,
		    SV_S(se.detail), SV_I(id));
		log_msg(LOG_ERROR, "mailer", "gave up on %s: %s", m.mid,
		    se.detail);
	} else {
		n = store_q(s, "UPDATE outbox SET attempts = attempts + 1, "
		    "next_attempt_at = ?, last_error = ? WHERE id = ?", NULL,
		    NULL, e, SV_I(now_utc() + backoff(m.attempts + 1)),
		    SV_S(se.detail), SV_I(id));
		log_msg(LOG_WARN, "mailer", "will retry %s: %s", m.mid,
		    se.detail);
	}
	r = n == -1 ? -1 : 1;
out:
	free(m.subject);
	free(m.body);
	return r;
}

int
outbox_round(void *arg, struct store *s, struct err *e)
{
	const struct config *c = arg;
	long ids[ROUND_MAX];
	size_t i;

	memset(ids, 0, sizeof(ids));
	if (store_q(s, "SELECT id FROM outbox WHERE status = 'PENDING' AND "
	    "next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 50",
	    due_cb, ids, e, SV_I(now_utc())) == -1)
		return -1;
	for (i = 0; i < ROUND_MAX && ids[i] != 0; i++)
		if (deliver(c, s, ids[i], e) == -1)
			return -1;
	/* A full round may have left more; otherwise wait to be woken. */
	return i == ROUND_MAX ? 0 : 5;
}
