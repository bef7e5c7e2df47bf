/* The SQLite driver: WAL journal, foreign keys on, a busy timeout, and the
 * schema as SQLite migrations. The default, embedded backend. */
#include "store/store_int.h"

#include "store/fts_swedish.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Migration steps. Append only: a released step is never edited. */
static const char *const migrations[] = {
        /* 1: organisations, the register, the audit chain. */
        "CREATE TABLE org ("
        " id INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL UNIQUE,"
        " created_at TEXT NOT NULL);"
        "CREATE TABLE unit ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " name TEXT NOT NULL,"
        " parent_id INTEGER REFERENCES unit(id),"
        " closed_on TEXT,"
        " UNIQUE (org_id, name));"
        "CREATE TABLE person ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " name TEXT NOT NULL,"
        " title TEXT,"
        " email TEXT NOT NULL,"
        " phone TEXT,"
        " unit_id INTEGER REFERENCES unit(id),"
        " contact_public INTEGER NOT NULL DEFAULT 0,"
        " active INTEGER NOT NULL DEFAULT 1,"
        " UNIQUE (org_id, email));"
        "CREATE TABLE account ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " platform TEXT NOT NULL,"
        " handle TEXT NOT NULL,"
        " url TEXT,"
        " display_name TEXT,"
        " unit_id INTEGER REFERENCES unit(id),"
        " purpose TEXT, goal TEXT, audience TEXT,"
        " responsible_id INTEGER REFERENCES person(id),"
        " deputy_id INTEGER REFERENCES person(id),"
        " decided_by_id INTEGER REFERENCES person(id),"
        " decided_on TEXT, decision_ref TEXT,"
        " posts_per_week INTEGER,"
        " house_rules TEXT,"
        " opened_on TEXT, closed_on TEXT, closing_reason TEXT,"
        " status TEXT NOT NULL DEFAULT 'proposed'"
        "  CHECK (status IN ('proposed','active','inactive','closed')),"
        " created_at TEXT NOT NULL,"
        " updated_at TEXT NOT NULL,"
        " UNIQUE (org_id, platform, handle));"
        "CREATE TABLE account_admin ("
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " person_id INTEGER NOT NULL REFERENCES person(id),"
        " PRIMARY KEY (account_id, person_id));"
        "CREATE TABLE account_checklist ("
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " item TEXT NOT NULL,"
        " answer TEXT NOT NULL,"
        " answered_at TEXT NOT NULL,"
        " PRIMARY KEY (account_id, item));"
        "CREATE TABLE audit ("
        " seq INTEGER PRIMARY KEY,"
        " org_id INTEGER,"
        " at TEXT NOT NULL,"
        " actor TEXT NOT NULL,"
        " action TEXT NOT NULL,"
        " entity TEXT NOT NULL,"
        " entity_id TEXT,"
        " before TEXT,"
        " after TEXT,"
        " prev_hash TEXT NOT NULL,"
        " hash TEXT NOT NULL);"
        "CREATE TABLE audit_head ("
        " id INTEGER PRIMARY KEY CHECK (id = 1),"
        " seq INTEGER NOT NULL,"
        " hash TEXT NOT NULL);",

        /* 2: captured items, their versions and platform events; Swedish search. */
        "ALTER TABLE account ADD COLUMN platform_account_id TEXT;"
        "CREATE INDEX account_platform_id ON account (platform, platform_account_id);"
        "CREATE TABLE item ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " platform TEXT NOT NULL,"
        " platform_id TEXT NOT NULL,"
        " kind TEXT NOT NULL,"
        " parent_platform_id TEXT,"
        " root_platform_id TEXT,"
        " author_id TEXT,"
        " author_name TEXT,"
        " direction TEXT NOT NULL CHECK (direction IN ('inkommen','upprattad')),"
        " created_at INTEGER,"
        " captured_at INTEGER NOT NULL,"
        " permalink TEXT,"
        " state TEXT NOT NULL DEFAULT 'visible',"
        " versions INTEGER NOT NULL DEFAULT 1,"
        " text TEXT NOT NULL,"
        /* Version 1 lives in the item row itself: most items are never
         * edited, and a row less per item is a third less to write. Its
         * text is v1_text once the item's current text is another one. */
        " v1_text TEXT,"
        " v1_sha256 TEXT NOT NULL,"
        " v1_version_at INTEGER,"
        " v1_source TEXT,"
        " v1_links TEXT,"
        " v1_media TEXT,"
        " v1_raw TEXT,"
        " fts_key INTEGER GENERATED ALWAYS AS"
        /* The shift is ITEMS_FTS_SHIFT (store/items.h). */
        "  ((COALESCE(created_at, captured_at) << 24) | (id & 16777215)) VIRTUAL,"
        " UNIQUE (account_id, platform_id));"
        /* The search index is keyed by time (then id), so that the newest or
         * oldest matches are read straight off the index without sorting. */
        "CREATE UNIQUE INDEX item_fts_key ON item (fts_key);"
        "CREATE VIEW item_search AS SELECT fts_key, text FROM item;"
        "CREATE INDEX item_thread ON item (account_id, root_platform_id);"

        "CREATE TABLE item_version_more ("
        " item_id INTEGER NOT NULL REFERENCES item(id),"
        " version INTEGER NOT NULL CHECK (version >= 2),"
        " text TEXT NOT NULL,"
        " sha256 TEXT NOT NULL,"
        " version_at INTEGER,"
        " captured_at INTEGER NOT NULL,"
        " source TEXT,"
        " links TEXT,"
        " media TEXT,"
        " raw TEXT,"
        " PRIMARY KEY (item_id, version));"
        /* Every version of every item, the first from the item row. */
        "CREATE VIEW item_version (item_id, version, text, sha256, version_at, captured_at,"
        " source, links, media, raw) AS"
        " SELECT id, 1, COALESCE(v1_text, text), v1_sha256, v1_version_at, captured_at,"
        " v1_source, v1_links, v1_media, v1_raw FROM item"
        " UNION ALL SELECT item_id, version, text, sha256, version_at, captured_at, source,"
        " links, media, raw FROM item_version_more;"

        "CREATE TABLE item_event ("
        " id INTEGER PRIMARY KEY,"
        " item_id INTEGER NOT NULL REFERENCES item(id),"
        " kind TEXT NOT NULL,"
        " at INTEGER NOT NULL,"
        " captured_at INTEGER NOT NULL,"
        " source TEXT,"
        " UNIQUE (item_id, kind, at));"
        "CREATE VIRTUAL TABLE item_fts USING fts5("
        " text, content='item_search', content_rowid='fts_key', tokenize='kv_swedish',"
        " columnsize=0);"
        /* Merge index segments sixteen at a time rather than four: bulk imports
         * build the index a third faster, and a search reads a few more
         * segments, which costs microseconds. */
        "INSERT INTO item_fts (item_fts, rank) VALUES ('automerge', 16);",

        /* 3: webhook deliveries (stored before they are acknowledged) and the
         * connectors' cursors (where the next poll continues). */
        "CREATE TABLE webhook_delivery ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER REFERENCES org(id),"
        " source TEXT NOT NULL,"
        " sha256 TEXT NOT NULL UNIQUE,"
        " received_at INTEGER NOT NULL,"
        " signature TEXT,"
        " body BLOB NOT NULL,"
        " status TEXT NOT NULL DEFAULT 'pending'"
        "  CHECK (status IN ('pending','done','failed')),"
        " error TEXT,"
        " processed_at INTEGER);"
        "CREATE INDEX webhook_delivery_status ON webhook_delivery (status, id);"
        "CREATE TABLE connector_cursor ("
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " endpoint TEXT NOT NULL,"
        " cursor TEXT,"
        " last_polled_at INTEGER,"
        " last_error TEXT,"
        " PRIMARY KEY (account_id, endpoint));",

        /* 4: screening results: the flags of each screened item version, and
         * which rule set screened it. */
        "CREATE TABLE item_screening ("
        " item_id INTEGER PRIMARY KEY REFERENCES item(id),"
        " version INTEGER NOT NULL,"
        " ruleset TEXT NOT NULL,"
        " question INTEGER NOT NULL,"
        " categories TEXT NOT NULL,"
        " screened_at INTEGER NOT NULL);"
        "CREATE INDEX item_screening_ruleset ON item_screening (ruleset);"
        "CREATE TABLE item_flag ("
        " id INTEGER PRIMARY KEY,"
        " item_id INTEGER NOT NULL REFERENCES item(id),"
        " version INTEGER NOT NULL,"
        " category TEXT NOT NULL,"
        " score REAL NOT NULL,"
        " rule TEXT NOT NULL,"
        " start_byte INTEGER NOT NULL,"
        " end_byte INTEGER NOT NULL,"
        " match TEXT NOT NULL);"
        "CREATE INDEX item_flag_item ON item_flag (item_id);"
        "CREATE INDEX item_flag_category ON item_flag (category, item_id);",

        /* 5: the work on items: policy settings, questions (inbox), moderation
         * cases, the registration series, daily reviews, alerts, the mail
         * outbox, and how far the workflow has looked at captured items. */
        "CREATE TABLE policy_setting ("
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER NOT NULL DEFAULT 0,"
        " key TEXT NOT NULL,"
        " value TEXT NOT NULL,"
        " updated_at INTEGER NOT NULL,"
        " PRIMARY KEY (org_id, account_id, key));"
        "CREATE TABLE question ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " item_id INTEGER NOT NULL UNIQUE REFERENCES item(id),"
        " state TEXT NOT NULL DEFAULT 'open'"
        "  CHECK (state IN ('open','answered','forwarded','no_answer','referred')),"
        " arrived_at INTEGER NOT NULL,"
        " due_at INTEGER NOT NULL,"
        " assigned_to INTEGER REFERENCES person(id),"
        " forwarded_to TEXT,"
        " note TEXT,"
        " answer_item_id INTEGER REFERENCES item(id),"
        " answered_at INTEGER,"
        " response_seconds INTEGER,"
        " closed_by TEXT,"
        " updated_at INTEGER NOT NULL);"
        "CREATE INDEX question_open ON question (org_id, state, due_at);"
        "CREATE TABLE mod_case ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " item_id INTEGER NOT NULL UNIQUE REFERENCES item(id),"
        " categories TEXT NOT NULL,"
        " state TEXT NOT NULL DEFAULT 'open'"
        "  CHECK (state IN ('open','pending_confirmation','kept','hidden','removed')),"
        " opened_at INTEGER NOT NULL,"
        " due_at INTEGER NOT NULL,"
        " decision TEXT,"
        " reason TEXT,"
        " decided_by TEXT,"
        " decided_at INTEGER,"
        " confirmed_by TEXT,"
        " confirmed_at INTEGER,"
        " evidence_sha256 TEXT,"
        " evidence_at INTEGER,"
        " registration TEXT,"
        " external_ref TEXT,"
        " takedown_via TEXT,"
        " takedown_by TEXT,"
        " takedown_at INTEGER,"
        " takedown_result TEXT,"
        " updated_at INTEGER NOT NULL);"
        "CREATE INDEX mod_case_open ON mod_case (org_id, state, due_at);"
        "CREATE TABLE registration_series ("
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " prefix TEXT NOT NULL,"
        " year INTEGER NOT NULL,"
        " last_number INTEGER NOT NULL,"
        " PRIMARY KEY (org_id, prefix, year));"
        "CREATE TABLE account_review ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " reviewed_by TEXT NOT NULL,"
        " reviewed_at INTEGER NOT NULL,"
        " note TEXT);"
        "CREATE INDEX account_review_last ON account_review (account_id, reviewed_at);"
        "CREATE TABLE alert ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER REFERENCES account(id),"
        " kind TEXT NOT NULL,"
        " dedup_key TEXT NOT NULL UNIQUE,"
        " detail TEXT NOT NULL,"
        " created_at INTEGER NOT NULL,"
        " acknowledged_by TEXT,"
        " acknowledged_at INTEGER);"
        "CREATE TABLE mail_outbox ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " dedup_key TEXT NOT NULL UNIQUE,"
        " recipients TEXT NOT NULL,"
        " subject TEXT NOT NULL,"
        " body TEXT NOT NULL,"
        " created_at INTEGER NOT NULL,"
        " attempts INTEGER NOT NULL DEFAULT 0,"
        " next_attempt_at INTEGER NOT NULL,"
        " sent_at INTEGER,"
        " last_error TEXT);"
        "CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);"
        "CREATE TABLE workflow_cursor ("
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " name TEXT NOT NULL,"
        " last_item_id INTEGER NOT NULL,"
        " PRIMARY KEY (org_id, name));",

        /* 6: media of captured items, fetched into the blob store. */
        "CREATE TABLE item_media ("
        " id INTEGER PRIMARY KEY,"
        " item_id INTEGER NOT NULL REFERENCES item(id),"
        " url TEXT NOT NULL,"
        " type TEXT,"
        " sha256 TEXT,"
        " bytes INTEGER,"
        " fetched_at INTEGER,"
        " attempts INTEGER NOT NULL DEFAULT 0,"
        " error TEXT,"
        " UNIQUE (item_id, url));"
        "CREATE INDEX item_media_pending ON item_media (sha256, attempts);",

        /* 7: the search index gathers up to 64 MiB of new terms in memory
         * before it writes a segment (FTS5's default is 1 MiB): a large
         * import writes a few big segments instead of hundreds of small ones
         * that must then be merged. The memory is held only while a write
         * transaction indexes that much. */
        "INSERT INTO item_fts (item_fts, rank) VALUES ('hashsize', 67108864);",

        /* 8: no query looks screening results up by rule set (rescreening
         * walks the items in id order and compares), so its index only cost
         * every screened item a 64-character index entry. */
        "DROP INDEX item_screening_ruleset;",

        /* 9: a case opened for an item captured long after it arrived (an
         * archive): its removal time counts from the capture, and it calls
         * for no deadline e-mails. */
        "ALTER TABLE mod_case ADD COLUMN history INTEGER NOT NULL DEFAULT 0;",

        /* records, e-archive delivery and trusted timestamps: the packages
         * written (E-ARK SIP), which items each one delivered (no foreign key
         * to item: the mark must outlive a cull of the item), and the RFC 3161
         * tokens of every artefact, or its pending state while the TSA is down. */
        "CREATE TABLE archive_package ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " objid TEXT NOT NULL UNIQUE,"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " period_from TEXT NOT NULL,"
        " period_to TEXT NOT NULL,"
        " path TEXT NOT NULL,"
        " items INTEGER NOT NULL,"
        " files INTEGER NOT NULL,"
        " bytes INTEGER NOT NULL,"
        " mets_sha256 TEXT NOT NULL,"
        " created_by TEXT NOT NULL,"
        " created_at INTEGER NOT NULL);"
        "CREATE TABLE archive_package_item ("
        " item_id INTEGER NOT NULL,"
        " package_id INTEGER NOT NULL REFERENCES archive_package(id),"
        " PRIMARY KEY (item_id, package_id)) WITHOUT ROWID;"
        "CREATE TABLE timestamp_token ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " kind TEXT NOT NULL,"
        " ref TEXT NOT NULL,"
        " path TEXT,"
        " sha256 TEXT NOT NULL,"
        " state TEXT NOT NULL CHECK (state IN ('pending','stamped')),"
        " token BLOB,"
        " tsa_url TEXT,"
        " gen_time TEXT,"
        " attempts INTEGER NOT NULL DEFAULT 0,"
        " last_error TEXT,"
        " created_at INTEGER NOT NULL,"
        " stamped_at INTEGER,"
        " UNIQUE (org_id, kind, ref, sha256));"
        "CREATE INDEX timestamp_token_pending ON timestamp_token (state, id);",
        /* records (gallring): retention plans, every version kept with its
         * text and rules; legal and case holds; culling runs and the list of
         * what each removed, from which its gallringsprotokoll is made. The
         * index on question.answer_item_id lets an item be deleted without
         * a scan of every question (the foreign key is checked per row). */
        "CREATE TABLE retention_plan ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " version INTEGER NOT NULL,"
        " name TEXT,"
        " source_file TEXT,"
        " sha256 TEXT NOT NULL,"
        " body TEXT NOT NULL,"
        " loaded_by TEXT NOT NULL,"
        " loaded_at INTEGER NOT NULL,"
        " UNIQUE (org_id, version));"
        "CREATE TABLE retention_rule ("
        " plan_id INTEGER NOT NULL REFERENCES retention_plan(id),"
        " account_id INTEGER NOT NULL DEFAULT 0,"
        " class TEXT NOT NULL,"
        " action TEXT NOT NULL CHECK (action IN ('keep','after','closed')),"
        " months INTEGER NOT NULL DEFAULT 0,"
        " archive_first INTEGER NOT NULL,"
        " source TEXT NOT NULL,"
        " line INTEGER NOT NULL,"
        " PRIMARY KEY (plan_id, account_id, class));"
        "CREATE TABLE records_hold ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " kind TEXT NOT NULL CHECK (kind IN ('account','case','item','thread')),"
        " ref TEXT NOT NULL,"
        " account_id INTEGER REFERENCES account(id),"
        " item_id INTEGER,"
        " thread_root TEXT,"
        " reason TEXT NOT NULL,"
        " created_by TEXT NOT NULL,"
        " created_at INTEGER NOT NULL,"
        " released_by TEXT,"
        " released_at INTEGER,"
        " release_reason TEXT);"
        "CREATE TABLE cull_run ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " plan_id INTEGER NOT NULL REFERENCES retention_plan(id),"
        " plan_version INTEGER NOT NULL,"
        " as_of INTEGER NOT NULL,"
        " actor TEXT NOT NULL,"
        " pid INTEGER NOT NULL,"
        " started_at INTEGER NOT NULL,"
        " finished_at INTEGER,"
        " state TEXT NOT NULL CHECK (state IN ('running','done','interrupted')),"
        " batches INTEGER NOT NULL DEFAULT 0,"
        " versions INTEGER NOT NULL DEFAULT 0,"
        " fts INTEGER NOT NULL DEFAULT 0,"
        " bytes INTEGER NOT NULL DEFAULT 0,"
        " list_sha256 TEXT,"
        " protokoll TEXT,"
        " protokoll_sha256 TEXT,"
        " protokoll_pdf_sha256 TEXT);"
        "CREATE TABLE cull_removed ("
        " run_id INTEGER NOT NULL REFERENCES cull_run(id),"
        " entry TEXT NOT NULL,"
        " class TEXT NOT NULL,"
        " account_id INTEGER NOT NULL,"
        " what TEXT NOT NULL,"
        " rule_line INTEGER NOT NULL,"
        " batch INTEGER NOT NULL,"
        " PRIMARY KEY (run_id, entry)) WITHOUT ROWID;"
        "CREATE INDEX question_answer_item ON question (answer_item_id);",
        /* records (snapshots and disclosures): the periodic snapshots taken
         * of each account (periodiskt uttag), and the disclosure register
         * (utlämnande): who asked, what was handed out, what was masked
         * (reasons and counts, never the masked text) and by whom. */
        "CREATE TABLE snapshot ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " as_of TEXT NOT NULL,"
        " reason TEXT NOT NULL,"
        " file_name TEXT NOT NULL,"
        " path TEXT NOT NULL,"
        " sha256 TEXT NOT NULL,"
        " bytes INTEGER NOT NULL,"
        " pages INTEGER NOT NULL,"
        " items INTEGER NOT NULL,"
        " taken_by TEXT NOT NULL,"
        " taken_at INTEGER NOT NULL);"
        "CREATE INDEX snapshot_account ON snapshot (account_id, as_of);"
        "CREATE TABLE disclosure ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " ref TEXT NOT NULL,"
        " requester TEXT NOT NULL,"
        " selection TEXT NOT NULL,"
        " items INTEGER NOT NULL,"
        " masks TEXT NOT NULL,"
        " out_dir TEXT NOT NULL,"
        " files TEXT NOT NULL,"
        " manifest_sha256 TEXT NOT NULL,"
        " disclosed_by TEXT NOT NULL,"
        " disclosed_at INTEGER NOT NULL);"
        "CREATE INDEX disclosure_org ON disclosure (org_id, disclosed_at);",

        /* Users, logins and roles: local
         * users (Argon2id hashes), their grants (a role for all accounts or
         * for the ones listed), sessions and API tokens, each kept by the
         * SHA-256 of its secret only. */
        "CREATE TABLE app_user ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " name TEXT NOT NULL UNIQUE,"
        " person_id INTEGER REFERENCES person(id),"
        " pw_hash TEXT,"
        " disabled INTEGER NOT NULL DEFAULT 0,"
        " created_at INTEGER NOT NULL);"
        "CREATE TABLE user_grant ("
        " id INTEGER PRIMARY KEY,"
        " user_id INTEGER NOT NULL REFERENCES app_user(id),"
        " token_id INTEGER REFERENCES user_token(id),"
        " role TEXT NOT NULL,"
        " perms INTEGER NOT NULL DEFAULT 0,"
        " accounts TEXT);"
        "CREATE INDEX user_grant_user ON user_grant (user_id, token_id);"
        "CREATE TABLE user_token ("
        " id INTEGER PRIMARY KEY,"
        " user_id INTEGER NOT NULL REFERENCES app_user(id),"
        " name TEXT NOT NULL,"
        " sha256 TEXT NOT NULL UNIQUE,"
        " created_at INTEGER NOT NULL,"
        " revoked INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE user_session ("
        " sha256 TEXT PRIMARY KEY,"
        " user_id INTEGER NOT NULL REFERENCES app_user(id),"
        " csrf TEXT NOT NULL,"
        " created_at INTEGER NOT NULL,"
        " seen_at INTEGER NOT NULL) WITHOUT ROWID;",
        /* single sign-on (OpenID Connect): the provider's subject each user
         * is known by. */
        "CREATE TABLE user_sso ("
        " user_id INTEGER NOT NULL UNIQUE REFERENCES app_user(id),"
        " issuer TEXT NOT NULL,"
        " subject TEXT NOT NULL,"
        " UNIQUE (issuer, subject));",
        /* Answers: standard texts (standardsvar) to start an answer from,
         * and the text of an answer recorded in Kanalvakt (posted by hand)
         * for the copy check. */
        "CREATE TABLE standard_text ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER REFERENCES account(id),"
        " title TEXT NOT NULL,"
        " text TEXT NOT NULL,"
        " created_by TEXT NOT NULL,"
        " created_at INTEGER NOT NULL);"
        "CREATE INDEX standard_text_org ON standard_text (org_id, account_id);"
        "ALTER TABLE question ADD COLUMN answer_text TEXT;",

        /* Culling on the platform (records/platcull): each run over one
         * account (proposed under four eyes, then done) and what became of
         * each post it took up: deleted on the platform, failed, or kept
         * and why. The run's protokoll is kept with it, forever. */
        "CREATE TABLE platcull_run ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " months INTEGER NOT NULL,"
        " as_of INTEGER NOT NULL,"
        " cutoff INTEGER NOT NULL,"
        " by_hand INTEGER NOT NULL DEFAULT 0,"
        " state TEXT NOT NULL CHECK (state IN ('proposed','running','done')),"
        " proposed_by TEXT NOT NULL,"
        " proposed_at INTEGER NOT NULL,"
        " confirmed_by TEXT,"
        " finished_at INTEGER,"
        " list_sha256 TEXT,"
        " protokoll TEXT);"
        "CREATE TABLE platcull_entry ("
        " run_id INTEGER NOT NULL REFERENCES platcull_run(id),"
        " item_id INTEGER NOT NULL,"
        " platform_id TEXT NOT NULL,"
        " item_at INTEGER NOT NULL,"
        " outcome TEXT NOT NULL,"
        " detail TEXT,"
        " at INTEGER,"
        " PRIMARY KEY (run_id, item_id)) WITHOUT ROWID;",
        /* The outbox as a state machine (workflow/mail): queued, then
         * sending (claimed, committed before the SMTP transaction starts),
         * then sent (committed as soon as the server has accepted the
         * message, before the connection is closed). Each notice has one
         * Message-ID, derived from it, that every attempt carries. */
        "ALTER TABLE mail_outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'queued'"
        " CHECK (state IN ('queued','sending','sent'));"
        "ALTER TABLE mail_outbox ADD COLUMN message_id TEXT;"
        "ALTER TABLE mail_outbox ADD COLUMN sending_since INTEGER;"
        "UPDATE mail_outbox SET state = 'sent' WHERE sent_at IS NOT NULL;",
        /* People: the consent register for pictures and film of identifiable
         * people (the signed form in the blob store, the accounts it covers,
         * the own posts that use it) and the register of requests under the
         * GDPR (access, erasure), each due one month after it was received.
         * No foreign key from consent_item to item: the link must outlive a
         * cull of the post, as the withdrawal's list does. */
        "CREATE TABLE consent ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " person_name TEXT NOT NULL,"
        " birth_date TEXT,"
        " guardian TEXT,"
        " valid_from TEXT NOT NULL,"
        " valid_to TEXT,"
        " document_name TEXT,"
        " document_sha256 TEXT,"
        " document_bytes INTEGER NOT NULL DEFAULT 0,"
        " state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','withdrawn')),"
        " created_by TEXT NOT NULL,"
        " created_at INTEGER NOT NULL,"
        " withdrawn_by TEXT,"
        " withdrawn_at INTEGER,"
        " withdraw_reason TEXT,"
        " erased_at INTEGER);"
        "CREATE TABLE consent_account ("
        " consent_id INTEGER NOT NULL REFERENCES consent(id),"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " PRIMARY KEY (consent_id, account_id)) WITHOUT ROWID;"
        "CREATE TABLE consent_item ("
        " consent_id INTEGER NOT NULL REFERENCES consent(id),"
        " item_id INTEGER NOT NULL,"
        " linked_by TEXT NOT NULL,"
        " linked_at INTEGER NOT NULL,"
        " PRIMARY KEY (consent_id, item_id)) WITHOUT ROWID;"
        "CREATE INDEX consent_item_item ON consent_item (item_id);"
        "CREATE TABLE gdpr_request ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " kind TEXT NOT NULL CHECK (kind IN ('access','erasure')),"
        " name TEXT, email TEXT, phone TEXT, personnummer TEXT, handle TEXT,"
        " received TEXT NOT NULL,"
        " due_at INTEGER NOT NULL,"
        " state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','closed')),"
        " note TEXT,"
        " created_by TEXT NOT NULL,"
        " created_at INTEGER NOT NULL,"
        " last_action TEXT,"
        " closed_by TEXT,"
        " closed_at INTEGER,"
        " outcome TEXT);"
        "CREATE INDEX gdpr_request_open ON gdpr_request (org_id, state, due_at);",
        /* Drafts (workflow/drafts): a post written in Kanalvakt, checked
         * against the publishing checklist (Nykvarn bilaga 3, ÖS), read by a
         * second person when sensitive, and published through the
         * platform's API (or by hand), once. version counts the edits; the
         * check, the answers and the review hold the version they were
         * made for. An answer to a question says how it went out. */
        "CREATE TABLE draft ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " text TEXT NOT NULL,"
        " media TEXT NOT NULL DEFAULT '[]',"
        " shows_people INTEGER NOT NULL DEFAULT 0,"
        " sensitive INTEGER NOT NULL DEFAULT 0,"
        " publish_at INTEGER,"
        " state TEXT NOT NULL CHECK (state IN"
        "  ('draft','publishing','published','cancelled')),"
        " version INTEGER NOT NULL DEFAULT 1,"
        " check_json TEXT,"
        " check_version INTEGER,"
        " checked_by TEXT,"
        " checked_at INTEGER,"
        " flagged INTEGER NOT NULL DEFAULT 0,"
        " answers TEXT NOT NULL DEFAULT '{}',"
        " answers_version INTEGER,"
        " review TEXT NOT NULL DEFAULT 'none' CHECK (review IN ('none','approved','rejected')),"
        " review_version INTEGER,"
        " reviewed_by TEXT,"
        " reviewed_at INTEGER,"
        " review_reason TEXT,"
        " created_by TEXT NOT NULL,"
        " created_person_id INTEGER,"
        " created_at INTEGER NOT NULL,"
        " updated_at INTEGER NOT NULL,"
        " publish_error TEXT,"
        " published_at INTEGER,"
        " published_by TEXT,"
        " published_via TEXT,"
        " platform_id TEXT,"
        " item_id INTEGER);"
        "CREATE INDEX draft_org ON draft (org_id, state, publish_at);"
        "CREATE INDEX draft_item ON draft (item_id);"
        "ALTER TABLE question ADD COLUMN answer_via TEXT;",
        /* The inbox finds the items a later screening made questions (a
         * rescreen, an edit) by when they were screened: only questions are
         * in the index, so imports pay little for it. */
        "CREATE INDEX item_screening_question ON item_screening (screened_at)"
        " WHERE question = 1;"
        /* The version of the item a case was decided on: an edit after it
         * opens a kept case again (workflow/cases). */
        "ALTER TABLE mod_case ADD COLUMN decided_version INTEGER;",
        /* The credentials vault (vault/): the organisation's vault key,
         * sealed under a passphrase (Argon2id, XChaCha20-Poly1305); each
         * secret encrypted under the vault key; who may use each one. Only
         * ciphertext is stored; the grants are plain metadata, so the
         * register's checks read them without the passphrase. */
        "CREATE TABLE vault_key ("
        " org_id INTEGER PRIMARY KEY REFERENCES org(id),"
        " salt BLOB NOT NULL,"
        " ops_limit INTEGER NOT NULL,"
        " mem_limit INTEGER NOT NULL,"
        " nonce BLOB NOT NULL,"
        " sealed BLOB NOT NULL,"
        " created_by TEXT NOT NULL,"
        " created_at INTEGER NOT NULL);"
        "CREATE TABLE vault_secret ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " kind TEXT NOT NULL CHECK (kind IN ('password','token','app-secret','webhook-secret')),"
        " label TEXT,"
        " version INTEGER NOT NULL DEFAULT 1,"
        " nonce BLOB NOT NULL,"
        " ciphertext BLOB NOT NULL,"
        " created_by TEXT NOT NULL,"
        " created_at INTEGER NOT NULL,"
        " rotated_by TEXT,"
        " rotated_at INTEGER);"
        "CREATE INDEX vault_secret_account ON vault_secret (account_id);"
        "CREATE TABLE vault_grant ("
        " secret_id INTEGER NOT NULL REFERENCES vault_secret(id),"
        " person_id INTEGER NOT NULL REFERENCES person(id),"
        " granted_by TEXT NOT NULL,"
        " granted_at INTEGER NOT NULL,"
        " PRIMARY KEY (secret_id, person_id)) WITHOUT ROWID;",
        /* Policy documents (registry/policydoc): the kommun's social-media
         * policy and guidelines, adopted by a body, reviewed on time (FÄ
         * every fourth year, TI "Tidpunkt för aktualisering"); the one each
         * account follows. */
        "CREATE TABLE policydoc ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " title TEXT NOT NULL,"
        " adopted TEXT NOT NULL,"
        " adopted_by TEXT NOT NULL,"
        " review_every_months INTEGER,"
        " next_review TEXT NOT NULL,"
        " last_review TEXT,"
        " responsible_id INTEGER REFERENCES person(id),"
        " state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','retired')),"
        " created_by TEXT NOT NULL,"
        " created_at INTEGER NOT NULL);"
        "CREATE TABLE policydoc_account ("
        " account_id INTEGER PRIMARY KEY REFERENCES account(id),"
        " policydoc_id INTEGER NOT NULL REFERENCES policydoc(id));",
        /* house rules (grundbudskap): the organisation's template, every
         * version kept, and the about texts known for each account (recorded
         * by hand or captured), newest last. */
        "CREATE TABLE house_rules_version ("
        " id INTEGER PRIMARY KEY,"
        " org_id INTEGER NOT NULL REFERENCES org(id),"
        " version INTEGER NOT NULL,"
        " body TEXT NOT NULL,"
        " sha256 TEXT NOT NULL,"
        " loaded_by TEXT NOT NULL,"
        " loaded_at INTEGER NOT NULL,"
        " UNIQUE (org_id, version));"
        "CREATE TABLE account_about ("
        " id INTEGER PRIMARY KEY,"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " body TEXT NOT NULL,"
        " source TEXT NOT NULL CHECK (source IN ('hand','capture')),"
        " recorded_by TEXT NOT NULL,"
        " recorded_at INTEGER NOT NULL);"
        "CREATE INDEX account_about_account ON account_about (account_id, id);",
        /* search by base form: the tokenizer now indexes each word under its
         * lemmas (hunspell) beside its Snowball stem, so the index built
         * before is rebuilt with it (index and query must agree). */
        "INSERT INTO item_fts (item_fts) VALUES ('rebuild');",
        /* one item per (platform, id): an item already captured under one
         * account is refused under another (an import of the same file with
         * another --account duplicated it). A trigger, not a unique index, so
         * that a database which already holds such copies still migrates; it
         * looks the id up under the org's other accounts of that platform
         * (a handful) through the (account_id, platform_id) key, which costs
         * less than keeping another index. */
        "CREATE TRIGGER IF NOT EXISTS item_one_per_platform_id BEFORE INSERT ON item"
        " WHEN EXISTS (SELECT 1 FROM account a JOIN item i"
        "  ON i.account_id = a.id AND i.platform_id = NEW.platform_id"
        "  WHERE a.org_id = NEW.org_id AND a.platform = NEW.platform"
        "  AND a.id <> NEW.account_id)"
        " BEGIN SELECT RAISE(ABORT, 'item captured under another account'); END;",
        /* The platform culling's protokoll as PDF/A-1b, as the local
         * culling keeps its own (records/platcull). */
        "ALTER TABLE platcull_run ADD COLUMN protokoll_pdf_sha256 TEXT;",
        /* The reach figures of the account's own posts as last captured
         * (capture/reach, workflow/stats); NULL where the platform gave
         * none. */
        "CREATE TABLE item_reach ("
        " item_id INTEGER PRIMARY KEY REFERENCES item(id),"
        " captured_at INTEGER NOT NULL,"
        " reactions INTEGER,"
        " comments INTEGER,"
        " shares INTEGER,"
        " views INTEGER,"
        " impressions INTEGER,"
        " reach INTEGER);",
        /* The account's profile pictures (store/profile_rows): a row per
         * picture the account showed (a new source URL, or one set by hand
         * from a file), kept as history; fetched into the blob store like
         * the media of items. */
        "CREATE TABLE profile_picture ("
        " id INTEGER PRIMARY KEY,"
        " account_id INTEGER NOT NULL REFERENCES account(id),"
        " url TEXT NOT NULL,"
        " noted_at INTEGER NOT NULL,"
        " noted_by TEXT NOT NULL,"
        " sha256 TEXT,"
        " bytes INTEGER,"
        " content_type TEXT,"
        " fetched_at INTEGER,"
        " attempts INTEGER NOT NULL DEFAULT 0,"
        " error TEXT);"
        "CREATE INDEX profile_picture_account ON profile_picture (account_id, id);"
        "CREATE INDEX profile_picture_sha256 ON profile_picture (sha256);",
        /* Leases on background work (store/lease_rows): the serve process
         * holding one runs that work, others on the same database wait
         * until it lapses. */
        "CREATE TABLE work_lease ("
        " name TEXT PRIMARY KEY,"
        " holder TEXT NOT NULL,"
        " expires_at INTEGER NOT NULL);",
};

