# The guest kernel: build/guest.elf, an ELF64 linked in the higher half
# (VMA 0xffffffff80100000, LMA 0x100000), see guest/arch/x86_64/kernel.ld.
#
# Symbol names for backtraces (kallsyms-like) come from a two-stage link:
# stage 1 links with an empty .ksyms table, scripts/gen-ksyms.sh turns its
# text symbols into an assembly table, stage 2 links that in. .ksyms lies
# after .text and .rodata, so no text address moves between the stages;
# gen-ksyms.sh --check verifies this and fails the build if one did.
#
# guest/mm sources join through GUEST_MM_SRCS (set in mk/mm.mk, which is
# read after this file: hence the deferred `=` and the second expansion of
# the link prerequisites).

GUEST_CC      ?= gcc
GUEST_LD      ?= ld
GUEST_NM      ?= nm
GUEST_ARCH    := guest/arch/x86_64
GUEST_OUT     := $(BUILD)/guest

GUEST_CFLAGS  := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
                 -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
                 -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
                 -nostdlib -O2 -g -Wall -Wextra -MMD -MP \
                 -Iinclude -Iguest/include -I$(GUEST_ARCH)/include
GUEST_ASFLAGS := $(GUEST_CFLAGS) -D__ASSEMBLY__
GUEST_LDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack -T $(GUEST_ARCH)/kernel.ld

GUEST_SRCS = $(wildcard $(GUEST_ARCH)/*.c $(GUEST_ARCH)/*.S guest/kernel/*.c guest/drivers/*.c) \
              $(GUEST_MM_SRCS)
GUEST_OBJS = $(patsubst guest/%,$(GUEST_OUT)/%.o,$(basename $(GUEST_SRCS)))

$(GUEST_OUT)/%.o: guest/%.c mk/guest.mk
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_CFLAGS_$(notdir $*)) -c $< -o $@

$(GUEST_OUT)/%.o: guest/%.S mk/guest.mk
	@mkdir -p $(dir $@)
	$(Q)$(GUEST_CC) $(GUEST_ASFLAGS) -c $< -o $@

# GCC may turn the byte loops of string.c into calls to memset/memcpy.
GUEST_CFLAGS_string := -fno-tree-loop-distribute-patterns

# The generated symbol tables (stage 1: empty).
$(GUEST_OUT)/ksyms-empty.S: scripts/gen-ksyms.sh
	@mkdir -p $(dir $@)
	$(Q)scripts/gen-ksyms.sh --empty > $@

$(GUEST_OUT)/ksyms-table.S: $(GUEST_OUT)/stage1.elf scripts/gen-ksyms.sh
	$(Q)NM=$(GUEST_NM) scripts/gen-ksyms.sh $< > $@

$(GUEST_OUT)/ksyms-table.o $(GUEST_OUT)/ksyms-empty.o: %.o: %.S
	$(Q)$(GUEST_CC) $(GUEST_ASFLAGS) -c $< -o $@

.SECONDEXPANSION:
$(GUEST_OUT)/stage1.elf: $$(GUEST_OBJS) $(GUEST_OUT)/ksyms-empty.o $(GUEST_ARCH)/kernel.ld
	$(Q)$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS) $(GUEST_OUT)/ksyms-empty.o

$(BUILD)/guest.elf: $$(GUEST_OBJS) $(GUEST_OUT)/ksyms-table.o $(GUEST_OUT)/stage1.elf
	$(Q)$(GUEST_LD) $(GUEST_LDFLAGS) -o $@.tmp $(GUEST_OBJS) $(GUEST_OUT)/ksyms-table.o
	$(Q)NM=$(GUEST_NM) scripts/gen-ksyms.sh --check $(GUEST_OUT)/stage1.elf $@.tmp
	$(Q)mv $@.tmp $@

ALL_TARGETS += $(BUILD)/guest.elf
