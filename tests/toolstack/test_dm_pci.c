/*
 * heron-dm's PCI configuration space (toolstack/dm/pci.c): mechanism #1
 * addressing, ids, BAR sizing (the NIC's BAR 0, the IDE function's
 * bus-master BAR 4), the command register's I/O decode, the read-only
 * fields, and absent functions reading all ones; bus.c's BAR claims
 * against a hv that refuses every port range.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "bus.h"
#include "pci.h"

static struct pci_bus bus;
static struct pci_function *nic;

static void setup(void)
{
    pci_bus_init(&bus);
    pci_add(&bus, 0, 0, 0x8086, 0x1237, 0x06000002, 0);
    nic = pci_add(&bus, 3, 0, 0x10ec, 0x8029, 0x02000000, 11);
    pci_add_io_bar(nic, 0, 0x20, 0xc100);
}

static void select_reg(unsigned int dev, unsigned int fn, unsigned int reg)
{
    pci_conf_write(&bus, PCI_CONF_ADDR_PORT, 4, 0x80000000u | dev << 11 | fn << 8 | reg);
}

static uint32_t rd_fn(unsigned int dev, unsigned int fn, unsigned int reg, unsigned int size)
{
    select_reg(dev, fn, reg & ~3u);
    return pci_conf_read(&bus, (uint16_t)(PCI_CONF_DATA_PORT + (reg & 3)), size);
}

static uint32_t rd(unsigned int dev, unsigned int reg, unsigned int size)
{
    return rd_fn(dev, 0, reg, size);
}

static void wr(unsigned int dev, unsigned int reg, unsigned int size, uint32_t v)
{
    select_reg(dev, 0, reg & ~3u);
    pci_conf_write(&bus, (uint16_t)(PCI_CONF_DATA_PORT + (reg & 3)), size, v);
}

START_TEST(ids_class_and_interrupt)
{
    ck_assert_uint_eq(rd(0, PCI_VENDOR_ID, 4), 0x12378086);
    ck_assert_uint_eq(rd(0, PCI_CLASS_REVISION, 4), 0x06000002);
    ck_assert_uint_eq(rd(3, PCI_VENDOR_ID, 2), 0x10ec);
    ck_assert_uint_eq(rd(3, PCI_DEVICE_ID, 2), 0x8029);
    ck_assert_uint_eq(rd(3, PCI_CLASS_REVISION + 3, 1), 0x02);
    ck_assert_uint_eq(rd(3, PCI_INTERRUPT_LINE, 1), 11);
    ck_assert_uint_eq(rd(3, PCI_INTERRUPT_PIN, 1), 1);
    ck_assert_uint_eq(rd(0, PCI_INTERRUPT_PIN, 1), 0);
    /* CONFIG_ADDRESS reads back as written (low bits clear). */
    select_reg(3, 0, 0x3c);
    ck_assert_uint_eq(pci_conf_read(&bus, PCI_CONF_ADDR_PORT, 4), 0x8000183cu);
}
END_TEST

START_TEST(absent_functions_read_all_ones)
{
    ck_assert_uint_eq(rd(1, PCI_VENDOR_ID, 4), 0xffffffffu);
    ck_assert_uint_eq(rd(31, PCI_VENDOR_ID, 2), 0xffff);
    select_reg(3, 1, 0);                /* function 1 of the NIC */
    ck_assert_uint_eq(pci_conf_read(&bus, PCI_CONF_DATA_PORT, 4), 0xffffffffu);
    pci_conf_write(&bus, PCI_CONF_ADDR_PORT, 4, 0x80010000u | 3 << 11);     /* bus 1 */
    ck_assert_uint_eq(pci_conf_read(&bus, PCI_CONF_DATA_PORT, 4), 0xffffffffu);
    pci_conf_write(&bus, PCI_CONF_ADDR_PORT, 4, 3 << 11);                   /* not enabled */
    ck_assert_uint_eq(pci_conf_read(&bus, PCI_CONF_DATA_PORT + 2, 1), 0xff);
    /* Writes to absent functions change nothing anywhere. */
    pci_conf_write(&bus, PCI_CONF_DATA_PORT, 4, 0);
    ck_assert_uint_eq(rd(3, PCI_VENDOR_ID, 4), 0x802910ecu);
}
END_TEST

