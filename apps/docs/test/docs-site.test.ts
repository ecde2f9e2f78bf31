import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Serves the built site (`npm run docs`) as GitHub Pages would, under /scenario/, opens the getting
// started page in Chromium and follows every internal link on it (nav, sidebar and content).

const CHROMIUM = "/usr/bin/chromium";
const BASE = "/scenario/";
const DIST = join(import.meta.dirname, "..", ".vitepress", "dist");
const siteBuilt = existsSync(join(DIST, "guide", "getting-started.html"));
// tooling/run-tests.mjs builds and tests the site once, in leg 1; leg 2 (a copy of the tree without
// build output) says so with this variable. CI must build and test the site, never skip it.
const skippedByLeg = process.env.SCENARIO_DOCS_SITE_TEST === "skip";
const inCI = Boolean(process.env.CI);
const runSiteTest = !skippedByLeg && (siteBuilt || inCI);

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
};

/** A static file server for DIST under BASE; anything else is a 404 with the site's 404 page. */
function serveSite(): Promise<Server> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    let file: string | undefined;
    if (pathname.startsWith(BASE)) {
      const candidate = normalize(join(DIST, pathname.slice(BASE.length)));
      if (candidate.startsWith(DIST)) {
        file =
          existsSync(candidate) && statSync(candidate).isDirectory()
            ? join(candidate, "index.html")
            : candidate;
      }
    }
    if (file === undefined || !existsSync(file)) {
      response.writeHead(404, { "content-type": CONTENT_TYPES[".html"] });
      createReadStream(join(DIST, "404.html")).pipe(response);
      return;
    }
    response.writeHead(200, { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe.skipIf(!runSiteTest)("the documentation site in headless Chromium", () => {
  let server: Server;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    if (!siteBuilt) {
      throw new Error(
        `The docs site is not built (${DIST} has no guide/getting-started.html) and CI is set: run \`npm run docs\` before the tests (tooling/run-tests.mjs does in leg 1).`,
      );
    }
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install it (apt-get install chromium) so the docs site is tested.`,
      );
    }
    server = await serveSite();
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it("every internal link of the getting started page loads a page with a heading", async () => {
    const page = await browser.newPage();
    const start = await page.goto(`${origin}${BASE}guide/getting-started.html`);
    expect(start?.status()).toBe(200);
    expect(await page.locator("h1").first().textContent()).toContain("Getting started");

    const hrefs = await page
      .locator("a[href]")
      .evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
    const internal = [
      ...new Set(
        hrefs
          .map((href) => new URL(href))
          .filter((url) => url.origin === origin)
          .map((url) => url.pathname),
      ),
    ].sort();
    // Every link stays under the site's base, and the page reaches the main sections.
    expect(internal.filter((pathname) => !pathname.startsWith(BASE))).toEqual([]);
    expect(internal).toEqual(
      expect.arrayContaining([
        `${BASE}concepts/scenario.html`,
        `${BASE}concepts/judge.html`,
        `${BASE}guide/adapters/ai-sdk.html`,
        `${BASE}guide/voice/openai-realtime.html`,
        `${BASE}guide/ci-sharding.html`,
        `${BASE}reference/cli.html`,
        `${BASE}reference/api/`,
      ]),
    );

    const broken: string[] = [];
    for (const pathname of internal) {
      const response = await page.goto(`${origin}${pathname}`);
      // The server renders the heading into the HTML; the wait is bounded for a loaded machine.
      const heading =
        (await page
          .locator("h1")
          .first()
          .textContent({ timeout: 30_000 })
          .catch(() => null)) ?? "";
      const notFound = await page.locator(".NotFound").count();
      if (response?.status() !== 200 || heading.trim() === "" || notFound > 0) {
        broken.push(
          `${pathname}: status ${response?.status()}, heading "${heading.trim()}", 404 page: ${notFound > 0}`,
        );
      }
    }
    expect(broken).toEqual([]);
    await page.close();
  }, 240_000);

  it("answers a page that does not exist with the site's 404 page, which the check above would catch", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${origin}${BASE}guide/no-such-page.html`);
    expect(response?.status()).toBe(404);
    expect(await page.locator(".NotFound").count()).toBeGreaterThan(0);
    await page.close();
  });
});

if (!runSiteTest) {
  console.warn(
    skippedByLeg
      ? "Skipping the docs site test: it runs once, in the first test leg."
      : `Skipping the docs site test: the site is not built (run \`npm run docs\` first to test it).`,
  );
}
