/**
 * The event trace: every delivery the kernel makes is folded into a 64-bit hash
 * (two FNV-1a lanes). Two runs with the same seed must produce the same hash.
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

  private mix(v: number): void {
    const x = v | 0;
    for (let s = 0; s < 32; s += 8) {
      const byte = (x >>> s) & 0xff;
      this.h1 = Math.imul(this.h1 ^ byte, 0x01000193);
      this.h2 = Math.imul(this.h2 ^ byte, 0x5bd1e995) ^ (this.h2 >>> 15);
    }
  }

  get hash(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, "0") + (this.h2 >>> 0).toString(16).padStart(8, "0");
  }
}
