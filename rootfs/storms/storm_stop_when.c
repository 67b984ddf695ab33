// SPDX-License-Identifier: GPL-2.0
/* --stop-when FILE:KEY[,KEY...]: end the storm once every KEY in FILE is above 0. */
/*
 * A negative control needs its bug seen once, not for the whole storm: the
 * walker's counters (key: value lines in debugfs) say when. A child of the
 * storm polls FILE and, once every KEY is above 0, stops the storm's
 * process group with SIGTERM, which each process takes as the end of -d.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "storm_common.h"

#define STOP_WHEN_POLL_US	10000
#define STOP_WHEN_MAX_KEYS	8

static char file[256];
static char keys_buf[256];
static const char *keys[STOP_WHEN_MAX_KEYS];
static int nr_keys;

/* Split FILE:KEY[,KEY...]; returns an error message, or NULL. */
const char *storm_stop_when_parse(const char *arg)
{
	const char *colon = strrchr(arg, ':');
	char *key, *save;

	if (!colon || colon == arg || !colon[1])
		return "expected FILE:KEY[,KEY...]";
	if ((size_t)(colon - arg) >= sizeof(file) || strlen(colon + 1) >= sizeof(keys_buf))
		return "too long";
	memcpy(file, arg, colon - arg);
	file[colon - arg] = '\0';
	strcpy(keys_buf, colon + 1);
	nr_keys = 0;
	for (key = strtok_r(keys_buf, ",", &save); key; key = strtok_r(NULL, ",", &save)) {
		if (nr_keys == STOP_WHEN_MAX_KEYS)
			return "too many keys (at most 8)";
		keys[nr_keys++] = key;
	}
	return nr_keys ? NULL : "no KEY given";
}

/* Find KEY in TEXT's "key: value" lines: false when it has none. */
static bool counter_value(const char *text, const char *key, long *value)
{
	size_t len = strlen(key);
	const char *line = text;

	while (line && *line) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			*value = strtol(line + len + 1, NULL, 10);
			return true;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

/* Read FILE whole into buf; false when it cannot be read. */
static bool read_counters(char *buf, size_t size)
{
	size_t used = 0;
	ssize_t n;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while (used < size - 1 && (n = read(fd, buf + used, size - 1 - used)) > 0)
		used += n;
	close(fd);
	buf[used] = '\0';
	return n >= 0;
}

/* -1: a KEY is missing from FILE (or FILE unreadable); 1: every KEY > 0. */
static int condition_met(char *buf, size_t size)
{
	int i, met = 1;

	if (!read_counters(buf, size))
		return -1;
	for (i = 0; i < nr_keys; i++) {
		long v;

		if (!counter_value(buf, keys[i], &v))
			return -1;
		met &= v > 0;
	}
	return met;
}

/* Check FILE and KEY now, so that a typo fails at once, then fork the watcher. */
void storm_stop_when_start(struct storm *s)
{
	static char buf[65536];
	pid_t parent = getpid(), pid;

	if (!nr_keys)
		return;
	s->stop_when = true;
	if (condition_met(buf, sizeof(buf)) < 0) {
		fprintf(stderr, "%s: --stop-when: cannot read every key of %s:%s%s\n", s->name,
			file, keys[0], nr_keys > 1 ? ",..." : "");
		exit(2);
	}
	pid = fork();
	if (pid < 0)
		exit(storm_fail(s, "fork of the --stop-when watcher"));
	if (pid) {
		s->stop_watcher = pid;
		return;
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	/* A read that fails (the walker reset, say) is not the condition. */
	while (condition_met(buf, sizeof(buf)) != 1)
		usleep(STOP_WHEN_POLL_US);
	s->shared->stop_when_met = 1;
	kill(-getpgrp(), SIGTERM);
	_exit(0);
}

/* End the watcher, unless storm_reap() reaped it already, and reap it. */
void storm_stop_when_end(struct storm *s)
{
	if (s->stop_watcher <= 0)
		return;
	kill(s->stop_watcher, SIGKILL);
	while (waitpid(s->stop_watcher, NULL, 0) < 0 && errno == EINTR)
		;
	s->stop_watcher = 0;
}
