#!/usr/bin/env bash
# Drafts end to end: refusals that change nothing (unknown and closed
# accounts, empty text, media Kanalvakt cannot publish, a time passed); the
# check's points (personal data, spelling, hashtags, links against a local
# server and the SSRF guard, length and the läs-mer fold, alt text, consent,
# a sender) and the checklist's answers; the second reader (not the writer,
# one of the two responsible); publishing through a local stand-in for
# Mastodon, Graph, X and YouTube (tests/fakeplatform): the post captured as
# upprättad and linked both ways, sent once; a failure recorded and not
# retried; scheduled publishing by `draft publish-due` and by serve's pass,
# exactly once; YouTube by hand; answers from the inbox posted through the
# same path, and recorded by hand where the account has no connector.
source "$(dirname "$0")/lib.bash"
FAKE=${FAKEPLATFORM_BIN:-$KV_BIN_DIR/fakeplatform}
FIX=${KV_SOURCE_DIR:?}/tests/fixtures/drafts
[[ -x $FAKE ]] || { echo "fakeplatform not built ($FAKE)"; exit 1; }
export KANALVAKT_RULES=$KV_SOURCE_DIR/rules

"$FAKE" "$FIX" "$FIX/routes" "$WORK/port" "$WORK/requests.log" 2>"$WORK/fake.err" &
fake_pid=$!
serve_pid=
trap 'kill $fake_pid $serve_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
[[ -s $WORK/port ]] || { echo "fakeplatform did not start"; cat "$WORK/fake.err"; exit 1; }
BASE="http://127.0.0.1:$(cat "$WORK/port")"
DB=$KANALVAKT_DATA/kanalvakt.db
q() { kv_sql "$1"; }
posts() { grep -c "^POST $1" "$WORK/requests.log" || true; }
point() { jq -r --arg k "$1" '.points[] | select(.key == $k) | .status' "$WORK/out"; }
detail() { jq -r --arg k "$1" '.points[] | select(.key == $k) | .detail' "$WORK/out"; }
# Every question the person answers, yes (for drafts without media or links).
ALL=(--answer relevant=yes --answer spelling=yes --answer timing=yes --answer tone=yes
	--answer channel=yes --answer targeting=no --answer shorten=no --answer hashtags=yes
	--answer anonymised=yes --answer central_page=no --answer website=no)

export KANALVAKT_NOW=2026-06-10T09:00:00+02:00
"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kommunikationsenheten >/dev/null
for p in "Anna Ek:anna" "Bo Lind:bo" "Eva Berg:eva" "Carl Dahl:carl"; do
	"$K" person add --name "${p%%:*}" --email "${p##*:}@exempelby.se" --unit Kommunikationsenheten >/dev/null
done
acc() { "$K" account add --unit Kommunikationsenheten --responsible anna@exempelby.se --deputy bo@exempelby.se "$@" >/dev/null; }
acc --platform mastodon --handle exempelby --url "$BASE/@exempelby" --platform-id 1001
acc --platform facebook --handle exempelbykommun --platform-id 300
acc --platform facebook --handle trasig --platform-id 400
acc --platform x --handle exempelby_x --platform-id 77
acc --platform youtube --handle exempelbytv --platform-id UCexempelby
acc --platform linkedin --handle exempelby-li
acc --platform instagram --handle stangt
"$K" account close stangt --reason "Ersatt av kommunens centrala konto" >/dev/null
cat >"$KANALVAKT_DATA/kanalvakt.conf" <<CONF
[meta]
app_secret = drafts-test-secret
verify_token = drafts-test-verify

[drafts]
links_allow_internal = yes
links_timeout = 5
own_domains = exempelby.se

[account exempelby]
token = masto-s3cr3t
base_url = $BASE

[account exempelbykommun]
token = EAAB-read-only
publish_token = EAAB-publish-s3cr3t
base_url = $BASE/v19.0

[account trasig]
token = EAAB-trasig
base_url = $BASE/v19.0

[account exempelby_x]
token = x-user-s3cr3t
base_url = $BASE

[account exempelbytv]
token = ya29.yt-s3cr3t
base_url = $BASE/youtube/v3
CONF
kv_secrets "$KANALVAKT_DATA/kanalvakt.conf"
printf 'Badplatserna öppnar på lördag! Läs mer på %s/bibliotek\n\nVänliga hälsningar, Eva, kommunikatör\n' "$BASE" >"$WORK/ok.txt"

