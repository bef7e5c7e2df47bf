/* The kv_swedish FTS5 tokenizer (see fts_swedish.h): unicode61 (diacritics
 * kept) as the parent, then each token's lemma from hunspell, or its Snowball
 * stem when the dictionary does not know the word. */
#include "store/fts_swedish.h"

#include <hunspell/hunspell.h>
#include <libstemmer.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

/* A lemma lookup costs ~4 µs, forty times the rest of indexing a token, and
 * words repeat (Zipf): a direct-mapped cache of word → lemmas, one per
 * tokenizer, answers most tokens without asking the dictionary. */
#define LEMMA_CACHE    32768
#define LEMMA_WORD_MAX 48
#define LEMMAS_MAX     96 /* the lemmas of one word, each NUL-terminated */
#define LEMMA_COUNT    4
#define WORD_MAX       128

struct lemma_set {
	int n, len;
	char buf[LEMMAS_MAX];
};

struct lemma_entry {
	unsigned char word_len;
	char word[LEMMA_WORD_MAX];
	struct lemma_set set;
};

/* One dictionary for the process: it takes ~0.1 s and tens of MB to load.
 * A handle is not documented as thread-safe, so lookups are serialised (the
 * per-tokenizer cache keeps them rare). */
static pthread_once_t dict_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t dict_lock = PTHREAD_MUTEX_INITIALIZER;
static Hunhandle *dict;

struct tok {
	fts5_tokenizer parent;
	Fts5Tokenizer *parent_inst;
	struct sb_stemmer *stemmer;
	struct lemma_entry *cache;
};

struct tok_call {
	struct tok *tok;
	void *ctx;
	int flags;
	int (*emit)(void *ctx, int flags, const char *token, int n, int start, int end);
};

static void dict_load(void)
{
	const char *path = getenv("KV_SEARCH_DICTIONARY");
	char aff[4200], dic[4200];

	if (!path)
		path = FTS_SWEDISH_DICTIONARY;
	if (!*path)
		return;
	snprintf(aff, sizeof(aff), "%s.aff", path);
	snprintf(dic, sizeof(dic), "%s.dic", path);
	if (access(aff, R_OK) != 0 || access(dic, R_OK) != 0)
		return;
	dict = Hunspell_create(aff, dic);
}

int fts_swedish_has_dictionary(void)
{
	pthread_once(&dict_once, dict_load);
	return dict != NULL;
}

/* Adds s (n bytes, lower-cased as the parent tokenizer folds case) to the
 * set unless it is there already or the set is full. */
static void set_add(struct lemma_set *set, const char *s, int n)
{
	char w[WORD_MAX + 8];
	int o = 0;

	for (int i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, n - i, &cp);

		if (k <= 0 || o + 4 >= WORD_MAX)
			return;
		i += (int)k;
		o += (int)utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)w + o);
	}
	if (o == 0 || set->n >= LEMMA_COUNT || set->len + o + 1 > LEMMAS_MAX)
		return;
	for (int i = 0, at = 0; i < set->n; i++) {
		int len = (int)strlen(set->buf + at);

		if (len == o && memcmp(set->buf + at, w, (size_t)o) == 0)
			return;
		at += len + 1;
	}
	memcpy(set->buf + set->len, w, (size_t)o);
	set->buf[set->len + o] = '\0';
	set->len += o + 1;
	set->n++;
}

/* The lemmas of one word: every base form the dictionary gives for it (a
 * word form can be several words: "kalla" is kall or kalla, "lagar" lag or
 * laga) and its Snowball stem, which also stands for a word the dictionary
 * does not know. A base form and its inflections share at least one of
 * these far more often than they share a Snowball stem alone. */
static int lemmas_of(struct sb_stemmer *stemmer, const char *word, int n, struct lemma_set *set)
{
	const sb_symbol *stem;

	set->n = set->len = 0;
	if (n <= WORD_MAX && fts_swedish_has_dictionary()) {
		char w[WORD_MAX + 1];
		char **list = NULL;
		int count;

		memcpy(w, word, (size_t)n);
		w[n] = '\0';
		pthread_mutex_lock(&dict_lock);
		count = Hunspell_stem(dict, &list, w);
		for (int i = 0; i < count; i++)
			set_add(set, list[i], (int)strlen(list[i]));
		if (list)
			Hunspell_free_list(dict, &list, count);
		pthread_mutex_unlock(&dict_lock);
	}
	stem = sb_stemmer_stem(stemmer, (const sb_symbol *)word, n);
	if (!stem)
		return -1;
	set_add(set, (const char *)stem, sb_stemmer_length(stemmer));
	if (set->n == 0)
		set_add(set, word, n);
	return set->n;
}

