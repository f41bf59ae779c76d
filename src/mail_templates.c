/*
 * mail_templates.c - the e-mails of the registration workflow, each in
 * Indonesian and English, filled from a JSON object of variables.
 *
 * The texts are a static table rather than files so that a template and
 * the code that names its variables can never be out of step, and a unit
 * test renders every one of them. A {{var}} whose variable is missing is
 * an error, not an empty string: a message that says "Yth. ," or has no
 * link is worse than no message. Plain text only; every link stands on a
 * line of its own so that mail clients make it clickable whole.
 *
 * Register: formal Indonesian as a government service writes it ("Yth.",
 * "Hormat kami"), one polite and concise English equivalent.
 */
#include <stdio.h>
#include <string.h>

#include "mail.h"

#define SIGN_ID \
	"\n" \
	"Hormat kami,\n" \
	"Layanan Sertifikat Elektronik\n" \
	"\n" \
	"E-mail ini dikirim secara otomatis; mohon tidak membalas e-mail ini.\n"

#define SIGN_EN \
	"\n" \
	"Yours faithfully,\n" \
	"Electronic Certificate Service\n" \
	"\n" \
	"This message was sent automatically; please do not reply to it.\n"

static const struct template {
	const char	*name;
	const char	*subject_id;
	const char	*text_id;
	const char	*subject_en;
	const char	*text_en;
} templates[] = {
	{ "activation_link",
	  "Aktivasi akun sertifikat elektronik Anda",
	  "Yth. {{name}},\n"
	  "\n"
	  "{{agency}} telah mendaftarkan Anda sebagai calon pemilik sertifikat\n"
	  "elektronik. Untuk melanjutkan, silakan buka tautan berikut dan\n"
	  "lengkapi data Anda:\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "Tautan ini hanya dapat digunakan satu kali dan berlaku sampai\n"
	  "{{expires}}. Jika tautan sudah tidak berlaku, Anda dapat meminta\n"
	  "tautan baru.\n"
	  "\n"
	  "Mohon siapkan terlebih dahulu:\n"
	  "- NIK (Nomor Induk Kependudukan) sesuai KTP elektronik;\n"
	  "- NIP bagi ASN atau NRP bagi anggota POLRI;\n"
	  "- swafoto (foto wajah) yang jelas, tanpa masker dan kacamata hitam.\n"
	  "\n"
	  "Layanan ini tidak dipungut biaya apa pun. Kami tidak pernah meminta\n"
	  "pembayaran, kata sandi, passphrase, atau kode OTP melalui e-mail\n"
	  "maupun telepon.\n"
	  "\n"
	  "Jika Anda tidak merasa didaftarkan, abaikan e-mail ini atau hubungi\n"
	  "verifikator instansi Anda.\n"
	  SIGN_ID,
	  "Activate your electronic certificate account",
	  "Dear {{name}},\n"
	  "\n"
	  "{{agency}} has registered you to receive an electronic certificate.\n"
	  "To continue, please open the link below and complete your details:\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "The link can be used only once and is valid until {{expires}}. If it\n"
	  "has expired, you can request a new one.\n"
	  "\n"
	  "Please have the following ready:\n"
	  "- your NIK (population identity number) as shown on your electronic\n"
	  "  identity card (KTP-el);\n"
	  "- your NIP if you are a civil servant (ASN), or your NRP if you are a\n"
	  "  member of the police (POLRI);\n"
	  "- a clear selfie of your face, without a mask or sunglasses.\n"
	  "\n"
	  "This service is free of charge. We never ask for payment, passwords,\n"
	  "passphrases or OTP codes by e-mail or telephone.\n"
	  "\n"
	  "If you did not expect this registration, please ignore this message\n"
	  "or contact your agency's verifier.\n"
	  SIGN_EN },

	{ "application_rejected",
	  "Permohonan sertifikat elektronik Anda perlu diperbaiki",
	  "Yth. {{name}},\n"
	  "\n"
	  "Mohon maaf, permohonan sertifikat elektronik Anda belum dapat kami\n"
	  "setujui dengan alasan berikut:\n"
	  "\n"
	  "{{reason}}\n"
	  "\n"
	  "Silakan perbaiki data Anda dan ajukan kembali permohonan melalui\n"
	  "tautan berikut:\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "Apabila ada pertanyaan, silakan hubungi verifikator instansi Anda.\n"
	  SIGN_ID,
	  "Your electronic certificate application needs correcting",
	  "Dear {{name}},\n"
	  "\n"
	  "We regret that we cannot approve your electronic certificate\n"
	  "application yet, for the following reason:\n"
	  "\n"
	  "{{reason}}\n"
	  "\n"
	  "Please correct your details and submit your application again\n"
	  "through the link below:\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "If you have any questions, please contact your agency's verifier.\n"
	  SIGN_EN },

	{ "passphrase_link",
	  "Buat passphrase sertifikat elektronik Anda",
	  "Yth. {{name}},\n"
	  "\n"
	  "Silakan buat passphrase untuk sertifikat elektronik Anda melalui\n"
	  "tautan berikut (sekali pakai, berlaku sampai {{expires}} WIB):\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "Passphrase minimal 8 karakter, bukan kata sandi umum, dan tidak\n"
	  "memuat nama, NIK, atau tanggal lahir Anda. Passphrase tidak\n"
	  "disimpan oleh kami dan tidak dapat dipulihkan: jika lupa, sertifikat\n"
	  "harus diterbitkan ulang. Layanan ini tidak dipungut biaya.\n"
	  SIGN_ID,
	  "Set the passphrase of your electronic certificate",
	  "Dear {{name}},\n"
	  "\n"
	  "Please set the passphrase of your electronic certificate through\n"
	  "this link (single use, valid until {{expires}} WIB):\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "The passphrase has at least 8 characters, is not a common password\n"
	  "and does not contain your name, NIK or birth date. We do not store\n"
	  "it and cannot recover it: if you forget it, the certificate must be\n"
	  "issued anew. This service is free of charge.\n"
	  SIGN_EN },

	{ "certificate_issued",
	  "Sertifikat elektronik Anda telah terbit",
	  "Yth. {{name}},\n"
	  "\n"
	  "Sertifikat elektronik Anda telah terbit dan dapat digunakan untuk\n"
	  "menandatangani dokumen.\n"
	  "\n"
	  "Nomor seri: {{serial}}\n"
	  "Berlaku sampai: {{not_after}}\n"
	  "\n"
	  "Sertifikat (PEM) terlampir di bawah ini:\n"
	  "\n"
	  "{{pem}}"
	  "\n"
	  "Jika passphrase Anda diketahui orang lain, segera minta pencabutan\n"
	  "sertifikat.\n"
	  SIGN_ID,
	  "Your electronic certificate has been issued",
	  "Dear {{name}},\n"
	  "\n"
	  "Your electronic certificate has been issued and can be used to sign\n"
	  "documents.\n"
	  "\n"
	  "Serial number: {{serial}}\n"
	  "Valid until: {{not_after}}\n"
	  "\n"
	  "The certificate (PEM) is included below:\n"
	  "\n"
	  "{{pem}}"
	  "\n"
	  "If anyone else learns your passphrase, ask at once for the\n"
	  "certificate to be revoked.\n"
	  SIGN_EN },

	{ "certificate_revoked",
	  "Sertifikat elektronik Anda telah dicabut",
	  "Yth. {{name}},\n"
	  "\n"
	  "Sertifikat elektronik Anda dengan nomor seri {{serial}} telah\n"
	  "dicabut (alasan: {{reason}}) dan tidak dapat digunakan lagi untuk\n"
	  "menandatangani. Pencabutan bersifat final. Jika Anda memerlukan\n"
	  "sertifikat baru, silakan ajukan permohonan baru melalui instansi\n"
	  "Anda.\n"
	  SIGN_ID,
	  "Your electronic certificate has been revoked",
	  "Dear {{name}},\n"
	  "\n"
	  "Your electronic certificate with serial number {{serial}} has been\n"
	  "revoked (reason: {{reason}}) and can no longer be used to sign.\n"
	  "Revocation is final. If you need a new certificate, please apply\n"
	  "anew through your agency.\n"
	  SIGN_EN },

	{ "holder_suspended",
	  "Sertifikat elektronik Anda ditangguhkan",
	  "Yth. {{name}},\n"
	  "\n"
	  "Passphrase sertifikat elektronik Anda dimasukkan salah 5 kali\n"
	  "berturut-turut, sehingga sertifikat Anda ditangguhkan (SUSPEND) dan\n"
	  "tidak dapat digunakan untuk menandatangani. Hubungi verifikator\n"
	  "instansi Anda untuk verifikasi ulang. Jika bukan Anda yang mencoba,\n"
	  "segera laporkan: seseorang mungkin mencoba menebak passphrase Anda.\n"
	  SIGN_ID,
	  "Your electronic certificate has been suspended",
	  "Dear {{name}},\n"
	  "\n"
	  "The passphrase of your electronic certificate was entered wrongly\n"
	  "5 times in a row, so your certificate is suspended (SUSPEND) and\n"
	  "cannot be used to sign. Contact your agency's verifier to be\n"
	  "verified again. If it was not you, report it at once: someone may\n"
	  "be trying to guess your passphrase.\n"
	  SIGN_EN },

	{ "application_verified",
	  "Permohonan sertifikat elektronik Anda telah diverifikasi",
	  "Yth. {{name}},\n"
	  "\n"
	  "Data permohonan sertifikat elektronik Anda telah berhasil\n"
	  "diverifikasi.\n"
	  "\n"
	  "Langkah berikutnya: Anda akan menerima e-mail terpisah berisi\n"
	  "tautan untuk membuat passphrase. Passphrase tersebut digunakan\n"
	  "setiap kali Anda menandatangani dokumen secara elektronik dan hanya\n"
	  "boleh diketahui oleh Anda sendiri; jangan memberitahukannya kepada\n"
	  "siapa pun, termasuk petugas kami. Setelah passphrase dibuat,\n"
	  "sertifikat elektronik Anda akan diterbitkan.\n"
	  SIGN_ID,
	  "Your electronic certificate application has been verified",
	  "Dear {{name}},\n"
	  "\n"
	  "The details of your electronic certificate application have been\n"
	  "verified.\n"
	  "\n"
	  "Next step: you will receive a separate e-mail with a link to set\n"
	  "your passphrase. You will use this passphrase every time you sign a\n"
	  "document electronically; it must be known to you alone, so never\n"
	  "share it with anyone, including our staff. Once the passphrase is\n"
	  "set, your electronic certificate will be issued.\n"
	  SIGN_EN },

	{ "manual_review_needed",
	  "Permohonan sertifikat elektronik menunggu verifikasi Anda",
	  "Yth. {{verifier_name}},\n"
	  "\n"
	  "Permohonan sertifikat elektronik atas nama {{applicant_name}} dari\n"
	  "{{agency}} memerlukan verifikasi manual. Mohon periksa data dan\n"
	  "swafoto pemohon, lalu setujui atau tolak permohonan tersebut dengan\n"
	  "menyebutkan alasannya, paling lambat {{due}}.\n"
	  "\n"
	  "Permohonan dapat dibuka melalui tautan berikut:\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "Terima kasih atas kerja sama Anda.\n"
	  SIGN_ID,
	  "An electronic certificate application awaits your review",
	  "Dear {{verifier_name}},\n"
	  "\n"
	  "The electronic certificate application of {{applicant_name}} from\n"
	  "{{agency}} needs manual verification. Please check the applicant's\n"
	  "details and selfie, then approve or reject the application, giving\n"
	  "your reasons, by {{due}}.\n"
	  "\n"
	  "You can open the application here:\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "Thank you for your cooperation.\n"
	  SIGN_EN },

	{ "pks_expiring",
	  "Perjanjian Kerja Sama {{agency}} akan berakhir",
	  "Yth. Pengelola Layanan Sertifikat Elektronik {{agency}},\n"
	  "\n"
	  "Dengan hormat, kami sampaikan bahwa Perjanjian Kerja Sama (PKS)\n"
	  "nomor {{pks_number}} tentang pemanfaatan sertifikat elektronik akan\n"
	  "berakhir pada {{end_date}} ({{days_left}} hari lagi).\n"
	  "\n"
	  "Setelah PKS berakhir, pegawai {{agency}} tidak dapat lagi\n"
	  "mengajukan permohonan sertifikat elektronik. Untuk menjaga\n"
	  "kelangsungan layanan, mohon segera memproses perpanjangan PKS dan\n"
	  "menyampaikan salinannya kepada kami.\n"
	  "\n"
	  "Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.\n"
	  SIGN_ID,
	  "The cooperation agreement of {{agency}} is about to end",
	  "Dear Electronic Certificate Administrator of {{agency}},\n"
	  "\n"
	  "We would like to inform you that cooperation agreement (PKS)\n"
	  "number {{pks_number}} on the use of electronic certificates ends on\n"
	  "{{end_date}} (days remaining: {{days_left}}).\n"
	  "\n"
	  "Once the agreement has ended, employees of {{agency}} can no longer\n"
	  "apply for electronic certificates. To keep the service running,\n"
	  "please arrange the renewal of the agreement and send us a copy.\n"
	  "\n"
	  "Thank you for your attention and cooperation.\n"
	  SIGN_EN },

	{ "mail_test",
	  "Uji pengiriman e-mail Layanan Sertifikat Elektronik",
	  "Yth. {{name}},\n"
	  "\n"
	  "E-mail ini dikirim untuk menguji pengiriman e-mail Layanan\n"
	  "Sertifikat Elektronik. Jika Anda menerimanya, pengiriman e-mail\n"
	  "telah berfungsi dengan baik. Tidak ada tindakan yang perlu Anda\n"
	  "lakukan.\n"
	  SIGN_ID,
	  "Electronic Certificate Service e-mail test",
	  "Dear {{name}},\n"
	  "\n"
	  "This message tests the e-mail delivery of the Electronic\n"
	  "Certificate Service. If you have received it, delivery works. No\n"
	  "action is needed on your part.\n"
	  SIGN_EN },
	{ "renew_passphrase_link",
	  "Atur passphrase untuk sertifikat elektronik baru Anda",
	  "Yth. {{name}},\n"
	  "\n"
	  "Permohonan {{what}} sertifikat elektronik Anda telah disetujui.\n"
	  "Atur passphrase baru melalui tautan berikut; kunci dan sertifikat\n"
	  "baru dibuat saat itu juga. Tautan hanya berlaku satu kali, sampai\n"
	  "{{expires}} WIB:\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "Layanan ini tidak dipungut biaya.\n"
	  SIGN_ID,
	  "Set the passphrase for your new electronic certificate",
	  "Dear {{name}},\n"
	  "\n"
	  "Your request for {{what}} of your electronic certificate has been\n"
	  "approved. Set a new passphrase through the link below; the new key\n"
	  "and certificate are made at once. The link works once, until\n"
	  "{{expires}} WIB (UTC+7):\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "This service is free of charge.\n"
	  SIGN_EN },

	{ "reissue_link",
	  "Lupa passphrase sertifikat elektronik",
	  "Yth. {{name}},\n"
	  "\n"
	  "Kami menerima permintaan karena passphrase sertifikat elektronik Anda\n"
	  "terlupa. Passphrase tidak dapat dipulihkan: setelah Anda membuktikan\n"
	  "identitas kembali, sertifikat lama dicabut dan Anda mengatur\n"
	  "passphrase baru untuk kunci dan sertifikat baru. Lanjutkan melalui\n"
	  "tautan berikut (berlaku sampai {{expires}} WIB):\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "Jika Anda tidak memintanya, abaikan e-mail ini; sertifikat Anda tetap\n"
	  "berlaku.\n"
	  SIGN_ID,
	  "Forgotten passphrase of your electronic certificate",
	  "Dear {{name}},\n"
	  "\n"
	  "We received a request because the passphrase of your electronic\n"
	  "certificate was forgotten. A passphrase cannot be recovered: once you\n"
	  "have proved your identity again, the old certificate is revoked and\n"
	  "you set a new passphrase for a new key and certificate. Continue\n"
	  "through the link below (valid until {{expires}} WIB, UTC+7):\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "If you did not ask for this, ignore this message; your certificate\n"
	  "stays valid.\n"
	  SIGN_EN },

	{ "request_rejected",
	  "Permohonan {{what}} sertifikat elektronik ditolak",
	  "Yth. {{name}},\n"
	  "\n"
	  "Permohonan {{what}} sertifikat elektronik Anda ditolak dengan\n"
	  "alasan:\n"
	  "\n"
	  "{{reason}}\n"
	  "\n"
	  "Hubungi verifikator instansi Anda bila ada pertanyaan.\n"
	  SIGN_ID,
	  "Your request for {{what}} of your certificate was rejected",
	  "Dear {{name}},\n"
	  "\n"
	  "Your request for {{what}} of your electronic certificate was\n"
	  "rejected for this reason:\n"
	  "\n"
	  "{{reason}}\n"
	  "\n"
	  "Contact your agency's verifier if you have questions.\n"
	  SIGN_EN },

	{ "certificate_expiring",
	  "Sertifikat elektronik Anda berakhir dalam {{days}} hari",
	  "Yth. {{name}},\n"
	  "\n"
	  "Sertifikat elektronik Anda (nomor seri {{serial}}) berakhir pada\n"
	  "{{not_after}} WIB, {{days}} hari lagi. Ajukan pembaruan sebelum\n"
	  "tanggal itu: sertifikat yang sudah kedaluwarsa tidak dapat\n"
	  "diperbarui, dan Anda harus mengajukan permohonan baru. Pembaruan\n"
	  "tidak dipungut biaya.\n"
	  SIGN_ID,
	  "Your electronic certificate expires in {{days}} days",
	  "Dear {{name}},\n"
	  "\n"
	  "Your electronic certificate (serial {{serial}}) expires on\n"
	  "{{not_after}} WIB (UTC+7), in {{days}} days. Ask for renewal before\n"
	  "then: an expired certificate cannot be renewed, and you would have\n"
	  "to apply anew. Renewal is free of charge.\n"
	  SIGN_EN },

	{ "certificate_expired",
	  "Sertifikat elektronik Anda telah kedaluwarsa",
	  "Yth. {{name}},\n"
	  "\n"
	  "Sertifikat elektronik Anda (nomor seri {{serial}}) telah kedaluwarsa\n"
	  "dan tidak dapat lagi digunakan untuk menandatangani. Sertifikat yang\n"
	  "kedaluwarsa tidak dapat diperbarui: untuk sertifikat baru, ajukan\n"
	  "permohonan baru melalui verifikator instansi Anda.\n"
	  SIGN_ID,
	  "Your electronic certificate has expired",
	  "Dear {{name}},\n"
	  "\n"
	  "Your electronic certificate (serial {{serial}}) has expired and can\n"
	  "no longer sign. An expired certificate cannot be renewed: for a new\n"
	  "certificate, apply anew through your agency's verifier.\n"
	  SIGN_EN },

	{ "holder_unsuspended",
	  "Penangguhan sertifikat elektronik Anda telah dicabut",
	  "Yth. {{name}},\n"
	  "\n"
	  "Setelah verifikasi ulang, verifikator mencabut penangguhan sertifikat\n"
	  "elektronik Anda. Sertifikat Anda dapat digunakan kembali dengan\n"
	  "passphrase Anda.\n"
	  SIGN_ID,
	  "The suspension of your electronic certificate is lifted",
	  "Dear {{name}},\n"
	  "\n"
	  "After verifying you again, the verifier lifted the suspension of your\n"
	  "electronic certificate. It can be used again with your passphrase.\n"
	  SIGN_EN },

	{ "holder_review_needed",
	  "Permohonan {{what}} sertifikat menunggu verifikasi: {{holder_name}}",
	  "Yth. {{verifier_name}},\n"
	  "\n"
	  "Permohonan {{what}} sertifikat elektronik atas nama {{holder_name}}\n"
	  "({{agency}}) menunggu verifikasi Anda:\n"
	  "\n"
	  "{{reason}}\n"
	  "\n"
	  "{{link}}\n"
	  SIGN_ID,
	  "A certificate {{what}} request waits for you: {{holder_name}}",
	  "Dear {{verifier_name}},\n"
	  "\n"
	  "A request for {{what}} of the electronic certificate of\n"
	  "{{holder_name}} ({{agency}}) waits for your verification:\n"
	  "\n"
	  "{{reason}}\n"
	  "\n"
	  "{{link}}\n"
	  SIGN_EN },

	{ "review_due_soon",
	  "Segera diverifikasi sebelum {{due}}: {{applicant_name}}",
	  "Yth. {{verifier_name}},\n"
	  "\n"
	  "Permohonan sertifikat elektronik atas nama {{applicant_name}} harus\n"
	  "selesai sebelum {{due}} (satu hari kerja sejak data lengkap), dan\n"
	  "masih menunggu verifikasi Anda:\n"
	  "\n"
	  "{{link}}\n"
	  SIGN_ID,
	  "Due by {{due}}: {{applicant_name}}",
	  "Dear {{verifier_name}},\n"
	  "\n"
	  "The certificate application of {{applicant_name}} is due by {{due}}\n"
	  "(one working day after its data was complete) and still waits for\n"
	  "your verification:\n"
	  "\n"
	  "{{link}}\n"
	  SIGN_EN },
	{ "sign_totp",
	  "Kode TOTP penandatanganan: {{code}}",
	  "Yth. {{name}},\n"
	  "\n"
	  "Kode sekali pakai untuk menandatangani {{files}} dokumen:\n"
	  "\n"
	  "{{code}}\n"
	  "\n"
	  "Kode berlaku {{minutes}} menit dan hanya untuk jumlah dokumen itu.\n"
	  "Jangan berikan kode ini kepada siapa pun. Jika Anda tidak sedang\n"
	  "menandatangani, abaikan e-mail ini dan hubungi verifikator instansi.\n"
	  SIGN_ID,
	  "Signing TOTP code: {{code}}",
	  "Dear {{name}},\n"
	  "\n"
	  "The one-time code to sign {{files}} document(s):\n"
	  "\n"
	  "{{code}}\n"
	  "\n"
	  "It is valid for {{minutes}} minutes and for that number of documents\n"
	  "only. Never give it to anyone. If you are not signing, ignore this\n"
	  "message and contact your agency's verifier.\n"
	  SIGN_EN },
	{ "seal_code",
	  "Kode {{what}}: {{code}}",
	  "Yth. {{verifier_name}},\n"
	  "\n"
	  "Kode sekali pakai untuk {{what}} {{agency}} ({{files}} dokumen):\n"
	  "\n"
	  "{{code}}\n"
	  "\n"
	  "Kode berlaku {{minutes}} menit. Berikan hanya kepada aplikasi\n"
	  "instansi yang sedang Anda gunakan; jika Anda tidak memintanya,\n"
	  "abaikan e-mail ini.\n"
	  SIGN_ID,
	  "Code for {{what}}: {{code}}",
	  "Dear {{verifier_name}},\n"
	  "\n"
	  "The one-time code for {{what}} of {{agency}} ({{files}} document(s)):\n"
	  "\n"
	  "{{code}}\n"
	  "\n"
	  "It is valid for {{minutes}} minutes. Give it only to the agency\n"
	  "application you are using; if you did not ask for it, ignore this\n"
	  "message.\n"
	  SIGN_EN },
	{ "complaint_received",
	  "Pengaduan Anda diterima: {{ticket}}",
	  "Yth. {{name}},\n"
	  "\n"
	  "Terima kasih. Pengaduan Anda telah kami terima dan dicatat dengan\n"
	  "nomor tiket {{ticket}}. Kami akan menanggapinya paling lambat\n"
	  "{{due}} (satu hari kerja).\n"
	  "\n"
	  "Status dan tanggapan atas pengaduan Anda dapat dilihat melalui\n"
	  "tautan pribadi berikut:\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "Jangan bagikan tautan ini: siapa pun yang memilikinya dapat membaca\n"
	  "tanggapan atas pengaduan Anda. Sebutkan nomor tiket bila Anda\n"
	  "menghubungi kami melalui telepon 183 atau saluran lain.\n"
	  "\n"
	  "Layanan ini tidak dipungut biaya apa pun. Kami tidak pernah meminta\n"
	  "pembayaran, kata sandi, passphrase, atau kode OTP.\n"
	  SIGN_ID,
	  "Your complaint was received: {{ticket}}",
	  "Dear {{name}},\n"
	  "\n"
	  "Thank you. We have received your complaint and recorded it under\n"
	  "ticket number {{ticket}}. We will answer it by {{due}} (one working\n"
	  "day).\n"
	  "\n"
	  "You can follow its status and our answers through this private\n"
	  "link:\n"
	  "\n"
	  "{{link}}\n"
	  "\n"
	  "Do not share the link: anyone who has it can read the answers to\n"
	  "your complaint. Quote the ticket number when you contact us by\n"
	  "phone (183) or another channel.\n"
	  "\n"
	  "This service is free of charge. We never ask for payment, passwords,\n"
	  "passphrases or OTP codes.\n"
	  SIGN_EN },

	{ "complaint_reply",
	  "Tanggapan atas pengaduan {{ticket}}",
	  "Yth. {{name}},\n"
	  "\n"
	  "Berikut tanggapan kami atas pengaduan Anda dengan nomor tiket\n"
	  "{{ticket}}:\n"
	  "\n"
	  "{{reply}}\n"
	  "\n"
	  "Bila masih ada yang perlu disampaikan, hubungi kami dengan\n"
	  "menyebutkan nomor tiket tersebut; tanggapan ini juga dapat dilihat\n"
	  "melalui tautan status yang kami kirim saat pengaduan diterima.\n"
	  SIGN_ID,
	  "Our answer to complaint {{ticket}}",
	  "Dear {{name}},\n"
	  "\n"
	  "This is our answer to your complaint with ticket number {{ticket}}:\n"
	  "\n"
	  "{{reply}}\n"
	  "\n"
	  "If there is more you want to tell us, contact us quoting the ticket\n"
	  "number; this answer can also be read through the status link we\n"
	  "sent when your complaint was received.\n"
	  SIGN_EN },

	{ "complaint_closed",
	  "Pengaduan {{ticket}} ditutup",
	  "Yth. {{name}},\n"
	  "\n"
	  "Pengaduan Anda dengan nomor tiket {{ticket}} telah ditutup:\n"
	  "\n"
	  "{{reason}}\n"
	  "\n"
	  "Bila masalah Anda belum terselesaikan, sampaikan pengaduan baru\n"
	  "dengan menyebutkan nomor tiket tersebut.\n"
	  SIGN_ID,
	  "Complaint {{ticket}} is closed",
	  "Dear {{name}},\n"
	  "\n"
	  "Your complaint with ticket number {{ticket}} is now closed:\n"
	  "\n"
	  "{{reason}}\n"
	  "\n"
	  "If your problem is not solved, file a new complaint quoting that\n"
	  "ticket number.\n"
	  SIGN_EN },

	{ "complaint_assigned",
	  "Pengaduan {{ticket}} ditugaskan kepada Anda, batas {{due}}",
	  "Yth. {{staff_name}},\n"
	  "\n"
	  "Pengaduan dengan nomor tiket {{ticket}} (kategori {{category}})\n"
	  "ditugaskan kepada Anda. Tanggapi paling lambat {{due}} (satu hari\n"
	  "kerja sejak pengaduan diterima):\n"
	  "\n"
	  "{{link}}\n"
	  SIGN_ID,
	  "Complaint {{ticket}} is assigned to you, due {{due}}",
	  "Dear {{staff_name}},\n"
	  "\n"
	  "The complaint with ticket number {{ticket}} (category {{category}})\n"
	  "is assigned to you. Answer it by {{due}} (one working day after it\n"
	  "was received):\n"
	  "\n"
	  "{{link}}\n"
	  SIGN_EN },
};

