import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { servers } from "./servers";
import { createAccessKey, owner, filesOf, open, openAccountAccessKeys, setUp, signIn, signOut, closeSecretDialog } from "./helpers";
import { awayFromStepEdge, totp } from "./totp";

const server = servers.guardRails;
const python = path.resolve(__dirname, "..", "sdk", ".venv", "bin", "python");

/** ListUsers through the official SDK from this machine (127.0.0.1): "ok", or the error's code
 * and the SDK's own message. */
function listUsersWithSdk(key: { id: string; secret: string }): { code: string; message: string } {
  const script = `
import json, os
from alibabacloud_ram20150501.client import Client
from alibabacloud_ram20150501 import models
from alibabacloud_tea_openapi import models as om
cfg = om.Config(access_key_id=os.environ["AK"], access_key_secret=os.environ["SK"], endpoint=os.environ["ENDPOINT"], protocol="http")
try:
    Client(cfg).list_users(models.ListUsersRequest())
    print(json.dumps({"code": "ok", "message": ""}))
except Exception as e:
    print(json.dumps({"code": getattr(e, "code", repr(e)), "message": str(e)}))
`;
  const out = execFileSync(python, ["-c", script], {
    env: { ...process.env, AK: key.id, SK: key.secret, ENDPOINT: server.apiEndpoint },
  });
  return JSON.parse(out.toString());
}

/** The audit trail's rows for a key, as [event, source IP, result], once `count` are there. */
async function eventsOf(page: Page, keyId: string, count: number): Promise<string[][]> {
  const rows = page.locator("table tbody tr[data-event-name]");
  await expect
    .poll(async () => {
      await open(page, `${server.url}/audit-trail?access_key_id=${keyId}`);
      return rows.count();
    }, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(count);
  const cells = await rows.evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent!.trim())),
  );
  // Columns: time, event (+ R/W), type, user, key, source IP, result.
  return cells.map((c) => [c[1].split(" ")[0], c[5], c[6]]);
}

test("network policies, Review historical API calls, leak protection and the audit trail", async ({ page }) => {
  await setUp(page, server);
  await openAccountAccessKeys(page);
  const key = await createAccessKey(page, server);
  await closeSecretDialog(page);
  expect(listUsersWithSdk(key).code).toBe("ok");

  // The account-level policy leaves 127.0.0.1 out: the SDK prints the seed's message.
  await page.getByRole("link", { name: "Network Access Control" }).click();
  await expect(page).toHaveTitle(/Network Access Control/);
  await expect(page.getByTestId("policy-applies")).toContainText("Inactive");
  await page.getByRole("switch", { name: "Active" }).check();
  // Active with no address would refuse every call: said in words, about the whole list.
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("form.network-policy > .form-error")).toHaveText(/^An active policy needs at least one address/);
  await page.getByLabel("Address 1", { exact: true }).fill("10.0.0.0/8");
  await page.getByRole("button", { name: "Add Address" }).click();
  await page.getByLabel("Address 2", { exact: true }).fill("10.0.0.300");
  await page.getByRole("button", { name: "Save" }).click();
  // A bad entry is named next to itself; nothing is saved.
  await expect(page.locator("ol.address-list > li").nth(1).getByRole("alert")).toContainText('"10.0.0.300" is not an IPv4 or IPv6 address');
  await page.getByRole("button", { name: "Remove address 2" }).click();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".form-status")).toContainText("Saved.");
  await expect(page.getByTestId("policy-applies")).toContainText("Active");
  const denied = listUsersWithSdk(key);
  expect(denied.code).toBe("AccessKeyId.AccessPolicyDenied");
  expect(denied.message).toContain("code: 400, Specified access key denied due to access policy.");

  // The key's own policy, from Review historical API calls: 127.0.0.1 made the calls.
  await open(page, `${server.url}/access-keys`);
  const row = page.locator(`tr[data-access-key-id="${key.id}"]`);
  await row.getByRole("link", { name: "Network Policy" }).click();
  await expect(page).toHaveTitle(new RegExp(`Network Policy · ${key.id}`));
  await expect(page.getByTestId("policy-applies")).toContainText("The account-level policy applies");
  const source = page.locator('tr[data-source-ip="127.0.0.1"]');
  await expect(source.locator("td").nth(1)).toHaveText("2");
  await source.getByRole("button", { name: "Add 127.0.0.1 to the policy" }).click();
  await expect(page.getByLabel("Address 1", { exact: true })).toHaveValue("127.0.0.1");
  await page.getByRole("switch", { name: "Active" }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator(".form-status")).toContainText("Saved.");
  await expect(page.getByTestId("policy-applies")).toContainText("This AccessKey pair's own policy applies");
  expect(listUsersWithSdk(key).code).toBe("ok");

  // Report Leak: asked first, then red, and every call fails with the seed's message.
  await open(page, `${server.url}/access-keys`);
  await row.getByRole("button", { name: "Report Leak" }).click();
  const confirm = page.getByRole("dialog", { name: "Report Leak" });
  await expect(confirm).toContainText("cannot be undone");
  await confirm.getByRole("button", { name: "Report Leak" }).click();
  await expect(row).toContainText("Leaked");
  await expect(page.getByRole("alert").filter({ hasText: "There is a risk of leakage" })).toContainText(
    "create a new AccessKey pair, move your applications to it, then disable and delete the leaked one",
  );
  await expect(row.getByRole("button", { name: "Report Leak" })).toHaveCount(0);
  const leaked = listUsersWithSdk(key);
  expect(leaked.code).toBe("Forbidden.AccessKeyLeakage");
  expect(leaked.message).toContain("Forbidden : There is a risk of leakage of this AccessKey.");

  // The audit trail, from the key's row: its calls with source and result, and the console's
  // operations on it; the CSV export holds the same events.
  await open(page, `${server.url}/access-keys`);
  await row.getByRole("link", { name: "View Events" }).click();
  const events = await eventsOf(page, key.id, 7);
  expect(events).toEqual([
    ["ListUsers", "127.0.0.1", "Forbidden.AccessKeyLeakage"],
    ["ReportAccessKeyLeak", "127.0.0.1", "Success"],
    ["ListUsers", "127.0.0.1", "Success"],
    ["SetAccessKeyPolicy", "127.0.0.1", "Success"],
    ["ListUsers", "127.0.0.1", "AccessKeyId.AccessPolicyDenied"],
    ["ListUsers", "127.0.0.1", "Success"],
    ["CreateAccessKey", "127.0.0.1", "Success"],
  ]);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csvPath = await (await download).path();
  const csv = fs.readFileSync(csvPath!, "utf8").trim().split("\n");
  expect(csv[0]).toMatch(/^eventTime,eventName,eventType,eventRW/);
  expect(csv.slice(1).map((line) => line.split(",")[1])).toEqual(events.map((e) => e[0]));

  // No secret anywhere on disk or in the log.
  for (const file of filesOf(server)) {
    expect(fs.readFileSync(file).includes(key.secret), file).toBe(false);
  }
});

