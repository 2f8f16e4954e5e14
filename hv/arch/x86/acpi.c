/*
 * Just enough ACPI to turn the machine off and reset it: RSDP -> RSDT/XSDT
 * -> FADT (PM1 control blocks, reset register) -> DSDT's \_S5 package.
 * Every table is checksummed and must lie inside the direct map.
 */
#include <hv/acpi.h>
#include <hv/bootinfo.h>
#include <hv/page.h>
#include <hv/io.h>
#include <hv/time.h>
#include <hv/lib.h>

struct acpi_header {
    char signature[4];
    u32 length;
    u8 revision, checksum;
    char oem_id[6], oem_table_id[8];
    u32 oem_revision, creator_id, creator_revision;
} __packed;

struct acpi_gas {
    u8 space_id, bit_width, bit_offset, access_size;
    u64 address;
} __packed;

#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO     1

/* FADT fields by offset (ACPI 6.x, table 5.9). */
#define FADT_DSDT           40
#define FADT_SMI_CMD        48
#define FADT_ACPI_ENABLE    52
#define FADT_PM1A_CNT       64
#define FADT_PM1B_CNT       68
#define FADT_FLAGS          112
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_DSDT         140
#define FADT_X_PM1A_CNT     172
#define FADT_X_PM1B_CNT     184
#define FADT_FLAG_RESET_REG (1 << 10)

#define PM1_SCI_EN          (1 << 0)
#define PM1_SLP_TYP_SHIFT   10
#define PM1_SLP_EN          (1 << 13)

static u32 pm1a_cnt, pm1b_cnt;         /* I/O ports, 0 if absent */
static u8 slp_typ_a, slp_typ_b;
static bool have_s5;
static u32 smi_cmd;
static u8 acpi_enable_value;
static struct acpi_gas reset_reg;
static u8 reset_value;
static bool have_reset;

static bool phys_range_mapped(paddr_t pa, u64 len)
{
    if (pa + len < pa)
        return false;
    if (pa + len <= GB(4))
        return true;
    for (unsigned int i = 0; i < bootinfo.nr_e820; i++)
        if (pa >= bootinfo.e820[i].start && pa + len <= bootinfo.e820[i].end)
            return true;
    return false;
}

static bool checksum_ok(const void *p, u32 len)
{
    const u8 *b = p;
    u8 sum = 0;

    for (u32 i = 0; i < len; i++)
        sum += b[i];
    return sum == 0;
}

static const struct acpi_header *map_table(paddr_t pa, const char *sig)
{
    const struct acpi_header *h;

    if (!pa || !phys_range_mapped(pa, sizeof(*h)))
        return NULL;
    h = maddr_to_virt(pa);
    if (h->length < sizeof(*h) || !phys_range_mapped(pa, h->length) ||
        (sig && memcmp(h->signature, sig, 4)) || !checksum_ok(h, h->length))
        return NULL;
    return h;
}

static const u8 *scan_rsdp(paddr_t start, paddr_t len)
{
    for (paddr_t pa = start; pa + 20 <= start + len; pa += 16) {
        const u8 *p = maddr_to_virt(pa);

        if (!memcmp(p, "RSD PTR ", 8) && checksum_ok(p, 20))
            return p;
    }
    return NULL;
}

static const u8 *find_rsdp(void)
{
    paddr_t ebda;

    if (bootinfo.rsdp_len >= 20 && checksum_ok(bootinfo.rsdp, 20))
        return bootinfo.rsdp;
    ebda = (paddr_t)*(const u16 *)maddr_to_virt(0x40e) << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000) {
        const u8 *p = scan_rsdp(ebda, 1024);

        if (p)
            return p;
    }
    return scan_rsdp(0xe0000, 0x20000);
}

static const struct acpi_header *find_fadt(const u8 *rsdp)
{
    u64 xsdt = 0;
    const struct acpi_header *sdt;
    unsigned int entry_size;

    if (rsdp[15] >= 2)
        memcpy(&xsdt, rsdp + 24, 8);
    sdt = xsdt ? map_table(xsdt, "XSDT") : NULL;
    entry_size = 8;
    if (!sdt) {
        u32 rsdt;

        memcpy(&rsdt, rsdp + 16, 4);
        sdt = map_table(rsdt, "RSDT");
        entry_size = 4;
    }
    if (!sdt)
        return NULL;
    for (u32 off = sizeof(*sdt); off + entry_size <= sdt->length; off += entry_size) {
        u64 pa = 0;
        const struct acpi_header *t;

        memcpy(&pa, (const u8 *)sdt + off, entry_size);
        t = map_table(pa, "FACP");
        if (t)
            return t;
    }
    return NULL;
}

static u32 fadt_u32(const struct acpi_header *f, unsigned int off)
{
    u32 v = 0;

    if (off + 4 <= f->length)
        memcpy(&v, (const u8 *)f + off, 4);
    return v;
}

