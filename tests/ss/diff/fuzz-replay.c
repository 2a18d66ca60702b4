/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Replays the fuzzer's inputs (fuzz/ss/seeds and fuzz/ss/regress) through the
 * same harness without libFuzzer, so every build, including the ASan one,
 * re-checks the inputs that once crashed the reader.
 *
 *   ss-fuzz-replay DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/slurp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path)
{
    size_t n;
    uint8_t *buf = slurp_file(path, &n);
    if (!buf)
        return -1;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int count = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            printf("replay %s\n", path);
            fflush(stdout);
            if (replay(path) == 0)
                count++;
        }
        closedir(d);
    }
    if (!count) {
        printf("skipped: no fuzzer inputs found\n");
        return 77;
    }
    printf("%d inputs replayed without a crash\n", count);
    return 0;
}
