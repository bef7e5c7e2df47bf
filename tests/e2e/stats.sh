#!/usr/bin/env bash
# The reach figures in the yearly evaluation (`kanalvakt stats`): what the
# platforms gave for the account's own posts in what was captured (Graph
# reactions, comments, shares and insights; Mastodon favourites, replies and
# reblogs), summed per account and period, null where no post gave a figure,
# the newest capture winning, re-import of the same figures changing
# nothing; as JSON, CSV and over the API's view.
source "$(dirname "$0")/lib.bash"
F="${KV_SOURCE_DIR:?}/tests/fixtures/stats"
DB="$KANALVAKT_DATA/kanalvakt.db"

"$K" init --org "Exempelby kommun" >/dev/null
"$K" unit add --name Kommunikation >/dev/null
"$K" account add --platform facebook --handle exempelby --unit Kommunikation --platform-id 104857392011234 >/dev/null
"$K" account add --platform mastodon --handle exempelby --url https://social.exempelby.se/@exempelby \
	--unit Kommunikation --platform-id 109100000000000001 >/dev/null

expect_exit 0 "graph page with figures" -- "$K" import --no-screen "$F/graph_feed_reach.json"
expect_exit 0 "mastodon statuses with counts" -- "$K" import --account mastodon/exempelby --format mastodon --no-screen "$F/mastodon_statuses_reach.json"
[[ $(sqlite3 "$DB" "SELECT COUNT(*) FROM item_reach") == 4 ]] && ok "figures kept for the four own posts that give them" ||
	bad "item_reach: $(sqlite3 "$DB" 'SELECT * FROM item_reach')"
[[ $(sqlite3 "$DB" "SELECT COUNT(*) FROM item_reach r JOIN item i ON i.id = r.item_id WHERE i.direction <> 'upprattad' OR i.kind <> 'post'") == 0 ]] &&
	ok "no figures for comments" || bad "figures for a comment"

expect_exit 0 "stats --json" -- "$K" --json stats --from 2026-05-01 --to 2026-05-31
cp "$WORK/out" "$WORK/stats.json"
jq -e '(.accounts[] | select(.account == "facebook/exempelby") | .reach) as $f
	| $f.posts_with_figures == 2 and $f.reactions == 49 and $f.shares == 15 and $f.comments == 3
	and $f.reach == 812 and $f.impressions == 1290 and $f.views == null' "$WORK/stats.json" >/dev/null &&
	ok "Facebook: reactions, shares, comments and insights summed; views null (not given)" ||
	bad "facebook reach: $(jq -c '.accounts[] | .reach' "$WORK/stats.json")"
jq -e '(.accounts[] | select(.account == "mastodon/exempelby") | .reach) as $m
	| $m.posts_with_figures == 2 and $m.reactions == 35 and $m.comments == 2 and $m.shares == 9
	and $m.reach == null and $m.impressions == null' "$WORK/stats.json" >/dev/null &&
	ok "Mastodon: favourites, replies and reblogs" || bad "mastodon reach: $(jq -c '.accounts[] | .reach' "$WORK/stats.json")"
jq -e '.total.reach.posts_with_figures == 4 and .total.reach.reactions == 84 and .total.reach.shares == 24
	and .total.reach.reach == 812 and (.total.reach.as_of | type) == "string"' "$WORK/stats.json" >/dev/null &&
	ok "the total adds the accounts up" || bad "total reach: $(jq -c '.total.reach' "$WORK/stats.json")"
expect_exit 0 "stats outside the posts' period" -- "$K" --json stats --from 2026-06-01 --to 2026-06-30
jq -e '.total.reach.posts_with_figures == 0 and .total.reach.reactions == null and .total.reach.as_of == null' "$WORK/out" >/dev/null &&
	ok "a period without posts has no figures (null, not 0)" || bad "empty period: $(jq -c '.total.reach' "$WORK/out")"

# The same figures again change nothing; new figures replace the old.
before=$(sqlite3 "$DB" "SELECT * FROM item_reach ORDER BY item_id")
expect_exit 0 "the same statuses again" -- "$K" import --account mastodon/exempelby --format mastodon --no-screen "$F/mastodon_statuses_reach.json"
[[ $(sqlite3 "$DB" "SELECT * FROM item_reach ORDER BY item_id") == "$before" ]] && ok "re-import of the same figures changes nothing" ||
	bad "re-import changed item_reach"
expect_exit 0 "the statuses captured later" -- "$K" import --account mastodon/exempelby --format mastodon --no-screen "$F/mastodon_statuses_reach_later.json"
expect_exit 0 "stats for mastodon" -- "$K" --json stats --account mastodon/exempelby --from 2026-05-01 --to 2026-05-31
jq -e '.accounts[0].reach | .reactions == 51 and .comments == 4 and .shares == 12' "$WORK/out" >/dev/null &&
	ok "the newest capture's figures count" || bad "later: $(jq -c '.accounts[0].reach' "$WORK/out")"

expect_exit 0 "stats --csv" -- "$K" stats --from 2026-05-01 --to 2026-05-31 --csv
head -1 "$WORK/out" | grep -q ',posts_with_figures,reactions,comments_on_posts,shares,views,impressions,reach$' &&
	ok "the CSV has the reach columns" || bad "csv header: $(head -1 "$WORK/out")"
grep -qF ',2,49,3,15,"",1290,812' "$WORK/out" && ok "the CSV row gives the figures, empty where not given" ||
	bad "csv: $(cat "$WORK/out")"
"$K" audit verify >/dev/null && ok "audit verify" || bad "audit verify"
finish
