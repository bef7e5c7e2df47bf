/* The credentials vault: the vault key, sealed and opened; secrets in and
 * out; grants. See vault.h. */
#include "vault/vault.h"

#include "base/calendar.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/file.h"
#include "registry/policydoc.h"
#include "registry/registry.h"
#include "store/audit.h"
#include "store/register_rows.h"
#include "store/store.h"
#include "store/vault_rows.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define KEY_LEN    crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_LEN  crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN    crypto_aead_xchacha20poly1305_ietf_ABYTES
#define PASS_MAX   1024
#define CIPHER_MAX (VAULT_SECRET_MAX + TAG_LEN)

static const char *const kinds[] = {"password", "token", "app-secret", "webhook-secret", NULL};

static int ready(struct err *err)
{
	if (sodium_init() < 0)
		return err_set(err, KV_EINTERNAL, "libsodium could not be initialised");
	return KV_OK;
}

int vault_opts_load(struct vault_opts *o, const struct config *cfg, struct err *err)
{
	int64_t ops = 0, mib = 0;
	int rc;

	memset(o, 0, sizeof(*o));
	ops = (int64_t)crypto_pwhash_OPSLIMIT_INTERACTIVE;
	mib = (int64_t)(crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20);
	if (cfg) {
		rc = config_get_int(cfg, "vault", "ops_limit", ops, &ops, err);
		if (!rc)
			rc = config_get_int(cfg, "vault", "mem_limit_mib", mib, &mib, err);
		if (rc)
			return rc;
	}
	if (ops < (int64_t)crypto_pwhash_OPSLIMIT_MIN || ops > 64)
		return err_set(err, KV_EINVAL, "[vault] ops_limit: %lld is not from %llu to 64",
		               (long long)ops, (unsigned long long)crypto_pwhash_OPSLIMIT_MIN);
	if (mib < 1 || mib > 4096)
		return err_set(err, KV_EINVAL, "[vault] mem_limit_mib: %lld is not from 1 to 4096",
		               (long long)mib);
	o->ops_limit = (unsigned long long)ops;
	o->mem_limit = (size_t)mib << 20;
	o->key_file = cfg ? config_get(cfg, "vault", "key_file", NULL) : NULL;
	return KV_OK;
}

void vault_secret_free(unsigned char *p, size_t len)
{
	if (!p)
		return;
	sodium_memzero(p, len);
	sodium_free(p);
}

/* Reads one line from the terminal without echo. */
static int read_tty(FILE *tty, const char *prompt, unsigned char *buf, size_t cap, size_t *len,
                    struct err *err)
{
	struct termios old, quiet;
	int fd = fileno(tty), echo_off = tcgetattr(fd, &old) == 0;
	size_t n = 0;
	int c;

	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	fputs(prompt, stderr);
	fflush(stderr);
	while ((c = fgetc(tty)) != EOF && c != '\n')
		if (n < cap)
			buf[n++] = (unsigned char)c;
		else
			n = cap + 1;
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', stderr);
	if (n > cap)
		return err_set(err, KV_EINVAL, "longer than %zu bytes", cap);
	if (n && buf[n - 1] == '\r')
		n--;
	*len = n;
	return KV_OK;
}

int vault_read_secret(FILE *in, const char *prompt, unsigned char **out, size_t *len,
                      struct err *err)
{
	unsigned char *buf;
	size_t n = 0;
	int rc = ready(err);

	if (rc)
		return rc;
	buf = sodium_malloc(VAULT_SECRET_MAX + 1);
	if (!buf)
		return err_set(err, KV_ENOMEM, "out of memory");
	if (isatty(fileno(in))) {
		rc = read_tty(in, prompt, buf, VAULT_SECRET_MAX, &n, err);
	} else {
		size_t k;

		while ((k = fread(buf + n, 1, VAULT_SECRET_MAX + 1 - n, in)) > 0 &&
		       n + k <= VAULT_SECRET_MAX)
			n += k;
		if (k > 0 || n > VAULT_SECRET_MAX)
			rc = err_set(err, KV_EINVAL,
			             "the secret on standard input is longer than %d "
			             "bytes",
			             VAULT_SECRET_MAX);
		else if (ferror(in))
			rc = err_set(err, KV_EIO, "standard input cannot be read");
		if (!rc && n && buf[n - 1] == '\n')
			n--;
		if (!rc && n && buf[n - 1] == '\r')
			n--;
	}
	if (!rc && n == 0)
		rc = err_set(err, KV_EINVAL, "the secret is empty (give it on standard input)");
	if (rc) {
		vault_secret_free(buf, VAULT_SECRET_MAX + 1);
		return rc;
	}
	*out = buf;
	*len = n;
	return KV_OK;
}

