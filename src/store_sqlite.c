/*
 * store_sqlite.c - the embedded storage backend.
 *
 * WAL journal with synchronous=FULL (a committed issuance survives a
 * power cut), foreign keys on, a busy timeout so that the CLI and a
 * running `serve` can share one file, and write transactions taken with
 * BEGIN IMMEDIATE so two writers never deadlock upgrading a read lock.
 * Every statement is prepared once per connection and reused.
 * The schema is plain SQL that PostgreSQL accepts with BYTEA for BLOB.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

static const char *migrations[] = {
	/* 1: PKI core */
	"CREATE TABLE serials ("
	"  serial TEXT PRIMARY KEY,"
	"  purpose TEXT NOT NULL,"
	"  reserved_at BIGINT NOT NULL);"
	"CREATE TABLE certs ("
	"  serial TEXT PRIMARY KEY REFERENCES serials(serial),"
	"  ca TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  not_before BIGINT NOT NULL,"
	"  not_after BIGINT NOT NULL,"
	"  revoked INTEGER NOT NULL DEFAULT 0,"
	"  revoked_at BIGINT,"
	"  reason INTEGER,"
	"  der BLOB NOT NULL);"
	"CREATE INDEX certs_by_status ON certs(ca, revoked, not_after);"
	"CREATE TABLE crl_numbers ("
	"  ca TEXT PRIMARY KEY,"
	"  last BIGINT NOT NULL);"
	"CREATE TABLE crls ("
	"  ca TEXT NOT NULL,"
	"  number BIGINT NOT NULL,"
	"  this_update BIGINT NOT NULL,"
	"  next_update BIGINT NOT NULL,"
	"  der BLOB NOT NULL,"
	"  PRIMARY KEY (ca, number));"
	"CREATE TABLE ocsp_responses ("
	"  serial TEXT NOT NULL REFERENCES certs(serial),"
	"  hash TEXT NOT NULL,"
	"  this_update BIGINT NOT NULL,"
	"  next_update BIGINT NOT NULL,"
	"  der BLOB NOT NULL,"
	"  PRIMARY KEY (serial, hash));"
	"CREATE TABLE tsa_tokens ("
	"  serial TEXT PRIMARY KEY,"
	"  gen_time BIGINT NOT NULL,"
	"  policy TEXT NOT NULL,"
	"  imprint TEXT NOT NULL);"
	"CREATE TABLE audit ("
	"  id BIGINT PRIMARY KEY,"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  prev TEXT NOT NULL,"
	"  hash TEXT NOT NULL,"
	"  mac TEXT NOT NULL);"
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);",
	/* 2: registration (agencies, staff, clients, applications, mail) */
	"CREATE TABLE agencies ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  pks_number TEXT NOT NULL,"
	"  pks_start TEXT NOT NULL,"
	"  pks_end TEXT NOT NULL,"
	"  domains TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  pks_warned_for TEXT,"
	"  created_at BIGINT NOT NULL,"
	"  updated_at BIGINT NOT NULL);"
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  role TEXT NOT NULL,"
	"  agency_id INTEGER REFERENCES agencies(id),"
	"  password_hash TEXT NOT NULL,"
	"  totp_secret BLOB NOT NULL,"
	"  totp_last_step BIGINT NOT NULL DEFAULT 0,"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until BIGINT NOT NULL DEFAULT 0,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at BIGINT NOT NULL);"
	"CREATE TABLE sessions ("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  csrf TEXT NOT NULL,"
	"  created_at BIGINT NOT NULL,"
	"  last_seen BIGINT NOT NULL,"
	"  ip TEXT NOT NULL);"
	"CREATE TABLE api_clients ("
	"  id INTEGER PRIMARY KEY,"
	"  client_id TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  secret_hash TEXT NOT NULL,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at BIGINT NOT NULL);"
	"CREATE TABLE applications ("
	"  id INTEGER PRIMARY KEY,"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  email TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  confirmed INTEGER NOT NULL,"
	"  nik TEXT,"
	"  birth_place TEXT,"
	"  birth_date TEXT,"
	"  gender TEXT,"
	"  category TEXT,"
	"  nip TEXT,"
	"  nrp TEXT,"
	"  unit TEXT,"
	"  position TEXT,"
	"  selfie BLOB,"
	"  privacy_version TEXT,"
	"  agreement_version TEXT,"
	"  consent_at BIGINT,"
	"  consent_ip TEXT,"
	"  reason TEXT,"
	"  lang TEXT NOT NULL DEFAULT 'id',"
	"  check_attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_check_at BIGINT,"
	"  registry_log TEXT,"
	"  face_score REAL,"
	"  face_threshold REAL,"
	"  data_complete_at BIGINT,"
	"  due_at BIGINT,"
	"  decided_at BIGINT,"
	"  decided_by TEXT,"
	"  created_by TEXT NOT NULL,"
	"  created_at BIGINT NOT NULL,"
	"  updated_at BIGINT NOT NULL);"
	"CREATE INDEX applications_queue ON applications(agency_id, status, "
	"  due_at);"
	"CREATE INDEX applications_checks ON applications(status, "
	"  next_check_at);"
	/* One open application per e-mail and per NIK (closed: CANCELLED). */
	"CREATE UNIQUE INDEX applications_open_email ON applications(email) "
	"  WHERE status <> 'CANCELLED';"
	"CREATE UNIQUE INDEX applications_open_nik ON applications(nik) "
	"  WHERE status <> 'CANCELLED' AND nik IS NOT NULL;"
	"CREATE TABLE links ("
	"  token_hash TEXT PRIMARY KEY,"
	"  application_id INTEGER NOT NULL REFERENCES applications(id),"
	"  purpose TEXT NOT NULL,"
	"  expires_at BIGINT NOT NULL,"
	"  used_at BIGINT,"
	"  created_at BIGINT NOT NULL);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  to_addr TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at BIGINT NOT NULL,"
	"  last_error TEXT,"
	"  created_at BIGINT NOT NULL,"
	"  sent_at BIGINT);"
	"CREATE INDEX outbox_due ON outbox(status, next_attempt_at);",
	/* 3: holders and their wrapped keys */
	"CREATE TABLE holders ("
	"  id INTEGER PRIMARY KEY,"
	"  application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id),"
	"  status TEXT NOT NULL,"
	"  cert_serial TEXT REFERENCES certs(serial),"
	"  wrapped_key BLOB NOT NULL,"
	"  key_alg TEXT NOT NULL,"
	"  failed_passphrases INTEGER NOT NULL DEFAULT 0,"
	"  created_at BIGINT NOT NULL,"
	"  updated_at BIGINT NOT NULL);"
	"CREATE INDEX holders_by_cert ON holders(cert_serial);",
	/* 4: the lifecycle (P7, P8, forgotten passphrase) and S1 */
	"CREATE TABLE holder_requests ("
	"  id INTEGER PRIMARY KEY,"
	"  public_id TEXT NOT NULL UNIQUE,"
	"  holder_id INTEGER NOT NULL REFERENCES holders(id),"
	"  kind TEXT NOT NULL,"			/* renew, reissue */
	"  status TEXT NOT NULL,"
	"  selfie BLOB,"
	"  registry_log TEXT,"
	"  face_score REAL,"
	"  check_attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_check_at BIGINT,"
	"  reason TEXT,"
	"  old_serial TEXT,"
	"  new_serial TEXT,"
	"  requested_by TEXT NOT NULL,"
	"  decided_by TEXT,"
	"  decided_at BIGINT,"
	"  created_at BIGINT NOT NULL,"
	"  updated_at BIGINT NOT NULL);"
	/* One open request per holder. */
	"CREATE UNIQUE INDEX holder_requests_open ON holder_requests(holder_id) "
	"  WHERE status IN ('WAITING_SELFIE', 'CHECKING', 'MANUAL_REVIEW', "
	"  'APPROVED');"
	"CREATE INDEX holder_requests_checks ON holder_requests(status, "
	"  next_check_at);"
	"ALTER TABLE links ADD COLUMN request_id INTEGER "
	"  REFERENCES holder_requests(id);"
	/* Reminders and flags that go out once: "expiry:SERIAL:30", ... */
	"CREATE TABLE notices ("
	"  key TEXT PRIMARY KEY,"
	"  sent_at BIGINT NOT NULL);"
	"ALTER TABLE applications ADD COLUMN overdue_at BIGINT;"
	/* A finished application (its certificate expired or revoked) is
	 * CLOSED when its holder applies anew: it no longer blocks. */
	"DROP INDEX applications_open_email;"
	"DROP INDEX applications_open_nik;"
	"CREATE UNIQUE INDEX applications_open_email ON applications(email) "
	"  WHERE status NOT IN ('CANCELLED', 'CLOSED');"
	"CREATE UNIQUE INDEX applications_open_nik ON applications(nik) "
	"  WHERE status NOT IN ('CANCELLED', 'CLOSED') AND nik IS NOT NULL;"
	/* The non-working days (S1), seeded from data/holidays-id.json on
	 * first start; ADMIN edits them. */
	"CREATE TABLE holidays ("
	"  date TEXT PRIMARY KEY,"
	"  name_id TEXT NOT NULL,"
	"  name_en TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  updated_by TEXT NOT NULL,"
	"  updated_at BIGINT NOT NULL);",
	/* 5: the signing log, download-once copies, signing TOTPs */
	"CREATE TABLE signatures ("
	"  id TEXT PRIMARY KEY,"
	"  holder_id INTEGER NOT NULL REFERENCES holders(id),"
	"  serial TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  level TEXT NOT NULL,"
	"  client TEXT,"
	"  signer_name TEXT NOT NULL,"
	"  signed_at BIGINT NOT NULL);"
	"CREATE INDEX signatures_by_sha256 ON signatures(sha256);"
	"CREATE TABLE downloads ("
	"  id TEXT PRIMARY KEY REFERENCES signatures(id),"
	"  pdf BLOB,"
	"  expires_at BIGINT NOT NULL,"
	"  downloaded_at BIGINT,"
	"  created_at BIGINT NOT NULL);"
	"CREATE TABLE sign_otps ("
	"  id INTEGER PRIMARY KEY,"
	"  holder_id INTEGER NOT NULL REFERENCES holders(id),"
	"  code_hash TEXT NOT NULL,"
	"  files INTEGER NOT NULL,"
	"  tries INTEGER NOT NULL DEFAULT 0,"
	"  expires_at BIGINT NOT NULL,"
	"  used_at BIGINT,"
	"  created_at BIGINT NOT NULL);"
	"CREATE INDEX sign_otps_holder ON sign_otps(holder_id, used_at);",
	/* 6: agency seals */
	"CREATE TABLE seals ("
	"  id TEXT PRIMARY KEY,"
	"  agency_id INTEGER NOT NULL REFERENCES agencies(id),"
	"  status TEXT NOT NULL,"
	"  cert_serial TEXT NOT NULL REFERENCES certs(serial),"
	"  wrapped_key BLOB NOT NULL,"
	"  activated_at BIGINT,"
	"  created_at BIGINT NOT NULL,"
	"  updated_at BIGINT NOT NULL);"
	"CREATE UNIQUE INDEX seals_live ON seals(agency_id) WHERE status <> "
	"  'REVOKED';"
	"CREATE TABLE seal_codes ("
	"  id INTEGER PRIMARY KEY,"
	"  seal_id TEXT NOT NULL REFERENCES seals(id),"
	"  purpose TEXT NOT NULL,"
	"  code_hash TEXT NOT NULL,"
	"  files INTEGER NOT NULL,"
	"  tries INTEGER NOT NULL DEFAULT 0,"
	"  expires_at BIGINT NOT NULL,"
	"  used_at BIGINT,"
	"  created_at BIGINT NOT NULL);",
	/* 7: complaints (S4) */
	"CREATE TABLE complaints ("
	"  id INTEGER PRIMARY KEY,"
	"  ticket TEXT NOT NULL UNIQUE,"
	"  day INTEGER NOT NULL,"		/* YYYYMMDD, Asia/Jakarta */
	"  seq INTEGER NOT NULL,"
	"  token_hash TEXT NOT NULL UNIQUE,"	/* SHA-256 of the status link */
	"  channel TEXT NOT NULL,"
	"  category TEXT NOT NULL,"
	"  agency_id INTEGER REFERENCES agencies(id),"
	"  name TEXT NOT NULL,"
	"  email TEXT,"
	"  phone TEXT,"
	"  handle TEXT,"
	"  body TEXT NOT NULL,"
	"  lang TEXT NOT NULL DEFAULT 'id',"
	"  status TEXT NOT NULL,"
	"  assigned_to INTEGER REFERENCES users(id),"
	"  attachment BLOB,"
	"  attachment_type TEXT,"
	"  attachment_len BIGINT,"
	"  due_at BIGINT NOT NULL,"
	"  first_answer_at BIGINT,"
	"  closed_at BIGINT,"
	"  close_reason TEXT,"
	"  created_by TEXT NOT NULL,"
	"  created_at BIGINT NOT NULL,"
	"  updated_at BIGINT NOT NULL,"
	"  UNIQUE (day, seq));"
	"CREATE INDEX complaints_desk ON complaints(agency_id, status, due_at);"
	"CREATE INDEX complaints_received ON complaints(created_at);"
	"CREATE TABLE complaint_replies ("
	"  id INTEGER PRIMARY KEY,"
	"  complaint_id INTEGER NOT NULL REFERENCES complaints(id),"
	"  body TEXT NOT NULL,"
	"  author TEXT NOT NULL,"
	"  emailed INTEGER NOT NULL,"
	"  created_at BIGINT NOT NULL);"
	"CREATE INDEX complaint_replies_of ON complaint_replies(complaint_id, "
	"  id);",
};

