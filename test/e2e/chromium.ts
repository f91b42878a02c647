// Debian's chromium driven by playwright-core (Playwright's own browser download is not used): launched
// headless, with every console error, page error and CSP violation of a page collected so that a test can
// fail on any of them.
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.SEALTRAIL_CHROMIUM ?? "/usr/bin/chromium";
/** False where Debian's chromium is not installed (CI installs it: .ci/run). */
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

/** @example const browser = await launchChromium() */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
}

export type PageProblems = {
  /** Console errors, uncaught exceptions and CSP violations, in order. */
  readonly all: string[];
  /** Those not matching any of `allowed` (an expected failed request, named by its URL). */
  unexpected(allowed?: readonly RegExp[]): string[];
};

/**
 * Starts collecting a page's problems; call before the page navigates. CSP violations are reported by
 * Chromium as console errors ("Refused to …"), from the page and from its workers alike.
 * @example const problems = watchProblems(page); …; expect(problems.unexpected()).toEqual([])
 */
export function watchProblems(page: Page): PageProblems {
  const all: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") all.push(`console: ${message.text()} @ ${message.location().url}`);
  });
  page.on("pageerror", (error) => all.push(`pageerror: ${error.message}`));
  return {
    all,
    unexpected: (allowed = []) => all.filter((p) => !allowed.some((re) => re.test(p))),
  };
}
