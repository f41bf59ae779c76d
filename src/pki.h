/*
 * pki.h - the PKI core shared by `serve` and the CLI: the CA (issue,
 * revoke, pre-issuance profile check), CRLs, the OCSP responder and the
 * RFC 3161 time-stamping authority.
 */
#ifndef SERTEL_PKI_H
#define SERTEL_PKI_H

#include <openssl/x509.h>

#include "config.h"
#include "keys.h"
#include "store.h"

#define SERIAL_LEN	20

/* Key and CA identities; also the names in /crl/<id>.crl, /ca/<id>.cer. */
#define CA_ROOT		"root"
#define CA_ISSUING	"issuing"
#define KEY_OCSP	"ocsp"
#define KEY_TSA		"tsa"

struct pki {
	const struct config	*cfg;
	struct keys		*keys;
	X509			*root, *issuing, *ocsp, *tsa;
	struct buf		 ocsp_der;	/* responder cert, DER */
	struct buf		 tsa_der;
	unsigned char		 audit_key[32];
	/* CertID hashes of the issuing CA, per supported digest. */
	struct {
		int		 nid;
		unsigned char	 name[64], key[64];
		unsigned	 len;
	} certid[4];
};

/* RFC 5280 §5.3.1 reason codes we accept by name. */
#define PKI_REASON_SUPERSEDED	4
int		 pki_reason_parse(const char *, int *);
const char	*pki_reason_name(int);

/* A DER certificate as PEM in out (NUL-terminated); -1 when it does not
 * parse or fit. */
int		 pki_pem(const struct buf *der, char *out, size_t n);

/* sertel init: keys, CA hierarchy, first CRLs, audit key. */
int		 pki_init_instance(const struct config *, struct err *);
struct pki	*pki_open(const struct config *, struct err *);
void		 pki_free(struct pki *);

/* Draws a serial: 20 octets, first in 0x01..0x7f (>= 152 random bits). */
int		 ca_serial_new(unsigned char out[SERIAL_LEN]);

struct holder_req {
	EVP_PKEY	*pubkey;
	const char	*name;
	const char	*email;
	const char	*agency;
	const char	*unit;		/* may be NULL */
};

/* Issues a holder signature certificate; out gets its record. */
int	ca_issue_holder(struct pki *, struct store *, const char *actor,
	    const struct holder_req *, struct cert_rec *out, struct err *);
/* Reserves a serial for kind in its own committed row. */
int	ca_serial_reserve(struct store *, const char *kind,
	    unsigned char serial[SERIAL_LEN], struct err *);
/* The same as ca_issue_holder, with a serial from ca_serial_reserve,
 * inside the caller's open transaction (which it neither begins nor
 * commits); serial NULL: reserve and commit by itself. */
int	ca_issue_holder_tx(struct pki *, struct store *, const char *actor,
	    const struct holder_req *, const unsigned char *serial,
	    struct cert_rec *out, struct err *);
/*
 * Pre-issuance check of a holder certificate against the profile of
 * DESIGN.md §5. x is parsed from the exact TBS bytes that will be signed.
 */
int	ca_lint_holder(const struct config *, X509 *x, X509 *issuer,
	    struct err *);
int	ca_revoke(struct pki *, struct store *, const char *actor,
	    const char *serial, int reason, struct err *);
/* The same inside the caller's open transaction. */
int	ca_revoke_tx(struct pki *, struct store *, const char *actor,
	    const char *serial, int reason, struct err *);

/* Builds, signs and stores a new CRL for ca (within the caller's
 * transaction when one is open). */
int	crl_publish(struct pki *, struct store *, const char *ca,
	    const char *actor, struct err *);
/* Republishes every CRL older than max_age seconds. */
int	crl_refresh(struct pki *, struct store *, long max_age,
	    struct err *);

/* Answers an OCSP request (DER) with a DER OCSPResponse; never fails
 * for bad input: that gets malformedRequest. When the answer is
 * internalError, e says why (for the log). */
int	ocsp_respond(struct pki *, struct store *, const unsigned char *,
	    size_t, struct buf *out, struct err *);
/* Signs and stores the pre-produced SHA-1 response for serial. */
int	ocsp_produce(struct pki *, struct store *, const char *serial,
	    struct err *);
/* Re-signs responses older than the refresh age. Returns the count. */
int	ocsp_refresh(struct pki *, struct store *, struct err *);

/* Answers a TimeStampReq (DER) with a DER TimeStampResp; bad input gets
 * a rejection PKIStatusInfo, never an error. On a system failure e says
 * why (for the log). */
int	tsa_respond(struct pki *, struct store *, const unsigned char *,
	    size_t, struct buf *out, struct err *);

#endif
