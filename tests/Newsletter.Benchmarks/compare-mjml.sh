#!/usr/bin/env bash
# One honest MJML benchmark (issue 20): mjml 5.4.1 in one warm node process and our compiler in one warm .NET process
# (default runtime settings), timed by the same protocol (TimingProtocol.cs = compare-mjml.js) on the same templates:
# the corpus' mjmlnet-bench and mjmlnet-tests sets and our bulletin (templates/ + seeds/sample-issue.md).
# Prints per template and per set the ratio mjml ms / ours ms for interleaved rounds and per-template loops, the
# slowest template, the CPU time of the interleaved phase and our allocated bytes per compile.
# Usage: tests/Newsletter.Benchmarks/compare-mjml.sh [--quick] [--rounds N] [--iterations N] [--warmup S] [--skip-node]
#        tests/Newsletter.Benchmarks/compare-mjml.sh --ab REV [--rounds N]   (before/after: REV's compiler vs this one, one process)
# Needs node 20 and mjml 5.4.1: NEWSLETTER_TEST_MJML_NODE_MODULES (tests/run.sh installs it in .cache/mjml541).
set -euo pipefail
cd "$(dirname "$0")/../.."
export NEWSLETTER_TEST_MJML_NODE_MODULES=${NEWSLETTER_TEST_MJML_NODE_MODULES:-$PWD/.cache/mjml541/node_modules}
dotnet build tests/Newsletter.Benchmarks -c Release -v quiet -nologo >/dev/null
if [ "${1:-}" = "--ab" ]; then
  REV=${2:?--ab needs a git revision}; shift 2
  BASE=$(mktemp -d); trap 'rm -rf "$BASE"' EXIT
  git archive "$REV" src/Newsletter.Mjml Directory.Build.props Directory.Build.targets Directory.Packages.props global.json | tar -x -C "$BASE/"
  dotnet build "$BASE/src/Newsletter.Mjml" -c Release -o "$BASE/bin" -v quiet -nologo >/dev/null
  dotnet tests/Newsletter.Benchmarks/bin/Release/net10.0/Newsletter.Benchmarks.dll ab "$BASE/bin" "$@"
  exit
fi
exec dotnet tests/Newsletter.Benchmarks/bin/Release/net10.0/Newsletter.Benchmarks.dll compare "$@"
