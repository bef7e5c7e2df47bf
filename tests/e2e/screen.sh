#!/usr/bin/env bash
# `kanalvakt screen` end to end: plain text and JSON Lines in, one JSON line
# per item out with the documented keys and byte offsets that point at the
# matched words; bad JSON Lines refused with exit status 2 naming the line;
# a broken rules directory named by file and line; `screen eval` on small
# labelled files of our own (generic and RTP-LX shaped).
set -euo pipefail
bin=${KANALVAKT_BIN:?KANALVAKT_BIN must name the kanalvakt program}
src=${KV_SOURCE_DIR:?KV_SOURCE_DIR must name the source tree}
fix=$src/tests/fixtures/screen
rules=$src/rules/sv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset KANALVAKT_RULES

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# refuse NEEDLE ARGS... (stdin from the caller): exit 2, NEEDLE on stderr.
refuse() {
	local needle=$1 rc=0
	shift
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[[ $rc -eq 2 ]] || fail "kanalvakt $*: exit $rc, want 2 ($(cat "$tmp/err"))"
	grep -qF -- "$needle" "$tmp/err" || fail "kanalvakt $*: stderr lacks '$needle': $(cat "$tmp/err")"
}

# Plain text: one item per line, the id is the line number.
printf '%s\n' "Tack för att ni lagade gatlyktan så snabbt!" \
	"Du är en jävla idiot." \
	"Hur gör jag för att ansöka om bygglov?" >in.txt
"$bin" screen --rules "$rules" in.txt >plain.json
[[ $(wc -l <plain.json) -eq 3 ]] || fail "plain: one output line per input line: $(cat plain.json)"
jq -e -s 'all(.[]; (keys == ["abusive", "flags", "id", "question"]) and (.flags | type == "array")
	and (.question | type == "boolean") and (.abusive | type == "boolean"))' plain.json >/dev/null ||
	fail "plain: keys id, abusive, flags, question"
jq -e -s 'map(.id) == [1, 2, 3]' plain.json >/dev/null || fail "plain: ids are line numbers"
jq -e -s 'all(.[].flags[]; keys == ["category", "end", "match", "reasons", "rule", "score", "start"]
	and .score > 0 and .score <= 1 and .start < .end and (.reasons | type == "array"))' plain.json >/dev/null ||
	fail "plain: every flag has category, score, rule, start, end, match, reasons"
jq -e -s '.[0].flags == [] and .[0].question == false' plain.json >/dev/null ||
	fail "plain: the thank-you line has no flag: $(head -1 plain.json)"
jq -e -s '.[1].abusive and (.[1].flags | map(.category) | index("defamation_insult") != null)' plain.json >/dev/null ||
	fail "plain: the insult is flagged: $(sed -n 2p plain.json)"
jq -e -s '.[2].question == true' plain.json >/dev/null || fail "plain: the question is a question"

# Offsets are bytes of the original line, and match is exactly those bytes.
line2=$(sed -n 2p in.txt)
while IFS=$'\t' read -r start end match; do
	got=$(printf '%s' "$line2" | head -c "$end" | tail -c "$((end - start))")
	[[ "$got" == "$match" ]] || fail "plain: bytes $start..$end are '$got', flag says '$match'"
done < <(jq -r -s '.[1].flags[] | [.start, .end, .match] | @tsv' plain.json)

# Standard input works the same as a file.
"$bin" screen --rules "$rules" - <in.txt >stdin.json
cmp -s plain.json stdin.json || fail "stdin and FILE give different output"

# Lines are read in blocks: a last line without a newline, CRLF endings and
# an empty line are items like any other; lines that cross the reader's
# 1 MiB blocks come out whole, one result per line, in order; a line longer
# than 16 MiB is refused naming its number.
printf 'Tack för hjälpen.\r\n\nDu är en jävla idiot.' >edges.txt
"$bin" screen --rules "$rules" edges.txt >edges.json
jq -e -s 'map(.id) == [1, 2, 3] and (.[1].flags == []) and .[2].abusive' edges.json >/dev/null ||
	fail "edges: CRLF, empty and unterminated lines: $(cat edges.json)"
jq -e -s '.[2].flags | map(select(.match == "idiot")) | length == 1' edges.json >/dev/null ||
	fail "edges: the unterminated line's offsets: $(sed -n 3p edges.json)"
awk 'BEGIN { for (i = 1; i <= 15000; i++)
	print "Rad " i ": Du är en jävla idiot och biblioteket har öppet till klockan åtta i kväll." }' >many.txt
