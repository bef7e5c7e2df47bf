/* The credentials vault's tables: vault_key, vault_secret, vault_grant. */
#include "store/vault_rows.h"

#include "store/store.h"

#include <stdio.h>
#include <string.h>

/* Copies blob column col of st into out, which must be exactly n bytes. */
static int col_fixed(struct store_stmt *st, int col, unsigned char *out, size_t n, struct err *err)
{
	size_t len = 0;
	const void *b = store_col_blob(st, col, &len);

	if (!b || len != n)
		return err_set(err, KV_EINTERNAL, "the vault key row is damaged (column %d)", col);
	memcpy(out, b, n);
	return KV_OK;
}

int vault_row_key_get(struct store *s, int64_t org, struct vault_key_row *out, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT salt, ops_limit, mem_limit, nonce, sealed FROM vault_key"
	                       " WHERE org_id = ?",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	rc = store_step(st, err);
	if (rc == 0)
		rc = err_set(err, KV_ENOTFOUND,
		             "the vault has no key yet: create it with `kanalvakt vault init`");
	if (rc == 1) {
		out->ops_limit = store_col_int(st, 1);
		out->mem_limit = store_col_int(st, 2);
		rc = col_fixed(st, 0, out->salt, sizeof(out->salt), err);
		if (!rc)
			rc = col_fixed(st, 3, out->nonce, sizeof(out->nonce), err);
		if (!rc)
			rc = col_fixed(st, 4, out->sealed, sizeof(out->sealed), err);
	}
	store_stmt_free(st);
	return rc;
}

int vault_row_key_put(struct store *s, int64_t org, const struct vault_key_row *k,
                      const char *actor, int64_t now, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "INSERT INTO vault_key (org_id, salt, ops_limit, mem_limit, nonce,"
	                       " sealed, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_blob(st, 2, k->salt, sizeof(k->salt));
	store_bind_int(st, 3, k->ops_limit);
	store_bind_int(st, 4, k->mem_limit);
	store_bind_blob(st, 5, k->nonce, sizeof(k->nonce));
	store_bind_blob(st, 6, k->sealed, sizeof(k->sealed));
	store_bind_text(st, 7, actor);
	store_bind_int(st, 8, now);
	rc = store_run(st, err);
	store_stmt_free(st);
	if (rc == KV_ECONFLICT)
		return err_set(err, KV_ECONFLICT, "the vault has a key already");
	return rc;
}

int vault_row_secret_insert(struct store *s, int64_t org, int64_t account_id, const char *kind,
                            const char *label, const unsigned char *nonce, const unsigned char *ct,
                            size_t ct_len, const char *actor, int64_t now, int64_t *out_id,
                            struct err *err)
{
	struct store_stmt *st = NULL;
	int rc =
	        store_prepare(s, &st,
	                      "INSERT INTO vault_secret (org_id, account_id, kind, label, nonce,"
	                      " ciphertext, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	                      " RETURNING id",
	                      err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account_id);
	store_bind_text(st, 3, kind);
	store_bind_text(st, 4, label);
	store_bind_blob(st, 5, nonce, 24);
	store_bind_blob(st, 6, ct, ct_len);
	store_bind_text(st, 7, actor);
	store_bind_int(st, 8, now);
	rc = store_run_returning(st, out_id, err);
	store_stmt_free(st);
	return rc < 0 ? rc : KV_OK;
}

int vault_row_secret_rotate(struct store *s, int64_t org, int64_t id, int64_t version,
                            const unsigned char *nonce, const unsigned char *ct, size_t ct_len,
                            const char *actor, int64_t now, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t got = 0;
	int rc = store_prepare(s, &st,
	                       "UPDATE vault_secret SET version = ?, nonce = ?, ciphertext = ?,"
	                       " rotated_by = ?, rotated_at = ? WHERE id = ? AND org_id = ?"
	                       " RETURNING id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, version);
	store_bind_blob(st, 2, nonce, 24);
	store_bind_blob(st, 3, ct, ct_len);
	store_bind_text(st, 4, actor);
	store_bind_int(st, 5, now);
	store_bind_int(st, 6, id);
	store_bind_int(st, 7, org);
	rc = store_run_returning(st, &got, err);
	store_stmt_free(st);
	if (rc == 0)
		return err_set(err, KV_ENOTFOUND, "no secret %lld in the vault", (long long)id);
	return rc < 0 ? rc : KV_OK;
}

int vault_row_secret_each(struct store *s, int64_t org, int64_t account_id, int64_t id,
                          vault_secret_fn fn, void *ctx, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        "SELECT v.id, v.account_id, a.platform || '/' || a.handle, v.kind, v.label,"
	        " v.version, v.created_by, v.created_at, v.rotated_by, COALESCE(v.rotated_at, 0),"
	        " (SELECT group_concat(e, ',') FROM (SELECT p.email AS e FROM vault_grant g"
	        "  JOIN person p ON p.id = g.person_id WHERE g.secret_id = v.id ORDER BY p.email) "
	        "AS grants),"
	        " (SELECT count(*) FROM vault_grant g WHERE g.secret_id = v.id)"
	        " FROM vault_secret v JOIN account a ON a.id = v.account_id"
	        " WHERE v.org_id = ?1 AND (?2 = 0 OR v.account_id = ?2) AND (?3 = 0 OR v.id = ?3)"
	        " ORDER BY v.id",
	        err);

	if (rc)
		return rc;
	store_bind_int(st, 1, org);
	store_bind_int(st, 2, account_id);
	store_bind_int(st, 3, id);
	while ((rc = store_step(st, err)) == 1) {
		struct vault_secret_row r = {
		        .id = store_col_int(st, 0),
		        .account_id = store_col_int(st, 1),
		        .account = store_col_text(st, 2),
		        .kind = store_col_text(st, 3),
		        .label = store_col_text(st, 4),
		        .version = store_col_int(st, 5),
		        .created_by = store_col_text(st, 6),
		        .created_at = store_col_int(st, 7),
		        .rotated_by = store_col_text(st, 8),
		        .rotated_at = store_col_int(st, 9),
		        .people = store_col_text(st, 10),
		        .n_people = store_col_int(st, 11),
		};

		rc = fn(ctx, &r);
		if (rc)
			break;
	}
	store_stmt_free(st);
	return rc;
}