/* Fault injection for the tests, compiled in only with KV_FAULT_INJECTION
 * (CMake option of the same name; off in Release builds). Read once from
 * the environment:
 *   KV_FAULT_EVERY=N      every Nth exec, prepare or step of the process
 *                         fails with SQLITE_IOERR before it reaches SQLite
 *                         (a ROLLBACK is never failed: the error path must
 *                         be able to undo);
 *   KV_FAULT_MAX_PAGES=N  the database may not grow past N pages
 *                         (PRAGMA max_page_count): a full disk, SQLITE_FULL;
 *   KV_FAULT_STOP_AFTER=K the process ends at once (_exit 99, as a kill
 *                         would) right after its Kth COMMIT: the states a
 *                         clean run passes through, for the tests to compare
 *                         a failed run with. */
#ifdef KV_FAULT_INJECTION
static long fault_every = -1, fault_stop = -1;
static long fault_calls, fault_commits;

static long fault_env(const char *name)
{
	const char *v = getenv(name);
	char *end = NULL;
	long n;

	if (!v || !*v)
		return 0;
	n = strtol(v, &end, 10);
	return end && *end == '\0' && n > 0 ? n : 0;
}

/* 1 when this call is to fail. */
static int fault_now(const char *sql)
{
	if (fault_every < 0)
		fault_every = fault_env("KV_FAULT_EVERY");
	if (fault_every == 0 || (sql && strncmp(sql, "ROLLBACK", 8) == 0))
		return 0;
	return __atomic_add_fetch(&fault_calls, 1, __ATOMIC_RELAXED) % fault_every == 0;
}

