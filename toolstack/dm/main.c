/*
 * heron-dm DOMID READY_FD [rw:IMAGE|ro:IMAGE|nic:MAC]...: the device model of one
 * HVM domain, started by `heron create` in dom0 (docs/hvm.md, "The device
 * model").  It is an ioreq server of the domain claiming COM1 (ports
 * 0x3f8-0x3ff): a 16550 (hv's model, com1.c) whose output goes to
 * heron-consoled as the domain's console source and whose input comes
 * back from `heron console`; and, given images, the primary IDE channel
 * (ata.c) with one disk per image (master, then slave) and its bus master
 * (bmdma.c), the PIIX3's IDE function (ide.c); given nic:MAC, an NE2000
 * on xenbr0 (nic.c).  Disks or a NIC bring PCI bus 0 (bus.c), where the
 * IDE function is 00:01.1 and the NIC sits at 00.3.
 * IRQs 4, 14 and 11 follow the devices through dm_op.  "ready PID" on
 * READY_FD (-1: none) says it serves them (the domain may be unpaused).
 * It exits on SIGTERM or when the domain is gone, destroying its server.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ata.h"
#include "bus.h"
#include "com1.h"
#include "console_proto.h"
#include "dm_hv.h"
#include "ide.h"
#include "nic.h"

#define OUT_MAX 4096

static struct dm_hv hv;
static int cons_fd = -1;
static char out[OUT_MAX];
static size_t out_len;
static unsigned char in[1024];
static size_t in_len;
static bool com1_irq, ata_irq, nic_irq, have_disks, have_nic;
static uint8_t nic_mac[6];
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void flush_output(void)
{
    size_t done = 0;

    while (done < out_len) {
        ssize_t w = write(cons_fd >= 0 ? cons_fd : 2, out + done, out_len - done);

        if (w <= 0)
            break;
        done += (size_t)w;
    }
    out_len = 0;
}

static void tx(void *ctx, uint8_t c)
{
    (void)ctx;
    out[out_len++] = (char)c;
    if (out_len == OUT_MAX)
        flush_output();
}

/* heron-consoled's socket as the domain's console source; -1 if none. */
static int connect_console(domid_t domid)
{
    const char *path = getenv("HERON_CONSOLE_SOCKET");
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char reply[128];
    ssize_t n;
    int fd;

    if (!path || !*path)
        path = CONSOLE_SOCKET_DEFAULT;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
        goto fail;
    strcpy(sa.sun_path, path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
        dprintf(fd, "source %u\n", domid) < 0)
        goto fail;
    n = read(fd, reply, sizeof(reply) - 1);
    reply[n > 0 ? n : 0] = '\0';
    if (strcmp(reply, "ok\n")) {
        fprintf(stderr, "heron-dm: heron-consoled said: %s", n > 0 ? reply : "nothing\n");
        goto fail;
    }
    return fd;
fail:
    fprintf(stderr, "heron-dm: no console service at %s: the domain's output goes "
            "to this log\n", path);
    if (fd >= 0)
        close(fd);
    return -1;
}

static void update_irq(unsigned int irq, bool level, bool *now)
{
    if (level != *now && !dm_hv_set_irq(&hv, irq, level))
        *now = level;
}

/*
 * The ISA lines are edge-triggered at the IOAPIC: a drop that is never
 * told (the guest acks the NIC, a frame arrives before the next update)
 * would swallow the next edge, so lines follow every access and event.
 */
static void update_irqs(void)
{
    update_irq(COM1_IRQ, com1_irq_level(), &com1_irq);
    if (have_disks)
        update_irq(ATA_IRQ, ata_irq_level(), &ata_irq);
    if (have_nic)
        update_irq(NIC_IRQ, nic_irq_level(), &nic_irq);
}

/* Input waits here until the UART's FIFO takes it. */
static void feed_input(void)
{
    size_t used = 0;

    while (used < in_len && com1_receive(in[used]))
        used++;
    memmove(in, in + used, in_len - used);
    in_len -= used;
}

static void read_console(void)
{
    ssize_t n = read(cons_fd, in + in_len, sizeof(in) - in_len);

    if (n <= 0) {
        close(cons_fd);
        cons_fd = -1;
        fprintf(stderr, "heron-dm: heron-consoled went away\n");
        return;
    }
    in_len += (size_t)n;
}

