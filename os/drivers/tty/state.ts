/**
 * All of the console driver's state: the line being typed, finished input waiting
 * for readers, the readers waiting for input, and a partly written character.
 */
import { type Message } from "../../include/ipc.js";

/** A read request held until a line is there to answer it. */
export class PendingRead {
  constructor(
    /** The request, answered later with reply(). */
    readonly request: Message,
    readonly count: number,
    readonly grant: number,
    /** VFS's name for it, used to cancel it. */
    readonly id: number,
  ) {}
}

export class TtyState {
  /** The line being typed: editable until Enter (or Ctrl-D) finishes it. */
  editing = "";
  /** Finished input, oldest first: a line's bytes (with its newline), or null for an end of file (Ctrl-D). */
  readonly lines: Array<Uint8Array | null> = [];
  /** Reads waiting for input, in arrival order. */
  readonly readers: PendingRead[] = [];
  /** Leading bytes of a character whose encoding the last write cut off, kept for the next write. */
  outputTail: Uint8Array = new Uint8Array(0);
}

export const tty = new TtyState();
