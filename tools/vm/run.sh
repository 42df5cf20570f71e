#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one test job in one QEMU VM and judge it.
#
# Usage:
#   tools/vm/run.sh --kernel stock|debug --module PATH/alts.ko --name NAME
#       [--add SRC[:DEST]]... [--host-bin PATH]... [--modparam KEY=VALUE]...
#       [--kmod NAME]... [--timeout SECS] [--allow-skip] [--verbose]
#       -- CMD [ARGS...]
#
# --kernel stock boots Debian's linux-image-amd64 kernel; --kernel debug
# boots the KASAN/lockdep/kmemleak kernel from tools/vm/debug-kernel.sh
# (built on first use).  The module must be built for that kernel.  Each
# --add SRC lands in /job (or at DEST); the job runs in /job with its
# stdout as TAP.  --host-bin copies a dynamically linked host program
# (e.g. /sbin/ip, /sbin/tc) with its libraries.  --kmod loads one more
# stock module (stock kernel only).  --timeout defaults to 600 s on the
# stock kernel and 1800 s on the debug kernel.
#
# Prints the job's TAP on stdout followed by one line
#   vm-result: NAME kernel=K PASS|FAIL (reason)
# and exits 0 on PASS, 1 on FAIL, 2 on usage errors.  Logs are kept in
# build/vm-logs/NAME.K/ (console.log, tap.txt, kmsg.txt, verdict.txt), or
# under $KALTS_VM_LOGS.  $KALTS_VM_ACCEL replaces the default "tcg".

set -euo pipefail

readonly PROG=run.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
REPO=$(cd "$HERE/../.." && pwd)
readonly REPO
# shellcheck source=tools/vm/lib.sh
. "$HERE/lib.sh"

readonly BASE_CMDLINE="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1 watchdog_thresh=30 hung_task_panic=1 edd=off loglevel=5 log_buf_len=4M"
readonly STOCK_CMDLINE="slub_debug=FZPU init_on_free=1"
readonly DEBUG_CMDLINE="no_hash_pointers"
# O (out-of-tree) | E (unsigned) on the stock kernel; O only on the debug
# kernel, which has no module signing.
readonly STOCK_TAINT=12288
readonly DEBUG_TAINT=4096
readonly STOCK_MEM=1G
readonly DEBUG_MEM=1G
# Default --timeout in seconds for the whole VM run.
readonly STOCK_TIMEOUT=600
readonly DEBUG_TIMEOUT=1800

# Kernel log lines that fail a run.
readonly BAD_PATTERNS=(
	'BUG:'
	'kernel BUG at'
	'BUG [^ ]+ \((Not tainted|Tainted)'
	'WARNING:'
	'KASAN'
	'UBSAN:'
	'possible recursive locking'
	'circular locking'
	'inconsistent lock state'
	'Oops'
	'Kernel panic'
	'general protection'
	'Unable to handle kernel'
	'Call Trace:'
	'kmemleak:'
	'blocked for more than'
	'detected stall'
	'list_(add|del) corruption'
	'ODEBUG:'
)
# Boot messages that match BAD_PATTERNS but are not reports.
readonly BENIGN_PATTERNS=(
	'KernelAddressSanitizer initialized'
	'kmemleak: Kernel memory leak detector initialized'
	'kmemleak: Automatic memory scanning thread'
)

KERNEL=
TREE=
MODULE=
NAME=
TIMEOUT=
ALLOW_SKIP=0
VERBOSE=0
MKINITRAMFS_ARGS=()
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
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--add|--host-bin|--modparam|--kmod)
			MKINITRAMFS_ARGS+=("$1" "${2:?}"); shift 2 ;;
		--allow-skip) ALLOW_SKIP=1; shift ;;
		--verbose) VERBOSE=1; shift ;;
		--) shift; JOB=("$@"); break ;;
		-h|--help) usage 0 ;;
		*) echo "$PROG: unknown argument '$1'" >&2; usage ;;
		esac
	done
	case "$KERNEL" in
	stock|debug) ;;
	*) echo "$PROG: --kernel must be stock or debug" >&2; usage ;;
	esac
	[ -n "$MODULE" ] || { echo "$PROG: --module is required" >&2; usage; }
	[ -f "$MODULE" ] || die "module '$MODULE' not found"
	[[ "$NAME" =~ ^[A-Za-z0-9._+-]+$ ]] ||
		{ echo "$PROG: --name must use only [A-Za-z0-9._+-]" >&2; usage; }
	if [ -z "$TIMEOUT" ]; then
		TIMEOUT=$STOCK_TIMEOUT
		[ "$KERNEL" = stock ] || TIMEOUT=$DEBUG_TIMEOUT
	fi
	[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "bad --timeout '$TIMEOUT'"
	[ ${#JOB[@]} -gt 0 ] || { echo "$PROG: no job command after --" >&2; usage; }
}

# Sets IMAGE, RELEASE, CMDLINE, MEM, TAINT_WANT (and TREE) for $KERNEL.
select_kernel() {
	case "$KERNEL" in
	stock)
		RELEASE=$(stock_kver)
		IMAGE=/boot/vmlinuz-$RELEASE
		CMDLINE="$BASE_CMDLINE $STOCK_CMDLINE"
		MEM=$STOCK_MEM
		TAINT_WANT=$STOCK_TAINT
		;;
	debug)
		TREE=$("$HERE/debug-kernel.sh" | tail -n1)
		RELEASE=$(cat "$TREE/include/config/kernel.release")
		IMAGE=$TREE/arch/x86/boot/bzImage
		CMDLINE="$BASE_CMDLINE $DEBUG_CMDLINE"
		MEM=$DEBUG_MEM
		TAINT_WANT=$DEBUG_TAINT
		;;
	esac
	[ -r "$IMAGE" ] || die "kernel image $IMAGE is missing or unreadable"
}

