#!/usr/bin/env bash
# Times mjml 5.4.1 in one warm node process against Newsletter.Mjml in one warm .NET process, on the same
# templates in the same run (all mjmlnet-bench and mjmlnet-tests templates of the corpus, plus the bulletin),
# and prints the per-template medians, their ratio, and the median ratio.
# Usage: tests/Newsletter.Benchmarks/compare-mjml.sh [iterations]   (default 200)
# Needs node's mjml 5.4.1 (tests/run.sh installs it in .cache/mjml541, or set NEWSLETTER_TEST_MJML_NODE_MODULES).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
ITER=${1:-200}
NODE_MODULES=${NEWSLETTER_TEST_MJML_NODE_MODULES:-$ROOT/.cache/mjml541/node_modules}
CORPUS=${NEWSLETTER_SHARED:-$ROOT/../shared}/mjml-corpus
[ -f "$NODE_MODULES/mjml/package.json" ] || { echo "mjml 5.4.1 not found in $NODE_MODULES (run tests/run.sh once, or npm install mjml@5.4.1 there)" >&2; exit 1; }
mapfile -t FILES < <(ls "$CORPUS"/mjmlnet-bench/*.mjml "$CORPUS"/mjmlnet-tests/*.mjml; echo "$ROOT/tests/Newsletter.Benchmarks/Templates/bulletin.mjml")
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
dotnet build "$ROOT/tests/Newsletter.Benchmarks" -c Release -v quiet -nologo >/dev/null
echo "machine: $(nproc) vCPU, $(. /etc/os-release && echo "$PRETTY_NAME"), node $(node --version), dotnet $(dotnet --version); $ITER iterations per template after warm-up" >&2
NODE_PATH=$NODE_MODULES node "$ROOT/tests/Newsletter.Benchmarks/compare-mjml.js" "$ITER" "${FILES[@]}" > "$OUT/node.tsv"
dotnet "$ROOT/tests/Newsletter.Benchmarks/bin/Release/net10.0/Newsletter.Benchmarks.dll" timing "$ITER" "${FILES[@]}" > "$OUT/dotnet.tsv"
join -t $'\t' <(sort "$OUT/node.tsv") <(sort "$OUT/dotnet.tsv") | awk -F'\t' '
  BEGIN { printf "%-28s %12s %12s %9s\n", "template", "mjml ms", "ours ms", "ratio" }
  { n = split($1, p, "/"); name = p[n-1] "/" p[n]; sub(/\.mjml$/, "", name);
    printf "%-28s %12.3f %12.3f %8.1fx\n", name, $2, $4, $2 / $4 }' | tee "$OUT/table.txt"
awk 'NR > 1 { sub(/x$/, "", $4); print $4 }' "$OUT/table.txt" | sort -g | awk '
  { r[NR] = $1 } END { m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2;
    printf "median ratio over %d templates: %.1fx (min %.1fx, max %.1fx)\n", NR, m, r[1], r[NR] }'
