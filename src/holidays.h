/*
 * holidays.h - the calendar's non-working days kept in the database,
 * edited by ADMIN, and the process's one calendar (S1).
 */
#ifndef SERTEL_HOLIDAYS_H
#define SERTEL_HOLIDAYS_H

#include <jansson.h>

#include "calendar.h"
#include "store.h"

/* The calendar in force, read-locked until holidays_release(). Before
 * holidays_seed/holidays_load ran: the embedded seed. */
const struct calendar *holidays_acquire(void);
void	holidays_release(void);

/* First start: fills the table from the embedded seed once; then (and
 * on every later start) loads the table into the process. */
int	holidays_seed(struct store *, struct err *);
/* Reloads the table into the process. */
int	holidays_load(struct store *, struct err *);
/* Adds or replaces a date (calendar_add's rules), audited; reloads. */
int	holidays_put(struct store *, const unsigned char *audit_key,
	    const char *actor, const char *date, const char *name_id,
	    const char *name_en, const char *kind, struct err *);
/* ERR_NOT_FOUND when the date is not in the table. */
int	holidays_delete(struct store *, const unsigned char *audit_key,
	    const char *actor, const char *date, struct err *);
/* calendar_json() of the calendar in force. */
json_t	*holidays_json(int year);
/* calendar_due() with the calendar in force. */
time_t	 holidays_due(time_t);

#endif
