// SPDX-License-Identifier: GPL-2.0
/*
 * numabench: memory bandwidth and load latency on given NUMA nodes.
 *
 * For each node: a buffer bound to the node (mbind MPOL_BIND, base pages:
 * MADV_NOHUGEPAGE, so every node is measured with the same page size), its
 * placement checked page by page with move_pages(), then per repetition
 *
 *   read   sequential 64-bit loads over the buffer, MiB/s
 *   write  sequential 64-bit stores over the buffer, MiB/s
 *   chase  dependent loads through a random cyclic permutation of 64-byte
 *          lines (Sattolo), ns per load
 *
 * Repetitions interleave the nodes (rep 1 on every node, then rep 2, ...)
 * so that drift of a shared or emulated machine hits them alike. One JSON
 * object per node and repetition on stdout:
 *
 *   {"node":1,"rep":0,"read_mibs":1234.5,"write_mibs":987.6,"chase_ns":85.2}
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <numa.h>
#include <numaif.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define LINE 64
#define MAX_NODES 8

struct target {
	int node;
	uint64_t *buf;		/* bandwidth buffer */
	size_t buf_size;
	void **chase;		/* pointer-chase buffer */
	size_t chase_size;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: numabench [options] NODE...\n"
		"  -s, --size MIB        bandwidth buffer per node (default 256)\n"
		"  -c, --chase-size MIB  pointer-chase buffer per node (default 64)\n"
		"  -r, --reps N          repetitions per node (default 3)\n"
		"  -h, --help\n");
}

/* A buffer of @size bytes whose every page is on @node, or NULL. */
static void *alloc_on_node(int node, size_t size)
{
	struct bitmask *mask;
	long page = sysconf(_SC_PAGESIZE);
	size_t n = size / page, i, wrong = 0;
	void **pages;
	int *status;
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("numabench: mmap");
		return NULL;
	}
	madvise(p, size, MADV_NOHUGEPAGE);
	mask = numa_allocate_nodemask();
	numa_bitmask_setbit(mask, node);
	if (mbind(p, size, MPOL_BIND, mask->maskp, mask->size + 1, MPOL_MF_STRICT)) {
		fprintf(stderr, "numabench: mbind to node %d: %s\n", node, strerror(errno));
		numa_free_nodemask(mask);
		munmap(p, size);
		return NULL;
	}
	numa_free_nodemask(mask);
	memset(p, 0x5a, size);	/* fault every page in, on @node */

	pages = calloc(n, sizeof(*pages));
	status = calloc(n, sizeof(*status));
	if (!pages || !status) {
		perror("numabench: calloc");
		exit(1);
	}
	for (i = 0; i < n; i++)
		pages[i] = (char *)p + i * page;
	if (move_pages(0, n, pages, NULL, status, 0)) {
		perror("numabench: move_pages");
		exit(1);
	}
	for (i = 0; i < n; i++)
		wrong += status[i] != node;
	free(pages);
	free(status);
	if (wrong) {
		fprintf(stderr, "numabench: %zu of %zu pages not on node %d\n", wrong, n, node);
		munmap(p, size);
		return NULL;
	}
	return p;
}

static double read_mibs(const uint64_t *buf, size_t size)
{
	size_t i, n = size / sizeof(*buf);
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	double t;

	t = now();
	for (i = 0; i < n; i += 4) {
		s0 += buf[i];
		s1 += buf[i + 1];
		s2 += buf[i + 2];
		s3 += buf[i + 3];
	}
	t = now() - t;
	/* Keep the loads: the sum goes nowhere the compiler can see through. */
	__asm__ volatile("" : : "r"(s0 + s1 + s2 + s3));
	return size / t / (1 << 20);
}

static double write_mibs(uint64_t *buf, size_t size, uint64_t v)
{
	size_t i, n = size / sizeof(*buf);
	double t;

	t = now();
	for (i = 0; i < n; i += 4) {
		buf[i] = v;
		buf[i + 1] = v;
		buf[i + 2] = v;
		buf[i + 3] = v;
	}
	__asm__ volatile("" : : "r"(buf) : "memory");
	t = now() - t;
	return size / t / (1 << 20);
}

/* Link the lines of @chase into one random cycle (Sattolo's algorithm). */
static void chase_init(void **chase, size_t size, unsigned int seed)
{
	size_t n = size / LINE, i, j, *order, tmp;
	size_t stride = LINE / sizeof(void *);

	order = malloc(n * sizeof(*order));
	if (!order) {
		perror("numabench: malloc");
		exit(1);
	}
	for (i = 0; i < n; i++)
		order[i] = i;
	srandom(seed);
	for (i = n - 1; i > 0; i--) {
		j = ((size_t)random() << 31 ^ random()) % i;
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i < n; i++)
		chase[order[i] * stride] = &chase[order[(i + 1) % n] * stride];
	free(order);
}

static double chase_ns(void **chase, size_t size)
{
	size_t hops = 2 * (size / LINE), i;
	void **p = chase;
	double t;

	t = now();
	for (i = 0; i < hops; i++)
		p = *p;
	t = now() - t;
	__asm__ volatile("" : : "r"(p));
	return t * 1e9 / hops;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "chase-size", required_argument, NULL, 'c' },
		{ "reps", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct target t[MAX_NODES];
	size_t size = 256, chase = 64;
	int reps = 3, n = 0, c, i, r;
	char *end;

	if (numa_available() < 0) {
		fprintf(stderr, "numabench: no NUMA support in this kernel\n");
		return 1;
	}
	while ((c = getopt_long(argc, argv, "s:c:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'c':
			errno = 0;
			*(c == 's' ? &size : &chase) = strtoul(optarg, &end, 10);
			if (errno || *end || !*(c == 's' ? &size : &chase)) {
				fprintf(stderr, "numabench: bad size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'r':
			reps = atoi(optarg);
			if (reps < 1) {
				fprintf(stderr, "numabench: bad repetition count '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc || argc - optind > MAX_NODES) {
		usage(stderr);
		return 2;
	}

	for (; optind < argc; optind++, n++) {
		t[n].node = strtol(argv[optind], &end, 10);
		if (*end || t[n].node < 0 || t[n].node > numa_max_node()) {
			fprintf(stderr, "numabench: bad node '%s'\n", argv[optind]);
			return 2;
		}
		t[n].buf_size = size << 20;
		t[n].chase_size = chase << 20;
		t[n].buf = alloc_on_node(t[n].node, t[n].buf_size);
		t[n].chase = alloc_on_node(t[n].node, t[n].chase_size);
		if (!t[n].buf || !t[n].chase)
			return 1;
		chase_init(t[n].chase, t[n].chase_size, 1);	/* same walk on every node */
	}

	for (r = 0; r < reps; r++) {
		for (i = 0; i < n; i++) {
			double rd = read_mibs(t[i].buf, t[i].buf_size);
			double wr = write_mibs(t[i].buf, t[i].buf_size, r);
			double ch = chase_ns(t[i].chase, t[i].chase_size);

			printf("{\"node\":%d,\"rep\":%d,\"read_mibs\":%.1f,\"write_mibs\":%.1f,\"chase_ns\":%.2f}\n",
			       t[i].node, r, rd, wr, ch);
			fflush(stdout);
		}
	}
	return 0;
}