/* After a successful exec of sql: ends the process after the Kth commit. */
static void fault_committed(const char *sql)
{
	if (fault_stop < 0)
		fault_stop = fault_env("KV_FAULT_STOP_AFTER");
	if (fault_stop && strncmp(sql, "COMMIT", 6) == 0 &&
	    __atomic_add_fetch(&fault_commits, 1, __ATOMIC_RELAXED) == fault_stop)
		_exit(99);
}

static int fault_fail(struct err *err, const char *what)
{
	return err_set(err, KV_EIO, "database: %s: %s (injected by KV_FAULT_EVERY)", what,
	               sqlite3_errstr(SQLITE_IOERR));
}

static int fault_limit_pages(sqlite3 *db)
{
	char sql[64];
	long pages = fault_env("KV_FAULT_MAX_PAGES");

	if (!pages)
		return SQLITE_OK;
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %ld", pages);
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}
#define FAULT(sql, err, what)                                                                      \
	do {                                                                                       \
		if (fault_now(sql))                                                                \
			return fault_fail(err, what);                                              \
	} while (0)
#else
#define FAULT(sql, err, what) ((void)0)
#define fault_limit_pages(db) SQLITE_OK
#define fault_committed(sql)  ((void)0)
#endif

static int map_rc(sqlite3 *db, int rc, struct err *err, const char *what)
{
	int code;

	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		code = KV_ECONFLICT;
		break;
	case SQLITE_NOMEM:
		code = KV_ENOMEM;
		break;
	case SQLITE_TOOBIG:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		code = KV_EINVAL;
		break;
	default:
		code = KV_EIO;
	}
	return err_set(err, code, "database: %s: %s", what, sqlite3_errmsg(db));
}

