/*
 * seal.c - the agency seal (segel elektronik): an organisation's
 * certificate that seals its documents, as the BSrE v2 seal calls use it.
 *
 * An operator (ADMIN/RA) creates one seal per agency: a key pair made and
 * wrapped by the key wall (keys_holder.c) and a certificate from the
 * issuing CA with CN "Segel Elektronik <agency>", O = the agency and
 * OU = "Segel Elektronik" (the mark by which a document's existing seal
 * is recognised). A seal is an organisational key under the operator's
 * control, so its wrapping rests on the server secret alone (the
 * "passphrase" is derived from the seal's id); what gates its use is
 * activation: it starts INACTIVE, the agency's verifiers receive a code
 * by e-mail and the agency application activates it with that code; it
 * can be deactivated at any time. Each sealing then needs a fresh
 * single-use code for the number of documents (5 minutes, 5 tries). A
 * document carries at most one seal.
 *
 * Decision (the contract is silent): the codes go to the agency's
 * verifiers, the people accountable for the agency's use of the service.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "agency.h"
#include "audit.h"
#include "keys_holder.h"
#include "outbox.h"
#include "seal.h"

#define CODE_SECONDS	300
#define CODE_TRIES	5

static void
seal_pass(const char *id, char *out, size_t n)
{
	snprintf(out, n, "sertel agency seal %s", id);
}

static int
seal_cb(void *arg, const struct srow *r)
{
	struct seal *x = arg;
	const void *b;
	size_t n = 0;

	srow_copy(r, 0, x->id, sizeof(x->id));
	x->agency_id = (long)srow_int(r, 1);
	srow_copy(r, 2, x->status, sizeof(x->status));
	srow_copy(r, 3, x->serial, sizeof(x->serial));
	b = srow_blob(r, 4, &n);
	x->wrapped.len = 0;
	return b != NULL ? buf_add(&x->wrapped, b, n) : 0;
}

void
seal_cleanup(struct seal *x)
{
	buf_cleanup(&x->wrapped);
}

int
seal_get(struct store *s, const char *id, long agency_id, struct seal *x,
    struct err *e)
{
	long n;

	memset(x, 0, sizeof(*x));
	buf_init(&x->wrapped, 1 << 16);
	n = store_q(s, "SELECT id, agency_id, status, cert_serial, wrapped_key "
	    "FROM seals WHERE (? IS NOT NULL AND id = ?) OR (? IS NULL AND "
	    "agency_id = ? AND status <> 'REVOKED') ORDER BY created_at DESC "
	    "LIMIT 1", seal_cb, x, e, SV_S(id), SV_S(id), SV_S(id),
	    SV_I(agency_id));
	if (n <= 0)
		return n == 0 ? 1 : -1;
	/* Another agency's seal does not exist for this caller. */
	return agency_id != 0 && x->agency_id != agency_id ? 1 : 0;
}

