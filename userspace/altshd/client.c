// SPDX-License-Identifier: GPL-2.0
/* Client side of altshd's local interface. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "altshd.h"
#include "altshd.pb-c.h"

static int send_request(int s, int fd, const struct altshd_request *req)
{
	Kalts__Hsd__HandshakeRequest r = KALTS__HSD__HANDSHAKE_REQUEST__INIT;
	uint32_t rps[ALTS_MAX_LIST];
	uint8_t buf[ALTSHD_MAX_MSG];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov;
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	size_t i, len;

	if (req->n_record_protocols > ALTS_MAX_LIST)
		return -EINVAL;
	r.role = req->role;
	r.n_target_identities = req->n_target_identities;
	r.target_identities = (char **)req->target_identities;
	for (i = 0; i < req->n_record_protocols; i++)
		rps[i] = req->record_protocols[i];
	r.n_record_protocols = req->n_record_protocols;
	r.record_protocols = rps;
	r.timeout_ms = req->timeout_ms;
	r.return_key = req->return_key;
	r.pfs = req->pfs;
	len = kalts__hsd__handshake_request__get_packed_size(&r);
	if (len > sizeof(buf))
		return -EMSGSIZE;
	kalts__hsd__handshake_request__pack(&r, buf);
	iov.iov_base = buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(s, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -errno;
}

static bool copy_str(char *dst, const char *src, size_t max)
{
	if (strlen(src) > max)
		return false;
	strcpy(dst, src);
	return true;
}

int altshd_handshake(const char *path, int fd, const struct altshd_request *req,
		     struct altshd_response *resp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	Kalts__Hsd__HandshakeResponse *r;
	uint8_t buf[ALTSHD_MAX_MSG];
	ssize_t n;
	int s, ret;

	memset(resp, 0, sizeof(*resp));
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun))) {
		ret = -errno;
		goto out;
	}
	ret = send_request(s, fd, req);
	if (ret)
		goto out;
	do
		n = recv(s, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		/* the handshake process died without answering */
		ret = n < 0 ? -errno : -ECONNRESET;
		goto out;
	}
	r = kalts__hsd__handshake_response__unpack(NULL, (size_t)n, buf);
	ret = -EBADMSG;
	if (!r)
		goto out;
	if (r->key.len <= sizeof(resp->key) && copy_str(resp->peer_identity, r->peer_identity, ALTS_MAX_IDENTITY) &&
	    copy_str(resp->local_identity, r->local_identity, ALTS_MAX_IDENTITY) &&
	    copy_str(resp->app_protocol, r->application_protocol, ALTS_MAX_NAME)) {
		resp->status = (int)r->status;
		resp->errno_value = r->errno_value;
		resp->record_protocol = r->record_protocol;
		if (r->key.len)
			memcpy(resp->key, r->key.data, r->key.len);
		resp->key_len = r->key.len;
		resp->max_frame_size = r->max_frame_size;
		resp->resumed = r->resumed;
		resp->pfs = r->pfs;
		resp->keys_installed = r->keys_installed;
		ret = 0;
	}
	OPENSSL_cleanse(r->key.data, r->key.len);
	kalts__hsd__handshake_response__free_unpacked(r, NULL);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	close(s);
	return ret;
}
