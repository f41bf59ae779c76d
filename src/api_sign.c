/*
 * api_sign.c - signing and verifying documents over HTTP: the BSrE Esign
 * Client API v1 (multipart) and v2 (JSON, base64) as
 * ../shared/bsre-esign-api.md describes them, the native API, and the
 * public verification page the QR code points at (/v/<id>).
 *
 * An agency application (HTTP Basic, API_CLIENT) signs only for holders
 * of its own agency: another agency's holder is "not registered" to it,
 * as in the status calls. Only a holder in ISSUE signs (holder_signable),
 * with the passphrase (counted before unwrapping, holder_open) or, in v2,
 * a single-use TOTP sent by e-mail. Where the original answers HTTP 500
 * (an empty or broken PDF), the answer here is a 4xx in the same shape.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "agency.h"
#include "api.h"
#include "audit.h"
#include "multipart.h"
#include "outbox.h"
#include "pdf_verify.h"
#include "seal.h"
#include "sign.h"

#define MAX_FILES	20

/* ---- the answers of the BSrE API when signing fails ---- */

/* v1 and v2 clients read "message" and fall back to "error"; the code
 * is in status_code (2011 not registered, 2021 no usable certificate,
 * 2031 wrong passphrase or TOTP). */
static int
bsre_fail(struct req *r, unsigned http, int code, const char *msg)
{
	return http_json_value(r, http, json_pack("{s:s, s:s, s:i}", "error",
	    msg, "message", msg, "status_code", code));
}

static int
bsre_err(struct req *r, const struct err *e, const char *status)
{
	const struct err_info *ei = err_info(e->code);
	char m[300];

	if (e->detail[0] != '\0')
		log_msg(LOG_INFO, r->rid, "sign: %s: %s", ei->name, e->detail);
	switch (e->code) {
	case ERR_CERT_NOT_FOUND:
		return bsre_fail(r, 400, 2011, r->lang_en ? "Signing failed: "
		    "user is not registered 2011" : "Proses signing gagal : "
		    "User tidak terdaftar 2011");
	case ERR_WRONG_PASSPHRASE:
		return bsre_fail(r, 400, 2031, r->lang_en ? "Your passphrase "
		    "is wrong" : "Passphrase anda salah");
	case ERR_HOLDER_SUSPENDED:
	case ERR_NOT_SIGNABLE:
		snprintf(m, sizeof(m), r->lang_en ? "Signing failed: the user "
		    "has no usable certificate (status %s) 2021" : "Proses "
		    "signing gagal : User tidak memiliki sertifikat yang dapat "
		    "digunakan (status %s) 2021", status);
		return bsre_fail(r, 400, 2021, m);
	default:
		break;
	}
	if (ei->http_status >= 500)
		return http_error(r, e->code, e->detail);
	return bsre_fail(r, (unsigned)ei->http_status, ei->http_status,
	    r->lang_en ? ei->msg_en : ei->msg_id);
}

/* ---- who signs ---- */

/* The holder by NIK or e-mail, seen from the client's agency. */
static int
find_holder(struct req *r, const char *nik, const char *email,
    struct holder *h, struct err *e)
{
	int rc;

	if ((nik == NULL || *nik == '\0') && (email == NULL || *email == '\0'))
		return err_set(e, ERR_CERT_NOT_FOUND, "no nik or email");
	rc = holder_find(r->store, nik != NULL && *nik != '\0' ? nik : NULL,
	    email != NULL && *email != '\0' ? email : NULL, 0, h, e);
	if (rc == 1 || (rc == 0 && r->who.agency_id != 0 &&
	    h->a.agency_id != r->who.agency_id))
		return err_set(e, ERR_CERT_NOT_FOUND, "no holder here");
	return rc;
}

/* ---- v2: a TOTP by e-mail instead of the passphrase ---- */

#define OTP_SECONDS	300
#define OTP_TRIES	5

static void
otp_hash(long holder, const char *code, char out[65])
{
	char in[64];

	snprintf(in, sizeof(in), "%ld:%.16s", holder, code);
	auth_sha256_hex(in, out);
}

int
api_bsre_totp(struct req *r)
{
	struct holder h;
	struct err e = { 0 };
	char code[8], hash[65];
	json_t *j, *v;
	long files;
	uint32_t n;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	files = json_is_integer(json_object_get(j, "data")) ?
	    (long)json_integer_value(json_object_get(j, "data")) :
	    json_is_string(json_object_get(j, "data")) ?
	    strtol(json_string_value(json_object_get(j, "data")), NULL, 10) : 1;
	memset(&h, 0, sizeof(h));
	buf_init(&h.wrapped, 16);
	if (files < 1 || files > MAX_FILES) {
		json_decref(j);
		holder_cleanup(&h);
		return bsre_fail(r, 400, 400, r->lang_en ? "data: the number "
		    "of files, 1 to 20" : "data: jumlah berkas, 1 sampai 20");
	}
	if (find_holder(r, api_str(j, "nik"), api_str(j, "email"), &h,
	    &e) != 0 || holder_signable(r->store, &h, &e) == -1) {
		json_decref(j);
		holder_cleanup(&h);
		return bsre_err(r, &e, h.status[0] ? h.status : "NOT_REGISTERED");
	}
	json_decref(j);
	randombytes_buf(&n, sizeof(n));
	snprintf(code, sizeof(code), "%06u", n % 1000000);
	otp_hash(h.id, code, hash);
	v = json_pack("{s:s, s:s, s:i, s:i}", "name", h.a.name, "code", code,
	    "files", (int)files, "minutes", OTP_SECONDS / 60);
	if (api_begin(r) == -1) {
		json_decref(v);
		holder_cleanup(&h);
		return 0;
	}
	/* One live code per holder: a new one replaces the old. */
	if (store_q(r->store, "UPDATE sign_otps SET used_at = ? WHERE "
	    "holder_id = ? AND used_at IS NULL", NULL, NULL, &e,
	    SV_I(now_utc()), SV_I(h.id)) == -1 ||
	    store_q(r->store, "INSERT INTO sign_otps(holder_id, code_hash, "
	    "files, expires_at, created_at) VALUES (?, ?, ?, ?, ?)", NULL, NULL,
	    &e, SV_I(h.id), SV_S(hash), SV_I(files), SV_I(now_utc() +
	    OTP_SECONDS), SV_I(now_utc())) == -1 ||
	    outbox_put(r->store, http_config(r), h.a.email, "sign_totp",
	    strcmp(h.a.lang, "en") == 0, v, &e) == -1 ||
	    api_commit(r, &e) == -1) {
		OPENSSL_cleanse(code, sizeof(code));
		json_decref(v);
		holder_cleanup(&h);
		return r->status ? 0 : api_fail(r, &e);
	}
	OPENSSL_cleanse(code, sizeof(code));
	json_decref(v);
	holder_cleanup(&h);
	http_wake(r);
	return http_json_value(r, 200, json_pack("{s:b, s:s}", "success", 1,
	    "message", r->lang_en ? "The code was sent to the holder's e-mail" :
	    "Kode telah dikirim ke e-mail pemilik sertifikat"));
}

