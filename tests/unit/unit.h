/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny assertions for the userspace unit tests (tests/unit/test_*.c).
 *
 *	#include "unit.h"
 *
 *	static void test_parse_range(void)
 *	{
 *		CHECK_EQ(parse("0-7"), 8);
 *		CHECK_STREQ(format(8), "0-7");
 *	}
 *
 *	int main(void)
 *	{
 *		RUN(test_parse_range);
 *		return unit_done();
 *	}
 *
 * A failed CHECK prints file:line and the values, marks the current case
 * failed and goes on; unit_done() prints "N cases, M failed" and returns
 * the program's exit status (0, or 1 when a case failed). A program that
 * cannot test anything here may exit with UNIT_SKIP (4) after saying why.
 */
#ifndef KMP_UNIT_H
#define KMP_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define UNIT_SKIP 4

static int unit_cases, unit_failed_cases, unit_case_failed;
static const char *unit_case = "-";

static inline void unit_fail_at(const char *file, int line)
{
	if (!unit_case_failed)
		unit_failed_cases++;
	unit_case_failed = 1;
	fprintf(stderr, "%s:%d: %s: ", file, line, unit_case);
}

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			unit_fail_at(__FILE__, __LINE__);		\
			fprintf(stderr, "CHECK(%s) failed\n", #cond);	\
		}							\
	} while (0)

/* Integers (any signedness up to 64 bits, compared as intmax_t). */
#define CHECK_EQ(a, b)							\
	do {								\
		intmax_t unit_a_ = (intmax_t)(a), unit_b_ = (intmax_t)(b); \
		if (unit_a_ != unit_b_) {				\
			unit_fail_at(__FILE__, __LINE__);		\
			fprintf(stderr, "%s == %s: %jd != %jd\n",	\
				#a, #b, unit_a_, unit_b_);		\
		}							\
	} while (0)

/* Unsigned 64-bit values (addresses, sizes), shown in hex too. */
#define CHECK_EQ_U64(a, b)						\
	do {								\
		uint64_t unit_a_ = (a), unit_b_ = (b);			\
		if (unit_a_ != unit_b_) {				\
			unit_fail_at(__FILE__, __LINE__);		\
			fprintf(stderr, "%s == %s: %#" PRIx64 " != %#" PRIx64 "\n", \
				#a, #b, unit_a_, unit_b_);		\
		}							\
	} while (0)

#define CHECK_STREQ(a, b)						\
	do {								\
		const char *unit_a_ = (a), *unit_b_ = (b);		\
		if (!unit_a_ || !unit_b_ || strcmp(unit_a_, unit_b_)) {	\
			unit_fail_at(__FILE__, __LINE__);		\
			fprintf(stderr, "%s == %s: \"%s\" != \"%s\"\n",	\
				#a, #b, unit_a_ ? unit_a_ : "(null)",	\
				unit_b_ ? unit_b_ : "(null)");		\
		}							\
	} while (0)

/* Run one test case: a void function of no arguments. */
#define RUN(fn)								\
	do {								\
		unit_case = #fn;					\
		unit_case_failed = 0;					\
		unit_cases++;						\
		fn();							\
	} while (0)

static inline int unit_done(void)
{
	printf("%d cases, %d failed\n", unit_cases, unit_failed_cases);
	return unit_failed_cases ? 1 : 0;
}

#endif /* KMP_UNIT_H */
