#!/usr/bin/env bash
# The idiom check must fail on a function that returns past its cleanup
# label and on an rc that is not the return code, and pass on the idiom.
set -euo pipefail
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/x"
cat >"$tmp/src/x/good.c" <<'C'
int good(int a)
{
	int rc = 0;

	if (a)
		goto out;
	rc = 1;
out:
	return rc;
}
C
python3 "$root/tests/arch/check_idiom.py" "$tmp" >/dev/null
cat >"$tmp/src/x/bad.c" <<'C'
int bad(int a)
{
	int rc = 0;

	if (a)
		goto fail;
	return 0;
fail:
	return rc;
}
C
if python3 "$root/tests/arch/check_idiom.py" "$tmp" >"$tmp/out"; then
	echo "a return before the cleanup label was not found"; exit 1
fi
grep -q "bad returns before its cleanup label" "$tmp/out"
rm "$tmp/src/x/bad.c"
printf 'void f(void)\n{\n\tstruct op_ctx rc;\n\t(void)rc;\n}\n' >"$tmp/src/x/ctx.c"
if python3 "$root/tests/arch/check_idiom.py" "$tmp" >"$tmp/out"; then
	echo "an rc that is not the return code was not found"; exit 1
fi
grep -q "rc is the int return code" "$tmp/out"
echo "idiom selftest: both rules bite"
