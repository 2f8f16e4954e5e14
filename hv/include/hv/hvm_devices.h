/*
 * The platform devices hv emulates for HVM domains (hv/arch/x86/hvm/):
 * the 8259 PIC pair, the IOAPIC, the local APIC, the 8254 PIT, the
 * RTC/CMOS, the ACPI PM block (with QEMU's isa-debug-exit port) and a
 * 16550 UART on COM1.  Each keeps its state here; the register logic is
 * plain C over these structs (host unit tests drive it directly), and
 * timers come from hv's timer subsystem, never from guest exits.
 *
 * Concurrency: one CPU runs hv today.  A device is touched by its
 * domain's exits and by timer softirqs on that CPU, never both at once.
 */
#ifndef HV_HVM_DEVICES_H
#define HV_HVM_DEVICES_H

#include <hv/types.h>
#include <hv/timer.h>

struct domain;
struct vcpu;

#define HVM_MAX_PORTIO          16
#define HVM_MAX_IOREQ_SERVERS   8

/*
 * A port I/O handler: reads fill *val (size 1, 2 or 4 bytes), writes take
 * it.  Returns true if the access was handled.  Fallback handlers (the
 * UART) only see ports no ioreq server claims.
 */
typedef bool (*hvm_portio_fn)(struct domain *d, unsigned int port,
                              unsigned int size, bool write, u32 *val);

struct hvm_portio_handler {
    u16 start, len;
    bool fallback;
    hvm_portio_fn fn;
};

/* ---- 8259 PIC (vpic.c); vpic[0] is the master, vpic[1] the slave ---- */

struct vpic {
    bool is_master;
    u8 irr, isr, imr;
    u8 elcr;                /* level-triggered inputs */
    u8 line;                /* input levels, for edge detection */
    u8 irq_base;            /* ICW2 */
    u8 init_state;          /* 0 ready, 1-3: expecting ICW2-ICW4 */
    bool icw4_needed, single;
    bool auto_eoi, rotate_on_aeoi, special_fully_nested;
    bool read_isr, poll, special_mask;
    u8 priority_add;        /* the line with the highest priority */
};

void vpic_reset(struct vpic pic[2]);
/* Sets ISA input irq (0-15) to level; returns the master's INT output. */
bool vpic_set_irq(struct vpic pic[2], unsigned int irq, bool level);
bool vpic_output(const struct vpic pic[2]);
/* INTA cycle: the vector to deliver (spurious IRQ 7/15 if nothing). */
u8 vpic_ack(struct vpic pic[2]);
void vpic_write(struct vpic pic[2], unsigned int port, u8 val);
u8 vpic_read(struct vpic pic[2], unsigned int port);

/* ---- IOAPIC (vioapic.c), 24 pins at 0xfec00000 ---- */

#define VIOAPIC_BASE            0xfec00000ull
#define VIOAPIC_SIZE            0x1000
#define VIOAPIC_NR_PINS         24
#define VIOAPIC_VERSION         0x11

struct vioapic {
    u32 ioregsel;
    u32 id;
    u64 redir[VIOAPIC_NR_PINS];
    u32 pin_level;          /* asserted pins */
};

/* A fixed/lowest-priority interrupt the IOAPIC sends to a local APIC. */
struct vioapic_msg {
    u8 vector;
    bool level;
    bool logical;
    u8 dest;
};

void vioapic_reset(struct vioapic *io);
/* Pin pin changed to level; *msg is filled (true) if that delivers. */
bool vioapic_set_pin(struct vioapic *io, unsigned int pin, bool level,
                     struct vioapic_msg *msg);
/* EOI for vector: clears the remote IRR of the level pins using it and
 * returns those still asserted (a bitmap), which must send again. */
u32 vioapic_eoi(struct vioapic *io, u8 vector);
/* Pin's message, if its entry sends one now (remote IRR taken). */
bool vioapic_pin_msg(struct vioapic *io, unsigned int pin, struct vioapic_msg *msg);
/* A register access at offset off (32-bit); a write may unmask a pin that
 * is asserted: *msg then delivers. */
u32 vioapic_mmio_read(struct vioapic *io, unsigned int off);
bool vioapic_mmio_write(struct vioapic *io, unsigned int off, u32 val,
                        struct vioapic_msg *msg);

/* ---- local APIC (vlapic.c), xAPIC MMIO ---- */

