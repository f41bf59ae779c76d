/*
 * sla.h - the one-working-day report (S1).
 */
#ifndef SERTEL_SLA_H
#define SERTEL_SLA_H

#include <jansson.h>

#include "store.h"

/* "YYYY-MM-DD" as 00:00 Asia/Jakarta in UTC seconds; -1 when invalid. */
int	 sla_parse_date(const char *, long long *midnight_utc);
/*
 * The report for applications whose data was complete from 00:00 WIB of
 * from to 24:00 WIB of to (at most ten years), of one agency (0: all):
 * { from, to, time_zone, generated_at, overall: GROUP, agencies:
 * [GROUP + agency, agency_name], late: [...] } where GROUP is { count,
 * finished, within_one_working_day, pending, overdue,
 * share_within_one_working_day, median_working_hours }. NULL with
 * ERR_VALIDATION (a date) or a store error.
 */
json_t	*sla_report(struct store *, long agency_id, const char *from,
	    const char *to, struct err *);
/* The report as CSV (RFC 4180): the groups, or with late the late
 * list. */
int	 sla_csv(json_t *report, int late, struct buf *);

#endif
