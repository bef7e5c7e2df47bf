#!/usr/bin/env bash
# House rules (grundbudskap) from the command line: the standard template,
# the account's text filled from the register, the about text recorded by
# hand, the register check (missing, stale, present), loading the
# organisation's versions, and bad input that changes nothing.
source "$(dirname "$0")/lib.bash"

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name "Kultur och fritid" >/dev/null
"$K" person add --name "Åsa Öberg" --email asa@exempelby.se --title Kommunikatör --unit "Kultur och fritid" >/dev/null
"$K" person add --name "Bo Berg" --email bo@exempelby.se --phone "0123-45 67 89" --public >/dev/null
"$K" person add --name "Cilla Chef" --email cilla@exempelby.se >/dev/null
"$K" account add --platform facebook --handle exempelbykultur --name "Kultur i Exempelby" \
	--url https://www.facebook.com/exempelbykultur --unit "Kultur och fritid" \
	--purpose "Berätta om kulturlivet" --goal "Fler besökare" --audience "Invånare" \
	--responsible asa@exempelby.se --deputy bo@exempelby.se --admin asa@exempelby.se --admin bo@exempelby.se \
	--decided-by cilla@exempelby.se --decided-on 2026-01-15 --decision-ref "KS 2026/0012" \
	--posts-per-week 3 --house-rules "Grundbudskapet i om-texten" >/dev/null
for key in syfte mal budskap malgrupp kanal kontotyp avtal funktion_och_teknik resurser bevakning \
	avsandare risker diarieforing_gallring_arkivering kriskommunikation marknadsforing informationskrav; do
	"$K" account checklist exempelbykultur "$key" "Besvarat i beslutet" >/dev/null
done
"$K" policydoc add --title "Riktlinjer för sociala medier" --adopted 2025-02-01 --by Kommunstyrelsen --review-every 4y >/dev/null
"$K" policydoc apply 1 --account exempelbykultur >/dev/null

# The standard template until the kommun loads its own.
expect_exit 0 "template show" -- "$K" --json rules template show
jq -e '.version == 0 and .source == "standard" and ([.paragraphs[] | select(.essential)] | length) >= 4' \
	"$WORK/out" >/dev/null && ok "the standard template, version 0, with essential paragraphs" ||
	bad "the standard template"
expect_grep 'allmän handling' "$WORK/out" "the standard says comments are allmänna handlingar"
expect_grep 'inte till för enskilda ärenden' "$WORK/out" "the standard says the account is not for ärenden"
expect_exit 0 "template show (text)" -- "$K" rules template show
expect_grep '^# TI 4.4' "$WORK/out" "each paragraph cites its policy"
expect_exit 0 "help" -- "$K" rules template --help
expect_grep 'show | load FILE' "$WORK/out" "help shows the usage"

# The account's text: the contact must be publishable.
expect_exit 2 "account rules refuses a private contact" -- "$K" account rules exempelbykultur
expect_grep 'contact_public \(person contact asa@exempelby.se --public\)' "$WORK/err" "the error names the register field"
expect_exit 0 "contact made public" -- "$K" person contact asa@exempelby.se --public
expect_exit 2 "account rules without a phone" -- "$K" account rules exempelbykultur
expect_grep '{telefon} on line [0-9]*: the responsible person asa@exempelby.se has no phone number' "$WORK/err" "the error names the placeholder and the line"
expect_exit 2 "a bad phone number" -- "$K" person contact asa@exempelby.se --phone "ring mig"
expect_exit 0 "phone set" -- "$K" person contact asa@exempelby.se --phone "0123-11 22 33"
expect_exit 0 "account rules" -- "$K" account rules exempelbykultur
cp "$WORK/out" "$WORK/about_v0.txt"
expect_grep '^Kultur i Exempelby är ett officiellt konto på Facebook för Kultur och fritid, som är en del av Exempelby kommun.$' "$WORK/about_v0.txt" "placeholders filled from the register"
expect_grep 'asa@exempelby.se eller 0123-11 22 33' "$WORK/about_v0.txt" "contact filled"
expect_no_grep '[{}]' "$WORK/about_v0.txt" "no placeholder left"
expect_no_grep '^#' "$WORK/about_v0.txt" "no comment in the text"
expect_exit 0 "account rules --json" -- "$K" --json account rules exempelbykultur
jq -e '.account == "facebook/exempelbykultur" and .version == 0 and .source == "standard"' "$WORK/out" >/dev/null &&
	ok "the JSON view names account and version" || bad "the JSON view of account rules"

