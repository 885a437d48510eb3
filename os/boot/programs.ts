/**
 * The programs the system can run, by name, and the module each starts in. The
 * kernel loads a program by name (boot image, RS spawn, exec) and nothing else.
 */
export const PROGRAMS: Record<string, string> = {
  // servers
  pm: "servers/pm/main.ts",
  vfs: "servers/vfs/main.ts",
  mfs: "servers/mfs/main.ts",
  ds: "servers/ds/main.ts",
  rs: "servers/rs/main.ts",
  // drivers
  blk: "drivers/blk/main.ts",
  tty: "drivers/tty/main.ts",
  // user programs
  init: "user/init.ts",
  sh: "user/sh/main.ts",
  ls: "user/bin/ls.ts",
  cat: "user/bin/cat.ts",
  echo: "user/bin/echo.ts",
  mkdir: "user/bin/mkdir.ts",
  rm: "user/bin/rm.ts",
  ps: "user/bin/ps.ts",
  kill: "user/bin/kill.ts",
  service: "user/bin/service.ts",
  fsstress: "user/workloads/fsstress.ts",
  proctree: "user/workloads/proctree.ts",
  dsbench: "user/workloads/dsbench.ts",
  mixed: "user/workloads/mixed.ts",
  nullcall: "user/nullcall.ts",
};

/**
 * Programs that only ever run as user processes. Live update replaces system services
 * (the servers and drivers RS runs), never these, so an instrumented build compiles them
 * as the plain build does: instrumentation would cost them run time and buy nothing.
 */
export const USER_PROGRAMS: readonly string[] = [
  "init", "sh", "ls", "cat", "echo", "mkdir", "rm", "ps", "kill", "service", "fsstress", "proctree", "dsbench", "mixed", "nullcall",
];
