/**
 * An update request, as the update manager (RS) passes it on: JSON, validated here.
 * The same shape comes from the shell (`service update`), from the host API and from
 * the command line.
 */
import { z } from "zod";

/** States a component may be asked to reach before it is updated (see runtime/update/README.md). */
export const PREDEFINED_STATES = ["work-free", "request-free", "protocol-free"] as const;
export type PredefinedState = (typeof PREDEFINED_STATES)[number];

/**
 * An interface filter: while the component drains, hold back messages from `from`
 * ("users": every process that is not a system process; "system"; a service name; an
 * endpoint number) and/or of message type `type`. Both given: only messages matching both.
 */
export const InterfaceFilterSchema = z.strictObject({
  from: z.union([z.literal("users"), z.literal("system"), z.string().min(1), z.number().int()]).optional(),
  type: z.number().int().optional(),
}).refine((f) => f.from !== undefined || f.type !== undefined, { message: "an interface filter needs `from` or `type`" });
export type InterfaceFilter = z.infer<typeof InterfaceFilterSchema>;

export const ComponentRequestSchema = z.strictObject({
  /** The process to update, by name ("vfs", "mfs", "rs", …). */
  name: z.string().min(1),
  /** A version staged with the updater; none: the version it runs now (an identity update). */
  version: z.string().min(1).optional(),
  state: z.enum(PREDEFINED_STATES).default("request-free"),
  /** A state filter: a boolean expression over the component's own variables, checked with `state`. */
  filter: z.string().min(1).optional(),
  hold: z.array(InterfaceFilterSchema).default([]),
});
export type ComponentRequest = z.infer<typeof ComponentRequestSchema>;

/** What every request may say about the update as a whole. */
const UPDATE_OPTIONS = {
  /** Virtual ticks (1 tick = 1 virtual ms) to reach quiescence and commit; past them the update is rolled back. */
  maxtime: z.number().int().positive().default(2000),
  /** Likely invariants (learned by profiling): ignored, reported as warnings, or failing the update. */
  likely: z.enum(["off", "warn", "fail"]).default("warn"),
  /** Report deep hashes of each component's state (see ComponentReport.digest); costs a walk of each state. */
  digest: z.boolean().default(false),
};

export const UpdateRequestSchema = z.strictObject({
  components: z.array(ComponentRequestSchema).min(1),
  ...UPDATE_OPTIONS,
});
export type UpdateRequest = z.infer<typeof UpdateRequestSchema>;

/**
 * How to apply an update package (runtime/package/apply.ts), from the host or, with
 * `"package": true` and the package file attached, from `service update --package`.
 * What is not said comes from the package's suggestions: every running component of the
 * package, in one atomic update, each with its suggested state and interface filters.
 */
export const PackageOptionsSchema = z.strictObject({
  /** Only these services (with overrides of the package's suggestions for each). */
  components: z.array(z.strictObject({
    name: z.string().min(1),
    state: z.enum(PREDEFINED_STATES).optional(),
    filter: z.string().min(1).optional(),
    hold: z.array(InterfaceFilterSchema).optional(),
  })).min(1).optional(),
  /** For every component: a predefined state, or a state filter expression (waited for on top of the suggested state). */
  state: z.string().min(1).optional(),
  /** For every component: interface filters instead of the suggested ones. */
  hold: z.array(InterfaceFilterSchema).optional(),
  ...UPDATE_OPTIONS,
});
export type PackageOptions = z.input<typeof PackageOptionsSchema>;

const PackageRequestSchema = PackageOptionsSchema.extend({ package: z.literal(true) });
export type PackageRequest = z.infer<typeof PackageRequestSchema>;

/**
 * Parse and validate a request: a plain one, or one for the package attached to it
 * (`"package": true`). Throws an Error naming every bad field.
 */
export function parseUpdateRequest(json: string): UpdateRequest | PackageRequest {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new Error(`update request is not JSON: ${(err as Error).message}`);
  }
  const forPackage = typeof value === "object" && value !== null && (value as { package?: unknown }).package === true;
  const r = (forPackage ? PackageRequestSchema : UpdateRequestSchema).safeParse(value);
  if (!r.success) throw new Error(`bad update request: ${formatIssues(r.error)}`);
  const names = r.data.components?.map((c) => c.name) ?? [];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`bad update request: component "${twice}" named twice`);
  return r.data;
}

/** A zod error as one line: each bad field and what is wrong with it. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(request)"}: ${i.message}`).join("; ");
}
