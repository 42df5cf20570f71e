#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs (gzip'd newc cpio) for one VM test job.
#
# Usage:
#   tools/vm/mkinitramfs.sh --kernel stock|debug --module PATH/alts.ko
#       --name NAME --out FILE [--kver RELEASE] [--add SRC[:DEST]]...
#       [--host-bin PATH]... [--kmod NAME]... [--modparam KEY=VALUE]...
#       -- CMD [ARGS...]
#
# The image holds tools/vm/init as /init, static busybox with its applet
# links, the module as /alts.ko, each --add file or directory at DEST
# (default /job/<basename of SRC>; the job runs in /job with /job first in
# PATH), each --host-bin host program (e.g. /sbin/ip, /sbin/tc from
# iproute2) with its shared libraries, reachable as /bin/NAME, /sbin/NAME,
# /usr/bin/NAME and /usr/sbin/NAME instead of the busybox applet, and
# /kalts/job.conf describing the job.  busybox sh runs its own applets
# before searching PATH, so call such programs by absolute path.  For the stock kernel the
# modules the tests need (crypto, tls, veth, each --kmod, and whatever
# alts.ko depends on) are copied from /lib/modules/RELEASE in dependency
# order and decompressed; the debug kernel has them built in.

set -euo pipefail

readonly PROG=mkinitramfs.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
# shellcheck source=tools/vm/lib.sh
. "$HERE/lib.sh"

readonly STOCK_KMODS=(cryptd crypto_simd aesni-intel ghash-clmulni-intel
	gf128mul ghash-generic ctr gcm tls veth)

KERNEL=
MODULE=
NAME=
OUT=
KVER=
ADDS=()
HOST_BINS=()
KMODS=()
MODPARAMS=()
JOB=()

usage() {
	sed -n '3,/^[^#]/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
	exit "${1:-2}"
}

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel) KERNEL=${2:?}; shift 2 ;;
		--module) MODULE=${2:?}; shift 2 ;;
		--name) NAME=${2:?}; shift 2 ;;
		--out) OUT=${2:?}; shift 2 ;;
		--kver) KVER=${2:?}; shift 2 ;;
		--add) ADDS+=("${2:?}"); shift 2 ;;
		--host-bin) HOST_BINS+=("${2:?}"); shift 2 ;;
		--kmod) KMODS+=("${2:?}"); shift 2 ;;
		--modparam) MODPARAMS+=("${2:?}"); shift 2 ;;
		--) shift; JOB=("$@"); break ;;
		-h|--help) usage 0 ;;
		*) echo "$PROG: unknown argument '$1'" >&2; usage ;;
		esac
	done
	case "$KERNEL" in
	stock|debug) ;;
	*) die "--kernel must be stock or debug" ;;
	esac
	[ -n "$MODULE" ] || die "--module is required"
	[ -f "$MODULE" ] || die "module '$MODULE' not found"
	[ -n "$OUT" ] || die "--out is required"
	[[ "$NAME" =~ ^[A-Za-z0-9._+-]+$ ]] ||
		die "--name must be non-empty and use only [A-Za-z0-9._+-]"
	[ ${#JOB[@]} -gt 0 ] || die "no job command given after --"
	local p
	for p in "${MODPARAMS[@]}"; do
		[[ "$p" =~ ^[A-Za-z0-9_.]+=[^[:space:]\'\"]*$ ]] ||
			die "bad --modparam '$p' (want KEY=VALUE without spaces or quotes)"
	done
	if [ "$KERNEL" = stock ] && [ -z "$KVER" ]; then
		KVER=$(stock_kver)
	fi
}

install_busybox() {
	local root=$1 bb applet

	bb=$(command -v busybox || true)
	[ -n "$bb" ] || die "busybox not found (run tools/deps.sh)"
	check_static "$bb"
	readelf -l "$bb" >/dev/null 2>&1 || die "$bb is not an ELF binary"
	mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin"
	cp "$bb" "$root/bin/busybox"
	while read -r applet; do
		[ -n "$applet" ] || continue
		[ "$applet" = bin/busybox ] && continue
		[ -e "$root/$applet" ] && continue
		ln -s /bin/busybox "$root/$applet"
	done < <("$bb" --list-full)
	[ -e "$root/bin/sh" ] || die "busybox has no sh applet"
}

# Copy a module file, decompressing it if needed.
copy_ko() {
	local src=$1 dst=$2

	case "$src" in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz) xz -dc "$src" >"$dst" ;;
	*.ko.gz) gzip -dc "$src" >"$dst" ;;
	*.ko.zst) zstd -qdc "$src" >"$dst" ;;
	*) die "unknown module file type: $src" ;;
	esac
}

# Module names alts.ko needs from the running kernel (modinfo depends=).
alts_depends() {
	modinfo -F depends "$MODULE" 2>/dev/null | tr ',' '\n' | sed '/^$/d'
}

# Print "insmod PATH" lines for NAME and its dependencies, in load order.
resolve_stock() {
	local name=$1

	modprobe --show-depends -S "$KVER" "$name" 2>/dev/null ||
		die "module '$name' not found for $KVER"
}

