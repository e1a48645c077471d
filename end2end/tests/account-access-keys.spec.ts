import * as fs from "node:fs";
import { expect, test } from "./fixtures";
import { servers } from "./servers";
import { codesInLog, createAccessKey, filesOf, nextCode, open, openAccountAccessKeys, owner, setUp, signIn } from "./helpers";

const server = servers.main;
const ID = /^LTAI[0-9A-Za-z]{20}$/;

test.describe.serial("the account owner's AccessKey pairs", () => {
  test("first-run setup, then the page is gone", async ({ page }) => {
    await setUp(page, server);
    await expect(page).toHaveTitle("Overview · AccessKey Console");
    await open(page, `${server.url}/setup`);
    await expect(page).toHaveURL(/\/signin$/);
  });

  test("a signed-out browser is redirected by the server, not only by the page", async ({ request }) => {
    const html = { Accept: "text/html" };
    const console = await request.get(`${server.url}/access-keys`, { headers: html, maxRedirects: 0 });
    expect(console.status()).toBe(302);
    expect(console.headers()["location"]).toBe("/signin?next=%2Faccess-keys");
    const setup = await request.get(`${server.url}/setup`, { headers: html, maxRedirects: 0 });
    expect(setup.status()).toBe(302);
    expect(setup.headers()["location"]).toBe("/signin");
  });

  test("a state-changing request from another site is refused", async ({ request }) => {
    const form = { email: owner.email, password: owner.password };
    const crossSite = await request.post(`${server.url}/api/sign_in`, {
      form,
      headers: { Origin: "http://attacker.example", "Sec-Fetch-Site": "cross-site" },
      maxRedirects: 0,
    });
    expect(crossSite.status()).toBe(403);
    expect(await crossSite.text()).toBe("Cross-site requests are not accepted.");
    const sameSite = await request.post(`${server.url}/api/sign_in`, {
      form,
      headers: { Origin: server.url, Accept: "text/html" },
      maxRedirects: 0,
    });
    // The same form from the console's own origin signs in: a redirect into the console.
    expect(sameSite.status()).toBe(302);
    expect(sameSite.headers()["location"]).toBe("/");
  });

  test("sign out, a wrong password, then sign in", async ({ page }) => {
    await signIn(page, server);
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await page.getByRole("button", { name: "Account menu" }).click();
    await expect(page.getByRole("menu")).toContainText(owner.alias);
    await page.getByRole("menuitem", { name: "Sign Out" }).click();
    await expect(page).toHaveURL(/\/signin$/);

    // Back after Sign Out shows no signed-in page: console pages are never kept by the browser.
    await page.goBack();
    await expect(page).toHaveURL(/\/signin/);
    await expect(page.getByRole("heading", { name: "Overview" })).toHaveCount(0);

    // A link into the console opened signed out comes back to that page after sign-in.
    await open(page, `${server.url}/audit-trail?result=Failure`);
    await expect(page).toHaveURL(/\/signin\?next=%2Faudit-trail%3Fresult%3DFailure$/);
    await page.getByLabel("E-mail").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign In" }).click();
    await expect(page).toHaveURL(/\/audit-trail\?result=Failure$/);
    await expect(page.getByRole("heading", { name: "Audit Trail" })).toBeVisible();
    await page.getByRole("button", { name: "Account menu" }).click();
    await page.getByRole("menuitem", { name: "Sign Out" }).click();
    await expect(page).toHaveURL(/\/signin$/);

    await signIn(page, server, "not the password");
    await expect(page.getByRole("alert")).toHaveText("The e-mail address or password is incorrect.");
    await expect(page).toHaveURL(/\/signin$/);

    await signIn(page, server);
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    const overview = await page.request.get(`${server.url}/`);
    expect(overview.headers()["cache-control"]).toBe("no-store");
    const cookie = (await page.context().cookies()).find((c) => c.name === "accesskey_console_session");
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Lax");
  });

  test("the Note dialog leads to the RAM users page or the account's keys", async ({ page }) => {
    await signIn(page, server);
    await page.getByRole("button", { name: "Account menu" }).hover();
    await page.getByRole("menuitem", { name: "AccessKey Management" }).click();
    const note = page.getByRole("dialog", { name: "Note" });
    await expect(note).toContainText("exposed to potential risks");
    await expect(note).toContainText("We recommend that you use the AccessKey pair of a RAM user");
    await note.getByRole("button", { name: "Use AccessKey Pair of RAM User" }).click();
    await expect(page).toHaveURL(/\/ram\/users$/);
    await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
    await expect(page.getByText("No RAM users yet.")).toBeVisible();

    await openAccountAccessKeys(page);
    await expect(page).toHaveURL(/\/access-keys$/);
    await expect(page).toHaveTitle("AccessKey Management · AccessKey Console");
    await expect(page.getByText("We recommend that you use the AccessKey pair of a RAM user")).toBeVisible();
    await expect(page.getByText("No AccessKey pairs yet.")).toBeVisible();
  });

  test("create a key: verification, the secret once, Copy, Download CSV File, then the list", async ({ page }) => {
    await signIn(page, server);
    await openAccountAccessKeys(page);
    await page.getByRole("button", { name: "Create AccessKey" }).click();

    const verify = page.getByRole("dialog", { name: "Phone Verification" });
    const before = codesInLog(server, owner.phone).length;
    await verify.getByRole("button", { name: "Send Code" }).click();
    await expect(verify.getByRole("status")).toContainText("86-138****5678");
    const code = await nextCode(server, owner.phone, before);

    const wrong = code === "000000" ? "111111" : "000000";
    await verify.getByLabel("Verification Code").fill(wrong);
    await verify.getByRole("button", { name: "OK" }).click();
    await expect(verify.getByRole("alert")).toHaveText("The verification code is incorrect. 4 attempts left.");

    await verify.getByLabel("Verification Code").fill(code);
    await verify.getByRole("button", { name: "OK" }).click();

    const created = page.getByRole("dialog", { name: "Create AccessKey" });
    await expect(created).toBeVisible();
    const id = (await created.getByTestId("new-access-key-id").textContent())!.trim();
    const secret = (await created.getByTestId("new-access-key-secret").textContent())!.trim();
    expect(id).toMatch(ID);
    expect(secret).toMatch(/^[0-9A-Za-z]{30}$/);
    await expect(created).toContainText("displayed only now and cannot be retrieved later");

    await created.getByRole("button", { name: "Copy", exact: true }).click();
    await expect(created.getByRole("status")).toHaveText(/Copied the AccessKey ID and AccessKey secret/);
    const clipboard = await page.evaluate(() => navigator.clipboard.readText());
    expect(clipboard).toBe(`AccessKey ID: ${id}\nAccessKey Secret: ${secret}`);

    await created.getByRole("button", { name: "Copy AccessKey ID" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(id);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      created.getByRole("button", { name: "Download CSV File" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("AccessKey.csv");
    const csv = fs.readFileSync((await download.path())!, "utf8");
    expect(csv).toBe(`AccessKey ID,AccessKey Secret\n${id},${secret}\n`);

    await created.getByRole("button", { name: "Close", exact: true }).click();
    await expect(created).toBeHidden();
    await expect(page.locator("body")).not.toContainText(secret);

    await page.reload();
    await page.locator("body[data-hydrated]").waitFor();
    const row = page.locator(`tr[data-access-key-id="${id}"]`);
    await expect(row).toContainText("Active");
    await expect(row).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    await expect(row).toContainText("Never");
    expect(await page.content()).not.toContain(secret);

    // Searching the Users page for it names its owner: the account itself, not a RAM user.
    await open(page, `${server.url}/ram/users?q=${id}`);
    await expect(page.getByText(`“${id}” is an AccessKey pair of the account itself (root), not of a RAM user.`)).toBeVisible();

    // The secret is nowhere at rest: not in the database (or its WAL), the key file, or the log.
    for (const file of filesOf(server)) {
      expect(fs.readFileSync(file).includes(Buffer.from(secret)), `${file} holds the secret`).toBe(false);
    }
  });

  test("disable asks first; only a disabled key can be deleted, by typing its ID", async ({ page }) => {
    await signIn(page, server);
    await openAccountAccessKeys(page);
    const row = page.locator("tr[data-access-key-id]").first();
    const id = (await row.getAttribute("data-access-key-id"))!;

    // An active key offers no Delete, and the page says why.
    await expect(row.getByRole("button", { name: "Delete" })).toHaveCount(0);
    await expect(page.getByText("To delete an AccessKey pair, disable it first.")).toBeVisible();

    await row.getByRole("button", { name: "Disable" }).click();
    const disable = page.getByRole("dialog", { name: "Disable AccessKey" });
    await expect(disable).toContainText(id);
    await expect(disable).toContainText("Every API call signed with it fails from now on");
    await disable.getByRole("button", { name: "Cancel" }).click();
    await expect(disable).toBeHidden();
    await expect(row).not.toContainText("Inactive");
    await row.getByRole("button", { name: "Disable" }).click();
    await disable.getByRole("button", { name: "Disable" }).click();
    await expect(disable).toBeHidden();
    await expect(row).toContainText("Inactive");
    await row.getByRole("button", { name: "Enable" }).click();
    await expect(row).not.toContainText("Inactive");
    await row.getByRole("button", { name: "Disable" }).click();
    await disable.getByRole("button", { name: "Disable" }).click();
    await expect(row).toContainText("Inactive");

    await row.getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete AccessKey" });
    await expect(confirm).toContainText(id);
    await expect(confirm.getByTestId("delete-last-used")).toHaveText("Never");
    const typed = confirm.getByLabel("Enter the AccessKey ID to confirm");
    await expect(typed).toBeFocused();
    const remove = confirm.getByRole("button", { name: "Delete", exact: true });
    await expect(remove).toBeDisabled();
    await typed.fill(id.slice(0, -1));
    await expect(remove).toBeDisabled();
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.locator(`tr[data-access-key-id="${id}"]`)).toBeVisible();

    await row.getByRole("button", { name: "Delete" }).click();
    await typed.fill(id);
    await remove.click();
    await expect(page.locator(`tr[data-access-key-id="${id}"]`)).toHaveCount(0);
    await expect(page.getByText("No AccessKey pairs yet.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Create AccessKey" })).toBeFocused();
  });

  test("closing the new secret before Copy or Download asks once more", async ({ page }) => {
    await signIn(page, server);
    await openAccountAccessKeys(page);
    await createAccessKey(page, server);
    const created = page.getByRole("dialog", { name: "Create AccessKey" });
    await page.keyboard.press("Escape");
    const warning = created.getByRole("alert").filter({ hasText: "You have not copied or downloaded the AccessKey secret." });
    await expect(warning).toBeVisible();
    await expect(created.getByRole("button", { name: "Go Back" })).toBeFocused();
    await created.getByRole("button", { name: "Go Back" }).click();
    await expect(warning).toBeHidden();
    await expect(created).toBeVisible();
    await created.getByRole("button", { name: "Close", exact: true }).click();
    await created.getByRole("button", { name: "Close Anyway" }).click();
    await expect(created).toBeHidden();
  });

  test("Escape closes a dialog", async ({ page }) => {
    await signIn(page, server);
    await openAccountAccessKeys(page);
    await page.getByRole("button", { name: "Create AccessKey" }).click();
    const verify = page.getByRole("dialog", { name: "Phone Verification" });
    await expect(verify).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(verify).toBeHidden();
  });
});

test.describe("an expired verification code", () => {
  const short = servers.shortCodes;

  test("is refused with a clear message, and a new code works", async ({ page }) => {
    await setUp(page, short);
    await openAccountAccessKeys(page);
    await page.getByRole("button", { name: "Create AccessKey" }).click();
    const verify = page.getByRole("dialog", { name: "Phone Verification" });

    let before = codesInLog(short, owner.phone).length;
    const sent = Date.now();
    await verify.getByRole("button", { name: "Send Code" }).click();
    const stale = await nextCode(short, owner.phone, before);
    // The code lives 3 seconds on this server: wait until that time has passed, then use it.
    await expect.poll(() => Date.now() - sent, { intervals: [250] }).toBeGreaterThan(3_500);
    await verify.getByLabel("Verification Code").fill(stale);
    await verify.getByRole("button", { name: "OK" }).click();
    await expect(verify.getByRole("alert")).toHaveText("The verification code has expired. Send a new code.");

    before = codesInLog(short, owner.phone).length;
    await verify.getByRole("button", { name: "Resend Code" }).click();
    const fresh = await nextCode(short, owner.phone, before);
    await verify.getByLabel("Verification Code").fill(fresh);
    await verify.getByRole("button", { name: "OK" }).click();
    await expect(page.getByRole("dialog", { name: "Create AccessKey" })).toBeVisible();
  });
});