"$bin" screen --rules "$rules" many.txt >many.json
[[ $(wc -l <many.json) -eq 15000 ]] || fail "many: $(wc -l <many.json) results for 15000 lines"
jq -e -s 'map(.id) == [range(1; 15001)] and all(.[]; .abusive
	and (.flags | map(select(.match == "idiot")) | length == 1))' many.json >/dev/null ||
	fail "many: every line across the blocks screened whole"
{
	echo "Tack."
	head -c $((16 * 1024 * 1024 + 10)) /dev/zero | tr '\0' 'a'
	echo
} >long.txt
refuse "long.txt:2: line longer than" screen --rules "$rules" long.txt

# The rules directory from the environment.
KANALVAKT_RULES=$rules "$bin" screen in.txt >env.json
cmp -s plain.json env.json || fail "\$KANALVAKT_RULES is not used"

# JSON Lines: ids are kept as given (string or number), blank lines skipped.
cat >in.jsonl <<'EOF'
{"id": "c1", "text": "Mitt nummer är 070-123 45 67, ring gärna."}

{"id": 42, "text": "Jag ska döda dig"}
{"text": "Ett vanligt tack till kommunen."}
EOF
"$bin" screen --input jsonl --rules "$rules" in.jsonl >jl.json
[[ $(wc -l <jl.json) -eq 3 ]] || fail "jsonl: three items, the blank line skipped: $(cat jl.json)"
jq -e -s 'map(.id) == ["c1", 42, 4]' jl.json >/dev/null ||
	fail "jsonl: ids kept, line number when absent: $(jq -c -s 'map(.id)' jl.json)"
jq -e -s '.[0].flags | any(.category == "contact" and .rule == "detect.phone"
	and .match == "070-123 45 67")' jl.json >/dev/null || fail "jsonl: the phone number is found"
jq -e -s '.[1].flags | any(.category == "threat")' jl.json >/dev/null || fail "jsonl: the threat is found"
# The global --json only means "print JSON": the input stays plain text.
"$bin" --json screen --rules "$rules" in.jsonl >jl2.json
[[ $(wc -l <jl2.json) -eq 4 ]] || fail "--json screen: four plain-text lines: $(cat jl2.json)"
jq -e -s 'map(.id) == [1, 2, 3, 4]' jl2.json >/dev/null || fail "--json screen: ids are line numbers"
refuse "option '--input' takes 'text' or 'jsonl'" screen --input xml in.txt
"$bin" screen --input text --rules "$rules" in.txt >plain2.json
cmp -s plain.json plain2.json || fail "--input text is the default"

# Bad JSON Lines: exit 2 and the line number.
printf '%s\n' '{"id": 1, "text": "hej"}' '{"id": 2, "text": ' >bad1.jsonl
refuse "bad1.jsonl:2:" screen --input jsonl --rules "$rules" bad1.jsonl
printf '%s\n' '{"id": 1, "text": "hej"}' '{"id": 2, "text": "hopp"}' '{"id": 3}' >bad2.jsonl
refuse "bad2.jsonl:3: object has no string \"text\"" screen --input jsonl --rules "$rules" bad2.jsonl
printf '%s\n' '[1, 2]' >bad3.jsonl
refuse "bad3.jsonl:1: not a JSON object" screen --input jsonl --rules "$rules" bad3.jsonl
refuse "unknown option '--nosuch'" screen --nosuch in.txt

# A malformed rule file is named with its line.
mkdir brokenrules
printf '%s\n' "# comment" "ok.one hate 0.5 x*" "bad.two hate" >brokenrules/a.rules
refuse "a.rules:3" screen --rules brokenrules in.txt

# screen eval, generic format: counts follow the labels in the file.
"$bin" screen eval --rules "$rules" "$fix/labelled.jsonl" >eval.txt
grep -q '^items 8, rules [0-9]*, rules version sha256:[0-9a-f]\{64\}$' eval.txt ||
	fail "eval: header: $(head -1 eval.txt)"
want=$(jq -s 'map(select(.labels | any(. == "defamation_insult" or . == "hate" or . == "threat"
	or . == "violence" or . == "sexual" or . == "crime_incitement"))) | length' "$fix/labelled.jsonl")
read -r _ support tp fp fn p r f < <(grep '^any_abusive ' eval.txt)
[[ $support -eq $want ]] || fail "eval: any_abusive support $support, the file has $want"
[[ $((tp + fn)) -eq $support ]] || fail "eval: tp + fn is not the support"
# The fixture is unambiguous: every abusive item is found, nothing else.
[[ $tp -eq $want && $fp -eq 0 && $f == 1.000 ]] || fail "eval: any_abusive row: $(grep '^any_abusive ' eval.txt)"
for cat in question critical contact threat defamation_insult; do
	grep -q "^$cat " eval.txt || fail "eval: no row for $cat: $(cat eval.txt)"
done
read -r _ support tp _ < <(grep '^question ' eval.txt)
[[ $support -eq 1 && $tp -eq 1 ]] || fail "eval: the question row: $(grep '^question ' eval.txt)"