static int s_open(struct store *s, const char *data_dir, struct err *err)
{
	char path[4096];
	sqlite3 *db = NULL;
	int rc;

	/* Each connection is used by one thread at a time (see store.h), so the
	 * library's own mutexes and memory statistics are pure overhead. This
	 * must run before the library initialises; later calls are refused
	 * harmlessly. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	snprintf(path, sizeof(path), "%s/kanalvakt.db", data_dir);
	rc = sqlite3_open_v2(
	        path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err_set(err, KV_EIO, "database %s: %s", path,
		        db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return KV_EIO;
	}
	s->db = db;
	sqlite3_busy_timeout(db, 10000);
	sqlite3_extended_result_codes(db, 1);
	rc = sqlite3_exec(db,
	                  "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
	                  " PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072;"
	                  " PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;",
	                  NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return map_rc(db, rc, err, path);
	rc = fault_limit_pages(db);
	if (rc != SQLITE_OK)
		return map_rc(db, rc, err, path);
	rc = fts_swedish_register(db);
	if (rc != SQLITE_OK)
		return map_rc(db, rc, err, "registering the Swedish search tokenizer");
	return KV_OK;
}

static void s_close(struct store *s)
{
	sqlite3_close_v2(s->db);
	s->db = NULL;
}

static int s_exec(struct store *s, const char *sql, struct err *err)
{
	int rc;

	FAULT(sql, err, "exec");
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		fault_committed(sql);
	return rc == SQLITE_OK ? KV_OK : map_rc(s->db, rc, err, "exec");
}

static int s_set_cache(struct store *s, int64_t bytes, struct err *err)
{
	char sql[64];

	/* A negative cache_size is in KiB. */
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%lld", (long long)(bytes / 1024));
	return s_exec(s, sql, err);
}

