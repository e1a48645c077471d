import { defineConfig } from "@playwright/test";
import { servers } from "./tests/servers";

// Two real servers from the built binary, each on a fresh data directory: the console as
// shipped, and one whose verification codes expire after 3 seconds (for the expired-code test).
export default defineConfig({
  testDir: "tests",
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
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
  webServer: Object.values(servers).map((server) => ({
    command: `rm -rf ${server.dir} && mkdir -p ${server.dir} && exec ${server.bin} serve >${server.log} 2>&1`,
    env: server.env,
    url: `${server.url}/signin`,
    reuseExistingServer: false,
    timeout: 60_000,
  })),
});
