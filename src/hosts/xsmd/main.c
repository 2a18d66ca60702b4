/* SPDX-License-Identifier: GPL-2.0-only */
/* xsmd's entry point: the daemon is xsmd_main() (xsmd.c), which a test build shares. */
#include "xsmd.h"

int main(int argc, char **argv)
{
    return xsmd_main(argc, argv, NULL);
}
