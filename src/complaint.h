/*
 * complaint.h - complaints (pengaduan, S4): filed by anyone through the
 * web form or recorded by staff when they came by e-mail, phone (183),
 * Telegram, social media, letter or walk-in; tracked on a desk with a
 * due time of one working day; answered (the answer is e-mailed when
 * the complainant gave an address); closed; and counted in a report of
 * answer times.
 */
#ifndef SERTEL_COMPLAINT_H
#define SERTEL_COMPLAINT_H

#include <jansson.h>

#include "auth.h"
#include "config.h"
#include "store.h"

#define COMPLAINT_NAME_MAX	128		/* bytes */
#define COMPLAINT_TEXT_MIN	10
#define COMPLAINT_TEXT_MAX	8000
#define COMPLAINT_REPLY_MAX	8000
#define COMPLAINT_REASON_MAX	500
#define COMPLAINT_ATTACH_MAX	(2u << 20)	/* decoded bytes */
#define COMPLAINT_TICKET_MAX	32

enum complaint_event {
	CPL_ASSIGN,	/* a staff user takes it, or hands it on */
	CPL_REPLY,	/* an answer to the complainant */
	CPL_CLOSE,	/* finished */
};

/* What the module needs from the instance. */
struct complaints {
	const struct config	*cfg;
	const unsigned char	*audit_key;
};

/*
 * A new complaint as it arrives; every field is borrowed. channel: web
 * (the public form), email, phone, telegram, social, letter, walk_in;
 * agency: the code of the agency it is about, or NULL; the web form
 * needs an e-mail address or a phone number; handle: a Telegram or
 * social-media account; attachment: base64 of a PDF, PNG or JPEG, or
 * NULL.
 */
struct complaint_in {
	const char	*channel;
	const char	*category;
	const char	*agency;
	const char	*name;
	const char	*email;
	const char	*phone;
	const char	*handle;
	const char	*text;
	const char	*attachment;
	int		 english;	/* the complainant reads English */
};

/* A complaint as stored; agency_id and assigned_to are 0 for none,
 * attachment_type is "" when there is none, times are UTC seconds (0:
 * not yet). */
struct complaint {
	long		 id;
	char		 ticket[COMPLAINT_TICKET_MAX]; /* ADU-YYYYMMDD-NNNN */
	char		 channel[12];
	char		 category[16];
	long		 agency_id;
	char		 agency[32];		/* its code */
	char		 name[COMPLAINT_NAME_MAX + 2];
	char		 email[130];
	char		 phone[24];
	char		 handle[130];
	char		 status[16];
	char		 lang[4];
	long		 assigned_to;		/* users.id */
	char		 assignee[130];		/* username */
	char		 attachment_type[24];
	long		 attachment_len;
	long long	 due_at, first_answer_at, closed_at, created_at;
	char		 close_reason[COMPLAINT_REASON_MAX + 2];
	char		 created_by[128];
	char		 text[COMPLAINT_TEXT_MAX + 2];
};

/* The group of the answer-time report. */
struct complaint_times {
	long	 count;		/* received in the range */
	long	 answered;	/* with a first answer */
	long	 within;	/* answered within one working day */
	long	 pending;	/* not answered, not yet due */
	long	 overdue;	/* not answered, past the due time */
	double	 median_hours;	/* working hours to the first answer */
	double	 share;		/* within / (answered + overdue), or 1 */
};

int	complaint_channel_ok(const char *);
int	complaint_category_ok(const char *);
int	complaint_status_ok(const char *);
/* "ADU-YYYYMMDD-NNNN" (more digits past 9999); -1 if out is short. */
int	complaint_ticket_format(int ymd, long seq, char *out, size_t outsz);

