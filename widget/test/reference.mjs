// The rendered API reference at /docs: it reads the server's own OpenAPI document and
// loads nothing from another origin (Redoc's footer logo is refused by the page's CSP).
import { expect, shot } from "./harness.mjs";

export async function referenceRendersOffline({ demo, context }) {
  const page = await context.newPage();
  const origin = new URL(demo.url).origin;
  // Nothing outside this machine answers, so a request to another origin fails either
  // way: what matters is that the browser never sent it (blocked by the CSP).
  const foreign = (r) => { const url = new URL(r.url()); return url.protocol.startsWith("http") && url.origin !== origin; };
  const fetchedElsewhere = [];
  page.on("requestfinished", (r) => { if (foreign(r)) fetchedElsewhere.push(r.url()); });
  page.on("requestfailed", (r) => {
    if (foreign(r) && !["csp", "net::ERR_BLOCKED_BY_CSP"].includes(r.failure()?.errorText)) fetchedElsewhere.push(`${r.url()} (${r.failure()?.errorText})`);
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${demo.url}/docs`);
  await page.getByRole("heading", { name: /Junction API/ }).first().waitFor({ timeout: 20000 });
  // An operation of the document is there, with its request body.
  await page.getByText("Create an integration").first().waitFor();
  expect(fetchedElsewhere.length === 0, `fetched from elsewhere: ${fetchedElsewhere.join(", ")}`);
  expect(errors.length === 0, `page errors: ${errors.join("; ")}`);
  await shot(page, "20-api-reference");
  await page.close();
}
