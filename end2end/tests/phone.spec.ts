import { devices, type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { servers } from "./servers";
import { closeSecretDialog, createAccessKey, hydrated, open, setUp } from "./helpers";

// The console on a phone (Chromium's Pixel 7 emulation: 412 px wide, touch): nothing wider than
// the screen, the navigation folded into a Menu button, dialogs on screen.
const server = servers.phone;
const { defaultBrowserType: _, ...pixel } = devices["Pixel 7"];
test.use(pixel);
test.describe.configure({ mode: "serial" });

/** The page does not scroll sideways, and `locator` lies inside the screen. */
async function fitsTheScreen(page: Page, locator = page.locator("body")) {
  const width = page.viewportSize()!.width;
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  const box = (await locator.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
}

test("on a phone: the Note, then a new key whose secret can be read and copied", async ({ page }) => {
  await setUp(page, server);
  await hydrated(page);
  await fitsTheScreen(page);
  await fitsTheScreen(page, page.getByRole("button", { name: "Account menu" }));

  // The avatar menu opens by touch and stays on screen.
  await page.getByRole("button", { name: "Account menu" }).tap();
  const menu = page.getByRole("menu");
  await expect(menu).toBeVisible();
  await fitsTheScreen(page, menu);
  await menu.getByRole("menuitem", { name: "AccessKey Management" }).tap();
  const note = page.getByRole("dialog", { name: "Note" });
  await expect(note).toBeVisible();
  await fitsTheScreen(page, note);
  await note.getByRole("button", { name: "Use Current AccessKey Pair" }).tap();
  await expect(page.getByRole("heading", { name: "AccessKey Management" })).toBeVisible();

  const { id, secret } = await createAccessKey(page, server);
  const created = page.getByRole("dialog", { name: "Create AccessKey" });
  await fitsTheScreen(page, created);
  const shown = created.getByTestId("new-access-key-secret");
  await expect(shown).toBeInViewport();
  await expect(shown).toHaveText(secret);
  await created.getByRole("button", { name: "Copy", exact: true }).tap();
  await expect(created.getByRole("status")).toHaveText(/Copied/);
  await closeSecretDialog(page);

  // The key table scrolls inside its card; the page itself does not.
  await expect(page.locator(`tr[data-access-key-id="${id}"]`)).toBeVisible();
  await fitsTheScreen(page);
  await fitsTheScreen(page, page.getByRole("region", { name: "AccessKey pairs" }));
});

test("on a phone: the navigation folds into Menu, and wide pages stay within the screen", async ({ page }) => {
  await open(page, `${server.url}/signin`);
  await page.getByLabel("E-mail").fill("owner@acme.example.com");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign In" }).tap();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await hydrated(page);
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link", { name: "Audit Trail" })).toBeHidden();
  const toggle = page.getByRole("button", { name: "Menu", exact: true });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.tap();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await nav.getByRole("link", { name: "Audit Trail" }).tap();
  await expect(page.getByRole("heading", { name: "Audit Trail" })).toBeVisible();
  await fitsTheScreen(page);
  for (const path of ["/ram/users", "/ram/recycle-bin", "/ram/security-settings", "/access-keys/network-policy", "/security/mfa"]) {
    await open(page, `${server.url}${path}`);
    await fitsTheScreen(page);
  }
});
