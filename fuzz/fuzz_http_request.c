/* libFuzzer target for the API's request parsing: the input is a request
 * line "METHOD PATH?QUERY", a newline, then a body. The path is routed
 * (api_route_find), each query value is read as a cursor, a date and a
 * number, and the body as a JSON object with the depth limit. Whatever the
 * bytes: no crash; a route found has the method asked for and parameters
 * that are non-empty path segments; a cursor parsed prints back the same;
 * a body accepted is an object that survives a round trip. */
#include "http/api.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void query_values(char *q)
{
	for (char *kv = q; kv && *kv;) {
		char *amp = strchr(kv, '&'), *eq;
		int64_t v;

		if (amp)
			*amp = '\0';
		eq = strchr(kv, '=');
		if (eq) {
			const char *val = eq + 1;

			if (api_cursor_parse(val, &v) == KV_OK) {
				char back[32];

				snprintf(back, sizeof(back), "o%lld", (long long)v);
				if (v < 0 || (strcmp(back, val) != 0 && val[1] != '0'))
					abort();
			}
			if (api_date_parse(val, &v) == KV_OK && strlen(val) != 10)
				abort();
		}
		kv = amp ? amp + 1 : NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t llen = nl ? (size_t)(nl - data) : size;
	const char *body = nl ? (const char *)nl + 1 : "";
	size_t blen = nl ? size - llen - 1 : 0;
	char *line = malloc(llen + 1), *sp, *path, *q, buf[512];
	const char *param[API_PARAMS_MAX] = {0};
	const struct api_route *route = NULL;
	json_t *j = NULL;
	struct err e;
	int rc;

	if (!line)
		return 0;
	memcpy(line, data, llen);
	line[llen] = '\0';
	if (strlen(line) != llen) { /* a NUL in the request line: no HTTP request has one */
		free(line);
		return 0;
	}
	sp = strchr(line, ' ');
	path = sp ? sp + 1 : line + llen;
	if (sp)
		*sp = '\0';
	q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	rc = api_route_find(line, path, &route, param, buf, sizeof(buf));
	if (rc == 0) {
		if (!route || strcmp(route->method, line) != 0)
			abort();
		for (size_t i = 0; i < API_PARAMS_MAX && param[i]; i++)
			if (!*param[i] || strchr(param[i], '/'))
				abort();
	} else if (rc != 404 && rc != 405) {
		abort();
	}
	query_values(q);
	err_clear(&e);
	if (api_json_body(body, blen, &j, &e) == KV_OK) {
		char *s = json_dumps(j, JSON_COMPACT);
		json_t *again = s ? json_loads(s, 0, NULL) : NULL;

		if (!json_is_object(j) || !again || !json_equal(j, again))
			abort();
		json_decref(again);
		free(s);
		json_decref(j);
	} else if (e.msg[0] == '\0') {
		abort(); /* a refusal always says why */
	}
	free(line);
	return 0;
}
