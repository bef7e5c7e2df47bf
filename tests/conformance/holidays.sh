#!/usr/bin/env bash
# Conformance of the calendar with two independent holiday calendars kept in
# $KV_SHARED_DATA/holidays: the date-holidays fixtures (2015-2029, Swedish
# names) and the python-holidays snapshot (1953-2050, English names mapped back
# to Swedish with its own translation file). Every year they cover; public
# holidays by date and name, and the three de facto days off by date.
set -euo pipefail

data=${KV_SHARED_DATA:-}/holidays
if [[ -z "${KV_SHARED_DATA:-}" || ! -d "$data" ]]; then
	echo "holidays: no samples at '$data', skipped"
	exit 77
fi
bin=${KANALVAKT_BIN:?KANALVAKT_BIN must name the kanalvakt program}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
sources=0

# Our calendar for the years first..last as sorted "date kind name" lines;
# names in lower case (the sources capitalise some first letters, the law
# does not), and de facto days by date only.
ours() {
	local year
	for ((year = $1; year <= $2; year++)); do
		"$bin" --json calendar holidays "$year"
	done | jq -r 'if .kind == "public" then "\(.date) public \(.name | ascii_downcase)"
		else "\(.date) de_facto" end' | sort
}

compare() { # label, file with the expected lines, file with ours
	if ! diff "$2" "$3" >"$tmp/diff"; then
		echo "MISMATCH with $1 (< theirs, > ours):"
		sed 's/^/    /' "$tmp/diff"
		fail=1
	fi
}

dh="$data/date_holidays/fixtures"
if compgen -G "$dh/SE-*.json" >/dev/null; then
	years=$(for f in "$dh"/SE-*.json; do basename "$f" .json; done | sed 's/^SE-//' | sort -n)
	jq -r '.[] | if .type == "public" then "\(.date[0:10]) public \(.name | ascii_downcase)"
		elif .type == "bank" then "\(.date[0:10]) de_facto" else empty end' \
		"$dh"/SE-*.json | sort >"$tmp/dh.want"
	ours "$(head -1 <<<"$years")" "$(tail -1 <<<"$years")" >"$tmp/dh.ours"
	[[ $(wc -l <<<"$years") -eq $(($(tail -1 <<<"$years") - $(head -1 <<<"$years") + 1)) ]] ||
		{ echo "date-holidays: the fixture years are not consecutive"; fail=1; }
	compare "date-holidays $(head -1 <<<"$years")-$(tail -1 <<<"$years")" "$tmp/dh.want" "$tmp/dh.ours"
	sources=$((sources + 1))
fi

snap="$data/python_holidays/SE_COMMON.json"
po="$data/python_holidays/holidays/locale/en_US/LC_MESSAGES/SE.po"
if [[ -f "$snap" && -f "$po" ]]; then
	# English name -> Swedish name, from the msgid/msgstr pairs of the .po file.
	awk '
		/^msgid "/  { id = substr($0, 8, length($0) - 8) }
		/^msgstr "/ { s = substr($0, 9, length($0) - 9); if (id != "" && s != "") print s "\t" id }
	' "$po" | jq -R -s 'split("\n") | map(select(length > 0) | split("\t") | {(.[0]): .[1]}) | add' \
		>"$tmp/names.json"
	# The public holidays under the law and its predecessors since 1953.
	public='["Nyårsdagen","Trettondedag jul","Marie bebådelsedag","Långfredagen","Påskdagen",
		"Annandag påsk","Första maj","Kristi himmelsfärdsdag","Nationaldagen","Pingstdagen",
		"Annandag pingst","Midsommardagen","Alla helgons dag","Juldagen","Annandag jul"]'
	defacto='["Midsommarafton","Julafton","Nyårsafton"]'
	jq -r --slurpfile names "$tmp/names.json" --argjson public "$public" --argjson defacto "$defacto" '
		to_entries[] | .key as $d | .value | split("; ")[] | ($names[0][.] // "") as $sv |
		if ($public | index([$sv])) then "\($d) public \($sv | ascii_downcase)"
		elif ($defacto | index([$sv])) then "\($d) de_facto"
		else empty end' "$snap" | sort >"$tmp/py.want"
	first=$(jq -r 'keys | min | .[0:4]' "$snap")
	last=$(jq -r 'keys | max | .[0:4]' "$snap")
	ours "$first" "$last" >"$tmp/py.ours"
	compare "python-holidays $first-$last" "$tmp/py.want" "$tmp/py.ours"
	sources=$((sources + 1))
fi

if [[ $sources -eq 0 ]]; then
	echo "holidays: no sample files found under $data, skipped"
	exit 77
fi
[[ $fail -eq 0 ]] && echo "holidays: $sources sources agree, every year they cover ($(cat "$tmp"/*.want | wc -l) days)"
exit $fail
