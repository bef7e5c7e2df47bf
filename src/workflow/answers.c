/* The copy check of answers. */
#include "workflow/answers.h"

#include "base/buf.h"
#include "store/answer_rows.h"
#include "store/questions.h"
#include "workflow/alerts.h"

#include <stdlib.h>
#include <string.h>

#define WORDS_MAX 400

/* Splits s (normalised: words separated by one space) into up to max
 * words, each a pointer and a length. */
static size_t words(const char *s, const char **w, size_t *len, size_t max)
{
	size_t n = 0;

	while (*s && n < max) {
		size_t k = strcspn(s, " ");

		if (k) {
			w[n] = s;
			len[n] = k;
			n++;
		}
		s += k;
		while (*s == ' ')
			s++;
	}
	return n;
}

static int has(const char **w, const size_t *len, size_t n, const char *x, size_t xl)
{
	for (size_t i = 0; i < n; i++)
		if (len[i] == xl && memcmp(w[i], x, xl) == 0)
			return 1;
	return 0;
}

double answers_similarity(const char *a, const char *b)
{
	const char *wa[WORDS_MAX], *wb[WORDS_MAX];
	size_t la[WORDS_MAX], lb[WORDS_MAX], na, nb, ua = 0, ub = 0, both = 0;

	if (strcmp(a, b) == 0)
		return *a ? 1.0 : 0.0;
	na = words(a, wa, la, WORDS_MAX);
	nb = words(b, wb, lb, WORDS_MAX);
	/* Distinct words of each, and those they share. */
	for (size_t i = 0; i < na; i++)
		if (!has(wa, la, i, wa[i], la[i])) {
			ua++;
			both += has(wb, lb, nb, wa[i], la[i]);
		}
	for (size_t i = 0; i < nb; i++)
		if (!has(wb, lb, i, wb[i], lb[i]))
			ub++;
	if (ua == 0 || ub == 0)
		return 0.0;
	return (double)both / (double)(ua + ub - both);
}

struct check {
	const struct op_ctx *op;
	const char *mine;
	answers_fn fn;
	void *ctx;
	struct buf b;
	struct err *err;
	int rc;
};

static int earlier(void *arg, int64_t question, int64_t account_id, int64_t answered_at,
                   const char *by, const char *text)
{
	struct check *c = arg;
	struct answers_copy copy;
	double sim;

	if (!principal_can(c->op->who, PERM_ITEM_READ, account_id))
		return 0;
	buf_clear(&c->b);
	if (alerts_normalise_answer(&c->b, text, c->err) != KV_OK)
		return 0; /* an earlier text that is not UTF-8 is no copy of this one */
	sim = answers_similarity(c->mine, buf_cstr(&c->b));
	if (sim < ANSWERS_SIMILAR)
		return 0;
	copy = (struct answers_copy){question, answered_at, by, text, sim};
	return c->fn(c->ctx, &copy);
}

struct qacc {
	int64_t account;
	int found;
};

static int q_account(void *arg, const struct question_row *q)
{
	struct qacc *x = arg;

	x->account = q->account_id;
	x->found = 1;
	return 1;
}

int answers_check(const struct op_ctx *op, int64_t question, const char *text, answers_fn fn,
                  void *ctx, struct err *err)
{
	struct question_filter f = {.org = op->org, .id = question, .now = op->now};
	struct check c = {op, NULL, fn, ctx, {0}, err, 0};
	struct qacc x = {0, 0};
	struct buf mine;
	int rc;

	rc = questions_each(op->store, &f, q_account, &x, err);
	if (rc < 0)
		return rc;
	if (!x.found)
		return err_set(err, KV_ENOTFOUND, "question %lld does not exist",
		               (long long)question);
	rc = op_ctx_require(op, PERM_INBOX_WORK, x.account, err);
	if (rc)
		return rc;
	if (!text || !*text)
		return err_set(err, KV_EINVAL, "text: the answer is empty");
	buf_init(&mine, (size_t)1 << 20);
	rc = alerts_normalise_answer(&mine, text, err);
	if (rc) {
		buf_done(&mine);
		return err_prefix(err, "text: ");
	}
	c.mine = buf_cstr(&mine);
	buf_init(&c.b, (size_t)1 << 20);
	rc = answer_rows_each(op->store, op->org, ANSWERS_LOOKBACK, earlier, &c, err);
	buf_done(&c.b);
	buf_done(&mine);
	return rc > 0 ? KV_OK : rc;
}
