// SPDX-License-Identifier: GPL-2.0
/* Parses a storm's command line: the option table, range checks, defaults and usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "storm_common.h"

enum { OPT_SEED = 's', OPT_POLICY = 256, OPT_STOP_WHEN, OPT_TABLE = 512, MAX_OPTIONS = 32 };

static const char fixed_usage[] =
"  -s, --seed N                PRNG seed (default from time and pid); the\n"
"                              same seed replays the same choices\n"
"      --policy POLICY         other, fifo or rr (default fifo, or other\n"
"                              when fifo is not permitted)\n"
"      --stop-when FILE:KEY[,KEY...]\n"
"                              stop early, once every KEY of FILE's\n"
"                              key: value lines is above 0 (polled every\n"
"                              10 ms); prints stop_when_met: 0 or 1\n"
"  -v, --verbose               print every random choice, to compare replays\n"
"  -q, --quiet                 print only pgid, seed and the results\n"
"  -h, --help                  show this help\n"
"Prints pgid: and seed: at start and key: value results at the end.\n"
"Exit status: 0 success, 1 runtime error, 2 usage error.\n";

static void print_options(FILE *f, const struct storm_option *o)
{
	char left[64], range[64];
	int len;

	for (; o->name; o++) {
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s %s",
				 o->short_name, o->name, o->arg);
		else
			snprintf(left, sizeof(left), "    --%s %s", o->name, o->arg);
		len = snprintf(range, sizeof(range), "(%ld..%ld", o->min, o->max);
		if (*o->value >= o->min && *o->value <= o->max)
			snprintf(range + len, sizeof(range) - len, ", default %ld", *o->value);
		len = fprintf(f, "  %-26s  %s", left, o->help);
		/* Keep to 80 columns: the range goes on a line of its own. */
		if (len + strlen(range) + 2 > 80)
			fprintf(f, "\n%29s", "");
		fprintf(f, " %s)\n", range);
	}
}

static void print_usage(const struct storm *s, const struct storm_option *common,
			FILE *f)
{
	fprintf(f, "Usage: %s [options]\n%s\n\n%s options:\n",
		s->name, s->summary, s->name);
	print_options(f, s->options);
	fputs("Common options:\n", f);
	print_options(f, common);
	fputs(fixed_usage, f);
}

static void __attribute__((noreturn, format(printf, 3, 4)))
usage_error(const struct storm *s, const struct storm_option *common,
	    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	storm_vline(stderr, s->name, fmt, ap);
	va_end(ap);
	print_usage(s, common, stderr);
	exit(2);
}

static long parse_long(const struct storm *s, const struct storm_option *common,
		       const struct storm_option *o, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end)
		usage_error(s, common, "--%s '%s': not an integer", o->name, arg);
	if (v < o->min || v > o->max)
		usage_error(s, common, "--%s %ld: out of range %ld..%ld",
			    o->name, v, o->min, o->max);
	return v;
}

static void parse_special(struct storm *s, const struct storm_option *common,
			  int c, const char *arg)
{
	unsigned long long v;
	char *end;

	if (c == OPT_STOP_WHEN) {
		const char *err = storm_stop_when_parse(arg);

		if (err)
			usage_error(s, common, "--stop-when '%s': %s", arg, err);
		return;
	}
	if (c == OPT_POLICY) {
		if (!strcmp(arg, "other"))
			s->policy = SCHED_OTHER;
		else if (!strcmp(arg, "fifo"))
			s->policy = SCHED_FIFO;
		else if (!strcmp(arg, "rr"))
			s->policy = SCHED_RR;
		else
			usage_error(s, common, "--policy '%s': expected other, fifo or rr", arg);
		return;
	}
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-')
		usage_error(s, common, "--seed '%s': not an integer in 0..2^64-1", arg);
	s->seed = v;
}