/* An I/O-port PM1 control block: the X_ field if valid, else the legacy. */
static u32 fadt_pm1_cnt(const struct acpi_header *f, unsigned int x_off,
                        unsigned int legacy_off)
{
    struct acpi_gas g;

    if (x_off + sizeof(g) <= f->length) {
        memcpy(&g, (const u8 *)f + x_off, sizeof(g));
        if (g.address && g.space_id == GAS_SYSTEM_IO && g.address < 0x10000)
            return g.address;
    }
    return fadt_u32(f, legacy_off);
}

/* AML integer constant at p: ZeroOp, OneOp, BytePrefix n, or a raw byte. */
static u8 aml_small_int(const u8 *p, unsigned int *len)
{
    *len = 1;
    if (p[0] == 0x0a) {
        *len = 2;
        return p[1];
    }
    return p[0] == 0x01 ? 1 : p[0] == 0x00 ? 0 : p[0];
}

/* Finds Name(_S5_, Package() { a, b, ... }) in the DSDT's AML. */
static void parse_s5(const struct acpi_header *dsdt)
{
    const u8 *aml = (const u8 *)dsdt;

    for (u32 i = sizeof(*dsdt) + 1; i + 12 < dsdt->length; i++) {
        unsigned int n, pkglen_bytes, len;
        const u8 *p;

        if (memcmp(aml + i, "_S5_", 4) ||
            !(aml[i - 1] == 0x08 || (aml[i - 1] == '\\' && aml[i - 2] == 0x08)))
            continue;
        p = aml + i + 4;
        if (*p++ != 0x12)                       /* PackageOp */
            continue;
        pkglen_bytes = (*p >> 6) + 1;
        p += pkglen_bytes;
        n = *p++;                               /* NumElements */
        if (n < 2)
            continue;
        slp_typ_a = aml_small_int(p, &len);
        p += len;
        slp_typ_b = aml_small_int(p, &len);
        have_s5 = true;
        return;
    }
}

void acpi_init(void)
{
    const u8 *rsdp = find_rsdp();
    const struct acpi_header *fadt, *dsdt = NULL;
    u64 x_dsdt = 0;

    if (!rsdp) {
        printk("acpi: no RSDP found\n");
        return;
    }
    fadt = find_fadt(rsdp);
    if (!fadt) {
        printk("acpi: no FADT\n");
        return;
    }
    pm1a_cnt = fadt_pm1_cnt(fadt, FADT_X_PM1A_CNT, FADT_PM1A_CNT);
    pm1b_cnt = fadt_pm1_cnt(fadt, FADT_X_PM1B_CNT, FADT_PM1B_CNT);
    smi_cmd = fadt_u32(fadt, FADT_SMI_CMD);
    acpi_enable_value = fadt->length > FADT_ACPI_ENABLE ? ((const u8 *)fadt)[FADT_ACPI_ENABLE] : 0;

    if (FADT_X_DSDT + 8 <= fadt->length)
        memcpy(&x_dsdt, (const u8 *)fadt + FADT_X_DSDT, 8);
    if (x_dsdt)
        dsdt = map_table(x_dsdt, "DSDT");
    if (!dsdt)
        dsdt = map_table(fadt_u32(fadt, FADT_DSDT), "DSDT");
    if (dsdt)
        parse_s5(dsdt);

    if (FADT_RESET_VALUE < fadt->length &&
        (fadt_u32(fadt, FADT_FLAGS) & FADT_FLAG_RESET_REG)) {
        memcpy(&reset_reg, (const u8 *)fadt + FADT_RESET_REG, sizeof(reset_reg));
        reset_value = ((const u8 *)fadt)[FADT_RESET_VALUE];
        have_reset = reset_reg.address &&
                     (reset_reg.space_id == GAS_SYSTEM_IO ||
                      (reset_reg.space_id == GAS_SYSTEM_MEMORY &&
                       phys_range_mapped(reset_reg.address, 1)));
    }
    printk("acpi: FADT rev %u, PM1a_CNT %#x, PM1b_CNT %#x, S5 %s (SLP_TYP %u/%u), reset register %s\n",
           fadt->revision, pm1a_cnt, pm1b_cnt, have_s5 ? "found" : "missing",
           slp_typ_a, slp_typ_b, have_reset ? "present" : "absent");
}

void acpi_power_off(void)
{
    if (!pm1a_cnt || !have_s5)
        return;
    /* Firmware in legacy mode must hand over PM control first. */
    if (!(inw(pm1a_cnt) & PM1_SCI_EN) && smi_cmd && acpi_enable_value) {
        outb(acpi_enable_value, smi_cmd);
        for (int i = 0; i < 300 && !(inw(pm1a_cnt) & PM1_SCI_EN); i++)
            udelay(10000);
    }
    outw((slp_typ_a << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN, pm1a_cnt);
    if (pm1b_cnt)
        outw((slp_typ_b << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN, pm1b_cnt);
    /* QEMU acts on S5 in its main loop, which a loaded host may run late. */
    udelay(5000000);
}

void acpi_reset(void)
{
    if (!have_reset)
        return;
    if (reset_reg.space_id == GAS_SYSTEM_IO)
        outb(reset_value, reset_reg.address);
    else
        *(volatile u8 *)maddr_to_virt(reset_reg.address) = reset_value;
    udelay(100000);
}
