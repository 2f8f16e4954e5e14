/*
 * A PV domain's configuration: the xl.cfg keys heron supports, checked
 * and converted.  Anything else in the file is an error naming its line.
 */
#ifndef TOOLSTACK_DOMAIN_CFG_H
#define TOOLSTACK_DOMAIN_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

#define DOMAIN_NAME_MAX     64
#define DOMAIN_VCPUS_MAX    128     /* xl's HVM limit; hv may allow fewer */
#define DOMAIN_MEMORY_MAX   (1u << 20)  /* MiB (1 TiB) */
#define DOMAIN_CMDLINE_MAX  1024    /* start_info's MAX_GUEST_CMDLINE */

/* on_poweroff / on_reboot / on_crash (xl.cfg "Event Actions"). */
enum domain_action {
    ACTION_DESTROY,
    ACTION_RESTART,
    ACTION_PRESERVE,
    ACTION_RENAME_RESTART,      /* recognised, refused: not supported */
    ACTION_COREDUMP_DESTROY,    /* recognised, refused: not supported */
    ACTION_COREDUMP_RESTART,    /* recognised, refused: not supported */
    ACTION_SOFT_RESET,          /* recognised, refused: not supported */
};

enum disk_format { DISK_RAW, DISK_QCOW, DISK_QCOW2, DISK_VHD, DISK_QED };

struct disk_spec {
    char *target;               /* image or device path (may be empty: cdrom) */
    enum disk_format format;
    char *vdev;                 /* xvda, hdc, sdb, ... */
    bool readonly;
    bool cdrom;
    char *backend;              /* backend domain name, NULL: dom0 */
    char *backendtype;          /* phy, qdisk, standalone, NULL: automatic */
    char *script;
};

struct vif_spec {
    bool has_mac;
    uint8_t mac[6];
    char *bridge;               /* NULL: xenbr0 (xl's default) */
    char *ip;
    char *model;
    char *type;                 /* vif or ioemu */
    char *vifname;
    char *script;
    char *backend;
    unsigned int mtu;           /* 0: default */
};

struct domain_cfg {
    char *name;
    bool hvm;                   /* type = "hvm" (or builder = "hvm"); else PV */
    unsigned int memory_mb;     /* default 128 */
    unsigned int maxmem_mb;     /* default: memory */
    unsigned int vcpus;         /* default 1 */
    char *kernel;
    char *ramdisk;              /* NULL: none */
    char *cmdline;              /* cmdline, or "root=ROOT EXTRA" as xl builds it */
    struct disk_spec *disks;
    unsigned int nr_disks;
    struct vif_spec *vifs;
    unsigned int nr_vifs;
    enum domain_action on_poweroff, on_reboot, on_crash;
};

/*
 * Checks every entry of f and fills *dc.  Returns 0, or -1 with
 * "file:line: key: what" in err.  Kernel and ramdisk must be readable
 * regular files (checked here, relative paths as given).
 */
int domain_cfg_from(const struct cfg_file *f, struct domain_cfg *dc, char *err,
                    size_t errlen);

/* Reads and parses a config file: cfg_parse() then domain_cfg_from(). */
int domain_cfg_load(const char *path, struct domain_cfg *dc, char *err,
                    size_t errlen);

void domain_cfg_free(struct domain_cfg *dc);

const char *domain_action_name(enum domain_action a);

/*
 * One disk or vif spec string (xl-disk-configuration(5),
 * xl-network-configuration(5)).  Return 0, or -1 with a reason in err.
 */
int disk_spec_parse(const char *s, struct disk_spec *d, char *err, size_t errlen);
void disk_spec_free(struct disk_spec *d);
int vif_spec_parse(const char *s, struct vif_spec *v, char *err, size_t errlen);
void vif_spec_free(struct vif_spec *v);

const char *disk_format_name(enum disk_format f);

/*
 * The vbd device number of a vdev (xen-vbd-interface(7)): xvd[a-z]{1,2}N,
 * sd[a-p]N (N < 16), hd[a-d]N (N < 64); -1 for anything else.
 */
int disk_devid(const char *vdev);

#endif
