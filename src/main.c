/*
 * main.c - the `sertel` command: one binary, subcommands.
 *
 * Each subcommand that works on an instance takes --dir (default ./var).
 * Success exits 0; failure prints one line on stderr and exits 1 (2 for
 * a usage error).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>

#include <jansson.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "agency.h"
#include "audit.h"
#include "holidays.h"
#include "http.h"
#include "keys_holder.h"
#include "lifecycle.h"
#include "registry.h"
#include "outbox.h"
#include "pdf_verify.h"
#include "sign.h"
#include "ra.h"
#include "mail.h"

#define MAXOPT	24

struct opts {
	const char	*name[MAXOPT];
	const char	*val[MAXOPT];
	size_t		 n;
	const char	*pos[4];
	size_t		 npos;
};

static int
usage(const char *msg)
{
	fprintf(stderr, "sertel: %s (see 'sertel help')\n", msg);
	return 2;
}

static int
fail(const struct err *e)
{
	fprintf(stderr, "sertel: %s: %s\n", err_info(e->code)->name,
	    e->detail[0] ? e->detail : err_info(e->code)->msg_en);
	return 1;
}

/* Parses --name value pairs (only those in allowed) and positionals. */
static int
opts_parse(struct opts *o, int argc, char **argv, const char *const *allowed)
{
	int i;
	size_t k;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0) {
			if (o->npos == 4)
				return usage("too many arguments");
			o->pos[o->npos++] = argv[i];
			continue;
		}
		/* "!name" in allowed: a flag without a value. */
		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(allowed[k] + (allowed[k][0] == '!'),
			    argv[i] + 2) == 0)
				break;
		if (allowed[k] == NULL) {
			fprintf(stderr, "sertel: unknown option %s (see "
			    "'sertel help')\n", argv[i]);
			return 2;
		}
		if (o->n == MAXOPT)
			return usage("too many options");
		if (allowed[k][0] == '!') {
			o->name[o->n] = allowed[k] + 1;
			o->val[o->n++] = "1";
			continue;
		}
		if (i + 1 == argc)
			return usage("option needs a value");
		o->name[o->n] = allowed[k];
		o->val[o->n++] = argv[++i];
	}
	return 0;
}

static const char *
opt(const struct opts *o, const char *name, const char *def)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->name[i], name) == 0)
			return o->val[i];
	return def;
}

static int
load(struct config *c, const struct opts *o, struct err *e)
{
	return config_load(c, opt(o, "dir", "./var"), e);
}

static const char help_text[] =
"sertel - electronic certificates and signatures for government agencies\n"
"\n"
"usage: sertel COMMAND [options]     (instance directory: --dir, default ./var)\n"
"\n"
"  init [--dir DIR] [--base-url URL]  create an instance: config, CA hierarchy\n"
"                                     (root, issuing, OCSP, TSA), first CRLs;\n"
"                                     uses DIR/sertel.conf if one is there\n"
"  serve [--dir DIR] [--listen HOST:PORT]\n"
"                                     run the HTTP service (default 127.0.0.1:8080)\n"
"  admin cert issue --pubkey FILE.pem --name NAME --email EMAIL --agency AGENCY\n"
"                   [--unit UNIT] [--dir DIR]\n"
"                                     issue a holder certificate; PEM on stdout\n"
"  admin cert revoke SERIAL --reason REASON [--dir DIR]\n"
"                                     reasons: unspecified keyCompromise\n"
"                                     affiliationChanged superseded\n"
"                                     cessationOfOperation certificateHold\n"
"                                     privilegeWithdrawn\n"
"  admin cert show SERIAL [--dir DIR] a certificate's record and status\n"
"  admin ca chain [--dir DIR]         issuing CA and root, PEM\n"
"  sign --nik NIK --in IN.pdf --out OUT.pdf [--level B-B|B-T|B-LT|B-LTA]\n"
"       [--visible --page P --x X --y Y --w W --h H | --anchor TEXT]\n"
"       [--image FILE] [--passphrase-file F] [--reason R] [--location L]\n"
"                                     signs a PDF for a holder (PAdES);\n"
"                                     the passphrase is asked without echo\n"
"  verify FILE.pdf [--json] [--trust ROOTS.pem] [--password-file F]\n"
"                                     checks a PDF's signatures offline\n"
"  admin user add --username U --name N --email E --role ROLE\n"
"                 [--agency CODE] [--password-file FILE|-] [--dir DIR]\n"
"                                     a staff user (ADMIN, RA, AGENCY_VERIFIER);\n"
"                                     password from FILE or stdin; prints the\n"
"                                     TOTP enrolment URI once\n"
"  admin mail test --to ADDRESS [--dir DIR]\n"
"                                     send a test e-mail with the mail.* settings\n"
"  audit verify [--dir DIR]           check the audit log's hash chain\n"
"  bench sign --in SMALL.pdf [--count N] [--dir DIR]\n"
"                                     signing rate, cold and warm (bench/)\n"
"  bench issue [--count N] [--dir DIR]\n"
"                                     issue N certificates in-process, print rate\n"
"  registry-sim --people FILE.json [--listen HOST:PORT] [--fail REGISTRY]\n"
"               [--delay-ms N] | --generate N --out DIR [--seed S] [--agency NAME]\n"
"                                     SANDBOX Dukcapil/BKN/SIPP with synthetic\n"
"                                     people (default 127.0.0.1:8090), or make them\n"
"  help [errors]                      this text, or the error table (Markdown)\n";