install_stock_modules() {
	local root=$1 name line path base deps
	local -A seen=()

	[ -d "/lib/modules/$KVER" ] ||
		die "/lib/modules/$KVER missing (run tools/deps.sh)"
	mkdir -p "$root/kalts/modules"
	: >"$root/kalts/modules.order"
	while read -r name; do
		[ -n "$name" ] || continue
		deps=$(resolve_stock "$name")
		while read -r line; do
			case "$line" in
			"insmod "*) path=${line#insmod }; path=${path%% *} ;;
			builtin*) continue ;;
			*) continue ;;
			esac
			base=$(basename "$path")
			base=${base%.xz}; base=${base%.gz}; base=${base%.zst}
			[ -n "${seen[$base]:-}" ] && continue
			seen[$base]=1
			copy_ko "$path" "$root/kalts/modules/$base"
			echo "$base" >>"$root/kalts/modules.order"
		done <<<"$deps"
	done < <(printf '%s\n' "${STOCK_KMODS[@]}" "${KMODS[@]}" && alts_depends)
}

check_debug_modules() {
	local deps

	deps=$(alts_depends | tr '\n' ' ')
	[ -z "$deps" ] ||
		die "alts.ko depends on modules ($deps) the debug kernel builds in; rebuild it against the debug tree"
}

install_adds() {
	local root=$1 spec src dest

	mkdir -p "$root/job"
	for spec in "${ADDS[@]}"; do
		src=${spec%%:*}
		if [ "$src" = "$spec" ]; then
			dest=/job/$(basename "$src")
		else
			dest=${spec#*:}
		fi
		[ -e "$src" ] || die "--add: '$src' not found"
		[[ "$dest" == /* ]] || die "--add: destination '$dest' must be absolute"
		check_static "$src"
		copy_into "$root" "$src" "$dest"
	done
}

# Copy SRC to DEST inside ROOT, replacing a file or applet link there.
copy_into() {
	local root=$1 src=$2 dest=$3

	if [ -L "$root$dest" ] || [ -f "$root$dest" ]; then
		rm -f "$root$dest"
	fi
	mkdir -p "$root$(dirname "$dest")"
	cp -a --dereference "$src" "$root$dest"
}

# Host programs with their shared-library closure, at their host paths.
install_host_bins() {
	local root=$1 bin path lib

	for bin in "${HOST_BINS[@]}"; do
		path=$bin
		[[ "$path" == /* ]] || path=$(command -v "$bin" || true)
		if [ -z "$path" ] || [ ! -x "$path" ]; then
			die "--host-bin: '$bin' not found"
		fi
		path=$(readlink -f "$path")
		copy_into "$root" "$path" "$path"
		for lib in /bin /sbin /usr/bin /usr/sbin; do
			[ "$lib/${path##*/}" = "$path" ] && continue
			rm -f "$root$lib/${path##*/}"
			ln -s "$path" "$root$lib/${path##*/}"
		done
		while read -r lib; do
			[ -e "$root$lib" ] || copy_into "$root" "$lib" "$lib"
		done < <(ldd "$path" 2>/dev/null |
			sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p')
	done
}

write_job_conf() {
	local root=$1 arg

	{
		echo "JOB_NAME=$(shquote "$NAME")"
		echo "KERNEL_FLAVOR=$(shquote "$KERNEL")"
		echo "MODPARAMS=$(shquote "${MODPARAMS[*]}")"
		printf 'set --'
		for arg in "${JOB[@]}"; do
			printf ' %s' "$(shquote "$arg")"
		done
		echo
	} >"$root/kalts/job.conf"
}

populate() {
	local root=$1

	mkdir -p "$root"/{dev,proc,sys,tmp,run,etc,kalts,root}
	install_busybox "$root"
	install -m 0755 "$HERE/init" "$root/init"
	cp "$MODULE" "$root/alts.ko"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$root/etc/hosts"
	if [ "$KERNEL" = stock ]; then
		install_stock_modules "$root"
	else
		check_debug_modules
	fi
	install_host_bins "$root"
	install_adds "$root"
	write_job_conf "$root"
}

# One newc cpio header plus NUL-terminated, 4-byte padded name.
newc_entry() {
	local name=$1 mode=$2 nlink=$3 rmaj=$4 rmin=$5 namesize pad

	namesize=$((${#name} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 "$mode" 0 0 "$nlink" 0 0 0 0 "$rmaj" "$rmin" "$namesize" 0
	printf '%s\0' "$name"
	pad=$(((4 - (110 + namesize) % 4) % 4))
	head -c "$pad" /dev/zero
}

# /dev/console must exist before /init runs; mknod needs privileges, so
# write the entry directly.
dev_archive() {
	newc_entry dev $((0040755)) 2 0 0
	newc_entry dev/console $((0020600)) 1 5 1
	newc_entry 'TRAILER!!!' 0 1 0 0
}

pack() {
	local root=$1 out=$2

	find "$root" -exec touch -h -d @0 {} +
	{
		dev_archive
		(cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
			cpio --quiet --null -o -H newc -R 0:0 --reproducible)
	} | gzip -n -6 >"$out"
}

main() {
	local tmp

	parse_args "$@"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/kalts-initramfs.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	populate "$tmp/root"
	pack "$tmp/root" "$OUT.tmp"
	mv -f "$OUT.tmp" "$OUT"
}

main "$@"; exit
