/* Structured detectors (see detect.h): one left-to-right pass over the
 * original bytes that jumps from digit to digit (and to each '@'), looking back
 * a byte or two for "+46" and an IBAN's country code. Every candidate is checked (Luhn, calendar,
 * mod 97, context words) before it is reported. Not a validator for forms: it finds data in running
 * text. */
#include "screen/detect.h"

#include "screen/screen.h"

#include <string.h>

#define MAX_GROUPS 8
#define MAX_DIGITS 24

/* Digit groups from one position: "850101-1234" is {6,4}. */
struct groups {
	int n;
	int size[MAX_GROUPS];
	char sep[MAX_GROUPS];   /* separator after group k ('-', '+', ' ') */
	size_t end[MAX_GROUPS]; /* byte offset after group k */
	char digits[MAX_DIGITS + 1];
	int ndigits;
};

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Reads digit groups at s[i] separated by one space, '-', '+', or " - ". */
static void read_groups(const char *s, size_t len, size_t i, struct groups *g)
{
	memset(g, 0, sizeof(*g));
	while (i < len && g->n < MAX_GROUPS) {
		int k = 0;
		size_t j;

		while (i < len && is_digit((unsigned char)s[i])) {
			if (g->ndigits >= MAX_DIGITS)
				return;
			g->digits[g->ndigits++] = s[i];
			i++;
			k++;
		}
		if (k == 0)
			return;
		g->size[g->n] = k;
		g->end[g->n] = i;
		g->n++;
		/* A separator must be followed by a digit to join the groups. */
		j = i;
		if (j < len && s[j] == ' ' && j + 1 < len && (s[j + 1] == '-' || s[j + 1] == '+') &&
		    j + 2 < len && s[j + 2] == ' ') {
			g->sep[g->n - 1] = s[j + 1];
			j += 3;
		} else if (j < len && (s[j] == ' ' || s[j] == '-' || s[j] == '+')) {
			g->sep[g->n - 1] = s[j];
			j += 1;
		} else {
			return;
		}
		if (j >= len || !is_digit((unsigned char)s[j])) {
			g->sep[g->n - 1] = 0;
			return;
		}
		i = j;
	}
}

static int ends_cleanly(const char *s, size_t len, size_t end)
{
	/* "850101-1234abc" and "850101-12345" are not personnummer. */
	return end >= len || !is_alnum((unsigned char)s[end]);
}

