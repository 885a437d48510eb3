/**
 * The control socket's protocol (see README.md here): one JSON object per line each
 * way, a reply for every request, in order.
 *
 *   {"op":"update","package":"<package file text>","options":{…}}  -> {"report":{…UpdateReport}}
 *   {"op":"status"}                                                 -> {"status":{tick, halted, versions}}
 *   {"op":"shutdown"}                                               -> {"ok":true}
 *   anything else, or a request that cannot be carried out          -> {"error":"why"}
 */
import { z } from "zod";
import type { UpdateReport } from "../update/report.js";
import { formatIssues, PackageOptionsSchema } from "../update/request.js";

export const ControlRequestSchema = z.discriminatedUnion("op", [
  z.strictObject({
    op: z.literal("update"),
    /** The update package file's text. */
    package: z.string().min(1),
    /** How to apply it (runtime/update/request.ts: PackageOptionsSchema); none: as the package suggests. */
    options: PackageOptionsSchema.optional(),
  }),
  z.strictObject({ op: z.literal("status") }),
  z.strictObject({ op: z.literal("shutdown") }),
]);
export type ControlRequest = z.input<typeof ControlRequestSchema>;

export interface SystemStatus {
  /** Virtual time now. */
  tick: number;
  /** The machine halted (the run is over; updates are refused). */
  halted: boolean;
  /** The version label each running system service runs ("boot", or a staged version's). */
  versions: Record<string, string>;
}

export type ControlReply = { report: UpdateReport } | { status: SystemStatus } | { ok: true } | { error: string };

/** A request line longer than this is refused (a package of the whole OS is a few MiB). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Parse one request line; a malformed one is an Error saying what is wrong. */
export function parseRequest(line: string): z.infer<typeof ControlRequestSchema> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new Error(`request is not JSON: ${(err as Error).message}`);
  }
  const r = ControlRequestSchema.safeParse(value);
  if (!r.success) throw new Error(`bad request: ${formatIssues(r.error)}`);
  return r.data;
}
