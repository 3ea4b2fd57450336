#!/usr/bin/env bash
# Boot a machine config under our VMM. Installs what is missing and builds first.
#
#   ./run.sh [--cmdline "ARGS"] [--timeout SECONDS] [--stats-out FILE] [CONFIG.xml]
#   ./run.sh [--file HOST[:GUEST]]... [CONFIG.xml] -- PROGRAM [ARGS...]
#                                PROGRAM packed as the initramfs's /init
#   ./run.sh --initrd FILE [CONFIG.xml]   a ready cpio newc initramfs
#   ./run.sh --qemu [--cmdline "ARGS"] [--timeout SECONDS] [CONFIG.xml]
#                                the same machine under QEMU TCG (5-level paging)
#   ./run.sh stat [PID]          live counters of a running VM, like vmstat 1
#   ./run.sh plot FILE           PNG and SVG charts of a --stats-out FILE
#
# CONFIG defaults to configs/2node.xml. Exits with the guest's status (0 for
# a clean shutdown); see README.md for the statuses the VMM itself uses.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

case "${1:-}" in
-h|--help) usage; exit 0 ;;
esac

"$here/scripts/setup.sh"
make -s -C "$here" all >&2

case "${1:-}" in
stat|plot) exec "$here/build/vmm" "$@" ;;
esac

vmm_args=()
prog=()
config=""
qemu=0
timeout=""
while [[ $# -gt 0 ]]; do
	case "$1" in
	--)
		shift; prog=("$@"); break ;;
	--cmdline|--timeout|--kernel|--stats-out|--stats-interval|--initrd|--file)
		[[ $# -ge 2 ]] || { echo "run.sh: $1 needs a value" >&2; exit 78; }
		[[ "$1" == --timeout ]] && timeout="$2"
		vmm_args+=("$1" "$2"); shift 2 ;;
	--cmdline=*|--timeout=*|--kernel=*|--stats-out=*|--stats-interval=*|--initrd=*|--file=*|--check-config|--print-setup-time)
		[[ "$1" == --timeout=* ]] && timeout="${1#--timeout=}"
		vmm_args+=("$1"); shift ;;
	--qemu)
		qemu=1; shift ;;
	-h|--help)
		usage; exit 0 ;;
	-*)
		echo "run.sh: unknown option $1 (see ./run.sh --help)" >&2; exit 78 ;;
	*)
		[[ -z "$config" ]] || { echo "run.sh: more than one config given ($config, $1)" >&2; exit 78; }
		config="$1"; shift ;;
	esac
done
[[ -n "$config" ]] || config="$here/configs/2node.xml"

[[ ${#prog[@]} -eq 0 ]] || prog=(-- "${prog[@]}")
[[ $qemu -eq 1 ]] || exec "$here/build/vmm" "${vmm_args[@]}" "$config" "${prog[@]}"

# --qemu: build/vmm translates the config (it is the only config reader),
# QEMU runs it. QEMU's isa-debug-exit makes a guest's write of v the status
# (v << 1) | 1; decode it so both hypervisors exit alike (README.md).
for a in "${vmm_args[@]}"; do
	case "$a" in
	--stats-*|--check-config|--print-setup-time)
		echo "run.sh: $a is for our VMM, not with --qemu" >&2; exit 78 ;;
	esac
done
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "run.sh: --qemu: qemu-system-x86_64 is not installed" >&2; exit 78; }
# QEMU's -initrd: the archive our VMM would load, written to a file.
log=$(mktemp)
initramfs=$(mktemp)
trap 'rm -f "$log" "$initramfs"' EXIT
write=()
[[ ${#prog[@]} -eq 0 ]] || write=(--write-initramfs "$initramfs")
qemu_args=$("$here/build/vmm" --print-qemu-args "${write[@]}" "${vmm_args[@]}" "$config" "${prog[@]}") || exit $?
mapfile -t qemu_args <<< "$qemu_args"
wrap=()
[[ -z "$timeout" ]] || wrap=(timeout -k 5 "$timeout")

# QEMU also logs the console to $log: a guest's clean exit (status 1) then
# differs from QEMU failing to start (also 1, with nothing from the guest).
for i in "${!qemu_args[@]}"; do
	if [[ "${qemu_args[i]}" == -serial && "${qemu_args[i + 1]:-}" == stdio ]]; then
		qemu_args[i]=-chardev
		qemu_args[i + 1]="stdio,id=console,logfile=$log"
		qemu_args+=(-serial chardev:console)
	fi
done

# In the background (stdin is then /dev/null, the terminal is left alone),
# so that a signal to this script reaches its trap at once and stops QEMU.
interrupted=0
"${wrap[@]}" qemu-system-x86_64 "${qemu_args[@]}" &
qemu_pid=$!
trap 'interrupted=1; kill -TERM "$qemu_pid" 2>/dev/null || true' INT TERM HUP
status=0
wait "$qemu_pid" || status=$?
[[ $interrupted -eq 0 ]] || { wait "$qemu_pid" || true; }

if [[ $interrupted -eq 1 ]]; then
	exit 130
elif [[ -n "$timeout" && ( $status -eq 124 || $status -eq 137 ) ]]; then
	echo "run.sh: --qemu: guest still running after $timeout s, QEMU stopped" \
	     "(no register dump under QEMU)" >&2
	exit 124
elif [[ $status -eq 0 ]]; then
	echo "run.sh: --qemu: QEMU stopped without the guest writing the exit port" \
	     "(a reset, e.g. a triple fault, under -no-reboot)" >&2
	exit 71
elif [[ $status -eq 1 && ! -s "$log" ]]; then
	echo "run.sh: --qemu: QEMU failed before the guest ran" >&2
	exit 78
elif (( status % 2 == 1 )); then
	exit $((status >> 1))
fi
exit "$status"
