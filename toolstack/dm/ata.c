/* heron-dm's IDE/ATA disks (ata.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ata.h"

#define SECTOR          512

#define ST_ERR          0x01
#define ST_DRQ          0x08
#define ST_DSC          0x10
#define ST_DRDY         0x40
#define ERR_ABRT        0x04
#define DEV_UNIT        0x10
#define DEV_LBA         0x40
#define CTL_NIEN        0x02
#define CTL_SRST        0x04

#define CMD_READ        0x20
#define CMD_READ_EXT    0x24
#define CMD_WRITE       0x30
#define CMD_WRITE_EXT   0x34
#define CMD_READ_DMA    0xc8
#define CMD_READ_DMA_EXT 0x25
#define CMD_WRITE_DMA   0xca
#define CMD_WRITE_DMA_EXT 0x35
#define CMD_FLUSH       0xe7
#define CMD_FLUSH_EXT   0xea
#define CMD_IDENTIFY    0xec
#define CMD_SET_FEATURES 0xef

#define FEAT_XFER_MODE  0x03            /* SET FEATURES: transfer mode in the count */
#define XFER_PIO_DEFAULT 0x00           /* ... 0x01: the same without IORDY */
#define XFER_PIO_FLOW   0x08            /* | PIO mode 0-4 */
#define XFER_MWDMA      0x20            /* | MWDMA mode 0-2 */
#define MWDMA_MAX       2
#define MWDMA_NONE      0xff

struct disk {
    int fd;                     /* -1: no drive */
    bool readonly;
    uint64_t sectors;
};

/* The channel's task file; each LBA/count register keeps its previous
 * value too (the "high order byte" of LBA48 commands). */
static struct {
    struct disk disk[ATA_UNITS];
    uint8_t error, device, status, control, features;
    uint8_t count[2], lba[3][2];    /* [0] current, [1] previous */
    bool irq;
    /* The data phase: buf[pos..len) to read, or to fill for a write. */
    uint8_t buf[SECTOR];
    unsigned int pos, len;
    bool writing;
    uint64_t next_lba;
    uint32_t left;              /* sectors after the one in buf */
    uint8_t unit;
    /*
     * A DMA command waiting for the bus master: dma_left bytes from
     * next_lba of dma_unit; a sector split between chunks of guest memory
     * goes through buf, dma_part of its bytes moved.
     */
    bool dma;
    uint8_t dma_unit;
    uint32_t dma_left;
    unsigned int dma_part;
    uint8_t mwdma;              /* the MWDMA mode SET FEATURES selected */
} ch = { .disk = { { .fd = -1 }, { .fd = -1 } }, .status = ST_DRDY | ST_DSC,
         .mwdma = MWDMA_NONE };

static void (*dma_request)(void);

int ata_attach(unsigned int unit, const char *path, bool readonly)
{
    struct stat st;
    int fd;

    if (unit >= ATA_UNITS || ch.disk[unit].fd >= 0)
        return -EINVAL;
    fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) || st.st_size < SECTOR) {
        close(fd);
        return -EINVAL;
    }
    ch.disk[unit] = (struct disk){ fd, readonly, (uint64_t)st.st_size / SECTOR };
    return 0;
}

static struct disk *selected(void)
{
    struct disk *d = &ch.disk[ch.unit];

    return d->fd >= 0 ? d : NULL;
}

static void raise_irq(void)
{
    ch.irq = !(ch.control & CTL_NIEN);
}

static void finish(uint8_t status, uint8_t error)
{
    ch.status = status;
    ch.error = error;
    ch.len = ch.pos = 0;
    ch.dma = false;
    raise_irq();
}

static void abort_cmd(void)
{
    finish(ST_DRDY | ST_DSC | ST_ERR, ERR_ABRT);
}

/* ATA strings are byte-swapped in each word and padded with spaces. */
static void put_string(uint16_t *id, unsigned int first, unsigned int words, const char *s)
{
    for (unsigned int i = 0; i < words * 2; i++) {
        char c = *s ? *s++ : ' ';

        ((uint8_t *)&id[first])[i ^ 1] = (uint8_t)c;
    }
}

