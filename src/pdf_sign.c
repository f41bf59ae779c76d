/*
 * pdf_sign.c - PAdES baseline signatures (ETSI EN 319 142-1) written as
 * incremental updates of our own on top of any PDF that qpdf reads.
 *
 * How. qpdf's C API parses the document (classic and stream
 * cross-references, object streams, encryption) and holds the objects we
 * change in memory: the page's /Annots, the AcroForm's /Fields and
 * /SigFlags, the catalog's /AcroForm and /DSS. qpdf never writes the
 * file: a rewrite would break every earlier signature. We append an
 * incremental update (ISO 32000-2 7.5.6) ourselves: the new objects,
 * the changed objects under their old numbers, a cross-reference section
 * of the same kind as the newest one in the file (a classic table, or a
 * stream when the file ends with one) with /Prev, then startxref and
 * %%EOF. New objects are reserved as indirect objects in qpdf, so that
 * the changed dictionaries can point at them, and are renumbered from the
 * old trailer's /Size on output. Our serialiser walks qpdf's object
 * handles: strings as literals when they are printable ASCII, as hex
 * otherwise (and always encrypted again in an encrypted document),
 * names escaped again.
 *
 * The signature dictionary is written with a fixed-width /ByteRange and
 * a /Contents hole of zeros; once the update is complete the /ByteRange
 * is patched in place, the covered bytes are hashed, the CMS SignedData
 * is built and hex-patched into the hole. The hole is sized from the
 * certificates and key, plus room for a time-stamp token; when the CMS
 * does not fit, the whole update is written again with a hole of the
 * measured size (the signer is asked again): never truncated.
 *
 * CMS. OpenSSL 3.0's CMS_final always adds signing-time, which PAdES
 * baseline forbids (ETSI EN 319 142-1 5.2.2.1: the time is /M), and it
 * wants the private key, which lives behind the key wall. So the
 * SignerInfo is made with the certificate's public key and CMS_PARTIAL
 * (nothing is signed), content-type and message-digest are added by
 * hand next to the ESS signing-certificate-v2 that CMS_CADES adds, the
 * attributes are DER-encoded as a SET OF sorted as DER requires (X.690
 * 11.6, the order OpenSSL writes them in), the key wall signs those
 * octets, and the value is checked against the certificate before it is
 * set. B-T adds the signature-time-stamp (RFC 3161 token over the
 * signature value, ETSI EN 319 122-1 5.3) as an unsigned attribute.
 *
 * B-LT appends a second update with a /DSS in the catalog (ETSI EN
 * 319 142-1 5.4.2): the certificates of the signer's and the TSA's
 * chains, their OCSP responses and CRLs as streams, and a /VRI entry
 * keyed by the upper-case hex SHA-1 of the signature's /Contents string
 * (all its octets, padding included, as Adobe and PDFBox compute it).
 * An existing DSS is merged, not replaced. B-LTA appends a third update
 * with a document time-stamp (/Type /DocTimeStamp, /SubFilter
 * /ETSI.RFC3161) over the whole file so far.
 *
 * Safety. The input must start with %PDF- and end with a startxref that
 * points at a cross-reference section; qpdf's xref reconstruction is
 * off and any qpdf warning refuses the document: an update written on
 * top of a repaired reading would describe a file other readers see
 * differently. A document certified with "no changes" (DocMDP /P 1) is
 * refused. On failure the caller's buffer is left at its old length.
 *
 * Encrypted documents are opened with the password and signed with the
 * document's own key (pdf_crypt.c): new and rewritten strings and
 * streams are encrypted, the signature's /Contents stays in clear
 * (ISO 32000-2 7.6.2). The visible appearance is drawn by
 * pdf_appearance.c.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <qpdf/qpdf-c.h>

#include "pdf_appearance.h"
#include "pdf_crypt.h"
#include "pdf_sign.h"
#include "pdf_text.h"

/* qpdf looks for startxref in the last 1054 octets; so do we. */
#define TAIL_SCAN		1054
/* Depth of nested direct objects we serialise, and of /Parent chains. */
#define MAX_DEPTH		64
/* Room in /Contents for a signature-time-stamp token before we know
 * its size (a token carrying two EC certificates is about 2 KiB). */
#define TOKEN_ROOM		8192
/* Room for a document time-stamp token. */
#define DOCTS_ROOM		12288
/* Hole sizes are rounded up to this. */
#define HOLE_ROUND		1024
/* Attempts at a hole that fits (the second one is exact). */
#define HOLE_TRIES		3
/* /ByteRange: "[0 a b c" padded with spaces to this width, then "]". */
#define BR_WIDTH		44
/* Largest revocation answer or token accepted from a callback. */
#define CALLBACK_MAX		(4u << 20)

/* ------------------------------------------------------------------ */
/* Levels                                                              */
/* ------------------------------------------------------------------ */

static const char *const level_names[] = { "B-B", "B-T", "B-LT", "B-LTA" };

int
pdf_level_parse(const char *s, enum pdf_level *l)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(s, level_names[i]) == 0) {
			*l = (enum pdf_level)i;
			return 0;
		}
	return -1;
}

