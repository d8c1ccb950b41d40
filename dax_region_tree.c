// SPDX-License-Identifier: GPL-2.0
/*
 * kmem_pmem's dax regions and 7.x's tree of dax region ranges.
 *
 * 7.x's dax core keeps the range of every dax region in one resource tree
 * (dax_regions, drivers/dax/bus.c), and alloc_dax_region() refuses a region
 * that overlaps one in it ("dax_region resource conflict"). The region of
 * the device kmem_pmem is bound to covers all of its sections, yet each
 * persistent section's instance needs a dax region of its own inside that
 * range, made by kmem_pmem (a self-hosted section) or, asynchronously, by
 * dax_pmem's probe of the section's namespace. So:
 *
 * - while kmem_pmem is bound to a device, that device's region waits in
 *   kmp_bound_regions: a section's region can be made in dax_regions,
 *   whoever makes it and whenever;
 * - a section's region moves to kmp_section_regions as its instance is
 *   added (kmp_devdax_instance_added()), in the probe that made it: at
 *   unbind the bound device's region finds its range free in dax_regions
 *   even while its sections' regions are still going away, and so does the
 *   region of a device enabled again meanwhile (a namespace disabled and
 *   enabled back to back).
 *
 * Two trees, because the bound region covers its sections' regions. Every
 * move is made where the dax core cannot release the region meanwhile (a
 * probe or remove of the device above it), under kmp_dax_region_lock. The
 * dax core releases a region from wherever it is (release_resource()). A
 * root that still holds a region at module exit is left allocated, never
 * freed under a region the dax core will release later.
 *
 * Older kernels have no such tree (a dax region's resource has no parent):
 * nothing to do. This touches a private structure (struct dax_region's
 * res); the upstream-shaped fix is a dax bus helper for a provider that
 * subdivides a region it owns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "kmem_pmem.h"

static DEFINE_MUTEX(kmp_dax_region_lock);	/* every move below */
static struct resource *kmp_bound_regions;
static struct resource *kmp_section_regions;
/* dax_regions, once a bound region was seen in it; under the lock. */
static struct resource *kmp_dax_core_tree;

/*
 * Move @res (with its children) from its parent to @to. On a conflict it
 * goes back where it was: its range there was free a moment ago, and only
 * a dax region of the same range could take it (our moves are serialized).
 * A resource without a parent would oops at its release.
 */
static int move_region(struct resource *res, struct resource *to)
{
	struct resource *from = res->parent;
	int rc;

	lockdep_assert_held(&kmp_dax_region_lock);
	release_resource(res);
	rc = request_resource(to, res);
	if (rc)
		WARN_ON_ONCE(request_resource(from, res));
	return rc;
}

/*
 * Is @parent the dax core's tree? Not one of ours, nor a root an earlier
 * load of kmem_pmem left allocated (free_root() clears its name).
 */
static bool is_dax_core_tree(struct resource *parent)
{
	return parent && parent != kmp_bound_regions &&
	       parent != kmp_section_regions && parent->name;
}

/**
 * kmp_dax_region_park_bound() - the bound device's region out of dax_regions
 * @res: its resource (struct dax_region's res)
 *
 * Nothing to do without the tree (6.x), or for a region still parked since
 * an earlier binding could not give it back.
 *
 * Context: kmem_pmem's probe of the device (its region cannot go
 * meanwhile).
 * Return: 0, or -EBUSY: it stays in dax_regions.
 */
int kmp_dax_region_park_bound(struct resource *res)
{
	int rc = 0;

	mutex_lock(&kmp_dax_region_lock);
	if (is_dax_core_tree(res->parent)) {
		kmp_dax_core_tree = res->parent;
		rc = move_region(res, kmp_bound_regions);
	}
	mutex_unlock(&kmp_dax_region_lock);
	return rc ? -EBUSY : 0;
}

/**
 * kmp_dax_region_unpark_bound() - the bound device's region back home
 * @res: its resource
 *
 * A section region that is still in dax_regions (between dax_pmem's
 * alloc_dax_region() and its instance's add) keeps it out: it then stays
 * parked, where the dax core releases it when the device goes, and a later
 * bind of the device finds it parked.
 *
 * Context: kmem_pmem's remove of the device (its region cannot go
 * meanwhile).
 */
void kmp_dax_region_unpark_bound(struct resource *res)
{
	mutex_lock(&kmp_dax_region_lock);
	if (res->parent == kmp_bound_regions && kmp_dax_core_tree &&
	    move_region(res, kmp_dax_core_tree))
		pr_warn("the dax region %pR stays out of the dax core's tree (a region of one of its sections is there)\n",
			res);
	mutex_unlock(&kmp_dax_region_lock);
}

/**
 * kmp_dax_region_park_section() - a section's region out of dax_regions
 * @res: its resource
 *
 * Context: its region cannot go meanwhile (the probe that made it).
 * Return: 0, or -EBUSY (it stays in dax_regions).
 */
int kmp_dax_region_park_section(struct resource *res)
{
	int rc = 0;

	mutex_lock(&kmp_dax_region_lock);
	if (is_dax_core_tree(res->parent))
		rc = move_region(res, kmp_section_regions);
	mutex_unlock(&kmp_dax_region_lock);
	return rc ? -EBUSY : 0;
}

static struct resource *new_root(const char *name)
{
	struct resource *root = kzalloc(sizeof(*root), GFP_KERNEL);

	if (root)
		*root = (struct resource)DEFINE_RES_MEM_NAMED(0, -1, name);
	return root;
}

/**
 * kmp_dax_region_trees_init() - the two roots
 *
 * Return: 0 or -ENOMEM.
 */
int kmp_dax_region_trees_init(void)
{
	kmp_bound_regions = new_root("kmem_pmem bound dax regions");
	kmp_section_regions = new_root("kmem_pmem section dax regions");
	if (kmp_bound_regions && kmp_section_regions)
		return 0;
	kfree(kmp_bound_regions);
	kfree(kmp_section_regions);
	kmp_bound_regions = NULL;
	kmp_section_regions = NULL;
	return -ENOMEM;
}

/* Its name is this module's: a root left allocated keeps none. */
static void free_root(struct resource *root)
{
	if (!root->child) {
		kfree(root);
		return;
	}
	pr_warn("%s: left allocated: %pR is still in it\n", root->name,
		root->child);
	root->name = NULL;
}

/**
 * kmp_dax_region_trees_exit() - at module exit, after every unbind
 */
void kmp_dax_region_trees_exit(void)
{
	free_root(kmp_bound_regions);
	free_root(kmp_section_regions);
}
