// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl's section lists: what the kernel's bitmap_parselist() accepts is
 * accepted with the same meaning, what it refuses is refused with the same
 * errno (-EINVAL malformed, -ERANGE beyond the device), and lists print as
 * "%*pbl" prints them.
 */
// unit-cflags: -Itools
// unit-sources: tools/section_list.c
#include <errno.h>
#include <stdlib.h>

#include "section_list.h"
#include "unit.h"

/* Parse @str for a device of @nbits sections and print the result. */
static char out[4096];
static int parse(const char *str, unsigned long nbits)
{
	struct seclist s;
	char why[160];
	int rc;

	out[0] = '\0';
	if (seclist_init(&s, nbits))
		return -ENOMEM;
	rc = seclist_parse(&s, str, 0, why, sizeof(why));
	if (!rc)
		seclist_format(&s, out, sizeof(out));
	else
		snprintf(out, sizeof(out), "%s", why);
	seclist_free(&s);
	return rc;
}

static void test_kernel_syntax(void)
{
	CHECK_EQ(parse("3", 31), 0);
	CHECK_STREQ(out, "3");
	CHECK_EQ(parse("0-7", 31), 0);
	CHECK_STREQ(out, "0-7");
	CHECK_EQ(parse("0,2,5-9", 31), 0);
	CHECK_STREQ(out, "0,2,5-9");
	CHECK_EQ(parse("9,0-3,2", 31), 0);	/* any order, overlaps */
	CHECK_STREQ(out, "0-3,9");
	CHECK_EQ(parse("0-15:2/4", 31), 0);	/* first 2 of every 4 */
	CHECK_STREQ(out, "0-1,4-5,8-9,12-13");
	CHECK_EQ(parse("N", 31), 0);		/* the last section */
	CHECK_STREQ(out, "30");
	CHECK_EQ(parse("28-N", 31), 0);
	CHECK_STREQ(out, "28-30");
	CHECK_EQ(parse("all", 31), 0);
	CHECK_STREQ(out, "0-30");
	CHECK_EQ(parse("ALL", 4), 0);
	CHECK_STREQ(out, "0-3");
	CHECK_EQ(parse("all:1/2", 8), 0);
	CHECK_STREQ(out, "0,2,4,6");
	CHECK_EQ(parse("0-3,7\n", 31), 0);	/* as echo writes it */
	CHECK_STREQ(out, "0-3,7");
	CHECK_EQ(parse(" 1 2,,3 ", 31), 0);	/* white space separates too */
	CHECK_STREQ(out, "1-3");
	CHECK_EQ(parse("007", 31), 0);
	CHECK_STREQ(out, "7");
}

static void test_malformed(void)
{
	CHECK_EQ(parse("", 31), -EINVAL);
	CHECK_STREQ(out, "empty section list");
	CHECK_EQ(parse(" \n", 31), -EINVAL);
	CHECK_EQ(parse("5-3", 31), -EINVAL);
	CHECK_STREQ(out, "'5-3': not a section, range or 'all'");
	CHECK_EQ(parse("x", 31), -EINVAL);
	CHECK_EQ(parse("-1", 31), -EINVAL);
	CHECK_EQ(parse("1-", 31), -EINVAL);
	CHECK_EQ(parse("1-2-3", 31), -EINVAL);
	CHECK_EQ(parse("0x3", 31), -EINVAL);
	CHECK_EQ(parse("+3", 31), -EINVAL);
	CHECK_EQ(parse("3:1/2", 31), -EINVAL);	/* a pattern needs a range */
	CHECK_EQ(parse("0-7:3/2", 31), -EINVAL);	/* used > group */
	CHECK_EQ(parse("0-7:1/0", 31), -EINVAL);
	CHECK_EQ(parse("0-7:1", 31), -EINVAL);
	CHECK_EQ(parse("allx", 31), -EINVAL);
	CHECK_EQ(parse("1;2", 31), -EINVAL);
}

