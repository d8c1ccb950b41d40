// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's sysfs ABI (docs/ABI, DESIGN.md §4) and the kernel's memory
 * blocks, read and written the way libdaxctl does for kmem.
 *
 * libdaxctl's own memory-block calls (daxctl_dev_get_memory() and
 * daxctl_memory_online()) only serve devices bound to "kmem", and work on
 * a whole device at once; kmem_pmem's sections are single memory blocks
 * moved one at a time, so the block writes are here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmp.h"

/**
 * sysfs_read() - read a sysfs attribute, without its trailing newline
 * @path: the file
 * @buf: where to
 * @len: size of @buf
 *
 * Return: 0 or a negative errno (-ENOENT if the file does not exist).
 */
int sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/**
 * sysfs_write() - write a sysfs attribute in one write()
 * @path: the file
 * @val: what to write
 *
 * Return: 0 or the negative errno of open() or write(), which for a store
 * method is what it returned: the reason of a refused move.
 */
int sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

bool path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	int rc;

	rc = sysfs_read(path, buf, sizeof(buf));
	if (rc)
		return rc;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

/**
 * dax_driver() - the driver a dax device is bound to
 * @dev: "daxX.Y"
 * @drv: its name, "" if unbound
 * @len: size of @drv
 *
 * Return: 0, or -ENODEV if there is no such dax device.
 */
int dax_driver(const char *dev, char *drv, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), DAX_DEVICES "/%s", dev);
	if (!path_exists(path))
		return -ENODEV;
	snprintf(path, sizeof(path), DAX_DEVICES "/%s/driver", dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		drv[0] = '\0';
		return 0;
	}
	link[n] = '\0';
	snprintf(drv, len, "%s", basename(link));
	return 0;
}

bool kmp_driver_registered(void)
{
	return path_exists(DAX_DRIVERS "/" KMP_DRIVER);
}

/**
 * kmp_bind() - bind an unbound dax device to kmem_pmem
 * @dev: "daxX.Y", not bound to any driver
 *
 * As for kmem (libdaxctl's daxctl_bind()): new_id adds the id and, on the
 * dax bus, probes at once; the bind that follows covers an id that was
 * already there, and fails harmlessly otherwise.
 *
 * Return: 0 once the device is bound to kmem_pmem, else the errno of the
 * new_id write (the probe's), or -ENXIO.
 */
int kmp_bind(const char *dev)
{
	char drv[64];
	int rc, rc2;

	rc = sysfs_write(DAX_DRIVERS "/" KMP_DRIVER "/new_id", dev);
	rc2 = dax_driver(dev, drv, sizeof(drv));
	if (!rc2 && strcmp(drv, KMP_DRIVER)) {
		rc2 = sysfs_write(DAX_DRIVERS "/" KMP_DRIVER "/bind", dev);
		if (!rc || rc == -EEXIST)
			rc = rc2;
		rc2 = dax_driver(dev, drv, sizeof(drv));
	}
	if (rc2)
		return rc2;
	if (!strcmp(drv, KMP_DRIVER))
		return 0;
	return rc ? rc : -ENXIO;
}

static void attr_path(char *path, size_t len, const char *dev, const char *attr)
{
	snprintf(path, len, DAX_DEVICES "/%s/" KMP_DRIVER "/%s", dev, attr);
}

/**
 * kmp_section_device() - the device-dax instance serving a section
 * @dev: the kmem_pmem device (daxX.Y)
 * @section: section id
 * @buf: receives the instance's name (daxR.0)
 * @len: size of @buf
 *
 * Only persistent sections served by device-dax have one (kmem_pmem
 * loaded with persistent_devdax=1): kmem_pmem/section<i> links to it.
 *
 * Return: 0, or -errno (-ENOENT: the section has none).
 */
int kmp_section_device(const char *dev, unsigned long section, char *buf,
		       size_t len)
{
	char path[PATH_MAX], target[PATH_MAX], attr[32];
	const char *base;
	ssize_t n;

	snprintf(attr, sizeof(attr), "section%lu", section);
	attr_path(path, sizeof(path), dev, attr);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = 0;
	base = strrchr(target, '/');
	snprintf(buf, len, "%s", base ? base + 1 : target);
	return 0;
}

/**
 * kmp_instance_namespace() - the nvdimm namespace a section's instance serves
 * @dax: the instance (daxR.0, from kmp_section_device())
 * @buf: receives the namespace's name, as ndctl lists it (namespaceR.0)
 * @len: size of @buf
 *
 * A namespace section's instance is below the nd_dax that claimed its
 * namespace (kmem_pmem's nvdimm bus), whose "namespace" attribute names it;
 * a self-hosted section's is below a platform device, which has none.
 *
 * Return: 0, or -errno (-ENOENT: not a namespace's).
 */
