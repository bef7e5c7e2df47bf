/* Tests for base/: buffers, errors, hashing, UTF-8, time. */
#include "testlib.h"

#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/time.h"
#include "base/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void buf_grows_and_stops_at_limit(void)
{
	struct buf b;

	buf_init(&b, 10);
	CHECK_INT(buf_puts(&b, "hello"), KV_OK);
	CHECK_INT(buf_printf(&b, "%d", 1234), KV_OK);
	CHECK_STR(buf_cstr(&b), "hello1234");
	CHECK_INT(buf_puts(&b, "xy"), KV_EINVAL);
	CHECK_STR(buf_cstr(&b), "hello1234");
	CHECK_INT(buf_putc(&b, '!'), KV_OK);
	CHECK_INT(b.len, 10);
	buf_done(&b);
}

static void err_maps_codes(void)
{
	struct err e;

	err_clear(&e);
	CHECK_INT(err_set(&e, KV_EINVAL, "field %s", "x"), KV_EINVAL);
	CHECK_STR(e.msg, "field x");
	err_prefix(&e, "file %s: ", "a.json");
	CHECK_STR(e.msg, "file a.json: field x");
	CHECK_INT(err_exit_code(KV_EINVAL), 2);
	CHECK_INT(err_exit_code(KV_EIO), 3);
	CHECK_INT(err_exit_code(KV_OK), 0);
	CHECK_INT(err_http_status(KV_ENOTFOUND), 404);
	CHECK_INT(err_http_status(KV_ECONFLICT), 409);
}

