import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { servers } from "./servers";
import {
  attachPolicy,
  createAccessKey,
  createUser as createUserIn,
  disableKey,
  open,
  openAccountAccessKeys,
  setUp,
  signIn,
  signOut,
  closeSecretDialog,
} from "./helpers";

const server = servers.ramAdmins;
const password = "a long passphrase 1";

const createUser = (page: Page, name: string, options: { phone?: string; password?: string } = {}) =>
  createUserIn(page, server, name, options);
const attach = (page: Page, user: string, policy: string) => attachPolicy(page, server, user, policy);

async function signInAs(page: Page, user: string) {
  await signIn(page, server, password, `${user}@acme.onaliyun.com`);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}

test.describe.configure({ mode: "serial" });

let ownerKeyId = "";

test("the owner sets up users: Basic Information, console password, policies", async ({ page }) => {
  await setUp(page, server);
  await openAccountAccessKeys(page);
  ownerKeyId = (await createAccessKey(page, server)).id;

  await createUser(page, "ops-admin", { phone: "86-13900000001", password });
  await attach(page, "ops-admin", "AliyunRAMFullAccess");
  await createUser(page, "auditor", { password });
  await attach(page, "auditor", "AliyunRAMReadOnlyAccess");
  await createUser(page, "ci-bot");

  // A taken name is said beside the field, in the console's words; nothing else is written.
  await page.getByRole("button", { name: "Create User" }).click();
  const again = page.getByRole("dialog", { name: "Create User" });
  await again.getByLabel("Logon name").fill("ci-bot");
  await again.getByRole("button", { name: "OK" }).click();
  await expect(again.locator("#user-name-error")).toHaveText("A user named ci-bot already exists. Choose another logon name.");
  await expect(again.getByLabel("Logon name")).toBeFocused();
  await again.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("users-summary")).toHaveText("Users 1–3 of 3 (20 a page)");

  // Basic Information: edit, with the rule shown next to the field, then saved.
  await open(page, `${server.url}/ram/users/ci-bot`);
  await page.getByRole("button", { name: "Edit Basic Information" }).click();
  const edit = page.getByRole("dialog", { name: "Edit Basic Information" });
  await edit.getByLabel("Mobile phone").fill("12345");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.locator("#edit-mobile-phone-error")).not.toBeEmpty();
  await edit.getByLabel("Mobile phone").fill("");
  await edit.getByLabel("E-mail").fill("ci@acme.example.com");
  await edit.getByLabel("Display name").fill("Build robot");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  const basic = page.getByRole("tabpanel", { name: "Basic Information" });
  await expect(basic).toContainText("Build robot");
  await expect(basic).toContainText("ci@acme.example.com");

  // A user created without console access gets a password later, on the Authentication tab.
  await createUser(page, "dev", { phone: "86-13900000003" });
  await open(page, `${server.url}/ram/users/dev`);
  await page.getByRole("tab", { name: "Authentication" }).click();
  const auth = page.getByRole("tabpanel", { name: "Authentication" });
  await expect(auth).toContainText("Console access: Disabled");
  await auth.getByRole("button", { name: "Set Console Password" }).click();
  const dialog = page.getByRole("dialog", { name: "Console Password" });
  await dialog.getByLabel("New console password").fill("short");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("alert")).not.toBeEmpty();
  await dialog.getByLabel("New console password").fill(password);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(auth).toContainText("Console access: Enabled");
  await expect(auth.getByRole("button", { name: "Reset Console Password" })).toBeVisible();
});

test("a RAM administrator manages a user's keys, verified on its own phone, and never reaches the owner's", async ({
  page,
}) => {
  await signInAs(page, "ops-admin");
  await page.getByRole("link", { name: "Users", exact: true }).click();
  await page.getByRole("link", { name: "ci-bot@acme.onaliyun.com" }).click();
  await page.getByRole("tab", { name: "Authentication" }).click();
  const panel = page.getByRole("tabpanel", { name: "Authentication" });
  const key = await createAccessKey(page, server, "86-13900000001");
  await closeSecretDialog(page);
  const row = panel.locator(`tr[data-access-key-id="${key.id}"]`);
  await disableKey(page, row);

  // AccessKey Management is the administrator's own keys: no Note, and not the owner's.
  await page.getByRole("button", { name: "Account menu" }).hover();
  await page.getByRole("menuitem", { name: "AccessKey Management" }).click();
  await expect(page).toHaveURL(/\/access-keys$/);
  await expect(page.getByText("The AccessKey pairs of your RAM user ops-admin")).toBeVisible();
  await expect(page.getByText("No AccessKey pairs yet")).toBeVisible();
  expect(await page.content()).not.toContain(ownerKeyId);
  await signOut(page);
});

