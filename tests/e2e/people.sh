#!/usr/bin/env bash
# People: the consent register (refused input changes nothing; the signed
# form kept by its hash; the guardian's age from the configuration; links
# only to own posts; withdrawal lists the posts and opens a takedown case
# for each; the expiry alert) and GDPR requests (find by name, phone and
# personnummer; the register extract as JSON + PDF/A; erasure that follows
# the retention plan and says so; the register of requests with its
# deadline and the overdue alert), from the command line and over the API.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/api_env.bash"
db() { kv_sql "$1"; }
FIXP=$KV_SOURCE_DIR/tests/fixtures/people
"$K" import --account exempelbykommun "$FIXP/posts.jsonl" >/dev/null
"$K" workflow sync >/dev/null
printf '%%PDF-1.4\n%% samtyckesblankett för bildanvändande, underskriven\n' >"$WORK/blankett.pdf"
form_sha=$(sha256sum "$WORK/blankett.pdf" | cut -d' ' -f1)

for cmd in "consent add" "consent list" "consent show" "consent link" "consent withdraw" \
	"consent check" "gdpr find" "gdpr extract" "gdpr erase" "gdpr requests" "gdpr request"; do
	expect_exit 0 "$cmd --help" -- "$K" $cmd --help
done

# --- Consents: refused input -----------------------------------------------
before=$(db_state)
add() { "$K" consent add --scope exempelbykommun --document "$WORK/blankett.pdf" "$@"; }
expect_exit 2 "a minor without a guardian" -- add --person-name "Elsa Ek" --birth-date 2016-05-01 --from 2026-03-01
expect_grep 'vårdnadshavare' "$WORK/err" "the refusal says a guardian must sign"
expect_exit 2 "a period ending before it starts" -- add --person-name Bo --from 2026-03-01 --to 2026-02-01
expect_grep 'before it starts' "$WORK/err" "the refusal names the period"
expect_exit 2 "an unreadable date" -- add --person-name Bo --from 1/3/2026
expect_grep -- '--from' "$WORK/err" "the refusal names --from"
expect_exit 2 "an unknown account in the scope" -- "$K" consent add --person-name Bo --scope exempelbykommun,nosuch --from 2026-03-01 --document "$WORK/blankett.pdf"
expect_grep "nosuch" "$WORK/err" "the refusal names the account"
expect_exit 2 "a missing document" -- "$K" consent add --person-name Bo --scope exempelbykommun --from 2026-03-01 --document "$WORK/nosuch.pdf"
expect_grep 'nosuch.pdf' "$WORK/err" "the refusal names the file"
expect_exit 2 "no --document" -- "$K" consent add --person-name Bo --scope exempelbykommun --from 2026-03-01
[[ $(db_state) == "$before" ]] && ok "refused consents changed nothing" || bad "a refused consent changed the store"

# Tibro's limit: 16 years. A 14-year-old then needs a guardian.
cp "$KANALVAKT_DATA/kanalvakt.conf" "$WORK/conf.orig"
printf '\n[consent]\nguardian_age = 16\n' >>"$KANALVAKT_DATA/kanalvakt.conf"
expect_exit 2 "under [consent] guardian_age = 16 a 14-year-old needs a guardian" -- add --person-name "Omar Ali" --birth-date 2012-02-01 --from 2026-03-01
cp "$WORK/conf.orig" "$KANALVAKT_DATA/kanalvakt.conf"
expect_exit 0 "under ÖS's 13 the same consent is the person's own" -- "$K" --json consent add --person-name "Omar Ali" --birth-date 2012-02-01 --scope exempelbykommun --from 2026-03-01 --to 2026-03-31 --document "$WORK/blankett.pdf"
omar=$(jq .id "$WORK/out")

# --- Consents: the register --------------------------------------------------
expect_exit 0 "a consent signed by the guardian" -- "$K" --json consent add --person-name "Elsa Ek" --birth-date 2016-05-01 --guardian "Karin Ek" --scope exempelbykommun,exempelby --from 2026-03-01 --document "$WORK/blankett.pdf"
elsa=$(jq .id "$WORK/out")
expect_exit 0 "show" -- "$K" --json consent show "$elsa"
jq -e --arg s "$form_sha" '.document.sha256 == $s and .guardian == "Karin Ek" and (.scope | length) == 2 and .active' "$WORK/out" >/dev/null &&
	ok "the form is kept by its SHA-256, with the guardian and the scope" || bad "show: $(cat "$WORK/out")"