# ---- refusals change nothing ----
before=$(db_state)
expect_exit 2 "a draft for an unknown account" -- "$K" draft add --account nobody --text "$WORK/ok.txt"
expect_grep "nobody" "$WORK/err" "the error names the account"
expect_exit 2 "a draft for a closed account" -- "$K" draft add --account stangt --text "$WORK/ok.txt"
expect_grep "closed" "$WORK/err" "the error says it is closed"
: >"$WORK/empty.txt"
expect_exit 2 "an empty text" -- "$K" draft add --account exempelby --text "$WORK/empty.txt"
printf 'x' >"$WORK/notes.docx"
expect_exit 2 "a medium Kanalvakt does not publish" -- "$K" draft add --account exempelby --text "$WORK/ok.txt" --media "$WORK/notes.docx"
expect_grep "notes.docx" "$WORK/err" "the error names the file"
expect_exit 2 "a time that has passed" -- "$K" draft add --account exempelby --text "$WORK/ok.txt" --at 2026-06-01T10:00:00+02:00
expect_exit 2 "more alt texts than media" -- "$K" draft add --account exempelby --text "$WORK/ok.txt" --alt "Bild"
expect_exit 2 "a text file that does not exist" -- "$K" draft add --account exempelby --text "$WORK/none.txt"
[[ "$(db_state)" == "$before" ]] && ok "refusals changed nothing" || bad "a refusal changed the database"

# ---- the check ----
printf 'Välkommen till biblioteket! Vi har öpet hela vekan. Ring Karin på 070-123 45 67 eller info@exempelby.se. #sommarlovsaktiviteter #Bibliotek %s/bibliotek\n\n/ Eva, kommunikatör\n' "$BASE" >"$WORK/d1.txt"
expect_exit 0 "draft add (Mastodon)" -- "$K" --as eva@exempelby.se --json draft add --account exempelby --text "$WORK/d1.txt"
d1=$(jq .id "$WORK/out")
expect_exit 1 "the check finds problems (exit 1)" -- "$K" --as eva@exempelby.se --json draft check "$d1"
[[ $(point personal_data) == warning ]] && detail personal_data | grep -qF '070-123 45 67' &&
	ok "the phone number is personal data" || bad "personal data: $(detail personal_data)"
detail personal_data | grep -qF 'info@exempelby.se' && bad "the kommun's own address counted as personal data" ||
	ok "the kommun's own address is not personal data (own_domains)"
[[ $(point spelling) == warning ]] && detail spelling | grep -qF 'öpet (öppet?)' && detail spelling | grep -qF 'vekan' &&
	ok "the misspelt words are named, with a suggestion" || bad "spelling: $(detail spelling)"
detail spelling | grep -qE 'Välkommen|biblioteket|sommarlovsaktiviteter|exempelby' && bad "correct words or tags reported: $(detail spelling)" ||
	ok "correct words, tags and addresses are not reported"
[[ $(point hashtags) == warning ]] && detail hashtags | grep -qF '#sommarlovsaktiviteter: skriv #SommarlovsAktiviteter' &&
	ok "a lower-case multi-word hashtag is flagged with its CamelCase form" || bad "hashtags: $(detail hashtags)"
detail hashtags | grep -qF '#Bibliotek' && bad "#Bibliotek flagged" || ok "#Bibliotek is fine"
[[ $(point links) == ok ]] && detail links | grep -qF "$BASE/bibliotek: svarar (HTTP 200)" &&
	ok "the address answers (HEAD)" || bad "links: $(detail links)"
grep -q "^HEAD /bibliotek" "$WORK/requests.log" && ok "the link was checked with HEAD" || bad "no HEAD: $(cat "$WORK/requests.log")"
[[ $(point length) == ok ]] && detail length | grep -qE '^[0-9]+ av högst 500 tecken på Mastodon' &&
	ok "the length against Mastodon's 500" || bad "length: $(detail length)"
[[ $(point sender) == ok ]] && ok "the sender line is found" || bad "sender: $(point sender)"
jq -e '.flagged and .needs_second_reader and (.sensitive_reasons | index("personuppgifter"))' "$WORK/out" >/dev/null &&
	ok "personal data makes it sensitive: a second reader is needed" || bad "flagged: $(jq -c '{flagged, needs_second_reader, sensitive_reasons}' "$WORK/out")"
jq -e '.ready == false and (.blocking | any(test("obesvarad fråga relevant"))) and (.blocking | any(test("andra läsare")))' "$WORK/out" >/dev/null &&
	ok "unanswered questions and the missing reader block it" || bad "blocking: $(jq -c .blocking "$WORK/out")"
jq -e '[.questions[] | .key] | index("url") and (index("consent") | not) and (index("copyright") | not)' "$WORK/out" >/dev/null &&
	ok "the questions that apply: url (a link), no consent or copyright (no media)" || bad "questions: $(jq -c '[.questions[].key]' "$WORK/out")"

