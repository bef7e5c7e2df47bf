/* A small unit-test harness: each test runs in its own child process with a
 * time limit (as libuv does), so one crash cannot hide the others, and a
 * single test can be run by name: `test_buf buf_grows`. */
#ifndef KV_TESTLIB_H
#define KV_TESTLIB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

void test_fail(const char *file, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4), noreturn));
int test_main(int argc, char **argv, const struct test_case *cases, size_t n);

/* A fresh empty directory for this test (removed by the runner afterwards). */
const char *test_tmpdir(void);

/* Path under the source tree / ../shared/data (NULL when that is absent). */
const char *test_source_path(const char *rel);
const char *test_shared_path(const char *rel);

/* Reads a whole file into a heap string (free it); NULL if missing. */
char *test_read_file(const char *path, size_t *len);
/* Writes data to path; aborts the test on failure. */
void test_write_file(const char *path, const char *data, size_t len);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			test_fail(__FILE__, __LINE__, "%s", #cond);                                \
	} while (0)

#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		if (a_ != b_)                                                                      \
			test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_);   \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                                             \
			test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,        \
			          a_ ? a_ : "(null)", b_ ? b_ : "(null)");                         \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
	do {                                                                                       \
		const char *h_ = (hay), *n_ = (needle);                                            \
		if (!h_ || !strstr(h_, n_))                                                        \
			test_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"",            \
			          h_ ? h_ : "(null)", n_);                                         \
	} while (0)

struct op_ctx;
struct principal;
struct store;
/* The operator's shell acting as actor (every permission); one stable
 * principal per name. */
const struct principal *test_shell(const char *actor);
/* An operation context acting as the operator's shell named actor (every
 * permission), for tests that set up data. Points to one of a few static
 * slots: valid until the eighth call after it. */
const struct op_ctx *test_op(struct store *s, int64_t org, const char *actor);
/* test_op with the clock at now. */
const struct op_ctx *test_op_at(struct store *s, int64_t org, const char *actor, int64_t now);

#define T(fn)                                                                                      \
	{                                                                                          \
#fn, fn                                                                            \
	}
#define TEST_MAIN(...)                                                                             \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		static const struct test_case cases[] = {__VA_ARGS__};                             \
		return test_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));             \
	}

#endif
