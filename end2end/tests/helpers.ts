import * as fs from "node:fs";
import * as path from "node:path";
import { expect, type Locator, type Page } from "@playwright/test";
import type { Server } from "./servers";

export const owner = {
  alias: "acme",
  email: "owner@acme.example.com",
  phone: "86-13800005678",
  password: "correct horse battery",
};

/** Loads a page and waits until the wasm has hydrated it, so clicks reach their handlers. (A
 * page whose hydration panics never gets there; the shared fixture names the panic.) */
export async function open(page: Page, url: string) {
  await page.goto(url);
  await hydrated(page);
}

export async function hydrated(page: Page) {
  await page.locator("body[data-hydrated]").waitFor({ timeout: 30_000 });
}

/** The codes the built-in sender has written to the server log for `phone`, oldest first. */
export function codesInLog(server: Server, phone: string): string[] {
  if (!fs.existsSync(server.log)) return [];
  const pattern = new RegExp(`verification code for ${phone}: (\\d{6})`, "g");
  return [...fs.readFileSync(server.log, "utf8").matchAll(pattern)].map((match) => match[1]);
}

/** Waits for the code sent after `before` codes were already in the log, and returns it. */
export async function nextCode(server: Server, phone: string, before: number): Promise<string> {
  await expect.poll(() => codesInLog(server, phone).length).toBeGreaterThan(before);
  return codesInLog(server, phone).at(-1)!;
}

/** Every file of the server's data directory (database, WAL, key file) plus its log. */
export function filesOf(server: Server): string[] {
  const files = fs.readdirSync(server.dataDir).map((name) => path.join(server.dataDir, name));
  return [...files, server.log];
}

export async function setUp(page: Page, server: Server) {
  await open(page, `${server.url}/`);
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel("Account alias").fill(owner.alias);
  await page.getByLabel("E-mail").fill(owner.email);
  await page.getByLabel("Mobile phone").fill(owner.phone);
  await page.getByLabel("Password", { exact: true }).fill(owner.password);
  await page.getByLabel("Confirm password").fill(owner.password);
  await page.getByRole("button", { name: "Create Account" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}

export async function signIn(page: Page, server: Server, password = owner.password, logon = owner.email) {
  await open(page, `${server.url}/signin`);
  await page.getByLabel("E-mail").fill(logon);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign In" }).click();
}

/** Avatar menu → Sign Out. */
export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Account menu" }).hover();
  await page.getByRole("menuitem", { name: "Sign Out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
}

/** Identities > Users > Create User, with an optional phone and console password. */
export async function createUser(
  page: Page,
  server: Server,
  name: string,
  options: { phone?: string; password?: string } = {},
) {
  await open(page, `${server.url}/ram/users`);
  await page.getByRole("button", { name: "Create User" }).click();
  const dialog = page.getByRole("dialog", { name: "Create User" });
  await dialog.getByLabel("Logon name").fill(name);
  if (options.phone) await dialog.getByLabel("Mobile phone").fill(options.phone);
  if (options.password) await dialog.getByLabel("Console password").fill(options.password);
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Created the user" })).toContainText(name);
}

/** The user's Permissions tab → Attach the policy. */
export async function attachPolicy(page: Page, server: Server, user: string, policy: string) {
  await open(page, `${server.url}/ram/users/${user}`);
  await page.getByRole("tab", { name: "Permissions" }).click();
  const panel = page.getByRole("tabpanel", { name: "Permissions" });
  await panel.getByRole("button", { name: `Attach ${policy}` }).click();
  await expect(panel.getByRole("row", { name: new RegExp(policy) })).toContainText("Attached");
}

/** Closes the dialog that shows a new secret; one that was neither copied nor downloaded asks
 * once more first. */
export async function closeSecretDialog(page: Page) {
  const created = page.getByRole("dialog", { name: "Create AccessKey" });
  await created.getByRole("button", { name: "Close", exact: true }).click();
  const again = created.getByRole("button", { name: "Close Anyway" });
  await Promise.race([created.waitFor({ state: "hidden" }), again.waitFor({ state: "visible" })]);
  if (await again.isVisible()) await again.click();
  await expect(created).toBeHidden();
}

/** Avatar menu → AccessKey Management → Note → Use Current AccessKey Pair. The menu item opens
 * the Note from the wasm, so a page just loaded (after sign-in, say) must be hydrated first. */
export async function openAccountAccessKeys(page: Page) {
  await hydrated(page);
  await page.getByRole("button", { name: "Account menu" }).hover();
  await page.getByRole("menuitem", { name: "AccessKey Management" }).click();
  const note = page.getByRole("dialog", { name: "Note" });
  await expect(note).toBeVisible();
  await note.getByRole("button", { name: "Use Current AccessKey Pair" }).click();
  await expect(page.getByRole("heading", { name: "AccessKey Management" })).toBeVisible();
}

/** Create AccessKey → Phone Verification with the code sent to `phone` (the signed-in identity's),
 * read from the log → the new pair; leaves the Create AccessKey dialog open. */
export async function createAccessKey(
  page: Page,
  server: Server,
  phone = owner.phone,
): Promise<{ id: string; secret: string }> {
  await page.getByRole("button", { name: "Create AccessKey" }).click();
  const verify = page.getByRole("dialog", { name: "Phone Verification" });
  const before = codesInLog(server, phone).length;
  await verify.getByRole("button", { name: "Send Code" }).click();
  const code = await nextCode(server, phone, before);
  await verify.getByLabel("Verification Code").fill(code);
  await verify.getByRole("button", { name: "OK" }).click();
  const created = page.getByRole("dialog", { name: "Create AccessKey" });
  await expect(created).toBeVisible();
  const id = (await created.getByTestId("new-access-key-id").textContent())!.trim();
  const secret = (await created.getByTestId("new-access-key-secret").textContent())!.trim();
  return { id, secret };
}

/** A key's row → Disable → confirmed in its dialog; the row then reads Inactive. */
export async function disableKey(page: Page, row: Locator) {
  await row.getByRole("button", { name: "Disable" }).click();
  await page.getByRole("dialog", { name: "Disable AccessKey" }).getByRole("button", { name: "Disable" }).click();
  await expect(row.locator(".status")).toHaveText("Inactive");
}
