import { Command, CommanderError } from "commander";
import { bootCommand } from "./commands/boot.js";
import { buildCommand } from "./commands/build.js";
import { diffCommand } from "./commands/diff.js";
import { fsckCommand, mkfsCommand, putCommand } from "./commands/disk.js";
import { inspectCommand } from "./commands/inspect.js";
import { keygenCommand } from "./commands/keygen.js";
import { updateCommand } from "./commands/update.js";
import { checkUpdateCommand } from "./commands/check-update.js";
import { EXIT, UsageError } from "./errors.js";

const program = new Command()
  .name("proteos")
  .description("Boot, inspect and live-update the proteos-ts operating system")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

for (const cmd of [bootCommand(), buildCommand(), mkfsCommand(), fsckCommand(), putCommand(), diffCommand(), inspectCommand(), keygenCommand(),
  updateCommand(), checkUpdateCommand()]) {
  // Subcommands added whole do not inherit these settings: errors must reach our handler.
  program.addCommand(cmd.exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) }));
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here with code 0; unknown options and commands with 2.
    process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
  } else if (err instanceof UsageError) {
    process.stderr.write(`proteos: ${err.message}\n`);
    process.exitCode = EXIT.BAD_INPUT;
  } else {
    process.stderr.write(`proteos: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = EXIT.FAILED;
  }
}
