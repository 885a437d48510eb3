/**
 * The likely-invariant profile of one program (fixtures/invariants/<program>.json): what
 * profiling runs of the workloads observed at each abstract location of its state
 * (./locations.ts), and the invariants checked from it (./likely.ts says how they are
 * chosen). Written by scripts/profile-invariants.ts, read by checkLikely.
 *
 * {
 *   schemaVersion: 1, program: "vfs",
 *   runs: [{ workload: "mixed", seed: 1, samples: 138 }, …],
 *   locations: {                                  sorted by location
 *     "servers/vfs/state.ts#vfs.vnodes[].refCount": {
 *       runs: 6, samples: 2210,                   runs that saw it, values seen
 *       kinds: ["number"],                        kinds of values seen (runtime/state/values.ts)
 *       observed: { min: 1, max: 9 },             extreme numbers seen (null: no numbers)
 *       values: null,                             booleans and strings seen, "many" past 16
 *                                                 (null: none)
 *       check: { notNull: true, notUndefined: true, min: 1, integer: true, oneOf: null }
 *     }, … } }
 *
 * `check` is what is enforced: null/undefined never seen, numbers at least `min` (null:
 * unbounded), integers, strings one of `oneOf` (null: any).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { formatPath } from "../../instrumenter/metadata/schema.js";

export const PROFILE_SCHEMA_VERSION = 1;

export const LocationProfileSchema = z.strictObject({
  runs: z.number().int().nonnegative(),
  samples: z.number().int().nonnegative(),
  kinds: z.array(z.string()),
  observed: z.strictObject({ min: z.number(), max: z.number() }).nullable(),
  values: z.union([z.array(z.union([z.string(), z.boolean()])), z.literal("many")]).nullable(),
  check: z.strictObject({
    notNull: z.boolean(),
    notUndefined: z.boolean(),
    min: z.number().nullable(),
    integer: z.boolean(),
    oneOf: z.array(z.string()).nullable(),
  }),
});
export type LocationProfile = z.infer<typeof LocationProfileSchema>;

export const ProfileSchema = z.strictObject({
  schemaVersion: z.literal(PROFILE_SCHEMA_VERSION),
  program: z.string().min(1),
  runs: z.array(z.strictObject({
    workload: z.string().min(1),
    seed: z.number().int(),
    samples: z.number().int().nonnegative(),
  })),
  locations: z.record(z.string(), LocationProfileSchema),
});
export type LikelyProfile = z.infer<typeof ProfileSchema>;

export class ProfileError extends Error {
  constructor(readonly file: string, readonly issues: string[]) {
    super(`invalid likely-invariant profile ${file}:\n  ${issues.join("\n  ")}`);
    this.name = "ProfileError";
  }
}

/** Validate a profile (text or parsed); `file` names it in errors. */
export function parseProfile(json: unknown, file = "(profile)"): LikelyProfile {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json) as unknown;
    } catch (err) {
      throw new ProfileError(file, [`not JSON: ${(err as Error).message}`]);
    }
  }
  const result = ProfileSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ProfileError(file, result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`));
}

const profileFile = (dir: string, program: string): string => path.join(dir, `${program}.json`);

export function readProfile(dir: string, program: string): LikelyProfile {
  const file = profileFile(dir, program);
  const profile = parseProfile(fs.readFileSync(file, "utf8"), file);
  if (profile.program !== program) throw new ProfileError(file, [`program: "${profile.program}", expected "${program}"`]);
  return profile;
}

/** Write `<dir>/<program>.json`: one location a line, sorted, so that a profile diffs line by line. */
export function writeProfile(dir: string, profile: LikelyProfile): string {
  const entries = Object.entries(profile.locations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = [
    "{",
    `  "schemaVersion": ${profile.schemaVersion},`,
    `  "program": ${JSON.stringify(profile.program)},`,
    `  "runs": [\n${profile.runs.map((r) => `    ${JSON.stringify(r)}`).join(",\n")}\n  ],`,
    `  "locations": {\n${entries.map(([l, p]) => `    ${JSON.stringify(l)}: ${JSON.stringify(p)}`).join(",\n")}\n  }`,
    "}",
  ];
  const file = profileFile(dir, profile.program);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}
