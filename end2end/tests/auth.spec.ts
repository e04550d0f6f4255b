import { test, expect, screenshot, signUp, signIn, hydrated, uniqueEmail, PASSWORD } from "./fixtures";

test("sign up and land on the tasks page", async ({ page, request }) => {
  // Without a session the server itself sends / to sign-in: no flash of another page.
  const start = await request.get("/", { maxRedirects: 0, headers: { accept: "text/html" } });
  expect(start.status()).toBe(302);
  expect(start.headers()["location"]).toBe("/sign-in");
  const signUpHtml = await (await request.get("/sign-up")).text();
  expect(signUpHtml).toContain("<title>Create an account · Todo</title>");

  const email = uniqueEmail("ada");
  await signUp(page, "Ada Lovelace", email);
  await expect(page.locator(".who")).toHaveText("Ada Lovelace");
  // Each page names itself: the server writes the title, the browser sets it on the way.
  await expect(page).toHaveTitle("Tasks · Todo");
  await expect(page.getByText("Nothing to do yet. Add your first task above.")).toBeVisible();
  await screenshot(page, "01-signed-up");
});

test("sign out, then sign in again", async ({ page }) => {
  const email = uniqueEmail("grace");
  await signUp(page, "Grace Hopper", email);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(await page.evaluate(() => localStorage.getItem("todo.token"))).toBeNull();

  // Signed out means the tasks page is out of reach.
  await page.goto("/tasks");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Ftasks$/);

  await signIn(page, `  ${email.toUpperCase()} `);
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(page.locator(".who")).toHaveText("Grace Hopper");
  await screenshot(page, "02-signed-in-again");
});

test("a wrong password shows the generic error and stays on the page", async ({ page }) => {
  const email = uniqueEmail("linus");
  await signUp(page, "Linus", email);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  await signIn(page, email, "not the password at all");
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");
  await expect(page).toHaveURL(/\/sign-in$/);
  // The password is cleared and focused for another try; the email stays.
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page.getByLabel("Password")).toBeFocused();
  await expect(page.getByLabel("Email")).toHaveValue(email);

  // An unknown email gets the very same message.
  await signIn(page, uniqueEmail("nobody"), PASSWORD);
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");
  await screenshot(page, "03-wrong-password");
});

test("a taken email shows its error next to the email field", async ({ page, browser }) => {
  const email = uniqueEmail("taken");
  await signUp(page, "First", email);

  const other = await browser.newPage();
  await other.goto("/sign-up");
  await hydrated(other);
  await other.getByLabel("Name").fill("Second");
  await other.getByLabel("Email").fill(email.toUpperCase());
  await other.getByLabel("Password").fill(PASSWORD);
  await other.getByRole("button", { name: "Create account" }).click();
  const emailField = other.getByLabel("Email");
  await expect(emailField).toHaveAttribute("aria-invalid", "true");
  await expect(other.locator("#email-error")).toHaveText("An account with this email already exists.");
  await expect(emailField).toBeFocused();
  await expect(other).toHaveURL(/\/sign-up$/);
  await screenshot(other, "04-duplicate-email");
  await other.close();
});

test("the browser checks fields before sending, as the server would", async ({ page }) => {
  await page.goto("/sign-up");
  await hydrated(page);
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  // The first bad field, in form order, gets the focus.
  await expect(page.getByLabel("Name")).toBeFocused();
  await expect(page.locator("#name-error")).toHaveText("Enter your name.");
  await expect(page.locator("#email-error")).toHaveText("An email address looks like name@example.com.");
  await expect(page.locator("#password-error")).toHaveText("A password has at least 8 characters.");

  // A common password is refused by the server, next to its field.
  await page.getByLabel("Name").fill("Common");
  await page.getByLabel("Email").fill(uniqueEmail("common"));
  await page.getByLabel("Password").fill("password123");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#password-error")).toHaveText(/most common/);
  await screenshot(page, "05-field-errors");
});

test("without JavaScript the forms say why they need it, and a plain POST is answered", async ({ browser }) => {
  for (const width of [1280, 360]) {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 800 } });
    const page = await context.newPage();
    for (const [path, button, back] of [
      ["/sign-in", "Sign in", "Back to sign in"],
      ["/sign-up", "Create account", "Back to create an account"],
    ]) {
      await page.goto(path);
      await expect(page.getByRole("alert").filter({ hasText: "This app needs JavaScript" })).toBeVisible();
      // The button looks and works as a button: enabled, not faded.
      const submit = page.getByRole("button", { name: button, exact: true });
      await expect(submit).toBeEnabled();
      expect(await submit.evaluate((b) => getComputedStyle(b).opacity)).toBe("1");
      await page.getByLabel("Email").fill("ada@example.com");
      await page.getByLabel("Password").fill("a long and unusual secret");
      await submit.click();
      // A plain POST gets a page that says the same, and the way back; never an empty 405.
      await expect(page).toHaveURL(new RegExp(`${path}$`));
      await expect(page.getByRole("heading", { name: "This app needs JavaScript" })).toBeVisible();
      await page.getByRole("link", { name: back }).click();
      await expect(page).toHaveURL(new RegExp(`${path}$`));
    }
    await screenshot(page, `22-no-javascript-${width}`);
    await context.close();
  }
  // And as a script sees it.
  const response = await fetch(`${process.env.BASE_URL}/sign-in`, {
    method: "POST",
    body: new URLSearchParams({ email: "ada@example.com", password: "x" }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/html");
  expect(await response.text()).toContain("This app needs JavaScript");
});

test("the sign-in and sign-up pages say what this is, with a banner and a show-password", async ({ page }) => {
  for (const path of ["/sign-in", "/sign-up"]) {
    await page.goto(path);
    await hydrated(page);
    // The banner is its own landmark, outside the main content.
    const banner = page.getByRole("banner");
    await expect(banner.getByRole("link", { name: "Todo" })).toBeVisible();
    expect(await page.evaluate(() => document.querySelector("header")?.closest("main") ?? null)).toBeNull();
    await expect(page.getByRole("main").getByText("Your to-do list, private to you")).toBeVisible();

    const password = page.getByLabel("Password", { exact: true });
    await password.fill("visible for a moment");
    await expect(password).toHaveAttribute("type", "password");
    const reveal = page.getByRole("button", { name: "Show password" });
    await expect(reveal).toHaveAttribute("aria-pressed", "false");
    await reveal.click();
    await expect(password).toHaveAttribute("type", "text");
    await expect(reveal).toHaveAttribute("aria-pressed", "true");
    await expect(password).toHaveValue("visible for a moment");
    await reveal.click();
    await expect(password).toHaveAttribute("type", "password");
    const box = await reveal.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(24);
  }
  await screenshot(page, "17-sign-up-page");
});

test("the tasks page has its banner outside main, with the person and the way out", async ({ page }) => {
  await signUp(page, "Landmarks", uniqueEmail("landmarks"));
  const banner = page.getByRole("banner");
  await expect(banner.getByText("Landmarks")).toBeVisible();
  await expect(banner.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect(await page.evaluate(() => document.querySelector("header")?.closest("main") ?? null)).toBeNull();
  await expect(page.getByRole("main").getByRole("heading", { name: "Tasks" })).toBeVisible();
});