int
seal_create(struct pki *pki, struct store *s, const char *actor,
    const struct agency *ag, struct seal *x, struct err *e)
{
	unsigned char secret[HOLDER_SECRET_LEN], rnd[10], serial[SERIAL_LEN];
	char pass[80], cn[300], mail[200], detail[200];
	struct holder_req h;
	struct cert_rec c;
	EVP_PKEY *pub = NULL;
	int ret = -1;

	memset(x, 0, sizeof(*x));
	buf_init(&x->wrapped, 1 << 16);
	cert_rec_init(&c);
	if (seal_get(s, NULL, ag->id, x, e) == 0)
		return err_set(e, ERR_CONFLICT, "agency %s has a seal", ag->code);
	randombytes_buf(rnd, sizeof(rnd));
	snprintf(x->id, sizeof(x->id), "SEAL-");
	hex_encode(rnd, sizeof(rnd), x->id + 5, sizeof(x->id) - 5);
	seal_pass(x->id, pass, sizeof(pass));
	snprintf(cn, sizeof(cn), "Segel Elektronik %s", ag->name);
	snprintf(mail, sizeof(mail), "segel@%.150s", ag->domains[0] != '\0' ?
	    ag->domains : "instansi.go.id");
	if (strchr(mail, ',') != NULL)
		*strchr(mail, ',') = '\0';
	if (keys_holder_secret(pki->cfg->dir, secret, e) == -1 ||
	    (pub = keys_holder_create(secret, pass, pki->cfg->holder_key,
	    &x->wrapped, e)) == NULL ||
	    ca_serial_reserve(s, "seal", serial, e) == -1 ||
	    s->ops->begin(s, e) == -1)
		goto out;
	memset(&h, 0, sizeof(h));
	h.pubkey = pub;
	h.name = cn;
	h.email = mail;
	h.agency = ag->name;
	h.unit = SEAL_OU;
	snprintf(detail, sizeof(detail), "{\"seal\":\"%s\",\"agency\":\"%s\"}",
	    x->id, ag->code);
	if (ca_issue_holder_tx(pki, s, actor, &h, serial, &c, e) == -1 ||
	    store_q(s, "INSERT INTO seals(id, agency_id, status, cert_serial, "
	    "wrapped_key, created_at, updated_at) VALUES (?, ?, 'INACTIVE', ?, "
	    "?, ?, ?)", NULL, NULL, e, SV_S(x->id), SV_I(ag->id),
	    SV_S(c.serial), SV_B(x->wrapped.data, x->wrapped.len),
	    SV_I(now_utc()), SV_I(now_utc())) == -1 ||
	    audit_append(s, pki->audit_key, actor, "seal.create", x->id, detail,
	    e) == -1 || s->ops->commit(s, e) == -1) {
		s->ops->rollback(s);
		goto out;
	}
	x->agency_id = ag->id;
	snprintf(x->status, sizeof(x->status), "INACTIVE");
	snprintf(x->serial, sizeof(x->serial), "%s", c.serial);
	ret = 0;
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	OPENSSL_cleanse(pass, sizeof(pass));
	EVP_PKEY_free(pub);
	cert_rec_cleanup(&c);
	return ret;
}

static void
code_hash(const struct seal *x, const char *purpose, const char *code,
    char out[65])
{
	char in[96];

	snprintf(in, sizeof(in), "%s:%s:%.16s", x->id, purpose, code);
	auth_sha256_hex(in, out);
}

int
seal_send_code(struct ra *ra, struct store *s, const struct seal *x,
    const char *purpose, long files, struct err *e)
{
	struct agency ag;
	char code[8], hash[65];
	uint32_t n;
	json_t *v;
	int rc;

	if (agency_get_id(s, x->agency_id, &ag, e) != 0)
		return err_set(e, ERR_INTERNAL, "agency of seal");
	randombytes_buf(&n, sizeof(n));
	snprintf(code, sizeof(code), "%06u", n % 1000000);
	code_hash(x, purpose, code, hash);
	v = json_pack("{s:s, s:s, s:s, s:i, s:i}", "agency", ag.name, "what",
	    strcmp(purpose, "activate") == 0 ? "aktivasi segel elektronik" :
	    "penyegelan dokumen", "code", code, "files", (int)files, "minutes",
	    CODE_SECONDS / 60);
	OPENSSL_cleanse(code, sizeof(code));
	if (s->ops->begin(s, e) == -1) {
		json_decref(v);
		return -1;
	}
	rc = store_q(s, "UPDATE seal_codes SET used_at = ? WHERE seal_id = ? "
	    "AND purpose = ? AND used_at IS NULL", NULL, NULL, e,
	    SV_I(now_utc()), SV_S(x->id), SV_S(purpose)) == -1 ||
	    store_q(s, "INSERT INTO seal_codes(seal_id, purpose, code_hash, "
	    "files, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)", NULL,
	    NULL, e, SV_S(x->id), SV_S(purpose), SV_S(hash), SV_I(files),
	    SV_I(now_utc() + CODE_SECONDS), SV_I(now_utc())) == -1 ? -1 : 0;
	if (rc == 0 && (n = (uint32_t)ra_mail_verifiers(ra, s, x->agency_id,
	    "seal_code", v, e)) == 0)
		rc = err_set(e, ERR_WRONG_STATE, "the agency has no verifier to "
		    "receive the code");
	json_decref(v);
	if (rc == -1 || (int)n == -1 || s->ops->commit(s, e) == -1) {
		s->ops->rollback(s);
		return -1;
	}
	return 0;
}

struct code_row {
	long		 id, files, tries;
	long long	 expires;
	char		 hash[65];
};

