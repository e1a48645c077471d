import { test as base, expect, type Page } from "@playwright/test";

/**
 * Every spec imports `test` from here: a test fails on anything the browser reports going wrong
 * on any of its pages, not only on a missing element — an uncaught error (a hydration panic), a
 * console error, an asset that did not load, or a 5xx answer.
 *
 * Server functions answer a person's mistakes (a wrong code, a taken name) with a 4xx status and
 * a typed error the page shows, and a page about something that is not there or not allowed (a
 * deleted user, another's key) is itself answered 404 or 403 with a page that says so; Chromium
 * logs those loads as failures, and they are expected. Any other resource that fails to load (a
 * script, a style, a wasm chunk) is a defect. A test that means to reach something else says so
 * with `allowBrowserErrors`.
 */
type Watch = { problems: string[]; allowed: RegExp[] };

export const test = base.extend<{ allowBrowserErrors: (...patterns: RegExp[]) => void; browserWatch: Watch }>({
  browserWatch: [
    async ({ context }, use) => {
      const watch: Watch = { problems: [], allowed: [] };
      // Pages answered 4xx on purpose: the document's own load failure is expected.
      const refusedPages = new Set<string>();
      const attach = (page: Page) => {
        page.on("pageerror", (error) => watch.problems.push(`uncaught error on ${page.url()}: ${error.message}`));
        page.on("console", (message) => {
          if (message.type() !== "error") return;
          const text = message.text();
          const url = message.location().url;
          const status = Number(/status of (\d{3})/.exec(text)?.[1] ?? 0);
          const expected = url && (new URL(url).pathname.startsWith("/api/") || refusedPages.has(url));
          if (expected && status >= 400 && status < 500) return;
          watch.problems.push(`console error on ${page.url()}: ${text}${url ? ` (${url})` : ""}`);
        });
        page.on("response", (response) => {
          if (response.request().isNavigationRequest() && response.status() >= 400 && response.status() < 500) {
            refusedPages.add(response.url());
          }
          if (response.status() >= 500) {
            watch.problems.push(`${response.status()} from ${response.request().method()} ${response.url()}`);
          }
        });
      };
      context.pages().forEach(attach);
      context.on("page", attach);
      await use(watch);
      const unexpected = watch.problems.filter((problem) => !watch.allowed.some((pattern) => pattern.test(problem)));
      expect(unexpected, "what the browser reported going wrong").toEqual([]);
    },
    { auto: true },
  ],
  allowBrowserErrors: async ({ browserWatch }, use) => {
    await use((...patterns) => browserWatch.allowed.push(...patterns));
  },
});

export { expect };
