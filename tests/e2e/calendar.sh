#!/usr/bin/env bash
# The calendar CLI end to end: holidays of a year as text and JSON Lines,
# deadlines by each rule and option, and bad input refused with exit status 2
# and a message naming the option.
set -euo pipefail
bin=${KANALVAKT_BIN:?KANALVAKT_BIN must name the kanalvakt program}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset KANALVAKT_NOW

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect WANT ARGS...: the command succeeds and prints exactly WANT.
expect() {
	local want=$1 got rc=0
	shift
	got=$("$bin" "$@" 2>"$tmp/err") || rc=$?
	[[ $rc -eq 0 ]] || fail "kanalvakt $*: exit $rc: $(cat "$tmp/err")"
	[[ "$got" == "$want" ]] || fail "kanalvakt $*: got '$got', want '$want'"
}

# refuse NEEDLE ARGS...: exit status 2, nothing on stdout, NEEDLE on stderr.
refuse() {
	local needle=$1 rc=0
	shift
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[[ $rc -eq 2 ]] || fail "kanalvakt $*: exit $rc, want 2"
	[[ ! -s "$tmp/out" ]] || fail "kanalvakt $*: printed '$(cat "$tmp/out")' on stdout"
	grep -qF -- "$needle" "$tmp/err" || fail "kanalvakt $*: stderr lacks '$needle': $(cat "$tmp/err")"
}

# Holidays, text.
"$bin" calendar holidays 2026 >"$tmp/h.txt"
[[ $(wc -l <"$tmp/h.txt") -eq 16 ]] || fail "2026 should list 16 days: $(cat "$tmp/h.txt")"
grep -qx '2026-04-03  fre  public    långfredagen' "$tmp/h.txt" || fail "no långfredagen line"
grep -qx '2026-06-19  fre  de_facto  midsommarafton' "$tmp/h.txt" || fail "no midsommarafton line"

# Holidays, JSON Lines: one object per line with date, name, kind.
"$bin" --json calendar holidays 2026 >"$tmp/h.json"
[[ $(wc -l <"$tmp/h.json") -eq 16 ]] || fail "JSON: 16 lines expected"
jq -e -s 'all(.[]; (.date | test("^2026-[0-9]{2}-[0-9]{2}$")) and (.name | length > 0)
	and (.kind == "public" or .kind == "de_facto"))' "$tmp/h.json" >/dev/null || fail "JSON shape"
[[ $(jq -s 'map(select(.kind == "public")) | length' "$tmp/h.json") -eq 13 ]] || fail "13 public"
[[ $(jq -r 'select(.date == "2026-05-14") | .name' "$tmp/h.json") == "Kristi himmelsfärdsdag" ]] ||
	fail "Kristi himmelsfärdsdag 2026-05-14"

# The requirement's case: Thursday 16:30 before Easter, one working day.
expect 2026-04-07T16:30:00+02:00 calendar due --from 2026-04-02T16:30:00+02:00 --working-days 1
expect 2026-04-07T16:30:00+02:00 calendar due --from 2026-04-02T14:30:00Z --working-days=1
expect 2026-04-07T16:30:00+02:00 calendar due --from 2026-04-02T16:30 --working-days 1
expect '{"from":"2026-04-02T16:30:00+02:00","due":"2026-04-07T16:30:00+02:00","rule":"working-days","amount":1}' \
	--json calendar due --from 2026-04-02T16:30+02:00 --working-days 1

# Outside working time, working hours, weekday hours, calendar hours.
expect 2026-04-21T08:00:00+02:00 calendar due --from 2026-04-17T17:00 --working-days 1
expect 2026-04-20T08:30:00+02:00 calendar due --from 2026-04-17T16:30 --working-hours 1
expect 2026-04-08T16:30:00+02:00 calendar due --from 2026-04-02T16:30 --weekday-hours 48
expect 2026-03-29T13:00:00+02:00 calendar due --from 2026-03-28T12:00 --hours 24
expect 2026-10-26T09:00:00+01:00 calendar due --from 2026-10-23T09:00 --working-days 1

# Configuration options.
expect 2026-06-19T10:00:00+02:00 calendar due --from 2026-06-18T10:00 --working-days 1 --de-facto none
expect 2026-06-22T10:00:00+02:00 calendar due --from 2026-06-18T10:00 --working-days 1 \
	--de-facto julafton,midsommarafton
expect 2026-05-18T09:00:00+02:00 calendar due --from 2026-05-13T09:00 --working-days 1 --closed 2026-05-15
expect 2026-04-24T07:30:00+02:00 calendar due --from 2026-04-22T16:30 --working-days 1 \
	--office-hours 07:30-16:30

# Without --from the current time is used; KANALVAKT_NOW pins it.
got=$(KANALVAKT_NOW=2026-04-02T14:30:00Z "$bin" calendar due --working-days 1)
[[ "$got" == 2026-04-07T16:30:00+02:00 ]] || fail "KANALVAKT_NOW: got '$got'"

# Bad input: exit 2, the option named, nothing printed on stdout.
refuse "YEAR is missing" calendar holidays
refuse "YEAR '1900'" calendar holidays 1900
refuse "YEAR 'abc'" calendar holidays abc
refuse "unexpected argument '2027'" calendar holidays 2026 2027
refuse "unknown option '--bogus'" calendar holidays --bogus 2026
refuse "--from" calendar due --from yesterday --working-days 1
refuse "--from" calendar due --from 2026-02-30T10:00 --working-days 1
refuse "--working-days '-1'" calendar due --from 2026-04-02T16:30 --working-days -1
refuse "--working-days 'abc'" calendar due --from 2026-04-02T16:30 --working-days abc
refuse "--hours '99999999999'" calendar due --from 2026-04-02T16:30 --hours 99999999999
refuse "only one of" calendar due --from 2026-04-02T16:30 --working-days 1 --hours 2
refuse "say how long" calendar due --from 2026-04-02T16:30
refuse "--office-hours" calendar due --working-days 1 --office-hours 17:00-08:00
refuse "--closed '2026-02-30'" calendar due --working-days 1 --closed 2026-02-30
refuse "--de-facto: unknown day 'påsk'" calendar due --working-days 1 --de-facto påsk
refuse "needs a value" calendar due --working-days
refuse "unknown option '--soon'" calendar due --soon
refuse "unexpected argument 'x'" calendar due --working-days 1 x
refuse "unknown verb" calendar soon

echo "calendar: ok"
