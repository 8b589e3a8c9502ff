//! JunctionClient: the marketplace API for a browser, with the rules a UI needs
//! (signed identity, problem+json errors by field, the OAuth popup, setup-form state).
// The <junction-marketplace> element is built on it; a host that wants its own UI
// uses the same tested logic.

/** An API answer that is not a success: `status`, `type`, `title` and `errors` by field. */
export class JunctionError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = "JunctionError";
    this.status = status;
    this.type = problem.type || "about:blank";
    this.title = problem.title || "";
    /** @type {{path: string, message: string}[]} */
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    /** Why it failed, for `account-connect-failed` and hosts: a short stable code. */
    this.code = problem.code || (status === 0 ? "offline" : status === 401 ? "unauthorized" : "error");
  }

  /** The message for one field: `errors` whose path is the field or under it. */
  fieldError(path) {
    return errorAt(this.errors, path);
  }
}

/** The first message among `errors` (`[{path, message}]`) for `path` or a path under it. */
export function errorAt(errors, path) {
  const hit = errors.find((e) => e.path === path || e.path?.startsWith(`${path}.`) || e.path?.startsWith(`${path}[`));
  return hit ? hit.message : undefined;
}

/** How long the OAuth popup may stay open before the attempt counts as timed out. */
export const OAUTH_TIMEOUT_MS = 10 * 60 * 1000;
/** How long a closed popup may still deliver its answer. */
const CLOSED_GRACE_MS = 1000;

export class JunctionClient {
  /**
   * Signed either with `userId` and `hash`, or with `credentials`: a function your page
   * supplies that returns (a promise of) an expiring identity token from your backend.
   * It is asked once, and again whenever Junction says the token expired.
   * @param {{api: string, appKey: string, userId?: string, hash?: string, credentials?: () => string | Promise<string>, fetch?: typeof fetch}} options
   */
  constructor({ api, appKey, userId, hash, credentials, fetch: fetcher }) {
    const needed = credentials ? { api, appKey } : { api, appKey, userId, hash };
    for (const [name, value] of Object.entries(needed)) {
      if (!value) throw new TypeError(`JunctionClient needs '${name}'${credentials ? "" : " (or 'credentials')"}`);
    }
    if (credentials && typeof credentials !== "function") throw new TypeError("JunctionClient's 'credentials' is a function that returns a token");
    this.api = new URL(api, globalThis.location?.href).origin;
    this.identity = credentials ? { "app-key": appKey } : { "app-key": appKey, "user-id": userId, hash };
    this.credentials = credentials || null;
    this.token = null;
    this.fetch = fetcher || globalThis.fetch.bind(globalThis);
  }

  /** The identity headers: the hash, or a bearer token (fetched fresh when `renew`). */
  async signed(renew) {
    if (!this.credentials) return this.identity;
    if (renew || !this.token) this.token = await this.credentials();
    return { ...this.identity, authorization: `Bearer ${this.token}` };
  }

  async request(method, path, body, renewed = false) {
    let response;
    try {
      const identity = await this.signed(renewed);
      response = await this.fetch(`${this.api}/v1${path}`, {
        method,
        headers: { ...identity, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
      });
    } catch (e) {
      throw new JunctionError(0, { title: "offline", detail: String(e?.message || e) });
    }
    if (response.status === 204) return null;
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { title: text.slice(0, 200) };
    }
    // An expired token is replaced once; a second refusal is the caller's to see.
    if (response.status === 401 && this.credentials && !renewed && json?.type === "urn:junction:problem:identity-expired") {
      return this.request(method, path, body, true);
    }
    if (!response.ok) throw new JunctionError(response.status, json || {});
    return json;
  }

  // Flows and apps.
  flows({ tags } = {}) {
    return this.request("GET", `/flows${query({ tags: list(tags) })}`).then((r) => r.flows);
  }
  flow(id) {
    return this.request("GET", `/flows/${enc(id)}`);
  }
  apps({ tags } = {}) {
    return this.request("GET", `/apps${query({ tags: list(tags) })}`).then((r) => r.apps);
  }

