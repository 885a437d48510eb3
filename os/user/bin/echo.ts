/** echo [-n] [word...]: write the words to standard output. */
import { print } from "../../lib/stdio.js";

export async function main(argv: string[]): Promise<number> {
  const noNewline = argv[0] === "-n";
  const words = noNewline ? argv.slice(1) : argv;
  await print(words.join(" ") + (noNewline ? "" : "\n"));
  return 0;
}
