//! <junction-marketplace>: the embedded marketplace. Views, navigation, the modal
//! dialog, and the actions the views call; what it shows comes from JunctionClient.
import { LitElement, html, nothing } from "lit";
import { JunctionClient, JunctionError, errorAt } from "./client.js";
import { emit } from "./events.js";
import { translator } from "./strings.js";
import { styles } from "./styles.js";
import { renderApp, renderApps, renderFlow, renderFlows } from "./views/catalog.js";
import { renderSetup } from "./views/setup.js";
import { renderIntegrations, renderRun, renderRuns } from "./views/integrations.js";

const VIEWS = ["flows", "flow", "apps", "app", "setup", "integrations", "runs", "run"];
const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

export class JunctionMarketplace extends LitElement {
  static styles = styles;
  static properties = {
    api: { type: String },
    appKey: { type: String, attribute: "app-key" },
    userId: { type: String, attribute: "user-id" },
    hash: { type: String },
    // Instead of user-id and hash: a function returning an expiring identity token.
    credentials: { attribute: false },
    tags: { type: String },
    mode: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    locale: { type: String },
    view: { type: String },
    strings: { type: Object },
    open_: { type: Boolean, attribute: "open", reflect: true },
    data: { state: true },
    loading: { state: true },
    failure: { state: true },
    search: { state: true },
    setup: { state: true },
    accounts: { state: true },
    connecting: { state: true },
    confirming: { state: true },
    rowNotice: { state: true },
    announcement: { state: true },
  };

  constructor() {
    super();
    this.mode = "inline";
    this.theme = "auto";
    this.locale = "en";
    this.view = "flows";
    this.params = {};
    this.open_ = false;
    this.data = {};
    this.loading = true;
    this.accounts = {};
    this.connecting = {};
    this.errors = [];
    this.announcement = "";
  }

  get t() {
    if (this._tKey !== `${this.locale}|${this.strings ? "x" : ""}`) {
      this._t = translator(this.locale, this.strings || {});
      this._tKey = `${this.locale}|${this.strings ? "x" : ""}`;
    }
    return this._t;
  }

  get client() {
    const key = [this.api, this.appKey, this.userId, this.hash].join("|");
    if (this._clientKey !== key || this._clientCredentials !== this.credentials) {
      const signed = this.credentials ? { credentials: this.credentials } : { userId: this.userId, hash: this.hash };
      this._client = new JunctionClient({ api: this.api || location.origin, appKey: this.appKey, ...signed });
      this._clientCredentials = this.credentials;
      this._clientKey = key;
    }
    return this._client;
  }

  connectedCallback() {
    super.connectedCallback();
    this._onKey = (e) => this.onKey(e);
    this.addEventListener("keydown", this._onKey);
    if (!VIEWS.includes(this.view)) this.view = "flows";
    if (this.mode !== "modal") this.load().then(() => emit(this, "ready", { view: this.view }));
    else emit(this, "ready", { view: this.view });
  }

  updated(changed) {
    // A host that changes what the marketplace lists sees it at once.
    if (this._loadedOnce && (changed.has("tags") || changed.has("api") || changed.has("userId") || changed.has("hash"))) {
      this._apps = null;
      this.load({ quiet: true });
    }
    this._loadedOnce = this._loadedOnce || !this.loading;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.removeEventListener("keydown", this._onKey);
  }

  // ---- Public methods (each returns a Promise) ----

  /** Shows `view` (`flows`, `apps`, `integrations`, `flow`, `app`, `runs`, `run`); opens the dialog in modal mode. */
  async open(view = this.view, params = {}) {
    if (this.mode === "modal" && !this.open_) {
      this._restoreFocus = deepActive();
      this.open_ = true;
      emit(this, "open", { view });
    }
    await this.go(view, params);
  }

  /** Closes the dialog (modal mode) and gives focus back to where it was. */
  async close() {
    if (this.mode !== "modal" || !this.open_) return;
    this.open_ = false;
    emit(this, "close", {});
    await this.updateComplete;
    this._restoreFocus?.focus?.();
  }

