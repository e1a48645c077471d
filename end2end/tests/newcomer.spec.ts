import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect, test } from "./fixtures";
import { closeSecretDialog, hydrated, owner } from "./helpers";

// What a newcomer does: README's run command on an empty data directory, then the seed's flow in
// a browser, from the first-run page to the downloaded CSV file. Nothing is set up beforehand.
const root = path.resolve(__dirname, "..", "..");

let run: ChildProcess | undefined;
let log = "";

test.afterAll(() => {
  // run.sh execs the server; its process group also holds anything it started before that.
  if (run?.pid) {
    try {
      process.kill(-run.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
});

test("README's run command, then first-run setup, sign-in and a new AccessKey pair", async ({ page }) => {
  // run.sh first installs and builds what is missing: a no-op here, after the test command's build.
  test.setTimeout(15 * 60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accesskey-newcomer-"));
  const data = path.join(dir, "data");
  run = spawn(path.join(root, "scripts", "run.sh"), [], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // Port 0: the server says where it listens.
    env: { ...process.env, ACCESSKEY_DATA_DIR: data, ACCESSKEY_LISTEN: "127.0.0.1:0", ACCESSKEY_API_LISTEN: "127.0.0.1:0" },
  });
  const collect = (chunk: Buffer) => (log += chunk.toString());
  run.stdout!.on("data", collect);
  run.stderr!.on("data", collect);
  const url = await (async () => {
    for (;;) {
      const found = /console listening on (http:\/\/[0-9.:]+)/.exec(log);
      if (found) return found[1];
      if (run!.exitCode !== null) throw new Error(`scripts/run.sh ended (${run!.exitCode}):\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  expect(log).toContain(`no account yet: open ${url}/setup`);
  expect(fs.existsSync(path.join(data, "console.db"))).toBe(true);
  expect(fs.statSync(path.join(data, "master.key")).mode & 0o777).toBe(0o600);

  // The first-run page, as the log says.
  await page.goto(`${url}/setup`);
  await hydrated(page);
  await expect(page).toHaveTitle("Set Up Your Account · AccessKey Console");
  await page.getByLabel("Account alias").fill(owner.alias);
  await page.getByLabel("E-mail").fill(owner.email);
  await page.getByLabel("Mobile phone").fill(owner.phone);
  await page.getByLabel("Password", { exact: true }).fill(owner.password);
  await page.getByLabel("Confirm password").fill(owner.password);
  await page.getByRole("button", { name: "Create Account" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  // Signed out, then in again, as a returning owner would.
  await hydrated(page);
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign Out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await hydrated(page);
  await page.getByLabel("E-mail").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign In" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await hydrated(page);

  // Avatar menu → AccessKey Management → Note → Use Current AccessKey Pair.
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "AccessKey Management" }).click();
  const note = page.getByRole("dialog", { name: "Note" });
  await expect(note).toContainText("exposed to potential risks");
  await note.getByRole("button", { name: "Use Current AccessKey Pair" }).click();
  await expect(page.getByRole("heading", { name: "AccessKey Management" })).toBeVisible();

  // Create AccessKey with the code the built-in sender wrote to the log.
  await page.getByRole("button", { name: "Create AccessKey" }).click();
  const verify = page.getByRole("dialog", { name: "Phone Verification" });
  const sent = (log.match(/verification code for /g) ?? []).length;
  await verify.getByRole("button", { name: "Send Code" }).click();
  await expect.poll(() => (log.match(/verification code for /g) ?? []).length).toBeGreaterThan(sent);
  const code = [...log.matchAll(new RegExp(`verification code for ${owner.phone}: (\\d{6})`, "g"))].at(-1)![1];
  await verify.getByLabel("Verification Code").fill(code);
  await verify.getByRole("button", { name: "OK" }).click();

  const created = page.getByRole("dialog", { name: "Create AccessKey" });
  const id = (await created.getByTestId("new-access-key-id").textContent())!.trim();
  const secret = (await created.getByTestId("new-access-key-secret").textContent())!.trim();
  expect(id).toMatch(/^LTAI[0-9A-Za-z]{20}$/);
  expect(secret).toMatch(/^[0-9A-Za-z]{30}$/);
  await created.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(created.getByRole("status")).toHaveText(/Copied the AccessKey ID and AccessKey secret/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`AccessKey ID: ${id}\nAccessKey Secret: ${secret}`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    created.getByRole("button", { name: "Download CSV File" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("AccessKey.csv");
  expect(fs.readFileSync((await download.path())!, "utf8")).toBe(`AccessKey ID,AccessKey Secret\n${id},${secret}\n`);
  await closeSecretDialog(page);
  await expect(page.locator(`tr[data-access-key-id="${id}"]`)).toContainText("Active");
  expect(log).not.toContain(secret);
});