enum q {
	Q_SERIAL, Q_CERT_INS, Q_CERT_GET, Q_CERT_REVOKE, Q_CERT_REVOKED,
	Q_CRLNUM_GET, Q_CRLNUM_SET, Q_CRL_PUT, Q_CRL_GET, Q_OCSP_PUT,
	Q_OCSP_GET, Q_OCSP_STALE, Q_TSA_INS, Q_AUDIT_INS, Q_AUDIT_LAST,
	Q_AUDIT_ALL, Q_META_GET, Q_META_PUT, Q__COUNT
};

static const char *sql[Q__COUNT] = {
	[Q_SERIAL] = "INSERT INTO serials(serial, purpose, reserved_at) "
	    "VALUES (?, ?, ?)",
	[Q_CERT_INS] = "INSERT INTO certs(serial, ca, kind, subject, "
	    "not_before, not_after, der) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[Q_CERT_GET] = "SELECT serial, ca, kind, subject, not_before, "
	    "not_after, revoked, revoked_at, reason, der FROM certs "
	    "WHERE serial = ?",
	[Q_CERT_REVOKE] = "UPDATE certs SET revoked = 1, revoked_at = ?, "
	    "reason = ? WHERE serial = ? AND revoked = 0",
	[Q_CERT_REVOKED] = "SELECT serial, ca, kind, subject, not_before, "
	    "not_after, revoked, revoked_at, reason, NULL FROM certs "
	    "WHERE ca = ? AND revoked = 1 AND not_after > ? ORDER BY serial",
	[Q_CRLNUM_GET] = "SELECT last FROM crl_numbers WHERE ca = ?",
	[Q_CRLNUM_SET] = "INSERT INTO crl_numbers(ca, last) VALUES (?, ?) "
	    "ON CONFLICT(ca) DO UPDATE SET last = excluded.last",
	[Q_CRL_PUT] = "INSERT INTO crls(ca, number, this_update, "
	    "next_update, der) VALUES (?, ?, ?, ?, ?)",
	[Q_CRL_GET] = "SELECT der, this_update, next_update FROM crls "
	    "WHERE ca = ? ORDER BY number DESC LIMIT 1",
	[Q_OCSP_PUT] = "INSERT INTO ocsp_responses(serial, hash, "
	    "this_update, next_update, der) VALUES (?, ?, ?, ?, ?) "
	    "ON CONFLICT(serial, hash) DO UPDATE SET "
	    "this_update = excluded.this_update, "
	    "next_update = excluded.next_update, der = excluded.der",
	[Q_OCSP_GET] = "SELECT der, this_update FROM ocsp_responses "
	    "WHERE serial = ? AND hash = ?",
	[Q_OCSP_STALE] = "SELECT c.serial FROM certs c "
	    "LEFT JOIN ocsp_responses o ON o.serial = c.serial "
	    "AND o.hash = 'sha1' WHERE c.kind = 'holder' "
	    "AND c.not_after > ? AND (o.this_update IS NULL "
	    "OR o.this_update < ?) ORDER BY c.serial",
	[Q_TSA_INS] = "INSERT INTO tsa_tokens(serial, gen_time, policy, "
	    "imprint) VALUES (?, ?, ?, ?)",
	[Q_AUDIT_INS] = "INSERT INTO audit(id, ts, actor, action, object, "
	    "detail, prev, hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_AUDIT_LAST] = "SELECT id, ts, actor, action, object, detail, "
	    "prev, hash, mac FROM audit ORDER BY id DESC LIMIT 1",
	[Q_AUDIT_ALL] = "SELECT id, ts, actor, action, object, detail, "
	    "prev, hash, mac FROM audit ORDER BY id",
	[Q_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[Q_META_PUT] = "INSERT INTO meta(key, value) VALUES (?, ?) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
};

#define GENERIC_CACHE	64

struct be {
	sqlite3		*db;
	sqlite3_stmt	*st[Q__COUNT];
	/* Prepared generic statements, keyed by the SQL text's address
	 * (callers pass string constants). */
	struct {
		const char	*sql;
		sqlite3_stmt	*st;
	}		 gen[GENERIC_CACHE];
	size_t		 ngen;
};

#define BE(s)	((struct be *)(s)->be)

static int
dberr(struct store *s, struct err *e, const char *what)
{
	int rc = sqlite3_extended_errcode(BE(s)->db);

	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
		return err_set(e, ERR_CONFLICT, "%s: duplicate key", what);
	return err_set(e, ERR_STORE, "%s: %s", what,
	    sqlite3_errmsg(BE(s)->db));
}

static sqlite3_stmt *
stmt(struct store *s, enum q q, struct err *e)
{
	struct be *b = BE(s);

	if (b->st[q] == NULL && sqlite3_prepare_v3(b->db, sql[q], -1,
	    SQLITE_PREPARE_PERSISTENT, &b->st[q], NULL) != SQLITE_OK) {
		dberr(s, e, "prepare");
		return NULL;
	}
	sqlite3_reset(b->st[q]);
	sqlite3_clear_bindings(b->st[q]);
	return b->st[q];
}

static int
exec(struct store *s, const char *q, struct err *e)
{
	if (sqlite3_exec(BE(s)->db, q, NULL, NULL, NULL) != SQLITE_OK)
		return dberr(s, e, "exec");
	return 0;
}

static int
sq_open(struct store *s, const char *dir, const char *spec, struct err *e)
{
	char path[PATH_MAX];
	struct be *b;

	if (spec[0] == '/')
		snprintf(path, sizeof(path), "%s", spec);
	else if (path_join(path, sizeof(path), dir, spec) == -1)
		return err_set(e, ERR_CONFIG, "database path too long");
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	s->be = b;
	if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return dberr(s, e, path);
	sqlite3_busy_timeout(b->db, 10000);
	if (exec(s, "PRAGMA journal_mode=WAL", e) == -1 ||
	    exec(s, "PRAGMA synchronous=FULL", e) == -1 ||
	    exec(s, "PRAGMA foreign_keys=ON", e) == -1)
		return -1;
	return 0;
}

static void
sq_close(struct store *s)
{
	struct be *b = BE(s);
	size_t i;

	for (i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(b->st[i]);
	for (i = 0; i < b->ngen; i++)
		sqlite3_finalize(b->gen[i].st);
	sqlite3_close(b->db);
	free(b);
	s->be = NULL;
}

static int
sq_begin(struct store *s, struct err *e)
{
	return exec(s, "BEGIN IMMEDIATE", e);
}

static int
sq_commit(struct store *s, struct err *e)
{
	return exec(s, "COMMIT", e);
}

static void
sq_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(BE(s)->db))
		(void)sqlite3_exec(BE(s)->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
sq_migrate(struct store *s, struct err *e)
{
	sqlite3_stmt *st;
	long have = 0;
	size_t i;
	char q[128];

	if (exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)", e) == -1)
		return -1;
	if (sqlite3_prepare_v2(BE(s)->db, "SELECT COALESCE(MAX(version), 0) "
	    "FROM schema_migrations", -1, &st, NULL) != SQLITE_OK)
		return dberr(s, e, "migrate");
	if (sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((size_t)have > sizeof(migrations) / sizeof(migrations[0]))
		return err_set(e, ERR_STORE, "database schema %ld is newer "
		    "than this program", have);
	for (i = (size_t)have; i < sizeof(migrations) / sizeof(migrations[0]);
	    i++) {
		if (sq_begin(s, e) == -1)
			return -1;
		snprintf(q, sizeof(q), "INSERT INTO schema_migrations VALUES "
		    "(%zu, %lld)", i + 1, (long long)now_utc());
		if (exec(s, migrations[i], e) == -1 || exec(s, q, e) == -1) {
			sq_rollback(s);
			return -1;
		}
		if (sq_commit(s, e) == -1)
			return -1;
	}
	return 0;
}

/* Runs a statement that returns no rows. */
static int
done(struct store *s, sqlite3_stmt *st, struct err *e, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dberr(s, e, what);
	return 0;
}

static void
col_str(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(out, n, "%s", t != NULL ? (const char *)t : "");
}

static int
col_blob(sqlite3_stmt *st, int i, struct buf *b)
{
	const void *p = sqlite3_column_blob(st, i);
	int n = sqlite3_column_bytes(st, i);

	b->len = 0;
	return n > 0 ? buf_add(b, p, (size_t)n) : 0;
}

static int
sq_serial_reserve(struct store *s, const char *serial, const char *purpose,
    struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_SERIAL, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_utc());
	return done(s, st, e, "serial reserve");
}

static int
sq_cert_insert(struct store *s, const struct cert_rec *r, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_CERT_INS, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, r->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->ca, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->not_before);
	sqlite3_bind_int64(st, 6, r->not_after);
	sqlite3_bind_blob(st, 7, r->der.data, (int)r->der.len, SQLITE_STATIC);
	return done(s, st, e, "cert insert");
}

static int
row_cert(sqlite3_stmt *st, struct cert_rec *r)
{
	col_str(st, 0, r->serial, sizeof(r->serial));
	col_str(st, 1, r->ca, sizeof(r->ca));
	col_str(st, 2, r->kind, sizeof(r->kind));
	col_str(st, 3, r->subject, sizeof(r->subject));
	r->not_before = sqlite3_column_int64(st, 4);
	r->not_after = sqlite3_column_int64(st, 5);
	r->revoked = sqlite3_column_int(st, 6);
	r->revoked_at = sqlite3_column_int64(st, 7);
	r->reason = sqlite3_column_int(st, 8);
	return col_blob(st, 9, &r->der);
}

static int
sq_cert_get(struct store *s, const char *serial, struct cert_rec *r,
    struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_CERT_GET, e);
	int rc, ret;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ret = row_cert(st, r) == -1 ? err_set(e, ERR_INTERNAL,
		    "out of memory") : 0;
	else if (rc == SQLITE_DONE)
		ret = 1;
	else
		ret = dberr(s, e, "cert get");
	sqlite3_reset(st);
	return ret;
}

