// SPDX-License-Identifier: GPL-2.0
/*
 * Section lists in the kernel's list syntax.
 *
 * The grammar is bitmap_parselist()'s (lib/bitmap.c), which the driver
 * uses on every write, so that what pmemctl accepts the kernel accepts:
 * regions separated by ',' or white space, each "all", "A", "A-B" or
 * "A-B:used/group" (the first @used of every @group sections from A to B),
 * where a number may be "N" for the last section. Out-of-range ids are
 * -ERANGE, anything else malformed -EINVAL.
 *
 * Pure logic: no sysfs access, linked into the unit tests.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "section_list.h"

#define WORD_BITS 64

static size_t nr_words(unsigned long nbits)
{
	return (nbits + WORD_BITS - 1) / WORD_BITS;
}

/**
 * seclist_init() - make an empty set of @nbits sections
 * @s: the set
 * @nbits: number of sections; 0 is allowed
 *
 * Return: 0 or -ENOMEM.
 */
int seclist_init(struct seclist *s, unsigned long nbits)
{
	s->nbits = nbits;
	s->map = calloc(nr_words(nbits) ? nr_words(nbits) : 1,
			sizeof(*s->map));
	return s->map ? 0 : -ENOMEM;
}

void seclist_free(struct seclist *s)
{
	free(s->map);
	s->map = NULL;
	s->nbits = 0;
}

void seclist_clear_all(struct seclist *s)
{
	memset(s->map, 0, nr_words(s->nbits) * sizeof(*s->map));
}

void seclist_set(struct seclist *s, unsigned long id)
{
	if (id < s->nbits)
		s->map[id / WORD_BITS] |= 1ULL << (id % WORD_BITS);
}

void seclist_clear(struct seclist *s, unsigned long id)
{
	if (id < s->nbits)
		s->map[id / WORD_BITS] &= ~(1ULL << (id % WORD_BITS));
}

bool seclist_test(const struct seclist *s, unsigned long id)
{
	return id < s->nbits && (s->map[id / WORD_BITS] >> (id % WORD_BITS)) & 1;
}

unsigned long seclist_count(const struct seclist *s)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < nr_words(s->nbits); i++)
		n += __builtin_popcountll(s->map[i]);
	return n;
}

/**
 * seclist_next() - the first section in @s at or above @from
 * @s: the set
 * @from: where to start
 *
 * Return: the section id, or @s->nbits if there is none.
 */
unsigned long seclist_next(const struct seclist *s, unsigned long from)
{
	while (from < s->nbits) {
		uint64_t word = s->map[from / WORD_BITS] >> (from % WORD_BITS);

		if (word) {
			from += __builtin_ctzll(word);
			return from < s->nbits ? from : s->nbits;
		}
		from = (from / WORD_BITS + 1) * WORD_BITS;
	}
	return s->nbits;
}

/* @dst = @a & @b; all three of the same size (@dst may be @a or @b). */
void seclist_and(struct seclist *dst, const struct seclist *a,
		 const struct seclist *b)
{
	size_t i;

	for (i = 0; i < nr_words(dst->nbits); i++)
		dst->map[i] = a->map[i] & b->map[i];
}

/* @dst = @a & ~@b; all three of the same size (@dst may be @a or @b). */
void seclist_andnot(struct seclist *dst, const struct seclist *a,
		    const struct seclist *b)
{
	size_t i;

	for (i = 0; i < nr_words(dst->nbits); i++)
		dst->map[i] = a->map[i] & ~b->map[i];
}