static bool in_range(uint64_t port, uint16_t first, unsigned int n)
{
    return port >= first && port < (uint64_t)first + n;
}

/* One port access, its value in r->data: COM1, IDE (its channel and bus
 * master), PCI or the NIC. */
static void serve_port(ioreq_t *r)
{
    if (in_range(r->addr, COM1_PORT, COM1_PORTS)) {
        unsigned int off = (unsigned int)(r->addr - COM1_PORT);

        if (r->dir == IOREQ_READ)
            r->data = com1_read(off);
        else
            com1_write(off, (uint8_t)r->data);
    } else if (have_disks && ide_io(r)) {
        ;                               /* the IDE controller took it */
    } else if ((have_disks || have_nic) && bus_io(r)) {
        if (have_disks && r->dir == IOREQ_WRITE)
            ide_follow_bar(&hv);
        if (have_nic && r->dir == IOREQ_WRITE)
            nic_follow_bar(&hv);
    } else if (have_nic && nic_io(r)) {
        ;                               /* the NIC took it */
    } else if (r->dir == IOREQ_READ) {
        r->data = ~0ull;                /* nothing else is ours */
    }
}

/*
 * String port I/O (data_is_ptr): count elements between the port and
 * guest memory from the guest-physical address in data, up or (df) down,
 * all in one page of guest RAM, as hv sends them.  A request that breaks
 * this moves nothing.  An element may start a DMA transfer that maps
 * other pages, so each one asks for its page again (the last one stays
 * mapped: no cost while it is the same).
 */
static void serve_string(const ioreq_t *r)
{
    uint64_t off = r->data & (DM_PAGE_BYTES - 1), span = (uint64_t)r->count * r->size;
    uint64_t gfn = r->data / DM_PAGE_BYTES;
    uint32_t count = r->count;
    uint8_t size = (uint8_t)r->size, dir = r->dir, df = r->df;
    uint16_t port = (uint16_t)r->addr;

    if (!count || (df ? off + size > DM_PAGE_BYTES || off + size < span
                      : off + span > DM_PAGE_BYTES))
        return;
    for (uint32_t i = 0; i < count; i++) {
        ioreq_t e = { .addr = port, .count = 1, .size = size, .dir = dir,
                      .type = IOREQ_TYPE_PIO };
        uint8_t *page = dm_hv_guest_page(&hv, gfn), *p;

        if (!page)
            return;
        p = page + (df ? off - (uint64_t)i * size : off + (uint64_t)i * size);
        if (dir == IOREQ_WRITE)
            memcpy(&e.data, p, size);
        serve_port(&e);
        if (dir == IOREQ_READ)
            memcpy(p, &e.data, size);
    }
}

/* The request on the ioreq page, if one is ready: port I/O, one element
 * or a string of them. */
static void serve(void)
{
    ioreq_t *r = &hv.page->vcpu_ioreq[0];

    if (((volatile ioreq_t *)r)->state != STATE_IOREQ_READY)
        return;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    bool pio = r->type == IOREQ_TYPE_PIO && r->size >= 1 && r->size <= 4;

    if (pio && r->data_is_ptr)
        serve_string(r);
    else if (pio && r->count == 1)
        serve_port(r);
    else if (r->dir == IOREQ_READ)
        r->data = ~0ull;
    update_irqs();
    __atomic_thread_fence(__ATOMIC_RELEASE);
    ((volatile ioreq_t *)r)->state = STATE_IORESP_READY;
    dm_hv_notify(&hv);
}

/* "rw:IMAGE" or "ro:IMAGE" as the next IDE unit, or "nic:MAC"; 0 or a message. */
static const char *add_device(const char *arg)
{
    static unsigned int units;
    bool ro = !strncmp(arg, "ro:", 3);
    int rc;

    if (!strncmp(arg, "nic:", 4)) {
        if (have_nic)
            return "one NIC at most";
        if (!nic_parse(arg, nic_mac))
            return "a NIC is nic:MAC (xx:xx:xx:xx:xx:xx, unicast)";
        have_nic = true;
        return NULL;
    }
    if (!ro && strncmp(arg, "rw:", 3))
        return "a disk is rw:IMAGE or ro:IMAGE";
    if (units == ATA_UNITS)
        return "at most two disks (the primary IDE channel)";
    rc = ata_attach(units, arg + 3, ro);
    if (rc)
        return strerror(-rc);
    units++;
    have_disks = true;
    return NULL;
}

