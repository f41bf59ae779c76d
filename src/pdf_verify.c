/*
 * pdf_verify.c - the verification engine for PDF signatures.
 *
 * qpdf reads the document (classic and stream xrefs, object streams,
 * encryption) and finds the signature fields; every byte that a
 * signature covers is taken from the raw file, never from qpdf's view
 * of it, because the signature is over bytes, not objects
 * (ISO 32000-2 §12.8.1). For each signature:
 *
 *  - the ByteRange must start at 0, leave out exactly the /Contents
 *    hex string of that signature dictionary, and end at a %%EOF;
 *  - the CMS (RFC 5652) is checked in steps that are reported apart:
 *    message digest, signature value, ESS signing-certificate, then the
 *    chain (OpenSSL X509_STORE) at the best proven time;
 *  - time-stamp tokens (RFC 3161) are checked for their imprint, their
 *    own signature and their TSA chain before their genTime is used;
 *  - the status of each certificate comes from OCSP responses and CRLs
 *    in the DSS (ETSI EN 319 142-1 §5.4), in Acrobat's
 *    adbe-revocationInfoArchival attribute or in the CMS, or else from
 *    the caller's own CA through a callback;
 *  - later incremental updates are compared object by object with the
 *    signed revision (itself read by qpdf from the signed prefix), and
 *    each change is classified by the role of the changed object and
 *    the DocMDP permissions (ISO 32000-2 §12.8.2.2).
 *
 * Nothing here trusts the input: every count, depth and size is capped,
 * and every failure becomes a reason in the report instead of a crash.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>
#include <zlib.h>

#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pdf_verify.h"

/* Caps on what a hostile file can make us do. */
#define MAX_SIGS	256		/* signature fields */
#define MAX_FIELD_DEPTH	32		/* /Kids nesting of the field tree */
#define MAX_FIELDS	10000		/* field tree nodes visited */
#define MAX_OBJECTS	2000000		/* objects compared per revision */
#define MAX_WORK	20000000	/* object comparisons per document */
#define MAX_DSS_ITEMS	4096		/* certs + OCSPs + CRLs per DSS */
#define MAX_DSS_ITEM	(4u << 20)	/* one inflated DSS stream */
#define MAX_REVISIONS	4096
#define MAX_CONTENTS	(2u << 20)	/* hex digits of one /Contents */
#define CLOCK_SKEW	300		/* seconds allowed between clocks */

enum kind { KIND_SIGNATURE, KIND_TIMESTAMP };
enum status { ST_UNKNOWN, ST_GOOD, ST_REVOKED };
enum mod { MOD_NONE, MOD_ALLOWED, MOD_CHANGED, MOD_UNKNOWN };
enum proof { PROOF_NONE, PROOF_SIG_TS, PROOF_DOC_TS };

/* What kind of change an incremental update made, and who may make it. */
enum change {
	CH_SIGNATURE,	/* a signature field, widget or dictionary added */
	CH_DOCTS,	/* a document time-stamp added */
	CH_DSS,		/* validation data */
	CH_META,	/* document information, XMP */
	CH_FORM,	/* form fields filled in */
	CH_ANNOT,	/* annotations created, changed or deleted */
	CH_CONTENT	/* anything else */
};

struct strlist {
	char	**v;
	size_t	  n, cap;
};

/* DER blobs: certificates, OCSP responses or CRLs from one source. */
struct derlist {
	unsigned char	**p;
	size_t		 *len;
	size_t		  n, cap;
};

struct valdata {
	struct derlist	certs, ocsps, crls;
};

struct tst {
	int		 present, parsed, imprint_ok, signature_ok, trusted;
	time_t		 gen_time;
	char		*tsa_name;
	X509		*tsa_cert;
	STACK_OF(X509)	*chain;
	int		 md_nid;
	char		 id[65];		/* SHA-256 of the token */
	char		 error[160];
};

struct sig {
	enum kind	 kind;
	char		*field, *filter, *sub_filter;
	char		*name, *reason, *location, *contact;
	time_t		 m_time;		/* /M */
	int		 has_m;
	time_t		 cms_time;		/* signing-time attribute */
	int		 has_cms_time;
	long long	 br[4];
	int		 br_n, br_ok, whole_file, revision;
	size_t		 rev_end;
	int		 cms_ok, digest_ok, signature_ok;
	int		 ess;			/* 0 absent, 1 ok, -1 wrong */
	int		 md_nid;
	char		 sig_alg[40];
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned	 md_len;
	unsigned char	*sigval;
	size_t		 sigval_len;
	X509		*signer;
	STACK_OF(X509)	*chain;			/* leaf first */
	int		 trusted;
	char		 chain_error[160];
	enum status	 status;
	char		 status_source[24];
	time_t		 status_at, revoked_at;
	int		 revoked_reason;
	int		 rev_embedded;		/* chain status from the file */
	struct tst	 ts;			/* signature or document time-stamp */
	time_t		 proven;
	enum proof	 proof;
	const char	*level;
	int		 ltv;
	int		 certify_p;		/* DocMDP P of a certification */
	enum mod	 mod;
	struct strlist	 changes;
	int		 valid;
	struct strlist	 problems;
	char		 id[65];		/* SHA-256 of /Contents */
	/* working data, freed when pdf_verify returns */
	unsigned char	*contents;
	size_t		 contents_len;
	struct valdata	 embedded;		/* adbe attribute, CMS crls */
	struct valdata	 rev_dss;		/* the DSS of its own revision */
	STACK_OF(X509)	*cms_certs;
	long long	 v_id, v_gen;		/* the signature dictionary */
};

struct pdf_report {
	char		*name;
	size_t		 size;
	int		 revisions, encrypted, docmdp_p;
	struct sig	*sigs;
	size_t		 n;
};

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static char *
xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static int
strlist_add(struct strlist *l, const char *s)
{
	char **nv, *c;
	size_t ncap;

	if (l->n >= 4096)
		return -1;
	if (l->n == l->cap) {
		ncap = l->cap ? l->cap * 2 : 8;
		if ((nv = realloc(l->v, ncap * sizeof(*nv))) == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	if ((c = strdup(s)) == NULL)
		return -1;
	l->v[l->n++] = c;
	return 0;
}

static int
strlist_has(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static void
strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int
derlist_add(struct derlist *d, const unsigned char *p, size_t n)
{
	unsigned char **np, *c;
	size_t *nl, ncap;

	if (n == 0 || d->n >= MAX_DSS_ITEMS)
		return -1;
	if (d->n == d->cap) {
		ncap = d->cap ? d->cap * 2 : 8;
		if ((np = realloc(d->p, ncap * sizeof(*np))) == NULL)
			return -1;
		d->p = np;
		if ((nl = realloc(d->len, ncap * sizeof(*nl))) == NULL)
			return -1;
		d->len = nl;
		d->cap = ncap;
	}
	if ((c = malloc(n)) == NULL)
		return -1;
	memcpy(c, p, n);
	d->p[d->n] = c;
	d->len[d->n++] = n;
	return 0;
}

static void
derlist_free(struct derlist *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->p[i]);
	free(d->p);
	free(d->len);
	memset(d, 0, sizeof(*d));
}

static void
valdata_free(struct valdata *v)
{
	derlist_free(&v->certs);
	derlist_free(&v->ocsps);
	derlist_free(&v->crls);
}

static void
sha256_hex(const unsigned char *p, size_t n, char out[65])
{
	unsigned char md[32];

	SHA256(p, n, md);
	hex_encode(md, sizeof(md), out, 65);
}

static int
asn1_time_to_time(const ASN1_TIME *a, time_t *out)
{
	struct tm tm;

	if (a == NULL || ASN1_TIME_to_tm(a, &tm) != 1)
		return -1;
	*out = timegm(&tm);
	return 0;
}

/*
 * A PDF date, ISO 32000-2 §7.9.4: D:YYYYMMDDHHmmSSOHH'mm'. Everything
 * after the year is optional; a missing offset means UTC here.
 */
static int
pdf_date_parse(const char *s, time_t *out)
{
	int f[6] = { 0, 1, 1, 0, 0, 0 }, w[6] = { 4, 2, 2, 2, 2, 2 };
	int i, j, v, sign = 0, oh = 0, om = 0;
	struct tm tm;

	if (s == NULL)
		return -1;
	if (s[0] == 'D' && s[1] == ':')
		s += 2;
	for (i = 0; i < 6; i++) {
		if (!isdigit((unsigned char)*s))
			break;
		for (v = 0, j = 0; j < w[i]; j++, s++) {
			if (!isdigit((unsigned char)*s))
				return -1;
			v = v * 10 + (*s - '0');
		}
		f[i] = v;
	}
	if (i == 0)
		return -1;
	if (*s == '+' || *s == '-') {
		sign = *s == '+' ? 1 : -1;
		s++;
		if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1])) {
			oh = (s[0] - '0') * 10 + (s[1] - '0');
			s += 2;
			if (*s == '\'')
				s++;
			if (isdigit((unsigned char)s[0]) &&
			    isdigit((unsigned char)s[1]))
				om = (s[0] - '0') * 10 + (s[1] - '0');
		}
	}
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
	    f[4] > 59 || f[5] > 60 || oh > 23 || om > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	*out = timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

static void
iso_time(time_t t, char *out, size_t n)
{
	fmt_time_iso(t, out, n);
}

/* ------------------------------------------------------------------ */
/* qpdf helpers                                                        */

/* Clears a pending qpdf error; returns 1 if there was one. */
static int
q_failed(qpdf_data q)
{
	if (!qpdf_has_error(q))
		return 0;
	(void)qpdf_get_error(q);
	return 1;
}

static qpdf_oh
q_key(qpdf_data q, qpdf_oh d, const char *key)
{
	qpdf_oh r;

	if (!qpdf_oh_is_dictionary(q, d) && !qpdf_oh_is_stream(q, d))
		return qpdf_oh_new_null(q);
	if (qpdf_oh_is_stream(q, d)) {
		qpdf_oh dd = qpdf_oh_get_dict(q, d);

		r = qpdf_oh_get_key(q, dd, key);
		qpdf_oh_release(q, dd);
	} else
		r = qpdf_oh_get_key(q, d, key);
	q_failed(q);
	return r;
}

/* A name value without its slash, copied, or NULL. */
static char *
q_name(qpdf_data q, qpdf_oh d, const char *key)
{
	qpdf_oh v = q_key(q, d, key);
	char *r = NULL;

	if (qpdf_oh_is_name(q, v)) {
		const char *s = qpdf_oh_get_name(q, v);

		if (s != NULL && s[0] == '/')
			r = strdup(s + 1);
	}
	qpdf_oh_release(q, v);
	q_failed(q);
	return r;
}

static int
q_name_is(qpdf_data q, qpdf_oh d, const char *key, const char *want)
{
	char *s = q_name(q, d, key);
	int r = s != NULL && strcmp(s, want) == 0;

	free(s);
	return r;
}

/* A text string as UTF-8 (PDFDocEncoding and UTF-16 converted), or NULL. */
static char *
q_text(qpdf_data q, qpdf_oh d, const char *key)
{
	qpdf_oh v = q_key(q, d, key);
	char *r = NULL;
	size_t n;

	if (qpdf_oh_is_string(q, v)) {
		const char *s = qpdf_oh_get_binary_utf8_value(q, v, &n);

		if (s != NULL && !q_failed(q)) {
			/* A NUL inside would cut the string short: stop there. */
			r = xstrndup(s, strnlen(s, n));
		}
	}
	qpdf_oh_release(q, v);
	q_failed(q);
	return r;
}

/* qpdf's unparse of h, copied (the library's string is short-lived). */
static char *
q_unparse(qpdf_data q, qpdf_oh h, int resolved)
{
	const char *s;
	char *r;

	s = resolved ? qpdf_oh_unparse_resolved(q, h) : qpdf_oh_unparse(q, h);
	if (q_failed(q) || s == NULL)
		return NULL;
	r = strdup(s);
	return r;
}

/* ------------------------------------------------------------------ */
/* references inside qpdf's unparsed objects                           */

struct refs {
	uint64_t	*k;
	size_t		 n, cap;
};

#define OKEY(id, gen)	(((uint64_t)(uint32_t)(id) << 20) | ((uint64_t)(gen) & 0xfffff))
#define OKEY_ID(k)	((long long)((k) >> 20))
#define OKEY_GEN(k)	((long long)((k) & 0xfffff))

static int
refs_add(struct refs *r, uint64_t k)
{
	uint64_t *nk;
	size_t ncap;

	if (r->n == r->cap) {
		if (r->cap >= MAX_OBJECTS)
			return -1;
		ncap = r->cap ? r->cap * 2 : 8;
		if ((nk = realloc(r->k, ncap * sizeof(*nk))) == NULL)
			return -1;
		r->k = nk;
		r->cap = ncap;
	}
	r->k[r->n++] = k;
	return 0;
}

static int
is_pdf_delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	    c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

static int
is_pdf_space(int c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' ||
	    c == '\0';
}

/*
 * The indirect references ("N G R") in one object's text, ISO 32000-2
 * §7.3.10. Strings and names are skipped so that text that only looks
 * like a reference is not taken for one.
 */
static int
refs_scan(const char *s, struct refs *out)
{
	long long num[2] = { 0, 0 };
	int have = 0, depth;
	size_t i = 0, n = strlen(s), st;
	char tok[32];

	while (i < n) {
		int c = (unsigned char)s[i];

		if (is_pdf_space(c)) {
			i++;
			continue;
		}
		if (c == '(') {
			for (depth = 1, i++; i < n && depth > 0; i++) {
				if (s[i] == '\\')
					i++;
				else if (s[i] == '(')
					depth++;
				else if (s[i] == ')')
					depth--;
			}
			have = 0;
			continue;
		}
		if (c == '<' && i + 1 < n && s[i + 1] == '<') {
			i += 2;
			have = 0;
			continue;
		}
		if (c == '<') {
			while (i < n && s[i] != '>')
				i++;
			i++;
			have = 0;
			continue;
		}
		if (c == '%') {
			while (i < n && s[i] != '\n' && s[i] != '\r')
				i++;
			continue;
		}
		if (is_pdf_delim(c)) {
			i++;
			if (c == '/')
				while (i < n && !is_pdf_space((unsigned char)s[i]) &&
				    !is_pdf_delim((unsigned char)s[i]))
					i++;
			have = 0;
			continue;
		}
		st = i;
		while (i < n && !is_pdf_space((unsigned char)s[i]) &&
		    !is_pdf_delim((unsigned char)s[i]))
			i++;
		if (i - st >= sizeof(tok)) {
			have = 0;
			continue;
		}
		memcpy(tok, s + st, i - st);
		tok[i - st] = '\0';
		if (strspn(tok, "0123456789") == strlen(tok) &&
		    strlen(tok) <= 10) {
			long long v = strtoll(tok, NULL, 10);

			if (have == 2) {
				num[0] = num[1];
				num[1] = v;
			} else
				num[have++] = v;
			continue;
		}
		if (strcmp(tok, "R") == 0 && have == 2 && num[0] > 0 &&
		    num[0] < (1LL << 31) && num[1] < (1LL << 20)) {
			if (refs_add(out, OKEY(num[0], num[1])) == -1)
				return -1;
		}
		have = 0;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* objects of one revision: fingerprints, references, roles            */

/* Roles an object plays in the final document. */
#define R_ROOT		0x0001u
#define R_PAGETREE	0x0002u
#define R_PAGE		0x0004u
#define R_ANNOTS	0x0008u		/* an /Annots array object */
#define R_ANNOT		0x0010u
#define R_FIELD		0x0020u
#define R_SIGDICT	0x0040u
#define R_ACROFORM	0x0080u
#define R_CONTENT	0x0100u		/* reachable from a page's content */
#define R_APPEAR	0x0200u		/* appearance streams, form resources */
#define R_DSS		0x0400u
#define R_META		0x0800u
#define R_STRUCT	(R_ROOT | R_PAGETREE | R_PAGE | R_ANNOTS | R_ANNOT | \
			 R_FIELD | R_SIGDICT | R_ACROFORM)

enum okind { OK_MISSING, OK_OTHER, OK_STREAM, OK_ARRAY, OK_DICT };

struct obj {
	uint64_t	 key;		/* 0: free slot */
	unsigned char	 fp[32];
	uint32_t	 roles;
	int		 page;		/* for R_PAGE and R_ANNOTS */
	enum okind	 kind;
	uint64_t	*refs;
	uint32_t	 nrefs;
};

struct objmap {
	struct obj	*t;
	size_t		 cap, n;
};

static size_t
okey_hash(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

static struct obj *
objmap_get(const struct objmap *m, uint64_t k)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = okey_hash(k, m->cap); m->t[i].key != 0;
	    i = (i + 1) & (m->cap - 1))
		if (m->t[i].key == k)
			return &m->t[i];
	return NULL;
}

static struct obj *
objmap_put(struct objmap *m, uint64_t k)
{
	struct obj *o, *nt;
	size_t i, ncap;

	if ((o = objmap_get(m, k)) != NULL)
		return o;
	if (m->n >= MAX_OBJECTS)
		return NULL;
	if ((m->n + 1) * 2 > m->cap) {
		ncap = m->cap ? m->cap * 2 : 1024;
		if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
			return NULL;
		for (i = 0; i < m->cap; i++) {
			size_t j;

			if (m->t[i].key == 0)
				continue;
			for (j = okey_hash(m->t[i].key, ncap); nt[j].key != 0;
			    j = (j + 1) & (ncap - 1))
				;
			nt[j] = m->t[i];
		}
		free(m->t);
		m->t = nt;
		m->cap = ncap;
	}
	for (i = okey_hash(k, m->cap); m->t[i].key != 0;
	    i = (i + 1) & (m->cap - 1))
		;
	o = &m->t[i];
	memset(o, 0, sizeof(*o));
	o->key = k;
	o->page = -1;
	m->n++;
	return o;
}

static void
objmap_free(struct objmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->t[i].refs);
	free(m->t);
	memset(m, 0, sizeof(*m));
}

/*
 * The fingerprint of one object: SHA-256 over qpdf's normalised text of
 * it (references left as references) and, for a stream, its raw data.
 * Two revisions hold the same object exactly when the prints agree.
 */
