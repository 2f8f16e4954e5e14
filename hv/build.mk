# hv build fragment (see GNUmakefile).

# ---- hv mm: host unit tests (owner: hv-mm) ---------------------------------
# hv/arch/x86/mm/*.c is compiled for the host with -DHV_HOSTED and linked
# with the simulated machine in tests/unit/mm/ into one Check binary.
MM_HOSTED_SRCS := $(wildcard hv/arch/x86/mm/*.c) $(wildcard tests/unit/mm/*.c)
MM_HOSTED_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(MM_HOSTED_SRCS))
$(MM_HOSTED_OBJS): EXTRA_CFLAGS = -DHV_HOSTED -Itests/unit/mm

UNIT_TESTS += $(BUILD)/tests/unit/test_mm
$(BUILD)/tests/unit/test_mm: $(MM_HOSTED_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@
# ---- end hv mm -------------------------------------------------------------
