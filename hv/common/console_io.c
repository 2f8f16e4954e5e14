/*
 * console_io (hypercall 18).  dom0 owns the console, as on Xen: its bytes
 * go to the serial line unchanged and unbuffered, so prompts and terminal
 * control sequences work.  Other domains' writes go one line at a time,
 * prefixed "(dN) " so interleaved domains stay readable, with
 * non-printable characters dropped.  Reads (dom0 only) take what arrived
 * on the serial line (console_rx_*).
 */
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/guest_access.h>
#include <hv/console_io.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/lib.h>

#define WRITE_CHUNK 128

static bool printable(char c)
{
    return (c >= 0x20 && c < 0x7f) || c == '\t';
}

static void emit_line(struct domain *d)
{
    printk("(d%u) %.*s\n", d->domain_id, (int)d->console_len, d->console_buf);
    d->console_len = 0;
}

void console_flush_domain(struct domain *d)
{
    spin_lock(&d->console_lock);
    if (d->console_len)
        emit_line(d);
    spin_unlock(&d->console_lock);
}

static void put_chars(struct domain *d, const char *s, unsigned int n)
{
    if (d->domain_id == 0) {
        console_write(s, n);
        return;
    }
    spin_lock(&d->console_lock);
    for (unsigned int i = 0; i < n; i++) {
        if (s[i] == '\n') {
            emit_line(d);
            continue;
        }
        if (!printable(s[i]))
            continue;
        d->console_buf[d->console_len++] = s[i];
        if (d->console_len == sizeof(d->console_buf))
            emit_line(d);
    }
    spin_unlock(&d->console_lock);
}

static long console_io_write(unsigned int count, xen_guest_handle_t buf)
{
    char kbuf[WRITE_CHUNK];
    unsigned int done = 0;

    while (done < count) {
        unsigned int n = min(count - done, (unsigned int)sizeof(kbuf));

        if (done && hypercall_preempt_check())
            return hypercall_create_continuation(__HYPERVISOR_console_io,
                                                 CONSOLEIO_write, count - done,
                                                 buf + done, 0, 0);
        if (copy_from_guest(kbuf, buf + done, n))
            return -EFAULT;
        put_chars(current->domain, kbuf, n);
        done += n;
    }
    return 0;
}

static long console_read(unsigned int count, xen_guest_handle_t buf)
{
    char kbuf[WRITE_CHUNK];
    long total = 0;

    if (!current->domain->is_privileged)
        return -EPERM;
    if (count > 0x7fffffffu)
        return -E2BIG;
    while ((unsigned int)total < count) {
        unsigned int n = console_rx_peek(kbuf, min(count - (unsigned int)total,
                                                   (unsigned int)sizeof(kbuf)));

        if (!n)
            break;
        if (copy_to_guest(buf + total, kbuf, n))
            return -EFAULT;
        console_rx_consume(n);
        total += n;
    }
    return total;
}

long do_console_io(unsigned int cmd, unsigned int count, xen_guest_handle_t buf)
{
    switch (cmd) {
    case CONSOLEIO_write:
        return console_io_write(count, buf);
    case CONSOLEIO_read:
        return console_read(count, buf);
    default:
        return -ENOSYS;
    }
}
