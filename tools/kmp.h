/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel as pmemctl sees it: the kmem_pmem sysfs group of a dax
 * device, binding to the driver, and the memory blocks of its sections.
 */
#ifndef PMEMCTL_KMP_H
#define PMEMCTL_KMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "move_plan.h"
#include "section_list.h"

#define KMP_DRIVER		"kmem_pmem"
#define DAX_DEVICES		"/sys/bus/dax/devices"
#define DAX_DRIVERS		"/sys/bus/dax/drivers"
#define MEMORY_DIR		"/sys/devices/system/memory"
#define KMP_CHARDEV_DIR		"/dev/kmem_pmem"
#define MEMMAP_ON_MEMORY_PARAM	"/sys/module/memory_hotplug/parameters/memmap_on_memory"
#define AUTO_ONLINE_BLOCKS	MEMORY_DIR "/auto_online_blocks"

/**
 * struct kmp_info - one dax device bound to kmem_pmem, as read from sysfs
 * @name: "daxX.Y"
 * @size: bytes in the device
 * @target_node: NUMA node its RAM appears on
 * @section_size: bytes per section
 * @sections: number of sections
 * @first_memory_block: memory block of section 0
 * @unaligned_bytes: bytes of the device outside any section
 * @memmap: "pmem", "dram" or what the driver says
 * @metadata: "ok", "new", "corrupt", "none" or what the driver says
 * @vol: volatile sections
 * @persist: persistent sections
 * @online: volatile sections whose memory block is online
 * @chardev: /dev/kmem_pmem/daxX.Y exists
 * @dram_bytes: DRAM the driver holds for the device (0: not reported)
 */
struct kmp_info {
	char name[32];
	uint64_t size;
	int target_node;
	uint64_t section_size;
	unsigned long sections;
	uint64_t first_memory_block;
	uint64_t unaligned_bytes;
	char memmap[32];
	char metadata[32];
	struct seclist vol, persist, online;
	bool chardev;
	uint64_t dram_bytes;
};

int sysfs_read(const char *path, char *buf, size_t len);
int sysfs_write(const char *path, const char *val);
bool path_exists(const char *path);

int dax_driver(const char *dev, char *drv, size_t len);
bool kmp_driver_registered(void);
int kmp_bind(const char *dev);

int kmp_info_read(const char *dev, struct kmp_info *info);
int kmp_info_read_lists(struct kmp_info *info);
void kmp_info_free(struct kmp_info *info);
int kmp_move_section(const struct kmp_info *info, enum move_dir dir,
		     unsigned long section);
int kmp_make_all_persistent(const struct kmp_info *info);
int kmp_unbind(const char *dev);
int kmp_section_device(const char *dev, unsigned long section, char *buf,
		       size_t len);
int kmp_instance_namespace(const char *dax, char *buf, size_t len);
int kmp_section_has_data(const struct kmp_info *info, unsigned long section,
			 uint64_t *offset);

int memblock_state(uint64_t block, char *buf, size_t len);
int memblock_zone(uint64_t block, char *buf, size_t len);
int memblock_online_movable(uint64_t block);
int memblock_offline(uint64_t block, unsigned int timeout_s);

#endif /* PMEMCTL_KMP_H */