static enum okind
fingerprint(qpdf_data q, qpdf_oh h, unsigned char fp[32], struct refs *refs)
{
	EVP_MD_CTX *c = NULL;
	unsigned char *data = NULL;
	size_t dlen = 0;
	char *text = NULL;
	enum okind k;
	qpdf_oh d;

	if (qpdf_oh_is_null(q, h)) {
		memset(fp, 0, 32);
		return OK_MISSING;
	}
	if (qpdf_oh_is_stream(q, h)) {
		k = OK_STREAM;
		d = qpdf_oh_get_dict(q, h);
		text = q_unparse(q, d, 0);
		qpdf_oh_release(q, d);
		if (qpdf_oh_get_stream_data(q, h, qpdf_dl_none, NULL, &data,
		    &dlen) != QPDF_SUCCESS && q_failed(q)) {
			free(data);
			data = NULL;
			dlen = 0;
		}
	} else {
		k = qpdf_oh_is_array(q, h) ? OK_ARRAY :
		    qpdf_oh_is_dictionary(q, h) ? OK_DICT : OK_OTHER;
		text = q_unparse(q, h, 1);
	}
	q_failed(q);
	if ((c = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(c, k == OK_STREAM ? "S" : "O", 1) != 1 ||
	    (text != NULL &&
	     EVP_DigestUpdate(c, text, strlen(text) + 1) != 1) ||
	    (data != NULL && EVP_DigestUpdate(c, data, dlen) != 1) ||
	    EVP_DigestFinal_ex(c, fp, NULL) != 1)
		memset(fp, 0xff, 32);	/* never equal to a real print */
	if (text == NULL)
		memset(fp, 0xee, 32);
	if (refs != NULL && text != NULL)
		(void)refs_scan(text, refs);
	EVP_MD_CTX_free(c);
	free(text);
	free(data);
	return k;
}

/* Every object reachable from the trailer, with its print and references. */
static int
graph_build(qpdf_data q, struct objmap *m)
{
	struct refs queue = { 0 }, kids = { 0 };
	qpdf_oh t, h;
	size_t head = 0;
	char *text;
	int rc = -1;

	t = qpdf_get_trailer(q);
	text = q_unparse(q, t, 1);
	qpdf_oh_release(q, t);
	if (text == NULL)
		goto out;
	if (refs_scan(text, &queue) == -1) {
		free(text);
		goto out;
	}
	free(text);
	while (head < queue.n) {
		uint64_t k = queue.k[head++];
		struct obj *o;
		unsigned char fp[32];
		enum okind kind;
		size_t i;

		if (objmap_get(m, k) != NULL)
			continue;
		kids.n = 0;
		h = qpdf_get_object_by_id(q, (int)OKEY_ID(k), (int)OKEY_GEN(k));
		q_failed(q);
		kind = fingerprint(q, h, fp, &kids);
		qpdf_oh_release(q, h);
		if ((o = objmap_put(m, k)) == NULL)
			goto out;
		memcpy(o->fp, fp, 32);
		o->kind = kind;
		if (kids.n > 0) {
			if ((o->refs = malloc(kids.n * sizeof(uint64_t))) == NULL)
				goto out;
			memcpy(o->refs, kids.k, kids.n * sizeof(uint64_t));
			o->nrefs = (uint32_t)kids.n;
		}
		for (i = 0; i < kids.n; i++)
			if (objmap_get(m, kids.k[i]) == NULL &&
			    refs_add(&queue, kids.k[i]) == -1)
				goto out;
	}
	rc = 0;
out:
	free(queue.k);
	free(kids.k);
	return rc;
}

static void
role_mark(struct objmap *m, uint64_t k, uint32_t role, int page)
{
	struct obj *o = objmap_get(m, k);

	if (o != NULL) {
		o->roles |= role;
		if (page >= 0)
			o->page = page;
	}
}

/*
 * Marks with role everything reachable from the start objects, not
 * entering objects that already play one of the stop roles: a page's
 * resources lead to fonts, not to other pages.
 */
static void
role_closure(struct objmap *m, const struct refs *start, uint32_t role,
    uint32_t stop)
{
	struct refs queue = { 0 };
	size_t head = 0, i;
	uint32_t seen = 0x80000000u;

	for (i = 0; i < start->n; i++)
		if (refs_add(&queue, start->k[i]) == -1)
			goto out;
	while (head < queue.n) {
		struct obj *o = objmap_get(m, queue.k[head++]);

		if (o == NULL || (o->roles & (role | seen)) != 0)
			continue;
		if (head > start->n && (o->roles & stop) != 0)
			continue;
		o->roles |= role | seen;
		for (i = 0; i < o->nrefs; i++)
			if (refs_add(&queue, o->refs[i]) == -1)
				goto out;
	}
out:
	for (i = 0; i < m->cap; i++)
		m->t[i].roles &= ~seen;
	free(queue.k);
}

static uint64_t
q_okey(qpdf_data q, qpdf_oh h)
{
	int id, gen;

	if (!qpdf_oh_is_indirect(q, h))
		return 0;
	id = qpdf_oh_get_object_id(q, h);
	gen = qpdf_oh_get_generation(q, h);
	if (id <= 0 || gen < 0 || gen >= (1 << 20))
		return 0;
	return OKEY(id, gen);
}

/* The keys of a dictionary (or a stream's dictionary), copied. */
static int
q_dict_keys(qpdf_data q, qpdf_oh d, struct strlist *keys)
{
	qpdf_oh dd = d;
	int rc = 0;

	if (qpdf_oh_is_stream(q, d))
		dd = qpdf_oh_get_dict(q, d);
	if (!qpdf_oh_is_dictionary(q, dd))
		goto out;
	qpdf_oh_begin_dict_key_iter(q, dd);
	while (qpdf_oh_dict_more_keys(q)) {
		const char *k = qpdf_oh_dict_next_key(q);

		if (k == NULL || strlist_add(keys, k) == -1) {
			rc = -1;
			break;
		}
	}
out:
	if (dd != d)
		qpdf_oh_release(q, dd);
	q_failed(q);
	return rc;
}

/* The references in the value of one key. */
static void
q_value_refs(qpdf_data q, qpdf_oh d, const char *key, struct refs *out)
{
	qpdf_oh v = q_key(q, d, key);
	char *text = q_unparse(q, v, 0);

	if (text != NULL)
		(void)refs_scan(text, out);
	free(text);
	qpdf_oh_release(q, v);
}

/* The references a value holds: itself when indirect, or those inside. */
static void
q_refs_of(qpdf_data q, qpdf_oh v, struct refs *out)
{
	char *text = q_unparse(q, v, 0);

	if (text != NULL)
		(void)refs_scan(text, out);
	free(text);
}

/* /FT of a field, inherited from its parents (ISO 32000-2 §12.7.4.1). */
static char *
field_type(qpdf_data q, qpdf_oh f)
{
	qpdf_oh cur = qpdf_oh_new_object(q, f), par;
	char *ft = NULL;
	int depth;

	for (depth = 0; depth < MAX_FIELD_DEPTH; depth++) {
		if ((ft = q_name(q, cur, "/FT")) != NULL)
			break;
		par = q_key(q, cur, "/Parent");
		qpdf_oh_release(q, cur);
		cur = par;
		if (!qpdf_oh_is_dictionary(q, cur))
			break;
	}
	qpdf_oh_release(q, cur);
	return ft;
}

/*
 * Roles in the final document: the catalog, the page tree and pages,
 * what page content uses, annotations, the form, signature
 * dictionaries, the DSS and the metadata.
 */
static void
roles_assign(qpdf_data q, struct objmap *m)
{
	struct refs content = { 0 }, appear = { 0 }, dss = { 0 }, meta = { 0 };
	struct refs fstack = { 0 };
	struct strlist keys = { 0 };
	qpdf_oh root, page, v, par, af, t;
	int np, i, j, n, depth;
	size_t k, visited = 0;

	root = qpdf_get_root(q);
	role_mark(m, q_okey(q, root), R_ROOT, -1);
	np = qpdf_get_num_pages(q);
	q_failed(q);
	for (i = 0; i < np && i < 100000; i++) {
		page = qpdf_get_page_n(q, (size_t)i);
		if (q_failed(q))
			break;
		role_mark(m, q_okey(q, page), R_PAGE, i);
		strlist_free(&keys);
		q_dict_keys(q, page, &keys);
		for (k = 0; k < keys.n; k++)
			if (strcmp(keys.v[k], "/Annots") != 0 &&
			    strcmp(keys.v[k], "/Parent") != 0)
				q_value_refs(q, page, keys.v[k], &content);
		v = q_key(q, page, "/Annots");
		role_mark(m, q_okey(q, v), R_ANNOTS, i);
		if (qpdf_oh_is_array(q, v)) {
			n = qpdf_oh_get_array_n_items(q, v);
			for (j = 0; j < n && j < 100000; j++) {
				qpdf_oh a = qpdf_oh_get_array_item(q, v, j);
				uint64_t ak = q_okey(q, a);

				if (ak != 0) {
					role_mark(m, ak, R_ANNOT, -1);
					(void)refs_add(&appear, ak);
				}
				qpdf_oh_release(q, a);
			}
		}
		qpdf_oh_release(q, v);
		/* The page tree above this page, with what it passes down. */
		par = q_key(q, page, "/Parent");
		for (depth = 0; depth < 64 && qpdf_oh_is_dictionary(q, par);
		    depth++) {
			struct obj *o = objmap_get(m, q_okey(q, par));

			if (o != NULL && (o->roles & R_PAGETREE) != 0)
				break;
			role_mark(m, q_okey(q, par), R_PAGETREE, -1);
			strlist_free(&keys);
			q_dict_keys(q, par, &keys);
			for (k = 0; k < keys.n; k++)
				if (strcmp(keys.v[k], "/Kids") != 0 &&
				    strcmp(keys.v[k], "/Parent") != 0)
					q_value_refs(q, par, keys.v[k],
					    &content);
			t = q_key(q, par, "/Parent");
			qpdf_oh_release(q, par);
			par = t;
		}
		qpdf_oh_release(q, par);
		qpdf_oh_release(q, page);
	}
	/* The form: field tree, signature values, default resources. */
	af = q_key(q, root, "/AcroForm");
	if (qpdf_oh_is_dictionary(q, af)) {
		role_mark(m, q_okey(q, af), R_ACROFORM, -1);
		q_value_refs(q, af, "/DR", &appear);
		v = q_key(q, af, "/Fields");
		role_mark(m, q_okey(q, v), R_FIELD, -1);
		q_refs_of(q, v, &fstack);
		qpdf_oh_release(q, v);
		/* Depth-first over the field tree, by object key. */
		while (fstack.n > 0 && visited++ < MAX_FIELDS) {
			uint64_t fk = fstack.k[--fstack.n];
			struct obj *o = objmap_get(m, fk);
			qpdf_oh f;
			char *ft;

			if (o == NULL || (o->roles & R_FIELD) != 0)
				continue;
			o->roles |= R_FIELD;
			f = qpdf_get_object_by_id(q, (int)OKEY_ID(fk),
			    (int)OKEY_GEN(fk));
			if (qpdf_oh_is_array(q, f)) {
				/* an indirect /Kids or /Fields array */
				char *text = q_unparse(q, f, 1);

				if (text != NULL)
					(void)refs_scan(text, &fstack);
				free(text);
				qpdf_oh_release(q, f);
				continue;
			}
			ft = field_type(q, f);
			if (ft != NULL && strcmp(ft, "Sig") == 0) {
				v = q_key(q, f, "/V");
				role_mark(m, q_okey(q, v), R_SIGDICT, -1);
				qpdf_oh_release(q, v);
			}
			free(ft);
			q_value_refs(q, f, "/Kids", &fstack);
			qpdf_oh_release(q, f);
		}
	}
	qpdf_oh_release(q, af);
	q_value_refs(q, root, "/DSS", &dss);
	q_value_refs(q, root, "/Metadata", &meta);
	t = qpdf_get_trailer(q);
	q_value_refs(q, t, "/Info", &meta);
	qpdf_oh_release(q, t);
	role_closure(m, &content, R_CONTENT, R_STRUCT);
	role_closure(m, &appear, R_APPEAR, R_STRUCT | R_CONTENT);
	role_closure(m, &dss, R_DSS, R_STRUCT | R_CONTENT);
	role_closure(m, &meta, R_META, R_STRUCT | R_CONTENT);
	qpdf_oh_release(q, root);
	strlist_free(&keys);
	free(content.k);
	free(appear.k);
	free(dss.k);
	free(meta.k);
	free(fstack.k);
}

/* ------------------------------------------------------------------ */
/* the DSS (ETSI EN 319 142-1 §5.4.2)                                   */

static int
inflate_capped(const unsigned char *in, size_t inlen, struct buf *out)
{
	unsigned char tmp[16384];
	z_stream z;
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)(inlen > UINT_MAX ? UINT_MAX : inlen);
	do {
		z.next_out = tmp;
		z.avail_out = sizeof(tmp);
		r = inflate(&z, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END)
			break;
		if (buf_add(out, tmp, sizeof(tmp) - z.avail_out) == -1) {
			r = Z_MEM_ERROR;
			break;
		}
	} while (r != Z_STREAM_END && z.avail_out == 0);
	inflateEnd(&z);
	return r == Z_STREAM_END || (r == Z_OK && z.avail_in == 0) ? 0 : -1;
}

/*
 * The data of one DSS stream. Only unfiltered and plain Flate streams
 * are read, inflated by us with a cap, so that a small hostile stream
 * cannot expand without bound.
 */
static void
dss_stream(qpdf_data q, qpdf_oh s, struct derlist *out)
{
	unsigned char *raw = NULL;
	size_t rlen = 0;
	qpdf_oh f, dp;
	int flate = 0, ok = 1;
	struct buf b;
	size_t i;

	if (!qpdf_oh_is_stream(q, s))
		return;
	f = q_key(q, s, "/Filter");
	dp = q_key(q, s, "/DecodeParms");
	if (qpdf_oh_is_name_and_equals(q, f, "/FlateDecode"))
		flate = 1;
	else if (qpdf_oh_is_array(q, f) &&
	    qpdf_oh_get_array_n_items(q, f) == 1) {
		qpdf_oh f0 = qpdf_oh_get_array_item(q, f, 0);

		flate = qpdf_oh_is_name_and_equals(q, f0, "/FlateDecode");
		ok = flate;
		qpdf_oh_release(q, f0);
	} else if (!qpdf_oh_is_null(q, f))
		ok = 0;
	if (!qpdf_oh_is_null(q, dp))
		ok = 0;
	qpdf_oh_release(q, f);
	qpdf_oh_release(q, dp);
	if (!ok || qpdf_oh_get_stream_data(q, s, qpdf_dl_none, NULL, &raw,
	    &rlen) != QPDF_SUCCESS || raw == NULL) {
		q_failed(q);
		free(raw);
		return;
	}
	if (!flate) {
		if (rlen <= MAX_DSS_ITEM)
			(void)derlist_add(out, raw, rlen);
	} else {
		buf_init(&b, MAX_DSS_ITEM);
		if (inflate_capped(raw, rlen, &b) == 0 && b.len > 0) {
			for (i = 0; i < out->n; i++)
				if (out->len[i] == b.len &&
				    memcmp(out->p[i], b.data, b.len) == 0)
					break;
			if (i == out->n)
				(void)derlist_add(out, b.data, b.len);
		}
		buf_cleanup(&b);
	}
	free(raw);
}

static void
dss_array(qpdf_data q, qpdf_oh d, const char *key, struct derlist *out)
{
	qpdf_oh a = q_key(q, d, key);
	int i, n;

	if (qpdf_oh_is_array(q, a)) {
		n = qpdf_oh_get_array_n_items(q, a);
		for (i = 0; i < n && out->n < MAX_DSS_ITEMS; i++) {
			qpdf_oh s = qpdf_oh_get_array_item(q, a, i);

			dss_stream(q, s, out);
			qpdf_oh_release(q, s);
		}
	}
	qpdf_oh_release(q, a);
	q_failed(q);
}

/* Certificates, OCSP responses and CRLs of the DSS, VRI entries included. */
static void
dss_read(qpdf_data q, struct valdata *vd)
{
	struct strlist keys = { 0 };
	qpdf_oh root = qpdf_get_root(q), dss, vri, e;
	size_t i;

	dss = q_key(q, root, "/DSS");
	if (qpdf_oh_is_dictionary(q, dss)) {
		dss_array(q, dss, "/Certs", &vd->certs);
		dss_array(q, dss, "/OCSPs", &vd->ocsps);
		dss_array(q, dss, "/CRLs", &vd->crls);
		vri = q_key(q, dss, "/VRI");
		q_dict_keys(q, vri, &keys);
		for (i = 0; i < keys.n && i < MAX_DSS_ITEMS; i++) {
			e = q_key(q, vri, keys.v[i]);
			dss_array(q, e, "/Cert", &vd->certs);
			dss_array(q, e, "/OCSP", &vd->ocsps);
			dss_array(q, e, "/CRL", &vd->crls);
			qpdf_oh_release(q, e);
		}
		qpdf_oh_release(q, vri);
	}
	qpdf_oh_release(q, dss);
	qpdf_oh_release(q, root);
	strlist_free(&keys);
	q_failed(q);
}

static int
valdata_copy(struct valdata *dst, const struct valdata *src)
{
	const struct derlist *s[3] = { &src->certs, &src->ocsps, &src->crls };
	struct derlist *d[3] = { &dst->certs, &dst->ocsps, &dst->crls };
	size_t i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < s[i]->n; j++)
			if (derlist_add(d[i], s[i]->p[j], s[i]->len[j]) == -1)
				return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* verification context                                                */

struct vctx {
	const struct pdf_verify_opts	*o;
	const unsigned char		*pdf;
	size_t				 len;
	time_t				 now;
	X509_STORE			*trust;		/* o->trust or empty */
	X509_STORE			*empty;
	qpdf_data			 q;
	struct valdata			 dss;
	STACK_OF(X509)			*dss_certs;
	struct objmap			 fin;
	int				 fin_state;	/* 0 not built, 1 ok, -1 failed */
	int				 docmdp_p;
	size_t				 work;		/* comparisons made */
	struct pdf_report		*r;
};

static STACK_OF(X509) *
certs_parse(const struct derlist *d)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	const unsigned char *p;
	size_t i;
	X509 *x;

	if (sk == NULL)
		return NULL;
	for (i = 0; i < d->n; i++) {
		p = d->p[i];
		if ((x = d2i_X509(NULL, &p, (long)d->len[i])) == NULL)
			continue;
		/* With NO_DUP a duplicate is not taken (and not freed):
		 * take a reference either way and drop ours. */
		X509_add_cert(sk, x, X509_ADD_FLAG_UP_REF |
		    X509_ADD_FLAG_NO_DUP);
		X509_free(x);
	}
	ERR_clear_error();
	return sk;
}

/* A new stack holding (references to) the certificates of a and b. */
static STACK_OF(X509) *
certs_join(STACK_OF(X509) *a, STACK_OF(X509) *b)
{
	STACK_OF(X509) *sk = sk_X509_new_null();

	if (sk == NULL)
		return NULL;
	if ((a != NULL && !X509_add_certs(sk, a,
	    X509_ADD_FLAG_UP_REF | X509_ADD_FLAG_NO_DUP)) ||
	    (b != NULL && !X509_add_certs(sk, b,
	    X509_ADD_FLAG_UP_REF | X509_ADD_FLAG_NO_DUP))) {
		sk_X509_pop_free(sk, X509_free);
		return NULL;
	}
	return sk;
}

