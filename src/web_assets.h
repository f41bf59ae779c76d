/*
 * web_assets.h - the portal's files (web/), embedded by the build
 * (scripts/embed.sh) so that the binary serves them without a web root.
 */
#ifndef SERTEL_WEB_ASSETS_H
#define SERTEL_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char		*path;		/* "/index.html", "/static/site.css" */
	const char		*ctype;
	const unsigned char	*data;
	size_t			 len;
};

extern const struct web_asset	web_assets[];
extern const size_t		web_nassets;

#endif