[[ -f $KANALVAKT_DATA/blobs/${form_sha:0:2}/${form_sha:2} ]] && ok "the form is in the blob store" || bad "no blob $form_sha"
[[ $(db "SELECT COUNT(*) FROM audit WHERE action = 'consent.add' AND (after LIKE '%Elsa%' OR after LIKE '%Karin%')") == 0 ]] &&
	ok "the audit chain has no names" || bad "a name in the audit chain"

before=$(db_state)
expect_exit 2 "a comment by someone else cannot use a consent" -- "$K" consent link "$elsa" --item 204857392011111_2003
expect_grep 'inkommen' "$WORK/err" "the refusal says it is not an own post"
[[ $(db_state) == "$before" ]] && ok "the refused link changed nothing" || bad "a refused link changed the store"
expect_exit 0 "link the picture" -- "$K" consent link "$elsa" --item 204857392011111_2001
expect_exit 0 "link the film" -- "$K" consent link "$elsa" --item 204857392011111_2002
expect_exit 0 "link Omar's consent" -- "$K" consent link "$omar" --item 204857392011111_2001
expect_exit 0 "list --active" -- "$K" --json consent list --active
jq -e -s 'length == 1 and .[0].person_name == "Elsa Ek" and .[0].posts == 2' "$WORK/out" >/dev/null &&
	ok "in force today: Elsa's (Omar's ended in March)" || bad "list --active: $(cat "$WORK/out")"
expect_exit 0 "list for Socialtjänsten's account" -- "$K" --json consent list --account exempelby
jq -e -s 'length == 1' "$WORK/out" >/dev/null && ok "one consent covers it" || bad "list --account: $(cat "$WORK/out")"

expect_exit 0 "the register check" -- "$K" --json consent check
jq -e '.new_alerts == 1' "$WORK/out" >/dev/null && ok "one alert: the picture is up under Omar's ended consent" || bad "check: $(cat "$WORK/out")"
expect_exit 0 "the check again" -- "$K" --json consent check
jq -e '.new_alerts == 0' "$WORK/out" >/dev/null && ok "once only" || bad "check again: $(cat "$WORK/out")"

expect_exit 2 "withdraw without a reason" -- "$K" consent withdraw "$elsa"
expect_exit 0 "withdraw" -- "$K" --json consent withdraw "$elsa" --reason "Vårdnadshavaren återkallade per telefon"
jq -e '(.posts | length) == 2 and .cases_opened == 2 and all(.posts[]; .case != null and .permalink == null)' "$WORK/out" >/dev/null &&
	ok "both posts listed, each with a case to take it down" || bad "withdraw: $(cat "$WORK/out")"
case_id=$(jq '.posts[0].case' "$WORK/out")
expect_exit 0 "the case" -- "$K" --json case show "$case_id"
jq -e '.categories == "personal_id" and .state == "open" and .due_at == "2026-04-04T16:45:00+02:00"' "$WORK/out" >/dev/null &&
	ok "a case for personal data, due 48 hours after the withdrawal" || bad "case: $(cat "$WORK/out")"
expect_exit 2 "withdraw twice" -- "$K" consent withdraw "$elsa" --reason igen
expect_grep 'withdrawn before' "$WORK/err" "the refusal says so"

# --- GDPR: the register of requests ------------------------------------------
expect_exit 2 "a request of an unknown kind" -- "$K" gdpr request add --kind rectification --name "Anna Svensson" --received 2026-03-01
expect_exit 2 "a request received in the future" -- "$K" gdpr request add --kind access --name "Anna Svensson" --received 2026-05-01
expect_exit 0 "an erasure request" -- "$K" --json gdpr request add --kind erasure --name "Anna Svensson" --received 2026-02-27
req=$(jq .id "$WORK/out")
jq -e '.due_at == "2026-03-27T23:59:59+01:00" and .overdue' "$WORK/out" >/dev/null &&
	ok "due one month after it came in, and overdue now" || bad "request: $(cat "$WORK/out")"
