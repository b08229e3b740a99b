/* check_push.c: the pipe writer the receive hooks are fed with (pushing itself: tests/publish.sh). */
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "push.h"

static volatile sig_atomic_t got_pipe;
static void on_pipe(int sig)
{
	(void)sig;
	got_pipe++;
}

/* A reader that went away: an error, no signal, and the signal state left as it was. */
static void check_write_pipe(void)
{
	struct sigaction dfl, before, after;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	CHECK_INT(sigaction(SIGPIPE, &dfl, NULL), 0);
	int p[2];
	CHECK_INT(pipe(p), 0);
	close(p[0]);
	errno = 0;
	/* With SIGPIPE at its default this would end the test program. */
	CHECK_INT(push_write_pipe(p[1], "x\n", 2), -1);
	CHECK_INT(errno, EPIPE);
	CHECK_INT(sigaction(SIGPIPE, NULL, &after), 0);
	CHECK(after.sa_handler == SIG_DFL);
	sigset_t mask, pending;
	sigprocmask(SIG_SETMASK, NULL, &mask);
	CHECK(!sigismember(&mask, SIGPIPE));
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGPIPE));

	/* A handler of the program's own is kept, and not called. */
	struct sigaction mine;
	memset(&mine, 0, sizeof mine);
	mine.sa_handler = on_pipe;
	sigemptyset(&mine.sa_mask);
	CHECK_INT(sigaction(SIGPIPE, &mine, &before), 0);
	CHECK_INT(push_write_pipe(p[1], "x\n", 2), -1);
	CHECK_INT(got_pipe, 0);
	CHECK_INT(sigaction(SIGPIPE, NULL, &after), 0);
	CHECK(after.sa_handler == on_pipe);

	/* A SIGPIPE already pending (blocked by the program) stays pending. */
	sigset_t only;
	sigemptyset(&only);
	sigaddset(&only, SIGPIPE);
	sigprocmask(SIG_BLOCK, &only, NULL);
	raise(SIGPIPE);
	CHECK_INT(push_write_pipe(p[1], "x\n", 2), -1);
	sigpending(&pending);
	CHECK(sigismember(&pending, SIGPIPE));
	struct timespec zero = { 0, 0 };
	CHECK_INT(sigtimedwait(&only, NULL, &zero), SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &only, NULL);
	CHECK_INT(got_pipe, 0);
	close(p[1]);

	/* A reader that stays: everything is written. */
	CHECK_INT(pipe(p), 0);
	CHECK_INT(push_write_pipe(p[1], "abc", 3), 0);
	char got[4] = { 0 };
	CHECK_INT(read(p[0], got, 3), 3);
	CHECK_STR(got, "abc");
	close(p[0]);
	close(p[1]);
	sigaction(SIGPIPE, &dfl, NULL);
}

int main(void)
{
	check_write_pipe();
	return CHECK_DONE("check_push");
}
