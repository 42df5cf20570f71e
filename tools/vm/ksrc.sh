#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of a pristine, extracted linux-source-6.1 tree.
#
# Usage: tools/vm/ksrc.sh
#
# The tree is extracted once from /usr/src/linux-source-6.1.tar.xz into
# ${KALTS_CACHE:-~/.cache/kalts}/linux-source-6.1-<package version>/ and
# reused afterwards.  Extraction goes to a temporary directory that is
# renamed into place, so a tree that exists is always complete.  The tree
# must be treated as read-only.

set -euo pipefail

readonly PKG=linux-source-6.1
readonly TARBALL=/usr/src/linux-source-6.1.tar.xz
readonly CACHE=${KALTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kalts}

die() {
	echo "ksrc.sh: error: $*" >&2
	exit 1
}

pkg_version() {
	local v

	v=$(dpkg-query -W -f='${Status} ${Version}\n' "$PKG" 2>/dev/null) ||
		die "$PKG is not installed (run tools/deps.sh)"
	case "$v" in
	"install ok installed "*) echo "${v##* }" ;;
	*) die "$PKG is not fully installed ($v); run tools/deps.sh" ;;
	esac
}

extract() {
	local dest=$1 tmp

	[ -r "$TARBALL" ] || die "$TARBALL is missing (run tools/deps.sh)"
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/.ksrc.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	echo "ksrc.sh: extracting $TARBALL into $dest" >&2
	tar -xJf "$TARBALL" -C "$tmp" ||
		die "extracting $TARBALL failed"
	[ -f "$tmp/$PKG/Makefile" ] ||
		die "$TARBALL did not contain $PKG/Makefile"
	if ! mv -T "$tmp/$PKG" "$dest" 2>/dev/null; then
		# Another process won the race; its tree is complete.
		[ -f "$dest/Makefile" ] || die "cannot rename tree into $dest"
	fi
	rm -rf "$tmp"
	trap - EXIT
}

main() {
	local ver dest

	[ $# -eq 0 ] || die "usage: tools/vm/ksrc.sh (no arguments)"
	ver=$(pkg_version)
	dest="$CACHE/$PKG-$ver"
	[ -f "$dest/Makefile" ] || extract "$dest"
	echo "$dest"
}

main "$@"; exit
