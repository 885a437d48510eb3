/** A request failed: its reply carries -errno, and `why` when there is more to say. */
export class FsError extends Error {
  constructor(readonly errno: number, readonly why = "") {
    super(why || `errno ${errno}`);
    this.name = "FsError";
  }
}
