// Experiment (issue 16), not part of the build: whether the pre-fault read pass QEMU's background snapshot makes over
// guest RAM (one byte per 4 KiB page, inside the pause) stays as short from one snapshot to the next, on one anonymous
// mapping mapped as QEMU maps guest RAM (MADV_HUGEPAGE, 80% written). Each round: the read pass (timed), QEMU's
// write-protect and per-page unprotect (which splits the huge pages), then MADV_COLLAPSE as the engine's
// collapse-huge-pages step does, then 0.5 s. Run it with the virtio balloon's free page reporting on, then with the
// driver unbound and free memory touched once (what native/bench.sh does): figures in docs/benchmarks.md.
//   gcc -O2 -o /tmp/prefault-rounds native/experiments/prefault-rounds.c && /tmp/prefault-rounds 4096 12
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static long huge_kb(void) {
    FILE *f = fopen("/proc/self/smaps_rollup", "r"); char l[256]; long kb = -1;
    while (fgets(l, sizeof l, f)) if (!strncmp(l, "AnonHugePages:", 14)) kb = atol(l + 14);
    fclose(f); return kb;
}
int main(int argc, char **argv) {
    size_t size = (size_t)(argc > 1 ? atol(argv[1]) : 4096) << 20; int rounds = argc > 2 ? atoi(argv[2]) : 10;
    char *ram = mmap(NULL, size + (2 << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    ram = (char *)(((unsigned long)ram + (2 << 20) - 1) & ~((2UL << 20) - 1));
    madvise(ram, size, MADV_HUGEPAGE);
    for (size_t o = 0; o < size * 8 / 10; o += 4096) ram[o] = (char)o | 1;
    for (int r = 0; r < rounds; r++) {
        volatile char sink = 0; double t = now();
        for (size_t o = 0; o < size; o += 4096) sink += ram[o];
        double pf = now() - t; long before = huge_kb();
        int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
        struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP }; ioctl(uffd, UFFDIO_API, &api);
        struct uffdio_register reg = { .range = { (unsigned long)ram, size }, .mode = UFFDIO_REGISTER_MODE_WP }; ioctl(uffd, UFFDIO_REGISTER, &reg);
        struct uffdio_writeprotect wp = { .range = { (unsigned long)ram, size }, .mode = UFFDIO_WRITEPROTECT_MODE_WP }; ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
        for (size_t o = 0; o < size; o += 4096) { struct uffdio_writeprotect un = { .range = { (unsigned long)ram + o, 4096 }, .mode = 0 }; ioctl(uffd, UFFDIO_WRITEPROTECT, &un); }
        close(uffd);
        t = now(); int c = madvise(ram, size, MADV_COLLAPSE); double tc = now() - t;
        printf("round %2d: pre-fault %7.1f ms (AnonHuge %5ld MiB); collapse %d in %6.0f ms -> %5ld MiB\n", r + 1, pf, before >> 10, c, tc, huge_kb() >> 10);
        fflush(stdout); usleep(500000);
    }
    return 0;
}
