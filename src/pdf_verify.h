/*
 * pdf_verify.h - verification of PDF signatures and document time-stamps.
 *
 * pdf_verify() reads a PDF (qpdf), finds every signature field and
 * judges each signature on its own: the ByteRange, the CMS
 * (adbe.pkcs7.detached, ETSI.CAdES.detached) or RFC 3161 token
 * (ETSI.RFC3161 document time-stamps), the signer's chain and status,
 * the time proven by a time-stamp, the PAdES level reached and what
 * later revisions changed. The result is a report with one entry per
 * signature in file order, rendered as sertel's JSON, as the two BSrE
 * verify answers, or as text for the CLI. Everything works offline.
 */
#ifndef SERTEL_PDF_VERIFY_H
#define SERTEL_PDF_VERIFY_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "util.h"

/* Used when pdf_verify_opts.max_in is 0. */
#define PDF_VERIFY_MAX_IN	(64u * 1024 * 1024)

struct pdf_report;		/* opaque: one entry per signature, in file order */

/*
 * The status callback answers for certificates the instance issued
 * itself. It returns 0 when it knows cert, with *revoked 0 or 1 and,
 * when 1, *revoked_at and *reason (RFC 5280 §5.3.1 CRLReason, -1 when
 * none); it returns -1 when cert is not one of its own. It is asked
 * only when the PDF carries no usable OCSP response or CRL for cert.
 */
struct pdf_verify_opts {
	X509_STORE	*trust;		/* trust anchors; NULL = nothing is trusted */
	const char	*password;	/* encrypted PDFs */
	size_t		 max_in;	/* 0 = PDF_VERIFY_MAX_IN */
	time_t		 now;		/* 0 = the clock; validation time when no
					 * time-stamp proves an earlier one */
	int		(*status)(void *arg, X509 *cert, X509 *issuer, time_t at,
			    int *revoked, time_t *revoked_at, int *reason);
	void		*status_arg;
};

/*
 * 0 and *out on success, also for a PDF without signatures and for
 * signatures that fail (their entries say why). -1 with ERR_PDF_INVALID
 * (not a PDF at all), ERR_PDF_ENCRYPTED (a password is needed),
 * ERR_PDF_PASSWORD (wrong password), ERR_PDF_TOO_LARGE or ERR_INTERNAL.
 */
int		 pdf_verify(const unsigned char *pdf, size_t len,
		    const struct pdf_verify_opts *, struct pdf_report **out,
		    struct err *);
void		 pdf_report_free(struct pdf_report *);
/* Entries: signatures and document time-stamps. */
size_t		 pdf_report_count(const struct pdf_report *);
/* 1 when there is at least one entry and every entry is valid. */
int		 pdf_report_all_valid(const struct pdf_report *);
/* The document name the BSrE answers show (nama_dokumen); copied. */
int		 pdf_report_set_name(struct pdf_report *, const char *);

/* sertel's own JSON (see README.txt for the fields). Caller decrefs. */
json_t		*pdf_report_json(const struct pdf_report *);
/* The BSrE v1 (/api/sign/verify) and v2 (/api/v2/verify/pdf) answers. */
json_t		*pdf_report_bsre_v1(const struct pdf_report *);
json_t		*pdf_report_bsre_v2(const struct pdf_report *);
/* Human text for the CLI, appended to b. */
int		 pdf_report_text(const struct pdf_report *, struct buf *);

/*
 * `sertel verify FILE.pdf [--json] [--trust ROOTS.pem]
 * [--password-file F]`; argv[0] is the subcommand's name. Also
 * `--bsre-v1` / `--bsre-v2` print those answers. Exit 0 when every
 * entry is valid, 1 when not (or the file is not a PDF), 2 on usage,
 * I/O, size and password errors.
 */
int		 pdf_verify_main(int argc, char **argv);

#endif