before=$(db_state)
expect_exit 2 "an unknown question" -- "$K" --as eva@exempelby.se draft check "$d1" --no-screening --answer nosuch=yes
expect_grep "nosuch" "$WORK/err" "the error names the key"
expect_exit 2 "a question that does not apply (copyright, no media)" -- "$K" --as eva@exempelby.se draft check "$d1" --no-screening --answer copyright=yes
expect_exit 2 "an answer that is not yes or no" -- "$K" --as eva@exempelby.se draft check "$d1" --answer relevant=kanske
expect_exit 2 "an automatic question cannot be answered" -- "$K" --as eva@exempelby.se draft check "$d1" --no-screening --answer fold=yes
[[ "$(db_state)" == "$before" ]] && ok "refused answers changed nothing" || bad "a refused answer changed the database"

# Interactive answers on stdin.
printf 'ja\nja\nja\nja\nja\nnej\nnej\nja\nja\nja\nnej\nnej\n' >"$WORK/answers"
expect_exit 1 "answers given interactively" -- sh -c "'$K' --as eva@exempelby.se --json draft check $d1 --no-screening --interactive <'$WORK/answers'"
jq -e '[.questions[] | select(.automatic | not) | .answer] | all(. != null)' "$WORK/out" >/dev/null &&
	ok "every question is answered" || bad "answers: $(jq -c '[.questions[] | {key, answer}]' "$WORK/out")"
jq -e '(.blocking | length) == 1 and (.blocking[0] | test("andra läsare"))' "$WORK/out" >/dev/null &&
	ok "only the second reader is missing" || bad "blocking: $(jq -c .blocking "$WORK/out")"
expect_exit 2 "publishing before the second reading is refused" -- "$K" --as eva@exempelby.se draft publish "$d1"
expect_grep "andra läsare" "$WORK/err" "the refusal names the second reader"
[[ $(posts /api/v1/statuses) == 0 ]] && ok "nothing was sent" || bad "sent: $(cat "$WORK/requests.log")"

# ---- the second reader ----
expect_exit 2 "the writer cannot be the second reader" -- "$K" --as eva@exempelby.se draft review "$d1" --approve
expect_grep "wrote it" "$WORK/err" "the refusal says why"
expect_exit 2 "someone not responsible for the account cannot be it" -- "$K" --as carl@exempelby.se draft review "$d1" --approve
expect_grep "anna@exempelby.se" "$WORK/err" "the refusal names the responsible"
expect_exit 2 "a rejection needs a reason" -- "$K" --as anna@exempelby.se draft review "$d1" --reject
expect_exit 0 "the deputy rejects it" -- "$K" --as bo@exempelby.se draft review "$d1" --reject --reason "Ta bort Karins nummer"
expect_exit 0 "draft show" -- "$K" --json draft show "$d1"
jq -e '.review.state == "rejected" and (.blocking | any(test("avslaget av bo@exempelby.se: Ta bort Karins nummer")))' "$WORK/out" >/dev/null &&
	ok "the rejection blocks it, with its reason" || bad "show: $(jq -c '{review, blocking}' "$WORK/out")"
printf 'Välkommen till biblioteket! Vi har öppet hela veckan. Ring oss på info@exempelby.se. #SommarlovsAktiviteter #Bibliotek %s/bibliotek\n\n/ Eva, kommunikatör\n' "$BASE" >"$WORK/d1b.txt"
expect_exit 0 "draft edit --text" -- "$K" --as eva@exempelby.se draft edit "$d1" --text "$WORK/d1b.txt" --sensitive
expect_exit 0 "draft show after the edit" -- "$K" --json draft show "$d1"
jq -e '.version == 2 and .check.current == false and .answers_current == false and .review.current == false' "$WORK/out" >/dev/null &&
	ok "an edit is a new version: check, answers and review no longer count" || bad "after edit: $(jq -c '{version, check: .check.current, answers_current, review}' "$WORK/out")"
expect_exit 1 "the check of version 2 with every answer (not ready: the reader)" -- "$K" --as eva@exempelby.se --json draft check "$d1" --no-screening "${ALL[@]}" --answer url=yes
jq -e '.flagged == false and .needs_second_reader and (.blocking | length) == 1' "$WORK/out" >/dev/null &&
	ok "no personal data now, still sensitive as marked by its writer" || bad "v2: $(jq -c '{flagged, needs_second_reader, blocking}' "$WORK/out")"
expect_exit 0 "the responsible approves version 2" -- "$K" --as anna@exempelby.se draft review "$d1" --approve

