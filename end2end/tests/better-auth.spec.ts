// Better Auth as the identity provider (scripts/e2e.sh with E2E_PROVIDER=better-auth):
// our pages sign people up and in through a real Better Auth server, whose tokens
// (70 s here, refreshed in the last minute) drive everything after.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import {
  test,
  expect,
  signUp,
  signIn,
  addTask,
  taskRow,
  storedToken,
  restartServer,
  uniqueEmail,
  screenshot,
} from "./fixtures";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
}

test("sign up, work, reload, restart and sign out, all on Better Auth's tokens", async ({ page, baseURL }) => {
  const email = uniqueEmail("ba-ada");
  await signUp(page, "Ada", email);
  const token = await storedToken(page);
  expect(claims(token).iss).toBe(process.env.AUTH_BETTER_AUTH_URL);
  // Better Auth's session is in a cookie page scripts cannot read.
  expect(await page.evaluate(() => document.cookie)).not.toContain("todo_provider_session");
  const cookies = await page.context().cookies();
  const kept = cookies.find((c) => c.name === "todo_provider_session");
  expect(kept?.httpOnly).toBe(true);
  expect(kept?.sameSite).toBe("Strict");

  await addTask(page, "Through Better Auth");
  await taskRow(page, "Through Better Auth").getByRole("checkbox").check();
  await expect(taskRow(page, "Through Better Auth")).toHaveClass(/completed/);
  await page.reload();
  await expect(taskRow(page, "Through Better Auth")).toHaveClass(/completed/);
  await restartServer(baseURL!);
  await page.reload();
  await expect(taskRow(page, "Through Better Auth")).toHaveClass(/completed/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  // The token is refused from now on, and Better Auth's session has ended.
  const me = await page.request.get("/api/me", { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(401);
  const refreshed = await page.request.post("/api/auth/refresh");
  expect(refreshed.status()).toBe(401);

  await signIn(page, email);
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(taskRow(page, "Through Better Auth")).toBeVisible();
  await screenshot(page, "20-better-auth");
});

test("a token about to expire is refreshed from Better Auth's session, unseen", async ({ page }) => {
  await signUp(page, "Refresh", uniqueEmail("ba-refresh"));
  const first = await storedToken(page);
  // Tokens live 70 s here: after 11 s the next call finds it within its last minute.
  await page.waitForTimeout(11_000);
  await addTask(page, "After a refresh");
  const second = await storedToken(page);
  expect(second).not.toBe(first);
  expect(claims(second).sub).toBe(claims(first).sub);
  expect(Number(claims(second).exp)).toBeGreaterThan(Number(claims(first).exp));
  await page.reload();
  await expect(taskRow(page, "After a refresh")).toBeVisible();
});

test("a second person never sees the first's tasks", async ({ browser }) => {
  const ada = await browser.newContext();
  const bob = await browser.newContext();
  const adaPage = await ada.newPage();
  const bobPage = await bob.newPage();
  await signUp(adaPage, "Ada", uniqueEmail("ba-ada"));
  await signUp(bobPage, "Bob", uniqueEmail("ba-bob"));
  await addTask(adaPage, "Ada's plan");
  await addTask(bobPage, "Bob's list");
  await adaPage.reload();
  await bobPage.reload();
  await expect(adaPage.locator("li.task .title")).toHaveText(["Ada's plan"]);
  await expect(bobPage.locator("li.task .title")).toHaveText(["Bob's list"]);
  const adaId = claims(await storedToken(adaPage)).sub;
  const response = await bobPage.request.get(`/api/${adaId}/tasks`, {
    headers: { authorization: `Bearer ${await storedToken(bobPage)}` },
  });
  expect(response.status()).toBe(403);
  await ada.close();
  await bob.close();
});

test("a wrong password shows the message, and Better Auth down shows the 503 one", async ({ page, pageErrors }) => {
  const email = uniqueEmail("ba-wrong");
  await signUp(page, "Wrong", email);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await signIn(page, email, "not the password at all");
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");

  const pidfile = process.env.BETTER_AUTH_PIDFILE!;
  const pausefile = process.env.BETTER_AUTH_PAUSEFILE!;
  writeFileSync(pausefile, "");
  try {
    // Killed, not asked to stop: a server shutting down gracefully still answers on
    // connections it had open, so "down" would depend on timing.
    const pid = Number(readFileSync(pidfile, "utf8").trim());
    process.kill(pid, "SIGKILL");
    await expect.poll(() => alive(pid)).toBe(false);
    await signIn(page, email);
    await expect(page.getByRole("alert")).toHaveText(
      "The service is unavailable right now. Try again in a moment.",
    );
    await expect(page).toHaveURL(/\/sign-in$/);
    // The browser logs the 503 this scenario provokes; it is the only error allowed.
    const provoked = pageErrors.findIndex((e) => e.includes("status of 503 (Service Unavailable)"));
    expect(provoked, "the provoked 503").toBeGreaterThanOrEqual(0);
    pageErrors.splice(provoked, 1);
  } finally {
    rmSync(pausefile, { force: true });
  }
  await expect
    .poll(async () => (await fetch(process.env.AUTH_BETTER_AUTH_URL + "/api/auth/jwks").catch(() => null))?.ok ?? false, {
      timeout: 20_000,
    })
    .toBe(true);
  await signIn(page, email);
  await expect(page).toHaveURL(/\/tasks$/);
});
