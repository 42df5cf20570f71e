/* SPDX-License-Identifier: GPL-2.0 */
/*
 * alts_genl.h - a minimal agent for the "alts" generic netlink family, in
 * plain netlink (the tests are static binaries): resolve the family and its
 * group, join it, ACCEPT requests and send DONE.
 */
#ifndef ALTS_GENL_H
#define ALTS_GENL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/alts.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define GENL_BUF	16384

struct genl_agent {
	int fd;
	uint16_t family;
	uint32_t group;
	uint32_t seq;
	char ext_ack[256];	/* last extended-ACK message */
};

/* One request as ACCEPT returned it. */
struct genl_request {
	int fd;
	uint64_t handle, cookie, cgroup_id;
	uint8_t role;
	uint32_t flags, record_protocols, max_frame_len, timeout_ms;
	uint32_t uid, gid, pid;
	char local_identity[ALTS_IDENTITY_SIZE];
	int n_targets;
	char targets[ALTS_HS_MAX_TARGETS][ALTS_IDENTITY_SIZE];
	struct sockaddr_storage peer, local;
};

/* What DONE reports. */
struct genl_outcome {
	uint32_t status;
	const char *peer_identity;	/* NULL: attribute left out */
	const char *local_identity;
	const char *app_protocol;
	uint32_t record_protocol;
	int resumed, pfs;		/* -1: attribute left out */
};

#define NLA_ALIGNED(len)	(((len) + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1))

static inline void *genl_put_attr(struct nlmsghdr *nlh, uint16_t type, const void *data,
				  uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGNED(a->nla_len);
	return a;
}

static inline struct nlmsghdr *genl_msg(void *buf, uint16_t family, uint8_t cmd, uint32_t seq)
{
	struct nlmsghdr *nlh = buf;
	struct genlmsghdr *g;

	memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = (struct genlmsghdr *)((char *)nlh + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = ALTS_GENL_VERSION;
	return nlh;
}

/* Calls @cb for each attribute of a generic netlink message. */
static inline void genl_attrs(const struct nlmsghdr *nlh,
			      void (*cb)(const struct nlattr *a, void *arg), void *arg)
{
	const char *p = (const char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN;
	const char *end = (const char *)nlh + nlh->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		cb(a, arg);
		p += NLA_ALIGNED(a->nla_len);
	}
}

static inline const void *nla_payload(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

/* The extended ACK's message, if any, of an error message. */
static inline void genl_ext_ack(struct genl_agent *ag, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const char *p = (const char *)e + sizeof(*e);
	const char *end = (const char *)nlh + nlh->nlmsg_len;

	ag->ext_ack[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		p += e->msg.nlmsg_len - sizeof(e->msg);
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(ag->ext_ack, sizeof(ag->ext_ack), "%.*s",
				 (int)(a->nla_len - NLA_HDRLEN), (const char *)nla_payload(a));
			return;
		}
		p += NLA_ALIGNED(a->nla_len);
	}
}

/*
 * Send @nlh and read until its ACK. A data reply, if any, is copied to
 * @reply. Returns 0, or -errno from the kernel's ACK.
 */
static inline int genl_transact(struct genl_agent *ag, struct nlmsghdr *nlh, void *reply,
				size_t reply_len)
{
	static char buf[GENL_BUF];
	ssize_t n;

	if (send(ag->fd, nlh, nlh->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(ag->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != nlh->nlmsg_seq)
				continue;	/* a multicast, or an older reply */
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				genl_ext_ack(ag, h);
				return e->error;
			}
			if (reply && h->nlmsg_len <= reply_len)
				memcpy(reply, h, h->nlmsg_len);
		}
	}
}

struct genl_ctrl_parse {
	uint16_t family;
	uint32_t group;
};

