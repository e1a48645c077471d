import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { expect, test } from "./fixtures";
import { servers } from "./servers";
import { closeSecretDialog, createAccessKey, open, setUp, signIn } from "./helpers";

const server = servers.ramUsers;
const ID = /^LTAI[0-9A-Za-z]{20}$/;
test.describe.configure({ mode: "serial" });

test("the owner gives a RAM user two AccessKeys; a third is refused; a deleted one is recycled; search finds the owner", async ({
  page,
}) => {
  await setUp(page, server);

  // Note dialog → Use AccessKey Pair of RAM User → Identities > Users.
  await page.getByRole("button", { name: "Account menu" }).hover();
  await page.getByRole("menuitem", { name: "AccessKey Management" }).click();
  await page.getByRole("dialog", { name: "Note" }).getByRole("button", { name: "Use AccessKey Pair of RAM User" }).click();
  await expect(page).toHaveURL(/\/ram\/users$/);
  await expect(page.getByText("No RAM users yet.")).toBeVisible();

  // Create User, with the rule shown next to the field first.
  await page.getByRole("button", { name: "Create User" }).click();
  const dialog = page.getByRole("dialog", { name: "Create User" });
  await dialog.getByLabel("Logon name").fill("ci bot");
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(dialog.getByText("The logon name can contain only letters")).toBeVisible();
  await dialog.getByLabel("Logon name").fill("ci-bot");
  await dialog.getByLabel("Display name").fill("CI robot");
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(dialog).toBeHidden();

  // The user's page → Authentication → User AccessKeys.
  await page.getByRole("link", { name: "ci-bot@acme.onaliyun.com" }).click();
  await expect(page.getByRole("heading", { name: "ci-bot@acme.onaliyun.com" })).toBeVisible();
  await expect(page.getByRole("tabpanel", { name: "Basic Information" })).toContainText("CI robot");
  await page.getByRole("tab", { name: "Authentication" }).click();
  const panel = page.getByRole("tabpanel", { name: "Authentication" });
  await expect(panel.getByRole("heading", { name: "User AccessKeys" })).toBeVisible();

  const first = await createAccessKey(page, server);
  expect(first.id).toMatch(ID);
  const created = page.getByRole("dialog", { name: "Create AccessKey" });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    created.getByRole("button", { name: "Download CSV File" }).click(),
  ]);
  expect(fs.readFileSync((await download.path())!, "utf8")).toBe(`AccessKey ID,AccessKey Secret\n${first.id},${first.secret}\n`);
  await created.getByRole("button", { name: "Close", exact: true }).click();

  const second = await createAccessKey(page, server);
  await closeSecretDialog(page);
  await expect(panel.locator("tr[data-access-key-id]")).toHaveCount(2);

  // A third is refused in the UI, with the reason.
  await expect(panel.getByRole("button", { name: "Create AccessKey" })).toBeDisabled();
  await expect(panel).toContainText("A RAM user can have at most two AccessKey pairs.");

  // A key's Network Policy page names its user, and its breadcrumb leads back to the user's page.
  await panel.locator(`tr[data-access-key-id="${first.id}"]`).getByRole("link", { name: "Network Policy" }).click();
  await expect(page.locator(".page-intro")).toHaveText(`AccessKey pair ${first.id} of RAM user ci-bot`);
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "ci-bot" }).click();
  await expect(page.getByRole("heading", { name: "ci-bot@acme.onaliyun.com" })).toBeVisible();
  await page.getByRole("tab", { name: "Authentication" }).click();

  // Delete one, disabled first: it goes to the recycle bin.
  const secondRow = panel.locator(`tr[data-access-key-id="${second.id}"]`);
  await secondRow.getByRole("button", { name: "Disable" }).click();
  await page.getByRole("dialog", { name: "Disable AccessKey" }).getByRole("button", { name: "Disable" }).click();
  await expect(secondRow).toContainText("Inactive");
  await secondRow.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete AccessKey" });
  await expect(confirm).toContainText("moves to the recycle bin");
  await confirm.getByLabel("Enter the AccessKey ID to confirm").fill(second.id);
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(panel.locator("tr[data-access-key-id]")).toHaveCount(1);
  await expect(panel.getByRole("button", { name: "Create AccessKey" })).toBeEnabled();

  // The Recycle Bin lists it with its user, deleted now and purged 30 days later; Restore brings it back.
  await page.getByRole("link", { name: "Recycle Bin" }).click();
  const recycled = page.locator(`tr[data-access-key-id="${second.id}"]`);
  await expect(recycled).toContainText("ci-bot");
  const [deleted, purged] = (await recycled.locator("td").allTextContents()).slice(2, 4);
  const day = 24 * 3600 * 1000;
  const utc = (text: string) => Date.parse(text.replace(" UTC", "Z").replace(" ", "T"));
  expect(utc(purged) - utc(deleted)).toBe(30 * day);
  await recycled.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByText("No AccessKeys in the recycle bin.")).toBeVisible();
  await open(page, `${server.url}/ram/users/ci-bot`);
  await page.getByRole("tab", { name: "Authentication" }).click();
  // Back as it was deleted: disabled.
  await expect(page.locator(`tr[data-access-key-id="${second.id}"] .status`)).toHaveText("Inactive");
  await expect(page.locator("tr[data-access-key-id]")).toHaveCount(2);

  // Searching the Users page for an AccessKey ID finds its user.
  await open(page, `${server.url}/ram/users?q=${first.id}`);
  await expect(page.locator("tr[data-user]")).toHaveCount(1);
  await expect(page.locator("tr[data-user]")).toContainText("ci-bot@acme.onaliyun.com");
  await open(page, `${server.url}/ram/users?q=LTAI00000000000000000000`);
  await expect(page.getByText("No user matches")).toBeVisible();

  // Deleting the user moves it, with its keys, to the recycle bin; restoring it brings both back.
  await open(page, `${server.url}/ram/users/ci-bot`);
  await page.getByRole("button", { name: "Delete User" }).click();
  await page.getByRole("dialog", { name: "Delete User" }).getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page).toHaveURL(/\/ram\/users$/);
  await expect(page.getByText("No RAM users yet.")).toBeVisible();
  await open(page, `${server.url}/ram/recycle-bin`);
  const deletedUser = page.locator('tr[data-user="ci-bot"]');
  await expect(deletedUser).toContainText(first.id);
  await expect(deletedUser).toContainText(second.id);
  await deletedUser.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByText("No users in the recycle bin.")).toBeVisible();
  await open(page, `${server.url}/ram/users?q=${second.id}`);
  await expect(page.locator("tr[data-user]")).toContainText("ci-bot@acme.onaliyun.com");
});

