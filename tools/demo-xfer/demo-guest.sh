#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the demo VM: two network namespaces joined by a veth pair,
# a file moved from "client" to "server" over ALTS, and what was verified.
# Prints TAP: one "ok" line per verified property, details as comments.
set -eu

XFER=$(pwd)/alts_xfer
IP=/sbin/ip
KEY=/tmp/key
SIZE=$((4 * 1024 * 1024))

in_ns() {
	ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

setup_netns() {
	mkdir -p /run/netns
	"$IP" netns add client
	"$IP" netns add server
	"$IP" link add veth-c netns client type veth peer name veth-s netns server
	in_ns client "$IP" link set lo up
	in_ns server "$IP" link set lo up
	in_ns client "$IP" addr add 198.51.100.1/24 dev veth-c
	in_ns server "$IP" addr add 198.51.100.2/24 dev veth-s
	in_ns client "$IP" addr add 2001:db8::1/64 dev veth-c nodad
	in_ns server "$IP" addr add 2001:db8::2/64 dev veth-s nodad
	in_ns client "$IP" link set veth-c up
	in_ns server "$IP" link set veth-s up
}

N=0
FAILED=0

# check DESCRIPTION COMMAND...: one TAP result.
check() {
	desc=$1
	shift
	N=$((N + 1))
	if "$@"; then
		echo "ok $N - $desc"
	else
		echo "not ok $N - $desc"
		FAILED=1
	fi
}

comment() {
	sed 's/^/# /'
}

# transfer ADDR PORT: move /tmp/file from client to server, compare hashes.
transfer() {
	rm -f /tmp/received
	in_ns server "$XFER" serve "$2" "$KEY" /tmp/received | comment &
	in_ns client "$XFER" send "$1" "$2" "$KEY" /tmp/file | comment
	wait $!
	sent=$(sha256sum /tmp/file | cut -d' ' -f1)
	got=$(sha256sum /tmp/received 2>/dev/null | cut -d' ' -f1)
	echo "# sha256 sent     $sent"
	echo "# sha256 received $got"
	[ "$sent" = "$got" ]
}

# inspect_has TEXT: the capture check printed a line starting with TEXT.
inspect_has() {
	grep -q "^$1" /tmp/inspect.txt
}

setup_netns
head -c "$SIZE" /dev/urandom >/tmp/file
umask 077
head -c 44 /dev/urandom >"$KEY"

echo "TAP version 13"
echo "1..5"
echo "# client 198.51.100.1 -> server 198.51.100.2, IPv4, 4 MiB, sendfile()"
check "IPv4: the file arrives intact (sha256)" transfer 198.51.100.2 7000
echo "# client 2001:db8::1 -> server 2001:db8::2, IPv6, 4 MiB, sendfile()"
check "IPv6: the file arrives intact (sha256)" transfer 2001:db8::2 7001

echo "# the same transfer, captured by a server without keys"
in_ns server "$XFER" capture 7002 /tmp/raw &
in_ns client "$XFER" send 198.51.100.2 7002 "$KEY" /tmp/file | comment
wait $!
"$XFER" inspect /tmp/raw /tmp/file "$KEY" >/tmp/inspect.txt || true
comment </tmp/inspect.txt
check "wire: only well-formed ALTS frames, no plaintext" \
	inspect_has "wire: the file's plaintext does not appear"
check "wire: the capture decrypts to the file with the key" inspect_has "replay: a keyed"
check "wire: one flipped bit is refused with EBADMSG" inspect_has "tamper: one flipped"

echo "# /proc/net/alts_stat in the server namespace:"
in_ns server cat /proc/net/alts_stat | comment
exit "$FAILED"
