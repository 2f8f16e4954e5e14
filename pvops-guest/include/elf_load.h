/*
 * ELF64 executable parsing (kernel/elf.c): validates an x86-64 static
 * executable and lists what exec must map.  Pure; unit-tested on the host.
 */
#ifndef GUEST_ELF_LOAD_H
#define GUEST_ELF_LOAD_H

#include "kernel.h"

#define ELF_MAX_SEGMENTS 8

struct elf_segment {
	uint64_t vaddr, memsz, offset, filesz;
	unsigned int prot;            /* VM_READ/WRITE/EXEC */
};

struct elf_info {
	uint64_t entry;
	uint64_t phdr_vaddr;          /* where the program headers are mapped */
	uint16_t phnum, phentsize;
	bool pie;                     /* ET_DYN: everything is relative to a load bias */
	int nseg;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* 0, or -ENOEXEC for anything not a loadable static x86-64 executable. */
int elf_parse(const uint8_t *img, size_t len, struct elf_info *info);

#endif