struct otp_row {
	long		 id, files, tries;
	long long	 expires;
	char		 hash[65];
};

static int
otp_cb(void *arg, const struct srow *r)
{
	struct otp_row *o = arg;

	o->id = (long)srow_int(r, 0);
	srow_copy(r, 1, o->hash, sizeof(o->hash));
	o->files = (long)srow_int(r, 2);
	o->tries = (long)srow_int(r, 3);
	o->expires = srow_int(r, 4);
	return 1;
}

/* The code is single use, bound to the holder and the number of files,
 * five minutes, five tries. */
static int
otp_use(struct store *s, struct holder *h, const char *code, long files,
    struct err *e)
{
	struct otp_row o;
	char hash[65];

	memset(&o, 0, sizeof(o));
	if (store_q(s, "SELECT id, code_hash, files, tries, expires_at FROM "
	    "sign_otps WHERE holder_id = ? AND used_at IS NULL ORDER BY id "
	    "DESC LIMIT 1", otp_cb, &o, e, SV_I(h->id)) == -1)
		return -1;
	if (o.id == 0 || o.expires <= now_utc() || o.tries >= OTP_TRIES)
		return err_set(e, ERR_WRONG_PASSPHRASE, "no live TOTP");
	otp_hash(h->id, code, hash);
	if (CRYPTO_memcmp(hash, o.hash, 64) != 0 || o.files != files) {
		if (store_q(s, "UPDATE sign_otps SET tries = tries + 1 WHERE "
		    "id = ?", NULL, NULL, e, SV_I(o.id)) == -1)
			return -1;
		return err_set(e, ERR_WRONG_PASSPHRASE, "wrong TOTP");
	}
	if (store_q(s, "UPDATE sign_otps SET used_at = ? WHERE id = ? AND "
	    "used_at IS NULL", NULL, NULL, e, SV_I(now_utc()), SV_I(o.id)) != 1)
		return err_set(e, ERR_WRONG_PASSPHRASE, "TOTP used");
	return 0;
}

/* ---- one signing request, any API ---- */

struct doc {
	const unsigned char	*pdf;
	size_t			 len;
	struct buf		 raw;		/* decoded base64, if any */
	struct buf		 image;
	struct pdf_sign_opts	 o;
	struct buf		 out;
	struct sign_result	 res;
};

static void
doc_init(struct doc *d, const struct config *c)
{
	memset(d, 0, sizeof(*d));
	buf_init(&d->raw, 64u << 20);
	buf_init(&d->image, PDF_SIGN_IMAGE_MAX_BYTES + 16);
	buf_init(&d->out, 80u << 20);
	if (pdf_level_parse(c->sign_level, &d->o.level) == -1)
		d->o.level = PDF_LEVEL_BLT;
	d->o.max_in = 64u << 20;
	d->res.pdf = &d->out;
}

static void
doc_cleanup(struct doc *d)
{
	buf_cleanup(&d->raw);
	buf_cleanup(&d->image);
	buf_cleanup(&d->out);
}

