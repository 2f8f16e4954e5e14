# xenstore-like build fragment (see GNUmakefile): the heron-xenstored
# daemon, the client library (libheronxs) and the heron-xs tool, static
# musl builds of the daemon, library and tool, and their tests.

XS_SRC := xenstore-like
XS_OBJ := $(BUILD)/host/$(XS_SRC)

# The store and request core, independent of transports' OS plumbing.
XSD_CORE := node store path perms quota xsd conn dispatch ops_node \
            ops_domain ops_control watch txn check domain \
            transport_ring transport_socket loop
XSD_CORE_OBJS := $(XSD_CORE:%=$(XS_OBJ)/%.o)

XSD_BIN   := $(BUILD)/bin/heron-xenstored
XS_LIB    := $(BUILD)/lib/libheronxs.a
HERON_XS  := $(BUILD)/bin/heron-xs

ALL_TARGETS += $(XSD_BIN) $(XS_LIB) $(HERON_XS)

$(XSD_BIN): $(XSD_CORE_OBJS) $(XS_OBJ)/xen_dev.o $(XS_OBJ)/main.o
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_LDFLAGS) $^ -o $@

$(XS_LIB): $(XS_OBJ)/lib/xs.o
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(HERON_XS): $(XS_OBJ)/tools/heron-xs.o $(XS_LIB)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_LDFLAGS) $^ -o $@

$(XS_OBJ)/%.o $(XS_OBJ)/lib/%.o $(XS_OBJ)/tools/%.o: EXTRA_CFLAGS = -I$(XS_SRC) -I$(XS_SRC)/lib

# The library and tool again, static against musl, as dom0 on pvops-guest
# will run them.  Plain POSIX only: this build is the check.
MUSL_CC      := musl-gcc
XS_MUSL      := $(BUILD)/musl
XS_MUSL_FLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -Ihv/include -I$(XS_SRC)/lib
XS_MUSL_LIB  := $(XS_MUSL)/lib/libheronxs.a
XS_MUSL_TOOL := $(XS_MUSL)/bin/heron-xs

ALL_TARGETS += $(XS_MUSL_LIB) $(XS_MUSL_TOOL)
.PHONY: xenstore-musl
xenstore-musl: $(XS_MUSL_LIB) $(XS_MUSL_TOOL)

$(XS_MUSL)/obj/%.o: $(XS_SRC)/%.c $(XS_SRC)/lib/xs.h hv/include/public/io/xs_wire.h
	@mkdir -p $(@D)
	$(MUSL_CC) $(XS_MUSL_FLAGS) -c $< -o $@

$(XS_MUSL_LIB): $(XS_MUSL)/obj/lib/xs.o
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(XS_MUSL_TOOL): $(XS_MUSL)/obj/tools/heron-xs.o $(XS_MUSL_LIB)
	@mkdir -p $(@D)
	$(MUSL_CC) -static $^ -o $@

# The daemon too, for dom0 on pvops-guest (tests/guest puts both in its
# initrd).  xen_dev.c needs Linux's <xen/*.h> ioctls, which musl's include
# path lacks: a directory of links to the UAPI headers provides them.
XS_MUSL_XSD   := $(XS_MUSL)/bin/heron-xenstored
XS_MUSL_UAPI  := $(XS_MUSL)/uapi
XS_MUSL_XSD_OBJS := $(patsubst %,$(XS_MUSL)/xsd/%.o,$(XSD_CORE) xen_dev main)

ALL_TARGETS += $(XS_MUSL_XSD)
xenstore-musl: $(XS_MUSL_XSD)

$(XS_MUSL_UAPI)/xen:
	@mkdir -p $(@D)
	ln -sfn /usr/include/linux $(@D)/linux
	ln -sfn /usr/include/asm-generic $(@D)/asm-generic
	ln -sfn /usr/include/$(shell $(CC) -dumpmachine)/asm $(@D)/asm
	ln -sfn /usr/include/xen $@

