// SPDX-License-Identifier: GPL-2.0
/*
 * Taking memory out of the page allocator within a deadline.
 *
 * offline_pages() (mm/memory_hotplug.c) retries page migration until the
 * range is free or the calling task has a signal pending. A page that can
 * never migrate (pinned by a pipe nobody reads, a stuck O_DIRECT, a long
 * GUP pin) keeps it retrying forever, while it holds device_hotplug_lock,
 * mem_hotplug_lock and the CPU hotplug read lock: every memory and CPU
 * hotplug on the machine waits with it. A task that is never signalled (a
 * kworker, as unbind needs) would never come back.
 *
 * So every removal runs in a worker, and once the deadline passes the
 * worker's signal_pending() is made true with TIF_NOTIFY_SIGNAL, the flag
 * the kernel itself uses to break a task out of wait loops without sending
 * it a signal (task_work, io_uring). offline_pages() then backs off and
 * offline_and_remove_memory() onlines the memory again: it stays usable,
 * and we report -EBUSY. Running in a worker also spares sysfs writers the
 * -EINTR they used to get for any unrelated pending signal (a shell's
 * SIGCHLD).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/memory_hotplug.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "kmem_pmem.h"

unsigned int offline_timeout = 30;
module_param(offline_timeout, uint, 0644);
MODULE_PARM_DESC(offline_timeout,
		 "Seconds one section may take to go offline before its move fails with EBUSY (default 30, 0: no limit)");

/**
 * struct kmp_removal - one offline_and_remove_memory() call in a worker
 * @work: runs the call
 * @deadline: interrupts the call when it fires
 * @lock: orders @worker against @deadline's callback
 * @worker: the task making the call, while it makes it
 * @expired: the deadline fired (or the caller was killed)
 * @done: the call returned
 * @start: physical start of the memory
 * @size: bytes
 * @rc: what the call returned
 */
struct kmp_removal {
	struct work_struct work;
	struct timer_list deadline;
	spinlock_t lock;		/* orders @worker against the deadline */
	struct task_struct *worker;
	bool expired;
	struct completion done;
	u64 start;
	u64 size;
	int rc;
};

static void removal_expired(struct timer_list *t)
{
	struct kmp_removal *r = timer_container_of(r, t, deadline);

	spin_lock(&r->lock);
	r->expired = true;
	/* offline_pages() polls signal_pending() between migration passes. */
	if (r->worker)
		set_tsk_thread_flag(r->worker, TIF_NOTIFY_SIGNAL);
	spin_unlock(&r->lock);
}

static void removal_fn(struct work_struct *work)
{
	struct kmp_removal *r = container_of(work, struct kmp_removal, work);
	bool expired;

	spin_lock_bh(&r->lock);
	expired = r->expired;
	if (!expired)
		r->worker = current;
	spin_unlock_bh(&r->lock);

	r->rc = expired ? -EINTR : offline_and_remove_memory(r->start, r->size);

	spin_lock_bh(&r->lock);
	r->worker = NULL;
	spin_unlock_bh(&r->lock);
	/* Nobody sets it any more; the worker must not carry it further. */
	clear_notify_signal();
	complete(&r->done);
}

/**
 * kmp_offline_and_remove() - offline_and_remove_memory() with a deadline
 * @start: physical start, memory block aligned
 * @size: bytes, memory block aligned
 *
 * Gives up after offline_timeout seconds, or at once when the caller gets a
 * fatal signal; the memory is then online again, as before the call.
 *
 * Context: process context; takes the memory hotplug locks (in a worker).
 * Return: 0; -EBUSY if the memory could not be offlined (unmovable pages)
 * or not within the deadline; -EINTR if the caller was killed; or another
 * error of offline_and_remove_memory().
 */
int kmp_offline_and_remove(u64 start, u64 size)
{
	unsigned int timeout = READ_ONCE(offline_timeout);
	struct kmp_removal r = { .start = start, .size = size };
	bool killed = false;

	spin_lock_init(&r.lock);
	init_completion(&r.done);
	INIT_WORK_ONSTACK(&r.work, removal_fn);
	timer_setup_on_stack(&r.deadline, removal_expired, 0);
	if (timeout)
		mod_timer(&r.deadline, jiffies + (unsigned long)timeout * HZ);
	queue_work(system_unbound_wq, &r.work);

	if (wait_for_completion_killable(&r.done)) {
		killed = true;
		timer_reduce(&r.deadline, jiffies);
		wait_for_completion(&r.done);
	}
	timer_delete_sync(&r.deadline);
	flush_work(&r.work);
	timer_destroy_on_stack(&r.deadline);
	destroy_work_on_stack(&r.work);

	if (r.rc == -EINTR && !killed)
		return -EBUSY;
	return r.rc;
}