/*
 * The chain of leaf to a trust anchor at time at (RFC 5280 §6), built
 * from untrusted. The caller's store is never changed: time and purpose
 * are set on our own context. On failure *chain still holds what could
 * be built, for the report.
 */
static int
chain_verify(struct vctx *v, X509 *leaf, STACK_OF(X509) *untrusted,
    int purpose, time_t at, STACK_OF(X509) **chain, char *err, size_t errsz)
{
	X509_STORE_CTX *ctx;
	int ok = 0;

	*chain = NULL;
	err[0] = '\0';
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(ctx, v->trust, leaf, untrusted)) {
		snprintf(err, errsz, "cannot set up chain verification");
		goto out;
	}
	X509_STORE_CTX_set_purpose(ctx, purpose);
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), at);
	ok = X509_verify_cert(ctx) == 1;
	if (!ok) {
		if (v->o->trust == NULL)
			snprintf(err, errsz, "no trust anchors configured");
		else
			snprintf(err, errsz, "%s", X509_verify_cert_error_string(
			    X509_STORE_CTX_get_error(ctx)));
	}
	*chain = X509_STORE_CTX_get1_chain(ctx);
out:
	if (*chain == NULL && (*chain = sk_X509_new_null()) != NULL &&
	    X509_add_cert(*chain, leaf, X509_ADD_FLAG_UP_REF) != 1) {
		sk_X509_free(*chain);
		*chain = NULL;
	}
	/* Without anchors a partial chain is still useful to show. */
	if (*chain != NULL && sk_X509_num(*chain) == 1 && untrusted != NULL) {
		X509 *cur = leaf;
		int depth, i;

		for (depth = 0; depth < 16; depth++) {
			X509 *iss = NULL;

			if (X509_check_issued(cur, cur) == X509_V_OK)
				break;
			for (i = 0; i < sk_X509_num(untrusted); i++)
				if (X509_check_issued(sk_X509_value(untrusted,
				    i), cur) == X509_V_OK) {
					iss = sk_X509_value(untrusted, i);
					break;
				}
			if (iss == NULL || X509_add_cert(*chain, iss,
			    X509_ADD_FLAG_UP_REF | X509_ADD_FLAG_NO_DUP) != 1)
				break;
			cur = iss;
		}
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* ------------------------------------------------------------------ */
/* certificate status (RFC 6960 OCSP, RFC 5280 CRLs)                     */

struct status_ans {
	enum status	 st;
	time_t		 revoked_at;
	int		 reason;
	const char	*source;
};

/*
 * An answer counts for time t when it was current at t or issued after
 * it: a certificate found good after t was not revoked at t.
 */
static int
answer_current(time_t this_upd, int has_next, time_t next_upd, time_t t)
{
	if (this_upd >= t - CLOCK_SKEW)
		return 1;
	return has_next && this_upd <= t + CLOCK_SKEW && t <= next_upd;
}

static void
answer_revoked(struct status_ans *a, time_t rt, int reason, time_t t,
    const char *src)
{
	if (rt <= t) {
		a->st = ST_REVOKED;
		a->revoked_at = rt;
		a->reason = reason;
		a->source = src;
	} else if (a->st == ST_UNKNOWN) {
		/* Revoked only after t: good at t. */
		a->st = ST_GOOD;
		a->revoked_at = rt;
		a->reason = reason;
		a->source = src;
	}
}

/* Whether signer may answer for certificates of issuer (RFC 6960 §4.2.2.2). */
static int
ocsp_authorised(X509 *signer, X509 *issuer)
{
	EVP_PKEY *ik;

	if (X509_cmp(signer, issuer) == 0)
		return 1;
	if ((ik = X509_get0_pubkey(issuer)) == NULL ||
	    X509_check_issued(issuer, signer) != X509_V_OK ||
	    X509_verify(signer, ik) != 1)
		return 0;
	return (X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN) != 0;
}

static void
status_ocsp(const unsigned char *der, size_t len, X509 *cert, X509 *issuer,
    STACK_OF(X509) *extra, X509_STORE *empty, time_t t, const char *src,
    struct status_ans *a)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_CERTID *mine = NULL;
	X509 *signer = NULL;
	int i, n, st, reason;
	ASN1_GENERALIZEDTIME *rev, *thisu, *nextu;
	time_t tt, nt = 0, rt;

	if ((resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len)) == NULL ||
	    OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
	    (bs = OCSP_response_get1_basic(resp)) == NULL)
		goto out;
	/* Signature only here; who signed is judged below. */
	if (OCSP_basic_verify(bs, extra, empty, OCSP_NOVERIFY) != 1 ||
	    OCSP_resp_get0_signer(bs, &signer, extra) != 1 ||
	    !ocsp_authorised(signer, issuer))
		goto out;
	n = OCSP_resp_count(bs);
	for (i = 0; i < n && i < 1000; i++) {
		OCSP_SINGLERESP *sr = OCSP_resp_get0(bs, i);
		const OCSP_CERTID *cid = OCSP_SINGLERESP_get0_id(sr);
		ASN1_OBJECT *mdo = NULL;
		const EVP_MD *md;

		if (OCSP_id_get0_info(NULL, &mdo, NULL, NULL,
		    (OCSP_CERTID *)(uintptr_t)cid) != 1 ||
		    (md = EVP_get_digestbyobj(mdo)) == NULL)
			continue;
		OCSP_CERTID_free(mine);
		if ((mine = OCSP_cert_to_id(md, cert, issuer)) == NULL ||
		    OCSP_id_cmp(mine, cid) != 0)
			continue;
		rev = thisu = nextu = NULL;
		reason = -1;
		st = OCSP_single_get0_status(sr, &reason, &rev, &thisu, &nextu);
		if (asn1_time_to_time(thisu, &tt) == -1)
			continue;
		if (nextu != NULL && asn1_time_to_time(nextu, &nt) == -1)
			continue;
		if (st == V_OCSP_CERTSTATUS_REVOKED &&
		    asn1_time_to_time(rev, &rt) == 0)
			answer_revoked(a, rt, reason, t, src);
		else if (st == V_OCSP_CERTSTATUS_GOOD && a->st == ST_UNKNOWN &&
		    answer_current(tt, nextu != NULL, nt, t)) {
			a->st = ST_GOOD;
			a->source = src;
		}
	}
out:
	OCSP_CERTID_free(mine);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
}

static void
status_crl(const unsigned char *der, size_t len, X509 *cert, X509 *issuer,
    time_t t, const char *src, struct status_ans *a)
{
	const unsigned char *p = der;
	X509_CRL *crl;
	X509_REVOKED *rv = NULL;
	ASN1_ENUMERATED *re;
	EVP_PKEY *ik;
	time_t tu, nu = 0, rt;
	int reason = -1, has_next;

	if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL)
		goto out;
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_issuer_name(cert)) != 0 ||
	    (ik = X509_get0_pubkey(issuer)) == NULL ||
	    X509_CRL_verify(crl, ik) != 1 ||
	    asn1_time_to_time(X509_CRL_get0_lastUpdate(crl), &tu) == -1)
		goto out;
	has_next = X509_CRL_get0_nextUpdate(crl) != NULL &&
	    asn1_time_to_time(X509_CRL_get0_nextUpdate(crl), &nu) == 0;
	if (X509_CRL_get0_by_cert(crl, &rv, cert) == 1 && rv != NULL) {
		if (asn1_time_to_time(X509_REVOKED_get0_revocationDate(rv),
		    &rt) == -1)
			goto out;
		if ((re = X509_REVOKED_get_ext_d2i(rv, NID_crl_reason, NULL,
		    NULL)) != NULL) {
			reason = (int)ASN1_ENUMERATED_get(re);
			ASN1_ENUMERATED_free(re);
		}
		answer_revoked(a, rt, reason, t, src);
	} else if (a->st == ST_UNKNOWN && answer_current(tu, has_next, nu, t)) {
		a->st = ST_GOOD;
		a->source = src;
	}
out:
	X509_CRL_free(crl);
	ERR_clear_error();
}

static void
status_from(const struct valdata *vd, X509 *cert, X509 *issuer,
    STACK_OF(X509) *extra, X509_STORE *empty, time_t t, const char *src,
    struct status_ans *a)
{
	size_t i;

	for (i = 0; i < vd->ocsps.n; i++)
		status_ocsp(vd->ocsps.p[i], vd->ocsps.len[i], cert, issuer,
		    extra, empty, t, src, a);
	for (i = 0; i < vd->crls.n; i++)
		status_crl(vd->crls.p[i], vd->crls.len[i], cert, issuer, t,
		    src, a);
}

/*
 * The status of cert at t from the file's own data (DSS, then the
 * signature's embedded data) or, failing that, from the callback.
 */
static void
status_of(struct vctx *v, const struct valdata *dss,
    const struct valdata *emb, X509 *cert, X509 *issuer,
    STACK_OF(X509) *extra, time_t t, struct status_ans *a)
{
	int revoked = 0, reason = -1;
	time_t rat = 0;

	memset(a, 0, sizeof(*a));
	a->st = ST_UNKNOWN;
	a->reason = -1;
	a->source = "none";
	if (dss != NULL)
		status_from(dss, cert, issuer, extra, v->empty, t, "dss", a);
	if (a->st != ST_REVOKED && emb != NULL)
		status_from(emb, cert, issuer, extra, v->empty, t,
		    "signature", a);
	if (a->st == ST_UNKNOWN && v->o->status != NULL &&
	    v->o->status(v->o->status_arg, cert, issuer, t, &revoked, &rat,
	    &reason) == 0) {
		a->source = "instance";
		if (revoked)
			answer_revoked(a, rat, reason, t, "instance");
		else
			a->st = ST_GOOD;
	}
}

/* Whether vd answers for every certificate of chain below its anchor. */
static int
chain_covered(struct vctx *v, const struct valdata *vd, STACK_OF(X509) *chain,
    STACK_OF(X509) *extra, time_t t)
{
	struct status_ans a;
	int i, n = chain != NULL ? sk_X509_num(chain) : 0;

	if (n < 2)
		return 0;
	for (i = 0; i + 1 < n; i++) {
		memset(&a, 0, sizeof(a));
		a.st = ST_UNKNOWN;
		status_from(vd, sk_X509_value(chain, i),
		    sk_X509_value(chain, i + 1), extra, v->empty, t, "x", &a);
		if (a.st == ST_UNKNOWN)
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* CMS pieces                                                          */

static const ASN1_STRING *
signed_seq(CMS_SignerInfo *si, int nid)
{
	return CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(nid), -3,
	    V_ASN1_SEQUENCE);
}

/*
 * ESS signing-certificate(-v2) (RFC 5035; ETSI EN 319 122-1 §5.2.2):
 * 1 names cert, 0 absent, -1 names another certificate.
 */
static int
ess_check(CMS_SignerInfo *si, X509 *cert)
{
	const ASN1_STRING *s1, *s2;
	ESS_SIGNING_CERT *ss = NULL;
	ESS_SIGNING_CERT_V2 *ss2 = NULL;
	STACK_OF(X509) *sk = NULL;
	const unsigned char *p;
	int r = -1;

	s1 = signed_seq(si, NID_id_smime_aa_signingCertificate);
	s2 = signed_seq(si, NID_id_smime_aa_signingCertificateV2);
	if (s1 == NULL && s2 == NULL)
		return 0;
	if (cert == NULL)
		return 0;	/* nothing to compare with: reported elsewhere */
	if (s1 != NULL) {
		p = ASN1_STRING_get0_data(s1);
		if ((ss = d2i_ESS_SIGNING_CERT(NULL, &p,
		    ASN1_STRING_length(s1))) == NULL)
			goto out;
	}
	if (s2 != NULL) {
		p = ASN1_STRING_get0_data(s2);
		if ((ss2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p,
		    ASN1_STRING_length(s2))) == NULL)
			goto out;
	}
	if ((sk = sk_X509_new_null()) == NULL || !sk_X509_push(sk, cert))
		goto out;
	r = OSSL_ESS_check_signing_certs(ss, ss2, sk, 1) > 0 ? 1 : -1;
out:
	sk_X509_free(sk);
	ESS_SIGNING_CERT_free(ss);
	ESS_SIGNING_CERT_V2_free(ss2);
	ERR_clear_error();
	return r;
}

static X509 *
find_signer(CMS_SignerInfo *si, STACK_OF(X509) *pool)
{
	int i;

	for (i = 0; pool != NULL && i < sk_X509_num(pool); i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(pool, i)) == 0)
			return sk_X509_value(pool, i);
	return NULL;
}

static const EVP_MD *
digest_ok_for_pdf(const X509_ALGOR *alg, int *nid)
{
	const ASN1_OBJECT *obj;

	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	*nid = OBJ_obj2nid(obj);
	switch (*nid) {
	case NID_sha1:
	case NID_sha224:
	case NID_sha256:
	case NID_sha384:
	case NID_sha512:
	case NID_sha3_256:
	case NID_sha3_384:
	case NID_sha3_512:
		return EVP_get_digestbynid(*nid);
	default:
		return NULL;	/* MD5 and unknown: refused */
	}
}

static int
digest_parts(const EVP_MD *md, const unsigned char *p1, size_t n1,
    const unsigned char *p2, size_t n2, unsigned char *out, unsigned *outlen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok;

	ok = c != NULL && EVP_DigestInit_ex(c, md, NULL) == 1 &&
	    EVP_DigestUpdate(c, p1, n1) == 1 &&
	    (p2 == NULL || EVP_DigestUpdate(c, p2, n2) == 1) &&
	    EVP_DigestFinal_ex(c, out, outlen) == 1;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

/* messageDigest attribute equals want (RFC 5652 §11.2). */
static int
md_attr_matches(CMS_SignerInfo *si, const unsigned char *want, unsigned n)
{
	const ASN1_OCTET_STRING *md;

	md = CMS_signed_get0_data_by_OBJ(si,
	    OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
	return md != NULL && (unsigned)ASN1_STRING_length(md) == n &&
	    CRYPTO_memcmp(ASN1_STRING_get0_data(md), want, n) == 0;
}

static void
x509_cn(X509 *x, char *out, size_t n)
{
	X509_NAME *nm = x != NULL ? X509_get_subject_name(x) : NULL;

	out[0] = '\0';
	if (nm == NULL)
		return;
	if (X509_NAME_get_text_by_NID(nm, NID_commonName, out, (int)n) < 0)
		X509_NAME_oneline(nm, out, (int)n);
}

/*
 * An RFC 3161 time-stamp token over m1|m2: the imprint, the token's
 * own signature (with its ESS attribute, RFC 3161 §2.4.1 and RFC 5816)
 * and the TSA's chain for time-stamping (RFC 3161 §2.3).
 */
static void
tst_verify(struct vctx *v, struct tst *t, const unsigned char *der,
    size_t len, const unsigned char *m1, size_t n1, const unsigned char *m2,
    size_t n2, STACK_OF(X509) *extra)
{
	CMS_ContentInfo *cms = NULL;
	TS_TST_INFO *info = NULL;
	STACK_OF(X509) *certs = NULL, *pool = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING **pos;
	const unsigned char *p = der, *ip;
	TS_MSG_IMPRINT *mi;
	const ASN1_OCTET_STRING *h;
	const EVP_MD *md;
	X509_ALGOR *dig = NULL;
	unsigned char buf[EVP_MAX_MD_SIZE];
	unsigned blen = 0;
	char cn[256], cerr[120];
	int nid;

	t->present = 1;
	if (len == 0 || len > LONG_MAX ||
	    (cms = d2i_CMS_ContentInfo(NULL, &p, (long)len)) == NULL) {
		snprintf(t->error, sizeof(t->error), "not a DER time-stamp token");
		goto out;
	}
	sha256_hex(der, (size_t)(p - der), t->id);
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_id_smime_ct_TSTInfo ||
	    (pos = CMS_get0_content(cms)) == NULL || *pos == NULL) {
		snprintf(t->error, sizeof(t->error), "not a TSTInfo token");
		goto out;
	}
	ip = ASN1_STRING_get0_data(*pos);
	if ((info = d2i_TS_TST_INFO(NULL, &ip, ASN1_STRING_length(*pos))) ==
	    NULL || asn1_time_to_time(TS_TST_INFO_get_time(info),
	    &t->gen_time) == -1) {
		snprintf(t->error, sizeof(t->error), "unreadable TSTInfo");
		goto out;
	}
	t->parsed = 1;
	mi = TS_TST_INFO_get_msg_imprint(info);
	h = TS_MSG_IMPRINT_get_msg(mi);
	if ((md = digest_ok_for_pdf(TS_MSG_IMPRINT_get_algo(mi), &nid)) ==
	    NULL) {
		snprintf(t->error, sizeof(t->error), "imprint algorithm refused");
		goto out;
	}
	t->md_nid = nid;
	if (digest_parts(md, m1, n1, m2, n2, buf, &blen) == 0 &&
	    (unsigned)ASN1_STRING_length(h) == blen &&
	    memcmp(ASN1_STRING_get0_data(h), buf, blen) == 0)
		t->imprint_ok = 1;
	else
		snprintf(t->error, sizeof(t->error),
		    "the token's imprint does not match");
	sis = CMS_get0_SignerInfos(cms);
	if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1)
		goto out;
	si = sk_CMS_SignerInfo_value(sis, 0);
	certs = CMS_get1_certs(cms);
	if ((pool = certs_join(certs, extra)) == NULL)
		goto out;
	if ((t->tsa_cert = find_signer(si, pool)) == NULL) {
		snprintf(t->error, sizeof(t->error), "TSA certificate not found");
		goto out;
	}
	X509_up_ref(t->tsa_cert);
	x509_cn(t->tsa_cert, cn, sizeof(cn));
	t->tsa_name = strdup(cn);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	if (dig == NULL || (md = digest_ok_for_pdf(dig, &nid)) == NULL ||
	    digest_parts(md, ASN1_STRING_get0_data(*pos),
	    (size_t)ASN1_STRING_length(*pos), NULL, 0, buf, &blen) == -1 ||
	    !md_attr_matches(si, buf, blen)) {
		snprintf(t->error, sizeof(t->error),
		    "the token's message digest does not match");
		goto out;
	}
	CMS_SignerInfo_set1_signer_cert(si, t->tsa_cert);
	if (CMS_SignerInfo_verify(si) != 1) {
		snprintf(t->error, sizeof(t->error),
		    "the token's signature does not verify");
		goto out;
	}
	if (ess_check(si, t->tsa_cert) != 1) {
		snprintf(t->error, sizeof(t->error),
		    "the token's signing-certificate attribute is missing or wrong");
		goto out;
	}
	t->signature_ok = 1;
	/*
	 * The TSA is judged at the validation time: a token whose TSA
	 * cannot be trusted now proves nothing about the past.
	 */
	t->trusted = chain_verify(v, t->tsa_cert, pool,
	    X509_PURPOSE_TIMESTAMP_SIGN, v->now, &t->chain, cerr, sizeof(cerr));
	if (!t->trusted && t->imprint_ok)
		snprintf(t->error, sizeof(t->error), "TSA not trusted: %s", cerr);
out:
	sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(pool, X509_free);
	TS_TST_INFO_free(info);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
}

