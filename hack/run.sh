#!/usr/bin/env bash
# What `make run` starts. Until the live probe lands, the agent replays a
# capture from the shared corpus and prints its events.
# Usage: hack/run.sh BUILD_DIR [CAPTURE]
set -euo pipefail
O=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${SAKER_CORPUS:-$top/../shared/corpus}
capture=${2:-$corpus/captures/run_as_user_0_container.scap}
if [ ! -r "$capture" ]; then
	echo "run: capture '$capture' not found (set SAKER_CORPUS)" >&2
	exit 1
fi
echo "saker: replaying $(basename "$capture") (the live probe arrives with its issue)" >&2
exec "$top/$O/bin/saker" -e "$capture" --dump