static void test_out_of_range(void)
{
	CHECK_EQ(parse("31", 31), -ERANGE);
	CHECK_STREQ(out, "'31': section 31 is out of range (sections 0-30)");
	CHECK_EQ(parse("0-31", 31), -ERANGE);
	CHECK_STREQ(out, "'0-31': section 31 is out of range (sections 0-30)");
	CHECK_EQ(parse("1,40", 31), -ERANGE);
	CHECK_STREQ(out, "'40': section 40 is out of range (sections 0-30)");
	CHECK_EQ(parse("99999999999999999999999", 31), -ERANGE);
	CHECK_EQ(parse("0", 0), -ERANGE);
	CHECK_EQ(parse("all", 0), -ERANGE);
	/* A failed parse leaves the set as it was. */
	{
		struct seclist s;

		CHECK_EQ(seclist_init(&s, 8), 0);
		CHECK_EQ(seclist_parse(&s, "1-2", 0, NULL, 0), 0);
		CHECK_EQ(seclist_parse(&s, "3,9", 0, NULL, 0), -ERANGE);
		CHECK_EQ(seclist_count(&s), 2);
		CHECK(seclist_test(&s, 1) && seclist_test(&s, 2));
		seclist_free(&s);
	}
}

/* What sysfs prints for an empty list is "\n". */
static void test_empty_allowed(void)
{
	struct seclist s;

	CHECK_EQ(seclist_init(&s, 31), 0);
	CHECK_EQ(seclist_parse(&s, "\n", SECLIST_ALLOW_EMPTY, NULL, 0), 0);
	CHECK_EQ(seclist_count(&s), 0);
	CHECK_EQ(seclist_format(&s, out, sizeof(out)), 0);
	CHECK_STREQ(out, "");
	seclist_free(&s);
}

static void test_set_ops(void)
{
	struct seclist a, b, c;
	unsigned long id, n = 0, sum = 0;
	char *text;

	CHECK_EQ(seclist_init(&a, 200), 0);
	CHECK_EQ(seclist_init(&b, 200), 0);
	CHECK_EQ(seclist_init(&c, 200), 0);
	CHECK_EQ(seclist_parse(&a, "0-130", 0, NULL, 0), 0);
	CHECK_EQ(seclist_parse(&b, "60-70,128-199", 0, NULL, 0), 0);
	seclist_andnot(&c, &a, &b);
	text = seclist_format_alloc(&c);
	CHECK_STREQ(text, "0-59,71-127");
	free(text);
	seclist_and(&c, &a, &b);
	text = seclist_format_alloc(&c);
	CHECK_STREQ(text, "60-70,128-130");
	free(text);
	seclist_for_each(id, &c) {
		n++;
		sum += id;
	}
	CHECK_EQ(n, 14);
	CHECK_EQ(n, seclist_count(&c));
	CHECK_EQ(sum, 715 + 387);
	CHECK_EQ(seclist_next(&c, 131), 200);
	seclist_clear(&c, 60);
	seclist_set(&c, 199);
	seclist_set(&c, 200);		/* beyond: ignored */
	text = seclist_format_alloc(&c);
	CHECK_STREQ(text, "61-70,128-130,199");
	free(text);
	seclist_free(&a);
	seclist_free(&b);
	seclist_free(&c);
}

/* snprintf() semantics: the full length, truncated output. */
static void test_format_truncation(void)
{
	struct seclist s;
	char small[6];

	CHECK_EQ(seclist_init(&s, 64), 0);
	CHECK_EQ(seclist_parse(&s, "0-3,7,9-12,63", 0, NULL, 0), 0);
	CHECK_EQ(seclist_format(&s, NULL, 0), 13);
	CHECK_EQ(seclist_format(&s, small, sizeof(small)), 13);
	CHECK_STREQ(small, "0-3,7");
	seclist_free(&s);
}

/* Every list of a 10-section device prints back to itself. */
static void test_roundtrip(void)
{
	unsigned int bits;

	for (bits = 1; bits < 1024; bits++) {
		struct seclist s, t;
		unsigned int i;

		seclist_init(&s, 10);
		seclist_init(&t, 10);
		for (i = 0; i < 10; i++)
			if (bits & (1u << i))
				seclist_set(&s, i);
		seclist_format(&s, out, sizeof(out));
		CHECK_EQ(seclist_parse(&t, out, 0, NULL, 0), 0);
		CHECK_EQ_U64(t.map[0], s.map[0]);
		seclist_free(&s);
		seclist_free(&t);
	}
}

int main(void)
{
	RUN(test_kernel_syntax);
	RUN(test_malformed);
	RUN(test_out_of_range);
	RUN(test_empty_allowed);
	RUN(test_set_ops);
	RUN(test_format_truncation);
	RUN(test_roundtrip);
	return unit_done();
}
