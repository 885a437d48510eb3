/**
 * The dispatch table: which handler serves each request type (MINIX's table.c).
 */
import { type Message } from "../../include/ipc.js";
import { VFS_CALL, VFS_PM } from "../../include/vfs.js";
import { pmExit, pmFork, pmShutdown } from "./fork.js";
import { doFtruncate, doRename, doRmdir, doTruncate, doUnlink } from "./link.js";
import { doDup, doDup2, doSync } from "./misc.js";
import { doClose, doLseek, doMkdir, doOpen } from "./open.js";
import { doGetdents, doRead, doWrite } from "./read.js";
import { FProc } from "./state.js";
import { doChdir, doFstat, doGetcwd, doStat } from "./stat.js";

/** A call a user process makes; it returns the reply or throws SysError. */
export type UserCall = (fp: FProc, m: Message) => Promise<Message>;

export const userCalls: ReadonlyMap<number, UserCall> = new Map<number, UserCall>([
  [VFS_CALL.OPEN, doOpen],
  [VFS_CALL.CLOSE, doClose],
  [VFS_CALL.READ, doRead],
  [VFS_CALL.WRITE, doWrite],
  [VFS_CALL.LSEEK, doLseek],
  [VFS_CALL.DUP, doDup],
  [VFS_CALL.DUP2, doDup2],
  [VFS_CALL.UNLINK, doUnlink],
  [VFS_CALL.MKDIR, doMkdir],
  [VFS_CALL.RMDIR, doRmdir],
  [VFS_CALL.RENAME, doRename],
  [VFS_CALL.STAT, doStat],
  [VFS_CALL.FSTAT, doFstat],
  [VFS_CALL.GETDENTS, doGetdents],
  [VFS_CALL.CHDIR, doChdir],
  [VFS_CALL.GETCWD, doGetcwd],
  [VFS_CALL.TRUNCATE, doTruncate],
  [VFS_CALL.FTRUNCATE, doFtruncate],
  [VFS_CALL.SYNC, doSync],
]);

/** A call only PM may make. */
export type PmCall = (m: Message) => Promise<Message>;

export const pmCalls: ReadonlyMap<number, PmCall> = new Map<number, PmCall>([
  [VFS_PM.FORK, pmFork],
  [VFS_PM.EXIT, pmExit],
  [VFS_PM.SHUTDOWN, pmShutdown],
]);
