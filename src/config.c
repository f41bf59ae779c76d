/*
 * config.c - `key = value` lines, `#` comments. One table names every
 * key with its type, place, default and explanation; the parser and the
 * commented file that `sertel init` writes both come from it, so a key
 * cannot be documented without being parsed or the other way round.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

enum ctype { C_STR, C_LONG, C_ALG, C_DOUBLE };

struct ckey {
	const char	*name;
	enum ctype	 type;
	size_t		 off;
	size_t		 size;		/* C_STR */
	long		 min, max;	/* C_LONG */
	const char	*def;
	const char	*help;
};

#define S(f)	C_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0
#define L(f, lo, hi)	C_LONG, offsetof(struct config, f), 0, lo, hi
#define A(f)	C_ALG, offsetof(struct config, f), 0, 0, 0
#define F(f)	C_DOUBLE, offsetof(struct config, f), 0, 0, 0

/*
 * The default policy OIDs sit under 2.25 (ITU-T X.667, UUID-based OIDs,
 * free to use without registration). A production CA replaces them with
 * the OIDs of its own certificate policy.
 */
static const struct ckey keys[] = {
	{ "base_url", S(base_url), "http://127.0.0.1:8080",
	  "Public base URL. Certificates carry it in their AIA (OCSP and\n"
	  "# caIssuers) and CRL distribution point, so choose it before issuing." },
	{ "listen", S(listen), "127.0.0.1:8080",
	  "Address and port `sertel serve` listens on (--listen overrides)." },
	{ "database", S(database), "sqlite:sertel.db",
	  "Storage: sqlite:FILE (relative to the instance directory)." },
	{ "organization", S(org), "Balai Sertifikasi Elektronik Contoh",
	  "O of the CA, OCSP and TSA certificates." },
	{ "country", S(country), "ID",
	  "C of every certificate (ISO 3166 two-letter code)." },
	{ "root.cn", S(root.cn), "sertel Root CA",
	  "Root CA common name." },
	{ "root.key", A(root.alg), "p384",
	  "Key type: rsa2048, rsa3072, rsa4096, p256 or p384." },
	{ "root.validity_days", L(root.validity_days, 365, 36500), "7300",
	  "Root CA certificate validity in days." },
	{ "issuing.cn", S(issuing.cn), "sertel Signature CA",
	  "Issuing CA (holder signature certificates) common name." },
	{ "issuing.key", A(issuing.alg), "p256",
	  "Issuing CA key type." },
	{ "issuing.validity_days", L(issuing.validity_days, 365, 36500), "3650",
	  "Issuing CA validity in days; must outlast every holder certificate." },
	{ "ocsp.cn", S(ocsp.cn), "sertel OCSP Responder",
	  "Delegated OCSP responder certificate common name." },
	{ "ocsp.key", A(ocsp.alg), "p256", "OCSP responder key type." },
	{ "ocsp.validity_days", L(ocsp.validity_days, 1, 3650), "365",
	  "OCSP responder certificate validity (it carries ocsp-nocheck, so\n"
	  "# keep it short and re-issue it)." },
	{ "tsa.cn", S(tsa.cn), "sertel Time-Stamping Authority",
	  "TSA certificate common name." },
	{ "tsa.key", A(tsa.alg), "p256", "TSA key type." },
	{ "tsa.validity_days", L(tsa.validity_days, 1, 36500), "1825",
	  "TSA certificate validity in days." },
	{ "tsa.policy_oid", S(tsa_policy_oid),
	  "2.25.179186326716455014934578457838484733253.2",
	  "TSA policy OID placed in every time-stamp token (RFC 3161 §2.4.2)." },
	{ "tsa.accuracy_seconds", L(tsa_accuracy_seconds, 0, 60), "1",
	  "Accuracy stated in time-stamp tokens, in seconds (0 leaves it out)." },
	{ "holder.validity_days", L(holder_validity_days, 1, 1100), "730",
	  "Holder signature certificate validity: 2 years." },
	{ "holder.key", A(holder_key), "rsa2048",
	  "Key type generated for a holder when the passphrase is set:\n"
	  "# rsa2048 (default), rsa3072 or p256." },
	{ "holder.policy_oid", S(holder_policy_oid),
	  "2.25.179186326716455014934578457838484733253.1",
	  "Certificate policy OID in holder certificates." },
	{ "holder.allowed_keys", S(holder_allowed_keys),
	  "rsa2048,rsa3072,rsa4096,p256,p384",
	  "Holder public key types the CA accepts (comma-separated)." },
	{ "ocsp.response_hours", L(ocsp_response_hours, 1, 168), "24",
	  "OCSP response validity (nextUpdate - thisUpdate), in hours." },
	{ "ocsp.refresh_hours", L(ocsp_refresh_hours, 1, 168), "12",
	  "Pre-produced OCSP responses are re-signed once they are this old." },
	{ "ocsp.max_age_seconds", L(ocsp_max_age, 0, 86400), "60",
	  "Cache-Control max-age of OCSP and CRL answers: how long an HTTP\n"
	  "# cache may serve a status before asking again." },
	{ "crl.validity_hours", L(crl_validity_hours, 1, 168), "36",
	  "CRL nextUpdate, in hours. A new CRL is published on every\n"
	  "# revocation and at least every 24 hours." },
	{ "http.max_body", L(http_max_body, 1024, 64L * 1024 * 1024), "1048576",
	  "Largest request body accepted, in bytes." },
	{ "http.threads", L(http_threads, 1, 64), "2",
	  "HTTP worker threads." },
	{ "dev_mode", L(dev_mode, 0, 1), "0",
	  "Development mode (1): the local mailbox can be read at /dev/mailbox.\n"
	  "# Never turn it on in production." },
	{ "mail.smtp_url", S(mail_smtp_url), "mailbox",
	  "Where e-mail goes: `mailbox` writes each message to the instance's\n"
	  "# mailbox/ directory (the embedded default); smtp://HOST:PORT or\n"
	  "# smtps://HOST:PORT sends it through that server." },
	{ "mail.from", S(mail_from), "sertel <noreply@sertel.invalid>",
	  "From: address of every message." },
	{ "mail.user", S(mail_user), "",
	  "SMTP login name (empty: no login)." },
	{ "mail.password_file", S(mail_password_file), "",
	  "File (mode 0600) holding the SMTP password; never the password itself." },
	{ "mail.starttls", L(mail_starttls, 0, 1), "1",
	  "1: smtp:// must upgrade with STARTTLS or the message is not sent." },
	{ "registry.dukcapil_url", S(reg_dukcapil_url),
	  "http://127.0.0.1:8090/dukcapil/v1",
	  "Population registry (Dukcapil) endpoint. The defaults point at\n"
	  "# `sertel registry-sim`, a sandbox with synthetic people." },
	{ "registry.bkn_url", S(reg_bkn_url), "http://127.0.0.1:8090/bkn/v1",
	  "Civil-service registry (BKN) endpoint." },
	{ "registry.sipp_url", S(reg_sipp_url), "http://127.0.0.1:8090/sipp/v1",
	  "Police personnel registry (SIPP) endpoint." },
	{ "registry.timeout_ms", L(reg_timeout_ms, 100, 120000), "5000",
	  "Time allowed for one registry request, in milliseconds." },
	{ "registry.attempts", L(reg_attempts, 1, 20), "4",
	  "Attempts per registry check (with back-off) before the application\n"
	  "# goes to manual review." },
	{ "registry.face_threshold", F(face_threshold), "0.75",
	  "Face similarity (0..1) an automatic check must reach." },
	{ "activation.link_days", L(activation_days, 1, 60), "7",
	  "Days an activation link stays valid." },
	{ "activation.selfie_max_bytes", L(selfie_max_bytes, 65536, 2097152),
	  "2097152", "Largest selfie accepted, in bytes (at most 2 MB)." },
	{ "holder.key_cache_seconds", L(key_cache_seconds, 0, 3600), "300",
	  "How long an opened holder key stays in memory for the same\n"
	  "# passphrase (no Argon2id for repeated and bulk signing); 0: never." },
	{ "sign.download_minutes", L(download_minutes, 1, 1440), "60",
	  "A signed document can be downloaded once within this many\n"
	  "# minutes (BSrE /api/sign/download); then it is deleted." },
	{ "sign.level", S(sign_level), "B-LT",
	  "PAdES level the APIs produce unless asked: B-B, B-T, B-LT, B-LTA." },
	{ "holder.renew_days", L(renew_days, 1, 1100), "90",
	  "Renewal may be asked for this many days before expiry (P7)." },
	{ "lifecycle.interval_seconds", L(lifecycle_seconds, 1, 3600), "60",
	  "How often expiry, reminders and overdue flags are swept." },
	{ "sla.remind_hours", L(remind_hours, 0, 24), "4",
	  "Verifiers are reminded this many hours before an application's\n"
	  "# due time (0: no reminder)." },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static int
set_one(struct config *c, const struct ckey *k, const char *v, struct err *e)
{
	char *p = (char *)c + k->off;
	long l;

	switch (k->type) {
	case C_STR:
		if (strlen(v) >= k->size)
			return err_set(e, ERR_CONFIG, "%s: value too long",
			    k->name);
		memcpy(p, v, strlen(v) + 1);
		return 0;
	case C_LONG:
		if (parse_long(v, k->min, k->max, &l) == -1)
			return err_set(e, ERR_CONFIG,
			    "%s: expected a number from %ld to %ld", k->name,
			    k->min, k->max);
		*(long *)(void *)p = l;
		return 0;
	case C_ALG:
		if (keys_alg_parse(v, (enum keys_alg *)(void *)p) == -1)
			return err_set(e, ERR_CONFIG,
			    "%s: unknown key type '%s'", k->name, v);
		return 0;
	case C_DOUBLE: {
		char *end;
		double d = strtod(v, &end);
		if (*v == '\0' || *end != '\0' || !(d >= 0.0 && d <= 1.0))
			return err_set(e, ERR_CONFIG,
			    "%s: expected a number from 0 to 1", k->name);
		*(double *)(void *)p = d;
		return 0;
	}
	}
	return -1;
}

void
config_defaults(struct config *c, const char *dir, const char *base_url)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NKEYS; i++)
		(void)set_one(c, &keys[i], keys[i].def, NULL);
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	if (base_url != NULL)
		snprintf(c->base_url, sizeof(c->base_url), "%s", base_url);
}

