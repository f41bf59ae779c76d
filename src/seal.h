/*
 * seal.h - the agency seal (segel elektronik).
 */
#ifndef SERTEL_SEAL_H
#define SERTEL_SEAL_H

#include <jansson.h>

#include "agency.h"
#include "keys_holder.h"
#include "pki.h"
#include "ra.h"

#define SEAL_OU		"Segel Elektronik"

struct seal {
	char		 id[32];		/* idSubscriber: SEAL-... */
	long		 agency_id;
	char		 status[12];		/* INACTIVE, ACTIVE, REVOKED */
	char		 serial[SERIAL_HEX_MAX];
	struct buf	 wrapped;
};

void	seal_cleanup(struct seal *);
/* By id (or, id NULL, the agency's live seal), seen from agency_id (0:
 * any); 1: none. */
int	seal_get(struct store *, const char *id, long agency_id, struct seal *,
	    struct err *);
/* A new seal for the agency, INACTIVE; ERR_CONFLICT when it has one. */
int	seal_create(struct pki *, struct store *, const char *actor,
	    const struct agency *, struct seal *, struct err *);
/* Mails a single-use code for purpose ("activate", "seal"; files: how
 * many documents) to the agency's verifiers. */
int	seal_send_code(struct ra *, struct store *, const struct seal *,
	    const char *purpose, long files, struct err *);
/* Checks and uses the code (ERR_WRONG_PASSPHRASE otherwise; 5 tries). */
int	seal_use_code(struct store *, const struct seal *, const char *purpose,
	    const char *code, long files, struct err *);
/* ACTIVE or INACTIVE, audited. */
int	seal_set_status(struct pki *, struct store *, const char *actor,
	    struct seal *, const char *status, struct err *);
/* The seal's key, for sign_pdf; keys_holder_close() after. */
struct keys_holder_key *seal_open(struct pki *, const struct seal *,
	    struct err *);
/* 1 when a verification report (pdf_report_json) shows a seal. */
int	seal_present(json_t *report);

#endif
