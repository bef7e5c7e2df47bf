/* Search conformance for Swedish base forms (store/fts_swedish through
 * store/items): a search for a base form finds its inflections, from a
 * fixture of base-form/inflection pairs (tests/fixtures/search/lemmas.txt);
 * prints the recall, and the recall Snowball stemming alone would give. */
#include "testlib.h"

#include "base/hash.h"
#include "registry/registry.h"
#include "store/fts_swedish.h"
#include "store/items.h"
#include "store/store.h"

#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 400
#define MAX_FORMS   8

struct entry {
	char cls[8];
	char base[64];
	char forms[MAX_FORMS][64];
	int n_forms;
	int first_item; /* the item number of forms[0] */
};

struct fixture {
	struct store *s;
	int64_t org, account;
	char dir[4096];
};

static struct fixture setup(void)
{
	struct fixture fx = {0};
	struct op_ctx op = {0};
	struct account_input in = {.platform = "facebook", .handle = "sjovik", .unit = "Enhet"};
	struct err e = {0};

	CHECK_INT(hash_init(), KV_OK);
	snprintf(fx.dir, sizeof(fx.dir), "%s/var", test_tmpdir());
	if (store_open(&fx.s, fx.dir, &e) ||
	    registry_init(test_op(fx.s, 0, "t"), "Sjövik", &fx.org, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	op.store = fx.s;
	op.org = fx.org;
	op.who = test_shell("t");
	if (registry_unit_add(&op, "Enhet", NULL, NULL, &e) ||
	    registry_account_add(&op, &in, &fx.account, &e))
		test_fail(__FILE__, __LINE__, "setup: %s", e.msg);
	return fx;
}

static void put(struct fixture *fx, const char *id, const char *text)
{
	struct item it = {.platform = "facebook",
	                  .platform_id = id,
	                  .kind = ITEM_COMMENT,
	                  .root_id = "post1",
	                  .parent_id = "post1",
	                  .created_at = 1780000000,
	                  .text = text,
	                  .state = ITEM_VISIBLE,
	                  .source = "test"};
	struct item_write w = {
	        .org_id = fx->org, .account_id = fx->account, .it = &it, .captured_at = 1780000000};
	struct item_put_result out = {0};
	struct err e = {0};

	if (items_put(fx->s, &w, &out, &e))
		test_fail(__FILE__, __LINE__, "items_put: %s", e.msg);
}

struct found {
	unsigned char *hit; /* by item number */
	int cap, n;
};

static int collect(void *ctx, const struct item_row *r)
{
	struct found *f = ctx;
	char *end;
	long k = strtol(r->platform_id + 1, &end, 10);

	if (*end == '\0' && k >= 0 && k < f->cap)
		f->hit[k] = 1;
	f->n++;
	return 0;
}

static int search(struct fixture *fx, const char *q, struct found *f)
{
	struct item_filter flt = {.org_id = fx->org, .query = q, .newest_first = 1};
	struct err e = {0};

	memset(f->hit, 0, (size_t)f->cap);
	f->n = 0;
	if (items_each(fx->s, &flt, collect, f, &e))
		test_fail(__FILE__, __LINE__, "search %s: %s", q, e.msg);
	return f->n;
}

static int load(struct entry *ents)
{
	size_t len;
	char *text = test_read_file(test_source_path("tests/fixtures/search/lemmas.txt"), &len);
	char *line, *save = NULL;
	int n = 0, item = 0;

	CHECK(text != NULL);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *w, *s2 = NULL;
		struct entry *en;

		if (*line == '#' || *line == '\0')
			continue;
		CHECK(n < MAX_ENTRIES);
		en = &ents[n++];
		memset(en, 0, sizeof(*en));
		w = strtok_r(line, " ", &s2);
		snprintf(en->cls, sizeof(en->cls), "%s", w);
		w = strtok_r(NULL, " ", &s2);
		CHECK(w != NULL);
		snprintf(en->base, sizeof(en->base), "%s", w);
		en->first_item = item;
		while ((w = strtok_r(NULL, " ", &s2)) && en->n_forms < MAX_FORMS) {
			snprintf(en->forms[en->n_forms++], sizeof(en->forms[0]), "%s", w);
			item++;
		}
		CHECK(en->n_forms > 0);
	}
	free(text);
	return n;
}

static int snowball_same(struct sb_stemmer *sb, const char *a, const char *b)
{
	char sa[128];
	const sb_symbol *s = sb_stemmer_stem(sb, (const sb_symbol *)a, (int)strlen(a));

	snprintf(sa, sizeof(sa), "%.*s", sb_stemmer_length(sb), (const char *)s);
	s = sb_stemmer_stem(sb, (const sb_symbol *)b, (int)strlen(b));
	return (int)strlen(sa) == sb_stemmer_length(sb) && memcmp(sa, s, strlen(sa)) == 0;
}

/* Every inflection in its own text; each base form searched for. */
static void base_forms_find_their_inflections(void)
{
	static struct entry ents[MAX_ENTRIES];
	struct fixture fx;
	struct sb_stemmer *sb = sb_stemmer_new("swedish", "UTF_8");
	struct found f = {0};
	int n = load(ents), pairs = 0, found = 0, sb_found = 0;
	int per[3][2] = {{0}}; /* noun, verb, adj: found, pairs */
	char id[32], text[256];

	CHECK(fts_swedish_has_dictionary());
	fx = setup();
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ents[i].n_forms; k++) {
			snprintf(id, sizeof(id), "p%d", ents[i].first_item + k);
			snprintf(text, sizeof(text), "Jag skrev om %s i går.", ents[i].forms[k]);
			put(&fx, id, text);
			pairs++;
		}
	CHECK(pairs >= 300);
	f.cap = pairs;
	f.hit = calloc((size_t)pairs, 1);
	for (int i = 0; i < n; i++) {
		int c = ents[i].cls[0] == 'n' ? 0 : ents[i].cls[0] == 'v' ? 1 : 2;

		search(&fx, ents[i].base, &f);
		for (int k = 0; k < ents[i].n_forms; k++) {
			int hit = f.hit[ents[i].first_item + k];

			found += hit;
			per[c][0] += hit;
			per[c][1]++;
			sb_found += snowball_same(sb, ents[i].base, ents[i].forms[k]);
			if (!hit)
				printf("  missed: %s -> %s\n", ents[i].base, ents[i].forms[k]);
		}
	}
	printf("search recall, base form -> inflection: %d/%d = %.1f%% (nouns %d/%d, verbs %d/%d,"
	       " adjectives %d/%d); Snowball alone: %d/%d = %.1f%%\n",
	       found, pairs, 100.0 * found / pairs, per[0][0], per[0][1], per[1][0], per[1][1],
	       per[2][0], per[2][1], sb_found, pairs, 100.0 * sb_found / pairs);
	CHECK(found * 100 >= pairs * 85);
	CHECK(found > sb_found);
	free(f.hit);
	sb_stemmer_delete(sb);
	store_free(fx.s);
}