int kmp_instance_namespace(const char *dax, char *buf, size_t len)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/../namespace",
		 dax);
	rc = sysfs_read(path, buf, len);
	if (!rc && !*buf)
		rc = -ENOENT;
	return rc;
}

static int read_attr_u64(const char *dev, const char *attr, uint64_t *val)
{
	char path[PATH_MAX];

	attr_path(path, sizeof(path), dev, attr);
	return read_u64(path, val);
}

static int read_attr_str(const char *dev, const char *attr, char *buf,
			 size_t len)
{
	char path[PATH_MAX];

	attr_path(path, sizeof(path), dev, attr);
	return sysfs_read(path, buf, len);
}

/*
 * Read all of @fd into *@text (NUL-terminated, malloc()ed); *@chunks says
 * how many read()s returned data.
 */
static int read_all(int fd, char **text, int *chunks)
{
	size_t len = 0, size = 4096;
	char *buf = malloc(size), *bigger;
	ssize_t n;

	*chunks = 0;
	while (buf) {
		if (size - len < 4096 + 1) {
			bigger = realloc(buf, size * 2);
			if (!bigger)
				break;
			buf = bigger;
			size *= 2;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n < 0) {
			n = -errno;
			free(buf);
			return n;
		}
		if (n == 0) {
			buf[len] = '\0';
			*text = buf;
			return 0;
		}
		len += n;
		(*chunks)++;
	}
	free(buf);
	return -ENOMEM;
}

static int read_list_once(const char *path, char **text, int *chunks)
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = read_all(fd, text, chunks);
	close(fd);
	return rc;
}

/*
 * The kernel prints a list afresh for every read() of up to a page (docs/
 * ABI): a longer list takes several, and a section that moves in between
 * leaves parts of two lists. Such a list counts once two reads agree.
 */
static int read_list_text(const char *path, char **text)
{
	char *prev = NULL;
	int chunks, tries, rc;

	for (tries = 0; tries < 100; tries++) {
		rc = read_list_once(path, text, &chunks);
		if (rc || chunks <= 1 || (prev && !strcmp(prev, *text)))
			break;
		free(prev);
		prev = *text;
		*text = NULL;
		rc = -EAGAIN;
	}
	free(prev);
	return rc;
}

static int read_list(const char *dev, const char *attr, struct seclist *s)
{
	char path[PATH_MAX], *text;
	int rc;

	attr_path(path, sizeof(path), dev, attr);
	rc = read_list_text(path, &text);
	if (rc)
		return rc;
	rc = seclist_parse(s, text, SECLIST_ALLOW_EMPTY, NULL, 0);
	free(text);
	return rc;
}

/**
 * kmp_info_read_lists() - (re-)read which sections are where
 * @info: a device read by kmp_info_read()
 *
 * Return: 0 or a negative errno.
 */
int kmp_info_read_lists(struct kmp_info *info)
{
	int rc;

	rc = read_list(info->name, "volatile", &info->vol);
	if (!rc)
		rc = read_list(info->name, "persistent", &info->persist);
	if (!rc)
		rc = read_list(info->name, "online", &info->online);
	return rc;
}

/**
 * kmp_info_read() - read a device bound to kmem_pmem
 * @dev: "daxX.Y"
 * @info: the result; free with kmp_info_free() on success
 *
 * Return: 0; -ENODEV if there is no such dax device; -ENOTCONN if it is
 * not bound to kmem_pmem; another negative errno if its sysfs group
 * cannot be read.
 */
int kmp_info_read(const char *dev, struct kmp_info *info)
{
	char path[PATH_MAX], drv[64];
	uint64_t val;
	int rc;

	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", dev);
	rc = dax_driver(dev, drv, sizeof(drv));
	if (rc)
		return rc;
	if (strcmp(drv, KMP_DRIVER))
		return -ENOTCONN;

	snprintf(path, sizeof(path), DAX_DEVICES "/%s/size", dev);
	rc = read_u64(path, &info->size);
	if (!rc)
		rc = read_attr_u64(dev, "section_size", &info->section_size);
	if (!rc)
		rc = read_attr_u64(dev, "sections", &val);
	if (rc)
		return rc;
	info->sections = val;
	if (!read_attr_u64(dev, "target_node", &val))
		info->target_node = (int)val;
	else
		info->target_node = -1;
	read_attr_u64(dev, "first_memory_block", &info->first_memory_block);
	read_attr_u64(dev, "unaligned_bytes", &info->unaligned_bytes);
	read_attr_u64(dev, "dram_bytes", &info->dram_bytes);
	if (read_attr_str(dev, "memmap", info->memmap, sizeof(info->memmap)))
		snprintf(info->memmap, sizeof(info->memmap), "unknown");
	if (read_attr_str(dev, "metadata", info->metadata, sizeof(info->metadata)))
		snprintf(info->metadata, sizeof(info->metadata), "unknown");
	snprintf(path, sizeof(path), KMP_CHARDEV_DIR "/%s", dev);
	info->chardev = path_exists(path);

	if (seclist_init(&info->vol, info->sections) ||
	    seclist_init(&info->persist, info->sections) ||
	    seclist_init(&info->online, info->sections)) {
		kmp_info_free(info);
		return -ENOMEM;
	}
	rc = kmp_info_read_lists(info);
	if (rc)
		kmp_info_free(info);
	return rc;
}

