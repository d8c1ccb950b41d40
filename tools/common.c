// SPDX-License-Identifier: GPL-2.0
/*
 * What pmemctl's commands share: messages on stderr ("pmemctl: <command>:
 * ...", one line each), opening a device bound to kmem_pmem with a reason
 * when that is not possible, and JSON on stdout.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <daxctl/libdaxctl.h>

#include "builtin.h"

static void vmsg(const struct pmemctl_args *a, const char *level,
		 const char *fmt, va_list ap)
{
	fprintf(stderr, "pmemctl: %s: %s", a->name, level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* An error: always printed. */
void pm_err(const struct pmemctl_args *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(a, "", fmt, ap);
	va_end(ap);
}

/* A warning: always printed. */
void pm_warn(const struct pmemctl_args *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(a, "warning: ", fmt, ap);
	va_end(ap);
}

/* Progress and summaries: not with --quiet. */
void pm_info(const struct pmemctl_args *a, const char *fmt, ...)
{
	va_list ap;

	if (a->quiet)
		return;
	va_start(ap, fmt);
	vmsg(a, "", fmt, ap);
	va_end(ap);
}

/**
 * open_kmp_dev() - read the device named by a command-line argument
 * @a: the command line, for messages
 * @arg: the argument as typed
 * @info: the device; free with kmp_info_free() on success
 *
 * Says why on stderr when it cannot.
 *
 * Return: EXIT_OK, or the exit code to give up with.
 */
int open_kmp_dev(const struct pmemctl_args *a, const char *arg,
		 struct kmp_info *info)
{
	char name[64], drv[64];
	int rc;

	if (parse_dev_arg(arg, name, sizeof(name)) != DEV_DAX) {
		pm_err(a, "'%s' is not a dax device name (daxX.Y)", arg);
		return EXIT_USAGE;
	}
	rc = kmp_info_read(name, info);
	switch (rc) {
	case 0:
		return EXIT_OK;
	case -ENODEV:
		pm_err(a, "%s: no such dax device", name);
		return EXIT_USAGE;
	case -ENOTCONN:
		if (!kmp_driver_registered()) {
			pm_err(a, "%s: the kmem_pmem module is not loaded (modprobe kmem_pmem)",
			       name);
			return EXIT_UNSUPPORTED;
		}
		dax_driver(name, drv, sizeof(drv));
		pm_err(a, "%s: not bound to kmem_pmem (driver: %s); see 'pmemctl setup %s'",
		       name, drv[0] ? drv : "none", name);
		return EXIT_USAGE;
	default:
		pm_err(a, "%s: cannot read its kmem_pmem attributes: %s", name,
		       strerror(-rc));
		return EXIT_FAILED;
	}
}

void print_json(struct json_object *j)
{
	printf("%s\n", json_object_to_json_string_ext(j,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
}

/* Monotonic seconds, for timing moves. */
double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The libdaxctl device named @name ("daxX.Y"), or NULL. */
struct daxctl_dev *find_dax_dev(struct daxctl_ctx *ctx, const char *name)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;

	daxctl_region_foreach(ctx, region)
		daxctl_dev_foreach(region, dev)
			if (!strcmp(daxctl_dev_get_devname(dev), name))
				return dev;
	return NULL;
}

/*
 * Calls @fn(pid, file, @ctx) for each file whose path starts with @prefix
 * that a process has open or mapped, until @fn returns non-zero, which
 * this returns. Only root sees every process's files, which is who moves
 * devices.
 */
typedef int dev_use_fn(pid_t pid, const char *file, void *ctx);

static int scan_dev_uses(const char *prefix, dev_use_fn *fn, void *ctx)
{
	char path[PATH_MAX], link[PATH_MAX], line[PATH_MAX + 128];
	size_t len = strlen(prefix);
	struct dirent *p;
	DIR *proc;
	int rc = 0;

	proc = opendir("/proc");
	if (!proc)
		return 0;
	while (!rc && (p = readdir(proc))) {
		pid_t pid = atoi(p->d_name);
		struct dirent *f;
		FILE *maps;
		DIR *fds;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		while (fds && !rc && (f = readdir(fds))) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name,
				 f->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (!strncmp(link, prefix, len))
				rc = fn(pid, link, ctx);
		}
		if (fds)
			closedir(fds);
		snprintf(path, sizeof(path), "/proc/%s/maps", p->d_name);
		maps = fopen(path, "re");
		while (maps && !rc && fgets(line, sizeof(line), maps)) {
			/* The path is at the line's first '/': no field before has one. */
			char *file = strchr(line, '/');

			if (!file || strncmp(file, prefix, len))
				continue;
			file[strcspn(file, "\n ")] = '\0';
			rc = fn(pid, file, ctx);
		}
		if (maps)
			fclose(maps);
	}
	closedir(proc);
	return rc;
}

