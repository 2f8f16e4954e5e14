/*
 * The heron CLI (xl-like): commands, their arguments, exit codes, and
 * what they need to run (the hv operations and a xenstore connection).
 */
#ifndef TOOLSTACK_HERON_H
#define TOOLSTACK_HERON_H

#include <stdbool.h>
#include <stdio.h>

#include "hvops.h"
#include "xs.h"

/* Exit codes (docs/toolstack.md); scripts may rely on them. */
enum heron_exit {
    HERON_OK = 0,
    HERON_EFAIL = 1,        /* the operation failed (hv or xenstore refused) */
    HERON_EUSAGE = 2,       /* bad command line */
    HERON_ECONFIG = 3,      /* the config file is wrong */
    HERON_ENODOMAIN = 4,    /* no such domain */
    HERON_ENOENV = 5,       /* no /dev/xen/privcmd or no xenstored */
};

enum heron_cmd_id {
    CMD_HELP, CMD_CREATE, CMD_LIST, CMD_DESTROY, CMD_SHUTDOWN, CMD_REBOOT,
    CMD_PAUSE, CMD_UNPAUSE, CMD_CONSOLE, CMD_MEM_SET, CMD_VCPU_LIST, CMD_INFO,
};

struct heron_cmd {
    enum heron_cmd_id id;
    const char *name;       /* as typed */
    bool console;           /* create -c */
    bool json;              /* list --json */
    bool force;             /* shutdown/reboot -F: hv's remote_shutdown */
    bool wait;              /* shutdown/reboot -w: until the domain is gone */
    bool no_monitor;        /* create -n: no per-domain monitor process */
    const char *config;     /* create */
    const char *domain;     /* name or id */
    unsigned long long mem_kb;  /* mem-set */
    const char *topic;      /* help TOPIC */
};

/*
 * Parses argv (argv[0] is the program).  Returns HERON_OK, or
 * HERON_EUSAGE with "heron: ..." in err.  No arguments means help.
 */
int heron_parse_args(int argc, char *const argv[], struct heron_cmd *cmd, char *err,
                     size_t errlen);

/* `heron help [COMMAND]` text; HERON_EUSAGE for an unknown command. */
int heron_help(FILE *out, const char *topic);

/* What commands run against. */
struct heron_env {
    const struct hv_ops *hv;
    struct hxs *xs;
    FILE *out, *err;
    const char *console_socket;     /* heron-consoled's socket */
};

int heron_run(struct heron_env *env, const struct heron_cmd *cmd);

#endif
