/*
 * test_audit.c - the hash-chained, MACed audit log (audit.c).
 *
 * Each case starts from a fresh SQLite store holding five rows sealed
 * with a random key, changes the database behind the program's back
 * with plain SQL (as an attacker with write access to the file would),
 * and checks that audit_verify names the first row that no longer
 * holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "audit.h"
#include "unit.h"

struct fx {
	char		 dir[64];
	char		 db[128];
	struct store	*s;
	unsigned char	 key[AUDIT_KEY_LEN];
};

static int
append(struct fx *f, const unsigned char *key, const char *object,
    const char *detail)
{
	struct err e = { 0 };

	if (f->s->ops->begin(f->s, &e) == -1)
		return -1;
	if (audit_append(f->s, key, "unit", "test.append", object, detail,
	    &e) == -1 || f->s->ops->commit(f->s, &e) == -1) {
		print_error("audit_append: %s\n", e.detail);
		f->s->ops->rollback(f->s);
		return -1;
	}
	return 0;
}

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct err e = { 0 };
	char obj[16], detail[64];
	int i;

	if (f == NULL || unit_tmpdir(f->dir, sizeof(f->dir)) == -1 ||
	    RAND_bytes(f->key, sizeof(f->key)) != 1) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
	if ((f->s = store_open(f->dir, "sqlite:t.db", &e)) == NULL) {
		print_error("store_open: %s\n", e.detail);
		goto fail;
	}
	for (i = 1; i <= 5; i++) {
		snprintf(obj, sizeof(obj), "obj%d", i);
		snprintf(detail, sizeof(detail), "{\"n\":%d}", i);
		if (append(f, f->key, obj, detail) == -1)
			goto fail;
	}
	*state = f;
	return 0;
fail:
	store_close(f->s);
	unit_rmtree(f->dir);
	free(f);
	return -1;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	unit_rmtree(f->dir);
	OPENSSL_cleanse(f->key, sizeof(f->key));
	free(f);
	return 0;
}

/* Runs SQL on the database file with a connection of its own. */
static void
tamper(struct fx *f, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int changes;

	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		print_error("%s: %s\n", sql, msg != NULL ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(db);
		fail_msg("tampering SQL failed");
	}
	changes = sqlite3_total_changes(db);
	sqlite3_close(db);
	/* A no-op "tampering" would make the test prove nothing. */
	assert_true(changes > 0);
}

/* audit_verify, expecting a break at row bad. */
static void
expect_broken(struct fx *f, const unsigned char *key, long bad)
{
	struct err e = { 0 };
	long rows = -1, bad_id = -1;

	if (audit_verify(f->s, key, &rows, &bad_id, &e) != -1)
		fail_msg("audit_verify accepted a tampered log (%ld rows)",
		    rows);
	assert_int_equal(e.code, ERR_AUDIT_BROKEN);
	if (bad_id != bad)
		fail_msg("bad_id %ld, want %ld (%s)", bad_id, bad, e.detail);
}

static void
expect_intact(struct fx *f, long want_rows)
{
	struct err e = { 0 };
	long rows = -1, bad_id = -1;

	if (audit_verify(f->s, f->key, &rows, &bad_id, &e) != 0)
		fail_msg("audit_verify: %s", e.detail);
	assert_int_equal(rows, want_rows);
	assert_int_equal(bad_id, 0);
}

static void
intact_log_verifies(void **state)
{
	expect_intact(*state, 5);
}

static void
other_key_fails_at_first_row(void **state)
{
	struct fx *f = *state;
	unsigned char other[AUDIT_KEY_LEN];

	assert_int_equal(RAND_bytes(other, sizeof(other)), 1);
	expect_broken(f, other, 1);
}

static void
edited_detail(void **state)
{
	struct fx *f = *state;

	tamper(f, "UPDATE audit SET detail = '{\"n\":33}' WHERE id = 3");
	expect_broken(f, f->key, 3);
}

static void
edited_actor(void **state)
{
	struct fx *f = *state;

	tamper(f, "UPDATE audit SET actor = 'someone else' WHERE id = 4");
	expect_broken(f, f->key, 4);
}

static void
deleted_row(void **state)
{
	struct fx *f = *state;

	tamper(f, "DELETE FROM audit WHERE id = 2");
	expect_broken(f, f->key, 3);
}

