#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# libalts-install.sh BUILD_DIR
# Installs libalts into a staging tree, then builds a program against it
# the way a user would (pkg-config, <alts/alts.h>), shared and static, as C
# and as C++, runs it, and checks that only the API is exported.
set -eu
b=$(realpath "$1")
stage="$b/libalts-stage"
rm -rf "$stage"
make -s -C libalts install DESTDIR="$stage" PREFIX=/usr/local >/dev/null

export PKG_CONFIG_SYSROOT_DIR="$stage"
export PKG_CONFIG_LIBDIR="$stage/usr/local/lib/pkgconfig"
cflags=$(pkg-config --cflags libalts)
libs=$(pkg-config --libs libalts)
[ "$(pkg-config --modversion libalts)" = 0.1.0 ]

src="$b/libalts-user.c"
cat >"$src" <<'C'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <alts/alts.h>

int main(void)
{
	struct alts_opts opts = { .connect_timeout_ms = 1000 };
	struct alts_peer peer;

	/* a client that names no peer: EINVAL, before any connection */
	if (alts_connect("127.0.0.1", "1", &opts, &peer) != -1 || errno != EINVAL)
		return 1;
	if (strcmp(alts_record_protocol_name(ALTSRP_GMAC_128), "ALTSRP_GMAC_128"))
		return 1;
	puts(alts_errstr(ESRCH));
	return 0;
}
C
# the header alone, strictly, in both languages
gcc -std=c99 -pedantic -Wall -Wextra -Werror $cflags -o "$b/libalts-user" "$src" $libs
g++ -x c++ -std=c++11 -Wall -Werror -fsyntax-only $cflags - <<'CXX'
#include <alts/alts.h>
int main() { return alts_errstr(0) == nullptr; }
CXX
LD_LIBRARY_PATH="$stage/usr/local/lib" "$b/libalts-user" | grep -q altshd
# libalts.so.0 is what the program needs
readelf -d "$b/libalts-user" | grep -q 'NEEDED.*\[libalts\.so\.0\]'
# static
gcc -std=c99 -static-libgcc $cflags -o "$b/libalts-user-static" "$src" "$stage/usr/local/lib/libalts.a"
"$b/libalts-user-static" | grep -q altshd
# exports: the API and nothing else
nm -D --defined-only "$stage/usr/local/lib/libalts.so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' |
	sort >"$b/libalts-exports"
grep -E '^[a-z]' ../include/alts/alts.h | grep -oE 'alts_[a-z_]+\(' | tr -d '(' | sort -u |
	diff - "$b/libalts-exports"
