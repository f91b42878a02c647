import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import type { Browser, Page } from "playwright-core";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";
import type { Stack } from "../../cli/demo/startStack.ts";
import { HAS_CHROMIUM, launchChromium, type PageProblems, watchProblems } from "./chromium.ts";
import { alterOneTemperature, countReadings, waitForAnchoredPackage } from "./productPageEvidence.ts";
import { type Journey, seedJourney } from "./productPageJourney.ts";
import { startStackOnFreePorts } from "./startStackOnFreePorts.ts";

// The product page in a real browser (Debian's chromium) against the real stack: a Hardhat chain, the
// gateway's SQLite store and the API, with a journey of two pallets watched by reefer sensors. Every test
// fails on any console error, uncaught exception or CSP violation it did not expect by name.
jest.setTimeout(300_000);

const READINGS = 240;
/** Where the phone screenshot is kept (gitignored): a test artifact to look at, not a golden image. */
export const ARTIFACTS_DIR = join(REPO_ROOT, "test/artifacts");

if (!HAS_CHROMIUM) {
  console.warn(
    "SKIPPED: the product page tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium; CI installs it)",
  );
}
const describeWithChromium = HAS_CHROMIUM ? describe : describe.skip;

let dir: string;
let stack: Stack;
let journey: Journey;
let browser: Browser;
/** Readings in the compliant product's package: its sensor's stretch, as the server traced it. */
let packageReadings: number;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  dir = mkdtempSync(join(tmpdir(), "sealtrail-page-"));
  ({ stack } = await startStackOnFreePorts({
    SEALTRAIL_DATA_DIR: dir,
    SEALTRAIL_BATCH_MAX_AGE_MS: "500",
    SEALTRAIL_FINALITY_DEPTH: "2",
    SEALTRAIL_BLOCK_INTERVAL_MS: "500",
  }));
  journey = await seedJourney({
    apiUrl: stack.apiUrl,
    adminToken: stack.adminToken,
    store: stack.store,
    readingsPerSensor: READINGS,
  });
  await waitForAnchoredPackage(`${stack.apiUrl}/api/v1/evidence${journey.compliantPath}`, 120_000);
  await waitForAnchoredPackage(`${stack.apiUrl}/api/v1/evidence${journey.excursionPath}`, 120_000);
  packageReadings = countReadings(
    await (await fetch(`${stack.apiUrl}/api/v1/evidence${journey.compliantPath}`)).text(),
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Opened = { page: Page; problems: PageProblems; requests: string[] };

/** Opens a Digital Link as a browser does (Accept: text/html) and waits for the page to settle. */
async function open(
  path: string,
  options: { viewport?: { width: number; height: number }; prepare?: (page: Page) => Promise<unknown> } = {},
): Promise<Opened> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1024, height: 900 } });
  const page = await context.newPage();
  const problems = watchProblems(page);
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await options.prepare?.(page);
  const res = await page.goto(`${stack.apiUrl}${path}`);
  expect(res?.status()).toBe(200);
  await page.waitForSelector("main[data-state=done], main[data-state=problem]", { timeout: 60_000 });
  return { page, problems, requests };
}

const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? "";

