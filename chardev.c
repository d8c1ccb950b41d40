// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kmem_pmem/daxX.Y: the persistent sections' bytes, for applications.
 *
 * The device behaves like a file of the sections' span: offset
 * i * section_size is the first byte of section i. read(), write() and
 * mmap() reach persistent sections only; any access touching a volatile
 * section (or one whose scrub is not finished) fails with ENXIO, and with
 * EUCLEAN while the on-media table is corrupt. write() is durable: flushed
 * to the media before it returns. A section covered by a mapping cannot be
 * made volatile (EBUSY). When the device is unbound, mappings are torn down
 * (later accesses get SIGBUS) and open files get ENODEV.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kmem_pmem.h"

/* Bytes moved per mapping in read() and write(). */
#define KMP_IO_CHUNK	SZ_4M

/**
 * struct kmp_file - one open file of the char device
 * @list: on the device's files list
 * @kdev: the device; the file holds a reference
 * @file: the open file
 * @bind_gen: the device's bind_gen when the file was opened
 */
struct kmp_file {
	struct list_head list;
	struct kmp_dev *kdev;
	struct file *file;
	unsigned int bind_gen;
};

static u64 span(struct kmp_dev *kdev)
{
	return kdev->layout.nr_sections * kdev->layout.section_size;
}

/* The sections that bytes [@pos, @pos + @len) of the span touch; @len > 0. */
static void sections_of(struct kmp_dev *kdev, u64 pos, u64 len,
			unsigned long *first, unsigned long *last)
{
	*first = pos / kdev->layout.section_size;
	*last = (pos + len - 1) / kdev->layout.section_size;
}

/*
 * May @kf touch bytes [@pos, @pos + @len) of the span? Every section they
 * cover must be persistent, on the media too.
 * Context: the device's lock held for reading.
 */
static int check_access(struct kmp_file *kf, u64 pos, u64 len)
{
	struct kmp_dev *kdev = kf->kdev;
	unsigned long i, first, last;

	if (!kdev->dev_dax || kf->bind_gen != kdev->bind_gen)
		return -ENODEV;
	if (kdev->meta_status == KMP_META_CORRUPT)
		return -EUCLEAN;
	sections_of(kdev, pos, len, &first, &last);
	for (i = first; i <= last; i++)
		if (kmp_get_state(kdev, i) != KMP_PERSISTENT ||
		    kdev->recorded[i] != KMP_META_PERSISTENT)
			return -ENXIO;
	return 0;
}

/*
 * Take the device's lock for reading and check the access; on success the
 * caller holds the lock, on failure it does not.
 */
static int lock_for_access(struct kmp_file *kf, u64 pos, u64 len)
{
	int rc = down_read_killable(&kf->kdev->lock);

	if (rc)
		return rc;
	rc = check_access(kf, pos, len);
	if (rc)
		up_read(&kf->kdev->lock);
	return rc;
}

/* Copy one chunk between user memory and the span; returns bytes or error. */
static ssize_t io_chunk(struct kmp_file *kf, char __user *ubuf, u64 pos,
			size_t len, bool write)
{
	struct kmp_dev *kdev = kf->kdev;
	unsigned long left;
	ssize_t rc;
	void *addr;

	rc = lock_for_access(kf, pos, len);
	if (rc)
		return rc;
	addr = kmp_pmem_map(kdev, kdev->layout.head_bytes + pos, len);
	if (!addr) {
		rc = -ENOMEM;
		goto out;
	}
	if (write) {
		left = copy_from_user(addr, ubuf, len);
		kmp_pmem_flush(addr, len - left);
	} else {
		left = copy_to_user(ubuf, addr, len);
	}
	kmp_pmem_unmap(addr);
	rc = left == len ? -EFAULT : len - left;
out:
	up_read(&kdev->lock);
	return rc;
}

static ssize_t kmp_io(struct file *file, char __user *ubuf, size_t count,
		      loff_t *ppos, bool write)
{
	struct kmp_file *kf = file->private_data;
	u64 end = span(kf->kdev);
	size_t done = 0;
	ssize_t rc = 0;

	if (*ppos < 0)
		return -EINVAL;
	if (*ppos >= end)
		return write && count ? -ENOSPC : 0;
	count = min_t(u64, count, end - *ppos);

	while (done < count) {
		size_t len = min_t(size_t, count - done, KMP_IO_CHUNK);

		rc = io_chunk(kf, ubuf + done, *ppos, len, write);
		if (rc <= 0)
			break;
		done += rc;
		*ppos += rc;
		if (rc < len)
			break;
		cond_resched();
	}
	return done ? done : rc;
}

static ssize_t kmp_read(struct file *file, char __user *buf, size_t count,
			loff_t *ppos)
{
	return kmp_io(file, buf, count, ppos, false);
}

static ssize_t kmp_write(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	return kmp_io(file, (char __user *)buf, count, ppos, true);
}

static loff_t kmp_llseek(struct file *file, loff_t offset, int whence)
{
	struct kmp_file *kf = file->private_data;

	return fixed_size_llseek(file, offset, whence, span(kf->kdev));
}