static int
sq_cert_revoke(struct store *s, const char *serial, time_t t, int reason,
    struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_CERT_REVOKE, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, t);
	sqlite3_bind_int(st, 2, reason);
	sqlite3_bind_text(st, 3, serial, -1, SQLITE_STATIC);
	if (done(s, st, e, "cert revoke") == -1)
		return -1;
	if (sqlite3_changes(BE(s)->db) != 1)
		return err_set(e, ERR_CERT_ALREADY_REVOKED, "not revocable");
	return 0;
}

static int
sq_cert_revoked_each(struct store *s, const char *ca, time_t now,
    store_cert_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_CERT_REVOKED, e);
	struct cert_rec r;
	int rc, ret = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, ca, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	cert_rec_init(&r);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_cert(st, &r);
		if (cb(arg, &r) == -1) {
			ret = err_set(e, ERR_INTERNAL, "revoked list callback");
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = dberr(s, e, "revoked list");
	cert_rec_cleanup(&r);
	sqlite3_reset(st);
	return ret;
}

static int
sq_crl_next_number(struct store *s, const char *ca, long *num, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_CRLNUM_GET, e);
	long last = 0;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, ca, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		last = (long)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dberr(s, e, "crl number");
	if ((st = stmt(s, Q_CRLNUM_SET, e)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, ca, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, last + 1);
	if (done(s, st, e, "crl number") == -1)
		return -1;
	*num = last + 1;
	return 0;
}

