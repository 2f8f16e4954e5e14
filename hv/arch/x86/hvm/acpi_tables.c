/*
 * Minimal ACPI tables for HVM guests, where a PC's firmware leaves them:
 * the RSDP at a 16-byte boundary in 0xe0000-0xfffff (a guest scans that
 * area), then RSDT and XSDT listing the FADT and the MADT; the FADT names
 * the FACS, the DSDT and the PM block hv emulates (acpi_pm.c).  The DSDT
 * holds \_S5, which tells an OS how to power off (SLP_TYP 0 with SLP_EN
 * in PM1a_CNT), and the PCI root bridge of bus 0 that a device model
 * (toolstack/dm) may serve on ports 0xcf8-0xcff, with its windows and
 * the interrupt routing of its slots: enough for an OS to find the
 * interrupt controllers, the PM timer, the off switch and PCI bus 0.
 */
#include <hv/hvm_build.h>
#include <hv/hvm_devices.h>
#include <hv/lib.h>

#define OEM_ID          "HERON "
#define OEM_TABLE_ID    "HERONHVM"
#define CREATOR_ID      "HRON"

struct __packed acpi_rsdp {
    char signature[8];
    u8 checksum;
    char oem_id[6];
    u8 revision;
    u32 rsdt_address;
    u32 length;
    u64 xsdt_address;
    u8 extended_checksum;
    u8 reserved[3];
};

struct __packed acpi_header {
    char signature[4];
    u32 length;
    u8 revision;
    u8 checksum;
    char oem_id[6];
    char oem_table_id[8];
    u32 oem_revision;
    char creator_id[4];
    u32 creator_revision;
};

/* Generic address structure. */
struct __packed acpi_gas {
    u8 space_id;            /* 1: system I/O */
    u8 bit_width, bit_offset, access_size;
    u64 address;
};

struct __packed acpi_fadt {
    struct acpi_header h;
    u32 firmware_ctrl, dsdt;
    u8 reserved0, preferred_pm_profile;
    u16 sci_int;
    u32 smi_cmd;
    u8 acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
    u32 pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
    u32 pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
    u8 pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
    u8 gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
    u16 p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
    u8 duty_offset, duty_width, day_alrm, mon_alrm, century;
    u16 iapc_boot_arch;
    u8 reserved1;
    u32 flags;
    struct acpi_gas reset_reg;
    u8 reset_value;
    u8 reserved2[3];
    u64 x_firmware_ctrl, x_dsdt;
    struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
    struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
};

struct __packed acpi_facs {
    char signature[4];
    u32 length;
    u32 hardware_signature;
    u32 firmware_waking_vector;
    u32 global_lock;
    u32 flags;
    u64 x_firmware_waking_vector;
    u8 version;
    u8 reserved[31];
};

struct __packed madt_lapic {
    u8 type, length, processor_id, apic_id;
    u32 flags;
};

struct __packed madt_ioapic {
    u8 type, length, ioapic_id, reserved;
    u32 address, gsi_base;
};

struct __packed madt_override {
    u8 type, length, bus, source;
    u32 gsi;
    u16 flags;
};

struct __packed madt_lapic_nmi {
    u8 type, length, processor_id;
    u16 flags;
    u8 lint;
};

struct __packed acpi_madt {
    struct acpi_header h;
    u32 lapic_address;
    u32 flags;
    struct madt_lapic lapic;
    struct madt_ioapic ioapic;
    struct madt_override irq0, sci;
    struct madt_lapic_nmi nmi;
};

BUILD_BUG_ON(sizeof(struct acpi_rsdp) != 36);
BUILD_BUG_ON(sizeof(struct acpi_header) != 36);
BUILD_BUG_ON(sizeof(struct acpi_fadt) != 244);
BUILD_BUG_ON(sizeof(struct acpi_facs) != 64);

#define FADT_WBINVD          (1u << 0)
#define FADT_C1_SUPPORTED    (1u << 2)
#define FADT_POWER_BUTTON    (1u << 4)     /* no fixed power button */
#define FADT_SLEEP_BUTTON    (1u << 5)     /* no fixed sleep button */
#define BOOT_ARCH_LEGACY     (1u << 0)     /* ISA devices (COM1, RTC, ...) */
#define MADT_PCAT_COMPAT     (1u << 0)     /* 8259 pair present */
#define MPS_ACTIVE_HIGH      1
#define MPS_LEVEL            (3 << 2)