void kmp_info_free(struct kmp_info *info)
{
	seclist_free(&info->vol);
	seclist_free(&info->persist);
	seclist_free(&info->online);
}

/**
 * kmp_move_section() - make one section volatile or persistent
 * @info: its device
 * @dir: where to
 * @section: the section
 *
 * Return: 0 or the driver's negative errno (-EBUSY: pages could not be
 * migrated, ...).
 */
int kmp_move_section(const struct kmp_info *info, enum move_dir dir,
		     unsigned long section)
{
	char path[PATH_MAX], val[32];

	attr_path(path, sizeof(path), info->name,
		  dir == TO_VOLATILE ? "volatile" : "persistent");
	snprintf(val, sizeof(val), "%lu", section);
	return sysfs_write(path, val);
}

/**
 * kmp_make_all_persistent() - one write of "all" to the persistent file
 * @info: the device
 *
 * Besides the volatile sections, this zeroes those recorded volatile on
 * the media that are not RAM (an add failed): the lists show them as
 * persistent, but their bytes are what the RAM left.
 *
 * Return: 0 or the driver's negative errno.
 */
int kmp_make_all_persistent(const struct kmp_info *info)
{
	char path[PATH_MAX];

	attr_path(path, sizeof(path), info->name, "persistent");
	return sysfs_write(path, "all");
}

/**
 * kmp_unbind() - unbind a dax device from kmem_pmem and forget its id
 * @dev: "daxX.Y", bound to kmem_pmem
 *
 * The id new_id added goes too (remove_id), so that nothing binds the
 * device to kmem_pmem again unasked.
 *
 * Return: 0 once the device is unbound, or a negative errno.
 */
int kmp_unbind(const char *dev)
{
	char drv[64];
	int rc;

	rc = sysfs_write(DAX_DRIVERS "/" KMP_DRIVER "/unbind", dev);
	if (rc)
		return rc;
	rc = dax_driver(dev, drv, sizeof(drv));
	if (rc)
		return rc;
	if (!strcmp(drv, KMP_DRIVER))
		return -EBUSY;
	sysfs_write(DAX_DRIVERS "/" KMP_DRIVER "/remove_id", dev);
	return 0;
}

static bool all_zero(const unsigned char *p, size_t len, size_t *first)
{
	const uint64_t *w = (const uint64_t *)p;
	size_t i, n = len / sizeof(*w);

	for (i = 0; i < n; i++) {
		if (w[i]) {
			for (*first = i * sizeof(*w); !p[*first]; (*first)++)
				;
			return false;
		}
	}
	for (i = n * sizeof(*w); i < len; i++) {
		if (p[i]) {
			*first = i;
			return false;
		}
	}
	return true;
}

/*
 * Map [@off, @off + @len) of @fd and look for a non-zero byte.
 * Return: 1 (its offset in *@offset), 0, or -errno if it cannot be mapped.
 */
static int mapped_has_data(int fd, uint64_t off, size_t len, uint64_t *offset)
{
	unsigned char *buf;
	size_t first;
	int rc = 0;

	buf = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
	if (buf == MAP_FAILED)
		return -errno;
	if (!all_zero(buf, len, &first)) {
		*offset = first;
		rc = 1;
	}
	munmap(buf, len);
	return rc;
}

/* kmp_section_has_data() for a device-dax instance: mapped whole, read. */
static int devdax_has_data(const char *dax, uint64_t *offset)
{
	char path[PATH_MAX];
	uint64_t size;
	int fd, rc;

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/size", dax);
	rc = read_u64(path, &size);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "/dev/%s", dax);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = mapped_has_data(fd, 0, size, offset);
	close(fd);
	return rc;
}

