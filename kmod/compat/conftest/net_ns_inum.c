// SPDX-License-Identifier: GPL-2.0
/* 3.19+: struct net's ns_common, its inode number net->ns.inum */
#include <net/net_namespace.h>
unsigned int vns_conftest(struct net *net);
unsigned int vns_conftest(struct net *net) { return net->ns.inum; }