static int
b64(const char *s, struct buf *out)
{
	size_t n = 0;

	if (s == NULL)
		return -1;
	if (strncmp(s, "data:", 5) == 0 && strstr(s, ";base64,") != NULL)
		s = strstr(s, ";base64,") + 8;
	out->len = 0;
	if (buf_reserve(out, strlen(s) / 4 * 3 + 3) == -1 ||
	    sodium_base642bin(out->data, out->cap, s, strlen(s), "\n\r ", &n,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	out->len = n;
	return 0;
}

/*
 * Opens the holder's key (passphrase, or a TOTP and a warm key), signs
 * every document with it, closes it. On failure answers the request.
 */
static int
sign_all(struct req *r, const char *nik, const char *email, const char *pass,
    const char *totp, struct doc *docs, size_t n, const char *client,
    int native)
{
	struct ra ra;
	struct holder h;
	struct keys_holder_key *k = NULL;
	struct err e = { 0 };
	struct sign_job job;
	size_t i;
	int ret = -1;

	memset(&h, 0, sizeof(h));
	buf_init(&h.wrapped, 16);
	if (find_holder(r, nik, email, &h, &e) != 0 ||
	    holder_signable(r->store, &h, &e) == -1)
		goto fail;
	if (pass != NULL && *pass != '\0') {
		if (holder_open(api_ra(r, &ra), r->store, &h, pass, &k, &e) ==
		    -1)
			goto fail;
	} else if (totp != NULL && *totp != '\0') {
		if (otp_use(r->store, &h, totp, (long)n, &e) == -1)
			goto fail;
		/* A TOTP stands for the passphrase only while the key is
		 * warm (DESIGN §6): the key is never kept unwrapped
		 * without a recent passphrase. */
		if ((k = keys_holder_open_warm(h.id, h.wrapped.data,
		    h.wrapped.len, NULL)) == NULL) {
			err_set(&e, ERR_WRONG_PASSPHRASE, "TOTP but no warm key");
			holder_cleanup(&h);
			return bsre_fail(r, 400, 2031, r->lang_en ? "A TOTP "
			    "signs only within minutes of a signature with "
			    "the passphrase; use the passphrase" : "TOTP hanya "
			    "berlaku beberapa menit setelah penandatanganan "
			    "dengan passphrase; gunakan passphrase");
		}
	} else {
		err_set(&e, ERR_WRONG_PASSPHRASE, "no passphrase");
		goto fail;
	}
	memset(&job, 0, sizeof(job));
	job.client = client;
	job.keep = 1;
	for (i = 0; i < n; i++) {
		job.pdf = docs[i].pdf;
		job.len = docs[i].len;
		job.opts = docs[i].o;
		if (sign_document(http_pki(r), r->store, &h, k, &job,
		    &docs[i].res, &e) == -1)
			goto fail;
	}
	ret = 0;
	goto out;
fail:
	if (native)
		http_error(r, e.code == ERR_CERT_NOT_FOUND ? ERR_NOT_FOUND :
		    e.code, e.detail);
	else
		bsre_err(r, &e, h.status[0] ? h.status : "NOT_REGISTERED");
	http_wake(r);		/* a suspension mails the holder */
out:
	keys_holder_close(k);
	holder_cleanup(&h);
	return ret;
}

/* ---- v1: multipart ---- */

static int
num(const char *s, double *out)
{
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	*out = strtod(s, &end);
	return *end == '\0' && *out > -1e7 && *out < 1e7 ? 0 : -1;
}

int
api_bsre_sign_v1(struct req *r)
{
	struct mp_form *f;
	struct err e = { 0 };
	const struct mp_part *file, *img;
	char nik[32], pass[300], v[64], reason[256], location[256], text[512],
	    qr[1100], anchor[256], *client = NULL;
	const char *tampilan;
	struct doc d;
	double page = 0;
	int ret;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return http_error(r, ERR_INTERNAL, "out of memory");
	if (multipart_parse(http_content_type(r), r->body.data, r->body.len, f,
	    &e) == -1) {
		free(f);
		return bsre_fail(r, 400, 400, r->lang_en ? "The request must be "
		    "multipart/form-data with file, nik and passphrase" :
		    "Permintaan harus multipart/form-data berisi file, nik, "
		    "dan passphrase");
	}
	doc_init(&d, http_config(r));
	file = multipart_get(f, "file");
	if (file == NULL || file->len == 0) {
		ret = bsre_fail(r, 400, 400, r->lang_en ? "file: the PDF is "
		    "missing or empty" : "file: berkas PDF tidak ada atau "
		    "kosong");
		goto out;
	}
	d.pdf = file->data;
	d.len = file->len;
	tampilan = multipart_text(f, "tampilan", v, sizeof(v));
	if (tampilan != NULL && strcasecmp(tampilan, "visible") == 0) {
		double x, y, w, hh;
		if ((multipart_text(f, "page", text, sizeof(text)) == NULL &&
		    multipart_text(f, "halaman", text, sizeof(text)) == NULL) ||
		    num(text, &page) == -1)
			page = 1;
		d.o.vis.page = (int)page;
		if (multipart_text(f, "tag_koordinat", anchor, sizeof(anchor)) !=
		    NULL && anchor[0] != '\0')
			d.o.vis.anchor = anchor;
		if (num(multipart_text(f, "width", text, sizeof(text)), &w) ==
		    -1 || num(multipart_text(f, "height", text, sizeof(text)),
		    &hh) == -1 || (d.o.vis.anchor == NULL && (num(
		    multipart_text(f, "xAxis", text, sizeof(text)), &x) == -1 ||
		    num(multipart_text(f, "yAxis", text, sizeof(text)), &y) ==
		    -1))) {
			ret = bsre_fail(r, 400, 400, r->lang_en ? "A visible "
			    "signature needs xAxis, yAxis, width and height, or "
			    "tag_koordinat with width and height" : "Tanda "
			    "tangan visible memerlukan xAxis, yAxis, width, dan "
			    "height, atau tag_koordinat dengan width dan "
			    "height");
			goto out;
		}
		if (d.o.vis.anchor == NULL) {
			d.o.vis.x = x;
			d.o.vis.y = y;
		}
		d.o.vis.w = w;
		d.o.vis.h = hh;
		if (multipart_text(f, "image", v, sizeof(v)) != NULL &&
		    strcasecmp(v, "true") == 0) {
			if ((img = multipart_get(f, "imageTTD")) == NULL ||
			    img->len == 0) {
				ret = bsre_fail(r, 400, 400, r->lang_en ?
				    "imageTTD: the signature image is missing" :
				    "imageTTD: gambar tanda tangan tidak ada");
				goto out;
			}
			d.o.vis.image = img->data;
			d.o.vis.imagelen = img->len;
		} else if (multipart_text(f, "linkQR", qr, sizeof(qr)) !=
		    NULL && qr[0] != '\0')
			d.o.vis.qr_text = qr;
		if (multipart_text(f, "text", text, sizeof(text)) != NULL &&
		    text[0] != '\0')
			d.o.vis.text = text;
	}
	if (multipart_text(f, "reason", reason, sizeof(reason)) != NULL)
		d.o.reason = reason;
	if (multipart_text(f, "location", location, sizeof(location)) != NULL)
		d.o.location = location;
	if (asprintf(&client, "client:%s", r->who.name) == -1)
		client = NULL;
	if (sign_all(r, multipart_text(f, "nik", nik, sizeof(nik)), NULL,
	    multipart_text(f, "passphrase", pass, sizeof(pass)), NULL, &d, 1,
	    client, 0) == -1) {
		ret = 0;
		goto out;
	}
	r->xh_name = "id_dokumen";
	snprintf(r->xh_value, sizeof(r->xh_value), "%s", d.res.id);
	ret = http_bytes(r, 200, "application/pdf", d.out.data, d.out.len);
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	/* The body held the passphrase too. */
	OPENSSL_cleanse(r->body.data, r->body.len);
	free(client);
	free(f);
	doc_cleanup(&d);
	return ret;
}

int
api_bsre_download(struct req *r)
{
	struct buf out;
	struct err e = { 0 };
	long agency = 0;
	int rc;

	/* A client downloads only its own agency's documents. */
	if (store_q(r->store, "SELECT a.agency_id FROM signatures g JOIN "
	    "holders h ON h.id = g.holder_id JOIN applications a ON a.id = "
	    "h.application_id WHERE g.id = ?", store_row_long, &agency, &e,
	    SV_S(r->cap[0])) == -1)
		return http_error(r, ERR_STORE, e.detail);
	buf_init(&out, 80u << 20);
	rc = agency == 0 || (r->who.agency_id != 0 && agency !=
	    r->who.agency_id) ? 1 : sign_download(r->store, r->cap[0], &out,
	    &e);
	if (rc == 1) {
		buf_cleanup(&out);
		return bsre_fail(r, 404, 404, r->lang_en ? "The document was "
		    "downloaded before" : "Dokumen telah didownload sebelumnya");
	}
	if (rc == -1) {
		buf_cleanup(&out);
		return http_error(r, ERR_STORE, e.detail);
	}
	rc = http_bytes(r, 200, "application/pdf", out.data, out.len);
	buf_cleanup(&out);
	return rc;
}

/* ---- v2: JSON ---- */

static int
jnum(json_t *o, const char *k, double *out)
{
	json_t *v = json_object_get(o, k);

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	return num(json_string_value(v), out);
}

/* One signatureProperties entry into d's options; -1 with a message. */
static const char *
v2_props(json_t *p, struct doc *d, int en)
{
	const char *t = json_string_value(json_object_get(p, "tampilan"));
	double page = 1;

	d->o.reason = json_string_value(json_object_get(p, "reason"));
	d->o.location = json_string_value(json_object_get(p, "location"));
	d->o.contact = json_string_value(json_object_get(p, "contactInfo"));
	d->o.password = json_string_value(json_object_get(p, "pdfPassword"));
	if (t == NULL || strcasecmp(t, "VISIBLE") != 0)
		return NULL;
	if (jnum(p, "page", &page) == -1)
		page = 1;
	d->o.vis.page = (int)page;
	d->o.vis.anchor = json_string_value(json_object_get(p,
	    "tag_koordinat"));
	if (d->o.vis.anchor != NULL && *d->o.vis.anchor == '\0')
		d->o.vis.anchor = NULL;
	if (jnum(p, "width", &d->o.vis.w) == -1 || jnum(p, "height",
	    &d->o.vis.h) == -1 || (d->o.vis.anchor == NULL && (jnum(p,
	    "originX", &d->o.vis.x) == -1 || jnum(p, "originY",
	    &d->o.vis.y) == -1)))
		return en ? "A VISIBLE signature needs originX, originY, width "
		    "and height, or tag_koordinat with width and height" :
		    "Tanda tangan VISIBLE memerlukan originX, originY, width, "
		    "dan height, atau tag_koordinat dengan width dan height";
	if (json_string_value(json_object_get(p, "imageBase64")) != NULL) {
		if (b64(json_string_value(json_object_get(p, "imageBase64")),
		    &d->image) == -1 || d->image.len == 0)
			return en ? "imageBase64 is not base64" :
			    "imageBase64 bukan base64";
		d->o.vis.image = d->image.data;
		d->o.vis.imagelen = d->image.len;
	}
	return NULL;
}

/*
 * The documents of a v2 body: file (a base64 string or an array of 1 to
 * 20) and signatureProperties (none, one for all, or one per file).
 * Answers the request itself when they are wrong (-1, *d NULL).
 */
static int
v2_docs(struct req *r, json_t *j, struct doc **out, size_t *nout)
{
	json_t *files = json_object_get(j, "file");
	json_t *props = json_object_get(j, "signatureProperties");
	struct doc *d;
	const char *msg;
	size_t i, n, np;

	*out = NULL;
	*nout = 0;
	if (json_is_string(files)) {
		json_object_set_new(j, "file", json_pack("[O]", files));
		files = json_object_get(j, "file");
	}
	if (json_is_object(props)) {
		json_object_set_new(j, "signatureProperties", json_pack("[O]",
		    props));
		props = json_object_get(j, "signatureProperties");
	}
	n = json_array_size(files);
	np = json_array_size(props);
	if (n == 0 || n > MAX_FILES || (np > 1 && np != n)) {
		bsre_fail(r, 400, 400, r->lang_en ? "file: 1 to 20 base64 PDFs; "
		    "signatureProperties: one for all files or one per file" :
		    "file: 1 sampai 20 PDF base64; signatureProperties: satu "
		    "untuk semua berkas atau satu per berkas");
		return -1;
	}
	if ((d = calloc(n, sizeof(*d))) == NULL) {
		http_error(r, ERR_INTERNAL, "out of memory");
		return -1;
	}
	*out = d;
	*nout = n;
	for (i = 0; i < n; i++)
		doc_init(&d[i], http_config(r));
	for (i = 0; i < n; i++) {
		if (b64(json_string_value(json_array_get(files, i)),
		    &d[i].raw) == -1 || d[i].raw.len == 0) {
			bsre_fail(r, 400, 400, r->lang_en ? "file: not a base64 "
			    "PDF, or empty" : "file: bukan PDF dalam base64, atau "
			    "kosong");
			return -1;
		}
		d[i].pdf = d[i].raw.data;
		d[i].len = d[i].raw.len;
		if (np > 0 && (msg = v2_props(json_array_get(props, np == 1 ? 0 :
		    i), &d[i], r->lang_en)) != NULL) {
			bsre_fail(r, 400, 400, msg);
			return -1;
		}
	}
	return 0;
}

static void
v2_docs_free(struct doc *d, size_t n)
{
	size_t i;

	for (i = 0; d != NULL && i < n; i++)
		doc_cleanup(&d[i]);
	free(d);
}

/* {time: ms since t0, file: [base64 of each signed document]}. */
static int
v2_answer(struct req *r, const struct timespec *t0, struct doc *d, size_t n)
{
	struct timespec t1;
	json_t *out = json_array();
	char *enc;
	size_t i, cap;

	for (i = 0; i < n && out != NULL; i++) {
		cap = sodium_base64_ENCODED_LEN(d[i].out.len,
		    sodium_base64_VARIANT_ORIGINAL);
		if ((enc = malloc(cap)) == NULL) {
			json_decref(out);
			return http_error(r, ERR_INTERNAL, "out of memory");
		}
		sodium_bin2base64(enc, cap, d[i].out.data, d[i].out.len,
		    sodium_base64_VARIANT_ORIGINAL);
		json_array_append_new(out, json_string(enc));
		free(enc);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return http_json_value(r, 200, json_pack("{s:I, s:o}", "time",
	    (json_int_t)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec -
	    t0->tv_nsec) / 1000000), "file", out));
}

int
api_bsre_sign_v2(struct req *r)
{
	struct timespec t0;
	struct doc *d = NULL;
	const char *pass = NULL;
	char *client = NULL;
	size_t n = 0;
	json_t *j;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((j = http_json_body(r)) == NULL)
		return 0;
	if (v2_docs(r, j, &d, &n) == -1)
		goto out;
	if (asprintf(&client, "client:%s", r->who.name) == -1)
		client = NULL;
	pass = api_str(j, "passphrase");
	if (sign_all(r, api_str(j, "nik"), api_str(j, "email"), pass,
	    api_str(j, "totp"), d, n, client, 0) == -1)
		goto out;
	ret = v2_answer(r, &t0, d, n);
out:
	if (pass != NULL)
		OPENSSL_cleanse((char *)pass, strlen(pass));
	OPENSSL_cleanse(r->body.data, r->body.len);
	json_decref(j);
	v2_docs_free(d, n);
	free(client);
	return ret;
}

int
api_bsre_chain(struct req *r)
{
	struct holder h;
	struct cert_rec c;
	struct err e = { 0 };
	const char *id = r->cap[0];
	json_t *data = json_array();
	X509 *x[2];
	char *enc;
	size_t k, cap;
	int rc;

	memset(&h, 0, sizeof(h));
	buf_init(&h.wrapped, 16);
	/* NIK, e-mail, or the holder's application id. */
	rc = strchr(id, '@') != NULL ? find_holder(r, NULL, id, &h, &e) :
	    strspn(id, "0123456789") == strlen(id) && strlen(id) == 16 ?
	    find_holder(r, id, NULL, &h, &e) : 1;
	if (rc == 1 && strncmp(id, "APP-", 4) == 0) {
		struct app a;
		if (ra_get(r->store, &r->who, id, &a, &e) == 0)
			rc = holder_find(r->store, NULL, NULL, a.id, &h, &e);
	}
	cert_rec_init(&c);
	if (rc != 0 || h.serial[0] == '\0' || r->store->ops->cert_get(r->store,
	    h.serial, &c, &e) != 0) {
		holder_cleanup(&h);
		cert_rec_cleanup(&c);
		json_decref(data);
		return bsre_fail(r, 404, 2011, r->lang_en ? "User is not "
		    "registered" : "User belum terdaftar");
	}
	x[0] = http_pki(r)->issuing;
	x[1] = http_pki(r)->root;
	for (k = 0; k < 3; k++) {
		unsigned char *der = NULL;
		int n = k == 0 ? (int)c.der.len : i2d_X509(x[k - 1], &der);
		const unsigned char *p = k == 0 ? c.der.data : der;
		cap = sodium_base64_ENCODED_LEN((size_t)n,
		    sodium_base64_VARIANT_ORIGINAL);
		if (n > 0 && (enc = malloc(cap)) != NULL) {
			sodium_bin2base64(enc, cap, p, (size_t)n,
			    sodium_base64_VARIANT_ORIGINAL);
			json_array_append_new(data, json_string(enc));
			free(enc);
		}
		OPENSSL_free(der);
	}
	holder_cleanup(&h);
	cert_rec_cleanup(&c);
	return http_json_value(r, 200, json_pack("{s:b, s:o}", "success", 1,
	    "data", data));
}

/* ---- native ---- */

/*
 * {nik or email, passphrase, file: base64 PDF, level, reason, location,
 * visible: {page, x, y, width, height, anchor, image: base64, qr, text}}
 * -> 201 {id, sha256, level, signed_at, verify_url, file: base64}.
 */
static int
sign_native(struct req *r, int holder)
{
	json_t *j, *vis;
	struct doc d;
	const char *pass, *lvl;
	char *client = NULL, *enc = NULL, url[300];
	size_t cap;
	int ret = 0;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	doc_init(&d, http_config(r));
	pass = api_str(j, "passphrase");
	if (b64(api_str(j, "file"), &d.raw) == -1 || d.raw.len == 0) {
		r->err_field = "file";
		ret = http_error(r, ERR_VALIDATION, NULL);
		goto out;
	}
	d.pdf = d.raw.data;
	d.len = d.raw.len;
	if ((lvl = api_str(j, "level")) != NULL && pdf_level_parse(lvl,
	    &d.o.level) == -1) {
		r->err_field = "level";
		ret = http_error(r, ERR_VALIDATION, NULL);
		goto out;
	}
	d.o.reason = api_str(j, "reason");
	d.o.location = api_str(j, "location");
	d.o.contact = api_str(j, "contact");
	d.o.password = api_str(j, "pdf_password");
	if (json_is_object(vis = json_object_get(j, "visible"))) {
		double page = 1;
		if (jnum(vis, "page", &page) == -1)
			page = 1;
		d.o.vis.page = (int)page;
		d.o.vis.anchor = api_str(vis, "anchor");
		d.o.vis.qr_text = api_str(vis, "qr");
		d.o.vis.text = api_str(vis, "text");
		if (jnum(vis, "width", &d.o.vis.w) == -1 || jnum(vis, "height",
		    &d.o.vis.h) == -1 || (d.o.vis.anchor == NULL && (jnum(vis,
		    "x", &d.o.vis.x) == -1 || jnum(vis, "y", &d.o.vis.y) ==
		    -1))) {
			r->err_field = "visible";
			ret = http_error(r, ERR_VALIDATION, NULL);
			goto out;
		}
		if (api_str(vis, "image") != NULL) {
			if (b64(api_str(vis, "image"), &d.image) == -1) {
				r->err_field = "visible.image";
				ret = http_error(r, ERR_PDF_BAD_IMAGE, NULL);
				goto out;
			}
			d.o.vis.image = d.image.data;
			d.o.vis.imagelen = d.image.len;
		}
	}
	if (asprintf(&client, holder ? "holder" : "client:%s", r->who.name) ==
	    -1)
		client = NULL;
	if (sign_all(r, api_str(j, "nik"), api_str(j, "email"), pass, NULL, &d,
	    1, client, 1) == -1)
		goto out;
	cap = sodium_base64_ENCODED_LEN(d.out.len,
	    sodium_base64_VARIANT_ORIGINAL);
	if ((enc = malloc(cap)) == NULL) {
		ret = http_error(r, ERR_INTERNAL, "out of memory");
		goto out;
	}
	sodium_bin2base64(enc, cap, d.out.data, d.out.len,
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(url, sizeof(url), "%s/v/%s", http_config(r)->base_url,
	    d.res.id);
	ret = http_json_value(r, 201, json_pack("{s:s, s:s, s:s, s:I, s:s, "
	    "s:s}", "id", d.res.id, "sha256", d.res.sha256, "level",
	    pdf_level_name(d.o.level), "signed_at", (json_int_t)d.res.signed_at,
	    "verify_url", url, "file", enc));
out:
	if (pass != NULL)
		OPENSSL_cleanse((char *)pass, strlen(pass));
	OPENSSL_cleanse(r->body.data, r->body.len);
	free(enc);
	free(client);
	json_decref(j);
	doc_cleanup(&d);
	return ret;
}

int
api_sign(struct req *r)
{
	return sign_native(r, 0);
}

/* The holder himself, from the portal: the passphrase is his proof, and
 * no agency application stands between (any agency's holder). */
int
api_holder_sign(struct req *r)
{
	return sign_native(r, 1);
}

/* ---- verification: v1, v2, native ---- */

/* The signer's status from this instance's own CA, by serial. */
static int
status_cb(void *arg, X509 *cert, X509 *issuer, time_t at, int *revoked,
    time_t *revoked_at, int *reason)
{
	struct req *r = arg;
	struct cert_rec c;
	struct err e = { 0 };
	char hex[SERIAL_HEX_MAX];
	BIGNUM *bn;
	char *s;
	int ret = -1;

	(void)at;
	if (X509_cmp(issuer, http_pki(r)->issuing) != 0 ||
	    (bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), NULL)) ==
	    NULL)
		return -1;
	s = BN_bn2hex(bn);
	BN_free(bn);
	if (s == NULL || strlen(s) >= sizeof(hex)) {
		OPENSSL_free(s);
		return -1;
	}
	snprintf(hex, sizeof(hex), "%s", s);
	OPENSSL_free(s);
	cert_rec_init(&c);
	if (r->store->ops->cert_get(r->store, hex, &c, &e) == 0) {
		*revoked = c.revoked;
		*revoked_at = c.revoked_at;
		*reason = c.reason;
		ret = 0;
	}
	cert_rec_cleanup(&c);
	return ret;
}