const char *
pdf_level_name(enum pdf_level l)
{
	if ((unsigned)l >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[l];
}

const EVP_MD *
pdf_sign_md(X509 *cert)
{
	EVP_PKEY *pk;
	int bits;

	if (cert == NULL || (pk = X509_get0_pubkey(cert)) == NULL)
		return NULL;
	bits = EVP_PKEY_get_bits(pk);
	if (EVP_PKEY_is_a(pk, "RSA"))
		return bits >= 2048 ? EVP_sha256() : NULL;
	if (EVP_PKEY_is_a(pk, "EC")) {
		/* The hash matches the curve's strength (FIPS 186-5 6.4). */
		if (bits >= 256 && bits < 384)
			return EVP_sha256();
		if (bits >= 384 && bits < 521)
			return EVP_sha384();
		if (bits >= 521)
			return EVP_sha512();
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The document and the update being written                           */
/* ------------------------------------------------------------------ */

struct xent {
	long long	 num;
	int		 gen;
	size_t		 off;
};

struct dirty {
	int		 num, gen;
	qpdf_oh		 h;
};

struct doc {
	qpdf_data	 q;
	struct buf	*out;
	size_t		 base;		/* where the file starts in out */
	size_t		 flen;		/* length of the file so far */
	size_t		 prev;		/* offset of the newest xref section */
	int		 prev_stream;	/* ... which is a stream */
	long long	 size;		/* its /Size */
	size_t		 next_prev;	/* the same for the update written */
	long long	 next_size;
	/* new objects: qpdf's number of each reservation; ours is
	 * newbase + index */
	int		*res;
	size_t		 nres, capres;
	long long	 newbase;
	/* the update being written */
	struct xent	*xr;
	size_t		 nxr, capxr;
	struct dirty	*dirty;
	size_t		 ndirty, capdirty;
	long long	 xnum;		/* the update's xref stream */
	long long	 cnum;		/* object being written */
	int		 cgen;
	int		 cenc;		/* encrypt its strings */
	int		 wfail;		/* a write ran past out->max */
	int		 bad;		/* qpdf gave something we cannot write */
	/* carried into every trailer */
	qpdf_oh		 root, info, encrypt;
	unsigned char	 id0[64];
	size_t		 id0len;
	int		 has_id;
	int		 crypted;	/* new objects are encrypted with cr */
	struct pdf_crypt cr;
};

/* ---- writing, with a sticky failure ---- */

static void
w_add(struct doc *d, const void *p, size_t n)
{
	if (!d->wfail && buf_add(d->out, p, n) == -1)
		d->wfail = 1;
}

static void
w_str(struct doc *d, const char *s)
{
	w_add(d, s, strlen(s));
}

static void w_fmt(struct doc *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
w_fmt(struct doc *d, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		d->bad = 1;
		return;
	}
	w_add(d, tmp, (size_t)n);
}

static void
w_num(struct doc *d, double v)
{
	char s[40];

	pdf_appearance_num(s, sizeof(s), v);
	w_str(d, s);
}

static size_t
w_pos(const struct doc *d)
{
	return d->out->len - d->base;
}

static void
w_hex(struct doc *d, const unsigned char *p, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	char tmp[128];
	size_t i, k = 0;

	w_add(d, "<", 1);
	for (i = 0; i < n; i++) {
		tmp[k++] = hx[p[i] >> 4];
		tmp[k++] = hx[p[i] & 15];
		if (k == sizeof(tmp)) {
			w_add(d, tmp, k);
			k = 0;
		}
	}
	w_add(d, tmp, k);
	w_add(d, ">", 1);
}

/* A string object: encrypted when the current object is, then hex;
 * in clear, printable ASCII is written as a literal. */
static void
w_string(struct doc *d, const unsigned char *p, size_t n)
{
	struct buf enc;
	size_t i;

	if (d->cenc && d->crypted && d->cr.str != PDF_CFM_NONE) {
		buf_init(&enc, n + 64);
		if (pdf_crypt_encrypt(&d->cr, d->cr.str, d->cnum, d->cgen, p, n,
		    &enc) == -1)
			d->wfail = 1;
		else
			w_hex(d, enc.data, enc.len);
		buf_cleanup(&enc);
		return;
	}
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			break;
	if (i < n) {
		w_hex(d, p, n);
		return;
	}
	w_add(d, "(", 1);
	for (i = 0; i < n; i++) {
		if (p[i] == '(' || p[i] == ')' || p[i] == '\\')
			w_add(d, "\\", 1);
		w_add(d, p + i, 1);
	}
	w_add(d, ")", 1);
}

/* A UTF-8 string as a PDF text string (7.9.2.2): PDFDocEncoding is
 * ASCII for printable ASCII; anything else becomes UTF-16BE with BOM. */
static void
w_text(struct doc *d, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf u;
	unsigned long c;
	unsigned char b[4];
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			break;
	if (i == n) {
		w_string(d, p, n);
		return;
	}
	buf_init(&u, 2 * n + 2);
	b[0] = 0xfe;
	b[1] = 0xff;
	if (buf_add(&u, b, 2) == -1)
		d->wfail = 1;
	while (*p != '\0' && !d->wfail) {
		c = pdf_appearance_utf8_next(&p);
		if (c >= 0x10000) {
			c -= 0x10000;
			b[0] = (unsigned char)(0xd8 | (c >> 18));
			b[1] = (unsigned char)(c >> 10);
			b[2] = (unsigned char)(0xdc | ((c >> 8) & 3));
			b[3] = (unsigned char)c;
			if (buf_add(&u, b, 4) == -1)
				d->wfail = 1;
		} else {
			b[0] = (unsigned char)(c >> 8);
			b[1] = (unsigned char)c;
			if (buf_add(&u, b, 2) == -1)
				d->wfail = 1;
		}
	}
	w_string(d, u.data, u.len);
	buf_cleanup(&u);
}

/* A name from qpdf's canonical form ("/A#20B" already unescaped). */
static void
w_name(struct doc *d, const char *name)
{
	static const char hx[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)name;
	char esc[3];

	if (*p == '/')
		p++;
	w_add(d, "/", 1);
	for (; *p != '\0'; p++) {
		if (*p < 0x21 || *p > 0x7e || strchr("()<>[]{}/%#", *p)) {
			esc[0] = '#';
			esc[1] = hx[*p >> 4];
			esc[2] = hx[*p & 15];
			w_add(d, esc, 3);
		} else
			w_add(d, p, 1);
	}
}

/* Our number for a qpdf object number (reservations are renumbered). */
static long long
map_num(struct doc *d, int qnum)
{
	size_t lo = 0, hi = d->nres, mid;

	if (d->nres == 0 || qnum < d->res[0])
		return qnum;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (d->res[mid] == qnum)
			return d->newbase + (long long)mid;
		if (d->res[mid] < qnum)
			lo = mid + 1;
		else
			hi = mid;
	}
	d->bad = 1;	/* an object qpdf made that we did not ask for */
	return qnum;
}

static void
w_ref(struct doc *d, qpdf_oh h)
{
	w_fmt(d, "%lld %d R", map_num(d, qpdf_oh_get_object_id(d->q, h)),
	    qpdf_oh_get_generation(d->q, h));
}

/* Serialises the qpdf object h; top: h is the object being written (its
 * content, not a reference to it). */
static void
w_obj(struct doc *d, qpdf_oh h, int top, int depth)
{
	qpdf_data q = d->q;
	const char *s;
	char **keys = NULL;
	size_t nk = 0, capk = 0, i, len;
	qpdf_oh v;
	int n, k;

	if (depth > MAX_DEPTH) {
		d->bad = 1;
		return;
	}
	if (!top && qpdf_oh_is_indirect(q, h)) {
		w_ref(d, h);
		return;
	}
	switch (qpdf_oh_get_type_code(q, h)) {
	case ot_null:
		w_str(d, "null");
		break;
	case ot_boolean:
		w_str(d, qpdf_oh_get_bool_value(q, h) ? "true" : "false");
		break;
	case ot_integer:
		w_fmt(d, "%lld", qpdf_oh_get_int_value(q, h));
		break;
	case ot_real:
		w_str(d, qpdf_oh_get_real_value(q, h));
		break;
	case ot_string:
		s = qpdf_oh_get_binary_string_value(q, h, &len);
		w_string(d, (const unsigned char *)s, len);
		break;
	case ot_name:
		w_name(d, qpdf_oh_get_name(q, h));
		break;
	case ot_array:
		w_add(d, "[", 1);
		n = qpdf_oh_get_array_n_items(q, h);
		for (k = 0; k < n && !d->wfail && !d->bad; k++) {
			if (k > 0)
				w_add(d, " ", 1);
			v = qpdf_oh_get_array_item(q, h, k);
			w_obj(d, v, 0, depth + 1);
			qpdf_oh_release(q, v);
		}
		w_add(d, "]", 1);
		break;
	case ot_dictionary:
		/* qpdf iterates one dictionary at a time: collect the keys
		 * before descending. */
		qpdf_oh_begin_dict_key_iter(q, h);
		while (qpdf_oh_dict_more_keys(q)) {
			if (nk == capk) {
				char **nkp;

				capk = capk ? capk * 2 : 16;
				nkp = realloc(keys, capk * sizeof(*keys));
				if (nkp == NULL) {
					d->wfail = 1;
					goto out;
				}
				keys = nkp;
			}
			if ((keys[nk] = strdup(qpdf_oh_dict_next_key(q))) ==
			    NULL) {
				d->wfail = 1;
				goto out;
			}
			nk++;
		}
		w_add(d, "<<", 2);
		for (i = 0; i < nk && !d->wfail && !d->bad; i++) {
			v = qpdf_oh_get_key(q, h, keys[i]);
			if (!qpdf_oh_is_null(q, v)) {
				w_name(d, keys[i]);
				w_add(d, " ", 1);
				w_obj(d, v, 0, depth + 1);
			}
			qpdf_oh_release(q, v);
		}
		w_add(d, ">>", 2);
		break;
	default:
		d->bad = 1;	/* a stream, or an operator, where none fits */
		break;
	}
out:
	for (i = 0; i < nk; i++)
		free(keys[i]);
	free(keys);
}

/* ---- objects and updates ---- */

static void
obj_begin(struct doc *d, long long num, int gen)
{
	struct xent *nx;

	if (d->nxr == d->capxr) {
		d->capxr = d->capxr ? d->capxr * 2 : 32;
		if ((nx = realloc(d->xr, d->capxr * sizeof(*nx))) == NULL) {
			d->wfail = 1;
			return;
		}
		d->xr = nx;
	}
	d->xr[d->nxr].num = num;
	d->xr[d->nxr].gen = gen;
	d->xr[d->nxr].off = w_pos(d);
	d->nxr++;
	d->cnum = num;
	d->cgen = gen;
	d->cenc = 1;
	w_fmt(d, "%lld %d obj\n", num, gen);
}

static void
obj_end(struct doc *d)
{
	w_str(d, "\nendobj\n");
	d->cenc = 0;
}

/* Writes a stream's dictionary entries (extra, without << >>) and data,
 * encrypted when the document is, with its /Length. */
static void
w_stream(struct doc *d, const char *extra, const unsigned char *p,
    size_t n)
{
	struct buf enc;

	buf_init(&enc, n + 64);
	if (d->crypted && d->cr.stm != PDF_CFM_NONE) {
		if (pdf_crypt_encrypt(&d->cr, d->cr.stm, d->cnum, d->cgen, p,
		    n, &enc) == -1) {
			d->wfail = 1;
			goto out;
		}
		p = enc.data;
		n = enc.len;
	}
	w_str(d, "<<");
	w_str(d, extra);
	w_fmt(d, "/Length %zu>>\nstream\n", n);
	w_add(d, p, n);
	w_str(d, "\nendstream");
out:
	buf_cleanup(&enc);
}

/* A new object number: an indirect empty dictionary in qpdf, so that
 * qpdf's dictionaries and arrays can refer to it (qpdf drops a key whose
 * value is null, even an indirect null), renumbered on output; we write
 * the object ourselves. */
static qpdf_oh
reserve(struct doc *d, long long *num)
{
	qpdf_oh h, nul;
	int *nr, id;

	nul = qpdf_oh_new_dictionary(d->q);
	h = qpdf_make_indirect_object(d->q, nul);
	qpdf_oh_release(d->q, nul);
	id = qpdf_oh_get_object_id(d->q, h);
	if (id <= 0 || (d->nres > 0 && id <= d->res[d->nres - 1])) {
		d->bad = 1;
		return h;
	}
	if (d->nres == d->capres) {
		d->capres = d->capres ? d->capres * 2 : 16;
		if ((nr = realloc(d->res, d->capres * sizeof(*nr))) == NULL) {
			d->wfail = 1;
			return h;
		}
		d->res = nr;
	}
	if (d->nres == 0)
		d->newbase = d->size > id ? d->size : id;
	d->res[d->nres++] = id;
	if (num != NULL)
		*num = d->newbase + (long long)(d->nres - 1);
	return h;
}

/* Marks an indirect object qpdf holds as changed (written once). */
static void
mark_dirty(struct doc *d, qpdf_oh h)
{
	struct dirty *nd;
	int num = qpdf_oh_get_object_id(d->q, h);
	size_t i;

	if (num <= 0) {
		d->bad = 1;
		return;
	}
	for (i = 0; i < d->ndirty; i++)
		if (d->dirty[i].num == num)
			return;
	if (d->ndirty == d->capdirty) {
		d->capdirty = d->capdirty ? d->capdirty * 2 : 8;
		nd = realloc(d->dirty, d->capdirty * sizeof(*nd));
		if (nd == NULL) {
			d->wfail = 1;
			return;
		}
		d->dirty = nd;
	}
	d->dirty[d->ndirty].num = num;
	d->dirty[d->ndirty].gen = qpdf_oh_get_generation(d->q, h);
	d->dirty[d->ndirty].h = h;
	d->ndirty++;
}

/* Once per update, before it is written (perhaps more than once): the
 * number of its cross-reference stream when it needs one. */
static void
upd_prepare(struct doc *d)
{
	if (d->prev_stream)
		(void)reserve(d, &d->xnum);
}

/* Starts an update at the current end of the file. */
static void
upd_begin(struct doc *d)
{
	unsigned char last;

	d->out->len = d->base + d->flen;
	d->nxr = 0;
	d->wfail = 0;
	last = d->out->data[d->base + d->flen - 1];
	/* An object must start on a line of its own. */
	if (last != '\n' && last != '\r')
		w_add(d, "\n", 1);
}

/* Writes the changed existing objects. */
static void
upd_dirty(struct doc *d)
{
	size_t i;

	for (i = 0; i < d->ndirty; i++) {
		obj_begin(d, map_num(d, d->dirty[i].num), d->dirty[i].gen);
		w_obj(d, d->dirty[i].h, 1, 0);
		obj_end(d);
	}
}

static int
xent_cmp(const void *a, const void *b)
{
	const struct xent *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

/* Trailer entries every update carries (ISO 32000-2 7.5.6: all of the
 * previous trailer's but /Prev), in clear. */
static void
w_trailer_keys(struct doc *d, long long size)
{
	unsigned char id1[32];

	d->cenc = 0;
	w_fmt(d, "/Size %lld/Prev %zu/Root ", size, d->prev);
	w_obj(d, d->root, 0, 0);
	if (d->info != 0) {
		w_str(d, "/Info ");
		w_obj(d, d->info, 0, 0);
	}
	if (d->encrypt != 0) {
		w_str(d, "/Encrypt ");
		w_obj(d, d->encrypt, 0, 0);
	}
	if (d->has_id) {
		/* The first identifier is permanent; the second changes
		 * with every update (14.4). */
		unsigned char seed[64 + 8];
		size_t n = d->id0len, k;

		memcpy(seed, d->id0, n);
		for (k = 0; k < 8; k++)
			seed[n + k] = (unsigned char)((uint64_t)d->prev >>
			    (8 * k));
		EVP_Digest(seed, n + 8, id1, NULL, EVP_sha256(), NULL);
		w_str(d, "/ID[");
		w_hex(d, d->id0, d->id0len);
		w_hex(d, id1, 16);
		w_str(d, "]");
	}
}

/* Ends the update: cross-reference section (a table, or a stream when
 * the newest section is one), trailer, startxref, %%EOF. */
static void
upd_end(struct doc *d)
{
	size_t i, j, xoff, ow, n;
	long long size = d->size, xnum = 0;
	unsigned char *row, *rows = NULL;

	if (d->prev_stream) {
		/* The stream lists itself (its number from upd_prepare). */
		xnum = d->xnum;
		if (d->nxr == d->capxr) {
			struct xent *nx;

			d->capxr = d->capxr ? d->capxr * 2 : 32;
			nx = realloc(d->xr, d->capxr * sizeof(*nx));
			if (nx == NULL) {
				d->wfail = 1;
				return;
			}
			d->xr = nx;
		}
		d->xr[d->nxr].num = xnum;
		d->xr[d->nxr].gen = 0;
		d->xr[d->nxr].off = w_pos(d);
		d->nxr++;
	}
	qsort(d->xr, d->nxr, sizeof(*d->xr), xent_cmp);
	for (i = 0; i < d->nxr; i++)
		if (d->xr[i].num + 1 > size)
			size = d->xr[i].num + 1;
	xoff = w_pos(d);
	if (!d->prev_stream) {
		w_str(d, "xref\n");
		for (i = 0; i < d->nxr; i = j) {
			for (j = i + 1; j < d->nxr &&
			    d->xr[j].num == d->xr[j - 1].num + 1; j++)
				;
			w_fmt(d, "%lld %zu\n", d->xr[i].num, j - i);
			for (n = i; n < j; n++)
				w_fmt(d, "%010zu %05d n\r\n", d->xr[n].off,
				    d->xr[n].gen);
		}
		w_str(d, "trailer\n<<");
		w_trailer_keys(d, size);
		w_str(d, ">>\n");
	} else {
		/* Cross-reference stream (7.5.8), uncompressed and never
		 * encrypted: type 1 entries, offset width from the size. */
		for (ow = 1; ow < 8 && (xoff >> (8 * ow)) != 0; ow++)
			;
		if ((rows = malloc(d->nxr * (3 + ow))) == NULL) {
			d->wfail = 1;
			return;
		}
		for (i = 0; i < d->nxr; i++) {
			row = rows + i * (3 + ow);
			row[0] = 1;
			for (n = 0; n < ow; n++)
				row[1 + n] = (unsigned char)(d->xr[i].off >>
				    (8 * (ow - 1 - n)));
			row[1 + ow] = (unsigned char)(d->xr[i].gen >> 8);
			row[2 + ow] = (unsigned char)d->xr[i].gen;
		}
		w_fmt(d, "%lld 0 obj\n<</Type/XRef/W[1 %zu 2]/Index[", xnum,
		    ow);
		for (i = 0; i < d->nxr; i = j) {
			for (j = i + 1; j < d->nxr &&
			    d->xr[j].num == d->xr[j - 1].num + 1; j++)
				;
			w_fmt(d, "%s%lld %zu", i ? " " : "", d->xr[i].num,
			    j - i);
		}
		w_str(d, "]");
		w_trailer_keys(d, size);
		w_fmt(d, "/Length %zu>>\nstream\n", d->nxr * (3 + ow));
		w_add(d, rows, d->nxr * (3 + ow));
		w_str(d, "\nendstream\nendobj\n");
		free(rows);
	}
	w_fmt(d, "startxref\n%zu\n%%%%EOF\n", xoff);
	d->next_prev = xoff;
	d->next_size = size;
}

/* Makes the update just written part of the file (an update may be
 * written several times before one is kept). */
static void
upd_commit(struct doc *d)
{
	d->flen = d->out->len - d->base;
	d->prev = d->next_prev;
	d->size = d->next_size;
	d->ndirty = 0;
}

static int
w_check(struct doc *d, struct err *e)
{
	if (d->wfail)
		return err_set(e, ERR_PDF_TOO_LARGE, "the signed PDF would "
		    "exceed %zu octets (or memory ran out)", d->out->max);
	if (d->bad)
		return err_set(e, ERR_PDF_INVALID, "the PDF holds an object "
		    "that cannot be written back");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */
/* ------------------------------------------------------------------ */

/* qpdf's pending error or first warning, as ERR_PDF_INVALID. */
static int
q_check(struct doc *d, struct err *e, const char *what)
{
	qpdf_error qe;

	if (qpdf_has_error(d->q)) {
		qe = qpdf_get_error(d->q);
		return err_set(e, ERR_PDF_INVALID, "%s: %s", what,
		    qe ? qpdf_get_error_full_text(d->q, qe) : "error");
	}
	if (qpdf_more_warnings(d->q)) {
		qe = qpdf_next_warning(d->q);
		return err_set(e, ERR_PDF_INVALID, "%s: damaged PDF: %s", what,
		    qe ? qpdf_get_error_full_text(d->q, qe) : "warning");
	}
	return 0;
}

/* qpdf's accessors warn when an object has another type than asked,
 * and a warning refuses the document: these answer null or a default. */
static qpdf_oh
dget(qpdf_data q, qpdf_oh h, const char *key)
{
	return qpdf_oh_is_dictionary(q, h) ? qpdf_oh_get_key(q, h, key) :
	    qpdf_oh_new_null(q);
}

static long long
iget(qpdf_data q, qpdf_oh h, long long dflt)
{
	long long v;

	return qpdf_oh_get_value_as_longlong(q, h, &v) ? v : dflt;
}

/* The offset the last startxref names, found as qpdf finds it. */
static int
find_startxref(const unsigned char *p, size_t n, size_t *off)
{
	size_t from = n > TAIL_SCAN ? n - TAIL_SCAN : 0, i, k;
	unsigned long long v;

	for (i = n >= 9 ? n - 9 : 0; i + 1 > from; i--) {
		if (i + 9 > n || memcmp(p + i, "startxref", 9) != 0) {
			if (i == 0)
				break;
			continue;
		}
		k = i + 9;
		while (k < n && (p[k] == ' ' || p[k] == '\r' || p[k] == '\n' ||
		    p[k] == '\t' || p[k] == '\f' || p[k] == 0))
			k++;
		if (k >= n || p[k] < '0' || p[k] > '9')
			return -1;
		for (v = 0; k < n && p[k] >= '0' && p[k] <= '9'; k++) {
			if (v > (unsigned long long)SIZE_MAX / 10)
				return -1;
			v = v * 10 + (unsigned)(p[k] - '0');
		}
		*off = (size_t)v;
		return 0;
	}
	return -1;
}

/* A crypt filter's method (7.6.5); -1 for one we do not know. */
static int
cf_method(qpdf_data q, qpdf_oh enc, qpdf_oh name, enum pdf_cfm *m)
{
	qpdf_oh f;
	const char *nm;

	if (!qpdf_oh_is_name(q, name) ||
	    qpdf_oh_is_name_and_equals(q, name, "/Identity")) {
		*m = PDF_CFM_NONE;
		return 0;
	}
	nm = qpdf_oh_get_name(q, name);
	f = dget(q, dget(q, dget(q, enc, "/CF"), nm), "/CFM");
	if (qpdf_oh_is_name_and_equals(q, f, "/V2"))
		*m = PDF_CFM_RC4;
	else if (qpdf_oh_is_name_and_equals(q, f, "/AESV2"))
		*m = PDF_CFM_AESV2;
	else if (qpdf_oh_is_name_and_equals(q, f, "/AESV3"))
		*m = PDF_CFM_AESV3;
	else if (qpdf_oh_is_name_and_equals(q, f, "/None"))
		*m = PDF_CFM_NONE;
	else
		return -1;
	return 0;
}

/* Reads /Encrypt and derives the file key (pdf_crypt.c). */
static int
crypt_open(struct doc *d, const char *password, struct err *e)
{
	qpdf_data q = d->q;
	qpdf_oh enc = d->encrypt, f;
	struct pdf_crypt_dict cd;
	const char *s;
	size_t n;
	int ret;

	memset(&cd, 0, sizeof(cd));
	if (!qpdf_oh_is_name_and_equals(q, dget(q, enc, "/Filter"),
	    "/Standard"))
		return err_set(e, ERR_PDF_SIGN, "the PDF uses a security "
		    "handler other than the standard one");
	cd.v = (int)iget(q, dget(q, enc, "/V"), 0);
	cd.r = (int)iget(q, dget(q, enc, "/R"), 0);
	cd.length = (int)iget(q, dget(q, enc, "/Length"), 40);
	cd.p = iget(q, dget(q, enc, "/P"), 0);
	f = dget(q, enc, "/EncryptMetadata");
	cd.encrypt_metadata = qpdf_oh_is_bool(q, f) ?
	    qpdf_oh_get_bool_value(q, f) : 1;
#define GETS(key, dst, dl) do {						\
	if (qpdf_oh_get_value_as_string(q, dget(q, enc, key), &s, &n)) {	\
		dl = n > sizeof(dst) ? sizeof(dst) : n;			\
		memcpy(dst, s, dl);					\
	}								\
} while (0)
	GETS("/O", cd.o, cd.olen);
	GETS("/U", cd.u, cd.ulen);
	GETS("/OE", cd.oe, cd.oelen);
	GETS("/UE", cd.ue, cd.uelen);
#undef GETS
	/* V4 and V5 name a crypt filter for streams and one for strings
	 * (7.6.5); below that, RC4 for both. */
	cd.stm = cd.str = PDF_CFM_RC4;
	if (cd.v >= 4 && (cf_method(q, enc, dget(q, enc, "/StmF"),
	    &cd.stm) == -1 || cf_method(q, enc, dget(q, enc, "/StrF"),
	    &cd.str) == -1))
		return err_set(e, ERR_PDF_SIGN, "unsupported crypt filter");
	ret = pdf_crypt_init(&d->cr, &cd, d->id0, d->id0len,
	    qpdf_get_user_password(q), password, e);
	OPENSSL_cleanse(&cd, sizeof(cd));
	if (ret == 0)
		d->crypted = 1;
	return ret;
}

static void
doc_cleanup(struct doc *d)
{
	if (d->q != NULL)
		qpdf_cleanup(&d->q);
	free(d->res);
	free(d->xr);
	free(d->dirty);
	pdf_crypt_cleanup(&d->cr);
}

static int
doc_open(struct doc *d, const unsigned char *in, size_t inlen,
    const char *password, struct err *e)
{
	qpdf_error qe;
	qpdf_oh t, id, v;
	const char *s;
	unsigned char h[32];
	size_t n;

	if (inlen < 8 || memcmp(in, "%PDF-", 5) != 0 || in[5] < '1' ||
	    in[5] > '2' || in[6] != '.')
		return err_set(e, ERR_PDF_INVALID, "not a PDF (no %%PDF-x.y "
		    "header at the start)");
	if (find_startxref(in, inlen, &d->prev) == -1)
		return err_set(e, ERR_PDF_INVALID, "no startxref at the end "
		    "(truncated?)");
	if (d->prev >= inlen || d->prev < 8)
		return err_set(e, ERR_PDF_INVALID, "startxref points outside "
		    "the file");
	/* Readers follow /Prev to this offset: it must be a section. */
	if (inlen - d->prev >= 5 && memcmp(in + d->prev, "xref", 4) == 0)
		d->prev_stream = 0;
	else if (in[d->prev] >= '1' && in[d->prev] <= '9')
		d->prev_stream = 1;
	else
		return err_set(e, ERR_PDF_INVALID, "startxref does not point "
		    "at a cross-reference section");
	if ((d->q = qpdf_init()) == NULL)
		return err_set(e, ERR_INTERNAL, "out of memory");
	qpdf_silence_errors(d->q);
	qpdf_set_suppress_warnings(d->q, QPDF_TRUE);
	/* A reconstructed cross-reference table is a guess; an update on
	 * top of it could describe another file than other readers see. */
	qpdf_set_attempt_recovery(d->q, QPDF_FALSE);
	if (qpdf_read_memory(d->q, "input", (const char *)in,
	    (unsigned long long)inlen, password) & QPDF_ERRORS) {
		qe = qpdf_get_error(d->q);
		if (qe != NULL && qpdf_get_error_code(d->q, qe) ==
		    qpdf_e_password) {
			if (password == NULL || *password == '\0')
				return err_set(e, ERR_PDF_ENCRYPTED, "the PDF "
				    "is encrypted and no password was given");
			return err_set(e, ERR_PDF_PASSWORD, "the PDF's "
			    "password is wrong");
		}
		return err_set(e, ERR_PDF_INVALID, "%s", qe ?
		    qpdf_get_error_full_text(d->q, qe) : "unreadable");
	}
	if (q_check(d, e, "reading") == -1)
		return -1;
	t = qpdf_get_trailer(d->q);
	d->root = qpdf_oh_get_key(d->q, t, "/Root");
	if (!qpdf_oh_is_indirect(d->q, d->root) ||
	    !qpdf_oh_is_dictionary(d->q, d->root))
		return err_set(e, ERR_PDF_INVALID, "no document catalog");
	d->size = iget(d->q, qpdf_oh_get_key(d->q, t, "/Size"), 0);
	if (d->size <= 0 || d->size > INT_MAX)
		return err_set(e, ERR_PDF_INVALID, "bad trailer /Size");
	v = qpdf_oh_get_key(d->q, t, "/Info");
	d->info = qpdf_oh_is_null(d->q, v) ? 0 : v;
	v = qpdf_oh_get_key(d->q, t, "/Encrypt");
	d->encrypt = qpdf_oh_is_null(d->q, v) ? 0 : v;
	id = qpdf_oh_get_key(d->q, t, "/ID");
	if (qpdf_oh_is_array(d->q, id) &&
	    qpdf_oh_get_array_n_items(d->q, id) == 2) {
		if (qpdf_oh_get_value_as_string(d->q,
		    qpdf_oh_get_array_item(d->q, id, 0), &s, &n) &&
		    n > 0 && n <= sizeof(d->id0)) {
			memcpy(d->id0, s, n);
			d->id0len = n;
			d->has_id = 1;
		}
	}
	if (!d->has_id && d->encrypt == 0) {
		/* PDF 2.0 wants an /ID; derive one from the content. (An
		 * encrypted file keeps none: its key depends on it.) */
		if (EVP_Digest(in, inlen, h, NULL, EVP_sha256(), NULL) != 1)
			return err_set(e, ERR_INTERNAL, "SHA-256");
		memcpy(d->id0, h, 16);
		d->id0len = 16;
		d->has_id = 1;
	}
	if (d->encrypt != 0 && crypt_open(d, password, e) == -1)
		return -1;
	if (d->crypted && !d->cr.owner && !qpdf_allow_modify_form(d->q) &&
	    !qpdf_allow_modify_annotation(d->q))
		return err_set(e, ERR_PDF_SIGN, "the PDF's permissions do not "
		    "allow signing (give the owner password)");
	if (qpdf_get_num_pages(d->q) < 1) {
		if (q_check(d, e, "pages") == -1)
			return -1;
		return err_set(e, ERR_PDF_INVALID, "the PDF has no pages");
	}
	if (q_check(d, e, "pages") == -1)
		return -1;
	return 0;
}

/* Refuses a document certified with "no changes allowed" (DocMDP /P 1,
 * ISO 32000-2 12.8.2.2.2): a new signature would void it. */
static int
check_docmdp(struct doc *d, struct err *e)
{
	qpdf_data q = d->q;
	qpdf_oh sig, refs, r, tp, p;
	int i, n;

	sig = dget(q, dget(q, d->root, "/Perms"), "/DocMDP");
	if (!qpdf_oh_is_dictionary(q, sig))
		return 0;
	refs = dget(q, sig, "/Reference");
	n = qpdf_oh_is_array(q, refs) ? qpdf_oh_get_array_n_items(q, refs) : 0;
	for (i = 0; i < n; i++) {
		r = qpdf_oh_get_array_item(q, refs, i);
		if (!qpdf_oh_is_name_and_equals(q, dget(q, r,
		    "/TransformMethod"), "/DocMDP"))
			continue;
		tp = dget(q, r, "/TransformParams");
		p = dget(q, tp, "/P");
		if (iget(q, p, 2) == 1)
			return err_set(e, ERR_PDF_SIGN, "the PDF is certified "
			    "with no changes allowed (DocMDP P=1)");
	}
	return q_check(d, e, "certification");
}

/* ------------------------------------------------------------------ */
/* Pages, fields                                                       */
/* ------------------------------------------------------------------ */

/* A page attribute, inherited through /Parent (7.7.3.4). */
static qpdf_oh
page_attr(struct doc *d, qpdf_oh page, const char *key)
{
	qpdf_oh h = page, v;
	int i;

	for (i = 0; i < MAX_DEPTH && qpdf_oh_is_dictionary(d->q, h); i++) {
		v = qpdf_oh_get_key(d->q, h, key);
		if (!qpdf_oh_is_null(d->q, v))
			return v;
		h = qpdf_oh_get_key(d->q, h, "/Parent");
	}
	return qpdf_oh_new_null(d->q);
}

static int
get_rect(struct doc *d, qpdf_oh a, double r[4])
{
	double t;
	int i;

	if (!qpdf_oh_is_array(d->q, a) || qpdf_oh_get_array_n_items(d->q, a) != 4)
		return -1;
	for (i = 0; i < 4; i++)
		if (!qpdf_oh_get_value_as_number(d->q,
		    qpdf_oh_get_array_item(d->q, a, i), &r[i]) ||
		    !(r[i] > -1e9 && r[i] < 1e9))
			return -1;
	if (r[0] > r[2]) {
		t = r[0];
		r[0] = r[2];
		r[2] = t;
	}
	if (r[1] > r[3]) {
		t = r[1];
		r[1] = r[3];
		r[3] = t;
	}
	return 0;
}

/* The displayed page: CropBox clipped to MediaBox, and /Rotate. */
struct geo {
	double	 x0, y0, x1, y1;	/* in default user space */
	int	 rot;			/* 0, 90, 180, 270 */
	double	 dw, dh;		/* displayed width and height */
};

static int
page_geo(struct doc *d, qpdf_oh page, struct geo *g, struct err *e)
{
	double mb[4], cb[4];
	long long r;

	if (get_rect(d, page_attr(d, page, "/MediaBox"), mb) == -1)
		return err_set(e, ERR_PDF_INVALID, "page without a valid "
		    "MediaBox");
	if (get_rect(d, page_attr(d, page, "/CropBox"), cb) == 0) {
		/* 14.11.2: the crop box is clipped to the media box. */
		g->x0 = cb[0] > mb[0] ? cb[0] : mb[0];
		g->y0 = cb[1] > mb[1] ? cb[1] : mb[1];
		g->x1 = cb[2] < mb[2] ? cb[2] : mb[2];
		g->y1 = cb[3] < mb[3] ? cb[3] : mb[3];
		if (g->x1 <= g->x0 || g->y1 <= g->y0)
			memcpy(&g->x0, mb, sizeof(mb));
	} else {
		g->x0 = mb[0];
		g->y0 = mb[1];
		g->x1 = mb[2];
		g->y1 = mb[3];
	}
	if (g->x1 - g->x0 <= 0 || g->y1 - g->y0 <= 0)
		return err_set(e, ERR_PDF_INVALID, "empty page");
	r = iget(d->q, page_attr(d, page, "/Rotate"), 0);
	r %= 360;
	if (r < 0)
		r += 360;
	if (r % 90 != 0)
		r = 0;	/* 7.7.3.3: a multiple of 90; anything else ignored */
	g->rot = (int)r;
	g->dw = g->rot % 180 ? g->y1 - g->y0 : g->x1 - g->x0;
	g->dh = g->rot % 180 ? g->x1 - g->x0 : g->y1 - g->y0;
	return q_check(d, e, "page");
}

/* Displayed (dx, dy) to default user space. */
static void
geo_to_user(const struct geo *g, double dx, double dy, double *ux, double *uy)
{
	double w = g->x1 - g->x0, h = g->y1 - g->y0;

	switch (g->rot) {
	case 90:
		*ux = g->x0 + w - dy;
		*uy = g->y0 + dx;
		break;
	case 180:
		*ux = g->x0 + w - dx;
		*uy = g->y0 + h - dy;
		break;
	case 270:
		*ux = g->x0 + dy;
		*uy = g->y0 + h - dx;
		break;
	default:
		*ux = g->x0 + dx;
		*uy = g->y0 + dy;
		break;
	}
}

/* Default user space to displayed coordinates. */
static void
geo_to_disp(const struct geo *g, double ux, double uy, double *dx, double *dy)
{
	double w = g->x1 - g->x0, h = g->y1 - g->y0, u = ux - g->x0,
	    v = uy - g->y0;

	switch (g->rot) {
	case 90:
		*dx = v;
		*dy = w - u;
		break;
	case 180:
		*dx = w - u;
		*dy = h - v;
		break;
	case 270:
		*dx = h - v;
		*dy = u;
		break;
	default:
		*dx = u;
		*dy = v;
		break;
	}
}

/* The /Rect of a displayed box. */
static void
geo_rect(const struct geo *g, double x, double y, double w, double h,
    double r[4])
{
	double ax, ay, bx, by;

	geo_to_user(g, x, y, &ax, &ay);
	geo_to_user(g, x + w, y + h, &bx, &by);
	r[0] = ax < bx ? ax : bx;
	r[1] = ay < by ? ay : by;
	r[2] = ax < bx ? bx : ax;
	r[3] = ay < by ? by : ay;
}

/* The first name prefixN (N = 1, 2, ...) no top-level field uses: with
 * n fields, one of 1 .. n + 1 is free. */
static int
field_name(struct doc *d, qpdf_oh fields, const char *prefix, char *out,
    size_t outsz)
{
	qpdf_oh f, t;
	const char *s;
	unsigned char *used;
	size_t tl, pl = strlen(prefix), k;
	long v;
	int n, i;

	n = qpdf_oh_is_array(d->q, fields) ?
	    qpdf_oh_get_array_n_items(d->q, fields) : 0;
	if ((used = calloc((size_t)n + 2, 1)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		f = qpdf_oh_get_array_item(d->q, fields, i);
		t = dget(d->q, f, "/T");
		if (qpdf_oh_get_value_as_utf8(d->q, t, &s, &tl) && tl > pl &&
		    tl - pl <= 9 && memcmp(s, prefix, pl) == 0 &&
		    s[pl] != '0') {
			for (v = 0, k = pl; k < tl && s[k] >= '0' && s[k] <= '9';
			    k++)
				v = v * 10 + (s[k] - '0');
			if (k == tl && v >= 1 && v <= n + 1)
				used[v] = 1;
		}
		qpdf_oh_release(d->q, t);
		qpdf_oh_release(d->q, f);
	}
	for (i = 1; i <= n + 1 && used[i]; i++)
		;
	free(used);
	snprintf(out, outsz, "%s%d", prefix, i);
	return 0;
}

/*
 * Adds the widget (a reserved indirect object) to the AcroForm's
 * /Fields (creating the AcroForm when there is none, /SigFlags 3:
 * SignaturesExist | AppendOnly, 12.7.3) and to the page's /Annots, and
 * marks the objects that changed. Chooses the field's name.
 */
static int
attach_field(struct doc *d, qpdf_oh widget, qpdf_oh page, const char *prefix,
    char *name, size_t namesz, struct err *e)
{
	qpdf_data q = d->q;
	qpdf_oh af, fields, annots, flags;
	long long fl = 0;

	af = qpdf_oh_get_key(q, d->root, "/AcroForm");
	if (!qpdf_oh_is_dictionary(q, af)) {
		/* A direct dictionary in the catalog, which changes anyway. */
		qpdf_oh_replace_key(q, d->root, "/AcroForm",
		    qpdf_oh_new_dictionary(q));
		af = qpdf_oh_get_key(q, d->root, "/AcroForm");
		mark_dirty(d, d->root);
	} else if (qpdf_oh_is_indirect(q, af))
		mark_dirty(d, af);
	else
		mark_dirty(d, d->root);
	fields = qpdf_oh_get_key(q, af, "/Fields");
	if (!qpdf_oh_is_array(q, fields)) {
		fields = qpdf_oh_new_array(q);
		qpdf_oh_replace_key(q, af, "/Fields", fields);
		fields = qpdf_oh_get_key(q, af, "/Fields");
	} else if (qpdf_oh_is_indirect(q, fields))
		mark_dirty(d, fields);
	if (field_name(d, fields, prefix, name, namesz) == -1)
		return err_set(e, ERR_PDF_INVALID, "no free field name");
	qpdf_oh_append_item(q, fields, widget);
	flags = qpdf_oh_get_key(q, af, "/SigFlags");
	fl = iget(q, flags, 0);
	if ((fl & 3) != 3)
		qpdf_oh_replace_key(q, af, "/SigFlags",
		    qpdf_oh_new_integer(q, fl | 3));
	annots = qpdf_oh_get_key(q, page, "/Annots");
	if (!qpdf_oh_is_array(q, annots)) {
		qpdf_oh_replace_key(q, page, "/Annots", qpdf_oh_new_array(q));
		annots = qpdf_oh_get_key(q, page, "/Annots");
		mark_dirty(d, page);
	} else if (qpdf_oh_is_indirect(q, annots))
		mark_dirty(d, annots);
	else
		mark_dirty(d, page);
	qpdf_oh_append_item(q, annots, widget);
	return q_check(d, e, "form");
}

/* ------------------------------------------------------------------ */
/* CMS                                                                 */
/* ------------------------------------------------------------------ */

/* A callback said -1: keep its code, or say which callback failed. */
static int
cb_failed(struct err *e, const char *what)
{
	if (e->code == ERR_OK)
		err_set(e, ERR_PDF_SIGN, "%s failed", what);
	return -1;
}

struct der {
	unsigned char	*p;
	int		 n;
};

/* DER order of SET OF elements (X.690 11.6), as OpenSSL's der_cmp. */
static int
der_cmp(const void *a, const void *b)
{
	const struct der *x = a, *y = b;
	int r = memcmp(x->p, y->p, (size_t)(x->n < y->n ? x->n : y->n));

	return r != 0 ? r : x->n - y->n;
}

/* The signed attributes as the DER SET OF that is signed (RFC 5652
 * 5.4: with the SET OF tag, not the [0] of the SignerInfo). */
static int
signed_attrs_der(CMS_SignerInfo *si, struct buf *out)
{
	struct der *v;
	int n = CMS_signed_get_attr_count(si), i, ret = -1;
	size_t total = 0, k;
	unsigned char hdr[6];

	if (n <= 0 || (v = calloc((size_t)n, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		v[i].n = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &v[i].p);
		if (v[i].n <= 0)
			goto out;
		total += (size_t)v[i].n;
	}
	qsort(v, (size_t)n, sizeof(*v), der_cmp);
	hdr[0] = 0x31;
	if (total < 0x80) {
		hdr[1] = (unsigned char)total;
		k = 2;
	} else {
		for (k = 0; (total >> (8 * k)) != 0 && k < 4; k++)
			;
		hdr[1] = (unsigned char)(0x80 | k);
		for (i = 0; i < (int)k; i++)
			hdr[2 + i] = (unsigned char)(total >> (8 * (k - 1 - i)));
		k += 2;
	}
	if (buf_add(out, hdr, k) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (buf_add(out, v[i].p, (size_t)v[i].n) == -1)
			goto out;
	ret = 0;
out:
	for (i = 0; i < n; i++)
		OPENSSL_free(v[i].p);
	free(v);
	return ret;
}

/* Checks that tok is a time-stamp token whose imprint is SHA-256 over
 * data; hands back the certificates it carries when certs != NULL. */
static int
token_check(const struct buf *tok, const unsigned char *data, size_t dlen,
    STACK_OF(X509) **certs, struct err *e)
{
	const unsigned char *p = tok->data;
	PKCS7 *p7 = NULL;
	TS_TST_INFO *tst = NULL;
	TS_MSG_IMPRINT *imp;
	const ASN1_OBJECT *obj;
	ASN1_OCTET_STRING *os;
	unsigned char h[32];
	int ret = -1;

	if (tok->len == 0 || tok->len > LONG_MAX ||
	    (p7 = d2i_PKCS7(NULL, &p, (long)tok->len)) == NULL ||
	    p != tok->data + tok->len || !PKCS7_type_is_signed(p7) ||
	    (tst = PKCS7_to_TS_TST_INFO(p7)) == NULL) {
		err_set(e, ERR_PDF_SIGN, "the TSA's answer is not a "
		    "time-stamp token");
		goto out;
	}
	imp = TS_TST_INFO_get_msg_imprint(tst);
	X509_ALGOR_get0(&obj, NULL, NULL, TS_MSG_IMPRINT_get_algo(imp));
	os = TS_MSG_IMPRINT_get_msg(imp);
	if (EVP_Digest(data, dlen, h, NULL, EVP_sha256(), NULL) != 1 ||
	    OBJ_obj2nid(obj) != NID_sha256 || ASN1_STRING_length(os) != 32 ||
	    memcmp(ASN1_STRING_get0_data(os), h, 32) != 0) {
		err_set(e, ERR_PDF_SIGN, "the time-stamp token is for other "
		    "data (message imprint mismatch)");
		goto out;
	}
	if (certs != NULL) {
		*certs = p7->d.sign->cert != NULL ?
		    X509_chain_up_ref(p7->d.sign->cert) : sk_X509_new_null();
		if (*certs == NULL) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
	}
	ret = 0;
out:
	TS_TST_INFO_free(tst);
	PKCS7_free(p7);
	ERR_clear_error();
	return ret;
}

/*
 * The CMS SignedData over a message digest: detached, signed attributes
 * content-type, message-digest and ESS signing-certificate-v2 (no
 * signing-time: ETSI EN 319 142-1 5.2.2.1), the signer's chain in the
 * certificates, the signature from the key wall (checked against the
 * certificate), and for B-T the signature-time-stamp (ETSI EN 319 122-1
 * 5.3, RFC 3161 token over the signature value).
 */
static int
build_cms(const struct pdf_signer *s, const EVP_MD *md,
    const unsigned char *dig, unsigned diglen, int with_ts, struct buf *der,
    STACK_OF(X509) **tsa_certs, struct err *e)
{
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	EVP_PKEY *pub = X509_get0_pubkey(s->cert);
	EVP_MD_CTX *vc = NULL;
	struct buf attrs, sig, tok;
	unsigned char *p = NULL;
	X509 *x;
	int i, j, len, dup, ret = -1;

	buf_init(&attrs, 1u << 20);
	buf_init(&sig, 16384);
	buf_init(&tok, CALLBACK_MAX);
	cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_DETACHED |
	    CMS_BINARY);
	/* With the public key: CMS_add1_signer only compares it with the
	 * certificate; CMS_PARTIAL keeps it from signing. */
	if (cms == NULL || pub == NULL || (si = CMS_add1_signer(cms, s->cert,
	    pub, md, CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP | CMS_CADES)) ==
	    NULL) {
		err_ssl(e, ERR_PDF_SIGN, "CMS signer");
		goto out;
	}
	for (i = 0; i < sk_X509_num(s->chain); i++) {
		x = sk_X509_value(s->chain, i);
		dup = X509_cmp(x, s->cert) == 0;
		for (j = 0; j < i && !dup; j++)
			dup = X509_cmp(x, sk_X509_value(s->chain, j)) == 0;
		if (!dup && CMS_add1_cert(cms, x) != 1) {
			err_ssl(e, ERR_PDF_SIGN, "CMS certificates");
			goto out;
		}
	}
	if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType,
	    V_ASN1_OBJECT, OBJ_nid2obj(NID_pkcs7_data), -1) != 1 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest,
	    V_ASN1_OCTET_STRING, dig, (int)diglen) != 1) {
		err_ssl(e, ERR_PDF_SIGN, "CMS attributes");
		goto out;
	}
	while ((i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime,
	    -1)) >= 0)
		X509_ATTRIBUTE_free(CMS_signed_delete_attr(si, i));
	if (signed_attrs_der(si, &attrs) == -1) {
		err_ssl(e, ERR_PDF_SIGN, "CMS signed attributes");
		goto out;
	}
	e->code = ERR_OK;
	if (s->sign(s->arg, attrs.data, attrs.len, &sig, e) == -1) {
		cb_failed(e, "signing");
		goto out;
	}
	/* Fail closed on a value that is not the signer's (wrong key,
	 * wrong digest, a truncated answer). */
	if ((vc = EVP_MD_CTX_new()) == NULL || sig.len == 0 ||
	    EVP_DigestVerifyInit(vc, NULL, md, NULL, pub) != 1 ||
	    EVP_DigestVerify(vc, sig.data, sig.len, attrs.data,
	    attrs.len) != 1) {
		ERR_clear_error();
		err_set(e, ERR_PDF_SIGN, "the key wall's signature does not "
		    "verify with the signer's certificate");
		goto out;
	}
	if (sig.len > INT_MAX || ASN1_STRING_set(CMS_SignerInfo_get0_signature(
	    si), sig.data, (int)sig.len) != 1) {
		err_ssl(e, ERR_INTERNAL, "CMS signature");
		goto out;
	}
	if (with_ts) {
		e->code = ERR_OK;
		if (s->timestamp(s->arg, sig.data, sig.len, &tok, e) == -1) {
			cb_failed(e, "time-stamping");
			goto out;
		}
		if (token_check(&tok, sig.data, sig.len, tsa_certs, e) == -1)
			goto out;
		if (tok.len > INT_MAX || CMS_unsigned_add1_attr_by_NID(si,
		    NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, tok.data,
		    (int)tok.len) != 1) {
			err_ssl(e, ERR_PDF_SIGN, "CMS time-stamp attribute");
			goto out;
		}
	}
	if ((len = i2d_CMS_ContentInfo(cms, &p)) <= 0) {
		err_ssl(e, ERR_PDF_SIGN, "CMS encoding");
		goto out;
	}
	if (buf_add(der, p, (size_t)len) == -1) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	ret = 0;
out:
	OPENSSL_free(p);
	EVP_MD_CTX_free(vc);
	CMS_ContentInfo_free(cms);
	buf_cleanup(&attrs);
	buf_cleanup(&sig);
	buf_cleanup(&tok);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The /Contents hole                                                  */
/* ------------------------------------------------------------------ */

struct hole {
	size_t	 br;		/* offset of the /ByteRange numbers */
	size_t	 lt;		/* offset of the '<' of /Contents */
	size_t	 size;		/* octets /Contents holds */
};

/* /ByteRange and /Contents of a signature or time-stamp dictionary; the
 * hole is raw hex, never encrypted (ISO 32000-2 7.6.2). */
static void
w_hole(struct doc *d, struct hole *ho)
{
	char zeros[64];
	size_t left;

	memset(zeros, '0', sizeof(zeros));
	w_str(d, "/ByteRange[");
	ho->br = w_pos(d);
	w_fmt(d, "%*s", BR_WIDTH, "");
	w_str(d, "]/Contents");
	ho->lt = w_pos(d);
	w_add(d, "<", 1);
	for (left = 2 * ho->size; left > 0;) {
		w_add(d, zeros, left < sizeof(zeros) ? left : sizeof(zeros));
		left -= left < sizeof(zeros) ? left : sizeof(zeros);
	}
	w_add(d, ">", 1);
}

/* Patches /ByteRange (the whole file but the hole, 12.8.1) and returns
 * the two ranges. */
static int
hole_range(struct doc *d, const struct hole *ho, size_t r[4])
{
	char tmp[BR_WIDTH + 1];
	int n;

	r[0] = 0;
	r[1] = ho->lt;
	r[2] = ho->lt + 2 * ho->size + 2;
	r[3] = w_pos(d) - r[2];
	n = snprintf(tmp, sizeof(tmp), "0 %zu %zu %zu", r[1], r[2], r[3]);
	if (n < 0 || n > BR_WIDTH)
		return -1;
	memset(tmp + n, ' ', BR_WIDTH - (size_t)n);
	memcpy(d->out->data + d->base + ho->br, tmp, BR_WIDTH);
	return 0;
}

static void
hole_fill(struct doc *d, const struct hole *ho, const unsigned char *p,
    size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	unsigned char *o = d->out->data + d->base + ho->lt + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		o[2 * i] = (unsigned char)hx[p[i] >> 4];
		o[2 * i + 1] = (unsigned char)hx[p[i] & 15];
	}
}

static size_t
round_hole(size_t n)
{
	return (n + HOLE_ROUND - 1) / HOLE_ROUND * HOLE_ROUND;
}

/* ------------------------------------------------------------------ */
/* The signature                                                       */
/* ------------------------------------------------------------------ */

struct sigres {
	struct buf	 cms;		/* the SignedData */
	size_t		 hole;		/* octets of its /Contents */
	STACK_OF(X509)	*tsa;		/* certificates of the token */
};

/* Where the box goes: page, /Rect, the displayed size and rotation. */
static int
place(struct doc *d, const struct pdf_visible *v, qpdf_oh *page,
    struct geo *g, double rect[4], struct err *e)
{
	int npages = qpdf_get_num_pages(d->q), pg = v->page;
	double box[4], cx, cy, x = v->x, y = v->y;
	const double eps = 0.01;

	if (!(v->w > 0 && v->h > 0 && v->w < 1e6 && v->h < 1e6))
		return err_set(e, ERR_PDF_BAD_PAGE, "the signature box needs a "
		    "positive width and height");
	if (v->anchor != NULL) {
		e->code = ERR_OK;
		if (pdf_text_find(d->q, v->anchor, &pg, box, e) == -1) {
			if (e->code == ERR_OK)
				err_set(e, ERR_PDF_ANCHOR_NOT_FOUND, "anchor "
				    "text not found");
			return -1;
		}
		/* Reading content streams draws warnings from many real
		 * files (an operator with the wrong operands, a stream a
		 * few octets off its /Length); the update never touches
		 * content, so they are dropped here. An error still
		 * refuses. */
		while (qpdf_more_warnings(d->q))
			(void)qpdf_next_warning(d->q);
		if (q_check(d, e, "anchor") == -1)
			return -1;
	}
	if (pg < 1 || pg > npages)
		return err_set(e, ERR_PDF_BAD_PAGE, "page %d does not exist "
		    "(the PDF has %d)", pg, npages);
	*page = qpdf_get_page_n(d->q, (size_t)pg - 1);
	if (page_geo(d, *page, g, e) == -1)
		return -1;
	if (v->anchor != NULL) {
		/* Centred on the anchor, then moved inside the page. */
		geo_to_disp(g, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2,
		    &cx, &cy);
		if (v->w > g->dw + eps || v->h > g->dh + eps)
			return err_set(e, ERR_PDF_BAD_PAGE, "a %gx%g box does "
			    "not fit on page %d", v->w, v->h, pg);
		x = cx - v->w / 2;
		y = cy - v->h / 2;
		x = x < 0 ? 0 : x + v->w > g->dw ? g->dw - v->w : x;
		y = y < 0 ? 0 : y + v->h > g->dh ? g->dh - v->h : y;
	} else if (!(x >= -eps && y >= -eps && x + v->w <= g->dw + eps &&
	    y + v->h <= g->dh + eps))
		return err_set(e, ERR_PDF_BAD_PAGE, "the box %g,%g %gx%g is not "
		    "within page %d (%gx%g points as displayed)", x, y, v->w,
		    v->h, pg, g->dw, g->dh);
	geo_rect(g, x, y, v->w, v->h, rect);
	return 0;
}

static const char *const rot_matrix[4] = {
	"1 0 0 1 0 0", "0 1 -1 0 0 0", "-1 0 0 -1 0 0", "0 -1 1 0 0 0"
};

/* The objects of a visible appearance: the form XObject (drawn upright
 * for the reader: its /Matrix undoes the page's /Rotate, 12.5.5), and
 * the image with its soft mask. */
static void
w_look(struct doc *d, const struct pdf_appearance *lk, const struct geo *g,
    double w, double h, const struct buf *content, long long apnum,
    long long imnum, long long smnum)
{
	char extra[512], sw[40], sh[40], sm[32], xo[64];
	const struct pdf_image *im = &lk->im;

	pdf_appearance_num(sw, sizeof(sw), w);
	pdf_appearance_num(sh, sizeof(sh), h);
	xo[0] = '\0';
	if (lk->has_image)
		snprintf(xo, sizeof(xo), "/XObject<</Im1 %lld 0 R>>", imnum);
	snprintf(extra, sizeof(extra), "/Type/XObject/Subtype/Form/BBox[0 0 "
	    "%s %s]/Matrix[%s]/Resources<<%s%s>>/Filter/FlateDecode", sw, sh,
	    rot_matrix[g->rot / 90], lk->nlines > 0 ? "/Font<</F1<</Type/Font"
	    "/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>>>" :
	    "", xo);
	obj_begin(d, apnum, 0);
	w_stream(d, extra, content->data, content->len);
	obj_end(d);
	if (!lk->has_image)
		return;
	sm[0] = '\0';
	if (im->alpha.len > 0)
		snprintf(sm, sizeof(sm), "/SMask %lld 0 R", smnum);
	snprintf(extra, sizeof(extra), "/Type/XObject/Subtype/Image/Width %d"
	    "/Height %d/ColorSpace/%s/BitsPerComponent 8/Filter/%s%s%s",
	    im->w, im->h, im->comps == 1 ? "DeviceGray" : im->comps == 3 ?
	    "DeviceRGB" : "DeviceCMYK", im->dct ? "DCTDecode" : "FlateDecode",
	    im->inverted ? "/Decode[1 0 1 0 1 0 1 0]" : "", sm);
	obj_begin(d, imnum, 0);
	w_stream(d, extra, im->data.data, im->data.len);
	obj_end(d);
	if (im->alpha.len == 0)
		return;
	snprintf(extra, sizeof(extra), "/Type/XObject/Subtype/Image/Width %d"
	    "/Height %d/ColorSpace/DeviceGray/BitsPerComponent 8"
	    "/Filter/FlateDecode", im->w, im->h);
	obj_begin(d, smnum, 0);
	w_stream(d, extra, im->alpha.data, im->alpha.len);
	obj_end(d);
}

/* The hole a signature needs: certificates, two signature values'
 * worth, the attributes, and the token's room. */
static size_t
cms_estimate(const struct pdf_signer *s, int with_ts)
{
	size_t n = 2048;
	int i, l;

	if ((l = i2d_X509(s->cert, NULL)) > 0)
		n += (size_t)l;
	for (i = 0; i < sk_X509_num(s->chain); i++)
		if ((l = i2d_X509(sk_X509_value(s->chain, i), NULL)) > 0)
			n += (size_t)l;
	n += 2 * (size_t)EVP_PKEY_get_size(X509_get0_pubkey(s->cert));
	if (with_ts)
		n += TOKEN_ROOM;
	return round_hole(n);
}

static int
digest_ranges(struct doc *d, const EVP_MD *md, const size_t r[4],
    unsigned char *dig, unsigned *diglen)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	const unsigned char *f = d->out->data + d->base;
	int ok;

	ok = m != NULL && EVP_DigestInit_ex(m, md, NULL) == 1 &&
	    EVP_DigestUpdate(m, f + r[0], r[1]) == 1 &&
	    EVP_DigestUpdate(m, f + r[2], r[3]) == 1 &&
	    EVP_DigestFinal_ex(m, dig, diglen) == 1;
	EVP_MD_CTX_free(m);
	return ok ? 0 : -1;
}

