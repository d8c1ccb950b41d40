// SPDX-License-Identifier: GPL-2.0
/*
 * Races mappings of the char device against unbind. Opens the device, then
 * maps one page of a random section among the first NR, touches it, keeps
 * the last KEEP mappings, again and again, until SIGUSR1 (sent once unbind
 * has returned). Then every mapping it still holds must raise SIGBUS when
 * touched, and read(), write() and mmap() of the open file must fail with
 * ENODEV: no mapping may outlive the binding.
 *
 *   chardev_race CHARDEV SECTION_SIZE NR
 *
 * Prints "ready" once the file is open, then one line of counts; exit 0 if nothing survived, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define KEEP	32
#define PAGE	4096

static volatile sig_atomic_t stop;
static sigjmp_buf on_sigbus;

static void usr1(int sig)
{
	stop = 1;
}

static void sigbus(int sig)
{
	siglongjmp(on_sigbus, 1);
}

/* Write to @p; false if that raised SIGBUS. */
static bool touch(volatile char *p)
{
	if (sigsetjmp(on_sigbus, 1))
		return false;
	*p = *p + 1;
	return true;
}

int main(int argc, char **argv)
{
	unsigned long maps = 0, refused = 0, bus = 0, survivors = 0, held = 0;
	char *ring[KEEP] = { 0 };
	long long size;
	int fd, nr, k = 0, bad = 0, i;
	char byte;
	void *m;

	if (argc != 4) {
		fprintf(stderr, "usage: %s CHARDEV SECTION_SIZE NR\n", argv[0]);
		return 2;
	}
	size = strtoll(argv[2], NULL, 0);
	nr = atoi(argv[3]);
	signal(SIGUSR1, usr1);
	signal(SIGBUS, sigbus);
	srand(getpid());
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror("open");
		return 2;
	}
	printf("ready\n");
	fflush(stdout);

	while (!stop) {
		off_t off = (rand() % nr) * size + (off_t)(rand() % 64) * PAGE;

		m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
		if (m == MAP_FAILED) {
			refused++;
			continue;
		}
		maps++;
		if (!touch(m)) {
			bus++;
			munmap(m, PAGE);
			continue;
		}
		if (ring[k])
			munmap(ring[k], PAGE);
		ring[k] = m;
		k = (k + 1) % KEEP;
	}

	/* Unbind has returned: nothing may reach the pmem any more. */
	for (i = 0; i < KEEP; i++) {
		if (!ring[i])
			continue;
		held++;
		if (touch(ring[i]))
			survivors++;
	}
	if (mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0) != MAP_FAILED || errno != ENODEV) {
		printf("mmap after unbind: %s\n", strerrorname_np(errno));
		bad = 1;
	}
	if (pread(fd, &byte, 1, 0) != -1 || errno != ENODEV) {
		printf("read after unbind: %s\n", strerrorname_np(errno));
		bad = 1;
	}
	if (pwrite(fd, &byte, 1, 0) != -1 || errno != ENODEV) {
		printf("write after unbind: %s\n", strerrorname_np(errno));
		bad = 1;
	}
	printf("mmaps %lu refused %lu sigbus %lu held %lu survivors %lu\n",
	       maps, refused, bus, held, survivors);
	return survivors || bad;
}
