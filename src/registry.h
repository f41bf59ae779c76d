/*
 * registry.h - the identity registries (DESIGN.md section 8): adapters
 * that ask Dukcapil (population), BKN (civil service) and SIPP (police
 * personnel) over HTTP+JSON, and `sertel registry-sim`, the sandbox
 * that answers for them with synthetic people. docs/registry-sim.md is
 * the wire protocol both sides implement.
 */
#ifndef SERTEL_REGISTRY_H
#define SERTEL_REGISTRY_H

#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "util.h"

/* What a call records: the request as sent (selfie replaced by its
 * SHA-256) and the answer as received, each bounded. */
#define REGISTRY_REQUEST_MAX	4096
#define REGISTRY_ANSWER_MAX	65536
/* Largest selfie an adapter sends (a normalised JPEG; base64 adds 1/3). */
#define REGISTRY_SELFIE_MAX	(8u << 20)

enum registry_outcome {
	REG_OK,			/* the registry knows the person */
	REG_NOT_FOUND,		/* the registry says it does not */
	REG_UNAVAILABLE		/* no usable answer: timeout, refused
				   connection, 5xx, another status, bad or
				   malformed JSON; or (e->code
				   ERR_BAD_REQUEST) input never sent */
};

/* Borrowed strings. nik 16 digits, birth_date YYYY-MM-DD, gender "M" or
 * "F"; name and birth_place 1..128 bytes of UTF-8. */
struct registry_person {
	const char	*nik;
	const char	*name;
	const char	*birth_place;
	const char	*birth_date;
	const char	*gender;
};

/* One request and its answer, for storing with the application. */
struct registry_call {
	char	 method[8];
	char	 url[512];
	/* JSON sent; the Dukcapil selfie appears as "selfie_sha256". */
	char	 request[REGISTRY_REQUEST_MAX];
	/* Body received (UTF-8 text), or what went wrong, e.g. "timeout
	 * after 5000 ms", "connection refused", "answer larger than 65536
	 * bytes". */
	char	 answer[REGISTRY_ANSWER_MAX + 1];
	int	 http_status;	/* 0: no HTTP answer */
	long	 ms;		/* wall time of the call */
};

/*
 * One attempt each, bounded by cfg->reg_timeout_ms (connecting
 * included); retries and back-off are the caller's. call must not be
 * NULL and is always filled in. On REG_OK and REG_NOT_FOUND, when
 * answer_out is not NULL, *answer_out is the parsed answer (a new
 * reference: json_decref it); on REG_UNAVAILABLE it is NULL and e says
 * why (ERR_UNAVAILABLE, or ERR_BAD_REQUEST for input that was never
 * sent: a malformed NIK, NIP, NRP, date, gender, name or selfie).
 * A REG_OK answer has been checked: Dukcapil's carries nik_found true,
 * the four *_match booleans and face_similarity 0..1; BKN's found true,
 * the NIP asked for, name, agency, unit, position and active; SIPP's
 * found true, the NRP asked for, name, unit, rank and active.
 * Logs carry the registry, status and time, never a selfie or a NIK.
 */
enum registry_outcome	registry_dukcapil_verify(const struct config *,
			    const struct registry_person *,
			    const unsigned char *selfie, size_t selfie_len,
			    json_t **answer_out, struct registry_call *,
			    struct err *);
enum registry_outcome	registry_bkn_lookup(const struct config *,
			    const char *nip, json_t **answer_out,
			    struct registry_call *, struct err *);
enum registry_outcome	registry_sipp_lookup(const struct config *,
			    const char *nrp, json_t **answer_out,
			    struct registry_call *, struct err *);

/* 1 when s is exactly n ASCII digits. */
int	registry_digits(const char *s, size_t n);

/* `sertel registry-sim ...` (registry_sim.c); argv after the command. */
int	registry_sim_main(int argc, char **argv);

#endif