static void say(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !why_len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

static bool end_of_region(char c)
{
	return c == '\0' || c == ',' || isspace((unsigned char)c);
}

/*
 * Parse a number or "N" at *@p. Values that do not fit in unsigned long
 * are reported as ULONG_MAX, which is out of range for any device.
 */
static int get_num(const char **p, unsigned long nbits, unsigned long *num)
{
	const char *s = *p;
	unsigned long n = 0;

	if (*s == 'N') {
		*num = nbits ? nbits - 1 : 0;
		*p = s + 1;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned long d = *s - '0';

		n = n > (ULONG_MAX - d) / 10 ? ULONG_MAX : n * 10 + d;
	}
	*num = n;
	*p = s;
	return 0;
}

struct region {
	unsigned long start, end, used, group;
};

/* One region at *@p; on return *@p is at its end. */
static int parse_region(const char **p, unsigned long nbits, struct region *r)
{
	const char *s = *p;
	bool pattern = true;

	if (!strncasecmp(s, "all", 3)) {
		if (!nbits)
			return -ERANGE;
		r->start = 0;
		r->end = nbits - 1;
		s += 3;
	} else {
		if (get_num(&s, nbits, &r->start))
			return -EINVAL;
		r->end = r->start;
		if (*s == '-') {
			s++;
			if (get_num(&s, nbits, &r->end))
				return -EINVAL;
		} else {
			pattern = false;
		}
	}
	r->used = r->group = r->end - r->start + 1;
	if (pattern && *s == ':') {
		s++;
		if (get_num(&s, nbits, &r->used) || *s++ != '/' ||
		    get_num(&s, nbits, &r->group))
			return -EINVAL;
	}
	if (!end_of_region(*s))
		return -EINVAL;
	*p = s;
	if (r->start > r->end || !r->group || r->used > r->group)
		return -EINVAL;
	if (r->end >= nbits)
		return -ERANGE;
	return 0;
}

/**
 * seclist_parse() - parse a section list into @s
 * @s: the set, initialised with the device's number of sections; replaced
 *	on success, unchanged on error
 * @str: the list; white space at either end is ignored
 * @flags: SECLIST_ALLOW_EMPTY to accept an empty list
 * @why: where to say what is wrong, may be NULL
 * @why_len: size of @why
 *
 * Return: 0; -EINVAL for malformed input or an empty list (unless
 * allowed); -ERANGE for a section at or above @s->nbits; -ENOMEM.
 */
int seclist_parse(struct seclist *s, const char *str, unsigned int flags,
		  char *why, size_t why_len)
{
	struct seclist tmp;
	const char *p = str;
	int rc;

	rc = seclist_init(&tmp, s->nbits);
	if (rc)
		return rc;

	for (;;) {
		const char *region;
		struct region r;
		unsigned long id;

		while (*p && end_of_region(*p))
			p++;
		if (!*p)
			break;
		region = p;
		rc = parse_region(&p, s->nbits, &r);
		if (rc == -ERANGE) {
			if (!s->nbits)
				say(why, why_len, "'%.*s': the device has no sections",
				    (int)(p - region), region);
			else
				say(why, why_len,
				    "'%.*s': section %lu is out of range (sections 0-%lu)",
				    (int)strcspn(region, ", \t\n"), region,
				    r.end, s->nbits - 1);
			goto err;
		}
		if (rc) {
			say(why, why_len, "'%.*s': not a section, range or 'all'",
			    (int)strcspn(region, ", \t\n"), region);
			goto err;
		}
		for (id = r.start; id <= r.end; id++)
			if ((id - r.start) % r.group < r.used)
				seclist_set(&tmp, id);
	}

	if (!seclist_count(&tmp) && !(flags & SECLIST_ALLOW_EMPTY)) {
		say(why, why_len, "empty section list");
		rc = -EINVAL;
		goto err;
	}
	memcpy(s->map, tmp.map, nr_words(s->nbits) * sizeof(*s->map));
	seclist_free(&tmp);
	return 0;
err:
	seclist_free(&tmp);
	return rc;
}

/**
 * seclist_format() - write @s in the kernel's "%*pbl" form ("0-3,7")
 * @s: the set
 * @buf: output, may be NULL if @len is 0
 * @len: size of @buf
 *
 * An empty set is the empty string.
 *
 * Return: the length of the full text, as snprintf() does.
 */
int seclist_format(const struct seclist *s, char *buf, size_t len)
{
	unsigned long start, end;
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (start = seclist_next(s, 0); start < s->nbits;
	     start = seclist_next(s, end + 1)) {
		int w;

		for (end = start; end + 1 < s->nbits && seclist_test(s, end + 1);)
			end++;
		if (end == start)
			w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
				     "%s%lu", n ? "," : "", start);
		else
			w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
				     "%s%lu-%lu", n ? "," : "", start, end);
		n += w;
	}
	return n;
}

/* seclist_format() into a new string; NULL on allocation failure. */
char *seclist_format_alloc(const struct seclist *s)
{
	int len = seclist_format(s, NULL, 0);
	char *buf = malloc(len + 1);

	if (buf)
		seclist_format(s, buf, len + 1);
	return buf;
}
