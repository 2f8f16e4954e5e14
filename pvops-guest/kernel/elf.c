/* ELF64 executable validation (see include/elf_load.h). */
#include <linux/elf.h>
#include <linux/errno.h>

#include "elf_load.h"
#include "lib.h"
#include "vm.h"

int elf_parse(const uint8_t *img, size_t len, struct elf_info *info)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	bool have_phdr = false;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_machine != EM_X86_64 ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN))
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > 64 ||
	    eh->e_phoff > len || eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff ||
	    (eh->e_phoff & 7))
		return -ENOEXEC;
	memset(info, 0, sizeof(*info));
	info->entry = eh->e_entry;
	info->phnum = eh->e_phnum;
	info->phentsize = eh->e_phentsize;
	info->pie = eh->e_type == ET_DYN;

	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff);

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP)
			return -ENOEXEC;   /* dynamically linked: no loader here */
		if (ph[i].p_type == PT_PHDR) {
			info->phdr_vaddr = ph[i].p_vaddr;
			have_phdr = true;
		}
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		const Elf64_Phdr *p = &ph[i];

		if (info->nseg == ELF_MAX_SEGMENTS || p->p_filesz > p->p_memsz ||
		    p->p_offset > len || p->p_filesz > len - p->p_offset ||
		    (p->p_vaddr - p->p_offset) % PAGE_SIZE ||
		    p->p_vaddr >= USER_TOP || p->p_memsz > USER_TOP - p->p_vaddr)
			return -ENOEXEC;
		if (info->nseg && p->p_vaddr < info->seg[info->nseg - 1].vaddr +
						 info->seg[info->nseg - 1].memsz)
			return -ENOEXEC;   /* must be sorted and disjoint */
		info->seg[info->nseg++] = (struct elf_segment){
			.vaddr = p->p_vaddr, .memsz = p->p_memsz,
			.offset = p->p_offset, .filesz = p->p_filesz,
			.prot = (p->p_flags & PF_R ? VM_READ : 0) |
				(p->p_flags & PF_W ? VM_WRITE : 0) |
				(p->p_flags & PF_X ? VM_EXEC : 0),
		};
		if (!have_phdr && p->p_offset <= eh->e_phoff &&
		    eh->e_phoff + eh->e_phnum * sizeof(Elf64_Phdr) <= p->p_offset + p->p_filesz)
			info->phdr_vaddr = p->p_vaddr + (eh->e_phoff - p->p_offset);
	}
	if (info->nseg == 0)
		return -ENOEXEC;
	/* The entry point must lie in an executable segment. */
	for (int i = 0; i < info->nseg; i++)
		if (info->entry >= info->seg[i].vaddr &&
		    info->entry < info->seg[i].vaddr + info->seg[i].memsz &&
		    (info->seg[i].prot & VM_EXEC))
			return 0;
	return -ENOEXEC;
}
