/*
 * api.h - handlers of the native JSON API (/api/v1), listed in the
 * route table in web.c.
 */
#ifndef SERTEL_API_H
#define SERTEL_API_H

#include "http.h"
#include "ra.h"

int	api_login(struct req *);
int	api_logout(struct req *);
int	api_me(struct req *);
int	api_agencies_list(struct req *);
int	api_agency_create(struct req *);
int	api_agency_get(struct req *);
int	api_agency_update(struct req *);
int	api_user_create(struct req *);
int	api_client_create(struct req *);

/* api_ra.c: the registration workflow */
int	api_app_register(struct req *);
int	api_app_self(struct req *);
int	api_app_bulk(struct req *);
int	api_app_list(struct req *);
int	api_app_get(struct req *);
int	api_app_selfie(struct req *);
int	api_app_confirm(struct req *);
int	api_app_approve(struct req *);
int	api_app_reject(struct req *);
int	api_app_cancel(struct req *);
int	api_activation_get(struct req *);
int	api_activation_submit(struct req *);
int	api_activation_resend(struct req *);
int	api_bsre_registration(struct req *);
int	api_passphrase_get(struct req *);
int	api_passphrase_set(struct req *);
int	api_bsre_status_v1(struct req *);
int	api_bsre_status_v2(struct req *);
int	api_holder_revoke(struct req *);
int	api_app_revoke(struct req *);
/* api_lifecycle.c */
int	api_holder_renew(struct req *);
int	api_app_renew(struct req *);
int	api_app_unsuspend(struct req *);
int	api_holder_forgot(struct req *);
int	api_reissue_get(struct req *);
int	api_reissue_submit(struct req *);
int	api_hreq_list(struct req *);
int	api_hreq_get(struct req *);
int	api_hreq_approve(struct req *);
int	api_hreq_reject(struct req *);
int	api_holidays_list(struct req *);
int	api_holiday_put(struct req *);
int	api_holiday_delete(struct req *);
int	api_sla_report(struct req *);
int	api_audit_list(struct req *);
int	api_stats(struct req *);
int	api_holder_certificate(struct req *);
/* api_sign.c */
int	api_bsre_sign_v1(struct req *);
int	api_bsre_download(struct req *);
int	api_bsre_verify_v1(struct req *);
int	api_bsre_sign_v2(struct req *);
int	api_bsre_totp(struct req *);
int	api_bsre_chain(struct req *);
int	api_bsre_verify_v2(struct req *);
int	api_sign(struct req *);
int	api_holder_sign(struct req *);
int	api_verify(struct req *);
int	api_public_signature(struct req *);
int	api_seal_create(struct req *);
int	api_seal_get(struct req *);
int	api_seal_activation(struct req *);
int	api_seal_deactivate(struct req *);
int	api_seal_totp(struct req *);
int	api_seal_pdf(struct req *);

/* api_complaint.c: complaints (S4) */
int	api_complaint_file(struct req *);
int	api_complaint_status(struct req *);
int	api_complaint_record(struct req *);
int	api_complaint_list(struct req *);
int	api_complaint_get(struct req *);
int	api_complaint_attachment(struct req *);
int	api_complaint_assign(struct req *);
int	api_complaint_reply(struct req *);
int	api_complaint_close(struct req *);
int	api_complaint_report(struct req *);

/* Shared by the API handlers. */
const char	*api_str(const json_t *, const char *key);
/* The registration workflow's context for this request. */
struct ra	*api_ra(struct req *, struct ra *);
/* Runs the audit row for who's action inside the open transaction. */
int		 api_audit(struct req *, const char *action, const char *object,
		    json_t *detail, struct err *);
/* Begins a write transaction, answering 503 itself on failure. */
int		 api_begin(struct req *);
/* Commits; on failure rolls back and answers from e. */
int		 api_commit(struct req *, struct err *);
/* Rolls back and answers the error e. */
int		 api_fail(struct req *, struct err *);

#endif
