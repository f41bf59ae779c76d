/*
 * util.c - capped buffers, logging, hex and file helpers.
 *
 * Every byte that arrives from the network lands in a struct buf whose
 * maximum is fixed when it is created, so an oversized input fails at
 * the first byte too many instead of exhausting memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "util.h"

int
err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	e->detail[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
err_ssl(struct err *e, enum err_code code, const char *what)
{
	unsigned long l;
	char s[160];

	l = ERR_peek_last_error();
	if (l != 0)
		ERR_error_string_n(l, s, sizeof(s));
	else
		snprintf(s, sizeof(s), "no detail");
	ERR_clear_error();
	return err_set(e, code, "%s: %s", what, s);
}

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_cleanup(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_cleanse(struct buf *b)
{
	if (b->data != NULL)
		OPENSSL_cleanse(b->data, b->cap);
	buf_cleanup(b);
}

int
buf_reserve(struct buf *b, size_t more)
{
	size_t need, ncap;
	unsigned char *p;

	if (more > b->max || b->len > b->max - more)
		return -1;
	need = b->len + more + 1;	/* room for a NUL */
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	if ((p = malloc(ncap)) == NULL)
		return -1;
	if (b->data != NULL) {
		memcpy(p, b->data, b->len);
		/* Buffers may hold secrets: never leave a copy behind. */
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return buf_reserve(b, 0);
	if (buf_reserve(b, n) == -1)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_cstr(struct buf *b)
{
	if (buf_reserve(b, 0) == -1)
		return -1;
	b->data[b->len] = '\0';
	return 0;
}

static enum log_level log_level = LOG_INFO;
static pthread_mutex_t log_mtx = PTHREAD_MUTEX_INITIALIZER;

void
log_set_level(enum log_level l)
{
	log_level = l;
}

void
log_msg(enum log_level l, const char *rid, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char ts[32], line[1024];
	va_list ap;

	if (l < log_level)
		return;
	fmt_time_iso(now_utc(), ts, sizeof(ts));
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_mtx);
	fprintf(stderr, "%s %s rid=%s %s\n", ts, names[l],
	    rid != NULL ? rid : "-", line);
	pthread_mutex_unlock(&log_mtx);
}

int
hex_encode(const unsigned char *p, size_t n, char *out, size_t outsz)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i;

	if (outsz < n * 2 + 1)
		return -1;
	for (i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
	return 0;
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *s, unsigned char *out, size_t outsz, size_t *outlen)
{
	size_t n = strlen(s), i;
	int hi, lo;

	if (n == 0 || n % 2 != 0 || n / 2 > outsz)
		return -1;
	for (i = 0; i < n / 2; i++) {
		hi = hex_digit((unsigned char)s[2 * i]);
		lo = hex_digit((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return 0;
}

int
file_read(const char *path, struct buf *b, size_t max)
{
	unsigned char tmp[8192];
	ssize_t n;
	int fd;

	buf_init(b, max);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_add(b, tmp, (size_t)n) == -1) {
			n = -1;
			break;
		}
	}
	OPENSSL_cleanse(tmp, sizeof(tmp));
	close(fd);
	if (n < 0 || buf_cstr(b) == -1) {
		buf_cleanse(b);
		return -1;
	}
	return 0;
}

int
file_write(const char *path, const void *p, size_t n, int mode)
{
	char tmp[PATH_MAX];
	const unsigned char *c = p;
	ssize_t w;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1)
		return -1;
	while (n > 0) {
		w = write(fd, c, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		c += w;
		n -= (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}

int
path_join(char *out, size_t outsz, const char *dir, const char *name)
{
	int n = snprintf(out, outsz, "%s/%s", dir, name);

	return (n < 0 || (size_t)n >= outsz) ? -1 : 0;
}

int
secret_file(const char *dir, const char *name, unsigned char *out,
    size_t len, enum secret_mode mode, struct err *e)
{
	char path[PATH_MAX], hex[2 * 64 + 2];
	struct buf b;
	size_t n = 0;
	int r;

	if (len > 64)
		return err_set(e, ERR_INTERNAL, "secret too long");
	if (path_join(path, sizeof(path), dir, "secrets") == -1 ||
	    (mkdir(path, 0700) == -1 && errno != EEXIST))
		return err_set(e, ERR_CONFIG, "cannot create %s/secrets", dir);
	if (snprintf(path, sizeof(path), "%s/secrets/%s", dir, name) >=
	    (int)sizeof(path))
		return err_set(e, ERR_CONFIG, "path too long");
	if (mode != SECRET_NEW && file_read(path, &b, 256) == 0) {
		while (b.len > 0 && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		r = hex_decode((char *)b.data, out, len, &n);
		buf_cleanse(&b);
		if (r == -1 || n != len)
			return err_set(e, ERR_CONFIG, "%s: bad key", path);
		return 0;
	}
	if (mode == SECRET_LOAD)
		return err_set(e, ERR_NO_INSTANCE, "cannot read %s", path);
	if (RAND_priv_bytes(out, (int)len) != 1)
		return err_set(e, ERR_INTERNAL, "random");
	hex_encode(out, len, hex, sizeof(hex));
	r = file_write(path, hex, strlen(hex), 0600);
	OPENSSL_cleanse(hex, sizeof(hex));
	return r == -1 ? err_set(e, ERR_CONFIG, "cannot write %s", path) : 0;
}

int
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

#ifdef SERTEL_TEST_CLOCK
/*
 * Test builds only (make builds build/test/sertel, the sanitizer build
 * and the unit tests with -DSERTEL_TEST_CLOCK; build/sertel never): the
 * clock runs $SERTEL_TEST_CLOCK_FILE's signed number of seconds ahead,
 * re-read on every call so that a test moves a running server across a
 * weekend or to a certificate's expiry. No file, no offset.
 */
static long long
clock_offset(void)
{
	const char *path = getenv("SERTEL_TEST_CLOCK_FILE");
	char b[32];
	long long v;
	char *end;
	ssize_t n;
	int fd;

	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	b[n] = '\0';
	errno = 0;
	v = strtoll(b, &end, 10);
	return errno == 0 && end != b ? v : 0;
}

int
util_test_clock(void)
{
	return 1;
}

time_t
now_utc(void)
{
	return time(NULL) + (time_t)clock_offset();
}
#else
int
util_test_clock(void)
{
	return 0;
}

time_t
now_utc(void)
{
	return time(NULL);
}
#endif

void
fmt_time_iso(time_t t, char *out, size_t outsz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
