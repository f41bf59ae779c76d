/*
 * ra.c - the registration workflow.
 *
 * An application moves only through the transition table below: one
 * row per (state, event), naming who may cause it, the e-mail it sends
 * and the audit action it writes. ra_transition is the one place that
 * checks and applies a row; it updates the status with a compare on the
 * old one (so two verifiers cannot both decide), writes the audit row
 * and queues the e-mail in the caller's transaction.
 *
 * Automatic checks (P3) run in a worker, outside any transaction while
 * they wait for the registries; what was asked and answered is appended
 * to the application. A registry that is down is asked again with
 * exponential back-off (registry.attempts times), then the application
 * goes to manual review: nothing is lost and nothing is guessed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <sodium.h>

#include <pthread.h>

#include "agency.h"
#include "holidays.h"
#include "audit.h"
#include "ident.h"
#include "image.h"
#include "outbox.h"
#include "ra.h"

#define SYSTEM	0u		/* a transition only the workflow makes */

static const struct transition {
	const char	*from;
	enum ra_event	 ev;
	const char	*to;
	unsigned	 roles;
	const char	*mail;		/* to the applicant, or NULL */
	const char	*action;	/* audit */
} transitions[] = {
	{ "NEW", RA_CONFIRM, "NEW", R_STAFF, "activation_link",
	  "application.confirm" },
	{ "NEW", RA_SUBMIT, "SUBMITTED", R_PUBLIC, NULL,
	  "application.submit" },
	{ "REJECTED", RA_SUBMIT, "SUBMITTED", R_PUBLIC, NULL,
	  "application.resubmit" },
	{ "SUBMITTED", RA_AUTO_PASS, "VERIFIED", SYSTEM, "application_verified",
	  "application.verified" },
	{ "SUBMITTED", RA_AUTO_FAIL, "REJECTED", SYSTEM, "application_rejected",
	  "application.rejected" },
	{ "SUBMITTED", RA_TO_REVIEW, "MANUAL_REVIEW", SYSTEM, NULL,
	  "application.manual_review" },
	{ "MANUAL_REVIEW", RA_APPROVE, "VERIFIED", R_STAFF,
	  "application_verified", "application.approved" },
	{ "MANUAL_REVIEW", RA_REJECT, "REJECTED", R_STAFF,
	  "application_rejected", "application.rejected" },
	{ "NEW", RA_CANCEL, "CANCELLED", R_STAFF, NULL, "application.cancel" },
	{ "SUBMITTED", RA_CANCEL, "CANCELLED", R_STAFF, NULL,
	  "application.cancel" },
	{ "MANUAL_REVIEW", RA_CANCEL, "CANCELLED", R_STAFF, NULL,
	  "application.cancel" },
	{ "REJECTED", RA_CANCEL, "CANCELLED", R_STAFF, NULL,
	  "application.cancel" },
	/* P8: a new application replaces one whose certificate has
	 * expired or was revoked. */
	{ "VERIFIED", RA_CLOSE, "CLOSED", SYSTEM, NULL, "application.closed" },
};

/* Reasons the automatic checks give, in both languages. */
static const struct {
	const char	*code;
	const char	*id;
	const char	*en;
} reasons[] = {
	{ "NIK_NOT_FOUND", "NIK tidak ditemukan di data kependudukan "
	  "(Dukcapil).", "The NIK was not found in the population registry." },
	{ "NAME_MISMATCH", "Nama tidak sesuai dengan data kependudukan.",
	  "The name does not match the population registry." },
	{ "BIRTH_MISMATCH", "Tempat atau tanggal lahir tidak sesuai dengan "
	  "data kependudukan.", "The place or date of birth does not match "
	  "the population registry." },
	{ "GENDER_MISMATCH", "Jenis kelamin tidak sesuai dengan data "
	  "kependudukan.", "The gender does not match the population "
	  "registry." },
	{ "FACE_MISMATCH", "Foto wajah tidak cocok dengan data kependudukan. "
	  "Ambil swafoto baru dengan wajah terlihat jelas.",
	  "The face does not match the population registry. Take a new "
	  "selfie with your face clearly visible." },
	{ "NIP_NOT_FOUND", "NIP tidak ditemukan di data kepegawaian (BKN).",
	  "The NIP was not found in the civil-service registry (BKN)." },
	{ "NIP_NAME_MISMATCH", "Nama tidak sesuai dengan data kepegawaian "
	  "(BKN).", "The name does not match the civil-service registry." },
	{ "NRP_NOT_FOUND", "NRP tidak ditemukan di data personel Polri (SIPP).",
	  "The NRP was not found in the police personnel registry (SIPP)." },
	{ "NRP_NAME_MISMATCH", "Nama tidak sesuai dengan data personel Polri "
	  "(SIPP).", "The name does not match the police personnel "
	  "registry." },
	{ "NOT_ACTIVE", "Status kepegawaian tidak aktif.",
	  "The employment is not active." },
};

const char *
ra_reason_text(const char *code, int english)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reasons[i].code, code) == 0)
			return english ? reasons[i].en : reasons[i].id;
	return code;		/* a verifier's own words */
}

