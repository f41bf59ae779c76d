/*
 * sign.h - signing a document for a holder: the PDF engine with this
 * instance's key wall, TSA and OCSP/CRL behind it, and the signing log.
 */
#ifndef SERTEL_SIGN_H
#define SERTEL_SIGN_H

#include "holder.h"
#include "keys_holder.h"
#include "pdf_sign.h"
#include "pki.h"

#define SIGN_ID_LEN	25		/* 24 hex digits and a NUL */

struct sign_job {
	const unsigned char	*pdf;
	size_t			 len;
	struct pdf_sign_opts	 opts;
	const char		*client;	/* for the log: who asked */
	int			 keep;		/* keep a copy to download once */
};

struct sign_result {
	char		 id[SIGN_ID_LEN];	/* public: /v/<id>, id_dokumen */
	char		 sha256[65];		/* of the signed document */
	long long	 signed_at;
	struct buf	*pdf;			/* the caller's, filled */
};

/* What the signing log knows of a signature (the public page). */
struct sign_record {
	char		 id[SIGN_ID_LEN];
	char		 serial[SERIAL_HEX_MAX];
	char		 sha256[65];
	char		 level[8];
	char		 signer_name[130];
	char		 agency[256];
	long long	 signed_at;
};

/*
 * Signs job->pdf with the holder's opened key (holder_open, after
 * holder_signable), logs it and audits it; with job->keep a copy waits
 * for one download. res->pdf must be an initialised buf.
 */
int	sign_document(struct pki *, struct store *, struct holder *,
	    struct keys_holder_key *, const struct sign_job *,
	    struct sign_result *, struct err *);
/* The engine with this instance's key wall, TSA and OCSP/CRL behind it,
 * without the log (sign_document, the benchmark). */
int	sign_pdf(struct pki *, struct store *, X509 *cert,
	    struct keys_holder_key *, const unsigned char *pdf, size_t len,
	    const struct pdf_sign_opts *, struct buf *out, struct err *);
/* A random public id. */
int	sign_new_id(char out[SIGN_ID_LEN]);
/* The kept copy, once; 1 when there is none (never, already downloaded,
 * or expired). */
int	sign_download(struct store *, const char *id, struct buf *out,
	    struct err *);
/* Deletes copies whose download window has passed. */
int	sign_sweep(struct store *, struct err *);
/* 1 when id is not in the log. */
int	sign_record_get(struct store *, const char *id, struct sign_record *,
	    struct err *);

#endif
