#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run ALTS selftest binaries, each in its own VM, through tools/vm/run.sh.
#
# Usage: selftests/run_vm.sh [--kernel stock|debug] [--module PATH]
#                            [--bin-dir DIR] [-j N] [NAME...]
#
# NAME defaults to every suite listed in selftests/suites; a suite whose
# binary is missing fails. The module defaults to
# build/<kernel>/alts.ko and the binaries to build/selftests (make -C
# selftests). Prints each VM's verdict line and exits 1 if any suite
# failed (a skipped test counts as failed).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
KERNEL=stock
MODULE=
BIN_DIR=$REPO/build/selftests
JOBS=1
SUITES=()

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KERNEL=${2:?}; shift 2 ;;
	--module) MODULE=${2:?}; shift 2 ;;
	--bin-dir) BIN_DIR=${2:?}; shift 2 ;;
	-j) JOBS=${2:?}; shift 2 ;;
	-h|--help) sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "$0"; exit 0 ;;
	-*) echo "run_vm.sh: unknown option $1" >&2; exit 2 ;;
	*) SUITES+=("$1"); shift ;;
	esac
done
[ ${#SUITES[@]} -gt 0 ] ||
	mapfile -t SUITES < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$HERE/suites")
MODULE=${MODULE:-$REPO/build/$KERNEL/alts.ko}
[ -f "$MODULE" ] || { echo "run_vm.sh: no module at $MODULE" >&2; exit 2; }

LOG_DIR=$(mktemp -d)
trap 'rm -rf "$LOG_DIR"' EXIT

run_one() {
	local s=$1

	"$REPO/tools/vm/run.sh" --kernel "$KERNEL" --module "$MODULE" \
		--add "$BIN_DIR/$s" --name "selftest-$s" -- "/job/$s" \
		>"$LOG_DIR/$s.out" 2>&1 || true
}

running=0
for s in "${SUITES[@]}"; do
	[ -x "$BIN_DIR/$s" ] || { echo "run_vm.sh: $BIN_DIR/$s missing" >&2; exit 2; }
	run_one "$s" &
	running=$((running + 1))
	if [ $running -ge "$JOBS" ]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

rc=0
for s in "${SUITES[@]}"; do
	grep -a -h '^# Totals:' "$LOG_DIR/$s.out" | sed "s/^/$s: /" || true
	grep -a -h '^# fuzz' "$LOG_DIR/$s.out" | sed "s/^/$s: /" || true
	grep -a -h '^not ok' "$LOG_DIR/$s.out" | sed "s/^/$s: /" || true
	if ! grep -a -h '^vm-result:' "$LOG_DIR/$s.out"; then
		echo "vm-result: selftest-$s kernel=$KERNEL FAIL (no verdict)"
		rc=1
	fi
	grep -a -q '^vm-result: .* PASS' "$LOG_DIR/$s.out" || rc=1
done
exit $rc
