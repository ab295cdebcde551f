#!/usr/bin/env bash
# Delivery throughput benchmark (not a test): starts Postfix's smtp-sink on 127.0.0.1, sends N ≈30 KB personalised
# Chinese messages through our engine (the real CampaignSender on a real SQLite outbox) with 1 and 4 connections, runs
# smtp-source with the same size, count and sessions, and prints both rates and the ratio; then Nagle on (MailKit's
# plain ConnectAsync), DKIM on, and personalisation + MIME alone.
#   tests/Newsletter.Benchmarks.Delivery/run.sh [N]          (default N=20000)
#   tests/Newsletter.Benchmarks.Delivery/run.sh memory [N]   (peak RSS of one N-recipient campaign; default 1000000)
#   tests/Newsletter.Benchmarks.Delivery/run.sh pairs [N] [K] (K back-to-back pairs of ours, 4 connections, and smtp-source;
#                                                               each pair's ratio and the median; the host's noise shows)
#   tests/Newsletter.Benchmarks.Delivery/run.sh dkim [N] [K]  (K rounds of ours unsigned, ours RSA-2048, ours RSA-2048 +
#                                                               Ed25519 (4 connections each) and smtp-source; each ratio
#                                                               and the medians; default N=10000, K=5: ≈ 2–4 minutes)
#   tests/Newsletter.Benchmarks.Delivery/run.sh ab DIR [N] [K] (K rounds of an earlier build's copy in DIR — e.g. `cp -r
#                                                               tests/Newsletter.Benchmarks.Delivery/bin/Release/net10.0 DIR`
#                                                               before a change — against this build, alternating, 4
#                                                               connections, and smtp-source: each one's rate, messages per
#                                                               CPU-second and voluntary context switches; default N=10000, K=5)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MODE=throughput
if [ "${1:-}" = memory ] || [ "${1:-}" = pairs ] || [ "${1:-}" = dkim ]; then MODE=$1; shift; fi
if [ "${1:-}" = ab ]; then MODE=ab; BEFORE=$(cd "$2" && pwd); shift 2; fi
case $MODE in memory) DEFAULT_N=1000000 ;; dkim|ab) DEFAULT_N=10000 ;; *) DEFAULT_N=20000 ;; esac
N=${1:-$DEFAULT_N}
K=${2:-5}
SIZE=30000
PORT=${BENCH_PORT:-$((20000 + RANDOM % 20000))}

log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }
[ -x /usr/sbin/smtp-sink ] && [ -x /usr/sbin/smtp-source ] || { echo "Postfix's smtp-sink/smtp-source are missing: apt-get install postfix (tests/run.sh does it)" >&2; exit 1; }

log "building (Release)"
dotnet build "$ROOT/tests/Newsletter.Benchmarks.Delivery" -c Release -v quiet -nologo >/dev/null
BENCH="dotnet $ROOT/tests/Newsletter.Benchmarks.Delivery/bin/Release/net10.0/Newsletter.Benchmarks.Delivery.dll"

SINK_USER=(); [ "$(id -u)" = 0 ] && SINK_USER=(-u nobody)
/usr/sbin/smtp-sink "${SINK_USER[@]}" 127.0.0.1:$PORT 1024 &
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT
sleep 0.5
log "smtp-sink on 127.0.0.1:$PORT (pid $SINK)"

rate_of() { sed -n 's/.* rate=\([0-9]*\).*/\1/p'; }

source_rate() {
  local start end
  start=$(date +%s.%N)
  /usr/sbin/smtp-source -s 4 -m "$N" -l $SIZE -d -f bulletin@xcsti.example.org -t leader@xuchang.gov.cn 127.0.0.1:$PORT
  end=$(date +%s.%N)
  echo "$N / ($end - $start)" | bc -l | xargs printf '%.0f'
}

if [ $MODE = pairs ]; then
  RATIOS=()
  for i in $(seq "$K"); do
    OURS=$($BENCH send --port $PORT --count "$N" --connections 4 --size $SIZE | rate_of)
    SRC=$(source_rate)
    R=$(echo "$OURS / $SRC" | bc -l | xargs printf '%.2f')
    RATIOS+=("$R")
    echo "pair=$i ours=$OURS smtp-source=$SRC ratio=$R"
  done
  echo "median ratio = $(printf '%s\n' "${RATIOS[@]}" | sort -n | sed -n "$(( (K + 1) / 2 ))p")  (issue 20 goal ≥ 1.0)"
  exit 0
fi

