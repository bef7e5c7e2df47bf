/* SQL for captured items, versions, events and search. Hot statements are
 * kept prepared (store_cached): an import writes hundreds of thousands of
 * items in one transaction. */
#include "store/items.h"

#include "base/buf.h"
#include "base/hash.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *direction_name(int upprattad)
{
	return upprattad ? "upprattad" : "inkommen";
}

static void bind_time(struct store_stmt *st, int idx, int64_t t)
{
	if (t)
		store_bind_int(st, idx, t);
	else
		store_bind_null(st, idx);
}

static int add_event(struct store *s, int64_t item_id, const char *kind, int64_t at,
                     int64_t captured_at, const char *source, enum item_outcome *out,
                     struct err *err)
{
	static const char sql[] = "INSERT INTO item_event (item_id, kind, at, captured_at, source)"
	                          " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
	static const char upd[] = "UPDATE item SET state = ? WHERE id = ?";
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st, sql, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	store_bind_text(st, 2, kind);
	store_bind_int(st, 3, at ? at : captured_at);
	store_bind_int(st, 4, captured_at);
	store_bind_text(st, 5, source);
	rc = store_run(st, err);
	if (rc)
		return rc;
	rc = store_cached(s, &st, upd, err);
	if (rc)
		return rc;
	store_bind_text(st, 1, strcmp(kind, "unhidden") == 0 ? "visible" : kind);
	store_bind_int(st, 2, item_id);
	rc = store_run(st, err);
	if (!rc && out)
		*out = ITEM_OUT_UPDATED;
	return rc;
}

static const char *state_event(enum item_state st)
{
	return st == ITEM_HIDDEN ? "hidden" : st == ITEM_DELETED ? "deleted" : "unhidden";
}

static int insert_version(struct store *s, int64_t item_id, int64_t version,
                          const struct item_write *w, const char *sha, struct err *err)
{
	static const char sql[] =
	        "INSERT INTO item_version_more (item_id, version, text, sha256, version_at,"
	        " captured_at, source, links, media, raw) VALUES (?,?,?,?,?,?,?,?,?,?)";
	struct store_stmt *st = NULL;
	int rc;

	rc = store_cached(s, &st, sql, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	store_bind_int(st, 2, version);
	store_bind_text_ref(st, 3, w->it->text);
	store_bind_text_ref(st, 4, sha);
	bind_time(st, 5, w->it->version_at ? w->it->version_at : w->it->created_at);
	store_bind_int(st, 6, w->captured_at);
	store_bind_text(st, 7, w->it->source);
	store_bind_text(st, 8, w->links_json);
	store_bind_text(st, 9, w->media_json);
	store_bind_text(st, 10, w->it->raw_json);
	return store_run(st, err);
}

static int fts_insert(struct store *s, int64_t key, const char *text, struct err *err)
{
	static const char sql[] = "INSERT INTO item_fts (rowid, text) VALUES (?, ?)";
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st, sql, err);

	if (rc)
		return rc;
	store_bind_int(st, 1, key);
	store_bind_text_ref(st, 2, text);
	return store_run(st, err);
}

int64_t items_fts_key_at(int64_t t)
{
	if (t < 0)
		t = 0;
	if (t > (INT64_MAX >> ITEMS_FTS_SHIFT))
		t = INT64_MAX >> ITEMS_FTS_SHIFT;
	return t << ITEMS_FTS_SHIFT;
}

/* Indexes a new item that is not part of a batch (a webhook, a small
 * source): its search key is computed by the table. */
static int fts_insert_item(struct store *s, int64_t id, const char *text, struct err *err)
{
	static const char sql[] = "SELECT fts_key FROM item WHERE id = ?";
	struct store_stmt *st = NULL;
	int64_t key;
	int rc = store_cached(s, &st, sql, err);

	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	rc = store_step(st, err);
	if (rc != 1)
		return rc < 0 ? rc
		              : err_set(err, KV_EINTERNAL, "item %lld vanished", (long long)id);
	key = store_col_int(st, 0);
	store_reset(st);
	return fts_insert(s, key, text, err);
}

