/*
 * ra_check.c - automatic verification (P3) as a background worker.
 *
 * ASN: Dukcapil (NIK, name, birth place and date, gender, face) and BKN
 * (NIP: name, active). POLRI: Dukcapil and SIPP (NRP: name, active).
 * NON_ASN goes straight to the agency verifier. Every registry call is
 * made outside any database transaction and appended, asked and
 * answered, to the application's registry_log, with the face score and
 * the threshold in force. Outcomes:
 *  - all checks pass: VERIFIED;
 *  - a definite mismatch (unknown NIK, a name, birth data, face below
 *    the threshold, an unknown or inactive NIP/NRP): REJECTED, with the
 *    reason the applicant sees and can correct;
 *  - a registry unavailable: asked again after 2, 4, 8 ... seconds, up
 *    to registry.attempts times, then MANUAL_REVIEW;
 *  - anything the checks cannot decide (the registry's agency differs
 *    from the application's): MANUAL_REVIEW.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "agency.h"
#include "ident.h"
#include "ra.h"
#include "registry.h"

struct check {
	struct app	 a;
	char		 agency[256];	/* the application's agency's name */
	int		 dukcapil;	/* ask Dukcapil (with the selfie) */
	unsigned char	*selfie;
	size_t		 selfie_len;
	json_t		*log;		/* what was asked and answered */
	double		 face;
	const char	*reason;	/* code for RA_V_FAIL, text for RA_V_REVIEW */
};

static int
selfie_cb(void *arg, const struct srow *r)
{
	struct check *c = arg;
	const void *p;
	size_t n = 0;

	p = srow_blob(r, 0, &n);
	if (p == NULL || n == 0 || (c->selfie = malloc(n)) == NULL)
		return 0;
	memcpy(c->selfie, p, n);
	c->selfie_len = n;
	return 0;
}

static void
log_call(struct check *c, const char *registry, enum registry_outcome o,
    const struct registry_call *rc)
{
	json_array_append_new(c->log, json_pack("{s:s, s:s, s:s, s:s, s:i, "
	    "s:I, s:I}", "registry", registry, "outcome", o == REG_OK ? "ok" :
	    o == REG_NOT_FOUND ? "not_found" : "unavailable", "request",
	    rc->request, "answer", rc->answer, "http_status", rc->http_status,
	    "ms", (json_int_t)rc->ms, "at", (json_int_t)now_utc()));
}

static int
jtrue(json_t *j, const char *k)
{
	return json_is_true(json_object_get(j, k));
}

static enum ra_verdict
run_checks(struct ra *ra, struct check *c, struct err *e)
{
	const struct config *cfg = ra->cfg;
	struct registry_person p;
	struct registry_call call;
	enum registry_outcome o;
	json_t *ans = NULL;
	const char *rname;
	int asn = strcmp(c->a.category, "ASN") == 0, other;

	if (strcmp(c->a.category, "NON_ASN") == 0) {
		c->reason = "NON_ASN: verifikasi manual oleh verifikator "
		    "instansi";
		return RA_V_REVIEW;
	}
	if (!c->dukcapil)
		goto employer;
	memset(&p, 0, sizeof(p));
	p.nik = c->a.nik;
	p.name = c->a.name;
	p.birth_place = c->a.birth_place;
	p.birth_date = c->a.birth_date;
	p.gender = c->a.gender;
	memset(&call, 0, sizeof(call));
	o = registry_dukcapil_verify(cfg, &p, c->selfie, c->selfie_len, &ans,
	    &call, e);
	log_call(c, "dukcapil", o, &call);
	if (o == REG_UNAVAILABLE)
		return RA_V_RETRY;
	if (o == REG_NOT_FOUND || !jtrue(ans, "nik_found")) {
		json_decref(ans);
		c->reason = "NIK_NOT_FOUND";
		return RA_V_FAIL;
	}
	c->face = json_number_value(json_object_get(ans, "face_similarity"));
	c->reason = !jtrue(ans, "name_match") ? "NAME_MISMATCH" :
	    !jtrue(ans, "birth_place_match") || !jtrue(ans, "birth_date_match") ?
	    "BIRTH_MISMATCH" : !jtrue(ans, "gender_match") ? "GENDER_MISMATCH" :
	    c->face < cfg->face_threshold ? "FACE_MISMATCH" : NULL;
	json_decref(ans);
	ans = NULL;
	if (c->reason != NULL)
		return RA_V_FAIL;
employer:
	memset(&call, 0, sizeof(call));
	if (asn)
		o = registry_bkn_lookup(cfg, c->a.nip, &ans, &call, e);
	else
		o = registry_sipp_lookup(cfg, c->a.nrp, &ans, &call, e);
	log_call(c, asn ? "bkn" : "sipp", o, &call);
	if (o == REG_UNAVAILABLE)
		return RA_V_RETRY;
	if (o == REG_NOT_FOUND || !jtrue(ans, "found")) {
		json_decref(ans);
		c->reason = asn ? "NIP_NOT_FOUND" : "NRP_NOT_FOUND";
		return RA_V_FAIL;
	}
	rname = json_string_value(json_object_get(ans, "name"));
	if (rname == NULL || !ident_name_equal(rname, c->a.name))
		c->reason = asn ? "NIP_NAME_MISMATCH" : "NRP_NAME_MISMATCH";
	else if (!jtrue(ans, "active"))
		c->reason = "NOT_ACTIVE";
	rname = json_string_value(json_object_get(ans, "agency"));
	other = rname != NULL && c->agency[0] != '\0' &&
	    !ident_name_equal(rname, c->agency);
	json_decref(ans);
	if (c->reason != NULL)
		return RA_V_FAIL;
	/* Employed, but the registry names another agency (moved, or the
	 * agency's name is written differently): a person decides. */
	if (other) {
		c->reason = asn ? "Instansi menurut BKN berbeda: verifikasi "
		    "manual" : "Instansi menurut SIPP berbeda: verifikasi manual";
		return RA_V_REVIEW;
	}
	return RA_V_PASS;
}

