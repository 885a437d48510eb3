/** Commands the shell runs itself, because they change the shell's own state. */
import { chdir, getcwd } from "../../lib/fs.js";
import { eprintln, println } from "../../lib/stdio.js";

type Builtin = (argv: string[]) => Promise<number | "exit">;

export const BUILTINS: Record<string, Builtin> = {
  cd: async (argv) => {
    try {
      await chdir(argv[1] ?? "/");
      return 0;
    } catch (e) {
      await eprintln(`cd: ${argv[1] ?? "/"}: ${(e as Error).message}`);
      return 1;
    }
  },
  pwd: async () => {
    await println(await getcwd());
    return 0;
  },
  exit: async () => "exit",
  help: async () => {
    await println("builtins: cd pwd exit help; programs: ls cat echo mkdir rm ps kill and the workloads");
    return 0;
  },
};
