/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvdimm_guest: the smallest guest that uses a vNVDIMM, for
 * tests/integration/devdax-vnvdimm.sh. A multiboot kernel (QEMU -kernel)
 * for a pc machine whose NVDIMM is the first device of its device memory,
 * at guest-physical 4 GiB. In 32-bit protected mode it maps that NVDIMM
 * (PAE, 2 MiB pages) at 1 GiB and, by the first letter of its command line
 * (-append):
 *
 *   write  fills 1 MiB at 8 MiB into the NVDIMM with the pattern
 *          word[i] = i * 0x9e3779b1 + 0x6b6d7000 (32-bit words)
 *   check  compares that 1 MiB with the pattern
 *
 * It prints "nvdimm_guest: written", "nvdimm_guest: pattern ok" or
 * "nvdimm_guest: pattern BAD" on COM1 and leaves through isa-debug-exit
 * (iobase 0xf4): QEMU exits with 1 (done, pattern ok) or 3 (bad).
 *
 * Why not Linux: a Linux guest under TCG inside the TCG test guest crashed
 * in two boots of three (QEMU 7.2) and took minutes to reach init.
 *
 * Build: gcc -m32 -nostdlib -static -Wl,--build-id=none -Wl,-Ttext=0x100000
 */
#define NV_PHYS_HI	1		/* the NVDIMM at 1 << 32 */
#define WINDOW		0x40000000	/* where it is mapped */
#define OFFSET		(8 << 20)
#define WORDS		(1 << 18)	/* 1 MiB */
#define MULT		0x9e3779b1
#define SEED		0x6b6d7000
#define COM1		0x3f8
#define DEBUG_EXIT	0xf4

	/* The multiboot header, first in .text: within the file's first 8 KiB. */
	.text
	.align 4
	.long 0x1badb002		/* magic */
	.long 0				/* flags: an ELF image, nothing asked */
	.long -0x1badb002		/* checksum */

	.code32
	.globl _start
_start:
	/*
	 * EBX: the multiboot information; its cmdline (flags bit 2) is
	 * QEMU's "KERNEL ARGS": the first letter after the first space.
	 */
	movl $'?', %esi
	testl $4, (%ebx)
	jz 1f
	movl 16(%ebx), %eax
0:	movzbl (%eax), %edx
	incl %eax
	testl %edx, %edx
	jz 1f
	cmpl $' ', %edx
	jne 0b
	movzbl (%eax), %esi
1:
	/* Page directory 0: 0-2 MiB identity (this code, at 1 MiB). */
	movl $0x83, pd0			/* present, writable, 2 MiB */
	movl $0, pd0 + 4
	/* Page directory 1 (linear 1 GiB on): 64 entries, 128 MiB at 4 GiB. */
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, pd1(, %ecx, 8)
	movl $NV_PHYS_HI, pd1 + 4(, %ecx, 8)
	incl %ecx
	cmpl $64, %ecx
	jne 2b
	movl $pd0, %eax
	orl $1, %eax
	movl %eax, pdpt
	movl $pd1, %eax
	orl $1, %eax
	movl %eax, pdpt + 8
	movl %cr4, %eax
	orl $0x20, %eax			/* PAE */
	movl %eax, %cr4
	movl $pdpt, %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $0x80000000, %eax		/* paging */
	movl %eax, %cr0

	movl $WINDOW + OFFSET, %edi
	xorl %ecx, %ecx
	cmpl $'w', %esi
	je fill
	cmpl $'c', %esi
	je check
	movl $msg_usage, %esi
	movb $1, %bl
	jmp out

fill:	movl %ecx, %eax
	imull $MULT, %eax
	addl $SEED, %eax
	movl %eax, (%edi, %ecx, 4)
	incl %ecx
	cmpl $WORDS, %ecx
	jne fill
	movl $msg_written, %esi
	xorb %bl, %bl
	jmp out

check:	movl %ecx, %eax
	imull $MULT, %eax
	addl $SEED, %eax
	cmpl %eax, (%edi, %ecx, 4)
	jne bad
	incl %ecx
	cmpl $WORDS, %ecx
	jne check
	movl $msg_ok, %esi
	xorb %bl, %bl
	jmp out
bad:	movl $msg_bad, %esi
	movb $1, %bl

	/* Print the string at ESI on COM1, then exit with BL. */
out:	movw $COM1, %dx
3:	lodsb
	testb %al, %al
	jz 4f
	outb %al, %dx
	jmp 3b
4:	movb %bl, %al
	outb %al, $DEBUG_EXIT
	cli
5:	hlt
	jmp 5b

	.section .rodata
msg_written:	.asciz "nvdimm_guest: written\n"
msg_ok:		.asciz "nvdimm_guest: pattern ok\n"
msg_bad:	.asciz "nvdimm_guest: pattern BAD\n"
msg_usage:	.asciz "nvdimm_guest: -append write or check\n"

	.bss
	.align 4096
pd0:	.skip 4096
pd1:	.skip 4096
	.align 32
pdpt:	.skip 32