# screen eval, RTP-LX shape: the four rated categories and any abusive.
"$bin" screen eval --rules "$rules" "$fix/rtplx.jsonl" >rtp.txt
for row in any_abusive defamation_insult hate sexual 'threat|violence'; do
	grep -qF "$row " rtp.txt || fail "eval rtp-lx: no row $row: $(cat rtp.txt)"
done
read -r _ support tp fp fn _ < <(grep '^any_abusive ' rtp.txt)
[[ $support -eq 2 && $tp -eq 2 && $fp -eq 0 ]] || fail "eval rtp-lx: $(grep '^any_abusive ' rtp.txt)"

# Quality floors on our own kommun comments (tests/fixtures/screen): each
# category's F1 must stay a little below what the shipped rules reach, so a
# rule change that loses a category is caught. kommun_holdout.jsonl was
# never used to write the rules; its floor is lower (docs/screening.md).
# The decision (decision.weights) weighs a plain insult less than the rules
# alone did, so the insult and any-abusive floors are lower than before.
# floor FILE ROW MIN: the F1 of ROW in `screen eval FILE` is at least MIN.
floor() {
	local file=$1 row=$2 min=$3 f
	"$bin" screen eval --rules "$rules" "$fix/$file" >floor.txt
	f=$(awk -v r="$row" '$1 == r { print $NF }' floor.txt)
	[[ -n $f ]] || fail "eval $file: no row $row: $(cat floor.txt)"
	awk -v f="$f" -v m="$min" 'BEGIN { exit !(f + 0 >= m + 0) }' ||
		fail "eval $file: $row F1 $f below the floor $min"
}
while read -r row min; do
	floor kommun_comments.jsonl "$row" "$min"
done <<'FLOORS'
any_abusive 0.85
defamation_insult 0.60
hate 0.90
threat 0.85
violence 0.80
sexual 0.85
crime_incitement 0.90
personal_id 0.95
contact 0.95
financial 0.95
sensitive 0.85
commercial 0.78
political 0.90
question 0.83
critical 0.55
FLOORS
floor kommun_holdout.jsonl any_abusive 0.65
floor kommun_holdout.jsonl question 0.90
# Clean comments (praise, event talk, animal and fishing senses, quoted
# insults) stay unflagged: precision of the abusive categories.
"$bin" screen eval --rules "$rules" "$fix/kommun_comments.jsonl" >own.txt
read -r _ _ _ fp _ < <(grep '^any_abusive ' own.txt)
[[ $fp -le 3 ]] || fail "eval kommun_comments: $fp clean or non-abusive items flagged abusive"

# Our own friendly comments (tests/fixtures/screen/friendly.txt): under 2 %
# flagged abusive, as `screen eval` prints it.
"$bin" screen eval --rules "$rules" --friendly "$fix/friendly.txt" "$fix/labelled.jsonl" >fr.txt
read -r flagged lines < <(sed -n 's/^friendly comments .*: \([0-9]*\) of \([0-9]*\) flagged abusive.*/\1 \2/p' fr.txt)
[[ -n ${lines:-} && $lines -ge 300 ]] || fail "eval: friendly line missing or short: $(cat fr.txt)"
((flagged * 100 < lines * 2)) || fail "friendly comments: $flagged of $lines flagged abusive (2 % allowed)"

# Nested cross-validation is printed for a file large enough for it.
"$bin" screen eval --rules "$rules" --folds 2 --repeats 1 "$fix/kommun_comments.jsonl" >cv.txt
grep -q '^cross-validated decision (nested 2-fold, 1 shuffles' cv.txt || fail "eval: no cross-validation: $(cat cv.txt)"
grep -Eq '^any_abusive +[0-9]+ +[0-9.]+±[0-9.]+ ' cv.txt || fail "eval: no mean±sd row: $(cat cv.txt)"
"$bin" --json screen eval --rules "$rules" --folds 2 --repeats 1 "$fix/kommun_comments.jsonl" >cv.json
jq -e '.cross_validated | map(.row) == ["any_abusive", "defamation_insult", "hate", "threat|violence", "sexual"]' cv.json >/dev/null ||
	fail "eval --json: cross_validated rows: $(cat cv.json)"
refuse "option '--folds' takes a whole number" screen eval --folds 1 --rules "$rules" "$fix/labelled.jsonl"

# eval refuses a line that is neither format, naming it.
printf '%s\n' '{"text": "hej", "labels": ["hate"]}' '{"foo": 1}' >bad4.jsonl
refuse "bad4.jsonl:2:" screen eval --rules "$rules" bad4.jsonl
printf '%s\n' '{"text": "hej", "labels": ["nosuch"]}' >bad5.jsonl
refuse "bad5.jsonl:1: label 0 is not a category name" screen eval --rules "$rules" bad5.jsonl
refuse "missing FILE" screen eval --rules "$rules"

echo "ok: screen end to end"