int vault_row_secret_cipher(struct store *s, int64_t org, int64_t id, unsigned char nonce[24],
                            unsigned char *ct, size_t cap, size_t *ct_len, int64_t *account_id,
                            int64_t *version, char kind[32], struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        "SELECT nonce, ciphertext, account_id, version, kind FROM vault_secret"
	        " WHERE id = ? AND org_id = ?",
	        err);

	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, org);
	rc = store_step(st, err);
	if (rc == 0)
		rc = err_set(err, KV_ENOTFOUND, "no secret %lld in the vault", (long long)id);
	if (rc == 1) {
		size_t n = 0;
		const void *b = store_col_blob(st, 1, &n);

		rc = col_fixed(st, 0, nonce, 24, err);
		if (!rc && (!b || n > cap))
			rc = err_set(err, KV_EINTERNAL, "secret %lld is damaged", (long long)id);
		if (!rc) {
			memcpy(ct, b, n);
			*ct_len = n;
			*account_id = store_col_int(st, 2);
			*version = store_col_int(st, 3);
			snprintf(kind, 32, "%s", store_col_text(st, 4));
		}
	}
	store_stmt_free(st);
	return rc;
}

int vault_row_grant(struct store *s, int64_t id, int64_t person_id, const char *actor, int64_t now,
                    struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st,
	        "INSERT INTO vault_grant (secret_id, person_id, granted_by, granted_at)"
	        " VALUES (?, ?, ?, ?)",
	        err);

	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, person_id);
	store_bind_text(st, 3, actor);
	store_bind_int(st, 4, now);
	rc = store_run(st, err);
	store_stmt_free(st);
	if (rc == KV_ECONFLICT)
		return err_set(err, KV_ECONFLICT, "the person has the use of secret %lld already",
		               (long long)id);
	return rc;
}

int vault_row_revoke(struct store *s, int64_t id, int64_t person_id, struct err *err)
{
	struct store_stmt *st = NULL;
	int64_t got = 0;
	int rc = store_prepare(s, &st,
	                       "DELETE FROM vault_grant WHERE secret_id = ? AND person_id = ?"
	                       " RETURNING secret_id",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, person_id);
	rc = store_run_returning(st, &got, err);
	store_stmt_free(st);
	if (rc == 0)
		return err_set(err, KV_ENOTFOUND, "the person has no use of secret %lld to revoke",
		               (long long)id);
	return rc < 0 ? rc : KV_OK;
}

int vault_row_granted(struct store *s, int64_t id, int64_t person_id, int *out, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(
	        s, &st, "SELECT 1 FROM vault_grant WHERE secret_id = ? AND person_id = ?", err);

	if (rc)
		return rc;
	store_bind_int(st, 1, id);
	store_bind_int(st, 2, person_id);
	rc = store_step(st, err);
	store_stmt_free(st);
	if (rc < 0)
		return rc;
	*out = rc == 1;
	return KV_OK;
}

int vault_row_account_counts(struct store *s, int64_t account_id, int64_t *n_secrets,
                             int64_t *n_under_two, struct err *err)
{
	struct store_stmt *st = NULL;
	int rc = store_prepare(s, &st,
	                       "SELECT count(*), COALESCE(sum(CASE WHEN (SELECT count(*)"
	                       " FROM vault_grant g JOIN person p ON p.id = g.person_id"
	                       " WHERE g.secret_id = v.id AND p.active = 1) < 2 THEN 1 ELSE 0"
	                       " END), 0)"
	                       " FROM vault_secret v WHERE v.account_id = ?",
	                       err);

	if (rc)
		return rc;
	store_bind_int(st, 1, account_id);
	rc = store_step(st, err);
	if (rc == 1) {
		*n_secrets = store_col_int(st, 0);
		*n_under_two = store_col_int(st, 1);
		rc = KV_OK;
	} else if (rc == 0) {
		rc = err_set(err, KV_EINTERNAL, "vault counts: no row");
	}
	store_stmt_free(st);
	return rc;
}