START_TEST(bar_sizing_and_programming)
{
    ck_assert_uint_eq(rd(3, PCI_BAR0, 4), 0xc101);
    wr(3, PCI_BAR0, 4, 0xffffffffu);
    ck_assert_uint_eq(rd(3, PCI_BAR0, 4), 0x0000ffe1);    /* 32 bytes of I/O */
    wr(3, PCI_BAR0, 4, 0xd013);                          /* low bits stay fixed */
    ck_assert_uint_eq(rd(3, PCI_BAR0, 4), 0xd001);
    /* The other BARs are absent: zero, and sizing finds nothing. */
    wr(3, PCI_BAR0 + 4, 4, 0xffffffffu);
    ck_assert_uint_eq(rd(3, PCI_BAR0 + 4, 4), 0);
    /* A byte write reaches only its byte. */
    wr(3, PCI_BAR0 + 1, 1, 0xe0);
    ck_assert_uint_eq(rd(3, PCI_BAR0, 4), 0xe001);
}
END_TEST

START_TEST(io_decode_follows_the_command_register)
{
    ck_assert_uint_eq(pci_bar_io(nic, 0), 0);             /* decode off at reset */
    wr(3, PCI_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MASTER);
    ck_assert_uint_eq(rd(3, PCI_COMMAND, 2), PCI_CMD_IO | PCI_CMD_MASTER);
    ck_assert_uint_eq(pci_bar_io(nic, 0), 0xc100);
    wr(3, PCI_BAR0, 4, 0xc200);
    ck_assert_uint_eq(pci_bar_io(nic, 0), 0xc200);
    /* Unknown command bits stay clear; status (its upper half) is read-only. */
    wr(3, PCI_COMMAND, 4, 0xffffffffu);
    ck_assert_uint_eq(rd(3, PCI_COMMAND, 4), PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER |
                      PCI_CMD_INTX_OFF);
    wr(3, PCI_COMMAND, 2, 0);
    ck_assert_uint_eq(pci_bar_io(nic, 0), 0);
    ck_assert_uint_eq(pci_bar_io(nic, 1), 0);             /* no such BAR */
}
END_TEST

START_TEST(read_only_fields_and_interrupt_line)
{
    wr(3, PCI_VENDOR_ID, 4, 0);
    wr(3, PCI_CLASS_REVISION, 4, 0);
    wr(3, PCI_INTERRUPT_PIN, 1, 4);
    ck_assert_uint_eq(rd(3, PCI_VENDOR_ID, 4), 0x802910ecu);
    ck_assert_uint_eq(rd(3, PCI_CLASS_REVISION, 4), 0x02000000);
    ck_assert_uint_eq(rd(3, PCI_INTERRUPT_PIN, 1), 1);
    wr(3, PCI_INTERRUPT_LINE, 1, 10);
    ck_assert_uint_eq(rd(3, PCI_INTERRUPT_LINE, 1), 10);
    /* Beyond the dword: an access crossing the end of the space reads all ones. */
    ck_assert_uint_eq(rd(3, 0xff, 2), 0xffff);
}
END_TEST

/* A device with functions beyond 0 says so in function 0's header type. */
START_TEST(multi_function_devices)
{
    struct pci_function *ide;

    ck_assert_uint_eq(rd(3, PCI_HEADER_TYPE, 1), 0);
    pci_add(&bus, 1, 0, 0x8086, 0x7000, 0x06010000, 0);
    ck_assert_uint_eq(rd(1, PCI_HEADER_TYPE, 1), 0);
    ck_assert_uint_eq(rd_fn(1, 1, PCI_VENDOR_ID, 4), 0xffffffffu);
    ide = pci_add(&bus, 1, 1, 0x8086, 0x7010, 0x01010000, 0);
    ide->cfg[0x41] = 0x80;
    ck_assert_uint_eq(rd(1, PCI_HEADER_TYPE, 1), PCI_HEADER_MULTI);
    ck_assert_uint_eq(rd_fn(1, 1, PCI_VENDOR_ID, 4), 0x70108086u);
    ck_assert_uint_eq(rd_fn(1, 1, PCI_CLASS_REVISION, 4), 0x01010000u);
    ck_assert_uint_eq(rd_fn(1, 1, PCI_HEADER_TYPE, 1), 0);
    ck_assert_uint_eq(rd_fn(1, 0, PCI_VENDOR_ID, 4), 0x70008086u);
    /* Device-specific registers read as the device set them; writes do nothing. */
    ck_assert_uint_eq(rd_fn(1, 1, 0x40, 4), 0x8000);
    select_reg(1, 1, 0x40);
    pci_conf_write(&bus, PCI_CONF_DATA_PORT, 4, 0x12345678u);
    ck_assert_uint_eq(rd_fn(1, 1, 0x40, 4), 0x8000);
    /* The other functions of the slot stay absent. */
    ck_assert_uint_eq(rd_fn(1, 2, PCI_VENDOR_ID, 4), 0xffffffffu);
    ck_assert_uint_eq(rd_fn(1, 7, PCI_VENDOR_ID, 2), 0xffff);
    /* Re-adding function 0 keeps the flag: the slot still has function 1. */
    pci_add(&bus, 1, 0, 0x8086, 0x7000, 0x06010000, 0);
    ck_assert_uint_eq(rd(1, PCI_HEADER_TYPE, 1), PCI_HEADER_MULTI);
}
END_TEST

