// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl setup <namespaceX.Y|daxX.Y>: from a pmem namespace to a device
 * bound to kmem_pmem.
 *
 *  1. A namespace that is not devdax yet becomes devdax with the memmap in
 *     RAM (ndctl create-namespace -f -e <ns> --mode=devdax --map=mem, done
 *     with libndctl), with the dax bus's autoprobe off until the end of
 *     setup (dax_autoprobe.c), so that device_dax never maps the new
 *     device: map=mem would give it struct pages in DRAM (gigabytes per
 *     TiB: more than a small machine has), and map=dev would reserve 1.56%
 *     of the namespace for them for good; kmem_pmem uses neither. A
 *     namespace that holds a filesystem (or any signature blkid knows) is
 *     refused unless --force; one that is mounted or held open is refused
 *     even so. The place of kmem_pmem's table is then zeroed through the
 *     raw namespace: the namespace's old bytes there would read as a
 *     corrupt table.
 *  2. The dax device leaves its driver (libdaxctl: daxctl_dev_disable()):
 *     device_dax if nothing has it open or mapped, kmem if none of its
 *     memory is online (with --force: after offlining it).
 *  3. It is bound to kmem_pmem (new_id, as daxctl binds kmem), and goes
 *     back to device_dax if that fails.
 *  4. Sections the driver made volatile as it bound are onlined if the
 *     kernel's auto-online policy did not (unless --no-online), as daxctl
 *     reconfigure-device --mode=system-ram does.
 */
#define _GNU_SOURCE	/* O_DIRECT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <blkid.h>
#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>
#include <uuid/uuid.h>

#include "builtin.h"
#include "size.h"

static struct ndctl_namespace *find_namespace(struct ndctl_ctx *ctx,
					      const char *name)
{
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_bus *bus;

	ndctl_bus_foreach(ctx, bus)
		ndctl_region_foreach(bus, region)
			ndctl_namespace_foreach(region, ndns)
				if (!strcmp(ndctl_namespace_get_devname(ndns), name))
					return ndns;
	return NULL;
}

/* The block device a namespace is reached through now, or NULL. */
static const char *namespace_bdev(struct ndctl_namespace *ndns)
{
	struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(ndns);
	struct ndctl_btt *btt = ndctl_namespace_get_btt(ndns);
	const char *bdev = NULL;

	if (pfn)
		bdev = ndctl_pfn_get_block_device(pfn);
	else if (btt)
		bdev = ndctl_btt_get_block_device(btt);
	else if (ndctl_namespace_is_enabled(ndns))
		bdev = ndctl_namespace_get_block_device(ndns);
	return bdev && *bdev ? bdev : NULL;
}

/*
 * Refuse a namespace in use (always) or holding a filesystem or other
 * known signature (unless --force).
 */
static int check_namespace_unused(struct pmemctl_args *a, const char *ns,
				  const char *bdev)
{
	const char *type = NULL;
	char path[64];
	blkid_probe pr;
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", bdev);
	fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0 && errno == EBUSY) {
		pm_err(a, "%s: %s is in use (mounted or held open): unmount or release it first",
		       ns, path);
		return EXIT_REFUSED;
	}
	if (fd >= 0)
		close(fd);

	pr = blkid_new_probe_from_filename(path);
	if (!pr) {
		if (a->force)
			return EXIT_OK;
		pm_err(a, "%s: cannot probe %s for a filesystem: %s; use --force to go ahead",
		       ns, path, strerror(errno));
		return EXIT_REFUSED;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	if (blkid_do_safeprobe(pr) == 0 &&
	    blkid_probe_lookup_value(pr, "TYPE", &type, NULL) &&
	    blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL))
		type = "unknown";
	if (type && !a->force) {
		pm_err(a, "%s: %s holds a %s signature (filesystem or partition table): setup would destroy it; use --force",
		       ns, path, type);
		blkid_free_probe(pr);
		return EXIT_REFUSED;
	}
	if (type)
		pm_warn(a, "%s: %s holds a %s signature: destroying it (--force)",
			ns, path, type);
	blkid_free_probe(pr);
	return EXIT_OK;
}

/**
 * struct ns_before - a namespace as setup found it, to put it back
 * @name: "namespaceX.Y"
 * @changed: setup disabled it: a later failure must put it back
 * @enabled: it was active (enabled itself, or through its claim: fsdax,
 *	sector, devdax)
 * @mode: its mode then (raw, fsdax, sector)
 * @claimed: an info block on the media made it fsdax or sector (a legacy
 *	pmem namespace is fsdax without one)
 */
