// SPDX-License-Identifier: GPL-2.0
/*
 * The "alts" generic netlink family: how handshake requests reach the
 * agent (altshd) and how their outcome comes back. The request life cycle
 * itself lives in handshake.c; this file only translates messages.
 *
 * Every command validates strictly and needs CAP_NET_ADMIN in the user
 * namespace of the network namespace it is sent in; so does joining the
 * agent group, which carries READY. An agent only ever sees requests of its
 * own namespace.
 */
#include <linux/file.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <net/genetlink.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "alts.h"

enum alts_nl_group {
	ALTS_NL_GROUP_AGENT,
};

static const struct genl_multicast_group alts_nl_groups[] = {
	[ALTS_NL_GROUP_AGENT] = {
		.name = ALTS_GENL_MCGRP_AGENT,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static const struct nla_policy alts_nl_done_policy[ALTS_A_MAX + 1] = {
	[ALTS_A_SOCKFD] = { .type = NLA_S32 },
	[ALTS_A_HANDLE] = { .type = NLA_U64 },
	[ALTS_A_STATUS] = NLA_POLICY_MAX(NLA_U32, MAX_ERRNO),
	[ALTS_A_PEER_IDENTITY] = { .type = NLA_NUL_STRING, .len = ALTS_IDENTITY_MAX },
	[ALTS_A_LOCAL_IDENTITY] = { .type = NLA_NUL_STRING, .len = ALTS_IDENTITY_MAX },
	[ALTS_A_APP_PROTOCOL] = { .type = NLA_NUL_STRING, .len = ALTS_APP_PROTOCOL_MAX },
	[ALTS_A_RECORD_PROTOCOL] = NLA_POLICY_RANGE(NLA_U32, ALTSRP_GCM_AES128,
						    ALTSRP_GMAC_128),
	[ALTS_A_MAX_FRAME_LEN] = { .type = NLA_U32 },
	[ALTS_A_RESUMED] = NLA_POLICY_MAX(NLA_U8, 1),
	[ALTS_A_PFS] = NLA_POLICY_MAX(NLA_U8, 1),
};

static struct genl_family alts_nl_family;

/**
 * alts_nl_has_agent() - might an agent listen in @net?
 * @net: namespace
 *
 * A quick test before a request is queued; the listener masks are shared by
 * all namespaces, so only alts_nl_notify_ready() tells for sure.
 *
 * Return: false if no agent listens in any namespace.
 */
bool alts_nl_has_agent(struct net *net)
{
	return genl_has_listeners(&alts_nl_family, net, ALTS_NL_GROUP_AGENT);
}

/**
 * alts_nl_notify_ready() - tell the agents of @net that a request waits
 * @net: namespace
 *
 * A READY lost to a full socket buffer is made up for by the agent, which
 * accepts until nothing waits; a request nobody accepts times out.
 *
 * Return: -ESRCH if no agent of @net received it, else 0.
 */
int alts_nl_notify_ready(struct net *net)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(0, GFP_KERNEL);
	if (!msg)
		return 0;
	hdr = genlmsg_put(msg, 0, 0, &alts_nl_family, 0, ALTS_CMD_READY);
	if (!hdr) {
		nlmsg_free(msg);
		return 0;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_multicast_netns(&alts_nl_family, net, msg, 0, ALTS_NL_GROUP_AGENT,
				       GFP_KERNEL) == -ESRCH ? -ESRCH : 0;
}

static int alts_nl_put_addr(struct sk_buff *msg, int attr, const struct sock *sk, bool peer)
{
	const struct inet_sock *inet = inet_sk(sk);

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

		sin6.sin6_port = peer ? inet->inet_dport : inet->inet_sport;
		sin6.sin6_addr = peer ? sk->sk_v6_daddr : sk->sk_v6_rcv_saddr;
		if (peer)
			sin6.sin6_scope_id = ipv6_iface_scope_id(&sin6.sin6_addr,
								 sk->sk_bound_dev_if);
		return nla_put(msg, attr, sizeof(sin6), &sin6);
	}
#endif
	{
		struct sockaddr_in sin = { .sin_family = AF_INET };

		sin.sin_port = peer ? inet->inet_dport : inet->inet_sport;
		sin.sin_addr.s_addr = peer ? inet->inet_daddr : inet->inet_rcv_saddr;
		return nla_put(msg, attr, sizeof(sin), &sin);
	}
}

/* The request as the agent sees it: ids are mapped into its namespaces. */
static int alts_nl_fill_accept(struct sk_buff *msg, const struct alts_hs_req *req, int fd)
{
	const struct alts_handshake_req *p = &req->params;
	struct user_namespace *ns = current_user_ns();
	long left = (long)req->deadline - (long)jiffies;
	unsigned int i;

	if (nla_put_s32(msg, ALTS_A_SOCKFD, fd) ||
	    nla_put_u64_64bit(msg, ALTS_A_HANDLE, req->handle, ALTS_A_PAD) ||
	    nla_put_u64_64bit(msg, ALTS_A_COOKIE, req->cookie, ALTS_A_PAD) ||
	    nla_put_u8(msg, ALTS_A_ROLE, p->role) ||
	    nla_put_u32(msg, ALTS_A_FLAGS, p->flags) ||
	    nla_put_u32(msg, ALTS_A_RECORD_PROTOCOLS, p->record_protocols) ||
	    nla_put_u32(msg, ALTS_A_MAX_FRAME_LEN, p->max_frame_len) ||
	    nla_put_u32(msg, ALTS_A_TIMEOUT_MS, left > 0 ? jiffies_to_msecs(left) : 0) ||
	    nla_put_u32(msg, ALTS_A_UID, from_kuid_munged(ns, req->uid)) ||
	    nla_put_u32(msg, ALTS_A_GID, from_kgid_munged(ns, req->gid)) ||
	    nla_put_u32(msg, ALTS_A_PID, pid_vnr(req->pid)) ||
	    nla_put_u64_64bit(msg, ALTS_A_CGROUP_ID, req->cgroup_id, ALTS_A_PAD) ||
	    alts_nl_put_addr(msg, ALTS_A_PEER_ADDR, req->ctx->sk, true) ||
	    alts_nl_put_addr(msg, ALTS_A_LOCAL_ADDR, req->ctx->sk, false))
		return -EMSGSIZE;
	if (p->local_identity[0] &&
	    nla_put_string(msg, ALTS_A_LOCAL_IDENTITY, p->local_identity))
		return -EMSGSIZE;
	for (i = 0; i < p->n_targets; i++)
		if (nla_put_string(msg, ALTS_A_TARGET_IDENTITY, p->target_identities[i]))
			return -EMSGSIZE;
	return 0;
}

static size_t alts_nl_accept_size(void)
{
	return nla_total_size(sizeof(s32)) +			/* SOCKFD */
	       3 * nla_total_size_64bit(sizeof(u64)) +		/* HANDLE, COOKIE, CGROUP_ID */
	       nla_total_size(sizeof(u8)) +			/* ROLE */
	       7 * nla_total_size(sizeof(u32)) +		/* FLAGS ... PID */
	       2 * nla_total_size(sizeof(struct sockaddr_in6)) +
	       (1 + ALTS_HS_MAX_TARGETS) * nla_total_size(ALTS_IDENTITY_SIZE);
}

static int alts_nl_accept_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct alts_hs_req *req;
	struct sk_buff *msg;
	struct file *file;
	void *hdr;
	int fd, err;

	msg = genlmsg_new(alts_nl_accept_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto err_msg;
	}
	req = alts_hs_accept_next(net, info->snd_portid, NETLINK_CB(skb).sk, &file);
	if (!req) {
		NL_SET_ERR_MSG(info->extack, "no handshake request is waiting");
		err = -ENOENT;
		goto err_fd;
	}

	hdr = genlmsg_put_reply(msg, info, &alts_nl_family, 0, ALTS_CMD_ACCEPT);
	err = hdr ? alts_nl_fill_accept(msg, req, fd) : -EMSGSIZE;
	if (err)
		goto err_undo;
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	msg = NULL;
	if (err)
		goto err_undo;
	/* Last: once installed, the descriptor belongs to the agent. */
	fd_install(fd, file);
	alts_hs_req_put(req);
	return 0;

err_undo:
	alts_hs_accept_undo(req);
	alts_hs_req_put(req);
	fput(file);
err_fd:
	put_unused_fd(fd);
err_msg:
	nlmsg_free(msg);
	return err;
}

