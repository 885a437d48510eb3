/**
 * The walk's identity table: old object -> its counterpart in the new realm, so that an
 * object reachable twice is copied once.
 *
 * A Map of every object copied cost a third of a transfer: a miss and an insertion, then
 * a hit per further reference, each a probe into a table of hundreds of thousands of
 * entries at a random place, so a cache miss or two. So, like a copying collector's
 * forwarding pointer, an old object that owns an allocation-site tag has the tag replaced
 * by its copy while the walk runs: finding the copy is reading a field of an object the
 * walk reads anyway. Every tag replaced is logged and put back by `restore`, which the
 * transfer runs whether it succeeded or not: the old realm's state is as it was, since
 * only the value of a property it already had changed, for a while in which none of its
 * code runs.
 *
 * The rest stays in a Map: objects without a tag of their own (class instances, objects
 * made where no tag is written), whose tag cannot be written (a frozen object), or whose
 * counterpart is no object (a transformer's primitive result).
 */
type Obj = Record<string | symbol, unknown>;

const hasOwn = Object.hasOwn;

export class Copies {
  private readonly map = new Map<object, unknown>();
  /** The objects forwarded and their tags, two slots each. */
  private readonly log: unknown[] = [];
  /** Whether the map holds an object that owns a tag: then such an object may be in either place. */
  private taggedInMap = false;

  /** `TYPE`: the key of allocation-site tags, whose values (type ids) are always strings. */
  constructor(private readonly TYPE: symbol) {}

  /**
   * The counterpart of `old`, or undefined. `tag` is `old[TYPE]` as just read and `own`
   * whether `old` owns it (the walk needs both anyway, so it reads them once).
   */
  get(old: object, tag: unknown, own: boolean): unknown {
    if (own) {
      if (typeof tag !== "string") return tag;
      if (!this.taggedInMap) return undefined;
    }
    return this.map.get(old);
  }

  /** Record `copy` as the counterpart of `old` (`tag` and `own` as for get). */
  set(old: object, copy: unknown, tag: unknown, own: boolean): void {
    if (own && typeof tag === "string") {
      if (typeof copy === "object" && copy !== null) {
        try {
          (old as Obj)[this.TYPE] = copy;
          this.log.push(old, tag);
          return;
        } catch {
          // A read-only tag (the object is frozen): the Map holds its copy.
        }
      }
      this.taggedInMap = true;
    }
    this.map.set(old, copy);
  }

  /** Whether `old`, whose `old[TYPE]` read `tag`, owns it (an inherited one may be a forward). */
  owns(old: object, tag: unknown): boolean {
    return tag !== undefined && hasOwn(old, this.TYPE);
  }

  /** `get` for an object whose tag is not at hand. */
  of(old: object): unknown {
    const tag = (old as Obj)[this.TYPE];
    return this.get(old, tag, this.owns(old, tag));
  }

  /** `set` for an object whose tag is not at hand. */
  remember(old: object, copy: unknown): void {
    const tag = (old as Obj)[this.TYPE];
    this.set(old, copy, tag, this.owns(old, tag));
  }

  /** Put every forwarded object's tag back. */
  restore(): void {
    const log = this.log;
    for (let i = 0; i < log.length; i += 2) (log[i] as Obj)[this.TYPE] = log[i + 1];
    log.length = 0;
  }
}