expect_exit 0 "notify run" -- "$K" --json notify run
jq -e -s 'map(select(.event == "summary"))[0].gdpr_overdue_alerts == 1' "$WORK/out" >/dev/null &&
	ok "the notify pass raises the overdue alert" || bad "notify: $(cat "$WORK/out")"
[[ $(db "SELECT COUNT(*) FROM alert WHERE kind = 'gdpr_overdue'") == 1 ]] && ok "one gdpr_overdue alert" || bad "alerts"

# --- GDPR: find --------------------------------------------------------------
expect_exit 0 "find by name" -- "$K" --json gdpr find --name "anna svensson"
jq -e '.counts.item == 2 and .counts.case == 1 and ([.places[] | select(.kind == "item") | .platform_id] | sort) == ["204857392011111_2003", "204857392011111_2004"]' "$WORK/out" >/dev/null &&
	ok "her comment, the mention of her, and the case" || bad "find: $(cat "$WORK/out")"
expect_exit 0 "find by phone, written another way" -- "$K" --json gdpr find --phone "+46 70-123 45 67"
jq -e '[.places[] | select(.kind == "item") | .platform_id] == ["204857392011111_2003"]' "$WORK/out" >/dev/null &&
	ok "the comment with her number" || bad "find --phone: $(cat "$WORK/out")"
expect_exit 0 "find by personnummer with the century" -- "$K" --json gdpr find --personnummer 19811228-9874
jq -e '[.places[] | select(.kind == "item") | .how[]] | index("personnummer") != null' "$WORK/out" >/dev/null &&
	ok "found in the version that held it" || bad "find --personnummer: $(cat "$WORK/out")"
expect_exit 2 "not a personnummer" -- "$K" gdpr find --personnummer 811228-9875
expect_exit 2 "nobody to look for" -- "$K" gdpr find
expect_exit 0 "find by the request" -- "$K" --json gdpr find --request "$req"
jq -e '.counts.item == 2' "$WORK/out" >/dev/null && ok "the request's identifiers are used" || bad "find --request: $(cat "$WORK/out")"

# --- GDPR: the register extract ----------------------------------------------
expect_exit 0 "extract" -- "$K" --json gdpr extract --request "$req" --out "$WORK/utdrag"
[[ $(head -c 5 "$WORK/utdrag/registerutdrag.pdf") == %PDF- ]] && ok "a PDF" || bad "no PDF"
jq -e '.places | map(select(.kind == "item"))[0].version_list | length >= 1' "$WORK/utdrag/registerutdrag.json" >/dev/null &&
	ok "the JSON has every version" || bad "extract json"
[[ $(jq -r '.files[] | select(.name == "registerutdrag.pdf") | .sha256' "$WORK/out") == $(sha256sum "$WORK/utdrag/registerutdrag.pdf" | cut -d' ' -f1) ]] &&
	ok "the manifest's hash is the file's" || bad "manifest: $(cat "$WORK/out")"
expect_exit 2 "an extract into a folder that is not empty" -- "$K" gdpr extract --name "Anna Svensson" --out "$WORK/utdrag"

# --- GDPR: erasure -----------------------------------------------------------
before=$(db_state)
expect_exit 0 "erase without a plan" -- "$K" --json gdpr erase --name "Anna Svensson" --reason "Begäran $req" --dry-run
jq -e '(.erased | length) == 0 and all(.kept[] | select(.kind == "item"); .code == "no_plan") and (.statement | test("Offentlighetsprincipen går före rätten till radering"))' "$WORK/out" >/dev/null &&
	ok "without a plan nothing goes, and the answer says why in Swedish" || bad "erase: $(cat "$WORK/out")"
[[ $(db_state) == "$before" ]] && ok "the dry run changed nothing" || bad "a dry run changed the store"
printf 'plan: Prov\n[organisation]\nupprattade | bevaras | nej | DHP 1.1\ninkomna | gallras omedelbart | nej | DHP 1.2\n' >"$WORK/plan.txt"
"$K" retention load "$WORK/plan.txt" >/dev/null
expect_exit 0 "erase" -- "$K" --json gdpr erase --request "$req" --reason "Begäran $req"
jq -e '[.erased[] | select(.kind == "item")] | length == 1' "$WORK/out" >/dev/null &&
	ok "the mention in someone else's comment goes (inkomna: gallras omedelbart)" || bad "erase: $(cat "$WORK/out")"