static void alts_nl_parse_outcome(struct nlattr **a, struct alts_hs_outcome *out)
{
	out->status = nla_get_u32(a[ALTS_A_STATUS]);
	if (a[ALTS_A_PEER_IDENTITY])
		nla_strscpy(out->peer_identity, a[ALTS_A_PEER_IDENTITY],
			    sizeof(out->peer_identity));
	if (a[ALTS_A_LOCAL_IDENTITY])
		nla_strscpy(out->local_identity, a[ALTS_A_LOCAL_IDENTITY],
			    sizeof(out->local_identity));
	if (a[ALTS_A_APP_PROTOCOL])
		nla_strscpy(out->app_protocol, a[ALTS_A_APP_PROTOCOL],
			    sizeof(out->app_protocol));
	if (a[ALTS_A_RECORD_PROTOCOL])
		out->record_protocol = nla_get_u32(a[ALTS_A_RECORD_PROTOCOL]);
	if (a[ALTS_A_MAX_FRAME_LEN])
		out->max_frame_len = nla_get_u32(a[ALTS_A_MAX_FRAME_LEN]);
	out->resumed = a[ALTS_A_RESUMED] && nla_get_u8(a[ALTS_A_RESUMED]);
	out->pfs = a[ALTS_A_PFS] && nla_get_u8(a[ALTS_A_PFS]);
}