/* Every integer option, common or the storm's, goes through one table. */
void storm_parse_options(struct storm *s, int argc, char **argv, bool *explicit)
{
	enum { DURATION, ITERATIONS, JOBS, PRIORITY };
	const struct storm_option common[] = {
		[DURATION] = { "duration", 'd', "SECONDS", 1, 86400, &s->duration,
		  "time limit; none when only -n is given" },
		[ITERATIONS] = { "iterations", 'n', "N", 1, 1000000000, &s->iterations,
		  "main-loop iterations; with -d, first wins" },
		[JOBS] = { "jobs", 'j', "N", 1, 64, &s->jobs, "parallel workers or children" },
		[PRIORITY] = { "priority", 0, "N", 1, 99, &s->priority, "fifo/rr priority" },
		{ "nice", 0, "N", -20, 19, &s->nice, "nice value" },
		/* While a storm sleeps the walker runs; the wakeup preempts it. */
		{ "pause-touch-us", 0, "US", 0, 1000000, &s->pause_touch_us,
		  "sleep after touching" },
		{ "pause-unmap-us", 0, "US", 0, 1000000, &s->pause_unmap_us,
		  "sleep before unmapping" },
		{ "pause-exit-us", 0, "US", 0, 1000000, &s->pause_exit_us,
		  "sleep before a process exits" },
		{ NULL, 0, NULL, 0, 0, NULL, NULL }
	};
	const struct storm_option *all[MAX_OPTIONS];
	enum { FIXED_LONGOPTS = 6 };
	struct option longopts[MAX_OPTIONS + FIXED_LONGOPTS] = {
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "stop-when", required_argument, NULL, OPT_STOP_WHEN },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
	};
	bool given[MAX_OPTIONS] = { false };
	long parsed[MAX_OPTIONS];
	/* The leading ':' makes getopt return ':' for a missing argument. */
	char shortopts[2 * MAX_OPTIONS + 8] = ":s:vqh";
	bool seed_set = false;
	int c, i, n = 0;

	s->duration = 3;
	s->jobs = 1;
	s->policy = SCHED_FIFO;
	s->priority = 10;
	s->nice = 100;
	s->pause_touch_us = s->pause_unmap_us = s->pause_exit_us = 200;
	for (i = 0; common[i].name; i++)
		all[n++] = &common[i];
	for (i = 0; s->options[i].name && n < MAX_OPTIONS; i++)
		all[n++] = &s->options[i];
	for (i = 0; i < n; i++) {
		c = all[i]->short_name ? all[i]->short_name : OPT_TABLE + i;
		longopts[FIXED_LONGOPTS + i] = (struct option){ all[i]->name, required_argument, NULL, c };
		if (all[i]->short_name)
			snprintf(shortopts + strlen(shortopts), 3, "%c:", c);
	}

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == ':')
			usage_error(s, common, "%s needs an argument", argv[optind - 1]);
		if (c == '?')
			usage_error(s, common, "unknown option '%s'", argv[optind - 1]);
		if (c == 'h') {
			print_usage(s, common, stdout);
			exit(0);
		}
		if (c == 'v' || c == 'q') {
			*(c == 'v' ? &s->verbose : &s->quiet) = true;
			continue;
		}
		if (c == OPT_SEED || c == OPT_POLICY || c == OPT_STOP_WHEN) {
			parse_special(s, common, c, optarg);
			seed_set |= c == OPT_SEED;
			*explicit |= c == OPT_POLICY;
			continue;
		}
		for (i = 0; i < n; i++)
			if (c == (all[i]->short_name ? all[i]->short_name : OPT_TABLE + i))
				break;
		parsed[i] = parse_long(s, common, all[i], optarg);
		given[i] = true;
	}
	if (optind < argc)
		usage_error(s, common, "unexpected argument '%s'", argv[optind]);
	if (s->policy == SCHED_OTHER && given[PRIORITY])
		usage_error(s, common, "--priority needs --policy fifo or rr");
	*explicit |= given[PRIORITY];
	/* Only now, so that a usage message shows the defaults. */
	for (i = 0; i < n; i++)
		if (given[i])
			*all[i]->value = parsed[i];
	if (given[ITERATIONS] && !given[DURATION])
		s->duration = 0;
	if (!seed_set) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		s->seed = rng_seed((uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec, getpid());
	}
}
