#!/usr/bin/env bash
# The one test command (README "Quick start", step 2; .ci/run calls exactly this).
# Installs what the tests need (apt: PostgreSQL, Postfix's smtp-sink/smtp-source, Chromium; npm: mjml 5.4.1),
# starts the servers on loopback, runs `dotnet test`, and stops the servers again, whatever the outcome.
# Extra arguments go to `dotnet test` (e.g. tests/run.sh --filter FullyQualifiedName~Mjml).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache
mkdir -p "$CACHE"

log() { printf '\033[1m[run.sh]\033[0m %s\n' "$*"; }

# The read-only shared folder (the MJML corpus, the sample bulletin) lives beside the repository, never inside it. A
# clone elsewhere (a clean-checkout check in /tmp) finds it beside the repository it was cloned from.
if [ -z "${NEWSLETTER_SHARED:-}" ]; then
  for candidate in "$ROOT/../shared" "$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null || true)/../shared"; do
    if [ -d "$candidate/mjml-corpus" ]; then
      NEWSLETTER_SHARED=$(cd "$candidate" && pwd)
      export NEWSLETTER_SHARED
      break
    fi
  done
fi
[ -d "${NEWSLETTER_SHARED:-$ROOT/../shared}/mjml-corpus" ] \
  || { echo "the shared folder (mjml-corpus) is not beside the repository: set NEWSLETTER_SHARED to it" >&2; exit 1; }

# --- issue 16: the fast loop and the per-test timeout -------------------------------------------------------------
# tests/run.sh --fast runs only the tests that need nothing but the .NET SDK and the shared folder: no root, no apt or
# npm, no server. A test that needs a server or tool is marked [Requires("postgres" | "postfix" | "chromium" |
# "node-mjml" | "dovecot" | "dkimpy")] (tests/Newsletter.Testing/RequiresAttribute.cs), which gives it the trait
# Requires=servers; a test that needs no server but takes long (fuzzing, the MJML corpus, every test that starts the
# real CLI process) is marked [Slow] (tests/Newsletter.Testing/SlowAttribute.cs), trait Speed=slow. The fast loop
# filters both out. CI runs this script without --fast: every test.
# --blame-hang-timeout is the per-test timeout: a test still running after it is reported with its name and the test
# host is stopped, instead of CI hanging until its job limit.
# The fast loop builds and tests only the five test projects (tests/fast.slnf: not the benchmarks), side by side.
# FastLoopMarkingTests (Cli, Web) fail when a class starts the CLI process without [Slow] or drives Chromium without
# [Requires("chromium")], so the loop stays fast and needs no server as tests are added.
TEST_TIMEOUT=(--blame-hang-timeout "${NEWSLETTER_TEST_TIMEOUT:-15m}" --blame-hang-dump-type none)
if [ "${1:-}" = "--fast" ]; then
  shift
  log "dotnet test (fast: the tests marked [Requires] or [Slow] are left out)"
  exec dotnet test "$ROOT/tests/fast.slnf" -c Release --filter "Requires!=servers&Speed!=slow" "${TEST_TIMEOUT[@]}" \
    --logger "console;verbosity=minimal" "$@"
fi
# --- end issue 16 --------------------------------------------------------------------------------------------------

need_apt=()
command -v /usr/sbin/smtp-sink >/dev/null 2>&1 || need_apt+=(postfix)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
# dkimpy: the independent DKIM verifier of the delivery tests.
/usr/bin/python3 -c 'import dkim' >/dev/null 2>&1 || need_apt+=(python3-dkim)
# issue 20: PyNaCl, with which dkimpy verifies the ed25519-sha256 signatures (RFC 8463).
/usr/bin/python3 -c 'import nacl' >/dev/null 2>&1 || need_apt+=(python3-nacl)
# Chinese fonts, so screenshots of the bulletin and the admin UI show characters instead of boxes.
[ -d /usr/share/fonts/opentype/noto ] || need_apt+=(fonts-noto-cjk)
# issue 17: Dovecot for the return-mailbox (IMAP) tests; each test starts its own with a throwaway config.
command -v /usr/sbin/dovecot >/dev/null 2>&1 || need_apt+=(dovecot-imapd)
# issue 17: Dovecot's POP3 server (Bounces:Protocol=pop3); the end-to-end bounce test also runs a throwaway Postfix
# instance (`master -c <dir>`, its own queue; needs root) from the postfix package above, never the system MTA.
[ -x /usr/lib/dovecot/pop3 ] || need_apt+=(dovecot-pop3d)
if ((${#need_apt[@]})); then
  log "installing ${need_apt[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  # Postfix must not become a running MTA here: we only want its smtp-sink and smtp-source tools.
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# mjml 5.4.1 is the reference for our MJML compiler; cssnano at top level or mjml's minify silently skips CSS.
MJML_DIR=$CACHE/mjml541
if [ ! -f "$MJML_DIR/node_modules/mjml/package.json" ]; then
  log "installing mjml@5.4.1 (npm) into $MJML_DIR"
  mkdir -p "$MJML_DIR"
  (cd "$MJML_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent mjml@5.4.1 cssnano@7.1.9 htmlparser2 >/dev/null)
fi

# A throwaway PostgreSQL cluster on loopback, owned by the postgres user (initdb refuses root).
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_DIR=$(mktemp -d /tmp/newsletter-pg.XXXXXX)
chown postgres:postgres "$PG_DIR" 2>/dev/null || true
PG_PORT=${NEWSLETTER_TEST_PG_PORT:-55432}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  log "stopping servers"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap cleanup EXIT
log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null

export NEWSLETTER_TEST_SERVERS=1
export NEWSLETTER_TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
export NEWSLETTER_TEST_SMTP_SINK=/usr/sbin/smtp-sink
export NEWSLETTER_TEST_SMTP_SOURCE=/usr/sbin/smtp-source
export NEWSLETTER_TEST_MJML_NODE_MODULES=$MJML_DIR/node_modules
export NEWSLETTER_TEST_CHROMIUM=$(command -v chromium)

# A compiler server left running by an earlier build can hold stale state: once on this machine it failed every Razor
# page of a fresh checkout (RZ1021 on valid markup) until it was restarted. CI starts from a fresh one.
dotnet build-server shutdown >/dev/null 2>&1 || true
log "dotnet test"
dotnet test "$ROOT/Newsletter.sln" -c Release "${TEST_TIMEOUT[@]}" --logger "console;verbosity=minimal" "$@"
