/* main.c: the command line; the only place that prints diagnostics. */
#include <stdio.h>
int main(void) { puts("planpress " PP_VERSION); return 0; }