static int
cmd_help(int argc, char **argv)
{
	const struct err_info *t;
	size_t i, n;

	if (argc > 0 && strcmp(argv[0], "errors") == 0) {
		t = err_table(&n);
		printf("# Errors\n\nEvery error answer of the HTTP API is JSON:\n"
		    "`{\"error\":{\"code\":CODE,\"message\":TEXT,"
		    "\"request_id\":ID}}`.\nThe message is Indonesian unless "
		    "the request asks for English (`Accept-Language: en` or\n"
		    "`?lang=en`). This file is generated by `sertel help "
		    "errors`.\n\n| code | HTTP | Bahasa Indonesia | English |\n"
		    "|---|---|---|---|\n");
		for (i = 1; i < n; i++)
			printf("| %s | %d | %s | %s |\n", t[i].name,
			    t[i].http_status, t[i].msg_id, t[i].msg_en);
		return 0;
	}
	fputs(help_text, stdout);
	return 0;
}

static int
url_ok(const char *u)
{
	size_t i;

	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return 0;
	if (strlen(u) > 200 || u[strlen(u) - 1] == '/')
		return 0;
	for (i = 0; u[i] != '\0'; i++)
		if ((unsigned char)u[i] <= ' ' || u[i] == ',' || u[i] == '"' ||
		    u[i] == '\\' || (unsigned char)u[i] >= 0x7f)
			return 0;
	return 1;
}

static int
cmd_init(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", "base-url", NULL };
	struct opts o;
	struct config c;
	struct err e = { 0 };
	char path[PATH_MAX];
	struct stat st;
	const char *dir, *base;
	int r;

	if ((r = opts_parse(&o, argc, argv, allowed)) != 0)
		return r;
	if (o.npos != 0)
		return usage("init takes no positional arguments");
	dir = opt(&o, "dir", "./var");
	base = opt(&o, "base-url", NULL);
	if (path_join(path, sizeof(path), dir, "keys") == -1)
		return usage("--dir: path too long");
	/* An instance is its keys; a config alone is an operator's choice
	 * of names, algorithms and URLs made before the first init. */
	if (stat(path, &st) == 0) {
		err_set(&e, ERR_INSTANCE_EXISTS, "%s already holds an "
		    "instance; refusing to touch it", dir);
		return fail(&e);
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		err_set(&e, ERR_CONFIG, "mkdir %s: %s", dir, strerror(errno));
		return fail(&e);
	}
	path_join(path, sizeof(path), dir, "sertel.conf");
	if (stat(path, &st) == 0) {
		if (config_load(&c, dir, &e) == -1)
			return fail(&e);
	} else
		config_defaults(&c, dir, NULL);
	if (base != NULL)
		snprintf(c.base_url, sizeof(c.base_url), "%s", base);
	if (!url_ok(c.base_url))
		return usage("base URL: an http(s) URL without a trailing "
		    "slash, spaces or commas");
	if (config_write(&c, path, &e) == -1 ||
	    config_load(&c, dir, &e) == -1 ||
	    pki_init_instance(&c, &e) == -1)
		return fail(&e);
	printf("sertel: instance created in %s (base URL %s)\n", dir,
	    c.base_url);
	return 0;
}

