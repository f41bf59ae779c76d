/*
 * pdfsign_tool.c - a test driver for pdf_sign: makes small PDFs, signs
 * them with a key and certificates from PEM files, and asks external
 * commands for time-stamp tokens and revocation data, so that the
 * end-to-end script can judge the results with openssl, qpdf and
 * poppler. Not part of the service: the key is in this process.
 *
 *   pdfsign_tool gen OUT [--pages N] [--rotate R] [--form] [--media WxH]
 *   pdfsign_tool sign IN OUT --key K --cert C [--chain F] [--level L]
 *	[--ts-cmd CMD] [--rev-cmd CMD] [--page N --rect x,y,w,h]
 *	[--image F] [--qr TEXT] [--text T] [--anchor A] [--password P]
 *	[--name S] [--reason S] [--location S] [--contact S] [--when T]
 *	[--max-in N]
 *   pdfsign_tool qr TEXT          print libqrencode's module matrix
 *   pdfsign_tool img OUT.png|OUT.jpg W H
 *	a test "handwritten" stroke: PNG with alpha, or JPEG on white
 *
 * --ts-cmd CMD is run as "CMD DATAFILE TOKENFILE" and must write a DER
 * TimeStampToken over DATAFILE's SHA-256; --rev-cmd CMD is run as
 * "CMD CERT.pem ISSUER.pem OCSPFILE CRLFILE" and writes DER (or leaves a
 * file empty). On failure sign prints "error <code name>: <detail>" and
 * exits 1.
 */
#include <dirent.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <qrencode.h>

#include "pdf_sign.h"

extern char **environ;

#define FILE_MAX	(256u << 20)

struct tool {
	EVP_PKEY	*key;
	X509		*cert;
	const char	*ts_cmd;
	const char	*rev_cmd;
	char		 tmp[64];
	int		 seq;
};

static void
die(const char *msg)
{
	fprintf(stderr, "pdfsign_tool: %s\n", msg);
	exit(2);
}

static int
run(char *const argv[])
{
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Empties and removes the temporary directory (what the commands left
 * behind after a failure too). */
static void
tmp_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && snprintf(p, sizeof(p), "%s/%s",
		    dir, de->d_name) < (int)sizeof(p))
			unlink(p);
	closedir(d);
	rmdir(dir);
}