static int setup(domid_t domid, char *err, size_t errlen)
{
    int rc = dm_hv_open(&hv, domid, err, errlen);

    if (rc)
        return rc;
    rc = dm_hv_claim_ports(&hv, COM1_PORT, COM1_PORTS);
    if (!rc && (have_disks || have_nic))
        rc = bus_setup(&hv);
    if (!rc && have_disks)
        rc = ide_setup(&hv);
    if (!rc && have_nic)
        nic_setup(nic_mac);
    if (!rc)
        rc = dm_hv_enable(&hv);
    if (rc) {
        snprintf(err, errlen, "claiming the ports: %s", strerror(-rc));
        dm_hv_close(&hv);
    }
    return rc;
}

int main(int argc, char *argv[])
{
    char err[256], *end;
    unsigned long id;
    int ready_fd;

    if (argc < 3 || (id = strtoul(argv[1], &end, 10), *end) || id == 0 ||
        id >= DOMID_FIRST_RESERVED) {
        fprintf(stderr, "usage: heron-dm DOMID READY_FD [rw:IMAGE|ro:IMAGE|nic:MAC]...\n");
        return 2;
    }
    ready_fd = atoi(argv[2]);
    for (int i = 3; i < argc; i++) {
        const char *why = add_device(argv[i]);

        if (why) {
            fprintf(stderr, "heron-dm: domain %lu: '%s': %s\n", id, argv[i], why);
            return 1;
        }
    }
    if (setup((domid_t)id, err, sizeof(err))) {
        fprintf(stderr, "heron-dm: domain %lu: %s\n", id, err);
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    com1_init(tx, NULL);
    cons_fd = connect_console((domid_t)id);
    fprintf(stderr, "heron-dm: domain %lu: serving COM1 (ports %#x-%#x, IRQ %u)%s\n", id,
            COM1_PORT, COM1_PORT + COM1_PORTS - 1, COM1_IRQ,
            have_disks ? " and the primary IDE channel (PIIX3 IDE at PCI 00:01.1, IRQ 14, "
                         "bus master at BAR 4)" : "");
    if (have_nic)
        fprintf(stderr, "heron-dm: domain %lu: NE2000 (RTL8029) at PCI 00:%02x.0, IRQ %u, "
                "mac %02x:%02x:%02x:%02x:%02x:%02x\n", id, NIC_SLOT, NIC_IRQ,
                nic_mac[0], nic_mac[1], nic_mac[2], nic_mac[3], nic_mac[4], nic_mac[5]);
    if (ready_fd >= 0) {
        dprintf(ready_fd, "ready %ld\n", (long)getpid());
        close(ready_fd);
    }
    while (!stop) {
        /* Console input is read only while there is room to keep it. */
        struct pollfd p[3] = { { .fd = hv.evtchn, .events = POLLIN },
                               { .fd = cons_fd,
                                 .events = in_len < sizeof(in) ? POLLIN : 0 },
                               { .fd = have_nic ? nic_wire_fd() : -1, .events = POLLIN } };
        int rc = poll(p, 3, 1000);

        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0 && p[0].revents)
            dm_hv_ack_events(&hv);
        serve();
        if (rc > 0 && cons_fd >= 0 && p[1].revents)
            read_console();
        if (rc > 0 && p[2].fd >= 0 && p[2].revents)
            nic_wire_read();
        feed_input();
        update_irqs();
        flush_output();
        /* Once a second without events: is the domain still there? */
        if (rc == 0 && !dm_hv_domain_alive(&hv))
            break;
    }
    fprintf(stderr, "heron-dm: domain %lu: %s\n", id, stop ? "stopped" : "gone");
    dm_hv_close(&hv);
    if (cons_fd >= 0)
        close(cons_fd);
    return 0;
}
