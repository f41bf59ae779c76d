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

/*
 * The generic query: portable SQL with `?` placeholders (a PostgreSQL
 * backend rewrites them to $n) and typed parameters; rows come back one
 * at a time through a callback. The PKI hot paths keep their own
 * operations below; the registration workflow's many small queries use
 * this one, so that a second backend does not need a function per query.
 */
enum sval_type { SV_NULL, SV_INT, SV_TEXT, SV_BLOB, SV_REAL };

struct sval {
	enum sval_type	 t;
	long long	 i;
	double		 d;
	const char	*s;
	const void	*b;
	size_t		 n;
};

#define SV_NUL		((struct sval){ .t = SV_NULL })
#define SV_I(x)		((struct sval){ .t = SV_INT, .i = (long long)(x) })
#define SV_D(x)		((struct sval){ .t = SV_REAL, .d = (x) })
#define SV_S(x)		((struct sval){ .t = (x) != NULL ? SV_TEXT : SV_NULL, \
			    .s = (x) })
#define SV_B(p, len)	((struct sval){ .t = SV_BLOB, .b = (p), .n = (len) })

struct srow_ops {
	long long	 (*i)(void *, int);
	double		 (*d)(void *, int);
	const char	*(*s)(void *, int);	/* NULL for SQL NULL */
	const void	*(*b)(void *, int, size_t *);
};

struct srow {
	const struct srow_ops	*ops;
	void			*h;
};

long long	 srow_int(const struct srow *, int col);
double		 srow_real(const struct srow *, int col);
const char	*srow_text(const struct srow *, int col);
const void	*srow_blob(const struct srow *, int col, size_t *len);
/* Copies a text column into out (empty for NULL); 0, or -1 if cut. */
int		 srow_copy(const struct srow *, int col, char *out, size_t n);

/* Return 0 to go on, 1 to stop early, -1 for an error. */
typedef int (*store_row_cb)(void *, const struct srow *);
/* A store_row_cb that puts column 0 into the long pointed to (if any). */
int		 store_row_long(void *, const struct srow *);

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

	/* Runs sql with params; cb (may be NULL) sees each row. -1 on error
	 * (ERR_CONFLICT for a unique violation), else the number of rows
	 * changed for a write, or seen for a read. */
	long	(*query)(struct store *, const char *sql, const struct sval *,
		    size_t nparams, store_row_cb, void *, struct err *);
};

#define store_q(s, sql, cb, arg, e, ...)				\
	((s)->ops->query((s), (sql), (const struct sval[]){ __VA_ARGS__ },	\
	    sizeof((const struct sval[]){ __VA_ARGS__ }) /		\
	    sizeof(struct sval), (cb), (arg), (e)))
#define store_q0(s, sql, cb, arg, e)					\
	((s)->ops->query((s), (sql), NULL, 0, (cb), (arg), (e)))

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