static inline void genl_ctrl_group(const struct nlattr *grp, struct genl_ctrl_parse *cp)
{
	const char *p = nla_payload(grp), *end = (const char *)grp + grp->nla_len;
	uint32_t id = 0;
	bool match = false;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
			match = !strcmp(nla_payload(a), ALTS_GENL_MCGRP_AGENT);
		else if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
			memcpy(&id, nla_payload(a), 4);
		p += NLA_ALIGNED(a->nla_len);
	}
	if (match)
		cp->group = id;
}

static inline void genl_ctrl_attr(const struct nlattr *a, void *arg)
{
	struct genl_ctrl_parse *cp = arg;

	if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
		memcpy(&cp->family, nla_payload(a), 2);
	} else if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS) {
		const char *p = nla_payload(a), *end = (const char *)a + a->nla_len;

		while (p + NLA_HDRLEN <= end) {
			const struct nlattr *g = (const struct nlattr *)p;

			genl_ctrl_group(g, cp);
			p += NLA_ALIGNED(g->nla_len);
		}
	}
}

/*
 * Open a netlink socket and resolve the family; with @join, also join the
 * agent group. Returns 0 or -errno (ag->fd is -1 on failure).
 */
static inline int genl_agent_open(struct genl_agent *ag, bool join)
{
	static char buf[GENL_BUF], reply[GENL_BUF];
	struct genl_ctrl_parse cp = { 0 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nlh;
	int one = 1, err;

	memset(ag, 0, sizeof(*ag));
	ag->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (ag->fd < 0)
		return -errno;
	if (bind(ag->fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	setsockopt(ag->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(ag->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nlh = genl_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, ++ag->seq);
	((struct genlmsghdr *)NLMSG_DATA(nlh))->version = 2;
	genl_put_attr(nlh, CTRL_ATTR_FAMILY_NAME, ALTS_GENL_NAME, sizeof(ALTS_GENL_NAME));
	memset(reply, 0, sizeof(reply));
	err = genl_transact(ag, nlh, reply, sizeof(reply));
	if (err) {
		close(ag->fd);
		ag->fd = -1;
		return err;
	}
	genl_attrs((struct nlmsghdr *)reply, genl_ctrl_attr, &cp);
	ag->family = cp.family;
	ag->group = cp.group;
	if (!ag->family || !ag->group) {
		errno = ENOENT;
		goto fail;
	}
	if (join && setsockopt(ag->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &ag->group,
			       sizeof(ag->group)))
		goto fail;
	return 0;
fail:
	err = -errno;
	close(ag->fd);
	ag->fd = -1;
	return err;
}

static inline void genl_agent_close(struct genl_agent *ag)
{
	if (ag->fd >= 0)
		close(ag->fd);
	ag->fd = -1;
}

static inline void genl_request_attr(const struct nlattr *a, void *arg)
{
	struct genl_request *r = arg;
	const void *d = nla_payload(a);
	size_t len = a->nla_len - NLA_HDRLEN;

	switch (a->nla_type) {
	case ALTS_A_SOCKFD: memcpy(&r->fd, d, 4); break;
	case ALTS_A_HANDLE: memcpy(&r->handle, d, 8); break;
	case ALTS_A_COOKIE: memcpy(&r->cookie, d, 8); break;
	case ALTS_A_CGROUP_ID: memcpy(&r->cgroup_id, d, 8); break;
	case ALTS_A_ROLE: memcpy(&r->role, d, 1); break;
	case ALTS_A_FLAGS: memcpy(&r->flags, d, 4); break;
	case ALTS_A_RECORD_PROTOCOLS: memcpy(&r->record_protocols, d, 4); break;
	case ALTS_A_MAX_FRAME_LEN: memcpy(&r->max_frame_len, d, 4); break;
	case ALTS_A_TIMEOUT_MS: memcpy(&r->timeout_ms, d, 4); break;
	case ALTS_A_UID: memcpy(&r->uid, d, 4); break;
	case ALTS_A_GID: memcpy(&r->gid, d, 4); break;
	case ALTS_A_PID: memcpy(&r->pid, d, 4); break;
	case ALTS_A_LOCAL_IDENTITY:
		snprintf(r->local_identity, sizeof(r->local_identity), "%.*s",
			 (int)strnlen(d, len), (const char *)d);
		break;
	case ALTS_A_TARGET_IDENTITY:
		if (r->n_targets < ALTS_HS_MAX_TARGETS)
			snprintf(r->targets[r->n_targets++], ALTS_IDENTITY_SIZE, "%.*s",
				 (int)strnlen(d, len), (const char *)d);
		break;
	case ALTS_A_PEER_ADDR:
		memcpy(&r->peer, d, len < sizeof(r->peer) ? len : sizeof(r->peer));
		break;
	case ALTS_A_LOCAL_ADDR:
		memcpy(&r->local, d, len < sizeof(r->local) ? len : sizeof(r->local));
		break;
	}
}

/* ACCEPT one request. Returns 0 (r filled), or -errno (-ENOENT: none). */
static inline int genl_accept(struct genl_agent *ag, struct genl_request *r)
{
	static char buf[GENL_BUF], reply[GENL_BUF];
	struct nlmsghdr *nlh = genl_msg(buf, ag->family, ALTS_CMD_ACCEPT, ++ag->seq);
	int err;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	memset(reply, 0, sizeof(reply));
	err = genl_transact(ag, nlh, reply, sizeof(reply));
	if (err)
		return err;
	genl_attrs((struct nlmsghdr *)reply, genl_request_attr, r);
	return r->fd >= 0 ? 0 : -EBADMSG;
}

/* DONE for (@fd, @handle). Returns 0 or -errno. */
static inline int genl_done(struct genl_agent *ag, int fd, uint64_t handle,
			    const struct genl_outcome *o)
{
	static char buf[GENL_BUF];
	struct nlmsghdr *nlh = genl_msg(buf, ag->family, ALTS_CMD_DONE, ++ag->seq);
	int32_t sfd = fd;

	genl_put_attr(nlh, ALTS_A_SOCKFD, &sfd, 4);
	genl_put_attr(nlh, ALTS_A_HANDLE, &handle, 8);
	genl_put_attr(nlh, ALTS_A_STATUS, &o->status, 4);
	if (o->peer_identity)
		genl_put_attr(nlh, ALTS_A_PEER_IDENTITY, o->peer_identity,
			      strlen(o->peer_identity) + 1);
	if (o->local_identity)
		genl_put_attr(nlh, ALTS_A_LOCAL_IDENTITY, o->local_identity,
			      strlen(o->local_identity) + 1);
	if (o->app_protocol)
		genl_put_attr(nlh, ALTS_A_APP_PROTOCOL, o->app_protocol,
			      strlen(o->app_protocol) + 1);
	if (o->record_protocol)
		genl_put_attr(nlh, ALTS_A_RECORD_PROTOCOL, &o->record_protocol, 4);
	if (o->resumed >= 0) {
		uint8_t v = o->resumed;

		genl_put_attr(nlh, ALTS_A_RESUMED, &v, 1);
	}
	if (o->pfs >= 0) {
		uint8_t v = o->pfs;

		genl_put_attr(nlh, ALTS_A_PFS, &v, 1);
	}
	return genl_transact(ag, nlh, NULL, 0);
}

/* Wait up to @timeout_ms for a READY on the group. Returns true if seen. */
static inline bool genl_wait_ready(struct genl_agent *ag, int timeout_ms)
{
	static char buf[GENL_BUF];
	struct pollfd pfd = { .fd = ag->fd, .events = POLLIN };

	while (poll(&pfd, 1, timeout_ms) == 1) {
		ssize_t n = recv(ag->fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *h;

		if (n <= 0)
			return false;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const struct genlmsghdr *g = NLMSG_DATA(h);

			if (h->nlmsg_type == ag->family && g->cmd == ALTS_CMD_READY)
				return true;
		}
	}
	return false;
}

#endif /* ALTS_GENL_H */