static void identify(const struct disk *d)
{
    uint16_t *id = (uint16_t *)ch.buf;
    uint64_t lba28 = d->sectors < 0x0fffffff ? d->sectors : 0x0fffffff;

    memset(ch.buf, 0, SECTOR);
    id[0] = 0x0040;                             /* fixed, not removable */
    put_string(id, 10, 10, "HERONDM0");
    put_string(id, 23, 4, "1.0");
    put_string(id, 27, 20, "heron-dm disk");
    id[47] = 0x8001;                            /* 1 sector per DRQ block */
    id[49] = (1u << 9) | (1u << 8);             /* LBA, DMA */
    id[53] = 1u << 1;                           /* words 64-70 valid */
    id[60] = (uint16_t)lba28;
    id[61] = (uint16_t)(lba28 >> 16);
    /* MWDMA 2 and below (what the PIIX3 does), and the one selected. */
    id[63] = 0x0007 | (ch.mwdma <= MWDMA_MAX ? 1u << (8 + ch.mwdma) : 0);
    id[65] = 120;                               /* MWDMA2's cycle time, ns */
    id[66] = 120;
    id[80] = 0x00f0;                            /* ATA-4 .. ATA-7 */
    id[83] = (1u << 14) | (1u << 13) | (1u << 12) | (1u << 10);  /* LBA48, FLUSH EXT */
    id[86] = (1u << 13) | (1u << 12) | (1u << 10);
    for (unsigned int i = 0; i < 4; i++)
        id[100 + i] = (uint16_t)(d->sectors >> (16 * i));
    ch.pos = 0;
    ch.len = SECTOR;
    ch.writing = false;
    ch.left = 0;
    ch.status = ST_DRDY | ST_DSC | ST_DRQ;
    raise_irq();
}

/* count sectors between p and the image at next_lba, all of them or false. */
static bool sectors_io(const struct disk *d, bool write, uint8_t *p, uint32_t count)
{
    size_t n = (size_t)count * SECTOR;
    off_t off = (off_t)(ch.next_lba * SECTOR);

    while (n) {
        ssize_t done = write ? pwrite(d->fd, p, n, off) : pread(d->fd, p, n, off);

        if (done <= 0)
            return false;
        p += done;
        n -= (size_t)done;
        off += done;
    }
    return true;
}

static bool load_sector(const struct disk *d)
{
    if (!sectors_io(d, false, ch.buf, 1))
        return false;
    ch.next_lba++;
    ch.pos = 0;
    ch.len = SECTOR;
    ch.status = ST_DRDY | ST_DSC | ST_DRQ;
    raise_irq();
    return true;
}

static void start_rw(struct disk *d, bool write, bool ext, bool dma)
{
    uint64_t lba;
    uint32_t count;

    if (ext) {
        lba = (uint64_t)ch.lba[0][0] | (uint64_t)ch.lba[1][0] << 8 |
              (uint64_t)ch.lba[2][0] << 16 | (uint64_t)ch.lba[0][1] << 24 |
              (uint64_t)ch.lba[1][1] << 32 | (uint64_t)ch.lba[2][1] << 40;
        count = (uint32_t)ch.count[0] | (uint32_t)ch.count[1] << 8;
        if (!count)
            count = 65536;
    } else {
        lba = (uint64_t)ch.lba[0][0] | (uint64_t)ch.lba[1][0] << 8 |
              (uint64_t)ch.lba[2][0] << 16 | (uint64_t)(ch.device & 0x0f) << 24;
        count = ch.count[0] ? ch.count[0] : 256;
    }
    if (!(ch.device & DEV_LBA) || lba + count > d->sectors || (write && d->readonly)) {
        abort_cmd();
        return;
    }
    ch.next_lba = lba;
    ch.left = count - 1;
    ch.writing = write;
    if (dma) {
        ch.dma = true;
        ch.dma_unit = ch.unit;
        ch.dma_left = count * SECTOR;
        ch.dma_part = 0;
        ch.status = ST_DRDY | ST_DSC | ST_DRQ;  /* the data goes by the bus master */
        if (dma_request)
            dma_request();
    } else if (write) {
        ch.pos = 0;
        ch.len = SECTOR;
        ch.status = ST_DRDY | ST_DSC | ST_DRQ;  /* no interrupt before the first */
    } else if (!load_sector(d)) {
        abort_cmd();
    }
}