static int
sq_crl_put(struct store *s, const char *ca, long number, time_t tu,
    time_t nu, const struct buf *der, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_CRL_PUT, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, ca, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, number);
	sqlite3_bind_int64(st, 3, tu);
	sqlite3_bind_int64(st, 4, nu);
	sqlite3_bind_blob(st, 5, der->data, (int)der->len, SQLITE_STATIC);
	return done(s, st, e, "crl put");
}

static int
sq_crl_get(struct store *s, const char *ca, struct buf *der, time_t *tu,
    time_t *nu, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_CRL_GET, e);
	int rc, ret;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, ca, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ret = col_blob(st, 0, der) == -1 ?
		    err_set(e, ERR_INTERNAL, "crl too large") : 0;
		*tu = sqlite3_column_int64(st, 1);
		*nu = sqlite3_column_int64(st, 2);
	} else if (rc == SQLITE_DONE)
		ret = 1;
	else
		ret = dberr(s, e, "crl get");
	sqlite3_reset(st);
	return ret;
}

static int
sq_ocsp_put(struct store *s, const char *serial, const char *hash,
    const struct buf *der, time_t tu, time_t nu, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_OCSP_PUT, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, tu);
	sqlite3_bind_int64(st, 4, nu);
	sqlite3_bind_blob(st, 5, der->data, (int)der->len, SQLITE_STATIC);
	return done(s, st, e, "ocsp put");
}