int detect_luhn(const char *digits, size_t n)
{
	int sum = 0;

	if (n == 0)
		return 0;
	for (size_t k = 0; k < n; k++) {
		int d = digits[n - 1 - k] - '0';

		if (d < 0 || d > 9)
			return 0;
		if (k % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum % 10 == 0;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && leap(y) ? 29 : dim[m - 1];
}

static int num2(const char *d)
{
	return (d[0] - '0') * 10 + (d[1] - '0');
}

/* d: ten digits YYMMDDNNNC; century: 18, 19, 20 or -1 when unknown. */
static enum detect_pnr classify10(const char *d, int century)
{
	int yy = num2(d), mm = num2(d + 2), dd = num2(d + 4);
	int sam = 0;

	if (dd >= 60) {
		sam = 1;
		dd -= 60;
	}
	if (mm > 12 || dd > 31)
		return DETECT_PNR_NONE;
	if (!sam && (mm == 0 || dd == 0))
		return DETECT_PNR_NONE;
	/* Skatteverket's samordningsnummer include days past the month's end
	 * (31 April); only personnummer are held to the calendar. */
	if (!sam && mm >= 1 && dd >= 1) {
		int ok = 0;

		if (century > 0)
			ok = dd <= days_in_month(century * 100 + yy, mm);
		else
			ok = dd <= days_in_month(1900 + yy, mm) ||
			     dd <= days_in_month(2000 + yy, mm);
		if (!ok)
			return DETECT_PNR_NONE;
	}
	if (!detect_luhn(d, 10))
		return DETECT_PNR_NONE;
	return sam ? DETECT_PNR_SAMORDNINGSNUMMER : DETECT_PNR_PERSONNUMMER;
}

/* Checks groups[0..k) as a personnummer shape; digits are the first ones. */
static enum detect_pnr classify_groups(const struct groups *g, int k)
{
	int total = 0;

	for (int j = 0; j < k; j++)
		total += g->size[j];
	if (k == 1 && total == 12) {
		int c = num2(g->digits);

		if (c < 18 || c > 20)
			return DETECT_PNR_NONE;
		return classify10(g->digits + 2, c);
	}
	if (k == 1 && total == 10) {
		/* Ten digits with a real date and a Luhn digit are a
		 * personnummer even when they could be dialled ("0606162386",
		 * born 2006): see docs/internals/screen.md. */
		return classify10(g->digits, -1);
	}
	if (k == 2 && g->size[1] == 4 &&
	    (g->sep[0] == '-' || g->sep[0] == '+' || g->sep[0] == ' ')) {
		if (g->size[0] == 6)
			return classify10(g->digits, -1);
		if (g->size[0] == 8) {
			int c = num2(g->digits);

			if (c < 18 || c > 20)
				return DETECT_PNR_NONE;
			return classify10(g->digits + 2, c);
		}
	}
	return DETECT_PNR_NONE;
}

enum detect_pnr detect_personnummer(const char *s, size_t len)
{
	struct groups g;

	if (len == 0 || !is_digit((unsigned char)s[0]))
		return DETECT_PNR_NONE;
	read_groups(s, len, 0, &g);
	if (g.n == 0 || g.n > 2 || g.end[g.n - 1] != len)
		return DETECT_PNR_NONE;
	return classify_groups(&g, g.n);
}

/* A context word such as "bankgiro" within 40 bytes before start. */
static int context_before(const char *s, size_t start, const char *const *words)
{
	size_t from = start > 40 ? start - 40 : 0;

	for (const char *const *w = words; *w; w++) {
		size_t wl = strlen(*w);

		for (size_t p = from; p + wl <= start; p++) {
			size_t q = 0;

			while (q < wl && lower((unsigned char)s[p + q]) == (unsigned char)(*w)[q])
				q++;
			/* "bg" and "pg" are short: they must stand as words. */
			if (q == wl && (p == 0 || !is_alnum((unsigned char)s[p - 1])) &&
			    (wl > 2 || p + wl >= start || !is_alnum((unsigned char)s[p + wl])))
				return 1;
		}
	}
	return 0;
}

static const char *const bankgiro_words[] = {"bankgiro", "bg", NULL};
static const char *const plusgiro_words[] = {"plusgiro", "postgiro", "pg", NULL};
static const char *const phone_words[] = {"ring",   "tel",     "telefon", "mobil", "sms",
                                          "nås på", "nummret", "växel",   NULL};

static int is_date_shape(const struct groups *g, int k)
{
	if (k == 3 && g->sep[0] == g->sep[1] && g->sep[0] != ' ' &&
	    ((g->size[0] == 2 && g->size[1] == 2 && (g->size[2] == 4 || g->size[2] == 2)) ||
	     (g->size[0] == 4 && g->size[1] == 2 && g->size[2] == 2)))
		return 1;
	return 0;
}

/* A Swedish number from its leading 0: eight to ten digits in all. */
static size_t phone_national(const char *s, size_t len, size_t i)
{
	struct groups g;
	int total = 0;
	size_t best = 0;

	if (i + 1 >= len || s[i] != '0' || !is_digit((unsigned char)s[i + 1]) || s[i + 1] == '0')
		return 0;
	read_groups(s, len, i, &g);
	for (int k = 0; k < g.n; k++) {
		if (k > 0 && g.sep[k - 1] == '+')
			break;
		total += g.size[k];
		if (total > 10)
			break;
		if (total >= 8 && !is_date_shape(&g, k + 1) && ends_cleanly(s, len, g.end[k]))
			best = g.end[k];
	}
	return best;
}

/* +46 or 0046, an optional "(0)", then seven to nine digits. */
static size_t phone_international(const char *s, size_t len, size_t i)
{
	size_t j = i;
	struct groups g;
	int total = 0;
	size_t best = 0;

	if (s[j] == '+' && j + 2 < len && s[j + 1] == '4' && s[j + 2] == '6')
		j += 3;
	else if (j + 4 < len && memcmp(s + j, "0046", 4) == 0)
		j += 4;
	else
		return 0;
	if (j < len && (s[j] == ' ' || s[j] == '-'))
		j++;
	if (j + 2 < len && s[j] == '(' && s[j + 1] == '0' && s[j + 2] == ')') {
		j += 3;
		if (j < len && s[j] == ' ')
			j++;
	}
	if (j >= len || !is_digit((unsigned char)s[j]) || s[j] == '0')
		return 0;
	read_groups(s, len, j, &g);
	for (int k = 0; k < g.n; k++) {
		if (k > 0 && g.sep[k - 1] == '+')
			break;
		total += g.size[k];
		if (total > 9)
			break;
		if (total >= 7 && ends_cleanly(s, len, g.end[k]))
			best = g.end[k];
	}
	return best;
}

static size_t card_number(const char *s, size_t len, const struct groups *g)
{
	int total = 0;
	char sep = g->n > 1 ? g->sep[0] : 0;

	if (g->digits[0] < '2' || g->digits[0] > '6')
		return 0;
	for (int k = 0; k < g->n; k++) {
		total += g->size[k];
		if (k + 1 < g->n && g->sep[k] != sep)
			return 0;
		if (g->n > 1 && g->size[k] < 3)
			return 0;
	}
	if (sep == '+' || total < 13 || total > 19)
		return 0;
	if (!ends_cleanly(s, len, g->end[g->n - 1]) || !detect_luhn(g->digits, (size_t)total))
		return 0;
	return g->end[g->n - 1];
}

static size_t giro(const char *s, size_t len, size_t i, const struct groups *g, const char **rule)
{
	int total = 0;

	for (int k = 0; k < g->n; k++)
		total += g->size[k];
	if (!ends_cleanly(s, len, g->end[g->n - 1]) || !detect_luhn(g->digits, (size_t)total))
		return 0;
	if (g->n == 2 && g->sep[0] == '-' && (g->size[0] == 3 || g->size[0] == 4) &&
	    g->size[1] == 4 && context_before(s, i, bankgiro_words)) {
		*rule = "detect.bankgiro";
		return g->end[1];
	}
	if (g->size[g->n - 1] == 1 && g->sep[g->n - 2] == '-' && total >= 2 && total <= 8 &&
	    context_before(s, i, plusgiro_words)) {
		*rule = "detect.plusgiro";
		return g->end[g->n - 1];
	}
	return 0;
}

/* "123 45 Ort" or "12345 Ort": a postnummer followed by a capitalised word. */
static size_t postnummer(const char *s, size_t len, const struct groups *g)
{
	size_t j;

	if (g->digits[0] == '0')
		return 0;
	if (!((g->n >= 1 && g->size[0] == 5) ||
	      (g->n >= 2 && g->size[0] == 3 && g->size[1] == 2 && g->sep[0] == ' ')))
		return 0;
	j = g->size[0] == 5 ? g->end[0] : g->end[1];
	if (j + 2 >= len || s[j] != ' ')
		return 0;
	j++;
	if ((s[j] >= 'A' && s[j] <= 'Z' && s[j + 1] >= 'a' && s[j + 1] <= 'z') ||
	    ((unsigned char)s[j] == 0xC3 &&
	     ((unsigned char)s[j + 1] == 0x85 || (unsigned char)s[j + 1] == 0x84 ||
	      (unsigned char)s[j + 1] == 0x96))) {
		while (j < len && is_alnum((unsigned char)s[j]))
			j++;
		return j;
	}
	return 0;
}

static const char *const street_suffixes[] = {
        "gatan",    "gata",   "vägen",   "väg",        "gränd",      "gränden", "torget",
        "torg",     "stigen", "allén",   "backe",      "backen",     "leden",   "kajen",
        "stranden", "ringen", "slingan", "esplanaden", "promenaden", "platsen", NULL};

/* "Storgatan 12", "Kungsvägen 3B": a street word right before a short number.
 * Returns the start of the street word, or (size_t)-1. */
static size_t street_start(const char *s, size_t i)
{
	size_t e, b;

	if (i < 2 || s[i - 1] != ' ')
		return (size_t)-1;
	e = i - 1;
	b = e;
	while (b > 0 && (((unsigned char)s[b - 1] >= 'a' && (unsigned char)s[b - 1] <= 'z') ||
	                 ((unsigned char)s[b - 1] >= 'A' && (unsigned char)s[b - 1] <= 'Z') ||
	                 (unsigned char)s[b - 1] >= 0x80))
		b--;
	for (const char *const *w = street_suffixes; *w; w++) {
		size_t wl = strlen(*w);

		/* A name before the suffix: "gatan 5" alone is not an address. */
		if (e - b >= wl + 2 && memcmp(s + e - wl, *w, wl) == 0)
			return b;
	}
	return (size_t)-1;
}

static size_t email(const char *s, size_t len, size_t at, size_t *start)
{
	size_t b = at, e = at + 1, last_dot = 0;

	while (b > 0) {
		unsigned char c = (unsigned char)s[b - 1];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' ||
		    c == '_' || c == '%' || c == '+' || c == '-')
			b--;
		else
			break;
	}
	while (b < at && s[b] == '.')
		b++;
	if (b == at)
		return 0;
	while (e < len) {
		unsigned char c = (unsigned char)s[e];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-')
			e++;
		else if (c == '.' && e + 1 < len && is_alnum((unsigned char)s[e + 1]) &&
		         s[e - 1] != '.') {
			last_dot = e;
			e++;
		} else
			break;
	}
	if (!last_dot || e - last_dot < 3)
		return 0;
	for (size_t k = last_dot + 1; k < e; k++)
		if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z')))
			return 0;
	*start = b;
	return e;
}

static int iban_check(const char *s, size_t len, size_t *nchars)
{
	char buf[40];
	size_t n = 0;
	unsigned rem = 0;

	for (size_t k = 0; k < len; k++) {
		if (s[k] == ' ')
			continue;
		if (n >= 34)
			return 0;
		buf[n++] = s[k];
	}
	*nchars = n;
	if (n < 15 || !(buf[0] >= 'A' && buf[0] <= 'Z') || !(buf[1] >= 'A' && buf[1] <= 'Z') ||
	    !is_digit((unsigned char)buf[2]) || !is_digit((unsigned char)buf[3]))
		return 0;
	for (size_t k = 0; k < n; k++) {
		char c = buf[(k + 4) % n];

		if (is_digit((unsigned char)c))
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		else if (c >= 'A' && c <= 'Z')
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			return 0;
	}
	return rem == 1;
}

int detect_iban(const char *s, size_t len)
{
	size_t n;

	return iban_check(s, len, &n);
}

/* An IBAN at s[i]: capitals and digits, single spaces between groups. */
static size_t iban(const char *s, size_t len, size_t i)
{
	size_t e = i, ends[12];
	int nends = 0;

	if (i + 4 >= len || !(s[i + 1] >= 'A' && s[i + 1] <= 'Z') ||
	    !is_digit((unsigned char)s[i + 2]) || !is_digit((unsigned char)s[i + 3]))
		return 0;
	while (e < len && e - i < 50) {
		unsigned char c = (unsigned char)s[e];

		if (is_digit(c) || (c >= 'A' && c <= 'Z')) {
			e++;
			continue;
		}
		if (c == ' ' && e + 1 < len &&
		    (is_digit((unsigned char)s[e + 1]) || (s[e + 1] >= 'A' && s[e + 1] <= 'Z'))) {
			if (nends < 12)
				ends[nends++] = e;
			e++;
			continue;
		}
		break;
	}
	if (ends_cleanly(s, len, e) && detect_iban(s + i, e - i))
		return e;
	while (nends > 0) {
		size_t x = ends[--nends];

		if (detect_iban(s + i, x - i))
			return x;
	}
	return 0;
}

/* 1 for '0'..'9' and '@'. */
static const unsigned char digit_or_at[256] = {
        ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
        ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['@'] = 1,
};

size_t detect_all(const char *text, size_t len, detect_fn fn, void *ctx)
{
	const char *s = text;
	size_t i = 0, hits = 0;

#define HIT(cat, rule, a, b)                                                                       \
	do {                                                                                       \
		hits++;                                                                            \
		if (fn(ctx, (cat), (rule), (a), (b)))                                              \
			return hits;                                                               \
	} while (0)

	while (i < len) {
		unsigned char c;
		int at_word;
		size_t j = i;

		/* Every detector needs a digit or an '@': skip to the next one,
		 * then step back to where an IBAN ("SE45") or "+46" would begin,
		 * so plain words cost one table look-up per byte. */
		while (j < len && !digit_or_at[(unsigned char)s[j]])
			j++;
		if (j >= len)
			break;
		if (s[j] != '@') {
			if (j >= i + 2 && s[j - 2] >= 'A' && s[j - 2] <= 'Z' && s[j - 1] >= 'A' &&
			    s[j - 1] <= 'Z')
				j -= 2;
			else if (j >= i + 1 && s[j - 1] == '+')
				j -= 1;
		}
		i = j;
		c = (unsigned char)s[i];
		at_word = i == 0 || !is_alnum((unsigned char)s[i - 1]);

		if (c == '@') {
			size_t b, e = email(s, len, i, &b);

			if (e) {
				HIT(SCREEN_CONTACT, "detect.email", b, e);
				i = e;
				continue;
			}
			i++;
			continue;
		}
		if (c == '+' && at_word) {
			size_t e = phone_international(s, len, i);

			if (e) {
				HIT(SCREEN_CONTACT, "detect.phone", i, e);
				i = e;
				continue;
			}
			i++;
			continue;
		}
		if (c >= 'A' && c <= 'Z' && at_word) {
			size_t e = iban(s, len, i);

			if (e) {
				HIT(SCREEN_FINANCIAL, "detect.iban", i, e);
				i = e;
				continue;
			}
			i++;
			continue;
		}
		if (is_digit(c) && at_word &&
		    (i == 0 || s[i - 1] != '-' || i < 2 || !is_digit((unsigned char)s[i - 2]))) {
			struct groups g;
			enum detect_pnr p = DETECT_PNR_NONE;
			size_t e = 0, st;
			const char *rule = NULL;

			read_groups(s, len, i, &g);
			/* Longest personnummer shape first, then one group less. */
			for (int k = g.n < 2 ? g.n : 2; k >= 1 && p == DETECT_PNR_NONE; k--)
				if ((k == g.n || g.sep[k - 1] == ' ') &&
				    ends_cleanly(s, len, g.end[k - 1]) &&
				    (p = classify_groups(&g, k)) != DETECT_PNR_NONE)
					e = g.end[k - 1];
			if (p != DETECT_PNR_NONE) {
				HIT(SCREEN_PERSONAL_ID,
				    p == DETECT_PNR_PERSONNUMMER ? "detect.personnummer"
				                                 : "detect.samordningsnummer",
				    i, e);
				/* Ten digits from 0 after "ring", "tel" ...: also a
				 * phone number, as the words say. */
				if (e - i == 10 && s[i] == '0' && context_before(s, i, phone_words))
					HIT(SCREEN_CONTACT, "detect.phone", i, e);
				i = e;
				continue;
			}
			if ((e = phone_international(s, len, i)) != 0) {
				HIT(SCREEN_CONTACT, "detect.phone", i, e);
				i = e;
				continue;
			}
			if ((e = card_number(s, len, &g)) != 0) {
				HIT(SCREEN_FINANCIAL, "detect.card", i, e);
				i = e;
				continue;
			}
			if (g.n >= 2 && (e = giro(s, len, i, &g, &rule)) != 0) {
				HIT(SCREEN_FINANCIAL, rule, i, e);
				i = e;
				continue;
			}
			if ((e = phone_national(s, len, i)) != 0) {
				HIT(SCREEN_CONTACT, "detect.phone", i, e);
				i = e;
				continue;
			}
			if ((e = postnummer(s, len, &g)) != 0) {
				HIT(SCREEN_CONTACT, "detect.postnummer", i, e);
				i = e;
				continue;
			}
			if (g.n >= 1 && g.size[0] <= 4 && (st = street_start(s, i)) != (size_t)-1) {
				e = g.end[0];
				if (e < len &&
				    ((s[e] >= 'A' && s[e] <= 'Z') ||
				     (s[e] >= 'a' && s[e] <= 'z')) &&
				    ends_cleanly(s, len, e + 1))
					e++;
				if (ends_cleanly(s, len, e)) {
					HIT(SCREEN_CONTACT, "detect.address", st, e);
					i = e;
					continue;
				}
			}
			/* Skip the whole digit run: its inner digits start no word. */
			while (i < len && is_digit((unsigned char)s[i]))
				i++;
			continue;
		}
		i++;
	}
#undef HIT
	return hits;
}
