#!/usr/bin/env python3
"""House rules for error handling that the compiler does not check:
- a function that jumps to a cleanup label leaves through it alone: once it
  has used `goto`, it returns only after its last label (one exit);
- `rc` always names the int return code, never a context or a count.
Usage: check_idiom.py SOURCE_ROOT"""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else '.')


def strip(text):
    """Blanks comments and string/char literals, keeping line breaks."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text[i] in '"\'':
            q, j = text[i], i + 1
            while j < n and text[j] != q:
                j += 2 if text[j] == '\\' else 1
            out.append(q + ' ' * (j - i - 1) + q)
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


def functions(text):
    """(name, line, body) of each function definition at top level."""
    for m in re.finditer(r'^[A-Za-z_][^\n;{}]*?\b(\w+)\s*\([^;{}]*\)\s*\{', text, re.M):
        start = m.end() - 1
        depth, i = 0, start
        while i < len(text):
            if text[i] == '{':
                depth += 1
            elif text[i] == '}':
                depth -= 1
                if depth == 0:
                    break
            i += 1
        yield m.group(1), text.count('\n', 0, m.start()) + 1, text[start:i + 1]


bad = 0
for path in sorted(root.glob('src/**/*.c')):
    text = strip(path.read_text())
    rel = path.relative_to(root)
    for name, line, body in functions(text):
        labels = [m.start() for m in re.finditer(r'^\s*\w+:\s*$', body, re.M)
                  if not re.match(r'^\s*default:', body[m.start():], re.M)]
        first_goto = body.find('goto ')
        if labels and first_goto >= 0:
            last = labels[-1]
            for r in re.finditer(r'\breturn\b', body[first_goto:last]):
                ln = line + body.count('\n', 0, first_goto + r.start())
                print(f'{rel}:{ln}: {name} returns before its cleanup label (one exit after a goto)')
                bad = 1
        for d in re.finditer(r'\b(struct\s+\w+|int64_t|size_t|char|double|json_t|unsigned|long)\s*\**\s*\brc\b\s*[;=,)\[]', body):
            ln = line + body.count('\n', 0, d.start())
            print(f'{rel}:{ln}: {name}: rc is the int return code, not a {d.group(1)}')
            bad = 1
if not bad:
    print('idiom: one exit after a goto, rc is always the return code')
sys.exit(bad)