test("the Users list pages both ways and says where it is", async ({ page }) => {
  // 25 more users, written by the server's own seed command beside the running server.
  execFileSync(server.bin, ["seed", "--account", "acme", "--users", "25", "--keys-per-user", "0", "--prefix", "app-"], {
    env: { ...process.env, ...server.env },
  });
  await signIn(page, server);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await open(page, `${server.url}/ram/users`);
  const summary = page.getByTestId("users-summary");
  await expect(summary).toHaveText("Users 1–20 of 26 (20 a page)");
  await expect(page.locator("tr[data-user]")).toHaveCount(20);
  await expect(page.getByRole("link", { name: "Previous page" })).toHaveCount(0);
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(summary).toHaveText("Users 21–26 of 26 (20 a page)");
  await expect(page.locator("tr[data-user]")).toHaveCount(6);
  await expect(page.getByRole("link", { name: "Next page" })).toHaveCount(0);
  await page.getByRole("link", { name: "Previous page" }).click();
  await expect(summary).toHaveText("Users 1–20 of 26 (20 a page)");
  await expect(page.locator('tr[data-user="ci-bot"]')).toBeVisible();

  // A user created while the list has more than one page is said to be created, with its link.
  await page.getByRole("button", { name: "Create User" }).click();
  const dialog = page.getByRole("dialog", { name: "Create User" });
  await dialog.getByLabel("Logon name").fill("zz-last");
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Created the user" })).toContainText("zz-last@acme.onaliyun.com");
  await page.getByRole("link", { name: "Open zz-last" }).click();
  await expect(page.getByRole("heading", { name: "zz-last@acme.onaliyun.com" })).toBeVisible();

  // Delete from the list's Actions column, asked first.
  await open(page, `${server.url}/ram/users?q=zz-last`);
  await page.getByRole("button", { name: "Delete zz-last" }).click();
  await page.getByRole("dialog", { name: "Delete User" }).getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByText("No user matches “zz-last”.")).toBeVisible();
});
