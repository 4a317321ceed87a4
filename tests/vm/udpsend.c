// SPDX-License-Identifier: GPL-2.0
/*
 * udpsend SRC SPORT DST DPORT COUNT [SIZE] [--seconds S]
 *	Sends COUNT datagrams (0: until --seconds pass) of SIZE bytes from one
 *	bound socket: one flow, an exact number of packets.  IPv4 or IPv6.
 *	The first 4 bytes are a sequence number (big endian, from 1), so that
 *	every datagram is a distinct packet to the latency collector.
 * udpsend --recv ADDR PORT IDLE_S [--busy-poll USEC] [--first S] [--rcvbuf B]
 *	Counts the datagrams that arrive on ADDR:PORT and prints the count
 *	once none came for IDLE_S seconds.  With --busy-poll, the socket has
 *	SO_BUSY_POLL=USEC and waits in a blocking recv() (SO_RCVTIMEO), which
 *	busy-polls the device's NAPI (napi_busy_loop) before it sleeps.  With
 *	--first, it waits up to S seconds (instead of IDLE_S) for the first one.
 *	With --rcvbuf, the socket's receive buffer is B bytes (SO_RCVBUFFORCE),
 *	so that a burst the reader has not yet read is not dropped at the socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int addr(const char *ip, int port, struct sockaddr_storage *ss,
		socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return AF_INET6;
	}
	fprintf(stderr, "udpsend: bad address '%s'\n", ip);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* a blocking recv()'s timeout: S seconds */
static int set_timeo(int fd, double s)
{
	struct timeval tv = {
		.tv_sec = (time_t)s,
		.tv_usec = (suseconds_t)((s - (time_t)s) * 1e6),
	};

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int recv_count(const char *ip, int port, double idle, int busy_us,
		      double first, int rcvbuf)
{
	struct sockaddr_storage ss;
	struct pollfd pfd;
	char buf[65536];
	long n = 0;
	socklen_t len;
	int fd;

	addr(ip, port, &ss, &len);
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len)) {
		perror("udpsend: socket/bind");
		return 1;
	}
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
				     sizeof(rcvbuf))) {
		perror("udpsend: SO_RCVBUFFORCE");
		return 1;
	}
	if (busy_us > 0) {
		if (setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &busy_us,
			       sizeof(busy_us)) ||
		    set_timeo(fd, first > 0 ? first : idle)) {
			perror("udpsend: SO_BUSY_POLL/SO_RCVTIMEO");
			return 1;
		}
	}
	/* ready: the caller may start sending */
	printf("ready\n");
	fflush(stdout);
	if (busy_us > 0) {
		for (;;) {
			if (recv(fd, buf, sizeof(buf), 0) >= 0) {
				if (!n++ && first > 0)
					set_timeo(fd, idle);
			} else if (errno != EINTR)
				break;	/* EAGAIN: IDLE_S without one */
		}
		printf("%ld\n", n);
		return 0;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		double s = !n && first > 0 ? first : idle;

		if (poll(&pfd, 1, (int)(s * 1000)) <= 0)
			break;
		if (recv(fd, buf, sizeof(buf), 0) >= 0)
			n++;
	}
	printf("%ld\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage src, dst;
	socklen_t slen, dlen;
	double seconds = 0, start;
	long count, size = 16, sent = 0;
	char buf[65536];
	int fd, i;

	if (argc >= 5 && !strcmp(argv[1], "--recv")) {
		int busy_us = 0, rcvbuf = 0;
		double first = 0;

		for (i = 5; i + 1 < argc; i += 2) {
			if (!strcmp(argv[i], "--busy-poll"))
				busy_us = atoi(argv[i + 1]);
			else if (!strcmp(argv[i], "--first"))
				first = atof(argv[i + 1]);
			else if (!strcmp(argv[i], "--rcvbuf"))
				rcvbuf = atoi(argv[i + 1]);
			else
				break;
		}
		if (i == argc)
			return recv_count(argv[2], atoi(argv[3]),
					  atof(argv[4]), busy_us, first,
					  rcvbuf);
	}
	if (argc < 6) {
		fprintf(stderr, "usage: udpsend SRC SPORT DST DPORT COUNT [SIZE] [--seconds S]\n");
		return 2;
	}
	addr(argv[1], atoi(argv[2]), &src, &slen);
	addr(argv[3], atoi(argv[4]), &dst, &dlen);
	count = atol(argv[5]);
	for (i = 6; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else
			size = atol(argv[i]);
	}
	if (size < 0 || size > (long)sizeof(buf)) {
		fprintf(stderr, "udpsend: bad size\n");
		return 2;
	}
	memset(buf, 'x', sizeof(buf));
	fd = socket(src.ss_family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, slen)) {
		perror("udpsend: socket/bind");
		return 1;
	}
	start = now();
	while (count ? sent < count : now() - start < seconds) {
		/* a sequence number first: tells one datagram from the next */
		uint32_t seq = htonl((uint32_t)sent + 1);

		if (size >= 4)
			memcpy(buf, &seq, 4);
		else	/* its low bytes: 1 byte tells 255 datagrams apart */
			memcpy(buf, (char *)&seq + 4 - size, size);
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&dst, dlen) < 0) {
			/* an ICMP error queued on the socket: not a lost send */
			if (errno == ECONNREFUSED)
				continue;
			perror("udpsend: sendto");
			return 1;
		}
		sent++;
	}
	printf("%ld\n", sent);
	return 0;
}
