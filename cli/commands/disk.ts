import * as fs from "node:fs";
import { Command } from "commander";
import { FileStore, SECTOR_SIZE } from "../../hw/disk.js";
import { mkfs } from "../../os/tools/mkfs.js";
import { fsck } from "../../os/tools/fsck.js";
import { PutError, put } from "../../os/tools/put.js";
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

export function putCommand(): Command {
  return new Command("put")
    .description("copy a host file into a disk image's file system (the image must not be in use)")
    .argument("<image>", "disk image file, made by mkfs or a boot")
    .argument("<host-file>", "the file to copy")
    .argument("<guest-path>", "absolute path in the image; its directory must exist, a file there is replaced")
    .option("--mode <octal>", "permissions of a new file", "644")
    .option("--json", "print one JSON object on stdout")
    .action((image: string, hostFile: string, guestPath: string, o: { mode: string; json?: boolean }) => {
      if (!/^[0-7]{1,4}$/.test(o.mode)) throw new UsageError(`--mode must be octal permissions such as 644, got '${o.mode}'`);
      if (!fs.existsSync(image)) throw new UsageError(`put: no such image '${image}'`);
      let data: Uint8Array;
      try {
        data = fs.readFileSync(hostFile);
      } catch (e) {
        throw new UsageError(`put: cannot read '${hostFile}': ${(e as Error).message}`);
      }
      const store = openImage(image, 0);
      let result: ReturnType<typeof put>;
      try {
        result = put(store, guestPath, data, { perms: parseInt(o.mode, 8) });
      } catch (e) {
        if (e instanceof PutError) throw new UsageError(`put ${image}:${guestPath}: ${e.message}`);
        throw e;
      } finally {
        store.close();
      }
      process.stdout.write(o.json ? JSON.stringify({ image, path: guestPath, ...result }) + "\n"
        : `${image}:${guestPath}: ${result.replaced ? "replaced with" : "written,"} ${result.bytes} bytes (inode ${result.ino})\n`);
    });
}

function openImage(image: string, sectorsIfNew: number): FileStore {
  try {
    return new FileStore(image, sectorsIfNew);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