static int
tmpname(struct tool *t, char *out, size_t outsz, const char *ext)
{
	int n = snprintf(out, outsz, "%s/%d.%s", t->tmp, t->seq++, ext);

	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* Appends a file to b (the engine's buffers arrive empty, and
 * file_read would start a new one). */
static int
append_file(const char *path, struct buf *b)
{
	struct buf f;
	int r;

	if (file_read(path, &f, 1u << 20) == -1)
		return -1;
	r = buf_add(b, f.data, f.len);
	buf_cleanup(&f);
	return r;
}

static int
cb_sign(void *arg, const unsigned char *data, size_t len, struct buf *sig,
    struct err *e)
{
	struct tool *t = arg;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	size_t n = 0;
	int ret = -1;

	if (m == NULL || EVP_DigestSignInit(m, NULL, pdf_sign_md(t->cert),
	    NULL, t->key) != 1 || EVP_DigestSign(m, NULL, &n, data,
	    len) != 1 || buf_reserve(sig, n) == -1 ||
	    EVP_DigestSign(m, sig->data + sig->len, &n, data, len) != 1) {
		err_ssl(e, ERR_KEYS, "sign");
		goto out;
	}
	sig->len += n;
	ret = 0;
out:
	EVP_MD_CTX_free(m);
	return ret;
}

static int
cb_timestamp(void *arg, const unsigned char *data, size_t len,
    struct buf *token, struct err *e)
{
	struct tool *t = arg;
	char in[128], out[128];
	char *argv[4];

	if (tmpname(t, in, sizeof(in), "dat") == -1 ||
	    tmpname(t, out, sizeof(out), "tst") == -1 ||
	    file_write(in, data, len, 0600) == -1)
		return err_set(e, ERR_UNAVAILABLE, "temporary files");
	argv[0] = (char *)t->ts_cmd;
	argv[1] = in;
	argv[2] = out;
	argv[3] = NULL;
	if (run(argv) == -1 || append_file(out, token) == -1)
		return err_set(e, ERR_UNAVAILABLE, "the TSA command failed");
	unlink(in);
	unlink(out);
	return 0;
}

static int
write_pem(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL)
		return -1;
	ok = PEM_write_X509(f, x);
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int
cb_revocation(void *arg, X509 *cert, X509 *issuer, struct buf *ocsp,
    struct buf *crl, struct err *e)
{
	struct tool *t = arg;
	char c[128], i[128], o[128], r[128];
	char *argv[6];

	if (tmpname(t, c, sizeof(c), "pem") == -1 ||
	    tmpname(t, i, sizeof(i), "pem") == -1 ||
	    tmpname(t, o, sizeof(o), "ocsp") == -1 ||
	    tmpname(t, r, sizeof(r), "crl") == -1 ||
	    write_pem(c, cert) == -1 || write_pem(i, issuer) == -1)
		return err_set(e, ERR_UNAVAILABLE, "temporary files");
	argv[0] = (char *)t->rev_cmd;
	argv[1] = c;
	argv[2] = i;
	argv[3] = o;
	argv[4] = r;
	argv[5] = NULL;
	if (run(argv) == -1)
		return err_set(e, ERR_UNAVAILABLE, "the revocation command "
		    "failed");
	if (access(o, R_OK) == 0 && append_file(o, ocsp) == -1)
		return err_set(e, ERR_UNAVAILABLE, "reading %s", o);
	if (access(r, R_OK) == 0 && append_file(r, crl) == -1)
		return err_set(e, ERR_UNAVAILABLE, "reading %s", r);
	unlink(c);
	unlink(i);
	unlink(o);
	unlink(r);
	return 0;
}

/* ---- gen: a minimal PDF with Helvetica text ---- */

static void
gen(const char *path, int pages, int rotate, int form, double mw,
    double mh)
{
	struct buf b;
	size_t *off;
	int nobj, i, k, font, annot = 0, field = 0;
	char content[512], w[32], h[32];

	/* 1 catalog, 2 pages, 3.. page + content pairs, font, form field */
	font = 3 + 2 * pages;
	nobj = font + (form ? 1 : 0);
	if (form) {
		annot = font + 1;
		field = annot;
	}
	if ((off = calloc((size_t)nobj + 1, sizeof(*off))) == NULL)
		die("memory");
	buf_init(&b, 1u << 24);
	snprintf(w, sizeof(w), "%g", mw);
	snprintf(h, sizeof(h), "%g", mh);
	buf_addstr(&b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	off[1] = b.len;
	buf_printf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R");
	if (form)
		buf_printf(&b, " /AcroForm << /Fields [%d 0 R] /DA (/Helv 0 "
		    "Tf 0 g) /DR << /Font << /Helv %d 0 R >> >> >>", field, font);
	buf_printf(&b, " >>\nendobj\n");
	off[2] = b.len;
	buf_printf(&b, "2 0 obj\n<< /Type /Pages /Count %d /Kids [", pages);
	for (i = 0; i < pages; i++)
		buf_printf(&b, "%d 0 R ", 3 + 2 * i);
	buf_printf(&b, "] >>\nendobj\n");
	for (i = 0; i < pages; i++) {
		k = 3 + 2 * i;
		off[k] = b.len;
		buf_printf(&b, "%d 0 obj\n<< /Type /Page /Parent 2 0 R "
		    "/MediaBox [0 0 %s %s] /Rotate %d /Resources << /Font << "
		    "/F1 %d 0 R >> >> /Contents %d 0 R", k, w, h, rotate, font,
		    k + 1);
		if (form && i == 0)
			buf_printf(&b, " /Annots [%d 0 R]", annot);
		buf_printf(&b, " >>\nendobj\n");
		snprintf(content, sizeof(content), "BT /F1 14 Tf 72 %g Td "
		    "(Page %d of a sertel test document.) Tj 0 -24 Td "
		    "(Sign here: ${ttd}) Tj 0 -24 Td (Pangram: The quick brown "
		    "fox jumps over the lazy dog.) Tj ET", mh - 100, i + 1);
		off[k + 1] = b.len;
		buf_printf(&b, "%d 0 obj\n<< /Length %zu >>\nstream\n%s\n"
		    "endstream\nendobj\n", k + 1, strlen(content), content);
	}
	off[font] = b.len;
	buf_printf(&b, "%d 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont "
	    "/Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n", font);
	if (form) {
		off[annot] = b.len;
		buf_printf(&b, "%d 0 obj\n<< /Type /Annot /Subtype /Widget /FT "
		    "/Tx /T (name) /V (Budi) /Rect [72 100 272 120] /F 4 /P 3 0 "
		    "R /DA (/Helv 12 Tf 0 g) >>\nendobj\n", annot);
	}
	k = (int)b.len;
	buf_printf(&b, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
	for (i = 1; i <= nobj; i++)
		buf_printf(&b, "%010zu 00000 n \n", off[i]);
	buf_printf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n"
	    "%%%%EOF\n", nobj + 1, k);
	if (file_write(path, b.data, b.len, 0644) == -1)
		die("cannot write the PDF");
	buf_cleanup(&b);
	free(off);
}

/* ---- sign ---- */

static X509 *
load_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	if (f == NULL)
		die("cannot open a certificate");
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		die("bad certificate PEM");
	return x;
}

static STACK_OF(X509) *
load_chain(const char *path)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	FILE *f;
	X509 *x;

	if (sk == NULL)
		die("memory");
	if (path == NULL)
		return sk;
	if ((f = fopen(path, "r")) == NULL)
		die("cannot open the chain");
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		sk_X509_push(sk, x);
	ERR_clear_error();
	fclose(f);
	return sk;
}

