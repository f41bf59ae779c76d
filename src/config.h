/*
 * config.h - the instance configuration, dir/sertel.conf.
 */
#ifndef SERTEL_CONFIG_H
#define SERTEL_CONFIG_H

#include "keys.h"
#include "util.h"

struct ca_conf {
	char		 cn[128];
	enum keys_alg	 alg;
	long		 validity_days;
};

struct config {
	char		 dir[512];
	char		 base_url[256];
	char		 listen[128];
	char		 database[512];
	char		 org[128];
	char		 country[3];
	struct ca_conf	 root, issuing, ocsp, tsa;
	long		 holder_validity_days;
	enum keys_alg	 holder_key;
	char		 holder_policy_oid[128];
	char		 holder_allowed_keys[128];
	long		 ocsp_response_hours;
	long		 ocsp_refresh_hours;
	long		 ocsp_max_age;
	long		 crl_validity_hours;
	char		 tsa_policy_oid[128];
	long		 tsa_accuracy_seconds;
	long		 http_max_body;
	long		 http_threads;
	long		 dev_mode;
	/* e-mail */
	char		 mail_smtp_url[256];	/* "mailbox" or smtp(s)://host:port */
	char		 mail_from[256];
	char		 mail_user[128];
	char		 mail_password_file[512];
	long		 mail_starttls;
	/* identity registries */
	char		 reg_dukcapil_url[256];
	char		 reg_bkn_url[256];
	char		 reg_sipp_url[256];
	long		 reg_timeout_ms;
	long		 reg_attempts;
	double		 face_threshold;
	/* registration */
	long		 activation_days;
	long		 selfie_max_bytes;
	long		 renew_days;
	long		 key_cache_seconds;
	long		 download_minutes;
	char		 sign_level[8];
	long		 lifecycle_seconds;
	long		 remind_hours;
};

/* Fills every field with its default; dir and base_url as given. */
void	config_defaults(struct config *, const char *dir, const char *base_url);
/* Writes the fully commented config file for c. */
int	config_write(const struct config *, const char *path, struct err *);
/* Reads dir/sertel.conf over the defaults. */
int	config_load(struct config *, const char *dir, struct err *);

#endif