/*
 * Files a complaint. who is the anonymous public (channel must be
 * "web") or a staff user recording one that came another way (any
 * channel but "web"; a verifier's complaint is about his own agency).
 * The ticket number counts the complaints of the Asia/Jakarta day; the
 * due time is one working day after now (holidays_due). A private
 * status link goes into url (the token itself is never stored, only
 * its SHA-256) and, with an e-mail address, to the complainant.
 * ERR_VALIDATION (detail: the field), ERR_BODY_TOO_LARGE (attachment
 * over 2 MiB), ERR_UNSUPPORTED_MEDIA (attachment not PDF/PNG/JPEG),
 * ERR_FORBIDDEN (channel and caller disagree). Nothing is written on
 * error.
 */
int	complaint_file(struct complaints *, struct store *,
	    const struct principal *, const struct complaint_in *,
	    struct complaint *, char *url, size_t urlsz, struct err *);
/* The complaint behind a status link token; 1: none. */
int	complaint_by_token(struct store *, const char *token,
	    struct complaint *, struct err *);
/* The complaint by ticket as who sees it; 1: none (or another agency's). */
int	complaint_get(struct store *, const struct principal *,
	    const char *ticket, struct complaint *, struct err *);
/*
 * The desk's actions; each goes through the transition table, compares
 * the status it read, audits and mails in one transaction, and leaves
 * the complaint as it is now in c.
 * assign: username names an enabled staff user who can see the
 * complaint (ERR_VALIDATION "assignee"); he is told by e-mail.
 * reply: text is e-mailed when the complainant gave an address
 * (*emailed says whether); the first reply is the complaint's answer.
 * close: reason required when nothing was replied; e-mailed too.
 * ERR_NOT_FOUND, ERR_WRONG_STATE (closed, or changed meanwhile),
 * ERR_VALIDATION.
 */
int	complaint_assign(struct complaints *, struct store *,
	    const struct principal *, const char *ticket,
	    const char *username, struct complaint *, struct err *);
int	complaint_reply(struct complaints *, struct store *,
	    const struct principal *, const char *ticket, const char *text,
	    struct complaint *, int *emailed, struct err *);
int	complaint_close(struct complaints *, struct store *,
	    const struct principal *, const char *ticket, const char *reason,
	    struct complaint *, struct err *);

/* Staff view: everything but the attachment's bytes; overdue at now. */
json_t	*complaint_json(const struct complaint *, long long now);
/* The complainant's view through the status link: status and replies,
 * no staff names. */
json_t	*complaint_public_json(struct store *, const struct complaint *,
	    struct err *);
/* Replies, oldest first; staff see who wrote and whether it went out. */
json_t	*complaint_replies_json(struct store *, long id, int staff,
	    struct err *);
/* The desk: complaints who sees, of one status (NULL: all), open ones
 * by due time first, without their text. */
json_t	*complaint_list(struct store *, const struct principal *,
	    const char *status, struct err *);
/* The attachment's bytes into out, its content type into ctype; 1: the
 * complaint has none. */
int	complaint_attachment(struct store *, long id, struct buf *out,
	    char *ctype, size_t ctypesz, struct err *);

/*
 * Answer times of the complaints received from from_utc (inclusive) to
 * to_utc (exclusive), of one agency (0: all), judged at now: the clock
 * starts when the complaint is received and stops at its first answer
 * (the first reply, or the closing when nothing was replied); working
 * hours count only working days (calendar_working_hours).
 */
int	complaint_answer_times(struct store *, long agency_id,
	    long long from_utc, long long to_utc, long long now,
	    struct complaint_times *, struct err *);
/* A group as JSON: { count, answered, answered_within_one_working_day,
 * pending, overdue, share_answered_within_one_working_day,
 * median_working_hours_to_first_answer }, rounded as the SLA report
 * rounds (a minute, 0.1 %). */
json_t	*complaint_times_json(const struct complaint_times *);
/*
 * The report for the days from..to ("YYYY-MM-DD", Asia/Jakarta, at
 * most ten years): { from, to, time_zone, generated_at, overall: GROUP,
 * channels: [GROUP + channel] } where GROUP is complaint_times_json's.
 * ERR_VALIDATION "from"/"to".
 */
json_t	*complaint_report(struct store *, long agency_id,
	    const char *from, const char *to, struct err *);

#endif