static int
sign(int argc, char **argv)
{
	struct pdf_sign_opts o;
	struct pdf_signer s;
	struct tool t;
	struct buf in, out, img;
	struct err e = { 0 };
	const char *keyp = NULL, *certp = NULL, *chainp = NULL, *imgp = NULL;
	FILE *f;
	int i, ret = 1;

	if (argc < 4)
		die("sign IN OUT ...");
	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	memset(&t, 0, sizeof(t));
	o.level = PDF_LEVEL_BB;
	for (i = 4; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			die("option without a value");
		i++;
		if (strcmp(a, "--key") == 0)
			keyp = v;
		else if (strcmp(a, "--cert") == 0)
			certp = v;
		else if (strcmp(a, "--chain") == 0)
			chainp = v;
		else if (strcmp(a, "--level") == 0) {
			if (pdf_level_parse(v, &o.level) == -1)
				die("bad level");
		} else if (strcmp(a, "--ts-cmd") == 0)
			t.ts_cmd = v;
		else if (strcmp(a, "--rev-cmd") == 0)
			t.rev_cmd = v;
		else if (strcmp(a, "--page") == 0)
			o.vis.page = atoi(v);
		else if (strcmp(a, "--rect") == 0) {
			if (sscanf(v, "%lf,%lf,%lf,%lf", &o.vis.x, &o.vis.y,
			    &o.vis.w, &o.vis.h) != 4)
				die("--rect x,y,w,h");
		} else if (strcmp(a, "--image") == 0)
			imgp = v;
		else if (strcmp(a, "--qr") == 0)
			o.vis.qr_text = v;
		else if (strcmp(a, "--text") == 0)
			o.vis.text = v;
		else if (strcmp(a, "--anchor") == 0)
			o.vis.anchor = v;
		else if (strcmp(a, "--password") == 0)
			o.password = v;
		else if (strcmp(a, "--name") == 0)
			o.name = v;
		else if (strcmp(a, "--reason") == 0)
			o.reason = v;
		else if (strcmp(a, "--location") == 0)
			o.location = v;
		else if (strcmp(a, "--contact") == 0)
			o.contact = v;
		else if (strcmp(a, "--when") == 0)
			o.when = (time_t)atoll(v);
		else if (strcmp(a, "--max-in") == 0)
			o.max_in = (size_t)atoll(v);
		else
			die("unknown option");
	}
	if (keyp == NULL || certp == NULL)
		die("--key and --cert are needed");
	if ((f = fopen(keyp, "r")) == NULL)
		die("cannot open the key");
	t.key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (t.key == NULL)
		die("bad key PEM");
	t.cert = load_cert(certp);
	snprintf(t.tmp, sizeof(t.tmp), "/tmp/pdfsign-XXXXXX");
	if (mkdtemp(t.tmp) == NULL)
		die("mkdtemp");
	s.cert = t.cert;
	s.chain = load_chain(chainp);
	s.sign = cb_sign;
	s.timestamp = t.ts_cmd != NULL ? cb_timestamp : NULL;
	s.revocation = t.rev_cmd != NULL ? cb_revocation : NULL;
	s.arg = &t;
	buf_init(&in, FILE_MAX);
	buf_init(&out, FILE_MAX);
	buf_init(&img, FILE_MAX);
	if (file_read(argv[2], &in, FILE_MAX) == -1)
		die("cannot read the input");
	if (imgp != NULL) {
		if (file_read(imgp, &img, FILE_MAX) == -1)
			die("cannot read the image");
		o.vis.image = img.data;
		o.vis.imagelen = img.len;
	}
	if (pdf_sign(in.data, in.len, &o, &s, &out, &e) == -1) {
		printf("error %s: %s\n", err_info(e.code)->name, e.detail);
		goto out;
	}
	if (out.len == 0 || file_write(argv[3], out.data, out.len, 0644) == -1)
		die("cannot write the output");
	ret = 0;
out:
	tmp_remove(t.tmp);
	buf_cleanup(&in);
	buf_cleanup(&out);
	buf_cleanup(&img);
	sk_X509_pop_free(s.chain, X509_free);
	X509_free(t.cert);
	EVP_PKEY_free(t.key);
	return ret;
}