static int fts_delete(struct store *s, int64_t key, const char *old_text, struct err *err)
{
	static const char sql[] =
	        "INSERT INTO item_fts (item_fts, rowid, text) VALUES ('delete', ?, ?)";
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st, sql, err);

	if (rc)
		return rc;
	store_bind_int(st, 1, key);
	store_bind_text(st, 2, old_text);
	return store_run(st, err);
}

/* A new text for an existing item: newer than the current one becomes the
 * current text; an older one (history arriving late) is only kept. */
static int deferred(const struct item_write *w, int64_t id)
{
	return w->batch && id > w->batch->base;
}

int items_batch_begin(struct store *s, struct items_batch *b, struct err *err)
{
	return store_query_int(s, &b->base, err, "SELECT COALESCE(MAX(id), 0) FROM item", 0, NULL);
}

/* The batch's new items go into the search index in one statement, in the
 * order of their search keys: FTS5 writes out what it has gathered whenever
 * a rowid is not larger than the one before, so a source listed newest
 * first (most exports and API pages) fed in id order would write a segment
 * per item (2.6 times slower at a million). The keys are read off their own
 * index from the batch's smallest one on; the rows before it in time, and
 * older items after it, are passed over by id. */
int items_batch_end(struct store *s, struct items_batch *b, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t from = 0;
	int rc;

	rc = store_prepare(s, &st, "SELECT MIN(fts_key) FROM item WHERE id > ?", err);
	if (rc)
		return rc;
	store_bind_int(st, 1, b->base);
	rc = store_step(st, err);
	if (rc == 1 && store_col_is_null(st, 0))
		rc = 0; /* nothing new */
	else if (rc == 1)
		from = store_col_int(st, 0);
	store_stmt_free(st);
	if (rc <= 0)
		return rc;
	rc = store_prepare(s, &st,
	                   "INSERT INTO item_fts (rowid, text) SELECT fts_key, text FROM item"
	                   " INDEXED BY item_fts_key WHERE fts_key >= ? AND id > ?"
	                   " ORDER BY fts_key",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, from);
	store_bind_int(st, 2, b->base);
	rc = store_run(st, err);
	store_stmt_free(st);
	return rc;
}

