# Criterion tests: every tests/test_*.c is one binary, linked with the VMM
# library and the host build of guest/mm (mk/mm.mk provides MM_HOST_LIB).
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS += $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TEST_COMMON := $(wildcard tests/lib/*.c)

$(BUILD)/tests/test_%: tests/test_%.c $(TEST_COMMON) $(BUILD)/libvmm.a $(MM_HOST_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) $(MM_HOST_CFLAGS) -Itests -o $@ $< $(TEST_COMMON) \
		$(BUILD)/libvmm.a $(MM_HOST_LIB) -lcriterion $(HOST_LDLIBS)