/* The passphrase: the environment, the key file, or the terminal. */
static int passphrase(const struct vault_opts *o, unsigned char *buf, size_t *len, struct err *err)
{
	const char *env = getenv("KANALVAKT_VAULT_PASSPHRASE");
	int rc = KV_OK;

	if (env && *env) {
		size_t n = strlen(env);

		if (n > PASS_MAX)
			return err_set(err, KV_EINVAL,
			               "KANALVAKT_VAULT_PASSPHRASE is longer than %d bytes",
			               PASS_MAX);
		memcpy(buf, env, n);
		*len = n;
		return KV_OK;
	}
	if (o->key_file) {
		struct stat st;
		FILE *f = fopen(o->key_file, "r");

		if (!f)
			return err_set(err, KV_EINVAL, "[vault] key_file %s: %s", o->key_file,
			               strerror(errno));
		if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
			rc = err_set(err, KV_EDENIED,
			             "[vault] key_file %s can be read by others than its owner: "
			             "chmod 600 it",
			             o->key_file);
		else
			rc = read_tty(f, "", buf, PASS_MAX, len, err);
		fclose(f);
		if (rc)
			return rc == KV_EDENIED
			               ? rc
			               : err_prefix(err, "[vault] key_file %s: ", o->key_file);
		if (*len == 0)
			return err_set(err, KV_EINVAL,
			               "[vault] key_file %s: the first line is empty", o->key_file);
		return KV_OK;
	}
	{
		FILE *tty = fopen("/dev/tty", "r+");

		if (!tty)
			return err_set(
			        err, KV_EINVAL,
			        "the vault needs its passphrase: set KANALVAKT_VAULT_PASSPHRASE, "
			        "name a file with `key_file =` under [vault] in kanalvakt.conf, "
			        "or run in a terminal");
		rc = read_tty(tty, "Valvets lösenfras: ", buf, PASS_MAX, len, err);
		fclose(tty);
		if (!rc && *len == 0)
			rc = err_set(err, KV_EINVAL, "the passphrase is empty");
		return rc;
	}
}

/* The key that seals the vault key, from the passphrase (Argon2id). */
static int derive(const struct vault_opts *o, const unsigned char *salt, unsigned long long ops,
                  size_t mem, unsigned char *kek, struct err *err)
{
	unsigned char *pass = sodium_malloc(PASS_MAX);
	size_t n = 0;
	int rc;

	if (!pass)
		return err_set(err, KV_ENOMEM, "out of memory");
	rc = passphrase(o, pass, &n, err);
	if (!rc && crypto_pwhash(kek, KEY_LEN, (const char *)pass, n, salt, ops, mem,
	                         crypto_pwhash_ALG_ARGON2ID13) != 0)
		rc = err_set(err, KV_ENOMEM, "not enough memory for Argon2id (%zu MiB)", mem >> 20);
	vault_secret_free(pass, PASS_MAX);
	return rc;
}

static void key_ad(char *ad, size_t n, int64_t org)
{
	snprintf(ad, n, "kanalvakt vault key org=%lld", (long long)org);
}

static void secret_ad(char *ad, size_t n, int64_t org, int64_t account, const char *kind,
                      int64_t version)
{
	snprintf(ad, n, "kanalvakt vault secret org=%lld account=%lld kind=%s version=%lld",
	         (long long)org, (long long)account, kind, (long long)version);
}

/* Creates the vault key of op's organisation into *key (sodium_malloc'd). */
static int create_key(const struct op_ctx *op, const struct vault_opts *o, unsigned char **key,
                      struct err *err)
{
	struct vault_key_row k;
	unsigned char *kek = sodium_malloc(KEY_LEN), *vk = sodium_malloc(KEY_LEN);
	char ad[96];
	int rc = KV_OK;

	if (!kek || !vk)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc) {
		randombytes_buf(k.salt, sizeof(k.salt));
		randombytes_buf(k.nonce, sizeof(k.nonce));
		crypto_aead_xchacha20poly1305_ietf_keygen(vk);
		k.ops_limit = (int64_t)o->ops_limit;
		k.mem_limit = (int64_t)o->mem_limit;
		rc = derive(o, k.salt, o->ops_limit, o->mem_limit, kek, err);
	}
	if (!rc) {
		key_ad(ad, sizeof(ad), op->org);
		crypto_aead_xchacha20poly1305_ietf_encrypt(k.sealed, NULL, vk, KEY_LEN,
		                                           (const unsigned char *)ad, strlen(ad),
		                                           NULL, k.nonce, kek);
		rc = vault_row_key_put(op->store, op->org, &k, op_ctx_actor(op), op->now, err);
	}
	if (!rc)
		rc = audit_append_json(op->store, op->org, op_ctx_actor(op), "vault.init", "vault",
		                       0, NULL,
		                       json_pack("{s:s,s:I,s:I}", "kdf", "argon2id", "ops_limit",
		                                 (json_int_t)o->ops_limit, "mem_limit_mib",
		                                 (json_int_t)(o->mem_limit >> 20)),
		                       err);
	vault_secret_free(kek, KEY_LEN);
	if (rc) {
		vault_secret_free(vk, KEY_LEN);
		return rc;
	}
	*key = vk;
	return KV_OK;
}

