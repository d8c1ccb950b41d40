// SPDX-License-Identifier: GPL-2.0
/*
 * pin_page: hold one page so that it can never migrate, the way a real
 * application can: vmsplice() it into a pipe nobody reads. The pipe keeps a
 * reference to the page until this process exits.
 *
 * pin_page: a page of anonymous memory. Prints its pfn (decimal, from
 * /proc/self/pagemap; needs root), then "ready", then sleeps until killed.
 * Run it under `numactl --membind=NODE` to pin a page of that node.
 *
 * pin_page FILE: the first page of a 2 MiB shared mapping of FILE (a
 * device-dax instance), then unmaps and closes FILE: only the pipe's
 * reference is left. Prints "ready", then sleeps until killed.
 *
 * Built by the VM tests that use it: gcc -O2 -o /tmp/pin_page pin_page.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

static uint64_t pfn_of(void *addr)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t entry;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &entry, sizeof(entry),
			    (uintptr_t)addr / psz * sizeof(entry)) != sizeof(entry)) {
		perror("pagemap");
		exit(1);
	}
	close(fd);
	if (!(entry & (1ULL << 63))) {
		fprintf(stderr, "page not present\n");
		exit(1);
	}
	return entry & ((1ULL << 55) - 1);
}

/* Map the first 2 MiB of @path shared and touch them. */
static char *map_file(const char *path, size_t len)
{
	int fd = open(path, O_RDWR);
	char *buf;

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	close(fd);
	memset(buf, 0x5a, len);
	return buf;
}

int main(int argc, char **argv)
{
	long psz = sysconf(_SC_PAGESIZE);
	size_t len = argc > 1 ? 2 << 20 : psz;
	struct iovec iov;
	int pipefd[2];
	char *buf;

	if (argc > 1) {
		buf = map_file(argv[1], len);
	} else {
		buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		memset(buf, 0x5a, len);
	}
	if (pipe(pipefd)) {
		perror("pipe");
		return 1;
	}
	iov.iov_base = buf;
	iov.iov_len = psz;
	if (vmsplice(pipefd[1], &iov, 1, 0) != psz) {
		perror("vmsplice");
		return 1;
	}
	if (argc > 1) {
		if (munmap(buf, len)) {
			perror("munmap");
			return 1;
		}
	} else {
		printf("%llu\n", (unsigned long long)pfn_of(buf));
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