#define VAR_MAX	32

const char *
mail_template_name(size_t i)
{
	if (i >= sizeof(templates) / sizeof(templates[0]))
		return NULL;
	return templates[i].name;
}

/* Checks a value: UTF-8, and no control characters (a body may hold
 * line breaks and tabs). */
static int
value_check(const char *tname, const char *var, const char *v, size_t n,
    int in_subject, struct err *e)
{
	size_t i;
	unsigned char c;

	if (!mail_utf8_ok(v, n))
		return err_set(e, ERR_BAD_REQUEST, "template %s: variable %s "
		    "is not valid UTF-8", tname, var);
	for (i = 0; i < n; i++) {
		c = (unsigned char)v[i];
		if (c >= 0x20 && c != 0x7f)
			continue;
		if (!in_subject && (c == '\n' || c == '\r' || c == '\t'))
			continue;
		return err_set(e, ERR_BAD_REQUEST, "template %s: variable %s "
		    "holds a %s", tname, var, c == '\n' || c == '\r' ?
		    "line break, which a subject cannot" :
		    "control character");
	}
	return 0;
}

/* Appends src with every {{var}} replaced by its value from vars. */
static int
fill(const char *tname, const char *src, json_t *vars, int in_subject,
    struct buf *out, struct err *e)
{
	char var[VAR_MAX + 1], num[32];
	const char *p = src, *open, *close, *v;
	json_t *j;
	size_t n, vn;

