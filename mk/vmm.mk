# The VMM: build/vmm, and build/libvmm.a (everything but main) for tests.
VMM_SRCS := $(filter-out vmm/main.c,$(wildcard vmm/*.c)) $(wildcard host/swap/*.c)
VMM_OBJS := $(VMM_SRCS:%.c=$(BUILD)/host/%.o)

$(BUILD)/libvmm.a: $(VMM_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/vmm: $(BUILD)/host/vmm/main.o $(BUILD)/libvmm.a
	$(Q)$(CC) -o $@ $^ $(HOST_LDLIBS)

ALL_TARGETS += $(BUILD)/vmm $(BUILD)/libvmm.a
