/* Loading a selection and ordering it as threads: items arrive in time
 * order; roots are found by platform id (sorted index, binary search),
 * children are gathered under their root in the order they came. */
#define _GNU_SOURCE /* qsort_r */
#include "records/records_threads.h"

#include <stdlib.h>
#include <string.h>

struct loader {
	struct arena *a;
	struct records_item *v;
	size_t n, cap;
	int skip_messages;
	int oom;
	const int64_t *only;
	size_t n_only;
};

static const char *cp(struct loader *l, const char *s)
{
	if (!s)
		return NULL;
	char *c = arena_strdup(l->a, s);
	if (!c)
		l->oom = 1;
	return c;
}

static int on_item(void *ctx, const struct item_row *r)
{
	struct loader *l = ctx;

	if (l->skip_messages && r->kind && strcmp(r->kind, "message") == 0)
		return 0;
	if (l->n_only) {
		size_t k = 0;
		while (k < l->n_only && l->only[k] != r->id)
			k++;
		if (k == l->n_only)
			return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		void *p = realloc(l->v, cap * sizeof(*l->v));
		if (!p)
			return KV_ENOMEM;
		l->v = p;
		l->cap = cap;
	}
	struct records_item *it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->id = r->id;
	it->account_id = r->account_id;
	it->platform_id = cp(l, r->platform_id);
	it->kind = cp(l, r->kind);
	it->parent_platform_id = cp(l, r->parent_platform_id);
	it->root_platform_id = cp(l, r->root_platform_id);
	it->author_id = cp(l, r->author_id);
	it->author_name = cp(l, r->author_name);
	it->direction = cp(l, r->direction);
	it->permalink = cp(l, r->permalink);
	it->state = cp(l, r->state);
	it->text = cp(l, r->text ? r->text : "");
	it->created_at = r->created_at;
	it->captured_at = r->captured_at;
	it->versions = r->versions;
	return l->oom ? KV_ENOMEM : 0;
}

/* Sort index by platform id (qsort_r: serve sorts on several threads). */
static int by_pid(const void *a, const void *b, void *arg)
{
	const struct records_item *v = arg;
	const struct records_item *x = &v[*(const size_t *)a], *y = &v[*(const size_t *)b];
	return strcmp(x->platform_id ? x->platform_id : "", y->platform_id ? y->platform_id : "");
}

static long find_pid(const struct records_item *v, const size_t *idx, size_t n, const char *pid)
{
	size_t lo = 0, hi = n;

	if (!pid)
		return -1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(v[idx[mid]].platform_id ? v[idx[mid]].platform_id : "", pid);
		if (c == 0)
			return (long)idx[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int is_post(const struct records_item *it)
{
	return it->kind && (strcmp(it->kind, "post") == 0 || strcmp(it->kind, "media") == 0);
}

int records_threads_load(struct store *s, const struct item_filter *f, const int64_t *only,
                         size_t n_only, int roots_newest_first, int skip_messages,
                         struct records_threads *out, struct err *err)
{
	struct loader l = {0};
	struct item_filter ff = *f;
	size_t *idx = NULL, *root_of = NULL, *count = NULL, *start = NULL, *roots = NULL;
	struct records_item *ordered = NULL;
	size_t n_roots = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	arena_init(&out->a);
	l.a = &out->a;
	l.skip_messages = skip_messages;
	l.only = only;
	l.n_only = n_only;
	ff.newest_first = 0;
	ff.limit = 0;
	rc = items_each(s, &ff, on_item, &l, err);
	if (rc == KV_ENOMEM)
		rc = err_set(err, KV_ENOMEM, "out of memory loading items");
	if (rc)
		goto fail;
	size_t n = l.n;
	idx = malloc((n + 1) * sizeof(*idx));
	root_of = malloc((n + 1) * sizeof(*root_of));
	count = calloc(n + 1, sizeof(*count));
	start = calloc(n + 1, sizeof(*start));
	roots = malloc((n + 1) * sizeof(*roots));
	ordered = malloc((n + 1) * sizeof(*ordered));
	if (!idx || !root_of || !count || !start || !roots || !ordered) {
		rc = err_set(err, KV_ENOMEM, "out of memory ordering %zu items", n);
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), by_pid, l.v);
	/* Each item's root: itself when a post; else its root (or parent) when
	 * that is in the set; else itself, as an orphan root. */
	for (size_t i = 0; i < n; i++) {
		struct records_item *it = &l.v[i];
		long r = -1;
		if (!is_post(it)) {
			r = find_pid(l.v, idx, n, it->root_platform_id);
			if (r < 0)
				r = find_pid(l.v, idx, n, it->parent_platform_id);
			if (r >= 0 && (size_t)r != i && !is_post(&l.v[r]) &&
			    find_pid(l.v, idx, n, l.v[r].root_platform_id) >= 0)
				r = find_pid(l.v, idx, n, l.v[r].root_platform_id);
		}
		if (r < 0 || (size_t)r == i) {
			root_of[i] = i;
			it->orphan = !is_post(it);
			roots[n_roots++] = i;
		} else {
			root_of[i] = (size_t)r;
		}
	}
	/* A root found through another item must itself be a root. */
	for (size_t i = 0; i < n; i++)
		if (root_of[root_of[i]] != root_of[i])
			root_of[i] = root_of[root_of[i]];
	for (size_t i = 0; i < n; i++)
		if (root_of[i] != i)
			count[root_of[i]]++;
	/* Output positions: roots in the chosen order, each followed by its
	 * children in time order. */
	size_t pos = 0;
	for (size_t k = 0; k < n_roots; k++) {
		size_t r = roots_newest_first ? roots[n_roots - 1 - k] : roots[k];
		start[r] = pos;
		pos += 1 + count[r];
		count[r] = 0;
	}
	for (size_t i = 0; i < n; i++) {
		size_t r = root_of[i];
		size_t at = r == i ? start[r] : start[r] + 1 + count[r]++;
		ordered[at] = l.v[i];
		ordered[at].depth = 0;
		if (r != i) {
			/* A comment sits at 1; a reply one below its parent when that
			 * parent is a comment of the same thread in the set. */
			long p = find_pid(l.v, idx, n, l.v[i].parent_platform_id);
			int d = 1;
			if (p >= 0 && (size_t)p != r && root_of[p] == r && l.v[p].kind &&
			    strcmp(l.v[p].kind, "post") != 0)
				d = 2;
			if (d == 2 && l.v[i].kind && strcmp(l.v[i].kind, "comment") == 0)
				d = 1;
			ordered[at].depth = d;
		}
	}
	free(l.v);
	out->v = ordered;
	out->n = n;
	ordered = NULL;
	rc = KV_OK;
	goto out;
fail:
	free(l.v);
	arena_done(&out->a);
	memset(out, 0, sizeof(*out));
out:
	free(ordered);
	free(idx);
	free(root_of);
	free(count);
	free(start);
	free(roots);
	return rc;
}

void records_threads_done(struct records_threads *t)
{
	if (!t)
		return;
	free(t->v);
	arena_done(&t->a);
	memset(t, 0, sizeof(*t));
}
