import * as fs from "node:fs";
import { Command } from "commander";
import { FileStore, SECTOR_SIZE } from "../../hw/disk.js";
import { mkfs } from "../../os/tools/mkfs.js";
import { fsck } from "../../os/tools/fsck.js";
import { EXIT, UsageError, intOption } from "../errors.js";

export function mkfsCommand(): Command {
  return new Command("mkfs")
    .description("make a fresh file system on a disk image (created if missing)")
    .argument("<image>", "disk image file")
    .option("--size <MiB>", "size of a new image in MiB", "8")
    .option("--inodes <n>", "number of inodes (default: one per 16 KiB)")
    .option("--json", "print one JSON object on stdout")
    .action((image: string, o: { size: string; inodes?: string; json?: boolean }) => {
      const mib = intOption("--size", o.size)!;
      if (mib < 1 || mib > 1024) throw new UsageError(`--size must be between 1 and 1024 MiB, got ${mib}`);
      const inodes = intOption("--inodes", o.inodes);
      const store = openImage(image, (mib * 1024 * 1024) / SECTOR_SIZE);
      try {
        mkfs(store, inodes !== undefined ? { inodes } : {});
      } catch (e) {
        throw new UsageError(`mkfs ${image}: ${(e as Error).message}`);
      } finally {
        store.close();
      }
      const result = { image, sectors: store.sectors, bytes: store.sectors * SECTOR_SIZE };
      process.stdout.write(o.json ? JSON.stringify(result) + "\n" : `${image}: file system made on ${result.bytes} bytes\n`);
    });
}

export function fsckCommand(): Command {
  return new Command("fsck")
    .description("check a disk image's file system for corruption (read only)")
    .argument("<image>", "disk image file")
    .option("--json", "print one JSON object on stdout")
    .action((image: string, o: { json?: boolean }) => {
      if (!fs.existsSync(image)) throw new UsageError(`fsck: no such image '${image}'`);
      const store = openImage(image, 0);
      let report: ReturnType<typeof fsck>;
      try {
        report = fsck(store);
      } finally {
        store.close();
      }
      if (o.json) process.stdout.write(JSON.stringify(report) + "\n");
      else {
        for (const e of report.errors) process.stdout.write(`fsck: ${e}\n`);
        process.stdout.write(report.ok ? `${image}: clean\n` : `${image}: ${report.errors.length} problem(s) found\n`);
      }
      if (!report.ok) process.exitCode = EXIT.FAILED;
    });
}

function openImage(image: string, sectorsIfNew: number): FileStore {
  try {
    return new FileStore(image, sectorsIfNew);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
