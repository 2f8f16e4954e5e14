/*
 * heron-dm's NE2000 on its PCI bus and on xenbr0 (nic.h).  Frames the
 * NE2000 sends go to xenbr0 whole (the write waits for netback, which
 * never blocks); frames from xenbr0 go into its receive ring or are
 * dropped (stopped, filtered, ring full), as on a wire.  The framing is
 * local_port.h's: a 2-byte length before each frame.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bus.h"
#include "local_port.h"
#include "ne2k.h"
#include "nic.h"

static struct ne2k nic;
static struct bar_claim nic_ports = { .bar = 0, .ports = NE2K_IO_SIZE, .what = "NIC" };
static int wire = -1;
static uint8_t wire_in[LOCAL_PORT_HDR + LOCAL_PORT_FRAME_MAX];
static size_t wire_in_len;

bool nic_parse(const char *arg, uint8_t mac[6])
{
    unsigned int m[6];
    int end = 0;

    if (strncmp(arg, "nic:", 4) ||
        sscanf(arg + 4, "%2x:%2x:%2x:%2x:%2x:%2x%n", &m[0], &m[1], &m[2], &m[3], &m[4],
               &m[5], &end) != 6 || arg[4 + end] || (m[0] & 1))
        return false;
    for (unsigned int i = 0; i < 6; i++)
        mac[i] = (uint8_t)m[i];
    return true;
}

static void unplug(const char *why)
{
    fprintf(stderr, "heron-dm: xenbr0: %s: the NIC's cable is unplugged\n", why);
    close(wire);
    wire = -1;
}

static void wire_send(void *ctx, const uint8_t *frame, size_t len)
{
    uint8_t msg[LOCAL_PORT_HDR + LOCAL_PORT_FRAME_MAX];
    size_t done = 0;

    (void)ctx;
    if (wire < 0 || len > LOCAL_PORT_FRAME_MAX)
        return;
    msg[0] = (uint8_t)len;
    msg[1] = (uint8_t)(len >> 8);
    memcpy(msg + LOCAL_PORT_HDR, frame, len);
    while (done < LOCAL_PORT_HDR + len) {
        ssize_t n = send(wire, msg + done, LOCAL_PORT_HDR + len - done, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            unplug(strerror(errno));
            return;
        }
        done += (size_t)n;
    }
}

static int connect_wire(void)
{
    const char *path = getenv("HERON_NETBACK_SOCKET");
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;

    if (!path || !*path)
        path = LOCAL_PORT_SOCKET_DEFAULT;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && strlen(path) < sizeof(sa.sun_path)) {
        strcpy(sa.sun_path, path);
        if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
            return fd;
    }
    fprintf(stderr, "heron-dm: no bridge at %s (%s): the NIC's cable is unplugged\n", path,
            strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

void nic_setup(const uint8_t mac[6])
{
    struct pci_function *fn = pci_add(bus_get(), NIC_SLOT, 0, NE2K_PCI_VENDOR,
                                      NE2K_PCI_DEVICE, (uint32_t)NE2K_PCI_CLASS << 8, NIC_IRQ);

    pci_add_io_bar(fn, 0, NE2K_IO_SIZE, NIC_IO_BASE);
    nic_ports.fn = fn;
    ne2k_init(&nic, mac, wire_send, NULL);
    wire = connect_wire();
}

void nic_follow_bar(struct dm_hv *hv)
{
    bar_claim_follow(hv, &nic_ports);
}

bool nic_io(ioreq_t *r)
{
    int off = bar_claim_offset(&nic_ports, r->addr);

    if (off < 0)
        return false;
    if (r->dir == IOREQ_READ)
        r->data = ne2k_read(&nic, (unsigned int)off, r->size);
    else
        ne2k_write(&nic, (unsigned int)off, r->size, (uint32_t)r->data);
    return true;
}

int nic_wire_fd(void)
{
    return wire;
}

void nic_wire_read(void)
{
    ssize_t n;
    size_t used = 0;

    n = recv(wire, wire_in + wire_in_len, sizeof(wire_in) - wire_in_len, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        unplug(n ? strerror(errno) : "heron-netback went away");
        return;
    }
    if (n < 0)
        return;
    wire_in_len += (size_t)n;
    while (wire_in_len - used >= LOCAL_PORT_HDR) {
        size_t len = wire_in[used] | (size_t)wire_in[used + 1] << 8;

        if (!len || len > LOCAL_PORT_FRAME_MAX) {
            unplug("bad frame length");
            return;
        }
        if (wire_in_len - used < LOCAL_PORT_HDR + len)
            break;
        ne2k_receive(&nic, wire_in + used + LOCAL_PORT_HDR, len);
        used += LOCAL_PORT_HDR + len;
    }
    memmove(wire_in, wire_in + used, wire_in_len - used);
    wire_in_len -= used;
}

bool nic_irq_level(void)
{
    return ne2k_irq_level(&nic) &&
           !(nic_ports.fn->cfg[PCI_COMMAND + 1] & (PCI_CMD_INTX_OFF >> 8));
}
