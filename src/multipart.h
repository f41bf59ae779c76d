/*
 * multipart.h - multipart/form-data bodies (RFC 7578), parsed in place.
 */
#ifndef SERTEL_MULTIPART_H
#define SERTEL_MULTIPART_H

#include <stddef.h>

#include "util.h"

#define MULTIPART_MAX_PARTS	32

struct mp_part {
	char			 name[64];
	char			 filename[256];
	char			 ctype[64];
	const unsigned char	*data;		/* into the body */
	size_t			 len;
};

struct mp_form {
	struct mp_part	 parts[MULTIPART_MAX_PARTS];
	size_t		 n;
};

/* Splits body by the boundary of content_type. ERR_BAD_REQUEST when the
 * body is not well-formed multipart/form-data (no boundary, truncated,
 * a part without a name, more than MULTIPART_MAX_PARTS parts). */
int	multipart_parse(const char *content_type, const unsigned char *body,
	    size_t len, struct mp_form *, struct err *);
/* The first part named name, or NULL. */
const struct mp_part *multipart_get(const struct mp_form *, const char *name);
/* A text field as a C string in out; NULL when absent, longer than n - 1
 * bytes, or holding a NUL. */
const char *multipart_text(const struct mp_form *, const char *name,
	    char *out, size_t n);

#endif
