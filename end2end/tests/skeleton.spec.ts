import { test, expect, screenshot } from "./fixtures";

test("the start page is server-rendered, hydrates, and a click reaches PostgreSQL", async ({
  page,
  request,
}) => {
  // Without JavaScript the count is already in the HTML: server-side rendering.
  const html = await (await request.get("/")).text();
  expect(html).toContain('data-testid="click-count"');

  await page.goto("/");
  const count = page.getByTestId("click-count");
  await expect(count).toHaveText(/^\d+$/);
  const before = Number(await count.textContent());

  // The button is enabled only once the page is hydrated; the click then calls the
  // record_click server function, which writes a row and answers the new count.
  const button = page.getByRole("button", { name: "Add a click" });
  await expect(button).toBeEnabled();
  await button.click();
  await expect(count).toHaveText(String(before + 1));

  // The count survives a reload: it was stored, not kept in the page.
  await page.reload();
  await expect(count).toHaveText(String(before + 1));
  await screenshot(page, "skeleton-after-click");
});
