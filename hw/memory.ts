/**
 * Physical memory: one byte array that devices read and write by address (DMA).
 * The kernel hands out regions of it with a first-fit allocator; no process ever
 * sees it directly, it copies in and out through kernel calls.
 */
export class PhysicalMemory {
  readonly bytes: Uint8Array;
  /** Free regions as [start, length], sorted by start and coalesced. */
  private free: Array<[number, number]>;
  private allocated = new Map<number, number>();

  constructor(readonly size: number) {
    this.bytes = new Uint8Array(size);
    this.free = [[0, size]];
  }

  /** Allocate `length` bytes aligned to 8; returns the address, or -1 when memory is exhausted. */
  alloc(length: number): number {
    const len = Math.max(8, (length + 7) & ~7);
    for (let i = 0; i < this.free.length; i++) {
      const [start, avail] = this.free[i]!;
      if (avail < len) continue;
      if (avail === len) this.free.splice(i, 1);
      else this.free[i] = [start + len, avail - len];
      this.allocated.set(start, len);
      return start;
    }
    return -1;
  }

  release(addr: number): void {
    const len = this.allocated.get(addr);
    if (len === undefined) throw new RangeError(`free of unallocated physical address ${addr}`);
    this.allocated.delete(addr);
    let i = 0;
    while (i < this.free.length && this.free[i]![0] < addr) i++;
    this.free.splice(i, 0, [addr, len]);
    // Merge with neighbours so large DMA buffers stay available.
    for (let j = Math.max(0, i - 1); j < this.free.length - 1; ) {
      const a = this.free[j]!;
      const b = this.free[j + 1]!;
      if (a[0] + a[1] === b[0]) {
        a[1] += b[1];
        this.free.splice(j + 1, 1);
      } else if (j >= i) break;
      else j++;
    }
  }

  /** Size of the region allocated at `start`, or 0 if none starts there. */
  sizeOf(start: number): number {
    return this.allocated.get(start) ?? 0;
  }

  /** Whether [addr, addr+length) lies inside one allocated region. */
  owns(addr: number, length: number): boolean {
    for (const [start, len] of this.allocated) {
      if (addr >= start && addr + length <= start + len) return true;
    }
    return false;
  }

  get bytesInUse(): number {
    let n = 0;
    for (const len of this.allocated.values()) n += len;
    return n;
  }
}
