import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { expect, test } from "./fixtures";
import { servers } from "./servers";
import { closeSecretDialog, createAccessKey, disableKey, open, openAccountAccessKeys, setUp } from "./helpers";

const server = servers.api;
const python = path.resolve(__dirname, "..", "sdk", ".venv", "bin", "python");

/** ListUsers through the official SDK (alibabacloud_ram20150501, V3 signatures): "ok" or the error code. */
function listUsersWithSdk(key: { id: string; secret: string }): string {
  const script = `
import os
from alibabacloud_ram20150501.client import Client
from alibabacloud_ram20150501 import models
from alibabacloud_tea_openapi import models as om
cfg = om.Config(access_key_id=os.environ["AK"], access_key_secret=os.environ["SK"], endpoint=os.environ["ENDPOINT"], protocol="http")
try:
    Client(cfg).list_users(models.ListUsersRequest())
    print("ok")
except Exception as e:
    print(getattr(e, "code", repr(e)))
`;
  return execFileSync(python, ["-c", script], {
    env: { ...process.env, AK: key.id, SK: key.secret, ENDPOINT: server.apiEndpoint },
  })
    .toString()
    .trim();
}

test("a key made in the console signs SDK calls, shows its last use, and stops working when disabled", async ({ page }) => {
  await setUp(page, server);
  await openAccountAccessKeys(page);
  const key = await createAccessKey(page, server);
  await closeSecretDialog(page);
  const row = page.locator(`tr[data-access-key-id="${key.id}"]`);
  await expect(row).toContainText("Never");

  expect(listUsersWithSdk(key)).toBe("ok");
  // Last use is written within seconds; the console shows it on the next load.
  await expect
    .poll(async () => {
      await open(page, `${server.url}/access-keys`);
      return (await row.locator("td").nth(3).textContent())?.trim();
    }, { timeout: 10_000 })
    .toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);

  await disableKey(page, row);
  expect(listUsersWithSdk(key)).toBe("InvalidAccessKeyId.Inactive");
  await row.getByRole("button", { name: "Enable" }).click();
  await expect(row.locator(".status")).toHaveText("Active");
  expect(listUsersWithSdk(key)).toBe("ok");
});