static struct pdf_report *
verify(struct req *r, const unsigned char *pdf, size_t len,
    const char *password, struct err *e)
{
	struct pdf_verify_opts o;
	struct pdf_report *rep = NULL;
	X509_STORE *st = X509_STORE_new();

	memset(&o, 0, sizeof(o));
	if (st == NULL || X509_STORE_add_cert(st, http_pki(r)->root) != 1) {
		X509_STORE_free(st);
		err_set(e, ERR_INTERNAL, "trust store");
		return NULL;
	}
	o.trust = st;
	o.password = password;
	o.now = now_utc();
	o.status = status_cb;
	o.status_arg = r;
	if (pdf_verify(pdf, len, &o, &rep, e) == -1)
		rep = NULL;
	X509_STORE_free(st);
	return rep;
}

int
api_bsre_verify_v1(struct req *r)
{
	struct mp_form *f;
	struct err e = { 0 };
	const struct mp_part *p;
	struct pdf_report *rep;
	int ret;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return http_error(r, ERR_INTERNAL, "out of memory");
	if (multipart_parse(http_content_type(r), r->body.data, r->body.len, f,
	    &e) == -1 || (p = multipart_get(f, "signed_file")) == NULL ||
	    p->len == 0) {
		free(f);
		return bsre_fail(r, 400, 400, r->lang_en ? "signed_file: the PDF "
		    "is missing or empty" : "signed_file: berkas PDF tidak ada "
		    "atau kosong");
	}
	if ((rep = verify(r, p->data, p->len, NULL, &e)) == NULL) {
		free(f);
		return bsre_err(r, &e, "");
	}
	pdf_report_set_name(rep, p->filename[0] != '\0' ? p->filename :
	    "dokumen.pdf");
	free(f);
	ret = http_json_value(r, 200, pdf_report_bsre_v1(rep));
	pdf_report_free(rep);
	return ret;
}

