import { execFileSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
/** The server users run: README's run command builds the release console. */
export const serverBin = process.env.SERVER_BIN ?? path.join(root, "target", "release", "server");
const siteRoot = process.env.SITE_ROOT ?? path.join(root, "target", "site");
const tmp = path.join(root, "end2end", ".tmp");

const names = ["main", "shortCodes", "ramUsers", "ramAdmins", "api", "guardRails", "pages", "phone", "policies"] as const;

/** Free loopback ports, two a server (console and API), chosen once by Playwright's main process
 * and inherited by its workers through the environment, so every process agrees on them. */
export function freePorts(count: number): number[] {
  const script = `
    const net = require("node:net");
    const held = [];
    (async () => {
      for (let i = 0; i < ${count}; i++) {
        const s = net.createServer();
        await new Promise((ok) => s.listen(0, "127.0.0.1", ok));
        held.push(s);
      }
      console.log(JSON.stringify(held.map((s) => s.address().port)));
      held.forEach((s) => s.close());
    })();`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}
process.env.E2E_PORTS ??= JSON.stringify(freePorts(names.length * 2));
const ports: number[] = JSON.parse(process.env.E2E_PORTS);

function server(name: string, port: number, apiPort: number, extraEnv: Record<string, string> = {}) {
  const dir = path.join(tmp, name);
  return {
    bin: serverBin,
    dir,
    dataDir: path.join(dir, "data"),
    log: path.join(dir, "server.log"),
    url: `http://127.0.0.1:${port}`,
    /** The signed API, beside the console. */
    apiEndpoint: `127.0.0.1:${apiPort}`,
    env: {
      ACCESSKEY_DATA_DIR: path.join(dir, "data"),
      ACCESSKEY_LISTEN: `127.0.0.1:${port}`,
      ACCESSKEY_API_LISTEN: `127.0.0.1:${apiPort}`,
      LEPTOS_SITE_ROOT: siteRoot,
      ACCESSKEY_LOG: "info",
      ...extraEnv,
    },
  };
}

const at = (name: (typeof names)[number], extraEnv: Record<string, string> = {}) => {
  const i = names.indexOf(name) * 2;
  return server(name, ports[i], ports[i + 1], extraEnv);
};

/** One real server a spec file, each on a fresh data directory, so files do not depend on each
 * other's order. */
export const servers = {
  main: at("main"),
  shortCodes: at("shortCodes", { ACCESSKEY_VERIFICATION_CODE_TTL: "3" }),
  ramUsers: at("ramUsers"),
  ramAdmins: at("ramAdmins"),
  api: at("api"),
  guardRails: at("guardRails"),
  pages: at("pages"),
  phone: at("phone"),
  policies: at("policies"),
};
export type Server = (typeof servers)[keyof typeof servers];
