import { test as base, expect } from "@playwright/test";

// Every test fails on a console error or an uncaught exception in the page: a broken
// hydration shows up there first.
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      await use(errors);
      expect(errors, "errors in the browser console").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Saves the final state of a scenario where people can look at it. */
export async function screenshot(page: import("@playwright/test").Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}
