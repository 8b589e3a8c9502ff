// What the browser tests stand on: a real `junction serve --demo`, Debian's chromium
// driven by playwright-core, and helpers that reach into the widget's open shadow root.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { EVENT_NAMES } from "../src/events.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const SHOTS = resolve(ROOT, "target/widget-screenshots");

/** Starts a fresh demo server on a free port; resolves once it prints its URL. */
export function startDemo() {
  const bin = process.env.JUNCTION_BIN || resolve(ROOT, "target/debug/junction");
  const child = spawn(bin, ["serve", "--demo", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((ok, fail) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => fail(new Error(`junction serve --demo did not start in 20 s:\n${out}${err}`)), 20000);
    child.stderr.on("data", (d) => { err += d; });
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/Junction is serving (http:\/\/[\d.:]+)/);
      if (m && out.includes("demo: open")) {
        clearTimeout(timer);
        ok({ url: m[1], stop: () => child.kill("SIGTERM"), logs: () => out + err });
      }
    });
    child.on("exit", (code) => fail(new Error(`junction serve --demo exited (${code}):\n${out}${err}`)));
  });
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Runs `tests` one after another, each in a fresh browser context on a fresh demo. */
export async function run(tests, { only } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await launch();
  const failures = [];
  const figures = [];
  let ran = 0;
  for (const [name, fn] of tests) {
    if (only && !name.includes(only)) continue;
    ran += 1;
    const demo = await startDemo();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const started = Date.now();
    try {
      await fn({ demo, context, figures });
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      failures.push(name);
      console.log(`  ✗ ${name}\n${String(e.stack || e).replace(/^/gm, "      ")}`);
      const pages = context.pages();
      if (pages.length) await pages[0].screenshot({ path: `${SHOTS}/FAILED-${slug(name)}.png`, fullPage: true }).catch(() => {});
      if (process.env.WIDGET_TEST_LOGS) console.log(demo.logs());
    } finally {
      await context.close();
      demo.stop();
    }
  }
  await browser.close();
  for (const f of figures) console.log(`  ${f}`);
  console.log(`widget browser tests: ${ran - failures.length} passed, ${failures.length} failed`);
  if (failures.length) process.exit(1);
}

function slug(s) {
  return s.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
}

/**
 * Opens the demo host page and waits for the widget's flow list. While working on the
 * widget, WIDGET_FROM_DISK=1 serves dist/junction.js as just built instead of the copy
 * compiled into the binary (the test command never sets it).
 */
export async function openHost(context, demo, { init } = {}) {
  const page = await context.newPage();
  if (process.env.WIDGET_FROM_DISK) {
    const body = readFileSync(resolve(ROOT, "widget/dist/junction.js"));
    await page.route("**/widget/junction.js", (route) => route.fulfill({ body, contentType: "text/javascript" }));
  }
  page.on("pageerror", (e) => { page.errors = [...(page.errors || []), e]; });
  page.on("console", (m) => { if (m.type() === "error") page.consoleErrors = [...(page.consoleErrors || []), m.text()]; });
  await page.addInitScript((names) => {
    window.__events = [];
    for (const n of names) document.addEventListener(`junction:${n}`, (e) => window.__events.push({ name: n, detail: e.detail, target: e.target.id, cancelable: e.cancelable }));
  }, EVENT_NAMES);
  if (init) await page.addInitScript(init);
  await page.goto(`${demo.url}/`);
  await page.locator("#marketplace .card").first().waitFor();
  return page;
}

export const widget = (page) => page.locator("#marketplace");

export async function events(page, target = "marketplace") {
  return (await page.evaluate(() => window.__events)).filter((e) => e.target === target);
}

export function expect(cond, message) {
  if (!cond) throw new Error(message);
}

export async function eventually(fn, message, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${message}${last ? ` (last error: ${last.message})` : ""}`);
}

/** Calls the marketplace API as the demo user, with the identity the page carries. */
export async function api(page, method, path, body) {
  return page.evaluate(async ([method, path, body]) => {
    const el = document.getElementById("marketplace");
    const r = await fetch(`${el.api}/v1${path}`, {
      method,
      headers: { "app-key": el.appKey, "user-id": el.userId, hash: el.hash, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  }, [method, path, body]);
}

export async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** The element focused, through shadow roots: a short description for assertions. */
export async function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return "";
    return `${a.tagName.toLowerCase()}#${a.id}|${(a.textContent || "").trim().slice(0, 60)}|${a.getAttribute("data-flow") || a.getAttribute("data-connect") || a.getAttribute("name") || ""}`;
  });
}

/** Presses Tab until the focused element matches `pattern` (at most `max` times). */
export async function tabTo(page, pattern, { max = 60, shift = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(shift ? "Shift+Tab" : "Tab");
    const f = await focused(page);
    if (pattern.test(f)) return f;
  }
  throw new Error(`Tab never reached ${pattern} (last: ${await focused(page)})`);
}
