/* SPDX-License-Identifier: GPL-2.0 */
/* altshd's internals shared between its source files (not a client interface). */
#ifndef KALTS_ALTSHD_HSD_H
#define KALTS_ALTSHD_HSD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* More descriptors than this in one request are dropped by the kernel (and the request refused). */
#define HSD_MAX_RECV_FDS	16

/*
 * Receives one request message from @conn into @buf. Every descriptor that
 * came with it is closed unless the message is well formed and carried
 * exactly one, which is then stored in *@fd. Returns the message length,
 * -EAGAIN if nothing was there yet, or -EBADMSG / another -errno (no
 * descriptor is left open then).
 */
ssize_t hsd_recv_request(int conn, uint8_t *buf, size_t len, int *fd);

#endif /* KALTS_ALTSHD_HSD_H */
