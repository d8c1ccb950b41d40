/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl's commands (one file each, as in ndctl's daxctl) and what they
 * share: messages, device lookup, JSON output.
 */
#ifndef PMEMCTL_BUILTIN_H
#define PMEMCTL_BUILTIN_H

#include <sys/types.h>

#include <json-c/json.h>

#include "kmp.h"
#include "options.h"

struct daxctl_ctx;
struct daxctl_dev;

int cmd_list(struct pmemctl_args *a, struct daxctl_ctx *ctx);
int cmd_status(struct pmemctl_args *a, struct daxctl_ctx *ctx);
int cmd_setup(struct pmemctl_args *a, struct daxctl_ctx *ctx);
int cmd_move(struct pmemctl_args *a, struct daxctl_ctx *ctx);
int cmd_restore(struct pmemctl_args *a, struct daxctl_ctx *ctx);
int cmd_check(struct pmemctl_args *a, struct daxctl_ctx *ctx);
int cmd_release(struct pmemctl_args *a, struct daxctl_ctx *ctx);

/* cmd_setup.c */
int bind_to_kmp(struct pmemctl_args *a, struct daxctl_ctx *ctx,
		const char *name);

/* cmd_move.c */
int online_section(struct pmemctl_args *a, const struct kmp_info *info,
		   uint32_t s);
int run_move_plan(struct pmemctl_args *a, const struct kmp_info *info,
		  enum move_dir dir, const struct move_plan *plan,
		  struct seclist *moved, struct seclist *failed);

/* cmd_restore.c */
int online_volatile(struct pmemctl_args *a, const char *name,
		    struct json_object *arr);

/* common.c */
void pm_err(const struct pmemctl_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pm_warn(const struct pmemctl_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pm_info(const struct pmemctl_args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int open_kmp_dev(const struct pmemctl_args *a, const char *arg,
		 struct kmp_info *info);
void print_json(struct json_object *j);
double now_seconds(void);
struct daxctl_dev *find_dax_dev(struct daxctl_ctx *ctx, const char *name);
pid_t dev_user(const char *path);

/* Device files in use, from one scan of /proc (dev_uses_scan()). */
struct dev_use {
	char file[64];
	pid_t pid;
};

struct dev_uses {
	struct dev_use *use;
	size_t nr, cap;
};

int dev_uses_scan(struct dev_uses *u, const char *prefix);
pid_t dev_uses_find(const struct dev_uses *u, const char *file);
void dev_uses_free(struct dev_uses *u);
int instance_users_scan(struct pmemctl_args *a, const struct kmp_info *info,
			struct dev_uses *u);
pid_t instance_user(const struct dev_uses *u, const struct kmp_info *info,
		    unsigned long section, char *path, size_t len);

/* media.c */
int media_metadata(struct daxctl_dev *dev, char *state, size_t len);
int media_table_place(struct daxctl_dev *dev, uint64_t *phys, uint64_t *len);

/**
 * struct autoprobe_hold - the dax bus's autoprobe, turned off for a while
 * @was_on: it was on
 * @held: autoprobe_hold() turned it off
 * @unbound: dax devices bound to no driver before: left so after
 * @nr_unbound: how many
 * @keep: the device autoprobe_release() leaves unbound
 */
struct autoprobe_hold {
	bool was_on;
	bool held;
	char **unbound;
	int nr_unbound;
	const char *keep;
};

/* dax_autoprobe.c */
int autoprobe_hold(struct autoprobe_hold *h);
void autoprobe_release(struct autoprobe_hold *h, const char *keep);

/* json.c */
struct json_object *kmp_info_to_json(const struct kmp_info *info, bool detail);
struct json_object *dax_dev_to_json(const char *dev, const char *driver,
				    unsigned long long size, int target_node,
				    const char *metadata);
void kmp_info_accounting(const struct kmp_info *info, uint64_t *ram,
			 uint64_t *memmap_pmem, uint64_t *memmap_dram);
int node_memory_tier(int node);

#endif /* PMEMCTL_BUILTIN_H */
