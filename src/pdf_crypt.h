/*
 * pdf_crypt.h - the standard security handler of ISO 32000-2 7.6, the
 * part a signer needs to add objects to an encrypted PDF: the file key
 * from a password (revisions 2 to 6), and encryption of one object's
 * strings and streams. Pure crypto: the caller reads the /Encrypt
 * dictionary. See pdf_crypt.c.
 */
#ifndef SERTEL_PDF_CRYPT_H
#define SERTEL_PDF_CRYPT_H

#include <stddef.h>

#include "util.h"

/* Crypt filter methods (7.6.5): none (/Identity), RC4 (/V2), AES-128
 * (/AESV2), AES-256 (/AESV3). */
enum pdf_cfm { PDF_CFM_NONE, PDF_CFM_RC4, PDF_CFM_AESV2, PDF_CFM_AESV3 };

/* What the /Encrypt dictionary says. */
struct pdf_crypt_dict {
	int		 v, r;		/* /V, /R */
	int		 length;	/* /Length in bits (V 2, 3) */
	long long	 p;		/* /P */
	int		 encrypt_metadata;
	unsigned char	 o[48], u[48], oe[32], ue[32];
	size_t		 olen, ulen, oelen, uelen;
	enum pdf_cfm	 stm, str;	/* /StmF and /StrF's methods (V 4, 5);
					 * RC4 below V 4 */
};

struct pdf_crypt {
	int		 v;
	unsigned char	 key[32];
	size_t		 keylen;
	enum pdf_cfm	 stm, str;
	int		 owner;		/* opened with the owner password */
};

/*
 * Derives the file key and checks it against /U. Revisions 2-4 use the
 * user password user_pw (qpdf recovers it when the owner password
 * opened the file: owner is set when password differs from it);
 * revisions 5 and 6 try password as the owner password, then as the
 * user password (no SASLprep: ASCII passwords only are sure to work).
 * 0, or -1 with ERR_PDF_SIGN.
 */
int	pdf_crypt_init(struct pdf_crypt *, const struct pdf_crypt_dict *,
	    const unsigned char *id0, size_t id0len, const char *user_pw,
	    const char *password, struct err *);

/* Encrypts a string or stream of object num, gen with method m, appended
 * to out (algorithm 1; AES with a random IV first and PKCS#5 padding). */
int	pdf_crypt_encrypt(const struct pdf_crypt *, enum pdf_cfm m,
	    long long num, int gen, const unsigned char *p, size_t n,
	    struct buf *out);

/* Wipes the key. */
void	pdf_crypt_cleanup(struct pdf_crypt *);

#endif
