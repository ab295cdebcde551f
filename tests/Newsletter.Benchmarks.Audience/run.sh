#!/usr/bin/env bash
# Audience scale benchmark: 1,000,000 synthetic subscribers on SQLite.
#   tests/Newsletter.Benchmarks.Audience/run.sh [COUNT]      (default 1000000; needs the sqlite3 shell)
# Reports: our import time and peak RSS vs the sqlite3 shell's .import of the same CSV, count-per-segment time,
# and streaming rate of the active subscribers of two segments. Goals: import ≤ 10× sqlite3, RSS ≤ 300 MB,
# counts ≤ 100 ms, streaming ≥ 200k rows/s.
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-1000000}
WORK=$(mktemp -d /tmp/newsletter-bench-audience.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
command -v sqlite3 >/dev/null || { echo "run.sh: the sqlite3 shell is needed (apt-get install sqlite3)" >&2; exit 1; }

dotnet build tests/Newsletter.Benchmarks.Audience -c Release -v quiet -nologo >/dev/null
BENCH="dotnet tests/Newsletter.Benchmarks.Audience/bin/Release/net10.0/Newsletter.Benchmarks.Audience.dll"

$BENCH generate "$WORK/subscribers.csv" "$COUNT" > "$WORK/generate.txt"

# Baseline: the sqlite3 shell importing the same file into a plain table (no indexes, no validation).
start=$(date +%s.%N)
sqlite3 "$WORK/baseline.db" ".mode csv" ".import $WORK/subscribers.csv subscribers"
end=$(date +%s.%N)
baseline=$(echo "$end - $start" | bc -l)

$BENCH import "$WORK/subscribers.csv" "$WORK/newsletter.db" > "$WORK/import.txt"
$BENCH query "$WORK/newsletter.db" > "$WORK/query.txt"

get() { grep -h "^$1=" "$WORK"/*.txt | head -1 | cut -d= -f2; }
ours=$(get import_seconds)
printf '\n## Audience scale benchmark (%s subscribers, SQLite, %s)\n\n' "$(get rows)" "$(date -u +%Y-%m-%d)"
printf '| measure | value | goal |\n|---|---|---|\n'
printf '| CSV size | %s MB | |\n' "$(echo "$(get bytes) / 1048576" | bc)"
printf '| sqlite3 shell `.import` | %.2f s | |\n' "$baseline"
printf '| `SubscriberImporter` (validate, normalise, dedupe, one transaction) | %s s (%.1f× sqlite3) | ≤ 10× |\n' "$ours" "$(echo "$ours / $baseline" | bc -l)"
printf '| import peak RSS | %s MB | ≤ 300 MB |\n' "$(get import_peak_rss_mb)"
printf '| count per segment × status (median / max of 5) | %s / %s ms | ≤ 100 ms |\n' "$(get count_ms_median)" "$(get count_ms_max)"
printf '| stream active municipal+county, batches of 1000 | %s rows in %s s = %s rows/s | ≥ 200k rows/s |\n' \
  "$(get stream_rows)" "$(get stream_seconds)" "$(get stream_rows_per_second)"
printf '| query phase peak RSS | %s MB | |\n' "$(get query_peak_rss_mb)"
