/*
 * store.h - storage behind one interface (OpenSMTPD's queue backends are
 * the model): a struct of operations chosen by the scheme of the
 * `database` setting. SQLite is the embedded default; PostgreSQL will be
 * a second struct store_ops with the same portable schema.
 *
 * A struct store is one connection and is used by one thread at a time.
 * Operations return 0 on success, 1 for "not found" where that is an
 * answer, and -1 on error (with e filled in).
 */
#ifndef SERTEL_STORE_H
#define SERTEL_STORE_H

#include <time.h>
#include "util.h"

#define SERIAL_HEX_MAX	41	/* 20 octets in hex + NUL */

struct cert_rec {
	char		 serial[SERIAL_HEX_MAX];
	char		 ca[16];	/* issuer id: root, issuing */
	char		 kind[16];	/* holder, ca, ocsp, tsa */
	char		 subject[512];
	time_t		 not_before;
	time_t		 not_after;
	int		 revoked;
	time_t		 revoked_at;
	int		 reason;	/* RFC 5280 CRLReason */
	struct buf	 der;
};

struct audit_rec {
	long		 id;
	char		 ts[32];
	char		 actor[128];
	char		 action[64];
	char		 object[128];
	char		 detail[1024];
	char		 prev[65];	/* hex SHA-256 */
	char		 hash[65];
	char		 mac[65];
	int		 overlong;	/* a stored field did not fit */
};

struct store;

typedef int (*store_cert_cb)(void *, const struct cert_rec *);
typedef int (*store_audit_cb)(void *, const struct audit_rec *);
typedef int (*store_serial_cb)(void *, const char *serial);

struct store_ops {
	const char *name;
	int	(*open)(struct store *, const char *dir, const char *spec,
		    struct err *);
	void	(*close)(struct store *);
	int	(*migrate)(struct store *, struct err *);
	int	(*begin)(struct store *, struct err *);
	int	(*commit)(struct store *, struct err *);
	void	(*rollback)(struct store *);

	/* Reserve a serial (UNIQUE) in its own committed row; -1 with
	 * ERR_CONFLICT when it exists. */
	int	(*serial_reserve)(struct store *, const char *serial,
		    const char *purpose, struct err *);
	int	(*cert_insert)(struct store *, const struct cert_rec *,
		    struct err *);
	int	(*cert_get)(struct store *, const char *serial,
		    struct cert_rec *, struct err *);
	int	(*cert_revoke)(struct store *, const char *serial, time_t,
		    int reason, struct err *);
	/* Revoked certificates of ca not expired at now, by serial. */
	int	(*cert_revoked_each)(struct store *, const char *ca,
		    time_t now, store_cert_cb, void *, struct err *);

	int	(*crl_next_number)(struct store *, const char *ca, long *,
		    struct err *);
	int	(*crl_put)(struct store *, const char *ca, long number,
		    time_t this_update, time_t next_update,
		    const struct buf *der, struct err *);
	int	(*crl_get)(struct store *, const char *ca, struct buf *der,
		    time_t *this_update, time_t *next_update, struct err *);

	/* Pre-produced OCSP responses, keyed by serial and CertID hash. */
	int	(*ocsp_put)(struct store *, const char *serial,
		    const char *hash, const struct buf *der,
		    time_t this_update, time_t next_update, struct err *);
	int	(*ocsp_get)(struct store *, const char *serial,
		    const char *hash, struct buf *der, time_t *this_update,
		    struct err *);
	/* Serials of holder certificates whose response was produced
	 * before `before` (or never), not yet expired. */
	int	(*ocsp_stale_each)(struct store *, time_t before, time_t now,
		    store_serial_cb, void *, struct err *);

	int	(*tsa_insert)(struct store *, const char *serial, time_t,
		    const char *policy, const char *imprint_hex,
		    struct err *);

	int	(*audit_append)(struct store *, const struct audit_rec *,
		    struct err *);
	int	(*audit_last)(struct store *, struct audit_rec *, struct err *);
	int	(*audit_each)(struct store *, store_audit_cb, void *,
		    struct err *);

	int	(*meta_get)(struct store *, const char *key, char *val,
		    size_t valsz, struct err *);
	int	(*meta_put)(struct store *, const char *key, const char *val,
		    struct err *);
};

struct store {
	const struct store_ops	*ops;
	void			*be;	/* backend state */
};

/* Opens the store named by spec ("sqlite:FILE"), relative to dir. */
struct store	*store_open(const char *dir, const char *spec, struct err *);
void		 store_close(struct store *);

void		 cert_rec_init(struct cert_rec *);
void		 cert_rec_cleanup(struct cert_rec *);

extern const struct store_ops store_sqlite_ops;

#endif