/*
 * Acrobat's adbe-revocationInfoArchival (OID 1.2.840.113583.1.1.8):
 * SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CertificateList OPTIONAL,
 * ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL, otherRevInfo [2]
 * ... }. Only definite lengths are read.
 */
static void
adbe_revinfo(const unsigned char *p, size_t n, struct valdata *out)
{
	const unsigned char *q = p, *end, *inner, *iend, *item;
	long len, ilen, elen;
	int tag, cls, r;

	r = ASN1_get_object(&q, &len, &tag, &cls, (long)n);
	if ((r & 0x80) || r != V_ASN1_CONSTRUCTED || tag != V_ASN1_SEQUENCE)
		return;
	end = q + len;
	while (q < end) {
		const unsigned char *el = q;

		r = ASN1_get_object(&q, &elen, &tag, &cls, end - q);
		if ((r & 0x80) || r != V_ASN1_CONSTRUCTED)
			return;
		if (cls != V_ASN1_CONTEXT_SPECIFIC || tag > 1) {
			q += elen;
			continue;
		}
		inner = q;
		q += elen;
		r = ASN1_get_object(&inner, &ilen, &tag, &cls, q - inner);
		if ((r & 0x80) || r != V_ASN1_CONSTRUCTED ||
		    tag != V_ASN1_SEQUENCE)
			return;
		iend = inner + ilen;
		while (inner < iend) {
			item = inner;
			r = ASN1_get_object(&inner, &ilen, &tag, &cls,
			    iend - inner);
			if ((r & 0x80) || (r & 0x01))
				return;
			inner += ilen;
			(void)derlist_add(el[0] == 0xa0 ? &out->crls :
			    &out->ocsps, item, (size_t)(inner - item));
		}
	}
}

static const char *
sig_alg_name(EVP_PKEY *pk, int md_nid, char *out, size_t n)
{
	const char *d = OBJ_nid2sn(md_nid);
	char dd[16];
	size_t i, j;

	/* "SHA256" from "SHA256", "SHA3-256" from "SHA3-256" */
	for (i = j = 0; d != NULL && d[i] != '\0' && j + 1 < sizeof(dd); i++)
		dd[j++] = (char)toupper((unsigned char)d[i]);
	dd[j] = '\0';
	if (pk == NULL)
		snprintf(out, n, "UNKNOWN_%s", dd);
	else if (EVP_PKEY_is_a(pk, "RSA"))
		snprintf(out, n, "RSA_%s", dd);
	else if (EVP_PKEY_is_a(pk, "RSA-PSS"))
		snprintf(out, n, "RSA_SSA_PSS_%s_MGF1", dd);
	else if (EVP_PKEY_is_a(pk, "EC"))
		snprintf(out, n, "ECDSA_%s", dd);
	else if (EVP_PKEY_is_a(pk, "ED25519"))
		snprintf(out, n, "ED25519");
	else if (EVP_PKEY_is_a(pk, "DSA"))
		snprintf(out, n, "DSA_%s", dd);
	else
		snprintf(out, n, "UNKNOWN_%s", dd);
	return out;
}

/* ------------------------------------------------------------------ */
/* one signature                                                       */

static void
problem(struct sig *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
problem(struct sig *s, const char *fmt, ...)
{
	char m[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	if (!strlist_has(&s->problems, m))
		(void)strlist_add(&s->problems, m);
}

static const unsigned char *
br_part(struct vctx *v, const struct sig *s, int i, size_t *n)
{
	*n = (size_t)s->br[2 * i + 1];
	return v->pdf + s->br[2 * i];
}

/*
 * The ByteRange (ISO 32000-2 §12.8.1): [0 a b c] covering the file from
 * its first byte to the end of the signed revision, except exactly the
 * /Contents hex string of this very signature dictionary.
 */
static void
byterange_check(struct vctx *v, struct sig *s, qpdf_oh sd)
{
	qpdf_oh a = q_key(v->q, sd, "/ByteRange"), c;
	const unsigned char *pdf = v->pdf, *hex;
	size_t gap0, gap1, end, i, hn, back, lim;
	long long x;
	int n, ok = 1;

	if (!qpdf_oh_is_array(v->q, a) ||
	    (n = qpdf_oh_get_array_n_items(v->q, a)) != 4) {
		problem(s, "the ByteRange is not an array of four integers");
		qpdf_oh_release(v->q, a);
		return;
	}
	for (i = 0; i < 4; i++) {
		qpdf_oh it = qpdf_oh_get_array_item(v->q, a, (int)i);

		if (!qpdf_oh_is_integer(v->q, it) ||
		    !qpdf_oh_get_value_as_longlong(v->q, it, &x) || x < 0 ||
		    (unsigned long long)x > v->len)
			ok = 0;
		else
			s->br[i] = x;
		qpdf_oh_release(v->q, it);
	}
	qpdf_oh_release(v->q, a);
	q_failed(v->q);
	if (!ok) {
		problem(s, "the ByteRange holds values that are not offsets in the file");
		return;
	}
	s->br_n = 4;
	gap0 = (size_t)s->br[1];
	gap1 = (size_t)s->br[2];
	if (s->br[0] != 0 || gap0 == 0 || gap1 < gap0 + 2 ||
	    (size_t)s->br[3] > v->len - gap1) {
		problem(s, "the ByteRange does not cover the file from its start around one gap");
		return;
	}
	end = gap1 + (size_t)s->br[3];
	s->rev_end = end;
	/* The gap is exactly one hex string ... */
	hex = pdf + gap0;
	hn = gap1 - gap0;
	if (hex[0] != '<' || hex[hn - 1] != '>' || (hn - 2) % 2 != 0 ||
	    hn - 2 > MAX_CONTENTS) {
		problem(s, "the ByteRange gap is not exactly the /Contents hex string");
		return;
	}
	for (i = 1; i + 1 < hn; i++)
		if (!isxdigit(hex[i])) {
			problem(s, "the ByteRange gap is not exactly the /Contents hex string");
			return;
		}
	/* ... that follows /Contents ... */
	for (back = gap0; back > 0 && is_pdf_space(pdf[back - 1]); back--)
		;
	if (back < 9 || memcmp(pdf + back - 9, "/Contents", 9) != 0) {
		problem(s, "the ByteRange gap is not the value of a /Contents key");
		return;
	}
	/* ... inside this signature dictionary's object. */
	if (s->v_id > 0) {
		long long on = -1, og = -1;
		size_t k = back - 9, st;

		lim = k > (1u << 20) ? k - (1u << 20) : 0;
		while (k >= lim + 3) {
			k--;
			if (memcmp(pdf + k - 2, "obj", 3) != 0)
				continue;
			st = k - 2;
			if (st >= 3 && memcmp(pdf + st - 3, "end", 3) == 0)
				break;
			if (st == 0 || !is_pdf_space(pdf[st - 1]) ||
			    (!is_pdf_space(pdf[k + 1]) && !is_pdf_delim(pdf[k + 1])))
				continue;
			/* "N G obj"; text that only ends in " obj" is passed by */
			while (st > 0 && is_pdf_space(pdf[st - 1]))
				st--;
			for (og = 0, x = 1; st > 0 && isdigit(pdf[st - 1]) &&
			    x < 10000000; st--, x *= 10)
				og += (pdf[st - 1] - '0') * x;
			if (x == 1 || st == 0 || !is_pdf_space(pdf[st - 1]))
				continue;
			while (st > 0 && is_pdf_space(pdf[st - 1]))
				st--;
			for (on = 0, x = 1; st > 0 && isdigit(pdf[st - 1]) &&
			    x < 10000000000LL; st--, x *= 10)
				on += (pdf[st - 1] - '0') * x;
			if (x == 1)
				continue;
			break;
		}
		if (on != s->v_id || og != s->v_gen) {
			problem(s, "the ByteRange gap lies outside this signature's dictionary");
			return;
		}
	}
	/* What qpdf read must be what the gap holds. */
	c = q_key(v->q, sd, "/Contents");
	if (qpdf_oh_is_string(v->q, c)) {
		size_t cl = 0;
		const char *cv = qpdf_oh_get_binary_string_value(v->q, c, &cl);
		unsigned char *dec = NULL;
		size_t dl = 0;

		if ((dec = malloc((hn - 2) / 2 + 1)) != NULL) {
			for (i = 0; i < (hn - 2) / 2; i++) {
				int hi = hex[1 + 2 * i], lo = hex[2 + 2 * i];

				hi = isdigit(hi) ? hi - '0' : (tolower(hi) - 'a' + 10);
				lo = isdigit(lo) ? lo - '0' : (tolower(lo) - 'a' + 10);
				dec[i] = (unsigned char)(hi << 4 | lo);
			}
			dl = (hn - 2) / 2;
		}
		if (dec == NULL || cv == NULL ||
		    (!v->r->encrypted && (cl != dl || memcmp(cv, dec, dl) != 0))) {
			free(dec);
			qpdf_oh_release(v->q, c);
			problem(s, "the ByteRange gap is not this signature's /Contents");
			return;
		}
		s->contents = dec;
		s->contents_len = dl;
	}
	qpdf_oh_release(v->q, c);
	q_failed(v->q);
	if (s->contents == NULL || s->contents_len == 0) {
		problem(s, "the signature has no /Contents");
		return;
	}
	/* The signed revision ends with its %%EOF (ISO 32000-2 §7.5.6). */
	for (back = end; back > 0 && is_pdf_space(pdf[back - 1]); back--)
		;
	if (back < 5 || memcmp(pdf + back - 5, "%%EOF", 5) != 0) {
		problem(s, "the ByteRange does not end at the end of a revision");
		return;
	}
	for (i = end; i < v->len && is_pdf_space(pdf[i]); i++)
		;
	s->whole_file = i == v->len;
	s->br_ok = 1;
}

/* The CMS of an adbe.pkcs7.detached or ETSI.CAdES.detached signature. */
static void
cms_check(struct vctx *v, struct sig *s)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509_CRL) *crls = NULL;
	STACK_OF(X509) *pool = NULL;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING **pos;
	const ASN1_OCTET_STRING *sv;
	const ASN1_STRING *adbe, *tok;
	const ASN1_OBJECT *ct;
	ASN1_OBJECT *adbe_oid = NULL;
	X509_ALGOR *dig = NULL;
	const EVP_MD *md;
	EVP_MD_CTX *mc = NULL;
	const unsigned char *p = s->contents, *p1, *p2;
	size_t n1, n2, i;
	int idx, etsi;

	etsi = s->sub_filter != NULL &&
	    strcmp(s->sub_filter, "ETSI.CAdES.detached") == 0;
	if ((cms = d2i_CMS_ContentInfo(NULL, &p, (long)s->contents_len)) ==
	    NULL) {
		problem(s, "the /Contents is not a DER-encoded CMS");
		goto out;
	}
	sha256_hex(s->contents, (size_t)(p - s->contents), s->id);
	/* Padding after the CMS must be zeros (ISO 32000-2 §12.8.1). */
	for (i = (size_t)(p - s->contents); i < s->contents_len; i++)
		if (s->contents[i] != 0) {
			problem(s, "data follows the CMS in /Contents");
			goto out;
		}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		problem(s, "the CMS is not SignedData");
		goto out;
	}
	if ((pos = CMS_get0_content(cms)) != NULL && *pos != NULL) {
		problem(s, "the CMS is not detached");
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1) {
		problem(s, "the CMS must hold exactly one SignerInfo");
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	s->cms_ok = 1;
	if ((s->cms_certs = CMS_get1_certs(cms)) == NULL)
		s->cms_certs = sk_X509_new_null();
	if ((pool = certs_join(s->cms_certs, v->dss_certs)) == NULL)
		goto out;
	if ((s->signer = find_signer(si, pool)) != NULL)
		X509_up_ref(s->signer);
	else
		problem(s, "the signer's certificate is neither in the CMS nor in the DSS");
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	if (dig == NULL || (md = digest_ok_for_pdf(dig, &s->md_nid)) == NULL) {
		problem(s, "the digest algorithm is not accepted");
		goto out;
	}
	p1 = br_part(v, s, 0, &n1);
	p2 = br_part(v, s, 1, &n2);
	if (digest_parts(md, p1, n1, p2, n2, s->md, &s->md_len) == -1)
		goto out;
	if ((sv = CMS_SignerInfo_get0_signature(si)) != NULL &&
	    ASN1_STRING_length(sv) > 0 &&
	    (s->sigval = malloc((size_t)ASN1_STRING_length(sv))) != NULL) {
		s->sigval_len = (size_t)ASN1_STRING_length(sv);
		memcpy(s->sigval, ASN1_STRING_get0_data(sv), s->sigval_len);
	}
	sig_alg_name(s->signer != NULL ? X509_get0_pubkey(s->signer) : NULL,
	    s->md_nid, s->sig_alg, sizeof(s->sig_alg));
	if (CMS_signed_get_attr_count(si) > 0) {
		s->digest_ok = md_attr_matches(si, s->md, s->md_len);
		if (!s->digest_ok)
			problem(s, "the message digest does not match the signed bytes");
		ct = CMS_signed_get0_data_by_OBJ(si,
		    OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT);
		if (ct == NULL || OBJ_obj2nid(ct) != NID_pkcs7_data)
			problem(s, "the content-type attribute is missing or not id-data");
		else if (s->signer != NULL) {
			CMS_SignerInfo_set1_signer_cert(si, s->signer);
			s->signature_ok = CMS_SignerInfo_verify(si) == 1;
			if (!s->signature_ok)
				problem(s, "the signature value does not verify");
		}
	} else {
		/* adbe.pkcs7.detached may sign the content directly. */
		if (etsi)
			problem(s, "a CAdES signature needs signed attributes");
		else if (s->signer != NULL &&
		    (mc = EVP_MD_CTX_new()) != NULL &&
		    EVP_DigestVerifyInit(mc, NULL, md, NULL,
		    X509_get0_pubkey(s->signer)) == 1 &&
		    EVP_DigestVerifyUpdate(mc, p1, n1) == 1 &&
		    EVP_DigestVerifyUpdate(mc, p2, n2) == 1 &&
		    sv != NULL && EVP_DigestVerifyFinal(mc,
		    ASN1_STRING_get0_data(sv),
		    (size_t)ASN1_STRING_length(sv)) == 1)
			s->signature_ok = s->digest_ok = 1;
		else if (s->signer != NULL)
			problem(s, "the signature does not match the signed bytes");
	}
	s->ess = ess_check(si, s->signer);
	if (s->ess < 0)
		problem(s, "the signing-certificate attribute names another certificate");
	/* signing-time, which PAdES baseline leaves to /M */
	if ((idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime,
	    -1)) >= 0) {
		ASN1_TYPE *at = X509_ATTRIBUTE_get0_type(
		    CMS_signed_get_attr(si, idx), 0);

		if (at != NULL && (at->type == V_ASN1_UTCTIME ||
		    at->type == V_ASN1_GENERALIZEDTIME) &&
		    asn1_time_to_time(at->value.utctime, &s->cms_time) == 0)
			s->has_cms_time = 1;
	}
	if ((adbe_oid = OBJ_txt2obj("1.2.840.113583.1.1.8", 1)) != NULL &&
	    (adbe = CMS_signed_get0_data_by_OBJ(si, adbe_oid, -3,
	    V_ASN1_SEQUENCE)) != NULL)
		adbe_revinfo(ASN1_STRING_get0_data(adbe),
		    (size_t)ASN1_STRING_length(adbe), &s->embedded);
	if ((crls = CMS_get1_crls(cms)) != NULL)
		for (idx = 0; idx < sk_X509_CRL_num(crls); idx++) {
			unsigned char *der = NULL;
			int dl = i2d_X509_CRL(sk_X509_CRL_value(crls, idx), &der);

			if (dl > 0)
				(void)derlist_add(&s->embedded.crls, der,
				    (size_t)dl);
			OPENSSL_free(der);
		}
	/* signature-time-stamp (RFC 3161 Appendix A): over the signature value */
	tok = CMS_unsigned_get0_data_by_OBJ(si,
	    OBJ_nid2obj(NID_id_smime_aa_timeStampToken), -1, V_ASN1_SEQUENCE);
	if (tok != NULL && s->sigval != NULL) {
		STACK_OF(X509) *extra = certs_join(s->cms_certs, v->dss_certs);

		tst_verify(v, &s->ts, ASN1_STRING_get0_data(tok),
		    (size_t)ASN1_STRING_length(tok), s->sigval, s->sigval_len,
		    NULL, 0, extra);
		sk_X509_pop_free(extra, X509_free);
		if (!s->ts.imprint_ok || !s->ts.signature_ok)
			problem(s, "signature time-stamp: %s", s->ts.error);
	}
out:
	ASN1_OBJECT_free(adbe_oid);
	EVP_MD_CTX_free(mc);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	sk_X509_pop_free(pool, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
}

/* A document time-stamp (ETSI.RFC3161, ISO 32000-2 §12.8.5). */
static void
docts_check(struct vctx *v, struct sig *s)
{
	const unsigned char *p1, *p2, *p = s->contents;
	size_t n1, n2, i, dl;
	long len;
	int tag, cls, r;

	r = ASN1_get_object(&p, &len, &tag, &cls, (long)s->contents_len);
	if ((r & 0x80) == 0 && (r & 0x01) == 0) {
		dl = (size_t)(p - s->contents) + (size_t)len;
		for (i = dl; i < s->contents_len; i++)
			if (s->contents[i] != 0) {
				problem(s, "data follows the token in /Contents");
				return;
			}
	}
	p1 = br_part(v, s, 0, &n1);
	p2 = br_part(v, s, 1, &n2);
	tst_verify(v, &s->ts, s->contents, s->contents_len, p1, n1, p2, n2,
	    v->dss_certs);
	memcpy(s->id, s->ts.id, sizeof(s->id));
	s->cms_ok = s->ts.parsed;
	s->digest_ok = s->ts.imprint_ok;
	s->signature_ok = s->ts.signature_ok;
	s->md_nid = s->ts.md_nid;
	if (s->ts.tsa_cert != NULL) {
		X509_up_ref(s->ts.tsa_cert);
		s->signer = s->ts.tsa_cert;
		sig_alg_name(X509_get0_pubkey(s->signer), s->md_nid, s->sig_alg,
		    sizeof(s->sig_alg));
	}
	if (!s->ts.imprint_ok || !s->ts.signature_ok)
		problem(s, "%s", s->ts.error[0] ? s->ts.error :
		    "the time-stamp token does not verify");
}

