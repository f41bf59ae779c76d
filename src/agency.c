/*
 * agency.c - agencies (instansi) with their PKS and official e-mail
 * domains. Nothing can be applied for in an agency whose PKS is not
 * valid today (R1): agency_pks_valid says why not. Dates are calendar
 * dates in Asia/Jakarta, where the agreements are signed.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agency.h"

#define AGENCY_COLS "id, code, name, pks_number, pks_start, pks_end, " \
	"domains, status"

void
agency_today(time_t t, char out[11])
{
	struct tm tm;

	t += 7 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int
row_cb(void *arg, const struct srow *r)
{
	struct agency *a = arg;

	a->id = (long)srow_int(r, 0);
	srow_copy(r, 1, a->code, sizeof(a->code));
	srow_copy(r, 2, a->name, sizeof(a->name));
	srow_copy(r, 3, a->pks_number, sizeof(a->pks_number));
	srow_copy(r, 4, a->pks_start, sizeof(a->pks_start));
	srow_copy(r, 5, a->pks_end, sizeof(a->pks_end));
	srow_copy(r, 6, a->domains, sizeof(a->domains));
	srow_copy(r, 7, a->status, sizeof(a->status));
	return 0;
}

int
agency_get(struct store *s, const char *code, struct agency *a,
    struct err *e)
{
	long n;

	memset(a, 0, sizeof(*a));
	n = store_q(s, "SELECT " AGENCY_COLS " FROM agencies WHERE code = ?",
	    row_cb, a, e, SV_S(code));
	return n == -1 ? -1 : n == 0 ? 1 : 0;
}

int
agency_get_id(struct store *s, long id, struct agency *a, struct err *e)
{
	long n;

	memset(a, 0, sizeof(*a));
	n = store_q(s, "SELECT " AGENCY_COLS " FROM agencies WHERE id = ?",
	    row_cb, a, e, SV_I(id));
	return n == -1 ? -1 : n == 0 ? 1 : 0;
}

static int
date_ok(const char *d)
{
	int y, m, dd, i;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)d[i]))
			return 0;
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 +
	    (d[3] - '0');
	m = (d[5] - '0') * 10 + (d[6] - '0');
	dd = (d[8] - '0') * 10 + (d[9] - '0');
	if (y < 2000 || y > 2100 || m < 1 || m > 12 || dd < 1 ||
	    dd > mdays[m - 1])
		return 0;
	if (m == 2 && dd == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return 0;
	return 1;
}

static int
domain_ok(const char *d)
{
	size_t i, n = strlen(d);

	if (n < 3 || n > 100 || strchr(d, '.') == NULL || d[0] == '.' ||
	    d[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)d[i]) || isdigit((unsigned char)d[i])
		    || d[i] == '.' || d[i] == '-'))
			return 0;
	return 1;
}

static int
code_ok(const char *c)
{
	size_t i, n = strlen(c);

	if (n < 2 || n >= sizeof(((struct agency *)0)->code))
		return 0;
	for (i = 0; i < n; i++)
		if (!(isupper((unsigned char)c[i]) || isdigit((unsigned char)c[i])
		    || c[i] == '-' || c[i] == '_'))
			return 0;
	return 1;
}

/* Copies a JSON string member into out; -1 (with e) if absent or bad. */
static int
member(const json_t *j, const char *key, char *out, size_t n, int required,
    struct err *e)
{
	json_t *v = json_object_get(j, key);
	const char *s;

	if (v == NULL) {
		if (required)
			return err_set(e, ERR_VALIDATION, "%s", key);
		return 1;
	}
	if (!json_is_string(v) || (s = json_string_value(v)) == NULL ||
	    strlen(s) >= n || (required && *s == '\0'))
		return err_set(e, ERR_VALIDATION, "%s", key);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

int
agency_put(struct store *s, const json_t *j, int create, struct agency *a,
    struct err *e)
{
	json_t *doms = json_object_get(j, "domains"), *d;
	struct buf list;
	size_t i;
	long n;
	int rc;

