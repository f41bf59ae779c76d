/*
 * mail.h - one e-mail message: composing it (RFC 5322 + MIME), delivering
 * it (SMTP through libcurl, or a file in the instance's mailbox/), and the
 * named Indonesian/English templates of the registration workflow.
 *
 * Retries, back-off and the outbox are the caller's: mail_send makes one
 * attempt and says whether another attempt can succeed.
 */
#ifndef SERTEL_MAIL_H
#define SERTEL_MAIL_H

#include <jansson.h>

#include "config.h"
#include "util.h"

struct mail_msg {
	const char	*message_id;	/* "<uuid@host>" given by the caller,
					 * stable per outbox row */
	const char	*to;		/* bare address: local@domain */
	const char	*subject;	/* UTF-8 */
	const char	*text;		/* UTF-8 plain text */
	const char	*html;		/* optional UTF-8 HTML, or NULL */
};

/* Largest composed message, in bytes. */
#define MAIL_MAX	(4 * 1024 * 1024)
/* Room for a message id made by mail_message_id_new. */
#define MAIL_ID_MAX	320

/*
 * Sends one message. 0 on success; on failure -1 and e->code says what
 * the caller may do:
 *   ERR_UNAVAILABLE  temporary: connection refused or timed out, a 4xx
 *                    reply, login refused, TLS failure - try again later;
 *   ERR_BAD_REQUEST  permanent: the message itself is wrong (bad To,
 *                    CR/LF in a header, not UTF-8) or the server refused
 *                    it with a 5xx reply (unknown recipient, too large) -
 *                    do not try again;
 *   ERR_CONFIG       the configuration is wrong (mail.smtp_url, mail.from,
 *                    mail.password_file): the message is fine, try again
 *                    once an operator has fixed it;
 *   ERR_INTERNAL     out of memory, cannot write the mailbox.
 * With mail.smtp_url = mailbox the message is written to
 * DIR/mailbox/<message id>.eml (0600, atomically); the same message id
 * always gives the same file, so delivering a message twice leaves one.
 */
int	mail_send(const struct config *, const struct mail_msg *, struct err *);

/* Writes a fresh "<uuid@domain of mail.from>" into out. 0 or -1. */
int	mail_message_id_new(const struct config *, char *out, size_t outsz);

/* The file name mailbox delivery gives a message id ("x@y.eml"), or -1
 * if it does not fit in out. */
int	mail_mailbox_name(const char *message_id, char *out, size_t outsz);

/*
 * Renders the template called name in Indonesian (english = 0) or English,
 * filling every {{var}} from the JSON object vars (string or integer
 * values). Appends to subject and text, which the caller has initialised
 * with buf_init, and NUL-terminates both. A missing variable is
 * ERR_INTERNAL; a value that is not valid UTF-8, holds control characters
 * (in a subject: any, in the text: other than LF and TAB) is
 * ERR_BAD_REQUEST; an unknown template ERR_NOT_FOUND.
 *
 * Templates and their variables:
 *   activation_link       name, agency, link, expires
 *   application_rejected  name, reason, link
 *   application_verified  name
 *   manual_review_needed  verifier_name, applicant_name, agency, due, link
 *   pks_expiring          agency, pks_number, end_date, days_left
 *   mail_test             name
 *   passphrase_link       name, link, expires
 *   certificate_issued    name, serial, not_after, pem
 *   certificate_revoked   name, serial, reason
 *   holder_suspended      name
 */
int	mail_render(const char *name, int english, json_t *vars,
	    struct buf *subject, struct buf *text, struct err *);

/* The name of the i-th template, or NULL past the last (for tests). */
const char	*mail_template_name(size_t i);

/* 1 if the n bytes at s are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
int	mail_utf8_ok(const char *s, size_t n);

/* `sertel admin mail test`: sends the mail_test template (Indonesian,
 * then English) to the address with a fresh message id, and prints one
 * line naming the message id and where the message went. */
int	mail_cli_test(const struct config *, const char *to, struct err *);

#endif