/* ------------------------------------------------------------------ */
/* modifications after signing (ISO 32000-2 §12.8.2.2, DocMDP)          */

struct diff {
	struct vctx	*v;
	struct sig	*s;
	qpdf_data	 P, F;
	int		 p;		/* DocMDP permission in force */
};

static const char *const change_names[] = {
	"signature", "document_timestamp", "dss", "metadata", "form",
	"annotation", "content"
};

/*
 * P=1 no changes, P=2 form filling and signing, P=3 also annotations
 * (ISO 32000-2 Table 257). Validation data and document time-stamps
 * are allowed at every level, as PAdES adds them to any signature
 * (ETSI EN 319 142-1 §5.4, §5.5); so is metadata, which no page shows.
 */
static int
change_allowed(enum change ch, int p)
{
	switch (ch) {
	case CH_DOCTS:
	case CH_DSS:
	case CH_META:
		return 1;
	case CH_SIGNATURE:
	case CH_FORM:
		return p >= 2;
	case CH_ANNOT:
		return p >= 3;
	default:
		return 0;
	}
}

static void
change(struct diff *d, enum change ch, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
change(struct diff *d, enum change ch, const char *fmt, ...)
{
	char m[400];
	const char *tail;
	int allowed = change_allowed(ch, d->p);
	size_t i;
	va_list ap;

	m[0] = (char)('0' + ch);
	m[1] = allowed ? '1' : '0';
	va_start(ap, fmt);
	vsnprintf(m + 2, sizeof(m) - 2, fmt, ap);
	va_end(ap);
	/* one line per object: an added field is seen in /Fields and /Annots */
	if ((tail = strstr(m + 2, "(object ")) != NULL)
		for (i = 0; i < d->s->changes.n; i++) {
			const char *c = d->s->changes.v[i], *ct;

			if (c[0] == m[0] && (ct = strstr(c + 2, "(object ")) != NULL &&
			    strcmp(ct, tail) == 0)
				return;
		}
	if (!strlist_has(&d->s->changes, m))
		(void)strlist_add(&d->s->changes, m);
	if (!allowed)
		d->s->mod = MOD_CHANGED;
	else if (d->s->mod == MOD_NONE)
		d->s->mod = MOD_ALLOWED;
}

static qpdf_oh
q_obj(qpdf_data q, uint64_t k)
{
	qpdf_oh h = qpdf_get_object_by_id(q, (int)OKEY_ID(k), (int)OKEY_GEN(k));

	q_failed(q);
	return h;
}

/* A short name for what an object is, for the report. */
static void
obj_desc(qpdf_data q, qpdf_oh h, char *out, size_t n)
{
	char *t = q_name(q, h, "/Type"), *st = q_name(q, h, "/Subtype");

	if (t != NULL || st != NULL)
		snprintf(out, n, "%s%s%s%s", t ? "/" : "", t ? t : "",
		    st ? (t ? " /" : "/") : "", st ? st : "");
	else if (qpdf_oh_is_stream(q, h))
		snprintf(out, n, "stream");
	else if (qpdf_oh_is_array(q, h))
		snprintf(out, n, "array");
	else if (qpdf_oh_is_dictionary(q, h))
		snprintf(out, n, "dictionary");
	else
		snprintf(out, n, "object");
	free(t);
	free(st);
}

/* Keys whose values differ (references compared as references). */
static void
dict_diff_keys(qpdf_data a, qpdf_oh da, qpdf_data b, qpdf_oh db,
    struct strlist *out)
{
	struct strlist ka = { 0 }, kb = { 0 };
	size_t i;

	q_dict_keys(a, da, &ka);
	q_dict_keys(b, db, &kb);
	for (i = 0; i < ka.n; i++) {
		qpdf_oh va = q_key(a, da, ka.v[i]), vb = q_key(b, db, ka.v[i]);
		char *ta = q_unparse(a, va, 0), *tb = q_unparse(b, vb, 0);

		if (ta == NULL || tb == NULL || strcmp(ta, tb) != 0)
			(void)strlist_add(out, ka.v[i]);
		free(ta);
		free(tb);
		qpdf_oh_release(a, va);
		qpdf_oh_release(b, vb);
	}
	for (i = 0; i < kb.n; i++)
		if (!strlist_has(&ka, kb.v[i]))
			(void)strlist_add(out, kb.v[i]);
	strlist_free(&ka);
	strlist_free(&kb);
}

/* Object keys and direct items of an array (or of nothing). */
static void
array_items(qpdf_data q, qpdf_oh a, struct refs *keys, struct strlist *direct)
{
	int i, n;

	if (!qpdf_oh_is_array(q, a))
		return;
	n = qpdf_oh_get_array_n_items(q, a);
	for (i = 0; i < n && i < 100000; i++) {
		qpdf_oh it = qpdf_oh_get_array_item(q, a, i);
		uint64_t k = q_okey(q, it);

		if (k != 0)
			(void)refs_add(keys, k);
		else {
			char *t = q_unparse(q, it, 0);

			if (t != NULL)
				(void)strlist_add(direct, t);
			free(t);
		}
		qpdf_oh_release(q, it);
	}
	q_failed(q);
}

static int
refs_has(const struct refs *r, uint64_t k)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->k[i] == k)
			return 1;
	return 0;
}

