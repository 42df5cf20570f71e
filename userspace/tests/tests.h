/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KALTS_TESTS_H
#define KALTS_TESTS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

struct test_group {
	const char *name;
	const struct CMUnitTest *tests;
	size_t n;
	CMFixtureFunction teardown;
};

extern const struct test_group kdf_group, handshake_group, cert_group, ticket_group,
	driver_group, daemon_group, libalts_group, sha256_group;

#define T_STATE void **state __attribute__((unused))

#define GROUP(var, nm, arr) \
	const struct test_group var = { nm, arr, sizeof(arr) / sizeof(arr[0]), NULL }
#define GROUP_TEARDOWN(var, nm, arr, td) \
	const struct test_group var = { nm, arr, sizeof(arr) / sizeof(arr[0]), td }

#endif
