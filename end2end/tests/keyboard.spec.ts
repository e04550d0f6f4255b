// Focus and keyboard: where the focus is after each change, and the shortcuts.
import type { Page } from "@playwright/test";
import { test, expect, signUp, signIn, addTask, taskRow, uniqueEmail, screenshot } from "./fixtures";

/** The task title of the row that holds the focus, "(add field)", or what else has it. */
async function focusedPlace(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "(body)";
    if (el.id === "new-title") return "(add field)";
    const row = el.closest("li.task");
    if (!row) return `(${el.tagName.toLowerCase()})`;
    const control = ["toggle", "edit-button", "delete-button", "edit"].find((c) => el.classList.contains(c));
    return `${row.querySelector(".title")?.textContent} ${control}`;
  });
}

/** Marks a row's element, to tell later whether it is still the same element. */
async function mark(page: Page, title: string) {
  await taskRow(page, title).evaluate((el) => el.setAttribute("data-test-mark", "kept"));
}

test("the focus starts in the add field, after sign-up, sign-in and a reload", async ({ page }) => {
  const email = uniqueEmail("focus-start");
  await signUp(page, "Focus", email);
  await expect(page.getByLabel("New task")).toBeFocused();
  await page.reload();
  await expect(page.getByLabel("New task")).toBeFocused();
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, email);
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(page.getByLabel("New task")).toBeFocused();
});

test("after each change the focus stays on the row, or the next one, never the body", async ({ page }) => {
  await signUp(page, "Keeper", uniqueEmail("focus-keep"));
  for (const title of ["Alpha", "Bravo", "Charlie"]) await addTask(page, title);
  // Newest first: Charlie, Bravo, Alpha.

  // Completing from the keyboard: the task moves to the Completed section, and the
  // focus goes with it.
  await taskRow(page, "Bravo").getByRole("checkbox").focus();
  await page.keyboard.press("Space");
  await expect(taskRow(page, "Bravo")).toHaveClass(/completed/);
  await expect.poll(() => focusedPlace(page)).toBe("Bravo toggle");
  // And back.
  await page.keyboard.press("Space");
  await expect(taskRow(page, "Bravo")).not.toHaveClass(/completed/);
  await expect.poll(() => focusedPlace(page)).toBe("Bravo toggle");

  // Editing keeps the very same row element, and the focus returns to its Edit.
  await mark(page, "Charlie");
  await taskRow(page, "Charlie").getByRole("checkbox").focus();
  await page.keyboard.press("e");
  const editor = page.locator("li.task.editing").getByLabel("Edit title");
  await expect(editor).toBeFocused();
  await editor.fill("Charlie renamed");
  await editor.press("Enter");
  await expect(taskRow(page, "Charlie renamed")).toHaveAttribute("data-test-mark", "kept");
  await expect.poll(() => focusedPlace(page)).toBe("Charlie renamed edit-button");
  // Completing by a click in the Pending view: the row goes, the next one has the focus.
  await page.getByRole("link", { name: /Pending/ }).click();
  await taskRow(page, "Charlie renamed").getByRole("checkbox").focus();
  await page.keyboard.press("Space");
  await expect(taskRow(page, "Charlie renamed")).toHaveCount(0);
  await expect.poll(() => focusedPlace(page)).toBe("Bravo toggle");

  // Deleting: the next row, then the previous one at the end, then the add field.
  await taskRow(page, "Bravo").getByRole("button", { name: "Delete Bravo" }).focus();
  await page.keyboard.press("Enter");
  await expect(taskRow(page, "Bravo")).toHaveCount(0);
  await expect.poll(() => focusedPlace(page)).toBe("Alpha toggle");
  await page.keyboard.press("Delete");
  await expect(taskRow(page, "Alpha")).toHaveCount(0);
  await expect.poll(() => focusedPlace(page)).toBe("(add field)");
});

test("keyboard shortcuts, listed on ?, never while typing", async ({ page }) => {
  await signUp(page, "Shortcuts", uniqueEmail("shortcuts"));
  for (const title of ["One", "Two", "Three"]) await addTask(page, title);
  const newTask = page.getByLabel("New task");

  // Typed letters stay letters in a field.
  await newTask.fill("");
  await newTask.press("j");
  await newTask.press("x");
  await newTask.press("?");
  await expect(newTask).toHaveValue("jx?");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await newTask.fill("");

  // Escape leaves the field for the list; j and k (and the arrows) move along it.
  await page.keyboard.press("Escape");
  await expect.poll(() => focusedPlace(page)).toBe("Three toggle");
  await page.keyboard.press("j");
  await expect.poll(() => focusedPlace(page)).toBe("Two toggle");
  await page.keyboard.press("ArrowDown");
  await expect.poll(() => focusedPlace(page)).toBe("One toggle");
  await page.keyboard.press("k");
  await expect.poll(() => focusedPlace(page)).toBe("Two toggle");

  // x completes, e and Enter edit, Escape leaves the editor.
  await page.keyboard.press("x");
  await expect(taskRow(page, "Two")).toHaveClass(/completed/);
  await expect.poll(() => focusedPlace(page)).toBe("Two toggle");
  await page.keyboard.press("Enter");
  await expect(page.locator("li.task.editing").getByLabel("Edit title")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.locator("li.task.editing")).toHaveCount(0);
  await expect.poll(() => focusedPlace(page)).toBe("Two edit-button");

  // Delete (or Backspace) deletes, with an undo.
  await page.keyboard.press("Backspace");
  await expect(taskRow(page, "Two")).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: "Deleted “Two”." })).toBeVisible();
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(taskRow(page, "Two")).toBeVisible();

  // n and / go to the add field.
  await taskRow(page, "One").getByRole("checkbox").focus();
  await page.keyboard.press("n");
  await expect(newTask).toBeFocused();
  await expect(newTask).toHaveValue("");
  await taskRow(page, "One").getByRole("checkbox").focus();
  await page.keyboard.press("/");
  await expect(newTask).toBeFocused();
  await expect(newTask).toHaveValue("");

  // ? lists them all; Escape closes the list and gives the focus back.
  await taskRow(page, "One").getByRole("checkbox").focus();
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  for (const what of ["New task", "Next task", "Previous task", "Complete or reopen", "Edit", "Delete (with undo)"]) {
    await expect(help.getByText(what, { exact: true })).toBeVisible();
  }
  await screenshot(page, "13-shortcuts");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();
  await expect.poll(() => focusedPlace(page)).toBe("One toggle");
  // The header's button opens it too.
  await page.getByRole("button", { name: "Shortcuts" }).click();
  await expect(help).toBeVisible();
  await help.getByRole("button", { name: "Close" }).click();
  await expect(help).toBeHidden();
});
