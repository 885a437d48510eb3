/**
 * The console: an output sink and an input queue. Typed input raises an interrupt;
 * the terminal driver then drains it.
 */
export class Console {
  private input: string[] = [];
  private transcript: string[] = [];

  constructor(private raise: () => void, private sink: (text: string) => void = () => {}) {}

  write(text: string): void {
    this.transcript.push(text);
    this.sink(text);
  }

  /** Host side: type characters at the console. */
  type(text: string): void {
    this.input.push(text);
    this.raise();
  }

  /** Driver side: take everything typed so far. */
  takeInput(): string {
    const s = this.input.join("");
    this.input = [];
    return s;
  }

  get pendingInput(): boolean {
    return this.input.length > 0;
  }

  /** Everything written to the console since power-on. */
  output(): string {
    return this.transcript.join("");
  }
}