/* The first update: the signature field, its value and appearance. */
static int
sign_update(struct doc *d, const struct pdf_sign_opts *o,
    const struct pdf_signer *s, const EVP_MD *md, struct sigres *res,
    struct err *e)
{
	const struct pdf_visible *v = &o->vis;
	struct pdf_appearance lk;
	struct geo g;
	struct hole ho;
	struct buf cz;
	double rect[4] = { 0, 0, 0, 0 };
	qpdf_oh page = 0, widget;
	long long wnum = 0, snum = 0, apnum = 0, imnum = 0, smnum = 0;
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned diglen;
	size_t r[4];
	char name[64], when[40];
	struct tm tm;
	time_t t = o->when != 0 ? o->when : time(NULL);
	int visible = v->page != 0 || v->anchor != NULL, tries, i, ret = -1;

	memset(&lk, 0, sizeof(lk));
	memset(&g, 0, sizeof(g));
	buf_init(&cz, 16u << 20);
	if (visible) {
		if (place(d, v, &page, &g, rect, e) == -1 ||
		    pdf_appearance_load(&lk, v, e) == -1)
			goto out;
		if (pdf_appearance_content(&lk, v->w, v->h, &cz) == -1) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
	} else
		page = qpdf_get_page_n(d->q, 0);
	if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof(when),
	    "D:%Y%m%d%H%M%S+00'00'", &tm) == 0) {
		err_set(e, ERR_INTERNAL, "bad signing time");
		goto out;
	}
	widget = reserve(d, &wnum);
	(void)reserve(d, &snum);
	if (visible) {
		(void)reserve(d, &apnum);
		if (lk.has_image)
			(void)reserve(d, &imnum);
		if (lk.im.alpha.len > 0)
			(void)reserve(d, &smnum);
	}
	if (attach_field(d, widget, page, "Signature", name, sizeof(name),
	    e) == -1)
		goto out;
	upd_prepare(d);
	ho.size = cms_estimate(s, o->level >= PDF_LEVEL_BT);
	for (tries = 0; tries < HOLE_TRIES; tries++) {
		upd_begin(d);
		upd_dirty(d);
		obj_begin(d, wnum, 0);
		/* A widget merged with its field (12.7.4.5); flags Print and
		 * Locked (12.5.3). */
		w_str(d, "<</Type/Annot/Subtype/Widget/FT/Sig/F 132/T ");
		w_text(d, name);
		w_fmt(d, "/V %lld 0 R/P ", snum);
		w_ref(d, page);
		w_str(d, "/Rect[");
		for (i = 0; i < 4; i++) {
			if (i > 0)
				w_str(d, " ");
			w_num(d, rect[i]);
		}
		w_str(d, "]");
		if (visible)
			w_fmt(d, "/AP<</N %lld 0 R>>", apnum);
		w_str(d, ">>");
		obj_end(d);
		obj_begin(d, snum, 0);
		w_str(d, "<</Type/Sig/Filter/Adobe.PPKLite"
		    "/SubFilter/ETSI.CAdES.detached");
		w_hole(d, &ho);
		w_str(d, "/M");
		w_string(d, (const unsigned char *)when, strlen(when));
		if (o->name != NULL) {
			w_str(d, "/Name");
			w_text(d, o->name);
		}
		if (o->reason != NULL) {
			w_str(d, "/Reason");
			w_text(d, o->reason);
		}
		if (o->location != NULL) {
			w_str(d, "/Location");
			w_text(d, o->location);
		}
		if (o->contact != NULL) {
			w_str(d, "/ContactInfo");
			w_text(d, o->contact);
		}
		w_str(d, ">>");
		obj_end(d);
		if (visible)
			w_look(d, &lk, &g, v->w, v->h, &cz, apnum, imnum, smnum);
		upd_end(d);
		if (w_check(d, e) == -1)
			goto out;
		if (hole_range(d, &ho, r) == -1 ||
		    digest_ranges(d, md, r, dig, &diglen) == -1) {
			err_set(e, ERR_INTERNAL, "byte range");
			goto out;
		}
		res->cms.len = 0;
		sk_X509_pop_free(res->tsa, X509_free);
		res->tsa = NULL;
		if (build_cms(s, md, dig, diglen, o->level >= PDF_LEVEL_BT,
		    &res->cms, &res->tsa, e) == -1)
			goto out;
		if (res->cms.len <= ho.size)
			break;
		/* Measured: write it again with room to spare for a token
		 * or an ECDSA value a few octets longer next time. */
		ho.size = round_hole(res->cms.len + 512);
	}
	if (tries == HOLE_TRIES) {
		err_set(e, ERR_PDF_SIGN, "the signature keeps outgrowing its "
		    "space");
		goto out;
	}
	hole_fill(d, &ho, res->cms.data, res->cms.len);
	res->hole = ho.size;
	upd_commit(d);
	ret = 0;
