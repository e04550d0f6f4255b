import { test, expect, signIn, signUp, addTask, taskRow, uniqueEmail, deafen, PASSWORD } from "./fixtures";

// `?next=` values that would lead elsewhere after signing in: each must end on the
// app's own origin. The browser's URL parser drops tab, CR and LF and reads "\" as "/".
const FOREIGN_NEXT = [
  "//evil.example/",
  "/%09/evil.example/",
  "/%0a/evil.example/",
  "/%0d/evil.example/",
  "https://evil.example/",
  "/\\evil.example",
  "/%5Cevil.example",
  "javascript:alert(1)",
];

test("signing in never leaves the site, whatever ?next= says", async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  // Every request to another host is answered here: nothing leaves the machine, and
  // any that is made is counted.
  const elsewhere: string[] = [];
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      elsewhere.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/html", body: "<h1>Elsewhere</h1>" });
    },
  );
  const email = uniqueEmail("next");
  const made = await page.request.post("/api/auth/sign-up", {
    data: { email, password: PASSWORD, name: "Next" },
  });
  expect(made.status()).toBe(201);

  for (const next of FOREIGN_NEXT) {
    await page.goto(`/sign-in?next=${next}`);
    await signIn(page, email);
    await expect(page, next).toHaveURL(`${origin}/tasks`);
    await expect(page.getByRole("heading", { name: "Tasks" })).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
  }
  expect(elsewhere).toEqual([]);

  // A page of the app, with its query, is where it leads.
  await page.goto(`/sign-in?next=${encodeURIComponent("/tasks?status=completed&sort=title")}`);
  await signIn(page, email);
  await expect(page).toHaveURL(`${origin}/tasks?status=completed&sort=title`);
});

test("a removed token: the next call ends the session, and what was typed comes back", async ({ page }) => {
  const email = uniqueEmail("removed");
  // Deaf to live sync: the echo of the page's own add would read the list again, and
  // that read, not the person's next call, could be the one that meets the 401.
  await deafen(page);
  await signUp(page, "Removed", email);
  await addTask(page, "Saved before");

  // Another tab, an extension or a cleared storage took the token from under the page.
  await page.evaluate(() => localStorage.removeItem("todo.token"));
  await page.getByLabel("New task").fill("Typed after the token went");
  await page.getByLabel("New task").press("Enter");
  await expect(page).toHaveURL(/\/sign-in\?reason=ended&next=\/tasks$/);
  await expect(page.getByText("Your session has ended, please sign in again.")).toBeVisible();

  await signIn(page, email);
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(taskRow(page, "Saved before")).toBeVisible();
  await expect(page.getByLabel("New task")).toHaveValue("Typed after the token went");
  await expect(taskRow(page, "Typed after the token went")).toHaveCount(0);
  // Sent now, it is saved, and the draft is gone.
  await page.getByLabel("New task").press("Enter");
  await expect(taskRow(page, "Typed after the token went")).toBeVisible();
  await page.reload();
  await expect(taskRow(page, "Saved before")).toBeVisible();
  await expect(page.getByLabel("New task")).toHaveValue("");
});

test("a corrupted token: an edit sends the page to sign in, and the editor comes back", async ({ page }) => {
  const email = uniqueEmail("corrupted");
  // Deaf to live sync: the echo of the page's own add would read the list again, and
  // that read, not the person's next call, could be the one that meets the 401.
  await deafen(page);
  await signUp(page, "Corrupted", email);
  await addTask(page, "Rename me");

  await page.evaluate(() => localStorage.setItem("todo.token", "not.a.token"));
  await taskRow(page, "Rename me").getByRole("button", { name: "Edit Rename me" }).click();
  const editor = page.locator("li.task.editing").getByLabel("Edit title");
  await editor.fill("Renamed while signed out");
  await editor.press("Enter");
  await expect(page).toHaveURL(/\/sign-in\?reason=ended&next=\/tasks$/);
  await expect(page.getByText("Your session has ended, please sign in again.")).toBeVisible();

  await signIn(page, email);
  await expect(page).toHaveURL(/\/tasks$/);
  const again = page.locator("li.task.editing").getByLabel("Edit title");
  await expect(again).toHaveValue("Renamed while signed out");
  await expect(taskRow(page, "Rename me")).toBeVisible();
  await again.press("Enter");
  await expect(taskRow(page, "Renamed while signed out")).toBeVisible();
  await expect(page.locator("li.task.editing")).toHaveCount(0);
});