static int
cmd_serve(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", "listen", NULL };
	struct opts o;
	struct config c;
	struct err e = { 0 };
	struct pki *p;
	struct store *s;
	int r;

	if ((r = opts_parse(&o, argc, argv, allowed)) != 0)
		return r;
	if (load(&c, &o, &e) == -1 || (p = pki_open(&c, &e)) == NULL)
		return fail(&e);
	/* Migrate once before the workers open their connections. */
	if ((s = store_open(c.dir, c.database, &e)) == NULL) {
		pki_free(p);
		return fail(&e);
	}
	/* The holiday calendar: seeded once, then the table's. */
	r = holidays_seed(s, &e);
	store_close(s);
	if (r == -1) {
		pki_free(p);
		return fail(&e);
	}
	if (getenv("SERTEL_DEBUG") != NULL)
		log_set_level(LOG_DEBUG);
	keys_holder_cache_ttl(c.key_cache_seconds);
	if (util_test_clock())
		log_msg(LOG_INFO, NULL, "test build: the clock follows "
		    "$SERTEL_TEST_CLOCK_FILE");
	{
		struct ra ra = { &c, p->audit_key };
		struct lifecycle lc = { { &c, p->audit_key }, p };
		struct worker w[] = {
			{ "mailer", outbox_round, &c },
			{ "checks", ra_check_round, &ra },
			{ "pks", ra_pks_round, &ra },
			{ "lifecycle", lifecycle_round, &lc },
		};
		r = http_serve(&c, p, opt(&o, "listen", c.listen), w,
		    sizeof(w) / sizeof(w[0]), &e);
	}
	keys_holder_forget(0);
	pki_free(p);
	return r == -1 ? fail(&e) : 0;
}

static int
normalise_serial(const char *in, char out[SERIAL_HEX_MAX], struct err *e)
{
	size_t i, n;

	if (strncmp(in, "serial=", 7) == 0)
		in += 7;
	if (strncmp(in, "0x", 2) == 0 || strncmp(in, "0X", 2) == 0)
		in += 2;
	n = strlen(in);
	if (n == 0 || n >= SERIAL_HEX_MAX)
		return err_set(e, ERR_BAD_SERIAL, "serial: 1 to 40 hex digits");
	for (i = 0; i < n; i++) {
		char c = in[i];
		if (c >= 'a' && c <= 'f')
			c = (char)(c - 'a' + 'A');
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
			return err_set(e, ERR_BAD_SERIAL, "serial: not hex");
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

static EVP_PKEY *
read_pubkey(const char *path, struct err *e)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (f == NULL) {
		err_set(e, ERR_BAD_PUBKEY, "cannot open %s", path);
		return NULL;
	}
	k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (k == NULL)
		err_ssl(e, ERR_BAD_PUBKEY, "not a PEM public key");
	return k;
}

static int
print_pem(const struct buf *der)
{
	const unsigned char *p = der->data;
	X509 *x = d2i_X509(NULL, &p, (long)der->len);
	int r = x != NULL && PEM_write_X509(stdout, x) == 1 ? 0 : -1;

	X509_free(x);
	return r;
}

static int
cmd_cert(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", "pubkey", "name",
	    "email", "agency", "unit", "reason", NULL };
	struct opts o;
	struct config c;
	struct err e = { 0 };
	struct pki *p = NULL;
	struct store *s = NULL;
	struct cert_rec rec;
	struct holder_req h;
	char serial[SERIAL_HEX_MAX], nb[32], na[32], ra[32];
	const char *what;
	int r, reason, ret = 1;

	if (argc < 1)
		return usage("admin cert: issue, revoke or show");
	what = argv[0];
	if ((r = opts_parse(&o, argc - 1, argv + 1, allowed)) != 0)
		return r;
	cert_rec_init(&rec);
	memset(&h, 0, sizeof(h));
	if (strcmp(what, "issue") == 0) {
		h.name = opt(&o, "name", NULL);
		h.email = opt(&o, "email", NULL);
		h.agency = opt(&o, "agency", NULL);
		h.unit = opt(&o, "unit", NULL);
		if (opt(&o, "pubkey", NULL) == NULL || h.name == NULL ||
		    h.email == NULL || h.agency == NULL || o.npos != 0)
			return usage("admin cert issue needs --pubkey --name "
			    "--email --agency");
	} else if (strcmp(what, "revoke") == 0) {
		if (o.npos != 1 || opt(&o, "reason", NULL) == NULL)
			return usage("admin cert revoke SERIAL --reason REASON");
		if (pki_reason_parse(opt(&o, "reason", ""), &reason) == -1) {
			err_set(&e, ERR_BAD_REASON, "unknown reason '%.64s'",
			    opt(&o, "reason", ""));
			return fail(&e);
		}
	} else if (strcmp(what, "show") == 0) {
		if (o.npos != 1)
			return usage("admin cert show SERIAL");
	} else
		return usage("admin cert: issue, revoke or show");
	if (o.npos == 1 && normalise_serial(o.pos[0], serial, &e) == -1)
		return fail(&e);

	if (load(&c, &o, &e) == -1 ||
	    (s = store_open(c.dir, c.database, &e)) == NULL)
		goto out;
	if (strcmp(what, "show") == 0) {
		if ((r = s->ops->cert_get(s, serial, &rec, &e)) == -1)
			goto out;
		if (r == 1) {
			err_set(&e, ERR_CERT_NOT_FOUND, "no certificate %s",
			    serial);
			goto out;
		}
		fmt_time_iso(rec.not_before, nb, sizeof(nb));
		fmt_time_iso(rec.not_after, na, sizeof(na));
		fmt_time_iso(rec.revoked_at, ra, sizeof(ra));
		printf("serial: %s\nkind: %s\nissuer: %s\nsubject: %s\n"
		    "not_before: %s\nnot_after: %s\n", rec.serial, rec.kind,
		    rec.ca, rec.subject, nb, na);
		if (rec.revoked)
			printf("status: revoked\nrevoked_at: %s\nreason: %s\n",
			    ra, pki_reason_name(rec.reason));
		else
			printf("status: %s\n", rec.not_after <= now_utc() ?
			    "expired" : "valid");
		ret = 0;
		goto out;
	}
	if ((p = pki_open(&c, &e)) == NULL)
		goto out;
	if (strcmp(what, "revoke") == 0) {
		if (ca_revoke(p, s, "cli", serial, reason, &e) == -1)
			goto out;
		printf("sertel: %s revoked (%s)\n", serial,
		    pki_reason_name(reason));
		ret = 0;
		goto out;
	}
	if ((h.pubkey = read_pubkey(opt(&o, "pubkey", ""), &e)) == NULL)
		goto out;
	if (ca_issue_holder(p, s, "cli", &h, &rec, &e) == -1 ||
	    print_pem(&rec.der) == -1)
		goto out;
	ret = 0;
out:
	EVP_PKEY_free(h.pubkey);
	cert_rec_cleanup(&rec);
	store_close(s);
	pki_free(p);
	return ret == 0 ? 0 : fail(&e);
}