out:
	pdf_appearance_cleanup(&lk);
	buf_cleanup(&cz);
	return ret;
}

/* ------------------------------------------------------------------ */
/* B-LT: the document security store                                   */
/* ------------------------------------------------------------------ */

struct blobs {
	struct buf	*v;
	size_t		 n, cap;
};

static void
blobs_free(struct blobs *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		buf_cleanup(&b->v[i]);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/* Adds a copy of p unless an equal one is there. */
static int
blobs_add(struct blobs *b, const unsigned char *p, size_t n)
{
	struct buf *nv;
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].len == n && memcmp(b->v[i].data, p, n) == 0)
			return 0;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		if ((nv = realloc(b->v, b->cap * sizeof(*nv))) == NULL)
			return -1;
		b->v = nv;
	}
	buf_init(&b->v[b->n], n);
	if (buf_add(&b->v[b->n], p, n) == -1)
		return -1;
	b->n++;
	return 0;
}

static int
certs_add(STACK_OF(X509) *sk, X509 *x)
{
	int i;

	for (i = 0; i < sk_X509_num(sk); i++)
		if (X509_cmp(sk_X509_value(sk, i), x) == 0)
			return 0;
	if (!X509_up_ref(x))
		return -1;
	if (sk_X509_push(sk, x) <= 0) {
		X509_free(x);
		return -1;
	}
	return 0;
}

