// Experiment (issue 16), not part of the build: what QEMU's background snapshot does inside the pause, replayed on
// one anonymous mapping mapped as QEMU maps guest RAM (MADV_HUGEPAGE), 80% written: the pre-fault read pass (one byte
// per page), UFFDIO_REGISTER and UFFDIO_WRITEPROTECT of the whole range; then QEMU's per-page unprotect (which splits
// the huge pages); the same again on the split range; then MADV_COLLAPSE and the same again. With "hugetlb", the
// same on MAP_HUGETLB memory (a hugepage-backed guest: QEMU steps 2 MiB). Figures in docs/benchmarks.md.
//   gcc -O2 -o /tmp/uffd-pause native/experiments/uffd-pause.c && /tmp/uffd-pause 4096
//   echo 2048 > /proc/sys/vm/nr_hugepages; /tmp/uffd-pause 4096 hugetlb; echo 0 > /proc/sys/vm/nr_hugepages
// With "rounds N": whether the pre-fault pass stays as short from one snapshot to the next. Each round: the pass
// (timed), the write-protect and per-page unprotect, MADV_COLLAPSE as the engine's collapse-huge-pages step does,
// then 0.5 s. Run it with the virtio balloon's free page reporting on, then with the driver unbound and free memory
// touched once (what native/bench.sh does):
//   /tmp/uffd-pause 4096 rounds 12
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
    FILE *f = fopen("/proc/self/smaps_rollup", "r"); char line[256]; long kb = -1;
    while (fgets(line, sizeof line, f)) if (!strncmp(line, "AnonHugePages:", 14)) kb = atol(line + 14);
    fclose(f); return kb;
}
static char *ram; static size_t size; static size_t step = 4096;
static double prefault(void) {
    double t = now(); volatile char sink = 0;
    for (size_t o = 0; o < size; o += step) sink += ram[o];
    (void)sink; return now() - t;
}
static void protect_pass(const char *state) {
    int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
    struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
    if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) { perror("uffd"); exit(1); }
    double pf = prefault();
    double t = now();
    struct uffdio_register reg = { .range = { (unsigned long)ram, size }, .mode = UFFDIO_REGISTER_MODE_WP };
    if (ioctl(uffd, UFFDIO_REGISTER, &reg)) { perror("register"); exit(1); }
    double tr = now() - t; t = now();
    struct uffdio_writeprotect wp = { .range = { (unsigned long)ram, size }, .mode = UFFDIO_WRITEPROTECT_MODE_WP };
    if (ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) { perror("wp"); exit(1); }
    double tw = now() - t; t = now();
    for (size_t o = 0; o < size; o += step) {
        struct uffdio_writeprotect un = { .range = { (unsigned long)ram + o, step }, .mode = 0 };
        if (ioctl(uffd, UFFDIO_WRITEPROTECT, &un)) { perror("unprotect"); exit(1); }
    }
    double tu = now() - t;
    close(uffd);
    printf("%-10s pre-fault pass %7.1f ms, register %6.1f ms, write-protect %7.1f ms (inside the pause: %7.1f ms); per-4K unprotect %7.0f ms; AnonHugePages after %ld MiB\n",
           state, pf, tr, tw, pf + tr + tw, tu, huge_kb() / 1024);
}
static void rounds(int n) {
    for (int r = 1; r <= n; r++) {
        double pf = prefault();
        long before = huge_kb();
        int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
        struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
        struct uffdio_register reg = { .range = { (unsigned long)ram, size }, .mode = UFFDIO_REGISTER_MODE_WP };
        struct uffdio_writeprotect wp = { .range = { (unsigned long)ram, size }, .mode = UFFDIO_WRITEPROTECT_MODE_WP };
        if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg) || ioctl(uffd, UFFDIO_WRITEPROTECT, &wp)) { perror("uffd"); exit(1); }
        for (size_t o = 0; o < size; o += step) {
            struct uffdio_writeprotect un = { .range = { (unsigned long)ram + o, step }, .mode = 0 };
            ioctl(uffd, UFFDIO_WRITEPROTECT, &un);
        }
        close(uffd);
        double t = now();
        int c = madvise(ram, size, MADV_COLLAPSE);
        printf("round %2d: pre-fault pass %7.1f ms (AnonHugePages %5ld MiB); collapse %d in %6.0f ms -> %5ld MiB\n",
               r, pf, before >> 10, c, now() - t, huge_kb() >> 10);
        fflush(stdout);
        usleep(500000);
    }
}
int main(int argc, char **argv) {
    size = (size_t)(argc > 1 ? atol(argv[1]) : 4096) << 20;
    if (argc > 2 && !strcmp(argv[2], "hugetlb")) {
        // A hugepage-backed guest: QEMU's page size for the block is 2 MiB, so both passes step 2 MiB.
        step = 2 << 20;
        ram = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
        if (ram == MAP_FAILED) { perror("mmap hugetlb"); return 1; }
        for (size_t o = 0; o < size * 8 / 10; o += 4096) ram[o] = (char)o | 1;
        printf("%zu MiB hugetlb, 80%% written\n", size >> 20);
        protect_pass("hugetlb");
        protect_pass("hugetlb 2");
        return 0;
    }
    ram = mmap(NULL, size + (2 << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    ram = (char *)(((unsigned long)ram + (2 << 20) - 1) & ~((2UL << 20) - 1));
    madvise(ram, size, MADV_HUGEPAGE);
    for (size_t o = 0; o < size * 8 / 10; o += 4096) ram[o] = (char)o | 1;
    printf("%zu MiB, 80%% written; AnonHugePages %ld MiB\n", size >> 20, huge_kb() / 1024);
    if (argc > 3 && !strcmp(argv[2], "rounds")) {
        rounds(atoi(argv[3]));
        return 0;
    }
    protect_pass("fresh");
    protect_pass("split");
    double t = now();
    int r = madvise(ram, size, MADV_COLLAPSE);
    printf("MADV_COLLAPSE %d in %.0f ms; AnonHugePages %ld MiB\n", r, now() - t, huge_kb() / 1024);
    protect_pass("collapsed");
    return 0;
}