static void
swapped_rows(void **state)
{
	struct fx *f = *state;

	tamper(f, "UPDATE audit SET id = -2 WHERE id = 2;"
	    "UPDATE audit SET id = 2 WHERE id = 4;"
	    "UPDATE audit SET id = 4 WHERE id = -2;");
	expect_broken(f, f->key, 2);
}

static void
forged_row(void **state)
{
	struct fx *f = *state;

	/* Linked correctly to row 5, with a made-up hash and MAC. */
	tamper(f, "INSERT INTO audit(id, ts, actor, action, object, detail, "
	    "prev, hash, mac) SELECT 6, ts, 'mallory', 'cert.issue', 'x', "
	    "'{}', hash, "
	    "'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', "
	    "'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' "
	    "FROM audit WHERE id = 5");
	expect_broken(f, f->key, 6);
}

static void
truncated_log(void **state)
{
	struct fx *f = *state;
	struct err e = { 0 };
	long rows = -1, bad_id = -1;

	tamper(f, "DELETE FROM audit WHERE id = 5");
	assert_int_equal(audit_verify(f->s, f->key, &rows, &bad_id, &e), -1);
	assert_int_equal(e.code, ERR_AUDIT_BROKEN);
	assert_int_equal(rows, 4);
	assert_int_equal(bad_id, 5);
}

static void
head_removed(void **state)
{
	struct fx *f = *state;

	tamper(f, "DELETE FROM meta WHERE key = 'audit.head'");
	expect_broken(f, f->key, 6);
}

static void
resealed_with_other_key(void **state)
{
	struct fx *f = *state;
	unsigned char other[AUDIT_KEY_LEN];

	/* Whoever lacks key A can extend the chain only with a key of
	 * their own; the hash links, the MAC does not. */
	assert_int_equal(RAND_bytes(other, sizeof(other)), 1);
	assert_int_equal(append(f, other, "obj6", "{\"n\":6}"), 0);
	expect_broken(f, f->key, 6);
}

/* The row hash as audit.c computes it: public, needs no key. */
static void
field(EVP_MD_CTX *c, const char *s)
{
	size_t n = strlen(s);
	unsigned char len[4] = { (unsigned char)(n >> 24),
	    (unsigned char)(n >> 16), (unsigned char)(n >> 8),
	    (unsigned char)n };

	EVP_DigestUpdate(c, len, sizeof(len));
	EVP_DigestUpdate(c, s, n);
}

static void
row_hash(const char *prev, long id, const char *ts, const char *actor,
    const char *action, const char *object, const char *detail,
    char out[65])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char h[32];
	unsigned int hl = 0;
	char sid[32];

	assert_non_null(c);
	snprintf(sid, sizeof(sid), "%ld", id);
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	field(c, "sertel-audit-v1");
	field(c, prev);
	field(c, sid);
	field(c, ts);
	field(c, actor);
	field(c, action);
	field(c, object);
	field(c, detail);
	EVP_DigestFinal_ex(c, h, &hl);
	EVP_MD_CTX_free(c);
	hex_encode(h, sizeof(h), out, 65);
}

/*
 * Edits row 3 and recomputes the hash chain from there on, as anyone
 * with the database but without the key can; only the MAC is left
 * stale.
 */
