import { type Browser, type Page } from "@playwright/test";
import {
  test,
  expect,
  screenshot,
  signUp,
  signIn,
  addTask,
  taskRow,
  storedToken,
  uniqueEmail,
  restartServer,
  LIVE_STREAM,
  watchErrors,
} from "./fixtures";

// Live sync (README): what one page of a person does shows on their other pages within
// a second, without a reload, and never on anyone else's.
const SOON = { timeout: 1_000 };

/** The next live stream `page` opens: set before what opens it. */
function streamOpens(page: Page): Promise<unknown> {
  return page.waitForResponse((r) => LIVE_STREAM.test(r.url()) && r.status() === 200);
}

/** A page in a browser context of its own (another device), its errors counted as the
 * test's. */
async function device(browser: Browser, errors: string[]): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  watchErrors(page, errors);
  return page;
}

/** A new page signed up, with its stream open: what changes after it returns is heard. */
async function signedUp(browser: Browser, errors: string[], name: string, email: string): Promise<Page> {
  const page = await device(browser, errors);
  const open = streamOpens(page);
  await signUp(page, name, email);
  await open;
  return page;
}

/** A second device of the person signed up as `email`, with its stream open. */
async function secondDevice(browser: Browser, errors: string[], email: string): Promise<Page> {
  const page = await device(browser, errors);
  const open = streamOpens(page);
  await page.goto("/sign-in");
  await signIn(page, email);
  await expect(page).toHaveURL(/\/tasks$/);
  await open;
  return page;
}

test("two devices of one person see each other's changes within a second", async ({ browser, pageErrors }) => {
  const email = uniqueEmail("live");
  const laptop = await signedUp(browser, pageErrors, "Live", email);
  const phone = await secondDevice(browser, pageErrors, email);
  const stranger = await signedUp(browser, pageErrors, "Stranger", uniqueEmail("stranger"));
  await addTask(stranger, "The stranger's own");

  // Half-typed on the phone: kept through everything below.
  await phone.getByLabel("New task").fill("Half-typed on the phone");

  await addTask(laptop, "Buy milk");
  await addTask(laptop, "Water the plants");
  await expect(taskRow(phone, "Buy milk")).toBeVisible(SOON);
  await expect(taskRow(phone, "Water the plants")).toBeVisible(SOON);

  // Renamed on the laptop.
  await taskRow(laptop, "Buy milk").locator(".title").dblclick();
  const edit = laptop.locator("li.task.editing").getByLabel("Edit title");
  await edit.fill("Buy oat milk");
  await edit.press("Enter");
  await expect(taskRow(phone, "Buy oat milk")).toBeVisible(SOON);

  // Completed on the phone: the laptop follows.
  await taskRow(phone, "Water the plants").getByRole("checkbox").click();
  await expect(taskRow(laptop, "Water the plants")).toHaveClass(/completed/, SOON);

  // Deleted on the laptop.
  await taskRow(laptop, "Buy oat milk").getByRole("button", { name: "Delete Buy oat milk" }).click();
  await expect(taskRow(phone, "Buy oat milk")).toHaveCount(0, SOON);

  // Cleared on the phone.
  await phone.getByRole("button", { name: /Clear completed/ }).click();
  await expect(taskRow(laptop, "Water the plants")).toHaveCount(0, SOON);
  await expect(laptop.locator("li.task")).toHaveCount(0);

  await expect(phone.getByLabel("New task")).toHaveValue("Half-typed on the phone");
  await screenshot(phone, "live-01-phone");

  // The stranger heard none of it, and still has only their own.
  await expect(stranger.locator("li.task .title")).toHaveText(["The stranger's own"]);
});

test("a change made through the API shows on the open page", async ({ browser, pageErrors }) => {
  const page = await signedUp(browser, pageErrors, "Api", uniqueEmail("live-api"));
  const headers = { authorization: `Bearer ${await storedToken(page)}` };
  const me = await (await page.request.get("/api/me", { headers })).json();
  const made = await page.request.post(`/api/${me.id}/tasks`, { headers, data: { title: "Made by a script" } });
  expect(made.status()).toBe(201);
  await expect(taskRow(page, "Made by a script")).toBeVisible(SOON);
});

test("a title changed elsewhere while it is being edited is shown, not typed over", async ({ browser, pageErrors }) => {
  const email = uniqueEmail("live-edit");
  const laptop = await signedUp(browser, pageErrors, "Editor", email);
  await addTask(laptop, "Call the bank");
  const phone = await secondDevice(browser, pageErrors, email);

  // The phone starts editing; the laptop renames meanwhile.
  await taskRow(phone, "Call the bank").locator(".title").dblclick();
  const phoneEdit = phone.locator("li.task.editing").getByLabel("Edit title");
  await phoneEdit.fill("Call the bank about the card");
  await taskRow(laptop, "Call the bank").locator(".title").dblclick();
  const laptopEdit = laptop.locator("li.task.editing").getByLabel("Edit title");
  await laptopEdit.fill("Call the bank today");
  await laptopEdit.press("Enter");

  const notice = phone.locator("li.task.editing .elsewhere");
  await expect(notice).toHaveText(
    "Changed on another device to “Call the bank today”. Enter saves yours; Escape keeps that.",
    SOON,
  );
  await expect(phoneEdit).toHaveValue("Call the bank about the card");
  await screenshot(phone, "live-02-edit-conflict");

  // Enter saves what the phone typed; the laptop follows.
  await phoneEdit.press("Enter");
  await expect(taskRow(laptop, "Call the bank about the card")).toBeVisible(SOON);

  // Escape keeps the other device's title.
  await taskRow(phone, "Call the bank about the card").locator(".title").dblclick();
  await phone.locator("li.task.editing").getByLabel("Edit title").fill("Never saved");
  await taskRow(laptop, "Call the bank about the card").locator(".title").dblclick();
  await laptop.locator("li.task.editing").getByLabel("Edit title").fill("Call the bank at nine");
  await laptop.locator("li.task.editing").getByLabel("Edit title").press("Enter");
  await expect(phone.locator("li.task.editing .elsewhere")).toContainText("Call the bank at nine", SOON);
  await phone.locator("li.task.editing").getByLabel("Edit title").press("Escape");
  await expect(taskRow(phone, "Call the bank at nine")).toBeVisible();
  await expect(taskRow(laptop, "Never saved")).toHaveCount(0);
});