  /** `account`: reconnect that account (OAuth) instead of adding one. */
  async connectAccount(app, { account } = {}) {
    const summary = await this.appSummary(app);
    if (!summary) throw new Error(`unknown app '${app}'`);
    if (summary.auth === "oauth2") return this.oauth(summary, account);
    this.connecting = { ...this.connecting, [app]: { state: "form" } };
    await this.updateComplete;
    this.renderRoot.querySelector(`#cred-${app}-${summary.auth === "basic" ? "username" : "key"}`)?.focus();
  }

  /** Opens the setup form of `flow`, with `values` filled in; `locked` lists fields the user may not change. */
  async setupIntegration(flow, { values = {}, locked = [] } = {}) {
    if (this.mode === "modal" && !this.open_) await this.open("setup", { flow, values, locked });
    else await this.go("setup", { flow, values, locked });
  }

  async editIntegration(id) {
    if (this.mode === "modal" && !this.open_) await this.open("setup", { integration: id });
    else await this.go("setup", { integration: id });
  }

  async refresh() {
    await this.load({ quiet: true });
  }

  // ---- Navigation and loading ----

  async go(view, params = {}) {
    if (!VIEWS.includes(view)) throw new Error(`unknown view '${view}' (one of ${VIEWS.join(", ")})`);
    const from = this.view;
    this.view = view;
    this.params = params;
    this.errors = [];
    this.confirming = null;
    this.rowNotice = null;
    emit(this, "view-change", { from, to: view, params: publicParams(params) });
    await this.load();
    await this.updateComplete;
    this.renderRoot.querySelector(".view-title")?.focus();
  }

  async load({ quiet = false } = {}) {
    const seq = (this._seq = (this._seq || 0) + 1);
    if (!quiet) this.loading = true;
    this.failure = null;
    try {
      const data = await this.fetchView(this.view, this.params);
      if (seq !== this._seq) return;
      this.data = data;
    } catch (e) {
      if (seq !== this._seq) return;
      this.failure = e;
      if (e instanceof JunctionError && e.status === 401) emit(this, "auth-failed", { message: e.message });
      else emit(this, "error", { view: this.view, status: e.status ?? 0, message: e.message });
    } finally {
      if (seq === this._seq) this.loading = false;
    }
  }

  async fetchView(view, p) {
    const c = this.client;
    switch (view) {
      case "flows":
        return { flows: await c.flows({ tags: this.tags }) };
      case "flow": {
        const [flows, integrations] = await Promise.all([c.flows({ tags: this.tags }), c.integrations()]);
        const summary = flows.find((f) => f.id === p.flow) || (await this.summaryOf(p.flow));
        return { summary, integrations: integrations.filter((i) => i.flow_id === p.flow) };
      }
      case "apps":
        return { apps: await c.apps({ tags: this.tags }) };
      case "app": {
        const [apps, flows] = await Promise.all([c.apps({ tags: this.tags }), c.flows({ tags: this.tags })]);
        const app = apps.find((a) => a.id === p.app);
        if (!app) throw new JunctionError(404, { title: `app '${p.app}' is not in this marketplace` });
        await this.loadAccounts(app.id);
        return { app, flows: flows.filter((f) => f.apps.some((a) => a.id === app.id)) };
      }
      case "setup":
        await this.prepareSetup(p);
        return {};
      case "integrations": {
        const [integrations, flows] = await Promise.all([c.integrations(), c.flows()]);
        const byId = Object.fromEntries(flows.map((f) => [f.id, f]));
        const appIds = [...new Set(integrations.flatMap((i) => Object.keys(i.accounts)))];
        const accountLists = await Promise.all(appIds.map((a) => c.accounts(a).catch(() => [])));
        const labels = {};
        for (const list of accountLists) for (const a of list) labels[a.id] = a.label;
        return { integrations, flows: byId, labels };
      }
      case "runs": {
        const [integration, page, usage] = await Promise.all([
          c.integration(p.integration), c.runs(p.integration, { limit: 20 }), c.usage().catch(() => null),
        ]);
        return { integration, runs: page.runs, next: page.next, usage };
      }
      case "run": {
        const run = await c.run(p.run);
        if (["queued", "running", "retrying"].includes(run.status)) this.pollRun(run.id);
        return { run };
      }
    }
    return {};
  }

  pollRun(id) {
    clearTimeout(this._poll);
    this._poll = setTimeout(() => {
      if (this.view === "run" && this.params.run === id) this.load({ quiet: true });
    }, 700);
  }