test("a virtual MFA device binds with two codes, then replaces the phone code and guards sign-in", async ({ page, browser }) => {
  // Another browser signed in as the owner, whose session binding the device ends.
  const elsewhere = await (await browser.newContext()).newPage();
  await signIn(elsewhere, server);
  await expect(elsewhere.getByRole("heading", { name: "Overview" })).toBeVisible();

  await signIn(page, server);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.getByRole("button", { name: "Account menu" }).hover();
  await page.getByRole("menuitem", { name: "MFA Device" }).click();
  await expect(page).toHaveTitle(/MFA Device/);
  // Binding asks for the password again: an open session alone is not enough.
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Bind Virtual MFA Device" }).click();
  await expect(page.getByRole("alert")).toContainText("The password is incorrect");
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Bind Virtual MFA Device" }).click();
  await expect(page.getByRole("img", { name: "QR code of the MFA key" }).locator("svg")).toBeVisible();
  const mfaKey = (await page.getByTestId("mfa-secret").textContent())!.trim();
  expect(mfaKey).toMatch(/^[A-Z2-7]{32}$/);

  // Two consecutive codes, computed here from the shown key as an app would.
  await awayFromStepEdge();
  const t = Date.now() / 1000;
  await page.getByLabel("First code").fill(totp(mfaKey, t - 30));
  await page.getByLabel("Second code").fill(totp(mfaKey, t + 30));
  await page.getByRole("button", { name: "Bind", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("not two consecutive codes");
  await page.getByLabel("First code").fill(totp(mfaKey, t - 60));
  await page.getByLabel("Second code").fill(totp(mfaKey, t - 30));
  await page.getByRole("button", { name: "Bind", exact: true }).click();
  await expect(page.getByText("A virtual MFA device is bound.")).toBeVisible();
  await elsewhere.reload();
  await expect(elsewhere, "the other session ended when the device was bound").toHaveURL(/\/signin/);
  await elsewhere.context().close();

  // Creating a key now asks for the device's code, not the phone's.
  await openAccountAccessKeys(page);
  await page.getByRole("button", { name: "Create AccessKey" }).click();
  const verify = page.getByRole("dialog", { name: "MFA Verification" });
  await expect(verify.getByRole("button", { name: "Send Code" })).toHaveCount(0);
  await verify.getByLabel("MFA Code").fill(totp(mfaKey, t));
  await verify.getByRole("button", { name: "OK" }).click();
  const created = page.getByRole("dialog", { name: "Create AccessKey" });
  await expect(created).toBeVisible();
  const secret = (await created.getByTestId("new-access-key-secret").textContent())!.trim();
  await closeSecretDialog(page);

  // Signing in asks for a code too.
  await signOut(page);
  await signIn(page, server);
  await expect(page.getByRole("alert")).toContainText("Enter the 6-digit code from your virtual MFA device.");
  await page.getByLabel("MFA Code").fill(totp(mfaKey, t + 30));
  await page.getByRole("button", { name: "Sign In" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  for (const file of filesOf(server)) {
    const bytes = fs.readFileSync(file);
    expect(bytes.includes(secret), file).toBe(false);
    expect(bytes.includes(mfaKey), file).toBe(false);
  }
});
