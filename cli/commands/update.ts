import { Command } from "commander";
import { controlRequest, ControlClientError } from "../../runtime/control/client.js";
import { decodePackage, PackageError } from "../../runtime/package/format.js";
import { verifySignature } from "../../runtime/package/sign.js";
import { formatReport } from "../../runtime/update/report.js";
import type { InterfaceFilter, PackageOptions } from "../../runtime/update/request.js";
import { EXIT, UsageError, intOption } from "../errors.js";
import { collect, readPackageFile, trustOption } from "../options.js";

const LIKELY = ["off", "warn", "fail"] as const;

export function updateCommand(): Command {
  return new Command("update")
    .description("apply an update package to a running system (proteos boot --control PATH) and print the update's report")
    .argument("<package>", "the update package file (proteos diff)")
    .requiredOption("--control <path>", "the running system's control socket")
    .option("--state <expr>", "state to wait for in every component: work-free, request-free, protocol-free, "
      + "or a state filter expression (waited for on top of the package's suggested state)")
    .option("--maxtime <ms>", "virtual milliseconds (= ticks) to reach the state and commit before rolling back (default 2000)")
    .option("--filter <spec>", "hold back messages to the components while they drain: from=users|system|SERVICE|ENDPOINT "
      + "and/or type=N, e.g. 'from=pm,type=7' (repeatable; replaces the package's suggestion)", collect, [])
    .option("--likely <mode>", `learned likely invariants: ${LIKELY.join(", ")} (default warn)`)
    .option("--trust <public.pem>", "send the package only if it is signed by this key (repeatable; the system checks "
      + "its own --trust keys as well)", collect, [])
    .option("--json", "print the report as one JSON object")
    .action(async (file: string, o: { control: string; state?: string; maxtime?: string; filter: string[]; likely?: string;
      trust: string[]; json?: boolean }) => {
      const text = readPackageFile(file);
      if (o.likely !== undefined && !(LIKELY as readonly string[]).includes(o.likely)) {
        throw new UsageError(`--likely must be one of ${LIKELY.join(", ")}, got '${o.likely}'`);
      }
      const maxtime = intOption("--maxtime", o.maxtime);
      if (maxtime === 0) throw new UsageError("--maxtime must be at least 1");
      const options: PackageOptions = {
        ...(o.state === undefined ? {} : { state: o.state }),
        ...(o.filter.length === 0 ? {} : { hold: o.filter.map(interfaceFilter) }),
        ...(maxtime === undefined ? {} : { maxtime }),
        ...(o.likely === undefined ? {} : { likely: o.likely as (typeof LIKELY)[number] }),
      };
      const trusted = trustOption(o.trust);
      if (trusted) {
        try {
          verifySignature(decodePackage(text, file), trusted, file);
        } catch (e) {
          if (e instanceof PackageError) throw new UsageError(`rejected: ${e.message}`);
          throw e;
        }
      }
      let reply;
      try {
        reply = await controlRequest(o.control, { op: "update", package: text, options });
      } catch (e) {
        if (e instanceof ControlClientError) throw new UsageError(e.message);
        throw e;
      }
      if (!("report" in reply)) throw new UsageError(`the system refused the request: ${"error" in reply ? reply.error : JSON.stringify(reply)}`);
      const r = reply.report;
      process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `${formatReport(r)}\n`);
      process.exitCode = r.outcome === "committed" ? EXIT.OK : r.outcome === "rolled-back" ? EXIT.FAILED : EXIT.BAD_INPUT;
    });
}

/** `from=users`, `type=1234`, `from=pm,type=7`: an interface filter. */
export function interfaceFilter(spec: string): InterfaceFilter {
  const f: InterfaceFilter = {};
  for (const part of spec.split(",")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 0 || value === "" || (key !== "from" && key !== "type") || key in f) {
      throw new UsageError(`--filter: expected from=WHO and/or type=N separated by ',', got '${spec}'`);
    }
    if (key === "type") f.type = intOption("--filter type", value);
    else f.from = /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return f;
}