/* Checks an OCSP answer and adds the certificates it carries. */
static int
ocsp_take(const struct buf *b, STACK_OF(X509) *all, struct err *e)
{
	const unsigned char *p = b->data;
	OCSP_RESPONSE *r = NULL;
	OCSP_BASICRESP *br = NULL;
	const STACK_OF(X509) *rc;
	int i, ret = -1;

	if (b->len > LONG_MAX || (r = d2i_OCSP_RESPONSE(NULL, &p,
	    (long)b->len)) == NULL || p != b->data + b->len ||
	    OCSP_response_status(r) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
	    (br = OCSP_response_get1_basic(r)) == NULL) {
		err_set(e, ERR_PDF_SIGN, "the revocation callback gave a bad "
		    "OCSP response");
		goto out;
	}
	rc = OCSP_resp_get0_certs(br);
	for (i = 0; i < sk_X509_num(rc); i++)
		if (certs_add(all, sk_X509_value(rc, i)) == -1) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
	ret = 0;
out:
	OCSP_BASICRESP_free(br);
	OCSP_RESPONSE_free(r);
	ERR_clear_error();
	return ret;
}

/*
 * The validation data: every certificate of the signer's chain and of
 * the TSA's (from the token), and for each but the self-signed roots an
 * OCSP response and/or CRL from the callback (ETSI EN 319 142-1 5.4.2:
 * B-LT carries what is needed to validate both chains). Certificates an
 * OCSP response carries (the responder's) join the store too.
 */