int
api_bsre_verify_v2(struct req *r)
{
	struct err e = { 0 };
	struct pdf_report *rep;
	struct buf pdf;
	json_t *j;
	int ret;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	buf_init(&pdf, 64u << 20);
	if (b64(api_str(j, "file"), &pdf) == -1 || pdf.len == 0) {
		json_decref(j);
		buf_cleanup(&pdf);
		return bsre_fail(r, 400, 400, r->lang_en ? "file: not a base64 "
		    "PDF, or empty" : "file: bukan PDF dalam base64, atau "
		    "kosong");
	}
	rep = verify(r, pdf.data, pdf.len, api_str(j, "password"), &e);
	json_decref(j);
	buf_cleanup(&pdf);
	if (rep == NULL)
		return bsre_err(r, &e, "");
	ret = http_json_value(r, 200, pdf_report_bsre_v2(rep));
	pdf_report_free(rep);
	return ret;
}

/* Native: the PDF as the body (application/pdf) or {file: base64}. */
int
api_verify(struct req *r)
{
	struct err e = { 0 };
	struct pdf_report *rep;
	struct buf pdf;
	const char *ct = http_content_type(r);
	json_t *j = NULL;
	int ret;

	buf_init(&pdf, 64u << 20);
	if (ct != NULL && strncasecmp(ct, "application/pdf", 15) == 0) {
		if (buf_add(&pdf, r->body.data, r->body.len) == -1) {
			buf_cleanup(&pdf);
			return http_error(r, ERR_PDF_TOO_LARGE, NULL);
		}
	} else {
		if ((j = http_json_body(r)) == NULL) {
			buf_cleanup(&pdf);
			return 0;
		}
		if (b64(api_str(j, "file"), &pdf) == -1) {
			json_decref(j);
			buf_cleanup(&pdf);
			r->err_field = "file";
			return http_error(r, ERR_VALIDATION, NULL);
		}
	}
	if (pdf.len == 0) {
		json_decref(j);
		buf_cleanup(&pdf);
		return http_error(r, ERR_PDF_INVALID, "empty");
	}
	rep = verify(r, pdf.data, pdf.len, api_str(j, "password"), &e);
	json_decref(j);
	buf_cleanup(&pdf);
	if (rep == NULL)
		return http_error(r, e.code, e.detail);
	ret = http_json_value(r, 200, pdf_report_json(rep));
	pdf_report_free(rep);
	return ret;
}