static int s_data_version(struct store *s, uint32_t *out, struct err *err)
{
	static const char sql[] = "PRAGMA data_version";
	struct store_stmt *st = NULL;
	unsigned int v = 0;
	int rc = store_cached(s, &st, sql, err);

	/* The pragma reads the database afresh (so the pager sees what other
	 * connections committed); the file control then counts those commits
	 * and this connection's own, which the pragma leaves out. */
	if (!rc)
		rc = store_step(st, err);
	if (st)
		store_reset(st);
	if (rc < 0)
		return rc;
	rc = sqlite3_file_control(s->db, "main", SQLITE_FCNTL_DATA_VERSION, &v);
	if (rc != SQLITE_OK)
		return map_rc(s->db, rc, err, "data version");
	*out = v;
	return KV_OK;
}

static int s_prepare(struct store *s, struct store_stmt **out, const char *sql, struct err *err)
{
	struct store_stmt *st;
	sqlite3_stmt *impl = NULL;
	int rc;

	FAULT(sql, err, "prepare");
	rc = sqlite3_prepare_v2(s->db, sql, -1, &impl, NULL);
	if (rc != SQLITE_OK)
		return map_rc(s->db, rc, err, "prepare");
	st = malloc(sizeof(*st));
	if (!st) {
		sqlite3_finalize(impl);
		return err_set(err, KV_ENOMEM, "out of memory");
	}
	st->s = s;
	st->impl = impl;
	*out = st;
	return KV_OK;
}

