#!/usr/bin/env bash
# The register from the command line: setup, checks, lifecycle, public list,
# bad input that changes nothing, the audit chain.
source "$(dirname "$0")/lib.bash"

expect_exit 0 "init" -- "$K" init --org "Exempelby kommun"
expect_exit 2 "init twice is refused" -- "$K" init --org "Exempelby kommun"
expect_exit 0 "unit add" -- "$K" unit add --name "Kommunstyrelseförvaltningen"
expect_exit 0 "nested unit add" -- "$K" unit add --name "Kultur och fritid" --parent "Kommunstyrelseförvaltningen"
expect_exit 0 "person add" -- "$K" person add --name "Åsa Öberg" --email asa@exempelby.se --title Kommunikatör --unit "Kultur och fritid"
expect_exit 0 "person add (public contact)" -- "$K" person add --name "Bo Berg" --email bo@exempelby.se --title Webbredaktör --phone "0123-45 67 89" --public
expect_exit 0 "person add (decider)" -- "$K" person add --name "Cilla Chef" --email cilla@exempelby.se --title Förvaltningschef

expect_exit 0 "account add" -- "$K" account add --platform facebook --handle exempelbykultur \
	--name "Kultur i Exempelby" --url https://www.facebook.com/exempelbykultur --unit "Kultur och fritid" \
	--purpose "Berätta om kulturlivet" --goal "Fler besökare" --audience "Invånare och besökare" \
	--responsible asa@exempelby.se --deputy bo@exempelby.se --admin asa@exempelby.se --admin bo@exempelby.se \
	--decided-by cilla@exempelby.se --decided-on 2026-01-15 --decision-ref "KS 2026/0012" \
	--posts-per-week 3 --house-rules "Vi tar bort inlägg som bryter mot lag."
"$K" --json account show exempelbykultur >"$WORK/show.json"
expect_grep '"status":"proposed"' "$WORK/show.json" "a new account is proposed"
jq -e '.admins | sort == ["asa@exempelby.se", "bo@exempelby.se"]' "$WORK/show.json" >/dev/null &&
	ok "admins are stored" || bad "admins are stored"

# Checks: the checklist is not answered yet, so activation is refused.
expect_exit 1 "check finds the unanswered checklist" -- "$K" --json account check exempelbykultur
expect_grep '"rule":"checklist_incomplete"' "$WORK/out" "check reports checklist_incomplete"
expect_exit 2 "activation refused while a check fails" -- "$K" account activate exempelbykultur
expect_grep 'checklist_incomplete' "$WORK/err" "activation names the failing rule"
for key in syfte mal budskap malgrupp kanal kontotyp avtal funktion_och_teknik resurser bevakning \
	avsandare risker diarieforing_gallring_arkivering kriskommunikation marknadsforing informationskrav; do
	"$K" account checklist exempelbykultur "$key" "Besvarat i beslutet" >/dev/null
done
expect_exit 1 "check with the checklist answered" -- "$K" account check exempelbykultur
expect_grep "no_policy +advice" "$WORK/out" "the check advises naming the policy document followed"
expect_exit 0 "a policy document" -- "$K" policydoc add --title "Riktlinjer för sociala medier" --adopted 2025-02-01 --by Kommunstyrelsen --review-every 4y
expect_exit 0 "the account follows it" -- "$K" policydoc apply 1 --account exempelbykultur
expect_exit 0 "check passes with the checklist answered and the policy named" -- "$K" account check exempelbykultur
expect_exit 0 "activation" -- "$K" account activate exempelbykultur
"$K" --json account show exempelbykultur >"$WORK/show.json"
expect_grep '"status":"active"' "$WORK/show.json" "account is active"
# An active account shows its house rules in its about text (docs/register.md).
expect_exit 1 "check asks for the about text" -- "$K" --json account check exempelbykultur
expect_grep '"rule":"house_rules_missing"' "$WORK/out" "house_rules_missing reported"
printf '# TI 4.4\n! Inlägg som bryter mot lag tar vi bort inom 48 timmar.\n\n# TI 4.3\n! Det du skriver till {konto} blir en allmän handling.\n' >"$WORK/house.txt"
expect_exit 0 "house rules template" -- "$K" rules template load "$WORK/house.txt"
"$K" account rules exempelbykultur >"$WORK/about.txt"
expect_exit 0 "about text recorded" -- "$K" account about exempelbykultur --text "$WORK/about.txt"

