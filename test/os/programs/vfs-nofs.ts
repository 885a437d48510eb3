/**
 * Run with no usable root file system: every file call must fail with EIO (and not
 * hang). main returns 0 if so, or throws naming the first call that did otherwise.
 */
import { EIO, errnoName } from "../../../os/include/errno.js";
import { O_CREAT, O_RDWR, O_WRONLY } from "../../../os/include/fcntl.js";
import { chdir, close, getcwd, mkdir, open, readdir, stat, sync, unlink } from "../../../os/lib/fs.js";
import { errnoOf } from "./checks.js";

export async function main(): Promise<number> {
  const calls: Array<[string, () => Promise<unknown>]> = [
    ["open /dev/tty", () => open("/dev/tty", O_RDWR)],
    ["open O_CREAT", () => open("/f", O_CREAT | O_WRONLY)],
    ["stat /", () => stat("/")],
    ["mkdir", () => mkdir("/d")],
    ["unlink", () => unlink("/f")],
    ["readdir", () => readdir("/")],
    ["chdir", () => chdir("/")],
    ["getcwd", () => getcwd()],
    ["close", () => close(0)],
    ["sync", () => sync()],
  ];
  for (const [what, call] of calls) {
    const e = await errnoOf(call());
    if (e !== EIO) throw new Error(`${what}: got ${e ? errnoName(e) : "success"}, expected EIO`);
  }
  return 0;
}