const char *
ra_holder_status(const char *st)
{
	if (strcmp(st, "NEW") == 0 || strcmp(st, "REJECTED") == 0)
		return "NEW";
	if (strcmp(st, "SUBMITTED") == 0 || strcmp(st, "MANUAL_REVIEW") == 0)
		return "WAITING_FOR_VERIFICATION";
	if (strcmp(st, "VERIFIED") == 0)
		return "NO_CERTIFICATE";
	return "NOT_REGISTERED";
}

long long
ra_due(long long t)
{
	/* S1: one working day, Mon-Fri in Asia/Jakarta less national
	 * holidays and collective leave (calendar.h has the rule). */
	return (long long)holidays_due((time_t)t);
}

/* ---- loading ---- */

#define APP_COLS "id, public_id, agency_id, email, name, status, source, " \
	"confirmed, COALESCE(nik, ''), COALESCE(birth_place, ''), " \
	"COALESCE(birth_date, ''), COALESCE(gender, ''), " \
	"COALESCE(category, ''), COALESCE(nip, ''), COALESCE(nrp, ''), " \
	"COALESCE(unit, ''), COALESCE(position, ''), COALESCE(reason, ''), " \
	"lang, check_attempts, COALESCE(next_check_at, 0), " \
	"COALESCE(due_at, 0), COALESCE(data_complete_at, 0), created_at, " \
	"COALESCE(face_score, -1), COALESCE(overdue_at, 0)"

static int
app_cb(void *arg, const struct srow *r)
{
	struct app *a = arg;

	a->id = (long)srow_int(r, 0);
	srow_copy(r, 1, a->pid, sizeof(a->pid));
	a->agency_id = (long)srow_int(r, 2);
	srow_copy(r, 3, a->email, sizeof(a->email));
	srow_copy(r, 4, a->name, sizeof(a->name));
	srow_copy(r, 5, a->status, sizeof(a->status));
	srow_copy(r, 6, a->source, sizeof(a->source));
	a->confirmed = (int)srow_int(r, 7);
	srow_copy(r, 8, a->nik, sizeof(a->nik));
	srow_copy(r, 9, a->birth_place, sizeof(a->birth_place));
	srow_copy(r, 10, a->birth_date, sizeof(a->birth_date));
	srow_copy(r, 11, a->gender, sizeof(a->gender));
	srow_copy(r, 12, a->category, sizeof(a->category));
	srow_copy(r, 13, a->nip, sizeof(a->nip));
	srow_copy(r, 14, a->nrp, sizeof(a->nrp));
	srow_copy(r, 15, a->unit, sizeof(a->unit));
	srow_copy(r, 16, a->position, sizeof(a->position));
	srow_copy(r, 17, a->reason, sizeof(a->reason));
	srow_copy(r, 18, a->lang, sizeof(a->lang));
	a->attempts = (long)srow_int(r, 19);
	a->next_check_at = srow_int(r, 20);
	a->due_at = srow_int(r, 21);
	a->data_complete_at = srow_int(r, 22);
	a->created_at = srow_int(r, 23);
	a->face_score = srow_real(r, 24);
	a->overdue_at = srow_int(r, 25);
	return 0;
}

int
ra_get_by_id(struct store *s, long id, struct app *a, struct err *e)
{
	long n;

	memset(a, 0, sizeof(*a));
	n = store_q(s, "SELECT " APP_COLS " FROM applications WHERE id = ?",
	    app_cb, a, e, SV_I(id));
	return n == -1 ? -1 : n == 0 ? 1 : 0;
}

int
ra_get(struct store *s, const struct principal *who, const char *pid,
    struct app *a, struct err *e)
{
	long n;

	memset(a, 0, sizeof(*a));
	n = store_q(s, "SELECT " APP_COLS " FROM applications WHERE "
	    "public_id = ?", app_cb, a, e, SV_S(pid));
	if (n == -1)
		return -1;
	/* Another agency's application does not exist for this caller. */
	if (n == 0 || (who->agency_id != 0 && who->agency_id != a->agency_id))
		return err_set(e, ERR_NOT_FOUND, "application"), 1;
	return 0;
}

struct id_list {
	long	*v;
	size_t	*n;
	size_t	 max;
};

static int
collect_id(void *arg, const struct srow *r)
{
	struct id_list *l = arg;

	if (*l->n == l->max)
		return 1;
	l->v[(*l->n)++] = (long)srow_int(r, 0);
	return 0;
}

/* ---- links ---- */

/*
 * What each link purpose opens, where it points, and how long it lives.
 * Links that lead to a key (a passphrase, a renewal's passphrase, a
 * forgotten passphrase) live one day; the activation form
 * activation.link_days.
 */
static const struct {
	const char	*purpose;
	const char	*page;		/* as looked up: "activate" ... */
	const char	*path;		/* base_url/PATH/TOKEN */
	int		 one_day;
} purposes[] = {
	{ "activate", "activate", "aktivasi", 0 },
	{ "resubmit", "activate", "aktivasi", 0 },
	{ "passphrase", "passphrase", "passphrase", 1 },
	{ "renew", "passphrase", "passphrase", 1 },
	{ "reissue", "reissue", "lupa-passphrase", 1 },
};

