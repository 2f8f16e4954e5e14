/*
 * heron-xs: the xenstore command line, one binary with xl-style
 * subcommands.  Talks to any xenstored over its UNIX socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"

static const char *sock_path;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: heron-xs [-s SOCKET] COMMAND ARGS...\n"
        "  read PATH...               print each value\n"
        "  write PATH VALUE...        set values (pairs)\n"
        "  ls [-r] [-p] [PATH]        list children; -r: whole subtree as\n"
        "                             'path = \"value\"'; -p: with perms\n"
        "  mkdir PATH...              create (with parents)\n"
        "  rm PATH...                 remove with subtree\n"
        "  chmod PATH PERM...         set perms, e.g. n0 r5 (owner first)\n"
        "  perms PATH                 print perms\n"
        "  watch [-n COUNT] PATH      print 'path token' per event\n"
        "  domain-path DOMID          print /local/domain/DOMID\n"
        "  introduce DOMID GFN PORT   connect a domain's ring (dom0)\n"
        "  release DOMID              disconnect a domain (dom0)\n"
        "SOCKET defaults to $XENSTORED_PATH, else " HXS_DEFAULT_SOCKET ".\n");
}

static int fail(const char *what, const char *arg, int err)
{
    fprintf(stderr, "heron-xs: %s %s: %s\n", what, arg, strerror(err));
    return 1;
}

static int cmd_read(struct hxs *h, int argc, char **argv)
{
    int i, err;

    for (i = 0; i < argc; i++) {
        char *v;
        size_t len;

        err = hxs_read(h, 0, argv[i], &v, &len);
        if (err)
            return fail("read", argv[i], err);
        fwrite(v, 1, len, stdout);
        putchar('\n');
        free(v);
    }
    return 0;
}

static int cmd_write(struct hxs *h, int argc, char **argv)
{
    int i, err;

    if (argc % 2) {
        usage(stderr);
        return 2;
    }
    for (i = 0; i < argc; i += 2) {
        err = hxs_write(h, 0, argv[i], argv[i + 1], strlen(argv[i + 1]));
        if (err)
            return fail("write", argv[i], err);
    }
    return 0;
}

static void print_perms(struct hxs *h, const char *path)
{
    struct hxs_perm *p;
    unsigned n, i;
    char buf[16];

    if (hxs_get_perms(h, 0, path, &p, &n))
        return;
    printf("  (");
    for (i = 0; i < n; i++) {
        hxs_perm_format(&p[i], buf, sizeof(buf));
        printf("%s%s", i ? "," : "", buf);
    }
    printf(")");
    free(p);
}

static int list_tree(struct hxs *h, const char *path, bool perms)
{
    char **names, *v, child[4096];
    unsigned n, i;
    size_t len;
    int err = hxs_directory(h, 0, path, &names, &n);

    if (err)
        return fail("ls", path, err);
    for (i = 0; i < n && !err; i++) {
        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "",
                 names[i]);
        if (hxs_read(h, 0, child, &v, &len) == 0) {
            printf("%s = \"%.*s\"", child, (int)len, v);
            free(v);
        } else {
            printf("%s", child);
        }
        if (perms)
            print_perms(h, child);
        putchar('\n');
        err = list_tree(h, child, perms);
    }
    free(names);
    return err;
}

static int cmd_ls(struct hxs *h, int argc, char **argv)
{
    bool rec = false, perms = false;
    const char *path = "/";
    char **names;
    unsigned n, i;
    int err;

    for (; argc && argv[0][0] == '-'; argc--, argv++) {
        if (!strcmp(argv[0], "-r"))
            rec = true;
        else if (!strcmp(argv[0], "-p"))
            perms = true;
        else {
            usage(stderr);
            return 2;
        }
    }
    if (argc > 1) {
        usage(stderr);
        return 2;
    }
    if (argc)
        path = argv[0];
    if (rec)
        return list_tree(h, path, perms);
    err = hxs_directory(h, 0, path, &names, &n);
    if (err)
        return fail("ls", path, err);
    for (i = 0; i < n; i++) {
        printf("%s", names[i]);
        if (perms) {
            char child[4096];

            snprintf(child, sizeof(child), "%s/%s",
                     strcmp(path, "/") ? path : "", names[i]);
            print_perms(h, child);
        }
        putchar('\n');
    }
    free(names);
    return 0;
}

static int cmd_each(struct hxs *h, int argc, char **argv, const char *what,
                    int (*op)(struct hxs *, uint32_t, const char *))
{
    int i, err;

    if (!argc) {
        usage(stderr);
        return 2;
    }
    for (i = 0; i < argc; i++) {
        err = op(h, 0, argv[i]);
        if (err)
            return fail(what, argv[i], err);
    }
    return 0;
}

static int cmd_chmod(struct hxs *h, int argc, char **argv)
{
    struct hxs_perm *p;
    int i, err;

    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    p = calloc(argc - 1, sizeof(*p));
    if (!p)
        return fail("chmod", argv[0], ENOMEM);
    for (i = 1; i < argc; i++) {
        if (hxs_perm_parse(argv[i], &p[i - 1])) {
            free(p);
            return fail("chmod: bad permission", argv[i], EINVAL);
        }
    }
    err = hxs_set_perms(h, 0, argv[0], p, argc - 1);
    free(p);
    return err ? fail("chmod", argv[0], err) : 0;
}

static int cmd_perms(struct hxs *h, int argc, char **argv)
{
    struct hxs_perm *p;
    unsigned n, i;
    char buf[16];
    int err;

    if (argc != 1) {
        usage(stderr);
        return 2;
    }
    err = hxs_get_perms(h, 0, argv[0], &p, &n);
    if (err)
        return fail("perms", argv[0], err);
    for (i = 0; i < n; i++) {
        hxs_perm_format(&p[i], buf, sizeof(buf));
        printf("%s%s", i ? " " : "", buf);
    }
    putchar('\n');
    free(p);
    return 0;
}

static int cmd_watch(struct hxs *h, int argc, char **argv)
{
    long count = -1;
    char *path, *token;
    int err;

    if (argc >= 2 && !strcmp(argv[0], "-n")) {
        count = strtol(argv[1], NULL, 10);
        argc -= 2;
        argv += 2;
    }
    if (argc != 1 || count == 0) {
        usage(stderr);
        return 2;
    }
    err = hxs_watch(h, argv[0], "heron-xs");
    if (err)
        return fail("watch", argv[0], err);
    while (count < 0 || count-- > 0) {
        err = hxs_read_watch(h, &path, &token, -1);
        if (err)
            return fail("watch", argv[0], err);
        printf("%s %s\n", path, token);
        fflush(stdout);
        free(path);
        free(token);
    }
    return 0;
}

static unsigned long number(const char *s, bool *ok)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);

    *ok = *ok && *s && !*end;
    return v;
}

static int cmd_domain(struct hxs *h, const char *cmd, int argc, char **argv)
{
    bool ok = true;
    unsigned long domid = argc ? number(argv[0], &ok) : 0;
    char *path;
    int err;

    if (!strcmp(cmd, "introduce") && argc == 3) {
        unsigned long gfn = number(argv[1], &ok), port = number(argv[2], &ok);

        if (!ok)
            return fail(cmd, "arguments", EINVAL);
        err = hxs_introduce(h, domid, gfn, port);
    } else if (!strcmp(cmd, "release") && argc == 1 && ok) {
        err = hxs_release(h, domid);
    } else if (!strcmp(cmd, "domain-path") && argc == 1 && ok) {
        err = hxs_get_domain_path(h, domid, &path);
        if (!err) {
            printf("%s\n", path);
            free(path);
        }
    } else {
        usage(stderr);
        return 2;
    }
    return err ? fail(cmd, argv[0], err) : 0;
}

int main(int argc, char **argv)
{
    struct hxs *h;
    const char *cmd;
    int rc;

    argc--, argv++;
    if (argc >= 2 && !strcmp(argv[0], "-s")) {
        sock_path = argv[1];
        argc -= 2;
        argv += 2;
    }
    if (!argc || !strcmp(argv[0], "help") || !strcmp(argv[0], "--help")) {
        usage(argc ? stdout : stderr);
        return argc ? 0 : 2;
    }
    cmd = argv[0];
    argc--, argv++;
    h = hxs_open(sock_path);
    if (!h)
        return fail("connect", sock_path ? sock_path : "(default)", errno);
    if (!strcmp(cmd, "read"))
        rc = cmd_read(h, argc, argv);
    else if (!strcmp(cmd, "write"))
        rc = cmd_write(h, argc, argv);
    else if (!strcmp(cmd, "ls"))
        rc = cmd_ls(h, argc, argv);
    else if (!strcmp(cmd, "mkdir"))
        rc = cmd_each(h, argc, argv, "mkdir", hxs_mkdir);
    else if (!strcmp(cmd, "rm"))
        rc = cmd_each(h, argc, argv, "rm", hxs_rm);
    else if (!strcmp(cmd, "chmod"))
        rc = cmd_chmod(h, argc, argv);
    else if (!strcmp(cmd, "perms"))
        rc = cmd_perms(h, argc, argv);
    else if (!strcmp(cmd, "watch"))
        rc = cmd_watch(h, argc, argv);
    else if (!strcmp(cmd, "introduce") || !strcmp(cmd, "release") ||
             !strcmp(cmd, "domain-path"))
        rc = cmd_domain(h, cmd, argc, argv);
    else {
        usage(stderr);
        rc = 2;
    }
    hxs_close(h);
    return rc;
}
