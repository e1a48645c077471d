import { defineConfig } from "@playwright/test";
import { servers } from "./tests/servers";

// Real servers from the release binary (the build README's run command makes), one a spec file,
// each on a fresh data directory and on free ports (tests/servers.ts); one of them has
// verification codes that expire after 3 seconds (the expired-code test). The newcomer spec
// starts its own, through scripts/run.sh.
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
