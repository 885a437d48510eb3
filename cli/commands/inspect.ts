import { Command } from "commander";
import { decodePackage, PackageError } from "../../runtime/package/format.js";
import { formatPackageReport, packageReport } from "../../runtime/package/inspect.js";
import { EXIT, UsageError } from "../errors.js";
import { collect, readPackageFile, trustOption } from "../options.js";

export function inspectCommand(): Command {
  return new Command("inspect")
    .description("show what an update package will do: components, changes field by field, transformers, suggestions")
    .argument("<package>", "the package file (made by proteos diff)")
    .option("--trust <key.pub>", "require a signature by this ed25519 public key (repeat for several)",
      collect, [])
    .option("--json", "print one JSON object on stdout")
    .action((file: string, o: { trust: string[]; json?: boolean }) => {
      const text = readPackageFile(file);
      const trusted = trustOption(o.trust);
      let report: ReturnType<typeof packageReport>;
      try {
        report = packageReport(decodePackage(text, file), Buffer.byteLength(text), trusted);
      } catch (err) {
        // Damaged, truncated or tampered with (a bad signature included): nothing in it can be believed.
        if (err instanceof PackageError) throw new UsageError(err.message);
        throw err;
      }
      process.stdout.write(o.json ? JSON.stringify(report) + "\n" : formatPackageReport(report));
      if (report.signature.trusted === false) {
        process.stderr.write(`proteos: ${file}: ${report.signature.signed ? `signed by a key that is not trusted (${report.signature.keyFingerprint})` : "not signed, and a trusted signature was required"}\n`);
        process.exitCode = EXIT.FAILED;
      }
    });
}