static int
strlists_equal(const struct strlist *a, const struct strlist *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

/* Signature or document time-stamp, from the /V a field has or inherits. */
static enum change
sig_field_kind(qpdf_data q, qpdf_oh f)
{
	qpdf_oh cur = qpdf_oh_new_object(q, f), v, par;
	enum change ch = CH_SIGNATURE;
	int depth;

	for (depth = 0; depth < MAX_FIELD_DEPTH; depth++) {
		v = q_key(q, cur, "/V");
		if (qpdf_oh_is_dictionary(q, v)) {
			if (q_name_is(q, v, "/Type", "DocTimeStamp"))
				ch = CH_DOCTS;
			qpdf_oh_release(q, v);
			break;
		}
		qpdf_oh_release(q, v);
		par = q_key(q, cur, "/Parent");
		qpdf_oh_release(q, cur);
		cur = par;
		if (!qpdf_oh_is_dictionary(q, cur))
			break;
	}
	qpdf_oh_release(q, cur);
	return ch;
}

static void
field_added(struct diff *d, qpdf_oh h, uint64_t k, const char *where)
{
	char *ft = field_type(d->F, h), *t = q_text(d->F, h, "/T");
	char *sub = q_name(d->F, h, "/Subtype");

	if (ft != NULL && strcmp(ft, "Sig") == 0) {
		enum change ch = sig_field_kind(d->F, h);

		change(d, ch, "%s field %s added%s (object %lld %lld)",
		    ch == CH_DOCTS ? "document time-stamp" : "signature",
		    t ? t : "(unnamed)", where, OKEY_ID(k), OKEY_GEN(k));
	} else if (ft != NULL || (sub != NULL && strcmp(sub, "Widget") == 0))
		change(d, CH_ANNOT, "form field %s added%s (object %lld %lld)",
		    t ? t : "(unnamed)", where, OKEY_ID(k), OKEY_GEN(k));
	else
		change(d, CH_ANNOT, "annotation /%s added%s (object %lld %lld)",
		    sub ? sub : "?", where, OKEY_ID(k), OKEY_GEN(k));
	free(ft);
	free(t);
	free(sub);
}

/* Annotations of a page: added, removed, or direct ones changed. */
static void
annots_diff(struct diff *d, qpdf_oh pa, qpdf_oh fa, int page)
{
	struct refs pk = { 0 }, fk = { 0 };
	struct strlist pd = { 0 }, fd = { 0 };
	char where[48];
	size_t i;

	snprintf(where, sizeof(where), " on page %d", page + 1);
	array_items(d->P, pa, &pk, &pd);
	array_items(d->F, fa, &fk, &fd);
	for (i = 0; i < fk.n; i++)
		if (!refs_has(&pk, fk.k[i])) {
			qpdf_oh h = q_obj(d->F, fk.k[i]);

			field_added(d, h, fk.k[i], where);
			qpdf_oh_release(d->F, h);
		}
	for (i = 0; i < pk.n; i++)
		if (!refs_has(&fk, pk.k[i]))
			change(d, CH_ANNOT,
			    "annotation %lld %lld removed from page %d",
			    OKEY_ID(pk.k[i]), OKEY_GEN(pk.k[i]), page + 1);
	if (!strlists_equal(&pd, &fd))
		change(d, CH_ANNOT, "annotations changed on page %d", page + 1);
	free(pk.k);
	free(fk.k);
	strlist_free(&pd);
	strlist_free(&fd);
}

static void
fields_diff(struct diff *d, qpdf_oh pa, qpdf_oh fa)
{
	struct refs pk = { 0 }, fk = { 0 };
	struct strlist pd = { 0 }, fd = { 0 };
	size_t i;

	array_items(d->P, pa, &pk, &pd);
	array_items(d->F, fa, &fk, &fd);
	for (i = 0; i < fk.n; i++)
		if (!refs_has(&pk, fk.k[i])) {
			qpdf_oh h = q_obj(d->F, fk.k[i]);

			field_added(d, h, fk.k[i], "");
			qpdf_oh_release(d->F, h);
		}
	for (i = 0; i < pk.n; i++)
		if (!refs_has(&fk, pk.k[i]))
			change(d, CH_ANNOT, "form field %lld %lld removed",
			    OKEY_ID(pk.k[i]), OKEY_GEN(pk.k[i]));
	if (!strlists_equal(&pd, &fd))
		change(d, CH_ANNOT, "form fields changed");
	free(pk.k);
	free(fk.k);
	strlist_free(&pd);
	strlist_free(&fd);
}

static void
acroform_diff(struct diff *d, qpdf_oh pa, qpdf_oh fa)
{
	struct strlist keys = { 0 };
	size_t i;

	dict_diff_keys(d->P, pa, d->F, fa, &keys);
	for (i = 0; i < keys.n; i++) {
		const char *k = keys.v[i];

		if (strcmp(k, "/Fields") == 0) {
			qpdf_oh a = q_key(d->P, pa, k), b = q_key(d->F, fa, k);

			fields_diff(d, a, b);
			qpdf_oh_release(d->P, a);
			qpdf_oh_release(d->F, b);
		} else if (strcmp(k, "/SigFlags") == 0)
			change(d, CH_SIGNATURE, "AcroForm /SigFlags changed");
		else if (strcmp(k, "/XFA") == 0)
			change(d, CH_CONTENT, "AcroForm /XFA changed");
		else
			change(d, CH_FORM, "AcroForm %s changed", k);
	}
	strlist_free(&keys);
}

/* A field or annotation dictionary that existed when signing. */
static void
widget_diff(struct diff *d, qpdf_oh ph, qpdf_oh fh, uint64_t key)
{
	struct strlist keys = { 0 };
	char *ft = field_type(d->F, fh), *t = q_text(d->F, fh, "/T");
	int is_field = ft != NULL || q_name_is(d->F, fh, "/Subtype", "Widget");
	size_t i;

	dict_diff_keys(d->P, ph, d->F, fh, &keys);
	for (i = 0; i < keys.n; i++) {
		const char *k = keys.v[i];

		if (is_field && strcmp(k, "/V") == 0 && ft != NULL &&
		    strcmp(ft, "Sig") == 0) {
			enum change ch = sig_field_kind(d->F, fh);

			change(d, ch, "%s field %s signed (object %lld %lld)",
			    ch == CH_DOCTS ? "document time-stamp" : "signature",
			    t ? t : "(unnamed)", OKEY_ID(key), OKEY_GEN(key));
		} else if (is_field && strcmp(k, "/Kids") == 0) {
			qpdf_oh a = q_key(d->P, ph, k), b = q_key(d->F, fh, k);

			fields_diff(d, a, b);
			qpdf_oh_release(d->P, a);
			qpdf_oh_release(d->F, b);
		} else if (is_field && (strcmp(k, "/V") == 0 ||
		    strcmp(k, "/AS") == 0 || strcmp(k, "/AP") == 0))
			change(d, CH_FORM, "form field %s filled in: %s (object %lld %lld)",
			    t ? t : "(unnamed)", k, OKEY_ID(key), OKEY_GEN(key));
		else
			change(d, CH_ANNOT, "annotation %lld %lld: %s changed",
			    OKEY_ID(key), OKEY_GEN(key), k);
	}
	free(ft);
	free(t);
	strlist_free(&keys);
}

static void
page_diff(struct diff *d, qpdf_oh ph, qpdf_oh fh, int page, uint64_t key)
{
	struct strlist keys = { 0 };
	size_t i;

	dict_diff_keys(d->P, ph, d->F, fh, &keys);
	for (i = 0; i < keys.n; i++) {
		if (strcmp(keys.v[i], "/Annots") == 0) {
			qpdf_oh a = q_key(d->P, ph, "/Annots");
			qpdf_oh b = q_key(d->F, fh, "/Annots");

			annots_diff(d, a, b, page);
			qpdf_oh_release(d->P, a);
			qpdf_oh_release(d->F, b);
		} else
			change(d, CH_CONTENT, "page %d: %s changed (object %lld %lld)",
			    page + 1, keys.v[i], OKEY_ID(key), OKEY_GEN(key));
	}
	strlist_free(&keys);
}

static void
catalog_diff(struct diff *d)
{
	qpdf_oh pr = qpdf_get_root(d->P), fr = qpdf_get_root(d->F);
	struct strlist keys = { 0 };
	size_t i;

	dict_diff_keys(d->P, pr, d->F, fr, &keys);
	for (i = 0; i < keys.n; i++) {
		const char *k = keys.v[i];

		if (strcmp(k, "/AcroForm") == 0) {
			qpdf_oh a = q_key(d->P, pr, k), b = q_key(d->F, fr, k);

			acroform_diff(d, a, b);
			qpdf_oh_release(d->P, a);
			qpdf_oh_release(d->F, b);
		} else if (strcmp(k, "/DSS") == 0)
			change(d, CH_DSS, "DSS added or replaced");
		else if (strcmp(k, "/Metadata") == 0 ||
		    strcmp(k, "/Extensions") == 0)
			change(d, CH_META, "catalog %s changed", k);
		else
			change(d, CH_CONTENT, "catalog: %s changed", k);
	}
	strlist_free(&keys);
	qpdf_oh_release(d->P, pr);
	qpdf_oh_release(d->F, fr);
	q_failed(d->P);
	q_failed(d->F);
}

static void
object_changed(struct diff *d, const struct obj *o, qpdf_oh ph)
{
	qpdf_oh fh = q_obj(d->F, o->key);
	long long id = OKEY_ID(o->key), gen = OKEY_GEN(o->key);
	uint32_t r = o->roles;
	char desc[64];

	obj_desc(d->F, fh, desc, sizeof(desc));
	if (r & R_PAGETREE)
		change(d, CH_CONTENT, "page tree node %lld %lld changed", id, gen);
	else if (r & R_PAGE)
		page_diff(d, ph, fh, o->page, o->key);
	else if (r & R_CONTENT)
		change(d, CH_CONTENT, "object %lld %lld (%s) used by page content changed",
		    id, gen, desc);
	else if (r & R_SIGDICT)
		change(d, CH_CONTENT, "signature dictionary %lld %lld changed",
		    id, gen);
	else if (r & R_ANNOTS)
		annots_diff(d, ph, fh, o->page);
	else if ((r & R_FIELD) && o->kind == OK_ARRAY)
		fields_diff(d, ph, fh);
	else if (r & (R_ANNOT | R_FIELD))
		widget_diff(d, ph, fh, o->key);
	else if (r & R_ACROFORM)
		acroform_diff(d, ph, fh);
	else if (r & R_APPEAR)
		change(d, CH_FORM, "appearance object %lld %lld (%s) changed",
		    id, gen, desc);
	else if (r & R_DSS)
		change(d, CH_DSS, "DSS object %lld %lld changed", id, gen);
	else if (r & R_META)
		change(d, CH_META, "metadata object %lld %lld changed", id, gen);
	else
		change(d, CH_CONTENT, "object %lld %lld (%s) changed", id, gen,
		    desc);
	qpdf_oh_release(d->F, fh);
}

static qpdf_data
open_revision(struct vctx *v, size_t end)
{
	qpdf_data q = qpdf_init();

	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (qpdf_read_memory(q, "revision.pdf", (const char *)v->pdf, end,
	    v->o->password) & QPDF_ERRORS || qpdf_has_error(q)) {
		q_failed(q);
		qpdf_cleanup(&q);
		return NULL;
	}
	while (qpdf_more_warnings(q))
		(void)qpdf_next_warning(q);
	return q;
}

/* The signed revision against the final document, object by object. */
static void
modifications(struct vctx *v, struct sig *s)
{
	struct diff d;
	unsigned char fp[32];
	size_t i;

	s->mod = MOD_NONE;
	if (!s->br_ok) {
		s->mod = MOD_UNKNOWN;
		return;
	}
	if (s->whole_file) {
		(void)valdata_copy(&s->rev_dss, &v->dss);
		return;
	}
	if (v->fin_state == 0) {
		v->fin_state = graph_build(v->q, &v->fin) == 0 ? 1 : -1;
		if (v->fin_state == 1)
			roles_assign(v->q, &v->fin);
	}
	memset(&d, 0, sizeof(d));
	d.v = v;
	d.s = s;
	d.F = v->q;
	d.p = v->docmdp_p > 0 ? v->docmdp_p : 2;
	if (v->fin_state < 0 || (d.P = open_revision(v, s->rev_end)) == NULL) {
		s->mod = MOD_UNKNOWN;
		problem(s, "the signed revision cannot be compared with the document");
		return;
	}
	dss_read(d.P, &s->rev_dss);
	catalog_diff(&d);
	for (i = 0; i < v->fin.cap; i++) {
		const struct obj *o = &v->fin.t[i];
		qpdf_oh ph;

		if (o->key == 0 || o->kind == OK_MISSING || (o->roles & R_ROOT))
			continue;
		/* Many signatures over many objects: stop, do not hang. */
		if (++v->work > MAX_WORK) {
			s->mod = MOD_UNKNOWN;
			problem(s, "the document is too large to compare its revisions");
			break;
		}
		ph = q_obj(d.P, o->key);
		if (!qpdf_oh_is_null(d.P, ph)) {
			(void)fingerprint(d.P, ph, fp, NULL);
			if (memcmp(fp, o->fp, sizeof(fp)) != 0)
				object_changed(&d, o, ph);
		}
		qpdf_oh_release(d.P, ph);
	}
	q_failed(d.P);
	q_failed(d.F);
	qpdf_cleanup(&d.P);
}

/* ------------------------------------------------------------------ */
/* finding the signatures                                              */

static struct sig *
sig_new(struct pdf_report *r)
{
	struct sig *ns;

	if (r->n >= MAX_SIGS)
		return NULL;
	if ((ns = realloc(r->sigs, (r->n + 1) * sizeof(*ns))) == NULL)
		return NULL;
	r->sigs = ns;
	memset(&ns[r->n], 0, sizeof(ns[0]));
	ns[r->n].revoked_reason = -1;
	return &ns[r->n++];
}

static void
sig_collect(struct vctx *v, qpdf_oh field, const char *fqname)
{
	qpdf_data q = v->q;
	qpdf_oh sd = q_key(q, field, "/V");
	uint64_t k = q_okey(q, sd);
	struct sig *s;
	char *type, *m;
	size_t i;

	if (!qpdf_oh_is_dictionary(q, sd))
		goto out;
	for (i = 0; k != 0 && i < v->r->n; i++)
		if (OKEY(v->r->sigs[i].v_id, v->r->sigs[i].v_gen) == k)
			goto out;
	if ((s = sig_new(v->r)) == NULL)
		goto out;
	s->field = strdup(fqname);
	if (k != 0) {
		s->v_id = OKEY_ID(k);
		s->v_gen = OKEY_GEN(k);
	}
	type = q_name(q, sd, "/Type");
	s->filter = q_name(q, sd, "/Filter");
	s->sub_filter = q_name(q, sd, "/SubFilter");
	s->kind = (type != NULL && strcmp(type, "DocTimeStamp") == 0) ||
	    (s->sub_filter != NULL && strcmp(s->sub_filter,
	    "ETSI.RFC3161") == 0) ? KIND_TIMESTAMP : KIND_SIGNATURE;
	free(type);
	s->name = q_text(q, sd, "/Name");
	s->reason = q_text(q, sd, "/Reason");
	s->location = q_text(q, sd, "/Location");
	s->contact = q_text(q, sd, "/ContactInfo");
	if ((m = q_text(q, sd, "/M")) != NULL)
		s->has_m = pdf_date_parse(m, &s->m_time) == 0;
	free(m);
	byterange_check(v, s, sd);
out:
	qpdf_oh_release(q, sd);
	q_failed(q);
}

/* The field tree, with fully qualified names (ISO 32000-2 §12.7.4.2). */
static void
fields_walk(struct vctx *v, qpdf_oh arr, const char *prefix,
    const char *inh_ft, int depth, size_t *visited)
{
	qpdf_data q = v->q;
	int i, n;

	if (depth > MAX_FIELD_DEPTH || !qpdf_oh_is_array(q, arr))
		return;
	n = qpdf_oh_get_array_n_items(q, arr);
	for (i = 0; i < n && *visited < MAX_FIELDS; i++) {
		qpdf_oh f = qpdf_oh_get_array_item(q, arr, i), kids;
		char *t, *ft, name[512];

		++*visited;
		if (!qpdf_oh_is_dictionary(q, f)) {
			qpdf_oh_release(q, f);
			continue;
		}
		t = q_text(q, f, "/T");
		ft = q_name(q, f, "/FT");
		if (prefix[0] != '\0' && t != NULL)
			snprintf(name, sizeof(name), "%s.%s", prefix, t);
		else
			snprintf(name, sizeof(name), "%s", t ? t : prefix);
		if ((ft != NULL && strcmp(ft, "Sig") == 0) ||
		    (ft == NULL && inh_ft != NULL && strcmp(inh_ft, "Sig") == 0))
			sig_collect(v, f, name);
		kids = q_key(q, f, "/Kids");
		fields_walk(v, kids, name, ft != NULL ? ft : inh_ft, depth + 1,
		    visited);
		qpdf_oh_release(q, kids);
		free(t);
		free(ft);
		qpdf_oh_release(q, f);
	}
	q_failed(q);
}

/* The DocMDP permission of a certification signature (§12.8.2.2). */
static void
docmdp_find(struct vctx *v)
{
	qpdf_data q = v->q;
	qpdf_oh root = qpdf_get_root(q), perms, sd, refs, ref, tp, p;
	uint64_t k;
	size_t i;
	int j, n;
	long long pv;

	perms = q_key(q, root, "/Perms");
	sd = q_key(q, perms, "/DocMDP");
	k = q_okey(q, sd);
	refs = q_key(q, sd, "/Reference");
	if (k == 0 || !qpdf_oh_is_array(q, refs))
		goto out;
	n = qpdf_oh_get_array_n_items(q, refs);
	for (j = 0; j < n && j < 64; j++) {
		ref = qpdf_oh_get_array_item(q, refs, j);
		if (q_name_is(q, ref, "/TransformMethod", "DocMDP")) {
			pv = 2;
			tp = q_key(q, ref, "/TransformParams");
			p = q_key(q, tp, "/P");
			if (qpdf_oh_is_integer(q, p) &&
			    qpdf_oh_get_value_as_longlong(q, p, &pv) &&
			    (pv < 1 || pv > 3))
				pv = 2;
			qpdf_oh_release(q, p);
			qpdf_oh_release(q, tp);
			v->docmdp_p = (int)pv;
			for (i = 0; i < v->r->n; i++)
				if (OKEY(v->r->sigs[i].v_id,
				    v->r->sigs[i].v_gen) == k)
					v->r->sigs[i].certify_p = (int)pv;
		}
		qpdf_oh_release(q, ref);
	}
out:
	qpdf_oh_release(q, refs);
	qpdf_oh_release(q, sd);
	qpdf_oh_release(q, perms);
	qpdf_oh_release(q, root);
	q_failed(q);
}

static int
sig_order(const void *a, const void *b)
{
	const struct sig *x = a, *y = b;
	long long kx = x->br_ok ? x->br[1] : LLONG_MAX;
	long long ky = y->br_ok ? y->br[1] : LLONG_MAX;

	if (kx != ky)
		return kx < ky ? -1 : 1;
	/* stable: the field order of the form */
	return x->revision < y->revision ? -1 : x->revision > y->revision;
}

/* Where each revision ends: after its %%EOF and end-of-line. */
static size_t
revision_count(const unsigned char *pdf, size_t len, size_t upto)
{
	const unsigned char *p = pdf, *hit;
	size_t n = 0, off;

	while ((hit = memmem(p, len - (size_t)(p - pdf), "%%EOF", 5)) != NULL) {
		off = (size_t)(hit - pdf) + 5;
		if (off > upto)
			break;
		n++;
		p = hit + 5;
		if (n >= MAX_REVISIONS)
			break;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* judging each entry                                                  */

static int
covered_either(struct vctx *v, const struct valdata *a,
    const struct valdata *b, STACK_OF(X509) *chain, STACK_OF(X509) *extra,
    time_t t)
{
	struct status_ans s;
	int i, n = chain != NULL ? sk_X509_num(chain) : 0;

	if (n < 2)
		return 0;
	for (i = 0; i + 1 < n; i++) {
		memset(&s, 0, sizeof(s));
		s.st = ST_UNKNOWN;
		status_from(a, sk_X509_value(chain, i),
		    sk_X509_value(chain, i + 1), extra, v->empty, t, "x", &s);
		if (s.st == ST_UNKNOWN && b != NULL)
			status_from(b, sk_X509_value(chain, i),
			    sk_X509_value(chain, i + 1), extra, v->empty, t, "x",
			    &s);
		if (s.st == ST_UNKNOWN)
			return 0;
	}
	return 1;
}

static const char *
reason_name(int r)
{
	static const char *const names[] = {
		"unspecified", "keyCompromise", "cACompromise",
		"affiliationChanged", "superseded", "cessationOfOperation",
		"certificateHold", "(7)", "removeFromCRL",
		"privilegeWithdrawn", "aACompromise"
	};

	return r >= 0 && r <= 10 ? names[r] : "unspecified";
}

/* The chain of an entry at time at, and the status of each certificate. */
static void
chain_and_status(struct vctx *v, struct sig *s)
{
	STACK_OF(X509) *pool = NULL;
	struct status_ans a;
	time_t at = s->proof != PROOF_NONE ? s->proven : v->now;
	uint32_t ku;
	int i, n, purpose;
	char when[32];

	if (s->signer == NULL)
		return;
	if ((pool = certs_join(s->cms_certs, v->dss_certs)) == NULL)
		return;
	if (s->ts.chain != NULL) {
		STACK_OF(X509) *t = certs_join(pool, s->ts.chain);

		sk_X509_pop_free(pool, X509_free);
		if ((pool = t) == NULL)
			return;
	}
	purpose = s->kind == KIND_TIMESTAMP ? X509_PURPOSE_TIMESTAMP_SIGN :
	    X509_PURPOSE_ANY;
	if (s->kind == KIND_TIMESTAMP)
		at = v->now;
	s->trusted = chain_verify(v, s->signer, pool, purpose, at, &s->chain,
	    s->chain_error, sizeof(s->chain_error));
	if (s->kind == KIND_SIGNATURE) {
		/* RFC 5280 §4.2.1.3: a signing key needs one of these. */
		ku = X509_get_key_usage(s->signer);
		if (ku != UINT32_MAX &&
		    (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
			s->trusted = 0;
			snprintf(s->chain_error, sizeof(s->chain_error),
			    "the key usage does not allow signatures");
		}
	}
	if (!s->trusted)
		problem(s, "the %s certificate is not trusted: %s",
		    s->kind == KIND_TIMESTAMP ? "TSA" : "signer", s->chain_error);
	s->status_at = at;
	n = s->chain != NULL ? sk_X509_num(s->chain) : 0;
	for (i = 0; i + 1 < n; i++) {
		status_of(v, &v->dss, &s->embedded, sk_X509_value(s->chain, i),
		    sk_X509_value(s->chain, i + 1), pool, at, &a);
		if (i == 0) {
			s->status = a.st;
			snprintf(s->status_source, sizeof(s->status_source), "%s",
			    a.source);
			s->revoked_at = a.revoked_at;
			s->revoked_reason = a.reason;
		}
		if (a.st == ST_REVOKED) {
			s->status = ST_REVOKED;
			s->revoked_at = a.revoked_at;
			s->revoked_reason = a.reason;
			snprintf(s->status_source, sizeof(s->status_source), "%s",
			    a.source);
			iso_time(a.revoked_at, when, sizeof(when));
			problem(s, "%s was revoked at %s (%s)",
			    i == 0 ? "the certificate" : "an issuing CA", when,
			    reason_name(a.reason));
			break;
		}
	}
	if (n < 2)
		snprintf(s->status_source, sizeof(s->status_source), "none");
	s->rev_embedded = covered_either(v, &v->dss, &s->embedded, s->chain,
	    pool, at);
	sk_X509_pop_free(pool, X509_free);
}

static void
judge(struct vctx *v)
{
	struct pdf_report *r = v->r;
	size_t i, j;

	/* the best proven time of each entry */
	for (i = 0; i < r->n; i++) {
		struct sig *s = &r->sigs[i];

		if (s->ts.imprint_ok && s->ts.signature_ok && s->ts.trusted) {
			s->proven = s->ts.gen_time;
			s->proof = s->kind == KIND_TIMESTAMP ? PROOF_DOC_TS :
			    PROOF_SIG_TS;
			continue;
		}
		for (j = i + 1; j < r->n; j++) {
			struct sig *d = &r->sigs[j];

			if (d->kind != KIND_TIMESTAMP || !d->br_ok || !s->br_ok ||
			    d->rev_end < s->rev_end || !d->ts.imprint_ok ||
			    !d->ts.signature_ok || !d->ts.trusted)
				continue;
			if (s->proof == PROOF_NONE || d->ts.gen_time < s->proven) {
				s->proven = d->ts.gen_time;
				s->proof = PROOF_DOC_TS;
			}
		}
	}
	for (i = 0; i < r->n; i++)
		chain_and_status(v, &r->sigs[i]);
	for (i = 0; i < r->n; i++)
		modifications(v, &r->sigs[i]);
	for (i = 0; i < r->n; i++) {
		struct sig *s = &r->sigs[i];
		int intact, etsi, known;
		STACK_OF(X509) *extra = certs_join(s->cms_certs, v->dss_certs);

		etsi = s->sub_filter != NULL &&
		    strcmp(s->sub_filter, "ETSI.CAdES.detached") == 0;
		known = s->kind == KIND_TIMESTAMP || etsi ||
		    (s->sub_filter != NULL &&
		    strcmp(s->sub_filter, "adbe.pkcs7.detached") == 0);
		intact = s->br_ok && s->cms_ok && s->digest_ok &&
		    s->signature_ok && s->ess >= 0 && s->signer != NULL;
		if (s->mod == MOD_CHANGED && s->changes.n > 0) {
			for (j = 0; j < s->changes.n; j++)
				if (s->changes.v[j][1] == '0') {
					problem(s, "the document was changed after signing: %s",
					    s->changes.v[j] + 2);
					break;
				}
		}
		if (s->kind == KIND_SIGNATURE) {
			s->level = NULL;
			if (intact && (!etsi || s->ess == 1))
				s->level = "B-B";
			if (s->level != NULL && s->proof != PROOF_NONE)
				s->level = "B-T";
			if (s->level != NULL && s->proof != PROOF_NONE &&
			    s->trusted && chain_covered(v, &v->dss, s->chain,
			    extra, s->status_at))
				s->level = "B-LT";
			for (j = i + 1; s->level != NULL &&
			    strcmp(s->level, "B-LT") == 0 && j < r->n; j++) {
				struct sig *d = &r->sigs[j];

				if (d->kind == KIND_TIMESTAMP && d->br_ok &&
				    d->ts.imprint_ok && d->ts.signature_ok &&
				    d->ts.trusted && d->rev_end > s->rev_end &&
				    chain_covered(v, &d->rev_dss, s->chain, extra,
				    s->status_at))
					s->level = "B-LTA";
			}
			if (s->level == NULL)
				s->level = "none";
		}
		s->ltv = s->trusted && s->status == ST_GOOD && s->rev_embedded;
		if (!known)
			problem(s, "the SubFilter %s is not supported",
			    s->sub_filter ? s->sub_filter : "(none)");
		if (s->mod == MOD_UNKNOWN && s->br_ok)
			problem(s, "modifications after signing cannot be determined");
		s->valid = known && intact && s->trusted &&
		    s->status != ST_REVOKED && s->mod != MOD_CHANGED &&
		    s->mod != MOD_UNKNOWN &&
		    (!s->ts.present || (s->ts.imprint_ok && s->ts.signature_ok));
		if (s->kind == KIND_TIMESTAMP)
			s->valid = s->valid && s->ts.trusted;
		sk_X509_pop_free(extra, X509_free);
	}
}

static void
sig_cleanup(struct sig *s)
{
	free(s->field);
	free(s->filter);
	free(s->sub_filter);
	free(s->name);
	free(s->reason);
	free(s->location);
	free(s->contact);
	free(s->sigval);
	X509_free(s->signer);
	sk_X509_pop_free(s->chain, X509_free);
	free(s->ts.tsa_name);
	X509_free(s->ts.tsa_cert);
	sk_X509_pop_free(s->ts.chain, X509_free);
	strlist_free(&s->changes);
	strlist_free(&s->problems);
	free(s->contents);
	valdata_free(&s->embedded);
	valdata_free(&s->rev_dss);
	sk_X509_pop_free(s->cms_certs, X509_free);
}

void
pdf_report_free(struct pdf_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		sig_cleanup(&r->sigs[i]);
	free(r->sigs);
	free(r->name);
	free(r);
}

/* Drops what only the verification needed. */
static void
sig_trim(struct sig *s)
{
	free(s->contents);
	s->contents = NULL;
	valdata_free(&s->embedded);
	valdata_free(&s->rev_dss);
	sk_X509_pop_free(s->cms_certs, X509_free);
	s->cms_certs = NULL;
}

int
pdf_verify(const unsigned char *pdf, size_t len,
    const struct pdf_verify_opts *o, struct pdf_report **out, struct err *e)
{
	static const struct pdf_verify_opts defaults;
	struct vctx v;
	struct pdf_report *r = NULL;
	size_t max, visited = 0, i;
	qpdf_oh root = 0, af = 0, fields = 0;
	int rc = -1, code;

	if (out != NULL)
		*out = NULL;
	if (o == NULL)
		o = &defaults;
	memset(&v, 0, sizeof(v));
	if (out == NULL)
		return err_set(e, ERR_INTERNAL, "pdf_verify: no output");
	if (pdf == NULL || len == 0)
		return err_set(e, ERR_PDF_INVALID, "the document is empty");
	max = o->max_in > 0 ? o->max_in : PDF_VERIFY_MAX_IN;
	if (len > max)
		return err_set(e, ERR_PDF_TOO_LARGE,
		    "the document has %zu bytes, more than %zu", len, max);
	if (memmem(pdf, len < 1024 ? len : 1024, "%PDF-", 5) == NULL)
		return err_set(e, ERR_PDF_INVALID, "no %%PDF- header");
	v.o = o;
	v.pdf = pdf;
	v.len = len;
	v.now = o->now != 0 ? o->now : time(NULL);
	if ((v.empty = X509_STORE_new()) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	v.trust = o->trust != NULL ? o->trust : v.empty;
	v.q = qpdf_init();
	qpdf_silence_errors(v.q);
	qpdf_set_suppress_warnings(v.q, QPDF_TRUE);
	if ((qpdf_read_memory(v.q, "document.pdf", (const char *)pdf, len,
	    o->password) & QPDF_ERRORS) || qpdf_has_error(v.q)) {
		qpdf_error qe = qpdf_get_error(v.q);

		code = qe != NULL ? qpdf_get_error_code(v.q, qe) : qpdf_e_damaged_pdf;
		if (code == qpdf_e_password)
			err_set(e, o->password != NULL && o->password[0] != '\0' ?
			    ERR_PDF_PASSWORD : ERR_PDF_ENCRYPTED,
			    "the PDF is encrypted and the password does not open it");
		else
			err_set(e, ERR_PDF_INVALID, "%s", qe != NULL ?
			    qpdf_get_error_full_text(v.q, qe) : "unreadable PDF");
		goto out;
	}
	while (qpdf_more_warnings(v.q))
		(void)qpdf_next_warning(v.q);
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	v.r = r;
	r->size = len;
	r->encrypted = qpdf_is_encrypted(v.q) ? 1 : 0;
	r->revisions = (int)revision_count(pdf, len, len);
	dss_read(v.q, &v.dss);
	if ((v.dss_certs = certs_parse(&v.dss.certs)) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	root = qpdf_get_root(v.q);
	af = q_key(v.q, root, "/AcroForm");
	fields = q_key(v.q, af, "/Fields");
	fields_walk(&v, fields, "", NULL, 0, &visited);
	q_failed(v.q);
	for (i = 0; i < r->n; i++)
		r->sigs[i].revision = (int)i;	/* form order, for sorting */
	if (r->n > 1)
		qsort(r->sigs, r->n, sizeof(r->sigs[0]), sig_order);
	for (i = 0; i < r->n; i++) {
		struct sig *s = &r->sigs[i];

		s->revision = s->br_ok ?
		    (int)revision_count(pdf, len, s->rev_end) : 0;
		if (!s->br_ok)
			continue;
		if (s->kind == KIND_TIMESTAMP)
			docts_check(&v, s);
		else if (s->sub_filter != NULL &&
		    (strcmp(s->sub_filter, "adbe.pkcs7.detached") == 0 ||
		    strcmp(s->sub_filter, "ETSI.CAdES.detached") == 0))
			cms_check(&v, s);
	}
	docmdp_find(&v);
	judge(&v);
	for (i = 0; i < r->n; i++)
		sig_trim(&r->sigs[i]);
	r->docmdp_p = v.docmdp_p;
	*out = r;
	r = NULL;
	rc = 0;
out:
	if (v.q != NULL) {
		qpdf_oh_release(v.q, fields);
		qpdf_oh_release(v.q, af);
		qpdf_oh_release(v.q, root);
		qpdf_cleanup(&v.q);
	}
	pdf_report_free(r);
	objmap_free(&v.fin);
	valdata_free(&v.dss);
	sk_X509_pop_free(v.dss_certs, X509_free);
	X509_STORE_free(v.empty);
	ERR_clear_error();
	return rc;
}

size_t
pdf_report_count(const struct pdf_report *r)
{
	return r != NULL ? r->n : 0;
}

int
pdf_report_all_valid(const struct pdf_report *r)
{
	size_t i;

	if (r == NULL || r->n == 0)
		return 0;
	for (i = 0; i < r->n; i++)
		if (!r->sigs[i].valid)
			return 0;
	return 1;
}

int
pdf_report_set_name(struct pdf_report *r, const char *name)
{
	char *c;

	if (r == NULL || (c = xstrdup(name)) == NULL)
		return -1;
	free(r->name);
	r->name = c;
	return 0;
}

/* ------------------------------------------------------------------ */
/* renderings                                                          */

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* json_string refuses invalid UTF-8: such text is shown escaped. */
static json_t *
jtext(const char *s)
{
	json_t *j;
	struct buf b;
	size_t i;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	buf_init(&b, 4 * strlen(s) + 1);
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80)
			(void)buf_add(&b, &c, 1);
		else
			(void)buf_printf(&b, "\\x%02X", c);
	}
	(void)buf_cstr(&b);
	j = json_string(b.data != NULL ? (char *)b.data : "");
	buf_cleanup(&b);
	return j != NULL ? j : json_string("");
}

static json_t *
jtime(time_t t, int have)
{
	char s[32];

	if (!have)
		return json_null();
	iso_time(t, s, sizeof(s));
	return json_string(s);
}

/* 2024-03-23T06:56:15.000+00:00, as the v2 answers show times. */
static json_t *
jtime_v2(time_t t, int have)
{
	char s[48];
	struct tm tm;

	if (!have)
		return json_null();
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S.000+00:00", &tm);
	return json_string(s);
}

/* 2024-06-05 09:32:40.00, as the v1 answers show times. */
static void
time_v1(time_t t, char *out, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S.00", &tm);
}

static int
cert_times(X509 *x, time_t *nb, time_t *na)
{
	return asn1_time_to_time(X509_get0_notBefore(x), nb) == 0 &&
	    asn1_time_to_time(X509_get0_notAfter(x), na) == 0 ? 0 : -1;
}

static json_t *
validity_v1(X509 *x)
{
	time_t nb, na;
	char a[32], b[32], s[80];

	if (x == NULL || cert_times(x, &nb, &na) == -1)
		return json_null();
	time_v1(nb, a, sizeof(a));
	time_v1(na, b, sizeof(b));
	snprintf(s, sizeof(s), "%s to %s", a, b);
	return json_string(s);
}

static const char *
dn_short(int nid, char *buf, size_t n, const ASN1_OBJECT *o)
{
	switch (nid) {
	case NID_commonName: return "CN";
	case NID_organizationName: return "O";
	case NID_organizationalUnitName: return "OU";
	case NID_countryName: return "C";
	case NID_localityName: return "L";
	case NID_stateOrProvinceName: return "ST";
	case NID_pkcs9_emailAddress: return "E";
	case NID_serialNumber: return "SERIALNUMBER";
	case NID_streetAddress: return "STREET";
	case NID_domainComponent: return "DC";
	case NID_userId: return "UID";
	case NID_title: return "T";
	case NID_givenName: return "GIVENNAME";
	case NID_surname: return "SURNAME";
	case NID_initials: return "INITIALS";
	case NID_pseudonym: return "PSEUDONYM";
	case NID_postalCode: return "POSTALCODE";
	default:
		OBJ_obj2txt(buf, (int)n, o, 1);
		return buf;
	}
}

/*
 * A DN as "CN=..,O=..,C=..": RFC 4514 order (last RDN first) when
 * reverse, else in encoding order as Java tools print it.
 */
static void
dn_string(const X509_NAME *nm, int reverse, struct buf *b)
{
	int i, n = nm != NULL ? X509_NAME_entry_count(nm) : 0;
	char oid[80];

	for (i = 0; i < n; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(nm,
		    reverse ? n - 1 - i : i);
		const ASN1_OBJECT *o = X509_NAME_ENTRY_get_object(e);
		unsigned char *u = NULL;
		int ul, j;

		if (i > 0)
			(void)buf_addstr(b, ",");
		(void)buf_addstr(b, dn_short(OBJ_obj2nid(o), oid, sizeof(oid), o));
		(void)buf_addstr(b, "=");
		ul = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e));
		for (j = 0; j < ul; j++) {
			if (strchr(",+\"\\<>;=", u[j]) != NULL)
				(void)buf_addstr(b, "\\");
			(void)buf_add(b, &u[j], 1);
		}
		OPENSSL_free(u);
	}
	(void)buf_cstr(b);
}

static json_t *
jdn(const X509_NAME *nm, int reverse)
{
	struct buf b;
	json_t *j;

	buf_init(&b, 64 * 1024);
	dn_string(nm, reverse, &b);
	j = jtext(b.data != NULL ? (char *)b.data : "");
	buf_cleanup(&b);
	return j;
}

static char *
name_field(X509 *x, int nid)
{
	X509_NAME *nm = x != NULL ? X509_get_subject_name(x) : NULL;
	unsigned char *u = NULL;
	char *r = NULL;
	int i, ul;

	if (nm == NULL || (i = X509_NAME_get_index_by_NID(nm, nid, -1)) < 0)
		return NULL;
	ul = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(nm, i)));
	if (ul >= 0)
		r = xstrndup((char *)u, (size_t)ul);
	OPENSSL_free(u);
	return r;
}

