// SPDX-License-Identifier: GPL-2.0
/*
 * dax_io: bytes in and out of a device-dax instance from the shell, where
 * python is not at hand (pkg-boot's Debian image). device-dax has no
 * read() or write(): this maps the instance shared, from its start to the
 * 2 MiB boundary past the bytes, as an application would.
 *
 *   dax_io write DEV OFFSET < data     stdin into DEV at OFFSET
 *   dax_io read DEV OFFSET LEN > data  LEN bytes of DEV at OFFSET
 *
 * Built on the host for pkg-boot's Debian image (tests/vm/debian-root.sh).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define DAX_ALIGN (2UL << 20)

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	int wr = argc == 4 && !strcmp(argv[1], "write");
	size_t off, len = 0, maplen, got;
	char *map;
	int fd;

	if (!wr && (argc != 5 || strcmp(argv[1], "read"))) {
		fprintf(stderr, "usage: dax_io write DEV OFFSET < data | dax_io read DEV OFFSET LEN\n");
		return 2;
	}
	off = strtoull(argv[3], NULL, 0);
	if (!wr)
		len = strtoull(argv[4], NULL, 0);
	fd = open(argv[2], wr ? O_RDWR : O_RDONLY);
	if (fd < 0)
		die(argv[2]);
	/* Enough for what stdin holds: at most 64 MiB past OFFSET. */
	maplen = (off + (wr ? 64UL << 20 : len) + DAX_ALIGN - 1) & ~(DAX_ALIGN - 1);
	map = mmap(NULL, maplen, PROT_READ | (wr ? PROT_WRITE : 0), MAP_SHARED,
		   fd, 0);
	if (map == MAP_FAILED)
		die("mmap");
	if (!wr)
		return fwrite(map + off, 1, len, stdout) == len ? 0 : 1;
	while ((got = fread(map + off + len, 1, maplen - off - len, stdin)) > 0)
		len += got;
	if (ferror(stdin) || !feof(stdin)) {
		fprintf(stderr, "dax_io: more than %zu bytes on stdin\n", maplen - off);
		return 1;
	}
	return munmap(map, maplen) ? 1 : 0;
}
