/* printk and panic on top of the serial console. */
#include <hv/lib.h>
#include <hv/console.h>
#include <hv/spinlock.h>
#include <hv/processor.h>
#include <hv/traps.h>
#include <hv/shutdown.h>

static spinlock_t console_lock = SPIN_LOCK_UNLOCKED;

void console_write(const char *s, size_t len)
{
    serial_write(s, len);
}

void console_force_unlock(void)
{
    spin_lock_init(&console_lock);
}

void printk(const char *fmt, ...)
{
    char buf[512];
    unsigned long flags;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(buf))
        n = sizeof(buf) - 1;

    flags = local_irq_save();
    spin_lock(&console_lock);
    console_write(buf, n);
    spin_unlock(&console_lock);
    local_irq_restore(flags);
}

static bool in_panic;

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    local_irq_disable();
    console_force_unlock();
    if (in_panic) {
        printk("hv: panic while panicking\n");
        machine_halt();
    }
    in_panic = true;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("\n****************************************\n");
    printk("hv: PANIC: %s\n", buf);
    printk("****************************************\n");
    show_backtrace((unsigned long)panic, (unsigned long)__builtin_frame_address(0));
    machine_crash_stop();
}
