/** LOOKUP and STATUS: what RS knows about its services, for anyone. */
import { EINVAL, ESRCH, OK } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { type Service, services } from "./state.js";

/** LOOKUP {name} -> {endpoint}. */
export function doLookup(m: Message): Message {
  if (typeof m.name !== "string") return { type: -EINVAL };
  const svc = services.get(m.name);
  return svc ? { type: OK, endpoint: svc.endpoint } : { type: -ESRCH };
}

/** STATUS {index} or {name} -> the service's record. */
export function doStatus(m: Message): Message {
  let svc: Service | undefined;
  if (typeof m.name === "string") svc = services.get(m.name);
  else if (Number.isInteger(m.index) && (m.index as number) >= 0) svc = [...services.values()][m.index as number];
  else return { type: -EINVAL };
  if (!svc) return { type: -ESRCH };
  return { type: OK, name: svc.name, program: svc.program, endpoint: svc.endpoint, state: svc.state,
    restarts: svc.restarts, updates: svc.updates };
}
