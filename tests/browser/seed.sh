#!/usr/bin/env bash
# Seeds a data directory for the browser test through the CLI only: the
# organisation, a unit, people, one Facebook account, the users who log in
# (a redaktör, two moderators, an administrator, an arkivarie), four eyes on, two standard
# texts (one for every account, one for the Facebook account), and the
# captured items of tests/fixtures/web/day.jsonl. KANALVAKT_NOW (set by the
# caller) pins the clock so that one question is overdue.
# Usage: seed.sh KANALVAKT_BINARY DATA_DIR SOURCE_DIR
set -euo pipefail
K=$1
export KANALVAKT_DATA=$2
SRC=$3
export KANALVAKT_USER=seed
PASSWORD=${KV_TEST_PASSWORD:-Sommar-i-Testvik-2026}
k() { "$K" "$@" >/dev/null; }

k init --org "Testviks kommun"
k unit add --name "Kommunikationsenheten"
k unit add --name "Samhällsbyggnadsförvaltningen"
k person add --name "Eva Ek" --email eva.ek@testvik.se --title Kommunikatör --unit Kommunikationsenheten
k person add --name "Mona Moberg" --email mona.moberg@testvik.se --title Moderator --unit Kommunikationsenheten
k person add --name "Maja Sund" --email maja.sund@testvik.se --title Webbredaktör --unit Kommunikationsenheten
k person add --name "Ali Holm" --email ali.holm@testvik.se --title Kommunikationschef --unit Kommunikationsenheten
k person add --name "Rut Arkiv" --email rut.arkiv@testvik.se --title Arkivarie --unit Kommunikationsenheten
k account add --platform facebook --handle testvikskommun --name "Testviks kommun" \
	--platform-id 314159265358979 --unit Kommunikationsenheten \
	--url https://www.facebook.com/testvikskommun \
	--purpose "Informera invånarna och föra dialog" --audience "Invånare i Testvik" \
	--responsible ali.holm@testvik.se --deputy eva.ek@testvik.se \
	--admin ali.holm@testvik.se --admin eva.ek@testvik.se --posts-per-week 3 \
	--goal "Snabba svar till invånarna" --decided-by ali.holm@testvik.se --decided-on 2026-01-15 \
	--decision-ref "KS 2026/0007" --house-rules "Vi tar bort hot, personangrepp och reklam."
for key in syfte mal budskap malgrupp kanal kontotyp avtal funktion_och_teknik resurser \
	bevakning avsandare risker diarieforing_gallring_arkivering kriskommunikation \
	marknadsforing informationskrav; do
	k account checklist testvikskommun "$key" "Besvarat i beslutet KS 2026/0007"
done
k account activate testvikskommun
k policy set four_eyes on
printf '%s\n' "Tack för din fråga! Biblioteket har öppet måndag till fredag klockan 10–19 och lördag klockan 11–15." |
	k answer text add --title "Bibliotekets öppettider"
printf '%s\n' "Tack för att du hör av dig! Vi har skickat din fråga vidare till rätt förvaltning, som återkommer till dig." |
	k answer text add --title "Skickat vidare" --account testvikskommun

user() {
	local name=$1 person=$2 role=$3
	printf '%s\n%s\n' "$PASSWORD" "$PASSWORD" | "$K" user add "$name" --person "$person" --role "$role" >/dev/null
}
user eva eva.ek@testvik.se editor
user mona mona.moberg@testvik.se moderator
user maja maja.sund@testvik.se moderator
user ali ali.holm@testvik.se admin
user rut rut.arkiv@testvik.se archivist

k import --account testvikskommun "$SRC/tests/fixtures/web/day.jsonl"
# The app secret goes into the vault (a secret in plain text is refused),
# its passphrase in a key file that serve reads.
(umask 077 && printf 'browser-vault-passphrase\n' >"$KANALVAKT_DATA/vault.key")
printf '[meta]\napp_secret = browser-test-secret\n[vault]\nkey_file = %s/vault.key\nmem_limit_mib = 8\n' \
	"$(cd "$KANALVAKT_DATA" && pwd)" >"$KANALVAKT_DATA/kanalvakt.conf"
k vault adopt --account testvikskommun

# People's data and publishing: a guardian's consent used by the account's
# own post, one that has expired, two GDPR requests (one overdue), a draft,
# a policy document due for review within the pinned clock's 60 days, and a
# shared login that only one person may use.
printf '%%PDF-1.4\n%% Samtycke till bild och film, underskrivet av Karin Ström\n' >"$KANALVAKT_DATA/samtycke.pdf"
k consent add --person-name "Alva Ström" --birth-date 2014-05-02 --guardian "Karin Ström" \
	--scope testvikskommun --from 2026-09-01 --to 2027-08-31 --document "$KANALVAKT_DATA/samtycke.pdf"
k consent link 1 --item 314159265358979_2001
k consent add --person-name "Leo Nord" --scope testvikskommun --from 2025-01-01 --to 2025-12-31 \
	--document "$KANALVAKT_DATA/samtycke.pdf"
k gdpr request add --kind access --name "Olof Berg" --received 2026-10-15
k gdpr request add --kind erasure --email kim.berg@example.se --received 2026-11-18 --note "Inkom via e-post"
printf '%s\n' "Välkommen till julmarknaden på torget lördag 12 december klockan 11–16! / Eva, kommunikatör" |
	k draft add --account testvikskommun --text -
k policydoc add --title "Riktlinjer för sociala medier" --adopted 2024-12-15 --by Kommunstyrelsen \
	--review-every 2y --responsible ali.holm@testvik.se
printf '%s\n' "inloggning-för-testvik" | k vault add testvikskommun --kind password --label "Meta Business"
k vault grant 2 --person ali.holm@testvik.se

# The archive: the standard retention plan, a culling run as of 1 November
# (before anything captured, so it removes nothing the other screens use),
# a periodic snapshot, a disclosure, an e-archive package, and a culling on
# the platform recorded by hand (proposed: four eyes are on).
k retention load "$SRC/rules/records/standardplan.txt"
k cull --as-of 2026-11-01
k snapshot --account testvikskommun --out "$KANALVAKT_DATA/snapshots"
k disclose --account testvikskommun --from 2026-11-16 --to 2026-11-19 --out "$KANALVAKT_DATA/utlamnande-1" \
	--ref "KS 2026/0412" --requester "Lokaltidningen"
k archive sip --account testvikskommun --from 2026-11-01 --to 2026-11-19 --out "$KANALVAKT_DATA/sip-2026-11"
k policy set platform_keep_months 18 --account testvikskommun
k cull --platform --account testvikskommun --by-hand
