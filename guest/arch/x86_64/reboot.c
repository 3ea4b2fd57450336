/* Ending the VM: QEMU's isa-debug-exit semantics at PORT_DEBUG_EXIT (our
 * VMM exits with the value written; include/gmm/ports.h). If the write
 * does not stop us (no such device), halt. */
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <gmm/ports.h>

void machine_power_off(void)
{
	outl(0, PORT_DEBUG_EXIT);
	halt_forever();
}

void machine_panic_exit(void)
{
	outl(EXIT_GUEST_PANIC, PORT_DEBUG_EXIT);
	halt_forever();
}