/* SET FEATURES: transfer modes are checked and MWDMA's kept for IDENTIFY;
 * other subcommands have nothing to set. */
static void set_features(void)
{
    uint8_t mode = ch.count[0];
    bool pio = mode <= XFER_PIO_DEFAULT + 1 ||
               (mode >= XFER_PIO_FLOW && mode <= XFER_PIO_FLOW + 4);
    bool mwdma = mode >= XFER_MWDMA && mode <= XFER_MWDMA + MWDMA_MAX;

    if (ch.features != FEAT_XFER_MODE) {
        finish(ST_DRDY | ST_DSC, 0);
    } else if (pio || mwdma) {
        if (mwdma)
            ch.mwdma = (uint8_t)(mode - XFER_MWDMA);
        finish(ST_DRDY | ST_DSC, 0);
    } else {
        abort_cmd();            /* UDMA and unknown modes */
    }
}

static void command(uint8_t cmd)
{
    struct disk *d = selected();

    if (!d)
        return;                 /* no drive answers */
    ch.error = 0;
    ch.dma = false;             /* a new command replaces one that waited */
    switch (cmd) {
    case CMD_IDENTIFY:
        identify(d);
        break;
    case CMD_READ:
    case CMD_READ_EXT:
    case CMD_WRITE:
    case CMD_WRITE_EXT:
        start_rw(d, cmd == CMD_WRITE || cmd == CMD_WRITE_EXT,
                 cmd == CMD_READ_EXT || cmd == CMD_WRITE_EXT, false);
        break;
    case CMD_READ_DMA:
    case CMD_READ_DMA_EXT:
    case CMD_WRITE_DMA:
    case CMD_WRITE_DMA_EXT:
        start_rw(d, cmd == CMD_WRITE_DMA || cmd == CMD_WRITE_DMA_EXT,
                 cmd == CMD_READ_DMA_EXT || cmd == CMD_WRITE_DMA_EXT, true);
        break;
    case CMD_FLUSH:
    case CMD_FLUSH_EXT:
        if (fsync(d->fd) && !d->readonly)
            abort_cmd();
        else
            finish(ST_DRDY | ST_DSC, 0);
        break;
    case CMD_SET_FEATURES:
        set_features();
        break;
    default:
        abort_cmd();
    }
}

/* A data-port read or write of size bytes moved the data phase on. */
static void data_done(void)
{
    struct disk *d = selected();

    if (ch.pos < ch.len || !d)
        return;
    if (ch.writing) {
        if (!sectors_io(d, true, ch.buf, 1)) {
            abort_cmd();
            return;
        }
        ch.next_lba++;
    }
    if (!ch.left) {
        finish(ST_DRDY | ST_DSC, 0);
        return;
    }
    ch.left--;
    if (ch.writing) {
        ch.pos = 0;
        ch.len = SECTOR;
        ch.status = ST_DRDY | ST_DSC | ST_DRQ;
        raise_irq();
    } else if (!load_sector(d)) {
        abort_cmd();
    }
}

static uint32_t data_read(unsigned int size)
{
    uint32_t v = 0;

    if (!(ch.status & ST_DRQ) || ch.writing || ch.dma)
        return 0xffffffffu >> (32 - 8 * size);
    for (unsigned int i = 0; i < size && ch.pos < ch.len; i++)
        v |= (uint32_t)ch.buf[ch.pos++] << (8 * i);
    data_done();
    return v;
}

static void data_write(unsigned int size, uint32_t v)
{
    if (!(ch.status & ST_DRQ) || !ch.writing || ch.dma)
        return;
    for (unsigned int i = 0; i < size && ch.pos < ch.len; i++)
        ch.buf[ch.pos++] = (uint8_t)(v >> (8 * i));
    data_done();
}

