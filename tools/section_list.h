/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sets of section ids and their text form, the kernel's list syntax
 * (bitmap_parselist() / "%*pbl"): "3", "0-7", "0,2,5-9", "0-15:2/4", "N"
 * for the last section, plus pmemctl's "all".
 *
 * Pure logic: no sysfs access, linked into the unit tests.
 */
#ifndef PMEMCTL_SECTION_LIST_H
#define PMEMCTL_SECTION_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct seclist - a set of section ids below @nbits
 * @nbits: number of sections of the device
 * @map: bitmap of (@nbits + 63) / 64 words
 */
struct seclist {
	unsigned long nbits;
	uint64_t *map;
};

/* seclist_parse() flags */
#define SECLIST_ALLOW_EMPTY	0x1	/* "" is the empty set (sysfs output) */

int seclist_init(struct seclist *s, unsigned long nbits);
void seclist_free(struct seclist *s);
void seclist_clear_all(struct seclist *s);
void seclist_set(struct seclist *s, unsigned long id);
void seclist_clear(struct seclist *s, unsigned long id);
bool seclist_test(const struct seclist *s, unsigned long id);
unsigned long seclist_count(const struct seclist *s);
unsigned long seclist_next(const struct seclist *s, unsigned long from);
void seclist_and(struct seclist *dst, const struct seclist *a,
		 const struct seclist *b);
void seclist_andnot(struct seclist *dst, const struct seclist *a,
		    const struct seclist *b);

#define seclist_for_each(id, s) \
	for ((id) = seclist_next((s), 0); (id) < (s)->nbits; \
	     (id) = seclist_next((s), (id) + 1))

int seclist_parse(struct seclist *s, const char *str, unsigned int flags,
		  char *why, size_t why_len);
int seclist_format(const struct seclist *s, char *buf, size_t len);
char *seclist_format_alloc(const struct seclist *s);

#endif /* PMEMCTL_SECTION_LIST_H */