static int
qr(const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int x, y;

	if (q == NULL)
		return 1;
	for (y = 0; y < q->width; y++) {
		for (x = 0; x < q->width; x++)
			putchar(q->data[y * q->width + x] & 1 ? '1' : '0');
		putchar('\n');
	}
	QRcode_free(q);
	return 0;
}

/* ---- img: a test signature image ---- */

/* Coverage of pixel (x, y) by a thick wavy stroke across the image,
 * 0..255, from the distance to the curve y = h/2 + h/3 sin(...). */
static unsigned
stroke(int x, int y, int w, int h)
{
	double t = (double)x / w, c, dy, s;
	int k;

	/* a cheap sine: 5 terms of the series on [-pi, pi] */
	double a = 2 * 3.14159265358979 * 1.5 * t;

	while (a > 3.14159265358979)
		a -= 2 * 3.14159265358979;
	s = a;
	c = a;
	for (k = 1; k < 6; k++) {
		c *= -a * a / ((2 * k) * (2 * k + 1));
		s += c;
	}
	dy = (double)y - (h / 2.0 + h / 3.0 * s);
	if (dy < 0)
		dy = -dy;
	if (dy > h / 12.0 + 1)
		return 0;
	if (dy < h / 12.0)
		return 255;
	return (unsigned)(255 * (h / 12.0 + 1 - dy));
}