#define VLAPIC_DEFAULT_BASE     0xfee00000ull
#define VLAPIC_SIZE             0x1000
#define APIC_BASE_BSP           (1ull << 8)
#define APIC_BASE_EXTD          (1ull << 10)    /* x2APIC mode */
#define APIC_BASE_ENABLE        (1ull << 11)
#define APIC_BASE_ADDR_MASK     0x000ffffffffff000ull

enum vlapic_lvt {
    LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR,
    VLAPIC_NR_LVT
};

struct vlapic {
    u64 base_msr;           /* IA32_APIC_BASE */
    u32 id, tpr, ldr, dfr, svr, esr, esr_pending, icr_lo, icr_hi;
    u32 lvt[VLAPIC_NR_LVT];
    u32 irr[8], isr[8], tmr[8];
    u32 timer_initial, timer_divide_reg;
    s_time_t timer_period;  /* ns per full count */
    s_time_t timer_deadline;/* next expiry, 0 if stopped */
    struct timer timer;     /* must stay last (vlapic_reset) */
};

void vlapic_reset(struct vlapic *l, unsigned int id);
bool vlapic_enabled(const struct vlapic *l);     /* hardware and software */
/* Accepts vector into IRR (level: TMR set).  False if not accepted. */
bool vlapic_set_irq(struct vlapic *l, u8 vector, bool level);
/* The vector the LAPIC would deliver now, or -1. */
int vlapic_pending_vector(const struct vlapic *l);
void vlapic_ack(struct vlapic *l, u8 vector);
/* Does this LAPIC take interrupts from the 8259 (virtual wire)? */
bool vlapic_accepts_pic(const struct vlapic *l);
/* Does dest (physical or logical) address this LAPIC? */
bool vlapic_match_dest(const struct vlapic *l, bool logical, u8 dest);
u32 vlapic_read(struct vlapic *l, unsigned int off, s_time_t now);
/* Returns the vector of a level-triggered interrupt an EOI ended (for
 * the IOAPIC), or -1. */
int vlapic_write(struct vlapic *l, unsigned int off, u32 val, s_time_t now);
/* IA32_APIC_BASE write; false if the value is not allowed (reserved
 * bits, the BSP flag, a mode transition the SDM forbids). */
bool vlapic_set_base(struct vlapic *l, u64 val);
/* In x2APIC mode: MSRs 0x800-0x8ff, the xAPIC page is off. */
bool vlapic_x2apic_mode(const struct vlapic *l);
/* x2APIC MSR read: false for a #GP (not x2APIC mode, reserved or
 * write-only MSR). */
bool vlapic_x2apic_read(struct vlapic *l, u32 msr, u64 *val, s_time_t now);
/* x2APIC MSR write: false for a #GP (not x2APIC mode, reserved or
 * read-only MSR, reserved bits set); *eoi_vector as vlapic_write's. */
bool vlapic_x2apic_write(struct vlapic *l, u32 msr, u64 val, s_time_t now,
                         int *eoi_vector);
/* Timer expiry at now: raises the timer vector, rearms if periodic. */
void vlapic_timer_fire(struct vlapic *l, s_time_t now);
/* When the timer should next fire, or 0 if it is not running. */
s_time_t vlapic_timer_deadline(const struct vlapic *l);

/* ---- 8254 PIT (vpit.c) at 0x40-0x43, port 0x61 ---- */

#define PIT_HZ                  1193182

struct vpit_channel {
    u8 mode;                /* 0-5 */
    u8 access;              /* 1 lsb, 2 msb, 3 lsb then msb */
    bool bcd;
    u32 reload;             /* 1-0x10000 */
    s_time_t start;         /* when counting began */
    bool counting;          /* a count was loaded and the gate allowed it */
    bool gate;
    bool write_msb_next;    /* access 3: the next write is the MSB */
    u8 write_lsb;
    bool read_msb_next;
    bool count_latched;
    u16 latched_count;
    bool latched_msb_next;
    bool status_latched;
    u8 latched_status;
    bool null_count;        /* a new count was written but not loaded */
};

struct vpit {
    struct vpit_channel ch[3];
    bool speaker_data;      /* port 0x61 bit 1 */
    struct timer timer;     /* channel 0 interrupts */
    s_time_t irq_next;      /* next channel 0 IRQ, 0 = none */
    s_time_t irq_period;    /* periodic modes; 0 = one-shot */
};

