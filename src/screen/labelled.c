/* Labelled data (see labelled.h): one line at a time, parsed with jansson,
 * screened, and kept as gold labels, flags and features. */
#include "screen/labelled.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double annotation(json_t *ann, const char *key)
{
	json_t *v = json_object_get(ann, key);

	return json_is_number(v) ? json_number_value(v) : 0;
}

/* Fills gold labels from one parsed line; *text borrows from doc. */
static int parse_item(struct labelled_item *it, json_t *doc, const char **text, int *rtp,
                      const char *path, long lineno, struct err *err)
{
	json_t *ann = json_object_get(doc, "Annotations"), *labels = json_object_get(doc, "labels");

	if (json_is_object(ann) && json_is_string(json_object_get(doc, "Prompt"))) {
		/* RTP-LX: mean ratings 1..5; 2.5 and up means "must look". */
		*rtp = 1;
		*text = json_string_value(json_object_get(doc, "Prompt"));
		it->y[DH_ANY] = annotation(ann, "Toxicity") >= 2.5;
		it->y[DH_HATE] = annotation(ann, "IdentityAttack") >= 2.5;
		it->y[DH_INSULT] = annotation(ann, "Insult") >= 2.5;
		it->y[DH_THREAT_VIOLENCE] = annotation(ann, "Violence") >= 2.5;
		it->y[DH_SEXUAL] = annotation(ann, "SexualContent") >= 2.5;
		return KV_OK;
	}
	if (json_is_string(json_object_get(doc, "text")) && json_is_array(labels)) {
		size_t k;
		json_t *l;

		*text = json_string_value(json_object_get(doc, "text"));
		json_array_foreach(labels, k, l)
		{
			int cat =
			        json_is_string(l) ? lexicon_category_id(json_string_value(l)) : -1;

			if (cat < 0)
				return err_set(err, KV_EINVAL,
				               "%s:%ld: label %zu is not a category name", path,
				               lineno, k);
			it->gold[cat] = 1;
		}
		for (int c = 0; c < SCREEN_NCAT; c++)
			it->y[DH_ANY] |= it->gold[c] && lexicon_category_abusive(c);
		it->y[DH_INSULT] = it->gold[SCREEN_DEFAMATION_INSULT];
		it->y[DH_HATE] = it->gold[SCREEN_HATE];
		it->y[DH_THREAT_VIOLENCE] = it->gold[SCREEN_THREAT] || it->gold[SCREEN_VIOLENCE];
		it->y[DH_SEXUAL] = it->gold[SCREEN_SEXUAL];
		return KV_OK;
	}
	return err_set(err, KV_EINVAL,
	               "%s:%ld: expected RTP-LX (Prompt, Annotations) or {\"text\", \"labels\"}",
	               path, lineno);
}

int labelled_load(struct labelled *out, struct screen *s, const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	struct screen_scratch *sc = NULL;
	char *line = NULL;
	size_t cap = 0, icap = 0;
	ssize_t got;
	long lineno = 0;
	int rc = KV_OK;

	memset(out, 0, sizeof(*out));
	if (!f)
		return err_set(err, KV_EIO, "cannot open %s: %s", path, strerror(errno));
	if ((rc = screen_scratch_new(&sc, s, err)) != KV_OK)
		goto out;
	while ((got = getline(&line, &cap, f)) >= 0) {
		const struct screen_result *r;
		struct labelled_item *it;
		json_error_t je;
		json_t *doc;
		const char *text = NULL;

		lineno++;
		if (got <= 1)
			continue;
		doc = json_loadb(line, (size_t)got, 0, &je);
		if (!doc || !json_is_object(doc)) {
			rc = err_set(err, KV_EINVAL, "%s:%ld: not a JSON object: %s", path, lineno,
			             doc ? "another JSON value" : je.text);
			json_decref(doc);
			goto out;
		}
		if (out->n == icap) {
			size_t nc = icap ? icap * 2 : 256;
			struct labelled_item *ni = realloc(out->items, nc * sizeof(*ni));

			if (!ni) {
				json_decref(doc);
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
			out->items = ni;
			icap = nc;
		}
		it = &out->items[out->n];
		memset(it, 0, sizeof(*it));
		if ((rc = parse_item(it, doc, &text, &out->rtp, path, lineno, err)) != KV_OK ||
		    (rc = screen_text(&r, sc, text, strlen(text), err)) != KV_OK) {
			json_decref(doc);
			goto out;
		}
		memcpy(it->flagged, r->flagged, sizeof(it->flagged));
		memcpy(it->x, r->feature, sizeof(it->x));
		it->abusive = r->abusive;
		out->n++;
		json_decref(doc);
	}
	if (ferror(f))
		rc = err_set(err, KV_EIO, "cannot read %s", path);
out:
	free(line);
	fclose(f);
	screen_scratch_free(sc);
	if (rc != KV_OK)
		labelled_done(out);
	return rc;
}

void labelled_done(struct labelled *l)
{
	if (!l)
		return;
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int labelled_arrays(const struct labelled *l, double (**x)[DECISION_NFEAT],
                    int (**y)[DECISION_NHEAD], struct err *err)
{
	*x = malloc((l->n ? l->n : 1) * sizeof(**x));
	*y = malloc((l->n ? l->n : 1) * sizeof(**y));
	if (!*x || !*y) {
		free(*x);
		free(*y);
		*x = NULL;
		*y = NULL;
		return err_set(err, KV_ENOMEM, "out of memory");
	}
	for (size_t k = 0; k < l->n; k++) {
		memcpy((*x)[k], l->items[k].x, sizeof((*x)[k]));
		memcpy((*y)[k], l->items[k].y, sizeof((*y)[k]));
	}
	return KV_OK;
}