static int
sq_ocsp_get(struct store *s, const char *serial, const char *hash,
    struct buf *der, time_t *tu, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_OCSP_GET, e);
	int rc, ret;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ret = col_blob(st, 0, der) == -1 ?
		    err_set(e, ERR_INTERNAL, "response too large") : 0;
		*tu = sqlite3_column_int64(st, 1);
	} else if (rc == SQLITE_DONE)
		ret = 1;
	else
		ret = dberr(s, e, "ocsp get");
	sqlite3_reset(st);
	return ret;
}

static int
sq_ocsp_stale_each(struct store *s, time_t before, time_t now,
    store_serial_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_OCSP_STALE, e);
	char serial[SERIAL_HEX_MAX];
	int rc, ret = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, before);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		col_str(st, 0, serial, sizeof(serial));
		if (cb(arg, serial) == -1) {
			ret = err_set(e, ERR_INTERNAL, "ocsp refresh callback");
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = dberr(s, e, "ocsp stale");
	sqlite3_reset(st);
	return ret;
}

static int
sq_tsa_insert(struct store *s, const char *serial, time_t t,
    const char *policy, const char *imprint, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_TSA_INS, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, t);
	sqlite3_bind_text(st, 3, policy, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, imprint, -1, SQLITE_STATIC);
	return done(s, st, e, "tsa insert");
}

