// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs ABI of kmem_pmem, in /sys/bus/dax/devices/daxX.Y/kmem_pmem/
 * (documented in docs/ABI/sysfs-bus-dax-kmem_pmem).
 *
 * Section lists use the kernel's list syntax (bitmap_parselist(): "3",
 * "0-7", "0,2,5-9", "all"). A write is parsed whole before anything moves:
 * bad input changes nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/device.h>
#include <linux/memory.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "kmem_pmem.h"

static struct kmp_dev *to_kmp_dev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t section_size_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", to_kmp_dev(dev)->layout.section_size);
}
static DEVICE_ATTR_RO(section_size);

static ssize_t sections_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%llu\n", to_kmp_dev(dev)->layout.nr_sections);
}
static DEVICE_ATTR_RO(sections);

static ssize_t target_node_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_kmp_dev(dev)->nid);
}
static DEVICE_ATTR_RO(target_node);

static ssize_t first_memory_block_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	struct kmp_dev *kdev = to_kmp_dev(dev);

	return sysfs_emit(buf, "%llu\n",
			  kdev->layout.start / memory_block_size_bytes());
}
static DEVICE_ATTR_RO(first_memory_block);

static ssize_t unaligned_bytes_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct kmp_dev *kdev = to_kmp_dev(dev);

	return sysfs_emit(buf, "%llu\n",
			  kdev->layout.head_bytes + kdev->layout.tail_bytes);
}
static DEVICE_ATTR_RO(unaligned_bytes);

static ssize_t dram_bytes_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", kmp_dram_bytes(to_kmp_dev(dev)));
}
static DEVICE_ATTR_RO(dram_bytes);

static ssize_t memmap_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	static const char * const where[] = {
		[KMP_MEMMAP_PMEM] = "pmem",
		[KMP_MEMMAP_DRAM] = "dram",
		[KMP_MEMMAP_UNSUPPORTED] = "unsupported",
	};

	return sysfs_emit(buf, "%s\n", where[READ_ONCE(to_kmp_dev(dev)->memmap)]);
}
static DEVICE_ATTR_RO(memmap);

static ssize_t metadata_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%s\n", kmp_meta_status_str(to_kmp_dev(dev)));
}

/* "init" or "init-keep" replaces a corrupt table: see kmp_meta_reinit(). */
static ssize_t metadata_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct kmp_dev *kdev = to_kmp_dev(dev);
	bool keep = sysfs_streq(buf, "init-keep");
	int rc;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!keep && !sysfs_streq(buf, "init"))
		return -EINVAL;
	rc = down_write_killable(&kdev->lock);
	if (rc)
		return rc;
	rc = kmp_meta_reinit(kdev, keep);
	up_write(&kdev->lock);
	return rc ? rc : count;
}
static DEVICE_ATTR_RW(metadata);

/*
 * The lists are binary attributes, as node's cpulist: every other section
 * of 16384 makes a 44 KB list, more than a show() may return. Each read()
 * prints the whole list afresh and copies the part at @off, so a reader
 * that needs several read()s while a section moves may get parts of two
 * lists: pmemctl reads until two reads agree. Not
 * bitmap_print_list_to_buf(): it would add a NUL after the newline.
 */