static int is_file(pid_t pid, const char *file, void *want)
{
	return strcmp(file, want) ? 0 : pid;
}

/**
 * dev_user() - a process that has a device file open or mapped
 * @want: the device file, e.g. "/dev/dax0.0"
 *
 * Return: its pid, or 0 if none is found.
 */
pid_t dev_user(const char *want)
{
	return scan_dev_uses(want, is_file, (void *)want);
}

static int add_use(pid_t pid, const char *file, void *ctx)
{
	struct dev_uses *u = ctx;
	struct dev_use *grown;

	if (dev_uses_find(u, file))
		return 0;
	if (u->nr == u->cap) {
		grown = realloc(u->use, (u->cap * 2 + 8) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		u->use = grown;
		u->cap = u->cap * 2 + 8;
	}
	snprintf(u->use[u->nr].file, sizeof(u->use[u->nr].file), "%s", file);
	u->use[u->nr++].pid = pid;
	return 0;
}

/**
 * dev_uses_scan() - who has which device file open or mapped, in one scan
 * @u: receives one entry per file under @prefix (a process using it);
 *     dev_uses_free() it
 * @prefix: e.g. "/dev/dax": one scan of /proc for many files, where
 *     dev_user() per file would scan it once each
 *
 * Return: 0 or -ENOMEM.
 */
int dev_uses_scan(struct dev_uses *u, const char *prefix)
{
	memset(u, 0, sizeof(*u));
	return scan_dev_uses(prefix, add_use, u);
}

/* The process @u saw using @file, or 0. */
pid_t dev_uses_find(const struct dev_uses *u, const char *file)
{
	size_t i;

	for (i = 0; i < u->nr; i++)
		if (!strcmp(u->use[i].file, file))
			return u->use[i].pid;
	return 0;
}

void dev_uses_free(struct dev_uses *u)
{
	free(u->use);
	memset(u, 0, sizeof(*u));
}

/**
 * instance_users_scan() - who uses device-dax devices, for a move or release
 * @a: the command line, for the error
 * @info: the kmem_pmem device whose sections' instances are checked
 * @u: as dev_uses_scan(); dev_uses_free() it in any case
 *
 * Return: EXIT_OK, or EXIT_FAILED having said why.
 */
int instance_users_scan(struct pmemctl_args *a, const struct kmp_info *info,
			struct dev_uses *u)
{
	if (!dev_uses_scan(u, "/dev/dax"))
		return EXIT_OK;
	pm_err(a, "%s: cannot check which processes use its sections' devices: %s",
	       info->name, strerror(ENOMEM));
	return EXIT_FAILED;
}

/**
 * instance_user() - a process using a section's device-dax instance
 * @u: from instance_users_scan()
 * @info: the kmem_pmem device
 * @section: the section
 * @path: receives "/dev/daxR.0" when the section has an instance
 * @len: size of @path
 *
 * Return: its pid, or 0 (no instance, or nobody uses it).
 */
pid_t instance_user(const struct dev_uses *u, const struct kmp_info *info,
		    unsigned long section, char *path, size_t len)
{
	char dax[64];

	if (!u->nr || kmp_section_device(info->name, section, dax, sizeof(dax)))
		return 0;
	snprintf(path, len, "/dev/%s", dax);
	return dev_uses_find(u, path);
}
