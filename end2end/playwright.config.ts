import { defineConfig } from "@playwright/test";

// The server is started by scripts/test.sh on a free port with a fresh database; it
// passes the address in BASE_URL. Browsers are never downloaded: Debian's Chromium.
const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error("BASE_URL is not set: run the tests through scripts/test.sh");
}

// With Better Auth as the identity provider (scripts/e2e.sh, E2E_PROVIDER=better-auth)
// its own scenarios run; otherwise every other one.
const betterAuth = process.env.AUTH_PROVIDER === "better-auth";

export default defineConfig({
  testDir: "./tests",
  testMatch: betterAuth ? "better-auth.spec.ts" : "*.spec.ts",
  testIgnore: betterAuth ? [] : ["better-auth.spec.ts"],
  outputDir: "./test-results",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  // One at a time: a scenario restarts the server that all of them share.
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium" }],
});
