/* SPDX-License-Identifier: GPL-2.0 */
/* libalts internals, shared between its files and its tests. */
#ifndef LIBALTS_INTERNAL_H
#define LIBALTS_INTERNAL_H

#include <alts/alts.h>

#define ALTS_PUBLIC __attribute__((visibility("default")))

/* request.c */
int alts_lib_encode_request(struct alts_handshake_req *req, enum alts_hs_role role,
			    const struct alts_opts *opts);

/* connect.c */
struct addrinfo;
int alts_lib_connect_first(const struct addrinfo *list, unsigned int timeout_ms);

/* handshake.c */
int alts_lib_attach_ulp(int fd);
int alts_lib_request(int fd, const struct alts_handshake_req *req);

/* Closes @fd and returns -1, keeping errno as it was. */
int alts_lib_close_fail(int fd);

#endif /* LIBALTS_INTERNAL_H */
