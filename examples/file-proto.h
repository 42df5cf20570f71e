/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file examples' protocol, inside the ALTS connection:
 *
 *	client: NAME "\n"			a file name in the server's
 *						directory, no '/', at most
 *						FILE_NAME_MAX bytes
 *	server: "OK " SIZE "\n" DATA SHA256	SIZE in decimal, then SIZE bytes
 *						(sent with sendfile), then the
 *						32-byte SHA-256 of the file
 *	   or:  "ERR " MESSAGE "\n"		and the connection is closed
 */
#ifndef EXAMPLES_FILE_PROTO_H
#define EXAMPLES_FILE_PROTO_H

#define FILE_NAME_MAX	255
#define FILE_LINE_MAX	(FILE_NAME_MAX + 2)

#endif