if [ $MODE = ab ]; then
  # The same sink, the same rounds: the host's drift falls on both builds alike. CPU and context switches are the
  # figures to compare on a loaded host; the rates only when it is quiet.
  TIMES=$(mktemp)
  for i in $(seq "$K"); do
    for v in before after; do
      DLL=$([ $v = before ] && echo "$BEFORE/Newsletter.Benchmarks.Delivery.dll" || echo "$ROOT/tests/Newsletter.Benchmarks.Delivery/bin/Release/net10.0/Newsletter.Benchmarks.Delivery.dll")
      OUT=$(/usr/bin/time -f "voluntary_context_switches=%w" -o "$TIMES" dotnet "$DLL" send --port $PORT --count "$N" --connections 4 --size $SIZE)
      echo "round=$i build=$v $(echo "$OUT" | grep -o 'rate=[0-9]*') $(echo "$OUT" | grep -o 'msgs_per_cpu_s=[0-9]*') $(cat "$TIMES")"
    done
    echo "round=$i smtp-source rate=$(source_rate)"
  done
  rm -f "$TIMES"
  exit 0
fi

if [ $MODE = dkim ]; then
  # Signed and unsigned in the same rounds, so the host's drift falls on all three alike.
  UN=(); RS=(); ED=()
  for i in $(seq "$K"); do
    U=$($BENCH send --port $PORT --count "$N" --connections 4 --size $SIZE | rate_of)
    R=$($BENCH send --port $PORT --count "$N" --connections 4 --size $SIZE --dkim | rate_of)
    E=$($BENCH send --port $PORT --count "$N" --connections 4 --size $SIZE --ed25519 | rate_of)
    SRC=$(source_rate)
    ratio() { echo "$1 / $SRC" | bc -l | xargs printf '%.2f'; }
    UN+=("$(ratio "$U")"); RS+=("$(ratio "$R")"); ED+=("$(ratio "$E")")
    echo "round=$i smtp-source=$SRC unsigned=$U (${UN[-1]}) rsa=$R (${RS[-1]}) rsa+ed25519=$E (${ED[-1]})"
  done
  median() { printf '%s\n' "$@" | sort -n | sed -n "$(( (K + 1) / 2 ))p"; }
  echo "median ratio to smtp-source: unsigned $(median "${UN[@]}"), rsa $(median "${RS[@]}") (goal ≥ 0.85), rsa+ed25519 $(median "${ED[@]}")"
  $BENCH mime --count 20000 --size $SIZE
  $BENCH mime --count 3000 --size $SIZE --dkim
  $BENCH mime --count 3000 --size $SIZE --ed25519
  $BENCH rsa --count 3000 --size $SIZE   # the floor: one RSA-2048 signature and one body hash, CPU each
  exit 0
fi

if [ $MODE = memory ]; then
  log "memory: one campaign of $N recipients, 4 connections"
  /usr/bin/time -v $BENCH send --port $PORT --count "$N" --connections 4 --size $SIZE 2> >(grep -E "Maximum resident|Elapsed" >&2)
  exit 0
fi

log "ours, 1 connection, N=$N"
OURS1=$($BENCH send --port $PORT --count "$N" --connections 1 --size $SIZE); echo "$OURS1"
log "ours, 4 connections, N=$N"
OURS4=$($BENCH send --port $PORT --count "$N" --connections 4 --size $SIZE); echo "$OURS4"

log "smtp-source -s 4 -m $N -l $SIZE -d (connections kept open, as ours)"
SRC=$(source_rate)
echo "engine=smtp-source sessions=4 count=$N size=$SIZE rate=$SRC"

log "the SMTP transport alone: one prepared message, 4 connections, no outbox (the ceiling of the engine)"
MK=$($BENCH transport --port $PORT --count "$N" --connections 4 --size $SIZE); echo "$MK"

R4=$(echo "$OURS4" | rate_of)
echo "ratio ours(4 connections)/smtp-source = $(echo "$R4 / $SRC" | bc -l | xargs printf '%.2f')  (issue 20 goal ≥ 1.0)"
echo "ratio transport-only(4 connections)/smtp-source = $(echo "$(echo "$MK" | rate_of) / $SRC" | bc -l | xargs printf '%.2f')"

NN=$(( N < 2000 ? N : 2000 ))
log "ours, 4 connections, Nagle on (plain ConnectAsync), N=$NN"
$BENCH send --port $PORT --count "$NN" --connections 4 --size $SIZE --nagle
ND=$(( N < 5000 ? N : 5000 ))
log "ours, 4 connections, DKIM on, N=$ND"
$BENCH send --port $PORT --count "$ND" --connections 4 --size $SIZE --dkim
log "ours, 4 connections, DKIM RSA + Ed25519, N=$ND"
$BENCH send --port $PORT --count "$ND" --connections 4 --size $SIZE --ed25519
log "outbox alone: claim and record, 4 rows per commit"
$BENCH record --count "$N" --connections 4
log "engine without SMTP: the real sender, messages serialised and dropped"
$BENCH send --count "$N" --connections 4 --size $SIZE --no-smtp
log "personalisation + MIME alone, one thread"
$BENCH mime --count 50000 --size $SIZE
$BENCH mime --count 5000 --size $SIZE --dkim
$BENCH mime --count 5000 --size $SIZE --ed25519
