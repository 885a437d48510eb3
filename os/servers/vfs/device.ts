/**
 * Character devices. A device special file's major number picks the driver: the
 * console (MAJOR_TTY) is the TTY driver, spoken to with the CDEV protocol; the null
 * device (MAJOR_NULL) is VFS's own: reads find end of file, writes vanish.
 */
import { CDEV } from "../../include/cdev.js";
import { TTY_PROC_NR } from "../../include/com.js";
import { ENODEV } from "../../include/errno.js";
import { GRANT_READ, GRANT_WRITE, type Message } from "../../include/ipc.js";
import { MAJOR_NULL, MAJOR_TTY, major, minor } from "../../include/vfs.js";
import { SysError } from "../../lib/errors.js";
import { countField, request } from "./request.js";
import { checkUserGrant, withUserGrant } from "./grant.js";
import { FProc, Vnode, vfs } from "./state.js";

/** The driver of device `rdev`, or null for the null device; ENODEV for any other. */
function driverOf(rdev: number): number | null {
  switch (major(rdev)) {
    case MAJOR_TTY:
      return TTY_PROC_NR;
    case MAJOR_NULL:
      return null;
    default:
      throw new SysError(ENODEV, "vfs");
  }
}

export async function deviceOpen(vp: Vnode): Promise<void> {
  const driver = driverOf(vp.rdev);
  if (driver !== null) await request(driver, { type: CDEV.OPEN, minor: minor(vp.rdev) });
}

export async function deviceClose(vp: Vnode): Promise<void> {
  const driver = driverOf(vp.rdev);
  if (driver !== null) await request(driver, { type: CDEV.CLOSE, minor: minor(vp.rdev) });
}

/** Read or write `count` bytes of device `vp` for the request `m` (with its grant); returns the bytes moved. */
export async function deviceTransfer(fp: FProc, vp: Vnode, m: Message, writing: boolean, count: number): Promise<number> {
  const driver = driverOf(vp.rdev);
  if (driver === null) {
    // The null device moves no data, but a bad buffer is still the caller's error.
    checkUserGrant(m, count, writing ? GRANT_READ : GRANT_WRITE);
    return writing ? count : 0;
  }
  return withUserGrant(m, driver, async (grant) => {
    const req = { minor: minor(vp.rdev), count, grant };
    if (writing) return countField(await request(driver, { type: CDEV.WRITE, ...req }), "bytes", count);
    // A read may wait for input for long: remember it so the process's exit can cancel it.
    const id = vfs.nextDeviceRequest++;
    fp.deviceReads.set(id, driver);
    try {
      return countField(await request(driver, { type: CDEV.READ, ...req, id }), "bytes", count);
    } finally {
      fp.deviceReads.delete(id);
    }
  });
}

/** Cancel the device reads `fp` is waiting in (it has exited); their requests then fail with EINTR. */
export function cancelDeviceReads(fp: FProc): void {
  for (const [id, driver] of fp.deviceReads) {
    request(driver, { type: CDEV.CANCEL, id }).catch(() => {
      // The read finished or the driver is gone: nothing left to cancel.
    });
  }
}
