// SPDX-License-Identifier: GPL-2.0
/*
 * An unmodified libpmemobj application, in small: keep a note in a pool's
 * root object, or read it back.
 *
 *   pmemobj_note create PATH TEXT   make a pool on PATH (a device-dax device:
 *                                   the whole device) and store TEXT in it
 *   pmemobj_note read PATH          open the pool, print the note
 */
#include <libpmemobj.h>
#include <stdio.h>
#include <string.h>

#define LAYOUT	"kmem_pmem-note"
#define NOTE_MAX	256

struct note {
	char text[NOTE_MAX];
};

static int create(const char *path, const char *text)
{
	PMEMobjpool *pop = pmemobj_create(path, LAYOUT, 0, 0600);
	PMEMoid root;
	struct note *n;

	if (!pop) {
		fprintf(stderr, "pmemobj_create %s: %s\n", path, pmemobj_errormsg());
		return 1;
	}
	root = pmemobj_root(pop, sizeof(struct note));
	n = pmemobj_direct(root);
	TX_BEGIN(pop) {
		pmemobj_tx_add_range(root, 0, sizeof(*n));
		snprintf(n->text, sizeof(n->text), "%s", text);
	} TX_ONABORT {
		fprintf(stderr, "transaction aborted\n");
		pmemobj_close(pop);
		return 1;
	} TX_END
	pmemobj_close(pop);
	return 0;
}

static int read_note(const char *path)
{
	PMEMobjpool *pop = pmemobj_open(path, LAYOUT);
	struct note *n;

	if (!pop) {
		fprintf(stderr, "pmemobj_open %s: %s\n", path, pmemobj_errormsg());
		return 1;
	}
	n = pmemobj_direct(pmemobj_root(pop, sizeof(struct note)));
	printf("%s\n", n->text);
	pmemobj_close(pop);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "create"))
		return create(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "read"))
		return read_note(argv[2]);
	fprintf(stderr, "usage: %s create PATH TEXT | read PATH\n", argv[0]);
	return 2;
}