static int
purpose_index(const char *purpose)
{
	size_t i;

	for (i = 0; i < sizeof(purposes) / sizeof(purposes[0]); i++)
		if (strcmp(purposes[i].purpose, purpose) == 0)
			return (int)i;
	return -1;
}

int
ra_link_new(struct ra *ra, struct store *s, long app_id, long request_id,
    const char *purpose, char *link, size_t linksz, char *expires,
    size_t expsz, struct err *e)
{
	char tok[48], th[65];
	long long now = now_utc(), exp;
	int k = purpose_index(purpose);
	struct tm tm;
	time_t j;

	if (k < 0)
		return err_set(e, ERR_INTERNAL, "link purpose %s", purpose);
	exp = now + (purposes[k].one_day ? 86400 :
	    ra->cfg->activation_days * 86400);
	if (auth_random_token(24, tok, sizeof(tok)) == -1)
		return err_set(e, ERR_INTERNAL, "random");
	auth_sha256_hex(tok, th);
	/* One live link per application: older ones stop working. */
	if (store_q(s, "UPDATE links SET used_at = ? WHERE application_id = ? "
	    "AND used_at IS NULL", NULL, NULL, e, SV_I(now), SV_I(app_id)) ==
	    -1 || store_q(s, "INSERT INTO links(token_hash, application_id, "
	    "purpose, expires_at, created_at, request_id) VALUES (?, ?, ?, ?, "
	    "?, ?)", NULL, NULL, e, SV_S(th), SV_I(app_id), SV_S(purpose),
	    SV_I(exp), SV_I(now), request_id > 0 ? SV_I(request_id) :
	    SV_NUL) == -1)
		return -1;
	snprintf(link, linksz, "%s/%s/%s", ra->cfg->base_url,
	    purposes[k].path, tok);
	j = (time_t)(exp + 7 * 3600);
	gmtime_r(&j, &tm);
	strftime(expires, expsz, "%Y-%m-%d %H:%M", &tm);
	OPENSSL_cleanse(tok, sizeof(tok));
	return 0;
}

static int
link_cb(void *arg, const struct srow *r)
{
	struct ra_link_info *l = arg;

	l->app_id = (long)srow_int(r, 0);
	l->expires = srow_int(r, 1);
	l->used = srow_int(r, 2);
	srow_copy(r, 3, l->purpose, sizeof(l->purpose));
	l->request_id = (long)srow_int(r, 4);
	return 0;
}

int
ra_link(struct store *s, const char *token, const char *page,
    struct app *a, struct ra_link_info *info, struct err *e)
{
	struct ra_link_info l;
	char th[65];
	int k;

	memset(&l, 0, sizeof(l));
	if (strlen(token) < 20 || strlen(token) > 64)
		return 1;
	auth_sha256_hex(token, th);
	if (store_q(s, "SELECT application_id, expires_at, COALESCE(used_at, 0), "
	    "purpose, COALESCE(request_id, 0) FROM links WHERE token_hash = ?",
	    link_cb, &l, e, SV_S(th)) == -1)
		return -1;
	/* A link opens only its own page: an activation link never leads
	 * to a passphrase, nor the other way round. */
	k = purpose_index(l.purpose);
	if (l.app_id == 0 || l.used != 0 || l.expires <= now_utc() || k < 0 ||
	    strcmp(purposes[k].page, page) != 0)
		return 1;
	if (info != NULL)
		*info = l;
	return ra_get_by_id(s, l.app_id, a, e);
}

int
ra_link_use(struct store *s, const char *token, struct err *e)
{
	char th[65];

	auth_sha256_hex(token, th);
	return store_q(s, "UPDATE links SET used_at = ? WHERE token_hash = ?",
	    NULL, NULL, e, SV_I(now_utc()), SV_S(th)) == -1 ? -1 : 0;
}

/* ---- mail ---- */

static int
mail_applicant(struct ra *ra, struct store *s, struct app *a,
    const char *tpl, struct err *e)
{
	struct agency ag;
	char link[400], exp[24];
	int en = strcmp(a->lang, "en") == 0, rc;
	json_t *v;

	if (agency_get_id(s, a->agency_id, &ag, e) != 0)
		return err_set(e, ERR_INTERNAL, "agency of application");
	v = json_pack("{s:s, s:s}", "name", a->name, "agency", ag.name);
	if (strcmp(tpl, "activation_link") == 0 ||
	    strcmp(tpl, "application_rejected") == 0 ||
	    strcmp(tpl, "passphrase_link") == 0) {
		if (ra_link_new(ra, s, a->id, 0, strcmp(tpl,
		    "activation_link") == 0 ?
		    "activate" : strcmp(tpl, "passphrase_link") == 0 ?
		    "passphrase" : "resubmit", link, sizeof(link), exp,
		    sizeof(exp), e) == -1) {
			json_decref(v);
			return -1;
		}
		json_object_set_new(v, "link", json_string(link));
		json_object_set_new(v, "expires", json_string(exp));
		json_object_set_new(v, "reason", json_string(ra_reason_text(
		    a->reason, en)));
	}
	rc = outbox_put(s, ra->cfg, a->email, tpl, en, v, e);
	OPENSSL_cleanse(link, sizeof(link));
	json_decref(v);
	return rc;
}