check_vermagic() {
	local vermagic want

	vermagic=$(modinfo -F vermagic "$MODULE" 2>/dev/null) ||
		die "$MODULE is not a kernel module"
	[ "${vermagic%% *}" = "$RELEASE" ] ||
		die "$MODULE is built for '${vermagic%% *}', not the $KERNEL kernel $RELEASE"
	case "$KERNEL" in
	stock)
		want=$(modinfo -k "$RELEASE" -F vermagic tls 2>/dev/null || true)
		[ -z "$want" ] || [ "$vermagic" = "$want" ] ||
			die "$MODULE has vermagic '$vermagic', the kernel wants '$want'"
		;;
	debug)
		grep -aqF -- "$vermagic" "$TREE/vmlinux" ||
			die "$MODULE (vermagic '$vermagic') was built against another debug tree; rebuild it against $TREE"
		;;
	esac
}

boot() {
	local initrd=$1 dir=$2 rc=0 tailpid=

	: >"$dir/console.log"
	if [ $VERBOSE -eq 1 ]; then
		tail -n +1 -f "$dir/console.log" >&2 &
		tailpid=$!
	fi
	# TCG's "max" CPU offers 5-level paging, which servers like this one
	# (and most targets) do not have; guests run the 4-level mode that
	# Debian's kernel uses on them.
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
		-accel "${KALTS_VM_ACCEL:-tcg}" -cpu max,la57=off -smp 2 -m "$MEM" \
		-nodefaults -nographic -no-reboot -monitor none \
		-kernel "$IMAGE" -initrd "$initrd" -append "$CMDLINE" \
		-serial "file:$dir/console.log" \
		-serial "file:$dir/tap.raw" \
		-serial "file:$dir/kmsg.raw" \
		</dev/null >"$dir/qemu.log" 2>&1 || rc=$?
	if [ -n "$tailpid" ]; then
		kill "$tailpid" 2>/dev/null || true
		wait "$tailpid" 2>/dev/null || true
	fi
	touch "$dir/tap.raw" "$dir/kmsg.raw"
	tr -d '\r' <"$dir/tap.raw" >"$dir/tap.txt"
	tr -d '\r' <"$dir/kmsg.raw" >"$dir/kmsg.txt"
	rm -f "$dir/tap.raw" "$dir/kmsg.raw"
	echo "$rc"
}

# Value of KEY=VALUE in the summary line.
summary_field() {
	local summary=$1 key=$2

	echo "$summary" | tr ' ' '\n' | sed -n "s/^$key=//p"
}

judge_summary() {
	local summary=$1 v

	v=$(summary_field "$summary" exit)
	if ! [[ "$v" =~ ^[0-9]+$ ]]; then
		REASONS+=("VM setup failed: $v")
		return 1
	fi
	[ "$v" = 0 ] || REASONS+=("job exit=$v")
	v=$(summary_field "$summary" stats)
	[ "$v" = ok ] || REASONS+=("alts_stat Curr* lines not all 0 or missing")
	v=$(summary_field "$summary" rmmod)
	[ "$v" = ok ] || REASONS+=("rmmod alts failed")
	v=$(summary_field "$summary" kmemleak)
	case "$KERNEL:$v" in
	stock:n/a|debug:ok) ;;
	*) REASONS+=("kmemleak=$v") ;;
	esac
	v=$(summary_field "$summary" tainted)
	[ "$v" = "$TAINT_WANT" ] ||
		REASONS+=("tainted=$v, want $TAINT_WANT")
}

