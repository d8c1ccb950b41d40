// SPDX-License-Identifier: GPL-2.0
/*
 * Devices as JSON. The keys are pmemctl's stable interface, documented in
 * pmemctl(8) JSON OUTPUT: add keys freely, never rename or drop one.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <numa.h>

#include "builtin.h"
#include "size.h"

/* The kernel's MAX_NUMNODES at most (NODES_SHIFT <= 10). */
#define MAX_NODES 1024

/**
 * kmp_info_accounting() - what a device's volatile sections provide and cost
 * @info: the device
 * @ram: bytes of RAM the online sections give the page allocator
 * @memmap_pmem: bytes of pmem holding volatile sections' struct pages
 * @memmap_dram: bytes of DRAM holding them
 *
 * Computed from the section counts: each volatile section needs
 * section_memmap_bytes() of struct pages, inside itself when the memmap is
 * in the pmem, else in DRAM.
 */
void kmp_info_accounting(const struct kmp_info *info, uint64_t *ram,
			 uint64_t *memmap_pmem, uint64_t *memmap_dram)
{
	uint64_t per = section_memmap_bytes(info->section_size,
					    sysconf(_SC_PAGESIZE));
	uint64_t nr_vol = seclist_count(&info->vol);
	uint64_t nr_online = seclist_count(&info->online);
	bool in_pmem = !strcmp(info->memmap, "pmem");

	*ram = nr_online * (info->section_size - (in_pmem ? per : 0));
	*memmap_pmem = in_pmem ? nr_vol * per : 0;
	*memmap_dram = in_pmem ? 0 : nr_vol * per;
}

/**
 * node_memory_tier() - the memory tier a NUMA node is in
 * @node: the node
 *
 * Return: N of /sys/devices/virtual/memory_tiering/memory_tierN whose
 * nodelist holds @node, or -1.
 */
int node_memory_tier(int node)
{
	const char *base = "/sys/devices/virtual/memory_tiering";
	struct dirent *de;
	int tier = -1;
	DIR *dir;

	if (node < 0)
		return -1;
	dir = opendir(base);
	if (!dir)
		return -1;
	while (tier < 0 && (de = readdir(dir))) {
		char path[512], buf[4096];
		struct seclist nodes;
		int id;

		if (sscanf(de->d_name, "memory_tier%d", &id) != 1)
			continue;
		snprintf(path, sizeof(path), "%s/%s/nodelist", base, de->d_name);
		if (sysfs_read(path, buf, sizeof(buf)) ||
		    seclist_init(&nodes, MAX_NODES))
			continue;
		if (!seclist_parse(&nodes, buf, SECLIST_ALLOW_EMPTY, NULL, 0) &&
		    seclist_test(&nodes, node))
			tier = id;
		seclist_free(&nodes);
	}
	closedir(dir);
	return tier;
}

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)v));
}

static void add_int(struct json_object *o, const char *key, int v)
{
	json_object_object_add(o, key, json_object_new_int(v));
}

static void add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v ? json_object_new_string(v) : NULL);
}

static void add_list(struct json_object *o, const char *key,
		     const struct seclist *s)
{
	char *text = seclist_format_alloc(s);

	add_str(o, key, text ? text : "");
	free(text);
}

static struct json_object *section_detail(const struct kmp_info *info)
{
	struct json_object *arr = json_object_new_array();
	unsigned long i;

	for (i = 0; i < info->sections; i++) {
		struct json_object *s = json_object_new_object();
		uint64_t block = info->first_memory_block + i;
		bool vol = seclist_test(&info->vol, i);
		char zone[64], dax[64], ns[64];

		add_u64(s, "section", i);
		add_str(s, "state", vol ? "volatile" : "persistent");
		add_u64(s, "memory_block", block);
		json_object_object_add(s, "online",
			json_object_new_boolean(seclist_test(&info->online, i)));
		if (vol && seclist_test(&info->online, i) &&
		    !memblock_zone(block, zone, sizeof(zone)))
			add_str(s, "zone", zone);
		if (!vol && !kmp_section_device(info->name, i, dax, sizeof(dax))) {
			add_str(s, "device", dax);
			if (!kmp_instance_namespace(dax, ns, sizeof(ns)))
				add_str(s, "namespace", ns);
		}
		json_object_array_add(arr, s);
	}
	return arr;
}

