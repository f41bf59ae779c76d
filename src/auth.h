/*
 * auth.h - who is asking: staff with password + TOTP and a session,
 * agency applications with HTTP Basic credentials, or nobody.
 */
#ifndef SERTEL_AUTH_H
#define SERTEL_AUTH_H

#include "store.h"

#define SERVER_KEY_LEN	32

/* Roles, as bits, so that a route can allow several. */
#define R_PUBLIC	(1u << 0)
#define R_ADMIN		(1u << 1)
#define R_RA		(1u << 2)
#define R_VERIFIER	(1u << 3)
#define R_CLIENT	(1u << 4)
#define R_STAFF		(R_ADMIN | R_RA | R_VERIFIER)
#define R_OPERATOR	(R_ADMIN | R_RA)

#define SESSION_IDLE		(30 * 60)
#define SESSION_ABSOLUTE	(12 * 3600)
#define LOGIN_MAX_FAILURES	5
#define LOGIN_LOCK_SECONDS	(15 * 60)

struct principal {
	unsigned	 role;		/* one R_ bit; R_PUBLIC when anonymous */
	long		 user_id;
	long		 client_id;
	long		 agency_id;	/* 0: every agency (ADMIN, RA) */
	char		 name[128];	/* for audit rows: "user:budi" */
	int		 via_cookie;	/* state changes need the CSRF token */
	char		 csrf[48];
	char		 token_hash[65];
};

struct session_token {
	char	 token[48];	/* shown once to the client */
	char	 csrf[48];
	time_t	 expires;
};

int		 auth_server_key(const char *dir, unsigned char key[SERVER_KEY_LEN],
		    struct err *);
unsigned	 auth_role_parse(const char *);
const char	*auth_role_name(unsigned);

/* Creates a staff user; otpauth gets the TOTP enrolment URI (shown once). */
int	auth_user_create(struct store *, const unsigned char *key,
	    const char *username, const char *name, const char *email,
	    unsigned role, long agency_id, const char *password,
	    char *otpauth, size_t otpauthsz, long *id, struct err *);
int	auth_login(struct store *, const unsigned char *key, const char *user,
	    const char *password, const char *totp, const char *ip,
	    struct session_token *, struct principal *, struct err *);
/* Resolves a session token; 1 when unknown or expired. */
int	auth_session(struct store *, const char *token, struct principal *,
	    struct err *);
int	auth_logout(struct store *, const char *token_hash, struct err *);
int	auth_client_create(struct store *, const unsigned char *key,
	    long agency_id, const char *name, char *client_id, size_t idsz,
	    char *secret, size_t secretsz, long *id, struct err *);
/* Checks Basic credentials; 1 when they are wrong. */
int	auth_client(struct store *, const unsigned char *key, const char *id,
	    const char *secret, struct principal *, struct err *);

/* RFC 6238 (SHA-1, 30 s, 6 digits) for the given time step. */
int	auth_totp(const unsigned char *secret, size_t len, long long step);
int	auth_base32(const unsigned char *, size_t, char *out, size_t outsz);
/* Random URL-safe token of n bytes, base64url without padding. */
int	auth_random_token(size_t n, char *out, size_t outsz);
void	auth_sha256_hex(const char *s, char out[65]);

#endif