struct verifier_mail {
	char	(*to)[130];
	char	(*names)[130];
	size_t	 n;
};

static int
verifier_cb(void *arg, const struct srow *r)
{
	struct verifier_mail *vm = arg;

	if (vm->n == 32)
		return 1;
	srow_copy(r, 0, vm->to[vm->n], sizeof(vm->to[0]));
	srow_copy(r, 1, vm->names[vm->n], sizeof(vm->names[0]));
	vm->n++;
	return 0;
}

int
ra_mail_verifiers(struct ra *ra, struct store *s, long agency_id,
    const char *tpl, json_t *vars, struct err *e)
{
	char to[32][130], names[32][130];
	struct verifier_mail vm = { to, names, 0 };
	size_t i;
	json_t *v;
	int rc;

	if (store_q(s, "SELECT email, name FROM users WHERE role = "
	    "'AGENCY_VERIFIER' AND agency_id = ? AND disabled = 0 ORDER BY id",
	    verifier_cb, &vm, e, SV_I(agency_id)) == -1)
		return -1;
	for (i = 0; i < vm.n; i++) {
		if ((v = json_deep_copy(vars)) == NULL ||
		    json_object_set_new(v, "verifier_name",
		    json_string(names[i])) == -1)
			rc = err_set(e, ERR_INTERNAL, "out of memory");
		else
			rc = outbox_put(s, ra->cfg, to[i], tpl, 0, v, e);
		json_decref(v);
		if (rc == -1)
			return -1;
	}
	return (int)vm.n;
}

void
ra_fmt_wib(long long t, char *out, size_t n)
{
	struct tm tm;
	time_t j = (time_t)(t + 7 * 3600);

	gmtime_r(&j, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M WIB", &tm);
}

/* Tells the agency's verifiers that an application waits for them. */
static int
mail_verifiers(struct ra *ra, struct store *s, struct app *a, struct err *e)
{
	char due[40], link[400];
	struct agency ag;
	json_t *v;
	int rc;

	if (agency_get_id(s, a->agency_id, &ag, e) != 0)
		return err_set(e, ERR_INTERNAL, "agency of application");
	ra_fmt_wib(a->due_at, due, sizeof(due));
	snprintf(link, sizeof(link), "%s/verifikator/permohonan/%s",
	    ra->cfg->base_url, a->pid);
	v = json_pack("{s:s, s:s, s:s, s:s}", "applicant_name", a->name,
	    "agency", ag.name, "due", due, "link", link);
	rc = ra_mail_verifiers(ra, s, a->agency_id, "manual_review_needed", v,
	    e);
	json_decref(v);
	return rc == -1 ? -1 : 0;
}

/* ---- transitions ---- */

int
ra_transition(struct ra *ra, struct store *s, struct app *a,
    enum ra_event ev, const struct principal *who, const char *reason,
    struct err *e)
{
	const struct transition *t = NULL;
	char detail[512];
	const char *actor = who != NULL ? who->name : "system";
	unsigned role = who != NULL ? who->role : SYSTEM;
	size_t i;
	long n;
	json_t *d;
	char *ds;

	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].ev == ev &&
		    strcmp(transitions[i].from, a->status) == 0) {
			t = &transitions[i];
			break;
		}
	if (t == NULL)
		return err_set(e, ERR_WRONG_STATE, "%s cannot take event %d",
		    a->status, (int)ev);
	if (t->roles == SYSTEM ? role != SYSTEM : (t->roles & role) == 0)
		return err_set(e, ERR_FORBIDDEN, "not allowed");
	if (ev == RA_CONFIRM && a->confirmed)
		return err_set(e, ERR_WRONG_STATE, "already confirmed");
	if ((ev == RA_REJECT || ev == RA_AUTO_FAIL) &&
	    (reason == NULL || *reason == '\0'))
		return err_set(e, ERR_VALIDATION, "reason");
	if (reason != NULL)
		snprintf(a->reason, sizeof(a->reason), "%s", reason);
	n = store_q(s, "UPDATE applications SET status = ?, reason = ?, "
	    "confirmed = CASE WHEN ? THEN 1 ELSE confirmed END, "
	    "decided_at = CASE WHEN ? THEN ? ELSE decided_at END, "
	    "decided_by = CASE WHEN ? THEN ? ELSE decided_by END, "
	    "updated_at = ? WHERE id = ? AND status = ?", NULL, NULL, e,
	    SV_S(t->to), SV_S(a->reason), SV_I(ev == RA_CONFIRM),
	    SV_I(strcmp(t->to, "VERIFIED") == 0 || strcmp(t->to,
	    "REJECTED") == 0), SV_I(now_utc()),
	    SV_I(strcmp(t->to, "VERIFIED") == 0 || strcmp(t->to,
	    "REJECTED") == 0), SV_S(actor), SV_I(now_utc()), SV_I(a->id),
	    SV_S(a->status));
	if (n == -1)
		return -1;
	if (n != 1)		/* someone else moved it first */
		return err_set(e, ERR_WRONG_STATE, "changed meanwhile");
	d = json_pack("{s:s, s:s}", "from", a->status, "to", t->to);
	if (reason != NULL)
		json_object_set_new(d, "reason", json_string(reason));
	ds = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	snprintf(detail, sizeof(detail), "%s", ds != NULL ? ds : "{}");
	free(ds);
	snprintf(a->status, sizeof(a->status), "%s", t->to);
	if (ev == RA_CONFIRM)
		a->confirmed = 1;
	if (audit_append(s, ra->audit_key, actor, t->action, a->pid, detail,
	    e) == -1)
		return -1;
	if (t->mail != NULL && mail_applicant(ra, s, a, t->mail, e) == -1)
		return -1;
	/* P5: a verified applicant sets a passphrase next. */
	if (strcmp(t->to, "VERIFIED") == 0 &&
	    mail_applicant(ra, s, a, "passphrase_link", e) == -1)
		return -1;
	if (ev == RA_TO_REVIEW && mail_verifiers(ra, s, a, e) == -1)
		return -1;
	return 0;
}

