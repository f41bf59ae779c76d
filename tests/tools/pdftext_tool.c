/*
 * pdftext_tool - prints where an anchor text is in a PDF:
 *   pdftext_tool FILE.pdf NEEDLE  ->  "page x0 y0 x1 y1"
 * in the page's default user space. Exit status 0 found, 1 not found,
 * 2 any other error (message on stderr). Used by e2e_pdf_text.sh.
 */
#include <stdio.h>

#include <qpdf/qpdf-c.h>

#include "pdf_text.h"

int
main(int argc, char *argv[])
{
	struct err e = { 0 };
	qpdf_data q;
	qpdf_error qe;
	double box[4];
	int page, rc = 2;

	if (argc != 3) {
		fprintf(stderr, "usage: pdftext_tool FILE.pdf NEEDLE\n");
		return 2;
	}
	q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if ((qpdf_read(q, argv[1], NULL) & QPDF_ERRORS) != 0) {
		qe = qpdf_get_error(q);
		fprintf(stderr, "pdftext_tool: %s\n",
		    qe != NULL ? qpdf_get_error_full_text(q, qe) : "read error");
		goto out;
	}
	if (pdf_text_find(q, argv[2], &page, box, &e) == -1) {
		fprintf(stderr, "pdftext_tool: %s: %s\n",
		    err_info(e.code)->name, e.detail);
		rc = e.code == ERR_PDF_ANCHOR_NOT_FOUND ? 1 : 2;
		goto out;
	}
	printf("%d %.2f %.2f %.2f %.2f\n", page, box[0], box[1], box[2],
	    box[3]);
	rc = 0;
out:
	qpdf_cleanup(&q);
	return rc;
}
