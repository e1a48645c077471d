import { expect, test } from "./fixtures";
import { servers } from "./servers";
import { createUser, open, setUp, signIn, signOut } from "./helpers";

const server = servers.policies;
const password = "a long passphrase 1";

test.describe.configure({ mode: "serial" });

test("a custom policy written in the editor, granted through a group, is all its members may do", async ({ page }) => {
  await setUp(page, server);
  await createUser(page, server, "dana", { password });
  await createUser(page, server, "erin");

  // Permissions > Policies > Create Policy: a mistake is shown at its statement as it is typed.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Policies" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Policies" })).toBeVisible();
  await expect(page.getByRole("row", { name: /AliyunRAMReadOnlyAccess/ })).toContainText("System");
  await page.getByRole("button", { name: "Create Policy" }).click();
  const editor = page.getByRole("region", { name: "Create Policy" });
  await editor.getByLabel("Policy name").fill("ReadUsersOnly");
  const documentField = editor.getByLabel("Policy document");
  await documentField.fill(JSON.stringify({
    Version: "1",
    Statement: [
      { Effect: "Allow", Action: ["ram:ListUsers", "ram:GetUser"], Resource: "*" },
      { Effect: "Allow", Action: "ListGroups", Resource: "*" },
    ],
  }, null, 2));
  await expect(editor.getByTestId("document-problem")).toContainText("Statement 2, Action");
  await expect(editor.getByRole("button", { name: "Create Policy" })).toBeDisabled();
  await documentField.fill(JSON.stringify({
    Version: "1",
    Statement: [{ Effect: "Allow", Action: ["ram:ListUsers", "ram:GetUser"], Resource: "*" }],
  }, null, 2));
  await expect(editor.getByText("The document is valid.")).toBeVisible();
  await editor.getByRole("button", { name: "Create Policy" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Created the policy" })).toContainText("ReadUsersOnly");
  await expect(page.getByRole("row", { name: /ReadUsersOnly/ })).toContainText("Custom");

  // Identities > Groups: a group with the policy, and dana in it.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Groups" }).click();
  await page.getByRole("button", { name: "Create Group" }).click();
  const create = page.getByRole("dialog", { name: "Create Group" });
  await create.getByLabel("Group name").fill("readers");
  await create.getByRole("button", { name: "OK" }).click();
  await page.getByRole("link", { name: "readers" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "readers" })).toBeVisible();
  await page.getByLabel("Add a user").fill("nobody");
  await page.getByRole("button", { name: "Add to Group" }).click();
  await expect(page.locator("#add-member-error")).toContainText("does not exist");
  await page.getByLabel("Add a user").fill("dana");
  await page.getByRole("button", { name: "Add to Group" }).click();
  await expect(page.getByRole("row", { name: /dana/ })).toBeVisible();
  await page.getByRole("button", { name: "Attach ReadUsersOnly" }).click();
  await expect(page.getByRole("row", { name: /ReadUsersOnly/ })).toContainText("Attached");

  // The user's Permissions tab says where the policy comes from.
  await open(page, `${server.url}/ram/users/dana?tab=permissions`);
  await expect(page.getByRole("row", { name: /ReadUsersOnly/ })).toContainText("Through the group readers");

  // Check access explains a decision, statement and all.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Check Access" }).click();
  await page.getByLabel("RAM user").fill("dana");
  await page.getByLabel("Action").fill("ram:CreateUser");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByTestId("access-answer")).toContainText("Denied: no statement");
  await page.getByLabel("Action").fill("ram:ListUsers");
  await page.getByRole("button", { name: "Check" }).click();
  const answer = page.getByTestId("access-answer");
  await expect(answer).toContainText("Allowed");
  await expect(answer).toContainText("ReadUsersOnly (Custom, through the group readers), statement 1");
  await signOut(page);

  // Dana sees the users, and is told in words what she may not do.
  await signIn(page, server, password, "dana@acme.onaliyun.com");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Users", exact: true }).click();
  await expect(page.getByRole("link", { name: "erin@acme.onaliyun.com" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create User" })).toHaveCount(0);
  await open(page, `${server.url}/ram/groups`);
  await expect(page.getByRole("main")).toContainText("You are not authorized to do ram:ListGroups");
});
