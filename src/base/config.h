/* The configuration file: INI-style sections of `key = value` lines.
 *
 *     # comment
 *     [meta]
 *     app_secret = ...
 *     [account sjoviks.kommun]
 *     token = ...
 *
 * A section header may carry a name after a space ("account sjoviks.kommun").
 * Values run to the end of the line, trimmed; no quoting, no escapes. Only
 * parsing and lookup: what the keys mean is up to each feature. */
#ifndef KV_BASE_CONFIG_H
#define KV_BASE_CONFIG_H

#include "base/err.h"

#include <stdint.h>

struct config;

/* Reads path. A missing file gives an empty configuration when optional is
 * 1, KV_ENOTFOUND otherwise. Syntax errors are KV_EINVAL naming file and line.
 * *out owned by the caller (config_free). */
int config_load(struct config **out, const char *path, int optional, struct err *err);

/* An empty configuration (for tests and defaults). NULL when out of memory. */
struct config *config_new(void);
void config_free(struct config *c);

/* Sets (or replaces) a value; KV_ENOMEM on failure. */
int config_set(struct config *c, const char *section, const char *key, const char *value);

/* The value of key in section ("meta", "account sjoviks.kommun"), or def.
 * Borrowed for the configuration's lifetime. */
const char *config_get(const struct config *c, const char *section, const char *key,
                       const char *def);

/* The file c was read from (NULL for one made by the program), and the line
 * key's value stands on in it (0 when the program set it or it is absent);
 * *times (may be NULL) is how many lines of the file set it (the last
 * wins). */
const char *config_file(const struct config *c);
int config_line(const struct config *c, const char *section, const char *key, int *times);

/* An integer value; KV_EINVAL naming section and key when it is not one. */
int config_get_int(const struct config *c, const char *section, const char *key, int64_t def,
                   int64_t *out, struct err *err);

/* Reads a yes/no word: yes, true, on, 1 or no, false, off, 0 (any case).
 * KV_EINVAL (err not set; the caller names the setting) for anything else. */
int config_parse_bool(const char *v, int *out);

/* A yes/no value (config_parse_bool), or def when absent; KV_EINVAL naming
 * section and key when it is neither. c may be NULL (every value absent). */
int config_get_bool(const struct config *c, const char *section, const char *key, int def, int *out,
                    struct err *err);

/* Calls fn for each section whose header starts with prefix ("account "),
 * with the name after the prefix. */
typedef int (*config_section_fn)(void *ctx, const char *section, const char *name);
int config_each_section(const struct config *c, const char *prefix, config_section_fn fn,
                        void *ctx);

/* Calls fn for each key of section (in file order) whose name starts with
 * prefix, with the rest of the name and the value. A non-zero return from fn
 * stops the walk and is returned. */
typedef int (*config_key_fn)(void *ctx, const char *name, const char *value);
int config_each_key(const struct config *c, const char *section, const char *prefix,
                    config_key_fn fn, void *ctx);

#endif
