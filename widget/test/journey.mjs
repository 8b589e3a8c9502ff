// The whole journey by mouse, the same setup by keyboard only, and the connect paths.
import { api, eventually, events, expect, focused, openHost, shot, tabTo, widget } from "./harness.mjs";

/** Connects Mailbird through the popup's consent page; returns the popup's state. */
export async function connectMailbird(page, { allow = true } = {}) {
  const popupOpened = page.waitForEvent("popup");
  await widget(page).locator('button[data-connect="mailbird"]').click();
  const popup = await popupOpened;
  await popup.waitForURL(/oauth\/authorize/);
  const state = new URL(popup.url()).searchParams.get("state");
  await popup.getByRole("button", { name: allow ? "Allow" : "Deny" }).click();
  return state;
}

/** Opens Mailbird's page in the widget and connects it there; returns the account. */
export async function connectMailbirdOnItsPage(page) {
  const w = widget(page);
  await page.evaluate(() => document.getElementById("marketplace").open("app", { app: "mailbird" }));
  await w.getByRole("heading", { name: "Mailbird" }).first().waitFor();
  await connectMailbird(page);
  await w.getByText("Demo Newsletter Co", { exact: true }).waitFor();
  const [account] = (await api(page, "GET", "/apps/mailbird/accounts")).body.accounts;
  return account;
}

export async function journeyByMouse({ demo, context, figures }) {
  const page = await openHost(context, demo);
  const w = widget(page);
  await shot(page, "01-flows");
  // Filtered by tag: only marketing flows once the host asks for them.
  await page.evaluate(() => document.getElementById("marketplace").setAttribute("tags", "marketing"));
  await eventually(async () => (await w.locator(".card").count()) === 2, "tags=marketing lists 2 flows");
  const names = await w.locator(".card .title").allTextContents();
  expect(names.includes("Send new contacts to Mailbird") && names.includes("Mark Mailbird unsubscribes in Acme"), `marketing flows: ${names}`);
  // Search narrows the list.
  await w.getByPlaceholder("Search flows").fill("unsub");
  await eventually(async () => (await w.locator(".card").count()) === 1, "search keeps one flow");
  await w.getByPlaceholder("Search flows").fill("");

  await w.locator('.card[data-flow="contacts-to-mailbird"]').click();
  await w.getByRole("heading", { name: "Send new contacts to Mailbird" }).waitFor();
  await shot(page, "02-flow");
  await w.getByRole("button", { name: "Set up" }).click();

  // Accounts: Acme by API key, Mailbird by OAuth in a popup.
  await w.locator('button[data-connect="acme"]').click();
  await w.getByLabel("Acme API key").fill("acme-demo-key");
  await shot(page, "03-connect-api-key");
  await w.getByRole("button", { name: "Connect", exact: true }).click();
  await w.getByRole("radio", { name: /Acme Demo Co/ }).waitFor();
  expect(await w.getByRole("radio", { name: /Acme Demo Co/ }).isChecked(), "the new Acme account is chosen");
  await connectMailbird(page);
  await w.getByRole("radio", { name: /Demo Newsletter Co/ }).waitFor();
  expect(await w.getByRole("radio", { name: /Demo Newsletter Co/ }).isChecked(), "the new Mailbird account is chosen");
  await shot(page, "04-accounts");
  await w.getByRole("button", { name: "Next" }).click();

  // Page 1: the list (a dynamic dropdown), then the mapping that depends on it.
  const list = w.locator("#f-list_id");
  await eventually(async () => (await list.locator("option").count()) > 1, "the Mailbird lists load");
  expect(await w.locator('[data-field="merge_fields"]').getByText("Choose Mailbird list first.").isVisible(), "the mapping waits for its list");
  // Next with nothing chosen: the required list says so at the field.
  await w.getByRole("button", { name: "Next" }).click();
  await w.locator('[data-field="list_id"] .error').getByText("This field is required.").waitFor();
  await list.selectOption({ label: "Newsletter" });
  await w.locator("table.mapping").waitFor();
  const targets = await w.locator("table.mapping tbody th").allTextContents();
  expect(targets.length >= 2, `mapping targets: ${targets}`);
  // The flow's default mapping is there; map one more target by its label.
  expect(await w.getByLabel("First name", { exact: true }).inputValue() === "first_name", "the default mapping is filled in");
  await w.getByLabel("Company", { exact: true }).selectOption({ label: "Plan" });
  await shot(page, "05-setup-page-1");
  await w.getByRole("button", { name: "Next" }).click();

  // Page 2: defaults are there; turn it on.
  await w.getByText("Only contacts on these plans").waitFor();
  expect(await w.getByRole("checkbox", { name: "Pro" }).isChecked(), "the default plans are ticked");
  await shot(page, "06-setup-page-2");
  await w.getByRole("button", { name: "Turn on" }).click();
  await w.getByRole("heading", { name: "My integrations" }).waitFor();
  await w.locator("[data-integration]").first().waitFor();
  const { body } = await api(page, "GET", "/integrations");
  const created = body.integrations.find((i) => i.flow_id === "contacts-to-mailbird");
  expect(created, "the integration exists in the API");
  expect(created.setup.list_id === "list_news", `list_id saved: ${JSON.stringify(created.setup)}`);
  const sorted = (o) => JSON.stringify(Object.fromEntries(Object.entries(o).sort()));
  expect(sorted(created.setup.merge_fields) === sorted({ FNAME: "first_name", LNAME: "last_name", COMPANY: "plan" }), `mapping saved: ${JSON.stringify(created.setup.merge_fields)}`);
  await shot(page, "07-integrations");

  // Something happens in Acme: the host's backend sends the app event; a run appears.
  await page.getByRole("button", { name: "Create a contact" }).click();
  await page.getByText(/Sent contact.created: [1-9]\d* runs? queued/).waitFor();
  await w.locator(`[data-integration="${created.id}"]`).getByRole("button", { name: "Runs" }).click();
  await eventually(async () => {
    await w.evaluate((el) => el.refresh());
    return (await w.locator("[data-run]").count()) > 0;
  }, "a run is listed");
  await shot(page, "08-runs");
  await w.locator("[data-run]").first().getByRole("button", { name: "Steps" }).click();
  await eventually(async () => (await w.locator(".badge").first().textContent()).includes("Succeeded"), "the run succeeds", 15000);
  const steps = await w.locator(".steps li").allTextContents();
  expect(steps.some((s) => /POST http:\/\/127\.0\.0\.1:\d+\/demo\/apps\/mailbird\/api\/lists\/list_news\/members → 20\d/.test(s)), `the step log shows the Mailbird call: ${steps.join(" | ")}`);
  await shot(page, "09-run");
  expect(!page.errors?.length, `no page errors: ${page.errors}`);

  // The events the host received, in order, with their detail.
  const seen = (await events(page)).map((e) => e.name);
  const order = ["ready", "view-change", "setup-page", "account-connected", "account-connected", "setup-page", "validation-error", "setup-page", "before-save", "integration-created"];
  let at = 0;
  for (const name of seen) if (name === order[at]) at += 1;
  expect(at === order.length, `events in order ${order.join(",")}; got ${seen.join(",")}`);
  const all = await events(page);
  const connected = all.filter((e) => e.name === "account-connected").map((e) => e.detail.app);
  expect(connected.join() === "acme,mailbird", `account-connected details: ${connected}`);
  const createdEvent = all.find((e) => e.name === "integration-created");
  expect(createdEvent.detail.version === 1 && createdEvent.detail.integration.id === created.id, `integration-created detail: ${JSON.stringify(createdEvent.detail)}`);
  expect(all.find((e) => e.name === "before-save").cancelable, "before-save is cancelable");
  figures.push(`journey: ${seen.length} events, ${steps.length} steps in the run log`);
}

