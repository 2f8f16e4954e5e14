# Tests: host unit tests (Check) and QEMU scenario tests.

TEST_BIN := $(BUILD)/tests

UNIT_TESTS += $(TEST_BIN)/unit/test_abi_layout
$(TEST_BIN)/unit/test_abi_layout: $(BUILD)/host/tests/unit/test_abi_layout.o
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(HOSTCC) $^ $(CHECK_LIBS) -o $@

# PV test guests: small Xen-ABI kernels under tests/guests, one per .c file.
# hv's freestanding string and formatting code serves the guests too.
GUEST_LIB_SRCS := $(wildcard tests/guests/lib/*.c tests/guests/lib/*.S) \
                  hv/common/lib.c hv/common/vsnprintf.c
GUEST_LIB_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(basename $(GUEST_LIB_SRCS)))
TEST_GUESTS    := $(patsubst tests/guests/%.c,$(TEST_BIN)/guests/%.elf,\
                    $(wildcard tests/guests/*.c))
ALL_TARGETS    += $(TEST_GUESTS)

TEST_GUEST_CFLAGS   := -mcmodel=kernel -fno-pie -fno-pic
$(BUILD)/kernel/tests/guests/%.o: EXTRA_CFLAGS = $(TEST_GUEST_CFLAGS)

$(TEST_BIN)/guests/%.elf: $(BUILD)/kernel/tests/guests/%.o $(GUEST_LIB_OBJS) \
                          tests/guests/lib/guest.lds
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(KERNEL_LDFLAGS) -T tests/guests/lib/guest.lds -o $@ \
	    $(filter %.o,$^)

# Reference run on real Xen: every guest marked "xen-ref:" boots as dom0 of
# Xen 4.17 under QEMU (tests/xen-ref/run).  Not part of `make test`.
.PHONY: test-xen
test-xen: $(TEST_GUESTS)
	@tests/xen-ref/run $(BUILD)/xen-ref $(TEST_BIN)/guests
