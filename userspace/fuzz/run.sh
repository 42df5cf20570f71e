#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh FUZZER SEED_DIR WORK_DIR SECONDS LOG
# Runs one libFuzzer harness for a bounded time on a copy of its seed corpus
# (the repository's seeds are never modified) and prints its executions.
set -u
fuzzer=$1 seeds=$2 work=$3 secs=$4 log=$5
mkdir -p "$work" "$work.crashes"
"$fuzzer" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work.crashes/" "$work" "$seeds" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
name=$(basename "$fuzzer")
if [ $rc -eq 0 ]; then
	echo "fuzz: $name: ${execs:-?} executions in ${secs}s, no crash"
else
	echo "fuzz: $name: FAILED (exit $rc), see $log and $work.crashes/"
	grep -E "ERROR|SUMMARY" "$log" | head -n 5
fi
exit $rc