/* ---- P1: registration ---- */

static int
email_shape_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i, n = strlen(s);

	if (n < 6 || n > 128 || at == NULL || at == s || strchr(at + 1, '@') ||
	    strchr(at + 1, '.') == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || strchr("@.-_+", s[i])))
			return 0;
	return 1;
}

static int
name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 2 || n > 128)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * Closes the applications of this e-mail or NIK whose certificate has
 * expired or was revoked, so that a new one can be made (P8). Inside
 * the caller's transaction.
 */
static int
close_finished(struct ra *ra, struct store *s, const char *email,
    const char *nik, struct err *e)
{
	long ids[8];
	size_t i, n = 0;
	struct id_list l = { ids, &n, 8 };
	struct app a;

	if (store_q(s, "SELECT a.id FROM applications a JOIN holders h ON "
	    "h.application_id = a.id JOIN certs c ON c.serial = h.cert_serial "
	    "WHERE a.status = 'VERIFIED' AND (a.email = ? OR a.nik = ?) AND "
	    "h.status NOT IN ('RENEW') AND (c.revoked = 1 OR c.not_after <= ?) "
	    "LIMIT 8", collect_id, &l, e,
	    SV_S(email), SV_S(nik), SV_I(now_utc())) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (ra_get_by_id(s, ids[i], &a, e) != 0 ||
		    ra_transition(ra, s, &a, RA_CLOSE, NULL, NULL, e) == -1)
			return -1;
	return 0;
}

int
ra_register(struct ra *ra, struct store *s, const struct principal *who,
    const char *code, const char *name, const char *email,
    const char *source, int english, struct app *a, struct err *e)
{
	struct agency ag;
	unsigned char rnd[12];
	char pid[32], low[130], detail[256];
	size_t i;
	int rc;
	long n;

	if (name == NULL || !name_ok(name))
		return err_set(e, ERR_VALIDATION, "name");
	if (email == NULL || !email_shape_ok(email))
		return err_set(e, ERR_VALIDATION, "email");
	for (i = 0; email[i] != '\0' && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)email[i]);
	low[i] = '\0';
	/* Verifiers and clients register in their own agency only. */
	if (who->agency_id != 0)
		rc = agency_get_id(s, who->agency_id, &ag, e);
	else if (code != NULL)
		rc = agency_get(s, code, &ag, e);
	else
		return err_set(e, ERR_VALIDATION, "agency");
	if (rc == -1)
		return -1;
	if (rc == 1 || (code != NULL && who->agency_id != 0 &&
	    strcmp(code, ag.code) != 0))
		return err_set(e, ERR_VALIDATION, "agency");
	if (agency_pks_valid(&ag, now_utc(), e) == -1)
		return -1;
	if (!agency_email_ok(&ag, low))
		return err_set(e, ERR_EMAIL_DOMAIN, "%s is not a domain of %s",
		    strchr(low, '@') + 1, ag.code);
	if (close_finished(ra, s, low, NULL, e) == -1)
		return -1;
	randombytes_buf(rnd, sizeof(rnd));
	snprintf(pid, sizeof(pid), "APP-");
	hex_encode(rnd, sizeof(rnd), pid + 4, sizeof(pid) - 4);
	n = store_q(s, "INSERT INTO applications(public_id, agency_id, email, "
	    "name, status, source, confirmed, lang, created_by, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, 'NEW', ?, ?, ?, ?, ?, ?) "
	    "RETURNING id", NULL, NULL, e, SV_S(pid), SV_I(ag.id), SV_S(low),
	    SV_S(name), SV_S(source), SV_I(strcmp(source, "self") != 0),
	    SV_S(english ? "en" : "id"), SV_S(who->name[0] ? who->name :
	    "applicant"), SV_I(now_utc()), SV_I(now_utc()));
	if (n == -1) {
		if (e->code == ERR_CONFLICT)
			return err_set(e, ERR_DUPLICATE, "open application for "
			    "this e-mail");
		return -1;
	}
	if (store_q(s, "SELECT " APP_COLS " FROM applications WHERE "
	    "public_id = ?", app_cb, a, e, SV_S(pid)) == -1)
		return -1;
	snprintf(detail, sizeof(detail), "{\"agency\":\"%s\",\"source\":\"%s\"}",
	    ag.code, source);
	if (audit_append(s, ra->audit_key, who->name[0] ? who->name :
	    "applicant", "application.register", pid, detail, e) == -1)
		return -1;
	if (a->confirmed && mail_applicant(ra, s, a, "activation_link", e) == -1)
		return -1;
	return 0;
}

