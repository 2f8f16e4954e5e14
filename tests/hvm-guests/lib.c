/* The HVM test kernel's library (hvmtest.h). */
#include <stdarg.h>
#include "hvmtest.h"

#define COM1 0x3f8

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t zero, type;
    uint16_t off_hi;
} __attribute__((packed));

extern const uint32_t isr_stubs[256];

static struct idt_gate idt[256] __attribute__((aligned(8)));
static void (*handlers[256])(struct frame *f);
/* Written before, read after the faulting instruction: volatile, and
 * every asm that may fault clobbers memory. */
static volatile int expected_vector = -1;
static volatile unsigned int expected_len;
static volatile bool fault_seen;
static const char *cmdline = "";
static unsigned int nr_checks, nr_failed;

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;

    while (n--)
        *p++ = c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *p = d;
    const uint8_t *q = s;

    while (n--)
        *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;

    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++)
        if (*a != *b || !*a)
            return (uint8_t)*a - (uint8_t)*b;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

static void putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, c);
}

static void put_num(uint64_t v, unsigned int base, unsigned int width, char pad)
{
    char buf[24];
    unsigned int n = 0;

    do {
        unsigned int digit;

        /* Base 16 by shifts; base 10 on 32-bit values (no libgcc). */
        if (base == 16) {
            digit = v & 15;
            v >>= 4;
        } else {
            digit = (uint32_t)v % 10;
            v = (uint32_t)v / 10;
        }
        buf[n++] = "0123456789abcdef"[digit];
    } while (v);
    while (n < width--)
        putc(pad);
    while (n)
        putc(buf[--n]);
}

int printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        unsigned int width = 0;
        char pad = ' ';
        bool ll = false;

        if (*fmt != '%') {
            putc(*fmt);
            continue;
        }
        fmt++;
        if (*fmt == '0')
            pad = '0';
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (*fmt == 'l' && fmt[1] == 'l') {
            ll = true;
            fmt += 2;
        }
        switch (*fmt) {
        case 'd': {
            int32_t v = va_arg(ap, int32_t);

            if (v < 0) {
                putc('-');
                v = -v;
            }
            put_num((uint32_t)v, 10, width, pad);
            break;
        }
        case 'u':
            put_num(va_arg(ap, uint32_t), 10, width, pad);
            break;
        case 'x':
            put_num(ll ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 16, width, pad);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);

            while (*s)
                putc(*s++);
            break;
        }
        case 'c':
            putc(va_arg(ap, int));
            break;
        default:
            putc('%');
            putc(*fmt);
            break;
        }
    }
    va_end(ap);
    return 0;
}

void cmdline_set(const char *c)
{
    cmdline = c;
}

const char *cmdline_get(const char *key, char *buf, size_t len)
{
    size_t klen = strlen(key);

    for (const char *p = cmdline; *p; ) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, key, klen) && p[klen] == '=') {
            size_t n = 0;

            p += klen + 1;
            while (*p && *p != ' ' && n + 1 < len)
                buf[n++] = *p++;
            buf[n] = 0;
            return buf;
        }
        while (*p && *p != ' ')
            p++;
    }
    return NULL;
}

void idt_init(void)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) ptr;

    for (unsigned int v = 0; v < 256; v++)
        idt[v] = (struct idt_gate){ isr_stubs[v] & 0xffff, 0x08, 0, 0x8e,
                                    isr_stubs[v] >> 16 };
    ptr.limit = sizeof(idt) - 1;
    ptr.base = (uint32_t)idt;
    asm volatile("lidt %0" :: "m"(ptr));
}

void set_user_gate(unsigned int vector, void (*entry)(void))
{
    uint32_t off = (uint32_t)entry;

    idt[vector] = (struct idt_gate){ off & 0xffff, 0x08, 0, 0xee, off >> 16 };
}

void idt_empty(void)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) ptr = { 0, 0 };

    asm volatile("lidt %0" :: "m"(ptr));
}

void set_handler(unsigned int vector, void (*fn)(struct frame *f))
{
    handlers[vector] = fn;
}

void expect_fault(unsigned int vector, unsigned int len)
{
    expected_vector = vector;
    expected_len = len;
    fault_seen = false;
}

bool faulted(void)
{
    bool f = fault_seen;

    fault_seen = false;
    expected_vector = -1;
    return f;
}

void isr_dispatch(struct frame *f);

void isr_dispatch(struct frame *f)
{
    if ((int)f->vector == expected_vector) {
        f->eip += expected_len;
        expected_vector = -1;
        fault_seen = true;
        return;
    }
    if (handlers[f->vector]) {
        handlers[f->vector](f);
        return;
    }
    printf("FAIL: unexpected vector %u (error %x) at eip %x\n", f->vector,
           f->error_code, f->eip);
    for (;;)
        asm volatile("cli; hlt");
}

bool rdmsr_safe(uint32_t msr, uint64_t *v)
{
    uint32_t lo = 0, hi = 0;

    expect_fault(13, 2);
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
    *v = ((uint64_t)hi << 32) | lo;
    return !faulted();
}

bool wrmsr_safe(uint32_t msr, uint64_t v)
{
    expect_fault(13, 2);
    asm volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                 : "memory");
    return !faulted();
}

uint32_t pm_ticks(void)
{
    static uint32_t last, total;
    uint32_t now = inl(0x608) & 0xffffff;

    total += (now - last) & 0xffffff;
    last = now;
    return total;
}

void delay_us(uint32_t us)
{
    uint32_t start = pm_ticks(), want = us * 36 / 10;

    while (pm_ticks() - start < want)
        ;
}

void check(bool ok, const char *what)
{
    nr_checks++;
    if (ok) {
        printf("ok %s\n", what);
    } else {
        nr_failed++;
        printf("FAIL %s\n", what);
    }
}

unsigned int checks_failed(void)
{
    return nr_failed;
}

unsigned int checks_done(void)
{
    return nr_checks;
}