static int
sq_audit_append(struct store *s, const struct audit_rec *r, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_AUDIT_INS, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_text(st, 2, r->ts, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->object, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->mac, -1, SQLITE_STATIC);
	return done(s, st, e, "audit append");
}

/* Like col_str, but says whether the stored text was cut short. */
static int
col_str_fits(sqlite3_stmt *st, int i, char *out, size_t n)
{
	col_str(st, i, out, n);
	return (size_t)sqlite3_column_bytes(st, i) < n;
}

static void
row_audit(sqlite3_stmt *st, struct audit_rec *r)
{
	int fits = 1;

	r->id = (long)sqlite3_column_int64(st, 0);
	/* A field longer than its buffer cannot have been written by
	 * audit_append, which refuses those: flag it instead of hashing a
	 * truncated copy that would hide whatever was appended. */
	fits &= col_str_fits(st, 1, r->ts, sizeof(r->ts));
	fits &= col_str_fits(st, 2, r->actor, sizeof(r->actor));
	fits &= col_str_fits(st, 3, r->action, sizeof(r->action));
	fits &= col_str_fits(st, 4, r->object, sizeof(r->object));
	fits &= col_str_fits(st, 5, r->detail, sizeof(r->detail));
	fits &= col_str_fits(st, 6, r->prev, sizeof(r->prev));
	fits &= col_str_fits(st, 7, r->hash, sizeof(r->hash));
	fits &= col_str_fits(st, 8, r->mac, sizeof(r->mac));
	r->overlong = !fits;
}

