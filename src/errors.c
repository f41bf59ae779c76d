/*
 * errors.c - the one table that maps every error code to an HTTP status
 * and a message in Indonesian and English. docs/errors.md is generated
 * from this table (`sertel help errors`) and a unit test checks the two
 * agree, so the documentation cannot drift from the code.
 */
#include <stddef.h>

#include "util.h"

static const struct err_info table[] = {
	{ ERR_OK, "ok", 200, "Berhasil.", "Success." },
	{ ERR_INTERNAL, "internal", 500,
	  "Terjadi kesalahan internal pada server.",
	  "An internal server error occurred." },
	{ ERR_BAD_REQUEST, "bad_request", 400,
	  "Permintaan tidak valid.", "The request is not valid." },
	{ ERR_BAD_JSON, "bad_json", 400,
	  "Badan permintaan bukan JSON yang valid.",
	  "The request body is not valid JSON." },
	{ ERR_BODY_TOO_LARGE, "body_too_large", 413,
	  "Badan permintaan terlalu besar.",
	  "The request body is too large." },
	{ ERR_NOT_FOUND, "not_found", 404,
	  "Sumber daya tidak ditemukan.", "The resource was not found." },
	{ ERR_METHOD_NOT_ALLOWED, "method_not_allowed", 405,
	  "Metode HTTP tidak diizinkan untuk alamat ini.",
	  "The HTTP method is not allowed for this path." },
	{ ERR_UNAUTHORIZED, "unauthorized", 401,
	  "Autentikasi diperlukan.", "Authentication is required." },
	{ ERR_FORBIDDEN, "forbidden", 403,
	  "Anda tidak berhak melakukan tindakan ini.",
	  "You are not allowed to do this." },
	{ ERR_CONFLICT, "conflict", 409,
	  "Permintaan bertentangan dengan keadaan saat ini.",
	  "The request conflicts with the current state." },
	{ ERR_UNSUPPORTED_MEDIA, "unsupported_media_type", 415,
	  "Jenis konten tidak didukung.",
	  "The content type is not supported." },
	{ ERR_CERT_NOT_FOUND, "cert_not_found", 404,
	  "Sertifikat tidak ditemukan.", "The certificate was not found." },
	{ ERR_CERT_ALREADY_REVOKED, "cert_already_revoked", 409,
	  "Sertifikat sudah dicabut; pencabutan bersifat final.",
	  "The certificate is already revoked; revocation is final." },
	{ ERR_CERT_EXPIRED, "cert_expired", 409,
	  "Sertifikat sudah kedaluwarsa.", "The certificate has expired." },
	{ ERR_BAD_REASON, "bad_reason", 400,
	  "Alasan pencabutan tidak dikenal (gunakan nama RFC 5280).",
	  "Unknown revocation reason (use the RFC 5280 names)." },
	{ ERR_BAD_SERIAL, "bad_serial", 400,
	  "Nomor seri tidak valid (harus heksadesimal).",
	  "The serial number is not valid (hexadecimal expected)." },
	{ ERR_BAD_PUBKEY, "bad_pubkey", 400,
	  "Kunci publik tidak dapat dibaca.",
	  "The public key cannot be read." },
	{ ERR_WEAK_KEY, "weak_key", 400,
	  "Jenis atau ukuran kunci publik tidak diizinkan.",
	  "The public key type or size is not allowed." },
	{ ERR_PROFILE, "profile_violation", 400,
	  "Data sertifikat tidak memenuhi profil sertifikat.",
	  "The certificate data does not meet the certificate profile." },
	{ ERR_CA_NOT_FOUND, "ca_not_found", 404,
	  "CA tidak ditemukan.", "The CA was not found." },
	{ ERR_INSTANCE_EXISTS, "instance_exists", 409,
	  "Instans sudah ada; tidak akan ditimpa.",
	  "The instance already exists; it will not be overwritten." },
	{ ERR_NO_INSTANCE, "no_instance", 404,
	  "Instans tidak ditemukan; jalankan 'sertel init' dahulu.",
	  "No instance found; run 'sertel init' first." },
	{ ERR_CONFIG, "config", 500,
	  "Konfigurasi tidak valid.", "The configuration is not valid." },
	{ ERR_STORE, "store", 503,
	  "Basis data tidak tersedia untuk sementara.",
	  "The database is temporarily unavailable." },
	{ ERR_KEYS, "keys", 500,
	  "Modul kunci gagal melakukan operasi.",
	  "The key module failed to perform the operation." },
	{ ERR_AUDIT_BROKEN, "audit_broken", 500,
	  "Rantai log audit rusak.", "The audit log chain is broken." },
	{ ERR_UNAVAILABLE, "unavailable", 503,
	  "Layanan tidak tersedia untuk sementara.",
	  "The service is temporarily unavailable." },
	{ ERR_VALIDATION, "validation", 422,
	  "Data tidak valid; periksa kolom yang disebutkan.",
	  "The data is not valid; check the field named." },
	{ ERR_LOGIN_FAILED, "login_failed", 401,
	  "Nama pengguna, kata sandi, atau kode TOTP salah, atau akun "
	  "sedang dikunci.",
	  "Wrong user name, password or TOTP code, or the account is "
	  "locked." },
	{ ERR_PKS_INVALID, "pks_invalid", 403,
	  "Instansi tidak memiliki Perjanjian Kerja Sama (PKS) yang berlaku "
	  "hari ini.",
	  "The agency has no cooperation agreement (PKS) valid today." },
	{ ERR_EMAIL_DOMAIN, "email_domain", 422,
	  "Alamat e-mail bukan e-mail dinas instansi ini.",
	  "The e-mail address is not an official address of this agency." },
	{ ERR_DUPLICATE, "duplicate", 409,
	  "Sudah ada permohonan yang berjalan atau sertifikat yang berlaku "
	  "untuk e-mail atau NIK ini.",
	  "There is already an open application or a valid certificate for "
	  "this e-mail address or NIK." },
	{ ERR_LINK_INVALID, "link_invalid", 410,
	  "Tautan tidak berlaku: sudah digunakan atau kedaluwarsa. Silakan "
	  "minta tautan baru.",
	  "The link is no longer valid: it was used or has expired. Please "
	  "ask for a new one." },
	{ ERR_WRONG_STATE, "wrong_state", 409,
	  "Permohonan tidak dalam status yang memungkinkan tindakan ini.",
	  "The application is not in a state that allows this action." },
	{ ERR_NIK_INVALID, "nik_invalid", 422,
	  "NIK tidak valid: harus 16 angka dengan kode wilayah dan tanggal "
	  "lahir yang sesuai.",
	  "The NIK is not valid: 16 digits with a matching region code and "
	  "birth date are required." },
	{ ERR_NIP_INVALID, "nip_invalid", 422,
	  "NIP tidak valid: harus 18 angka dengan tanggal lahir yang sesuai.",
	  "The NIP is not valid: 18 digits with a matching birth date are "
	  "required." },
	{ ERR_NRP_INVALID, "nrp_invalid", 422,
	  "NRP tidak valid: harus 8 angka yang sesuai dengan tanggal lahir.",
	  "The NRP is not valid: 8 digits matching the birth date are "
	  "required." },
	{ ERR_SELFIE_INVALID, "selfie_invalid", 422,
	  "Foto swafoto tidak valid: gunakan JPEG atau PNG berukuran 480x640 "
	  "hingga 4096x4096 piksel.",
	  "The selfie is not valid: use a JPEG or PNG of 480x640 to "
	  "4096x4096 pixels." },
	{ ERR_SELFIE_TOO_LARGE, "selfie_too_large", 413,
	  "Foto swafoto terlalu besar (maksimal 2 MB).",
	  "The selfie is too large (at most 2 MB)." },
	{ ERR_CONSENT_REQUIRED, "consent_required", 422,
	  "Anda harus menyetujui Kebijakan Privasi dan Perjanjian Pemilik "
	  "Sertifikat versi yang berlaku.",
	  "You must accept the current Privacy Policy and Certificate Holder "
	  "Agreement." },
	{ ERR_WRONG_PASSPHRASE, "wrong_passphrase", 400,
	  "Passphrase anda salah.", "Your passphrase is wrong." },
	{ ERR_WEAK_PASSPHRASE, "weak_passphrase", 422,
	  "Passphrase terlalu lemah: minimal 8 karakter, bukan kata sandi "
	  "umum, dan tidak memuat nama, NIK, atau tanggal lahir Anda.",
	  "The passphrase is too weak: at least 8 characters, not a common "
	  "password, and without your name, NIK or birth date." },
	{ ERR_HOLDER_SUSPENDED, "holder_suspended", 403,
	  "Sertifikat ditangguhkan (SUSPEND) setelah 5 kali passphrase salah; "
	  "hubungi verifikator instansi Anda.",
	  "The certificate is suspended (SUSPEND) after 5 wrong passphrases; "
	  "contact your agency's verifier." },
	{ ERR_RENEW_TOO_EARLY, "renew_too_early", 409,
	  "Pembaruan sertifikat baru dapat diajukan mendekati masa berlaku "
	  "berakhir.",
	  "Renewal can only be requested close to the certificate's expiry." },
	{ ERR_RENEW_EXPIRED, "renew_expired", 409,
	  "Sertifikat sudah kedaluwarsa dan tidak dapat diperbarui; ajukan "
	  "penerbitan sertifikat baru.",
	  "The certificate has expired and cannot be renewed; apply for a new "
	  "certificate." },
	{ ERR_NOT_SIGNABLE, "not_signable", 403,
	  "Status sertifikat tidak mengizinkan penandatanganan.",
	  "The certificate's status does not allow signing." },
	{ ERR_PDF_INVALID, "pdf_invalid", 400,
	  "Dokumen bukan PDF yang valid atau rusak.",
	  "The document is not a valid PDF or is damaged." },
	{ ERR_PDF_ENCRYPTED, "pdf_encrypted", 400,
	  "Dokumen PDF terenkripsi; sertakan kata sandi PDF.",
	  "The PDF is encrypted; give its password." },
	{ ERR_PDF_PASSWORD, "pdf_password", 400,
	  "Kata sandi PDF salah.", "The PDF password is wrong." },
	{ ERR_PDF_TOO_LARGE, "pdf_too_large", 413,
	  "Dokumen PDF terlalu besar.", "The PDF is too large." },
	{ ERR_PDF_ANCHOR_NOT_FOUND, "pdf_anchor_not_found", 400,
	  "Teks penanda (tag_koordinat) tidak ditemukan di dokumen.",
	  "The anchor text (tag_koordinat) was not found in the document." },
	{ ERR_PDF_BAD_PAGE, "pdf_bad_page", 400,
	  "Halaman atau posisi tanda tangan tidak ada di dokumen.",
	  "The signature's page or position is not in the document." },
	{ ERR_PDF_BAD_IMAGE, "pdf_bad_image", 400,
	  "Gambar tanda tangan harus PNG atau JPEG yang valid.",
	  "The signature image must be a valid PNG or JPEG." },
	{ ERR_PDF_SIGN, "pdf_sign", 422,
	  "Dokumen tidak dapat ditandatangani.",
	  "The document cannot be signed." },
};

_Static_assert(sizeof(table) / sizeof(table[0]) == ERR__COUNT,
    "every error code has exactly one row");

const struct err_info *
err_info(enum err_code c)
{
	if ((unsigned)c >= ERR__COUNT)
		c = ERR_INTERNAL;
	return &table[c];
}

const struct err_info *
err_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}
