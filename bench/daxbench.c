// SPDX-License-Identifier: GPL-2.0
/*
 * daxbench: page faults and bandwidth through a shared mapping of a
 * device-dax instance (or any file that can be mapped shared).
 *
 * Per repetition: map MIB MiB of the file at OFFSET MiB (default 0) afresh,
 * then
 *
 *   faults  minor page faults (getrusage) taken by touching every 4 KiB of
 *           the new mapping once: one per 2 MiB with huge mappings
 *   write   sequential 64-bit stores over the mapping, MiB/s
 *   read    sequential 64-bit loads over the mapping, MiB/s
 *
 * and unmap it. One JSON object per repetition on stdout:
 *
 *   {"rep":0,"faults":63,"write_mibs":987.6,"read_mibs":1234.5}
 *
 * usage: daxbench FILE MIB REPS [OFFSET]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* One repetition over a fresh mapping of @len bytes of @fd. */
static int one_rep(int fd, size_t len, off_t off, int rep)
{
	volatile uint64_t *p;
	uint64_t sum = 0;
	size_t i, n = len / sizeof(uint64_t);
	double t0, tw, tr;
	long f0, faults;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	if (p == MAP_FAILED) {
		perror("daxbench: mmap");
		return -1;
	}
	f0 = minor_faults();
	for (i = 0; i < n; i += 4096 / sizeof(uint64_t))
		p[i] = i;
	faults = minor_faults() - f0;

	t0 = now();
	for (i = 0; i < n; i++)
		p[i] = i;
	tw = now() - t0;
	t0 = now();
	for (i = 0; i < n; i++)
		sum += p[i];
	tr = now() - t0;
	/* Every word was written with its index: the sum is known. */
	if (sum != (uint64_t)n * (n - 1) / 2) {
		fprintf(stderr, "daxbench: read back a wrong sum\n");
		return -1;
	}
	munmap((void *)p, len);
	printf("{\"rep\":%d,\"faults\":%ld,\"write_mibs\":%.1f,\"read_mibs\":%.1f}\n",
	       rep, faults, len / 1048576.0 / tw, len / 1048576.0 / tr);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	size_t len;
	off_t off = 0;
	int fd, reps, r;

	if (argc < 4 || argc > 5 || atol(argv[2]) <= 0 || atoi(argv[3]) <= 0 ||
	    (argc == 5 && atol(argv[4]) < 0)) {
		fprintf(stderr, "usage: daxbench FILE MIB REPS [OFFSET]\n");
		return 2;
	}
	len = (size_t)atol(argv[2]) << 20;
	reps = atoi(argv[3]);
	if (argc == 5)
		off = (off_t)atol(argv[4]) << 20;
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (r = 0; r < reps; r++)
		if (one_rep(fd, len, off, r))
			return 1;
	close(fd);
	return 0;
}