static int
sq_audit_last(struct store *s, struct audit_rec *r, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_AUDIT_LAST, e);
	int rc, ret;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row_audit(st, r);
		ret = 0;
	} else if (rc == SQLITE_DONE)
		ret = 1;
	else
		ret = dberr(s, e, "audit last");
	sqlite3_reset(st);
	return ret;
}

static int
sq_audit_each(struct store *s, store_audit_cb cb, void *arg, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_AUDIT_ALL, e);
	struct audit_rec r;
	int rc, ret = 0;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_audit(st, &r);
		if ((ret = cb(arg, &r)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = dberr(s, e, "audit list");
	sqlite3_reset(st);
	return ret;
}

static int
sq_meta_get(struct store *s, const char *key, char *val, size_t n,
    struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_META_GET, e);
	int rc, ret;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		col_str(st, 0, val, n);
		ret = 0;
	} else if (rc == SQLITE_DONE)
		ret = 1;
	else
		ret = dberr(s, e, "meta get");
	sqlite3_reset(st);
	return ret;
}

static int
sq_meta_put(struct store *s, const char *key, const char *val, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_META_PUT, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, val, -1, SQLITE_STATIC);
	return done(s, st, e, "meta put");
}

static long long
r_i(void *h, int c)
{
	return sqlite3_column_int64(h, c);
}

