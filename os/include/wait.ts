/**
 * waitpid options and the encoding of a wait status (the traditional Unix layout:
 * exit code in bits 8..15, terminating signal in bits 0..6).
 */
export const WNOHANG = 1;

/** The status of a process that exited with `code`. */
export function exitedStatus(code: number): number {
  return (code & 0xff) << 8;
}

/** The status of a process terminated by signal `sig`. */
export function signaledStatus(sig: number): number {
  return sig & 0x7f;
}

export function WIFEXITED(status: number): boolean {
  return (status & 0x7f) === 0;
}
export function WEXITSTATUS(status: number): number {
  return (status >> 8) & 0xff;
}
export function WIFSIGNALED(status: number): boolean {
  return (status & 0x7f) !== 0 && (status & 0x7f) !== 0x7f;
}
export function WTERMSIG(status: number): number {
  return status & 0x7f;
}