# Active without an about text: missing.
expect_exit 0 "activate" -- "$K" account activate exempelbykultur
expect_exit 1 "check" -- "$K" --json account check exempelbykultur
expect_grep '"rule":"house_rules_missing","severity":"error"' "$WORK/out" "no about text: missing"

# The about text as published, recorded by hand (another layout): present.
tr '\n' ' ' <"$WORK/about_v0.txt" | fold -s -w 60 | sed 's/Kultur i Exempelby/KULTUR I EXEMPELBY/' >"$WORK/about_layout.txt"
expect_exit 0 "about recorded" -- "$K" --as "Åsa Öberg" --json account about exempelbykultur --text "$WORK/about_layout.txt"
jq -e '.source == "hand" and .recorded_by == "Åsa Öberg" and .house_rules.missing == null and .house_rules.stale == null' \
	"$WORK/out" >/dev/null && ok "recorded with who, and the rules are present" || bad "about JSON"
expect_exit 0 "check with the rules in place" -- "$K" account check exempelbykultur
expect_exit 0 "about shows the newest" -- "$K" account about exempelbykultur
expect_grep '^# house rules: present' "$WORK/out" "about says present"

# A text missing a key sentence: missing, naming the paragraph.
grep -v 'allmän handling' "$WORK/about_v0.txt" >"$WORK/about_short.txt"
expect_exit 0 "a shorter about text" -- "$K" account about exempelbykultur --text "$WORK/about_short.txt"
expect_exit 1 "check finds it" -- "$K" --json account check exempelbykultur
expect_grep '"rule":"house_rules_missing".*stycke 4 \(rad [0-9]+, \\"Det du skriver' "$WORK/out" "the detail names the missing paragraph"

# The kommun's own template: version 1; the same text again adds none.
sed 's/svarar på frågor inom en arbetsdag/svarar på frågor inom två arbetsdagar/' \
	"$KV_SOURCE_DIR/rules/sv/house-rules.txt" >"$WORK/v1.txt"
expect_exit 0 "template load" -- "$K" --json rules template load "$WORK/v1.txt"
jq -e '.version == 1 and .new == true' "$WORK/out" >/dev/null && ok "version 1 loaded" || bad "version 1 loaded"
expect_exit 0 "same text again" -- "$K" --json rules template load "$WORK/v1.txt"
jq -e '.version == 1 and .new == false' "$WORK/out" >/dev/null && ok "same text: no new version" || bad "same text: no new version"
"$K" account about exempelbykultur --text "$WORK/about_v0.txt" >/dev/null
expect_exit 0 "a change outside the essential paragraphs is not stale" -- "$K" account check exempelbykultur
sed 's/tar vi bort inom 48 timmar/tar vi bort inom 24 timmar/' "$WORK/v1.txt" >"$WORK/v2.txt"
expect_exit 0 "template load v2" -- "$K" rules template load "$WORK/v2.txt"
expect_grep 'version 2 loaded' "$WORK/out" "version 2"
expect_exit 1 "check: stale" -- "$K" --json account check exempelbykultur
expect_grep '"rule":"house_rules_stale","severity":"warning".*version 1 av husreglerna, nu gäller version 2' "$WORK/out" "stale names both versions"
expect_no_grep 'house_rules_missing' "$WORK/out" "stale is not missing"
"$K" account rules exempelbykultur >"$WORK/about_v2.txt"
expect_grep 'inom 24 timmar' "$WORK/about_v2.txt" "account rules follows the newest version"
"$K" account about exempelbykultur --text "$WORK/about_v2.txt" >/dev/null
expect_exit 0 "check with the newest version" -- "$K" account check exempelbykultur