int
ra_resend(struct ra *ra, struct store *s, const char *email, struct err *e)
{
	struct app a;
	long n;

	memset(&a, 0, sizeof(a));
	/* A verified applicant without a certificate gets a new
	 * passphrase link (they live a day, P5). */
	n = store_q(s, "SELECT " APP_COLS " FROM applications a WHERE email = ? "
	    "AND status IN ('NEW', 'REJECTED', 'VERIFIED') AND confirmed = 1 "
	    "AND NOT EXISTS (SELECT 1 FROM holders h WHERE h.application_id = "
	    "a.id)", app_cb, &a, e, SV_S(email));
	if (n <= 0)
		return (int)n;		/* nothing said either way */
	return mail_applicant(ra, s, &a, strcmp(a.status, "NEW") == 0 ?
	    "activation_link" : strcmp(a.status, "VERIFIED") == 0 ?
	    "passphrase_link" : "application_rejected", e);
}

/* ---- P2: the applicant's data ---- */

static const char *
field(json_t *in, const char *k, size_t max, struct err *e)
{
	const char *v = json_string_value(json_object_get(in, k));

	if (v == NULL || *v == '\0' || strlen(v) > max) {
		err_set(e, ERR_VALIDATION, "%s", k);
		return NULL;
	}
	return v;
}

int
ra_selfie_decode(struct ra *ra, const char *b64, struct buf *jpeg,
    struct err *e)
{
	struct buf raw;
	size_t rawlen = 0;
	int w, h, ret = -1;

