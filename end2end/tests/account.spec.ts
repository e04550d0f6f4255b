import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test, expect, PASSWORD, uniqueEmail, signUp, signIn, hydrated, addTask, screenshot } from "./fixtures";
import type { Page } from "@playwright/test";

/** The newest email the local SMTP sink received for `to` (scripts/e2e.sh starts it). */
async function emailTo(to: string): Promise<string> {
  const dir = process.env.MAIL_DIR ?? "";
  let found: string | undefined;
  await expect
    .poll(() => {
      const names = readdirSync(dir).filter((n) => n.includes(to)).sort();
      found = names.at(-1);
      return found;
    }, { timeout: 10_000 })
    .toBeTruthy();
  return readFileSync(join(dir, found as string), "utf8").replace(/=\n/g, "").replace(/=3D/g, "=");
}

async function openAccount(page: Page) {
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Your account", exact: true })).toBeVisible();
  await hydrated(page);
}

test("forgot password: the emailed link sets a new password, used once", async ({ page }) => {
  const email = uniqueEmail("forgot");
  await signUp(page, "Forgetful", email);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByRole("status")).toContainText("If an account has this email");

  const mail = await emailTo(email);
  const link = mail.match(/http:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/)?.[0];
  expect(link, mail).toBeTruthy();
  await page.goto(link as string);
  await hydrated(page);
  const fresh = "a brand new long secret";
  await page.locator("#new_password").fill(fresh);
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page).toHaveURL(/\/sign-in\?reason=reset/);
  await expect(page.getByText("Your new password is set.")).toBeVisible();

  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("alert")).toContainText(/incorrect/i);
  await page.getByLabel("Password").fill(fresh);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/tasks/);

  // The link works once.
  await page.goto(link as string);
  await hydrated(page);
  await page.locator("#new_password").fill("yet another long secret");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "used already" })).toBeVisible();
  await screenshot(page, "account-reset-link-used");
});

test("changing the password in one browser signs the other out", async ({ page, browser }) => {
  const email = uniqueEmail("change");
  await signUp(page, "Changer", email);
  const phone = await browser.newContext();
  const other = await phone.newPage();
  await other.goto("/sign-in");
  await signIn(other, email);
  await expect(other).toHaveURL(/\/tasks/);

  await openAccount(page);
  const fresh = "a changed long secret";
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill(fresh);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toContainText("Your password is changed");

  // This browser keeps working with its new token; the other one is sent to sign in.
  await page.getByRole("link", { name: "Back to your tasks" }).click();
  await addTask(page, "Still signed in here");
  await other.reload();
  await expect(other).toHaveURL(/\/sign-in/);
  await signIn(other, email, fresh);
  await expect(other).toHaveURL(/\/tasks/);
  await expect(other.locator(".task .title", { hasText: "Still signed in here" })).toBeVisible();
  await phone.close();
});

test("preferences chosen on one device apply on another", async ({ page, browser }) => {
  const email = uniqueEmail("prefs");
  await signUp(page, "Chooser", email);
  await addTask(page, "Pending one");
  await openAccount(page);
  await page.getByLabel("Show at first").selectOption("pending");
  await page.getByLabel("Order").selectOption("title");
  await page.getByLabel("Theme").selectOption("dark");
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByRole("status")).toContainText("saved for every device");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");

  const laptop = await browser.newContext({ colorScheme: "light" });
  const other = await laptop.newPage();
  await other.goto("/sign-in");
  await signIn(other, email);
  await expect(other).toHaveURL(/\/tasks\?status=pending&sort=title/);
  await expect(other.locator("html")).toHaveAttribute("data-theme", "dark");
  const background = await other.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe("rgb(14, 19, 26)");
  // The next page load is dark before the app runs (no flash of the light theme).
  await other.goto("/account");
  await expect(other.locator("html")).toHaveAttribute("data-theme", "dark");
  await screenshot(other, "account-preferences-dark");
  await laptop.close();
});

test("delete the account: signed out, and signing in fails", async ({ page }) => {
  const email = uniqueEmail("leaver");
  await signUp(page, "Leaver", email);
  await addTask(page, "Gone with the account");
  await openAccount(page);
  await page.getByLabel("Your password").fill("not the password");
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByText("This is not your password.")).toBeVisible();
  await page.getByLabel("Your password").fill(PASSWORD);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/sign-in\?reason=deleted/);
  await expect(page.getByText("Your account and your tasks are deleted.")).toBeVisible();
  await signIn(page, email);
  await expect(page.getByRole("alert")).toContainText(/incorrect/i);
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the account page downloads the data as JSON", async ({ page }) => {
  const email = uniqueEmail("export");
  await signUp(page, "Exporter", email);
  await addTask(page, "Exported task");
  await openAccount(page);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download my data" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("todo-export.json");
  const body = JSON.parse(readFileSync((await file.path()) as string, "utf8"));
  expect(body.user.email).toBe(email);
  expect(body.tasks.map((t: { title: string }) => t.title)).toEqual(["Exported task"]);
});