static double
r_d(void *h, int c)
{
	return sqlite3_column_double(h, c);
}

static const char *
r_s(void *h, int c)
{
	return (const char *)sqlite3_column_text(h, c);
}

static const void *
r_b(void *h, int c, size_t *n)
{
	const void *p = sqlite3_column_blob(h, c);

	*n = (size_t)sqlite3_column_bytes(h, c);
	return p;
}

static const struct srow_ops sq_row_ops = { r_i, r_d, r_s, r_b };

static sqlite3_stmt *
generic_stmt(struct store *s, const char *q, struct err *e)
{
	struct be *b = BE(s);
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < b->ngen; i++)
		if (b->gen[i].sql == q) {
			sqlite3_reset(b->gen[i].st);
			sqlite3_clear_bindings(b->gen[i].st);
			return b->gen[i].st;
		}
	if (sqlite3_prepare_v3(b->db, q, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		dberr(s, e, "prepare");
		return NULL;
	}
	if (b->ngen == GENERIC_CACHE) {		/* full: drop the oldest */
		sqlite3_finalize(b->gen[0].st);
		memmove(&b->gen[0], &b->gen[1], sizeof(b->gen[0]) *
		    (GENERIC_CACHE - 1));
		b->ngen--;
	}
	b->gen[b->ngen].sql = q;
	b->gen[b->ngen++].st = st;
	return st;
}

static long
sq_query(struct store *s, const char *q, const struct sval *p, size_t n,
    store_row_cb cb, void *arg, struct err *e)
{
	struct srow row = { &sq_row_ops, NULL };
	sqlite3_stmt *st;
	long rows = 0;
	size_t i;
	int rc, k = 0, ro;

	if ((st = generic_stmt(s, q, e)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		int c = (int)i + 1;
		switch (p[i].t) {
		case SV_NULL: rc = sqlite3_bind_null(st, c); break;
		case SV_INT: rc = sqlite3_bind_int64(st, c, p[i].i); break;
		case SV_REAL: rc = sqlite3_bind_double(st, c, p[i].d); break;
		case SV_TEXT:
			rc = sqlite3_bind_text(st, c, p[i].s, -1, SQLITE_STATIC);
			break;
		case SV_BLOB:
			rc = sqlite3_bind_blob64(st, c, p[i].b, p[i].n,
			    SQLITE_STATIC);
			break;
		default: rc = SQLITE_MISUSE;
		}
		if (rc != SQLITE_OK) {
			sqlite3_reset(st);
			return dberr(s, e, "bind");
		}
	}
	ro = sqlite3_stmt_readonly(st);
	row.h = st;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		if (cb != NULL && (k = cb(arg, &row)) != 0)
			break;
	}
	if (k == -1) {
		sqlite3_reset(st);
		if (e->code == ERR_OK)
			err_set(e, ERR_INTERNAL, "row callback");
		return -1;
	}
	if (k == 0 && rc != SQLITE_DONE) {
		long r = dberr(s, e, "query");
		sqlite3_reset(st);
		return r;
	}
	sqlite3_reset(st);
	if (!ro && rows == 0)
		rows = sqlite3_changes(BE(s)->db);
	return rows;
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.migrate = sq_migrate,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.serial_reserve = sq_serial_reserve,
	.cert_insert = sq_cert_insert,
	.cert_get = sq_cert_get,
	.cert_revoke = sq_cert_revoke,
	.cert_revoked_each = sq_cert_revoked_each,
	.crl_next_number = sq_crl_next_number,
	.crl_put = sq_crl_put,
	.crl_get = sq_crl_get,
	.ocsp_put = sq_ocsp_put,
	.ocsp_get = sq_ocsp_get,
	.ocsp_stale_each = sq_ocsp_stale_each,
	.tsa_insert = sq_tsa_insert,
	.audit_append = sq_audit_append,
	.audit_last = sq_audit_last,
	.audit_each = sq_audit_each,
	.meta_get = sq_meta_get,
	.meta_put = sq_meta_put,
	.query = sq_query,
};