static int alts_nl_done_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct alts_hs_outcome *out;
	struct socket *sock;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ALTS_A_SOCKFD) ||
	    GENL_REQ_ATTR_CHECK(info, ALTS_A_HANDLE) ||
	    GENL_REQ_ATTR_CHECK(info, ALTS_A_STATUS))
		return -EINVAL;
	if (!nla_get_u32(a[ALTS_A_STATUS]) && GENL_REQ_ATTR_CHECK(info, ALTS_A_PEER_IDENTITY))
		return -EINVAL;
	out = kzalloc(sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	alts_nl_parse_outcome(a, out);

	sock = sockfd_lookup(nla_get_s32(a[ALTS_A_SOCKFD]), &err);
	if (!sock) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[ALTS_A_SOCKFD], "not a socket descriptor");
		goto out;
	}
	err = alts_hs_done(sock->sk, nla_get_u64(a[ALTS_A_HANDLE]), info->snd_portid,
			   NETLINK_CB(skb).sk, out, info->extack);
	sockfd_put(sock);
out:
	kfree(out);
	return err;
}

/* An agent's netlink socket went away: fail what it had accepted. */
static int alts_nl_release(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC)
		alts_hs_agent_gone(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block alts_nl_notifier = {
	.notifier_call = alts_nl_release,
};

static const struct genl_ops alts_nl_ops[] = {
	{
		.cmd = ALTS_CMD_ACCEPT,
		.doit = alts_nl_accept_doit,
		/* no attributes: the core rejects any */
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = ALTS_CMD_DONE,
		.doit = alts_nl_done_doit,
		.policy = alts_nl_done_policy,
		.maxattr = ALTS_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family alts_nl_family __ro_after_init = {
	.name = ALTS_GENL_NAME,
	.version = ALTS_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = alts_nl_ops,
	.n_ops = ARRAY_SIZE(alts_nl_ops),
	/* every command validates strictly */
	.resv_start_op = ALTS_CMD_READY,
	.mcgrps = alts_nl_groups,
	.n_mcgrps = ARRAY_SIZE(alts_nl_groups),
};

int __init alts_nl_init(void)
{
	int err;

	err = netlink_register_notifier(&alts_nl_notifier);
	if (err)
		return err;
	err = genl_register_family(&alts_nl_family);
	if (err)
		netlink_unregister_notifier(&alts_nl_notifier);
	return err;
}

void alts_nl_exit(void)
{
	genl_unregister_family(&alts_nl_family);
	netlink_unregister_notifier(&alts_nl_notifier);
}