# ---- publishing through Mastodon ----
expect_exit 0 "draft publish" -- "$K" --as eva@exempelby.se --json draft publish "$d1"
pid=$(jq -r .platform_id "$WORK/out")
item=$(jq .item "$WORK/out")
jq -e '.via == "api" and (.platform_id | test("^1100[0-9]+$"))' "$WORK/out" >/dev/null &&
	ok "published through the API with the platform's id" || bad "publish: $(cat "$WORK/out")"
[[ $(posts /api/v1/statuses) == 1 ]] && ok "one POST /api/v1/statuses" || bad "requests: $(cat "$WORK/requests.log")"
grep '^POST /api/v1/statuses' "$WORK/requests.log" | grep -qF 'auth=Bearer masto-s3cr3t body={"status":"Välkommen till biblioteket! Vi har öppet hela veckan.' &&
	ok "with the account's token and the draft's text" || bad "request: $(grep statuses "$WORK/requests.log")"
[[ $(q "SELECT direction || '/' || kind || '/' || platform_id FROM item WHERE id = $item") == "upprattad/post/$pid" ]] &&
	ok "captured as the account's own post (upprättad)" || bad "item: $(q "SELECT direction, kind, platform_id FROM item WHERE id = $item")"
expect_exit 0 "item show" -- "$K" --json item show "$item"
jq -e --argjson d "$d1" '.draft == $d and .direction == "upprättad"' "$WORK/out" >/dev/null &&
	ok "the item names its draft" || bad "item show: $(jq -c '{draft, direction}' "$WORK/out")"
expect_exit 0 "draft show after publishing" -- "$K" --json draft show "$d1"
jq -e --argjson i "$item" '.state == "published" and .published.item == $i and .published.via == "api" and .published.by == "eva@exempelby.se"' "$WORK/out" >/dev/null &&
	ok "the draft names its item" || bad "draft: $(jq -c '{state, published}' "$WORK/out")"
expect_exit 2 "a published draft is not published again" -- "$K" draft publish "$d1"
expect_exit 2 "nor edited" -- "$K" draft edit "$d1" --text "$WORK/ok.txt"
[[ $(posts /api/v1/statuses) == 1 ]] && ok "still one POST" || bad "a second POST was made"

# ---- Mastodon with an image: the media upload carries the alt text ----
printf 'Badplatsen vid sjön är öppen. Välkommen!\n\n/ Eva, kommunikatör\n' >"$WORK/d2.txt"
expect_exit 0 "a draft with an image and no alt text" -- "$K" --as eva@exempelby.se --json draft add --account exempelby --text "$WORK/d2.txt" --media "$FIX/badplats.png" --shows-people
d2=$(jq .id "$WORK/out")
expect_exit 1 "check" -- "$K" --as eva@exempelby.se --json draft check "$d2" --no-screening
[[ $(point alt_text) == error ]] && detail alt_text | grep -qF 'badplats.png' && ok "the image without alt text is an error" || bad "alt: $(detail alt_text)"
[[ $(point consent) == error ]] && detail consent | grep -qF 'inget samtycke i registret' &&
	ok "media showing people without a consent in the register is an error" || bad "consent: $(point consent) $(detail consent)"
printf '%%PDF-1.4\n%% undertecknad blankett\n' >"$WORK/blankett.pdf"
expect_exit 0 "a consent for the account" -- "$K" --as eva@exempelby.se consent add --person-name "Lisa Sjöberg" --scope exempelby --from 2026-01-01 --document "$WORK/blankett.pdf"
expect_exit 1 "check again" -- "$K" --as eva@exempelby.se --json draft check "$d2" --no-screening
[[ $(point consent) == manual ]] && detail consent | grep -qF 'Lisa Sjöberg' &&
	ok "with a consent in force the point names it for the person to confirm" || bad "consent: $(point consent) $(detail consent)"
jq -e '[.questions[] | .key] | index("copyright") and index("image_fit") and index("consent")' "$WORK/out" >/dev/null &&
	ok "the media questions apply" || bad "questions: $(jq -c '[.questions[].key]' "$WORK/out")"
expect_exit 0 "draft edit --alt" -- "$K" --as eva@exempelby.se draft edit "$d2" --alt "Badplatsen vid sjön en solig dag"
expect_exit 1 "consent answered no stops it" -- "$K" --as eva@exempelby.se --json draft check "$d2" --no-screening "${ALL[@]}" \
	--answer image_fit=yes --answer copyright=yes --answer consent=no