static ssize_t read_list(struct kobject *kobj, unsigned int states,
			 char *buf, loff_t off, size_t count)
{
	struct kmp_dev *kdev = to_kmp_dev(kobj_to_dev(kobj));
	unsigned int nbits = kdev->layout.nr_sections;
	unsigned long *map;
	ssize_t len = -ENOMEM;
	char *list;

	map = bitmap_zalloc(nbits, GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	kmp_states_to_bitmap(kdev, map, states);
	list = kasprintf(GFP_KERNEL, "%*pbl\n", nbits, map);
	if (list)
		len = memory_read_from_buffer(buf, count, &off, list,
					      strlen(list));
	kfree(list);
	bitmap_free(map);
	return len;
}

/*
 * Parse a section list strictly. An empty list is an error, not a no-op.
 * kernfs hands a store at most one page and cuts longer writes into pages:
 * a full page may be the head of a longer list that would parse into a
 * different, valid one, so it is refused whole.
 */
static int parse_sections(struct kmp_dev *kdev, const char *buf, size_t count,
			  unsigned long *map)
{
	unsigned int nbits = kdev->layout.nr_sections;
	int rc;

	if (count >= PAGE_SIZE)
		return -EINVAL;
	rc = bitmap_parselist(buf, map, nbits);

	if (rc == -EOVERFLOW)
		return -ERANGE;
	if (rc)
		return rc;
	return bitmap_empty(map, nbits) ? -EINVAL : 0;
}

static ssize_t move_store(struct device *dev, const char *buf, size_t count,
			  int (*move)(struct kmp_dev *, const unsigned long *))
{
	struct kmp_dev *kdev = to_kmp_dev(dev);
	unsigned long *map;
	int rc;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	map = bitmap_zalloc(kdev->layout.nr_sections, GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	rc = parse_sections(kdev, buf, count, map);
	if (rc)
		goto out;

	rc = move(kdev, map);
out:
	bitmap_free(map);
	return rc ? rc : count;
}

/*
 * A list is written whole in one write() from offset 0, as to a text
 * attribute: kernfs hands a binary attribute's write over in chunks of at
 * most a page, and a later chunk would be a different list.
 */
static ssize_t write_list(struct kobject *kobj, char *buf, loff_t off,
			  size_t count,
			  int (*move)(struct kmp_dev *, const unsigned long *))
{
	if (off)
		return -EINVAL;
	return move_store(kobj_to_dev(kobj), buf, count, move);
}

static ssize_t volatile_read(struct file *file, struct kobject *kobj,
			     kmp_bin_const struct bin_attribute *attr, char *buf,
			     loff_t off, size_t count)
{
	return read_list(kobj, KMP_VOLATILE_STATES, buf, off, count);
}

static ssize_t volatile_write(struct file *file, struct kobject *kobj,
			      kmp_bin_const struct bin_attribute *attr, char *buf,
			      loff_t off, size_t count)
{
	return write_list(kobj, buf, off, count, kmp_make_volatile);
}
static BIN_ATTR_RW(volatile, 0);

static ssize_t persistent_read(struct file *file, struct kobject *kobj,
			       kmp_bin_const struct bin_attribute *attr, char *buf,
			       loff_t off, size_t count)
{
	return read_list(kobj, KMP_PERSISTENT_STATES, buf, off, count);
}

static ssize_t persistent_write(struct file *file, struct kobject *kobj,
				kmp_bin_const struct bin_attribute *attr, char *buf,
				loff_t off, size_t count)
{
	return write_list(kobj, buf, off, count, kmp_make_persistent);
}
static BIN_ATTR_RW(persistent, 0);

static ssize_t online_read(struct file *file, struct kobject *kobj,
			   kmp_bin_const struct bin_attribute *attr, char *buf,
			   loff_t off, size_t count)
{
	return read_list(kobj, KMP_STATE_BIT(KMP_ONLINE), buf, off, count);
}
static BIN_ATTR_RO(online, 0);

static struct attribute *kmp_attrs[] = {
	&dev_attr_section_size.attr,
	&dev_attr_sections.attr,
	&dev_attr_target_node.attr,
	&dev_attr_first_memory_block.attr,
	&dev_attr_unaligned_bytes.attr,
	&dev_attr_memmap.attr,
	&dev_attr_metadata.attr,
	&dev_attr_dram_bytes.attr,
	NULL,
};

static kmp_bin_const struct bin_attribute *kmp_bin_const kmp_bin_attrs[] = {
	&bin_attr_volatile,
	&bin_attr_persistent,
	&bin_attr_online,
	NULL,
};

static const struct attribute_group kmp_attr_group = {
	.name = "kmem_pmem",
	.attrs = kmp_attrs,
	.bin_attrs = kmp_bin_attrs,
};

/**
 * kmp_sysfs_add() - create the kmem_pmem/ group on the bound device
 * @kdev: the device, already its dev_dax's drvdata
 *
 * Return: 0 or a negative errno.
 */
int kmp_sysfs_add(struct kmp_dev *kdev)
{
	return device_add_group(kmp_device(kdev), &kmp_attr_group);
}

/**
 * kmp_sysfs_remove() - remove the kmem_pmem/ group
 * @kdev: the device
 *
 * Waits for writers still inside a store; none can start afterwards.
 */
void kmp_sysfs_remove(struct kmp_dev *kdev)
{
	device_remove_group(kmp_device(kdev), &kmp_attr_group);
}
