#!/usr/bin/env bash
# The SQLite store's own work in an import, without .NET: the `sqlite3` shell inserts N generated subscribers into the
# real schema (migrated by the CLI) in one transaction, memberships by a trigger per row as the bulk path interleaves
# them, the count trigger dropped as the import does — once as the import does it and once per variant measured for
# issue 20 (README › Performance › Audience at a million rows):
#   tests/Newsletter.Benchmarks.Audience/store-shell.sh [COUNT]     default 1000000
# Prints user+sys CPU seconds and peak RSS per variant (GNU time).
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-1000000}
WORK=$(mktemp -d /tmp/newsletter-store-shell.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
dotnet build tests/Newsletter.Benchmarks.Audience -c Release -v quiet -nologo >/dev/null
dotnet build src/Newsletter.Cli -c Release -v quiet -nologo >/dev/null
dotnet tests/Newsletter.Benchmarks.Audience/bin/Release/net10.0/Newsletter.Benchmarks.Audience.dll generate "$WORK/subscribers.csv" "$COUNT" >/dev/null
(cd "$WORK" && NEWSLETTER_Database__Provider=sqlite NEWSLETTER_Database__ConnectionString="Data Source=$WORK/schema.db" \
  dotnet "$OLDPWD/src/Newsletter.Cli/bin/Release/net10.0/Newsletter.Cli.dll" segments list >/dev/null 2>&1)
sqlite3 "$WORK/source.db" ".mode csv" ".import $WORK/subscribers.csv t"

# variant NAME CACHE_KIB BEFORE_SQL AFTER_SQL
variant() {
  cp "$WORK/schema.db" "$WORK/v.db"; rm -f "$WORK/v.db-wal" "$WORK/v.db-shm"
  /usr/bin/time -o "$WORK/time" -f '%U %S %M' sqlite3 "$WORK/v.db" <<SQL
PRAGMA cache_size=-$2;
ATTACH '$WORK/source.db' AS src;
BEGIN;
DROP TRIGGER trg_subscriber_segments_insert;
CREATE TEMP TRIGGER membership AFTER INSERT ON main.subscribers BEGIN
  INSERT INTO subscriber_segments (segment_key, subscriber_id, status) VALUES
    (CASE WHEN NEW.segments LIKE 'm%' THEN 'municipal' WHEN NEW.segments LIKE 'c%' THEN 'county' ELSE 'enterprise' END, NEW.id, 'active');
END;
$3
INSERT INTO subscribers (email, name, organisation, title, segments, district, industries, status, source, created_at, updated_at)
  SELECT "邮箱", "姓名", "单位", "职务", "类别", "区县", "行业", 'active', 'import:x', '2026-12-06 20:00:00+00:00', '2026-12-06 20:00:00+00:00'
  FROM src.t WHERE true ON CONFLICT (email) DO NOTHING;
$4
COMMIT;
SQL
  read -r user sys rss < "$WORK/time"
  printf '| %s | %.2f s | %d MB |\n' "$1" "$(echo "$user + $sys" | bc -l)" "$((rss / 1024))"
}
printf '\n## SQLite store alone (sqlite3 shell), %s rows, %s\n\n| variant | CPU (user+sys) | peak RSS |\n|---|---|---|\n' "$COUNT" "$(date -u '+%Y-%m-%d %H:%M UTC')"
variant "as the import (32 MB cache)" 32768 "" ""
variant "membership index built after the load" 32768 "DROP INDEX ix_subscriber_segments_subscriber;" \
  "CREATE INDEX ix_subscriber_segments_subscriber ON subscriber_segments (subscriber_id);"
variant "8 MB cache" 8192 "" ""
variant "64 MB cache" 65536 "" ""
variant "as the import again" 32768 "" ""
printf '\nLoad average (1/5/15 min): %s on %s cores.\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"