jq -e '(.blocking | any(test("svaret nej på consent"))) and ([.points[] | select(.key == "alt_text") | .status] == ["ok"])' "$WORK/out" >/dev/null &&
	ok "a no to consent blocks; the alt text is fine now" || bad "blocking: $(jq -c .blocking "$WORK/out")"
expect_exit 0 "consent answered yes" -- "$K" --as eva@exempelby.se --json draft check "$d2" --no-screening --answer consent=yes
expect_exit 0 "published with the image" -- "$K" --as eva@exempelby.se --json draft publish "$d2"
# The multipart body spans lines of the log.
[[ $(posts /api/v2/media) == 1 ]] && grep -aqF 'name="description"' "$WORK/requests.log" && grep -aqF 'Badplatsen vid sjön en solig dag' "$WORK/requests.log" &&
	ok "the image was uploaded with its alt text as description" || bad "media: $(grep media "$WORK/requests.log" | cut -c1-300)"
grep '^POST /api/v1/statuses' "$WORK/requests.log" | tail -1 | grep -qE '"media_ids":\["2200[0-9]+"\]' &&
	ok "the status names the uploaded medium" || bad "status: $(grep statuses "$WORK/requests.log" | tail -1)"

# ---- Facebook: the fold, a photo post, links that fail ----
long=$(printf 'Kommunfullmäktige sammanträder på torsdag. %.0s' $(seq 14))
printf '%s\n\n/ Eva, kommunikatör\n' "$long" >"$WORK/d3.txt"
expect_exit 0 "a long Facebook draft" -- "$K" --as eva@exempelby.se --json draft add --account exempelbykommun --text "$WORK/d3.txt"
d3=$(jq .id "$WORK/out")
expect_exit 0 "its check with every answer" -- "$K" --as eva@exempelby.se --json draft check "$d3" --no-screening "${ALL[@]}"
[[ $(point fold) == warning ]] && detail fold | grep -qF 'bara de första 480 tecknen syns' &&
	ok "past Facebook's fold of 480 characters: a warning" || bad "fold: $(point fold) $(detail fold)"
jq -e '(.questions[] | select(.key == "fold") | .answer) == "no" and .ready' "$WORK/out" >/dev/null &&
	ok "the fold question is answered no by the check, which does not block" || bad "fold answer: $(jq -c '.questions[] | select(.key == "fold")' "$WORK/out")"
expect_exit 0 "draft publish on Facebook" -- "$K" --as eva@exempelby.se --json draft publish "$d3"
grep '^POST /v19.0/300/feed?access_token=EAAB-publish-s3cr3t' "$WORK/requests.log" | grep -qF 'body=message=Kommunfullm%C3%A4ktige' &&
	ok "POST /300/feed with the publish token and the message" || bad "feed: $(grep feed "$WORK/requests.log")"
jq -e '.platform_id | test("^300_[0-9]+$")' "$WORK/out" >/dev/null && ok "the post id the Page gave" || bad "fb: $(cat "$WORK/out")"

printf 'Nu är badplatserna öppna. %s/gammal och %s/flyttad och %s/bara-get\n\n/ Eva, kommunikatör\n' "$BASE" "$BASE" "$BASE" >"$WORK/d4.txt"
expect_exit 0 "a Facebook draft with a photo and links" -- "$K" --as eva@exempelby.se --json draft add --account exempelbykommun \
	--text "$WORK/d4.txt" --media "$FIX/badplats.png" --alt "Badplatsen vid sjön"
d4=$(jq .id "$WORK/out")
expect_exit 1 "its check" -- "$K" --as eva@exempelby.se --json draft check "$d4" --no-screening
[[ $(point links) == error ]] && detail links | grep -qF "$BASE/gammal: fungerar inte (HTTP 404)" &&
	detail links | grep -qF "$BASE/flyttad: leder vidare (HTTP 301)" && detail links | grep -qF "$BASE/bara-get: svarar (HTTP 200)" &&
	ok "a 404 is an error, a 301 said, a server answering only GET is fine" || bad "links: $(detail links)"
printf '%s\n' "[drafts]" "links_allow_internal = no" >"$WORK/strict.conf"
expect_exit 1 "the check with the SSRF guard on" -- "$K" --config "$WORK/strict.conf" --as eva@exempelby.se --json draft check "$d4" --no-screening
detail links | grep -qF "$BASE/gammal: inte kontrollerad, adressen är intern" &&
	ok "without links_allow_internal a local address is not fetched" || bad "guard: $(detail links)"
