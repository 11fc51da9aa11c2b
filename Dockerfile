# syntax=docker/dockerfile:1
# CRM Inbox as one container: the standalone Next.js server, which applies the database migrations
# and then starts (scripts/start-standalone.sh). See "Running in a container" in README.md.
#
#   docker build -t crm-inbox .
#   docker run --env-file .env -p 3000:3000 crm-inbox            # migrate, then serve
#   docker run --env-file .env crm-inbox migrate                 # only migrate (a one-shot release step)

ARG NODE_IMAGE=node:20-bookworm-slim

# --- 1. dependencies: cached until package.json or the lock file change -------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# All dependencies: the build needs the dev ones (Tailwind, esbuild). The runner gets only what the
# standalone output traced.
RUN npm ci --no-audit --no-fund

# --- 2. build: `next build`, then the standalone directory completed as the tests run it ----------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npx next build && bash scripts/start-standalone.sh assemble

# --- 3. runner: Node and the standalone directory, nothing else -------------------------------
FROM ${NODE_IMAGE} AS runner
WORKDIR /app
# HOSTNAME: Docker sets it to the container id, and the server listens on whatever it names.
# DATA_DIR: only used with the embedded database (ALLOW_EMBEDDED_DATABASE_IN_PRODUCTION=true);
# mount a volume there.
# NEXT_MANUAL_SIG_HANDLE: Next leaves SIGTERM to the app, which starts no new import batch, lets the
# running one commit, then exits (instrumentation.ts).
ENV NODE_ENV=production \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    NEXT_TELEMETRY_DISABLED=1 \
    NEXT_MANUAL_SIG_HANDLE=1 \
    DATA_DIR=/data

# The code stays owned by root, so the app cannot rewrite itself; it may write only its caches
# and the data directory.
COPY --from=build /app/.next/standalone ./
RUN mkdir -p /data /app/.next/cache && chown node:node /data /app/.next/cache
USER node

EXPOSE 3000
# Slim images have no curl; Node's fetch does the same. /api/health answers 503 while the database
# is unreachable, which marks the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]

# Exec form, and the script exec's node: the server is the process `docker stop` signals (SIGTERM).
ENTRYPOINT ["/app/scripts/start-standalone.sh"]
CMD ["start"]
