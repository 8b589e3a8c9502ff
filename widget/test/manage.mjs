// My integrations (veto, disable, delete), the modal dialog, the narrow layout, the
// second locale, an accessibility scan of every view, poll health, and the load-time
// figures.
import AxeBuilder from "@axe-core/playwright";
import { api, eventually, events, expect, focused, openHost, shot, widget } from "./harness.mjs";
import { connectMailbirdOnItsPage } from "./journey.mjs";

/** Connects the API-key accounts and creates a deals-to-chatter integration by API. */
async function seedIntegration(page) {
  const acme = await api(page, "POST", "/apps/acme/accounts", { credentials: { type: "api_key", key: "acme-demo-key" } });
  const chatter = await api(page, "POST", "/apps/chatter/accounts", { credentials: { type: "api_key", key: "xoxb-demo-token" } });
  const made = await api(page, "POST", "/integrations", { flow: "deals-to-chatter", accounts: { acme: acme.body.id, chatter: chatter.body.id }, setup: { channel: "#wins" } });
  expect(made.status === 201, `seeded integration: ${JSON.stringify(made.body)}`);
  return made.body.integration;
}

export async function vetoAndManage({ demo, context }) {
  const page = await openHost(context, demo);
  const w = widget(page);
  const integration = await seedIntegration(page);
  // The host vetoes deletes.
  await page.evaluate(() => {
    window.__veto = true;
    document.addEventListener("junction:before-delete", (e) => { if (window.__veto) e.preventDefault(); });
  });
  await w.locator('button[data-nav="integrations"]').click();
  const row = w.locator(`[data-integration="${integration.id}"]`);
  await row.locator("button[data-delete]").click();
  await shot(page, "13-delete-confirm");
  await row.locator("button[data-confirm-delete]").click();
  await row.getByText("Not deleted: the page did not allow it.").waitFor();
  const still = await api(page, "GET", `/integrations/${integration.id}`);
  expect(still.status === 200, "a vetoed delete deletes nothing");
  expect(!(await events(page)).some((e) => e.name === "integration-deleted"), "no integration-deleted after a veto");

  // Turn off, then on.
  await row.getByRole("button", { name: "Turn off" }).click();
  await row.getByText("Off", { exact: true }).waitFor();
  expect((await api(page, "GET", `/integrations/${integration.id}`)).body.enabled === false, "disabled in the API");
  await row.getByRole("button", { name: "Turn on" }).click();
  await row.getByText("On", { exact: true }).waitFor();

  // Without the veto, delete deletes.
  await page.evaluate(() => { window.__veto = false; });
  await row.locator("button[data-delete]").click();
  await row.locator("button[data-confirm-delete]").click();
  await eventually(async () => (await api(page, "GET", `/integrations/${integration.id}`)).status === 404, "deleted in the API");
  const names = (await events(page)).map((e) => e.name).filter((n) => /integration-|before-(delete|disable|enable)/.test(n));
  expect(names.join() === "before-delete,before-disable,integration-disabled,before-enable,integration-enabled,before-delete,integration-deleted", `management events: ${names}`);
}

export async function modalTrapsFocus({ demo, context }) {
  const page = await openHost(context, demo);
  const opener = page.locator("#open-modal");
  await opener.click();
  const modal = page.locator("#modal");
  await modal.locator('[role="dialog"] .card').first().waitFor();
  await shot(page, "14-modal");
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press("Tab");
    const inside = await page.evaluate(() => document.activeElement?.id === "modal");
    expect(inside, `Tab ${i + 1} left the dialog: ${await focused(page)}`);
  }
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate(() => document.activeElement?.id === "modal"), "Shift+Tab stays in the dialog");
  }
  await page.keyboard.press("Escape");
  await eventually(async () => !(await modal.locator('[role="dialog"]').count()), "Esc closes the dialog");
  expect(await page.evaluate(() => document.activeElement?.id === "open-modal"), `focus returns to the opener: ${await focused(page)}`);
  const names = (await events(page, "modal")).map((e) => e.name);
  expect(names.includes("open") && names.includes("close"), `modal events: ${names}`);
}

export async function narrowLayout({ demo, context }) {
  const page = await openHost(context, demo);
  await page.setViewportSize({ width: 360, height: 780 });
  const w = widget(page);
  const check = async (label) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width <= 360, `${label}: the page scrolls sideways (${width} px wide)`);
  };
  await check("flows");
  await shot(page, "15-narrow-flows");
  await w.locator('.card[data-flow="contacts-to-mailbird"]').click();
  await w.getByRole("button", { name: "Set up" }).click();
  await w.getByText("Step 1 of 3").waitFor();
  await check("setup");
  await page.locator("#open-modal").click();
  const box = await page.locator("#modal").locator('[role="dialog"]').boundingBox();
  expect(box && box.width >= 355 && box.x <= 1, `the modal is a full-screen sheet at 360 px: ${JSON.stringify(box)}`);
  await shot(page, "16-narrow-modal");
}