static void
value_str(const struct config *c, const struct ckey *k, char *out, size_t n)
{
	const char *p = (const char *)c + k->off;

	switch (k->type) {
	case C_STR:
		snprintf(out, n, "%s", p);
		break;
	case C_LONG:
		snprintf(out, n, "%ld", *(const long *)(const void *)p);
		break;
	case C_ALG:
		snprintf(out, n, "%s",
		    keys_alg_name(*(const enum keys_alg *)(const void *)p));
		break;
	case C_DOUBLE:
		snprintf(out, n, "%g", *(const double *)(const void *)p);
		break;
	}
}

int
config_write(const struct config *c, const char *path, struct err *e)
{
	struct buf b;
	char v[512];
	size_t i;
	int r;

	buf_init(&b, 1 << 20);
	buf_addstr(&b,
	    "# sertel instance configuration.\n"
	    "# Lines are `key = value`; `#` starts a comment. Every key is\n"
	    "# listed with its default; delete a line to use the default.\n"
	    "# The CA hierarchy is created by `sertel init` from these values;\n"
	    "# changing a CA's name or key type afterwards has no effect on\n"
	    "# certificates already made.\n");
	for (i = 0; i < NKEYS; i++) {
		value_str(c, &keys[i], v, sizeof(v));
		buf_printf(&b, "\n# %s\n# default: %s\n%s = %s\n",
		    keys[i].help, keys[i].def, keys[i].name, v);
	}
	r = buf_cstr(&b) == 0 ? file_write(path, b.data, b.len, 0640) : -1;
	buf_cleanup(&b);
	if (r == -1)
		return err_set(e, ERR_CONFIG, "cannot write %s", path);
	return 0;
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

int
config_load(struct config *c, const char *dir, struct err *e)
{
	char path[PATH_MAX], *line, *next, *eq, *k, *v;
	struct buf b;
	size_t i;
	int lineno = 0;

	config_defaults(c, dir, NULL);
	if (path_join(path, sizeof(path), dir, "sertel.conf") == -1)
		return err_set(e, ERR_CONFIG, "path too long");
	if (file_read(path, &b, 1 << 20) == -1)
		return err_set(e, ERR_NO_INSTANCE, "no instance in %s "
		    "(cannot read sertel.conf; run 'sertel init')", dir);
	for (line = (char *)b.data; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line = trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			buf_cleanup(&b);
			return err_set(e, ERR_CONFIG,
			    "sertel.conf:%d: expected key = value", lineno);
		}
		*eq = '\0';
		k = trim(line);
		v = trim(eq + 1);
		for (i = 0; i < NKEYS; i++)
			if (strcmp(keys[i].name, k) == 0)
				break;
		if (i == NKEYS) {
			err_set(e, ERR_CONFIG, "sertel.conf:%d: unknown key "
			    "'%.64s'", lineno, k);
			buf_cleanup(&b);
			return -1;
		}
		if (set_one(c, &keys[i], v, e) == -1) {
			buf_cleanup(&b);
			return -1;
		}
	}
	buf_cleanup(&b);
	return 0;
}