  async summaryOf(flowId) {
    const flows = await this.client.flows();
    const found = flows.find((f) => f.id === flowId);
    if (!found) throw new JunctionError(404, { title: `flow '${flowId}' is not published` });
    return found;
  }

  async appSummary(appId) {
    const apps = this._apps || (this._apps = await this.client.apps());
    return apps.find((a) => a.id === appId) || (this.setup?.apps || []).find((a) => a.id === appId);
  }

  async loadAccounts(appId) {
    const list = await this.client.accounts(appId);
    this.accounts = { ...this.accounts, [appId]: list };
    return list;
  }

  async moreRuns() {
    const page = await this.client.runs(this.params.integration, { limit: 20, before: this.data.next });
    this.data = { ...this.data, runs: [...this.data.runs, ...page.runs], next: page.next };
  }

  // ---- Accounts ----

  /** OAuth in a popup opened right here, in the click's own task, so no blocker stops it. */
  oauth(app, account) {
    const popup = window.open("", `junction-oauth-${app.id}`, "popup,width=520,height=700");
    if (!popup) {
      this.connecting = { ...this.connecting, [app.id]: { state: "blocked", account } };
      // The notice that offers "Continue" is an alert: screen readers hear it once.
      emit(this, "account-connect-failed", { app: app.id, code: "popup_blocked", message: this.t("popup.blocked", { app: app.name }) });
      return Promise.resolve(null);
    }
    this.connecting = { ...this.connecting, [app.id]: { state: "popup" } };
    return this.client.connectOAuth(app.id, popup, { account }).then(
      (connected) => this.connected(app, connected, { reconnected: Boolean(account) }),
      (e) => {
        const code = e.code === "error" ? "denied" : e.code;
        const key = { popup_closed: "popup.closed", denied: "popup.denied", timeout: "popup.timeout" }[code];
        const message = key ? `${this.t(key, { app: app.name })}${code === "denied" && e.message ? ` (${e.message})` : ""}` : e.message;
        this.connecting = { ...this.connecting, [app.id]: { message } };
        emit(this, "account-connect-failed", { app: app.id, code, message });
        this.announce(message);
        return null;
      },
    );
  }

  async submitCredentials(app, credentials) {
    this.connecting = { ...this.connecting, [app.id]: { state: "form", busy: true } };
    try {
      const account = await this.client.connect(app.id, credentials);
      return await this.connected(app, account);
    } catch (e) {
      const message = e.fieldError?.("credentials") || e.message;
      this.connecting = { ...this.connecting, [app.id]: { state: "form", error: message } };
      const code = e.status === 422 || e.status === 400 ? "invalid_credentials" : e.status === 0 ? "offline" : "error";
      emit(this, "account-connect-failed", { app: app.id, code, message });
      await this.updateComplete;
      this.renderRoot.querySelector(`#cred-${app.id}-${app.auth === "basic" ? "username" : "key"}`)?.focus();
      return null;
    }
  }

  async connected(app, account, { reconnected = false } = {}) {
    this.connecting = { ...this.connecting, [app.id]: {} };
    await this.loadAccounts(app.id);
    if (this.setup) this.chooseAccount(app.id, account.id);
    emit(this, "account-connected", { app: app.id, account: { id: account.id, label: account.label, status: account.status }, reconnected });
    this.announce(this.t("account.connected", { label: account.label }));
    this._apps = null;
    return account;
  }

  cancelConnect(appId) {
    this.connecting = { ...this.connecting, [appId]: {} };
  }

  /** Asks inline before disconnecting `id`; `null` cancels, and focus goes back to `back`'s button. */
  async askDisconnect(id, back = id) {
    this.confirming = id ? `account:${id}` : null;
    await this.updateComplete;
    this.renderRoot.querySelector(id ? "[data-confirm-disconnect]" : `[data-disconnect="${back}"]`)?.focus();
  }

  async disconnect(app, account) {
    this.confirming = null;
    try {
      await this.client.disconnect(account.id);
      await this.loadAccounts(app.id);
      emit(this, "account-disconnected", { app: app.id, account: { id: account.id, label: account.label } });
    } catch (e) {
      this.connecting = { ...this.connecting, [app.id]: { message: e.message } };
    }
  }