export async function secondLocale({ demo, context }) {
  const page = await openHost(context, demo);
  const w = widget(page);
  await page.selectOption("#locale", "fr");
  await w.getByRole("button", { name: "Mes intégrations" }).waitFor();
  await w.getByRole("button", { name: "Mes intégrations" }).click();
  await w.getByText("Aucune intégration").waitFor();
  await seedIntegration(page);
  await w.evaluate((el) => el.refresh());
  await w.getByText("1 intégration", { exact: true }).waitFor();
  // Plural forms from Intl.PluralRules: French says "0 intégration" is singular too.
  const t = await w.evaluate((el) => [el.t("runs.tasks", { count: 0 }), el.t("runs.tasks", { count: 2 })]);
  expect(t[0] === "0 tâche" && t[1] === "2 tâches", `French plurals: ${t}`);
  // A host overrides a string.
  await w.evaluate((el) => { el.strings = { "nav.flows": "Catalogue" }; });
  await w.getByRole("button", { name: "Catalogue" }).waitFor();
  await shot(page, "17-french");
}

export async function accessibleViews({ demo, context }) {
  const page = await openHost(context, demo);
  const w = widget(page);
  const integration = await seedIntegration(page);
  await api(page, "POST", `/integrations/${integration.id}/blocks/deal_won/run`, { payload: {} }).catch(() => null);
  const views = [
    ["flows", {}], ["flow", { flow: "contacts-to-mailbird" }], ["apps", {}], ["app", { app: "mailbird" }],
    ["setup", { flow: "deals-to-chatter" }], ["integrations", {}], ["runs", { integration: integration.id }],
  ];
  const problems = [];
  for (const theme of ["light", "dark"]) {
    await w.evaluate((el, theme) => el.setAttribute("theme", theme), theme);
    for (const [view, params] of views) {
      await w.evaluate((el, [v, p]) => el.open(v, p), [view, params]);
      await w.locator(".view-title").waitFor();
      const result = await new AxeBuilder({ page }).include("#marketplace").analyze();
      for (const v of result.violations) {
        if (v.impact === "serious" || v.impact === "critical") problems.push(`${theme}/${view}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join("; ")}`);
      }
      if (theme === "dark") await shot(page, `18-dark-${view}`);
    }
  }
  expect(problems.length === 0, `axe found:\n${problems.join("\n")}`);
}

export async function loadFigures({ demo, context, figures }) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const page = await context.newPage();
    await page.addInitScript(() => {
      document.addEventListener("junction:ready", () => { window.__readyAt = performance.now(); });
    });
    await page.goto(`${demo.url}/`);
    await page.locator("#marketplace .card").first().waitFor();
    const flows = await page.evaluate(() => window.__readyAt);
    const form = await page.evaluate(async () => {
      const el = document.getElementById("marketplace");
      const start = performance.now();
      await el.setupIntegration("deals-to-chatter");
      return performance.now() - start;
    });
    await widget(page).getByText("Step 1 of 2").waitFor();
    const interactive = await page.evaluate(() => performance.now());
    runs.push({ flows, form, interactive });
    await page.close();
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  figures.push(`page load → flow list rendered: median ${median(runs.map((r) => r.flows)).toFixed(0)} ms over ${runs.length} loads`);
  figures.push(`"Set up" → setup form interactive: median ${median(runs.map((r) => r.form)).toFixed(0)} ms`);
}

export async function failuresOfferRetry({ demo, context }) {
  const page = await openHost(context, demo);
  const w = widget(page);
  // The API cannot be reached: an error with "Try again", never a blank box.
  await page.route("**/v1/integrations", (route) => route.abort("connectionrefused"));
  await w.locator('button[data-nav="integrations"]').click();
  await w.getByText("Junction cannot be reached. Check your connection.").waitFor();
  await shot(page, "19-offline");
  const error = (await events(page)).find((e) => e.name === "error");
  expect(error?.detail.status === 0 && error.detail.view === "integrations", `error event: ${JSON.stringify(error?.detail)}`);
  await page.unroute("**/v1/integrations");
  await w.getByRole("button", { name: "Try again" }).click();
  await w.getByText("No integration yet.").waitFor();

  // A refused identity: auth-failed, and the user is told.
  await w.evaluate((el) => { el.hash = "0".repeat(64); });
  await w.getByText("You could not be signed in to the marketplace.").waitFor();
  expect((await events(page)).some((e) => e.name === "auth-failed"), "auth-failed is emitted");
}

export async function pollHealthShown({ demo, context }) {
  const page = await openHost(context, demo);
  const w = widget(page);
  const mailbird = await connectMailbirdOnItsPage(page);
  const acme = await api(page, "POST", "/apps/acme/accounts", { credentials: { type: "api_key", key: "acme-demo-key" } });
  const made = await api(page, "POST", "/integrations", { flow: "unsubscribes-to-acme", accounts: { acme: acme.body.id, mailbird: mailbird.id }, setup: { list_id: "list_news" } });
  expect(made.status === 201, `unsubscribes integration: ${JSON.stringify(made.body)}`);
  const id = made.body.integration.id;
  // The server polls every 5 s; the first poll is due at once and takes the baseline.
  await eventually(async () => (await api(page, "GET", `/integrations/${id}`)).body.polls?.[0]?.status === "ok", "the first poll ran", 15000);
  await w.evaluate((el, id) => el.open("runs", { integration: id }), id);
  const line = w.locator('[data-poll="poll_unsubscribes"]');
  await line.waitFor();
  const text = await line.textContent();
  expect(/^Last checked .+; next check .+\.$/.test(text.trim()), `poll line: ${text}`);
  await shot(page, "19-poll-health");
}
