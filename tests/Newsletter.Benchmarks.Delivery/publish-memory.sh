#!/usr/bin/env bash
# Peak RSS of `newsletter publish` over SMTP through the real CLI (issue 20: memory must not grow with the list).
#   tests/Newsletter.Benchmarks.Delivery/publish-memory.sh [N...]   (default: 100000 300000)
#   PUBLISH_CLI=/tmp/cli/Newsletter.Cli.dll …/publish-memory.sh 1000000   (a copied build, measured as it is)
# For each N: a fresh home, N synthetic subscribers on five domains imported into `municipal`, then the sample issue
# published to them through Postfix's smtp-sink on loopback; prints N, the publish's peak RSS and its times (`time -v`).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SIZES=("${@:-100000 300000}"); read -r -a SIZES <<< "${SIZES[*]}"
PORT=${BENCH_PORT:-$((20000 + RANDOM % 20000))}
[ -x /usr/sbin/smtp-sink ] || { echo "Postfix's smtp-sink is missing: apt-get install postfix (tests/run.sh does it)" >&2; exit 1; }
# PUBLISH_CLI=/path/Newsletter.Cli.dll: measure that build (a copy, so a rebuild cannot replace it mid-run) instead.
if [ -n "${PUBLISH_CLI:-}" ]; then CLI=$PUBLISH_CLI; else
  dotnet build "$ROOT/src/Newsletter.Cli" -c Release -v quiet -nologo >/dev/null
  CLI="$ROOT/src/Newsletter.Cli/bin/Release/net10.0/Newsletter.Cli.dll"
fi
WORK=$(mktemp -d)
SINK_USER=(); [ "$(id -u)" = 0 ] && SINK_USER=(-u nobody)
/usr/sbin/smtp-sink "${SINK_USER[@]}" 127.0.0.1:$PORT 1024 &
SINK=$!
trap 'kill $SINK 2>/dev/null || true; rm -rf "$WORK"' EXIT
for N in "${SIZES[@]}"; do
  W=$WORK/$N; mkdir -p "$W"; cp -r "$ROOT/templates" "$ROOT/seeds" "$W/"
  python3 -c "
import sys
d=['example.org','xuchang.gov.cn','qq.com','163.com','yuzhou.gov.cn']
with open('$W/list.csv','w') as f:
    f.write('email,name\n')
    for i in range($N): f.write(f'leader{i:07d}@{d[i%5]},读者{i}\n')"
  (
    cd "$W"
    export NEWSLETTER_HOME=$W/data NEWSLETTER_Templates__Directory=$W/templates NO_COLOR=1 TERM=dumb \
      NEWSLETTER_Security__TokenSecret=bench-secret-for-unsubscribe-tokens-0123456789
    dotnet "$CLI" subscribers import list.csv --segment municipal >/dev/null
    export NEWSLETTER_Delivery__Transport=smtp NEWSLETTER_Smtp__Host=127.0.0.1 NEWSLETTER_Smtp__Port=$PORT NEWSLETTER_Smtp__Security=None
    /usr/bin/time -v dotnet "$CLI" publish seeds/sample-issue.md --segments municipal --number 2024年第9期 --date 2024-08-15 --yes --force \
      >/dev/null 2> "$W/time.txt"
    echo "N=$N peak_rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/time.txt")" \
      "user_s=$(sed -n 's/.*User time (seconds): //p' "$W/time.txt") sys_s=$(sed -n 's/.*System time (seconds): //p' "$W/time.txt")" \
      "wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$W/time.txt")"
  )
done
