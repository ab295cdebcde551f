#!/usr/bin/env bash
# Audience scale benchmark: N synthetic subscribers imported, counted and streamed, each figure with its reference
# measured in the same run.
#   tests/Newsletter.Benchmarks.Audience/run.sh [COUNT]     COUNT 100000 (quick, ~1 min) or 1000000 (full, ~5 min); default 1000000
# Environment:
#   BENCH_PG   a PostgreSQL server as an Npgsql connection string (Host=…;Port=…;Username=…;Database=…), default
#              $NEWSLETTER_TEST_PG; each run creates and drops its own databases there. Unset: SQLite only.
#   BEFORE     a copy of an older build of this benchmark (its bin/Release/net10.0): its `import` and `query` phases
#              run on the same file in the same run next to this build's, printed as "before" and "after" (the importer
#              in the benchmark process, so both sides are measured the same way).
# Needs: the sqlite3 shell, /usr/bin/time (GNU time), psql for the PostgreSQL part.
# Figures (README › Performance › Audience at a million rows; goals from issue 20):
#   import through the real CLI (`newsletter subscribers import`): CPU time vs `sqlite3 .import` of the same file
#   (≤ 8×), peak RSS of the CLI process (≤ 250 MB at 1M, within 20 % between 100k and 1M); on PostgreSQL, wall time vs
#   `psql \copy` of the same file into a plain table (≤ 3×); streaming the active members of two segments in rows per
#   CPU-second (≥ 250k) on both.
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-1000000}
PG=${BENCH_PG:-${NEWSLETTER_TEST_PG:-}}
WORK=$(mktemp -d /tmp/newsletter-bench-audience.XXXXXX)
PGDBS=()
cleanup() {
  for db in "${PGDBS[@]}"; do psql "$(pg_url postgres)" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
command -v sqlite3 >/dev/null || { echo "run.sh: the sqlite3 shell is needed (apt-get install sqlite3)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "run.sh: GNU time is needed for CPU and peak RSS (apt-get install time)" >&2; exit 1; }

# Npgsql "Key=Value;…" → libpq "key=value …", with the database replaced.
pg_url() {
  echo "$PG" | tr ';' '\n' | awk -F= -v db="$1" 'tolower($1)=="host"{h=$2} tolower($1)=="port"{p=$2} tolower($1)~/^user(name| id)?$/{u=$2} tolower($1)=="password"{w=$2}
    END {printf "host=%s port=%s user=%s dbname=%s%s", h, (p?p:5432), u, db, (w?" password="w:"")}'
}
pg_npgsql() { echo "$(echo "$PG" | sed -E 's/(^|;)[Dd]atabase=[^;]*//');Database=$1"; }

dotnet build tests/Newsletter.Benchmarks.Audience -c Release -v quiet -nologo >/dev/null
dotnet build src/Newsletter.Cli -c Release -v quiet -nologo >/dev/null
BIN=tests/Newsletter.Benchmarks.Audience/bin/Release/net10.0
CLI_BIN=src/Newsletter.Cli/bin/Release/net10.0

# timed NAME CMD…: runs CMD under GNU time; NAME.cpu (user+sys s), NAME.wall (s), NAME.rss (MB) land in $WORK.
timed() {
  local name=$1; shift
  /usr/bin/time -o "$WORK/$name.time" -f '%U %S %e %M' "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" \
    || { echo "run.sh: $name failed:" >&2; tail -5 "$WORK/$name.err" >&2; exit 1; }
  read -r user sys wall rss < "$WORK/$name.time"
  echo "$user + $sys" | bc -l | xargs printf '%.2f' > "$WORK/$name.cpu"
  echo "$wall" > "$WORK/$name.wall"
  echo "$rss / 1024" | bc > "$WORK/$name.rss"
}
v() { cat "$WORK/$1"; }
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.1f'; }
get() { grep -h "^$2=" "$WORK/$1.out" | head -1 | cut -d= -f2; }

dotnet "$BIN/Newsletter.Benchmarks.Audience.dll" generate "$WORK/subscribers.csv" "$COUNT" > "$WORK/generate.out"

# The CLI import: the real command, its own SQLite file (or PostgreSQL database), no config file.
cli_import() { # name dir connection-provider connection-string
  local name=$1 dir=$2 provider=$3 cs=$4
  (cd "$WORK" && NEWSLETTER_Database__Provider=$provider NEWSLETTER_Database__ConnectionString=$cs \
    timed "$name" dotnet "$OLDPWD/$dir/Newsletter.Cli.dll" subscribers import "$WORK/subscribers.csv")
}
# The schema is created before the timed import (`segments list` migrates), so the import is measured alone.
migrate() { (cd "$WORK" && NEWSLETTER_Database__Provider=$1 NEWSLETTER_Database__ConnectionString=$2 dotnet "$OLDPWD/$CLI_BIN/Newsletter.Cli.dll" segments list > /dev/null 2>&1); }

# --- SQLite -------------------------------------------------------------------------------------------------------
timed sqlite3 sqlite3 "$WORK/baseline.db" ".mode csv" ".import $WORK/subscribers.csv subscribers"
migrate sqlite "Data Source=$WORK/ours.db"
cli_import ours "$CLI_BIN" sqlite "Data Source=$WORK/ours.db"
timed query dotnet "$BIN/Newsletter.Benchmarks.Audience.dll" query "$WORK/ours.db"
if [ -n "${BEFORE:-}" ]; then
  timed before dotnet "$BEFORE/Newsletter.Benchmarks.Audience.dll" import "$WORK/subscribers.csv" "$WORK/before.db"
  timed before_query dotnet "$BEFORE/Newsletter.Benchmarks.Audience.dll" query "$WORK/before.db"
  timed after dotnet "$BIN/Newsletter.Benchmarks.Audience.dll" import "$WORK/subscribers.csv" "$WORK/after.db"
fi

# --- PostgreSQL ---------------------------------------------------------------------------------------------------
if [ -n "$PG" ]; then
  command -v psql >/dev/null || { echo "run.sh: psql is needed for the PostgreSQL part (or unset BENCH_PG)" >&2; exit 1; }
  base=bench_copy_$$; ours=bench_ours_$$
  PGDBS=("$base" "$ours")
  psql "$(pg_url postgres)" -qc "CREATE DATABASE $base" -c "CREATE DATABASE $ours" >/dev/null
  psql "$(pg_url "$base")" -qc "CREATE TABLE subscribers (name TEXT, email TEXT, organisation TEXT, title TEXT, segments TEXT, district TEXT, industries TEXT)" >/dev/null
  timed pg_copy psql "$(pg_url "$base")" -qc "\\copy subscribers FROM '$WORK/subscribers.csv' WITH (FORMAT csv, HEADER true)"
  migrate postgres "$(pg_npgsql "$ours")"
  cli_import pg_ours "$CLI_BIN" postgres "$(pg_npgsql "$ours")"
  timed pg_query dotnet "$BIN/Newsletter.Benchmarks.Audience.dll" query "$(pg_npgsql "$ours")"
fi

# --- Report -------------------------------------------------------------------------------------------------------
rows_per_cpu() { echo "$(get "$1" stream_rows) / $(get "$1" stream_cpu_seconds)" | bc | xargs printf "%'d"; }
printf '\n## Audience benchmark: %s subscribers (%s MB CSV), %s\n\n' "$(get generate rows)" "$(( $(get generate bytes) / 1048576 ))" "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf '| measure | reference | ours | ratio | goal |\n|---|---|---|---|---|\n'
printf '| SQLite import, CPU (user+sys) | `sqlite3 .import` %s s | CLI %s s | **%s×** | ≤ 8× |\n' "$(v sqlite3.cpu)" "$(v ours.cpu)" "$(ratio "$(v ours.cpu)" "$(v sqlite3.cpu)")"
printf '| SQLite import, wall | %s s | %s s | %s× | |\n' "$(v sqlite3.wall)" "$(v ours.wall)" "$(ratio "$(v ours.wall)" "$(v sqlite3.wall)")"
printf '| SQLite import, peak RSS of the process | %s MB | CLI %s MB | | ≤ 250 MB at 1M |\n' "$(v sqlite3.rss)" "$(v ours.rss)"
if [ -n "${BEFORE:-}" ]; then
  for side in before after; do
    printf '| %s: SQLite import in the benchmark process, CPU · peak RSS | %s s | %s s · %s MB | %s× | |\n' \
      "$side" "$(v sqlite3.cpu)" "$(v $side.cpu)" "$(v $side.rss)" "$(ratio "$(v $side.cpu)" "$(v sqlite3.cpu)")"
  done
fi
printf '| SQLite stream, active of municipal+county | | %s rows in %s s CPU = **%s rows/CPU-s** | | ≥ 250k |\n' "$(get query stream_rows)" "$(get query stream_cpu_seconds)" "$(rows_per_cpu query)"
[ -n "${BEFORE:-}" ] && printf '| before: SQLite stream | | %s rows/CPU-s | | |\n' "$(rows_per_cpu before_query)"
printf '| SQLite count per segment × status | | median %s ms, max %s ms | | ≤ 100 ms |\n' "$(get query count_ms_median)" "$(get query count_ms_max)"
if [ -n "$PG" ]; then
  printf '| PostgreSQL import, wall | `psql \\copy` %s s | CLI %s s | **%s×** | ≤ 3× |\n' "$(v pg_copy.wall)" "$(v pg_ours.wall)" "$(ratio "$(v pg_ours.wall)" "$(v pg_copy.wall)")"
  printf '| PostgreSQL import, client CPU | psql %s s | CLI %s s | | |\n' "$(v pg_copy.cpu)" "$(v pg_ours.cpu)"
  printf '| PostgreSQL import, peak RSS | | CLI %s MB | | |\n' "$(v pg_ours.rss)"
  printf '| PostgreSQL stream, active of municipal+county | | %s rows in %s s CPU = **%s rows/CPU-s** | | ≥ 250k |\n' "$(get pg_query stream_rows)" "$(get pg_query stream_cpu_seconds)" "$(rows_per_cpu pg_query)"
fi
printf '\nLoad average during the run (1/5/15 min): %s on %s cores — on a loaded host compare the ratios, not the times.\n' \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"