	/* Update: start from what is stored, replace what is given. */
	if (!create && a->id == 0)
		return err_set(e, ERR_NOT_FOUND, "agency");
	if (create)
		memset(a, 0, sizeof(*a));
	if (create && member(j, "code", a->code, sizeof(a->code), 1, e) == -1)
		return -1;
	if (!code_ok(a->code))
		return err_set(e, ERR_VALIDATION, "code");
	if (member(j, "name", a->name, sizeof(a->name), create, e) == -1 ||
	    member(j, "pks_number", a->pks_number, sizeof(a->pks_number),
	    create, e) == -1 ||
	    member(j, "pks_start", a->pks_start, sizeof(a->pks_start), create,
	    e) == -1 ||
	    member(j, "pks_end", a->pks_end, sizeof(a->pks_end), create,
	    e) == -1)
		return -1;
	if ((rc = member(j, "status", a->status, sizeof(a->status), 0, e)) ==
	    -1)
		return -1;
	if (rc == 1 && create)
		snprintf(a->status, sizeof(a->status), "ACTIVE");
	if (strcmp(a->status, "ACTIVE") != 0 &&
	    strcmp(a->status, "SUSPENDED") != 0)
		return err_set(e, ERR_VALIDATION, "status");
	if (!date_ok(a->pks_start))
		return err_set(e, ERR_VALIDATION, "pks_start");
	if (!date_ok(a->pks_end) || strcmp(a->pks_end, a->pks_start) < 0)
		return err_set(e, ERR_VALIDATION, "pks_end");
	if (doms != NULL || create) {
		if (!json_is_array(doms) || json_array_size(doms) == 0 ||
		    json_array_size(doms) > 16)
			return err_set(e, ERR_VALIDATION, "domains");
		buf_init(&list, sizeof(a->domains) - 1);
		json_array_foreach(doms, i, d) {
			char low[128];
			const char *v = json_string_value(d);
			size_t k;
			if (v == NULL || strlen(v) >= sizeof(low)) {
				buf_cleanup(&list);
				return err_set(e, ERR_VALIDATION, "domains");
			}
			for (k = 0; v[k] != '\0'; k++)
				low[k] = (char)tolower((unsigned char)v[k]);
			low[k] = '\0';
			if (!domain_ok(low) || (i > 0 && buf_add(&list, ",",
			    1) == -1) || buf_addstr(&list, low) == -1) {
				buf_cleanup(&list);
				return err_set(e, ERR_VALIDATION, "domains");
			}
		}
		buf_cstr(&list);
		snprintf(a->domains, sizeof(a->domains), "%s",
		    (char *)list.data);
		buf_cleanup(&list);
	}
	if (create)
		n = store_q(s, "INSERT INTO agencies(code, name, pks_number, "
		    "pks_start, pks_end, domains, status, created_at, "
		    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    store_row_long, &a->id, e, SV_S(a->code), SV_S(a->name),
		    SV_S(a->pks_number), SV_S(a->pks_start), SV_S(a->pks_end),
		    SV_S(a->domains), SV_S(a->status), SV_I(now_utc()),
		    SV_I(now_utc()));
	else
		n = store_q(s, "UPDATE agencies SET name = ?, pks_number = ?, "
		    "pks_start = ?, pks_end = ?, domains = ?, status = ?, "
		    "updated_at = ? WHERE id = ?", NULL, NULL, e, SV_S(a->name),
		    SV_S(a->pks_number), SV_S(a->pks_start), SV_S(a->pks_end),
		    SV_S(a->domains), SV_S(a->status), SV_I(now_utc()),
		    SV_I(a->id));
	if (n == -1 && e->code == ERR_CONFLICT)
		return err_set(e, ERR_CONFLICT, "agency code %s exists",
		    a->code);
	return n == -1 ? -1 : 0;
}

int
agency_pks_valid(const struct agency *a, time_t now, struct err *e)
{
	char today[11];

	agency_today(now, today);
	if (strcmp(a->status, "ACTIVE") != 0)
		return err_set(e, ERR_PKS_INVALID, "agency %s is suspended",
		    a->code);
	if (strcmp(today, a->pks_start) < 0)
		return err_set(e, ERR_PKS_INVALID, "PKS %s of %s starts on %s",
		    a->pks_number, a->code, a->pks_start);
	if (strcmp(today, a->pks_end) > 0)
		return err_set(e, ERR_PKS_INVALID, "PKS %s of %s ended on %s",
		    a->pks_number, a->code, a->pks_end);
	return 0;
}

int
agency_email_ok(const struct agency *a, const char *email)
{
	const char *at = strrchr(email, '@'), *p = a->domains, *c;
	size_t n;

	if (at == NULL)
		return 0;
	at++;
	while (*p != '\0') {
		c = strchr(p, ',');
		n = c != NULL ? (size_t)(c - p) : strlen(p);
		if (strlen(at) == n && strncasecmp(at, p, n) == 0)
			return 1;
		p += n + (c != NULL);
	}
	return 0;
}

json_t *
agency_json(const struct agency *a)
{
	json_t *doms = json_array();
	const char *p = a->domains, *c;
	size_t n;

	while (doms != NULL && *p != '\0') {
		c = strchr(p, ',');
		n = c != NULL ? (size_t)(c - p) : strlen(p);
		json_array_append_new(doms, json_stringn(p, n));
		p += n + (c != NULL);
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:b}",
	    "code", a->code, "name", a->name, "pks_number", a->pks_number,
	    "pks_start", a->pks_start, "pks_end", a->pks_end, "domains", doms,
	    "status", a->status, "pks_valid_today",
	    agency_pks_valid(a, now_utc(), &(struct err){ 0 }) == 0);
}

static int
list_cb(void *arg, const struct srow *r)
{
	struct agency a;

	memset(&a, 0, sizeof(a));
	row_cb(&a, r);
	return json_array_append_new(arg, agency_json(&a)) == 0 ? 0 : -1;
}

json_t *
agency_list(struct store *s, long agency_id, struct err *e)
{
	json_t *arr = json_array();
	long n;

	if (arr == NULL)
		return NULL;
	if (agency_id == 0)
		n = store_q0(s, "SELECT " AGENCY_COLS " FROM agencies ORDER BY "
		    "code", list_cb, arr, e);
	else
		n = store_q(s, "SELECT " AGENCY_COLS " FROM agencies WHERE "
		    "id = ? ORDER BY code", list_cb, arr, e, SV_I(agency_id));
	if (n == -1) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}
