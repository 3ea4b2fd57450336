/* The VMM's struct boot_info (include/gmm/bootinfo.h): validated once by
 * the BSP at boot; read-only afterwards except ap_start[], which only the
 * BSP writes (arch smpboot.c). */
#include <kernel/boot.h>
#include <kernel/panic.h>
#include <asm/page.h>

struct boot_info *boot_info;
phys_addr_t boot_info_phys;
bool boot_ram_zeroed = true;

void boot_info_init(phys_addr_t pa)
{
	struct boot_info *bi = __va(pa);

	if (bi->magic != BOOT_INFO_MAGIC)
		panic("boot_info at 0x%lx: bad magic 0x%lx (want 0x%llx)", pa,
		      (unsigned long)bi->magic, BOOT_INFO_MAGIC);
	if (bi->version != BOOT_INFO_VERSION)
		panic("boot_info: version %u, this kernel knows %u", bi->version, BOOT_INFO_VERSION);
	if (bi->size < sizeof(*bi))
		panic("boot_info: size %u, this kernel needs %zu", bi->size, sizeof(*bi));
	if (bi->nr_memmap > BOOT_MAX_MEMMAP)
		panic("boot_info: %u memory map entries (max %d)", bi->nr_memmap, BOOT_MAX_MEMMAP);
	boot_info = bi;
	boot_info_phys = pa;
}
