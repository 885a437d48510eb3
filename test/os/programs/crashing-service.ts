/** Run in a service's slot: fails as soon as it starts. */
export async function main(): Promise<void> {
  throw new Error("crashing service");
}
