/* syncspy.c: an LD_PRELOAD shim for tests/sync.sh (issue 9.16): logs every
 * fsync, fdatasync, rename and link the process makes (libgit2 moves loose
 * objects into place with link), with the path each concerns,
 * one line per call to the file named by SYNCSPY_LOG, so the test can check
 * that every file is synced before it is renamed into place. Test code only;
 * never linked into planpress. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t spy_lock = PTHREAD_MUTEX_INITIALIZER;

static void spy_log(const char *what, const char *a, const char *b)
{
	const char *log = getenv("SYNCSPY_LOG");
	if (!log)
		return;
	pthread_mutex_lock(&spy_lock);
	int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		char line[3 * PATH_MAX];
		int n = snprintf(line, sizeof line, "%s %s%s%s\n", what, a, b ? " " : "", b ? b : "");
		if (n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) < 0)
			n = 0;
		close(fd);
	}
	pthread_mutex_unlock(&spy_lock);
}

static void fd_path(int fd, char *out, size_t cap)
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(proc, out, cap - 1);
	if (n < 0)
		n = 0;
	out[n] = '\0';
}

static void abs_path(const char *p, char *out, size_t cap)
{
	if (p[0] == '/') {
		snprintf(out, cap, "%s", p);
		return;
	}
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		cwd[0] = '\0';
	snprintf(out, cap, "%s/%s", cwd, p);
}

int fsync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	char p[PATH_MAX];
	fd_path(fd, p, sizeof p);
	spy_log("fsync", p, NULL);
	return real(fd);
}

int fdatasync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	char p[PATH_MAX];
	fd_path(fd, p, sizeof p);
	spy_log("fsync", p, NULL);
	return real(fd);
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	char a[PATH_MAX], b[PATH_MAX];
	abs_path(from, a, sizeof a);
	abs_path(to, b, sizeof b);
	spy_log("rename", a, b);
	return real(from, to);
}

int link(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "link");
	char a[PATH_MAX], b[PATH_MAX];
	abs_path(from, a, sizeof a);
	abs_path(to, b, sizeof b);
	spy_log("rename", a, b);
	return real(from, to);
}
