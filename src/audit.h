/*
 * audit.h - the tamper-evident audit log.
 */
#ifndef SERTEL_AUDIT_H
#define SERTEL_AUDIT_H

#include "store.h"

#define AUDIT_KEY_LEN	32

int	audit_key_create(const char *dir, struct err *);
int	audit_key_load(const char *dir, unsigned char key[AUDIT_KEY_LEN],
	    struct err *);
/* Appends a row; call inside the transaction of the change it records. */
int	audit_append(struct store *, const unsigned char *key,
	    const char *actor, const char *action, const char *object,
	    const char *detail, struct err *);
/* 0 when intact; -1 with ERR_AUDIT_BROKEN naming the first bad row in
 * *bad_id (0 when the break is after the last row). */
int	audit_verify(struct store *, const unsigned char *key, long *rows,
	    long *bad_id, struct err *);

#endif