struct ns_before {
	char name[64];
	bool changed;
	bool enabled;
	enum ndctl_namespace_mode mode;
	bool claimed;
};

static const char *mode_name(enum ndctl_namespace_mode mode)
{
	switch (mode) {
	case NDCTL_NS_MODE_RAW: return "raw";
	case NDCTL_NS_MODE_FSDAX: return "fsdax";
	case NDCTL_NS_MODE_DEVDAX: return "devdax";
	case NDCTL_NS_MODE_SECTOR: return "sector";
	default: return "unknown";
	}
}

/*
 * Whether namespace @name is enabled, and its mode, from a new libndctl
 * context: one kept across a disable and enable may not know the claim
 * the kernel found on the media as it enabled it.
 */
static int namespace_now(const char *name, bool *enabled,
			 enum ndctl_namespace_mode *mode)
{
	struct ndctl_namespace *ndns;
	struct ndctl_ctx *nctx;
	int rc;

	rc = ndctl_new(&nctx);
	if (rc)
		return rc;
	ndns = find_namespace(nctx, name);
	if (ndns) {
		*enabled = ndctl_namespace_is_active(ndns);
		*mode = ndctl_namespace_get_mode(ndns);
	}
	ndctl_unref(nctx);
	return ndns ? 0 : -ENODEV;
}

/*
 * Zero @len bytes at @offset of namespace @ndns through its raw block device
 * (4 KiB-aligned; the namespace's claim on the media is ignored while it is
 * raw), as ndctl does before reconfiguring. The namespace is left disabled.
 */
static int zero_raw(struct ndctl_namespace *ndns, uint64_t offset, uint64_t len)
{
	uint64_t start = offset & ~4095ULL;
	uint64_t end = (offset + len + 4095) & ~4095ULL;
	char path[64], *zero = NULL;
	int fd, rc;

	ndctl_namespace_disable_invalidate(ndns);
	ndctl_namespace_set_raw_mode(ndns, 1);
	rc = ndctl_namespace_enable(ndns);
	if (rc < 0)
		goto out;
	snprintf(path, sizeof(path), "/dev/%s",
		 ndctl_namespace_get_block_device(ndns));
	rc = -ENOMEM;
	if (posix_memalign((void **)&zero, 4096, end - start))
		goto out;
	memset(zero, 0, end - start);
	fd = open(path, O_RDWR | O_DIRECT | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
	} else {
		rc = pwrite(fd, zero, end - start, start) ==
		     (ssize_t)(end - start) ? 0 : -EIO;
		if (!rc && fsync(fd))
			rc = -errno;
		close(fd);
	}
	free(zero);
out:
	ndctl_namespace_set_raw_mode(ndns, 0);
	ndctl_namespace_disable_invalidate(ndns);
	return rc;
}

/* Zero the devdax info block setup wrote at 4 KiB into a namespace. */
static int zero_dax_info_block(struct ndctl_namespace *ndns)
{
	return zero_raw(ndns, 4096, 4096);
}

/*
 * Disable @ndns (and the devdax device setup made of it), then enable it
 * again if it was: the kernel finds the claim on the media, the old one if
 * setup never wrote its own. A namespace that had no claim (raw, or legacy
 * pmem) gets setup's devdax info block zeroed first.
 */
static int put_namespace_back(struct ndctl_namespace *ndns,
			      const struct ns_before *before)
{
	enum ndctl_namespace_mode mode;
	bool enabled;
	int rc;

	rc = ndctl_namespace_disable_safe(ndns);
	if (rc < 0)
		return rc;
	if (!before->claimed) {
		rc = ndctl_namespace_enable(ndns);
		if (rc < 0)
			return rc;
		if (namespace_now(before->name, &enabled, &mode) ||
		    mode != NDCTL_NS_MODE_DEVDAX)
			return before->enabled ? 0 :
			       ndctl_namespace_disable_invalidate(ndns);
		rc = zero_dax_info_block(ndns);
		if (rc < 0)
			return rc;
	}
	return before->enabled ? ndctl_namespace_enable(ndns) : 0;
}

/*
 * A step after the namespace was disabled failed: put it back as it was,
 * or say in what state it is left.
 */