static int
cmd_chain(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", NULL };
	struct opts o;
	struct config c;
	struct err e = { 0 };
	char path[PATH_MAX];
	const char *ids[2] = { CA_ISSUING, CA_ROOT };
	struct buf b;
	size_t i;
	int r;

	if ((r = opts_parse(&o, argc, argv, allowed)) != 0)
		return r;
	if (load(&c, &o, &e) == -1)
		return fail(&e);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/ca/%s.pem", c.dir, ids[i]);
		if (file_read(path, &b, 1 << 16) == -1) {
			err_set(&e, ERR_NO_INSTANCE, "cannot read %s", path);
			return fail(&e);
		}
		fwrite(b.data, 1, b.len, stdout);
		buf_cleanup(&b);
	}
	return 0;
}

static int
cmd_audit(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", NULL };
	unsigned char key[AUDIT_KEY_LEN];
	struct opts o;
	struct config c;
	struct err e = { 0 };
	struct store *s;
	long rows = 0, bad = 0;
	int r;

	if (argc < 1 || strcmp(argv[0], "verify") != 0)
		return usage("audit verify [--dir DIR]");
	if ((r = opts_parse(&o, argc - 1, argv + 1, allowed)) != 0)
		return r;
	if (load(&c, &o, &e) == -1 || audit_key_load(c.dir, key, &e) == -1 ||
	    (s = store_open(c.dir, c.database, &e)) == NULL)
		return fail(&e);
	r = audit_verify(s, key, &rows, &bad, &e);
	store_close(s);
	if (r == -1)
		return fail(&e);
	printf("sertel: audit log intact: %ld rows\n", rows);
	return 0;
}

/* Reads a password: the first line of path, or of stdin for "-". */
static int
read_password(const char *path, char *out, size_t n, struct err *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t l;

	if (f == NULL)
		return err_set(e, ERR_BAD_REQUEST, "cannot open %s", path);
	if (fgets(out, (int)n, f) == NULL)
		out[0] = '\0';
	if (f != stdin)
		fclose(f);
	l = strlen(out);
	while (l > 0 && (out[l - 1] == '\n' || out[l - 1] == '\r'))
		out[--l] = '\0';
	if (l == 0)
		return err_set(e, ERR_BAD_REQUEST, "no password given");
	return 0;
}

/* The passphrase from the terminal, without echo (or a file's first
 * line). */
static int
read_secret(const char *file, const char *prompt, char *out, size_t n,
    struct err *e)
{
	struct termios t, quiet;
	FILE *tty;
	size_t l;
	int ok;