# A second account with deliberate problems.
expect_exit 0 "account with problems" -- "$K" account add --platform instagram --handle @exempelbyung --unit "Kultur och fritid" \
	--responsible asa@exempelby.se --deputy asa@exempelby.se --admin asa@exempelby.se
expect_exit 1 "check over all accounts" -- "$K" --json account check
for rule in no_purpose no_audience no_url deputy_is_responsible too_few_admins no_decision no_house_rules; do
	expect_grep "\"account\":\"instagram/exempelbyung\",\"rule\":\"$rule\"" "$WORK/out" "rule $rule reported"
done
expect_no_grep '"account":"facebook/exempelbykultur"' "$WORK/out" "the complete account has no problems"

# A person who leaves is noticed.
expect_exit 0 "person deactivate" -- "$K" person deactivate bo@exempelby.se
expect_exit 1 "check after a person left" -- "$K" --json account check exempelbykultur
expect_grep '"rule":"person_inactive"' "$WORK/out" "person_inactive reported"
expect_grep '"rule":"too_few_admins"' "$WORK/out" "too_few_admins reported"
expect_exit 0 "person back" -- "$K" person activate bo@exempelby.se

# Bad input: exit 2, a message naming the field, the database unchanged.
before=$(db_state)
expect_exit 2 "unknown platform" -- "$K" account add --platform myspace --handle a --unit "Kultur och fritid"
expect_grep -- '--platform' "$WORK/err" "message names --platform"
expect_exit 2 "invalid date" -- "$K" account add --platform x --handle a --unit "Kultur och fritid" --decided-on 2026-02-30
expect_grep -- '--decided-on' "$WORK/err" "message names --decided-on"
expect_exit 2 "unknown person" -- "$K" account add --platform x --handle a --unit "Kultur och fritid" --responsible nobody@exempelby.se
expect_grep -- '--responsible' "$WORK/err" "message names --responsible"
expect_exit 2 "unknown unit" -- "$K" account add --platform x --handle a --unit "Finns inte"
expect_grep -- '--unit' "$WORK/err" "message names --unit"
expect_exit 2 "duplicate handle on one platform" -- "$K" account add --platform facebook --handle exempelbykultur --unit "Kultur och fritid"
expect_grep -- '--handle' "$WORK/err" "message names --handle"
expect_exit 2 "invalid UTF-8" -- "$K" account add --platform x --handle a --unit "Kultur och fritid" --purpose $'bad \xff byte'
expect_grep -- '--purpose: invalid UTF-8' "$WORK/err" "message names --purpose and the encoding"
long=$(head -c 5000 /dev/zero | tr '\0' 'a')
expect_exit 2 "over-long field" -- "$K" account add --platform x --handle a --unit "Kultur och fritid" --goal "$long"
expect_grep -- '--goal: too long' "$WORK/err" "message names --goal and the length"
expect_exit 2 "over-long field on edit" -- "$K" account edit exempelbykultur --audience "$long"
expect_exit 2 "bad admin on edit leaves the account as it was" -- "$K" account edit exempelbykultur --admin asa@exempelby.se --admin ghost@exempelby.se
expect_exit 2 "unknown option" -- "$K" account add --platform x --handle a --unit "Kultur och fritid" --colour blue
expect_exit 2 "unknown command" -- "$K" frobnicate
expect_exit 2 "closing needs a reason" -- "$K" account close exempelbyung
after=$(db_state)
if [[ "$before" == "$after" ]]; then ok "refused commands changed nothing"; else bad "refused commands changed the database"; fi