/**
 * kmp_section_has_data() - does a persistent section hold non-zero bytes?
 * @info: its device
 * @section: the section, persistent
 * @offset: the first non-zero byte's offset in the section, if any
 *
 * Reads the section through its device-dax instance if it has one (its
 * data, after the struct pages in its first bytes; @offset is then in the
 * instance), else through /dev/kmem_pmem/daxX.Y: mapped if the device
 * allows it, else with pread().
 *
 * Return: 1 if it does, 0 if it is all zeroes, or a negative errno
 * (-ENOENT: no character device to read it through).
 */
int kmp_section_has_data(const struct kmp_info *info, unsigned long section,
			 uint64_t *offset)
{
	const size_t chunk = 1 << 20;
	uint64_t base = section * info->section_size, done;
	char path[PATH_MAX], dax[64];
	unsigned char *buf;
	size_t first;
	int fd, rc = 0;

	if (!kmp_section_device(info->name, section, dax, sizeof(dax)))
		return devdax_has_data(dax, offset);
	snprintf(path, sizeof(path), KMP_CHARDEV_DIR "/%s", info->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	rc = mapped_has_data(fd, base, info->section_size, offset);
	if (rc >= 0) {
		close(fd);
		return rc;
	}
	rc = 0;		/* the device refuses mmap: read it */

	buf = malloc(chunk);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (done = 0; done < info->section_size; ) {
		size_t want = info->section_size - done < chunk ?
			      info->section_size - done : chunk;
		ssize_t n = pread(fd, buf, want, base + done);

		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0) {
			rc = -EIO;
			break;
		}
		if (!all_zero(buf, n, &first)) {
			*offset = done + first;
			rc = 1;
			break;
		}
		done += n;
	}
	free(buf);
	close(fd);
	return rc;
}

/**
 * memblock_state() - the state of a memory block
 * @block: its number (memoryN)
 * @buf: "online", "offline" or "going-offline"
 * @len: size of @buf
 *
 * Return: 0, -ENOENT if the block does not exist (section not added).
 */
int memblock_state(uint64_t block, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MEMORY_DIR "/memory%" PRIu64 "/state", block);
	return sysfs_read(path, buf, len);
}

/**
 * memblock_zone() - the zone of an online memory block
 * @block: its number
 * @buf: "Movable", "Normal", ...; for an offline block, the first zone it
 *	could be onlined to
 * @len: size of @buf
 *
 * Return: 0 or a negative errno.
 */
int memblock_zone(uint64_t block, char *buf, size_t len)
{
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), MEMORY_DIR "/memory%" PRIu64 "/valid_zones",
		 block);
	rc = sysfs_read(path, buf, len);
	if (!rc)
		buf[strcspn(buf, " ")] = '\0';
	return rc;
}

static void wake_write(int sig)
{
	(void)sig;	/* only interrupts the write */
}

/**
 * memblock_offline() - offline a memory block, giving up after a while
 * @block: its number
 * @timeout_s: seconds to try
 *
 * The kernel retries migrating the block's pages until a signal arrives
 * (a pinned page can hold it forever): an alarm ends the write.
 *
 * Return: 0, -EINTR after @timeout_s, or another negative errno.
 */
int memblock_offline(uint64_t block, unsigned int timeout_s)
{
	struct sigaction sa = { .sa_handler = wake_write }, old;
	char path[PATH_MAX];
	int rc;

	snprintf(path, sizeof(path), MEMORY_DIR "/memory%" PRIu64 "/state", block);
	sigemptyset(&sa.sa_mask);	/* no SA_RESTART: the write must end */
	if (sigaction(SIGALRM, &sa, &old))
		return -errno;
	alarm(timeout_s);
	rc = sysfs_write(path, "offline");
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	return rc;
}

/**
 * memblock_online_movable() - online a memory block into ZONE_MOVABLE
 * @block: its number
 *
 * As libdaxctl's online_one_memblock(): an online block is left alone,
 * and a failed write that finds the block online anyway (someone else
 * onlined it) is not an error.
 *
 * Return: 0 or a negative errno.
 */
int memblock_online_movable(uint64_t block)
{
	char path[PATH_MAX], state[32];
	int rc;

	rc = memblock_state(block, state, sizeof(state));
	if (rc)
		return rc;
	if (!strcmp(state, "online"))
		return 0;
	snprintf(path, sizeof(path), MEMORY_DIR "/memory%" PRIu64 "/state", block);
	rc = sysfs_write(path, "online_movable");
	if (rc && !memblock_state(block, state, sizeof(state)) &&
	    !strcmp(state, "online"))
		rc = 0;
	return rc;
}
