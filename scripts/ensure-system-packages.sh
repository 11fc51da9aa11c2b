#!/usr/bin/env bash
# Installs the Debian packages the test suite and `npm run mail:dev` need, only when missing,
# so a fresh machine (Node.js + npm only) can run everything and a prepared one pays nothing.
set -euo pipefail

declare -A wanted=(
  [postgres]="/usr/lib/postgresql/*/bin/postgres"
  [chromium]="/usr/bin/chromium"
  [dovecot-imapd]="/usr/sbin/dovecot"
  [dovecot-lmtpd]="/usr/lib/dovecot/lmtp"
  [postfix]="/usr/sbin/postfix"
  [openssl]="/usr/bin/openssl"
  [isync]="/usr/bin/mbsync"
)

missing=()
for pkg in "${!wanted[@]}"; do
  # shellcheck disable=SC2086
  if ! compgen -G ${wanted[$pkg]} >/dev/null; then
    case "$pkg" in
      postgres) missing+=(postgresql) ;;
      *) missing+=("$pkg") ;;
    esac
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Postfix asks a question on install; answer it so the package installs without a main.cf we do not use.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian packages enable their system-wide services; our tests run private instances instead.
for svc in postgresql dovecot postfix; do
  (service "$svc" stop >/dev/null 2>&1 || true)
done
