import * as fs from "node:fs";
import { Command } from "commander";
import { newKeyPair } from "../../runtime/package/sign.js";
import { UsageError } from "../errors.js";

export function keygenCommand(): Command {
  return new Command("keygen")
    .description("make an ed25519 key pair to sign update packages (diff --sign) and check them (inspect --trust)")
    .requiredOption("-o, --out <prefix>", "writes <prefix>.key (private, mode 0600) and <prefix>.pub")
    .option("--force", "replace existing key files")
    .option("--json", "print one JSON object on stdout")
    .action((o: { out: string; force?: boolean; json?: boolean }) => {
      const privateFile = `${o.out}.key`;
      const publicFile = `${o.out}.pub`;
      for (const f of [privateFile, publicFile]) {
        if (!o.force && fs.existsSync(f)) throw new UsageError(`'${f}' exists (--force replaces it)`);
      }
      const { privatePem, publicPem, fingerprint } = newKeyPair();
      try {
        // Each file is made anew ("wx": no following a symlink planted at its name, no
        // reusing a file someone else can open), the private key without read access for
        // others from the start rather than chmod-ed after.
        if (o.force) for (const f of [privateFile, publicFile]) fs.rmSync(f, { force: true });
        fs.writeFileSync(privateFile, privatePem, { mode: 0o600, flag: "wx" });
        fs.writeFileSync(publicFile, publicPem, { flag: "wx" });
      } catch (err) {
        throw new UsageError(`cannot write the key files: ${(err as Error).message}`);
      }
      if (o.json) process.stdout.write(JSON.stringify({ privateKey: privateFile, publicKey: publicFile, fingerprint }) + "\n");
      else process.stdout.write(`wrote ${privateFile} (private: sign with --sign) and ${publicFile} (public: check with --trust); key ${fingerprint}\n`);
    });
}
