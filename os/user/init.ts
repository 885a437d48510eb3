/**
 * init, process 1. Opens the console as standard input, output and error, runs the
 * program named on its command line (the shell by default), reaps every orphan
 * handed to it meanwhile, and halts the machine when that program ends.
 */
import { open } from "../lib/fs.js";
import { O_RDWR } from "../include/fcntl.js";
import { exec, exit, fork, reboot, waitpid } from "../lib/unistd.js";
import { eprintln, println } from "../lib/stdio.js";
import { WEXITSTATUS, WIFEXITED, WTERMSIG } from "../include/wait.js";

export async function main(argv: string[]): Promise<number> {
  for (let fd = 0; fd < 3; fd++) await open("/dev/tty", O_RDWR);
  const command = argv.length > 0 ? argv : ["sh"];
  let child: number;
  try {
    child = await fork("runCommand", command);
  } catch (e) {
    await eprintln(`init: cannot start ${command[0]}: ${(e as Error).message}`);
    return reboot(1);
  }
  for (;;) {
    const { pid, status } = await waitpid(-1);
    if (pid !== child) continue; // an orphan re-parented to us: reaped, nothing more
    const how = WIFEXITED(status) ? `exited with status ${WEXITSTATUS(status)}` : `killed by signal ${WTERMSIG(status)}`;
    await println(`init: ${command[0]} ${how}`);
    return reboot(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
}

/** The child's side of init's fork: become the command. */
export async function runCommand(argv: string[]): Promise<never> {
  try {
    return await exec(argv[0]!, argv.slice(1));
  } catch (e) {
    await eprintln(`init: exec ${argv[0]}: ${(e as Error).message}`);
    return exit(127);
  }
}
