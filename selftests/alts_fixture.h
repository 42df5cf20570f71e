/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alts_fixture.h - the "alts" fixture of the data-path suites: a loopback
 * pair with the ULP on both ends, TX keys on the client (fd) and RX keys
 * on the server (cfd), for IPv4/IPv6 x each record protocol. Include once,
 * from the test file.
 */
#ifndef ALTS_FIXTURE_H
#define ALTS_FIXTURE_H

#include "alts_common.h"

FIXTURE(alts)
{
	int fd, cfd;
};

FIXTURE_VARIANT(alts)
{
	int family;
	uint16_t proto;
};

ALTS_FIXTURE_VARIANTS(alts);

FIXTURE_SETUP(alts)
{
	ASSERT_EQ(tcp_pair(variant->family, &self->fd, &self->cfd), 0);
	ASSERT_EQ(alts_attach(self->fd), 0);
	ASSERT_EQ(alts_attach(self->cfd), 0);
	ASSERT_EQ(alts_install(self->fd, ALTS_TX, variant->proto,
			       ALTS_SIDE_CLIENT, 0, 0), 0);
	ASSERT_EQ(alts_install(self->cfd, ALTS_RX, variant->proto,
			       ALTS_SIDE_SERVER, 0, 0), 0);
}

FIXTURE_TEARDOWN(alts)
{
	close(self->fd);
	close(self->cfd);
}

#endif /* ALTS_FIXTURE_H */
