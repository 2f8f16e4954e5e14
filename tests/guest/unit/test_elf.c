/* elf_parse (pvops-guest/kernel/elf.c): what exec accepts and refuses. */
#include <check.h>
#include <errno.h>
#include <linux/elf.h>
#include <stdlib.h>
#include <string.h>

#include "elf_load.h"
#include "vm.h"

static uint8_t img[0x3000];

/* A static executable: text at 0x401000 (offset 0x1000), data+bss at 0x402000. */
static Elf64_Phdr *build(void)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));

	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_entry = 0x401010;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 3;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R, .p_offset = 0,
			      .p_vaddr = 0x400000, .p_filesz = 0x200, .p_memsz = 0x200 };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0x1000,
			      .p_vaddr = 0x401000, .p_filesz = 0x100, .p_memsz = 0x100 };
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x2010,
			      .p_vaddr = 0x402010, .p_filesz = 0x20, .p_memsz = 0x5000 };
	return ph;
}

START_TEST(accepts_static_executable)
{
	struct elf_info e;

	build();
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), 0);
	ck_assert_int_eq(e.nseg, 3);
	ck_assert_uint_eq(e.entry, 0x401010);
	ck_assert_uint_eq(e.phdr_vaddr, 0x400040);
	ck_assert_uint_eq(e.phnum, 3);
	ck_assert(!e.pie);
	ck_assert_uint_eq(e.seg[1].prot, VM_READ | VM_EXEC);
	ck_assert_uint_eq(e.seg[2].prot, VM_READ | VM_WRITE);
	ck_assert_uint_eq(e.seg[2].memsz, 0x5000);
}
END_TEST

START_TEST(static_pie_is_flagged)
{
	struct elf_info e;

	build();
	((Elf64_Ehdr *)img)->e_type = ET_DYN;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), 0);
	ck_assert(e.pie);
}
END_TEST

START_TEST(rejects_bad_headers)
{
	struct elf_info e;

	build();
	img[0] = 0;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
	build();
	((Elf64_Ehdr *)img)->e_machine = EM_386;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
	build();
	img[EI_CLASS] = ELFCLASS32;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
	build();
	((Elf64_Ehdr *)img)->e_phoff = sizeof(img) - 10;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
	build();
	ck_assert_int_eq(elf_parse(img, 40, &e), -ENOEXEC);
}
END_TEST

START_TEST(rejects_dynamic_executable)
{
	struct elf_info e;

	build()[0].p_type = PT_INTERP;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
}
END_TEST

START_TEST(rejects_bad_segments)
{
	struct elf_info e;

	build()[2].p_filesz = 0x6000;                 /* filesz > memsz */
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
	Elf64_Phdr *ph = build();

	ph[2].p_offset = 0x2ff0;                      /* data runs past the end of the file */
	ph[2].p_vaddr = 0x402ff0;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
	ph[2].p_offset = 0x2f00;
	ph[2].p_vaddr = 0x402f00;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), 0);
	build()[2].p_offset = 0x2f00;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);  /* incongruent */
	build()[2].p_vaddr = 0xffff800000002010UL;    /* kernel half */
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
	build()[1].p_vaddr = 0x400000;                /* overlaps the first */
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
}
END_TEST

START_TEST(entry_must_be_executable)
{
	struct elf_info e;

	build();
	((Elf64_Ehdr *)img)->e_entry = 0x402010;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
	((Elf64_Ehdr *)img)->e_entry = 0x900000;
	ck_assert_int_eq(elf_parse(img, sizeof(img), &e), -ENOEXEC);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_elf");
	TCase *tc = tcase_create("elf");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, accepts_static_executable);
	tcase_add_test(tc, static_pie_is_flagged);
	tcase_add_test(tc, rejects_bad_headers);
	tcase_add_test(tc, rejects_dynamic_executable);
	tcase_add_test(tc, rejects_bad_segments);
	tcase_add_test(tc, entry_must_be_executable);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
