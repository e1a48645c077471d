import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { servers } from "./servers";
import {
  attachPolicy,
  closeSecretDialog,
  createAccessKey,
  createUser,
  open,
  openAccountAccessKeys,
  setUp,
  signIn,
  signOut,
} from "./helpers";

// Every page of the console, as each kind of person sees it, loaded from the build users run:
// each must hydrate (a hydration panic fails the shared fixture), name itself in its title and
// its level-one heading, and pass an automated accessibility audit without a serious or critical
// finding.
const server = servers.pages;
const password = "a long passphrase 1";
test.describe.configure({ mode: "serial" });

/** axe-core's serious and critical findings on the page as it is now. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** Loads `path`, checks it hydrated, has a title and an h1, and passes axe. */
async function checkPage(page: Page, path: string, heading: RegExp | string) {
  await open(page, `${server.url}${path}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
  await expect(page).toHaveTitle(/ · AccessKey Console$/);
  expect(await accessibilityProblems(page), `${path}`).toEqual([]);
}

async function checkDialog(page: Page, name: string) {
  await expect(page.getByRole("dialog", { name })).toBeVisible();
  expect(await accessibilityProblems(page), `dialog ${name}`).toEqual([]);
}

let keyId = "";

test("signed out: first-run setup, sign-in and a missing page", async ({ page }) => {
  await checkPage(page, "/setup", "Set up your account");
  // A mistake in every field is reported at once, each beside its field, and focus goes to the
  // first.
  await page.getByLabel("Account alias").fill("A");
  await page.getByLabel("E-mail").fill("nope");
  await page.getByLabel("Mobile phone").fill("123");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Confirm password").fill("other");
  await page.getByRole("button", { name: "Create Account" }).click();
  for (const field of ["alias", "email", "mobile_phone", "password", "confirm_password"]) {
    await expect(page.locator(`#${field}-error`)).not.toBeEmpty();
    await expect(page.locator(`#${field}`)).toHaveAttribute("aria-invalid", "true");
  }
  await expect(page.getByLabel("Account alias")).toBeFocused();
  await expect(page.getByLabel("Account alias")).toHaveAttribute("aria-describedby", "alias-hint alias-error");
  expect(await accessibilityProblems(page), "setup with errors").toEqual([]);

  await setUp(page, server);
  await signOut(page);
  await checkPage(page, "/signin", "Sign in to the AccessKey Console");
  await signIn(page, server, "not the password");
  await expect(page.getByRole("alert")).toHaveText("The e-mail address or password is incorrect.");
  expect(await accessibilityProblems(page), "sign-in with an error").toEqual([]);

  await checkPage(page, "/no/such/page", "Page not found");
});

test("the owner: every page and dialog", async ({ page }) => {
  await signIn(page, server);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await checkPage(page, "/", "Overview");
  await page.getByRole("button", { name: "Account menu" }).click();
  await expect(page.getByRole("menu")).toBeVisible();
  expect(await accessibilityProblems(page), "avatar menu").toEqual([]);
  await page.getByRole("menuitem", { name: "AccessKey Management" }).click();
  await checkDialog(page, "Note");
  await page.getByRole("dialog", { name: "Note" }).getByRole("button", { name: "Use Current AccessKey Pair" }).click();
  await expect(page.getByRole("heading", { name: "AccessKey Management" })).toBeVisible();
  expect(await accessibilityProblems(page), "empty key list").toEqual([]);

  await page.getByRole("button", { name: "Create AccessKey" }).click();
  await checkDialog(page, "Phone Verification");
  await page.keyboard.press("Escape");
  keyId = (await createAccessKey(page, server)).id;
  await checkDialog(page, "Create AccessKey");
  await closeSecretDialog(page);
  await checkPage(page, "/access-keys", "AccessKey Management");
  const row = page.locator(`tr[data-access-key-id="${keyId}"]`);
  await row.getByRole("button", { name: "Disable" }).click();
  await checkDialog(page, "Disable AccessKey");
  await page.getByRole("dialog", { name: "Disable AccessKey" }).getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("Inactive");
  await row.getByRole("button", { name: "Delete" }).click();
  await checkDialog(page, "Delete AccessKey");
  await page.keyboard.press("Escape");
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row).not.toContainText("Inactive");

  await checkPage(page, "/access-keys/network-policy", "Network Access Control");
  await checkPage(page, `/access-keys/network-policy?key=${keyId}`, "Network Policy");

  await createUser(page, server, "auditor", { password });
  await attachPolicy(page, server, "auditor", "AliyunRAMReadOnlyAccess");
  await createUser(page, server, "plain", { password });
  await checkPage(page, "/ram/users", "Users");
  await page.getByRole("button", { name: "Create User" }).click();
  await checkDialog(page, "Create User");
  await page.keyboard.press("Escape");
  for (const tab of ["Basic Information", "Authentication", "Permissions"]) {
    await checkPage(page, "/ram/users/auditor", "auditor@acme.onaliyun.com");
    await page.getByRole("tab", { name: tab }).click();
    await expect(page.getByRole("tabpanel", { name: tab })).toBeVisible();
    expect(await accessibilityProblems(page), `user tab ${tab}`).toEqual([]);
  }
  await checkPage(page, "/ram/users/nobody", "Not found");
  await expect(page.getByRole("link", { name: "Back to Users" })).toBeVisible();
  await checkPage(page, "/ram/recycle-bin", "Recycle Bin");
  await checkPage(page, "/ram/security-settings", "Security Settings");
  await checkPage(page, "/audit-trail", "Audit Trail");
  await page.locator("tr[data-event-name] .disclosure").first().click();
  expect(await accessibilityProblems(page), "audit trail with an event open").toEqual([]);
  await checkPage(page, "/security/mfa", "MFA Device");
  await checkPage(page, `/access-keys/network-policy?key=LTAI00000000000000000000`, "Not found");
  await signOut(page);
});

