// SPDX-License-Identifier: GPL-2.0
/*
 * The unit-test macros themselves: a failing CHECK must fail its case (and
 * only its case) and make unit_done() report failure, a passing one must
 * not. The cases under test report to /dev/null.
 */
#include <fcntl.h>
#include <unistd.h>

#include "unit.h"

static void checks_that_pass(void)
{
	CHECK(1 + 1 == 2);
	CHECK_EQ(-1, -1);
	CHECK_EQ((unsigned char)255, 255);
	CHECK_EQ_U64(UINT64_MAX, ~0ULL);
	CHECK_STREQ("0-7", "0-7");
}

static void checks_that_fail(void)
{
	CHECK(0);
	CHECK_EQ(1, 2);
	CHECK_EQ_U64(1ULL << 40, 1ULL << 41);
	CHECK_STREQ("0-7", "0-6");
	CHECK_STREQ(NULL, "x");
}

int main(void)
{
	int saved_out = dup(1), saved_err = dup(2);
	int null = open("/dev/null", O_WRONLY);
	int cases, failed, done;

	/* The cases under test, with their complaints silenced. */
	fflush(stdout);
	dup2(null, 1);
	dup2(null, 2);
	RUN(checks_that_pass);
	RUN(checks_that_fail);
	RUN(checks_that_pass);
	done = unit_done();
	fflush(stdout);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	cases = unit_cases;
	failed = unit_failed_cases;

	/* Now the real verdict, from a fresh count. */
	unit_cases = unit_failed_cases = 0;
	RUN(checks_that_pass);
	unit_case = "counting";
	CHECK_EQ(cases, 3);
	CHECK_EQ(failed, 1);
	CHECK_EQ(done, 1);
	return unit_done();
}