/* Opens the vault key of op's organisation into *key (sodium_malloc'd).
 * KV_ENOTFOUND when there is none, KV_EDENIED for a wrong passphrase. */
static int open_key(const struct op_ctx *op, const struct vault_opts *o, unsigned char **key,
                    struct err *err)
{
	struct vault_key_row k;
	unsigned char *kek = NULL, *vk = NULL;
	char ad[96];
	int rc = vault_row_key_get(op->store, op->org, &k, err);

	if (rc)
		return rc;
	kek = sodium_malloc(KEY_LEN);
	vk = sodium_malloc(KEY_LEN);
	if (!kek || !vk)
		rc = err_set(err, KV_ENOMEM, "out of memory");
	if (!rc)
		rc = derive(o, k.salt, (unsigned long long)k.ops_limit, (size_t)k.mem_limit, kek,
		            err);
	if (!rc) {
		key_ad(ad, sizeof(ad), op->org);
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		            vk, NULL, NULL, k.sealed, sizeof(k.sealed), (const unsigned char *)ad,
		            strlen(ad), k.nonce, kek) != 0)
			rc = err_set(err, KV_EDENIED,
			             "the vault passphrase is wrong: the vault key does not open "
			             "with it");
	}
	vault_secret_free(kek, KEY_LEN);
	if (rc) {
		vault_secret_free(vk, KEY_LEN);
		return rc;
	}
	*key = vk;
	return KV_OK;
}

int vault_init(const struct op_ctx *op, const struct vault_opts *o, struct err *err)
{
	unsigned char *key = NULL;
	int rc = ready(err);

	if (!rc)
		rc = op_ctx_require(op, PERM_VAULT, 0, err);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = create_key(op, o, &key, err);
	vault_secret_free(key, KEY_LEN);
	return store_finish(op->store, rc, err);
}

static int check_kind(const char *kind, struct err *err)
{
	for (const char *const *k = kinds; *k; k++)
		if (kind && strcmp(kind, *k) == 0)
			return KV_OK;
	return err_set(err, KV_EINVAL,
	               "--kind: '%s' is not one of password, token, app-secret, webhook-secret",
	               kind ? kind : "");
}

static int check_secret(size_t len, struct err *err)
{
	if (len == 0)
		return err_set(err, KV_EINVAL, "the secret is empty");
	if (len > VAULT_SECRET_MAX)
		return err_set(err, KV_EINVAL, "the secret is longer than %d bytes",
		               VAULT_SECRET_MAX);
	return KV_OK;
}

static int seal(const struct op_ctx *op, const unsigned char *key, int64_t account,
                const char *kind, int64_t version, const unsigned char *secret, size_t len,
                unsigned char nonce[NONCE_LEN], unsigned char **ct, struct err *err)
{
	char ad[160];

	*ct = malloc(len + TAG_LEN);
	if (!*ct)
		return err_set(err, KV_ENOMEM, "out of memory");
	randombytes_buf(nonce, NONCE_LEN);
	secret_ad(ad, sizeof(ad), op->org, account, kind, version);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
	        *ct, NULL, secret, len, (const unsigned char *)ad, strlen(ad), NULL, nonce, key);
	return KV_OK;
}

/* Opens op's vault key, or creates it (with PERM_VAULT on the whole
 * organisation) when there is none; *created (may be NULL) says which. In a
 * transaction. */
static int open_or_create_key(const struct op_ctx *op, const struct vault_opts *o,
                              unsigned char **key, int *created, struct err *err)
{
	int rc = open_key(op, o, key, err), made = 0;

	if (rc == KV_ENOTFOUND) {
		rc = op_ctx_require(op, PERM_VAULT, 0, err);
		if (!rc)
			rc = create_key(op, o, key, err);
		made = !rc;
	}
	if (created)
		*created = made;
	return rc;
}

/* Seals and stores one new secret of account acct under key, with its audit
 * entry (event: vault.add, vault.adopt). In a transaction. */