test("a read-only administrator sees users and keys but cannot change anything", async ({ page }) => {
  await signInAs(page, "auditor");
  await page.getByRole("link", { name: "Users", exact: true }).click();
  await expect(page.getByRole("link", { name: "ci-bot@acme.onaliyun.com" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create User" })).toHaveCount(0);

  await open(page, `${server.url}/ram/users/ci-bot`);
  await expect(page.getByRole("heading", { name: "ci-bot@acme.onaliyun.com" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete User" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Edit Basic Information" })).toHaveCount(0);
  await page.getByRole("tab", { name: "Authentication" }).click();
  const panel = page.getByRole("tabpanel", { name: "Authentication" });
  await expect(panel.locator("tr[data-access-key-id]")).toHaveCount(1);
  for (const name of ["Create AccessKey", "Disable", "Enable", "Delete", "Set Console Password"]) {
    await expect(panel.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await page.getByRole("tab", { name: "Permissions" }).click();
  await expect(page.getByRole("tabpanel", { name: "Permissions" }).getByRole("button")).toHaveCount(0);

  await page.getByRole("link", { name: "Security Settings" }).click();
  await expect(page.getByRole("switch", { name: "Allow RAM users to manage their own AccessKey pairs" })).toBeDisabled();
  await open(page, `${server.url}/ram/recycle-bin`);
  await expect(page.getByRole("heading", { name: "Recycle Bin" })).toBeVisible();
  await signOut(page);
});

test("a plain RAM user gets the no-permission page until the owner allows it to manage its own keys", async ({
  page,
}) => {
  await signInAs(page, "dev");
  await expect(page.getByRole("link", { name: "Users", exact: true })).toHaveCount(0);
  await page.getByRole("button", { name: "Account menu" }).hover();
  await page.getByRole("menuitem", { name: "AccessKey Management" }).click();
  await expect(page.getByRole("heading", { name: "No permission" })).toBeVisible();
  await expect(page.getByText("Allow RAM users to manage their own AccessKey pairs")).toBeVisible();
  await expect(page).toHaveTitle(/^AccessKey Management/);
  await open(page, `${server.url}/ram/users`);
  await expect(page.getByRole("heading", { name: "No permission" })).toBeVisible();
  await signOut(page);

  // The owner turns the security setting on.
  await signIn(page, server);
  await page.getByRole("link", { name: "Security Settings" }).click();
  const allow = page.getByRole("switch", { name: "Allow RAM users to manage their own AccessKey pairs" });
  await expect(allow).not.toBeChecked();
  await allow.click();
  await expect(page.getByText("On: every RAM user can create")).toBeVisible();
  // Switches and fields save alike, with Save.
  await page.locator(".settings-form").getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".settings-form .form-status")).toHaveText("Saved. The settings apply from now on.");
  await page.reload();
  await expect(allow).toBeChecked();
  await signOut(page);

  await signInAs(page, "dev");
  await page.getByRole("button", { name: "Account menu" }).hover();
  await page.getByRole("menuitem", { name: "AccessKey Management" }).click();
  await expect(page.getByText("The AccessKey pairs of your RAM user dev")).toBeVisible();
  const own = await createAccessKey(page, server, "86-13900000003");
  expect(own.id).toMatch(/^LTAI[0-9A-Za-z]{20}$/);
  await closeSecretDialog(page);
  await expect(page.locator("tr[data-access-key-id]")).toHaveCount(1);
  expect(await page.content()).not.toContain(ownerKeyId);
  // Only its own: other users stay out of reach.
  await open(page, `${server.url}/ram/users/ci-bot`);
  await expect(page.getByRole("heading", { name: "No permission" })).toBeVisible();
});

test("sign-in networks keep a RAM user out until its network is listed; its sign-in lasts the set hours; MFA self-service can be turned off", async ({
  page,
}) => {
  await signIn(page, server);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.getByRole("link", { name: "Security Settings" }).click();
  await expect(page).toHaveTitle(/Security Settings/);
  const form = page.locator(".settings-form");
  const networks = page.getByLabel("Sign-in networks");
  await expect(networks).toHaveValue("");
  await expect(page.getByLabel("Session length (hours)")).toHaveValue("8");
  // A bad entry is named next to the field, and nothing is saved.
  await networks.fill("198.51.100.0/24;office");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#login-network-masks-error")).toContainText('"office" is not an IP address');
  await networks.fill("198.51.100.0/24");
  await page.getByLabel("Session length (hours)").fill("2");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".settings-form .form-status")).toHaveText("Saved. The settings apply from now on.");
  await expect(networks).toHaveValue("198.51.100.0/24");
  await expect(page.getByLabel("Session length (hours)")).toHaveValue("2");
  await signOut(page);

  // The browser comes from 127.0.0.1, which the list leaves out.
  await signIn(page, server, password, "dev@acme.onaliyun.com");
  await expect(page.getByRole("alert")).toContainText("127.0.0.1 is not one of them");
  await expect(page).toHaveURL(/\/signin$/);

  await signIn(page, server);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await open(page, `${server.url}/ram/security-settings`);
  await page.getByLabel("Sign-in networks").fill("198.51.100.0/24;127.0.0.1");
  await page.locator(".settings-form").getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel("Sign-in networks")).toHaveValue("198.51.100.0/24;127.0.0.1/32");
  // And RAM users no longer manage their own MFA devices.
  const mfa = page.getByRole("switch", { name: "Allow RAM users to manage their own MFA devices" });
  await expect(mfa).toBeChecked();
  await mfa.click();
  await expect(page.getByText("Off: RAM users cannot bind or unbind")).toBeVisible();
  await page.locator(".settings-form").getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".settings-form .form-status")).toHaveText("Saved. The settings apply from now on.");
  await signOut(page);

  await signInAs(page, "dev");
  const session = (await page.context().cookies()).find((c) => c.name === "accesskey_console_session");
  const lasts = session!.expires - Date.now() / 1000;
  expect(lasts).toBeGreaterThan(2 * 3600 - 120);
  expect(lasts).toBeLessThanOrEqual(2 * 3600 + 5);
  await open(page, `${server.url}/security/mfa`);
  await expect(page.getByText("No virtual MFA device is bound.")).toBeVisible();
  await expect(page.getByText("Your administrator does not allow RAM users to bind or unbind")).toBeVisible();
  await expect(page.getByRole("button", { name: "Bind Virtual MFA Device" })).toHaveCount(0);
});
