#!/usr/bin/env bash
# Install the Debian 12 packages the build, the tests and the benchmarks need.
# Cheap when everything is present (one dpkg-query), so run.sh and `make test`
# call it every time. Runs apt-get only for what is missing (we run as root;
# sudo is used when it is there and we are not).
set -euo pipefail

PACKAGES=(
	gcc make binutils libc6-dev pkg-config   # toolchain
	libxml2-dev                              # config parser (libvirt XML)
	libjansson-dev                           # --stats-out JSON lines
	libnuma-dev                              # host-node binding of guest memory
	liburing-dev                             # swap backend
	libcriterion-dev                         # tests
	clang libclang-rt-14-dev                 # libFuzzer: the swap request fuzzer (make fuzz)
	musl-tools                               # static test programs for the guest
	gnuplot-nox                              # ./run.sh plot
	qemu-system-x86                          # ./run.sh --qemu, tests/test_qemu.c
	libjemalloc-dev libmimalloc-dev          # bench_slub's malloc rows (LD_PRELOAD)
)

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
