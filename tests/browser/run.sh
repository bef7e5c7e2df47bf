#!/usr/bin/env bash
# The browser test (ctest: browser.day): Playwright drives Debian's chromium
# through web/tests/day.spec.ts against a real `kanalvakt serve`. Skipped
# (77) only when chromium is not installed. Screenshots and axe results go
# to $KV_ARTIFACTS (the build directory's web-artifacts/).
set -euo pipefail
: "${KANALVAKT_BIN:?}" "${KV_SOURCE_DIR:?}" "${KV_ARTIFACTS:?}"
CHROMIUM=${KV_CHROMIUM:-/usr/lib/chromium/chromium}
if [[ ! -x $CHROMIUM ]]; then
	echo "skipped: no chromium at $CHROMIUM (apt-get install chromium)"
	exit 77
fi
WEB=$KV_SOURCE_DIR/web
if [[ ! -f $WEB/dist/index.html || ! -d $WEB/node_modules/@playwright/test ]]; then
	echo "the web UI is not built (web/dist, web/node_modules): run the build first" >&2
	exit 1
fi
rm -rf "$KV_ARTIFACTS"
mkdir -p "$KV_ARTIFACTS"
export KV_CHROMIUM=$CHROMIUM
cd "$WEB"
exec ./node_modules/.bin/playwright test --config playwright.config.ts