$(XS_MUSL)/xsd/%.o: $(XS_SRC)/%.c | $(XS_MUSL_UAPI)/xen
	@mkdir -p $(@D)
	$(MUSL_CC) $(XS_MUSL_FLAGS) -D_GNU_SOURCE -I$(XS_SRC) -isystem $(XS_MUSL_UAPI) \
		-MMD -MP -c $< -o $@

$(XS_MUSL_XSD): $(XS_MUSL_XSD_OBJS)
	@mkdir -p $(@D)
	$(MUSL_CC) -static $^ -o $@

# ---- tests ----
XS_TEST_SRC := tests/unit/xenstore
XS_TEST_BIN := $(BUILD)/tests/unit/xenstore
XS_HARNESS  := $(BUILD)/host/$(XS_TEST_SRC)/xs_harness.o

$(BUILD)/host/$(XS_TEST_SRC)/%.o: EXTRA_CFLAGS = -I$(XS_SRC) -I$(XS_TEST_SRC)

XS_UNIT := test_xs_proto test_xs_store test_xs_ring
UNIT_TESTS += $(XS_UNIT:%=$(XS_TEST_BIN)/%)

$(XS_TEST_BIN)/%: $(BUILD)/host/$(XS_TEST_SRC)/%.o $(XS_HARNESS) $(XSD_CORE_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -o $@

# The soak test runs the core built with ASan and UBSan (gcc).
XS_SAN       := $(BUILD)/xs-san
XS_SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
XS_SAN_OBJS  := $(XSD_CORE:%=$(XS_SAN)/$(XS_SRC)/%.o) \
                $(XS_SAN)/$(XS_TEST_SRC)/xs_harness.o \
                $(XS_SAN)/$(XS_TEST_SRC)/xs_chaos.o

$(XS_SAN)/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) $(XS_SAN_FLAGS) -I$(XS_SRC) -I$(XS_TEST_SRC) \
		-MMD -MP -c $< -o $@

UNIT_TESTS += $(XS_TEST_BIN)/test_xs_random
$(XS_TEST_BIN)/test_xs_random: $(XS_SAN)/$(XS_TEST_SRC)/test_xs_random.o $(XS_SAN_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) $(XS_SAN_FLAGS) $^ $(CHECK_LIBS) -o $@

# libFuzzer target (clang): `make fuzz-xenstore`, run it with
# `build/fuzz/fuzz_xs_dispatch -max_total_time=60`.
XS_FUZZ := $(BUILD)/fuzz/fuzz_xs_dispatch
XS_FUZZ_SRCS := $(XSD_CORE:%=$(XS_SRC)/%.c) $(XS_TEST_SRC)/xs_harness.c \
                $(XS_TEST_SRC)/xs_chaos.c $(XS_TEST_SRC)/fuzz_xs_dispatch.c
ALL_TARGETS += $(XS_FUZZ)
.PHONY: fuzz-xenstore
fuzz-xenstore: $(XS_FUZZ)
$(XS_FUZZ): $(XS_FUZZ_SRCS) $(wildcard $(XS_SRC)/*.h $(XS_TEST_SRC)/*.h) hv/include/public/io/xs_wire.h
	@mkdir -p $(@D)
	clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Ihv/include \
		-I$(XS_SRC) -I$(XS_TEST_SRC) -fsanitize=fuzzer,address,undefined \
		$(XS_FUZZ_SRCS) -o $@

# Integration: the real daemon on a temporary socket, heron-xs,
# libheronxs and Debian's xenstore-utils (libxenstore) against it.
XS_INTEG := $(XS_TEST_BIN)/test_xs_integration
UNIT_TESTS += $(XS_INTEG)
$(BUILD)/host/tests/xenstore/%.o: EXTRA_CFLAGS = -I$(XS_SRC)/lib \
	-DXSD_BIN='"$(XSD_BIN)"' -DHERON_XS_BIN='"$(HERON_XS)"'
$(XS_INTEG): $(BUILD)/host/tests/xenstore/test_xs_integration.o $(XS_LIB) \
             | $(XSD_BIN) $(HERON_XS)
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o %.a,$^) $(CHECK_LIBS) -o $@