jq -e '[.kept[] | select(.kind == "item")][0].code == "action" and ([.kept[] | select(.kind == "case")][0].code == "open_case") and (.proposed_takedowns | length) == 1 and .statement_en != null' "$WORK/out" >/dev/null &&
	ok "her comment with an open case stays, with the reason; its takedown is proposed" || bad "erase kept: $(cat "$WORK/out")"
[[ $(db "SELECT COUNT(*) FROM item WHERE platform_id = '204857392011111_2004'") == 0 ]] && ok "the erased item is gone" || bad "item 2004 still there"
[[ $(db "SELECT COUNT(*) FROM cull_run WHERE state = 'done'") == 1 ]] && ok "with its gallringsprotokoll" || bad "no cull run"
jq -e '.last_action.action == "gdpr.erase"' <("$K" --json gdpr requests | head -1) >/dev/null && ok "the request notes what was done" || bad "requests: $("$K" --json gdpr requests)"
expect_exit 0 "close the request" -- "$K" gdpr request close "$req" --outcome "Raderat det som fick raderas; svar skickat"
expect_exit 2 "close it again" -- "$K" gdpr request close "$req" --outcome igen

# --- Over the API --------------------------------------------------------------
c_editor=$(login editor)
c_archivist=$(login archivist)
c_analyst=$(login analyst)
get() { curl -s -o "$WORK/body" -w '%{http_code}' -b "$WORK/jar.$1" "$API$2"; }
post() { curl -s -o "$WORK/body" -w '%{http_code}' -b "$WORK/jar.$1" -H "X-CSRF-Token: $2" -H 'Content-Type: application/json' --data-binary "$4" "$API$3"; }
b64=$(base64 -w0 "$WORK/blankett.pdf")
[[ $(post editor "$c_editor" /consents "{\"person_name\":\"Alva Lind\",\"scope\":[\"exempelbykommun\"],\"from\":\"2026-04-01\",\"document_name\":\"alva.pdf\",\"document_base64\":\"$b64\"}") == 201 ]] &&
	jq -e --arg s "$form_sha" '.document.sha256 == $s and .post_list == []' "$WORK/body" >/dev/null &&
	ok "the editor registers a consent over the API" || bad "POST /consents: $(cat "$WORK/body")"
[[ $(post editor "$c_editor" /consents "{\"person_name\":\"Elsa Ek\",\"birth_date\":\"2016-05-01\",\"scope\":[\"exempelbykommun\"],\"from\":\"2026-04-01\",\"document_name\":\"e.pdf\",\"document_base64\":\"$b64\"}") == 400 ]] &&
	jq -e '.field == "guardian"' "$WORK/body" >/dev/null && ok "a minor without a guardian is 400 naming guardian" || bad "POST minor: $(cat "$WORK/body")"
[[ $(get analyst '/gdpr/find?name=Anna%20Svensson') == 403 ]] && ok "the analyst may not search for a person" || bad "analyst find: $(cat "$WORK/body")"
[[ $(get archivist '/gdpr/find?phone=0701234567') == 200 ]] && jq -e '.counts.item == 1' "$WORK/body" >/dev/null &&
	ok "the archivist finds by phone over the API" || bad "archivist find: $(cat "$WORK/body")"
[[ $(get archivist '/gdpr/find?email=nope') == 400 ]] && jq -e '.field == "email"' "$WORK/body" >/dev/null &&
	ok "a bad e-mail is 400 naming email" || bad "find bad email: $(cat "$WORK/body")"
[[ $(post archivist "$c_archivist" /gdpr/requests '{"kind":"access","email":"lisa.berg@example.se","received":"2026-04-01"}') == 201 ]] &&
	jq -e '.due_at == "2026-05-01T23:59:59+02:00" and (.overdue | not)' "$WORK/body" >/dev/null &&
	ok "the archivist registers a request, due in a month" || bad "POST /gdpr/requests: $(cat "$WORK/body")"
finish
