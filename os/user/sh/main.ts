/**
 * sh: the shell. Reads commands from standard input, one per line; runs builtins
 * itself and everything else as a program in a child process (fork, redirect, exec),
 * waiting for it to finish.
 */
import { readLine, print, eprintln } from "../../lib/stdio.js";
import { exec, exit, fork, waitpid } from "../../lib/unistd.js";
import { WEXITSTATUS, WIFEXITED, WTERMSIG } from "../../include/wait.js";
import { ParseError, parse, type Command } from "./parse.js";
import { BUILTINS } from "./builtins.js";
import { applyRedirects } from "./redirect.js";
import { SysError } from "../../lib/errors.js";
import { ENOEXEC } from "../../include/errno.js";

export async function main(argv: string[]): Promise<number> {
  const interactive = !argv.includes("-s");
  let status = 0;
  for (;;) {
    if (interactive) await print("# ");
    const line = await readLine();
    if (line === null) return status;
    let cmd: Command | null;
    try {
      cmd = parse(line);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      await eprintln(`sh: ${e.message}`);
      status = 2;
      continue;
    }
    if (!cmd) continue;
    const name = cmd.argv[0]!;
    const builtin = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
    if (builtin) {
      const r = await builtin(cmd.argv);
      if (r === "exit") return status;
      status = r;
      continue;
    }
    status = await runProgram(cmd);
  }
}

async function runProgram(cmd: Command): Promise<number> {
  let pid: number;
  try {
    pid = await fork("child", [JSON.stringify(cmd)]);
  } catch (e) {
    await eprintln(`sh: fork: ${(e as Error).message}`);
    return 1;
  }
  const { status } = await waitpid(pid);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  await eprintln(`sh: ${cmd.argv[0]}: killed by signal ${WTERMSIG(status)}`);
  return 128 + WTERMSIG(status);
}

/** The child's side: set up redirections, then become the program. */
export async function child(argv: string[]): Promise<never> {
  const cmd = JSON.parse(argv[0]!) as Command;
  try {
    await applyRedirects(cmd.redirects);
    return await exec(cmd.argv[0]!, cmd.argv.slice(1));
  } catch (e) {
    if (e instanceof SysError && e.errno === ENOEXEC) await eprintln(`sh: ${cmd.argv[0]}: command not found`);
    else await eprintln(`sh: ${cmd.argv[0]}: ${(e as Error).message}`);
    return exit(127);
  }
}
