// Completed tasks and undo: the All view's Completed section, where a task added in the
// Completed view went, an undo for each delete and for a clear.
import { test, expect, signUp, addTask, taskRow, uniqueEmail, screenshot } from "./fixtures";

test("in All, completed tasks sit in a Completed section that folds, remembered", async ({ page }) => {
  await signUp(page, "Folder", uniqueEmail("folder"));
  for (const title of ["Done first", "Still to do", "Done second"]) await addTask(page, title);
  const fold = page.getByRole("button", { name: /^Completed \(\d+\)$/ });
  await expect(fold).toBeHidden();
  await taskRow(page, "Done first").getByRole("checkbox").check();
  await taskRow(page, "Done second").getByRole("checkbox").check();

  await expect(fold).toHaveText("Completed (2)");
  await expect(fold).toHaveAttribute("aria-expanded", "true");
  // Pending first, then the section with the completed ones.
  await expect(page.getByRole("list", { name: "Tasks", exact: true }).locator(".title")).toHaveText(["Still to do"]);
  const done = page.getByRole("list", { name: "Completed tasks", exact: true });
  await expect(done.locator(".title")).toHaveText(["Done second", "Done first"]);
  const pendingBox = await page.getByRole("list", { name: "Tasks", exact: true }).boundingBox();
  const foldBox = await fold.boundingBox();
  expect(foldBox!.y).toBeGreaterThan(pendingBox!.y + pendingBox!.height);
  await screenshot(page, "16-completed-section");

  await fold.click();
  await expect(fold).toHaveAttribute("aria-expanded", "false");
  await expect(done).toBeHidden();
  await page.reload();
  await expect(fold).toHaveText("Completed (2)");
  await expect(fold).toHaveAttribute("aria-expanded", "false");
  await expect(done).toBeHidden();
  await fold.click();
  await expect(done.locator(".title")).toHaveText(["Done second", "Done first"]);

  // The Completed filter lists them without the section; Pending without them.
  await page.getByRole("link", { name: /Completed/ }).click();
  await expect(fold).toBeHidden();
  await expect(page.locator("li.task .title")).toHaveText(["Done second", "Done first"]);
  await page.getByRole("link", { name: /Pending/ }).click();
  await expect(fold).toBeHidden();
  await expect(page.locator("li.task .title")).toHaveText(["Still to do"]);
});

test("adding in the Completed view says where the task went", async ({ page }) => {
  await signUp(page, "Adder", uniqueEmail("adder"));
  await addTask(page, "Finished");
  await taskRow(page, "Finished").getByRole("checkbox").check();
  await page.getByRole("link", { name: /Completed/ }).click();
  await expect(page).toHaveURL(/status=completed/);

  const input = page.getByLabel("New task");
  await input.fill("Went to pending");
  await input.press("Enter");
  await expect(input).toHaveValue("");
  const said = page.getByRole("status").filter({ hasText: "Added to Pending." });
  await expect(said).toBeVisible();
  await said.getByRole("link", { name: "Pending" }).click();
  await expect(page).toHaveURL(/status=pending/);
  await expect(taskRow(page, "Went to pending")).toBeVisible();
  await expect(said).toBeHidden();
});

test("each delete can be undone, and so can a clear", async ({ page }) => {
  await signUp(page, "Undoer", uniqueEmail("undoer"));
  for (const title of ["Keep", "Drop one", "Drop two"]) await addTask(page, title);

  // Two deletes in a row: one message, one undo for both.
  await taskRow(page, "Drop two").getByRole("button", { name: "Delete Drop two" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Deleted “Drop two”." })).toBeVisible();
  await taskRow(page, "Drop one").getByRole("button", { name: "Delete Drop one" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Deleted 2 tasks." })).toBeVisible();
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(taskRow(page, "Drop one")).toBeVisible();
  await expect(taskRow(page, "Drop two")).toBeVisible();

  // Clear completed, then undo: they come back completed.
  await taskRow(page, "Drop one").getByRole("checkbox").check();
  await taskRow(page, "Drop two").getByRole("checkbox").check();
  await page.getByRole("button", { name: "Clear completed" }).click();
  await expect(page.locator("li.task")).toHaveCount(1);
  await expect(page.getByRole("status").filter({ hasText: "Cleared 2 completed tasks." })).toBeVisible();
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.locator("li.task.completed")).toHaveCount(2);

  // All of it on the server.
  await page.reload();
  await expect(page.locator("li.task")).toHaveCount(3);
  await expect(page.locator("li.task.completed .title")).toHaveText(["Drop two", "Drop one"]);
});

test("a notice outlives nothing: leaving the page while it shows is quiet", async ({ page, pageErrors }) => {
  await signUp(page, "Leaver", uniqueEmail("leaver"));
  await addTask(page, "Gone soon");
  await taskRow(page, "Gone soon").getByRole("button", { name: "Delete Gone soon" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Deleted “Gone soon”." })).toBeVisible();
  // The notice's timer (6 s) and the delete's answer come after the page is gone.
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { name: "Your account", exact: true })).toBeVisible();
  await page.waitForTimeout(6_500);
  expect(pageErrors).toEqual([]);
  // The app still works: back to the tasks, the delete stuck.
  await page.getByRole("link", { name: "Back to your tasks" }).click();
  await expect(page.getByRole("heading", { name: "Tasks" })).toBeVisible();
  await expect(taskRow(page, "Gone soon")).toHaveCount(0);
});
