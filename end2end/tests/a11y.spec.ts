// axe (axe-core, run in the page) on every page and state a person meets, in light and
// dark: zero violations, target size (WCAG 2.2) included.
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { test, expect, signUp, addTask, taskRow, hydrated, uniqueEmail } from "./fixtures";

const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function violations(page: Page): Promise<string[]> {
  // Evaluated by the browser's devtools protocol, so the page's CSP does not apply.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: any }).axe;
    const result = await axe.run(document, { rules: { "target-size": { enabled: true } } });
    return result.violations.map(
      (v: any) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`,
    );
  });
}

for (const [scheme, width] of [
  ["light", 1280],
  ["dark", 1280],
  ["light", 360],
  ["dark", 360],
] as const) {
  test(`no axe violations in ${scheme} at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of [
      "/sign-in",
      "/sign-up",
      "/sign-in?reason=signed-out",
      "/no-such-page",
      "/forgot-password",
      "/reset-password?token=unknown",
    ]) {
      await page.goto(path);
      await hydrated(page);
      expect(await violations(page), path).toEqual([]);
    }

    await signUp(page, `Axe ${scheme}`, uniqueEmail(`axe-${scheme}-${width}`));
    expect(await violations(page), "empty tasks page").toEqual([]);
    for (const title of ["Read the guidelines", "Check the contrast", "Try it with a keyboard"]) {
      await addTask(page, title);
    }
    await taskRow(page, "Check the contrast").getByRole("checkbox").check();
    await taskRow(page, "Read the guidelines").hover();
    expect(await violations(page), "tasks with a completed section").toEqual([]);

    await taskRow(page, "Try it with a keyboard").getByRole("button", { name: "Delete Try it with a keyboard" }).click();
    await expect(page.getByRole("button", { name: "Undo" })).toBeVisible();
    expect(await violations(page), "a notice with undo").toEqual([]);

    await taskRow(page, "Read the guidelines").locator(".title").dblclick();
    expect(await violations(page), "an open editor").toEqual([]);
    await page.keyboard.press("Escape");

    await page.getByRole("link", { name: /Completed/ }).click();
    await page.getByLabel("New task").fill("Added elsewhere");
    await page.getByLabel("New task").press("Enter");
    await expect(page.getByText("Added to")).toBeVisible();
    expect(await violations(page), "added to pending").toEqual([]);

    await page.getByRole("button", { name: "Shortcuts" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    expect(await violations(page), "the shortcuts dialog").toEqual([]);
    await page.keyboard.press("Escape");

    await page.getByRole("link", { name: "Account" }).click();
    await expect(page.getByLabel("Name")).toHaveValue(`Axe ${scheme}`);
    expect(await violations(page), "the account page").toEqual([]);
  });
}
