#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# examples-loopback.sh BUILD_DIR
# Runs the examples over loopback TCP with alts.ko's socket options faked by
# fake_alts_preload.so (no encryption: it checks the examples' protocol and
# their use of libalts, not ALTS). Prints one line per failed check.
set -u
b=$(realpath "$1")
ex=$(realpath ../examples/build)
w="$b/examples-loopback"
rm -rf "$w"
mkdir -p "$w/dir"
fails=0
pids=()

cleanup()
{
	local p

	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}
trap cleanup EXIT

check()
{
	local what=$1

	shift
	if ! "$@"; then
		echo "FAILED: $what"
		fails=$((fails + 1))
	fi
}

gcc -std=gnu11 -Wall -Wextra -Werror -shared -fPIC -I ../include/uapi \
	-o "$b/fake_alts_preload.so" tests/fake_alts_preload.c -ldl || exit 1
make -s -C ../examples >/dev/null || exit 1
export LD_PRELOAD="$b/fake_alts_preload.so"

# start_server LOG PROGRAM ARGS...: runs it in the background and sets
# $port to the port it listens on
start_server()
{
	local log=$1 i

	shift
	"$@" >/dev/null 2>"$log" &
	pids+=($!)
	for i in $(seq 1 300); do
		port=$(sed -n 's/.*listening on port \([0-9]*\)$/\1/p' "$log")
		[ -n "$port" ] && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	echo "server did not start: $(cat "$log")"
	exit 1
}

# --- echo ---
FAKE_ALTS_PEER=spiffe://test/echo-client start_server "$w/echo-server.log" \
	"$ex/alts-echo-server" -l spiffe://test/echo-server -t spiffe://test/echo-client 0
printf 'hello\nworld\n' >"$w/echo.in"
head -c 200000 /dev/urandom >>"$w/echo.in"
FAKE_ALTS_PEER=spiffe://test/echo-server "$ex/alts-echo-client" -t spiffe://test/echo-server \
	localhost "$port" <"$w/echo.in" >"$w/echo.out" 2>"$w/echo-client.log"
check "echo client exit status" [ $? -eq 0 ]
check "echo comes back unchanged" cmp -s "$w/echo.in" "$w/echo.out"
check "echo client prints the verified peer" \
	grep -q 'peer "spiffe://test/echo-server" verified.*ALTSRP_GCM_AES128_REKEY' "$w/echo-client.log"
check "echo server prints the verified peer" \
	grep -q 'peer "spiffe://test/echo-client" verified; local "spiffe://test/echo-server"' \
	"$w/echo-server.log"
"$ex/alts-echo-client" localhost "$port" </dev/null 2>/dev/null
check "echo client without -t or -a: usage" [ $? -eq 2 ]

# --- files ---
head -c 3000001 /dev/urandom >"$w/dir/random.bin"
: >"$w/dir/empty"
truncate -s 64M "$w/dir/big"
ln -s /etc/passwd "$w/dir/link"
FAKE_ALTS_PEER=spiffe://test/file-client start_server "$w/file-server.log" \
	"$ex/alts-file-server" 0 "$w/dir"

fetch()
{
	FAKE_ALTS_PEER=spiffe://test/file-server "$ex/alts-file-client" -a "$@" 2>>"$w/file-client.log"
}

for f in random.bin empty; do
	fetch -o "$w/$f.out" 127.0.0.1 "$port" "$f"
	check "fetch $f: exit status" [ $? -eq 0 ]
	check "fetch $f: same bytes" cmp -s "$w/dir/$f" "$w/$f.out"
done
check "file client reports the verified digest" \
	grep -q "sha256 verified $(sha256sum "$w/dir/random.bin" | cut -d' ' -f1)" "$w/file-client.log"
check "file client prints the verified peer" \
	grep -q 'peer "spiffe://test/file-server" verified' "$w/file-client.log"
check "file server prints the verified peer" \
	grep -q 'peer "spiffe://test/file-client" verified' "$w/file-server.log"
fetch 127.0.0.1 "$port" random.bin >"$w/stdout.out"
check "fetch to standard output" cmp -s "$w/dir/random.bin" "$w/stdout.out"

# a refused request leaves no output file behind
fetch -o "$w/missing.out" 127.0.0.1 "$port" missing
check "missing file: exit status" [ $? -eq 1 ]
check "missing file: no output file" [ ! -e "$w/missing.out" ]
check "missing file: the server's reason" grep -q 'server: ERR No such file' "$w/file-client.log"
fetch -o "$w/link.out" 127.0.0.1 "$port" link
check "symbolic link refused" [ $? -eq 1 ]

# raw requests the client would not send (plain TCP: the fake handshake is instant)
# raw REQUEST: sends it, prints the first line of the answer and leaves
raw()
{
	local reply=""

	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	printf "$1" >&3
	IFS= read -r reply <&3
	exec 3<&-
	echo "$reply"
}
for req in '..\n' '.\n' 'a/b\n' 'random.bin\0x\n' '\n'; do
	check "request '$req' refused" [ "$(raw "$req")" = "ERR bad request" ]
done

# a client that leaves in the middle of a transfer does not stop the server
check "big file announced" [ "$(raw 'big\n')" = "OK 67108864" ]
fetch -o "$w/after.out" 127.0.0.1 "$port" random.bin
check "server still serves after a client left" cmp -s "$w/dir/random.bin" "$w/after.out"

echo "examples-loopback: $fails failed"
[ "$fails" -eq 0 ]