static void s_stmt_free(struct store_stmt *st)
{
	sqlite3_finalize(st->impl);
	free(st);
}

static int bind_rc(int rc)
{
	return rc == SQLITE_OK ? KV_OK : rc == SQLITE_NOMEM ? KV_ENOMEM : KV_EINVAL;
}

static int s_bind_text(struct store_stmt *st, int idx, const char *v)
{
	return bind_rc(sqlite3_bind_text(st->impl, idx, v, -1, SQLITE_TRANSIENT));
}

static int s_bind_text_ref(struct store_stmt *st, int idx, const char *v)
{
	return bind_rc(sqlite3_bind_text(st->impl, idx, v, -1, SQLITE_STATIC));
}

static int s_bind_blob(struct store_stmt *st, int idx, const void *v, size_t n)
{
	return bind_rc(sqlite3_bind_blob64(st->impl, idx, v, n, SQLITE_TRANSIENT));
}

static int s_bind_int(struct store_stmt *st, int idx, int64_t v)
{
	return bind_rc(sqlite3_bind_int64(st->impl, idx, v));
}

static int s_bind_null(struct store_stmt *st, int idx)
{
	return bind_rc(sqlite3_bind_null(st->impl, idx));
}

static int s_step(struct store_stmt *st, struct err *err)
{
	int rc;

	FAULT(NULL, err, "step");
	rc = sqlite3_step(st->impl);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	rc = map_rc(st->s->db, rc, err, "step");
	sqlite3_reset(st->impl);
	return rc;
}

