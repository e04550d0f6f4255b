import { test as base, expect, type Page, type BrowserContext } from "@playwright/test";
import { readFileSync } from "node:fs";

// Every test fails on an uncaught exception or a console error in the page: a broken
// hydration or a Rust panic shows up there first. A refused request (4xx) that the
// scenario provokes on purpose is logged by Chromium as "Failed to load resource":
// that one line is expected and allowed. So is a refused connection while a scenario
// has the server stopped (`restartServer`: the page's live stream opens again, and a
// token about to expire is refreshed first, in the background, by design), and any
// request made while a scenario has taken the browser offline.
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ context }, use) => {
      const errors: string[] = [];
      context.pages().forEach((page) => watchErrors(page, errors));
      context.on("page", (page) => watchErrors(page, errors));
      await use(errors);
      expect(errors, "errors in the browser console").toEqual([]);
    },
    { auto: true },
  ],
});

/** Adds what goes wrong in `page` to `errors` (the `pageErrors` fixture, for a page of
 * a browser context a test made itself). */
export function watchErrors(page: Page, errors: string[]) {
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() !== "error") return;
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    if (/Failed to load resource: net::ERR_CONNECTION_REFUSED/.test(text) && serverWasDown()) return;
    if (/Failed to load resource: net::ERR_INTERNET_DISCONNECTED/.test(text)) return;
    errors.push(`${page.url()}: ${text}`);
  });
}

export { expect };

/** A page's live stream (README, Live sync). */
export const LIVE_STREAM = /\/api\/[^/]+\/events$/;

/** Keeps a page from hearing of changes made elsewhere: its live stream ends as it
 * opens, each time (the page keeps trying, quietly). For scenarios of a page that
 * works on an old picture. */
export async function deafen(page: Page) {
  await page.route(LIVE_STREAM, (route) =>
    route.fulfill({ status: 200, contentType: "text/event-stream", body: "" }),
  );
}

/** A door a route handler waits at until the test opens it: holds a request back. */
export function gate(): { passed: Promise<void>; open: () => void } {
  let open = () => {};
  const passed = new Promise<void>((done) => (open = done));
  return { passed, open };
}

export const PASSWORD = "a long and unusual secret";

export function uniqueEmail(who: string): string {
  return `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** Saves the final state of a scenario under end2end/screenshots/. */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/** Waits until the page has hydrated: the app marks the body then (frontend/src/lib.rs). */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated]")).toBeAttached();
}

export async function signUp(page: Page, name: string, email: string, password = PASSWORD) {
  await page.goto("/sign-up");
  await hydrated(page);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(page.getByRole("heading", { name: "Tasks" })).toBeVisible();
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function addTask(page: Page, title: string) {
  const input = page.getByLabel("New task");
  await input.fill(title);
  await input.press("Enter");
  await expect(page.locator(".task .title", { hasText: title })).toBeVisible();
  await expect(input).toHaveValue("");
}

export function taskRow(page: Page, title: string) {
  return page.locator("li.task", { has: page.locator(".title", { hasText: title }) });
}

/** The token this browser holds. */
export async function storedToken(context: BrowserContext | Page): Promise<string> {
  const page = "pages" in context ? context.pages()[0] : context;
  const token = await page.evaluate(() => localStorage.getItem("todo.token"));
  expect(token, "a token in local storage").toBeTruthy();
  return token as string;
}

/** When `restartServer` last stopped the server, and when the new one was ready. */
const down = { from: 0, until: 0 };

/** Whether the server is stopped by `restartServer`, or was a moment ago (a console
 * message reaches the test a little after the page logs it). */
function serverWasDown(): boolean {
  const now = Date.now();
  return down.from > 0 && now >= down.from && (down.until === 0 || now <= down.until + 2_000);
}

/** Stops the server; the harness starts it again. Resolves once the new one is ready. */
export async function restartServer(baseURL: string) {
  down.from = Date.now();
  down.until = 0;
  try {
    return await restart(baseURL);
  } finally {
    down.until = Date.now();
  }
}

async function restart(baseURL: string) {
  const pidfile = process.env.SERVER_PIDFILE;
  if (!pidfile) throw new Error("SERVER_PIDFILE is not set: run the tests through scripts/test.sh");
  const before = readFileSync(pidfile, "utf8").trim();
  process.kill(Number(before), "SIGTERM");
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const now = readFileSync(pidfile, "utf8").trim();
    if (now === before) continue;
    try {
      const ready = await fetch(`${baseURL}/readyz`);
      if (ready.ok) return now;
    } catch {
      // not listening yet
    }
  }
  throw new Error("the server did not come back");
}
