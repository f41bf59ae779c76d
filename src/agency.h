/*
 * agency.h - government agencies and their cooperation agreements (R1).
 */
#ifndef SERTEL_AGENCY_H
#define SERTEL_AGENCY_H

#include <jansson.h>

#include "store.h"

struct agency {
	long	 id;
	char	 code[32];
	char	 name[160];
	char	 pks_number[64];
	char	 pks_start[11];		/* YYYY-MM-DD, Asia/Jakarta */
	char	 pks_end[11];
	char	 domains[512];		/* comma-separated, lower case */
	char	 status[16];		/* ACTIVE, SUSPENDED */
};

/* Today's date in Asia/Jakarta (UTC+7, no daylight saving). */
void	agency_today(time_t, char out[11]);
int	agency_get(struct store *, const char *code, struct agency *,
	    struct err *);
int	agency_get_id(struct store *, long id, struct agency *, struct err *);
/* Creates (code absent) or updates an agency from a JSON object:
 * code, name, pks_number, pks_start, pks_end, domains [..], status. */
int	agency_put(struct store *, const json_t *, int create,
	    struct agency *, struct err *);
/* 0 when the PKS is valid today; else ERR_PKS_INVALID saying why. */
int	agency_pks_valid(const struct agency *, time_t, struct err *);
/* 1 when email's domain is one of the agency's. */
int	agency_email_ok(const struct agency *, const char *email);
json_t	*agency_json(const struct agency *);
/* Every agency (agency_id 0) or just one, as a JSON array. */
json_t	*agency_list(struct store *, long agency_id, struct err *);

#endif