enum ra_verdict
ra_run_checks(struct ra *ra, const struct app *a, const char *agency,
    const unsigned char *selfie, size_t selfie_len, int dukcapil,
    json_t *log, double *face, const char **reason, struct err *e)
{
	struct check c;
	enum ra_verdict v;

	memset(&c, 0, sizeof(c));
	c.a = *a;
	snprintf(c.agency, sizeof(c.agency), "%s", agency);
	c.dukcapil = dukcapil;
	c.selfie = (unsigned char *)selfie;
	c.selfie_len = selfie_len;
	c.log = log;
	c.face = -1;
	v = run_checks(ra, &c, e);
	*face = c.face;
	*reason = c.reason;
	return v;
}

struct due {
	long	 ids[16];
	size_t	 n;
};

static int
due_cb(void *arg, const struct srow *r)
{
	struct due *d = arg;

	if (d->n < 16)
		d->ids[d->n++] = (long)srow_int(r, 0);
	return 0;
}

/* Checks one application and records the verdict. */
static int
check_one(struct ra *ra, struct store *s, long id, struct err *e)
{
	struct check c;
	enum ra_verdict v;
	struct agency ag;
	char *log = NULL;
	json_t *prev;
	int rc, ret = -1;

	memset(&c, 0, sizeof(c));
	if ((rc = ra_get_by_id(s, id, &c.a, e)) != 0)
		return rc == 1 ? 0 : -1;
	if (strcmp(c.a.status, "SUBMITTED") != 0)
		return 0;
	if (agency_get_id(s, c.a.agency_id, &ag, e) != 0)
		return -1;
	snprintf(c.agency, sizeof(c.agency), "%s", ag.name);
	c.dukcapil = 1;
	if (store_q(s, "SELECT selfie FROM applications WHERE id = ?",
	    selfie_cb, &c, e, SV_I(id)) == -1)
		return -1;
	c.log = json_array();
	c.face = -1;
	v = run_checks(ra, &c, e);

	if (s->ops->begin(s, e) == -1)
		goto out;
	/* Append to what earlier rounds logged. */
	prev = ra_registry_log(s, id, e);
	if (prev != NULL) {
		json_array_extend(prev, c.log);
		json_decref(c.log);
		c.log = prev;
	}
	log = json_dumps(c.log, JSON_COMPACT);
	if (log == NULL || store_q(s, "UPDATE applications SET registry_log = "
	    "?, face_score = ?, face_threshold = ?, check_attempts = "
	    "check_attempts + 1, next_check_at = ? WHERE id = ? AND status = "
	    "'SUBMITTED'", NULL, NULL, e, SV_S(log), c.face >= 0 ?
	    SV_D(c.face) : SV_NUL, SV_D(ra->cfg->face_threshold),
	    SV_I(now_utc() + (2LL << (c.a.attempts < 12 ? c.a.attempts : 12))),
	    SV_I(id)) == -1)
		goto fail;
	c.a.attempts++;
	if (v == RA_V_RETRY && c.a.attempts >= ra->cfg->reg_attempts) {
		v = RA_V_REVIEW;
		c.reason = "Registri tidak tersedia setelah beberapa percobaan: "
		    "verifikasi manual";
	}
	switch (v) {
	case RA_V_PASS:
		rc = ra_transition(ra, s, &c.a, RA_AUTO_PASS, NULL, NULL, e);
		break;
	case RA_V_FAIL:
		rc = ra_transition(ra, s, &c.a, RA_AUTO_FAIL, NULL, c.reason, e);
		break;
	case RA_V_REVIEW:
		rc = ra_transition(ra, s, &c.a, RA_TO_REVIEW, NULL, c.reason, e);
		break;
	default:
		rc = 0;		/* stays SUBMITTED; next_check_at is set */
	}
	if (rc == -1 || s->ops->commit(s, e) == -1)
		goto fail;
	log_msg(LOG_INFO, "checks", "%s: %s", c.a.pid, v == RA_V_PASS ? "verified" :
	    v == RA_V_FAIL ? "rejected" : v == RA_V_REVIEW ? "manual review" :
	    "registry unavailable, will retry");
	ret = 0;
	goto out;
fail:
	s->ops->rollback(s);
out:
	free(log);
	json_decref(c.log);
	if (c.selfie != NULL) {
		OPENSSL_cleanse(c.selfie, c.selfie_len);
		free(c.selfie);
	}
	return ret;
}

int
ra_check_round(void *arg, struct store *s, struct err *e)
{
	struct ra *ra = arg;
	struct due d;
	size_t i;

	memset(&d, 0, sizeof(d));
	if (store_q(s, "SELECT id FROM applications WHERE status = 'SUBMITTED' "
	    "AND next_check_at <= ? ORDER BY next_check_at, id LIMIT 16",
	    due_cb, &d, e, SV_I(now_utc())) == -1)
		return -1;
	for (i = 0; i < d.n; i++)
		if (check_one(ra, s, d.ids[i], e) == -1)
			log_msg(LOG_ERROR, "checks", "application %ld: %s",
			    d.ids[i], e->detail);
	return d.n == 16 ? 0 : 1;
}
