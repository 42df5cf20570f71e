#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian 12 packages needed to build and test kalts.
#
# Usage: tools/deps.sh [--check]
#
# Idempotent: packages already installed are left alone and `apt-get
# update` only runs when something is missing.  With --check nothing is
# installed; the exit status is 1 if any package is missing.  Must run as
# root to install.

set -euo pipefail

readonly PACKAGES=(
	build-essential gcc make
	linux-headers-amd64 linux-image-amd64 linux-source-6.1
	qemu-system-x86 busybox-static cpio xz-utils kmod
	flex bison bc libelf-dev libssl-dev dwarves rsync
	sparse libmnl-dev protobuf-c-compiler libprotobuf-c-dev libcmocka-dev
	clang libclang-rt-14-dev lld llvm iproute2 pkg-config
)

die() {
	echo "deps.sh: error: $*" >&2
	exit 1
}

is_installed() {
	local status

	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) ||
		return 1
	[[ "$status" == ii* ]]
}

missing_packages() {
	local p

	for p in "${PACKAGES[@]}"; do
		is_installed "$p" || echo "$p"
	done
}

install_packages() {
	[ "$(id -u)" -eq 0 ] || die "must run as root to install: $*"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "$@"
}

main() {
	local check=0 missing

	case "${1:-}" in
	"") ;;
	--check) check=1 ;;
	*) echo "usage: tools/deps.sh [--check]" >&2; exit 2 ;;
	esac

	command -v dpkg-query >/dev/null || die "not a Debian system (no dpkg-query)"
	mapfile -t missing < <(missing_packages)
	if [ ${#missing[@]} -eq 0 ]; then
		echo "deps.sh: all ${#PACKAGES[@]} packages are installed" >&2
		return 0
	fi
	echo "deps.sh: missing: ${missing[*]}" >&2
	[ $check -eq 0 ] || exit 1
	install_packages "${missing[@]}"
	mapfile -t missing < <(missing_packages)
	[ ${#missing[@]} -eq 0 ] || die "still missing after install: ${missing[*]}"
	echo "deps.sh: installed all ${#PACKAGES[@]} packages" >&2
}

main "$@"
