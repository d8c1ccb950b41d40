// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kmem_pmem/daxX.Y: the persistent sections' bytes, for applications.
 *
 * The device behaves like a file of the sections' span: offset
 * i * section_size is the first byte of section i. read(), write() and
 * mmap() reach persistent sections only; any access touching a volatile
 * section (or one whose scrub is not finished) fails with ENXIO, and with
 * EUCLEAN while the on-media table is corrupt. write() is durable: flushed
 * to the media before it returns. Only shared mappings are allowed (EINVAL
 * otherwise, as device-dax): a private one would copy pages of the
 * section on write, which a pfn mapping cannot do. A section covered by a
 * mapping cannot be made volatile (EBUSY). When the device is unbound,
 * mappings are torn down (later accesses get SIGBUS) and open files get
 * ENODEV.
 *
 * Locking: nothing here takes the device's lock (kdev->lock), which section
 * moves hold for long. Every access to the pmem's bytes (the pmem side of
 * read() and write(), and each page fault of a mapping) runs inside
 * kdev->access_srcu and first checks, in check_served(), that its sections
 * are served; whoever stops serving a section (a move, unbind) first marks
 * it so, then waits for the SRCU readers. User memory is never touched
 * inside the SRCU section: read() and write() go through a bounce buffer,
 * so a user buffer that faults slowly (userfaultfd, network filesystem)
 * stalls nobody but its owner. mmap() checks and counts the sections under
 * kmp_state_lock, under which a move tests the count.
 *
 * Mappings are filled by page faults, as device-dax's are: ->mmap() inserts
 * nothing, because a vma is linked where unmap_mapping_range() finds it
 * only after ->mmap() returns, and unbind's revoke could miss ptes inserted
 * before that.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/libnvdimm.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "kmem_pmem.h"

/* Bytes copied per step of read() and write(): the bounce buffer's size. */
#define KMP_IO_CHUNK		SZ_1M

/**
 * struct kmp_file - one open file of the char device
 * @list: on the device's files list
 * @kdev: the device; the file holds a reference
 * @file: the open file
 * @bind_gen: the device's bind_gen when the file was opened
 * @mappings: this file's struct kmp_mapping, under kdev->files_lock
 */
struct kmp_file {
	struct list_head list;
	struct kmp_dev *kdev;
	struct file *file;
	unsigned int bind_gen;
	struct list_head mappings;
};

/**
 * struct kmp_mapping - one mmap() of the char device
 * @ref: the vmas that share it (fork and mremap copy a vma)
 * @kf: the file mapped; the vmas hold it open
 * @list: on @kf->mappings, under kdev->files_lock
 * @first: first section mapped
 * @last: last section mapped
 * @wb: the mapped bytes memremap()ed, or NULL once revoked. Not used for
 *	access: it reserves the write-back memory type, which x86 PAT would
 *	otherwise give the faulted-in ptes as uncached (track_pfn_insert()).
 *
 * The sections are kept here, fixed at mmap() time: vm_pgoff is not
 * something to recompute them from.
 */
