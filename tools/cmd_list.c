// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl list, pmemctl status: what kmem_pmem devices there are, where
 * their sections are, what RAM they give and what it costs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <daxctl/libdaxctl.h>
#include <numa.h>

#include "builtin.h"
#include "size.h"

#define S(bytes, buf) fmt_size((bytes), (buf), sizeof(buf))

static void print_list_line(const char *label, const struct seclist *s,
			    uint64_t section_size)
{
	char sz[FMT_SIZE_LEN], *text = seclist_format_alloc(s);
	unsigned long n = seclist_count(s);

	printf("  %-11s %5lu %-10s %s\n", label, n, S(n * section_size, sz),
	       text && *text ? text : "-");
	free(text);
}

static void print_sections(const struct kmp_info *info)
{
	unsigned long i;

	printf("  %7s  %-10s  %-14s  %-7s  %-8s  %s\n", "section", "state",
	       "memory block", "online", "zone", "device");
	for (i = 0; i < info->sections; i++) {
		uint64_t block = info->first_memory_block + i;
		bool vol = seclist_test(&info->vol, i);
		bool on = seclist_test(&info->online, i);
		char name[32], zone[32] = "-", dax[64], ns[64], dev[144] = "-";

		snprintf(name, sizeof(name), "memory%" PRIu64, block);
		if (on)
			memblock_zone(block, zone, sizeof(zone));
		/* A persistent section's device-dax instance, its namespace. */
		if (!vol && !kmp_section_device(info->name, i, dax, sizeof(dax))) {
			if (kmp_instance_namespace(dax, ns, sizeof(ns)))
				snprintf(dev, sizeof(dev), "/dev/%s", dax);
			else
				snprintf(dev, sizeof(dev), "/dev/%s (%s)", dax, ns);
		}
		printf("  %7lu  %-10s  %-14s  %-7s  %-8s  %s\n", i,
		       vol ? "volatile" : "persistent", name,
		       on ? "yes" : "no", zone, dev);
	}
}

/* "pmemctl list": a few lines per device. */
static void print_brief(const struct kmp_info *info, bool verbose)
{
	uint64_t ram, memmap_pmem, memmap_dram;
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], c[FMT_SIZE_LEN];
	struct seclist offline;

	kmp_info_accounting(info, &ram, &memmap_pmem, &memmap_dram);
	printf("%s: node %d, %lu sections of %s, memmap in %s, metadata %s\n",
	       info->name, info->target_node, info->sections,
	       S(info->section_size, a), info->memmap, info->metadata);
	print_list_line("volatile", &info->vol, info->section_size);
	if (!seclist_init(&offline, info->sections)) {
		seclist_andnot(&offline, &info->vol, &info->online);
		if (seclist_count(&offline))
			print_list_line(" offline", &offline, info->section_size);
		seclist_free(&offline);
	}
	print_list_line("persistent", &info->persist, info->section_size);
	printf("  RAM provided %s; struct pages %s in pmem, %s in DRAM\n",
	       S(ram, a), S(memmap_pmem, b), S(memmap_dram, c));
	if (verbose)
		print_sections(info);
}

/* "pmemctl status": one device in full. */
static void print_full(const struct kmp_info *info, bool verbose)
{
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], c[FMT_SIZE_LEN];
	uint64_t ram, memmap_pmem, memmap_dram;
	struct seclist offline;
	int tier;

	kmp_info_accounting(info, &ram, &memmap_pmem, &memmap_dram);
	printf("%-14s%s (driver kmem_pmem)\n", "device", info->name);
	printf("%-14s%s: %lu sections of %s, %s unaligned\n", "size",
	       S(info->size, a), info->sections, S(info->section_size, b),
	       S(info->unaligned_bytes, c));
	printf("%-14s%d", "node", info->target_node);
	tier = node_memory_tier(info->target_node);
	if (tier >= 0)
		printf(", memory tier %d", tier);
	if (info->target_node >= 0 && numa_available() >= 0) {
		long long free_bytes = 0;
		long long total = numa_node_size64(info->target_node, &free_bytes);

		if (total >= 0)
			printf(": %s, %s free", S(total, a), S(free_bytes, b));
	}
	printf("\n%-14s%s\n", "memmap", info->memmap);
	printf("%-14s%s\n", "metadata", info->metadata);
	if (info->dram_bytes && info->sections)
		printf("%-14s%s of DRAM, %.1f bytes per section\n", "driver state",
		       S(info->dram_bytes, a),
		       (double)info->dram_bytes / info->sections);
	printf("%-14s%s%s\n", "chardev", info->chardev ? KMP_CHARDEV_DIR "/" : "",
	       info->chardev ? info->name : "none");
	if (info->sections)
		printf("%-14smemory%" PRIu64 "-memory%" PRIu64 "\n", "memory blocks",
		       info->first_memory_block,
		       info->first_memory_block + info->sections - 1);
	printf("%-14s%s\n", "RAM provided", S(ram, a));
	printf("%-14s%s in pmem, %s in DRAM\n", "struct pages",
	       S(memmap_pmem, a), S(memmap_dram, b));
	printf("sections:\n");
	print_list_line("volatile", &info->vol, info->section_size);
	print_list_line(" online", &info->online, info->section_size);
	if (!seclist_init(&offline, info->sections)) {
		seclist_andnot(&offline, &info->vol, &info->online);
		print_list_line(" offline", &offline, info->section_size);
		seclist_free(&offline);
	}
	print_list_line("persistent", &info->persist, info->section_size);
	if (verbose)
		print_sections(info);
}