static void
img(const char *path, int w, int h)
{
	FILE *f = fopen(path, "wb");
	unsigned char *row = malloc((size_t)w * 4);
	size_t n = strlen(path);
	int x, y;
	unsigned a;

	if (f == NULL || row == NULL || w < 1 || h < 1)
		die("img");
	if (n > 4 && strcmp(path + n - 4, ".png") == 0) {
		png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING,
		    NULL, NULL, NULL);
		png_infop i = png_create_info_struct(p);

		if (p == NULL || i == NULL || setjmp(png_jmpbuf(p)))
			die("png");
		png_init_io(p, f);
		png_set_IHDR(p, i, (png_uint_32)w, (png_uint_32)h, 8,
		    PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
		    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
		png_write_info(p, i);
		for (y = 0; y < h; y++) {
			for (x = 0; x < w; x++) {
				a = stroke(x, y, w, h);
				row[4 * x] = 10;
				row[4 * x + 1] = 30;
				row[4 * x + 2] = 160;
				row[4 * x + 3] = (unsigned char)a;
			}
			png_write_row(p, row);
		}
		png_write_end(p, NULL);
		png_destroy_write_struct(&p, &i);
	} else {
		struct jpeg_compress_struct c;
		struct jpeg_error_mgr jm;
		JSAMPROW rp = row;

		c.err = jpeg_std_error(&jm);
		jpeg_create_compress(&c);
		jpeg_stdio_dest(&c, f);
		c.image_width = (JDIMENSION)w;
		c.image_height = (JDIMENSION)h;
		c.input_components = 3;
		c.in_color_space = JCS_RGB;
		jpeg_set_defaults(&c);
		jpeg_set_quality(&c, 90, TRUE);
		jpeg_start_compress(&c, TRUE);
		for (y = 0; y < h; y++) {
			for (x = 0; x < w; x++) {
				a = stroke(x, y, w, h);
				/* a dark blue stroke on white */
				row[3 * x] = (unsigned char)(255 - a * 245 /
				    255);
				row[3 * x + 1] = (unsigned char)(255 - a * 225 /
				    255);
				row[3 * x + 2] = (unsigned char)(255 - a * 95 /
				    255);
			}
			jpeg_write_scanlines(&c, &rp, 1);
		}
		jpeg_finish_compress(&c);
		jpeg_destroy_compress(&c);
	}
	free(row);
	if (fclose(f) != 0)
		die("img: write");
}

int
main(int argc, char **argv)
{
	int i, pages = 1, rotate = 0, form = 0;
	double mw = 612, mh = 792;

	if (argc >= 3 && strcmp(argv[1], "gen") == 0) {
		for (i = 3; i < argc; i++) {
			if (strcmp(argv[i], "--form") == 0)
				form = 1;
			else if (i + 1 < argc && strcmp(argv[i], "--pages") == 0)
				pages = atoi(argv[++i]);
			else if (i + 1 < argc && strcmp(argv[i], "--rotate") == 0)
				rotate = atoi(argv[++i]);
			else if (i + 1 < argc && strcmp(argv[i], "--media") == 0) {
				if (sscanf(argv[++i], "%lfx%lf", &mw, &mh) != 2)
					die("--media WxH");
			} else
				die("gen OUT [--pages N] [--rotate R] [--form]");
		}
		if (pages < 1 || pages > 1000)
			die("1..1000 pages");
		gen(argv[2], pages, rotate, form, mw, mh);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		return sign(argc, argv);
	if (argc == 3 && strcmp(argv[1], "qr") == 0)
		return qr(argv[2]);
	if (argc == 5 && strcmp(argv[1], "img") == 0) {
		img(argv[2], atoi(argv[3]), atoi(argv[4]));
		return 0;
	}
	die("gen | sign | qr | img (see the comment at the top of "
	    "pdfsign_tool.c)");
	return 2;
}
