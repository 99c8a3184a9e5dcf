#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# Installs the real peers the tests need (mosquitto, socat, pymodbus, mbpoll) when missing, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-test-deps.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test EdgeGateway.sln -c Release --nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for humans and CI: the sum over every test assembly.
awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, Passed: +[0-9]+/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
  }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit $status
