/*
 * Host unit tests of the kernel ELF checks (vmm/elf.c): every malformed
 * image is refused with the reason, and the kernel we build passes.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/vm.h"

static uint8_t img[4096];
static char err[256];

/* A minimal valid kernel: one RX PT_LOAD at 1 MiB holding the entry. */
static void make_valid(void)
{
	memset(img, 0, sizeof(img));
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_entry = 0xffffffff80100000ULL;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 1;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_offset = 0;
	ph->p_vaddr = 0xffffffff80100000ULL;
	ph->p_paddr = 0x100000;
	ph->p_filesz = 512;
	ph->p_memsz = 8192;
}

static Elf64_Ehdr *eh(void) { return (Elf64_Ehdr *)img; }
static Elf64_Phdr *ph(void) { return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)); }

static void expect_refused(size_t size, const char *why)
{
	cr_assert_eq(elf_check(img, size, err, sizeof(err)), -1, "accepted; expected \"%s\"", why);
	cr_assert(strstr(err, why), "error \"%s\" lacks \"%s\"", err, why);
}

Test(elf, valid_minimal_kernel_is_accepted)
{
	make_valid();
	cr_assert_eq(elf_check(img, sizeof(img), err, sizeof(err)), 0, "%s", err);
}

Test(elf, bad_images_are_refused_with_the_reason)
{
	make_valid(); img[1] = 'X';                   expect_refused(sizeof(img), "bad magic");
	make_valid();                                 expect_refused(10, "bad magic");
	make_valid(); img[EI_CLASS] = ELFCLASS32;     expect_refused(sizeof(img), "not a 64-bit ELF");
	make_valid(); img[EI_DATA] = ELFDATA2MSB;     expect_refused(sizeof(img), "not little-endian");
	make_valid(); eh()->e_machine = EM_AARCH64;   expect_refused(sizeof(img), "not an x86-64 ELF");
	make_valid(); eh()->e_type = ET_DYN;          expect_refused(sizeof(img), "not an executable");
	make_valid(); eh()->e_phoff = 1 << 20;        expect_refused(sizeof(img), "program header table");
	make_valid(); eh()->e_phnum = 1000;           expect_refused(sizeof(img), "program header table");
	make_valid(); ph()->p_filesz = 1 << 20;       expect_refused(sizeof(img), "beyond the end of the file");
	make_valid(); ph()->p_filesz = 9000;          expect_refused(sizeof(img), "beyond the end of the file");
	make_valid(); ph()->p_filesz = 100; ph()->p_memsz = 50; expect_refused(sizeof(img), "p_filesz > p_memsz");
	make_valid(); ph()->p_paddr = 0x1000;         expect_refused(sizeof(img), "below 1 MiB");
	make_valid(); ph()->p_type = PT_NOTE;         expect_refused(sizeof(img), "no PT_LOAD");
	make_valid(); eh()->e_entry += 1 << 20;       expect_refused(sizeof(img), "not inside any loaded segment");
	make_valid(); ph()->p_flags = PF_R | PF_W;    expect_refused(sizeof(img), "non-executable segment");
}

Test(elf, the_kernel_we_build_passes)
{
	FILE *f = fopen("build/guest.elf", "rb");
	if (!f)
		cr_skip_test("SKIPPED: build/guest.elf not built");
	static uint8_t buf[16 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	cr_assert_eq(elf_check(buf, n, err, sizeof(err)), 0, "%s", err);
}