/*
 * The DSDT's AML, encoded by hand (ACPI 6.x, section 20; `iasl -d` reads
 * it back as below).  A package length counts its own bytes; two-byte
 * ones are 0x40 | low nibble, then the length >> 4.
 *
 *   Name (\_S5, Package (4) { 0, 0, 0, 0 })
 *   Scope (\_SB) {
 *     Device (PCI0) {
 *       Name (_HID, EisaId ("PNP0A03"))
 *       Name (_UID, 0)
 *       Name (_BBN, 0)
 *       Name (_CRS, ResourceTemplate () {
 *         WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
 *                        0, 0, 0, 0, 1)                  bus 0 only
 *         IO (Decode16, 0xcf8, 0xcf8, 1, 8)              the config ports
 *         WordIO (..., EntireRange, 0, 0, 0xcf7, 0, 0xcf8)
 *         WordIO (..., EntireRange, 0, 0xd00, 0xffff, 0, 0xf300)
 *         DWordMemory (..., NonCacheable, ReadWrite,
 *                      0, 0xc0000000, 0xfebfffff, 0, 0x3ec00000)
 *       })                                 MMIO: above RAM, below the IOAPIC
 *       Name (_PRT, Package (1) {
 *         Package (4) { 0x3ffff, 0, 0, 11 }  slot 3 INTA# -> GSI 11
 *       })
 *     }
 *   }
 *
 * Slot 3's INTA# is the NE2000 of heron-dm (toolstack/dm/nic.h, NIC_IRQ);
 * a _PRT entry with source 0 names a GSI, which an OS drives level-
 * triggered (hv's IOAPIC takes the line's level whatever the polarity).
 * The PIIX3's IDE function is in legacy mode: IRQs 14 and 15, no _PRT.
 */
#define AML_PKG2(n)     (0x40 | ((n) & 0x0f)), ((n) >> 4)
#define PRT_GSI_NIC     11

static const u8 dsdt_aml[] = {
    0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04,
    ACPI_S5_SLP_TYP, ACPI_S5_SLP_TYP, 0x00, 0x00,
    0x10, AML_PKG2(151), '\\', '_', 'S', 'B', '_',            /* Scope (\_SB) */
    0x5b, 0x82, AML_PKG2(142), 'P', 'C', 'I', '0',             /* Device (PCI0) */
    0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03,    /* EisaId PNP0A03 */
    0x08, '_', 'U', 'I', 'D', 0x00,
    0x08, '_', 'B', 'B', 'N', 0x00,
    0x08, '_', 'C', 'R', 'S', 0x11, AML_PKG2(88), 0x0a, 84,    /* Buffer (84) */
    /* Word address space, bus numbers: flags producer/fixed, 0..0, length 1 */
    0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
    /* I/O port: 16-bit decode, 0xcf8, alignment 1, 8 ports */
    0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08,
    /* Word address space, I/O 0-0xcf7, then 0xd00-0xffff */
    0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03,
    0x00, 0x00, 0x00, 0x00, 0xf7, 0x0c, 0x00, 0x00, 0xf8, 0x0c,
    0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03,
    0x00, 0x00, 0x00, 0x0d, 0xff, 0xff, 0x00, 0x00, 0x00, 0xf3,
    /* DWord address space, memory 0xc0000000-0xfebfffff */
    0x87, 0x17, 0x00, 0x00, 0x0c, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xff, 0xff, 0xbf, 0xfe,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x3e,
    0x79, 0x00,                                                /* end tag */
    0x08, '_', 'P', 'R', 'T', 0x12, 0x0e, 0x01,                /* Package (1) */
    0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff, 0x03, 0x00, 0x00, 0x00, 0x0a, PRT_GSI_NIC,
};

static u8 checksum(const void *p, size_t len)
{
    const u8 *b = p;
    u8 sum = 0;

    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return (u8)-sum;
}

static void header(struct acpi_header *h, const char *sig, u32 len, u8 rev)
{
    memcpy(h->signature, sig, 4);
    h->length = len;
    h->revision = rev;
    memcpy(h->oem_id, OEM_ID, 6);
    memcpy(h->oem_table_id, OEM_TABLE_ID, 8);
    h->oem_revision = 1;
    memcpy(h->creator_id, CREATOR_ID, 4);
    h->creator_revision = 1;
}

static struct acpi_gas io_gas(unsigned int bits, unsigned int access, u64 port)
{
    return (struct acpi_gas){ .space_id = 1, .bit_width = bits,
                              .access_size = access, .address = port };
}

static void build_fadt(struct acpi_fadt *f, u32 facs, u32 dsdt)
{
    header(&f->h, "FACP", sizeof(*f), 4);
    f->firmware_ctrl = facs;
    f->dsdt = dsdt;
    f->sci_int = ACPI_SCI_IRQ;
    f->pm1a_evt_blk = ACPI_PM1A_EVT_BLK;
    f->pm1a_cnt_blk = ACPI_PM1A_CNT_BLK;
    f->pm_tmr_blk = ACPI_PM_TMR_BLK;
    f->pm1_evt_len = 4;
    f->pm1_cnt_len = 2;
    f->pm_tmr_len = 4;
    f->p_lvl2_lat = 101;            /* > 100: no C2 */
    f->p_lvl3_lat = 1001;           /* > 1000: no C3 */
    f->century = 0x32;
    f->iapc_boot_arch = BOOT_ARCH_LEGACY;
    f->flags = FADT_WBINVD | FADT_C1_SUPPORTED | FADT_POWER_BUTTON |
               FADT_SLEEP_BUTTON;
    f->x_firmware_ctrl = facs;
    f->x_dsdt = dsdt;
    f->x_pm1a_evt_blk = io_gas(32, 2, ACPI_PM1A_EVT_BLK);
    f->x_pm1a_cnt_blk = io_gas(16, 2, ACPI_PM1A_CNT_BLK);
    f->x_pm_tmr_blk = io_gas(32, 3, ACPI_PM_TMR_BLK);
    f->h.checksum = checksum(f, sizeof(*f));
}

