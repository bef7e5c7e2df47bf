/* Structured detectors for personal and financial data in running text:
 * personnummer and samordningsnummer, Swedish phone numbers, e-mail, street
 * addresses and postnummer + ort, IBAN, bankgiro, plusgiro and card numbers.
 * Each checks what can be checked (Luhn, real dates, mod 97) so that dates,
 * organisationsnummer, order numbers and the like are not reported. They read
 * the original bytes, not the normalised text, and never allocate. */
#ifndef KV_SCREEN_DETECT_H
#define KV_SCREEN_DETECT_H

#include <stddef.h>

/* Called once per hit, in the order found; [start, end) are byte
 * offsets in the text. rule is a static string ("detect.personnummer").
 * Return non-zero to stop scanning. */
typedef int (*detect_fn)(void *ctx, int category, const char *rule, size_t start, size_t end);

/* Runs every detector over text[0..len). Returns the number of hits. */
size_t detect_all(const char *text, size_t len, detect_fn fn, void *ctx);

/* 1 when the digits (ASCII, n of them) pass the Luhn check. */
int detect_luhn(const char *digits, size_t n);

/* What a personnummer-shaped string is. */
enum detect_pnr {
	DETECT_PNR_NONE = 0,
	DETECT_PNR_PERSONNUMMER,
	DETECT_PNR_SAMORDNINGSNUMMER,
};

/* Classifies one candidate written in any supported form ("YYMMDD-NNNN",
 * "YYMMDD+NNNN", "YYYYMMDDNNNN", "YYYYMMDD-NNNN", "YYMMDDNNNN", spaces around
 * the separator). DETECT_PNR_NONE unless the date is real (day + 60 for a
 * samordningsnummer, whose month and day may also be 00) and the Luhn digit
 * holds. A samordningsnummer day is only checked against 31, as in
 * Skatteverket's own lists. */
enum detect_pnr detect_personnummer(const char *s, size_t len);

/* 1 when s[0..len) is a valid IBAN (spaces allowed, mod 97 == 1). */
int detect_iban(const char *s, size_t len);

#endif