# Edit: "" clears a field, options replace.
expect_exit 0 "edit" -- "$K" account edit exempelbyung --purpose "Nå unga" --deputy bo@exempelby.se --decision-ref ""
"$K" --json account show exempelbyung >"$WORK/show.json"
expect_grep '"purpose":"Nå unga"' "$WORK/show.json" "edit stored the purpose"
expect_grep '"deputy":"bo@exempelby.se"' "$WORK/show.json" "edit stored the deputy"

# The public list: only active/inactive accounts, no private contact details.
expect_exit 0 "export html" -- "$K" register export --format html --out "$WORK/list.html"
expect_grep '<html lang="sv">' "$WORK/list.html" "HTML page is Swedish"
expect_grep 'Kultur i Exempelby' "$WORK/list.html" "active account listed"
expect_no_grep 'exempelbyung' "$WORK/list.html" "proposed account not listed"
expect_no_grep 'asa@exempelby.se' "$WORK/list.html" "private e-mail not published"
expect_grep 'Kommunikatör' "$WORK/list.html" "responsible function shown"
expect_exit 0 "export json" -- "$K" register export --format json --out "$WORK/list.json"
jq -e '.accounts | length == 1 and .[0].platform == "facebook" and .[0].email == null' "$WORK/list.json" >/dev/null &&
	ok "JSON list holds the one public account without private e-mail" || bad "JSON list content"
expect_exit 0 "export csv" -- "$K" register export --format csv --out "$WORK/list.csv"
expect_grep '^plattform,namn,adress' "$WORK/list.csv" "CSV header"
expect_grep 'Facebook,Kultur i Exempelby,https://www.facebook.com/exempelbykultur' "$WORK/list.csv" "CSV row"
expect_exit 2 "bad export format" -- "$K" register export --format pdf

# Public contact: Bo is marked public; make him responsible and he appears.
expect_exit 0 "responsible with public contact" -- "$K" account edit exempelbykultur --responsible bo@exempelby.se --deputy asa@exempelby.se
"$K" register export --format csv >"$WORK/list2.csv"
expect_grep 'bo@exempelby.se,0123-45 67 89' "$WORK/list2.csv" "public contact published"

# Closing: leaves the public list, stays in the register.
expect_exit 0 "close" -- "$K" account close exempelbykultur --reason "Verksamheten använder kommunens huvudkonto" --date 2026-11-01
"$K" register export --format json >"$WORK/list3.json"
jq -e '.accounts | length == 0' "$WORK/list3.json" >/dev/null && ok "closed account left the public list" || bad "closed account still public"
"$K" --json account show exempelbykultur >"$WORK/show.json"
expect_grep '"closed_on":"2026-11-01"' "$WORK/show.json" "closed account stays in the register"
expect_exit 2 "closed account cannot be activated again" -- "$K" account activate exempelbykultur

# Audit: every change logged with the actor, and the chain verifies.
"$K" --json audit list >"$WORK/audit.jsonl"
expect_grep '"action":"account.close"' "$WORK/audit.jsonl" "close is audited"
expect_grep '"actor":"e2e"' "$WORK/audit.jsonl" "actor recorded"
jq -e -s 'map(select(.action == "account.edit" and .after.purpose == "Nå unga")) | length == 1 and .[0].before.purpose == null' "$WORK/audit.jsonl" >/dev/null &&
	ok "audit holds before and after" || bad "audit before/after"
expect_exit 0 "audit verify" -- "$K" audit verify
kv_sql "UPDATE audit SET actor = 'mallory' WHERE seq = 4"
expect_exit 1 "audit verify finds the edited entry" -- "$K" audit verify
expect_grep 'entry 4: edited' "$WORK/out" "verify names entry 4"

# --help everywhere.
expect_exit 0 "help" -- "$K" --help
expect_exit 0 "noun help" -- "$K" account --help
expect_exit 0 "verb help" -- "$K" account add --help
expect_grep -- '--posts-per-week' "$WORK/out" "account add usage lists its options"

finish