static int add_version(struct store *s, int64_t id, const struct item_write *w, const char *sha,
                       int64_t *out_version, int *out_current, struct err *err)
{
	static const char q[] = "SELECT versions, text,"
	                        " (SELECT MAX(COALESCE(version_at, 0)) FROM item_version"
	                        "  WHERE item_id = item.id), fts_key FROM item WHERE id = ?";
	/* v1_text keeps version 1's text once the current text is another. */
	static const char upd[] = "UPDATE item SET versions = ?, v1_text = COALESCE(v1_text, text),"
	                          " text = ? WHERE id = ?";
	static const char cnt[] = "UPDATE item SET versions = ? WHERE id = ?";
	struct store_stmt *st = NULL;
	int64_t versions, latest, at, key;
	char *old = NULL;
	int rc;

	rc = store_cached(s, &st, q, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	rc = store_step(st, err);
	if (rc != 1)
		return rc < 0 ? rc
		              : err_set(err, KV_EINTERNAL, "item %lld vanished", (long long)id);
	versions = store_col_int(st, 0);
	old = strdup(store_col_text(st, 1) ? store_col_text(st, 1) : "");
	latest = store_col_int(st, 2);
	key = store_col_int(st, 3);
	store_reset(st);
	if (!old)
		return err_set(err, KV_ENOMEM, "out of memory");
	at = w->it->version_at ? w->it->version_at : w->it->created_at;
	rc = insert_version(s, id, versions + 1, w, sha, err);
	if (rc)
		goto out;
	*out_version = versions + 1;
	*out_current = at == 0 || at >= latest;
	if (at == 0 || at >= latest) {
		rc = deferred(w, id) ? KV_OK : fts_delete(s, key, old, err);
		if (!rc)
			rc = store_cached(s, &st, upd, err);
		if (!rc) {
			store_bind_int(st, 1, versions + 1);
			store_bind_text(st, 2, w->it->text);
			store_bind_int(st, 3, id);
			rc = store_run(st, err);
		}
		if (!rc && !deferred(w, id))
			rc = fts_insert(s, key, w->it->text, err);
	} else {
		rc = store_cached(s, &st, cnt, err);
		if (!rc) {
			store_bind_int(st, 1, versions + 1);
			store_bind_int(st, 2, id);
			rc = store_run(st, err);
		}
	}
out:
	free(old);
	return rc;
}

/* Fills in what an earlier, thinner source (a webhook) did not know. */
static int complete_item(struct store *s, int64_t id, const struct item *it, struct err *err)
{
	/* Writes only when there is something to fill in, so that re-importing
	 * a source stays a read. */
	static const char sql[] =
	        "UPDATE item SET author_id = COALESCE(author_id, ?1),"
	        " author_name = COALESCE(author_name, ?2), permalink = COALESCE(permalink, ?3),"
	        " parent_platform_id = COALESCE(parent_platform_id, ?4),"
	        " root_platform_id = COALESCE(root_platform_id, ?5)"
	        " WHERE id = ?6 AND ((author_id IS NULL AND CAST(?1 AS TEXT) IS NOT NULL)"
	        " OR (author_name IS NULL AND CAST(?2 AS TEXT) IS NOT NULL)"
	        " OR (permalink IS NULL AND CAST(?3 AS TEXT) IS NOT NULL)"
	        " OR (parent_platform_id IS NULL AND CAST(?4 AS TEXT) IS NOT NULL)"
	        " OR (root_platform_id IS NULL AND CAST(?5 AS TEXT) IS NOT NULL))";
	struct store_stmt *st = NULL;
	int rc = store_cached(s, &st, sql, err);

	if (rc)
		return rc;
	store_bind_text_ref(st, 1, it->author_id);
	store_bind_text_ref(st, 2, it->author_name);
	store_bind_text_ref(st, 3, it->permalink);
	store_bind_text_ref(st, 4, it->parent_id);
	store_bind_text_ref(st, 5, it->root_id);
	store_bind_int(st, 6, id);
	return store_run(st, err);
}

/* The item is already captured under another account (the trigger
 * item_one_per_platform_id refused the insert): say which. */
static int owner_conflict(struct store *s, const struct item_write *w, struct err *err)
{
	static const char q[] =
	        "SELECT a.id, a.handle FROM item i JOIN account a ON a.id = i.account_id"
	        " WHERE i.org_id = ? AND i.platform = ? AND i.platform_id = ?"
	        " AND i.account_id <> ? LIMIT 1";
	struct store_stmt *st = NULL;
	struct err e2 = {0};
	char handle[128] = "?";
	int64_t other = 0;

	if (store_prepare(s, &st, q, &e2) == KV_OK) {
		store_bind_int(st, 1, w->org_id);
		store_bind_text_ref(st, 2, w->it->platform);
		store_bind_text_ref(st, 3, w->it->platform_id);
		store_bind_int(st, 4, w->account_id);
		if (store_step(st, &e2) == 1) {
			other = store_col_int(st, 0);
			snprintf(handle, sizeof(handle), "%s",
			         store_col_text(st, 1) ? store_col_text(st, 1) : "?");
		}
		store_stmt_free(st);
	}
	return err_set(err, KV_ECONFLICT,
	               "%s item %s is already captured under account %lld (%s), not account %lld:"
	               " it is the same item, so nothing was imported (check --account)",
	               w->it->platform, w->it->platform_id, (long long)other, handle,
	               (long long)w->account_id);
}

int items_put(struct store *s, const struct item_write *w, struct item_put_result *out,
              struct err *err)
{
	static const char find[] = "SELECT id, state FROM item WHERE account_id = ? AND"
	                           " platform_id = ?";
	static const char seen[] = "SELECT 1 FROM item_version WHERE item_id = ? AND sha256 = ?";
	static const char ins[] =
	        "INSERT INTO item (org_id, account_id, platform, platform_id, kind,"
	        " parent_platform_id, root_platform_id, author_id, author_name, direction,"
	        " created_at, captured_at, permalink, state, text, v1_sha256, v1_version_at,"
	        " v1_source, v1_links, v1_media, v1_raw)"
	        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	        " ON CONFLICT (account_id, platform_id) DO NOTHING";
	const struct item *it = w->it;
	struct store_stmt *st = NULL;
	char sha[HASH_SHA256_HEX_LEN + 1];
	enum item_outcome outcome = ITEM_OUT_UNCHANGED;
	enum item_state cur_state = ITEM_VISIBLE;
	int64_t id = 0, version = 0;
	int rc, exists, text_changed = 0;

	hash_sha256_hex(sha, it->text, strlen(it->text));
	/* Most items in an import are new: try the insert first, and look the
	 * item up only when it is already there. */
	rc = store_cached(s, &st, ins, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, w->org_id);
	store_bind_int(st, 2, w->account_id);
	store_bind_text_ref(st, 3, it->platform);
	store_bind_text_ref(st, 4, it->platform_id);
	store_bind_text_ref(st, 5, item_kind_name(it->kind));
	store_bind_text_ref(st, 6, it->parent_id);
	store_bind_text_ref(st, 7, it->root_id);
	store_bind_text_ref(st, 8, it->author_id);
	store_bind_text_ref(st, 9, it->author_name);
	store_bind_text_ref(st, 10, direction_name(w->upprattad));
	bind_time(st, 11, it->created_at);
	store_bind_int(st, 12, w->captured_at);
	store_bind_text_ref(st, 13, it->permalink);
	store_bind_text_ref(st, 14, "visible");
	store_bind_text_ref(st, 15, it->text);
	store_bind_text_ref(st, 16, sha);
	bind_time(st, 17, it->version_at ? it->version_at : it->created_at);
	store_bind_text_ref(st, 18, it->source);
	store_bind_text_ref(st, 19, w->links_json);
	store_bind_text_ref(st, 20, w->media_json);
	store_bind_text_ref(st, 21, it->raw_json);
	rc = store_run_insert(st, &id, err);
	store_reset(st);
	if (rc == KV_ECONFLICT)
		return owner_conflict(s, w, err);
	if (rc < 0)
		return rc;
	exists = rc == 0;
	if (!exists) {
		rc = deferred(w, id) ? KV_OK : fts_insert_item(s, id, it->text, err);
		if (rc)
			return rc;
		outcome = ITEM_OUT_NEW;
		text_changed = 1;
		version = 1;
	} else {
		store_reset(st);
		rc = store_cached(s, &st, find, err);
		if (rc)
			return rc;
		store_bind_int(st, 1, w->account_id);
		store_bind_text_ref(st, 2, it->platform_id);
		rc = store_step(st, err);
		if (rc != 1)
			return rc < 0 ? rc : err_set(err, KV_EINTERNAL, "item vanished");
		id = store_col_int(st, 0);
		item_state_from_name(store_col_text(st, 1), &cur_state);
		store_reset(st);

		rc = store_cached(s, &st, seen, err);
		if (rc)
			return rc;
		store_bind_int(st, 1, id);
		store_bind_text_ref(st, 2, sha);
		rc = store_step(st, err);
		if (rc < 0)
			return rc;
		store_reset(st);
		if (rc == 0) {
			rc = add_version(s, id, w, sha, &version, &text_changed, err);
			if (rc)
				return rc;
			outcome = ITEM_OUT_UPDATED;
		}
		rc = complete_item(s, id, it, err);
		if (rc)
			return rc;
	}
	/* The state the source reports, when it differs, is an event. A source
	 * that merely shows the item visible does not undo a deletion seen
	 * elsewhere, but does undo a hiding. */
	if (it->state != cur_state && !(cur_state == ITEM_DELETED && it->state == ITEM_VISIBLE)) {
		rc = add_event(s, id, state_event(it->state), 0, w->captured_at, it->source, NULL,
		               err);
		if (rc)
			return rc;
		if (outcome == ITEM_OUT_UNCHANGED)
			outcome = ITEM_OUT_UPDATED;
	}
	out->outcome = outcome;
	out->id = id;
	out->text_changed = text_changed;
	out->version = version;
	return KV_OK;
}

int items_event(struct store *s, int64_t account_id, const struct item_event *ev,
                int64_t captured_at, enum item_outcome *out_outcome, struct err *err)
{
	static const char find[] = "SELECT id FROM item WHERE account_id = ? AND platform_id = ?";
	static const char dup[] = "SELECT 1 FROM item_event WHERE item_id = ? AND kind = ? AND"
	                          " at = ?";
	struct store_stmt *st = NULL;
	int64_t id;
	int rc;

	rc = store_cached(s, &st, find, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	store_bind_text(st, 2, ev->platform_id);
	rc = store_step(st, err);
	if (rc == 0)
		return err_set(err, KV_ENOTFOUND, "%s %s: item never captured", ev->platform,
		               ev->platform_id);
	if (rc < 0)
		return rc;
	id = store_col_int(st, 0);
	store_reset(st);
	rc = store_cached(s, &st, dup, err);
	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, item_event_name(ev->kind));
	store_bind_int(st, 3, ev->at ? ev->at : captured_at);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		*out_outcome = ITEM_OUT_UNCHANGED;
		return KV_OK;
	}
	return add_event(s, id, item_event_name(ev->kind), ev->at, captured_at, ev->source,
	                 out_outcome, err);
}