int fts_swedish_lemmas(const char *word, int n, char *out, int cap)
{
	struct sb_stemmer *stemmer;
	struct lemma_set set;
	int o = 0;

	if (cap < 1)
		return -1;
	out[0] = '\0';
	stemmer = sb_stemmer_new("swedish", "UTF_8");
	if (!stemmer)
		return -1;
	if (n < 3) {
		set.n = 0;
		set.len = 0;
		set_add(&set, word, n);
	} else if (lemmas_of(stemmer, word, n, &set) < 0) {
		sb_stemmer_delete(stemmer);
		return -1;
	}
	sb_stemmer_delete(stemmer);
	for (int i = 0, at = 0; i < set.n; i++) {
		int len = (int)strlen(set.buf + at);

		if (o + len + 2 > cap)
			return -1;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, set.buf + at, (size_t)len);
		o += len;
		out[o] = '\0';
		at += len + 1;
	}
	return set.n;
}

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

	(void)args;
	(void)nargs;
	t = calloc(1, sizeof(*t));
	if (!t)
		return SQLITE_NOMEM;
	t->cache = calloc(LEMMA_CACHE, sizeof(*t->cache));
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

/* Emits the set: the first lemma as the token, the others colocated with
 * it (FTS5's synonyms), in a document and in a query alike, so a query word
 * matches a text word when they share a lemma. */
static int emit_set(struct tok_call *c, int flags, const struct lemma_set *set, int start, int end)
{
	for (int i = 0, at = 0; i < set->n; i++) {
		int len = (int)strlen(set->buf + at);
		int rc = c->emit(c->ctx, i ? flags | FTS5_TOKEN_COLOCATED : flags, set->buf + at,
		                 len, start, end);

		if (rc != SQLITE_OK)
			return rc;
		at += len + 1;
	}
	return SQLITE_OK;
}

static int lemma_token(void *arg, int flags, const char *token, int n, int start, int end)
{
	struct tok_call *c = arg;
	struct lemma_entry *e = NULL;
	struct lemma_set set;
	uint32_t h = 2166136261u;

	/* Digits and very short tokens are kept as they are. */
	if (n < 3)
		return c->emit(c->ctx, flags, token, n, start, end);
	/* The prefix of a prefix query ("renoveringe*") is no word to look up:
	 * its Snowball stem is a prefix of the stems it should find. */
	if (c->flags & FTS5_TOKENIZE_PREFIX) {
		const sb_symbol *stem =
		        sb_stemmer_stem(c->tok->stemmer, (const sb_symbol *)token, n);

		if (!stem)
			return SQLITE_NOMEM;
		return c->emit(c->ctx, flags, (const char *)stem,
		               sb_stemmer_length(c->tok->stemmer), start, end);
	}
	if (n < LEMMA_WORD_MAX) {
		for (int i = 0; i < n; i++)
			h = (h ^ (unsigned char)token[i]) * 16777619u;
		e = &c->tok->cache[h & (LEMMA_CACHE - 1)];
		if (e->word_len == n && memcmp(e->word, token, (size_t)n) == 0)
			return emit_set(c, flags, &e->set, start, end);
	}
	if (lemmas_of(c->tok->stemmer, token, n, &set) < 0)
		return SQLITE_NOMEM;
	if (e) {
		e->word_len = (unsigned char)n;
		memcpy(e->word, token, (size_t)n);
		e->set = set;
	}
	return emit_set(c, flags, &set, start, end);
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                        int (*emit)(void *, int, const char *, int, int, int))
{
	struct tok *t = (struct tok *)p;
	struct tok_call call = {t, ctx, flags, emit};

	return t->parent.xTokenize(t->parent_inst, &call, flags, text, n, lemma_token);
}

int fts_swedish_register(sqlite3 *db)
{
	static fts5_tokenizer methods = {tok_create, tok_delete, tok_tokenize};
	fts5_api *api = get_api(db);

	if (!api || api->iVersion < 2)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, "kv_swedish", api, &methods, NULL);
}