static json_t *
jname_field(X509 *x, int nid)
{
	char *s = name_field(x, nid);
	json_t *j = jtext(s);

	free(s);
	return j;
}

static void
cert_sha256(X509 *x, char out[65])
{
	unsigned char md[32];
	unsigned n = 0;

	out[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &n) == 1 && n == 32)
		hex_encode(md, 32, out, 65);
}

static json_t *
jserial(X509 *x, int decimal)
{
	const ASN1_INTEGER *ai = X509_get0_serialNumber(x);
	BIGNUM *bn = ASN1_INTEGER_to_BN(ai, NULL);
	char *s = NULL;
	json_t *j;

	if (bn != NULL)
		s = decimal ? BN_bn2dec(bn) : BN_bn2hex(bn);
	j = jstr(s);
	OPENSSL_free(s);
	BN_free(bn);
	return j;
}

static json_t *
jcert(X509 *x)
{
	time_t nb = 0, na = 0;
	char fp[65];
	int have = cert_times(x, &nb, &na) == 0;

	cert_sha256(x, fp);
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}",
	    "subject", jdn(X509_get_subject_name(x), 1),
	    "issuer", jdn(X509_get_issuer_name(x), 1),
	    "serial", jserial(x, 0),
	    "not_before", jtime(nb, have),
	    "not_after", jtime(na, have),
	    "sha256", fp);
}

static const char *
md_label(int nid)
{
	const char *s = nid != 0 ? OBJ_nid2sn(nid) : NULL;

	return s != NULL ? s : "unknown";
}

static const char *
kind_name(const struct sig *s)
{
	return s->kind == KIND_TIMESTAMP ? "timestamp" : "signature";
}

static const char *
status_name(enum status st)
{
	return st == ST_GOOD ? "good" : st == ST_REVOKED ? "revoked" : "unknown";
}

static const char *
mod_name(enum mod m)
{
	switch (m) {
	case MOD_NONE: return "none";
	case MOD_ALLOWED: return "allowed";
	case MOD_CHANGED: return "content_changed";
	default: return "unknown";
	}
}

static json_t *
jstrlist(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < l->n; i++)
		json_array_append_new(a, jtext(l->v[i]));
	return a;
}

static json_t *
jchanges(const struct sig *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < s->changes.n; i++) {
		const char *c = s->changes.v[i];
		int k = c[0] - '0';

		json_array_append_new(a, json_pack("{s:s, s:b, s:o}",
		    "kind", change_names[k >= 0 && k <= CH_CONTENT ? k : CH_CONTENT],
		    "allowed", c[1] == '1', "what", jtext(c + 2)));
	}
	return a;
}

static json_t *
entry_json(const struct sig *s, size_t idx)
{
	json_t *o, *signer = json_null(), *chain, *ts = json_null();
	time_t claimed = s->has_m ? s->m_time : s->cms_time;
	int have_claimed = s->has_m || s->has_cms_time, i;
	time_t nb = 0, na = 0;
	char fp[65];

	if (s->signer != NULL) {
		int have = cert_times(s->signer, &nb, &na) == 0;

		cert_sha256(s->signer, fp);
		signer = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}",
		    "common_name", jname_field(s->signer, NID_commonName),
		    "organization", jname_field(s->signer, NID_organizationName),
		    "organizational_unit",
		    jname_field(s->signer, NID_organizationalUnitName),
		    "email", jname_field(s->signer, NID_pkcs9_emailAddress),
		    "serial", jserial(s->signer, 0),
		    "serial_decimal", jserial(s->signer, 1),
		    "subject", jdn(X509_get_subject_name(s->signer), 1),
		    "issuer", jdn(X509_get_issuer_name(s->signer), 1),
		    "not_before", jtime(nb, have),
		    "not_after", jtime(na, have),
		    "sha256", fp);
	}
	chain = json_array();
	for (i = 0; s->chain != NULL && i < sk_X509_num(s->chain); i++)
		json_array_append_new(chain, jcert(sk_X509_value(s->chain, i)));
	if (s->ts.present && s->kind == KIND_SIGNATURE)
		ts = json_pack("{s:b, s:b, s:b, s:b, s:o, s:o, s:s, s:o}",
		    "valid", s->ts.imprint_ok && s->ts.signature_ok &&
		    s->ts.trusted,
		    "imprint_ok", s->ts.imprint_ok,
		    "signature_ok", s->ts.signature_ok,
		    "trusted", s->ts.trusted,
		    "gen_time", jtime(s->ts.gen_time, s->ts.parsed),
		    "tsa", jtext(s->ts.tsa_name),
		    "digest_algorithm", md_label(s->ts.md_nid),
		    "error", s->ts.error[0] ? jtext(s->ts.error) : json_null());
	o = json_object();
	json_object_set_new(o, "index", json_integer((json_int_t)idx + 1));
	json_object_set_new(o, "kind", json_string(kind_name(s)));
	json_object_set_new(o, "field", jtext(s->field));
	json_object_set_new(o, "valid", json_boolean(s->valid));
	json_object_set_new(o, "problems", jstrlist(&s->problems));
	json_object_set_new(o, "filter", jtext(s->filter));
	json_object_set_new(o, "sub_filter", jtext(s->sub_filter));
	json_object_set_new(o, "name", jtext(s->name));
	json_object_set_new(o, "reason", jtext(s->reason));
	json_object_set_new(o, "location", jtext(s->location));
	json_object_set_new(o, "contact_info", jtext(s->contact));
	json_object_set_new(o, "signer", signer);
	json_object_set_new(o, "byte_range", json_pack(
	    "{s:[I,I,I,I], s:b, s:b, s:i, s:I}",
	    "values", (json_int_t)s->br[0], (json_int_t)s->br[1],
	    (json_int_t)s->br[2], (json_int_t)s->br[3],
	    "valid", s->br_ok, "covers_whole_file", s->br_ok && s->whole_file,
	    "revision", s->revision, "signed_bytes",
	    (json_int_t)(s->br_ok ? s->br[1] + s->br[3] : 0)));
	json_object_set_new(o, "integrity", json_pack(
	    "{s:s, s:o, s:b, s:b, s:s}",
	    "digest_algorithm", md_label(s->md_nid),
	    "signature_algorithm", s->sig_alg[0] ? jstr(s->sig_alg) : json_null(),
	    "message_digest_ok", s->digest_ok,
	    "signature_ok", s->signature_ok,
	    "signing_certificate_attribute",
	    s->ess > 0 ? "ok" : s->ess < 0 ? "mismatch" : "absent"));
	json_object_set_new(o, "chain", json_pack("{s:b, s:o, s:o}",
	    "trusted", s->trusted,
	    "error", s->chain_error[0] ? jtext(s->chain_error) : json_null(),
	    "certificates", chain));
	json_object_set_new(o, "revocation", json_pack(
	    "{s:s, s:s, s:o, s:o, s:o, s:b}",
	    "status", status_name(s->status),
	    "source", s->status_source[0] ? s->status_source : "none",
	    "checked_at", jtime(s->status_at, s->status_at != 0),
	    "revoked_at", jtime(s->revoked_at, s->revoked_at != 0),
	    "reason", s->revoked_at != 0 ?
	    json_string(reason_name(s->revoked_reason)) : json_null(),
	    "embedded_for_chain", s->rev_embedded));
	json_object_set_new(o, "signing_time", json_pack(
	    "{s:o, s:o, s:o, s:o}",
	    "claimed", jtime(claimed, have_claimed),
	    "claimed_source", !have_claimed ? json_null() :
	    json_string(s->has_m ? "M" : "signing_time_attribute"),
	    "proven", jtime(s->proven, s->proof != PROOF_NONE),
	    "proof", s->proof == PROOF_NONE ? json_null() :
	    json_string(s->proof == PROOF_SIG_TS ? "signature_timestamp" :
	    "document_timestamp")));
	json_object_set_new(o, "timestamp", ts);
	json_object_set_new(o, "pades_level", jstr(s->level));
	json_object_set_new(o, "ltv", json_boolean(s->ltv));
	json_object_set_new(o, "certification_p", s->certify_p > 0 ?
	    json_integer(s->certify_p) : json_null());
	json_object_set_new(o, "modifications", json_pack("{s:s, s:o}",
	    "verdict", mod_name(s->mod), "changes", jchanges(s)));
	json_object_set_new(o, "id", json_string(s->id));
	return o;
}

json_t *
pdf_report_json(const struct pdf_report *r)
{
	json_t *o, *a;
	size_t i, nsig = 0;

	if (r == NULL)
		return NULL;
	a = json_array();
	for (i = 0; i < r->n; i++) {
		json_array_append_new(a, entry_json(&r->sigs[i], i));
		nsig += r->sigs[i].kind == KIND_SIGNATURE;
	}
	o = json_pack("{s:{s:o, s:I, s:i, s:b, s:o}, s:I, s:I, s:b, s:o}",
	    "document",
	    "name", jtext(r->name),
	    "size", (json_int_t)r->size,
	    "revisions", r->revisions,
	    "encrypted", r->encrypted,
	    "certification_p", r->docmdp_p > 0 ? json_integer(r->docmdp_p) :
	    json_null(),
	    "signature_count", (json_int_t)nsig,
	    "timestamp_count", (json_int_t)(r->n - nsig),
	    "all_valid", pdf_report_all_valid(r),
	    "signatures", a);
	return o;
}

/* ---- BSrE answers ---- */

static int
entry_intact(const struct sig *s)
{
	return s->br_ok && s->cms_ok && s->digest_ok && s->signature_ok &&
	    s->ess >= 0;
}

/* The one sentence both BSrE answers give about the whole document. */
static const char *
bsre_notes(const struct pdf_report *r)
{
	size_t i;
	int bad = 0, revoked = 0, untrusted = 0, untimed = 0, invalid = 0;

	if (r->n == 0)
		return NULL;
	for (i = 0; i < r->n; i++) {
		const struct sig *s = &r->sigs[i];

		bad |= !entry_intact(s) || s->mod == MOD_CHANGED;
		revoked |= s->status == ST_REVOKED;
		untrusted |= !s->trusted;
		invalid |= !s->valid;
		untimed |= s->kind == KIND_SIGNATURE && s->proof == PROOF_NONE;
	}
	if (bad)
		return "Konten Dokumen mengalami perubahan oleh pihak yang tidak berhak";
	if (revoked)
		return "Sertifikat penanda tangan telah dicabut";
	if (untrusted)
		return "Dokumen asli, tetapi Sertifikat yang digunakan tidak terpercaya";
	if (invalid)
		return "Dokumen tidak valid";
	if (untimed)
		return "Dokumen asli dan valid, tetapi dokumen tidak menggunakan waktu TSA";
	return "Dokumen valid, Sertifikat yang digunakan terpercaya";
}

static json_t *
jhex(const unsigned char *p, size_t n)
{
	char *h;
	json_t *j;

	if (p == NULL || n == 0)
		return json_string("");
	if ((h = malloc(2 * n + 1)) == NULL)
		return json_string("");
	hex_encode(p, n, h, 2 * n + 1);
	j = json_string(h);
	free(h);
	return j;
}

