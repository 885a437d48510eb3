/**
 * Crashes on purpose at the line marked below, after an await (so the throw happens in a
 * later job, as a server's would). Imports nothing, so a test can copy it into any OS tree.
 */
export async function main(): Promise<number> {
  await Promise.resolve();
  throw new Error("thrown on purpose"); // the crash line
}
