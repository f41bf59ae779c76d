/*
 * holder.h - certificate holders: the passphrase, the key pair and the
 * first certificate (P5).
 */
#ifndef SERTEL_HOLDER_H
#define SERTEL_HOLDER_H

#include "pki.h"
#include "ra.h"

/* 0 when pass is acceptable for the applicant a; else
 * ERR_WEAK_PASSPHRASE (detail names the rule, never the passphrase). */
int	holder_passphrase_ok(const char *pass, const struct app *a,
	    struct err *);
/* Through a passphrase link: checks the passphrase, makes and wraps the
 * key pair, issues the certificate, all or nothing. */
int	holder_set_passphrase(struct ra *, struct pki *, struct store *,
	    const char *token, const char *pass, struct cert_rec *out,
	    struct err *);

/* The holder statuses of the BSrE API, computed in this one place. */
struct holder_status {
	const char	*status;	/* NOT_REGISTERED ... REVOKE */
	char		 serial[SERIAL_HEX_MAX];
	long		 app_id;
};

/* By NIK or e-mail (whichever is not NULL), seen from agency_id (0: all;
 * another agency's holder is NOT_REGISTERED to this caller). */
int	holder_status(struct store *, const char *nik, const char *email,
	    long agency_id, struct holder_status *, struct err *);

#endif