# The rules in a post of the account's own (a pinned post, which no platform flags) count too.
"$K" account about exempelbykultur --text "$WORK/about_short.txt" >/dev/null
expect_exit 1 "the short about text again: missing" -- "$K" account check exempelbykultur
python3 - "$WORK/about_v2.txt" "$WORK/own.jsonl" <<'PY'
import json, sys
rules = open(sys.argv[1], encoding="utf-8").read()
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for i, (text, who) in enumerate([(rules, True), ("Välkomna till biblioteket!", True), (rules, False)]):
        author = {"id": "900100", "name": "Kultur i Exempelby", "is_account": True} if who else {"id": "700777", "name": "Kalle"}
        f.write(json.dumps({"id": f"900100_{i + 1}", "platform": "facebook", "kind": "post" if who else "comment",
                            "parent_id": None if who else "900100_1", "root_id": None if who else "900100_1",
                            "author": author, "created_at": f"2026-03-0{i + 1}T09:00:00+01:00", "text": text},
                           ensure_ascii=False) + "\n")
PY
sed -i 's/"parent_id": null, "root_id": null, //' "$WORK/own.jsonl"
expect_exit 0 "import own posts" -- "$K" import --account exempelbykultur --no-screen "$WORK/own.jsonl"
"$K" --json account check exempelbykultur >"$WORK/out" || true
expect_no_grep 'house_rules' "$WORK/out" "a visible own post with the rules satisfies the check"
expect_grep '"rule":"no_post_week"' "$WORK/out" "the check ran over the account"
sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "UPDATE item SET state = 'deleted' WHERE platform_id = '900100_1'"
expect_exit 1 "check after the post was deleted" -- "$K" --json account check exempelbykultur
expect_grep '"rule":"house_rules_missing"' "$WORK/out" "a deleted post does not count"
expect_exit 0 "template show" -- "$K" --json rules template show
jq -e '.version == 2 and .source == "organisation" and .loaded_by == "e2e"' "$WORK/out" >/dev/null &&
	ok "show gives the organisation's newest version" || bad "show after load"

# A Mastodon account's note, captured with its own statuses, counts as its about text.
"$K" account add --platform mastodon --handle exempelby --url https://social.exempelby.se/@exempelby \
	--unit "Kultur och fritid" --responsible bo@exempelby.se --platform-id 109000000000000001 >/dev/null
"$K" account rules exempelby >"$WORK/about_m.txt"
note=$(sed 's/&/\&amp;/g; s/</\&lt;/g; s/^/<p>/; s/$/<\/p>/' "$WORK/about_m.txt" | tr -d '\n' | jq -Rs .)
cat >"$WORK/statuses.json" <<JSON
[{"id": "113900000000000101", "created_at": "2026-03-02T09:00:00.000Z",
  "url": "https://social.exempelby.se/@exempelby/113900000000000101",
  "content": "<p>Biblioteket har öppet på lördag.</p>", "spoiler_text": "", "visibility": "public",
  "account": {"id": "109000000000000001", "username": "exempelby", "acct": "exempelby", "note": $note},
  "media_attachments": []},
 {"id": "113900000000000201", "created_at": "2026-03-02T10:00:00.000Z", "in_reply_to_id": "113900000000000101",
  "url": "https://social.exempelby.se/@anna/113900000000000201",
  "content": "<p>Tack!</p>", "spoiler_text": "", "visibility": "public",
  "account": {"id": "109000000000000777", "username": "anna", "acct": "anna@example.org", "note": "<p>Annas profil</p>"},
  "media_attachments": []}]
JSON
expect_exit 0 "import statuses with the account's note" -- "$K" import --account exempelby --format mastodon --no-screen "$WORK/statuses.json"
expect_exit 0 "about shows the captured note" -- "$K" --json account about exempelby
jq -e '.source == "capture" and .house_rules.missing == null and (.text | contains("allmän handling"))' "$WORK/out" >/dev/null &&
	ok "the account's captured note holds the house rules, not a visitor's" || bad "the captured note"
