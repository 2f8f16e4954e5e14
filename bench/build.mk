# bench build fragment (see GNUmakefile).

# ---- workloads (docs/benchmarks.md): programs, initrd, report, runner ----
BENCH_OUT     := $(BUILD)/bench
BENCH_PROGS   := syscall pagefault fork ctxsw mmap cpu mixed cpuid timer
BENCH_LIB     := bench/progs/bench.c bench/progs/util.c
BENCH_CFLAGS  := -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE
# One block I/O program (blkio.c) under a name per pattern; domlife runs in
# the PV domU configuration's dom0.  Guests only: the host row has neither.
BENCH_BLK     := $(foreach a,seq rand,$(foreach o,read write,$(foreach s,4k 64k,blk_$(a)_$(o)_$(s))))
# One network program (net.c) as the two figures' clients and the server
# the peer domain runs; the host row runs the clients over loopback.
BENCH_NET     := net_rtt net_stream net_serve
BENCH_GUEST   := $(addprefix $(BENCH_OUT)/guest/,$(BENCH_PROGS) blkio domlife net)
BENCH_HOST    := $(addprefix $(BENCH_OUT)/host/,$(BENCH_PROGS) net_rtt net_stream) \
                 $(BENCH_OUT)/host/fileset.cpio
BENCH_INITRD  := $(BENCH_OUT)/initrd.cpio.gz
BENCH_TOOLS   := $(BENCH_OUT)/bench-report $(BENCH_OUT)/bench-check
BENCH_OBJ     = $(patsubst %,$(BUILD)/host/bench/%.o,$(1))
BENCH_REPORT_OBJS := $(call BENCH_OBJ,report/record report/model report/stats \
                     report/format report/json_out report/md_out report/plot_out)
BENCH_CHECK_OBJS  := $(call BENCH_OBJ,report/checker report/json report/stats report/format)
MUSLCC        ?= musl-gcc

