// SPDX-License-Identifier: GPL-2.0
/* altsctl: kalts administration. Subcommand table and dispatch, as wg(8). */
#include <stdio.h>
#include <string.h>

#include "altsctl.h"
#include "messages.h"

const char *prog;

static int version_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs(ALTS_HS_LABEL_TEXT, stdout);
	return 0;
}

static const struct {
	const char *subcommand;
	int (*function)(int, char **);
	const char *description;
} subcommands[] = {
	{ "cert", cert_main, "Creates roots, issues, rotates and prints certificates and resumption keys" },
	{ "crl", crl_main, "Creates, extends, renews and lists the signed revocation list" },
	{ "policy", policy_main, "Adds, removes and lists issuer policy rules" },
	{ "version", version_main, "Shows what this handshake is (and is not)" },
};

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s <cmd> [<args>]\n\nAvailable subcommands:\n", prog);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %s: %s\n", subcommands[i].subcommand, subcommands[i].description);
	fprintf(f, "You may pass `--help' to any of these subcommands to view usage.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	prog = argv[0];
	if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version")))
		return version_main(argc, argv);
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		show_usage(argc < 2 ? stderr : stdout);
		return argc < 2;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].subcommand))
			return subcommands[i].function(argc - 1, argv + 1);
	fprintf(stderr, "Invalid subcommand: `%s'\n", argv[1]);
	show_usage(stderr);
	return 1;
}
