/**
 * The event trace: every delivery the kernel makes is folded into a 64-bit hash
 * (two 32-bit lanes). Two runs with the same seed must produce the same hash.
 */
export class Trace {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193 ^ 0x5bd1e995;
  events = 0;

  record(kind: number, src: number, dst: number, type: number): void {
    this.events++;
    this.mix(kind);
    this.mix(src);
    this.mix(dst);
    this.mix(type);
  }

  /** Fold one 32-bit word in (word-wise FNV and a murmur-style lane: cheap, on the IPC hot path). */
  private mix(v: number): void {
    const x = v | 0;
    this.h1 = Math.imul(this.h1 ^ x, 0x01000193);
    this.h2 = Math.imul(this.h2 ^ x, 0x5bd1e995);
    this.h2 ^= this.h2 >>> 15;
  }

  get hash(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, "0") + (this.h2 >>> 0).toString(16).padStart(8, "0");
  }
}
