/*
 * lifecycle.h - what happens to a certificate holder after issuance:
 * renewal (P7), a forgotten passphrase, lifting a suspension, expiry and
 * its reminders (P8), and the due-time reminders and overdue flags of
 * the one-working-day promise (S1).
 */
#ifndef SERTEL_LIFECYCLE_H
#define SERTEL_LIFECYCLE_H

#include "holder.h"
#include "pki.h"
#include "ra.h"

/* What the lifecycle worker needs: the workflow and the CA. */
struct lifecycle {
	struct ra	 ra;
	struct pki	*pki;
};

/* A renewal or a re-issue after a forgotten passphrase. */
struct hreq {
	long		 id;
	char		 pid[32];
	long		 holder_id;
	char		 kind[12];	/* renew, reissue */
	char		 status[16];
	char		 reason[300];
	char		 old_serial[SERIAL_HEX_MAX];
	long		 attempts;
	long long	 created_at;
};

/*
 * P7: the holder (after holder_check_passphrase) or a verifier asks for
 * renewal of a valid certificate within holder.renew_days of its
 * expiry. The holder becomes RENEW (signing refused) and is checked
 * again: ASN/POLRI by the registries, NON_ASN by the verifier.
 * ERR_RENEW_EXPIRED, ERR_RENEW_TOO_EARLY, ERR_CERT_ALREADY_REVOKED,
 * ERR_HOLDER_SUSPENDED, ERR_WRONG_STATE (a request is open).
 */
int	lifecycle_renew(struct lifecycle *, struct store *, struct holder *,
	    const char *actor, struct hreq *, struct err *);
/*
 * A forgotten passphrase, asked for by NIK or e-mail: when a holder with
 * a valid certificate exists, a one-day link goes to the e-mail address
 * on record. Answers the same whether or not anyone was found.
 */
int	lifecycle_forgot(struct lifecycle *, struct store *, const char *nik,
	    const char *email, struct err *);
/* The request behind a forgotten-passphrase link; 1: none. */
int	lifecycle_reissue_link(struct store *, const char *token,
	    struct app *, struct hreq *, struct err *);
/* Proof through that link: a fresh selfie (base64; required for ASN and
 * POLRI, who are checked against Dukcapil), or the verifier decides. */
int	lifecycle_reissue_submit(struct lifecycle *, struct store *,
	    const char *token, const char *selfie_b64, struct err *);
/* A verifier (of the holder's agency) or RA decides a request in
 * MANUAL_REVIEW. */
int	lifecycle_decide(struct lifecycle *, struct store *,
	    const struct principal *, const char *pid, int approve,
	    const char *reason, struct hreq *, struct err *);
/* A verifier or RA lifts a suspension after verifying the holder again
 * (note says how); the failure count starts from zero. */
int	lifecycle_unsuspend(struct lifecycle *, struct store *,
	    struct holder *, const char *actor, const char *note,
	    struct err *);
int	lifecycle_request_get(struct store *, const struct principal *,
	    const char *pid, struct hreq *, struct err *);
json_t	*lifecycle_request_json(const struct hreq *);
/* Requests visible to who, optionally of one status. */
json_t	*lifecycle_requests(struct store *, const struct principal *,
	    const char *status, struct err *);
/*
 * The worker: registry checks of open requests, expiry (EXPIRED and a
 * notice), reminders 30, 7 and 1 days before expiry, verifiers'
 * reminders before a due time, overdue flags, and a reload of the
 * holiday calendar. Each notice goes out once.
 */
int	lifecycle_round(void *lifecycle, struct store *, struct err *);

#endif
