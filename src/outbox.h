/*
 * outbox.h - the transactional outbox: a message is a row written in
 * the same transaction as the state change it announces; the mailer
 * worker delivers it afterwards.
 */
#ifndef SERTEL_OUTBOX_H
#define SERTEL_OUTBOX_H

#include <jansson.h>

#include "config.h"
#include "store.h"

/* Renders template (mail.h) in Indonesian or English and queues it for
 * to, inside the caller's transaction. vars is borrowed. */
int	outbox_put(struct store *, const struct config *, const char *to,
	    const char *template, int english, json_t *vars, struct err *);
/* One mailer round: delivers what is due; returns seconds to sleep. */
int	outbox_round(void *cfg, struct store *, struct err *);

#define OUTBOX_MAX_ATTEMPTS	50	/* then FAILED, and an operator looks */

#endif
