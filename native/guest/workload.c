/*
 * virt-snap test guest workload. Runs as PID 1's exec target in a tiny initramfs.
 *
 * Configured from /proc/cmdline:
 *   vsnap.fill=N   MiB of RAM to fill with seeded pseudo-random data (default 64)
 *   vsnap.rate=R   MiB/s at which that memory keeps being rewritten (default 0: never)
 *   vsnap.tick=T   milliseconds between sequence increments (default 200)
 *   vsnap.seed=S   seed of the pseudo-random data (default 1)
 *   vsnap.dev=P    block device holding the sequence block (default /dev/vda)
 *
 * Prints on the console, one line each, always whole lines written with a single write(2):
 *   config fill=N rate=R tick=T seed=S dev=P
 *   filled=N                       once the memory is filled
 *   start=N                        the sequence number it starts from (0, or the disk's number)
 *   seq=N                          after block N has been written and flushed
 *   rewrote=M rate=R               every 5 s while rewriting: MiB rewritten so far, MiB/s achieved
 *                                  over the last period (below vsnap.rate when the vCPU can't keep up)
 *   INCONSISTENT disk=X mem=Y      the disk did not hold the number memory expects (X is "none"
 *                                  when the block has no valid magic); the guest keeps Y
 *   FATAL ...                      then powers off
 *
 * The sequence block: 4096 bytes at offset 0 of the device:
 *   bytes 0..7   "VSNAPSEQ"
 *   bytes 8..15  seq, uint64 little-endian
 *   bytes 16..23 ~seq, uint64 little-endian (a check)
 *   rest         zero
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK_SIZE 4096
#define MIB (1024UL * 1024UL)
static const char MAGIC[8] = {'V', 'S', 'N', 'A', 'P', 'S', 'E', 'Q'};

static long cfg_fill = 64, cfg_rate = 0, cfg_tick = 200;
static uint64_t cfg_seed = 1;
static char cfg_dev[128] = "/dev/vda";

static uint8_t *memory;
static size_t memory_size;

static void say(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    const char *p = line;
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, (size_t)n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        p += w;
        n -= (int)w;
    }
}

static void fatal(const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    say("FATAL %s", msg);
    sync();
    sleep(1);
    if (getpid() == 1)
        reboot(RB_POWER_OFF);
    exit(1);
}

static void read_cmdline(void)
{
    char buf[4096];
    int fd = open("/proc/cmdline", O_RDONLY);
    if (fd < 0)
        fatal("cannot open /proc/cmdline: %s", strerror(errno));
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0)
        n = 0;
    buf[n] = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
        if (strncmp(tok, "vsnap.fill=", 11) == 0)
            cfg_fill = strtol(tok + 11, NULL, 10);
        else if (strncmp(tok, "vsnap.rate=", 11) == 0)
            cfg_rate = strtol(tok + 11, NULL, 10);
        else if (strncmp(tok, "vsnap.tick=", 11) == 0)
            cfg_tick = strtol(tok + 11, NULL, 10);
        else if (strncmp(tok, "vsnap.seed=", 11) == 0)
            cfg_seed = strtoull(tok + 11, NULL, 10);
        else if (strncmp(tok, "vsnap.dev=", 10) == 0)
            snprintf(cfg_dev, sizeof cfg_dev, "%s", tok + 10);
    }
    if (cfg_fill < 0)
        cfg_fill = 0;
    if (cfg_rate < 0)
        cfg_rate = 0;
    if (cfg_tick < 1)
        cfg_tick = 1;
}

/* splitmix64: one independent stream per (seed, generation, MiB index). */
static inline uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void fill_mib(size_t index, uint64_t generation)
{
    uint64_t state = cfg_seed ^ (generation * 0xD1B54A32D192ED03ULL) ^ (index * 0xABC98388FB8FAC03ULL);
    uint64_t *p = (uint64_t *)(memory + index * MIB);
    for (size_t i = 0; i < MIB / sizeof(uint64_t); i++)
        p[i] = splitmix(&state);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t deadline_ns)
{
    struct timespec ts = {.tv_sec = (time_t)(deadline_ns / 1000000000ULL),
                          .tv_nsec = (long)(deadline_ns % 1000000000ULL)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

/* Rewrites the filled memory, one MiB at a time, at cfg_rate MiB/s (never bursting to catch up). */
static void *rewriter(void *arg)
{
    (void)arg;
    size_t mibs = memory_size / MIB;
    uint64_t generation = 1;
    uint64_t interval = 1000000000ULL / (uint64_t)cfg_rate;
    uint64_t next = now_ns();
    uint64_t report_at = next + 5000000000ULL, reported_at = next, total = 0, since_report = 0;
    for (size_t index = 0;; index++) {
        if (index == mibs) {
            index = 0;
            generation++;
        }
        fill_mib(index, generation);
        total++;
        since_report++;
        uint64_t t = now_ns();
        if (t >= report_at) {
            say("rewrote=%" PRIu64 " rate=%" PRIu64, total, since_report * 1000000000ULL / (t - reported_at));
            reported_at = t;
            report_at = t + 5000000000ULL;
            since_report = 0;
        }
        next += interval;
        uint64_t now = now_ns();
        if (next > now)
            sleep_until(next);
        else if (now - next > 1000000000ULL)
            next = now;
    }
    return NULL;
}

static int block_valid(const uint8_t *block, uint64_t *seq)
{
    uint64_t s, check;
    if (memcmp(block, MAGIC, sizeof MAGIC) != 0)
        return 0;
    memcpy(&s, block + 8, 8); /* x86_64: little-endian already */
    memcpy(&check, block + 16, 8);
    if (check != ~s)
        return 0;
    *seq = s;
    return 1;
}

static void read_block(int fd, uint8_t *block)
{
    ssize_t n = pread(fd, block, BLOCK_SIZE, 0);
    if (n != BLOCK_SIZE)
        fatal("read of %s failed: %s", cfg_dev, n < 0 ? strerror(errno) : "short read");
}

static void write_block(int fd, uint8_t *block, uint64_t seq)
{
    uint64_t check = ~seq;
    memset(block, 0, BLOCK_SIZE);
    memcpy(block, MAGIC, sizeof MAGIC);
    memcpy(block + 8, &seq, 8);
    memcpy(block + 16, &check, 8);
    ssize_t n = pwrite(fd, block, BLOCK_SIZE, 0);
    if (n != BLOCK_SIZE)
        fatal("write of %s failed: %s", cfg_dev, n < 0 ? strerror(errno) : "short write");
    if (fsync(fd) != 0)
        fatal("fsync of %s failed: %s", cfg_dev, strerror(errno));
}

int main(void)
{
    read_cmdline();
    say("config fill=%ld rate=%ld tick=%ld seed=%" PRIu64 " dev=%s", cfg_fill, cfg_rate, cfg_tick,
        cfg_seed, cfg_dev);

    memory_size = (size_t)cfg_fill * MIB;
    if (memory_size > 0) {
        memory = mmap(NULL, memory_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory == MAP_FAILED)
            fatal("cannot map %ld MiB: %s", cfg_fill, strerror(errno));
        for (size_t i = 0; i < memory_size / MIB; i++)
            fill_mib(i, 0);
    }
    say("filled=%ld", cfg_fill);

    if (memory_size > 0 && cfg_rate > 0) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, rewriter, NULL) != 0)
            fatal("cannot start the rewriter thread");
    }

    int fd = -1;
    for (int tries = 0; tries < 200; tries++) {
        fd = open(cfg_dev, O_RDWR | O_DIRECT | O_SYNC);
        if (fd >= 0 || errno != ENOENT)
            break;
        usleep(50000);
    }
    if (fd < 0)
        fatal("cannot open %s: %s", cfg_dev, strerror(errno));

    uint8_t *block = aligned_alloc(BLOCK_SIZE, BLOCK_SIZE);
    if (!block)
        fatal("out of memory");

    uint64_t seq = 0;
    read_block(fd, block);
    if (!block_valid(block, &seq))
        seq = 0;
    say("start=%" PRIu64, seq);

    uint64_t tick_ns = (uint64_t)cfg_tick * 1000000ULL;
    uint64_t next = now_ns();
    int first = 1;
    for (;;) {
        if (!first) {
            uint64_t disk;
            read_block(fd, block);
            if (!block_valid(block, &disk))
                say("INCONSISTENT disk=none mem=%" PRIu64, seq);
            else if (disk != seq)
                say("INCONSISTENT disk=%" PRIu64 " mem=%" PRIu64, disk, seq);
        }
        first = 0;
        seq++;
        write_block(fd, block, seq);
        say("seq=%" PRIu64, seq);

        next += tick_ns;
        uint64_t now = now_ns();
        if (next > now)
            sleep_until(next);
        else if (now - next > 10 * tick_ns)
            next = now; /* far behind (e.g. the guest was paused): don't burst */
    }
}
