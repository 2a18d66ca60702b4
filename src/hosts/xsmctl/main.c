/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsmctl: options, the command table, help, and how results are reported
 * (exit status, messages, the --json error object).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsmctl.h"
#include "xsmd_client.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: xsmctl [--dir DIR] [--domain N] [--json] COMMAND [ARG]...\n"
        "\n"
        "Talks to a running xsmd: FLASK and discovery commands are xsm_op hypercalls\n"
        "made as the control domain (DIR/control) or, with --domain N, as domain N\n"
        "(DIR/domN), exactly as a guest or a toolstack makes them; domain management\n"
        "and the questions marked (control) are the daemon's own requests.\n"
        "\n"
        "  info                          XSM ABI version, active and built modules, FLASK state\n"
        "  getenforce                    FLASK's mode\n"
        "  setenforce 0|1|permissive|enforcing\n"
        "  load FILE                     load a binary policy\n"
        "  bool list                     every boolean: value and pending value\n"
        "  bool get NAME\n"
        "  bool set NAME 0|1 [--commit]  set the pending value (and commit all)\n"
        "  bool commit                   make the pending values the live ones\n"
        "  context-to-sid CONTEXT        the SID of a security context\n"
        "  sid-to-context SID            the context of a SID\n"
        "  access SCON TCON CLASS PERM... whether SCON may PERM on TCON (exit 4 if not)\n"
        "  label add KIND WHAT CONTEXT   label a device: KIND pirq, ioport, iomem, pci,\n"
        "  label del KIND WHAT             dt; WHAT a number, a range LOW-HIGH (ioport,\n"
        "  label show KIND WHAT            iomem) or a device-tree path (show: control)\n"
        "  avc stats                     AVC hash statistics and per-CPU cache statistics\n"
        "  avc threshold [N]             read or set the AVC cache threshold\n"
        "  domain create [--label CONTEXT] [--32] [--domid N]   (control)\n"
        "  domain create --kernel FILE [--memory MB] [--label CONTEXT] [--cmdline STRING]\n"
        "                                a KVM guest booted from a Xen PVH kernel\n"
        "  domain destroy N              (control)\n"
        "  domain list                   domains with their labels\n"
        "  create --kernel FILE [--label CONTEXT] [--memory MB] [--cmdline STRING]\n"
        "  destroy N\n"
        "  list                          the same as domain create, destroy, list\n"
        "  console DOMID [--follow]      a KVM guest's PV console output, escaped (control);\n"
        "                                --follow: keep printing until the domain goes\n"
        "  console read [--clear]        the hypervisor's console ring\n"
        "  console clear\n"
        "  why AUDIT-LINE                why FLASK denied it: the rule that is missing, the\n"
        "  why SCON TCON CLASS PERM...     boolean, constraint, MLS check, role or type bound\n"
        "                                responsible (control)\n"
        "\n"
        "  --dir DIR      xsmd's socket directory (default: as xsmd's: /run/xsmd for root,\n"
        "                 else $XDG_RUNTIME_DIR/xsmd or /tmp/xsmd-UID)\n"
        "  --domain N     act as domain N (its socket DIR/domN)\n"
        "  --json         print one JSON object (also for errors) instead of text\n"
        "  --help         this text\n"
        "\n"
        "Exit status:\n"
        "  0  success (access: every permission asked about is granted)\n"
        "  1  the hypervisor or the daemon refused or failed the request (e.g. FLASK\n"
        "     denied it: Permission denied), or it needs the control domain\n"
        "  2  bad command line, unknown class or permission name, unreadable file\n"
        "  3  no xsmd answers at the socket, or the connection broke\n"
        "  4  access: at least one permission asked about is not granted\n");
}

int fail(struct ctl *c, long err, const char *what)
{
    int e = (int)(err < 0 ? -err : err);

    fprintf(stderr, "xsmctl: %s: %s\n", what, strerror(e));
    snprintf(c->last_error, sizeof(c->last_error), "%s: %s", what, strerror(e));
    if (c->json && !c->nested) {
        struct json j = {0};

        js_begin(&j, NULL);
        js_str(&j, "command", c->command);
        js_bool(&j, "ok", false);
        js_str(&j, "error", strerror(e));
        js_int(&j, "errno", e);
        js_str(&j, "what", what);
        js_end(&j);
    }
    return XC_EXIT_FAILED;
}

int usage_error(struct ctl *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "xsmctl: %s%s%s\n", c->command ? c->command : "", c->command ? ": " : "", msg);
    snprintf(c->last_error, sizeof(c->last_error), "%s", msg);
    if (c->json && !c->nested) {
        struct json j = {0};

        js_begin(&j, NULL);
        js_str(&j, "command", c->command);
        js_bool(&j, "ok", false);
        js_str(&j, "error", msg);
        js_bool(&j, "usage", true);
        js_end(&j);
    }
    return XC_EXIT_USAGE;
}

void ok_begin(struct ctl *c)
{
    js_begin(&c->j, NULL);
    js_str(&c->j, "command", c->command);
    js_bool(&c->j, "ok", true);
    js_int(&c->j, "domain", c->domain);
}

void ok_end(struct ctl *c)
{
    js_end(&c->j);
}

struct command {
    const char *name;
    int (*fn)(struct ctl *c, int argc, char **argv);
};

static const struct command commands[] = {
    {"info", cmd_info},
    {"getenforce", cmd_getenforce},
    {"setenforce", cmd_setenforce},
    {"load", cmd_load},
    {"bool", cmd_bool},
    {"context-to-sid", cmd_ctx2sid},
    {"sid-to-context", cmd_sid2ctx},
    {"access", cmd_access},
    {"label", cmd_label},
    {"avc", cmd_avc},
    {"domain", cmd_domain},
    {"create", cmd_create},
    {"destroy", cmd_destroy},
    {"list", cmd_list},
    {"console", cmd_console},
    {"why", cmd_why},
};

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"domain", required_argument, NULL, 'n'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ctl c;
    int opt, rc;

    memset(&c, 0, sizeof(c));
    c.fd = -1;
    xsmd_default_dir(c.dir, sizeof(c.dir));
    /* '+': options after the command word belong to the command. */
    while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            if (strlen(optarg) >= sizeof(c.dir))
                return usage_error(&c, "--dir: path too long");
            snprintf(c.dir, sizeof(c.dir), "%s", optarg);
            break;
        case 'n': {
            char *end;
            long v;

            errno = 0;
            v = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 0 || v >= 0x7ff0)
                return usage_error(&c, "--domain: '%s' is not a domain id", optarg);
            c.domain = (int)v;
            break;
        }
        case 'j':
            c.json = true;
            break;
        case 'h':
            usage(stdout);
            return XC_EXIT_OK;
        default:
            usage(stderr);
            return XC_EXIT_USAGE;
        }
    }
    if (optind == argc) {
        usage(stderr);
        return XC_EXIT_USAGE;
    }
    c.command = argv[optind];
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(commands[i].name, argv[optind]) != 0)
            continue;
        rc = commands[i].fn(&c, argc - optind - 1, argv + optind + 1);
        ctl_close(&c);
        /* The status is the command's; a write error on stdout does not change it. */
        (void)fflush(stdout);
        return rc;
    }
    return usage_error(&c, "unknown command (xsmctl --help lists them)");
}
