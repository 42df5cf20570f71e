#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check.sh BUILD_DIR FUZZ_SECONDS FUZZER...
# Unit tests (ASan + UBSan), the libalts install check, the examples over
# loopback, then a bounded libFuzzer run per harness (one test case each).
# Ends with "N passed, N failed"; exits non-zero on failure.
set -u
b=$1 secs=$2
shift 2
mkdir -p "$b/results"
passed=0 failed=0

ALTSHD="$b/san/altshd" ALTSCTL="$b/san/altsctl" ASAN_OPTIONS="detect_leaks=1:abort_on_error=0" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
	"$b/san/unit" >"$b/results/unit.log" 2>&1
rc=$?
grep -E '^\[  (FAILED|ERROR)|^\[   LINE|runtime error|ERROR: (Address|Leak)Sanitizer' "$b/results/unit.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$b/results/unit.log" | tail -n 1)
if [ -n "$line" ]; then
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	echo "unit: $line"
	# cmocka reports a skipped test as not failed; it is not a pass
	skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9][0-9]*\) test(s), listed below:$/\1/p' \
		"$b/results/unit.log" | awk '{ n += $1 } END { print n + 0 }')
	if [ "$skipped" -gt 0 ]; then
		echo "unit: $skipped skipped test(s) counted as failed"
		grep -E '^\[  SKIPPED \] ' "$b/results/unit.log"
		p=$((p - skipped))
		f=$((f + skipped))
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	# a sanitizer report or crash after the summary still fails the suite
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "unit: exit status $rc (sanitizer report?), see $b/results/unit.log"
		failed=$((failed + 1))
	fi
else
	echo "unit: no summary (exit $rc), see $b/results/unit.log"
	tail -n 20 "$b/results/unit.log"
	failed=$((failed + 1))
fi

# libalts as its users get it: installed, found by pkg-config, linked
if ./tests/libalts-install.sh "$b" >"$b/results/libalts-install.log" 2>&1; then
	echo "libalts-install: passed"
	passed=$((passed + 1))
else
	echo "libalts-install: FAILED, see $b/results/libalts-install.log"
	tail -n 20 "$b/results/libalts-install.log"
	failed=$((failed + 1))
fi

# the examples over loopback, alts.ko's socket options faked
if ./tests/examples-loopback.sh "$b" >"$b/results/examples-loopback.log" 2>&1; then
	echo "examples-loopback: passed"
	passed=$((passed + 1))
else
	echo "examples-loopback: FAILED, see $b/results/examples-loopback.log"
	tail -n 20 "$b/results/examples-loopback.log"
	failed=$((failed + 1))
fi

for f in "$@"; do
	if [ -z "${HAVE_FUZZER:-}" ]; then
		echo "fuzz: fuzz_$f: FAILED, $FUZZ_CC cannot link -fsanitize=fuzzer (Debian: install libclang-rt-14-dev)"
		failed=$((failed + 1))
		continue
	fi
	if ./fuzz/run.sh "$b/fuzz/fuzz_$f" "fuzz/corpus/$f" "$b/corpus/$f" "$secs" \
		"$b/results/fuzz_$f.log"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