	if (b64 == NULL)
		return err_set(e, ERR_SELFIE_INVALID, "selfie missing");
	if (strlen(b64) / 4 * 3 > (size_t)ra->cfg->selfie_max_bytes + 3)
		return err_set(e, ERR_SELFIE_TOO_LARGE, "selfie");
	buf_init(&raw, (size_t)ra->cfg->selfie_max_bytes + 16);
	if (buf_reserve(&raw, strlen(b64) / 4 * 3 + 3) == -1 ||
	    sodium_base642bin(raw.data, raw.cap, b64, strlen(b64), "\n\r ",
	    &rawlen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
		err_set(e, ERR_SELFIE_INVALID, "selfie is not base64");
		goto out;
	}
	raw.len = rawlen;
	if (image_selfie_normalise(raw.data, raw.len,
	    (size_t)ra->cfg->selfie_max_bytes, jpeg, &w, &h, e) == -1) {
		e->code = e->code == ERR_BODY_TOO_LARGE ? ERR_SELFIE_TOO_LARGE :
		    ERR_SELFIE_INVALID;
		goto out;
	}
	ret = 0;
out:
	buf_cleanse(&raw);
	return ret;
}

int
ra_submit(struct ra *ra, struct store *s, const char *token, json_t *in,
    const char *ip, struct err *e)
{
	struct app a;
	struct buf jpeg;
	const char *nik, *name, *place, *bdate, *gender, *cat, *nip = NULL,
	    *nrp = NULL, *unit, *pos, *selfie, *pv, *av;
	char g;
	int rc, ret = -1;
	long long now = now_utc();
	char th[65];

	buf_init(&jpeg, 8u << 20);
	if ((rc = ra_link(s, token, "activate", &a, NULL, e)) != 0) {
		if (rc == 1)
			err_set(e, ERR_LINK_INVALID, "link");
		goto out;
	}
	if (!a.confirmed) {
		err_set(e, ERR_LINK_INVALID, "not confirmed");
		goto out;
	}
	if ((nik = field(in, "nik", 16, e)) == NULL ||
	    (name = field(in, "name", 128, e)) == NULL ||
	    (place = field(in, "birth_place", 64, e)) == NULL ||
	    (bdate = field(in, "birth_date", 10, e)) == NULL ||
	    (gender = field(in, "gender", 1, e)) == NULL ||
	    (cat = field(in, "category", 7, e)) == NULL ||
	    (unit = field(in, "unit", 128, e)) == NULL ||
	    (pos = field(in, "position", 128, e)) == NULL)
		goto out;
	if (!name_ok(name) || !name_ok(place) || !name_ok(unit) ||
	    !name_ok(pos)) {
		err_set(e, ERR_VALIDATION, !name_ok(name) ? "name" :
		    !name_ok(place) ? "birth_place" : !name_ok(unit) ? "unit" :
		    "position");
		goto out;
	}
	/* L/P (laki-laki, perempuan) as Indonesian forms write it. */
	g = (char)toupper((unsigned char)gender[0]);
	g = g == 'L' ? 'M' : g == 'P' ? 'F' : g;
	if (g != 'M' && g != 'F') {
		err_set(e, ERR_VALIDATION, "gender");
		goto out;
	}
	if (ident_date_check(bdate, e) == -1) {
		err_set(e, ERR_VALIDATION, "birth_date");
		goto out;
	}
	if (ident_nik_check(nik, bdate, g, e) == -1) {
		e->code = ERR_NIK_INVALID;
		goto out;
	}
	if (strcmp(cat, "ASN") == 0) {
		if ((nip = field(in, "nip", 18, e)) == NULL)
			goto out;
		if (ident_nip_check(nip, bdate, g, e) == -1) {
			e->code = ERR_NIP_INVALID;
			goto out;
		}
	} else if (strcmp(cat, "POLRI") == 0) {
		if ((nrp = field(in, "nrp", 8, e)) == NULL)
			goto out;
		if (ident_nrp_check(nrp, bdate, e) == -1) {
			e->code = ERR_NRP_INVALID;
			goto out;
		}
	} else if (strcmp(cat, "NON_ASN") != 0) {
		err_set(e, ERR_VALIDATION, "category");
		goto out;
	}
	pv = json_string_value(json_object_get(json_object_get(in, "consent"),
	    "privacy_policy"));
	av = json_string_value(json_object_get(json_object_get(in, "consent"),
	    "holder_agreement"));
	if (pv == NULL || av == NULL || strcmp(pv, RA_PRIVACY_VERSION) != 0 ||
	    strcmp(av, RA_AGREEMENT_VERSION) != 0) {
		err_set(e, ERR_CONSENT_REQUIRED, "consent");
		goto out;
	}
	selfie = json_string_value(json_object_get(in, "selfie"));
	if (ra_selfie_decode(ra, selfie, &jpeg, e) == -1)
		goto out;
	if (close_finished(ra, s, NULL, nik, e) == -1)
		goto out;
	if (store_q(s, "UPDATE applications SET nik = ?, name = ?, "
	    "birth_place = ?, birth_date = ?, gender = ?, category = ?, "
	    "nip = ?, nrp = ?, unit = ?, position = ?, selfie = ?, "
	    "privacy_version = ?, agreement_version = ?, consent_at = ?, "
	    "consent_ip = ?, reason = NULL, check_attempts = 0, "
	    "next_check_at = ?, data_complete_at = ?, due_at = ?, "
	    "face_score = NULL, updated_at = ? WHERE id = ?", NULL, NULL, e,
	    SV_S(nik), SV_S(name), SV_S(place), SV_S(bdate),
	    SV_S(g == 'M' ? "M" : "F"), SV_S(cat), SV_S(nip), SV_S(nrp),
	    SV_S(unit), SV_S(pos), SV_B(jpeg.data, jpeg.len),
	    SV_S(RA_PRIVACY_VERSION), SV_S(RA_AGREEMENT_VERSION), SV_I(now),
	    SV_S(ip), SV_I(now), SV_I(now), SV_I(ra_due(now)), SV_I(now),
	    SV_I(a.id)) == -1) {
		if (e->code == ERR_CONFLICT)
			err_set(e, ERR_DUPLICATE, "NIK has an open application");
		goto out;
	}
	snprintf(a.name, sizeof(a.name), "%s", name);
	if (ra_transition(ra, s, &a, RA_SUBMIT, &(struct principal){
	    .role = R_PUBLIC, .name = "applicant" }, NULL, e) == -1)
		goto out;
	/* The link proved the e-mail (R3); it does not work twice. */
	auth_sha256_hex(token, th);
	if (store_q(s, "UPDATE links SET used_at = ? WHERE token_hash = ?",
	    NULL, NULL, e, SV_I(now), SV_S(th)) == -1)
		goto out;
	ret = 0;
out:
	buf_cleanup(&jpeg);
	return ret;
}

static int
log_cb(void *arg, const struct srow *r)
{
	const char *t = srow_text(r, 0);

	*(json_t **)arg = json_loads(t != NULL ? t : "[]", 0, NULL);
	return 0;
}

json_t *
ra_registry_log(struct store *s, long id, struct err *e)
{
	json_t *j = NULL;

	if (store_q(s, "SELECT registry_log FROM applications WHERE id = ?",
	    log_cb, &j, e, SV_I(id)) == -1)
		return NULL;
	if (j != NULL && !json_is_array(j)) {
		json_decref(j);
		j = NULL;
	}
	return j != NULL ? j : json_array();
}

/* ---- JSON views ---- */

json_t *
ra_app_json(const struct app *a, int full)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:I}",
	    "id", a->pid, "name", a->name, "email", a->email,
	    "status", a->status, "holder_status", ra_holder_status(a->status),
	    "confirmed", a->confirmed, "created_at", (json_int_t)a->created_at);

	if (a->due_at != 0)
		json_object_set_new(j, "due_at", json_integer(a->due_at));
	/* S1: past its due time with no certificate and no decision. */
	json_object_set_new(j, "overdue", json_boolean(a->overdue_at != 0));
	if (a->reason[0] != '\0')
		json_object_set_new(j, "reason", json_string(a->reason));
	if (!full)
		return j;
	json_object_set_new(j, "source", json_string(a->source));
	if (a->nik[0] != '\0') {
		json_object_set_new(j, "nik", json_string(a->nik));
		json_object_set_new(j, "birth_place", json_string(a->birth_place));
		json_object_set_new(j, "birth_date", json_string(a->birth_date));
		json_object_set_new(j, "gender", json_string(a->gender));
		json_object_set_new(j, "category", json_string(a->category));
		json_object_set_new(j, "unit", json_string(a->unit));
		json_object_set_new(j, "position", json_string(a->position));
		if (a->nip[0] != '\0')
			json_object_set_new(j, "nip", json_string(a->nip));
		if (a->nrp[0] != '\0')
			json_object_set_new(j, "nrp", json_string(a->nrp));
	}
	if (a->face_score >= 0)
		json_object_set_new(j, "face_score", json_real(a->face_score));
	return j;
}

