/* heron: dom0's command-line toolstack (heron help; docs/toolstack.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "console_proto.h"
#include "heron.h"

int main(int argc, char *argv[])
{
    struct heron_env env = { .out = stdout, .err = stderr };
    struct heron_cmd cmd;
    char err[512];
    int rc = heron_parse_args(argc, argv, &cmd, err, sizeof(err));
    struct hv_ops *hv;

    if (rc) {
        fprintf(stderr, "%s\n", err);
        return rc;
    }
    if (cmd.id == CMD_HELP)
        return heron_help(stdout, cmd.topic);
    env.console_socket = getenv("HERON_CONSOLE_SOCKET");
    if (!env.console_socket || !*env.console_socket)
        env.console_socket = CONSOLE_SOCKET_DEFAULT;
    hv = hvops_privcmd_open();
    if (!hv) {
        fprintf(stderr, "heron: %s: cannot open /dev/xen/privcmd: %s (heron runs in "
                "dom0)\n", cmd.name, strerror(errno));
        return HERON_ENOENV;
    }
    env.hv = hv;
    env.xs = hxs_open(NULL);
    if (!env.xs) {
        fprintf(stderr, "heron: %s: cannot reach xenstored: %s\n", cmd.name,
                strerror(errno));
        hvops_privcmd_close(hv);
        return HERON_ENOENV;
    }
    rc = heron_run(&env, &cmd);
    hxs_close(env.xs);
    hvops_privcmd_close(hv);
    return rc;
}
