/* INI-style configuration: a flat list of (section, key, value). */
#include "base/config.h"

#include "base/utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONFIG_LINE_MAX 8192

struct entry {
	char *section;
	char *key;
	char *value;
	int line;  /* in the file, 0 when set by the program */
	int times; /* how many lines of the file set it */
};

struct config {
	struct entry *e;
	size_t n, cap;
	char *path; /* the file read, NULL for one made by the program */
};

struct config *config_new(void)
{
	return calloc(1, sizeof(struct config));
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].section);
		free(c->e[i].key);
		free(c->e[i].value);
	}
	free(c->e);
	free(c->path);
	free(c);
}

/* Sets key in section to value; the entry set, or NULL when out of memory. */
static struct entry *entry_set(struct config *c, const char *section, const char *key,
                               const char *value)
{
	char *v = strdup(value);
	struct entry *n;

	if (!v)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, key) == 0) {
			free(c->e[i].value);
			c->e[i].value = v;
			return &c->e[i];
		}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct entry *e = realloc(c->e, cap * sizeof(*e));

		if (!e) {
			free(v);
			return NULL;
		}
		c->e = e;
		c->cap = cap;
	}
	n = &c->e[c->n];
	*n = (struct entry){strdup(section), strdup(key), v, 0, 0};
	if (!n->section || !n->key) {
		free(n->section);
		free(n->key);
		free(v);
		return NULL;
	}
	c->n++;
	return n;
}

int config_set(struct config *c, const char *section, const char *key, const char *value)
{
	return entry_set(c, section, key, value) ? KV_OK : KV_ENOMEM;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

static int parse(struct config *c, FILE *f, const char *path, struct err *err)
{
	char line[CONFIG_LINE_MAX];
	char section[512] = "";
	struct entry *e;
	int lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		char *p, *eq, *key, *value;
		size_t len = strlen(line);

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n')
			return err_set(err, KV_EINVAL, "%s:%d: line longer than %d bytes", path,
			               lineno, CONFIG_LINE_MAX - 2);
		if (utf8_check(line, len) >= 0)
			return err_set(err, KV_EINVAL, "%s:%d: invalid UTF-8", path, lineno);
		p = trim(line);
		if (!*p || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			char *close = strchr(p, ']');

			if (!close || close[1] != '\0' || close == p + 1)
				return err_set(err, KV_EINVAL,
				               "%s:%d: a section header is [name] on a line of "
				               "its own",
				               path, lineno);
			*close = '\0';
			snprintf(section, sizeof(section), "%s", trim(p + 1));
			continue;
		}
		eq = strchr(p, '=');
		if (!eq)
			return err_set(err, KV_EINVAL, "%s:%d: expected 'key = value'", path,
			               lineno);
		*eq = '\0';
		key = trim(p);
		value = trim(eq + 1);
		if (!*key || strpbrk(key, " \t"))
			return err_set(err, KV_EINVAL, "%s:%d: '%s' is not a key", path, lineno,
			               key);
		if (!section[0])
			return err_set(err, KV_EINVAL, "%s:%d: '%s' stands before any [section]",
			               path, lineno, key);
		e = entry_set(c, section, key, value);
		if (!e)
			return err_set(err, KV_ENOMEM, "out of memory");
		e->line = lineno;
		e->times++;
	}
	if (ferror(f))
		return err_set(err, KV_EIO, "%s: read error", path);
	return KV_OK;
}

int config_load(struct config **out, const char *path, int optional, struct err *err)
{
	struct config *c = config_new();
	FILE *f;
	int rc;

	if (!c)
		return err_set(err, KV_ENOMEM, "out of memory");
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT && optional) {
			*out = c;
			return KV_OK;
		}
		config_free(c);
		return err_set(err, errno == ENOENT ? KV_ENOTFOUND : KV_EIO, "configuration %s: %s",
		               path, strerror(errno));
	}
	c->path = strdup(path);
	rc = c->path ? parse(c, f, path, err) : err_set(err, KV_ENOMEM, "out of memory");
	fclose(f);
	if (rc) {
		config_free(c);
		return rc;
	}
	*out = c;
	return KV_OK;
}

const char *config_get(const struct config *c, const char *section, const char *key,
                       const char *def)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, key) == 0)
			return c->e[i].value;
	return def;
}

const char *config_file(const struct config *c)
{
	return c ? c->path : NULL;
}

int config_line(const struct config *c, const char *section, const char *key, int *times)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, key) == 0) {
			if (times)
				*times = c->e[i].times;
			return c->e[i].line;
		}
	if (times)
		*times = 0;
	return 0;
}

int config_get_int(const struct config *c, const char *section, const char *key, int64_t def,
                   int64_t *out, struct err *err)
{
	const char *v = config_get(c, section, key, NULL);
	char *end = NULL;
	long long n;

	if (!v) {
		*out = def;
		return KV_OK;
	}
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || !end || *end || end == v)
		return err_set(err, KV_EINVAL, "configuration [%s] %s: '%s' is not a whole number",
		               section, key, v);
	*out = n;
	return KV_OK;
}

int config_parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return KV_OK;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return KV_OK;
		}
	}
	return KV_EINVAL;
}

int config_get_bool(const struct config *c, const char *section, const char *key, int def, int *out,
                    struct err *err)
{
	const char *v = c ? config_get(c, section, key, NULL) : NULL;

	if (!v) {
		*out = def;
		return KV_OK;
	}
	if (config_parse_bool(v, out))
		return err_set(err, KV_EINVAL, "configuration [%s] %s: '%s' is not yes or no",
		               section, key, v);
	return KV_OK;
}

int config_each_section(const struct config *c, const char *prefix, config_section_fn fn, void *ctx)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; c && i < c->n; i++) {
		int seen = 0, rc;

		if (strncmp(c->e[i].section, prefix, plen) != 0)
			continue;
		/* Report each section once, at its first key. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(c->e[j].section, c->e[i].section) == 0;
		if (seen)
			continue;
		rc = fn(ctx, c->e[i].section, c->e[i].section + plen);
		if (rc)
			return rc;
	}
	return KV_OK;
}

int config_each_key(const struct config *c, const char *section, const char *prefix,
                    config_key_fn fn, void *ctx)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; c && i < c->n; i++) {
		int rc;

		if (strcmp(c->e[i].section, section) != 0 ||
		    strncmp(c->e[i].key, prefix, plen) != 0)
			continue;
		rc = fn(ctx, c->e[i].key + plen, c->e[i].value);
		if (rc)
			return rc;
	}
	return KV_OK;
}