	while ((open = strstr(p, "{{")) != NULL) {
		if (buf_add(out, p, (size_t)(open - p)) == -1)
			goto full;
		if ((close = strstr(open + 2, "}}")) == NULL ||
		    (n = (size_t)(close - open - 2)) == 0 || n > VAR_MAX)
			return err_set(e, ERR_INTERNAL, "template %s: "
			    "malformed placeholder", tname);
		memcpy(var, open + 2, n);
		var[n] = '\0';
		j = vars != NULL ? json_object_get(vars, var) : NULL;
		if (j == NULL)
			return err_set(e, ERR_INTERNAL, "template %s: variable "
			    "%s is missing", tname, var);
		if (json_is_string(j)) {
			v = json_string_value(j);
			vn = json_string_length(j);
		} else if (json_is_integer(j)) {
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			    json_integer_value(j));
			v = num;
			vn = strlen(num);
		} else
			return err_set(e, ERR_INTERNAL, "template %s: variable "
			    "%s must be a string or an integer", tname, var);
		if (value_check(tname, var, v, vn, in_subject, e) == -1)
			return -1;
		if (buf_add(out, v, vn) == -1)
			goto full;
		p = close + 2;
	}
	if (buf_addstr(out, p) == -1 || buf_cstr(out) == -1)
		goto full;
	return 0;
full:
	return err_set(e, ERR_INTERNAL, "template %s: the rendered message "
	    "is larger than its buffer", tname);
}

int
mail_render(const char *name, int english, json_t *vars, struct buf *subject,
    struct buf *text, struct err *e)
{
	const struct template *t = NULL;
	size_t i;

	for (i = 0; i < sizeof(templates) / sizeof(templates[0]); i++)
		if (name != NULL && strcmp(templates[i].name, name) == 0)
			t = &templates[i];
	if (t == NULL)
		return err_set(e, ERR_NOT_FOUND, "no mail template '%.64s'",
		    name != NULL ? name : "");
	if (vars != NULL && !json_is_object(vars))
		return err_set(e, ERR_INTERNAL, "template %s: variables must "
		    "be a JSON object", t->name);
	if (fill(t->name, english ? t->subject_en : t->subject_id, vars, 1,
	    subject, e) == -1 ||
	    fill(t->name, english ? t->text_en : t->text_id, vars, 0, text,
	    e) == -1)
		return -1;
	return 0;
}