static int
dss_collect(const struct pdf_signer *s, STACK_OF(X509) *tsa,
    STACK_OF(X509) *all, struct blobs *ocsps, struct blobs *crls,
    struct err *e)
{
	struct buf ocsp, crl;
	X509 *c, *iss;
	X509_CRL *xc;
	const unsigned char *p;
	char subj[160];
	int i, j, n0, ret = -1;

	buf_init(&ocsp, CALLBACK_MAX);
	buf_init(&crl, CALLBACK_MAX);
	if (certs_add(all, s->cert) == -1)
		goto oom;
	for (i = 0; i < sk_X509_num(s->chain); i++)
		if (certs_add(all, sk_X509_value(s->chain, i)) == -1)
			goto oom;
	for (i = 0; i < sk_X509_num(tsa); i++)
		if (certs_add(all, sk_X509_value(tsa, i)) == -1)
			goto oom;
	n0 = sk_X509_num(all);
	for (i = 0; i < n0; i++) {
		c = sk_X509_value(all, i);
		if (X509_self_signed(c, 0) == 1)
			continue;
		X509_NAME_oneline(X509_get_subject_name(c), subj, sizeof(subj));
		for (iss = NULL, j = 0; j < n0 && iss == NULL; j++)
			if (j != i && X509_check_issued(sk_X509_value(all, j),
			    c) == X509_V_OK)
				iss = sk_X509_value(all, j);
		if (iss == NULL) {
			err_set(e, ERR_PDF_SIGN, "B-LT: the issuer of %s is "
			    "neither in the chain nor in the time-stamp token",
			    subj);
			goto out;
		}
		ocsp.len = crl.len = 0;
		e->code = ERR_OK;
		if (s->revocation(s->arg, c, iss, &ocsp, &crl, e) == -1) {
			cb_failed(e, "revocation data");
			goto out;
		}
		if (ocsp.len == 0 && crl.len == 0) {
			err_set(e, ERR_PDF_SIGN, "B-LT: no revocation data for "
			    "%s", subj);
			goto out;
		}
		if (ocsp.len > 0 && (ocsp_take(&ocsp, all, e) == -1 ||
		    blobs_add(ocsps, ocsp.data, ocsp.len) == -1))
			goto fail;
		if (crl.len > 0) {
			p = crl.data;
			xc = crl.len <= LONG_MAX ? d2i_X509_CRL(NULL, &p,
			    (long)crl.len) : NULL;
			X509_CRL_free(xc);
			ERR_clear_error();
			if (xc == NULL || p != crl.data + crl.len) {
				err_set(e, ERR_PDF_SIGN, "the revocation "
				    "callback gave a bad CRL for %s", subj);
				goto out;
			}
			if (blobs_add(crls, crl.data, crl.len) == -1)
				goto oom;
		}
	}
	ret = 0;
	goto out;
fail:
	if (e->code != ERR_OK)
		goto out;
oom:
	err_set(e, ERR_INTERNAL, "out of memory");
out:
	buf_cleanup(&ocsp);
	buf_cleanup(&crl);
	return ret;
}

