import { close, dup2, open } from "../../lib/fs.js";
import { O_APPEND, O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY } from "../../include/fcntl.js";
import type { Redirect } from "./parse.js";

/** Point standard input, output or error at files, as the command line asked. */
export async function applyRedirects(redirects: Redirect[]): Promise<void> {
  for (const r of redirects) {
    const flags = r.input ? O_RDONLY : O_WRONLY | O_CREAT | (r.append ? O_APPEND : O_TRUNC);
    const fd = await open(r.path, flags, 0o644);
    if (fd !== r.fd) {
      await dup2(fd, r.fd);
      await close(fd);
    }
  }
}
