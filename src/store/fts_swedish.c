/* The kv_swedish FTS5 tokenizer: unicode61 (remove_diacritics 0) as the
 * parent, then Snowball Swedish stemming of every token. */
#include "store/fts_swedish.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Stemming costs more than the rest of indexing a token, and words repeat
 * (Zipf): a direct-mapped cache of recent word → stem pairs saves most of it. */
#define STEM_CACHE    8192
#define STEM_WORD_MAX 48

struct stem_entry {
	unsigned char word_len, stem_len;
	char word[STEM_WORD_MAX];
	char stem[STEM_WORD_MAX];
};

struct tok {
	fts5_tokenizer parent;
	Fts5Tokenizer *parent_inst;
	struct sb_stemmer *stemmer;
	struct stem_entry *cache;
};

struct tok_call {
	struct tok *tok;
	void *ctx;
	int (*emit)(void *ctx, int flags, const char *token, int n, int start, int end);
};

static fts5_api *get_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

static int tok_create(void *user, const char **args, int nargs, Fts5Tokenizer **out)
{
	fts5_api *api = user;
	const char *parent_args[] = {"remove_diacritics", "0"};
	void *parent_user = NULL;
	struct tok *t;
	int rc;

	t = calloc(1, sizeof(*t));
	if (!t)
		return SQLITE_NOMEM;
	t->cache = calloc(STEM_CACHE, sizeof(*t->cache));
	if (!t->cache) {
		free(t);
		return SQLITE_NOMEM;
	}
	rc = api->xFindTokenizer(api, "unicode61", &parent_user, &t->parent);
	if (rc == SQLITE_OK)
		rc = t->parent.xCreate(parent_user, parent_args, 2, &t->parent_inst);
	if (rc == SQLITE_OK) {
		t->stemmer = sb_stemmer_new("swedish", "UTF_8");
		if (!t->stemmer)
			rc = SQLITE_ERROR;
	}
	if (rc != SQLITE_OK) {
		if (t->parent_inst)
			t->parent.xDelete(t->parent_inst);
		free(t->cache);
		free(t);
		return rc;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *p)
{
	struct tok *t = (struct tok *)p;

	if (!t)
		return;
	t->parent.xDelete(t->parent_inst);
	sb_stemmer_delete(t->stemmer);
	free(t->cache);
	free(t);
}

static int stem_token(void *arg, int flags, const char *token, int n, int start, int end)
{
	struct tok_call *c = arg;
	struct stem_entry *e = NULL;
	const sb_symbol *stem;
	uint32_t h = 2166136261u;
	int len;

	/* Digits and very short tokens are kept as they are. */
	if (n < 3)
		return c->emit(c->ctx, flags, token, n, start, end);
	if (n < STEM_WORD_MAX) {
		for (int i = 0; i < n; i++)
			h = (h ^ (unsigned char)token[i]) * 16777619u;
		e = &c->tok->cache[h & (STEM_CACHE - 1)];
		if (e->word_len == n && memcmp(e->word, token, (size_t)n) == 0)
			return c->emit(c->ctx, flags, e->stem, e->stem_len, start, end);
	}
	stem = sb_stemmer_stem(c->tok->stemmer, (const sb_symbol *)token, n);
	if (!stem)
		return SQLITE_NOMEM;
	len = sb_stemmer_length(c->tok->stemmer);
	if (e && len < STEM_WORD_MAX) {
		e->word_len = (unsigned char)n;
		memcpy(e->word, token, (size_t)n);
		e->stem_len = (unsigned char)len;
		memcpy(e->stem, stem, (size_t)len);
	}
	return c->emit(c->ctx, flags, (const char *)stem, len, start, end);
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                        int (*emit)(void *, int, const char *, int, int, int))
{
	struct tok *t = (struct tok *)p;
	struct tok_call call = {t, ctx, emit};

	return t->parent.xTokenize(t->parent_inst, &call, flags, text, n, stem_token);
}

int fts_swedish_register(sqlite3 *db)
{
	static fts5_tokenizer methods = {tok_create, tok_delete, tok_tokenize};
	fts5_api *api = get_api(db);

	if (!api || api->iVersion < 2)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, "kv_swedish", api, &methods, NULL);
}
