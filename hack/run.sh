#!/usr/bin/env bash
# What `make run` starts: the agent live on this host with Saker's default
# rules (rules/saker_rules.yaml), alerts on stdout, until Ctrl-C. Extra
# arguments go to saker (e.g. -o json_output=true, -M 60, -w live.scap).
# Try it: in another terminal, `sudo build/bin/event-generator all`.
# Usage: hack/run.sh BUILD_DIR [SAKER_ARGS...]
set -euo pipefail
O=${1:-build}
shift || true
top=$(cd "$(dirname "$0")/.." && pwd)
saker=$top/$O/bin/saker
if [ "$(id -u)" != 0 ]; then
	echo "run: saker runs live and loads an eBPF probe, which needs root." >&2
	echo "run: try 'sudo make run', or replay a capture: $O/bin/saker -e FILE -r RULES" >&2
	exit 1
fi
echo "saker: live with $top/rules/saker_rules.yaml; Ctrl-C stops (try: sudo $O/bin/event-generator all)" >&2
exec "$saker" -U "$@"