static int add_one(const struct op_ctx *op, const unsigned char *key, int64_t acct,
                   const char *kind, const char *label, const unsigned char *secret, size_t len,
                   const char *event, int64_t *out_id, struct err *err)
{
	unsigned char *ct = NULL, nonce[NONCE_LEN];
	int rc = seal(op, key, acct, kind, 1, secret, len, nonce, &ct, err);

	if (!rc)
		rc = vault_row_secret_insert(op->store, op->org, acct, kind, label, nonce, ct,
		                             len + TAG_LEN, op_ctx_actor(op), op->now, out_id, err);
	if (!rc)
		rc = audit_append_json(op->store, op->org, op_ctx_actor(op), event, "vault_secret",
		                       *out_id, NULL,
		                       json_pack("{s:I,s:s,s:s?,s:I}", "account", (json_int_t)acct,
		                                 "kind", kind, "label", label, "version", 1),
		                       err);
	free(ct);
	return rc;
}

int vault_add(const struct op_ctx *op, const struct vault_opts *o, const char *account,
              const char *kind, const char *label, const unsigned char *secret, size_t len,
              int64_t *out_id, int *out_created, struct err *err)
{
	unsigned char *key = NULL;
	int64_t acct = 0, id = 0;
	int created = 0;
	int rc = ready(err);

	if (!rc)
		rc = check_kind(kind, err);
	if (!rc)
		rc = check_secret(len, err);
	if (!rc && label && strlen(label) > 200)
		rc = err_set(err, KV_EINVAL, "--label: longer than 200 bytes");
	if (!rc)
		rc = registry_account_find(op, account, &acct, err);
	if (!rc)
		rc = op_ctx_require(op, PERM_VAULT, acct, err);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = open_or_create_key(op, o, &key, &created, err);
	if (!rc)
		rc = add_one(op, key, acct, kind, label, secret, len, "vault.add", &id, err);
	vault_secret_free(key, KEY_LEN);
	rc = store_finish(op->store, rc, err);
	if (!rc) {
		*out_id = id;
		if (out_created)
			*out_created = created;
	}
	return rc;
}

/* The ciphertext of secret id, with the permission on its account checked. */
struct cipher {
	unsigned char nonce[NONCE_LEN];
	unsigned char *ct;
	size_t len;
	int64_t account;
	int64_t version;
	char kind[32];
};

static int load_cipher(const struct op_ctx *op, int64_t id, struct cipher *c, struct err *err)
{
	int rc;

	c->ct = malloc(CIPHER_MAX);
	if (!c->ct)
		return err_set(err, KV_ENOMEM, "out of memory");
	rc = vault_row_secret_cipher(op->store, op->org, id, c->nonce, c->ct, CIPHER_MAX, &c->len,
	                             &c->account, &c->version, c->kind, err);
	if (!rc)
		rc = op_ctx_require(op, PERM_VAULT, c->account, err);
	return rc;
}

int vault_rotate(const struct op_ctx *op, const struct vault_opts *o, int64_t id,
                 const unsigned char *secret, size_t len, int64_t *out_version, struct err *err)
{
	struct cipher c = {0};
	unsigned char *key = NULL, *ct = NULL, nonce[NONCE_LEN];
	int rc = ready(err);

	if (!rc)
		rc = check_secret(len, err);
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = load_cipher(op, id, &c, err);
	if (!rc)
		rc = open_key(op, o, &key, err);
	if (!rc)
		rc = seal(op, key, c.account, c.kind, c.version + 1, secret, len, nonce, &ct, err);
	if (!rc)
		rc = vault_row_secret_rotate(op->store, op->org, id, c.version + 1, nonce, ct,
		                             len + TAG_LEN, op_ctx_actor(op), op->now, err);
	if (!rc)
		rc = audit_append_json(op->store, op->org, op_ctx_actor(op), "vault.rotate",
		                       "vault_secret", id,
		                       json_pack("{s:I}", "version", (json_int_t)c.version),
		                       json_pack("{s:I,s:s}", "version", (json_int_t)c.version + 1,
		                                 "old_version", "destroyed"),
		                       err);
	vault_secret_free(key, KEY_LEN);
	free(ct);
	free(c.ct);
	rc = store_finish(op->store, rc, err);
	if (!rc && out_version)
		*out_version = c.version + 1;
	return rc;
}

/* The plaintext of c (loaded by load_cipher) into *plain (sodium_malloc'd,
 * c->len - TAG_LEN bytes and a NUL). */
static int decrypt(const struct op_ctx *op, const unsigned char *key, int64_t id,
                   const struct cipher *c, unsigned char **plain, struct err *err)
{
	char ad[160];
	unsigned char *p;

	if (c->len < TAG_LEN)
		return err_set(err, KV_EINTERNAL, "secret %lld is damaged", (long long)id);
	p = sodium_malloc(c->len - TAG_LEN + 1);
	if (!p)
		return err_set(err, KV_ENOMEM, "out of memory");
	secret_ad(ad, sizeof(ad), op->org, c->account, c->kind, c->version);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(p, NULL, NULL, c->ct, c->len,
	                                               (const unsigned char *)ad, strlen(ad),
	                                               c->nonce, key) != 0) {
		sodium_free(p);
		return err_set(err, KV_EINTERNAL,
		               "secret %lld does not decrypt: it was altered or moved in the "
		               "database",
		               (long long)id);
	}
	p[c->len - TAG_LEN] = '\0';
	*plain = p;
	return KV_OK;
}

