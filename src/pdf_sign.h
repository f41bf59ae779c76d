/*
 * pdf_sign.h - PAdES baseline signatures (ETSI EN 319 142-1) on any PDF
 * 1.4-2.0: B-B, B-T, B-LT and B-LTA, invisible or visible (an image, a
 * QR code drawn as vector squares, text lines), placed at page/x/y or
 * over an anchor text. Every signature is an incremental update, so the
 * earlier signatures of a document stay valid. The engine never holds a
 * private key: it asks the key wall for a signature over the signed
 * attributes and the time-stamp authority for tokens. See pdf_sign.c.
 */
#ifndef SERTEL_PDF_SIGN_H
#define SERTEL_PDF_SIGN_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util.h"

enum pdf_level { PDF_LEVEL_BB, PDF_LEVEL_BT, PDF_LEVEL_BLT, PDF_LEVEL_BLTA };

/* "B-B", "B-T", "B-LT", "B-LTA" (exact, upper case); 0 or -1. */
int		 pdf_level_parse(const char *, enum pdf_level *);
/* The same names; "?" for a value outside the enum. */
const char	*pdf_level_name(enum pdf_level);

/* The engine never sees a private key: it asks for signatures (the key
 * wall signs). Every callback appends its answer to the buf it is given
 * (empty, initialised with a cap), and returns 0, or -1 with e set (its
 * code is passed through unchanged; ERR_PDF_SIGN when it set none). */
struct pdf_signer {
	X509		*cert;		/* the signer */
	/* issuing CA ... root: into the CMS certificates and the DSS */
	STACK_OF(X509)	*chain;
	/*
	 * Signs data (the DER of the signed attributes, a SET OF) with the
	 * signer's key and the digest pdf_sign_md(cert) names (SHA-256 for
	 * RSA and P-256, SHA-384 for P-384, SHA-512 for P-521); sig receives
	 * the raw signature value (PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value
	 * for EC). The engine checks the value against cert before using it.
	 */
	int	(*sign)(void *arg, const unsigned char *data, size_t len,
		    struct buf *sig, struct err *);
	/*
	 * RFC 3161: a DER TimeStampToken (the ContentInfo, not the
	 * TimeStampResp) whose message imprint is SHA-256 over data. Needed
	 * for B-T and above (signature-time-stamp over the signature value,
	 * ETSI EN 319 122-1 5.3) and for the B-LTA document time-stamp (data
	 * is then the bytes the /ByteRange covers, in one piece). The engine
	 * checks the imprint. NULL is allowed for B-B.
	 */
	int	(*timestamp)(void *arg, const unsigned char *data, size_t len,
		    struct buf *token, struct err *);
	/*
	 * B-LT: revocation data for cert issued by issuer: a DER
	 * OCSPResponse and/or a DER CRL (leave a buf empty when there is
	 * none, but not both). Called once for every certificate of the
	 * signer's chain and of the TSA's chain except self-signed roots;
	 * each issuer must be in chain or in the token (ERR_PDF_SIGN
	 * otherwise). NULL is allowed below B-LT.
	 */
	int	(*revocation)(void *arg, X509 *cert, X509 *issuer,
		    struct buf *ocsp, struct buf *crl, struct err *);
	void	*arg;
};

/* Limits on what the visible appearance accepts. */
#define PDF_SIGN_IMAGE_MAX_SIDE		4096		/* pixels */
#define PDF_SIGN_IMAGE_MAX_BYTES	(8u << 20)	/* encoded */
#define PDF_SIGN_TEXT_MAX		2048		/* octets of text */
#define PDF_SIGN_QR_MAX			1024		/* octets of qr_text */

/*
 * Coordinates are PDF points (1/72 inch) in the page as it is displayed:
 * the origin is the lower-left corner of the page's CropBox (the MediaBox
 * when there is none; the CropBox is clipped to the MediaBox) after the
 * page's /Rotate is applied, x to the right and y up as the reader sees
 * the page. This is what iText-based BSrE clients do (PdfStamper rotates
 * annotation rectangles with the page), so a client that computes
 * positions on the rendered page gets the box where it expects, and the
 * appearance is drawn upright for the reader. The box must lie within
 * the displayed page (ERR_PDF_BAD_PAGE otherwise).
 */
struct pdf_visible {
	int		 page;		/* 1-based; 0 = invisible signature */
	double		 x, y, w, h;	/* see above */
	/* PNG (alpha kept, as an /SMask) or JPEG (DCTDecode passthrough,
	 * metadata segments dropped); NULL for none */
	const unsigned char *image;
	size_t		 imagelen;
	/* when no image: a QR code (libqrencode, level M) drawn as filled
	 * squares on a white quiet zone */
	const char	*qr_text;
	/* optional text lines ("\n"-separated, at most 16 are drawn),
	 * Helvetica, WinAnsi: beside the image or QR when the box is wide,
	 * under it otherwise; other characters become '?' */
	const char	*text;
	/* tag_koordinat: when set, the w x h box is centred on the first
	 * occurrence of this text (pdf_text_find) instead of page/x/y, and
	 * moved inside the page when it would stick out */
	const char	*anchor;
};

struct pdf_sign_opts {
	enum pdf_level	 level;
	/* /Name /Reason /Location /ContactInfo: UTF-8 in, PDF text
	 * strings out (UTF-16BE with BOM when not ASCII); NULL omits */
	const char	*name, *reason, *location, *contact;
	time_t		 when;		/* /M; 0 = now */
	const char	*password;	/* to open an encrypted PDF */
	struct pdf_visible vis;
	/* refuse bigger inputs with ERR_PDF_TOO_LARGE; 0 = no limit */
	size_t		 max_in;
};

/*
 * Signs in as an incremental update (earlier signatures stay valid) and
 * appends the whole result to out (whose max bounds it; in must not lie
 * in out's memory). The key wall and the TSA are asked once per
 * signature, again only when the CMS outgrew the room estimated for it.
 * On error out is left at its old length and e says why: ERR_PDF_INVALID (not a PDF, damaged,
 * a cross-reference that would need reconstruction), ERR_PDF_ENCRYPTED
 * (a password is needed), ERR_PDF_PASSWORD, ERR_PDF_TOO_LARGE (input
 * over max_in, or the result over out's max), ERR_PDF_BAD_PAGE,
 * ERR_PDF_BAD_IMAGE, ERR_PDF_ANCHOR_NOT_FOUND, ERR_PDF_SIGN (the
 * document forbids signing, an unsupported key, a bad value from a
 * callback), ERR_INTERNAL, or what a callback reported.
 * Encrypted documents are signed in place: the new objects are
 * encrypted with the document's own key (RC4 and AES, revisions 2-6)
 * and the signature's /Contents is left in clear (ISO 32000-2 7.6.2).
 */
int	pdf_sign(const unsigned char *in, size_t inlen,
	    const struct pdf_sign_opts *, const struct pdf_signer *,
	    struct buf *out, struct err *);

/* The digest the engine pairs with cert's key (see pdf_signer.sign):
 * SHA-256, SHA-384 or SHA-512; NULL for a key it does not sign with
 * (RSA of 2048 bits or more and ECDSA on P-256, P-384, P-521 only). */
const EVP_MD	*pdf_sign_md(X509 *cert);

#endif
