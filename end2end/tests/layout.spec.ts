// Layout, held by bounding boxes: the toolbar, the row actions, the Completed section,
// where a new task went, the landmarks, the size of what a finger or pointer hits.
import type { Locator, Page } from "@playwright/test";
import { test, expect, signUp, addTask, taskRow, uniqueEmail, screenshot } from "./fixtures";

async function box(locator: Locator) {
  const found = await locator.boundingBox();
  expect(found, "a box on screen").not.toBeNull();
  return found!;
}

async function opacity(locator: Locator): Promise<string> {
  return locator.evaluate((el) => getComputedStyle(el).opacity);
}

/** The toolbar's parts: mark all, the filters, the order. */
async function toolbar(page: Page) {
  return {
    all: await box(page.locator(".toolbar .toggle-all")),
    filters: await box(page.locator(".toolbar .filters")),
    sort: await box(page.getByRole("combobox", { name: "Sort", exact: true })),
  };
}

test("the toolbar keeps its place when the first task comes, and Sort never sits alone", async ({ page }) => {
  await signUp(page, "Toolbar", uniqueEmail("toolbar"));
  const before = await toolbar(page);
  await addTask(page, "The first one");
  const after = await toolbar(page);
  expect(after.filters).toEqual(before.filters);
  expect(after.sort).toEqual(before.sort);
  // One line at desktop width.
  expect(Math.abs(after.sort.y + after.sort.height / 2 - (after.filters.y + after.filters.height / 2))).toBeLessThan(4);

  // At 360 px: the filters on a line of their own, then mark all and Sort together.
  await page.setViewportSize({ width: 360, height: 740 });
  const narrow = await toolbar(page);
  expect(narrow.filters.y + narrow.filters.height).toBeLessThanOrEqual(narrow.all.y + 1);
  expect(Math.abs(narrow.sort.y + narrow.sort.height / 2 - (narrow.all.y + narrow.all.height / 2))).toBeLessThan(6);
  expect(narrow.sort.x).toBeGreaterThan(narrow.all.x + narrow.all.width);
  expect(narrow.sort.x + narrow.sort.width).toBeLessThanOrEqual(360);
  await screenshot(page, "14-toolbar-narrow");
});

test("row actions are quiet named icons, shown on hover and focus, and big enough to hit", async ({ page, browser }) => {
  await signUp(page, "Icons", uniqueEmail("icons"));
  await addTask(page, "Hover me");
  const row = taskRow(page, "Hover me");
  const actions = row.locator(".actions");
  const edit = row.getByRole("button", { name: "Edit Hover me" });
  const remove = row.getByRole("button", { name: "Delete Hover me" });
  // Icons: no text, named for screen readers.
  await expect(edit).toHaveText("");
  await expect(remove).toHaveText("");

  await page.mouse.move(0, 0);
  await page.getByLabel("New task").focus();
  expect(await opacity(actions)).toBe("0");
  await row.hover();
  expect(await opacity(actions)).toBe("1");
  await page.mouse.move(0, 0);
  await row.getByRole("checkbox").focus();
  expect(await opacity(actions)).toBe("1");

  // WCAG 2.2 target size: at least 24 by 24 px.
  for (const target of [row.getByRole("checkbox"), edit, remove, page.getByRole("button", { name: "Sign out" })]) {
    const { width, height } = await box(target);
    expect(width).toBeGreaterThanOrEqual(24);
    expect(height).toBeGreaterThanOrEqual(24);
  }

  // On a touch screen they always show.
  const phone = await browser.newContext({ hasTouch: true, isMobile: true, viewport: { width: 360, height: 740 } });
  const touch = await phone.newPage();
  await signUp(touch, "Touch", uniqueEmail("touch"));
  await addTask(touch, "Tap me");
  expect(await touch.evaluate(() => matchMedia("(hover: none)").matches)).toBe(true);
  expect(await opacity(taskRow(touch, "Tap me").locator(".actions"))).toBe("1");
  await phone.close();
});

test("a delete by pointer leaves nothing to delete under the pointer", async ({ page }) => {
  await signUp(page, "Pointer", uniqueEmail("pointer"));
  for (const title of ["Third", "Second", "First"]) await addTask(page, title);
  // Newest first: First, Second, Third.
  const firstBefore = await box(taskRow(page, "First"));
  const secondBefore = await box(taskRow(page, "Second"));
  const thirdBefore = await box(taskRow(page, "Third"));
  const firstDelete = await box(taskRow(page, "First").getByRole("button", { name: "Delete First" }));
  await taskRow(page, "First").getByRole("button", { name: "Delete First" }).click();
  await expect(taskRow(page, "First")).toHaveCount(0);
  // The next row has not moved up under the pointer (but for the 1 px border the first
  // row does without): no Delete is where it was.
  expect(Math.abs((await box(taskRow(page, "Second"))).y - secondBefore.y)).toBeLessThanOrEqual(1);
  const under = await page.evaluate(
    ([x, y]) => document.elementFromPoint(x, y)?.closest("button")?.getAttribute("aria-label") ?? null,
    [firstDelete.x + firstDelete.width / 2, firstDelete.y + firstDelete.height / 2],
  );
  expect(under).toBeNull();
  // Deleting the next one the same way still works.
  await taskRow(page, "Second").getByRole("button", { name: "Delete Second" }).click();
  await expect(taskRow(page, "Second")).toHaveCount(0);
  expect(Math.abs((await box(taskRow(page, "Third"))).y - thirdBefore.y)).toBeLessThanOrEqual(1);
  // Once the pointer leaves the list, the list closes up.
  await page.mouse.move(5, 5);
  await expect.poll(async () => Math.round((await box(taskRow(page, "Third"))).y)).toBe(Math.round(firstBefore.y));
  await screenshot(page, "15-after-deletes");
});