static void s_reset(struct store_stmt *st)
{
	sqlite3_reset(st->impl);
	sqlite3_clear_bindings(st->impl);
}

static const char *s_col_text(struct store_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->impl, col);
}

static const void *s_col_blob(struct store_stmt *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(st->impl, col);

	*len = (size_t)sqlite3_column_bytes(st->impl, col);
	return p;
}

static int64_t s_col_int(struct store_stmt *st, int col)
{
	return sqlite3_column_int64(st->impl, col);
}

static int s_col_is_null(struct store_stmt *st, int col)
{
	return sqlite3_column_type(st->impl, col) == SQLITE_NULL;
}

static int s_inserted_id(struct store_stmt *st, int64_t *out_id)
{
	sqlite3 *db = sqlite3_db_handle(st->impl);

	/* ON CONFLICT DO NOTHING that met a conflict changes no row. */
	if (sqlite3_changes(db) == 0)
		return 0;
	*out_id = sqlite3_last_insert_rowid(db);
	return 1;
}

/* The engine's checks: PRAGMA integrity_check (b-trees, indexes, the
 * schema), PRAGMA foreign_key_check, and FTS5's integrity-check with a
 * nonzero rank, which tokenises every item's text again with kv_swedish
 * and compares the result with the index (SQLITE_CORRUPT_VTAB when they
 * differ). That last one needs this connection: the sqlite3 shell has no
 * kv_swedish tokenizer. */