void vpit_reset(struct vpit *p, s_time_t now);
/* Ports 0x40-0x43 and 0x61. */
u8 vpit_read(struct vpit *p, unsigned int port, s_time_t now);
void vpit_write(struct vpit *p, unsigned int port, u8 val, s_time_t now);
/* Channel 0 just fired at its deadline: next deadline (0 = none). */
s_time_t vpit_irq_done(struct vpit *p, s_time_t now);
/* The counter value and the OUT line of channel ch at now. */
u16 vpit_count(const struct vpit_channel *c, s_time_t now);
bool vpit_out(const struct vpit_channel *c, s_time_t now);

/* ---- RTC/CMOS (vrtc.c) at 0x70-0x71, IRQ 8 ---- */

#define RTC_REG_A   0x0a
#define RTC_REG_B   0x0b
#define RTC_REG_C   0x0c
#define RTC_REG_D   0x0d

struct vrtc {
    u8 index;
    u8 cmos[128];           /* alarm, control and CMOS memory bytes */
    s64 offset;             /* guest clock - hv's UTC, in seconds */
    struct timer periodic_timer;
    struct timer second_timer;
    s_time_t periodic_next;
};

/* CMOS contents for a guest with this much RAM (KiB-based fields). */
void vrtc_reset(struct vrtc *r, u64 low_bytes, u64 high_bytes);
/* Port accesses; utc_ns is hv's wall clock (ns since the epoch). */
u8 vrtc_read(struct vrtc *r, unsigned int port, u64 utc_ns);
void vrtc_write(struct vrtc *r, unsigned int port, u8 val, u64 utc_ns);
/* IRQ 8 level: register C's IRQF. */
bool vrtc_irq_level(const struct vrtc *r);
/* Periodic rate from register A in ns, 0 if off (PIE clear or rate 0). */
s_time_t vrtc_periodic_period(const struct vrtc *r);
/* Timer events: set the flags in register C. */
void vrtc_periodic_tick(struct vrtc *r);
void vrtc_second_tick(struct vrtc *r, u64 utc_ns);
/* Civil time helpers (also used by the tests). */
void rtc_time_from_seconds(s64 secs, unsigned int tm[7]);
s64 rtc_seconds_from_time(const unsigned int tm[7]);

/* ---- ACPI PM block and isa-debug-exit (acpi_pm.c) ---- */

#define ACPI_PM1A_EVT_BLK       0x600   /* status 0x600, enable 0x602 */
#define ACPI_PM1A_CNT_BLK       0x604
#define ACPI_PM_TMR_BLK         0x608
#define ACPI_PM_BLK_LEN         12
#define ACPI_SCI_IRQ            9
#define ACPI_S5_SLP_TYP         0       /* \_S5 in the DSDT */
#define ACPI_PM_TMR_HZ          3579545
#define DEBUG_EXIT_PORT         0xf4

#define PM1_SCI_EN              (1u << 0)
#define PM1_SLP_TYP_SHIFT       10
#define PM1_SLP_EN              (1u << 13)

struct acpi_pm {
    u16 pm1_sts, pm1_en, pm1_cnt;
};

enum acpi_pm_action { ACPI_PM_NONE, ACPI_PM_POWEROFF, ACPI_PM_SLEEP };

void acpi_pm_reset(struct acpi_pm *pm);
u32 acpi_pm_read(struct acpi_pm *pm, unsigned int port, unsigned int size,
                 s_time_t now);
enum acpi_pm_action acpi_pm_write(struct acpi_pm *pm, unsigned int port,
                                  unsigned int size, u32 val);

/* ---- 16550 UART (vuart.c) on COM1, IRQ 4 ---- */

#define VUART_PORT              0x3f8
#define VUART_IRQ               4
#define VUART_RX_SIZE           64

struct vuart {
    u8 ier, lcr, mcr, lsr_extra, scr, dll, dlm, fcr;
    bool thre_pending;      /* THR-empty interrupt not yet acknowledged */
    u8 rx[VUART_RX_SIZE];
    unsigned int rx_prod, rx_cons;
    /* Transmitted bytes go here (the domain's console line). */
    void (*tx)(void *ctx, u8 c);
    void *tx_ctx;
};

void vuart_reset(struct vuart *u);
u8 vuart_read(struct vuart *u, unsigned int off);
void vuart_write(struct vuart *u, unsigned int off, u8 val);
/* Input arrived; false if the FIFO is full. */
bool vuart_receive(struct vuart *u, u8 c);
bool vuart_irq_level(const struct vuart *u);

#endif
