# bench build fragment (see GNUmakefile).

# ---- xenstore (owned by xenstore-like; see docs/xenstore.md) ----
XS_BENCH := $(BUILD)/bench/xs_bench
.PHONY: bench-xenstore
bench: bench-xenstore
bench-xenstore: $(XS_BENCH) $(XSD_BIN)
	bench/xenstore/run.sh $(BUILD) 2
$(XS_BENCH): bench/xenstore/xs_bench.c $(XS_LIB)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(XS_SRC)/lib $< $(XS_LIB) -o $@
# ---- end xenstore ----