static void
rehashed_without_key(void **state)
{
	struct fx *f = *state;
	struct audit_rec r[3];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char prev[65], hash[65], sql[512];
	size_t i, n = 0;

	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, ts, actor, "
	    "action, object, detail, prev, hash FROM audit WHERE id >= 3 "
	    "ORDER BY id", -1, &st, NULL), SQLITE_OK);
	memset(r, 0, sizeof(r));
	while (n < 3 && sqlite3_step(st) == SQLITE_ROW) {
		r[n].id = (long)sqlite3_column_int64(st, 0);
		snprintf(r[n].ts, sizeof(r[n].ts), "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(r[n].actor, sizeof(r[n].actor), "%s",
		    (const char *)sqlite3_column_text(st, 2));
		snprintf(r[n].action, sizeof(r[n].action), "%s",
		    (const char *)sqlite3_column_text(st, 3));
		snprintf(r[n].object, sizeof(r[n].object), "%s",
		    (const char *)sqlite3_column_text(st, 4));
		snprintf(r[n].detail, sizeof(r[n].detail), "%s",
		    (const char *)sqlite3_column_text(st, 5));
		snprintf(r[n].prev, sizeof(r[n].prev), "%s",
		    (const char *)sqlite3_column_text(st, 6));
		snprintf(r[n].hash, sizeof(r[n].hash), "%s",
		    (const char *)sqlite3_column_text(st, 7));
		n++;
	}
	sqlite3_finalize(st);
	assert_int_equal(n, 3);
	/* First prove that the hash is recomputed the way audit.c does. */
	row_hash(r[0].prev, r[0].id, r[0].ts, r[0].actor, r[0].action,
	    r[0].object, r[0].detail, hash);
	assert_string_equal(hash, r[0].hash);
	snprintf(r[0].detail, sizeof(r[0].detail), "{\"n\":333}");
	memcpy(prev, r[0].prev, sizeof(prev));
	for (i = 0; i < n; i++) {
		row_hash(prev, r[i].id, r[i].ts, r[i].actor, r[i].action,
		    r[i].object, r[i].detail, hash);
		snprintf(sql, sizeof(sql), "UPDATE audit SET detail = '%s', "
		    "prev = '%s', hash = '%s' WHERE id = %ld", r[i].detail,
		    prev, hash, r[i].id);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
		memcpy(prev, hash, sizeof(prev));
	}
	sqlite3_close(db);
	expect_broken(f, f->key, 3);
}

static void
empty_log_verifies(void **state)
{
	char dir[64];
	struct store *s;
	struct err e = { 0 };
	unsigned char key[AUDIT_KEY_LEN] = { 1 };
	long rows = -1, bad = -1;
	int r;

	(void)state;
	assert_int_equal(unit_tmpdir(dir, sizeof(dir)), 0);
	s = store_open(dir, "sqlite:t.db", &e);
	r = s != NULL ? audit_verify(s, key, &rows, &bad, &e) : -2;
	store_close(s);
	unit_rmtree(dir);
	assert_int_equal(r, 0);
	assert_int_equal(rows, 0);
	assert_int_equal(bad, 0);
}

/*
 * A row's fields are read back into fixed-size buffers (struct
 * audit_rec); whatever the database holds beyond them is never hashed.
 * A detail that fills its buffer can thus be extended undetected.
 */
static void
extended_long_detail(void **state)
{
	struct fx *f = *state;
	char detail[sizeof(((struct audit_rec *)0)->detail)];

	memset(detail, 'x', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	assert_int_equal(append(f, f->key, "obj6", detail), 0);
	expect_intact(f, 6);
	tamper(f, "UPDATE audit SET detail = detail || ' and more' "
	    "WHERE id = 6");
	expect_broken(f, f->key, 6);
}

/* A detail longer than the row can hold must not be cut silently:
 * the log would then record something other than what happened. */
static void
overlong_detail_not_truncated(void **state)
{
	struct fx *f = *state;
	struct err e = { 0 };
	struct audit_rec last;
	char detail[2000];
	int r;

	memset(detail, 'y', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	assert_int_equal(f->s->ops->begin(f->s, &e), 0);
	r = audit_append(f->s, f->key, "unit", "test.append", "obj6", detail,
	    &e);
	if (r == -1) {
		/* Refusing is fine. */
		f->s->ops->rollback(f->s);
		expect_intact(f, 5);
		return;
	}
	assert_int_equal(f->s->ops->commit(f->s, &e), 0);
	assert_int_equal(f->s->ops->audit_last(f->s, &last, &e), 0);
	assert_int_equal(last.id, 6);
	if (strlen(last.detail) != strlen(detail))
		fail_msg("audit_append kept %zu of %zu detail characters "
		    "and reported success", strlen(last.detail),
		    strlen(detail));
}

#define FX(t)	cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)

int
run_audit_tests(void)
{
	const struct CMUnitTest tests[] = {
		FX(intact_log_verifies),
		FX(other_key_fails_at_first_row),
		FX(edited_detail),
		FX(edited_actor),
		FX(deleted_row),
		FX(swapped_rows),
		FX(forged_row),
		FX(truncated_log),
		FX(head_removed),
		FX(resealed_with_other_key),
		FX(rehashed_without_key),
		cmocka_unit_test(empty_log_verifies),
		FX(extended_long_detail),
		FX(overlong_detail_not_truncated),
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
