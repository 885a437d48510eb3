/**
 * The message of something thrown, for reports. It may come from a process's realm (an
 * Error of another realm is no `instanceof Error` here), or be no Error at all, or be
 * something whose conversion to a string throws.
 */
export function errorMessage(err: unknown): string {
  try {
    const message = (err as { message?: unknown } | null)?.message;
    return typeof message === "string" ? message : String(err);
  } catch {
    return "unprintable error";
  }
}