export async function setupByKeyboard({ demo, context }) {
  const page = await openHost(context, demo);
  const w = widget(page);
  await page.locator("body").click({ position: { x: 2, y: 2 } });
  await tabTo(page, /data-flow|deals-to-chatter/);
  await tabTo(page, /deals-to-chatter/);
  await page.keyboard.press("Enter");
  await w.getByRole("heading", { name: "Announce won deals in Chatter" }).waitFor();
  await tabTo(page, /\|Set up\|/);
  await page.keyboard.press("Enter");
  await w.getByText("Step 1 of 2").waitFor();
  // Connect both apps with the keyboard: Enter on "Connect", type, Enter submits.
  for (const [app, key] of [["acme", "acme-demo-key"], ["chatter", "xoxb-demo-token"]]) {
    await tabTo(page, new RegExp(`\\|${app}$`));
    await page.keyboard.press("Enter");
    await eventually(async () => (await focused(page)).startsWith(`input#cred-${app}-key`), `focus moves to the ${app} key`);
    await page.keyboard.type(key);
    await page.keyboard.press("Enter");
    await w.locator(`[data-app="${app}"] input[type="radio"]`).waitFor();
  }
  await tabTo(page, /\|Next\|/);
  await page.keyboard.press("Enter");
  await w.getByText("Step 2 of 2").waitFor();
  await tabTo(page, /input#f-channel/);
  await page.keyboard.press("Control+A");
  await page.keyboard.type("#wins");
  await tabTo(page, /input#f-big_deal/);
  await page.keyboard.press("Control+A");
  await page.keyboard.type("5000");
  await tabTo(page, /\|Turn on\|/);
  await page.keyboard.press("Enter");
  await w.getByRole("heading", { name: "My integrations" }).waitFor();
  const { body } = await api(page, "GET", "/integrations");
  const made = body.integrations.find((i) => i.flow_id === "deals-to-chatter");
  expect(made && made.setup.channel === "#wins" && made.setup.big_deal === 5000, `created by keyboard: ${JSON.stringify(made?.setup)}`);
  expect(/h2#\|My integrations/.test(await focused(page)), `focus lands on the view's title: ${await focused(page)}`);
}

export async function errorsAtTheirFields({ demo, context }) {
  const page = await openHost(context, demo);
  const w = widget(page);
  await w.locator('.card[data-flow="deals-to-chatter"]').click();
  await w.getByRole("button", { name: "Set up" }).click();
  await w.locator('button[data-connect="acme"]').click();
  await w.getByLabel("Acme API key").fill("not-the-key");
  await w.getByRole("button", { name: "Connect", exact: true }).click();
  const error = w.locator("#cred-acme-error");
  await error.getByText("This key is not valid").waitFor();
  expect((await w.getByLabel("Acme API key").getAttribute("aria-invalid")) === "true", "the key field is marked invalid");
  expect((await w.getByLabel("Acme API key").getAttribute("aria-describedby")).includes("cred-acme-error"), "the key field is described by its error");
  await shot(page, "10-key-refused");
  const failed = (await events(page)).find((e) => e.name === "account-connect-failed");
  expect(failed?.detail.code === "invalid_credentials" && failed.detail.app === "acme", `account-connect-failed: ${JSON.stringify(failed?.detail)}`);

  // A value the server refuses shows at the field it names, on its page.
  await w.getByLabel("Acme API key").fill("acme-demo-key");
  await w.getByRole("button", { name: "Connect", exact: true }).click();
  await w.locator('button[data-connect="chatter"]').click();
  await w.getByLabel("Bot token").fill("xoxb-demo-token");
  await w.getByRole("button", { name: "Connect", exact: true }).click();
  await w.locator('[data-app="chatter"] input[type="radio"]').waitFor();
  await w.getByRole("button", { name: "Next" }).click();
  await w.getByLabel("Chatter channel").fill("");
  await w.getByRole("button", { name: "Turn on" }).click();
  await w.locator('[data-field="channel"] .error').getByText("This field is required.").waitFor();
  await w.getByLabel("Chatter channel").fill("#wins");
  // The host pre-fills a value the server refuses (the form sends what it is given).
  await w.evaluate((el) => { el.setup.form.values.big_deal = "lots"; });
  await w.getByRole("button", { name: "Turn on" }).click();
  const serverError = w.locator('[data-field="big_deal"] .error');
  await eventually(async () => ((await serverError.textContent()) || "").trim().length > 0, "the server's error shows at big_deal");
  const text = await serverError.textContent();
  expect(/number/i.test(text), `big_deal error names the problem: ${text}`);
  await shot(page, "11-server-error");
  const v = (await events(page)).filter((e) => e.name === "validation-error").pop();
  expect(v.detail.errors.some((e) => e.path === "setup.big_deal"), `validation-error detail: ${JSON.stringify(v.detail)}`);
}

export async function popupBlocked({ demo, context }) {
  // The page denies the first window.open, as a popup blocker does.
  const page = await openHost(context, demo, {
    init: () => {
      const open = window.open.bind(window);
      let blocked = false;
      window.open = (...args) => (blocked ? open(...args) : ((blocked = true), null));
    },
  });
  const w = widget(page);
  await w.locator('.card[data-flow="unsubscribes-to-acme"]').click();
  await w.getByRole("button", { name: "Set up" }).click();
  await w.locator('button[data-connect="mailbird"]').click();
  await w.locator("p").getByText("Your browser blocked the Mailbird window.").waitFor();
  await shot(page, "12-popup-blocked");
  const failed = (await events(page)).find((e) => e.name === "account-connect-failed");
  expect(failed?.detail.code === "popup_blocked", `popup_blocked event: ${JSON.stringify(failed?.detail)}`);
  const popupOpened = page.waitForEvent("popup");
  await w.getByRole("button", { name: "Continue to Mailbird" }).click();
  const popup = await popupOpened;
  await popup.getByRole("button", { name: "Allow" }).click();
  await w.getByRole("radio", { name: /Demo Newsletter Co/ }).waitFor();
}

export async function forgedMessageIgnored({ demo, context }) {
  const page = await openHost(context, demo);
  const w = widget(page);
  await w.locator('.card[data-flow="unsubscribes-to-acme"]').click();
  await w.getByRole("button", { name: "Set up" }).click();
  const popupOpened = page.waitForEvent("popup");
  await w.locator('button[data-connect="mailbird"]').click();
  const popup = await popupOpened;
  await popup.waitForURL(/oauth\/authorize/);
  const state = new URL(popup.url()).searchParams.get("state");
  // Another origin (localhost is not 127.0.0.1) that the page opened forges the answer.
  const other = demo.url.replace("127.0.0.1", "localhost");
  const forgerOpened = page.waitForEvent("popup");
  await page.evaluate((u) => window.open(u, "forger"), `${other}/health`);
  const forger = await forgerOpened;
  await forger.waitForLoadState();
  await forger.evaluate((state) => window.opener.postMessage({ type: "junction:oauth", status: "connected", state, account: { id: "acc_forged", app_id: "mailbird", label: "Forged", status: "active" } }, "*"), state);
  // And the right origin with the wrong state is ignored too.
  await popup.evaluate(() => window.opener.postMessage({ type: "junction:oauth", status: "connected", state: "ws.wrong", account: { id: "acc_forged2", label: "Forged 2" } }, "*"));
  await page.waitForTimeout(500);
  expect(!(await events(page)).some((e) => e.name === "account-connected"), "no account-connected from forged messages");
  expect(await w.getByText("Waiting for Mailbird").isVisible(), "still waiting for the real answer");
  await popup.getByRole("button", { name: "Allow" }).click();
  await w.getByRole("radio", { name: /Demo Newsletter Co/ }).waitFor();
  const connected = (await events(page)).filter((e) => e.name === "account-connected");
  expect(connected.length === 1 && connected[0].detail.account.id !== "acc_forged", `only the real account: ${JSON.stringify(connected)}`);
}

/** An account whose grant the app revoked: Reconnect renews it in place; Disconnect asks inline. */
export async function reconnectAndDisconnect({ demo, context }) {
  const page = await openHost(context, demo);
  const w = widget(page);
  const account = await connectMailbirdOnItsPage(page);

  // Mailbird revokes the grant; the next call to it finds out, and the account says so.
  await page.getByRole("button", { name: "Revoke Mailbird access" }).click();
  await page.getByText(/Mailbird revoked/).waitFor();
  const refused = await api(page, "POST", "/flows/contacts-to-mailbird/fields/list_id/options", { accounts: { mailbird: account.id }, setup: {} });
  expect(refused.status >= 400, `a call with the revoked grant fails: ${JSON.stringify(refused)}`);
  await page.evaluate(() => document.getElementById("marketplace").refresh());
  await w.getByText("Needs to be reconnected").waitFor();
  await shot(page, "17-needs-reconnect");

  const popupOpened = page.waitForEvent("popup");
  await w.locator(`button[data-reconnect="${account.id}"]`).click();
  const popup = await popupOpened;
  await popup.waitForURL(/oauth\/authorize/);
  await popup.getByRole("button", { name: "Allow" }).click();
  await eventually(async () => !(await w.getByText("Needs to be reconnected").count()), "the badge goes once reconnected");
  const after = (await api(page, "GET", "/apps/mailbird/accounts")).body.accounts;
  expect(after.length === 1 && after[0].id === account.id && after[0].status === "active", `renewed in place: ${JSON.stringify(after)}`);
  const connected = (await events(page)).filter((e) => e.name === "account-connected").map((e) => e.detail.reconnected);
  expect(connected.join() === "false,true", `account-connected reconnected flags: ${connected}`);
  const works = await api(page, "POST", "/flows/contacts-to-mailbird/fields/list_id/options", { accounts: { mailbird: account.id }, setup: {} });
  expect(works.status === 200, `the renewed account works: ${JSON.stringify(works)}`);

  // Disconnect asks first, inline; Cancel gives focus back to the button.
  await w.locator(`button[data-disconnect="${account.id}"]`).click();
  const confirm = w.locator("[data-confirm-disconnect]");
  await confirm.waitFor();
  expect(await w.getByRole("alertdialog").isVisible(), "the question is an alertdialog");
  expect((await focused(page)).includes("Disconnect"), `focus on the confirming button: ${await focused(page)}`);
  await shot(page, "18-disconnect-confirm");
  await w.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
  await eventually(async () => (await focused(page)).includes("Disconnect"), "focus back on Disconnect after Cancel");
  expect((await api(page, "GET", "/apps/mailbird/accounts")).body.accounts.length === 1, "Cancel disconnects nothing");
  await w.locator(`button[data-disconnect="${account.id}"]`).click();
  await w.locator("[data-confirm-disconnect]").click();
  await eventually(async () => (await api(page, "GET", "/apps/mailbird/accounts")).body.accounts.length === 0, "disconnected in the API");
  await eventually(async () => (await events(page)).some((e) => e.name === "account-disconnected" && e.detail.account.id === account.id), "account-disconnected emitted");
}