  // ---- Setup form ----

  async prepareSetup({ flow, integration, values = {}, locked = [] }) {
    let existing = null;
    if (integration) {
      existing = await this.client.integration(integration);
      flow = existing.flow_id;
      values = existing.setup;
    }
    const [detail, summary] = await Promise.all([this.client.flow(flow), this.summaryOf(flow)]);
    const form = this.client.form(detail.flow, values);
    const apps = summary.apps;
    await Promise.all(apps.filter((a) => a.auth !== "none").map((a) => this.loadAccounts(a.id)));
    const accounts = {};
    for (const a of apps) {
      const list = this.accounts[a.id] || [];
      if (existing?.accounts[a.id]) accounts[a.id] = existing.accounts[a.id];
      else if (list.length === 1) accounts[a.id] = list[0].id;
    }
    const pages = [];
    if (apps.some((a) => a.auth !== "none") && !existing) pages.push({ title: this.t("setup.accounts"), accounts: true, fields: [] });
    for (const [i, page] of form.pages.entries()) pages.push({ ...page, index: i });
    if (pages.length === 0) pages.push({ title: detail.flow.name, fields: [] });
    this.setup = { flow: detail.flow, apps, form, pages, page: 0, accounts, options: {}, integration: existing, locked, notice: null };
    this.pageEntered();
  }

  chooseAccount(appId, accountId) {
    const s = this.setup;
    s.accounts = { ...s.accounts, [appId]: accountId };
    // Options of the app's fields came from the other account: load them again.
    for (const f of s.form.fields) if (f.source?.app === appId) delete s.options[f.id];
    this.errors = this.errors.filter((e) => e.path !== `accounts.${appId}`);
    if (this.errors.length === 0) s.notice = null;
    this.requestUpdate();
  }

  setValue(id, value) {
    const s = this.setup;
    const stale = s.form.set(id, value);
    for (const f of stale) delete s.options[f];
    this.errors = this.errors.filter((e) => e.path !== `setup.${id}`);
    if (this.errors.length === 0) s.notice = null;
    this.requestUpdate();
    for (const f of stale) if (this.onPage(f)) this.loadOptions(f);
  }

  onPage(fieldId) {
    return this.setup.pages[this.setup.page]?.fields.some((f) => f.id === fieldId);
  }

  pageEntered() {
    const s = this.setup;
    const page = s.pages[s.page];
    emit(this, "setup-page", { flow: s.flow.id, page: s.page, pages: s.pages.length, title: page.title });
    for (const f of page.fields) if (f.source && !s.options[f.id] && s.form.ready(f.id)) this.loadOptions(f.id);
  }

  async loadOptions(fieldId, { more = false } = {}) {
    const s = this.setup;
    const f = s.form.field(fieldId);
    if (!f?.source || !s.form.ready(fieldId)) return;
    const prev = s.options[fieldId] || {};
    const seq = (prev.seq || 0) + 1;
    s.options[fieldId] = { ...prev, seq, loading: true, error: null, ...(more ? {} : { options: [], next: null }) };
    this.requestUpdate();
    try {
      const page = await this.client.options(s.flow.id, fieldId, {
        accounts: s.accounts, setup: s.form.inputsOf(fieldId), search: prev.search, cursor: more ? prev.next : undefined,
      });
      if (s.options[fieldId]?.seq !== seq || this.setup !== s) return;
      const options = more ? [...(s.options[fieldId].options || []), ...page.options] : page.options;
      s.options[fieldId] = { ...s.options[fieldId], options, next: page.next || null, loading: false };
      if (f.type === "field_mapping" && !page.next) s.form.keepTargets(fieldId, options);
    } catch (e) {
      if (s.options[fieldId]?.seq !== seq) return;
      s.options[fieldId] = { ...s.options[fieldId], loading: false, error: e.message };
    }
    this.requestUpdate();
  }

  searchOptions(fieldId, search) {
    const s = this.setup;
    s.options[fieldId] = { ...(s.options[fieldId] || {}), search };
    clearTimeout(this._searchTimer);
    this._searchTimer = setTimeout(() => this.loadOptions(fieldId), 250);
  }

