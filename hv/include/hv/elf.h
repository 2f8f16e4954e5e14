/* The ELF64 structures the PV kernel loader reads (little-endian x86-64). */
#ifndef HV_ELF_H
#define HV_ELF_H

#include <hv/types.h>

#define ELF_MAGIC       "\177ELF"
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ET_EXEC         2
#define EM_X86_64       62

#define PT_LOAD         1
#define PT_NOTE         4

struct elf64_ehdr {
    u8  e_ident[16];
    u16 e_type;
    u16 e_machine;
    u32 e_version;
    u64 e_entry;
    u64 e_phoff;
    u64 e_shoff;
    u32 e_flags;
    u16 e_ehsize;
    u16 e_phentsize;
    u16 e_phnum;
    u16 e_shentsize;
    u16 e_shnum;
    u16 e_shstrndx;
};

struct elf64_phdr {
    u32 p_type;
    u32 p_flags;
    u64 p_offset;
    u64 p_vaddr;
    u64 p_paddr;
    u64 p_filesz;
    u64 p_memsz;
    u64 p_align;
};

struct elf64_note {
    u32 n_namesz;
    u32 n_descsz;
    u32 n_type;
};

#endif