static int
code_cb(void *arg, const struct srow *r)
{
	struct code_row *c = arg;

	c->id = (long)srow_int(r, 0);
	srow_copy(r, 1, c->hash, sizeof(c->hash));
	c->files = (long)srow_int(r, 2);
	c->tries = (long)srow_int(r, 3);
	c->expires = srow_int(r, 4);
	return 1;
}

int
seal_use_code(struct store *s, const struct seal *x, const char *purpose,
    const char *code, long files, struct err *e)
{
	struct code_row c;
	char hash[65];

	memset(&c, 0, sizeof(c));
	if (code == NULL || *code == '\0')
		return err_set(e, ERR_WRONG_PASSPHRASE, "no code");
	if (store_q(s, "SELECT id, code_hash, files, tries, expires_at FROM "
	    "seal_codes WHERE seal_id = ? AND purpose = ? AND used_at IS NULL "
	    "ORDER BY id DESC LIMIT 1", code_cb, &c, e, SV_S(x->id),
	    SV_S(purpose)) == -1)
		return -1;
	if (c.id == 0 || c.expires <= now_utc() || c.tries >= CODE_TRIES)
		return err_set(e, ERR_WRONG_PASSPHRASE, "no live code");
	code_hash(x, purpose, code, hash);
	if (CRYPTO_memcmp(hash, c.hash, 64) != 0 || (files > 0 &&
	    c.files != files)) {
		if (store_q(s, "UPDATE seal_codes SET tries = tries + 1 WHERE "
		    "id = ?", NULL, NULL, e, SV_I(c.id)) == -1)
			return -1;
		return err_set(e, ERR_WRONG_PASSPHRASE, "wrong code");
	}
	if (store_q(s, "UPDATE seal_codes SET used_at = ? WHERE id = ? AND "
	    "used_at IS NULL", NULL, NULL, e, SV_I(now_utc()), SV_I(c.id)) != 1)
		return err_set(e, ERR_WRONG_PASSPHRASE, "code used");
	return 0;
}

int
seal_set_status(struct pki *pki, struct store *s, const char *actor,
    struct seal *x, const char *status, struct err *e)
{
	char detail[96];

	snprintf(detail, sizeof(detail), "{\"status\":\"%s\"}", status);
	if (s->ops->begin(s, e) == -1)
		return -1;
	if (store_q(s, "UPDATE seals SET status = ?, activated_at = CASE WHEN "
	    "? = 'ACTIVE' THEN ? ELSE activated_at END, updated_at = ? WHERE "
	    "id = ? AND status <> 'REVOKED'", NULL, NULL, e, SV_S(status),
	    SV_S(status), SV_I(now_utc()), SV_I(now_utc()), SV_S(x->id)) != 1 ||
	    audit_append(s, pki->audit_key, actor, strcmp(status, "ACTIVE") ==
	    0 ? "seal.activate" : "seal.deactivate", x->id, detail, e) == -1 ||
	    s->ops->commit(s, e) == -1) {
		if (e->code == ERR_OK)
			err_set(e, ERR_WRONG_STATE, "seal revoked");
		s->ops->rollback(s);
		return -1;
	}
	snprintf(x->status, sizeof(x->status), "%s", status);
	return 0;
}

struct keys_holder_key *
seal_open(struct pki *pki, const struct seal *x, struct err *e)
{
	unsigned char secret[HOLDER_SECRET_LEN];
	struct keys_holder_key *k = NULL;
	char pass[80];

	if (keys_holder_secret(pki->cfg->dir, secret, e) == -1)
		return NULL;
	seal_pass(x->id, pass, sizeof(pass));
	k = keys_holder_open(0, secret, x->wrapped.data, x->wrapped.len, pass,
	    e);
	OPENSSL_cleanse(secret, sizeof(secret));
	OPENSSL_cleanse(pass, sizeof(pass));
	return k;
}

int
seal_present(json_t *report)
{
	json_t *sg;
	size_t i;

	json_array_foreach(json_object_get(report, "signatures"), i, sg) {
		const char *ou = json_string_value(json_object_get(
		    json_object_get(sg, "signer"), "organizational_unit"));
		if (ou != NULL && strcmp(ou, SEAL_OU) == 0)
			return 1;
	}
	return 0;
}