n_about=$(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COUNT(*) FROM account_about a JOIN account c ON c.id = a.account_id WHERE c.handle = 'exempelby'")
sed -i 's/11390000000000010/11390000000000030/g; s/11390000000000020/11390000000000040/g' "$WORK/statuses.json"
"$K" import --account exempelby --format mastodon --no-screen "$WORK/statuses.json" >/dev/null
[[ $(sqlite3 "$KANALVAKT_DATA/kanalvakt.db" "SELECT COUNT(*) FROM account_about a JOIN account c ON c.id = a.account_id WHERE c.handle = 'exempelby'") -eq $n_about ]] &&
	ok "the same note again adds no about text" || bad "the same note again"

# An X account's profile description (includes.users) counts the same way; a visitor's does not.
"$K" account add --platform x --handle exempelbyx --url https://x.com/exempelbyx \
	--unit "Kultur och fritid" --responsible bo@exempelby.se --platform-id 1500000000000000001 >/dev/null
cat >"$WORK/tweets.json" <<'JSON'
{"data": [
  {"id": "1900000000000000101", "text": "Biblioteket har öppet på lördag.", "author_id": "1500000000000000001",
   "created_at": "2026-03-02T09:00:00.000Z", "conversation_id": "1900000000000000101",
   "edit_history_tweet_ids": ["1900000000000000101"]},
  {"id": "1900000000000000201", "text": "@exempelbyx Tack!", "author_id": "1500000000000000777",
   "created_at": "2026-03-02T10:00:00.000Z", "conversation_id": "1900000000000000101",
   "referenced_tweets": [{"type": "replied_to", "id": "1900000000000000101"}],
   "edit_history_tweet_ids": ["1900000000000000201"]}],
 "includes": {"users": [
  {"id": "1500000000000000001", "username": "exempelbyx", "name": "Exempelby kommun",
   "description": "Exempelby kommuns konto. Det du skriver här är en allmän handling &amp; kan lämnas ut."},
  {"id": "1500000000000000777", "username": "kalle", "name": "Kalle", "description": "Kalles egen profil"}]}}
JSON
expect_exit 0 "import tweets with the account's description" -- "$K" import --account exempelbyx --format x-api --no-screen "$WORK/tweets.json"
expect_exit 0 "about shows the captured description" -- "$K" --json account about exempelbyx
jq -e '.source == "capture" and .text == "Exempelby kommuns konto. Det du skriver här är en allmän handling & kan lämnas ut."' "$WORK/out" >/dev/null &&
	ok "the X account's description is its captured about text, not a visitor's" || bad "the X description: $(cat "$WORK/out")"

# Bad input: exit 2, a message naming the line and the placeholder, nothing changed.
before=$(db_state)
printf '# TI\n! Hej från {konto}.\n\n! Skriv till {adress}.\n' >"$WORK/bad.txt"
expect_exit 2 "unknown placeholder" -- "$K" rules template load "$WORK/bad.txt"
expect_grep 'bad.txt: line 4: unknown placeholder {adress}' "$WORK/err" "the error names the file, line and placeholder"
printf '! Hej {konto\n' >"$WORK/bad2.txt"
expect_exit 2 "unclosed brace" -- "$K" rules template load "$WORK/bad2.txt"
printf 'Inget väsentligt\n' >"$WORK/bad3.txt"
expect_exit 2 "no essential paragraph" -- "$K" rules template load "$WORK/bad3.txt"
expect_exit 2 "missing template file" -- "$K" rules template load "$WORK/finns-inte.txt"
expect_exit 2 "template without a verb" -- "$K" rules template
printf ' \n\t\n' >"$WORK/blank.txt"
expect_exit 2 "blank about text" -- "$K" account about exempelbykultur --text "$WORK/blank.txt"
printf 'trasig \xff\n' >"$WORK/bin.txt"
expect_exit 2 "invalid UTF-8 about text" -- "$K" account about exempelbykultur --text "$WORK/bin.txt"
expect_exit 2 "about for an unknown account" -- "$K" account about finnsinte --text "$WORK/about_v2.txt"
expect_exit 2 "unknown option" -- "$K" account about exempelbykultur --txt x
after=$(db_state)
[[ "$before" == "$after" ]] && ok "refused commands changed nothing" || bad "refused commands changed the database"

# Audit: loads, about texts and the contact change are in the chain.
"$K" --json audit list >"$WORK/audit.jsonl"
[[ $(grep -c '"action":"house_rules.load"' "$WORK/audit.jsonl") -eq 2 ]] && ok "two loads audited" || bad "loads audited"
expect_grep '"action":"account.about"' "$WORK/audit.jsonl" "about texts audited"
expect_grep '"action":"person.contact"' "$WORK/audit.jsonl" "contact change audited"
expect_exit 0 "audit verify" -- "$K" audit verify

finish