/* Count a mapping of [vm_pgoff, +len) against the sections it covers. */
static void count_mapping(struct vm_area_struct *vma, int delta)
{
	struct kmp_file *kf = vma->vm_file->private_data;
	struct kmp_dev *kdev = kf->kdev;
	unsigned long i, first, last;

	sections_of(kdev, (u64)vma->vm_pgoff << PAGE_SHIFT,
		    vma->vm_end - vma->vm_start, &first, &last);
	for (i = first; i <= last; i++)
		atomic_add(delta, &kdev->map_count[i]);
}

static void kmp_vm_open(struct vm_area_struct *vma)
{
	count_mapping(vma, 1);
}

static void kmp_vm_close(struct vm_area_struct *vma)
{
	count_mapping(vma, -1);
}

/* A split would count the split-off part twice: refuse partial munmap. */
static int kmp_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static const struct vm_operations_struct kmp_vm_ops = {
	.open = kmp_vm_open,
	.close = kmp_vm_close,
	.may_split = kmp_vm_may_split,
};

static int kmp_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kmp_file *kf = file->private_data;
	struct kmp_dev *kdev = kf->kdev;
	u64 pos = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;
	int rc;

	if (pos >= span(kdev) || len > span(kdev) - pos)
		return -ENXIO;

	rc = lock_for_access(kf, pos, len);
	if (rc)
		return rc;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	rc = remap_pfn_range(vma, vma->vm_start,
			     PHYS_PFN(kdev->layout.start + pos), len,
			     vma->vm_page_prot);
	if (rc)
		goto out;
	vma->vm_ops = &kmp_vm_ops;
	count_mapping(vma, 1);
out:
	up_read(&kdev->lock);
	return rc;
}

static int kmp_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct kmp_dev *kdev = container_of(misc, struct kmp_dev, misc);
	struct kmp_file *kf;

	kf = kzalloc(sizeof(*kf), GFP_KERNEL);
	if (!kf)
		return -ENOMEM;
	kref_get(&kdev->ref);
	kf->kdev = kdev;
	kf->file = file;
	kf->bind_gen = READ_ONCE(kdev->bind_gen);
	mutex_lock(&kdev->files_lock);
	list_add(&kf->list, &kdev->files);
	mutex_unlock(&kdev->files_lock);
	file->private_data = kf;
	return 0;
}

static int kmp_release(struct inode *inode, struct file *file)
{
	struct kmp_file *kf = file->private_data;
	struct kmp_dev *kdev = kf->kdev;

	mutex_lock(&kdev->files_lock);
	list_del(&kf->list);
	mutex_unlock(&kdev->files_lock);
	kfree(kf);
	kmp_dev_put(kdev);
	return 0;
}

static const struct file_operations kmp_fops = {
	.owner = THIS_MODULE,
	.open = kmp_open,
	.release = kmp_release,
	.read = kmp_read,
	.write = kmp_write,
	.llseek = kmp_llseek,
	.mmap = kmp_mmap,
};

/**
 * kmp_chardev_add() - create /dev/kmem_pmem/<device>
 * @kdev: the bound device
 *
 * Return: 0 or a negative errno.
 */
int kmp_chardev_add(struct kmp_dev *kdev)
{
	int rc;

	kdev->misc.minor = MISC_DYNAMIC_MINOR;
	kdev->misc.name = kasprintf(GFP_KERNEL, "kmem_pmem!%s", kdev->name);
	if (!kdev->misc.name)
		return -ENOMEM;
	kdev->misc.fops = &kmp_fops;
	kdev->misc.mode = 0600;
	kdev->misc.parent = kmp_device(kdev);
	rc = misc_register(&kdev->misc);
	if (rc) {
		kfree(kdev->misc.name);
		return rc;
	}
	kdev->misc_registered = true;
	return 0;
}

/**
 * kmp_chardev_revoke() - cut off the open files of an unbinding device
 * @kdev: the device
 *
 * Tears down every mapping (later touches get SIGBUS); the files' next
 * accesses fail with ENODEV. Without this a mapping could outlive the
 * binding and alias memory that a later binding hands to the page
 * allocator.
 *
 * Context: @kdev->lock held for writing, so no access is under way.
 */
void kmp_chardev_revoke(struct kmp_dev *kdev)
{
	struct kmp_file *kf;

	lockdep_assert_held_write(&kdev->lock);
	mutex_lock(&kdev->files_lock);
	list_for_each_entry(kf, &kdev->files, list)
		unmap_mapping_range(kf->file->f_mapping, 0, 0, 1);
	mutex_unlock(&kdev->files_lock);
}

/**
 * kmp_chardev_remove() - remove the device node
 * @kdev: the device
 *
 * Open files keep their reference to @kdev; see kmp_chardev_revoke().
 */
void kmp_chardev_remove(struct kmp_dev *kdev)
{
	if (!kdev->misc_registered)
		return;
	misc_deregister(&kdev->misc);
	kfree(kdev->misc.name);
	kdev->misc_registered = false;
}