int vault_reveal(const struct op_ctx *op, const struct vault_opts *o, int64_t id,
                 const char *reason, unsigned char **out, size_t *len, struct err *err)
{
	struct cipher c = {0};
	unsigned char *key = NULL, *plain = NULL;
	int granted = 1;
	int rc = ready(err);

	if (!rc && (!reason || !*reason))
		rc = err_set(err, KV_EINVAL, "--reason: say why the secret is read (it is logged)");
	if (!rc && strlen(reason) > 500)
		rc = err_set(err, KV_EINVAL, "--reason: longer than 500 bytes");
	if (!rc)
		rc = store_begin(op->store, err);
	if (rc)
		return rc;
	rc = load_cipher(op, id, &c, err);
	if (!rc && op->who->person_id)
		rc = vault_row_granted(op->store, id, op->who->person_id, &granted, err);
	if (!rc && !granted)
		rc = err_set(err, KV_EDENIED,
		             "you have not been granted the use of secret %lld (vault grant %lld "
		             "--person YOU)",
		             (long long)id, (long long)id);
	if (!rc)
		rc = open_key(op, o, &key, err);
	if (!rc)
		rc = decrypt(op, key, id, &c, &plain, err);
	if (!rc)
		rc = audit_append_json(op->store, op->org, op_ctx_actor(op), "vault.reveal",
		                       "vault_secret", id, NULL,
		                       json_pack("{s:I,s:I,s:s}", "account", (json_int_t)c.account,
		                                 "version", (json_int_t)c.version, "reason",
		                                 reason),
		                       err);
	vault_secret_free(key, KEY_LEN);
	free(c.ct);
	rc = store_finish(op->store, rc, err);
	if (rc) {
		vault_secret_free(plain, c.len >= TAG_LEN ? c.len - TAG_LEN + 1 : 0);
		return rc;
	}
	*out = plain;
	*len = c.len - TAG_LEN;
	return KV_OK;
}

static int change_grant(const struct op_ctx *op, int64_t id, const char *email, int grant,
                        struct err *err)
{
	struct cipher c = {0};
	int64_t person = 0;
	int rc = store_begin(op->store, err);

	if (rc)
		return rc;
	rc = load_cipher(op, id, &c, err);
	if (!rc)
		rc = register_row_person_find(op->store, op->org, email ? email : "", &person, err);
	if (!rc)
		rc = grant ? vault_row_grant(op->store, id, person, op_ctx_actor(op), op->now, err)
		           : vault_row_revoke(op->store, id, person, err);
	if (!rc)
		rc = audit_append_json(
		        op->store, op->org, op_ctx_actor(op),
		        grant ? "vault.grant" : "vault.revoke", "vault_secret", id, NULL,
		        json_pack("{s:s,s:I}", "person", email, "person_id", (json_int_t)person),
		        err);
	free(c.ct);
	return store_finish(op->store, rc, err);
}

int vault_grant(const struct op_ctx *op, int64_t id, const char *email, struct err *err)
{
	return change_grant(op, id, email, 1, err);
}

int vault_revoke(const struct op_ctx *op, int64_t id, const char *email, struct err *err)
{
	return change_grant(op, id, email, 0, err);
}

struct visible {
	const struct op_ctx *op;
	vault_each_fn fn;
	void *ctx;
};

static int visible_row(void *arg, const struct vault_secret_row *r)
{
	struct visible *v = arg;

	return principal_can(v->op->who, PERM_VAULT, r->account_id) ? v->fn(v->ctx, r) : 0;
}

int vault_list(const struct op_ctx *op, const char *account, vault_each_fn fn, void *ctx,
               struct err *err)
{
	struct visible v = {op, fn, ctx};
	int64_t acct = 0;
	int rc = account ? registry_account_find(op, account, &acct, err) : KV_OK;

	if (!rc && !principal_can_any(op->who, PERM_VAULT))
		rc = op_ctx_require(op, PERM_VAULT, acct, err);
	return rc ? rc : vault_row_secret_each(op->store, op->org, acct, 0, visible_row, &v, err);
}

json_t *vault_secret_json(const struct vault_secret_row *r)
{
	json_t *people = policydoc_names_json(r->people);

	return json_pack("{s:I,s:I,s:s,s:s,s:s?,s:I,s:o,s:I,s:b,s:s,s:o,s:s?,s:o}", "id",
	                 (json_int_t)r->id, "account_id", (json_int_t)r->account_id, "account",
	                 r->account, "kind", r->kind, "label", r->label, "version",
	                 (json_int_t)r->version, "people", people ? people : json_array(),
	                 "n_people", (json_int_t)r->n_people, "two_or_more", r->n_people >= 2,
	                 "created_by", r->created_by, "created_at",
	                 calendar_json_local(r->created_at), "rotated_by", r->rotated_by,
	                 "rotated_at", calendar_json_local(r->rotated_at));
}

