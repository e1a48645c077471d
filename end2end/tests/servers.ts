import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const bin = process.env.SERVER_BIN ?? path.join(root, "target", "debug", "server");
const siteRoot = process.env.SITE_ROOT ?? path.join(root, "target", "site");
const tmp = path.join(root, "end2end", ".tmp");

function server(name: string, port: number, extraEnv: Record<string, string> = {}) {
  const dir = path.join(tmp, name);
  return {
    bin,
    dir,
    dataDir: path.join(dir, "data"),
    log: path.join(dir, "server.log"),
    url: `http://127.0.0.1:${port}`,
    /** The signed API, beside the console (console port + 100). */
    apiEndpoint: `127.0.0.1:${port + 100}`,
    env: {
      ACCESSKEY_DATA_DIR: path.join(dir, "data"),
      ACCESSKEY_LISTEN: `127.0.0.1:${port}`,
      ACCESSKEY_API_LISTEN: `127.0.0.1:${port + 100}`,
      LEPTOS_SITE_ROOT: siteRoot,
      ACCESSKEY_LOG: "info",
      ...extraEnv,
    },
  };
}

export const servers = {
  main: server("main", 3010),
  shortCodes: server("short-codes", 3011, { ACCESSKEY_VERIFICATION_CODE_TTL: "3" }),
  ramUsers: server("ram-users", 3012),
  ramAdmins: server("ram-admins", 3013),
  api: server("api", 3014),
  guardRails: server("guard-rails", 3015),
};
export type Server = (typeof servers)[keyof typeof servers];