  // Accounts.
  accounts(app) {
    return this.request("GET", `/apps/${enc(app)}/accounts`).then((r) => r.accounts);
  }
  /** API key: `{type: "api_key", key}`; basic: `{type: "basic", username, password}`. */
  connect(app, credentials) {
    return this.request("POST", `/apps/${enc(app)}/accounts`, { credentials });
  }
  disconnect(account) {
    return this.request("DELETE", `/accounts/${enc(account)}`);
  }
  /** `account`: renew that account's tokens (reconnect) instead of adding an account. */
  startOAuth(app, { account } = {}) {
    return this.request("POST", `/apps/${enc(app)}/oauth/start`, account ? { account } : undefined)
      .then((r) => r.authorization_url);
  }

  /**
   * Connects an OAuth account in `popup`, a window the caller opened synchronously in
   * its click handler (so no popup blocker stops it); it is navigated once the
   * authorization URL arrives. Resolves with the account; rejects with a JunctionError
   * whose `code` is `popup_closed`, `denied`, `timeout` or the API's.
   */
  async connectOAuth(app, popup, { timeoutMs = OAUTH_TIMEOUT_MS, account } = {}) {
    let url;
    try {
      url = await this.startOAuth(app, { account });
    } catch (e) {
      popup.close();
      throw e;
    }
    const state = new URL(url).searchParams.get("state");
    popup.location.href = url;
    return waitForCallback({ popup, state, origin: this.api, timeoutMs });
  }

  // Integrations.
  integrations() {
    return this.request("GET", "/integrations").then((r) => r.integrations);
  }
  integration(id) {
    return this.request("GET", `/integrations/${enc(id)}`);
  }
  createIntegration({ flow, accounts, setup, name }) {
    return this.request("POST", "/integrations", { flow, accounts, setup, ...(name ? { name } : {}) });
  }
  updateIntegration(id, changes) {
    return this.request("PATCH", `/integrations/${enc(id)}`, changes);
  }
  deleteIntegration(id) {
    return this.request("DELETE", `/integrations/${enc(id)}`);
  }

  // Runs and usage.
  runs(integration, { limit, before } = {}) {
    return this.request("GET", `/integrations/${enc(integration)}/runs${query({ limit, before })}`);
  }
  run(id) {
    return this.request("GET", `/runs/${enc(id)}`);
  }
  usage() {
    return this.request("GET", "/usage");
  }

  /** A page of a dynamic field's options, given the accounts and the values so far. */
  options(flow, field, { accounts, setup, search, cursor } = {}) {
    return this.request("POST", `/flows/${enc(flow)}/fields/${enc(field)}/options`, {
      accounts: accounts || {},
      setup: setup || {},
      ...(search ? { search } : {}),
      ...(cursor ? { cursor } : {}),
    });
  }

  /** The state of a flow's setup form: values, pages and which options are stale. */
  form(flow, values) {
    return new SetupForm(flow, values);
  }
}

/**
 * Waits for the callback page's message: accepted only from Junction's own origin, from
 * the popup, and only with the state this attempt started with.
 */
export function waitForCallback({ popup, state, origin, timeoutMs = OAUTH_TIMEOUT_MS, target = window }) {
  return new Promise((resolve, reject) => {
    let closedTimer;
    const finish = (fn, value) => {
      target.removeEventListener("message", onMessage);
      clearInterval(closedCheck);
      clearTimeout(closedTimer);
      clearTimeout(timer);
      fn(value);
    };
    const onMessage = (event) => {
      if (event.origin !== origin) return;
      if (event.source && popup && event.source !== popup) return;
      const data = event.data;
      if (!data || data.type !== "junction:oauth" || data.state !== state) return;
      if (data.status === "connected") finish(resolve, data.account);
      else {
        const denied = /denied|not authorized/i.test(data.message || "");
        finish(reject, new JunctionError(400, { title: data.message, code: denied ? "denied" : "error" }));
      }
    };
    target.addEventListener("message", onMessage);
    // The callback page posts its answer and closes itself at once; a busy browser
    // may show the window closed before it delivers the message, so a closed window
    // gets a moment for its answer to arrive before it counts as closed by the user.
    const closedCheck = setInterval(() => {
      if (!popup.closed || closedTimer) return;
      clearInterval(closedCheck);
      closedTimer = setTimeout(() => finish(reject, new JunctionError(400, { title: "the window was closed before connecting", code: "popup_closed" })), CLOSED_GRACE_MS);
    }, 400);
    const timer = setTimeout(() => {
      popup.close();
      finish(reject, new JunctionError(408, { title: "the connection took too long", code: "timeout" }));
    }, timeoutMs);
  });
}

