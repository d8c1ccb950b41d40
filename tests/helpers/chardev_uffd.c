// SPDX-License-Identifier: GPL-2.0
/*
 * A read() or write() of the char device whose user buffer faults into a
 * userfaultfd nobody serves: the copy stalls for as long as the handler
 * likes. Prints "stalled" once the stall is certain (the fault reached the
 * userfaultfd), then, after MAP_DELAY seconds, maps the device from another
 * thread and prints how long mmap() took. The fault is served HOLD seconds
 * after the stall began, so that a driver that waits for it still ends.
 *
 *   chardev_uffd read|write CHARDEV OFFSET MAP_OFFSET MAP_DELAY HOLD
 *
 * Output: "stalled", "mmap SECONDS RESULT", "io RESULT" (RESULT: a byte
 * count, or an errno name). Exit 0 unless the set-up fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define LEN 4096

static int fd, uffd;
static int writing;
static off_t io_off;
static char *buf;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	printf("error %s: %s\n", what, strerror(errno));
	exit(2);
}

static double serve_at;

static void *serve_thread(void *arg)
{
	struct uffdio_zeropage zero = { 0 };

	while (now() < serve_at)
		usleep(100000);
	zero.range.start = (unsigned long)buf;
	zero.range.len = LEN;
	if (ioctl(uffd, UFFDIO_ZEROPAGE, &zero))
		printf("error UFFDIO_ZEROPAGE: %s\n", strerror(errno));
	return NULL;
}

static void *io_thread(void *arg)
{
	ssize_t n = writing ? pwrite(fd, buf, LEN, io_off) : pread(fd, buf, LEN, io_off);

	if (n < 0)
		printf("io %s\n", strerrorname_np(errno));
	else
		printf("io %zd\n", n);
	fflush(stdout);
	return NULL;
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { 0 };
	struct uffd_msg msg;
	struct pollfd pfd;
	double t0, t1, stalled;
	pthread_t io, server;
	off_t map_off;
	int map_delay, hold;
	void *m;

	if (argc != 7) {
		fprintf(stderr, "usage: %s read|write CHARDEV OFFSET MAP_OFFSET MAP_DELAY HOLD\n", argv[0]);
		return 2;
	}
	writing = !strcmp(argv[1], "write");
	io_off = strtoll(argv[3], NULL, 0);
	map_off = strtoll(argv[4], NULL, 0);
	map_delay = atoi(argv[5]);
	hold = atoi(argv[6]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = open(argv[2], O_RDWR);
	if (fd < 0)
		die("open");
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		die("userfaultfd");
	if (ioctl(uffd, UFFDIO_API, &api))
		die("UFFDIO_API");
	buf = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap anon");
	reg.range.start = (unsigned long)buf;
	reg.range.len = LEN;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");

	pthread_create(&io, NULL, io_thread, NULL);

	/* The fault message proves the copy is under way and stalled. */
	pfd.fd = uffd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 20000) != 1 || read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		printf("error: the copy never faulted on the userfaultfd buffer\n");
		return 2;
	}
	stalled = now();
	printf("stalled\n");

	/* Serve the fault HOLD seconds from now, whatever the driver does. */
	serve_at = stalled + hold;
	pthread_create(&server, NULL, serve_thread, NULL);

	/* Meanwhile map the device from this thread. */
	sleep(map_delay);
	t0 = now();
	m = mmap(NULL, LEN, PROT_READ, MAP_SHARED, fd, map_off);
	t1 = now();
	if (m == MAP_FAILED)
		printf("mmap %.2f %s\n", t1 - t0, strerrorname_np(errno));
	else
		printf("mmap %.2f ok\n", t1 - t0);
	pthread_join(io, NULL);
	pthread_join(server, NULL);
	return 0;
}
