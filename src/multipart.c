/*
 * multipart.c - multipart/form-data (RFC 7578, RFC 2046 §5.1), which the
 * BSrE v1 API uses for its PDFs and fields.
 *
 * The whole body is already in memory (capped by the route's limit), so
 * the parts are slices of it: nothing is copied, nothing is decoded
 * (form-data parts carry binary as it is; no client sends
 * Content-Transfer-Encoding). The parser is strict where leniency would
 * be ambiguous: a boundary must be declared and well-formed, every part
 * needs a name, headers are bounded, and the closing delimiter must be
 * there, so a truncated upload is an error and not a shorter file.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"

#define MAX_HEADERS	4096

/* The boundary parameter of a Content-Type, quoted or not (RFC 2046
 * §5.1.1: 1 to 70 characters). */
static int
boundary_of(const char *ct, char *out, size_t n)
{
	const char *p;
	size_t k = 0;

	if (ct == NULL || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return -1;
	for (p = ct + 19; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		p += 9;
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"' && k + 1 < n; p++)
				out[k++] = *p;
			if (*p != '"')
				return -1;
		} else
			for (; *p != '\0' && *p != ';' && *p != ' ' &&
			    *p != '\t' && k + 1 < n; p++)
				out[k++] = *p;
		out[k] = '\0';
		return k >= 1 && k <= 70 ? 0 : -1;
	}
	return -1;
}

/* The value of param (name= or filename=) in a Content-Disposition
 * header line [h, end); quoted-string with \-escapes, or a token. */
static int
param(const char *h, const char *end, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name), k = 0;
	const char *p;

	for (p = h; p + nl < end; p++) {
		if ((p == h || p[-1] == ';' || p[-1] == ' ' || p[-1] == '\t') &&
		    strncasecmp(p, name, nl) == 0 && p[nl] == '=') {
			p += nl + 1;
			if (p < end && *p == '"') {
				for (p++; p < end && *p != '"'; p++) {
					if (*p == '\\' && p + 1 < end)
						p++;
					if (k + 1 >= n)
						return -1;
					out[k++] = *p;
				}
				if (p >= end)
					return -1;
			} else
				for (; p < end && *p != ';' && *p != ' '; p++) {
					if (k + 1 >= n)
						return -1;
					out[k++] = *p;
				}
			out[k] = '\0';
			return 1;
		}
	}
	return 0;
}

static int
headers(struct mp_part *pt, const char *h, size_t len)
{
	const char *p = h, *end = h + len, *eol;
	int named = 0;

	while (p < end) {
		eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) > 20 && strncasecmp(p,
		    "Content-Disposition:", 20) == 0) {
			if (param(p + 20, eol, "name", pt->name,
			    sizeof(pt->name)) != 1 ||
			    param(p + 20, eol, "filename", pt->filename,
			    sizeof(pt->filename)) == -1)
				return -1;
			named = 1;
		} else if ((size_t)(eol - p) > 13 && strncasecmp(p,
		    "Content-Type:", 13) == 0) {
			const char *v = p + 13;
			size_t k;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			k = (size_t)(eol - v);
			if (k >= sizeof(pt->ctype))
				k = sizeof(pt->ctype) - 1;
			memcpy(pt->ctype, v, k);
			pt->ctype[k] = '\0';
		}
		p = eol + 2;
	}
	return named ? 0 : -1;
}

int
multipart_parse(const char *content_type, const unsigned char *body,
    size_t len, struct mp_form *f, struct err *e)
{
	char b[80], delim[84];
	const unsigned char *p, *end = body + len, *h, *next;
	size_t dl;
	struct mp_part *pt;

	memset(f, 0, sizeof(*f));
	if (boundary_of(content_type, b, sizeof(b)) == -1)
		return err_set(e, ERR_BAD_REQUEST, "multipart: no boundary");
	/* The body starts with the first delimiter (a preamble before it is
	 * allowed and ignored); every later one follows a CRLF. */
	dl = (size_t)snprintf(delim, sizeof(delim), "--%s", b);
	if ((p = memmem(body, len, delim, dl)) == NULL)
		return err_set(e, ERR_BAD_REQUEST, "multipart: no delimiter");
	dl = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", b);
	p += dl - 2;
	for (;;) {
		if ((size_t)(end - p) >= 2 && p[0] == '-' && p[1] == '-')
			return 0;			/* the close delimiter */
		/* Transport padding, then the CRLF ending the delimiter. */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) < 2 || p[0] != '\r' || p[1] != '\n')
			return err_set(e, ERR_BAD_REQUEST, "multipart: "
			    "truncated");
		h = p + 2;
		p = memmem(h, (size_t)(end - h) < MAX_HEADERS ?
		    (size_t)(end - h) : MAX_HEADERS, "\r\n\r\n", 4);
		/* A part without headers starts with the blank line. */
		if (p == NULL && (size_t)(end - h) >= 2 && h[0] == '\r' &&
		    h[1] == '\n')
			p = h - 2;
		if (p == NULL)
			return err_set(e, ERR_BAD_REQUEST, "multipart: headers");
		if (f->n == MULTIPART_MAX_PARTS)
			return err_set(e, ERR_BAD_REQUEST, "multipart: too many "
			    "parts");
		pt = &f->parts[f->n];
		if (headers(pt, (const char *)h, (size_t)(p > h ? p - h : 0)) ==
		    -1)
			return err_set(e, ERR_BAD_REQUEST, "multipart: part "
			    "headers");
		pt->data = p + 4;
		next = memmem(pt->data, (size_t)(end - pt->data), delim, dl);
		if (next == NULL)
			return err_set(e, ERR_BAD_REQUEST, "multipart: "
			    "truncated");
		pt->len = (size_t)(next - pt->data);
		f->n++;
		p = next + dl;
	}
}

const struct mp_part *
multipart_get(const struct mp_form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->parts[i].name, name) == 0)
			return &f->parts[i];
	return NULL;
}

const char *
multipart_text(const struct mp_form *f, const char *name, char *out,
    size_t n)
{
	const struct mp_part *p = multipart_get(f, name);

	if (p == NULL || p->len >= n || memchr(p->data, '\0', p->len) != NULL)
		return NULL;
	memcpy(out, p->data, p->len);
	out[p->len] = '\0';
	return out;
}
