/** Exit codes shared by every subcommand. */
export const EXIT = { OK: 0, FAILED: 1, BAD_INPUT: 2 } as const;

/** Bad input from the user: printed as one clear line, exit code 2. */
export class UsageError extends Error {}

/** Parse a non-negative integer option, naming the option when it is not one. */
export function intOption(name: string, value: string | undefined, dflt?: number): number | undefined {
  if (value === undefined) return dflt;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} must be a non-negative integer, got '${value}'`);
  return Number(value);
}