struct kmp_mapping {
	refcount_t ref;
	struct kmp_file *kf;
	struct list_head list;
	unsigned long first;
	unsigned long last;
	void *wb;
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
 * May @kf reach sections @first..@last? The binding it was opened under
 * must still be there, and every section persistent, on the media too.
 * Context: inside kdev->access_srcu, or under kmp_state_lock.
 */
static int check_served(struct kmp_file *kf, unsigned long first,
			unsigned long last)
{
	struct kmp_dev *kdev = kf->kdev;
	unsigned long i;

	if (READ_ONCE(kdev->revoked) || kf->bind_gen != READ_ONCE(kdev->bind_gen))
		return -ENODEV;
	if (READ_ONCE(kdev->meta_status) == KMP_META_CORRUPT)
		return -EUCLEAN;
	for (i = first; i <= last; i++)
		if (kmp_get_state(kdev, i) != KMP_PERSISTENT ||
		    READ_ONCE(kdev->recorded[i]) != KMP_META_PERSISTENT)
			return -ENXIO;
	return 0;
}

/*
 * Copy @len bytes between @bounce and the span at @pos, if they are served.
 * A read stops at poison (a media error) instead of taking the machine
 * down, as drivers/nvdimm/pmem.c does.
 * Return: bytes copied, or a negative errno (-EIO: poison at @pos).
 */
static ssize_t pmem_io(struct kmp_file *kf, u64 pos, void *bounce,
		       size_t len, bool write)
{
	struct kmp_dev *kdev = kf->kdev;
	unsigned long first, last, left;
	ssize_t rc;
	void *addr;
	int idx;

	sections_of(kdev, pos, len, &first, &last);
	idx = srcu_read_lock(&kdev->access_srcu);
	rc = check_served(kf, first, last);
	if (rc)
		goto out;
	if (kmp_poisoned(kdev, kdev->layout.head_bytes + pos, len)) {
		rc = -EIO;
		goto out;
	}
	addr = kmp_pmem_map(kdev, kdev->layout.head_bytes + pos, len);
	if (!addr) {
		rc = -ENOMEM;
		goto out;
	}
	if (write) {
		memcpy_flushcache(addr, bounce, len);
		/* Durable before write() returns. */
		pmem_wmb();
		rc = len;
	} else {
		left = copy_mc_to_kernel(bounce, addr, len);
		rc = left == len ? -EIO : len - left;
		/* Remembered: the next access fails without touching it. */
		if (left)
			kmp_poison_set(kdev, kdev->layout.head_bytes + pos + len - left, 1);
	}
	kmp_pmem_unmap(addr);
out:
	srcu_read_unlock(&kdev->access_srcu, idx);
	return rc;
}

/* One step of write(): user -> bounce, then bounce -> pmem. */
static ssize_t write_step(struct kmp_file *kf, u64 pos, void *bounce,
			  size_t len, struct iov_iter *from)
{
	size_t n = copy_from_iter(bounce, len, from);

	if (!n)
		return -EFAULT;
	return pmem_io(kf, pos, bounce, n, true);
}

/* One step of read(): pmem -> bounce, then bounce -> user. */
static ssize_t read_step(struct kmp_file *kf, u64 pos, void *bounce,
			 size_t len, struct iov_iter *to)
{
	ssize_t rc = pmem_io(kf, pos, bounce, len, false);

	if (rc <= 0)
		return rc;
	return copy_to_iter(bounce, rc, to) ?: -EFAULT;
}

static ssize_t kmp_io(struct kiocb *iocb, struct iov_iter *iter, bool write)
{
	struct kmp_file *kf = iocb->ki_filp->private_data;
	size_t count = iov_iter_count(iter), done = 0;
	u64 end = span(kf->kdev);
	loff_t pos = iocb->ki_pos;
	void *bounce;
	ssize_t rc = 0;

	if (pos < 0)
		return -EINVAL;
	if (pos >= end)
		return write && count ? -ENOSPC : 0;
	count = min_t(u64, count, end - pos);
	if (!count)
		return 0;

	bounce = kvmalloc(min_t(size_t, count, KMP_IO_CHUNK), GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while (done < count) {
		size_t len = min_t(size_t, count - done, KMP_IO_CHUNK);

		if (write)
			rc = write_step(kf, pos + done, bounce, len, iter);
		else
			rc = read_step(kf, pos + done, bounce, len, iter);
		if (rc <= 0)
			break;
		done += rc;
		if (rc < len)
			break;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	kvfree(bounce);
	iocb->ki_pos = pos + done;
	return done ? done : rc;
}

static ssize_t kmp_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return kmp_io(iocb, to, false);
}

static ssize_t kmp_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return kmp_io(iocb, from, true);
}

static loff_t kmp_llseek(struct file *file, loff_t offset, int whence)
{
	struct kmp_file *kf = file->private_data;

	return fixed_size_llseek(file, offset, whence, span(kf->kdev));
}

static void uncount_mapping(struct kmp_mapping *map)
{
	unsigned long i;

	for (i = map->first; i <= map->last; i++)
		atomic_dec(&map->kf->kdev->map_count[i]);
}

/*
 * Check and count a new mapping of sections @first..@last in one step under
 * kmp_state_lock, under which a move tests the count before it stops
 * serving a section, and unbind marks the device revoked.
 */
static int count_new_mapping(struct kmp_file *kf, unsigned long first,
			     unsigned long last)
{
	struct kmp_dev *kdev = kf->kdev;
	unsigned long i;
	int rc;

	spin_lock(&kmp_state_lock);
	rc = check_served(kf, first, last);
	if (!rc)
		for (i = first; i <= last; i++)
			atomic_inc(&kdev->map_count[i]);
	spin_unlock(&kmp_state_lock);
	return rc;
}

/* A copy of a mapping's vma (fork, mremap) maps the same sections. */
static void kmp_vm_open(struct vm_area_struct *vma)
{
	struct kmp_mapping *map = vma->vm_private_data;
	unsigned long i;

	refcount_inc(&map->ref);
	for (i = map->first; i <= map->last; i++)
		atomic_inc(&map->kf->kdev->map_count[i]);
}

/* Called once the vma's ptes are gone. */
static void kmp_vm_close(struct vm_area_struct *vma)
{
	struct kmp_mapping *map = vma->vm_private_data;
	struct kmp_dev *kdev = map->kf->kdev;

	uncount_mapping(map);
	if (!refcount_dec_and_test(&map->ref))
		return;
	mutex_lock(&kdev->files_lock);
	list_del(&map->list);
	mutex_unlock(&kdev->files_lock);
	if (map->wb)
		kmp_pmem_unmap(map->wb);
	kfree(map);
}

/* A split would need a second struct kmp_mapping: refuse partial munmap. */
static int kmp_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

/*
 * Map the faulting page and the rest of its 2 MiB block (within the vma and
 * the section): a sequential pass over a section then takes one fault per
 * 2 MiB, as device-dax's huge pages would.
 */
static vm_fault_t insert_pfns(struct vm_fault *vmf, struct kmp_dev *kdev,
			      u64 pos)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long addr = vmf->address & PAGE_MASK;
	u64 to_section_end = round_up(pos + 1, kdev->layout.section_size) - pos;
	unsigned long end = min3((u64)vma->vm_end, (u64)ALIGN(addr + 1, SZ_2M),
				 addr + to_section_end);
	unsigned long pfn = PHYS_PFN(kdev->layout.start + pos);
	vm_fault_t ret;

