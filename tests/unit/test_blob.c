/* Tests for store/blob: content addressing, idempotent atomic puts, reads
 * with limits, verification that finds a damaged or missing blob, and
 * refusal of malformed hashes. */
#include "testlib.h"

#include "base/buf.h"
#include "base/hash.h"
#include "store/blob.h"
#include "store/store.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static struct store *open_store(void)
{
	struct store *s = NULL;
	struct err e = {0};
	char dir[4096];

	CHECK_INT(hash_init(), KV_OK);
	snprintf(dir, sizeof(dir), "%s/var", test_tmpdir());
	if (store_open(&s, dir, &e))
		test_fail(__FILE__, __LINE__, "store_open: %s", e.msg);
	return s;
}

static void put_names_file_by_hash(void)
{
	struct store *s = open_store();
	struct err e = {0};
	char sha[65], want[65], path[4096], expect[4096];
	const char *data = "bevis: Du är en idiot\n";
	struct stat st;

	CHECK_INT(blob_put(s, data, strlen(data), sha, &e), KV_OK);
	hash_sha256_hex(want, data, strlen(data));
	CHECK_STR(sha, want);
	CHECK_INT(blob_path(s, sha, path, sizeof(path), &e), KV_OK);
	snprintf(expect, sizeof(expect), "%s/blobs/%.2s/%s", store_dir(s), sha, sha + 2);
	CHECK_STR(path, expect);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_size, strlen(data));
	store_free(s);
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || (de->d_name[1] && de->d_name[1] != '.'))
			n++;
	closedir(d);
	return n;
}

static void put_is_idempotent_and_leaves_no_temp_files(void)
{
	struct store *s = open_store();
	struct err e = {0};
	char a[65], b[65], dir[4096];

	CHECK_INT(blob_put(s, "x", 1, a, &e), KV_OK);
	CHECK_INT(blob_put(s, "x", 1, b, &e), KV_OK);
	CHECK_STR(a, b);
	snprintf(dir, sizeof(dir), "%s/blobs/%.2s", store_dir(s), a);
	CHECK_INT(count_files(dir), 1);
	store_free(s);
}

static void get_reads_back_and_respects_limit(void)
{
	struct store *s = open_store();
	struct err e = {0};
	struct buf b;
	char sha[65];
	char big[10000];

	memset(big, 'a', sizeof(big));
	CHECK_INT(blob_put(s, big, sizeof(big), sha, &e), KV_OK);
	buf_init(&b, 0);
	CHECK_INT(blob_get(s, sha, &b, 0, &e), KV_OK);
	CHECK_INT(b.len, sizeof(big));
	CHECK(memcmp(b.ptr, big, sizeof(big)) == 0);
	buf_clear(&b);
	CHECK_INT(blob_get(s, sha, &b, 100, &e), KV_EINVAL);
	CHECK_CONTAINS(e.msg, "larger than 100 bytes");
	CHECK_INT(b.len, 0);
	buf_done(&b);
	store_free(s);
}

static void empty_blob_is_fine(void)
{
	struct store *s = open_store();
	struct err e = {0};
	char sha[65];

	CHECK_INT(blob_put(s, "", 0, sha, &e), KV_OK);
	CHECK_STR(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_INT(blob_verify(s, sha, &e), KV_OK);
	store_free(s);
}

static void verify_finds_damage_and_absence(void)
{
	struct store *s = open_store();
	struct err e = {0};
	char sha[65], path[4096], again[65];
	const char *data = "{\"format\":\"kanalvakt-evidence/1\"}";

	CHECK_INT(blob_put(s, data, strlen(data), sha, &e), KV_OK);
	CHECK_INT(blob_verify(s, sha, &e), KV_OK);
	CHECK_INT(blob_path(s, sha, path, sizeof(path), &e), KV_OK);
	chmod(path, 0600);
	test_write_file(path, "tampered", 8);
	CHECK_INT(blob_verify(s, sha, &e), KV_ECONFLICT);
	CHECK_CONTAINS(e.msg, "damaged");
	/* A put of the right bytes repairs it. */
	CHECK_INT(blob_put(s, data, strlen(data), again, &e), KV_OK);
	CHECK_INT(blob_verify(s, sha, &e), KV_OK);
	CHECK_INT(remove(path), 0);
	CHECK_INT(blob_verify(s, sha, &e), KV_ENOTFOUND);
	CHECK_CONTAINS(e.msg, "missing");
	store_free(s);
}

static void malformed_hashes_are_refused(void)
{
	struct store *s = open_store();
	struct err e = {0};
	struct buf b;
	char path[4096];

	buf_init(&b, 0);
	CHECK_INT(blob_verify(s, "../../etc/passwd", &e), KV_EINVAL);
	CHECK_INT(blob_get(s, "ABCDEF", &b, 0, &e), KV_EINVAL);
	CHECK_INT(blob_path(s, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	                    path, sizeof(path), &e),
	          KV_EINVAL);
	CHECK_CONTAINS(e.msg, "not a SHA-256");
	CHECK_INT(blob_get(s, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	                   &b, 0, &e),
	          KV_ENOTFOUND);
	buf_done(&b);
	store_free(s);
}

TEST_MAIN(T(put_names_file_by_hash), T(put_is_idempotent_and_leaves_no_temp_files),
          T(get_reads_back_and_respects_limit), T(empty_blob_is_fine),
          T(verify_finds_damage_and_absence), T(malformed_hashes_are_refused))