static int
list_cb(void *arg, const struct srow *r)
{
	struct app a;

	memset(&a, 0, sizeof(a));
	app_cb(&a, r);
	return json_array_append_new(arg, ra_app_json(&a, 0)) == 0 ? 0 : -1;
}

json_t *
ra_list(struct store *s, const struct principal *who, const char *status,
    struct err *e)
{
	json_t *arr = json_array();
	long n;

	/* The queue: oldest due time first, then the oldest application. */
	n = store_q(s, "SELECT " APP_COLS " FROM applications WHERE "
	    "(? = 0 OR agency_id = ?) AND (? IS NULL OR status = ?) "
	    "ORDER BY COALESCE(due_at, created_at), id LIMIT 500", list_cb,
	    arr, e, SV_I(who->agency_id), SV_I(who->agency_id), SV_S(status),
	    SV_S(status));
	if (n == -1) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* ---- PKS expiry warnings (R1) ---- */

struct pks_due {
	long	 ids[32];
	size_t	 n;
};

static int
pks_cb(void *arg, const struct srow *r)
{
	struct pks_due *d = arg;

	if (d->n < 32)
		d->ids[d->n++] = (long)srow_int(r, 0);
	return 0;
}

static int
pks_warn_one(struct ra *ra, struct store *s, long id, struct err *e)
{
	char today[11];
	struct agency ag;
	time_t end;
	struct tm tm;
	long days;
	json_t *v;
	int n;

	if (agency_get_id(s, id, &ag, e) != 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (strptime(ag.pks_end, "%Y-%m-%d", &tm) == NULL)
		return err_set(e, ERR_INTERNAL, "pks_end of %s", ag.code);
	end = timegm(&tm);
	agency_today(now_utc(), today);
	memset(&tm, 0, sizeof(tm));
	strptime(today, "%Y-%m-%d", &tm);
	days = (long)((end - timegm(&tm)) / 86400);
	v = json_pack("{s:s, s:s, s:s, s:I}", "agency", ag.name, "pks_number",
	    ag.pks_number, "end_date", ag.pks_end, "days_left",
	    (json_int_t)days);
	n = ra_mail_verifiers(ra, s, id, "pks_expiring", v, e);
	json_decref(v);
	/* Nobody to tell yet: ask again once a verifier exists. */
	if (n <= 0)
		return n;
	if (store_q(s, "UPDATE agencies SET pks_warned_for = pks_end WHERE "
	    "id = ?", NULL, NULL, e, SV_I(id)) == -1)
		return -1;
	return audit_append(s, ra->audit_key, "system", "agency.pks_warning",
	    ag.code, "{\"mailed\":\"verifiers\"}", e);
}

int
ra_pks_round(void *arg, struct store *s, struct err *e)
{
	struct ra *ra = arg;
	struct pks_due d;
	char today[11], limit[11];
	size_t i;

	memset(&d, 0, sizeof(d));
	agency_today(now_utc(), today);
	agency_today(now_utc() + 30 * 86400, limit);
	/* Once per agreement: pks_warned_for remembers which end date was
	 * announced, so an extended PKS is announced again. */
	if (store_q(s, "SELECT id FROM agencies WHERE status = 'ACTIVE' AND "
	    "pks_end >= ? AND pks_end <= ? AND (pks_warned_for IS NULL OR "
	    "pks_warned_for <> pks_end) ORDER BY id LIMIT 32", pks_cb, &d, e,
	    SV_S(today), SV_S(limit)) == -1)
		return -1;
	for (i = 0; i < d.n; i++) {
		if (s->ops->begin(s, e) == -1)
			return -1;
		if (pks_warn_one(ra, s, d.ids[i], e) == -1 ||
		    s->ops->commit(s, e) == -1) {
			s->ops->rollback(s);
			return -1;
		}
	}
	return d.n == 32 ? 0 : 3600;
}
