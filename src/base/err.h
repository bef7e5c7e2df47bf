/* Error codes and the message that travels beside them.
 * A library function that fails sets a struct err once, where the problem is
 * found, and returns the negative code; callers at the edge (cli/, http/)
 * print the message and map the code with err_exit_code() / err_http_status(). */
#ifndef KV_BASE_ERR_H
#define KV_BASE_ERR_H

#include <stddef.h>

enum {
	KV_OK = 0,
	KV_EINVAL = -1,    /* bad input: caller's data is wrong */
	KV_ENOTFOUND = -2, /* a named thing does not exist */
	KV_ECONFLICT = -3, /* duplicate, or state does not allow it */
	KV_EDENIED = -4,   /* not allowed (permission, signature) */
	KV_EIO = -5,       /* file, database or network failure */
	KV_ENOMEM = -6,    /* allocation failed */
	KV_EINTERNAL = -7, /* our own bug or an impossible state */
};

#define ERR_MSG_MAX 1024

struct err {
	int code;
	char msg[ERR_MSG_MAX];
};

/* Clears err (may be NULL). */
void err_clear(struct err *err);

/* Records code and a printf-style message in err (may be NULL) and returns
 * code, so a caller can write `return err_set(err, KV_EINVAL, "...")`. */
int err_set(struct err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with more context ("file x: " ...). */
int err_prefix(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A short stable name for a code ("invalid", "not_found" ...). */
const char *err_name(int code);

/* Process exit code for an error code: 2 for bad input / usage / not found /
 * conflict / denied, 3 for I/O and internal failures. 0 for KV_OK. */
int err_exit_code(int code);

/* HTTP status for an error code (400, 404, 409, 403, 500). */
int err_http_status(int code);

#endif