	if (file != NULL)
		return read_password(file, out, n, e);
	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return err_set(e, ERR_BAD_REQUEST, "no terminal: give "
		    "--passphrase-file");
	fputs(prompt, tty);
	fflush(tty);
	ok = tcgetattr(fileno(tty), &t) == 0;
	quiet = t;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (ok)
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	if (fgets(out, (int)n, tty) == NULL)
		out[0] = '\0';
	if (ok)
		tcsetattr(fileno(tty), TCSAFLUSH, &t);
	fputs("\n", tty);
	fclose(tty);
	l = strlen(out);
	while (l > 0 && (out[l - 1] == '\n' || out[l - 1] == '\r'))
		out[--l] = '\0';
	return l == 0 ? err_set(e, ERR_BAD_REQUEST, "no passphrase") : 0;
}

static int
dnum(const struct opts *o, const char *name, double *out)
{
	const char *v = opt(o, name, NULL);
	char *end;

	if (v == NULL)
		return -1;
	*out = strtod(v, &end);
	return *end == '\0' ? 0 : -1;
}

static int
cmd_sign(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", "nik", "in", "out",
	    "level", "!visible", "page", "x", "y", "w", "h", "anchor", "image",
	    "passphrase-file", "reason", "location", NULL };
	struct opts o;
	struct config c;
	struct err e = { 0 };
	struct pki *p = NULL;
	struct store *s = NULL;
	struct ra ra;
	struct holder h;
	struct keys_holder_key *k = NULL;
	struct sign_job job;
	struct sign_result res;
	struct buf in, img, out;
	char pass[300];
	double page = 1;
	int r, ret = 1;

	if ((r = opts_parse(&o, argc, argv, allowed)) != 0)
		return r;
	if (opt(&o, "nik", NULL) == NULL || opt(&o, "in", NULL) == NULL ||
	    opt(&o, "out", NULL) == NULL)
		return usage("sign --nik NIK --in IN.pdf --out OUT.pdf "
		    "[--level B-B|B-T|B-LT|B-LTA] [--visible --page P --x X "
		    "--y Y --w W --h H | --anchor TEXT] [--image FILE] "
		    "[--passphrase-file F]");
	memset(&job, 0, sizeof(job));
	memset(&h, 0, sizeof(h));
	buf_init(&h.wrapped, 16);
	buf_init(&in, 64u << 20);
	buf_init(&img, 8u << 20);
	buf_init(&out, 80u << 20);
	pass[0] = '\0';
	if (load(&c, &o, &e) == -1)
		goto out;
	if (pdf_level_parse(opt(&o, "level", c.sign_level), &job.opts.level) ==
	    -1) {
		err_set(&e, ERR_VALIDATION, "--level: B-B, B-T, B-LT or B-LTA");
		goto out;
	}
	if (opt(&o, "visible", NULL) != NULL || opt(&o, "anchor", NULL) !=
	    NULL) {
		if (dnum(&o, "page", &page) == -1)
			page = 1;
		job.opts.vis.page = (int)page;
		job.opts.vis.anchor = opt(&o, "anchor", NULL);
		if (dnum(&o, "w", &job.opts.vis.w) == -1 || dnum(&o, "h",
		    &job.opts.vis.h) == -1 || (job.opts.vis.anchor == NULL &&
		    (dnum(&o, "x", &job.opts.vis.x) == -1 || dnum(&o, "y",
		    &job.opts.vis.y) == -1))) {
			err_set(&e, ERR_VALIDATION, "--visible needs --x --y "
			    "--w --h (or --anchor with --w --h)");
			goto out;
		}
		if (opt(&o, "image", NULL) != NULL) {
			if (file_read(opt(&o, "image", ""), &img, 8u << 20) ==
			    -1) {
				err_set(&e, ERR_PDF_BAD_IMAGE, "cannot read %s",
				    opt(&o, "image", ""));
				goto out;
			}
			job.opts.vis.image = img.data;
			job.opts.vis.imagelen = img.len;
		}
	}
	job.opts.reason = opt(&o, "reason", NULL);
	job.opts.location = opt(&o, "location", NULL);
	if (file_read(opt(&o, "in", ""), &in, 64u << 20) == -1) {
		err_set(&e, ERR_BAD_REQUEST, "cannot read %s", opt(&o, "in", ""));
		goto out;
	}
	job.pdf = in.data;
	job.len = in.len;
	job.client = "cli";
	if ((p = pki_open(&c, &e)) == NULL ||
	    (s = store_open(c.dir, c.database, &e)) == NULL)
		goto out;
	if ((r = holder_find(s, opt(&o, "nik", ""), NULL, 0, &h, &e)) != 0) {
		if (r == 1)
			err_set(&e, ERR_CERT_NOT_FOUND, "no holder with NIK %s",
			    opt(&o, "nik", ""));
		goto out;
	}
	if (holder_signable(s, &h, &e) == -1 ||
	    read_secret(opt(&o, "passphrase-file", NULL), "Passphrase: ", pass,
	    sizeof(pass), &e) == -1)
		goto out;
	ra.cfg = &c;
	ra.audit_key = p->audit_key;
	if (holder_open(&ra, s, &h, pass, &k, &e) == -1)
		goto out;
	res.pdf = &out;
	if (sign_document(p, s, &h, k, &job, &res, &e) == -1 ||
	    file_write(opt(&o, "out", ""), out.data, out.len, 0644) == -1) {
		if (e.code == ERR_OK)
			err_set(&e, ERR_INTERNAL, "cannot write %s",
			    opt(&o, "out", ""));
		goto out;
	}
	printf("signed: %s (%s, %s)\nsha256: %s\nverify: %s/v/%s\n",
	    opt(&o, "out", ""), pdf_level_name(job.opts.level), h.serial,
	    res.sha256, c.base_url, res.id);
	ret = 0;
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	keys_holder_close(k);
	holder_cleanup(&h);
	buf_cleanup(&in);
	buf_cleanup(&img);
	buf_cleanup(&out);
	store_close(s);
	pki_free(p);
	return ret == 0 ? 0 : fail(&e);
}