/* ---- the public page of a signature: the QR code's target ---- */

static void
html_esc(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': buf_addstr(b, "&amp;"); break;
		case '<': buf_addstr(b, "&lt;"); break;
		case '>': buf_addstr(b, "&gt;"); break;
		case '"': buf_addstr(b, "&quot;"); break;
		case '\'': buf_addstr(b, "&#39;"); break;
		default: buf_add(b, s, 1);
		}
}

int
api_public_signature(struct req *r)
{
	struct sign_record x;
	struct cert_rec c;
	struct err e = { 0 };
	struct buf page;
	const char *acc = http_header(r, "Accept"), *status;
	char when[40], cw[40];
	int rc, en = r->lang_en;

	if ((rc = sign_record_get(r->store, r->cap[0], &x, &e)) != 0)
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	cert_rec_init(&c);
	status = r->store->ops->cert_get(r->store, x.serial, &c, &e) != 0 ?
	    "unknown" : c.revoked ? "revoked" : c.not_after <= now_utc() ?
	    "expired" : "valid";
	if (c.revoked)
		fmt_time_iso(c.revoked_at, cw, sizeof(cw));
	cert_rec_cleanup(&c);
	fmt_time_iso((time_t)x.signed_at, when, sizeof(when));
	if (acc != NULL && strstr(acc, "application/json") != NULL) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", x.id, "sha256", x.sha256, "signer", x.signer_name,
		    "agency", x.agency, "signed_at", when, "level", x.level,
		    "certificate_serial", x.serial);
		json_object_set_new(j, "certificate_status", json_string(status));
		if (strcmp(status, "revoked") == 0)
			json_object_set_new(j, "revoked_at", json_string(cw));
		return http_json_value(r, 200, j);
	}
	buf_init(&page, 1 << 16);
	buf_addstr(&page, en ? "<!doctype html><html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width="
	    "device-width, initial-scale=1\"><title>Signed document</title>"
	    "<link rel=\"stylesheet\" href=\"/static/site.css\"></head><body>"
	    "<main><h1>Signed document</h1><dl>" : "<!doctype html><html "
	    "lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\"><title>Dokumen "
	    "bertanda tangan</title><link rel=\"stylesheet\" href=\"/static/"
	    "site.css\"></head><body><main><h1>Dokumen bertanda tangan "
	    "elektronik</h1><dl>");
	buf_addstr(&page, en ? "<dt>Signed by</dt><dd>" : "<dt>Ditandatangani "
	    "oleh</dt><dd>");
	html_esc(&page, x.signer_name);
	buf_addstr(&page, "</dd><dt>");
	buf_addstr(&page, en ? "Agency" : "Instansi");
	buf_addstr(&page, "</dt><dd>");
	html_esc(&page, x.agency);
	buf_addstr(&page, en ? "</dd><dt>Signed at (UTC)</dt><dd>" :
	    "</dd><dt>Waktu (UTC)</dt><dd>");
	html_esc(&page, when);
	buf_addstr(&page, "</dd><dt>SHA-256</dt><dd><code>");
	html_esc(&page, x.sha256);
	buf_addstr(&page, en ? "</code></dd><dt>Certificate</dt><dd>" :
	    "</code></dd><dt>Sertifikat</dt><dd>");
	html_esc(&page, x.serial);
	buf_addstr(&page, " (");
	html_esc(&page, status);
	buf_addstr(&page, en ? ")</dd></dl><p>The document itself is not kept "
	    "here. A copy whose SHA-256 is the one above is the document that "
	    "was signed.</p></main></body></html>" : ")</dd></dl><p>Dokumen "
	    "tidak disimpan di sini. Salinan dengan SHA-256 di atas adalah "
	    "dokumen yang ditandatangani.</p></main></body></html>");
	rc = http_bytes(r, 200, "text/html; charset=utf-8", page.data,
	    page.len);
	buf_cleanup(&page);
	return rc;
}

