/**
 * The protocol between VFS and a character-device driver (MINIX's CDEV_* calls).
 * Only VFS sends these, with sendrec; the reply's `type` is 0 or a negative errno.
 * Data moves through `grant`, made by VFS (an indirect grant of the user's buffer):
 * the driver copies with safecopy(VFS, grant). A READ may be held by the driver
 * until data is there; VFS names each READ with an `id` so it can CANCEL it.
 */
import { CDEV_BASE } from "./com.js";

export const CDEV = {
  /** {minor}. */
  OPEN: CDEV_BASE + 1,
  /** {minor}. */
  CLOSE: CDEV_BASE + 2,
  /** {minor, count, grant, id} -> {bytes}: 0 bytes means end of file. */
  READ: CDEV_BASE + 3,
  /** {minor, count, grant} -> {bytes}. */
  WRITE: CDEV_BASE + 4,
  /** {id}: answer the held READ `id` at once with EINTR (its caller is gone). */
  CANCEL: CDEV_BASE + 5,
} as const;

/** The console's interrupt line (hw/machine.ts IRQ.CONSOLE): the TTY driver subscribes to it. */
export const CONSOLE_IRQ = 2;
