/* Error codes, their names and the two mapping tables (exit code, HTTP). */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void err_clear(struct err *err)
{
	if (!err)
		return;
	err->code = KV_OK;
	err->msg[0] = '\0';
}

int err_set(struct err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int err_prefix(struct err *err, const char *fmt, ...)
{
	char prefix[ERR_MSG_MAX];
	char old[ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return KV_EINTERNAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	{
		size_t n = strlen(prefix);

		/* The prefix first, then as much of the old message as fits. */
		memcpy(err->msg, prefix, n + 1);
		if (n < sizeof(err->msg) - 1)
			memcpy(err->msg + n, old, strnlen(old, sizeof(err->msg) - 1 - n));
		err->msg[n + strnlen(old, sizeof(err->msg) - 1 - n)] = '\0';
	}
	return err->code;
}

static const struct {
	int code;
	const char *name;
	int exit_code;
	int http;
} table[] = {
        {KV_OK, "ok", 0, 200},
        {KV_EINVAL, "invalid", 2, 400},
        {KV_ENOTFOUND, "not_found", 2, 404},
        {KV_ECONFLICT, "conflict", 2, 409},
        {KV_EDENIED, "denied", 2, 403},
        {KV_EIO, "io", 3, 500},
        {KV_ENOMEM, "no_memory", 3, 500},
        {KV_EINTERNAL, "internal", 3, 500},
};

static size_t find(int code)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].code == code)
			return i;
	return sizeof(table) / sizeof(table[0]) - 1; /* unknown → internal */
}

const char *err_name(int code)
{
	return table[find(code)].name;
}

int err_exit_code(int code)
{
	return table[find(code)].exit_code;
}

int err_http_status(int code)
{
	return table[find(code)].http;
}
