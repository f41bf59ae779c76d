/*
 * ra.h - the registration workflow (P1-P4): applications, activation
 * links, automatic checks against the registries, manual review.
 */
#ifndef SERTEL_RA_H
#define SERTEL_RA_H

#include <jansson.h>

#include "auth.h"
#include "config.h"
#include "store.h"

/* Versions of the texts in docs/ an applicant accepts (R5). */
#define RA_PRIVACY_VERSION	"2026-1"
#define RA_AGREEMENT_VERSION	"2026-1"

enum ra_event {
	RA_CONFIRM,	/* a verifier confirms a self-made application */
	RA_SUBMIT,	/* the applicant sends data through the link */
	RA_AUTO_PASS,	/* every registry check passed */
	RA_AUTO_FAIL,	/* a definite mismatch */
	RA_TO_REVIEW,	/* NON_ASN, or the checks could not decide */
	RA_APPROVE,
	RA_REJECT,
	RA_CANCEL,
	RA_CLOSE,	/* superseded by a new application (P8) */
};

struct ra {
	const struct config	*cfg;
	const unsigned char	*audit_key;
};

struct app {
	long		 id;
	char		 pid[32];		/* public id */
	long		 agency_id;
	char		 email[130];
	char		 name[130];
	char		 status[20];
	char		 source[12];
	int		 confirmed;
	char		 nik[20], birth_place[66], birth_date[12], gender[4];
	char		 category[10], nip[20], nrp[10];
	char		 unit[130], position[130];
	char		 reason[300];
	char		 lang[4];
	long		 attempts;
	long long	 next_check_at, due_at, data_complete_at, created_at;
	long long	 overdue_at;
	double		 face_score;
};

/* What a reason code means, for the applicant (a verifier's own words
 * are returned as they are). */
const char	*ra_reason_text(const char *code, int english);
/* The holder status the signing API reports for an application state. */
const char	*ra_holder_status(const char *app_status);

/* P1: registers name + e-mail in an agency; queues the activation link
 * unless the application is the applicant's own (then a verifier
 * confirms first). Runs inside the caller's transaction. */
int	ra_register(struct ra *, struct store *, const struct principal *,
	    const char *agency_code, const char *name, const char *email,
	    const char *source, int english, struct app *, struct err *);
int	ra_get(struct store *, const struct principal *, const char *pid,
	    struct app *, struct err *);
/* Without an agency check: for the workflow itself. */
int	ra_get_by_id(struct store *, long id, struct app *, struct err *);
/* What the registries were asked and answered (a JSON array). */
json_t	*ra_registry_log(struct store *, long id, struct err *);
int	ra_transition(struct ra *, struct store *, struct app *,
	    enum ra_event, const struct principal *, const char *reason,
	    struct err *);
struct ra_link_info {
	long		 app_id, request_id;
	long long	 expires, used;
	char		 purpose[16];
};
/*
 * The application behind a link token that opens page: "activate" (an
 * activation or resubmit link), "passphrase" (a first passphrase, or a
 * renewal's), "reissue" (a forgotten passphrase). 1: none, used,
 * expired, or for another page.
 */
int	ra_link(struct store *, const char *token, const char *page,
	    struct app *, struct ra_link_info *, struct err *);
/* A new link of purpose (activate, resubmit, passphrase, renew,
 * reissue) for the application, replacing its live one; the URL and the
 * expiry (WIB) are written to link and expires. */
int	ra_link_new(struct ra *, struct store *, long app_id, long request_id,
	    const char *purpose, char *link, size_t linksz, char *expires,
	    size_t expsz, struct err *);
/* Marks the link used. */
int	ra_link_use(struct store *, const char *token, struct err *);
/* Mails template to every verifier of the agency; vars is borrowed and
 * gets "verifier_name" per recipient. The number mailed, or -1. */
int	ra_mail_verifiers(struct ra *, struct store *, long agency_id,
	    const char *tpl, json_t *vars, struct err *);
/* t as "YYYY-MM-DD HH:MM WIB". */
void	ra_fmt_wib(long long t, char *out, size_t n);
/* P2: the applicant's data through the link. */
int	ra_submit(struct ra *, struct store *, const char *token, json_t *in,
	    const char *ip, struct err *);
/* A base64 selfie from a form, checked and normalised (image.h) into
 * jpeg; ERR_SELFIE_INVALID or ERR_SELFIE_TOO_LARGE. */
int	ra_selfie_decode(struct ra *, const char *b64, struct buf *jpeg,
	    struct err *);
/* Sends a fresh link to an open application with this e-mail, if any. */
int	ra_resend(struct ra *, struct store *, const char *email,
	    struct err *);
json_t	*ra_app_json(const struct app *, int full);
json_t	*ra_list(struct store *, const struct principal *, const char *status,
	    struct err *);
enum ra_verdict { RA_V_PASS, RA_V_FAIL, RA_V_REVIEW, RA_V_RETRY };
/*
 * The registry checks of P3 for a, whose agency is named agency: with
 * dukcapil, Dukcapil (data and the selfie's face) first; then BKN (ASN)
 * or SIPP (POLRI): known, same name, active, same agency. NON_ASN is
 * RA_V_REVIEW. Every call is appended to log; *reason is a reason code
 * (RA_V_FAIL) or a text for the verifier (RA_V_REVIEW).
 */
enum ra_verdict ra_run_checks(struct ra *, const struct app *a,
	    const char *agency, const unsigned char *selfie, size_t selfie_len,
	    int dukcapil, json_t *log, double *face, const char **reason,
	    struct err *);
/* One round of automatic checks (a worker); seconds until the next. */
int	ra_check_round(void *ra, struct store *, struct err *);
/* Mails the agency's verifiers once when its PKS ends within 30 days. */
int	ra_pks_round(void *ra, struct store *, struct err *);
/* Due time: one working day (Mon-Fri, Asia/Jakarta) after t. */
long long ra_due(long long t);

#endif