/* ---- the agency seal (seal.c) ---- */

/* An operator creates the agency's seal; it starts INACTIVE. */
int
api_seal_create(struct req *r)
{
	struct agency ag;
	struct seal x;
	struct err e = { 0 };
	int rc;

	if ((rc = agency_get(r->store, r->cap[0], &ag, &e)) != 0)
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	rc = seal_create(http_pki(r), r->store, r->who.name, &ag, &x, &e);
	seal_cleanup(&x);
	if (rc == -1)
		return http_error(r, e.code, e.detail);
	return http_json_value(r, 201, json_pack("{s:s, s:s, s:s, s:s}",
	    "idSubscriber", x.id, "agency", ag.code, "status", x.status,
	    "serial", x.serial));
}

int
api_seal_get(struct req *r)
{
	struct agency ag;
	struct seal x;
	struct err e = { 0 };
	int rc;

	if ((rc = agency_get(r->store, r->cap[0], &ag, &e)) != 0 ||
	    (r->who.agency_id != 0 && r->who.agency_id != ag.id))
		return http_error(r, rc == -1 ? ERR_STORE : ERR_NOT_FOUND,
		    e.detail);
	rc = seal_get(r->store, NULL, ag.id, &x, &e);
	seal_cleanup(&x);
	if (rc != 0)
		return http_error(r, rc == 1 ? ERR_NOT_FOUND : ERR_STORE,
		    e.detail);
	return http_json_value(r, 200, json_pack("{s:s, s:s, s:s, s:s}",
	    "idSubscriber", x.id, "agency", ag.code, "status", x.status,
	    "serial", x.serial));
}

/* The client's agency's seal named in the body. */
static int
seal_of(struct req *r, json_t *j, struct seal *x)
{
	struct err e = { 0 };
	const char *id = api_str(j, "idSubscriber");
	int rc;

	memset(x, 0, sizeof(*x));
	buf_init(&x->wrapped, 16);
	if (id == NULL || (rc = seal_get(r->store, id, r->who.agency_id, x,
	    &e)) == 1 || strcmp(x->status, "REVOKED") == 0) {
		bsre_fail(r, 404, 404, r->lang_en ? "idSubscriber: no seal of "
		    "this agency" : "idSubscriber: segel instansi ini tidak "
		    "ditemukan");
		return -1;
	}
	if (rc == -1) {
		http_error(r, ERR_STORE, e.detail);
		return -1;
	}
	return 0;
}

/* Without totp: the activation code goes to the agency's verifiers.
 * With it: the seal is ACTIVE. */
int
api_seal_activation(struct req *r)
{
	struct ra ra;
	struct seal x;
	struct err e = { 0 };
	json_t *j;
	int ret;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	if (seal_of(r, j, &x) == -1) {
		json_decref(j);
		seal_cleanup(&x);
		return 0;
	}
	if (api_str(j, "totp") == NULL) {
		ret = seal_send_code(api_ra(r, &ra), r->store, &x, "activate", 1,
		    &e);
		json_decref(j);
		seal_cleanup(&x);
		if (ret == -1)
			return e.code == ERR_WRONG_STATE ? bsre_fail(r, 409, 409,
			    r->lang_en ? "The agency has no verifier to receive "
			    "the code" : "Instansi belum memiliki verifikator "
			    "penerima kode") : http_error(r, e.code, e.detail);
		http_wake(r);
		return http_json_value(r, 200, json_pack("{s:b, s:s, s:s}",
		    "success", 1, "status", x.status, "message", r->lang_en ?
		    "The activation code was sent to the agency's verifiers" :
		    "Kode aktivasi telah dikirim ke verifikator instansi"));
	}
	ret = seal_use_code(r->store, &x, "activate", api_str(j, "totp"), 0,
	    &e) == -1 || seal_set_status(http_pki(r), r->store, r->who.name,
	    &x, "ACTIVE", &e) == -1 ? -1 : 0;
	json_decref(j);
	seal_cleanup(&x);
	if (ret == -1)
		return e.code == ERR_WRONG_PASSPHRASE ? bsre_fail(r, 400, 2031,
		    r->lang_en ? "The code is wrong or expired" : "Kode salah "
		    "atau kedaluwarsa") : http_error(r, e.code, e.detail);
	return http_json_value(r, 200, json_pack("{s:b, s:s}", "success", 1,
	    "status", "ACTIVE"));
}