static int word_char(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Copies the words of one term into out: a bare word, or the words of a
 * quoted phrase up to its closing quote; a word right before '*' is a
 * prefix. Returns where reading stopped; *words counts what was copied. */
static const unsigned char *query_term(struct buf *out, const unsigned char *p, int *words)
{
	*words = 0;
	if (*p == '"') {
		buf_putc(out, '"');
		for (p++; *p && *p != '"';) {
			if (!word_char(*p)) {
				p++;
				continue;
			}
			if ((*words)++)
				buf_putc(out, ' ');
			while (word_char(*p))
				buf_putc(out, (char)*p++);
		}
		buf_putc(out, '"');
		return *p == '"' ? p + 1 : p;
	}
	buf_putc(out, '"');
	while (word_char(*p)) {
		buf_putc(out, (char)*p++);
		*words = 1;
	}
	buf_putc(out, '"');
	if (*p == '*') {
		buf_putc(out, '*');
		p++;
	}
	return p;
}

/* Turns what a person typed into an FTS5 query (docs/search.md). Every word
 * is required; "words in quotes" must stand together in that order; a word
 * ending in * matches every word it begins; a word or quoted phrase with a
 * '-' in front (after a space) must not occur. Nothing else is an operator:
 * every word is quoted, and other characters only separate words. Returns
 * the number of required terms; 0 means there is nothing to search for. */
static int fts_query(struct buf *q, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	struct buf pos, neg;
	int n_pos = 0, n_neg = 0;

	buf_init(&pos, 8192);
	buf_init(&neg, 8192);
	while (*p) {
		int negated = 0, words;
		struct buf *to;
		size_t mark;

		if (!word_char(*p) && *p != '"' && *p != '-') {
			p++;
			continue;
		}
		if (*p == '-') {
			/* A minus starts an exclusion only at the start of a term,
			 * so that "e-post" stays two required words. */
			int starts = (const char *)p == text || p[-1] == ' ' || p[-1] == '\t';

			p++;
			if (!starts || !(word_char(*p) || *p == '"'))
				continue;
			negated = 1;
		}
		to = negated ? &neg : &pos;
		mark = to->len;
		if ((negated ? n_neg : n_pos) > 0)
			buf_puts(to, negated ? " OR " : " ");
		p = query_term(to, p, &words);
		if (!words) {
			to->len = mark; /* an empty phrase: nothing to add */
			if (to->ptr)
				to->ptr[mark] = '\0';
			continue;
		}
		if (negated)
			n_neg++;
		else
			n_pos++;
	}
	if (n_pos && n_neg)
		buf_printf(q, "(%s) NOT (%s)", buf_cstr(&pos), buf_cstr(&neg));
	else if (n_pos)
		buf_puts(q, buf_cstr(&pos));
	buf_done(&pos);
	buf_done(&neg);
	return n_pos;
}

/* A query under construction: SQL text and its parameters in order. */
struct sqlq {
	struct buf sql;
	char kind[24];
	const char *text[24];
	int64_t num[24];
	int n;
};

static void q_init(struct sqlq *q)
{
	buf_init(&q->sql, 8192);
	q->n = 0;
}

static void q_int(struct sqlq *q, const char *frag, int64_t v)
{
	buf_puts(&q->sql, frag);
	q->kind[q->n] = 'i';
	q->num[q->n++] = v;
}

static void q_text(struct sqlq *q, const char *frag, const char *v)
{
	buf_puts(&q->sql, frag);
	q->kind[q->n] = 't';
	q->text[q->n++] = v;
}

/* The filters of f on the alias i, as " AND ..." clauses. */
static void q_filters(struct sqlq *q, const struct item_filter *f)
{
	q_int(q, " AND i.org_id = ?", f->org_id);
	if (f->account_id)
		q_int(q, " AND i.account_id = ?", f->account_id);
	if (f->item_id)
		q_int(q, " AND i.id = ?", f->item_id);
	if (f->root) {
		q_text(q, " AND (i.root_platform_id = ?", f->root);
		q_text(q, " OR i.platform_id = ?)", f->root);
	}
	if (f->direction)
		q_text(q, " AND i.direction = ?", f->direction);
	if (f->kind)
		q_text(q, " AND i.kind = ?", f->kind);
	if (f->state)
		q_text(q, " AND i.state = ?", f->state);
	if (f->from)
		q_int(q, " AND i.created_at >= ?", f->from);
	if (f->to)
		q_int(q, " AND i.created_at < ?", f->to);
	if (f->category)
		q_text(q, " AND (',' || sc.categories || ',') LIKE ('%,' || ? || ',%')",
		       f->category);
	/* Question and critical are flags but not violations. */
	if (f->flagged)
		buf_puts(&q->sql,
		         " AND sc.categories IS NOT NULL AND sc.categories <> ''"
		         " AND sc.categories NOT IN ('question', 'critical', 'critical,question',"
		         " 'question,critical')");
}

static const char *q_order(const struct item_filter *f, const char *alias)
{
	static char buf[2][96];
	char *b = buf[f->newest_first ? 1 : 0];

	/* fts_key orders by platform time, then id, and is indexed. */
	snprintf(b, sizeof(buf[0]), " ORDER BY %s.fts_key%s", alias,
	         f->newest_first ? " DESC" : "");
	return b;
}

static int q_prepare(struct store *s, struct sqlq *q, struct store_stmt **out, struct err *err)
{
	int rc = store_prepare(s, out, buf_cstr(&q->sql), err);

	for (int i = 0; !rc && i < q->n; i++) {
		if (q->kind[i] == 'i')
			store_bind_int(*out, i + 1, q->num[i]);
		else
			store_bind_text(*out, i + 1, q->text[i]);
	}
	return rc;
}

#define ROW_COLUMNS                                                                                \
	"i.id, i.account_id, a.handle, i.platform, i.platform_id, i.kind,"                         \
	" i.parent_platform_id, i.root_platform_id, i.author_id, i.author_name,"                   \
	" i.direction, i.created_at, i.captured_at, i.permalink, i.state, i.versions, i.text,"     \
	" sc.categories"

static void read_row(struct store_stmt *st, struct item_row *r)
{
	r->id = store_col_int(st, 0);
	r->account_id = store_col_int(st, 1);
	r->account_handle = store_col_text(st, 2);
	r->platform = store_col_text(st, 3);
	r->platform_id = store_col_text(st, 4);
	r->kind = store_col_text(st, 5);
	r->parent_platform_id = store_col_text(st, 6);
	r->root_platform_id = store_col_text(st, 7);
	r->author_id = store_col_text(st, 8);
	r->author_name = store_col_text(st, 9);
	r->direction = store_col_text(st, 10);
	r->created_at = store_col_int(st, 11);
	r->captured_at = store_col_int(st, 12);
	r->permalink = store_col_text(st, 13);
	r->state = store_col_text(st, 14);
	r->versions = store_col_int(st, 15);
	r->text = store_col_text(st, 16);
	r->categories = store_col_text(st, 17);
	r->snippet = NULL;
}

int items_each(struct store *s, const struct item_filter *f, items_fn fn, void *ctx,
               struct err *err)
{
	struct store_stmt *st = NULL;
	struct sqlq q;
	struct buf match;
	int rc;

	buf_init(&match, 8192);
	q_init(&q);
	if (f->query) {
		/* The index is keyed by time, so the matches come in the asked
		 * order and the limit stops the scan: nothing is sorted, and
		 * snippets are made only for the rows returned. */
		if (strlen(f->query) > ITEMS_QUERY_MAX) {
			rc = err_set(err, KV_EINVAL, "search: the query is longer than %d bytes",
			             ITEMS_QUERY_MAX);
			goto out;
		}
		if (fts_query(&match, f->query) == 0) {
			rc = err_set(err, KV_EINVAL, "search: '%.80s' has no word to search for",
			             f->query);
			goto out;
		}
		q_text(&q,
		       "SELECT " ROW_COLUMNS ", snippet(item_fts, 0, '[', ']', '…', 16)"
		       " FROM item_fts CROSS JOIN item i ON i.fts_key = item_fts.rowid"
		       " JOIN account a ON a.id = i.account_id"
		       " LEFT JOIN item_screening sc ON sc.item_id = i.id WHERE item_fts MATCH ?",
		       buf_cstr(&match));
		if (f->from)
			q_int(&q, " AND item_fts.rowid >= ?", items_fts_key_at(f->from));
		if (f->to)
			q_int(&q, " AND item_fts.rowid < ?", items_fts_key_at(f->to));
		q_filters(&q, f);
		buf_puts(&q.sql, f->newest_first ? " ORDER BY item_fts.rowid DESC"
		                                 : " ORDER BY item_fts.rowid");
	} else {
		buf_puts(&q.sql, "SELECT " ROW_COLUMNS ", NULL FROM item i JOIN account a"
		                 " ON a.id = i.account_id LEFT JOIN item_screening sc"
		                 " ON sc.item_id = i.id WHERE 1 = 1");
		q_filters(&q, f);
		buf_puts(&q.sql, q_order(f, "i"));
	}
	if (f->limit > 0)
		q_int(&q, " LIMIT ?", f->limit);
	rc = q_prepare(s, &q, &st, err);
	if (!rc) {
		while ((rc = store_step(st, err)) == 1) {
			struct item_row r;

			read_row(st, &r);
			r.snippet = store_col_text(st, 18);
			rc = fn(ctx, &r);
			if (rc)
				break;
		}
	}
out:
	store_stmt_free(st);
	buf_done(&q.sql);
	buf_done(&match);
	return rc;
}

int items_versions(struct store *s, int64_t item_id, items_version_fn fn, void *ctx,
                   struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT version, text, sha256, version_at, captured_at, source, links,"
	                   " media FROM item_version WHERE item_id = ? ORDER BY version",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	while ((rc = store_step(st, err)) == 1) {
		struct item_version_row v = {
		        .version = store_col_int(st, 0),
		        .text = store_col_text(st, 1),
		        .sha256 = store_col_text(st, 2),
		        .version_at = store_col_int(st, 3),
		        .captured_at = store_col_int(st, 4),
		        .source = store_col_text(st, 5),
		        .links = store_col_text(st, 6),
		        .media = store_col_text(st, 7),
		};
		rc = fn(ctx, &v);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int items_events(struct store *s, int64_t item_id, items_event_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT kind, at, captured_at, source FROM item_event WHERE item_id = ?"
	                   " ORDER BY at, id",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, item_id);
	while ((rc = store_step(st, err)) == 1) {
		struct item_event_row e = {
		        .kind = store_col_text(st, 0),
		        .at = store_col_int(st, 1),
		        .captured_at = store_col_int(st, 2),
		        .source = store_col_text(st, 3),
		};
		rc = fn(ctx, &e);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int items_account_by_ref(struct store *s, int64_t org, const char *platform, const char *ref,
                         int64_t *out_account, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc;

	rc = store_prepare(s, &st,
	                   "SELECT id FROM account WHERE org_id = ? AND platform = ? AND"
	                   " (platform_account_id = ? OR handle = ? OR handle = ?)"
	                   " ORDER BY platform_account_id = ? DESC LIMIT 1",
	                   err);
	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_text(st, 2, platform);
	store_bind_text(st, 3, ref);
	store_bind_text(st, 4, ref);
	store_bind_text(st, 5, ref[0] == '@' ? ref + 1 : ref);
	store_bind_text(st, 6, ref);
	rc = store_step(st, err);
	if (rc == 1) {
		*out_account = store_col_int(st, 0);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_ENOTFOUND, "no %s account '%s' in the register", platform,
		             ref);
	}
	store_stmt_free(st);
	return rc;
}