  setupBack() {
    const s = this.setup;
    if (s.page > 0) {
      s.page -= 1;
      s.notice = null;
      this.requestUpdate();
      this.pageEntered();
      this.focusTitle();
    }
  }

  async setupNext() {
    const s = this.setup;
    const page = s.pages[s.page];
    const problems = page.accounts
      ? s.apps.filter((a) => a.auth !== "none" && !s.accounts[a.id]).map((a) => ({ path: `accounts.${a.id}`, message: this.t("setup.requiredError") }))
      : s.form.missing(page.index, this.t("setup.requiredError"));
    if (problems.length) return this.showErrors(problems);
    if (s.page < s.pages.length - 1) {
      s.page += 1;
      s.notice = null;
      this.errors = [];
      this.requestUpdate();
      this.pageEntered();
      return this.focusTitle();
    }
    return this.save();
  }

  async save() {
    const s = this.setup;
    const values = s.form.submission();
    const detail = { flow: s.flow.id, integration: s.integration?.id ?? null, values, accounts: s.accounts };
    if (!emit(this, "before-save", detail, { cancelable: true })) {
      s.notice = this.t("setup.vetoed");
      this.requestUpdate();
      return null;
    }
    s.busy = true;
    this.requestUpdate();
    try {
      let integration;
      if (s.integration) {
        integration = await this.client.updateIntegration(s.integration.id, { setup: values });
        emit(this, "integration-updated", { integration: brief(integration) });
        this.announce(this.t("integration.updated", { name: integration.name }));
      } else {
        ({ integration } = await this.client.createIntegration({ flow: s.flow.id, accounts: s.accounts, setup: values }));
        emit(this, "integration-created", { integration: brief(integration) });
        this.announce(this.t("integration.created", { name: integration.name }));
      }
      this.setup = null;
      await this.go("integrations");
      return integration;
    } catch (e) {
      s.busy = false;
      if (e.errors?.length) return this.showErrors(e.errors.map((p) => ({ ...p, path: p.path || "" })));
      s.notice = e.message;
      this.requestUpdate();
      return null;
    }
  }

  async showErrors(problems) {
    const s = this.setup;
    this.errors = problems;
    emit(this, "validation-error", { flow: s.flow.id, errors: problems });
    // Go to the first page that holds a named field.
    const at = s.pages.findIndex((p) => problems.some((e) => (p.accounts && e.path.startsWith("accounts.")) || p.fields.some((f) => e.path === `setup.${f.id}` || e.path.startsWith(`setup.${f.id}.`))));
    if (at >= 0 && at !== s.page) {
      s.page = at;
      this.pageEntered();
    }
    s.notice = this.t("setup.fix", { count: problems.length });
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector('[aria-invalid="true"], .field .error[role="alert"]')?.closest(".field")?.querySelector("input, select")?.focus();
    return null;
  }

  fieldError(path) {
    return errorAt(this.errors || [], path);
  }

  cancelSetup() {
    const flow = this.setup?.flow?.id;
    const editing = this.setup?.integration;
    this.setup = null;
    return editing ? this.go("integrations") : this.go("flow", { flow });
  }

  // ---- Integrations ----

  async toggleIntegration(i) {
    const enabling = !i.enabled;
    const name = enabling ? "before-enable" : "before-disable";
    if (!emit(this, name, { integration: brief(i) }, { cancelable: true })) {
      this.rowNotice = { id: i.id, text: enabling ? this.t("setup.vetoed") : this.t("veto.disable") };
      return;
    }
    try {
      const updated = await this.client.updateIntegration(i.id, { enabled: enabling });
      emit(this, enabling ? "integration-enabled" : "integration-disabled", { integration: brief(updated) });
      this.announce(`${updated.name}: ${this.t(enabling ? "integration.enabled" : "integration.disabled")}`);
      await this.load({ quiet: true });
    } catch (e) {
      this.rowNotice = { id: i.id, text: e.message };
    }
  }

  async askDelete(id) {
    this.confirming = id;
    await this.updateComplete;
    this.renderRoot.querySelector(id ? "[data-confirm-delete]" : ".view-title")?.focus();
  }

