// SPDX-License-Identifier: GPL-2.0
/*
 * Which processes map a file: for a move refused because a section's
 * device-dax instance is mapped, the admin wants to know whose mapping it is,
 * as fuser(1) would say. Every mapping of a device shows its path in
 * /proc/PID/maps.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "who_maps.h"

/* Does /proc/@pid/maps have a mapping of @path? */
static int maps_path(const char *pid, const char *path)
{
	char file[300], line[4096];
	size_t plen = strlen(path);
	int found = 0;
	FILE *f;

	snprintf(file, sizeof(file), "/proc/%s/maps", pid);
	f = fopen(file, "re");
	if (!f)
		return 0;	/* gone meanwhile, or not ours to read */
	while (!found && fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");

		line[n] = '\0';
		found = n > plen && line[n - plen - 1] == ' ' &&
			!strcmp(line + n - plen, path);
	}
	fclose(f);
	return found;
}

static void comm_of(const char *pid, char *buf, size_t len)
{
	char file[300];
	FILE *f;

	snprintf(file, sizeof(file), "/proc/%s/comm", pid);
	buf[0] = '\0';
	f = fopen(file, "re");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/**
 * who_maps() - the processes that map @path
 * @path: a file's path as /proc/PID/maps shows it ("/dev/dax3.0")
 * @buf: "pid 1234 (qemu-system-x86), ..." or empty if none found
 * @len: size of @buf
 *
 * Return: the number of processes found.
 */
int who_maps(const char *path, char *buf, size_t len)
{
	struct dirent *d;
	size_t used = 0;
	int n = 0;
	DIR *proc;

	buf[0] = '\0';
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while ((d = readdir(proc))) {
		char comm[64];

		if (!isdigit((unsigned char)d->d_name[0]) ||
		    !maps_path(d->d_name, path))
			continue;
		comm_of(d->d_name, comm, sizeof(comm));
		if (used < len)
			used += snprintf(buf + used, len - used, "%spid %s (%s)",
					 n ? ", " : "", d->d_name, comm);
		n++;
	}
	closedir(proc);
	return n;
}
