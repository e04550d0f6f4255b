import {
  test,
  expect,
  screenshot,
  signUp,
  signIn,
  addTask,
  taskRow,
  storedToken,
  restartServer,
  uniqueEmail,
  deafen,
  gate,
  LIVE_STREAM,
} from "./fixtures";

test("create, edit, complete, filter and delete tasks", async ({ page }) => {
  await signUp(page, "Tasker", uniqueEmail("tasker"));

  // Empty titles are refused before anything is sent.
  await page.getByLabel("New task").fill("   ");
  await page.getByLabel("New task").press("Enter");
  await expect(page.locator("#new-title-error")).toHaveText("Enter a title.");

  await addTask(page, "Buy milk");
  await addTask(page, "Write report");
  await addTask(page, "  Call the bank  ");
  await expect(taskRow(page, "Call the bank").locator(".title")).toHaveText("Call the bank");
  await expect(page.locator(".list-footer .left")).toHaveText("3 items left");

  // Inline edit: double-click, type, Enter saves.
  await taskRow(page, "Buy milk").locator(".title").dblclick();
  const edit = page.locator("li.task.editing").getByLabel("Edit title");
  await expect(edit).toBeFocused();
  await edit.fill("Buy oat milk");
  await edit.press("Enter");
  await expect(taskRow(page, "Buy oat milk")).toBeVisible();
  // Escape cancels.
  await taskRow(page, "Write report").getByRole("button", { name: "Edit Write report" }).click();
  await page.locator("li.task.editing").getByLabel("Edit title").fill("Something else");
  await page.locator("li.task.editing").getByLabel("Edit title").press("Escape");
  await expect(taskRow(page, "Write report")).toBeVisible();

  // Complete one: the count follows.
  await taskRow(page, "Buy oat milk").getByRole("checkbox").check();
  await expect(taskRow(page, "Buy oat milk")).toHaveClass(/completed/);
  await expect(page.locator(".list-footer .left")).toHaveText("2 items left");

  // Filters, with counts, kept in the URL.
  await page.getByRole("link", { name: /Completed/ }).click();
  await expect(page).toHaveURL(/status=completed/);
  await expect(page.locator("li.task")).toHaveCount(1);
  await expect(page.getByRole("link", { name: /Completed/ })).toHaveAttribute("aria-current", "page");
  await page.getByRole("link", { name: /Pending/ }).click();
  await expect(page.locator("li.task")).toHaveCount(2);
  await expect(page.getByRole("link", { name: /Pending/ }).locator(".count")).toHaveText("2");
  // Back and forward keep the filter in step with the URL.
  await page.goBack();
  await expect(page.locator("li.task")).toHaveCount(1);
  await page.goForward();
  await expect(page.locator("li.task")).toHaveCount(2);
  await page.getByRole("link", { name: /All/ }).click();

  // Sort by title.
  await page.getByLabel("Sort").selectOption("title");
  await expect(page).toHaveURL(/sort=title/);
  // Pending ones, then the Completed section.
  await expect(page.locator("li.task .title")).toHaveText(["Call the bank", "Write report", "Buy oat milk"]);

  // Delete, undo, delete again.
  await taskRow(page, "Write report").getByRole("button", { name: "Delete Write report" }).click();
  await expect(taskRow(page, "Write report")).toHaveCount(0);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(taskRow(page, "Write report")).toBeVisible();
  await taskRow(page, "Write report").getByRole("button", { name: "Delete Write report" }).click();
  await expect(taskRow(page, "Write report")).toHaveCount(0);

  // Clear completed appears only when something is completed.
  await page.getByRole("button", { name: "Clear completed" }).click();
  await expect(taskRow(page, "Buy oat milk")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Clear completed" })).toHaveCount(0);

  // Mark all complete.
  await addTask(page, "Another one");
  const saved = page.waitForResponse((r) => r.url().includes("/rpc/tasks/complete-all") && r.ok());
  await page.getByLabel("Mark all complete").check();
  await expect(page.locator(".list-footer .left")).toHaveText("0 items left");
  await expect(page.locator("li.task.completed")).toHaveCount(2);
  await screenshot(page, "06-tasks-edited");

  // All of it reached the server (the rows show a change before its answer).
  await saved;
  await page.reload();
  await expect(page.locator("li.task.completed")).toHaveCount(2);
  await expect(page.locator("li.task .title")).toHaveText(["Another one", "Call the bank"]);
});

test("sorting by title reads as a person expects: case, accents, numbers", async ({ page }) => {
  await signUp(page, "Sorter", uniqueEmail("sorter"));
  for (const title of ["Task 10", "écrire la lettre", "task 9", "Banana"]) {
    await addTask(page, title);
  }
  await page.getByLabel("Sort").selectOption("title");
  // The browser's collation: case ignored, "é" beside "e" (not after "z"), 9 before 10.
  await expect(page.locator("li.task .title")).toHaveText([
    "Banana",
    "écrire la lettre",
    "task 9",
    "Task 10",
  ]);
  // The order is kept in the URL, so a reload shows it again.
  await page.reload();
  await expect(page.locator("li.task .title")).toHaveText([
    "Banana",
    "écrire la lettre",
    "task 9",
    "Task 10",
  ]);
  await screenshot(page, "12-sorted-by-title");
});

test("a reload keeps the tasks and the filter", async ({ page }) => {
  await signUp(page, "Reloader", uniqueEmail("reload"));
  await addTask(page, "Survives a reload");
  await addTask(page, "Done already");
  await taskRow(page, "Done already").getByRole("checkbox").check();
  await page.getByRole("link", { name: /Pending/ }).click();
  await expect(page.locator("li.task")).toHaveCount(1);

  await page.reload();
  await expect(page).toHaveURL(/status=pending/);
  await expect(page.locator("li.task .title")).toHaveText(["Survives a reload"]);
  await expect(page.getByRole("link", { name: /Pending/ })).toHaveAttribute("aria-current", "page");
  await screenshot(page, "07-after-reload");
});

test("the tasks are still there after the server restarts", async ({ page, baseURL }) => {
  // Every call of the page is answered before the restart (the preferences read after
  // the list, the create), so none meets it and logs a refused connection.
  const preferences = page.waitForResponse((r) => r.url().includes("/rpc/account/preferences"));
  await signUp(page, "Durable", uniqueEmail("durable"));
  await preferences;
  const created = page.waitForResponse((r) => r.url().includes("/rpc/tasks/create"));
  await addTask(page, "Outlives the process");
  await created;
  await restartServer(baseURL!);
  await page.reload();
  await expect(taskRow(page, "Outlives the process")).toBeVisible();
  // The token issued before the restart still works: the keys are in the database.
  await addTask(page, "Added after the restart");
  await screenshot(page, "08-after-restart");
});

test("two people in two browsers never see each other's tasks", async ({ browser }) => {
  const ada = await browser.newContext();
  const bob = await browser.newContext();
  const adaPage = await ada.newPage();
  const bobPage = await bob.newPage();
  await signUp(adaPage, "Ada", uniqueEmail("ada"));
  await signUp(bobPage, "Bob", uniqueEmail("bob"));
  await addTask(adaPage, "Ada's secret plan");
  await addTask(bobPage, "Bob's shopping");

  await bobPage.reload();
  await adaPage.reload();
  await expect(bobPage.locator("li.task .title")).toHaveText(["Bob's shopping"]);
  await expect(adaPage.locator("li.task .title")).toHaveText(["Ada's secret plan"]);

  // Bob's token on Ada's URL is refused.
  const adaMe = await adaPage.request.get("/api/me", {
    headers: { authorization: `Bearer ${await storedToken(adaPage)}` },
  });
  const adaId = (await adaMe.json()).id;
  expect(adaId, "Ada's id").toBeTruthy();
  const bobToken = await storedToken(bobPage);
  const response = await bobPage.request.get(`/api/${adaId}/tasks`, {
    headers: { authorization: `Bearer ${bobToken}` },
  });
  expect(response.status()).toBe(403);
  await screenshot(adaPage, "09-ada");
  await screenshot(bobPage, "09-bob");
  await ada.close();
  await bob.close();
});

test("a change the server refuses is put back, and only that change", async ({ page }) => {
  // A page that has not heard of the delete below (live sync would show it at once).
  await deafen(page);
  await signUp(page, "Refused", uniqueEmail("refused"));
  await addTask(page, "Gone elsewhere");
  await addTask(page, "Still here");

  // The first task is deleted behind the page's back, through the API.
  const headers = { authorization: `Bearer ${await storedToken(page)}` };
  const me = await (await page.request.get("/api/me", { headers })).json();
  const tasks: { id: string; title: string }[] = await (
    await page.request.get(`/api/${me.id}/tasks`, { headers })
  ).json();
  const gone = tasks.find((t) => t.title === "Gone elsewhere");
  expect(gone, "the task to delete").toBeTruthy();
  const deleted = await page.request.delete(`/api/${me.id}/tasks/${gone!.id}`, { headers });
  expect(deleted.status()).toBe(204);

  // Completing it and the other one at once: the refused one comes back pending, with
  // the reason; the other one keeps its own change.
  await taskRow(page, "Gone elsewhere").getByRole("checkbox").click();
  await taskRow(page, "Still here").getByRole("checkbox").click();
  await expect(page.locator(".toast.error")).toHaveText(/Not saved: That task no longer exists\./);
  await expect(taskRow(page, "Gone elsewhere")).not.toHaveClass(/completed/);
  await expect(taskRow(page, "Gone elsewhere").getByRole("checkbox")).not.toBeChecked();
  await expect(taskRow(page, "Still here")).toHaveClass(/completed/);

  // A refused rename puts the title back; a refused delete puts the row back.
  await taskRow(page, "Gone elsewhere").locator(".title").dblclick();
  const edit = page.locator("li.task.editing").getByLabel("Edit title");
  await edit.fill("Renamed in vain");
  await edit.press("Enter");
  await expect(taskRow(page, "Gone elsewhere")).toBeVisible();
  await expect(taskRow(page, "Renamed in vain")).toHaveCount(0);
  await taskRow(page, "Gone elsewhere").getByRole("button", { name: "Delete Gone elsewhere" }).click();
  await expect(taskRow(page, "Gone elsewhere")).toBeVisible();
  await expect(page.locator(".toast.error")).toBeVisible();

  // What the server holds: the other change, and nothing of the refused ones.
  await page.reload();
  await expect(page.locator("li.task .title")).toHaveText(["Still here"]);
  await expect(taskRow(page, "Still here")).toHaveClass(/completed/);
});

test("a token made invalid sends the page to sign in, and back after", async ({ page }) => {
  // The page's next call finds out (live sync would tell it at once: live.spec.ts).
  await deafen(page);
  const email = uniqueEmail("revoked");
  await signUp(page, "Revoked", email);
  await addTask(page, "Before the token died");

  // The token is signed out behind the page's back, through the API.
  const token = await storedToken(page);
  const signOut = await page.request.post("/api/auth/sign-out", {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(signOut.status()).toBe(204);

  // The next call the page makes is refused: off to sign in, saying why.
  await page.getByLabel("New task").fill("After the token died");
  await page.getByLabel("New task").press("Enter");
  await expect(page).toHaveURL(/\/sign-in\?reason=ended&next=\/tasks$/);
  await expect(page.getByText("Your session has ended, please sign in again.")).toBeVisible();
  await screenshot(page, "10-session-ended");

  // Signing in goes back to the tasks.
  await signIn(page, email);
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(taskRow(page, "Before the token died")).toBeVisible();
});

test("a sign-out in one tab signs out the others", async ({ context }) => {
  const first = await context.newPage();
  await signUp(first, "Two Tabs", uniqueEmail("tabs"));
  const second = await context.newPage();
  await second.goto("/tasks");
  await expect(second.getByRole("heading", { name: "Tasks" })).toBeVisible();
  await first.getByRole("button", { name: "Sign out" }).click();
  await expect(second).toHaveURL(/\/sign-in\?reason=signed-out$/);
  await expect(second.getByText("You signed out in another tab.")).toBeVisible();
  await expect(first.getByText("You signed out in another tab.")).toBeHidden();
});

test("a sign-out in one tab is its word in the others, however long the server takes to answer", async ({ context }) => {
  const first = await context.newPage();
  await signUp(first, "Slow Sign Out", uniqueEmail("slow-out"));
  const second = await context.newPage();
  await second.goto("/tasks");
  await expect(second.getByRole("heading", { name: "Tasks" })).toBeVisible();
  // The server ends the token at once (the second tab's stream hears it), but its
  // answer reaches the first tab 3 s later.
  await first.route("**/rpc/auth/sign-out", async (route) => {
    const response = await route.fetch();
    await new Promise((done) => setTimeout(done, 3_000));
    await route.fulfill({ response });
  });
  await first.getByRole("button", { name: "Sign out" }).click();
  await expect(second).toHaveURL(/\/sign-in\?reason=signed-out$/, { timeout: 2_500 });
  await expect(second.getByText("You signed out in another tab.")).toBeVisible();
  await expect(first).toHaveURL(/\/sign-in$/);
  await expect(first.getByText("You signed out in another tab.")).toBeHidden();
});

test("a tab leaving for another tab's sign-out keeps saying so, whatever its own calls meet meanwhile", async ({ context }) => {
  const first = await context.newPage();
  await signUp(first, "Busy Leaver", uniqueEmail("busy-leaver"));
  const second = await context.newPage();
  // The second tab's stream says `ready` only once the first tab has signed out, and
  // its way to the sign-in page is held up: it hears of the sign-out, then reads the
  // list (without a token: there is none), and meets that read's 401 before it leaves,
  // as a busy tab on a slow network can.
  const signedOut = gate();
  await second.route(LIVE_STREAM, async (route) => {
    await signedOut.passed;
    await route.fulfill({ status: 200, contentType: "text/event-stream", body: "event: ready\ndata: {}\n\n" });
  });
  const leave = gate();
  await second.route(/\/sign-in\?reason=signed-out$/, async (route) => {
    await leave.passed;
    await route.continue().catch(() => {});
  });
  const opening = second.waitForRequest(LIVE_STREAM);
  await second.goto("/tasks");
  await expect(second.getByRole("heading", { name: "Tasks" })).toBeVisible();
  await opening;

  const leaving = second.waitForRequest(/\/sign-in\?reason=signed-out$/);
  await first.getByRole("button", { name: "Sign out" }).click();
  await leaving;
  const refused = second.waitForResponse((r) => r.url().includes("/rpc/tasks/list"));
  signedOut.open();
  expect((await refused).status()).toBe(401);
  // Time for a second word to be acted on, if the page took one.
  await second.waitForTimeout(500);
  leave.open();
  await expect(second).toHaveURL(/\/sign-in\?reason=signed-out$/);
  await expect(second.getByText("You signed out in another tab.")).toBeVisible();
});

test("a seldom-made change whose code cannot be fetched is put back and says so, and goes through once it can", async ({ page, pageErrors }) => {
  await signUp(page, "Patchy Network", uniqueEmail("chunks"));
  await addTask(page, "First");
  await addTask(page, "Second");
  // The calls of the bulk changes and of the undo come in chunks fetched on first use.
  const chunks = /\/pkg\/split_(bulk|undo)_calls\.wasm$/;
  const refused = new Set<string>();
  await page.route(chunks, (route) => {
    refused.add(new URL(route.request().url()).pathname);
    return route.fulfill({ status: 404, body: "" });
  });

  await page.getByLabel("Mark all complete").click();
  await expect(page.locator(".toast.error")).toHaveText(/Not saved: The server cannot be reached/);
  await expect(page.locator("li.task.completed")).toHaveCount(0);
  await taskRow(page, "First").getByRole("button", { name: "Delete First" }).click();
  await expect(taskRow(page, "First")).toHaveCount(0);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.locator(".toast.error")).toHaveText(/Not saved: The server cannot be reached/);
  expect([...refused].sort()).toEqual(["/pkg/split_bulk_calls.wasm", "/pkg/split_undo_calls.wasm"]);

  // The page still works, and each chunk is fetched again on the next try.
  await page.unroute(chunks);
  // The row shows the change at once; the reload waits for the server's answer, which
  // comes only after the chunk is fetched and compiled.
  const saved = page.waitForResponse((r) => r.url().includes("/rpc/tasks/complete-all") && r.ok());
  await page.getByLabel("Mark all complete").click();
  await expect(page.locator("li.task.completed")).toHaveCount(1);
  await saved;
  await page.reload();
  await expect(page.locator("li.task .title")).toHaveText(["Second"]);
  await expect(page.locator("li.task.completed")).toHaveCount(1);

  // What the browser logged of the two refused fetches, and nothing else.
  const expected = pageErrors.filter((error) => /status of 404|HTTP status code is not ok/.test(error));
  expect(expected.length).toBeGreaterThan(0);
  pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((error) => !expected.includes(error)));
});

test("the page works at 360 px wide", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signUp(page, "Narrow", uniqueEmail("narrow"));
  await addTask(page, "A task with a rather long title that has to wrap on a small phone screen");
  await expect(page.locator('.filters [aria-current="page"]')).toHaveText(["All 1"]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "11-narrow");
});