/* The examples a user tried, both directions, and letters kept apart. */
static void examples_and_letters(void)
{
	struct fixture fx = setup();
	struct found f = {.cap = 8};
	unsigned char hit[8];

	f.hit = hit;
	put(&fx, "p0", "Det är skräpigt på badplatsen.");
	put(&fx, "p1", "Parkeringsplatsen vid skolan är full.");
	put(&fx, "p2", "Gatan är hal i dag.");
	put(&fx, "p3", "En gåta: varför plogas inte gator?");
	put(&fx, "p4", "Blorparna i parken.");
	CHECK_INT(search(&fx, "badplats", &f), 1);
	CHECK(hit[0]);
	CHECK_INT(search(&fx, "parkeringsplats", &f), 1);
	CHECK(hit[1]);
	CHECK_INT(search(&fx, "gata", &f), 2);
	CHECK(hit[2] && hit[3]);
	/* An inflection finds another inflection of its lemma. */
	CHECK_INT(search(&fx, "badplatserna", &f), 1);
	CHECK(hit[0]);
	/* å is not a: "gåta" is not "gata". */
	CHECK_INT(search(&fx, "gåtor", &f), 1);
	CHECK(hit[3]);
	/* A word no dictionary knows falls back to its Snowball stem. */
	CHECK_INT(search(&fx, "blorpen", &f), 1);
	CHECK(hit[4]);
	store_free(fx.s);
}

static void lemmas_of_one_word(void)
{
	char out[128];

	CHECK(fts_swedish_has_dictionary());
	/* The dictionary's base form, and the Snowball stem beside it. */
	CHECK_INT(fts_swedish_lemmas("badplatsen", 10, out, sizeof(out)), 1);
	CHECK_STR(out, "badplats");
	CHECK(fts_swedish_lemmas("gick", 4, out, sizeof(out)) >= 1);
	CHECK_CONTAINS(out, "gå");
	/* Unknown to the dictionary: the Snowball stem alone. */
	CHECK_INT(fts_swedish_lemmas("blorparna", 9, out, sizeof(out)), 1);
	CHECK_STR(out, "blorp");
	CHECK_INT(fts_swedish_lemmas("ab", 2, out, sizeof(out)), 1);
	CHECK_STR(out, "ab");
	CHECK_INT(fts_swedish_lemmas("badplatsen", 10, out, 4), -1);
}

/* A database indexed before (by another tokenizer) is reindexed by the
 * migration: here the index is emptied and the migration's step rerun. */
static void the_migration_rebuilds_the_index(void)
{
	struct fixture fx = setup();
	struct found f = {.cap = 8};
	unsigned char hit[8];
	struct err e = {0};

	f.hit = hit;
	put(&fx, "p0", "Det är skräpigt på badplatsen.");
	CHECK_INT(search(&fx, "badplats", &f), 1);
	CHECK_INT(store_exec(fx.s, "INSERT INTO item_fts (item_fts) VALUES ('delete-all')", &e),
	          KV_OK);
	CHECK_INT(search(&fx, "badplats", &f), 0);
	/* The rebuild, the (idempotent) one-item-per-platform-id trigger and
	 * the profile pictures' table are the last three migrations: run them
	 * again (the table dropped first, the step creates it). */
	CHECK_INT(store_exec(fx.s,
	                     "DELETE FROM schema_migrations WHERE version >"
	                     " (SELECT MAX(version) - 3 FROM schema_migrations);"
	                     "DROP TABLE profile_picture",
	                     &e),
	          KV_OK);
	store_free(fx.s);
	if (store_open(&fx.s, fx.dir, &e))
		test_fail(__FILE__, __LINE__, "reopen: %s", e.msg);
	CHECK_INT(search(&fx, "badplats", &f), 1);
	CHECK(hit[0]);
	store_free(fx.s);
}

TEST_MAIN(T(base_forms_find_their_inflections), T(examples_and_letters), T(lemmas_of_one_word),
          T(the_migration_rebuilds_the_index))