/**
 * kmp_info_to_json() - a device bound to kmem_pmem as a JSON object
 * @info: the device
 * @detail: add "section_detail", one object per section
 *
 * Return: the object (never NULL; json-c aborts on allocation failure).
 */
struct json_object *kmp_info_to_json(const struct kmp_info *info, bool detail)
{
	struct json_object *o = json_object_new_object();
	uint64_t ram, memmap_pmem, memmap_dram;
	struct seclist offline;
	char path[128];

	kmp_info_accounting(info, &ram, &memmap_pmem, &memmap_dram);
	add_str(o, "dev", info->name);
	add_str(o, "driver", KMP_DRIVER);
	add_u64(o, "size", info->size);
	add_int(o, "target_node", info->target_node);
	add_int(o, "memory_tier", node_memory_tier(info->target_node));
	add_u64(o, "section_size", info->section_size);
	add_u64(o, "sections", info->sections);
	add_u64(o, "first_memory_block", info->first_memory_block);
	add_u64(o, "unaligned_bytes", info->unaligned_bytes);
	add_str(o, "memmap", info->memmap);
	add_str(o, "metadata", info->metadata);
	add_u64(o, "driver_dram_bytes", info->dram_bytes);
	snprintf(path, sizeof(path), KMP_CHARDEV_DIR "/%s", info->name);
	add_str(o, "chardev", info->chardev ? path : NULL);

	add_list(o, "volatile", &info->vol);
	add_list(o, "online", &info->online);
	if (!seclist_init(&offline, info->sections)) {
		seclist_andnot(&offline, &info->vol, &info->online);
		add_list(o, "offline", &offline);
		add_u64(o, "nr_offline", seclist_count(&offline));
		seclist_free(&offline);
	}
	add_list(o, "persistent", &info->persist);
	add_u64(o, "nr_volatile", seclist_count(&info->vol));
	add_u64(o, "nr_online", seclist_count(&info->online));
	add_u64(o, "nr_persistent", seclist_count(&info->persist));
	add_u64(o, "volatile_bytes", seclist_count(&info->vol) * info->section_size);
	add_u64(o, "persistent_bytes",
		seclist_count(&info->persist) * info->section_size);
	add_u64(o, "ram_bytes", ram);
	add_u64(o, "memmap_pmem_bytes", memmap_pmem);
	add_u64(o, "memmap_dram_bytes", memmap_dram);
	if (info->target_node >= 0 && numa_available() >= 0) {
		long long free_bytes = 0;
		long long total = numa_node_size64(info->target_node, &free_bytes);

		if (total >= 0) {
			add_u64(o, "node_total_bytes", total);
			add_u64(o, "node_free_bytes", free_bytes);
		}
	}
	if (detail)
		json_object_object_add(o, "section_detail", section_detail(info));
	return o;
}

/**
 * dax_dev_to_json() - a dax device not bound to kmem_pmem (list --all)
 * @dev: its name
 * @driver: its driver, "" if none
 * @size: its size in bytes
 * @target_node: its target node
 * @metadata: kmem_pmem's table on its media: "ok", "corrupt", "none", or
 *	NULL if it cannot be read
 *
 * Return: the object.
 */
struct json_object *dax_dev_to_json(const char *dev, const char *driver,
				    unsigned long long size, int target_node,
				    const char *metadata)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "dev", dev);
	add_str(o, "driver", driver[0] ? driver : NULL);
	add_u64(o, "size", size);
	add_int(o, "target_node", target_node);
	add_str(o, "metadata", metadata);
	return o;
}
