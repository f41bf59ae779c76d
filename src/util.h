/*
 * util.h - small shared pieces: the capped growable buffer every network
 * input goes through, the one error struct every module reports into,
 * logging with a request id, and file/time helpers.
 */
#ifndef SERTEL_UTIL_H
#define SERTEL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <time.h>

/* ---- error codes: one enum, one table (errors.c) ---- */
enum err_code {
	ERR_OK = 0,
	ERR_INTERNAL,
	ERR_BAD_REQUEST,
	ERR_BAD_JSON,
	ERR_BODY_TOO_LARGE,
	ERR_NOT_FOUND,
	ERR_METHOD_NOT_ALLOWED,
	ERR_UNAUTHORIZED,
	ERR_FORBIDDEN,
	ERR_CONFLICT,
	ERR_UNSUPPORTED_MEDIA,
	ERR_CERT_NOT_FOUND,
	ERR_CERT_ALREADY_REVOKED,
	ERR_CERT_EXPIRED,
	ERR_BAD_REASON,
	ERR_BAD_SERIAL,
	ERR_BAD_PUBKEY,
	ERR_WEAK_KEY,
	ERR_PROFILE,
	ERR_CA_NOT_FOUND,
	ERR_INSTANCE_EXISTS,
	ERR_NO_INSTANCE,
	ERR_CONFIG,
	ERR_STORE,
	ERR_KEYS,
	ERR_AUDIT_BROKEN,
	ERR_UNAVAILABLE,
	ERR_VALIDATION,
	ERR_LOGIN_FAILED,
	ERR_PKS_INVALID,
	ERR_EMAIL_DOMAIN,
	ERR_DUPLICATE,
	ERR_LINK_INVALID,
	ERR_WRONG_STATE,
	ERR_NIK_INVALID,
	ERR_NIP_INVALID,
	ERR_NRP_INVALID,
	ERR_SELFIE_INVALID,
	ERR_SELFIE_TOO_LARGE,
	ERR_CONSENT_REQUIRED,
	ERR_WRONG_PASSPHRASE,
	ERR_WEAK_PASSPHRASE,
	ERR_HOLDER_SUSPENDED,
	ERR_RENEW_TOO_EARLY,
	ERR_RENEW_EXPIRED,
	ERR_NOT_SIGNABLE,
	ERR_PDF_INVALID,
	ERR_PDF_ENCRYPTED,
	ERR_PDF_PASSWORD,
	ERR_PDF_TOO_LARGE,
	ERR_PDF_ANCHOR_NOT_FOUND,
	ERR_PDF_BAD_PAGE,
	ERR_PDF_BAD_IMAGE,
	ERR_PDF_SIGN,
	ERR__COUNT
};

struct err {
	enum err_code	 code;
	char		 detail[256];	/* operator-facing; never a secret */
};

struct err_info {
	enum err_code	 code;
	const char	*name;		/* stable machine name */
	int		 http_status;
	const char	*msg_id;	/* Indonesian */
	const char	*msg_en;	/* English */
};

const struct err_info	*err_info(enum err_code);
const struct err_info	*err_table(size_t *n);
int			 err_set(struct err *, enum err_code, const char *, ...)
			    __attribute__((format(printf, 3, 4)));
/* Appends the OpenSSL error queue to detail and clears it. */
int			 err_ssl(struct err *, enum err_code, const char *);

/* ---- capped growable buffer ---- */
struct buf {
	unsigned char	*data;
	size_t		 len;
	size_t		 cap;
	size_t		 max;	/* growth beyond this fails */
};

void	buf_init(struct buf *, size_t max);
void	buf_cleanup(struct buf *);		/* frees */
void	buf_cleanse(struct buf *);		/* wipes, then frees */
int	buf_reserve(struct buf *, size_t more);
int	buf_add(struct buf *, const void *, size_t);
int	buf_addstr(struct buf *, const char *);
int	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* NUL-terminates without counting the NUL in len. */
int	buf_cstr(struct buf *);

/* ---- logging ---- */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void	log_set_level(enum log_level);
void	log_msg(enum log_level, const char *rid, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* ---- misc ---- */
/* The value of one hex digit (either case), or -1. */
int	 hex_digit(int c);
int	 hex_encode(const unsigned char *, size_t, char *out, size_t outsz);
int	 hex_decode(const char *, unsigned char *out, size_t outsz,
	    size_t *outlen);
int	 file_read(const char *path, struct buf *, size_t max);
/* Writes atomically (tmp + rename) with the given mode. */
int	 file_write(const char *path, const void *, size_t, int mode);
int	 path_join(char *out, size_t outsz, const char *dir, const char *name);

/* A random key of len octets kept as hex in dir/secrets/name (0600, the
 * directory 0700). SECRET_LOAD reads it, SECRET_NEW writes a fresh one,
 * SECRET_LOAD_OR_NEW reads it or, on first use, writes one. */
enum secret_mode { SECRET_LOAD, SECRET_NEW, SECRET_LOAD_OR_NEW };
int	 secret_file(const char *dir, const char *name, unsigned char *out,
	    size_t len, enum secret_mode, struct err *);
int	 parse_long(const char *, long min, long max, long *out);
time_t	 now_utc(void);
/* 1 in test builds, whose clock a test can move (util.c). */
int	 util_test_clock(void);
void	 fmt_time_iso(time_t, char *out, size_t outsz);

#endif