printf 'Nu är badplatserna öppna. Välkommen!\n\n/ Eva, kommunikatör\n' >"$WORK/d4b.txt"
expect_exit 0 "the links taken out" -- "$K" --as eva@exempelby.se draft edit "$d4" --text "$WORK/d4b.txt"
expect_exit 0 "check" -- "$K" --as eva@exempelby.se --json draft check "$d4" --no-screening "${ALL[@]}" --answer image_fit=yes --answer copyright=yes
expect_exit 0 "publish the photo post" -- "$K" --as eva@exempelby.se --json draft publish "$d4"
grep -q '^POST /v19.0/300/photos?access_token=EAAB-publish-s3cr3t' "$WORK/requests.log" && grep -aqF 'name="alt_text_custom"' "$WORK/requests.log" &&
	ok "POST /300/photos with the alt text" || bad "photos: $(grep photos "$WORK/requests.log" | cut -c1-300)"
jq -e '.platform_id | test("^300_[0-9]+$")' "$WORK/out" >/dev/null && ok "the photo's post id" || bad "photo: $(cat "$WORK/out")"

# ---- X: the length counts an address as 23 ----
printf '%s %s/bibliotek\n\n/ Eva\n' "$(printf 'a%.0s' $(seq 249))" "$BASE" >"$WORK/d5.txt"
expect_exit 0 "an X draft" -- "$K" --as eva@exempelby.se --json draft add --account exempelby_x --text "$WORK/d5.txt"
d5=$(jq .id "$WORK/out")
expect_exit 1 "its check" -- "$K" --as eva@exempelby.se --json draft check "$d5" --no-screening
[[ $(point length) == error ]] && detail length | grep -qF '281 av högst 280 tecken på X' &&
	ok "281 characters (the address as 23) is over X's 280" || bad "x length: $(detail length)"
printf 'Biblioteket har öppet hela sommaren.\n\n/ Eva\n' >"$WORK/d5b.txt"
expect_exit 0 "shortened" -- "$K" --as eva@exempelby.se draft edit "$d5" --text "$WORK/d5b.txt"
expect_exit 0 "check" -- "$K" --as eva@exempelby.se --json draft check "$d5" --no-screening "${ALL[@]}"
expect_exit 0 "publish on X" -- "$K" --as eva@exempelby.se --json draft publish "$d5"
grep '^POST /2/tweets' "$WORK/requests.log" | grep -qF 'auth=Bearer x-user-s3cr3t body={"text":"Biblioteket har öppet hela sommaren.' &&
	ok "POST /2/tweets with the text" || bad "tweets: $(grep tweets "$WORK/requests.log")"

# ---- a failure is recorded, and not sent again by the pass ----
expect_exit 0 "a draft for the Page whose feed fails, scheduled" -- "$K" --as eva@exempelby.se --json draft add --account trasig \
	--text "$WORK/ok.txt" --at 2026-06-10T10:00:00+02:00
d6=$(jq .id "$WORK/out")
expect_exit 0 "check" -- "$K" --as eva@exempelby.se --json draft check "$d6" --no-screening "${ALL[@]}" --answer url=yes
expect_exit 3 "the platform fails" -- "$K" --as eva@exempelby.se draft publish "$d6"
expect_grep "Graph API error 2" "$WORK/err" "the platform's error is named"
expect_grep "may or may not have the post" "$WORK/err" "and that the post may be there"
expect_exit 0 "draft show" -- "$K" --json draft show "$d6"
jq -e '.state == "draft" and (.publish_error | test("Graph API error 2"))' "$WORK/out" >/dev/null &&
	ok "the draft keeps the error" || bad "failed draft: $(jq -c '{state, publish_error}' "$WORK/out")"
n=$(posts /v19.0/400/feed)
expect_exit 0 "publish-due at its time" -- env KANALVAKT_NOW=2026-06-10T10:05:00+02:00 "$K" --json draft publish-due
[[ $(posts /v19.0/400/feed) == "$n" ]] && ok "a failed draft is not retried by the pass" || bad "the pass retried it"

# ---- scheduled: exactly once ----
expect_exit 0 "a scheduled Mastodon draft" -- "$K" --as eva@exempelby.se --json draft add --account exempelby \
	--text "$WORK/ok.txt" --at 2026-06-10T12:00:00+02:00
