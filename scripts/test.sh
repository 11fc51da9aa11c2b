#!/usr/bin/env bash
# The whole test suite, from a fresh clone: system packages, npm packages, type check, lint,
# unit tests, integration tests on real servers, and browser tests against the production build.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
mkdir -p .test-output
rm -f .test-output/*.json

bash scripts/ensure-system-packages.sh
if [ ! -x node_modules/.bin/next ]; then npm ci; fi

step() { printf '\n=== %s ===\n' "$*"; }

status=0
run() {
  # Keep going after a failing step, so one run shows every problem; fail at the end.
  "$@" || status=1
}

step "type check"; run npm run --silent typecheck
step "lint"; run npm run --silent lint
step "unit tests"; run npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=.test-output/unit.json
step "integration tests (Postgres, PGlite, Dovecot, Postfix)"; run npx vitest run --project integration --reporter=default --reporter=json --outputFile.json=.test-output/integration.json
step "production build"; run npx next build
step "browser tests (Chromium)"; run npx vitest run --project browser --reporter=default --reporter=json --outputFile.json=.test-output/browser.json

step "summary"
node scripts/test-summary.mjs .test-output/unit.json .test-output/integration.json .test-output/browser.json || status=1
exit $status
