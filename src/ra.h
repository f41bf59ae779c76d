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
/* The application behind a link token for purpose ("activate" or
 * "passphrase"); 1: none, used, expired or for the other purpose. */
int	ra_link(struct store *, const char *token, const char *purpose,
	    struct app *, long long *expires, struct err *);
/* P2: the applicant's data through the link. */
int	ra_submit(struct ra *, struct store *, const char *token, json_t *in,
	    const char *ip, struct err *);
/* Sends a fresh link to an open application with this e-mail, if any. */
int	ra_resend(struct ra *, struct store *, const char *email,
	    struct err *);
json_t	*ra_app_json(const struct app *, int full);
json_t	*ra_list(struct store *, const struct principal *, const char *status,
	    struct err *);
/* One round of automatic checks (a worker); seconds until the next. */
int	ra_check_round(void *ra, struct store *, struct err *);
/* Mails the agency's verifiers once when its PKS ends within 30 days. */
int	ra_pks_round(void *ra, struct store *, struct err *);
/* Due time: one working day (Mon-Fri, Asia/Jakarta) after t. */
long long ra_due(long long t);

#endif
