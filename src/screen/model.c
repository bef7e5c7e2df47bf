/* Linear model over hashed features (see model.h). The file is text so a
 * reviewer can read what is shipped:
 *   kvmodel 2
 *   dim <power of two>
 *   bias <float>
 *   scale <float>       a weight is scale * its integer
 *   lift <float>        how far the model moves a lexicon score
 *   alone <float>       probability above which the model flags on its own
 *   <index> <integer>   one line per non-zero weight, -127..127
 * Weights are int8 in memory, so 2^18 of them fit a core's cache. Not a
 * trainer (tools/screen_train.c) and not a general ML library. */
#include "screen/model.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_MAX_DIM ((size_t)1 << 24)

struct model {
	size_t dim;
	double bias, scale, lift, alone;
	int8_t *w;
};

static inline uint32_t fnv(const char *s, size_t n, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;

	for (size_t k = 0; k < n; k++) {
		h ^= (unsigned char)s[k];
		h *= 16777619u;
	}
	return h;
}

static inline uint32_t mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	h ^= h >> 16;
	return h;
}

/* Features: each word, each pair of neighbouring words, and every character
 * 4-gram of the normalised text (spaces included, so word edges count). */
#define FEATURES(norm, len, dim, EMIT)                                                             \
	do {                                                                                       \
		size_t mask_ = (dim)-1, a_ = 1;                                                    \
		uint32_t prev_ = 0;                                                                \
		for (size_t i_ = 1; i_ < (len); i_++) {                                            \
			if ((norm)[i_] != ' ')                                                     \
				continue;                                                          \
			if (i_ > a_) {                                                             \
				uint32_t h_ = fnv((norm) + a_, i_ - a_, 1);                        \
				EMIT((size_t)(h_ & mask_));                                        \
				if (prev_)                                                         \
					EMIT((size_t)(mix(prev_ * 31u + h_) & mask_));             \
				prev_ = h_;                                                        \
			}                                                                          \
			a_ = i_ + 1;                                                               \
		}                                                                                  \
		for (size_t i_ = 0; i_ + 4 <= (len); i_++) {                                       \
			uint32_t g_;                                                               \
			memcpy(&g_, (norm) + i_, 4);                                               \
			EMIT((size_t)(mix(g_ ^ 0x5bd1e995u) & mask_));                             \
		}                                                                                  \
	} while (0)

void model_features(const char *norm, size_t len, size_t dim, void (*fn)(size_t idx, void *ctx),
                    void *ctx)
{
#define CALL(i) fn((i), ctx)
	FEATURES(norm, len, dim, CALL);
#undef CALL
}

double model_prob(const struct model *m, const char *norm, size_t len)
{
	long acc = 0;
	const int8_t *w = m->w;
	double z;

#define ADD(i) (acc += w[(i)])
	FEATURES(norm, len, m->dim, ADD);
#undef ADD
	z = m->bias + m->scale * (double)acc;
	return 1.0 / (1.0 + exp(-z));
}

double model_lift(const struct model *m)
{
	return m->lift;
}

double model_alone(const struct model *m)
{
	return m->alone;
}

size_t model_dim(const struct model *m)
{
	return m->dim;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	free(m->w);
	free(m);
}

static int parse_num(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (errno || end == s || (*end && *end != '\n' && *end != '\r')) ? -1 : 0;
}

int model_load(struct model **out, const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	struct model *m = NULL;
	char line[256];
	int lineno = 0, rc = KV_OK;

	if (!f)
		return err_set(err, KV_EIO, "cannot open %s: %s", path, strerror(errno));
	m = calloc(1, sizeof(*m));
	if (!m) {
		rc = err_set(err, KV_ENOMEM, "out of memory");
		goto out;
	}
	m->lift = 0.5;
	m->alone = 1.1;
	m->scale = 1.0 / 127;
	while (fgets(line, sizeof(line), f)) {
		char key[32], val[64];
		double v;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%31s %63s", key, val) != 2 || parse_num(val, &v) != 0) {
			rc = err_set(err, KV_EINVAL, "%s:%d: expected '<key> <number>'", path,
			             lineno);
			goto out;
		}
		if (lineno == 1 && strcmp(key, "kvmodel") == 0) {
			if (v != 2) {
				rc = err_set(err, KV_EINVAL, "%s:1: unsupported model version",
				             path);
				goto out;
			}
			continue;
		}
		if (strcmp(key, "dim") == 0) {
			if (m->w || v < 2 || v > (double)MODEL_MAX_DIM ||
			    ((size_t)v & ((size_t)v - 1)) != 0) {
				rc = err_set(err, KV_EINVAL,
				             "%s:%d: dim must be a power of two up to %zu, once",
				             path, lineno, MODEL_MAX_DIM);
				goto out;
			}
			m->dim = (size_t)v;
			m->w = calloc(m->dim, sizeof(*m->w));
			if (!m->w) {
				rc = err_set(err, KV_ENOMEM, "out of memory");
				goto out;
			}
		} else if (strcmp(key, "bias") == 0) {
			m->bias = v;
		} else if (strcmp(key, "scale") == 0) {
			m->scale = v;
		} else if (strcmp(key, "lift") == 0) {
			m->lift = v;
		} else if (strcmp(key, "alone") == 0) {
			m->alone = v;
		} else {
			char *end;
			unsigned long idx;

			errno = 0;
			idx = strtoul(key, &end, 10);
			if (!m->w || errno || *end || idx >= m->dim) {
				rc = err_set(err, KV_EINVAL,
				             "%s:%d: '%s' is not a feature index below dim (or dim "
				             "missing)",
				             path, lineno, key);
				goto out;
			}
			if (v != (int)v || v < -127 || v > 127) {
				rc = err_set(err, KV_EINVAL,
				             "%s:%d: weight '%s' is not an integer -127..127", path,
				             lineno, val);
				goto out;
			}
			m->w[idx] = (int8_t)v;
		}
	}
	if (!m->w) {
		rc = err_set(err, KV_EINVAL, "%s: no 'dim' line", path);
		goto out;
	}
	*out = m;
	m = NULL;
out:
	fclose(f);
	model_free(m);
	return rc;
}