d7=$(jq .id "$WORK/out")
expect_exit 0 "check" -- "$K" --as eva@exempelby.se --json draft check "$d7" --no-screening "${ALL[@]}" --answer url=yes
n=$(posts /api/v1/statuses)
expect_exit 0 "publish-due before its time" -- env KANALVAKT_NOW=2026-06-10T11:59:00+02:00 "$K" --json draft publish-due
[[ $(posts /api/v1/statuses) == "$n" && ! -s $WORK/out ]] && ok "nothing is due before its time" || bad "published early: $(cat "$WORK/out")"
expect_exit 0 "publish-due at its time" -- env KANALVAKT_NOW=2026-06-10T12:00:30+02:00 "$K" --json draft publish-due
jq -e --argjson d "$d7" 'select(.id == $d) | .result == "published"' "$WORK/out" >/dev/null && ok "published at its time" || bad "due: $(cat "$WORK/out")"
expect_exit 0 "publish-due again" -- env KANALVAKT_NOW=2026-06-10T12:10:00+02:00 "$K" --json draft publish-due
[[ $(posts /api/v1/statuses) == $((n + 1)) ]] && ok "sent exactly once" || bad "statuses: $(posts /api/v1/statuses), wanted $((n + 1))"

# A scheduled draft that is not ready at its time is left for a person.
expect_exit 0 "a scheduled draft never checked" -- "$K" --as eva@exempelby.se --json draft add --account exempelby \
	--text "$WORK/ok.txt" --at 2026-06-10T13:00:00+02:00
d8=$(jq .id "$WORK/out")
expect_exit 1 "publish-due: not ready" -- env KANALVAKT_NOW=2026-06-10T13:01:00+02:00 "$K" --json draft publish-due
jq -e '.result == "failed" and (.error | test("inte kontrollerat"))' "$WORK/out" >/dev/null && ok "reported as not ready" || bad "not ready: $(cat "$WORK/out")"
expect_exit 0 "publish-due once more" -- env KANALVAKT_NOW=2026-06-10T13:05:00+02:00 "$K" --json draft publish-due
[[ ! -s $WORK/out ]] && ok "a draft not ready at its time is not taken up again" || bad "again: $(cat "$WORK/out")"

# ---- serve's pass publishes a due draft, once ----
expect_exit 0 "a draft due at 14:00" -- "$K" --as eva@exempelby.se --json draft add --account exempelby \
	--text "$WORK/ok.txt" --at 2026-06-10T14:00:00+02:00
d9=$(jq .id "$WORK/out")
expect_exit 0 "check" -- "$K" --as eva@exempelby.se --json draft check "$d9" --no-screening "${ALL[@]}" --answer url=yes
n=$(posts /api/v1/statuses)
KANALVAKT_NOW=2026-06-10T14:01:00+02:00 "$K" --json serve --listen 127.0.0.1:0 >"$WORK/serve.json" 2>"$WORK/serve.log" &
serve_pid=$!
for _ in $(seq 100); do [[ $(q "SELECT state FROM draft WHERE id = $d9") == published ]] && break; sleep 0.1; done
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
serve_pid=
[[ $(q "SELECT state FROM draft WHERE id = $d9") == published ]] && ok "serve's pass published the due draft" ||
	bad "serve: $(q "SELECT state, publish_error FROM draft WHERE id = $d9"); $(tail -5 "$WORK/serve.log")"
[[ $(posts /api/v1/statuses) == $((n + 1)) ]] && ok "once" || bad "statuses: $(posts /api/v1/statuses), wanted $((n + 1))"
grep -qF "draft $d9 published as" "$WORK/serve.log" && ok "serve logs it" || bad "log: $(tail -5 "$WORK/serve.log")"

# ---- YouTube: community posts by hand ----
expect_exit 0 "a YouTube draft" -- "$K" --as eva@exempelby.se --json draft add --account exempelbytv --text "$WORK/ok.txt"
d10=$(jq .id "$WORK/out")
expect_exit 0 "check" -- "$K" --as eva@exempelby.se --json draft check "$d10" --no-screening "${ALL[@]}" --answer url=yes
[[ $(point platform) == warning ]] && detail platform | grep -qF 'YouTube community posts have no public API' &&
	ok "the check says YouTube community posts have no API" || bad "platform: $(detail platform)"
expect_exit 2 "publishing it through the API is refused" -- "$K" draft publish "$d10"
expect_grep "no public API" "$WORK/err" "the refusal says why"
expect_exit 0 "recorded as published by hand" -- "$K" --as eva@exempelby.se --json draft publish "$d10" --by-hand --platform-id UgkxCommunity1
jq -e '.via == "hand" and .platform_id == "UgkxCommunity1" and (.item | type) == "number"' "$WORK/out" >/dev/null &&
	ok "by hand, with the id, captured" || bad "by hand: $(cat "$WORK/out")"

