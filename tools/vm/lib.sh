# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by tools/vm/*.sh; sourced, not executed.  The caller sets
# PROG to its own name before sourcing.

die() {
	echo "${PROG:-vm}: error: $*" >&2
	exit 1
}

log() {
	echo "${PROG:-vm}: $*" >&2
}

# Release of the stock Debian kernel (the one linux-image-amd64 pulls in),
# or $KALTS_STOCK_KVER when set.
stock_kver() {
	local dep kver

	if [ -n "${KALTS_STOCK_KVER:-}" ]; then
		echo "$KALTS_STOCK_KVER"
		return
	fi
	dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null) ||
		die "linux-image-amd64 is not installed (run tools/deps.sh)"
	kver=$(echo "$dep" | sed -n 's/.*linux-image-\([0-9][^ ,]*-amd64\).*/\1/p')
	[ -n "$kver" ] || die "cannot find the kernel release in '$dep'"
	echo "$kver"
}

# Quote a string for sh (single quotes).
shquote() {
	local s=$1

	printf "'%s'" "${s//\'/\'\\\'\'}"
}

# Fail unless FILE is an ELF file without a program interpreter, or not ELF.
check_static() {
	local f=$1

	[ -f "$f" ] || return 0
	[ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || return 0
	case "$f" in *.ko) return 0 ;; esac
	if readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
		die "$f is dynamically linked; the VM has no libc: build it with -static"
	fi
}
