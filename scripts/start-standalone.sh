#!/usr/bin/env bash
# The standalone server (next.config.ts: output 'standalone'): how it is put together after a build,
# and how it starts. The container image and the browser tests both go through this script, so the
# tests prove the very layout the image ships.
#
#   scripts/start-standalone.sh assemble  In the repository, after `next build`: completes
#                                         .next/standalone into a directory that runs on its own.
#   scripts/start-standalone.sh [start]   Applies the migrations, then replaces itself with the server.
#   scripts/start-standalone.sh migrate   Applies the migrations only (a one-shot release step).
#   scripts/start-standalone.sh serve     Starts the server without migrating.
#   scripts/start-standalone.sh CMD …     Runs CMD (so `docker run IMAGE sh` still works).
#
# It runs from the repository (script in scripts/, server in .next/standalone/) or from inside the
# assembled directory (the container: /app/server.js, /app/scripts/start-standalone.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
marker_name=.assembled-build-id

fail() {
  echo "start-standalone: $*" >&2
  exit 1
}

# Everything `next build` leaves out of .next/standalone, by design, is added here.
assemble() {
  local standalone="$root/.next/standalone"
  [ -f "$root/.next/BUILD_ID" ] || fail "no build in $root/.next: run 'npx next build' first"
  [ -f "$standalone/server.js" ] || fail "no $standalone/server.js: the build predates output: 'standalone' in next.config.ts; run 'npx next build' again"
  local build_id
  build_id="$(cat "$root/.next/BUILD_ID")"
  # A build replaces .next/standalone as a whole, so a matching marker means this build is complete.
  # Skipping then also keeps a second test run from pulling files from under a server that is running.
  if [ "$(cat "$standalone/$marker_name" 2>/dev/null || true)" = "$build_id" ]; then return; fi

  # The server serves these itself when they sit next to it (a CDN would otherwise).
  rm -rf "$standalone/.next/static" "$standalone/public"
  cp -R "$root/.next/static" "$standalone/.next/static"
  if [ -d "$root/public" ]; then cp -R "$root/public" "$standalone/public"; fi

  # db/client.ts reads the migrations from <cwd>/db/migrations; server.js makes its own directory the cwd.
  # next.config.ts has the file tracer copy them; a missing folder would only show when a database is opened.
  [ -f "$standalone/db/migrations/meta/_journal.json" ] ||
    fail "db/migrations is missing from the standalone output (outputFileTracingIncludes in next.config.ts)"

  # The migration command as one plain-Node file: the standalone output has neither tsx nor drizzle-orm's
  # migrator on disk (the app bundles what it uses). PGlite stays external because its WASM files are
  # loaded from its package directory, which the standalone node_modules has.
  local esbuild="$root/node_modules/.bin/esbuild"
  [ -x "$esbuild" ] || fail "esbuild is not installed (it comes with the dev dependencies): run 'npm ci'"
  "$esbuild" "$root/db/migrate-cli.ts" --bundle --platform=node --format=cjs --target=node20 \
    --external:@electric-sql/pglite --tsconfig="$root/tsconfig.json" \
    --outfile="$standalone/db/migrate.cjs" --log-level=warning

  mkdir -p "$standalone/scripts"
  cp "$root/scripts/start-standalone.sh" "$standalone/scripts/start-standalone.sh"
  cp "$root/scripts/peer-address.mjs" "$standalone/scripts/peer-address.mjs"
  chmod +x "$standalone/scripts/start-standalone.sh"
  printf '%s' "$build_id" >"$standalone/$marker_name"
}

# The directory holding server.js, assembled; from the repository it is assembled first when needed.
app_dir() {
  if [ -f "$root/server.js" ]; then
    echo "$root"
  elif [ -f "$root/.next/standalone/server.js" ]; then
    assemble >&2
    echo "$root/.next/standalone"
  else
    fail "no standalone server next to $root: run 'npx next build' first"
  fi
}

# server.js makes its own directory the working directory. From the repository, a relative DATA_DIR
# (the default .data included) must still mean the repository's, as with `npm start`, and not a
# directory inside .next/standalone that the next build deletes.
if [ ! -f "$root/server.js" ] && [[ "${DATA_DIR:-.data}" != /* ]]; then
  export DATA_DIR="$root/${DATA_DIR:-.data}"
fi

# server.js forces NODE_ENV=production; the migration must judge the environment by the same rules.
export NODE_ENV=production

migrate() {
  local app="$1"
  # The migrations folder is found relative to the working directory, as in the server.
  (cd "$app" && node db/migrate.cjs)
}

serve() {
  local app="$1"
  cd "$app"
  # exec: node becomes this process, so SIGTERM from `docker stop` (or a test) reaches the server.
  # peer-address.mjs hands the app the connection's own address (lib/http/client-address.ts).
  # --max-semi-space-size=8: V8's young generation may otherwise take 3 × 16 MB; an import's parsing
  # makes short-lived garbage fast, and the smaller nursery keeps the server's RSS down while it imports
  # (docs/benchmarks.md) at a little more GC time.
  exec node --max-semi-space-size=8 --import ./scripts/peer-address.mjs server.js
}

command="${1:-start}"
case "$command" in
  assemble)
    [ -f "$root/server.js" ] && fail "already an assembled standalone directory: nothing to assemble"
    assemble
    ;;
  start)
    app="$(app_dir)"
    migrate "$app"
    serve "$app"
    ;;
  migrate)
    migrate "$(app_dir)"
    ;;
  serve)
    serve "$(app_dir)"
    ;;
  *)
    exec "$@"
    ;;
esac
