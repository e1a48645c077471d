import * as fs from "node:fs";
import * as path from "node:path";
import { devices, test, type Page } from "@playwright/test";
import {
  attachPolicy,
  closeSecretDialog,
  createAccessKey,
  createUser,
  hydrated,
  open,
  openAccountAccessKeys,
  setUp,
  signIn,
  signOut,
} from "../tests/helpers";
import type { Server } from "../tests/servers";

// What a person sees on every page, at desktop width and on a phone: PNGs for a human to look at.
const server = { url: process.env.SCREENS_URL!, log: process.env.SCREENS_LOG! } as Server;
const out = path.join(__dirname, "..", "screenshots");
fs.mkdirSync(out, { recursive: true });
const password = "a long passphrase 1";
const { defaultBrowserType: _, ...pixel } = devices["Pixel 7"];

async function shot(page: Page, name: string, width: "desktop" | "phone") {
  await page.screenshot({ path: path.join(out, `${name}-${width}.png`), fullPage: true });
}

let keyId = "";

test.describe.configure({ mode: "serial" });

for (const width of ["desktop", "phone"] as const) {
  test.describe(width, () => {
    test.use(width === "desktop" ? { viewport: { width: 1280, height: 800 } } : pixel);

    test(`${width}: every page`, async ({ page }) => {
      if (width === "desktop") {
        await open(page, `${server.url}/setup`);
        await shot(page, "01-setup", width);
        await page.getByRole("button", { name: "Create Account" }).click();
        await page.locator("[aria-invalid=true]").first().waitFor();
        await shot(page, "01-setup-errors", width);
        await setUp(page, server);
        await openAccountAccessKeys(page);
        keyId = (await createAccessKey(page, server)).id;
        await closeSecretDialog(page);
        await createUser(page, server, "auditor", { password });
        await attachPolicy(page, server, "auditor", "AliyunRAMReadOnlyAccess");
        await createUser(page, server, "ci-bot", { password });
        await signOut(page);
      }
      await open(page, `${server.url}/signin`);
      await shot(page, "02-signin", width);
      await signIn(page, server);
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await hydrated(page);
      await shot(page, "03-overview", width);
      await page.getByRole("button", { name: "Account menu" }).click();
      await shot(page, "04-avatar-menu", width);
      await page.getByRole("menuitem", { name: "AccessKey Management" }).click();
      await page.getByRole("dialog", { name: "Note" }).waitFor();
      await shot(page, "05-note", width);
      await page.getByRole("button", { name: "Use Current AccessKey Pair" }).click();
      await page.getByRole("heading", { name: "AccessKey Management" }).waitFor();
      await shot(page, "06-access-keys", width);
      await page.getByRole("button", { name: "Create AccessKey" }).click();
      await page.getByRole("dialog", { name: "Phone Verification" }).waitFor();
      await shot(page, "07-phone-verification", width);
      await page.keyboard.press("Escape");
      const { id } = await createAccessKey(page, server);
      await shot(page, "08-create-access-key", width);
      await page.keyboard.press("Escape");
      await shot(page, "08-create-access-key-close-check", width);
      await page.getByRole("button", { name: "Close Anyway" }).click();
      const row = page.locator(`tr[data-access-key-id="${id}"]`);
      await row.getByRole("button", { name: "Disable" }).click();
      await shot(page, "09-disable", width);
      await page.getByRole("dialog", { name: "Disable AccessKey" }).getByRole("button", { name: "Disable" }).click();
      await row.getByRole("button", { name: "Delete" }).click();
      await shot(page, "10-delete", width);
      await page.getByLabel("Enter the AccessKey ID to confirm").fill(id);
      await page.getByRole("dialog", { name: "Delete AccessKey" }).getByRole("button", { name: "Delete", exact: true }).click();
      await row.waitFor({ state: "detached" });
      for (const [name, url] of [
        ["11-network-access-control", "/access-keys/network-policy"],
        ["12-key-network-policy", `/access-keys/network-policy?key=${keyId}`],
        ["13-users", "/ram/users"],
        ["14-user", "/ram/users/auditor"],
        ["15-user-authentication", "/ram/users/auditor?tab=authentication"],
        ["16-user-permissions", "/ram/users/auditor?tab=permissions"],
        ["17-user-not-found", "/ram/users/nobody"],
        ["18-recycle-bin", "/ram/recycle-bin"],
        ["19-security-settings", "/ram/security-settings"],
        ["20-audit-trail", "/audit-trail"],
        ["21-mfa", "/security/mfa"],
      ]) {
        await open(page, `${server.url}${url}`);
        await shot(page, name, width);
      }
      // Least privilege: a custom policy through the editor (a mistake first), a group with it,
      // the policy's page, Check Access.
      await open(page, `${server.url}/ram/policies`);
      await shot(page, "28-policies", width);
      await page.getByRole("button", { name: "Create Policy" }).click();
      const editor = page.getByRole("region", { name: "Create Policy" });
      await editor.getByLabel("Policy name").fill(`ReadUsers-${width}`);
      await editor.getByLabel("Policy document").fill('{"Version":"1","Statement":[{"Effect":"Allow","Action":"ListUsers","Resource":"*"}]}');
      await editor.getByTestId("document-problem").filter({ hasText: "Statement 1" }).waitFor();
      await shot(page, "29-policy-editor-error", width);
      await editor.getByLabel("Policy document").fill('{"Version":"1","Statement":[{"Effect":"Allow","Action":["ram:ListUsers","ram:GetUser"],"Resource":"*"}]}');
      await editor.getByText("The document is valid.").waitFor();
      await editor.getByRole("button", { name: "Create Policy" }).click();
      await page.getByRole("status").filter({ hasText: "Created the policy" }).waitFor();
      await open(page, `${server.url}/ram/groups`);
      await page.getByRole("button", { name: "Create Group" }).click();
      await page.getByRole("dialog", { name: "Create Group" }).getByLabel("Group name").fill(`readers-${width}`);
      await page.getByRole("dialog", { name: "Create Group" }).getByRole("button", { name: "OK" }).click();
      await page.getByRole("link", { name: `readers-${width}` }).waitFor();
      await shot(page, "30-groups", width);
      await open(page, `${server.url}/ram/groups/readers-${width}`);
      await page.getByLabel("Add a user").fill("auditor");
      await page.getByRole("button", { name: "Add to Group" }).click();
      await page.getByRole("row", { name: /auditor/ }).waitFor();
      await page.getByRole("button", { name: `Attach ReadUsers-${width}` }).click();
      await page.getByRole("row", { name: new RegExp(`ReadUsers-${width}`) }).filter({ hasText: "Attached" }).waitFor();
      await shot(page, "31-group", width);
      await open(page, `${server.url}/ram/policies/Custom/ReadUsers-${width}`);
      await shot(page, "32-policy", width);
      await open(page, `${server.url}/ram/check-access`);
      await page.getByLabel("RAM user").fill("auditor");
      await page.getByLabel("Action").fill("ram:DeleteUser");
      await page.getByRole("button", { name: "Check" }).click();
      await page.getByTestId("access-answer").waitFor();
      await shot(page, "33-check-access", width);
      await open(page, `${server.url}/ram/users/auditor?tab=permissions`);
      await shot(page, "16-user-permissions", width);

      await open(page, `${server.url}/ram/users`);
      await page.getByRole("button", { name: "Create User" }).click();
      await shot(page, "22-create-user", width);
      await page.keyboard.press("Escape");
      await open(page, `${server.url}/audit-trail`);
      await page.locator("tr[data-event-name] .disclosure").first().click();
      await shot(page, "23-audit-trail-details", width);
      if (width === "phone") {
        await page.getByRole("button", { name: "Menu", exact: true }).click();
        await shot(page, "24-navigation", width);
      }
      await signOut(page);
      await signIn(page, server, password, "auditor@acme.onaliyun.com");
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await open(page, `${server.url}/access-keys`);
      await shot(page, "25-read-only-access-keys", width);
      await signOut(page);
      await signIn(page, server, password, "ci-bot@acme.onaliyun.com");
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await open(page, `${server.url}/ram/users`);
      await shot(page, "26-no-permission", width);
      await signOut(page);
      await page.goto(`${server.url}/no/such/page`);
      await shot(page, "27-not-found", width);
    });
  });
}