int
api_seal_deactivate(struct req *r)
{
	struct seal x;
	struct err e = { 0 };
	json_t *j;
	int rc;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	rc = seal_of(r, j, &x);
	json_decref(j);
	if (rc == -1) {
		seal_cleanup(&x);
		return 0;
	}
	rc = seal_set_status(http_pki(r), r->store, r->who.name, &x,
	    "INACTIVE", &e);
	seal_cleanup(&x);
	if (rc == -1)
		return http_error(r, e.code, e.detail);
	return http_json_value(r, 200, json_pack("{s:b, s:s}", "success", 1,
	    "status", "INACTIVE"));
}

int
api_seal_totp(struct req *r)
{
	struct ra ra;
	struct seal x;
	struct err e = { 0 };
	json_t *j;
	double files = 1;
	int rc;

	if ((j = http_json_body(r)) == NULL)
		return 0;
	if (jnum(j, "data", &files) == -1)
		files = 1;
	rc = seal_of(r, j, &x);
	json_decref(j);
	if (rc == -1) {
		seal_cleanup(&x);
		return 0;
	}
	if (strcmp(x.status, "ACTIVE") != 0 || files < 1 || files > MAX_FILES) {
		seal_cleanup(&x);
		return bsre_fail(r, 400, 400, files < 1 || files > MAX_FILES ?
		    (r->lang_en ? "data: the number of files, 1 to 20" :
		    "data: jumlah berkas, 1 sampai 20") : r->lang_en ?
		    "The seal is not active" : "Segel belum diaktifkan");
	}
	rc = seal_send_code(api_ra(r, &ra), r->store, &x, "seal", (long)files,
	    &e);
	seal_cleanup(&x);
	if (rc == -1)
		return http_error(r, e.code, e.detail);
	http_wake(r);
	return http_json_value(r, 200, json_pack("{s:b, s:s}", "success", 1,
	    "message", r->lang_en ? "The code was sent to the agency's "
	    "verifiers" : "Kode telah dikirim ke verifikator instansi"));
}

int
api_seal_pdf(struct req *r)
{
	struct timespec t0;
	struct seal x;
	struct err e = { 0 };
	struct keys_holder_key *k = NULL;
	struct cert_rec c;
	struct pdf_report *rep;
	json_t *j, *nat;
	struct doc *d = NULL;
	char detail[300], hex[65];
	unsigned char md[32];
	const unsigned char *q;
	X509 *cert = NULL;
	size_t i, n = 0;
	int ret = 0, sealed;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	cert_rec_init(&c);
	memset(&x, 0, sizeof(x));
	buf_init(&x.wrapped, 16);
	if ((j = http_json_body(r)) == NULL || seal_of(r, j, &x) == -1)
		goto out;
	if (strcmp(x.status, "ACTIVE") != 0) {
		ret = bsre_fail(r, 400, 400, r->lang_en ? "The seal is not "
		    "active" : "Segel belum diaktifkan");
		goto out;
	}
	if (v2_docs(r, j, &d, &n) == -1)
		goto out;
	/* At most one seal per document. */
	for (i = 0; i < n; i++) {
		if ((rep = verify(r, d[i].pdf, d[i].len, d[i].o.password,
		    &e)) == NULL) {
			ret = bsre_err(r, &e, "");
			goto out;
		}
		nat = pdf_report_json(rep);
		sealed = seal_present(nat);
		json_decref(nat);
		pdf_report_free(rep);
		if (sealed) {
			ret = bsre_fail(r, 400, 400, r->lang_en ? "The document "
			    "already carries an electronic seal" : "Dokumen "
			    "sudah memiliki segel elektronik");
			goto out;
		}
	}
	if (seal_use_code(r->store, &x, "seal", api_str(j, "totp"), (long)n,
	    &e) == -1) {
		ret = bsre_fail(r, 400, 2031, r->lang_en ? "The code is wrong or "
		    "expired" : "Kode salah atau kedaluwarsa");
		goto out;
	}
	if (r->store->ops->cert_get(r->store, x.serial, &c, &e) != 0 ||
	    (q = c.der.data, cert = d2i_X509(NULL, &q, (long)c.der.len)) ==
	    NULL || (k = seal_open(http_pki(r), &x, &e)) == NULL) {
		ret = http_error(r, e.code != ERR_OK ? e.code : ERR_INTERNAL,
		    e.detail);
		goto out;
	}
	for (i = 0; i < n; i++) {
		d[i].o.name = SEAL_OU;
		if (sign_pdf(http_pki(r), r->store, cert, k, d[i].pdf, d[i].len,
		    &d[i].o, &d[i].out, &e) == -1) {
			ret = bsre_err(r, &e, "");
			goto out;
		}
		SHA256(d[i].out.data, d[i].out.len, md);
		hex_encode(md, sizeof(md), hex, sizeof(hex));
		snprintf(detail, sizeof(detail), "{\"seal\":\"%s\",\"sha256\":"
		    "\"%s\",\"level\":\"%s\",\"client\":\"%.80s\"}", x.id, hex,
		    pdf_level_name(d[i].o.level), r->who.name);
		if (audit_append(r->store, http_pki(r)->audit_key, r->who.name,
		    "document.seal", x.id, detail, &e) == -1) {
			ret = http_error(r, ERR_STORE, e.detail);
			goto out;
		}
	}
	ret = v2_answer(r, &t0, d, n);
out:
	keys_holder_close(k);
	X509_free(cert);
	cert_rec_cleanup(&c);
	seal_cleanup(&x);
	json_decref(j);
	v2_docs_free(d, n);
	return ret;
}