test("a task deleted elsewhere while it is being edited is offered back, with the edit", async ({ browser, pageErrors }) => {
  const email = uniqueEmail("live-gone");
  const laptop = await signedUp(browser, pageErrors, "Deleter", email);
  await addTask(laptop, "Book the flights");
  const phone = await secondDevice(browser, pageErrors, email);

  // The phone is renaming it when the laptop deletes it.
  await taskRow(phone, "Book the flights").locator(".title").dblclick();
  await phone.locator("li.task.editing").getByLabel("Edit title").fill("Book the flights to Lisbon");
  await taskRow(laptop, "Book the flights").getByRole("button", { name: "Delete Book the flights" }).click();

  const notice = phone.getByRole("status").filter({ hasText: "“Book the flights” was deleted on another device." });
  await expect(notice).toBeVisible(SOON);
  await expect(phone.locator("li.task")).toHaveCount(0);
  await screenshot(phone, "live-03-deleted-while-editing");

  // Undo brings it back with what the phone typed, on both devices.
  await phone.getByRole("button", { name: "Undo" }).click();
  await expect(taskRow(phone, "Book the flights to Lisbon")).toBeVisible();
  // One task, under the new title (a row's title matches any text it contains).
  await expect(laptop.locator("li.task .title")).toHaveText(["Book the flights to Lisbon"], SOON);
  await phone.reload();
  await expect(phone.locator("li.task .title")).toHaveText(["Book the flights to Lisbon"]);
});

test("a token signed out elsewhere sends the open page to sign in at once", async ({ browser, pageErrors }) => {
  const email = uniqueEmail("live-out");
  const page = await signedUp(browser, pageErrors, "Out", email);
  await addTask(page, "Still mine");
  const token = await storedToken(page);
  const signOut = await page.request.post("/api/auth/sign-out", {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(signOut.status()).toBe(204);
  // Without anything done on the page.
  await expect(page).toHaveURL(/\/sign-in\?reason=ended&next=\/tasks$/, { timeout: 5_000 });
  await signIn(page, email);
  await expect(taskRow(page, "Still mine")).toBeVisible();
});

test("a page back online shows what changed while it was offline", async ({ browser, pageErrors }) => {
  const email = uniqueEmail("live-offline");
  const laptop = await signedUp(browser, pageErrors, "Offline", email);
  const phone = await secondDevice(browser, pageErrors, email);
  await phone.context().setOffline(true);
  await addTask(laptop, "Added while the phone was offline");
  const reopened = streamOpens(phone);
  await phone.context().setOffline(false);
  await reopened;
  await expect(taskRow(phone, "Added while the phone was offline")).toBeVisible({ timeout: 5_000 });
});

test("a page left open through a server restart hears what changes after it", async ({ browser, pageErrors, baseURL }) => {
  const page = await signedUp(browser, pageErrors, "Restart", uniqueEmail("live-restart"));
  const headers = { authorization: `Bearer ${await storedToken(page)}` };
  const me = await (await page.request.get("/api/me", { headers })).json();
  // The old server ends the stream (`closing`); the page opens one on the new server.
  const reopened = streamOpens(page);
  await restartServer(baseURL!);
  await reopened;
  const made = await page.request.post(`/api/${me.id}/tasks`, { headers, data: { title: "Made after the restart" } });
  expect(made.status()).toBe(201);
  await expect(taskRow(page, "Made after the restart")).toBeVisible(SOON);
});

test("a page opens one stream, and closes it when left", async ({ browser, pageErrors }) => {
  const page = await device(browser, pageErrors);
  // Counts the streams the page opens and those it aborts (leaving the page is a
  // navigation inside the app: this window lives on).
  await page.addInitScript(() => {
    const seen = { opened: 0, aborted: 0 };
    (window as unknown as { streams: typeof seen }).streams = seen;
    const fetch = window.fetch.bind(window);
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      if (/\/events$/.test(String(input))) {
        seen.opened += 1;
        init?.signal?.addEventListener("abort", () => (seen.aborted += 1));
      }
      return fetch(input, init);
    };
  });
  const streams = () => page.evaluate(() => (window as unknown as { streams: object }).streams);
  const open = streamOpens(page);
  await signUp(page, "Once", uniqueEmail("live-once"));
  await open;
  await addTask(page, "One stream is enough");
  expect(await streams()).toEqual({ opened: 1, aborted: 0 });
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect.poll(streams).toEqual({ opened: 1, aborted: 1 });
  // And none opened after.
  await page.waitForTimeout(1_500);
  expect(await streams()).toEqual({ opened: 1, aborted: 1 });
});
