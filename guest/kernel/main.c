/*
 * kmain: the boot CPU's path from entry.S to a running machine.
 *   descriptor tables and per-CPU area -> console -> boot_info and the
 *   command line -> LAPIC -> ACPI topology -> memory manager -> timer
 *   tick -> application processors -> topology report -> crash= -> init
 *   (when the initramfs has one: start_init() does not return) -> hold ->
 *   power off.
 * Ring-0 code is interpreted on our platform (PLATFORM.md): everything
 * here is kept proportional to what the machine has, and nothing clears
 * memory (the VMM hands over zeroed RAM and a zeroed .bss).
 */
#include <kernel/acpi.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/crash.h>
#include <kernel/initramfs.h>
#include <kernel/mm_boot.h>
#include <kernel/timer.h>
#include <kernel/numa.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/serial.h>
#include <asm/setup.h>
#include <drivers/drivers.h>

void kmain(unsigned long boot_info_pa);

static const char *const mem_type_name[] = {
	[BOOT_MEM_RAM] = "usable", [BOOT_MEM_RESERVED] = "reserved", [BOOT_MEM_ACPI] = "ACPI data",
};

static void print_memmap(void)
{
	for (u32 i = 0; i < boot_info->nr_memmap; i++) {
		const struct boot_mem_entry *e = &boot_info->memmap[i];
		const char *type = e->type < ARRAY_SIZE(mem_type_name) && mem_type_name[e->type] ?
				   mem_type_name[e->type] : "unknown";
		printk("BIOS-e820: [mem 0x%016lx-0x%016lx] %s\n", (unsigned long)e->addr,
		       (unsigned long)(e->addr + e->size - 1), type);
	}
}

static __noreturn void kernel_power_off(void)
{
	vmstat_publish_now();
	printk("reboot: Power down\n");
	machine_power_off();
}

void kmain(unsigned long boot_info_pa)
{
	arch_early_init();
	serial_init();
	printk("gmm: booting on CPU 0\n");
	boot_info_init(boot_info_pa);
	cmdline_init(boot_info->cmdline, sizeof(boot_info->cmdline));
	printk("Command line: %s\n", boot_command_line);
	print_memmap();
	printk("paging: %u-level\n", pgtable_levels());

	arch_init_irq();
	acpi_init();
	numa_init();
	mm_boot_init();
	initramfs_init();
	arch_time_init();
	smp_init();
	driver_init();
	mm_boot_diagnostics();
	numa_print_topology();

	crash_boot();
	start_init();    /* returns only when there is no init to run */
	if (cmdline_has("hold")) {
		printk("hold: boot done, idling until the VM is stopped\n");
		cpu_startup_entry();
	}
	kernel_power_off();
}