	if (kmp_poisoned(kdev, kdev->layout.head_bytes + pos, PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	ret = vmf_insert_pfn(vma, addr, pfn);
	/* The rest is a bonus: stop at the first page that fails. */
	for (addr += PAGE_SIZE, pfn++, pos += PAGE_SIZE;
	     addr < end && ret == VM_FAULT_NOPAGE;
	     addr += PAGE_SIZE, pfn++, pos += PAGE_SIZE)
		if (kmp_poisoned(kdev, kdev->layout.head_bytes + pos, PAGE_SIZE) ||
		    vmf_insert_pfn(vma, addr, pfn) != VM_FAULT_NOPAGE)
			break;
	return ret;
}

static vm_fault_t kmp_vm_fault(struct vm_fault *vmf)
{
	struct kmp_mapping *map = vmf->vma->vm_private_data;
	struct kmp_dev *kdev = map->kf->kdev;
	u64 pos = (u64)vmf->pgoff << PAGE_SHIFT;
	unsigned long i = pos / kdev->layout.section_size;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	int idx;

	if (WARN_ON_ONCE(i < map->first || i > map->last))
		return VM_FAULT_SIGBUS;
	idx = srcu_read_lock(&kdev->access_srcu);
	if (!check_served(map->kf, i, i))
		ret = insert_pfns(vmf, kdev, pos);
	srcu_read_unlock(&kdev->access_srcu, idx);
	return ret;
}

static const struct vm_operations_struct kmp_vm_ops = {
	.open = kmp_vm_open,
	.close = kmp_vm_close,
	.may_split = kmp_vm_may_split,
	.fault = kmp_vm_fault,
};

/*
 * Count the sections and reserve the memory type of a new mapping. Under
 * files_lock, so that kmp_chardev_revoke() either finds it on the list or
 * it finds the device revoked.
 */
static int setup_mapping(struct kmp_mapping *map, u64 pos, u64 len)
{
	struct kmp_dev *kdev = map->kf->kdev;
	int rc;

	mutex_lock(&kdev->files_lock);
	rc = count_new_mapping(map->kf, map->first, map->last);
	if (rc)
		goto out;
	map->wb = kmp_pmem_map(kdev, kdev->layout.head_bytes + pos, len);
	if (!map->wb) {
		uncount_mapping(map);
		rc = -ENOMEM;
		goto out;
	}
	list_add(&map->list, &map->kf->mappings);
out:
	mutex_unlock(&kdev->files_lock);
	return rc;
}

static int kmp_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kmp_file *kf = file->private_data;
	struct kmp_dev *kdev = kf->kdev;
	u64 pos = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;
	struct kmp_mapping *map;
	int rc;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (pos >= span(kdev) || len > span(kdev) - pos)
		return -ENXIO;

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	refcount_set(&map->ref, 1);
	map->kf = kf;
	sections_of(kdev, pos, len, &map->first, &map->last);
	rc = setup_mapping(map, pos, len);
	if (rc) {
		kfree(map);
		return rc;
	}
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = map;
	vma->vm_ops = &kmp_vm_ops;
	return 0;
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
	INIT_LIST_HEAD(&kf->mappings);
	kf->bind_gen = READ_ONCE(kdev->bind_gen);
	mutex_lock(&kdev->files_lock);
	list_add(&kf->list, &kdev->files);
	mutex_unlock(&kdev->files_lock);
	file->private_data = kf;
	return 0;
}

/* Every mapping is gone by now: each vma holds the file open. */
static int kmp_release(struct inode *inode, struct file *file)
{
	struct kmp_file *kf = file->private_data;
	struct kmp_dev *kdev = kf->kdev;

	mutex_lock(&kdev->files_lock);
	WARN_ON_ONCE(!list_empty(&kf->mappings));
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
	.read_iter = kmp_read_iter,
	.write_iter = kmp_write_iter,
	.llseek = kmp_llseek,
	.mmap = kmp_mmap,
};

/**
 * kmp_chardev_add() - create /dev/kmem_pmem/<device>
 * @kdev: the bound device
 *
 * Files opened from now on serve this binding; files of an earlier binding
 * of the same device stay refused (see kmp_chardev_revoke()).
 *
 * Return: 0 or a negative errno.
 */
int kmp_chardev_add(struct kmp_dev *kdev)
{
	int rc;

	spin_lock(&kmp_state_lock);
	kdev->revoked = false;
	spin_unlock(&kmp_state_lock);

	kdev->misc.minor = MISC_DYNAMIC_MINOR;
	kdev->misc.name = kasprintf(GFP_KERNEL, "kmem_pmem_%s", kdev->name);
	kdev->misc.nodename = kasprintf(GFP_KERNEL, "kmem_pmem/%s", kdev->name);
	if (!kdev->misc.name || !kdev->misc.nodename) {
		rc = -ENOMEM;
		goto err;
	}
	kdev->misc.fops = &kmp_fops;
	kdev->misc.mode = 0600;
	kdev->misc.parent = kmp_device(kdev);
	rc = misc_register(&kdev->misc);
	if (rc)
		goto err;
	kdev->misc_registered = true;
	return 0;
err:
	kfree(kdev->misc.nodename);
	kfree(kdev->misc.name);
	return rc;
}

/**
 * kmp_chardev_revoke() - cut off the open files of an unbinding device
 * @kdev: the device
 *
 * Marks the device revoked, so that every later access, fault and mmap()
 * fails; waits for the accesses under way; then tears down every mapping
 * (later touches get SIGBUS). Files of this binding stay refused (ENODEV)
 * even after the device is bound again. Without this a mapping could
 * outlive the binding and alias memory that a later binding hands to the
 * page allocator.
 *
 * Context: process context; takes kmp_state_lock and @kdev->files_lock.
 */
void kmp_chardev_revoke(struct kmp_dev *kdev)
{
	struct kmp_mapping *map;
	struct kmp_file *kf;

	spin_lock(&kmp_state_lock);
	kdev->revoked = true;
	kdev->bind_gen++;
	spin_unlock(&kmp_state_lock);
	synchronize_srcu(&kdev->access_srcu);

	mutex_lock(&kdev->files_lock);
	list_for_each_entry(kf, &kdev->files, list) {
		unmap_mapping_range(kf->file->f_mapping, 0, 0, 1);
		/* No pte left, and faults fail: the memory type goes too. */
		list_for_each_entry(map, &kf->mappings, list) {
			if (map->wb)
				kmp_pmem_unmap(map->wb);
			map->wb = NULL;
		}
	}
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
	kfree(kdev->misc.nodename);
	kfree(kdev->misc.name);
	kdev->misc_registered = false;
}