static int
cmd_user(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", "username", "name",
	    "email", "role", "agency", "password-file", NULL };
	unsigned char key[SERVER_KEY_LEN], akey[AUDIT_KEY_LEN];
	struct opts o;
	struct config c;
	struct err e = { 0 };
	struct store *s = NULL;
	struct agency a;
	char pw[300], uri[256], detail[256];
	unsigned role;
	long id = 0;
	int r, ret = 1;

	if (argc < 1 || strcmp(argv[0], "add") != 0)
		return usage("admin user add --username U --name N --email E "
		    "--role ROLE [--agency CODE] [--password-file FILE|-]");
	if ((r = opts_parse(&o, argc - 1, argv + 1, allowed)) != 0)
		return r;
	role = auth_role_parse(opt(&o, "role", ""));
	if (opt(&o, "username", NULL) == NULL || opt(&o, "name", NULL) == NULL ||
	    opt(&o, "email", NULL) == NULL || (role != R_ADMIN && role != R_RA &&
	    role != R_VERIFIER))
		return usage("admin user add needs --username --name --email and "
		    "--role ADMIN, RA or AGENCY_VERIFIER");
	memset(&a, 0, sizeof(a));
	if (load(&c, &o, &e) == -1 || auth_server_key(c.dir, key, &e) == -1 ||
	    audit_key_load(c.dir, akey, &e) == -1 ||
	    read_password(opt(&o, "password-file", "-"), pw, sizeof(pw),
	    &e) == -1 || (s = store_open(c.dir, c.database, &e)) == NULL)
		goto out;
	if (opt(&o, "agency", NULL) != NULL && (r = agency_get(s,
	    opt(&o, "agency", ""), &a, &e)) != 0) {
		if (r == 1)
			err_set(&e, ERR_NOT_FOUND, "no agency %s",
			    opt(&o, "agency", ""));
		goto out;
	}
	snprintf(detail, sizeof(detail), "{\"role\":\"%s\",\"via\":\"cli\"}",
	    auth_role_name(role));
	if (s->ops->begin(s, &e) == -1)
		goto out;
	if (auth_user_create(s, key, opt(&o, "username", ""),
	    opt(&o, "name", ""), opt(&o, "email", ""), role, a.id, pw, uri,
	    sizeof(uri), &id, &e) == -1 || audit_append(s, akey, "cli",
	    "user.create", opt(&o, "username", ""), detail, &e) == -1 ||
	    s->ops->commit(s, &e) == -1) {
		s->ops->rollback(s);
		goto out;
	}
	printf("user %s (%s) created.\nTOTP enrolment (shown once; add it to "
	    "an authenticator app):\n%s\n", opt(&o, "username", ""),
	    auth_role_name(role), uri);
	ret = 0;
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(uri, sizeof(uri));
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(akey, sizeof(akey));
	store_close(s);
	return ret == 0 ? 0 : fail(&e);
}

