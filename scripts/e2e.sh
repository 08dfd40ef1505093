#!/usr/bin/env bash
# End-to-end tests: builds the binary with the storefront embedded, runs it with the demo data on a
# database of its own, and drives Debian's Chromium through playwright-core (storefront/e2e/).
# Expects the environment of scripts/services.sh; installs Chromium on Debian when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "e2e: $*" >&2; }

sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ! -x /usr/bin/chromium ]; then
	command -v apt-get >/dev/null || { say "Chromium is missing and this is not Debian: install it at /usr/bin/chromium"; exit 1; }
	say "installing Chromium (apt-get) ..."
	$sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
fi

# Chinese fonts, so that the screenshots show text rather than boxes (phones have their own).
# (grep without -q: with pipefail, -q's early exit makes fc-list die of SIGPIPE, and the fonts were
# installed again on every run)
if command -v fc-list >/dev/null && ! fc-list 2>/dev/null | grep -i 'CJK' >/dev/null; then
	say "installing fonts-noto-cjk for readable screenshots ..."
	DEBIAN_FRONTEND=noninteractive ${sudo:-} apt-get install -y -qq fonts-noto-cjk >&2 || say "no CJK fonts: screenshots will show boxes"
fi

bin=$(mktemp -d)/pointsmarket
go build -o "$bin" ./cmd/pointsmarket
run_id="e2e$(date +%s)$$"
port=$(( 20000 + RANDOM % 20000 ))
export PM_MYSQL_DSN="${PM_TEST_MYSQL_DSN:-root@tcp(127.0.0.1:3306)/}pm_${run_id}?parseTime=true"
export PM_REDIS_PREFIX="pm:${run_id}" PM_HTTP_ADDR="127.0.0.1:${port}" PM_LOG_LEVEL=warn
export PM_SECRET="e2e-secret-0123456789abcdef0123456789abcdef"
server=""
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
	"$bin" drop-database --yes >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$bin" seed --demo 2>/dev/null
"$bin" serve 2>"${TMPDIR:-/tmp}/${run_id}.log" &
server=$!
for _ in $(seq 1 100); do
	curl -fs "http://${PM_HTTP_ADDR}/readyz" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -fs "http://${PM_HTTP_ADDR}/readyz" >/dev/null || { say "the service did not start:"; cat "${TMPDIR:-/tmp}/${run_id}.log" >&2; exit 1; }
say "service on ${PM_HTTP_ADDR}"
# Arguments name test files to run only those (scripts/e2e.sh storefront/e2e/a11y.test.mjs).
BASE_URL="http://${PM_HTTP_ADDR}" node --test --test-concurrency=1 "${@:-storefront/e2e/}"