static void restore_namespace(struct pmemctl_args *a,
			      const struct ns_before *before)
{
	enum ndctl_namespace_mode mode = NDCTL_NS_MODE_UNKNOWN;
	struct ndctl_namespace *ndns;
	struct ndctl_ctx *nctx;
	bool enabled = false;
	int rc;

	if (!before->changed)
		return;
	rc = ndctl_new(&nctx);
	if (rc)
		goto report;
	ndns = find_namespace(nctx, before->name);
	rc = ndns ? put_namespace_back(ndns, before) : -ENODEV;
	ndctl_unref(nctx);
report:
	if (!namespace_now(before->name, &enabled, &mode) &&
	    enabled == before->enabled && mode == before->mode) {
		pm_info(a, "%s: put back as it was: %s, %s", before->name,
			before->enabled ? "enabled" : "disabled",
			mode_name(before->mode));
		return;
	}
	pm_err(a, "%s: could not be put back as it was (%s, %s)%s%s: it is %s, %s now; see ndctl create-namespace -f -e %s --mode=%s",
	       before->name, before->enabled ? "enabled" : "disabled",
	       mode_name(before->mode), rc < 0 ? ": " : "",
	       rc < 0 ? strerror(-rc) : "", enabled ? "enabled" : "disabled",
	       mode_name(mode), before->name, mode_name(before->mode));
}

/*
 * The name of the dax device of devdax namespace @ns, from a new libndctl
 * context (one kept across a disable and enable does not know the new
 * one), once the nvdimm bus has finished probing.
 */
static int dax_of_namespace(const char *ns, char *dax_name, size_t len)
{
	struct daxctl_region *dregion;
	struct ndctl_namespace *ndns;
	struct daxctl_dev *ddev = NULL;
	struct ndctl_ctx *nctx;
	struct ndctl_dax *dax;
	int rc;

	rc = ndctl_new(&nctx);
	if (rc)
		return rc;
	ndns = find_namespace(nctx, ns);
	if (ndns)
		ndctl_bus_wait_probe(ndctl_namespace_get_bus(ndns));
	dax = ndns ? ndctl_namespace_get_dax(ndns) : NULL;
	dregion = dax ? ndctl_dax_get_daxctl_region(dax) : NULL;
	if (dregion)
		ddev = daxctl_dev_get_first(dregion);
	if (ddev)
		snprintf(dax_name, len, "%s", daxctl_dev_get_devname(ddev));
	ndctl_unref(nctx);
	return ddev ? 0 : -ENXIO;
}

/*
 * A namespace setup has just made devdax: its old bytes (a filesystem's
 * blocks) would read as a corrupt table. Zero the table's place through the
 * raw namespace (device_dax would map the whole device with struct pages in
 * DRAM to reach it: see dax_autoprobe.c), then enable the namespace again:
 * the kernel finds the devdax info block and makes the dax device again,
 * whose name is left in @dax_name.
 */
static int clear_table_place(struct pmemctl_args *a, struct ndctl_namespace *ndns,
			     struct daxctl_dev *ddev, char *dax_name, size_t len)
{
	uint64_t phys, size, ns_start = ndctl_namespace_get_resource(ndns);
	char ns[64];
	int rc;