static void sha256_known_vectors(void)
{
	char hex[HASH_SHA256_HEX_LEN + 1];
	struct hash_sha256_ctx ctx;

	CHECK_INT(hash_init(), KV_OK);
	hash_sha256_hex(hex, "abc", 3);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hash_sha256_begin(&ctx);
	hash_sha256_update(&ctx, "a", 1);
	hash_sha256_update(&ctx, "bc", 2);
	hash_sha256_end_hex(&ctx, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void hmac_rfc4231_case2(void)
{
	uint8_t mac[HASH_SHA256_LEN];
	char hex[65];

	hash_hmac_sha256(mac, "Jefe", 4, "what do ya want for nothing?", 28);
	hash_hex(hex, mac, sizeof(mac));
	CHECK_STR(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	CHECK(hash_equal_ct("abc", "abc", 3));
	CHECK(!hash_equal_ct("abc", "abd", 3));
}

static void utf8_checks(void)
{
	CHECK_INT(utf8_check("får ö", 7), -1);
	CHECK_INT(utf8_check("ab\xff", 3), 2);
	CHECK_INT(utf8_check("a\xc3", 2), 1);
	CHECK_INT(utf8_check("a\0b", 3), 1);
	CHECK_INT(utf8_length("åäö", 6), 3);
}

static void iso_times(void)
{
	int64_t t;
	char out[TIME_ISO_LEN];

	CHECK_INT(time_parse_iso("2026-03-29T01:30:00Z", &t), KV_OK);
	time_format_utc(out, t);
	CHECK_STR(out, "2026-03-29T01:30:00Z");
	CHECK_INT(time_parse_iso("2026-03-29T03:30:00+02:00", &t), KV_OK);
	time_format_utc(out, t);
	CHECK_STR(out, "2026-03-29T01:30:00Z");
	CHECK_INT(time_parse_iso("2024-02-29T12:00:00.123+0100", &t), KV_OK);
	time_format_utc(out, t);
	CHECK_STR(out, "2024-02-29T11:00:00Z");
	CHECK_INT(time_parse_iso("2023-02-29T12:00:00Z", &t), KV_EINVAL);
	CHECK_INT(time_parse_iso("2023-01-01T12:00:00", &t), KV_EINVAL);
	CHECK_INT(time_parse_iso("2023-01-01T25:00:00Z", &t), KV_EINVAL);
	CHECK_INT(time_parse_iso("2023-01-01T12:00:00Zjunk", &t), KV_EINVAL);
	CHECK_INT(time_parse_iso(NULL, &t), KV_EINVAL);
}

static void dates_and_weekdays(void)
{
	int y, m, d;

	CHECK_INT(time_parse_date("2026-11-21", &y, &m, &d), KV_OK);
	CHECK_INT(time_weekday(time_days_from_civil(y, m, d)), 6); /* a Saturday */
	CHECK_INT(time_parse_date("2026-13-01", &y, &m, &d), KV_EINVAL);
	CHECK_INT(time_parse_date("2026-1-01", &y, &m, &d), KV_EINVAL);
	for (int64_t day = -1000; day < 30000; day += 37) {
		time_civil_from_days(day, &y, &m, &d);
		CHECK_INT(time_days_from_civil(y, m, d), day);
	}
}

static void config_values(void)
{
	struct config *c = config_new();
	struct err e;
	int64_t n = 0;
	int b = -1;

	CHECK(c != NULL);
	CHECK_INT(config_set(c, "media", "allow_internal", "Yes"), KV_OK);
	CHECK_INT(config_set(c, "cases", "require_registration", "perhaps"), KV_OK);
	CHECK_INT(config_set(c, "fetch", "max_pages", "12"), KV_OK);
	CHECK_INT(config_set(c, "fetch", "timeout_s", "12s"), KV_OK);
	CHECK_INT(config_get_bool(c, "media", "allow_internal", 0, &b, &e), KV_OK);
	CHECK_INT(b, 1);
	CHECK_INT(config_get_bool(c, "media", "absent", 1, &b, &e), KV_OK);
	CHECK_INT(b, 1);
	CHECK_INT(config_get_bool(NULL, "media", "allow_internal", 0, &b, &e), KV_OK);
	CHECK_INT(b, 0);
	CHECK_INT(config_get_bool(c, "cases", "require_registration", 1, &b, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "[cases] require_registration: 'perhaps' is not yes or no");
	for (const char *const *w = (const char *const[]){"on", "TRUE", "1", NULL}; *w; w++) {
		b = 0;
		CHECK_INT(config_parse_bool(*w, &b), KV_OK);
		CHECK_INT(b, 1);
	}
	for (const char *const *w = (const char *const[]){"off", "No", "0", NULL}; *w; w++) {
		b = 1;
		CHECK_INT(config_parse_bool(*w, &b), KV_OK);
		CHECK_INT(b, 0);
	}
	CHECK_INT(config_parse_bool("", &b), KV_EINVAL);
	CHECK_INT(config_parse_bool("yess", &b), KV_EINVAL);
	CHECK_INT(config_get_int(c, "fetch", "max_pages", 5, &n, &e), KV_OK);
	CHECK_INT(n, 12);
	CHECK_INT(config_get_int(c, "fetch", "timeout_s", 5, &n, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "[fetch] timeout_s: '12s' is not a whole number");
	config_free(c);
}

/* The file and line a value came from, how often it was set, and a whole
 * file written atomically (no temporary left beside it). */
static void config_lines_and_atomic_files(void)
{
	char dir[] = "/tmp/kv-base-XXXXXX", path[64], buf[128];
	const char *text = "# top\n[meta]\napp_secret = a\n\n[mail]\npassword = x\n"
	                   "[meta]\napp_secret = b\n";
	struct config *c = NULL;
	struct err e;
	int times = -1;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/kanalvakt.conf", dir);
	CHECK_INT(file_write_atomic(path, text, strlen(text), 0600, &e), KV_OK);
	f = fopen(path, "r");
	CHECK(f != NULL);
	CHECK_INT((int)fread(buf, 1, sizeof(buf), f), (int)strlen(text));
	fclose(f);
	CHECK_INT(config_load(&c, path, 0, &e), KV_OK);
	CHECK_STR(config_file(c), path);
	CHECK_STR(config_get(c, "meta", "app_secret", NULL), "b");
	CHECK_INT(config_line(c, "meta", "app_secret", &times), 8);
	CHECK_INT(times, 2);
	CHECK_INT(config_line(c, "mail", "password", &times), 6);
	CHECK_INT(times, 1);
	CHECK_INT(config_line(c, "mail", "absent", &times), 0);
	CHECK_INT(times, 0);
	CHECK_INT(config_set(c, "mail", "password", "resolved"), KV_OK);
	CHECK_INT(config_line(c, "mail", "password", NULL), 6);
	config_free(c);
	snprintf(buf, sizeof(buf), "%s/no/such/dir/f", dir);
	CHECK_INT(file_write_atomic(buf, "x", 1, 0600, &e), KV_EIO);
	CHECK_CONTAINS(e.msg, "cannot write");
	snprintf(buf, sizeof(buf), "%s/kanalvakt.conf.tmp.%ld", dir, (long)getpid());
	CHECK(access(buf, F_OK) != 0);
	unlink(path);
	rmdir(dir);
}

static void whole_files_are_read(void)
{
	char dir[] = "/tmp/kv-read.XXXXXX", path[300], big[100000];
	struct buf b;
	struct err e = {0};

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/f", dir);
	memset(big, 'a', sizeof(big));
	CHECK_INT(file_write_atomic(path, big, sizeof(big), 0600, &e), KV_OK);
	buf_init(&b, 0);
	CHECK_INT(file_read_all(path, &b, &e), KV_OK);
	CHECK_INT((int)b.len, (int)sizeof(big));
	CHECK(memcmp(b.ptr, big, sizeof(big)) == 0);
	buf_done(&b);
	/* The buffer's limit holds, and the message names the file. */
	buf_init(&b, 1000);
	CHECK_INT(file_read_all(path, &b, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "larger than 1000 bytes");
	CHECK_CONTAINS(e.msg, path);
	buf_done(&b);
	snprintf(path, sizeof(path), "%s/absent", dir);
	buf_init(&b, 0);
	CHECK_INT(file_read_all(path, &b, &e), KV_ENOTFOUND);
	CHECK_CONTAINS(e.msg, "absent");
	CHECK_INT(file_read_all(dir, &b, &e), KV_EIO); /* a directory cannot be read */
	buf_done(&b);
	snprintf(path, sizeof(path), "%s/f", dir);
	unlink(path);
	rmdir(dir);
}

static void now_can_be_pinned(void)
{
	setenv("KANALVAKT_NOW", "2026-04-02T14:30:00Z", 1);
	CHECK_INT(time_now(), 1775140200);
}

TEST_MAIN(T(buf_grows_and_stops_at_limit), T(err_maps_codes), T(sha256_known_vectors),
          T(hmac_rfc4231_case2), T(utf8_checks), T(iso_times), T(dates_and_weekdays),
          T(config_values), T(config_lines_and_atomic_files), T(whole_files_are_read),
          T(now_can_be_pinned))
