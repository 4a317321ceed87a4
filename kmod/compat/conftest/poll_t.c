// SPDX-License-Identifier: GPL-2.0
/* 4.16+: __poll_t, with the EPOLL* masks of that type */
#include <linux/poll.h>
int vns_conftest(void);
int vns_conftest(void)
{
	__poll_t m = EPOLLIN | EPOLLRDNORM | EPOLLHUP;

	return m != 0;
}