  async deleteIntegration(i) {
    this.confirming = null;
    if (!emit(this, "before-delete", { integration: brief(i) }, { cancelable: true })) {
      this.rowNotice = { id: i.id, text: this.t("veto.delete") };
      return;
    }
    try {
      await this.client.deleteIntegration(i.id);
      emit(this, "integration-deleted", { integration: brief(i) });
      this.announce(this.t("integration.deleted", { name: i.name }));
      await this.load({ quiet: true });
      this.focusTitle();
    } catch (e) {
      this.rowNotice = { id: i.id, text: e.message };
    }
  }

  // ---- Rendering ----

  announce(text) {
    // Cleared first so the same message is announced again.
    this.announcement = "";
    requestAnimationFrame(() => { this.announcement = text; });
  }

  async focusTitle() {
    await this.updateComplete;
    this.renderRoot.querySelector(".view-title")?.focus();
  }

  when(iso) {
    try {
      return new Intl.DateTimeFormat(this.locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
    } catch {
      return iso;
    }
  }

  onKey(e) {
    if (this.mode !== "modal" || !this.open_) return;
    if (e.key === "Escape") {
      e.preventDefault();
      this.close();
    } else if (e.key === "Tab") {
      const items = [...this.renderRoot.querySelectorAll(FOCUSABLE)].filter((n) => !n.disabled && n.offsetParent !== null);
      if (items.length === 0) return;
      const first = items[0];
      const last = items[items.length - 1];
      const active = this.renderRoot.activeElement;
      if (e.shiftKey && (active === first || !active)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (active === last || !active)) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  render() {
    const t = this.t;
    const body = html`
      <div class="frame ${this.mode === "modal" ? "dialog" : ""}" part="frame"
        role=${this.mode === "modal" ? "dialog" : "region"} aria-modal=${this.mode === "modal" ? "true" : nothing}
        aria-label=${t("nav.flows")} lang=${this.locale}>
        <header part="header">
          <nav aria-label=${t("nav.label")} part="nav">
            ${["flows", "apps", "integrations"].map((v) => html`<button data-nav=${v} part="tab"
              aria-current=${this.section() === v ? "page" : nothing} @click=${() => this.go(v)}>${t(`nav.${v}`)}</button>`)}
          </nav>
          ${this.mode === "modal" ? html`<button class="close" aria-label=${t("close")} @click=${() => this.close()}>✕</button>` : nothing}
        </header>
        <div class="sr" role="status" aria-live="polite">${this.announcement}</div>
        <main aria-busy=${this.loading ? "true" : "false"}>${this.renderView()}</main>
      </div>`;
    if (this.mode === "modal") {
      return this.open_ ? html`<div class="backdrop" part="backdrop" @click=${(e) => { if (e.target === e.currentTarget) this.close(); }}>${body}</div>` : nothing;
    }
    return body;
  }

  section() {
    if (["flows", "flow", "setup"].includes(this.view)) return "flows";
    if (["apps", "app"].includes(this.view)) return "apps";
    return "integrations";
  }

  renderView() {
    const t = this.t;
    if (this.loading) {
      return html`<p class="sr">${t("loading")}</p><div class="skeleton" aria-hidden="true" part="skeleton"><div></div><div></div><div></div></div>`;
    }
    if (this.failure) {
      const e = this.failure;
      const text = e.status === 0 ? t("error.offline") : e.status === 401 ? t("error.auth") : t("error.title");
      return html`<div class="notice" role="alert" part="error">
        <p><strong>${text}</strong></p>${e.status !== 0 && e.message ? html`<p class="muted">${e.message}</p>` : nothing}
        <button class="primary" part="primary" @click=${() => this.load()}>${t("retry")}</button></div>`;
    }
    switch (this.view) {
      case "flows": return renderFlows(this);
      case "flow": return renderFlow(this);
      case "apps": return renderApps(this);
      case "app": return renderApp(this);
      case "setup": return this.setup ? renderSetup(this) : nothing;
      case "integrations": return renderIntegrations(this);
      case "runs": return renderRuns(this);
      case "run": return renderRun(this);
    }
    return nothing;
  }
}

function brief(i) {
  return { id: i.id, flow: i.flow_id, name: i.name, enabled: i.enabled };
}

function publicParams(p) {
  const out = {};
  for (const k of ["flow", "app", "integration", "run"]) if (p[k]) out[k] = p[k];
  return out;
}

function deepActive() {
  let a = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}