struct one {
	json_t *j;
};

static int one_row(void *arg, const struct vault_secret_row *r)
{
	struct one *o = arg;

	o->j = vault_secret_json(r);
	return o->j ? 0 : KV_ENOMEM;
}

int vault_show(const struct op_ctx *op, int64_t id, json_t **out, struct err *err)
{
	struct one o = {NULL};
	int rc = vault_row_secret_each(op->store, op->org, 0, id, one_row, &o, err);

	if (rc == KV_ENOMEM)
		return err_set(err, KV_ENOMEM, "out of memory");
	if (!rc && !o.j)
		rc = err_set(err, KV_ENOTFOUND, "no secret %lld in the vault", (long long)id);
	if (!rc && !principal_can(op->who, PERM_VAULT,
	                          json_integer_value(json_object_get(o.j, "account_id"))))
		rc = op_ctx_require(op, PERM_VAULT,
		                    json_integer_value(json_object_get(o.j, "account_id")), err);
	if (rc) {
		json_decref(o.j);
		return rc;
	}
	*out = o.j;
	return KV_OK;
}

/* ---- references in the configuration ---- */

#define REFS_MAX 64

struct ref {
	char section[300];
	char key[64];
	int64_t id;
};

struct refs {
	const struct config *cfg;
	struct ref v[REFS_MAX];
	size_t n;
	const char *section;
	int bad;
	char bad_value[400];
};

static const struct {
	const char *section; /* exact, or a prefix when it ends in a space */
	const char *key;
	const char *kind;
} secret_keys[] = {
        {"account ", "token", "token"},
        {"account ", "publish_token", "token"},
        {"account ", "moderation_token", "token"},
        {"meta", "app_secret", "app-secret"},
        {"meta", "verify_token", "webhook-secret"},
        {"mail", "password", "password"},
        {"oidc", "client_secret", "app-secret"},
};

const char *vault_config_secret_kind(const char *section, const char *key)
{
	for (size_t i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]); i++) {
		size_t n = strlen(secret_keys[i].section);
		int prefix = secret_keys[i].section[n - 1] == ' ';

		if ((prefix ? strncmp(section, secret_keys[i].section, n) == 0
		            : strcmp(section, secret_keys[i].section) == 0) &&
		    strcmp(key, secret_keys[i].key) == 0)
			return secret_keys[i].kind;
	}
	return NULL;
}

/* Where a key stands, for messages: "kanalvakt.conf:12 [meta] app_secret". */
static void key_place(char *out, size_t size, const struct config *cfg, const char *section,
                      const char *key)
{
	const char *file = config_file(cfg), *base = file ? strrchr(file, '/') : NULL;
	int line = config_line(cfg, section, key, NULL);

	base = base ? base + 1 : file ? file : "kanalvakt.conf";
	if (line)
		snprintf(out, size, "%s:%d [%s] %s", base, line, section, key);
	else
		snprintf(out, size, "%s [%s] %s", base, section, key);
}

struct plains {
	const struct config *cfg;
	const char *section;
	struct vault_adopted v[REFS_MAX];
	const char *value[REFS_MAX];
	size_t n;
	int full;
};

static int plain_key(void *arg, const char *name, const char *value)
{
	struct plains *p = arg;
	const char *kind = vault_config_secret_kind(p->section, name);

	if (!kind || !*value || strncmp(value, "vault:", 6) == 0)
		return 0;
	if (p->n == REFS_MAX) {
		p->full = 1;
		return 1;
	}
	snprintf(p->v[p->n].section, sizeof(p->v[p->n].section), "%.290s", p->section);
	snprintf(p->v[p->n].key, sizeof(p->v[p->n].key), "%.60s", name);
	p->v[p->n].kind = kind;
	p->value[p->n] = value;
	p->n++;
	return 0;
}

static int plain_section(void *arg, const char *section, const char *name)
{
	struct plains *p = arg;

	(void)name;
	p->section = section;
	return config_each_key(p->cfg, section, "", plain_key, p);
}

/* The secrets written in plain text in cfg (*out owned: free()). */
static int plains_find(const struct config *cfg, struct plains **out, struct err *err)
{
	struct plains *p = calloc(1, sizeof(*p));

	if (!p)
		return err_set(err, KV_ENOMEM, "out of memory");
	p->cfg = cfg;
	config_each_section(cfg, "", plain_section, p);
	if (p->full) {
		free(p);
		return err_set(err, KV_EINVAL, "%s: more than %d secrets in one file",
		               config_file(cfg) ? config_file(cfg) : "the configuration", REFS_MAX);
	}
	*out = p;
	return KV_OK;
}

