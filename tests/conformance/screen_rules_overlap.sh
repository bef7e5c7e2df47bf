#!/usr/bin/env bash
# Guard against fitting the development data: no rule file (rules/*/*.rules,
# screen.conf, compound.guard) may contain four or more consecutive words of
# a sentence of the RTP-LX Swedish development half. Words are runs of
# letters and digits, case folded; each line of a rule file is checked on
# its own. Skipped (77) when the development file is not on this machine.
set -euo pipefail
src=${KV_SOURCE_DIR:?KV_SOURCE_DIR must name the source tree}
dev=""
for d in "${KV_SHARED_DATA:-}" /work/shared/data; do
	f=$d/hate_speech/rtp_lx/RTP_LX_SV.dev.jsonl
	if [[ -n $d && -r $f ]]; then
		dev=$f
		break
	fi
done
[[ -n $dev ]] || { echo "skip: RTP_LX_SV.dev.jsonl not found"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 missing"; exit 77; }

python3 - "$dev" "$src"/rules/*/*.rules "$src"/rules/*/screen.conf "$src"/rules/*/compound.guard <<'PY'
import json, re, sys

N = 4
word = re.compile(r"[^\W_]+", re.UNICODE)

def words(s):
    return [w.casefold() for w in word.findall(s)]

grams = set()
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        doc = json.loads(line)
        for key in ("Prompt", "Completion", "text"):
            ws = words(doc.get(key) or "")
            for i in range(len(ws) - N + 1):
                grams.add(tuple(ws[i:i + N]))
if not grams:
    print("FAIL: no sentences read from the development file")
    sys.exit(1)

bad = 0
for path in sys.argv[2:]:
    try:
        text = open(path, encoding="utf-8").read()
    except FileNotFoundError:
        continue
    for n, line in enumerate(text.split("\n"), 1):
        ws = words(line)
        for i in range(len(ws) - N + 1):
            if tuple(ws[i:i + N]) in grams:
                print(f"FAIL: {path}:{n}: '{' '.join(ws[i:i + N])}' is from a development sentence")
                bad += 1
                break
if bad:
    sys.exit(1)
print(f"ok: no rule line shares {N} consecutive words with the {len(grams)} {N}-grams of the development sentences")
PY