/* Copies the items of an existing DSS array (references, as written). */
static void
w_old_items(struct doc *d, qpdf_oh old, const char *key)
{
	qpdf_oh a, it;
	int i, n;

	if (old == 0)
		return;
	a = qpdf_oh_get_key(d->q, old, key);
	n = qpdf_oh_is_array(d->q, a) ? qpdf_oh_get_array_n_items(d->q, a) : 0;
	for (i = 0; i < n; i++) {
		it = qpdf_oh_get_array_item(d->q, a, i);
		w_obj(d, it, 0, 1);
		w_str(d, " ");
		qpdf_oh_release(d->q, it);
	}
}

static void
w_refs(struct doc *d, const long long *nums, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		w_fmt(d, "%lld 0 R ", nums[i]);
}

/* The second update: /DSS in the catalog, merged with an existing one. */
static int
dss_update(struct doc *d, const struct pdf_signer *s,
    const struct sigres *res, struct err *e)
{
	qpdf_data q = d->q;
	STACK_OF(X509) *all = sk_X509_new_null();
	struct blobs ocsps = { 0 }, crls = { 0 };
	struct buf raw;
	qpdf_oh old = 0, dss, vri, it;
	long long *nums = NULL, dnum = 0;
	size_t ncert, i, k, nk = 0;
	unsigned char vkey[20], *der = NULL;
	char hexkey[41], **keys = NULL;
	EVP_MD_CTX *m = NULL;
	int len, ret = -1;

	buf_init(&raw, CALLBACK_MAX);
	if (all == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	if (dss_collect(s, res->tsa, all, &ocsps, &crls, e) == -1)
		goto out;
	ncert = (size_t)sk_X509_num(all);
	if ((nums = calloc(ncert + ocsps.n + crls.n, sizeof(*nums))) == NULL) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (i = 0; i < ncert + ocsps.n + crls.n; i++)
		(void)reserve(d, &nums[i]);
	dss = reserve(d, &dnum);
	/* VRI key: SHA-1 of the signature's /Contents string, padding
	 * included (ETSI EN 319 142-1 5.4.2.2). */
	if ((m = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(m, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(m, res->cms.data, res->cms.len) != 1) {
		err_set(e, ERR_INTERNAL, "SHA-1");
		goto out;
	}
	for (i = res->cms.len; i < res->hole; i += k) {
		static const unsigned char zero[256];

		k = res->hole - i < sizeof(zero) ? res->hole - i : sizeof(zero);
		if (EVP_DigestUpdate(m, zero, k) != 1) {
			err_set(e, ERR_INTERNAL, "SHA-1");
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(m, vkey, NULL) != 1 ||
	    hex_encode(vkey, 20, hexkey, sizeof(hexkey)) == -1) {
		err_set(e, ERR_INTERNAL, "SHA-1");
		goto out;
	}
	it = qpdf_oh_get_key(q, d->root, "/DSS");
	if (qpdf_oh_is_dictionary(q, it))
		old = it;
	vri = old != 0 ? qpdf_oh_get_key(q, old, "/VRI") : 0;
	if (vri != 0 && qpdf_oh_is_dictionary(q, vri)) {
		qpdf_oh_begin_dict_key_iter(q, vri);
		while (qpdf_oh_dict_more_keys(q)) {
			char **nkp = realloc(keys, (nk + 1) * sizeof(*keys));

			if (nkp == NULL) {
				err_set(e, ERR_INTERNAL, "out of memory");
				goto out;
			}
			keys = nkp;
			if ((keys[nk] = strdup(qpdf_oh_dict_next_key(q))) ==
			    NULL) {
				err_set(e, ERR_INTERNAL, "out of memory");
				goto out;
			}
			nk++;
		}
	}
	qpdf_oh_replace_key(q, d->root, "/DSS", dss);
	mark_dirty(d, d->root);
	if (q_check(d, e, "DSS") == -1)
		goto out;
	upd_prepare(d);
	upd_begin(d);
	upd_dirty(d);
	for (i = 0; i < ncert + ocsps.n + crls.n && !d->wfail; i++) {
		raw.len = 0;
		if (i < ncert) {
			der = NULL;
			len = i2d_X509(sk_X509_value(all, (int)i), &der);
			if (len <= 0 || buf_add(&raw, der, (size_t)len) == -1) {
				OPENSSL_free(der);
				err_set(e, ERR_INTERNAL, "certificate encoding");
				goto out;
			}
			OPENSSL_free(der);
		} else if (i < ncert + ocsps.n) {
			k = i - ncert;
			if (buf_add(&raw, ocsps.v[k].data, ocsps.v[k].len) == -1)
				d->wfail = 1;
		} else {
			k = i - ncert - ocsps.n;
			if (buf_add(&raw, crls.v[k].data, crls.v[k].len) == -1)
				d->wfail = 1;
		}
		/* DER is dense: Flate would save little */
		obj_begin(d, nums[i], 0);
		w_stream(d, "", raw.data, raw.len);
		obj_end(d);
	}
	obj_begin(d, dnum, 0);
	w_str(d, "<</Type/DSS/Certs[");
	w_old_items(d, old, "/Certs");
	w_refs(d, nums, ncert);
	w_str(d, "]");
	if (ocsps.n > 0 || (old != 0 && qpdf_oh_is_array(q,
	    qpdf_oh_get_key(q, old, "/OCSPs")))) {
		w_str(d, "/OCSPs[");
		w_old_items(d, old, "/OCSPs");
		w_refs(d, nums + ncert, ocsps.n);
		w_str(d, "]");
	}
	if (crls.n > 0 || (old != 0 && qpdf_oh_is_array(q,
	    qpdf_oh_get_key(q, old, "/CRLs")))) {
		w_str(d, "/CRLs[");
		w_old_items(d, old, "/CRLs");
		w_refs(d, nums + ncert + ocsps.n, crls.n);
		w_str(d, "]");
	}
	w_str(d, "/VRI<<");
	for (i = 0; i < nk; i++) {
		if (strcmp(keys[i] + 1, hexkey) == 0)
			continue;
		it = qpdf_oh_get_key(q, vri, keys[i]);
		w_name(d, keys[i]);
		w_str(d, " ");
		w_obj(d, it, 0, 1);
		qpdf_oh_release(q, it);
	}
	w_fmt(d, "/%s<</Cert[", hexkey);
	w_refs(d, nums, ncert);
	w_str(d, "]");
	if (ocsps.n > 0) {
		w_str(d, "/OCSP[");
		w_refs(d, nums + ncert, ocsps.n);
		w_str(d, "]");
	}
	if (crls.n > 0) {
		w_str(d, "/CRL[");
		w_refs(d, nums + ncert + ocsps.n, crls.n);
		w_str(d, "]");
	}
	w_str(d, ">>>>>>");
	obj_end(d);
	upd_end(d);
	if (w_check(d, e) == -1)
		goto out;
	upd_commit(d);
	ret = 0;
out:
	for (i = 0; i < nk; i++)
		free(keys[i]);
	free(keys);
	free(nums);
	EVP_MD_CTX_free(m);
	sk_X509_pop_free(all, X509_free);
	blobs_free(&ocsps);
	blobs_free(&crls);
	buf_cleanup(&raw);
	return ret;
}

/* ------------------------------------------------------------------ */
/* B-LTA: the document time-stamp                                      */
/* ------------------------------------------------------------------ */

/* The third update: a /DocTimeStamp (ISO 32000-2 12.8.5, ETSI EN 319
 * 142-1 5.4.3) whose token covers the whole file so far. */
static int
docts_update(struct doc *d, const struct pdf_signer *s, struct err *e)
{
	struct hole ho;
	struct buf data, tok;
	qpdf_oh page, widget;
	long long wnum = 0, tnum = 0;
	size_t r[4];
	char name[64];
	int tries, ret = -1;

	buf_init(&data, d->out->max);
	buf_init(&tok, CALLBACK_MAX);
	page = qpdf_get_page_n(d->q, 0);
	widget = reserve(d, &wnum);
	(void)reserve(d, &tnum);
	if (attach_field(d, widget, page, "Timestamp", name, sizeof(name),
	    e) == -1)
		goto out;
	upd_prepare(d);
	ho.size = DOCTS_ROOM;
	for (tries = 0; tries < HOLE_TRIES; tries++) {
		upd_begin(d);
		upd_dirty(d);
		obj_begin(d, wnum, 0);
		w_str(d, "<</Type/Annot/Subtype/Widget/FT/Sig/F 132/T ");
		w_text(d, name);
		w_fmt(d, "/V %lld 0 R/P ", tnum);
		w_ref(d, page);
		w_str(d, "/Rect[0 0 0 0]>>");
		obj_end(d);
		obj_begin(d, tnum, 0);
		w_str(d, "<</Type/DocTimeStamp/Filter/Adobe.PPKLite"
		    "/SubFilter/ETSI.RFC3161");
		w_hole(d, &ho);
		w_str(d, ">>");
		obj_end(d);
		upd_end(d);
		if (w_check(d, e) == -1)
			goto out;
		if (hole_range(d, &ho, r) == -1) {
			err_set(e, ERR_INTERNAL, "byte range");
			goto out;
		}
		data.len = tok.len = 0;
		if (buf_add(&data, d->out->data + d->base + r[0], r[1]) == -1 ||
		    buf_add(&data, d->out->data + d->base + r[2], r[3]) == -1) {
			err_set(e, ERR_PDF_TOO_LARGE, "out of memory");
			goto out;
		}
		e->code = ERR_OK;
		if (s->timestamp(s->arg, data.data, data.len, &tok, e) == -1) {
			cb_failed(e, "document time-stamping");
			goto out;
		}
		if (token_check(&tok, data.data, data.len, NULL, e) == -1)
			goto out;
		if (tok.len <= ho.size)
			break;
		ho.size = round_hole(tok.len + 512);
	}
	if (tries == HOLE_TRIES) {
		err_set(e, ERR_PDF_SIGN, "the time-stamp keeps outgrowing its "
		    "space");
		goto out;
	}
	hole_fill(d, &ho, tok.data, tok.len);
	upd_commit(d);
	ret = 0;
out:
	buf_cleanup(&data);
	buf_cleanup(&tok);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                         */
/* ------------------------------------------------------------------ */

int
pdf_sign(const unsigned char *in, size_t inlen,
    const struct pdf_sign_opts *o, const struct pdf_signer *s,
    struct buf *out, struct err *e)
{
	struct doc d;
	struct sigres res;
	struct err local;
	const EVP_MD *md;
	size_t out0;
	int ret = -1;

	if (e == NULL)
		e = &local;
	e->code = ERR_OK;
	e->detail[0] = '\0';
	if (o == NULL || s == NULL || out == NULL || s->cert == NULL ||
	    s->sign == NULL ||
	    (o->level >= PDF_LEVEL_BT && s->timestamp == NULL) ||
	    (o->level >= PDF_LEVEL_BLT && s->revocation == NULL) ||
	    (unsigned)o->level > PDF_LEVEL_BLTA)
		return err_set(e, ERR_INTERNAL, "pdf_sign: missing argument or "
		    "callback for %s", o != NULL ? pdf_level_name(o->level) :
		    "?");
	if (in == NULL || inlen == 0)
		return err_set(e, ERR_PDF_INVALID, "empty document");
	if (o->max_in > 0 && inlen > o->max_in)
		return err_set(e, ERR_PDF_TOO_LARGE, "the PDF has %zu octets; "
		    "at most %zu", inlen, o->max_in);
	if ((md = pdf_sign_md(s->cert)) == NULL)
		return err_set(e, ERR_PDF_SIGN, "the signer's key type is not "
		    "supported (RSA of 2048 bits or more, ECDSA P-256/384/521)");
	memset(&d, 0, sizeof(d));
	memset(&res, 0, sizeof(res));
	buf_init(&res.cms, 1u << 24);
	out0 = out->len;
	d.out = out;
	d.base = out0;
	if (doc_open(&d, in, inlen, o->password, e) == -1 ||
	    check_docmdp(&d, e) == -1)
		goto out;
	if (buf_add(out, in, inlen) == -1) {
		err_set(e, ERR_PDF_TOO_LARGE, "the signed PDF would exceed %zu "
		    "octets", out->max);
		goto out;
	}
	d.flen = inlen;
	if (sign_update(&d, o, s, md, &res, e) == -1)
		goto out;
	if (o->level >= PDF_LEVEL_BLT && dss_update(&d, s, &res, e) == -1)
		goto out;
	if (o->level >= PDF_LEVEL_BLTA && docts_update(&d, s, e) == -1)
		goto out;
	out->len = d.base + d.flen;
	ret = 0;
out:
	if (ret == -1)
		out->len = out0;
	sk_X509_pop_free(res.tsa, X509_free);
	buf_cleanup(&res.cms);
	doc_cleanup(&d);
	ERR_clear_error();
	return ret;
}