judge_tap() {
	local tap=$1 with_summary=$2 plan count totals n

	if grep -Eq '^[#[:space:]]*not ok([[:space:]]|$)' "$tap"; then
		REASONS+=("$(grep -Ec '^[#[:space:]]*not ok([[:space:]]|$)' "$tap") 'not ok' line(s)")
	fi
	if [ $ALLOW_SKIP -eq 0 ] && grep -Eiq '#[[:space:]]*skip' "$tap"; then
		REASONS+=("SKIP in TAP")
	fi
	while read -r totals; do
		for n in fail xpass error; do
			[[ "$totals" =~ (^|[[:space:]])$n:([0-9]+) ]] || continue
			[ "${BASH_REMATCH[2]}" = 0 ] ||
				REASONS+=("Totals $n:${BASH_REMATCH[2]}")
		done
		if [ $ALLOW_SKIP -eq 0 ] && [[ "$totals" =~ skip:([0-9]+) ]] &&
		   [ "${BASH_REMATCH[1]}" != 0 ]; then
			REASONS+=("Totals skip:${BASH_REMATCH[1]}")
		fi
	done < <(grep -E '^[#[:space:]]*Totals:' "$tap" || true)
	count=$(grep -Ec '^(not )?ok([[:space:]]|$)' "$tap" || true)
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$tap" | head -n1)
	if [ -n "$plan" ]; then
		[ "$count" = "$plan" ] ||
			REASONS+=("plan 1..$plan but $count result(s)")
	elif [ "$count" = 0 ] && [ "$with_summary" = 1 ]; then
		REASONS+=("no TAP results")
	fi
}

# The first line of LOG that reports a kernel problem, as LINENO:TEXT.
first_report() {
	local bad benign

	bad=$(printf '%s|' "${BAD_PATTERNS[@]}")
	benign=$(printf '%s|' "${BENIGN_PATTERNS[@]}")
	{ grep -nE "${bad%|}" "$1" | grep -Ev "${benign%|}" || true; } | head -n1
}

judge_log() {
	local log=$1 what=$2 hit

	[ -s "$log" ] || return 0
	hit=$(first_report "$log")
	[ -z "$hit" ] && return 0
	REASONS+=("$what: $(echo "${hit#*:}" | sed 's/^\[[^]]*\] *//' | cut -c1-100)")
}

judge() {
	local dir=$1 qemu_rc=$2 summary setup_failed=0 with_summary=0

	REASONS=()
	summary=$(grep -E '^# kalts-vm: job=' "$dir/tap.txt" | tail -n1 || true)
	if [ -z "$summary" ]; then
		case "$qemu_rc" in
		124|137) REASONS+=("timeout after ${TIMEOUT}s, no summary") ;;
		0) REASONS+=("VM ended without summary (panic or init died)") ;;
		*) REASONS+=("qemu exited $qemu_rc without summary: $(head -n1 "$dir/qemu.log")") ;;
		esac
	else
		with_summary=1
		# /init reboots once it has written the summary, which ends
		# QEMU with status 0 (-no-reboot); anything else (a timeout
		# while dumping the log or rebooting, a QEMU error) fails.
		case "$qemu_rc" in
		0) ;;
		124|137) REASONS+=("timeout after ${TIMEOUT}s, after the summary") ;;
		*) REASONS+=("qemu exited $qemu_rc after the summary: $(head -n1 "$dir/qemu.log")") ;;
		esac
		grep -q '^# kalts-vm: end of kernel log' "$dir/kmsg.txt" ||
			REASONS+=("kernel log dump incomplete")
		judge_summary "$summary" || setup_failed=1
	fi
	[ $setup_failed -eq 1 ] || judge_tap "$dir/tap.txt" "$with_summary"
	judge_log "$dir/kmsg.txt" "kernel log"
	judge_log "$dir/console.log" "console"
}

# The first report on the console (where a crash starts), else its end.
console_excerpt() {
	local log=$1 first

	first=$(first_report "$log" | cut -d: -f1)
	if [ -n "$first" ]; then
		echo "$PROG: console excerpt: $log from line $first:"
		tail -n "+$first" "$log" | head -n 80
	else
		echo "$PROG: console excerpt: last 60 lines of $log:"
		tail -n 60 "$log"
	fi
	echo "$PROG: end of console excerpt"
}

report() {
	local dir=$1 verdict

	cat "$dir/tap.txt"
	if [ ${#REASONS[@]} -eq 0 ]; then
		verdict="vm-result: $NAME kernel=$KERNEL PASS"
	else
		verdict="vm-result: $NAME kernel=$KERNEL FAIL ($(printf '%s; ' "${REASONS[@]}" | sed 's/; $//'))"
		console_excerpt "$dir/console.log" >&2
	fi
	echo "$verdict" | tee "$dir/verdict.txt"
	[ ${#REASONS[@]} -eq 0 ]
}

main() {
	local tmp dir qemu_rc t0

	parse_args "$@"
	select_kernel
	check_vermagic
	dir="${KALTS_VM_LOGS:-$REPO/build/vm-logs}/$NAME.$KERNEL"
	rm -rf "$dir"
	mkdir -p "$dir"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/kalts-vm.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	"$HERE/mkinitramfs.sh" --kernel "$KERNEL" --module "$MODULE" \
		--name "$NAME" --out "$tmp/initramfs.gz" \
		${RELEASE:+--kver "$RELEASE"} \
		"${MKINITRAMFS_ARGS[@]}" -- "${JOB[@]}"
	echo "$CMDLINE" >"$dir/cmdline.txt"
	t0=$SECONDS
	qemu_rc=$(boot "$tmp/initramfs.gz" "$dir")
	log "$NAME on $KERNEL ($RELEASE): VM ran $((SECONDS - t0)) s"
	judge "$dir" "$qemu_rc"
	report "$dir"
}

main "$@"; exit