static int s_check(struct store *s, int (*cb)(void *arg, const char *kind, const char *detail),
                   void *arg, struct err *err)
{
	static const char *const pragmas[] = {"PRAGMA integrity_check", "PRAGMA foreign_key_check"};
	sqlite3 *db = s->db;
	sqlite3_stmt *st = NULL;
	char detail[512];
	int rc = KV_OK, src;

	for (size_t k = 0; k < sizeof(pragmas) / sizeof(pragmas[0]); k++) {
		src = sqlite3_prepare_v2(db, pragmas[k], -1, &st, NULL);
		if (src != SQLITE_OK) {
			rc = map_rc(db, src, err, pragmas[k]);
			goto out;
		}
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			const char *c0 = (const char *)sqlite3_column_text(st, 0);

			if (k == 0 && c0 && strcmp(c0, "ok") == 0)
				continue;
			if (k == 0)
				snprintf(detail, sizeof(detail), "%s", c0 ? c0 : "?");
			else
				snprintf(detail, sizeof(detail),
				         "row %lld of table %s refers to a missing row of %s",
				         (long long)sqlite3_column_int64(st, 1), c0 ? c0 : "?",
				         (const char *)sqlite3_column_text(st, 2));
			rc = cb(arg, k == 0 ? "integrity" : "foreign_key", detail);
			if (rc)
				goto out;
		}
		if (src != SQLITE_DONE) {
			rc = map_rc(db, src, err, pragmas[k]);
			goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	src = sqlite3_exec(db,
	                   "INSERT INTO item_fts (item_fts, rank) VALUES ('integrity-check', 1)",
	                   NULL, NULL, NULL);
	if ((src & 0xff) == SQLITE_CORRUPT) {
		rc = cb(arg, "search_index",
		        "the full-text index does not match the items' texts (rebuild it with"
		        " INSERT INTO item_fts (item_fts) VALUES ('rebuild'))");
	} else if (src != SQLITE_OK) {
		rc = map_rc(db, src, err, "search index check");
	}
out:
	sqlite3_finalize(st);
	return rc;
}

const struct store_driver store_sqlite_driver = {
        .name = "sqlite",
        .open = s_open,
        .close = s_close,
        .exec = s_exec,
        .prepare = s_prepare,
        .stmt_free = s_stmt_free,
        .set_cache = s_set_cache,
        .data_version = s_data_version,
        .bind_text = s_bind_text,
        .bind_text_ref = s_bind_text_ref,
        .bind_blob = s_bind_blob,
        .bind_int = s_bind_int,
        .bind_null = s_bind_null,
        .step = s_step,
        .reset = s_reset,
        .col_text = s_col_text,
        .col_blob = s_col_blob,
        .col_int = s_col_int,
        .col_is_null = s_col_is_null,
        .inserted_id = s_inserted_id,
        .migrations = migrations,
        .n_migrations = sizeof(migrations) / sizeof(migrations[0]),
        .begin_sql = "BEGIN IMMEDIATE",
        .check = s_check,
};
