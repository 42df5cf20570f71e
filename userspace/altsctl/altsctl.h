/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KALTS_ALTSCTL_H
#define KALTS_ALTSCTL_H

#include <stdbool.h>
#include <stdint.h>

struct alts_creds;

extern const char *prog;

int cert_main(int argc, char **argv);
int crl_main(int argc, char **argv);
int policy_main(int argc, char **argv);

/* Shared by the subcommands; each prints why it failed. */
int read_key_or_complain(const char *path, const char *type, uint8_t key[32]);
bool parse_lifetime(const char *s, uint64_t *secs);
struct alts_creds *load_roots_or_complain(const char *path);
int check_issuer(const char *roots_path, const char *issuer, const uint8_t root_seed[32]);
bool parse_rid_or_complain(const char *s, uint64_t *id);
void print_time(const char *what, uint64_t t);

#endif