	if (!media_table_place(ddev, &phys, &size))
		return EXIT_OK;	/* kmem_pmem will say why it cannot take it */
	snprintf(ns, sizeof(ns), "%s", ndctl_namespace_get_devname(ndns));
	rc = phys >= ns_start ? zero_raw(ndns, phys - ns_start, size) : -ERANGE;
	if (!rc)
		rc = ndctl_namespace_enable(ndns);
	if (rc >= 0)
		rc = dax_of_namespace(ns, dax_name, len);
	if (rc < 0) {
		pm_err(a, "%s: cannot clear the place of kmem_pmem's table: %s",
		       ns, strerror(-rc));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/*
 * Make namespace @ns devdax with map=mem unless it is devdax already, and
 * give the name of its dax device in @dax_name. @before says what it was;
 * a failure once it was disabled puts it back.
 */
static int setup_namespace(struct pmemctl_args *a, const char *ns,
			   char *dax_name, size_t len, struct ns_before *before)
{
	struct ndctl_namespace *ndns;
	struct daxctl_region *dregion;
	struct ndctl_region *region;
	struct ndctl_ctx *nctx;
	struct ndctl_dax *dax;
	struct daxctl_dev *ddev;
	const char *bdev;
	uuid_t uuid;
	int rc;

	rc = ndctl_new(&nctx);
	if (rc) {
		pm_err(a, "cannot initialise libndctl: %s", strerror(-rc));
		return EXIT_FAILED;
	}
	ndns = find_namespace(nctx, ns);
	if (!ndns) {
		pm_err(a, "%s: no such namespace", ns);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!ndctl_namespace_get_size(ndns)) {
		pm_err(a, "%s: the namespace has no capacity (create it with ndctl create-namespace)",
		       ns);
		rc = EXIT_USAGE;
		goto out;
	}

	dax = ndctl_namespace_get_dax(ndns);
	if (dax && ndctl_namespace_get_mode(ndns) == NDCTL_NS_MODE_DEVDAX) {
		if (ndctl_dax_get_location(dax) == NDCTL_PFN_LOC_PMEM)
			pm_warn(a, "%s: devdax with map=dev: 1.56%% of it holds struct pages kmem_pmem never uses; reconfigure it with map=mem to get them back",
				ns);
		goto found;
	}

	bdev = namespace_bdev(ndns);
	if (bdev) {
		rc = check_namespace_unused(a, ns, bdev);
		if (rc)
			goto out;
	}

	pm_info(a, "%s: making it devdax with map=mem, device_dax kept off it: no struct pages of device-dax in DRAM (map=mem) nor in the pmem (map=dev would keep 1.56%% of it)",
		ns);
	region = ndctl_namespace_get_region(ndns);
	snprintf(before->name, sizeof(before->name), "%s", ns);
	before->enabled = ndctl_namespace_is_active(ndns);
	before->mode = ndctl_namespace_get_mode(ndns);
	before->claimed = ndctl_namespace_get_pfn(ndns) ||
			  ndctl_namespace_get_btt(ndns);
	rc = ndctl_namespace_disable_safe(ndns);
	if (rc < 0) {
		pm_err(a, "%s: cannot disable the namespace: %s", ns, strerror(-rc));
		rc = rc == -EBUSY ? EXIT_REFUSED : EXIT_FAILED;
		goto out;
	}
	before->changed = true;
	dax = ndctl_region_get_dax_seed(region);
	if (!dax) {
		pm_err(a, "%s: the kernel offers no devdax mode here (modprobe dax_pmem)",
		       ns);
		rc = EXIT_UNSUPPORTED;
		goto out;
	}
	uuid_generate(uuid);
	rc = ndctl_dax_set_uuid(dax, uuid);
	if (!rc)
		rc = ndctl_dax_set_location(dax, NDCTL_PFN_LOC_RAM);
	if (!rc)
		rc = ndctl_dax_set_align(dax, ndctl_dax_get_align(dax));
	if (!rc)
		rc = ndctl_dax_set_namespace(dax, ndns);
	if (!rc)
		rc = ndctl_dax_enable(dax);
	if (rc) {
		ndctl_dax_set_namespace(dax, NULL);
		pm_err(a, "%s: cannot make it devdax: %s%s", ns, strerror(-rc),
		       rc == -ENXIO ? " (is dax_pmem loadable?)" : "");
		rc = EXIT_FAILED;
		goto out;
	}

found:
	dregion = ndctl_dax_get_daxctl_region(dax);
	ddev = dregion ? daxctl_dev_get_first(dregion) : NULL;
	if (!ddev) {
		pm_err(a, "%s: devdax, but no dax device appeared (modprobe device_dax)",
		       ns);
		rc = EXIT_FAILED;
		goto out;
	}
	snprintf(dax_name, len, "%s", daxctl_dev_get_devname(ddev));
	pm_info(a, "%s: devdax as %s", ns, dax_name);
	rc = EXIT_OK;
	if (before->changed)
		rc = clear_table_place(a, ndns, ddev, dax_name, len);
out:
	ndctl_unref(nctx);
	if (rc)
		restore_namespace(a, before);
	return rc;
}

/**
 * struct dax_before - what release_dax() took a dax device from
 * @drv: its driver, "" if none
 * @online: kmem: its memory was online (--force offlined it)
 * @movable: kmem: that memory was in ZONE_MOVABLE
 */
struct dax_before {
	char drv[64];
	bool online;
	bool movable;
};

/* Bind @dev to kmem again and online its memory as it was. */
static int back_to_kmem(struct daxctl_dev *dev, const struct dax_before *before)
{
	struct daxctl_memory *mem;
	int rc;

	rc = daxctl_dev_enable_ram(dev);
	if (rc || !before->online)
		return rc;
	mem = daxctl_dev_get_memory(dev);
	if (!mem)
		return -ENXIO;
	rc = before->movable ? daxctl_memory_online(mem) :
			       daxctl_memory_online_no_movable(mem);
	return rc < 0 ? rc : 0;
}

/* kmem_pmem did not take @name: give it back to the driver it had. */
static void give_back_dax(struct pmemctl_args *a, struct daxctl_ctx *ctx,
			  const char *name, const struct dax_before *before)
{
	struct daxctl_dev *dev = find_dax_dev(ctx, name);
	char path[PATH_MAX];
	int rc;

	if (!before->drv[0])
		return;
	if (!dev)
		rc = -ENODEV;
	else if (!strcmp(before->drv, "device_dax"))
		rc = daxctl_dev_enable_devdax(dev);
	else if (!strcmp(before->drv, "kmem"))
		rc = back_to_kmem(dev, before);
	else {
		snprintf(path, sizeof(path), DAX_DRIVERS "/%s/bind", before->drv);
		rc = sysfs_write(path, name);
	}
	if (rc < 0)
		pm_err(a, "%s: and it could not go back to %s: %s", name,
		       before->drv, strerror(-rc));
	else
		pm_info(a, "%s: back on %s%s", name, before->drv,
			before->online ? ", its memory online again" : "");
}

/*
 * Take @name from its driver, refusing if that would pull it from a user;
 * @before says what to give back if kmem_pmem does not take it.
 */
static int release_dax(struct pmemctl_args *a, struct daxctl_ctx *ctx,
		       const char *name, struct dax_before *before)
{
	struct daxctl_dev *dev = find_dax_dev(ctx, name);
	const char *drv = before->drv;
	int rc;

	if (!dev) {
		pm_err(a, "%s: libdaxctl does not find it", name);
		return EXIT_FAILED;
	}
	if (!strcmp(drv, "device_dax")) {
		char path[64];
		pid_t pid;

		snprintf(path, sizeof(path), "/dev/%s", name);
		pid = dev_user(path);
		if (pid && !a->force) {
			pm_err(a, "%s: in use: process %d has /dev/%s open or mapped; use --force",
			       name, (int)pid, name);
			return EXIT_REFUSED;
		}
	} else if (!strcmp(drv, "kmem")) {
		struct daxctl_memory *mem = daxctl_dev_get_memory(dev);

		if (mem && daxctl_memory_is_online(mem) > 0) {
			if (!a->force) {
				pm_err(a, "%s: in use as System RAM through kmem; use --force to offline it",
				       name);
				return EXIT_REFUSED;
			}
			before->movable = daxctl_memory_is_movable(mem) > 0;
			rc = daxctl_memory_offline(mem);
			if (rc < 0) {
				pm_err(a, "%s: cannot offline its memory: %s", name,
				       strerror(-rc));
				return EXIT_FAILED;
			}
			before->online = true;
		}
	} else if (drv[0] && !a->force) {
		pm_err(a, "%s: bound to %s; use --force to unbind it", name, drv);
		return EXIT_REFUSED;
	}
	if (drv[0]) {
		rc = daxctl_dev_disable(dev);
		if (rc) {
			pm_err(a, "%s: cannot unbind it from %s: %s", name, drv,
			       strerror(-rc));
			if (before->online && back_to_kmem(dev, before) < 0)
				pm_err(a, "%s: and its memory could not be onlined again", name);
			return EXIT_FAILED;
		}
	}
	return EXIT_OK;
}

/**
 * bind_to_kmp() - bind a dax device to kmem_pmem
 * @a: the command line (--force, messages)
 * @ctx: libdaxctl
 * @name: "daxX.Y"
 *
 * Unbinds it from its driver first, refusing if that takes it from a user
 * (see release_dax()). If kmem_pmem refuses it, it goes back to the driver
 * it had, as it was: kmem with its memory online again if --force offlined
 * it. A device bound to kmem_pmem already is left alone.
 *
 * Return: the exit code.
 */
int bind_to_kmp(struct pmemctl_args *a, struct daxctl_ctx *ctx,
		const char *name)
{
	struct dax_before before = { .online = false };
	int rc;

	if (dax_driver(name, before.drv, sizeof(before.drv))) {
		pm_err(a, "%s: no such dax device", name);
		return EXIT_USAGE;
	}
	if (!strcmp(before.drv, KMP_DRIVER))
		return EXIT_OK;
	rc = release_dax(a, ctx, name, &before);
	if (rc)
		return rc;
	rc = kmp_bind(name);
	if (rc) {
		pm_err(a, "%s: kmem_pmem refused it: %s (see dmesg | grep kmem_pmem)",
		       name, strerror(-rc));
		/* new_id added it: kmem_pmem must not claim it at a reprobe. */
		sysfs_write(DAX_DRIVERS "/" KMP_DRIVER "/remove_id", name);
		give_back_dax(a, ctx, name, &before);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/*
 * Make namespace @name devdax (unless it is), and bind its dax device to
 * kmem_pmem, with the dax bus's autoprobe off (dax_autoprobe.c): device_dax
 * never maps a device setup creates. @name becomes the dax device's name;
 * @drv its driver before the bind. A failure puts the namespace back.
 */
static int setup_namespace_held(struct pmemctl_args *a, struct daxctl_ctx *ctx,
				char *name, size_t len, char *drv, size_t drv_len)
{
	struct ns_before before = { .changed = false };
	struct autoprobe_hold hold;
	char ns[64];
	int rc;

	rc = autoprobe_hold(&hold);
	if (rc) {
		pm_err(a, "cannot turn the dax bus's autoprobe off (device_dax would map the new device with struct pages in DRAM): %s",
		       strerror(-rc));
		return EXIT_FAILED;
	}
	snprintf(ns, sizeof(ns), "%s", name);
	/* setup_namespace() puts the namespace back itself if it fails. */
	rc = setup_namespace(a, ns, name, len, &before);
	if (!rc) {
		if (dax_driver(name, drv, drv_len)) {
			pm_err(a, "%s: no such dax device", name);
			rc = EXIT_USAGE;
		} else {
			rc = bind_to_kmp(a, ctx, name);
		}
		if (rc)
			restore_namespace(a, &before);
	}
	autoprobe_release(&hold, name);
	return rc;
}

/**
 * cmd_setup() - pmemctl setup [-f] [-j] [-q] <namespaceX.Y|daxX.Y>
 * @a: the command line
 * @ctx: libdaxctl
 *
 * Return: the exit code.
 */
int cmd_setup(struct pmemctl_args *a, struct daxctl_ctx *ctx)
{
	char name[64], drv[64] = "", sz[FMT_SIZE_LEN];
	struct kmp_info info;
	int kind, rc;

	kind = parse_dev_arg(a->dev, name, sizeof(name));
	if (kind < 0) {
		pm_err(a, "'%s' is neither a namespace (namespaceX.Y) nor a dax device (daxX.Y)",
		       a->dev);
		return EXIT_USAGE;
	}
	if (!kmp_driver_registered()) {
		pm_err(a, "the kmem_pmem module is not loaded (modprobe kmem_pmem)");
		return EXIT_UNSUPPORTED;
	}
	if (kind == DEV_NAMESPACE) {
		rc = setup_namespace_held(a, ctx, name, sizeof(name), drv,
					  sizeof(drv));
	} else {
		rc = dax_driver(name, drv, sizeof(drv)) ? EXIT_USAGE : EXIT_OK;
		if (rc)
			pm_err(a, "%s: no such dax device", name);
		else
			rc = bind_to_kmp(a, ctx, name);
	}
	if (rc)
		return rc;
	/* The driver may have made sections volatile as it bound. */
	rc = online_volatile(a, name, NULL);
	if (rc)
		return rc;

	rc = kmp_info_read(name, &info);
	if (rc) {
		pm_err(a, "%s: bound, but its kmem_pmem attributes cannot be read: %s",
		       name, strerror(-rc));
		return EXIT_FAILED;
	}
	pm_info(a, "%s: %s kmem_pmem: %lu sections of %s, %lu volatile (%lu online), metadata %s",
		name, strcmp(drv, KMP_DRIVER) ? "bound to" : "already bound to",
		info.sections, fmt_size(info.section_size, sz, sizeof(sz)),
		seclist_count(&info.vol), seclist_count(&info.online),
		info.metadata);
	if (strcmp(info.memmap, "pmem"))
		pm_warn(a, "%s: memmap is '%s': %s", name, info.memmap,
			strcmp(info.memmap, "dram") ?
			"no section can be made volatile until the kernel is booted with memory_hotplug.memmap_on_memory=1 (see 'pmemctl check')" :
			"volatile sections' struct pages take DRAM");
	if (a->json) {
		struct json_object *o = kmp_info_to_json(&info, false);

		print_json(o);
		json_object_put(o);
	}
	kmp_info_free(&info);
	return EXIT_OK;
}
