# The paravirtual swap device (host/swap/, vmm/pci.c, vmm/virtio_pci.c).
# Its sources reach build/libvmm.a through mk/vmm.mk's wildcards and its
# tests (tests/test_swap_*.c) through mk/tests.mk. Here:
#   make fuzz                     the libFuzzer target (clang) and its seed generator
#   fuzz/run-fuzz.sh SECONDS      a fuzzing run; `make check` does 10 s (test_swap_fuzz)
#   build/bench/bench_swap        backend vs raw io_uring, QD 1 and 32 (make bench)

FUZZ_CC     ?= clang
FUZZ_FOUND  := $(shell command -v $(FUZZ_CC) 2>/dev/null)
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
               -D_GNU_SOURCE -Iinclude -I.
FUZZ_SRCS   := fuzz/fuzz_swap_req.c host/swap/vring.c host/swap/blk_req.c
FUZZ_DEPS   := $(FUZZ_SRCS) fuzz/fuzz_swap.h host/swap/vring.h host/swap/blk_req.h \
               include/gmm/virtio.h vmm/guest_mem.h

$(BUILD)/fuzz/fuzz_swap_req: $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS)

$(BUILD)/fuzz/gen_seeds: fuzz/gen_seeds.c fuzz/fuzz_swap.h include/gmm/virtio.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $<

.PHONY: fuzz
fuzz: $(BUILD)/fuzz/fuzz_swap_req $(BUILD)/fuzz/gen_seeds

# The short fuzz run is a Criterion test; it needs the fuzzer built first
# (and skips itself when clang is missing).
ifneq ($(FUZZ_FOUND),)
$(BUILD)/tests/test_swap_fuzz: $(BUILD)/fuzz/fuzz_swap_req $(BUILD)/fuzz/gen_seeds
endif

$(BUILD)/bench/bench_swap: bench/bench_swap.c bench/platform.h tests/test_swap_driver.h \
			   $(BUILD)/libvmm.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -Itests -o $@ $< $(BUILD)/libvmm.a $(HOST_LDLIBS)

BENCH_TARGETS += $(BUILD)/bench/bench_swap