json_t *
pdf_report_bsre_v1(const struct pdf_report *r)
{
	json_t *o, *details;
	const char *notes;
	size_t i, nsig = 0;
	char when[40];

	if (r == NULL)
		return NULL;
	details = json_array();
	for (i = 0; i < r->n; i++) {
		const struct sig *s = &r->sigs[i];
		time_t t = s->proof != PROOF_NONE ? s->proven :
		    s->has_m ? s->m_time : s->cms_time;
		int have_t = s->proof != PROOF_NONE || s->has_m ||
		    s->has_cms_time;
		int tsa = (s->ts.imprint_ok && s->ts.signature_ok) ||
		    s->proof == PROOF_DOC_TS;
		json_t *d;

		if (s->kind != KIND_SIGNATURE)
			continue;
		nsig++;
		if (have_t)
			time_v1(t, when, sizeof(when));
		d = json_object();
		json_object_set_new(d, "info_tsa", json_pack("{s:o, s:o}",
		    "name", s->ts.tsa_name != NULL ? jtext(s->ts.tsa_name) :
		    json_string(""),
		    "tsa_cert_validity", validity_v1(s->ts.tsa_cert)));
		json_object_set_new(d, "signature_field", jtext(s->field ?
		    s->field : ""));
		json_object_set_new(d, "info_signer", json_pack(
		    "{s:o, s:o, s:o, s:o, s:b}",
		    "issuer_dn", s->signer != NULL ?
		    jdn(X509_get_issuer_name(s->signer), 1) : json_string(""),
		    "signer_name", s->signer != NULL ?
		    jname_field(s->signer, NID_commonName) : json_string(""),
		    "signer_cert_validity", validity_v1(s->signer),
		    "signer_dn", s->signer != NULL ?
		    jdn(X509_get_subject_name(s->signer), 1) : json_string(""),
		    "cert_user_certified", s->trusted && s->status != ST_REVOKED));
		json_object_set_new(d, "signature_document", json_pack(
		    "{s:b, s:o, s:b, s:o, s:o, s:o, s:o}",
		    "signed_using_tsa", tsa,
		    "reason", jtext(s->reason),
		    "document_integrity", entry_intact(s) &&
		    s->mod != MOD_CHANGED,
		    "signature_value", jhex(s->sigval, s->sigval_len),
		    "signed_in", have_t ? json_string(when) : json_null(),
		    "location", jtext(s->location),
		    "hash_value", jhex(s->md, s->md_len)));
		json_array_append_new(details, d);
	}
	notes = bsre_notes(r);
	o = json_object();
	json_object_set_new(o, "nama_dokumen", r->name != NULL ?
	    jtext(r->name) : json_string("document.pdf"));
	json_object_set_new(o, "jumlah_signature", json_integer((json_int_t)nsig));
	json_object_set_new(o, "notes", jstr(notes));
	json_object_set_new(o, "details", details);
	json_object_set_new(o, "summary", r->n == 0 ? json_null() :
	    json_string(pdf_report_all_valid(r) ? "DOCUMENT VALID !!!" :
	    "DOCUMENT NOT VALID !!!"));
	return o;
}

static json_t *
key_usages(X509 *x)
{
	static const struct { uint32_t bit; const char *name; } ku[] = {
		{ KU_DIGITAL_SIGNATURE, "digitalSignature" },
		{ KU_NON_REPUDIATION, "nonRepudiation" },
		{ KU_KEY_ENCIPHERMENT, "keyEncipherment" },
		{ KU_DATA_ENCIPHERMENT, "dataEncipherment" },
		{ KU_KEY_AGREEMENT, "keyAgreement" },
		{ KU_KEY_CERT_SIGN, "keyCertSign" },
		{ KU_CRL_SIGN, "crlSign" },
		{ KU_ENCIPHER_ONLY, "encipherOnly" },
		{ KU_DECIPHER_ONLY, "decipherOnly" },
	};
	json_t *a = json_array();
	uint32_t v = X509_get_key_usage(x);
	size_t i;

	if (v == UINT32_MAX)
		return a;
	for (i = 0; i < sizeof(ku) / sizeof(ku[0]); i++)
		if (v & ku[i].bit)
			json_array_append_new(a, json_string(ku[i].name));
	return a;
}

/* "RSA with SHA256", as the v2 answers name a certificate's algorithm. */
static json_t *
cert_sig_alg(X509 *x)
{
	int nid = X509_get_signature_nid(x), md = 0, pk = 0;
	char s[64], d[16];
	const char *k, *m;
	size_t i, j;

	if (!OBJ_find_sigid_algs(nid, &md, &pk))
		return json_string(OBJ_nid2ln(nid) ? OBJ_nid2ln(nid) : "unknown");
	m = md != NID_undef ? OBJ_nid2sn(md) : NULL;
	for (i = j = 0; m != NULL && m[i] != '\0' && j + 1 < sizeof(d); i++)
		if (m[i] != '-' || strncmp(m, "SHA3", 4) == 0)
			d[j++] = (char)toupper((unsigned char)m[i]);
	d[j] = '\0';
	switch (pk) {
	case NID_rsaEncryption: k = "RSA"; break;
	case NID_rsassaPss: k = "RSASSA-PSS"; break;
	case NID_X9_62_id_ecPublicKey: k = "ECDSA"; break;
	case NID_dsa: k = "DSA"; break;
	case NID_ED25519: k = "Ed25519"; break;
	default: k = OBJ_nid2sn(pk) ? OBJ_nid2sn(pk) : "unknown"; break;
	}
	if (d[0] != '\0')
		snprintf(s, sizeof(s), "%s with %s", k, d);
	else
		snprintf(s, sizeof(s), "%s", k);
	return json_string(s);
}

static json_t *
cert_v2(X509 *x)
{
	time_t nb = 0, na = 0;
	char fp[65], id[70];
	int have = cert_times(x, &nb, &na) == 0;
	json_t *o = json_object();

	cert_sha256(x, fp);
	snprintf(id, sizeof(id), "C-%s", fp);
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "commonName", jname_field(x, NID_commonName));
	json_object_set_new(o, "issuerName", jdn(X509_get_issuer_name(x), 0));
	json_object_set_new(o, "serialNumber", jserial(x, 1));
	json_object_set_new(o, "notAfterDate", jtime_v2(na, have));
	json_object_set_new(o, "notBeforeDate", jtime_v2(nb, have));
	json_object_set_new(o, "signatureAlgoritm", cert_sig_alg(x));
	json_object_set_new(o, "keyUsages", key_usages(x));
	return o;
}

static const char *
format_v2(const struct sig *s, char *out, size_t n)
{
	const char *lvl = s->level != NULL && strcmp(s->level, "none") != 0 ?
	    s->level + 2 : "B";

	if (s->sub_filter != NULL && strcmp(s->sub_filter,
	    "ETSI.CAdES.detached") == 0)
		snprintf(out, n, "PAdES-BASELINE-%s", lvl);
	else if (s->sub_filter != NULL && strcmp(s->sub_filter,
	    "adbe.pkcs7.detached") == 0)
		snprintf(out, n, "PKCS7-%s", lvl);
	else
		snprintf(out, n, "PDF-NOT-ETSI");
	return out;
}

json_t *
pdf_report_bsre_v2(const struct pdf_report *r)
{
	json_t *o, *infos;
	size_t i, nsig = 0, last = SIZE_MAX;
	const char *notes;
	char buf[80];

	if (r == NULL)
		return NULL;
	for (i = 0; i < r->n; i++)
		if (r->sigs[i].kind == KIND_SIGNATURE)
			last = i;
	infos = json_array();
	for (i = 0; i < r->n; i++) {
		const struct sig *s = &r->sigs[i];
		time_t claimed = s->has_m ? s->m_time : s->cms_time;
		json_t *e, *certs, *tsi = json_null();
		int j;

		if (s->kind != KIND_SIGNATURE)
			continue;
		nsig++;
		certs = json_array();
		for (j = 0; s->chain != NULL && j < sk_X509_num(s->chain); j++)
			json_array_append_new(certs,
			    cert_v2(sk_X509_value(s->chain, j)));
		if (s->chain == NULL && s->signer != NULL)
			json_array_append_new(certs, cert_v2(s->signer));
		if (s->ts.present && s->ts.parsed) {
			snprintf(buf, sizeof(buf), "T-%s", s->ts.id);
			tsi = json_pack("{s:s, s:o, s:o}", "id", buf,
			    "signerName", jtext(s->ts.tsa_name),
			    "timestampDate", jtime_v2(s->ts.gen_time, 1));
		}
		e = json_object();
		snprintf(buf, sizeof(buf), "S-%s", s->id);
		json_object_set_new(e, "id", json_string(buf));
		json_object_set_new(e, "signatureFormat",
		    json_string(format_v2(s, buf, sizeof(buf))));
		json_object_set_new(e, "signerName", s->signer != NULL ?
		    jname_field(s->signer, NID_commonName) : jtext(s->name));
		json_object_set_new(e, "signatureDate", jtime_v2(claimed,
		    s->has_m || s->has_cms_time));
		json_object_set_new(e, "fieldName", jtext(s->field));
		json_object_set_new(e, "reason", jtext(s->reason));
		json_object_set_new(e, "location", jtext(s->location));
		json_object_set_new(e, "certLevelCode",
		    json_integer(s->certify_p));
		json_object_set_new(e, "signatureAlgorithm", s->sig_alg[0] ?
		    json_string(s->sig_alg) : json_null());
		if (s->md_nid != 0) {
			const char *m = OBJ_nid2sn(s->md_nid);
			size_t k, l;

			for (k = l = 0; m != NULL && m[k] != '\0' &&
			    l + 1 < sizeof(buf); k++)
				if (m[k] != '-' || strncmp(m, "SHA3", 4) == 0)
					buf[l++] = (char)toupper((unsigned char)m[k]);
			buf[l] = '\0';
			json_object_set_new(e, "digestAlgorithm", json_string(buf));
		} else
			json_object_set_new(e, "digestAlgorithm", json_null());
		json_object_set_new(e, "timestampInfomation", tsi);
		json_object_set_new(e, "certificateDetails", certs);
		json_object_set_new(e, "integrityValid",
		    json_boolean(entry_intact(s)));
		json_object_set_new(e, "certificateTrusted",
		    json_boolean(s->trusted));
		json_object_set_new(e, "lastSignature", json_boolean(i == last));
		json_object_set_new(e, "ltv", json_boolean(s->ltv));
		json_object_set_new(e, "modified",
		    json_boolean(s->mod == MOD_CHANGED));
		json_array_append_new(infos, e);
	}
	notes = bsre_notes(r);
	o = json_object();
	json_object_set_new(o, "conclusion", json_string(r->n == 0 ?
	    "NO_SIGNATURE" : pdf_report_all_valid(r) ? "VALID" : "INVALID"));
	json_object_set_new(o, "description", json_string(notes != NULL ?
	    notes : "Dokumen belum ditandatangani secara elektronik"));
	json_object_set_new(o, "signatureInformations", infos);
	json_object_set_new(o, "signatureCount", json_integer((json_int_t)nsig));
	return o;
}

/* ---- text ---- */

static void
text_time(struct buf *b, const char *label, time_t t, int have)
{
	char s[32];

	if (!have) {
		(void)buf_printf(b, "%s none", label);
		return;
	}
	iso_time(t, s, sizeof(s));
	(void)buf_printf(b, "%s %s", label, s);
}

int
pdf_report_text(const struct pdf_report *r, struct buf *b)
{
	size_t i, j;
	char *cn, *org, *ou, *mail, *sn;
	BIGNUM *bn;

	if (r == NULL || (bn = BN_new()) == NULL)
		return -1;
	if (r->n == 0)
		(void)buf_printf(b, "No signatures (%zu bytes, %d revision%s).\n",
		    r->size, r->revisions, r->revisions == 1 ? "" : "s");
	for (i = 0; i < r->n; i++) {
		const struct sig *s = &r->sigs[i];

		(void)buf_printf(b, "%s %zu of %zu: field \"%s\" (%s)\n",
		    s->kind == KIND_TIMESTAMP ? "Document time-stamp" : "Signature",
		    i + 1, r->n, s->field ? s->field : "", s->sub_filter ?
		    s->sub_filter : "no SubFilter");
		if (s->signer != NULL) {
			cn = name_field(s->signer, NID_commonName);
			org = name_field(s->signer, NID_organizationName);
			mail = name_field(s->signer, NID_pkcs9_emailAddress);
			ou = name_field(s->signer, NID_organizationalUnitName);
			(void)buf_printf(b, "  Signer:        %s%s%s%s%s%s%s%s\n",
			    cn ? cn : "?", ou ? ", " : "", ou ? ou : "",
			    org ? ", " : "", org ? org : "",
			    mail ? " <" : "", mail ? mail : "", mail ? ">" : "");
			sn = BN_bn2hex(ASN1_INTEGER_to_BN(
			    X509_get0_serialNumber(s->signer), bn));
			(void)buf_printf(b, "  Serial:        %s\n", sn ? sn : "?");
			OPENSSL_free(sn);
			free(cn);
			free(ou);
			free(org);
			free(mail);
		} else
			(void)buf_printf(b, "  Signer:        unknown\n");
		if (s->br_n == 4)
			(void)buf_printf(b, "  Signed range:  [%lld %lld %lld %lld] %s, "
			    "revision %d of %d%s\n", s->br[0], s->br[1], s->br[2],
			    s->br[3], s->br_ok ? "valid" : "INVALID", s->revision,
			    r->revisions, s->br_ok && s->whole_file ?
			    ", the whole file" : "");
		(void)buf_printf(b, "  Integrity:     digest %s, signature %s (%s)\n",
		    s->digest_ok ? "ok" : "WRONG",
		    s->signature_ok ? "ok" : "WRONG", md_label(s->md_nid));
		(void)buf_printf(b, "  Certificate:   %s%s%s\n",
		    s->trusted ? "trusted" : "NOT trusted",
		    s->trusted || !s->chain_error[0] ? "" : ": ",
		    s->trusted ? "" : s->chain_error);
		(void)buf_printf(b, "  Status:        %s", status_name(s->status));
		if (s->status == ST_REVOKED) {
			text_time(b, " at", s->revoked_at, 1);
			(void)buf_printf(b, " (%s)", reason_name(s->revoked_reason));
		}
		(void)buf_printf(b, " [%s]\n", s->status_source[0] ?
		    s->status_source : "none");
		(void)buf_addstr(b, "  Time:         ");
		text_time(b, " claimed", s->has_m ? s->m_time : s->cms_time,
		    s->has_m || s->has_cms_time);
		text_time(b, "; proven", s->proven, s->proof != PROOF_NONE);
		if (s->proof != PROOF_NONE)
			(void)buf_printf(b, " (%s)", s->proof == PROOF_SIG_TS ?
			    "signature time-stamp" : "document time-stamp");
		(void)buf_addstr(b, "\n");
		if (s->ts.present && s->kind == KIND_SIGNATURE)
			(void)buf_printf(b, "  Time-stamp:    %s (TSA %s)%s%s\n",
			    s->ts.imprint_ok && s->ts.signature_ok &&
			    s->ts.trusted ? "valid" : "NOT valid",
			    s->ts.tsa_name ? s->ts.tsa_name : "unknown",
			    s->ts.error[0] ? ": " : "", s->ts.error);
		if (s->kind == KIND_SIGNATURE)
			(void)buf_printf(b, "  Level:         %s, LTV %s\n",
			    s->level ? s->level : "none", s->ltv ? "yes" : "no");
		(void)buf_printf(b, "  Changes:       %s\n", mod_name(s->mod));
		for (j = 0; j < s->changes.n; j++)
			(void)buf_printf(b, "    %s %s\n",
			    s->changes.v[j][1] == '1' ? "allowed:" : "NOT ALLOWED:",
			    s->changes.v[j] + 2);
		(void)buf_printf(b, "  Verdict:       %s\n", s->valid ? "VALID" :
		    "INVALID");
		for (j = 0; j < s->problems.n; j++)
			(void)buf_printf(b, "    - %s\n", s->problems.v[j]);
	}
	if (r->n > 0)
		(void)buf_printf(b, "%s\n", pdf_report_all_valid(r) ?
		    "All signatures are valid." : "NOT all signatures are valid.");
	BN_free(bn);
	return buf_cstr(b);
}

/* ------------------------------------------------------------------ */
/* sertel verify                                                       */

static void
usage(void)
{
	fprintf(stderr, "usage: sertel verify FILE.pdf [--json | --bsre-v1 | "
	    "--bsre-v2] [--trust ROOTS.pem] [--password-file FILE]\n");
}

static int
print_json(json_t *j)
{
	char *s;

	if (j == NULL)
		return -1;
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (s == NULL)
		return -1;
	printf("%s\n", s);
	free(s);
	return 0;
}

int
pdf_verify_main(int argc, char **argv)
{
	struct pdf_verify_opts o;
	struct pdf_report *rep = NULL;
	struct err e = { 0 };
	struct buf in, pw, text;
	const char *file = NULL, *trust = NULL, *pwfile = NULL, *base;
	X509_STORE *st = NULL;
	int i, mode = 0, rc = 2;

	memset(&o, 0, sizeof(o));
	buf_init(&in, 0);
	buf_init(&pw, 0);
	buf_init(&text, 64u << 20);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			mode = 1;
		else if (strcmp(argv[i], "--bsre-v1") == 0)
			mode = 2;
		else if (strcmp(argv[i], "--bsre-v2") == 0)
			mode = 3;
		else if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc)
			trust = argv[++i];
		else if (strcmp(argv[i], "--password-file") == 0 && i + 1 < argc)
			pwfile = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			usage();
			goto out;
		} else if (file == NULL)
			file = argv[i];
		else {
			usage();
			goto out;
		}
	}
	if (file == NULL) {
		usage();
		goto out;
	}
	if (trust != NULL) {
		if ((st = X509_STORE_new()) == NULL ||
		    X509_STORE_load_file(st, trust) != 1) {
			fprintf(stderr, "verify: cannot read trust anchors from %s\n",
			    trust);
			goto out;
		}
		o.trust = st;
	}
	if (pwfile != NULL) {
		if (file_read(pwfile, &pw, 4096) == -1) {
			fprintf(stderr, "verify: cannot read %s\n", pwfile);
			goto out;
		}
		while (pw.len > 0 && (pw.data[pw.len - 1] == '\n' ||
		    pw.data[pw.len - 1] == '\r'))
			pw.data[--pw.len] = '\0';
		o.password = (const char *)pw.data;
	}
	if (file_read(file, &in, PDF_VERIFY_MAX_IN) == -1) {
		fprintf(stderr, "verify: cannot read %s (or it is larger than %u bytes)\n",
		    file, PDF_VERIFY_MAX_IN);
		goto out;
	}
	if (pdf_verify(in.data, in.len, &o, &rep, &e) == -1) {
		if (mode != 0)
			print_json(json_pack("{s:s, s:s}", "error",
			    err_info(e.code) ? err_info(e.code)->name : "error",
			    "detail", e.detail));
		else
			fprintf(stderr, "verify: %s: %s\n", file, e.detail);
		rc = e.code == ERR_PDF_INVALID ? 1 : 2;
		goto out;
	}
	base = strrchr(file, '/');
	(void)pdf_report_set_name(rep, base != NULL ? base + 1 : file);
	if (mode == 1)
		print_json(pdf_report_json(rep));
	else if (mode == 2)
		print_json(pdf_report_bsre_v1(rep));
	else if (mode == 3)
		print_json(pdf_report_bsre_v2(rep));
	else if (pdf_report_text(rep, &text) == 0)
		fputs((const char *)text.data, stdout);
	rc = pdf_report_all_valid(rep) ? 0 : 1;
out:
	fflush(stdout);
	pdf_report_free(rep);
	X509_STORE_free(st);
	buf_cleanup(&in);
	buf_cleanse(&pw);
	buf_cleanup(&text);
	return rc;
}