/* The PIIX3 IDE function as ide.c builds it: legacy channels, BAR 4 only. */
static unsigned int claims;

int dm_hv_claim_ports(struct dm_hv *h, uint16_t first, unsigned int n)
{
    (void)h;
    (void)first;
    (void)n;
    claims++;
    return -EBUSY;
}

int dm_hv_release_ports(struct dm_hv *h, uint16_t first, unsigned int n)
{
    (void)h;
    (void)first;
    (void)n;
    return 0;
}

/* A guest moving its BAR onto refused ports in a loop: every claim is
 * tried and fails, the log says the first few and then that it stops. */
START_TEST(refused_bar_claims_are_logged_a_bounded_number_of_times)
{
    struct bar_claim c = { .fn = nic, .bar = 0, .ports = 0x20, .what = "NIC" };
    FILE *log = tmpfile();
    int saved = dup(STDERR_FILENO);
    unsigned int lines = 0;
    int ch;

    ck_assert_ptr_nonnull(log);
    ck_assert_int_eq(dup2(fileno(log), STDERR_FILENO), STDERR_FILENO);
    wr(3, PCI_COMMAND, 2, PCI_CMD_IO);
    for (unsigned int i = 0; i < 100; i++) {
        wr(3, PCI_BAR0, 4, (0xc200 + i * 0x20) | 1);
        bar_claim_follow(NULL, &c);
        ck_assert_uint_eq(c.base, 0);
    }
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(log);
    while ((ch = fgetc(log)) != EOF)
        lines += ch == '\n';
    ck_assert_uint_eq(claims, 100);
    ck_assert_uint_eq(lines, BAR_REFUSALS_LOGGED + 1);
    fclose(log);
}
END_TEST

START_TEST(ide_bus_master_bar4)
{
    struct pci_function *ide = pci_add(&bus, 1, 1, 0x8086, 0x7010, 0x01018000, 0);

    pci_add_io_bar(ide, 4, 16, 0xc000);
    select_reg(1, 1, 0);
    ck_assert_uint_eq(rd_fn(1, 1, PCI_CLASS_REVISION, 4), 0x01018000u);
    ck_assert_uint_eq(rd_fn(1, 1, PCI_CLASS_REVISION + 1, 1), 0x80);  /* bus master */
    for (unsigned int bar = 0; bar < 4; bar++)
        ck_assert_uint_eq(rd_fn(1, 1, PCI_BAR0 + 4 * bar, 4), 0);
    ck_assert_uint_eq(rd_fn(1, 1, PCI_BAR0 + 16, 4), 0xc001);
    ck_assert_uint_eq(rd_fn(1, 1, PCI_BAR0 + 20, 4), 0);
    select_reg(1, 1, PCI_BAR0 + 16);
    pci_conf_write(&bus, PCI_CONF_DATA_PORT, 4, 0xffffffffu);
    ck_assert_uint_eq(rd_fn(1, 1, PCI_BAR0 + 16, 4), 0xfff1);     /* 16 ports */
    select_reg(1, 1, PCI_BAR0 + 16);
    pci_conf_write(&bus, PCI_CONF_DATA_PORT, 4, 0xd01f);
    ck_assert_uint_eq(rd_fn(1, 1, PCI_BAR0 + 16, 4), 0xd011);
    ck_assert_uint_eq(pci_bar_io(ide, 4), 0);                      /* decode off */
    select_reg(1, 1, PCI_COMMAND);
    pci_conf_write(&bus, PCI_CONF_DATA_PORT, 2, PCI_CMD_IO | PCI_CMD_MASTER);
    ck_assert_uint_eq(pci_bar_io(ide, 4), 0xd010);
    ck_assert_uint_eq(pci_bar_io(ide, 0), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dm_pci");
    TCase *tc = tcase_create("pci");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, ids_class_and_interrupt);
    tcase_add_test(tc, absent_functions_read_all_ones);
    tcase_add_test(tc, bar_sizing_and_programming);
    tcase_add_test(tc, io_decode_follows_the_command_register);
    tcase_add_test(tc, read_only_fields_and_interrupt_line);
    tcase_add_test(tc, multi_function_devices);
    tcase_add_test(tc, ide_bus_master_bar4);
    tcase_add_test(tc, refused_bar_claims_are_logged_a_bounded_number_of_times);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