static int ref_key(void *arg, const char *name, const char *value)
{
	struct refs *r = arg;
	char *end = NULL;
	long long id;

	if (strncmp(value, "vault:", 6) != 0)
		return 0;
	id = strtoll(value + 6, &end, 10);
	if (end == value + 6 || *end || id <= 0 || r->n == REFS_MAX || strlen(name) >= 64 ||
	    strlen(r->section) >= 300) {
		r->bad = 1;
		snprintf(r->bad_value, sizeof(r->bad_value), "[%.200s] %.60s = %.60s", r->section,
		         name, value);
		return 1;
	}
	snprintf(r->v[r->n].section, sizeof(r->v[r->n].section), "%s", r->section);
	snprintf(r->v[r->n].key, sizeof(r->v[r->n].key), "%s", name);
	r->v[r->n].id = id;
	r->n++;
	return 0;
}

static int ref_section(void *arg, const char *section, const char *name)
{
	struct refs *r = arg;

	(void)name;
	r->section = section;
	return config_each_key(r->cfg, section, "", ref_key, r);
}

int vault_resolve_config(const struct op_ctx *op, const struct vault_opts *o, struct config *cfg,
                         const char *use, size_t *out_n, struct err *err)
{
	struct refs *r = calloc(1, sizeof(*r));
	struct plains *pl = NULL;
	unsigned char *key = NULL;
	json_t *ids = NULL;
	int rc = r ? ready(err) : err_set(err, KV_ENOMEM, "out of memory");

	if (rc || !cfg)
		goto out;
	r->cfg = cfg;
	rc = plains_find(cfg, &pl, err);
	if (rc)
		goto out;
	if (pl->n) {
		char where[400];

		key_place(where, sizeof(where), cfg, pl->v[0].section, pl->v[0].key);
		rc = err_set(err, KV_EINVAL,
		             "%s: a secret written in the configuration file is refused (whoever "
		             "reads the file or a copy of it has it): move it into the vault with "
		             "`kanalvakt vault adopt [--account A]`, which stores every such value "
		             "and writes vault:ID in its place (docs/vault.md)",
		             where);
		goto out;
	}
	config_each_section(cfg, "", ref_section, r);
	if (r->bad) {
		rc = err_set(err, KV_EINVAL,
		             "kanalvakt.conf %s: a vault reference is vault:ID, the number `vault "
		             "list` shows",
		             r->bad_value);
		goto out;
	}
	if (!r->n)
		goto out;
	ids = json_array();
	rc = ids ? store_begin(op->store, err) : err_set(err, KV_ENOMEM, "out of memory");
	if (rc)
		goto out;
	rc = open_key(op, o, &key, err);
	for (size_t i = 0; i < r->n && !rc; i++) {
		struct cipher c = {0};
		unsigned char *plain = NULL;

		rc = load_cipher(op, r->v[i].id, &c, err);
		if (!rc)
			rc = decrypt(op, key, r->v[i].id, &c, &plain, err);
		if (!rc && config_set(cfg, r->v[i].section, r->v[i].key, (const char *)plain))
			rc = err_set(err, KV_ENOMEM, "out of memory");
		if (rc)
			err_prefix(err, "kanalvakt.conf [%s] %s = vault:%lld: ", r->v[i].section,
			           r->v[i].key, (long long)r->v[i].id);
		else
			json_array_append_new(ids, json_integer(r->v[i].id));
		vault_secret_free(plain, c.len >= TAG_LEN ? c.len - TAG_LEN + 1 : 0);
		free(c.ct);
	}
	if (!rc && use)
		rc = audit_append_json(op->store, op->org, op_ctx_actor(op), "vault.use", "vault",
		                       0, NULL, json_pack("{s:s,s:O}", "by", use, "secrets", ids),
		                       err);
	rc = store_finish(op->store, rc, err);
out:
	vault_secret_free(key, KEY_LEN);
	json_decref(ids);
	if (!rc && out_n)
		*out_n = r ? r->n : 0;
	free(pl);
	free(r);
	return rc;
}

/* ---- moving plain secrets out of the configuration file ---- */

/* The account each plain secret goes to, with the permission and the line
 * checked; nothing is written. */
static int adopt_check(const struct op_ctx *op, const struct plains *p, const char *account,
                       struct vault_adopted *v, struct err *err)
{
	int64_t dflt = 0;
	int rc = account ? registry_account_find(op, account, &dflt, err) : KV_OK;

