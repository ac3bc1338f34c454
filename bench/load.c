/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* How busy the machine was while a benchmark ran, not counting the benchmark itself.
 * The load average cannot say it: the benchmark's own client and forked server raise it
 * above 1 on their own. So the CPU time the whole machine spent (/proc/stat) is compared
 * with what this process group spent (its members' /proc/PID/stat times, plus the children
 * it has already reaped); the difference over the wall time is the other processes' load,
 * in CPUs. No library reads these files, so they are parsed here. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench.h"

static struct {
  bool started;
  double wall;
  double machine_busy; /* seconds of CPU, all CPUs */
  double group;        /* seconds of CPU of this process group, reaped children included */
  double loadavg;      /* 1-minute load average at the start */
} start;

/* Busy time of every CPU: user, nice, system, irq, softirq, steal (the first line). */
static double machine_busy_seconds(void)
{
  FILE *f = fopen("/proc/stat", "r");
  if (!f)
    return -1;
  unsigned long long v[8] = { 0 };
  int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                 &v[4], &v[5], &v[6], &v[7]);
  fclose(f);
  if (n < 8)
    return -1;
  /* v[3] idle and v[4] iowait are the idle parts. */
  double ticks = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);
  return ticks / (double)sysconf(_SC_CLK_TCK);
}

/* utime + stime of one process when it belongs to process group pgrp, else 0. */
static double process_seconds(const char *pid, pid_t pgrp)
{
  char path[300], line[1024];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  size_t n = fread(line, 1, sizeof line - 1, f);
  fclose(f);
  line[n] = '\0';
  /* The command name is in parentheses and may hold anything: fields follow the last ')'. */
  char *p = strrchr(line, ')');
  if (!p)
    return 0;
  char state;
  int ppid, group;
  unsigned long long utime, stime;
  if (sscanf(p + 1, " %c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &state, &ppid,
             &group, &utime, &stime) != 5 || group != pgrp)
    return 0;
  return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static double group_seconds(void)
{
  pid_t pgrp = getpgrp();
  double sum = 0;
  DIR *d = opendir("/proc");
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
      if (isdigit((unsigned char)e->d_name[0]))
        sum += process_seconds(e->d_name, pgrp);
    closedir(d);
  }
  struct rusage ru;
  if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
    sum += (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
  return sum;
}

static double loadavg_1min(void)
{
  double l = -1;
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) {
    if (fscanf(f, "%lf", &l) != 1)
      l = -1;
    fclose(f);
  }
  return l;
}

void bench_load_start(void)
{
  start.wall = bench_wall();
  start.machine_busy = machine_busy_seconds();
  start.group = group_seconds();
  start.loadavg = loadavg_1min();
  start.started = true;
}

struct bench_load bench_load_now(void)
{
  struct bench_load l = { -1, -1, -1 };
  if (!start.started || start.machine_busy < 0)
    return l;
  double wall = bench_wall() - start.wall, busy = machine_busy_seconds();
  if (wall <= 0 || busy < 0)
    return l;
  double others = (busy - start.machine_busy) - (group_seconds() - start.group);
  l.others_cpus = others > 0 ? others / wall : 0;
  l.loadavg_before = start.loadavg;
  l.loadavg_after = loadavg_1min();
  return l;
}
