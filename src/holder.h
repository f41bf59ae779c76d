/*
 * holder.h - certificate holders: the passphrase, the key pair and the
 * first certificate (P5).
 */
#ifndef SERTEL_HOLDER_H
#define SERTEL_HOLDER_H

#include "pki.h"
#include "keys_holder.h"
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

#define HOLDER_MAX_FAILURES	5

struct holder {
	long		 id;
	struct app	 a;
	char		 status[16];
	char		 serial[SERIAL_HEX_MAX];
	struct buf	 wrapped;
	long		 failed;
};

void	holder_cleanup(struct holder *);
/* The current holder of an application, by NIK, e-mail or application
 * id (the first not NULL/0); 1: none. */
int	holder_find(struct store *, const char *nik, const char *email,
	    long app_id, struct holder *, struct err *);
/*
 * Checks the passphrase against the wrapped key. The attempt is counted
 * (and committed) before the key is unwrapped; a success resets the
 * count; the fifth failure in a row suspends the holder and tells him.
 * ERR_WRONG_PASSPHRASE or ERR_HOLDER_SUSPENDED otherwise.
 */
int	holder_check_passphrase(struct ra *, struct store *, struct holder *,
	    const char *pass, struct err *);
/* The same check, keeping the opened key for the caller's signatures
 * (keys_holder_key_sign, then keys_holder_close); from the warm cache
 * when the same passphrase opened it lately (no count, no KDF). */
int	holder_open(struct ra *, struct store *, struct holder *,
	    const char *pass, struct keys_holder_key **, struct err *);
/* 0 when the holder may sign now: status ISSUE, the certificate neither
 * revoked nor expired. ERR_NOT_SIGNABLE, ERR_HOLDER_SUSPENDED. */
int	holder_signable(struct store *, struct holder *, struct err *);
/* Revokes the holder's certificate (P6) with its audit row and e-mail in
 * one transaction; actor is who asked. */
int	holder_revoke(struct ra *, struct pki *, struct store *,
	    struct holder *, const char *actor, int reason, struct err *);

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