	for (size_t i = 0; i < p->n && !rc; i++) {
		char where[400];
		int times = 0;

		key_place(where, sizeof(where), p->cfg, v[i].section, v[i].key);
		v[i].line = config_line(p->cfg, v[i].section, v[i].key, &times);
		if (times > 1) {
			rc = err_set(err, KV_EINVAL,
			             "%s: set on %d lines of the file; keep one (the last wins) "
			             "and run vault adopt again",
			             where, times);
			break;
		}
		if (strncmp(v[i].section, "account ", 8) == 0) {
			rc = registry_account_find(op, v[i].section + 8, &v[i].account, err);
			if (rc == KV_ENOTFOUND)
				rc = err_set(err, KV_ENOTFOUND,
				             "%s: the register has no account %s, and a secret in "
				             "the vault belongs to one (register it, or correct "
				             "the section)",
				             where, v[i].section + 8);
		} else if (dflt) {
			v[i].account = dflt;
		} else {
			rc = err_set(err, KV_EINVAL,
			             "%s: belongs to no account; name the account the vault files "
			             "it under: vault adopt --account A",
			             where);
		}
		if (!rc && ((rc = op_ctx_require(op, PERM_VAULT, v[i].account, err)) ||
		            (rc = check_secret(strlen(p->value[i]), err))))
			err_prefix(err, "%s: ", where);
	}
	return rc;
}

/* The file's text with the adopted lines' values replaced by vault:ID. */
static int adopt_text(const char *file, const struct vault_adopted *v, size_t n, struct buf *out,
                      struct err *err)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, rc = KV_OK;

	if (!f)
		return err_set(err, KV_EIO, "cannot read %s: %s", file, strerror(errno));
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		const struct vault_adopted *hit = NULL;
		char *eq;

		lineno++;
		for (size_t i = 0; i < n && !hit; i++)
			if (v[i].line == lineno)
				hit = &v[i];
		eq = hit ? strchr(line, '=') : NULL;
		if (!eq)
			rc = buf_put(out, line, (size_t)len);
		else
			rc = buf_printf(out, "%.*s= vault:%lld\n", (int)(eq - line), line,
			                (long long)hit->id);
		if (rc)
			rc = err_set(err, KV_ENOMEM, "out of memory");
	}
	if (!rc && ferror(f))
		rc = err_set(err, KV_EIO, "cannot read %s", file);
	/* The plain values pass through this buffer: wipe it. */
	if (line)
		sodium_memzero(line, cap);
	free(line);
	fclose(f);
	return rc;
}

int vault_adopt(const struct op_ctx *op, const struct vault_opts *o, const struct config *cfg,
                const char *account, int dry_run, vault_adopt_fn fn, void *ctx, size_t *out_n,
                struct err *err)
{
	struct plains *p = NULL;
	const char *file = config_file(cfg);
	unsigned char *key = NULL;
	struct buf text;
	int rc = ready(err);

	buf_init(&text, 0);
	if (!rc)
		rc = plains_find(cfg, &p, err);
	if (rc)
		goto out;
	rc = adopt_check(op, p, account, p->v, err);
	if (rc || !p->n || dry_run)
		goto out;
	rc = store_begin(op->store, err);
	if (rc)
		goto out;
	rc = open_or_create_key(op, o, &key, NULL, err);
	for (size_t i = 0; i < p->n && !rc; i++) {
		char label[400];

		snprintf(label, sizeof(label), "kanalvakt.conf [%.150s] %s", p->v[i].section,
		         p->v[i].key);
		rc = add_one(op, key, p->v[i].account, p->v[i].kind, label,
		             (const unsigned char *)p->value[i], strlen(p->value[i]), "vault.adopt",
		             &p->v[i].id, err);
	}
	if (!rc)
		rc = adopt_text(file, p->v, p->n, &text, err);
	rc = store_finish(op->store, rc, err);
	/* After the commit: the worst a failure here leaves is the secrets in
	 * the vault twice over, never a file naming secrets that are not. */
	if (!rc && file_write_atomic(file, text.ptr, text.len, 0600, err) != KV_OK) {
		char ids[256] = "";
		size_t used = 0;

		for (size_t i = 0; i < p->n && used < sizeof(ids) - 32; i++)
			used += (size_t)snprintf(
			        ids + used, sizeof(ids) - used, "%s[%s] %s = vault:%lld",
			        i ? ", " : "", p->v[i].section, p->v[i].key, (long long)p->v[i].id);
		err_prefix(err,
		           "the secrets are in the vault (%s) but the file is unchanged: ", ids);
		rc = err->code;
	}
out:
	for (size_t i = 0; !rc && fn && p && i < p->n; i++)
		rc = fn(ctx, &p->v[i]);
	if (text.ptr)
		sodium_memzero(text.ptr, text.len);
	buf_done(&text);
	vault_secret_free(key, KEY_LEN);
	if (!rc && out_n)
		*out_n = p->n;
	free(p);
	return rc;
}
