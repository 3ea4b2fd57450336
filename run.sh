#!/usr/bin/env bash
# Boot a machine config under our VMM. Installs what is missing and builds first.
#
#   ./run.sh [--cmdline "ARGS"] [--timeout SECONDS] [--stats-out FILE] [CONFIG.xml]
#   ./run.sh stat [PID]          live counters of a running VM, like vmstat 1
#   ./run.sh plot FILE           PNG and SVG charts of a --stats-out FILE
#
# CONFIG defaults to configs/2node.xml. Exits with the guest's status (0 for
# a clean shutdown); see README.md for the statuses the VMM itself uses.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

case "${1:-}" in
-h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

"$here/scripts/setup.sh"
make -s -C "$here" all >&2

case "${1:-}" in
stat|plot) exec "$here/build/vmm" "$@" ;;
esac

vmm_args=()
config=""
while [[ $# -gt 0 ]]; do
	case "$1" in
	--cmdline|--timeout|--kernel|--stats-out|--stats-interval)
		[[ $# -ge 2 ]] || { echo "run.sh: $1 needs a value" >&2; exit 78; }
		vmm_args+=("$1" "$2"); shift 2 ;;
	--cmdline=*|--timeout=*|--kernel=*|--stats-out=*|--stats-interval=*|--check-config|--print-setup-time)
		vmm_args+=("$1"); shift ;;
	-h|--help)
		sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*)
		echo "run.sh: unknown option $1 (see ./run.sh --help)" >&2; exit 78 ;;
	*)
		[[ -z "$config" ]] || { echo "run.sh: more than one config given ($config, $1)" >&2; exit 78; }
		config="$1"; shift ;;
	esac
done
[[ -n "$config" ]] || config="$here/configs/2node.xml"

exec "$here/build/vmm" "${vmm_args[@]}" "$config"
