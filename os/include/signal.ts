/**
 * Signal numbers (Linux numbering) and their default actions. A process catches a
 * signal with a handler (run by the kernel in its realm), ignores it, or leaves the
 * default: terminate, except for the few signals whose default is to do nothing.
 * There is no job control, so the stop signals cannot be sent or caught here.
 */
export const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17,
  SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25,
  SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPWR: 30, SIGSYS: 31,
};

export const {
  SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGKILL, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE,
  SIGALRM, SIGTERM, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGWINCH,
} = SIGNALS;

/** Signals are 1 .. NSIG-1. */
export const NSIG = 32;

/** What a process asked to happen to a signal (the `action` of PM.SIGACTION). */
export const SIG_ACTION = { DEFAULT: 0, IGNORE: 1, CATCH: 2 } as const;

const STOP_SIGNALS: readonly number[] = [SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU];
const IGNORED_BY_DEFAULT: readonly number[] = [SIGCHLD, SIGCONT, SIGURG, SIGWINCH];

/** A signal that exists here (the job-control stop signals do not). */
export function isSignal(sig: unknown): sig is number {
  return typeof sig === "number" && Number.isInteger(sig) && sig > 0 && sig < NSIG && !STOP_SIGNALS.includes(sig);
}

/** Whether the default action of `sig` is to do nothing (otherwise it terminates). */
export function ignoredByDefault(sig: number): boolean {
  return IGNORED_BY_DEFAULT.includes(sig);
}

/** A signal set as a bit mask: bit n stands for signal n. */
export function sigbit(sig: number): number {
  return 1 << sig;
}