static int
cmd_mail(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", "to", NULL };
	struct opts o;
	struct config c;
	struct err e = { 0 };
	int r;

	if (argc < 1 || strcmp(argv[0], "test") != 0)
		return usage("admin mail test --to ADDRESS [--dir DIR]");
	if ((r = opts_parse(&o, argc - 1, argv + 1, allowed)) != 0)
		return r;
	if (opt(&o, "to", NULL) == NULL || o.npos != 0)
		return usage("admin mail test needs --to ADDRESS");
	if (load(&c, &o, &e) == -1 ||
	    mail_cli_test(&c, opt(&o, "to", ""), &e) == -1)
		return fail(&e);
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * sertel bench sign --in SMALL.pdf [--count N]: signing a document in
 * process, as the APIs do, at B-B, B-T and B-LT with a warm key (one
 * signature, plus the TSA and OCSP round in process), and cold (the
 * Argon2id unwrap of DESIGN §6 first). Prints docs/s and the median.
 */
static int
bench_sign(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", "count", "in", NULL };
	static const enum pdf_level levels[] = { PDF_LEVEL_BB, PDF_LEVEL_BT,
	    PDF_LEVEL_BLT };
	const char *pass = "Passphrase untuk benchmark, 2026";
	unsigned char secret[HOLDER_SECRET_LEN];
	struct opts o;
	struct config c;
	struct err e = { 0 };
	struct pki *p = NULL;
	struct store *s = NULL;
	struct cert_rec rec;
	struct holder_req h;
	struct keys_holder_key *k = NULL;
	struct pdf_sign_opts so;
	struct buf in, out, wrapped;
	struct timespec t0, t1;
	const unsigned char *q;
	double *lat = NULL, secs;
	X509 *cert = NULL;
	long count, i;
	size_t l;
	int r, ret = 1;

	if ((r = opts_parse(&o, argc, argv, allowed)) != 0)
		return r;
	if (opt(&o, "in", NULL) == NULL ||
	    parse_long(opt(&o, "count", "50"), 1, 100000, &count) == -1)
		return usage("bench sign --in SMALL.pdf [--count N] [--dir DIR]");
	memset(&h, 0, sizeof(h));
	cert_rec_init(&rec);
	buf_init(&in, 64u << 20);
	buf_init(&out, 80u << 20);
	buf_init(&wrapped, 1 << 16);
	if ((lat = calloc((size_t)count, sizeof(*lat))) == NULL ||
	    load(&c, &o, &e) == -1 || (p = pki_open(&c, &e)) == NULL ||
	    (s = store_open(c.dir, c.database, &e)) == NULL ||
	    file_read(opt(&o, "in", ""), &in, 64u << 20) == -1 ||
	    keys_holder_secret(c.dir, secret, &e) == -1) {
		if (e.code == ERR_OK)
			err_set(&e, ERR_BAD_REQUEST, "cannot read the input");
		goto out;
	}
	/* A holder key made and wrapped as P5 does, and its certificate. */
	if ((h.pubkey = keys_holder_create(secret, pass, c.holder_key,
	    &wrapped, &e)) == NULL)
		goto out;
	h.name = "Budi Santoso";
	h.email = "budi.santoso@example.go.id";
	h.agency = "Kementerian Contoh";
	h.unit = "Biro Umum";
	if (ca_issue_holder(p, s, "bench", &h, &rec, &e) == -1)
		goto out;
	q = rec.der.data;
	if ((cert = d2i_X509(NULL, &q, (long)rec.der.len)) == NULL) {
		err_set(&e, ERR_INTERNAL, "certificate");
		goto out;
	}
	memset(&so, 0, sizeof(so));
	so.name = h.name;
	printf("signing %zu-byte PDF, %ld documents per row, holder key %s\n",
	    in.len, count, keys_alg_name(c.holder_key));
	/* Cold: every document pays the unwrap, as with the cache off. */
	so.level = PDF_LEVEL_BB;
	for (i = 0; i < (count < 10 ? count : 10); i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((k = keys_holder_open(0, secret, wrapped.data, wrapped.len,
		    pass, &e)) == NULL)
			goto out;
		out.len = 0;
		r = sign_pdf(p, s, cert, k, in.data, in.len, &so, &out, &e);
		keys_holder_close(k);
		k = NULL;
		if (r == -1)
			goto out;
		lat[i] = elapsed(&t0);
	}
	qsort(lat, (size_t)i, sizeof(*lat), cmp_double);
	printf("cold B-B   %8.1f docs/s  median %7.2f ms  (Argon2id unwrap "
	    "each time)\n", 1 / lat[i / 2], lat[i / 2] * 1000);
	/* Warm: one unwrap, then signatures only (DESIGN §6). */
	if ((k = keys_holder_open(0, secret, wrapped.data, wrapped.len, pass,
	    &e)) == NULL)
		goto out;
	for (l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		so.level = levels[l];
		clock_gettime(CLOCK_MONOTONIC, &t1);
		for (i = 0; i < count; i++) {
			clock_gettime(CLOCK_MONOTONIC, &t0);
			out.len = 0;
			if (sign_pdf(p, s, cert, k, in.data, in.len, &so, &out,
			    &e) == -1)
				goto out;
			lat[i] = elapsed(&t0);
		}
		secs = elapsed(&t1);
		qsort(lat, (size_t)count, sizeof(*lat), cmp_double);
		printf("warm %-5s %8.1f docs/s  median %7.2f ms  (%zu bytes "
		    "out)\n", pdf_level_name(so.level), (double)count / secs,
		    lat[count / 2] * 1000, out.len);
	}
	ret = 0;
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	keys_holder_close(k);
	X509_free(cert);
	EVP_PKEY_free(h.pubkey);
	cert_rec_cleanup(&rec);
	buf_cleanup(&in);
	buf_cleanup(&out);
	buf_cleanup(&wrapped);
	free(lat);
	store_close(s);
	pki_free(p);
	return ret == 0 ? 0 : fail(&e);
}

static int
cmd_bench(int argc, char **argv)
{
	static const char *const allowed[] = { "dir", "count", NULL };
	struct opts o;
	struct config c;
	struct err e = { 0 };
	struct pki *p = NULL;
	struct store *s = NULL;
	struct cert_rec rec;
	struct holder_req h;
	struct timespec t0, t1;
	long count, i;
	double secs;
	int r, ret = 1;

	if (argc >= 1 && strcmp(argv[0], "sign") == 0)
		return bench_sign(argc - 1, argv + 1);
	if (argc < 1 || strcmp(argv[0], "issue") != 0)
		return usage("bench issue|sign [--count N] [--dir DIR]");
	if ((r = opts_parse(&o, argc - 1, argv + 1, allowed)) != 0)
		return r;
	if (parse_long(opt(&o, "count", "200"), 1, 1000000, &count) == -1)
		return usage("--count: 1 to 1000000");
	memset(&h, 0, sizeof(h));
	if (load(&c, &o, &e) == -1 || (p = pki_open(&c, &e)) == NULL ||
	    (s = store_open(c.dir, c.database, &e)) == NULL)
		goto out;
	/* Holder keys come from outside in production: make one and reuse
	 * it, so that the rate measured is the CA's alone. */
	h.pubkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	h.name = "Budi Santoso";
	h.email = "budi.santoso@example.go.id";
	h.agency = "Kementerian Contoh";
	h.unit = "Biro Umum";
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		cert_rec_init(&rec);
		r = ca_issue_holder(p, s, "bench", &h, &rec, &e);
		cert_rec_cleanup(&rec);
		if (r == -1)
			goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("issued %ld certificates in %.3f s: %.1f certs/s (issuing key "
	    "%s, database %s)\n", count, secs, (double)count / secs,
	    keys_alg_name(c.issuing.alg), c.database);
	ret = 0;
out:
	EVP_PKEY_free(h.pubkey);
	store_close(s);
	pki_free(p);
	return ret == 0 ? 0 : fail(&e);
}

int
main(int argc, char **argv)
{
	if (sodium_init() == -1) {
		fputs("sertel: libsodium cannot start\n", stderr);
		return 1;
	}
	if (argc < 2)
		return cmd_help(0, NULL), 2;
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)
		return cmd_help(argc - 2, argv + 2);
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 2, argv + 2);
	if (strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc - 2, argv + 2);
	if (strcmp(argv[1], "audit") == 0)
		return cmd_audit(argc - 2, argv + 2);
	if (strcmp(argv[1], "bench") == 0)
		return cmd_bench(argc - 2, argv + 2);
	if (strcmp(argv[1], "sign") == 0)
		return cmd_sign(argc - 2, argv + 2);
	if (strcmp(argv[1], "verify") == 0)
		return pdf_verify_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "registry-sim") == 0)
		return registry_sim_main(argc - 2, argv + 2);
	if (strcmp(argv[1], "admin") == 0 && argc >= 3) {
		if (strcmp(argv[2], "cert") == 0)
			return cmd_cert(argc - 3, argv + 3);
		if (strcmp(argv[2], "user") == 0)
			return cmd_user(argc - 3, argv + 3);
		if (strcmp(argv[2], "mail") == 0)
			return cmd_mail(argc - 3, argv + 3);
		if (strcmp(argv[2], "ca") == 0 && argc >= 4 &&
		    strcmp(argv[3], "chain") == 0)
			return cmd_chain(argc - 4, argv + 4);
	}
	return usage("unknown command");
}