# Benchmarks that are PV kernels of their own (bench/kernels/), on the
# test guests' runtime (tests/guests/lib, tests/build.mk).
BENCH_KERNELS := $(patsubst bench/kernels/%.c,$(BENCH_OUT)/kernels/%.elf,\
                   $(wildcard bench/kernels/*.c))

BENCH_DOM0_ROOT := $(BENCH_OUT)/dom0-root
ALL_TARGETS += $(BENCH_GUEST) $(BENCH_HOST) $(BENCH_INITRD) $(BENCH_TOOLS) $(BENCH_KERNELS) \
               $(BENCH_DOM0_ROOT)/.stamp

$(BUILD)/kernel/bench/kernels/%.o: EXTRA_CFLAGS = $(TEST_GUEST_CFLAGS) -Itests/guests
$(BENCH_OUT)/kernels/%.elf: $(BUILD)/kernel/bench/kernels/%.o $(GUEST_LIB_OBJS) \
		tests/guests/lib/guest.lds
	@mkdir -p $(@D)
	$(LD) $(KERNEL_LDFLAGS) -T tests/guests/lib/guest.lds -o $@ $(filter %.o,$^)

# The same sources twice: static musl for guests, static glibc for the host row.
$(BENCH_OUT)/guest/%: bench/progs/%.c $(BENCH_LIB) bench/progs/bench.h
	@mkdir -p $(@D)
	$(MUSLCC) -static $(BENCH_CFLAGS) $< $(BENCH_LIB) -o $@
$(BENCH_OUT)/host/%: bench/progs/%.c $(BENCH_LIB) bench/progs/bench.h
	@mkdir -p $(@D)
	$(HOSTCC) -static $(BENCH_CFLAGS) $< $(BENCH_LIB) -o $@

$(BENCH_OUT)/host/net_rtt $(BENCH_OUT)/host/net_stream: $(BENCH_OUT)/host/net
	cp $< $@

# blkio's BLKGETSIZE64 comes from Linux's uapi <linux/fs.h>, which musl-gcc
# does not search: the toolstack's directory of links to it.
$(BENCH_OUT)/guest/blkio: BENCH_CFLAGS += -isystem $(TS_UAPI)
$(BENCH_OUT)/guest/blkio: | $(TS_UAPI)/xen/interface/xen.h

# The mixed job's input, byte-identical on every build.
$(BENCH_OUT)/mkfileset: bench/tools/mkfileset.c bench/progs/util.c bench/progs/bench.h
	@mkdir -p $(@D)
	$(HOSTCC) $(BENCH_CFLAGS) $< bench/progs/util.c -o $@
$(BENCH_OUT)/host/fileset.cpio: $(BENCH_OUT)/mkfileset
	@mkdir -p $(@D)
	$(BENCH_OUT)/mkfileset > $@.tmp
	mv $@.tmp $@

# The benchmark initrd: busybox sh for /init, the programs and their data.
$(BENCH_INITRD): $(BENCH_GUEST) $(BENCH_OUT)/host/fileset.cpio bench/guest/init.sh \
		pvops-guest/mkinitrd
	rm -rf $(BENCH_OUT)/root
	mkdir -p $(BENCH_OUT)/root/bench
	cp $(addprefix $(BENCH_OUT)/guest/,$(BENCH_PROGS)) $(BENCH_OUT)/host/fileset.cpio \
		$(BENCH_OUT)/root/bench/
	for p in $(BENCH_BLK); do cp $(BENCH_OUT)/guest/blkio $(BENCH_OUT)/root/bench/$$p; done
	for p in $(BENCH_NET); do cp $(BENCH_OUT)/guest/net $(BENCH_OUT)/root/bench/$$p; done
	install -m 755 bench/guest/init.sh $(BENCH_OUT)/root/init
	pvops-guest/mkinitrd $(BENCH_OUT)/root $@

# The Linux PV domU's benchmark initrd: the same root plus Debian's
# xen-blkfront and xen-netfront modules (its disk and network drivers are
# modules; taken from the fetched .deb as tests/linux-pv/build.mk does),
# which /init loads before the jobs (xen-netfront for an "ifup" job).
# 57-linux-pv.sh puts it and the kernel in dom0's root per boot.
BENCH_LPV_INITRD := $(BENCH_OUT)/linux-pv-initrd.cpio.gz
ALL_TARGETS += $(BENCH_LPV_INITRD)
$(BENCH_LPV_INITRD): $(BENCH_INITRD) $(LINUX_REF)/fetched
	rm -rf $(BENCH_OUT)/linux-pv-root
	cp -a $(BENCH_OUT)/root $(BENCH_OUT)/linux-pv-root
	mkdir -p $(BENCH_OUT)/linux-pv-root/lib/modules
	if deb=$$(ls $(LINUX_REF)/linux-image-*.deb 2>/dev/null | tail -1) && [ -n "$$deb" ]; then \
		dpkg-deb --fsys-tarfile $$deb | tar -x -O --wildcards \
			'./lib/modules/*/kernel/drivers/block/xen-blkfront.ko' \
			> $(BENCH_OUT)/linux-pv-root/lib/modules/xen-blkfront.ko && \
		dpkg-deb --fsys-tarfile $$deb | tar -x -O --wildcards \
			'./lib/modules/*/kernel/drivers/net/xen-netfront.ko' \
			> $(BENCH_OUT)/linux-pv-root/lib/modules/xen-netfront.ko; fi
	pvops-guest/mkinitrd $(BENCH_OUT)/linux-pv-root $@

# Linux's initrd for emulated devices: the same root plus, from the same
# package, the modules test_hvm_domains' Linux loads (TS_LINUX_MODULES,
# toolstack/build.mk): ne2k-pci and 8390 for heron-dm's NE2000, ata_piix,
# sd_mod and what they need for a PIIX3 IDE disk (QEMU's for the
# linux-native row, heron-dm's for linux-hvm-dm).  /init loads them for
# an "ifup" job or a disk job.
BENCH_LINUX_INITRD := $(BENCH_OUT)/linux-initrd.cpio.gz
ALL_TARGETS += $(BENCH_LINUX_INITRD)
$(BENCH_LINUX_INITRD): $(BENCH_INITRD) $(LINUX_REF)/fetched
	rm -rf $(BENCH_OUT)/linux-root
	cp -a $(BENCH_OUT)/root $(BENCH_OUT)/linux-root
	mkdir -p $(BENCH_OUT)/linux-root/lib/modules
	if deb=$$(ls $(LINUX_REF)/linux-image-*.deb 2>/dev/null | tail -1) && [ -n "$$deb" ]; then \
		dpkg-deb --fsys-tarfile $$deb | tar -x -C $(BENCH_OUT)/linux-root/lib/modules \
			--wildcards --transform='s|.*/||' \
			$(TS_LINUX_MODULES:%="./lib/modules/*/kernel/%.ko") || exit 1; \
		[ $$(ls $(BENCH_OUT)/linux-root/lib/modules | wc -l) = $(words $(TS_LINUX_MODULES)) ] || exit 1; \
	fi
	pvops-guest/mkinitrd $(BENCH_OUT)/linux-root $@

# The PV domU configuration's dom0 root: the toolstack's (heron,
# heron-xenstored, heron-consoled, heron-blkback, its /init), plus domlife
# and the benchmark initrd for the measured domU.  35-pv-domu.sh adds the
# run script (/etc/heron/run.sh) per boot.
$(BENCH_DOM0_ROOT)/.stamp: $(DOM0_INITRD) $(BENCH_INITRD) $(BENCH_OUT)/guest/domlife
	rm -rf $(BENCH_DOM0_ROOT)
	cp -a $(BUILD)/dom0/root $(BENCH_DOM0_ROOT)
	install -m 755 $(BENCH_OUT)/guest/domlife $(BENCH_DOM0_ROOT)/bin/
	cp $(BENCH_INITRD) $(BENCH_DOM0_ROOT)/boot/bench-initrd.cpio.gz
	touch $@

$(BENCH_OUT)/bench-report: $(call BENCH_OBJ,report/bench_report) $(BENCH_REPORT_OBJS)
	$(HOSTCC) $^ -lm -o $@
$(BENCH_OUT)/bench-check: $(call BENCH_OBJ,report/bench_check) $(BENCH_CHECK_OBJS)
	$(HOSTCC) $^ -lm -o $@

# make bench [QUICK=1] [RUNS=N] [CONFIGS=a,b]: every available configuration,
# then the xenstore benchmark even when a figure failed (bench/run exits 1
# then); make bench fails if either did.
.PHONY: bench-workloads
bench:
	@status=0; \
	$(MAKE) --no-print-directory bench-workloads || status=1; \
	$(MAKE) --no-print-directory bench-xenstore || status=1; \
	exit $$status
bench-workloads: $(ALL_TARGETS) $(XEN_REF_BIN)
	bench/run -b $(BUILD)$(if $(filter 1,$(QUICK)), -q)$(if $(RUNS), -r $(RUNS))$(if $(CONFIGS), -c $(CONFIGS))

# Tests: the report and checker on canned input (unit), and the quick
# pipeline on the host, native, PV dom0 and Linux HVM configurations
# (scenario, about a minute).
BENCH_TEST := $(BUILD)/tests/bench
UNIT_TESTS     += $(BENCH_TEST)/test_report
SCENARIO_TESTS += $(BENCH_TEST)/test_run_host
$(BUILD)/host/tests/bench/%.o: EXTRA_CFLAGS = -Ibench/report -DBENCH_BUILD='"$(BUILD)"'

$(BENCH_TEST)/test_report: $(BUILD)/host/tests/bench/test_report.o $(BENCH_REPORT_OBJS) \
		$(call BENCH_OBJ,report/checker report/json)
	@mkdir -p $(@D)
	$(HOSTCC) $^ $(CHECK_LIBS) -lm -o $@
$(BENCH_TEST)/test_run_host: $(BUILD)/host/tests/bench/test_run_host.o $(BENCH_CHECK_OBJS) \
		$(BENCH_HOST) $(BENCH_TOOLS) $(BENCH_INITRD) $(GUEST_ELF) $(BENCH_KERNELS) \
		$(HV_ELF) $(PV_GUEST_ELFS) $(LINUX_REF)/fetched
	@mkdir -p $(@D)
	$(HOSTCC) $(filter %.o,$^) $(CHECK_LIBS) -lm -o $@

# ---- xenstore (owned by xenstore-like; see docs/xenstore.md) ----
XS_BENCH := $(BUILD)/bench/xs_bench
.PHONY: bench-xenstore
# (make bench runs it after the workloads, above)
bench-xenstore: $(XS_BENCH) $(XSD_BIN)
	bench/xenstore/run.sh $(BUILD) 2
$(XS_BENCH): bench/xenstore/xs_bench.c $(XS_LIB)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -I$(XS_SRC)/lib $< $(XS_LIB) -o $@
# ---- end xenstore ----
