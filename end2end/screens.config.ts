import { defineConfig } from "@playwright/test";
import * as path from "node:path";
import { freePorts, serverBin } from "./tests/servers";

// Screenshots of every console page from the release build, at desktop and phone width, into
// end2end/screenshots/ (scripts/screenshots.sh). Not a test: nothing here asserts.
process.env.SCREENS_PORTS ??= JSON.stringify(freePorts(2));
const [port, apiPort] = JSON.parse(process.env.SCREENS_PORTS);
const dir = path.join(__dirname, ".tmp", "screens");
process.env.SCREENS_URL = `http://127.0.0.1:${port}`;
process.env.SCREENS_LOG = path.join(dir, "server.log");

export default defineConfig({
  testDir: "screens",
  timeout: 300_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    permissions: ["clipboard-read", "clipboard-write"],
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    },
  },
  webServer: {
    command: `rm -rf ${dir} && mkdir -p ${dir}/data && exec ${serverBin} serve >${dir}/server.log 2>&1`,
    env: {
      ACCESSKEY_DATA_DIR: path.join(dir, "data"),
      ACCESSKEY_LISTEN: `127.0.0.1:${port}`,
      ACCESSKEY_API_LISTEN: `127.0.0.1:${apiPort}`,
      LEPTOS_SITE_ROOT: process.env.SITE_ROOT ?? path.join(__dirname, "..", "target", "site"),
    },
    url: `http://127.0.0.1:${port}/signin`,
    reuseExistingServer: false,
  },
});
