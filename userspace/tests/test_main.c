// SPDX-License-Identifier: GPL-2.0
/* Runs every cmocka group and prints "N passed, N failed". */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tests.h"

static const struct test_group *const groups[] = {
	&kdf_group, &handshake_group, &cert_group, &ticket_group, &driver_group, &daemon_group,
	&libalts_group, &sha256_group,
};

int main(int argc, char **argv)
{
	size_t i, total = 0;

	signal(SIGPIPE, SIG_IGN);
	int failed = 0;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		const struct test_group *g = groups[i];
		int r;

		if (argc > 1 && strcmp(argv[1], g->name))
			continue;
		r = _cmocka_run_group_tests(g->name, g->tests, g->n, NULL, NULL);
		total += g->n;
		failed += r < 0 ? (int)g->n : r;
		/* cmocka does not count a failed group teardown: it is a failure here */
		if (g->teardown && g->teardown(NULL)) {
			printf("[  FAILED  ] %s: group teardown\n", g->name);
			total++;
			failed++;
		}
	}
	printf("%zu passed, %d failed\n", total - (size_t)failed, failed);
	return failed ? 1 : 0;
}