static int list_one(struct pmemctl_args *a, const char *name,
		    struct json_object *arr)
{
	struct kmp_info info;
	int rc;

	rc = open_kmp_dev(a, name, &info);
	if (rc)
		return rc;
	if (arr)
		json_object_array_add(arr, kmp_info_to_json(&info, a->verbose));
	else
		print_brief(&info, a->verbose);
	kmp_info_free(&info);
	return EXIT_OK;
}

/**
 * cmd_list() - pmemctl list [-a] [-j] [-v] [<daxX.Y>...]
 * @a: the command line
 * @ctx: libdaxctl, to find the dax devices
 *
 * Return: the exit code.
 */
int cmd_list(struct pmemctl_args *a, struct daxctl_ctx *ctx)
{
	struct json_object *arr = a->json ? json_object_new_array() : NULL;
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	int i, rc = EXIT_OK, found = 0;

	for (i = 0; i < a->nr_devs; i++) {
		int r = list_one(a, a->devs[i], arr);

		if (r)
			rc = r;
		else
			found++;
	}

	if (!a->nr_devs) {
		daxctl_region_foreach(ctx, region) {
			daxctl_dev_foreach(region, dev) {
				const char *name = daxctl_dev_get_devname(dev);
				char drv[64];

				if (dax_driver(name, drv, sizeof(drv)))
					continue;
				if (!strcmp(drv, KMP_DRIVER)) {
					int r = list_one(a, name, arr);

					if (r)
						rc = r;
					else
						found++;
				} else if (a->all) {
					char sz[FMT_SIZE_LEN], meta[16];
					bool known = media_metadata(dev, meta, sizeof(meta)) >= 0;

					found++;
					if (arr)
						json_object_array_add(arr,
							dax_dev_to_json(name, drv,
								daxctl_dev_get_size(dev),
								daxctl_dev_get_target_node(dev),
								known ? meta : NULL));
					else
						printf("%s: driver %s, %s, node %d, kmem_pmem metadata %s\n",
						       name, drv[0] ? drv : "none",
						       S(daxctl_dev_get_size(dev), sz),
						       daxctl_dev_get_target_node(dev),
						       known ? meta : "unknown");
				}
			}
		}
		if (!found && !kmp_driver_registered())
			pm_info(a, "the kmem_pmem module is not loaded (modprobe kmem_pmem)");
		else if (!found)
			pm_info(a, "no dax device is bound to kmem_pmem%s",
				a->all ? " and there is no other" : "");
	}

	if (arr) {
		print_json(arr);
		json_object_put(arr);
	}
	return rc;
}

/**
 * cmd_status() - pmemctl status [-j] [-v] <daxX.Y>
 * @a: the command line
 * @ctx: libdaxctl (unused: the device is named)
 *
 * Return: the exit code.
 */
int cmd_status(struct pmemctl_args *a, struct daxctl_ctx *ctx)
{
	struct kmp_info info;
	int rc;

	(void)ctx;
	rc = open_kmp_dev(a, a->dev, &info);
	if (rc)
		return rc;
	if (a->json) {
		struct json_object *o = kmp_info_to_json(&info, a->verbose);

		print_json(o);
		json_object_put(o);
	} else {
		print_full(&info, a->verbose);
	}
	kmp_info_free(&info);
	return EXIT_OK;
}
