/**
 * What can wake an idle machine from outside it: the terminal (interactive mode) and
 * the control socket. The kernel's run loop calls the idle wait when every process is
 * blocked and no timer is set; the run goes on when an input has delivered something.
 */
import type { System } from "../os/boot/system.js";

/** Something from outside the machine that can give it work while it is idle. */
export interface HostInput {
  /** Hand the machine what has arrived; true if there was anything. */
  deliver(): boolean;
  /** Nothing more will arrive. */
  readonly ended: boolean;
}

/**
 * The run's wait when the machine is idle (every process blocked, no timer): resolves
 * true as soon as an input delivers something (the run goes on), false once every
 * input has ended (the run ends idle).
 */
export class IdleWait {
  private readonly inputs: HostInput[] = [];
  private look: (() => void) | undefined;

  add(input: HostInput): void {
    this.inputs.push(input);
  }

  get empty(): boolean {
    return this.inputs.length === 0;
  }

  /** Something arrived: a wait under way looks again. */
  readonly arrived = (): void => this.look?.();

  readonly wait = (): Promise<boolean> => new Promise<boolean>((resolve) => {
    this.look = () => {
      const delivered = this.inputs.map((i) => i.deliver()).some(Boolean);
      if (!delivered && !this.inputs.every((i) => i.ended)) return;
      this.look = undefined;
      resolve(delivered);
    };
    this.look();
  });
}

/** The control socket's part in the idle wait: a request it carried out may have given the machine work. */
export class Poke implements HostInput {
  private poked = false;
  readonly ended = false;

  constructor(private readonly arrived: () => void) {}

  poke(): void {
    this.poked = true;
    this.arrived();
  }

  deliver(): boolean {
    const poked = this.poked;
    this.poked = false;
    return poked;
  }
}

/**
 * In interactive mode, what is typed becomes console input, delivered when the machine
 * is idle. On a terminal the OS's TTY driver does the echo and line editing (raw mode),
 * and Ctrl-C powers the machine off.
 */
export function stdinInput(sys: System, arrived: () => void): HostInput {
  const pending: string[] = [];
  let ended = false;
  let eofSent = false;
  process.stdin.setEncoding("utf8");
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    process.once("exit", () => process.stdin.setRawMode(false));
  }
  process.stdin.on("data", (chunk: string) => {
    if (process.stdin.isTTY && chunk.includes("\x03")) {
      process.stdout.write("^C\nproteos: powering off\n");
      sys.kernel.halt(130);
      ended = true;
    } else pending.push(chunk);
    arrived();
  });
  process.stdin.on("end", () => {
    ended = true;
    arrived();
  });
  return {
    deliver: () => {
      if (pending.length > 0) {
        sys.machine.console.type(pending.splice(0).join(""));
        return true;
      }
      if (ended && !eofSent) {
        sys.machine.console.type("\x04"); // end of input: Ctrl-D
        eofSent = true;
        return true;
      }
      return false;
    },
    get ended() {
      return ended && eofSent;
    },
  };
}
