/* The heron command line: one table of commands, their usage and options. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "heron.h"

static const struct {
    enum heron_cmd_id id;
    const char *name, *usage, *summary;
} commands[] = {
    { CMD_CREATE, "create", "create [-c] [-n] CONFIG",
      "create a PV domain from an xl.cfg file; -c attaches its console, -n runs "
      "no monitor (no on_poweroff/on_reboot/on_crash handling)" },
    { CMD_LIST, "list", "list [--json] [DOMAIN]", "list domains: id, name, memory, "
      "vCPUs, state, CPU time" },
    { CMD_DESTROY, "destroy", "destroy DOMAIN", "stop a domain at once and free "
      "everything it had" },
    { CMD_SHUTDOWN, "shutdown", "shutdown [-F] [-w] DOMAIN", "ask a domain to power "
      "off (control/shutdown); -F forces it through hv, -w waits until it is gone" },
    { CMD_REBOOT, "reboot", "reboot [-F] [-w] DOMAIN", "ask a domain to reboot; -F "
      "and -w as for shutdown" },
    { CMD_PAUSE, "pause", "pause DOMAIN", "stop scheduling a domain" },
    { CMD_UNPAUSE, "unpause", "unpause DOMAIN", "schedule a paused domain again" },
    { CMD_CONSOLE, "console", "console DOMAIN", "attach to a domain's console "
      "(Ctrl-] detaches)" },
    { CMD_MEM_SET, "mem-set", "mem-set DOMAIN MEMORY", "set a domain's memory target "
      "(MEMORY in MiB, or with a k, m or g suffix) for its balloon driver" },
    { CMD_VCPU_LIST, "vcpu-list", "vcpu-list [DOMAIN]", "list vCPUs: state, CPU, CPU "
      "time" },
    { CMD_INFO, "info", "info", "the host: CPUs, memory, free memory" },
    { CMD_HELP, "help", "help [COMMAND]", "this text, or one command's" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int usage(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int usage(char *err, size_t errlen, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "heron: ");
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err + n, errlen - n, fmt, ap);
    va_end(ap);
    return HERON_EUSAGE;
}

/* "512", "512m", "2g", "65536k" -> KiB. */
static int parse_memory(const char *s, unsigned long long *kb)
{
    unsigned long long v, mul = 1024;
    char *end;

    if (*s < '0' || *s > '9')
        return -1;
    v = strtoull(s, &end, 10);
    if (*end == 'k' || *end == 'K')
        mul = 1;
    else if (*end == 'm' || *end == 'M')
        mul = 1024;
    else if (*end == 'g' || *end == 'G')
        mul = 1024 * 1024;
    else if (*end)
        return -1;
    if (*end && end[1])
        return -1;
    if (v == 0 || v > (1ull << 40) / mul)
        return -1;
    *kb = v * mul;
    return 0;
}

int heron_parse_args(int argc, char *const argv[], struct heron_cmd *cmd, char *err,
                     size_t errlen)
{
    const char *pos[2] = { NULL, NULL };
    unsigned int npos = 0, i, want_min, want_max;

    memset(cmd, 0, sizeof(*cmd));
    if (argc < 2) {
        cmd->id = CMD_HELP;
        cmd->name = "help";
        return HERON_OK;
    }
    for (i = 0; i < NR_COMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            break;
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
        i = NR_COMMANDS - 1;
    if (i == NR_COMMANDS)
        return usage(err, errlen, "unknown command '%s' (try 'heron help')", argv[1]);
    cmd->id = commands[i].id;
    cmd->name = commands[i].name;
    for (int a = 2; a < argc; a++) {
        const char *s = argv[a];

        if (s[0] == '-' && s[1] && npos == 0) {
            if (cmd->id == CMD_CREATE && !strcmp(s, "-c"))
                cmd->console = true;
            else if (cmd->id == CMD_CREATE && !strcmp(s, "-n"))
                cmd->no_monitor = true;
            else if (cmd->id == CMD_LIST && !strcmp(s, "--json"))
                cmd->json = true;
            else if ((cmd->id == CMD_SHUTDOWN || cmd->id == CMD_REBOOT) &&
                     !strcmp(s, "-F"))
                cmd->force = true;
            else if ((cmd->id == CMD_SHUTDOWN || cmd->id == CMD_REBOOT) &&
                     !strcmp(s, "-w"))
                cmd->wait = true;
            else
                return usage(err, errlen, "%s: unknown option '%s' (usage: heron %s)",
                             cmd->name, s, commands[i].usage);
            continue;
        }
        if (npos == 2)
            return usage(err, errlen, "%s: too many arguments (usage: heron %s)",
                         cmd->name, commands[i].usage);
        pos[npos++] = s;
    }
    switch (cmd->id) {
    case CMD_CREATE: case CMD_DESTROY: case CMD_SHUTDOWN: case CMD_REBOOT:
    case CMD_PAUSE: case CMD_UNPAUSE: case CMD_CONSOLE:
        want_min = want_max = 1;
        break;
    case CMD_MEM_SET:
        want_min = want_max = 2;
        break;
    case CMD_LIST: case CMD_VCPU_LIST: case CMD_HELP:
        want_min = 0;
        want_max = 1;
        break;
    default:
        want_min = want_max = 0;
        break;
    }
    if (npos < want_min)
        return usage(err, errlen, "%s: missing argument (usage: heron %s)", cmd->name,
                     commands[i].usage);
    if (npos > want_max)
        return usage(err, errlen, "%s: too many arguments (usage: heron %s)", cmd->name,
                     commands[i].usage);
    if (cmd->id == CMD_CREATE)
        cmd->config = pos[0];
    else if (cmd->id == CMD_HELP)
        cmd->topic = pos[0];
    else
        cmd->domain = pos[0];
    if (cmd->domain && !*cmd->domain)
        return usage(err, errlen, "%s: empty domain name", cmd->name);
    if (cmd->id == CMD_MEM_SET && parse_memory(pos[1], &cmd->mem_kb))
        return usage(err, errlen, "mem-set: '%s' is not a memory size (MiB, or a "
                     "number with k, m or g)", pos[1]);
    return HERON_OK;
}

int heron_help(FILE *out, const char *topic)
{
    if (topic) {
        for (unsigned int i = 0; i < NR_COMMANDS; i++)
            if (!strcmp(topic, commands[i].name)) {
                fprintf(out, "usage: heron %s\n  %s\n", commands[i].usage,
                        commands[i].summary);
                return HERON_OK;
            }
        fprintf(out, "heron: help: unknown command '%s'\n", topic);
        return HERON_EUSAGE;
    }
    fprintf(out, "usage: heron COMMAND [ARGS]\n\n");
    for (unsigned int i = 0; i < NR_COMMANDS; i++)
        fprintf(out, "  heron %s\n      %s\n", commands[i].usage, commands[i].summary);
    fprintf(out, "\nDOMAIN is a name or a numeric id.  Exit status: 0 done, 1 failed, "
            "2 usage,\n3 bad config, 4 no such domain, 5 no hypervisor or xenstore "
            "access.\n");
    return HERON_OK;
}