static void build_madt(struct acpi_madt *m)
{
    header(&m->h, "APIC", sizeof(*m), 1);
    m->lapic_address = VLAPIC_DEFAULT_BASE;
    m->flags = MADT_PCAT_COMPAT;
    m->lapic = (struct madt_lapic){ 0, sizeof(m->lapic), 0, 0, 1 };
    m->ioapic = (struct madt_ioapic){ 1, sizeof(m->ioapic), 1, 0,
                                      VIOAPIC_BASE, 0 };
    m->irq0 = (struct madt_override){ 2, sizeof(m->irq0), 0, 0, 2, 0 };
    m->sci = (struct madt_override){ 2, sizeof(m->sci), 0, ACPI_SCI_IRQ,
                                     ACPI_SCI_IRQ, MPS_ACTIVE_HIGH | MPS_LEVEL };
    m->nmi = (struct madt_lapic_nmi){ 4, sizeof(m->nmi), 0xff, 0, 1 };
    m->h.checksum = checksum(m, sizeof(*m));
}

/* Offsets in the block: RSDP, FACS (64-byte aligned), the rest. */
#define OFF_RSDP    0x000
#define OFF_FACS    0x040
#define OFF_FADT    0x100
#define OFF_MADT    0x200
#define OFF_RSDT    0x280
#define OFF_XSDT    0x2c0
#define OFF_DSDT    0x300
#define ACPI_BLOCK  0x400

size_t hvm_build_acpi_tables(u64 base, void *buf, size_t len)
{
    u8 *b = buf;
    struct acpi_rsdp *rsdp = (void *)(b + OFF_RSDP);
    struct acpi_facs *facs = (void *)(b + OFF_FACS);
    struct acpi_header *dsdt = (void *)(b + OFF_DSDT);
    struct acpi_header *rsdt = (void *)(b + OFF_RSDT);
    struct acpi_header *xsdt = (void *)(b + OFF_XSDT);
    u32 rsdt_entries[2] = { base + OFF_FADT, base + OFF_MADT };
    u64 xsdt_entries[2] = { base + OFF_FADT, base + OFF_MADT };

    BUILD_BUG_ON(OFF_FADT + sizeof(struct acpi_fadt) > OFF_MADT);
    BUILD_BUG_ON(OFF_MADT + sizeof(struct acpi_madt) > OFF_RSDT);
    BUILD_BUG_ON(OFF_DSDT + sizeof(struct acpi_header) + sizeof(dsdt_aml) > ACPI_BLOCK);
    /* The scope's package length (151) runs from its first byte to the end. */
    BUILD_BUG_ON(sizeof(dsdt_aml) != 13 + 1 + 151);
    if (len < ACPI_BLOCK || base + ACPI_BLOCK > 0x100000000ull || (base & 63))
        return 0;
    memset(buf, 0, ACPI_BLOCK);

    memcpy(facs->signature, "FACS", 4);
    facs->length = sizeof(*facs);
    facs->version = 1;

    header(dsdt, "DSDT", sizeof(*dsdt) + sizeof(dsdt_aml), 2);
    memcpy(dsdt + 1, dsdt_aml, sizeof(dsdt_aml));
    dsdt->checksum = checksum(dsdt, dsdt->length);

    build_fadt((void *)(b + OFF_FADT), base + OFF_FACS, base + OFF_DSDT);
    build_madt((void *)(b + OFF_MADT));

    header(rsdt, "RSDT", sizeof(*rsdt) + sizeof(rsdt_entries), 1);
    memcpy(rsdt + 1, rsdt_entries, sizeof(rsdt_entries));
    rsdt->checksum = checksum(rsdt, rsdt->length);
    header(xsdt, "XSDT", sizeof(*xsdt) + sizeof(xsdt_entries), 1);
    memcpy(xsdt + 1, xsdt_entries, sizeof(xsdt_entries));
    xsdt->checksum = checksum(xsdt, xsdt->length);

    memcpy(rsdp->signature, "RSD PTR ", 8);
    memcpy(rsdp->oem_id, OEM_ID, 6);
    rsdp->revision = 2;
    rsdp->rsdt_address = base + OFF_RSDT;
    rsdp->length = sizeof(*rsdp);
    rsdp->xsdt_address = base + OFF_XSDT;
    rsdp->checksum = checksum(rsdp, 20);
    rsdp->extended_checksum = checksum(rsdp, sizeof(*rsdp));
    return ACPI_BLOCK;
}
