// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace statistics in /proc/net/alts_stat. The Curr* lines count
 * live objects and must read 0 once every ALTS socket of the namespace is
 * closed; the test harness checks that after every test.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "alts.h"

struct alts_net {
	atomic_long_t stats[ALTS_STAT_NUM];
};

static unsigned int alts_net_id __read_mostly;

static const char *const alts_stat_names[ALTS_STAT_NUM] = {
	[ALTS_STAT_CURR_CTX] = "CurrCtx",
	[ALTS_STAT_CURR_TX] = "CurrTx",
	[ALTS_STAT_CURR_RX] = "CurrRx",
	[ALTS_STAT_CURR_BUFS] = "CurrFrameBufs",
	[ALTS_STAT_TOTAL_CTX] = "TotalCtx",
	[ALTS_STAT_TOTAL_TX] = "TotalTx",
	[ALTS_STAT_TOTAL_RX] = "TotalRx",
	[ALTS_STAT_TX_FRAMES] = "TxFrames",
	[ALTS_STAT_RX_FRAMES] = "RxFrames",
	[ALTS_STAT_RX_AUTH_ERRORS] = "RxAuthErrors",
	[ALTS_STAT_RX_FRAME_ERRORS] = "RxFrameErrors",
	[ALTS_STAT_COPY_MODE_PULLS] = "RxCopyModePulls",
	[ALTS_STAT_CURR_HS_PENDING] = "CurrHandshakes",
	[ALTS_STAT_HS_REQUESTED] = "HandshakesRequested",
	[ALTS_STAT_HS_ACCEPTED] = "HandshakesAccepted",
	[ALTS_STAT_HS_COMPLETED] = "HandshakesCompleted",
	[ALTS_STAT_HS_FAILED] = "HandshakesFailed",
	[ALTS_STAT_HS_TIMED_OUT] = "HandshakesTimedOut",
	[ALTS_STAT_HS_CANCELLED] = "HandshakesCancelled",
};

/**
 * alts_stat_add() - adjust a statistic of @net
 * @net: namespace
 * @stat: which
 * @delta: amount
 */
void alts_stat_add(struct net *net, enum alts_stat stat, long delta)
{
	struct alts_net *an = net_generic(net, alts_net_id);

	atomic_long_add(delta, &an->stats[stat]);
}

static int alts_stat_show(struct seq_file *seq, void *v)
{
	struct alts_net *an = net_generic(seq_file_single_net(seq), alts_net_id);
	int i;

	for (i = 0; i < ALTS_STAT_NUM; i++)
		seq_printf(seq, "%-32s%ld\n", alts_stat_names[i],
			   atomic_long_read(&an->stats[i]));
	return 0;
}

static int __net_init alts_net_init(struct net *net)
{
	if (!proc_create_net_single("alts_stat", 0444, net->proc_net, alts_stat_show, NULL))
		return -ENOMEM;
	return 0;
}

static void __net_exit alts_net_exit(struct net *net)
{
	remove_proc_entry("alts_stat", net->proc_net);
}

static struct pernet_operations alts_net_ops = {
	.init = alts_net_init,
	.exit = alts_net_exit,
	.id = &alts_net_id,
	.size = sizeof(struct alts_net),
};

int alts_proc_init(void)
{
	return register_pernet_subsys(&alts_net_ops);
}

void alts_proc_exit(void)
{
	unregister_pernet_subsys(&alts_net_ops);
}
