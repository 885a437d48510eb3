/**
 * Malformed and unprivileged system calls against every server, run as a user
 * process. Each must be answered with the right error; afterwards every server must
 * still serve. Prints one line per failed check and "badcalls: N failures".
 */
import { IpcError, grant, kcall, sendrec } from "../../../os/lib/ipc.js";
import { GRANT_WRITE, type Message } from "../../../os/include/ipc.js";
import { DS_PROC_NR, MFS_PROC_NR, PM_PROC_NR, RS_PROC_NR, VFS_PROC_NR, BLK_PROC_NR } from "../../../os/include/com.js";
import { PM } from "../../../os/include/pm.js";
import { VFS_CALL, VFS_PM } from "../../../os/include/vfs.js";
import { DS } from "../../../os/include/ds.js";
import { RS } from "../../../os/include/rs.js";
import { SYS } from "../../../os/include/kcall.js";
import {
  EBADF, ECALLDENIED, ECHILD, EINVAL, ENAMETOOLONG, ENOENT, ENOEXEC, ENOSYS, EPERM, ESRCH, EFAULT, errnoName,
} from "../../../os/include/errno.js";
import { open, read, stat, writeFile, readFile } from "../../../os/lib/fs.js";
import { O_RDONLY } from "../../../os/include/fcntl.js";
import { getpid } from "../../../os/lib/unistd.js";
import { publish, retrieve } from "../../../os/lib/ds.js";
import { println } from "../../../os/lib/stdio.js";

let failures = 0;

async function expectStatus(what: string, dest: number, m: Message, ...allowed: number[]): Promise<void> {
  let status: number;
  try {
    status = (await sendrec(dest, m)).type;
  } catch (e) {
    status = e instanceof IpcError ? -e.errno : 1;
  }
  if (!allowed.map((e) => -e).includes(status)) {
    failures++;
    await println(`badcalls: ${what}: got ${status < 0 ? errnoName(-status) : status}, want ${allowed.map(errnoName).join("|")}`);
  }
}

export async function main(): Promise<number> {
  // unknown calls
  for (const [name, ep] of [["pm", PM_PROC_NR], ["vfs", VFS_PROC_NR], ["ds", DS_PROC_NR], ["rs", RS_PROC_NR]] as const) {
    await expectStatus(`unknown call to ${name}`, ep, { type: 0x7777 }, ENOSYS);
  }
  // PM
  await expectStatus("kill of a pid that does not exist", PM_PROC_NR, { type: PM.KILL, pid: 99999, sig: 15 }, ESRCH);
  await expectStatus("kill with a string pid", PM_PROC_NR, { type: PM.KILL, pid: "one", sig: 15 }, EINVAL);
  await expectStatus("kill with a bad signal", PM_PROC_NR, { type: PM.KILL, pid: 1, sig: 999 }, EINVAL);
  await expectStatus("waitpid with no children", PM_PROC_NR, { type: PM.WAITPID, pid: -1, options: 1 }, ECHILD);
  await expectStatus("exec of no such program", PM_PROC_NR, { type: PM.EXEC, program: "no-such-program", argv: "" }, ENOEXEC);
  await expectStatus("sleep for a negative time", PM_PROC_NR, { type: PM.SLEEP, ticks: -5 }, EINVAL);
  // VFS
  await expectStatus("read from a bad fd", VFS_PROC_NR, { type: VFS_CALL.READ, fd: 42, grant: 1, count: 10 }, EBADF);
  await expectStatus("read from a negative fd", VFS_PROC_NR, { type: VFS_CALL.READ, fd: -1, grant: 1, count: 10 }, EBADF);
  await expectStatus("open of an empty path", VFS_PROC_NR, { type: VFS_CALL.OPEN, path: "", flags: 0, mode: 0 }, ENOENT);
  await expectStatus("open with no path", VFS_PROC_NR, { type: VFS_CALL.OPEN, flags: 0, mode: 0 }, EINVAL);
  await expectStatus("open of a missing file", VFS_PROC_NR, { type: VFS_CALL.OPEN, path: "/no/such/file", flags: 0, mode: 0 }, ENOENT);
  await expectStatus("open of a too-long path", VFS_PROC_NR, { type: VFS_CALL.OPEN, path: "/" + "x".repeat(2000), flags: 0, mode: 0 },
    ENAMETOOLONG);
  const fd = await open("/dev/null", O_RDONLY);
  await expectStatus("read into a grant that does not exist", VFS_PROC_NR, { type: VFS_CALL.READ, fd: 0, grant: 4242, count: 8 },
    EPERM, EFAULT, EINVAL);
  const g = grant(VFS_PROC_NR, new Uint8Array(4), 0, 4, GRANT_WRITE);
  await expectStatus("read past the end of a grant", VFS_PROC_NR, { type: VFS_CALL.READ, fd, grant: g, count: 4096 }, EFAULT, EINVAL);
  await expectStatus("a PM-only call from a user", VFS_PROC_NR, { type: VFS_PM.FORK, parent: 7, child: 8, pid: 9 }, EPERM);
  // DS and RS
  await expectStatus("retrieve of a missing key", DS_PROC_NR, { type: DS.RETRIEVE, key: "no.such.key" }, ENOENT);
  await expectStatus("publish with an object-less value", DS_PROC_NR, { type: DS.PUBLISH, key: "", value: 1 }, EINVAL);
  await expectStatus("restart requested by a user", RS_PROC_NR, { type: RS.RESTART, name: "blk" }, EPERM);
  // the kernel: no privilege for servers only VFS may call, nor for kernel calls
  await expectStatus("direct request to the file system server", MFS_PROC_NR, { type: 0x301 }, ECALLDENIED);
  await expectStatus("direct request to the disk driver", BLK_PROC_NR, { type: 0x601 }, ECALLDENIED);
  if (kcall({ type: SYS.ABORT, status: 1 }).type !== -ECALLDENIED) {
    failures++;
    await println("badcalls: kernel call from a user was not denied");
  }
  // everything still serves
  try {
    await getpid();
    await stat("/");
    await writeFile("/tmp/after-badcalls", "still here");
    const back = await readFile("/tmp/after-badcalls");
    if (back.length !== 10) throw new Error(`read back ${back.length} bytes`);
    await publish("badcalls.done", 1);
    if ((await retrieve("badcalls.done")) !== 1) throw new Error("DS lost a value");
    const n = await read(fd, new Uint8Array(4));
    if (n !== 0) throw new Error("/dev/null gave data");
  } catch (e) {
    failures++;
    await println(`badcalls: a server stopped serving: ${(e as Error).message}`);
  }
  await println(`badcalls: ${failures} failures`);
  return failures;
}
