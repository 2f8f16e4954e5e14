/*
 * net-probe: a test domU's UDP traffic over its vif, for test_net.
 *   net-probe recv PORT COUNT     receives COUNT datagrams on PORT, checks
 *                                 each one's sequence number and payload,
 *                                 acknowledges every ACK_EVERY to the
 *                                 sender; prints one summary line
 *   net-probe send IP PORT COUNT  sends COUNT datagrams to IP:PORT, at most
 *                                 WINDOW ahead of the receiver's last
 *                                 acknowledgement; says "net sent N" every
 *                                 PROGRESS_EVERY and one summary line
 *   net-probe flood IP PORT       sends datagrams to IP:PORT as fast as the
 *                                 stack takes them, unacknowledged, until
 *                                 killed; says "net flooded N" every
 *                                 PROGRESS_EVERY
 *   net-probe sink PORT           receives and drops datagrams on PORT until
 *                                 killed; says "net sunk N" every
 *                                 PROGRESS_EVERY
 *   net-probe kick PORT           EVTCHNOP_send on this domain's PORT (its
 *                                 vif's: the backend looks at the rings, as
 *                                 after the kernel's own notification)
 * Datagram n is 64..1024 bytes: n (4 bytes, little-endian), then bytes
 * derived from n and their position.  The window keeps the rate moderate
 * and bounds what is in flight, so any loss shows as a gap, never as an
 * overflowing socket or ARP queue.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <public/xen.h>
#include <public/event_channel.h>
#include <xen/privcmd.h>

/* In flight at most: well inside the receiver's SO_RCVBUF (32 of the
 * largest datagrams are a sixth of it) and netfront's 128 rx buffers. */
#define WINDOW 32
#define ACK_EVERY 4
#define PROGRESS_EVERY 5000
#define IDLE_MS 20000

static size_t dgram_len(uint32_t n)
{
    return 64 + (n * 37u) % 961;
}

static void dgram_fill(uint32_t n, uint8_t *b)
{
    size_t len = dgram_len(n);

    memcpy(b, &n, 4);
    for (size_t i = 4; i < len; i++)
        b[i] = (uint8_t)(n * 31u + i * 7u + (i >> 8));
}

static int udp_socket(uint16_t port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
        perror("net-probe: socket");
        exit(1);
    }
    return fd;
}

static bool readable(int fd, int ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    return poll(&p, 1, ms) > 0;
}

static int do_recv(uint16_t port, uint32_t count)
{
    static uint8_t buf[2048], want[2048];
    uint32_t got = 0, expect = 0, gaps = 0, bad = 0, disorder = 0;
    unsigned long long bytes = 0;
    struct sockaddr_in from;
    int fd = udp_socket(port);

    while (got < count && readable(fd, IDLE_MS)) {
        socklen_t fl = sizeof(from);
        ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
        uint32_t seq;

        if (n < 4)
            continue;
        memcpy(&seq, buf, 4);
        got++;
        bytes += (unsigned long long)n;
        dgram_fill(seq, want);
        if ((size_t)n != dgram_len(seq) || memcmp(buf, want, (size_t)n))
            bad++;
        if (seq > expect)
            gaps++;
        else if (seq < expect)
            disorder++;
        if (seq >= expect)
            expect = seq + 1;
        if (got % ACK_EVERY == 0 || got == count)
            sendto(fd, &got, 4, 0, (struct sockaddr *)&from, fl);
    }
    printf("net recv: %u datagrams, %llu bytes, %u lost, %u gaps, %u bad, %u out of order\n",
           got, bytes, got < count ? count - got : 0, gaps, bad, disorder);
    return got == count && !gaps && !bad && !disorder ? 0 : 1;
}

static int do_send(const char *ip, uint16_t port, uint32_t count)
{
    static uint8_t buf[2048];
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
    uint32_t sent = 0, acked = 0;
    int fd = udp_socket(0);

    if (inet_pton(AF_INET, ip, &to.sin_addr) != 1) {
        fprintf(stderr, "net-probe: bad address %s\n", ip);
        return 2;
    }
    while (acked < count) {
        bool full = sent == count || sent - acked >= WINDOW;

        if (readable(fd, full ? IDLE_MS : 0)) {
            uint32_t a;

            if (recv(fd, &a, 4, 0) == 4 && a > acked && a <= sent)
                acked = a;
            continue;
        }
        if (full)
            break;                      /* nothing acknowledged for IDLE_MS */
        dgram_fill(sent, buf);
        if (sendto(fd, buf, dgram_len(sent), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
            perror("net-probe: sendto");
            break;
        }
        if (++sent % PROGRESS_EVERY == 0) {
            printf("net sent %u\n", sent);
            fflush(stdout);
        }
    }
    printf("net send: %u datagrams, %u acknowledged\n", sent, acked);
    return acked == count ? 0 : 1;
}

static int do_flood(const char *ip, uint16_t port)
{
    static uint8_t buf[2048];
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = udp_socket(0);

    if (inet_pton(AF_INET, ip, &to.sin_addr) != 1) {
        fprintf(stderr, "net-probe: bad address %s\n", ip);
        return 2;
    }
    for (uint32_t sent = 0;;) {
        dgram_fill(sent, buf);
        if (sendto(fd, buf, dgram_len(sent), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
            if (errno != ENOBUFS && errno != EAGAIN) {
                perror("net-probe: sendto");
                return 1;
            }
            poll(NULL, 0, 1);           /* the vif's queue is full: let it drain */
            continue;
        }
        if (++sent % PROGRESS_EVERY == 0) {
            printf("net flooded %u\n", sent);
            fflush(stdout);
        }
    }
}

static _Noreturn void do_sink(uint16_t port)
{
    static uint8_t buf[2048];
    int fd = udp_socket(port);

    for (uint32_t got = 0;;)
        if (recv(fd, buf, sizeof(buf), 0) >= 0 && ++got % PROGRESS_EVERY == 0) {
            printf("net sunk %u\n", got);
            fflush(stdout);
        }
}

static int do_kick(unsigned int port)
{
    struct evtchn_send *op = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED,
                                  -1, 0);
    int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    struct privcmd_hypercall h = { .op = __HYPERVISOR_event_channel_op,
                                   .arg = { EVTCHNOP_send, (uintptr_t)op } };
    long rc;

    if (fd < 0 || op == MAP_FAILED) {
        perror("net-probe: /dev/xen/privcmd");
        return 1;
    }
    op->port = port;
    rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
    printf("net kick: port %u: %ld\n", port, rc < 0 ? -(long)errno : rc);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "kick"))
        return do_kick((unsigned int)strtoul(argv[2], NULL, 10));
    if (argc == 4 && !strcmp(argv[1], "recv"))
        return do_recv((uint16_t)atoi(argv[2]), (uint32_t)strtoul(argv[3], NULL, 10));
    if (argc == 5 && !strcmp(argv[1], "send"))
        return do_send(argv[2], (uint16_t)atoi(argv[3]), (uint32_t)strtoul(argv[4], NULL, 10));
    if (argc == 4 && !strcmp(argv[1], "flood"))
        return do_flood(argv[2], (uint16_t)atoi(argv[3]));
    if (argc == 3 && !strcmp(argv[1], "sink"))
        do_sink((uint16_t)atoi(argv[2]));
    fprintf(stderr, "usage: net-probe recv PORT COUNT | send IP PORT COUNT | flood IP PORT | "
            "sink PORT | kick PORT\n");
    return 2;
}
