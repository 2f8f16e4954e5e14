# Tests: host unit tests (Check) and QEMU scenario tests.

TEST_BIN := $(BUILD)/tests

UNIT_TESTS += $(TEST_BIN)/unit/test_abi_layout
$(TEST_BIN)/unit/test_abi_layout: $(BUILD)/host/tests/unit/test_abi_layout.o
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@