# ---- cancel, list ----
expect_exit 0 "a draft to cancel" -- "$K" --as eva@exempelby.se --json draft add --account exempelby --text "$WORK/ok.txt"
d11=$(jq .id "$WORK/out")
printf '%s\n' "[drafts]" "mastodon_max = 20" >"$WORK/small.conf"
expect_exit 1 "an instance's own limit ([drafts] mastodon_max)" -- "$K" --config "$WORK/small.conf" --json draft check "$d11" --no-screening
[[ $(point length) == error ]] && detail length | grep -qF 'av högst 20 tecken på Mastodon' && ok "the limit from the configuration" || bad "limit: $(detail length)"
printf '%s\n' "[drafts]" "mastodon_max = lots" >"$WORK/bad.conf"
expect_exit 2 "a limit that is no number" -- "$K" --config "$WORK/bad.conf" draft check "$d11" --no-screening
expect_grep "mastodon_max" "$WORK/err" "the error names the key"
expect_exit 0 "draft cancel" -- "$K" --as eva@exempelby.se draft cancel "$d11" --reason "Dubblett"
expect_exit 2 "a cancelled draft is not published" -- "$K" draft publish "$d11"
expect_exit 0 "draft list --state published" -- "$K" --json draft list --state published
[[ $(wc -l <"$WORK/out") == 8 ]] && ok "eight published drafts" || bad "list: $(wc -l <"$WORK/out")"
expect_exit 2 "draft list with an unknown state" -- "$K" draft list --state gone
expect_exit 0 "draft --help" -- "$K" draft check --help
expect_grep "KEY=yes" "$WORK/out" "the help names the answers"

# ---- answers from the inbox go out through the same path ----
expect_exit 0 "a question on the Page" -- "$K" import --account exempelbykommun "$FIX/questions.jsonl"
expect_exit 0 "workflow sync" -- "$K" workflow sync
qid=$(q "SELECT q.id FROM question q JOIN item i ON i.id = q.item_id WHERE i.platform_id = '7001_8001'")
[[ -n $qid ]] && ok "the question is in the inbox" || bad "no question"
printf 'Hej Karin! Biblioteket öppnar igen måndag 29 juni.\n\nVänliga hälsningar, Eva, kommunikatör\n' >"$WORK/answer.txt"
expect_exit 0 "inbox answer" -- "$K" --as eva@exempelby.se --json inbox answer "$qid" --text-file "$WORK/answer.txt"
jq -e '.via == "api" and .by_hand == false and (.platform_id | test("^7001_8001_[0-9]+$"))' "$WORK/out" >/dev/null &&
	ok "the answer went out through the API" || bad "answer: $(cat "$WORK/out")"
grep '^POST /v19.0/7001_8001/comments?access_token=EAAB-publish-s3cr3t' "$WORK/requests.log" | grep -qF 'body=message=Hej%20Karin' &&
	ok "POST /{comment-id}/comments with the answer" || bad "reply: $(grep comments "$WORK/requests.log")"
[[ $(q "SELECT q.answer_via || '/' || i.direction || '/' || i.parent_platform_id FROM question q JOIN item i ON i.id = q.answer_item_id WHERE q.id = $qid") == "api/upprattad/7001_8001" ]] &&
	ok "the reply is captured in the thread and recorded on the question" || bad "question: $(q "SELECT state, answer_via, answer_item_id FROM question WHERE id = $qid")"
expect_exit 0 "a question on LinkedIn (no connector)" -- "$K" import --account exempelby-li "$FIX/questions_linkedin.jsonl"
expect_exit 0 "workflow sync" -- "$K" workflow sync
lq=$(q "SELECT q.id FROM question q JOIN item i ON i.id = q.item_id WHERE i.platform_id = 'li-501'")
expect_exit 0 "inbox answer on LinkedIn" -- "$K" --as eva@exempelby.se --json inbox answer "$lq" --text-file "$WORK/answer.txt"
jq -e '.via == "hand" and .by_hand and .platform_id == null' "$WORK/out" >/dev/null &&
	ok "recorded as posted by hand where there is no connector" || bad "linkedin: $(cat "$WORK/out")"
[[ $(q "SELECT answer_via FROM question WHERE id = $lq") == hand ]] && ok "answer_via hand" || bad "answer_via: $(q "SELECT answer_via FROM question WHERE id = $lq")"

# ---- the audit trail, and no token in it ----
"$K" --json audit list >"$WORK/audit.jsonl"
for a in draft.add draft.check draft.review draft.edit draft.publish draft.publish_failed draft.cancel question.answer; do
	grep -qF "\"$a\"" "$WORK/audit.jsonl" && ok "audited: $a" || bad "no $a in the audit log"
done
{ grep -qE 's3cr3t' "$WORK/audit.jsonl" || kv_db_grep 's3cr3t'; } && bad "a token was written down" || ok "no token in the audit log or the database"
expect_exit 0 "audit verify" -- "$K" audit verify
finish
