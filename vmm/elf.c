/*
 * The kernel loader: an ELF64 x86-64 executable whose PT_LOAD segments are
 * copied to their physical addresses (p_paddr) in guest RAM (.bss is the
 * fresh mapping's zeroes).
 * Everything in the file is checked before anything is copied, and a bad
 * image is refused with the reason.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmm/bootinfo.h>
#include "vmm/vm.h"

/* Is the virtual address covered by the boot page tables (boot.c)? */
static int boot_mapped(uint64_t va)
{
	return va < MMIO_HOLE_END ||
	       (va >= KERNEL_VIRT_BASE && va - KERNEL_VIRT_BASE < (1ULL << 30));
}

int elf_check(const uint8_t *img, size_t size, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		snprintf(err, errlen, "not an ELF file (bad magic)");
		return -1;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64) {
		snprintf(err, errlen, "not a 64-bit ELF (class %d)", eh->e_ident[EI_CLASS]);
		return -1;
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		snprintf(err, errlen, "not little-endian");
		return -1;
	}
	if (eh->e_machine != EM_X86_64) {
		snprintf(err, errlen, "not an x86-64 ELF (e_machine %u)", eh->e_machine);
		return -1;
	}
	if (eh->e_type != ET_EXEC) {
		snprintf(err, errlen, "not an executable (e_type %u; need ET_EXEC)", eh->e_type);
		return -1;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    eh->e_phoff > size || (size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum) {
		snprintf(err, errlen, "program header table outside the file or malformed");
		return -1;
	}
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff);
	int loads = 0, entry_ok = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		loads++;
		if (p->p_offset > size || p->p_filesz > size - p->p_offset) {
			snprintf(err, errlen, "segment %d: file data beyond the end of the file", i);
			return -1;
		}
		if (p->p_filesz > p->p_memsz) {
			snprintf(err, errlen, "segment %d: p_filesz > p_memsz", i);
			return -1;
		}
		if (p->p_paddr < KERNEL_LOAD_MIN || p->p_paddr + p->p_memsz < p->p_paddr) {
			snprintf(err, errlen, "segment %d: physical address 0x%llx is below 1 MiB (boot area)",
				 i, (unsigned long long)p->p_paddr);
			return -1;
		}
		if (eh->e_entry >= p->p_vaddr && eh->e_entry - p->p_vaddr < p->p_memsz) {
			if (!(p->p_flags & PF_X)) {
				snprintf(err, errlen, "entry point 0x%llx is in a non-executable segment",
					 (unsigned long long)eh->e_entry);
				return -1;
			}
			entry_ok = 1;
		}
	}
	if (!loads) {
		snprintf(err, errlen, "no PT_LOAD segment");
		return -1;
	}
	if (!entry_ok) {
		snprintf(err, errlen, "entry point 0x%llx is not inside any loaded segment",
			 (unsigned long long)eh->e_entry);
		return -1;
	}
	if (!boot_mapped(eh->e_entry)) {
		snprintf(err, errlen, "entry point 0x%llx is neither below 4 GiB nor in the kernel "
			 "range 0x%llx + 1 GiB", (unsigned long long)eh->e_entry,
			 (unsigned long long)KERNEL_VIRT_BASE);
		return -1;
	}
	return 0;
}

int elf_load(struct vm *vm, const char *path, char *err, size_t errlen)
{
	char why[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "kernel %s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		snprintf(err, errlen, "kernel %s: not a regular, non-empty file", path);
		close(fd);
		return -1;
	}
	size_t size = (size_t)st.st_size;
	const uint8_t *img = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (img == MAP_FAILED) {
		snprintf(err, errlen, "kernel %s: mmap: %s", path, strerror(errno));
		return -1;
	}
	int rc = -1;
	if (elf_check(img, size, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "kernel %s: bad ELF: %s", path, why);
		goto out;
	}
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff);
	uint64_t lo = UINT64_MAX, hi = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		uint8_t *dst = gpa_to_hva(&vm->mem, p->p_paddr, p->p_memsz);
		if (!dst) {
			snprintf(err, errlen, "kernel %s: bad ELF: segment %d (0x%llx + 0x%llx) does not fit "
				 "in guest RAM of one node", path, i, (unsigned long long)p->p_paddr,
				 (unsigned long long)p->p_memsz);
			goto out;
		}
		memcpy(dst, img + p->p_offset, p->p_filesz);
		/* .bss: guest RAM is a fresh anonymous (or hugetlb) mapping, zero
		 * until written; clearing it would only fault its pages in (a host
		 * page fault per 4 KiB, PLATFORM.md) before the guest needs them. */
		if (p->p_paddr < lo)
			lo = p->p_paddr;
		if (p->p_paddr + p->p_memsz > hi)
			hi = p->p_paddr + p->p_memsz;
	}
	vm->entry = eh->e_entry;
	vm->kernel_start = lo;
	vm->kernel_end = hi;
	rc = 0;
out:
	munmap((void *)img, size);
	return rc;
}