test("a read-only RAM administrator and a RAM user without policies", async ({ page }) => {
  await signIn(page, server, password, "auditor@acme.onaliyun.com");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await checkPage(page, "/", "Overview");
  await checkPage(page, "/access-keys", "AccessKey Management");
  // No Create AccessKey button, and no words that ask for one.
  await expect(page.getByRole("button", { name: "Create AccessKey" })).toHaveCount(0);
  await expect(page.locator("main")).not.toContainText("Click Create AccessKey");
  await checkPage(page, "/ram/users", "Users");
  await checkPage(page, "/ram/users/plain", "plain@acme.onaliyun.com");
  await checkPage(page, "/ram/security-settings", "Security Settings");
  await checkPage(page, "/audit-trail", "Audit Trail");
  await signOut(page);

  await signIn(page, server, password, "plain@acme.onaliyun.com");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await checkPage(page, "/", "Overview");
  await checkPage(page, "/access-keys", "AccessKey Management");
  await checkPage(page, "/ram/users", "Users");
  await expect(page.getByRole("heading", { name: "No permission" })).toBeVisible();
  await checkPage(page, "/audit-trail", "Audit Trail");
  await checkPage(page, "/security/mfa", "MFA Device");
  await signOut(page);
});

test("keyboard: skip link, avatar menu, dialogs and tabs keep focus where a person expects it", async ({ page }) => {
  await signIn(page, server);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  // On a freshly loaded page the first Tab reaches the skip link, which leads into the page.
  await open(page, `${server.url}/`);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  // The avatar menu: Enter opens it on its first item, arrows move, Escape closes and returns.
  const avatar = page.getByRole("button", { name: "Account menu" });
  await avatar.focus();
  await expect(avatar).toHaveAttribute("aria-expanded", "false");
  await page.keyboard.press("Enter");
  await expect(avatar).toHaveAttribute("aria-expanded", "true");
  const items = page.getByRole("menuitem");
  await expect(items.nth(0)).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("menuitem", { name: "MFA Device" })).toBeFocused();
  await expect(page.getByRole("menuitem", { name: "MFA Device" })).toBeVisible();
  await page.keyboard.press("End");
  await expect(page.getByRole("menuitem", { name: "Sign Out" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(items.nth(0)).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toBeHidden();
  await expect(avatar).toBeFocused();
  await expect(avatar).toHaveAttribute("aria-expanded", "false");

  // The MFA Device item is readable: dark text on the white menu.
  await page.keyboard.press("Enter");
  const color = await page.getByRole("menuitem", { name: "MFA Device" }).evaluate((e) => getComputedStyle(e).color);
  expect(color).not.toBe("rgb(255, 255, 255)");
  await page.keyboard.press("Escape");

  // A dialog opens on its first action and gives focus back to what opened it.
  await openAccountAccessKeys(page);
  const create = page.getByRole("button", { name: "Create AccessKey" });
  await create.focus();
  await page.keyboard.press("Enter");
  const verify = page.getByRole("dialog", { name: "Phone Verification" });
  await expect(verify.getByLabel("Verification Code")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(verify).toBeHidden();
  await expect(create).toBeFocused();

  // Disable, confirmed, leaves focus on the row's button (now Enable), not on <body>.
  const row = page.locator(`tr[data-access-key-id="${keyId}"]`);
  await row.getByRole("button", { name: "Disable" }).focus();
  await page.keyboard.press("Enter");
  const disable = page.getByRole("dialog", { name: "Disable AccessKey" });
  await disable.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByRole("button", { name: "Enable" })).toBeFocused();
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row.getByRole("button", { name: "Disable" })).toBeFocused();

  // A page change puts focus on the new page's heading.
  await page.getByRole("link", { name: "Users", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeFocused();

  // Tabs: arrow keys move along them and select.
  await open(page, `${server.url}/ram/users/auditor`);
  await page.getByRole("tab", { name: "Basic Information" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: "Authentication" })).toBeFocused();
  await expect(page.getByRole("tab", { name: "Authentication" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("tabpanel", { name: "Authentication" })).toBeVisible();
  await page.keyboard.press("End");
  await expect(page.getByRole("tab", { name: "Permissions" })).toBeFocused();
  await signOut(page);
});
