/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KALTS_ALTSCTL_H
#define KALTS_ALTSCTL_H

extern const char *prog;

int cert_main(int argc, char **argv);

#endif