static uint8_t status_of_selected(void)
{
    return selected() ? ch.status : 0;  /* no drive: the bus reads 0 */
}

uint32_t ata_read(uint16_t port, unsigned int size)
{
    if (port == ATA_CTL_PORT)
        return status_of_selected();    /* alternate status: no side effect */
    switch (port - ATA_CMD_PORT) {
    case 0:
        return data_read(size);
    case 1:
        return selected() ? ch.error : 0;
    case 2:
        return ch.count[0];
    case 3:
    case 4:
    case 5:
        return ch.lba[port - ATA_CMD_PORT - 3][0];
    case 6:
        return ch.device | 0xa0;
    default:
        ch.irq = false;                 /* reading the status acknowledges */
        return status_of_selected();
    }
}

static void reset_channel(void)
{
    ch.status = ST_DRDY | ST_DSC;
    ch.error = 0x01;                    /* diagnostic: no error */
    ch.len = ch.pos = 0;
    ch.count[0] = 1;
    ch.lba[0][0] = 1;
    ch.lba[1][0] = ch.lba[2][0] = 0;
    ch.device = 0;
    ch.unit = 0;
    ch.irq = false;
    ch.dma = false;
}

void ata_write(uint16_t port, unsigned int size, uint32_t val)
{
    uint8_t b = (uint8_t)val;

    if (port == ATA_CTL_PORT) {
        if ((b & CTL_SRST) && !(ch.control & CTL_SRST))
            reset_channel();
        ch.control = b;
        return;
    }
    switch (port - ATA_CMD_PORT) {
    case 0:
        data_write(size, val);
        break;
    case 1:
        ch.features = b;
        break;
    case 2:
        ch.count[1] = ch.count[0];
        ch.count[0] = b;
        break;
    case 3:
    case 4:
    case 5:
        ch.lba[port - ATA_CMD_PORT - 3][1] = ch.lba[port - ATA_CMD_PORT - 3][0];
        ch.lba[port - ATA_CMD_PORT - 3][0] = b;
        break;
    case 6:
        ch.device = b;
        ch.unit = (b & DEV_UNIT) ? 1 : 0;
        break;
    default:
        command(b);
    }
}

bool ata_irq_level(void)
{
    return ch.irq && !(ch.control & CTL_NIEN);
}

void ata_on_dma_request(void (*request)(void))
{
    dma_request = request;
}

uint32_t ata_dma_pending(bool *to_disk)
{
    *to_disk = ch.writing;
    return ch.dma ? ch.dma_left : 0;
}

/*
 * Whole sectors go straight between the guest's page and the image; a
 * chunk that splits a sector goes through buf, read before its first
 * byte is taken, written once its last byte is in.
 */
bool ata_dma_move(uint8_t *mem, uint32_t len)
{
    const struct disk *d = &ch.disk[ch.dma_unit];

    if (!ch.dma || len > ch.dma_left)
        return false;
    while (len) {
        uint32_t n;

        if (!ch.dma_part && len >= SECTOR) {
            n = len & ~(uint32_t)(SECTOR - 1);
            if (!sectors_io(d, ch.writing, mem, n / SECTOR))
                return false;
            ch.next_lba += n / SECTOR;
        } else {
            n = SECTOR - ch.dma_part < len ? SECTOR - ch.dma_part : len;
            if (!ch.dma_part && !ch.writing && !sectors_io(d, false, ch.buf, 1))
                return false;
            if (ch.writing)
                memcpy(ch.buf + ch.dma_part, mem, n);
            else
                memcpy(mem, ch.buf + ch.dma_part, n);
            ch.dma_part += n;
            if (ch.dma_part == SECTOR) {
                if (ch.writing && !sectors_io(d, true, ch.buf, 1))
                    return false;
                ch.dma_part = 0;
                ch.next_lba++;
            }
        }
        mem += n;
        len -= n;
        ch.dma_left -= n;
    }
    return true;
}

void ata_dma_end(bool ok)
{
    if (!ch.dma)
        return;
    if (ok && !ch.dma_left)
        finish(ST_DRDY | ST_DSC, 0);
    else
        abort_cmd();
}
