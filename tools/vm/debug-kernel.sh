#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) a small debug kernel for the VM tests and print its tree.
#
# Usage: tools/vm/debug-kernel.sh [-j JOBS]   (default: nproc)
#
# The kernel is tinyconfig plus tools/vm/debug.config (KASAN, lockdep,
# kmemleak, ...), built from the extracted linux-source-6.1 tree.  The
# build lives in ${KALTS_CACHE:-~/.cache/kalts}/debug-kernel/<key>/ where
# <key> hashes debug.config, this script, the linux-source-6.1 package
# version and the compiler version.  The last line of stdout is the tree
# path; everything else goes to stderr.  The image is
# <tree>/arch/x86/boot/bzImage and out-of-tree modules build with
# `make -C <tree> M=<dir> modules`.

set -euo pipefail

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly FRAGMENT="$HERE/debug.config"
readonly CACHE=${KALTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kalts}
readonly STAMP=.kalts-complete

JOBS=$(nproc)

die() {
	echo "debug-kernel.sh: error: $*" >&2
	exit 1
}

log() {
	echo "debug-kernel.sh: $*" >&2
}

usage() {
	sed -n '3,/^[^#]/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
	exit "${1:-2}"
}

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		-j) [ $# -ge 2 ] || usage; JOBS=$2; shift 2 ;;
		-j*) JOBS=${1#-j}; shift ;;
		-h|--help) usage 0 ;;
		*) usage ;;
		esac
	done
	[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || die "bad job count '$JOBS'"
}

check_compiler() {
	local major

	command -v gcc >/dev/null || die "gcc not found (run tools/deps.sh)"
	major=$(gcc -dumpversion)
	[ "${major%%.*}" = 12 ] ||
		die "gcc $major found; the kernel and its modules need gcc-12"
}

cache_key() {
	local ver

	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
		die "linux-source-6.1 is not installed (run tools/deps.sh)"
	{
		sha256sum <"$FRAGMENT"
		sha256sum <"${BASH_SOURCE[0]}"
		echo "linux-source-6.1 $ver"
		gcc --version | head -n1
	} | sha256sum | cut -c1-16
}

copy_source() {
	local tree=$1 src

	src=$("$HERE/ksrc.sh")
	log "copying $src to $tree"
	mkdir -p "$tree"
	cp -a "$src/." "$tree/"
}

# Verify that every line of the fragment survived olddefconfig.
verify_config() {
	local config=$1 line sym want got bad=0

	while IFS= read -r line; do
		case "$line" in
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			want=n
			;;
		CONFIG_*=*)
			sym=${line%%=*}
			want=${line#*=}
			;;
		*) continue ;;
		esac
		got=$(grep -m1 -E "^$sym=" "$config" | cut -d= -f2- || true)
		[ -n "$got" ] || got=n
		if [ "$got" != "$want" ]; then
			echo "debug-kernel.sh: error: $sym: want $want, got $got" >&2
			bad=1
		fi
	done <"$FRAGMENT"
	[ $bad -eq 0 ] || die "kernel config does not match $FRAGMENT (dependency missing?)"
}

run_make() {
	local tree=$1 buildlog=$2

	shift 2
	if ! make -C "$tree" "$@" >>"$buildlog" 2>&1; then
		tail -n 60 "$buildlog" >&2
		die "make $* failed (full log: $buildlog)"
	fi
}

configure() {
	local tree=$1 buildlog=$2

	log "configuring: tinyconfig + $FRAGMENT"
	run_make "$tree" "$buildlog" tinyconfig
	(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "$FRAGMENT") \
		>>"$buildlog" 2>&1 || die "merge_config.sh failed (log: $buildlog)"
	run_make "$tree" "$buildlog" olddefconfig
	verify_config "$tree/.config"
}

build() {
	local tree=$1 buildlog=$2 t0

	t0=$SECONDS
	log "building bzImage and modules with -j$JOBS (log: $buildlog)"
	run_make "$tree" "$buildlog" -j"$JOBS" bzImage modules
	run_make "$tree" "$buildlog" modules_prepare
	[ -f "$tree/arch/x86/boot/bzImage" ] || die "no bzImage after build"
	[ -f "$tree/Module.symvers" ] || die "no Module.symvers after build"
	log "built $(cat "$tree/include/config/kernel.release") in $((SECONDS - t0)) s"
}

main() {
	local key dir tree buildlog

	parse_args "$@"
	unset ARCH CROSS_COMPILE KBUILD_OUTPUT O LOCALVERSION KCFLAGS KCPPFLAGS KAFLAGS
	check_compiler
	key=$(cache_key)
	dir="$CACHE/debug-kernel"
	tree="$dir/$key"
	buildlog="$dir/$key.build.log"
	mkdir -p "$dir"

	exec 9>"$dir/$key.lock"
	flock 9
	if [ ! -f "$tree/$STAMP" ]; then
		rm -rf "$tree"
		: >"$buildlog"
		copy_source "$tree"
		configure "$tree" "$buildlog"
		build "$tree" "$buildlog"
		touch "$tree/$STAMP"
	else
		log "using cached $(cat "$tree/include/config/kernel.release") in $tree"
	fi
	flock -u 9
	echo "$tree"
}

main "$@"
