/**
 * Typed input and the cooked line discipline: characters collect in an editable
 * line, echoed as they come; Enter finishes the line, backspace erases, and Ctrl-D
 * at the start of a line is an end of file (elsewhere it hands over the line so far).
 */
import { SYS } from "../../include/kcall.js";
import { kcall } from "../../lib/ipc.js";
import { encodeUtf8 } from "../../lib/utf8.js";
import { serveReaders } from "./read.js";
import { tty } from "./state.js";
import { consoleWrite } from "./write.js";

/** Longest line that can be typed (MAX_CANON): further characters are dropped until Enter. */
const MAX_LINE = 4096;
const BACKSPACE = "\b";
const DELETE = "\x7f";
const CTRL_D = "\x04";

/** The console interrupted: take what was typed, then answer the readers it completes. */
export function takeInput(): void {
  const r = kcall({ type: SYS.CONSOLE_READ });
  if (r.type < 0 || typeof r.text !== "string" || r.text.length === 0) return;
  let echo = "";
  for (const ch of r.text) echo += discipline(ch);
  if (echo) consoleWrite(echo);
  serveReaders();
}

/** Apply one typed character to the input; returns what to echo. */
function discipline(ch: string): string {
  switch (ch) {
    case "\r":
    case "\n":
      finishLine(`${tty.editing}\n`);
      return "\n";
    case BACKSPACE:
    case DELETE: {
      if (tty.editing.length === 0) return "";
      const last = Array.from(tty.editing).pop()!; // a whole character, even outside the BMP
      tty.editing = tty.editing.slice(0, tty.editing.length - last.length);
      return "\b \b";
    }
    case CTRL_D:
      if (tty.editing.length === 0) tty.lines.push(null);
      else finishLine(tty.editing);
      return "";
    default:
      if (tty.editing.length >= MAX_LINE) return "";
      tty.editing += ch;
      return ch;
  }
}

function finishLine(text: string): void {
  tty.lines.push(encodeUtf8(text));
  tty.editing = "";
}