/** axe's serious and critical violations, as "rule: help" lines (none is allowed). */
async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  const axe = await new AxeBuilder({ page }).analyze();
  return axe.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help}`);
}

/** Only this origin and the configured RPC endpoint: no CDN, no tiles, no fonts. */
function expectOnlyOwnRequests(requests: readonly string[]): void {
  const allowed = [new URL(stack.apiUrl).origin, new URL(stack.rpcUrl).origin];
  expect(requests.filter((u) => !u.startsWith("data:") && !allowed.includes(new URL(u).origin))).toEqual([]);
}

describeWithChromium("the product page, verified in the browser", () => {
  it("shows the compliant product as kept cold, with every reading and event verified and the anchor final", async () => {
    const { page, problems, requests } = await open(journey.compliantPath);
    const res = await page.request.get(`${stack.apiUrl}${journey.compliantPath}`, {
      headers: { Accept: "text/html" },
    });
    expect(res.headers()["content-security-policy"]).toMatch(/script-src 'self' 'wasm-unsafe-eval';/);
    expect(await text(page, "#verdict h2")).toBe("Kept cold the whole way");
    expect(await text(page, "[data-testid=verification-line]")).toMatch(
      new RegExp(
        `^${packageReadings} of ${packageReadings} readings and ${journey.eventsPerProduct} of ${journey.eventsPerProduct} events verified; anchored on chain ${stack.chainId}, blocks? [0-9,–]+, final$`,
      ),
    );
    // The journey, the route and the chart are drawn from what verified.
    expect(await page.locator(".timeline li").count()).toBe(journey.eventsPerProduct);
    expect(await text(page, ".timeline")).toMatch(/Shipped[\s\S]*Received/);
    expect(await page.locator("svg.route polyline").getAttribute("points")).toMatch(/^[0-9.]+,[0-9.]+ /);
    expect(await page.locator("svg.chart rect.band").count()).toBe(1);
    expect(await page.locator("svg.chart rect.excursion").count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expectOnlyOwnRequests(requests);
    expect(problems.unexpected()).toEqual([]);
    await page.context().close();
  });

  it("shows the excursion product as out of range, the excursion shaded on the chart", async () => {
    const { page, problems } = await open(journey.excursionPath);
    expect(await text(page, "#verdict h2")).toMatch(/^Temperature went out of range/);
    expect(await text(page, "#verdict")).toMatch(/warmer than 2–8 °C for 60 min \(peak 12 °C\)/);
    expect(await page.locator("svg.chart rect.excursion").count()).toBe(1);
    expect(await text(page, "[data-testid=verification-line]")).toMatch(/final$/);
    expect(problems.unexpected()).toEqual([]);
    await page.context().close();
  });

  it("says there is no record for an unknown serial, and gives no verdict on the product", async () => {
    const { page, problems } = await open(journey.unknownPath);
    expect(await text(page, "#verdict h2")).toBe("No record for this product");
    expect(await page.locator("[data-testid=verification-line]").count()).toBe(0);
    expect(problems.unexpected([/status of 404 .*\/api\/v1\/evidence\//])).toEqual([]);
    await page.context().close();
  });

  it("shows a package with one temperature altered on the way as failed verification, never as compliant", async () => {
    const { page, problems } = await open(journey.compliantPath, {
      prepare: (p) =>
        p.route("**/api/v1/evidence/**", async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, body: alterOneTemperature(await response.text(), 31.5) });
        }),
    });
    expect(await text(page, "#verdict h2")).toBe("Do not rely on this record: it failed verification");
    // The altered reading fails its signature, and its batch's multiproof with it: none of that batch counts.
    const [, verified, total] = /^(\d+) of (\d+) readings and/.exec(
      await text(page, "[data-testid=verification-line]"),
    )!;
    expect(Number(total)).toBe(packageReadings);
    expect(Number(verified)).toBeLessThan(packageReadings);
    expect(await text(page, ".checks")).toMatch(/signature/);
    // The altered value is nowhere on the page: only verified readings are drawn.
    expect(await text(page, "main")).not.toContain("31.5");
    expect(problems.unexpected()).toEqual([]);
    await page.context().close();
  });

  it("with two signature helper workers, shows the compliant product verified in full and an altered one as failed", async () => {
    const good = await open(`${journey.compliantPath}?helpers=2`);
    expect(await text(good.page, "#verdict h2")).toBe("Kept cold the whole way");
    expect(await text(good.page, "[data-testid=verification-line]")).toMatch(
      new RegExp(`^${packageReadings} of ${packageReadings} readings and .* final$`),
    );
    expect(good.problems.unexpected()).toEqual([]);
    await good.page.context().close();
    const { page, problems } = await open(`${journey.compliantPath}?helpers=2`, {
      prepare: (p) =>
        p.route("**/api/v1/evidence/**", async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, body: alterOneTemperature(await response.text(), 31.5) });
        }),
    });
    expect(await text(page, "#verdict h2")).toBe("Do not rely on this record: it failed verification");
    expect(await text(page, ".checks")).toMatch(/signature/);
    expect(await text(page, "main")).not.toContain("31.5");
    expect(problems.unexpected()).toEqual([]);
    await page.context().close();
  });

  it("says it could not check the anchor when the RPC endpoint is down, and never calls the record verified", async () => {
    const rpcOrigin = new URL(stack.rpcUrl).origin;
    const { page, problems } = await open(journey.compliantPath, {
      prepare: (p) => p.route(`${rpcOrigin}/**`, (route) => route.abort("connectionrefused")),
    });
    expect(await text(page, "[data-testid=verification-line]")).toMatch(
      /verified; could not check the anchor on chain \d+$/,
    );
    expect(await text(page, "#verdict h2")).toBe("Kept cold, but not yet confirmed on the chain");
    expect(await text(page, ".checks")).toMatch(/could not be reached: could not check the anchor/);
    expect(problems.unexpected([/ERR_CONNECTION_REFUSED|ERR_FAILED/])).toEqual([]);
    await page.context().close();
  });

  it("fails the anchor when a second endpoint the user added disagrees with the first (both must agree)", async () => {
    const second = `${stack.rpcUrl}/second-opinion`;
    const { page, problems } = await open(`${journey.compliantPath}?rpc=${encodeURIComponent(second)}`, {
      // The second endpoint is the same chain, except that its contract says no root was ever anchored.
      prepare: (p) =>
        p.route(second, async (route) => {
          const request = route.request().postDataJSON() as { method: string };
          const response = await route.fetch({ url: stack.rpcUrl });
          const answer = (await response.json()) as { result?: unknown };
          if (request.method === "eth_call") answer.result = `0x${"0".repeat(64)}`;
          await route.fulfill({ response, json: answer });
        }),
    });
    expect(await text(page, "#verdict h2")).toBe("Do not rely on this record: it failed verification");
    expect(await text(page, "[data-testid=verification-line]")).toMatch(
      /the anchor on chain \d+ does not match$/,
    );
    expect(await page.locator(".endpoint-confirmed").count()).toBeGreaterThan(0);
    expect(await page.locator(".endpoint-mismatch").count()).toBeGreaterThan(0);
    expect(problems.unexpected()).toEqual([]);
    await page.context().close();
  });

  it("fits a phone (390×844): one column, nothing wider than the screen; the screenshot is kept as an artifact", async () => {
    const { page, problems } = await open(journey.excursionPath, { viewport: { width: 390, height: 844 } });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS_DIR, "product-page-phone.png"), fullPage: true });
    expect(problems.unexpected()).toEqual([]);
    await page.context().close();
  });
});