/**
 * A flow's setup form as state: values by field id (defaults filled in), its pages, the
 * fields to show, and which dynamic fields must reload when a field they depend on
 * changes. Pure: no DOM, no network.
 */
export class SetupForm {
  constructor(flow, values = {}) {
    this.flow = flow;
    this.pages = (flow.setup?.pages || []).map((page) => ({
      ...page,
      fields: page.fields.filter((f) => f.type !== "hidden"),
    }));
    this.fields = (flow.setup?.pages || []).flatMap((p) => p.fields);
    this.values = {};
    for (const field of this.fields) {
      if (field.id in values) this.values[field.id] = values[field.id];
      else if (field.default !== undefined) this.values[field.id] = clone(field.default);
      else if (field.type === "multi_select") this.values[field.id] = [];
      else if (field.type === "field_mapping") this.values[field.id] = {};
      else if (field.type === "boolean") this.values[field.id] = false;
    }
  }

  field(id) {
    return this.fields.find((f) => f.id === id);
  }

  /**
   * Sets a value; returns the ids of fields whose options are now stale. Each goes
   * back to its default (a mapping's default is kept for the targets the new options
   * still have: see `keepTargets`), or to empty.
   */
  set(id, value) {
    this.values[id] = value;
    const stale = [];
    const visit = (changed) => {
      for (const f of this.fields) {
        if (f.depends_on?.includes(changed) && !stale.includes(f.id)) {
          stale.push(f.id);
          this.values[f.id] = f.default !== undefined && f.type !== "dynamic_select"
            ? clone(f.default)
            : f.type === "field_mapping" ? {} : f.type === "multi_select" ? [] : undefined;
          visit(f.id);
        }
      }
    };
    visit(id);
    return stale;
  }

  /** A mapping whose targets have all loaded keeps only those targets. */
  keepTargets(id, targets) {
    const mapping = this.values[id];
    if (!mapping || typeof mapping !== "object") return;
    const known = new Set(targets.map((o) => String(o.value)));
    this.values[id] = Object.fromEntries(Object.entries(mapping).filter(([k]) => known.has(k)));
  }

  /** Whether every field this one depends on has a value (its options can load). */
  ready(id) {
    return (this.field(id)?.depends_on || []).every((d) => filled(this.values[d]));
  }

  /** The values a field's options depend on. */
  inputsOf(id) {
    const out = {};
    for (const d of this.field(id)?.depends_on || []) out[d] = this.values[d];
    return out;
  }

  /** Required fields of a page left empty, as `{path, message}` like the API's. */
  missing(pageIndex, message = "required") {
    return (this.pages[pageIndex]?.fields || [])
      .filter((f) => f.required && !filled(this.values[f.id]))
      .map((f) => ({ path: `setup.${f.id}`, message }));
  }

  /** The values to send: empty optional ones left out. */
  submission() {
    const out = {};
    for (const f of this.fields) {
      const v = this.values[f.id];
      if (v !== undefined && v !== null && v !== "") out[f.id] = v;
    }
    return out;
  }
}

function filled(v) {
  if (v === undefined || v === null || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

function clone(v) {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

function enc(s) {
  return encodeURIComponent(String(s));
}

function list(v) {
  if (!v) return undefined;
  const items = (Array.isArray(v) ? v : String(v).split(",")).map((t) => t.trim()).filter(Boolean);
  return items.length ? items.join(",") : undefined;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
