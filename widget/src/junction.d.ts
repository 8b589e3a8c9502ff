// Types of the Junction marketplace widget module (/widget/junction.js).

export interface ApiProblem { path: string; message: string }

export declare class JunctionError extends Error {
  status: number;
  type: string;
  title: string;
  errors: ApiProblem[];
  /** `offline`, `unauthorized`, `popup_closed`, `denied`, `timeout` or `error`. */
  code: string;
  fieldError(path: string): string | undefined;
}

export type AuthKind = "none" | "api_key" | "basic" | "oauth2";
export interface AppSummary { id: string; name: string; description?: string; icon?: string; color?: string; auth: AuthKind; key_label?: string; key_help?: string }
export interface MarketplaceApp extends AppSummary { flows: string[]; accounts: number }
export interface FlowSummary { id: string; name: string; description?: string; tags: string[]; version: number; multiple: boolean; apps: AppSummary[]; integrations: number }
export interface Account { id: string; app_id: string; label: string; status: "active" | "needs_reauthorization" }
export interface Integration { id: string; flow_id: string; flow_version: number; name: string; accounts: Record<string, string>; setup: Record<string, unknown>; enabled: boolean; disabled_reason?: string; created_at: string;
  /** In `integrations()` only: the latest run in brief. */
  last_run?: { id: string; status: RunStatus; created_at: string; updated_at: string };
  /** In `integration(id)` only, when the flow polls: each poll's health. */
  polls?: PollHealth[] }
export interface PollHealth { block: string; status: "pending" | "ok" | "failing" | "paused"; last_polled_at?: string; last_succeeded_at?: string; next_poll_at?: string; items: number; new_items: number; last_error?: string; failures: number }
export interface FlowForm { id: string; name: string; description?: string; tags: string[]; apps: string[]; setup: { pages: { title: string; description?: string; fields: unknown[] }[] }; multiple: boolean }
export type RunStatus = "queued" | "running" | "waiting" | "retrying" | "succeeded" | "failed" | "aborted" | "abandoned" | "skipped";
export interface HttpLog { method: string; url: string; status?: number; attempts: number; duration_ms: number }
export interface StepLog { step: string; kind: string; status: "succeeded" | "failed" | "waiting" | "aborted"; started_at: string; duration_us: number; iteration?: number; requests?: HttpLog[]; message?: string; error?: string }
export interface Run { id: string; integration_id: string; status: RunStatus; created_at: string; updated_at: string; state: { block_id: string; tasks: number; log: StepLog[]; error?: { step?: string; message: string; transient: boolean };
  /** While `retrying`: the attempt that failed and when the next one comes. */
  retry?: { attempt: number; of: number; next_attempt_at: string };
  /** When `skipped`: why (an echo of Junction's own write, or an older update), and which run wrote or processed the newer update. */
  skipped?: { reason: string; echo_of?: string; superseded_by?: string } } }
export interface FieldOption { value: unknown; label: string }

export declare class SetupForm {
  values: Record<string, unknown>;
  pages: { title: string; description?: string; fields: unknown[] }[];
  field(id: string): unknown;
  /** Sets a value; returns the ids of fields whose options are now stale (cleared). */
  set(id: string, value: unknown): string[];
  /** A mapping whose targets have all loaded keeps only those targets. */
  keepTargets(id: string, targets: FieldOption[]): void;
  ready(id: string): boolean;
  inputsOf(id: string): Record<string, unknown>;
  missing(page: number, message?: string): ApiProblem[];
  submission(): Record<string, unknown>;
}

export declare class JunctionClient {
  /** Signed with `userId` and `hash`, or with `credentials`: a function returning an expiring identity token (asked again when it expires). */
  constructor(options: { api: string; appKey: string; userId?: string; hash?: string; credentials?: () => string | Promise<string>; fetch?: typeof fetch });
  flows(options?: { tags?: string | string[] }): Promise<FlowSummary[]>;
  /** A published flow's setup form and the apps it needs (never its steps). */
  flow(id: string): Promise<{ version: number; flow: FlowForm }>;
  apps(options?: { tags?: string | string[] }): Promise<MarketplaceApp[]>;
  accounts(app: string): Promise<Account[]>;
  connect(app: string, credentials: { type: "api_key"; key: string } | { type: "basic"; username: string; password: string }): Promise<Account>;
  disconnect(account: string): Promise<null>;
  /** With `account`, the consent renews that account (reconnect) instead of adding one. */
  startOAuth(app: string, options?: { account?: string }): Promise<string>;
  /** `popup` must be opened synchronously in the click handler (`window.open("")`). */
  connectOAuth(app: string, popup: Window, options?: { timeoutMs?: number; account?: string }): Promise<Account>;
  integrations(): Promise<Integration[]>;
  integration(id: string): Promise<Integration>;
  createIntegration(input: { flow: string; accounts: Record<string, string>; setup: Record<string, unknown>; name?: string }): Promise<{ integration: Integration; run_ids: string[] }>;
  updateIntegration(id: string, changes: { name?: string; setup?: Record<string, unknown>; enabled?: boolean }): Promise<Integration>;
  deleteIntegration(id: string): Promise<null>;
  runs(integration: string, page?: { limit?: number; before?: string }): Promise<{ runs: Run[]; next?: string }>;
  run(id: string): Promise<Run>;
  usage(): Promise<{ month: string; tasks: number }>;
  options(flow: string, field: string, input?: { accounts?: Record<string, string>; setup?: Record<string, unknown>; search?: string; cursor?: string }): Promise<{ options: FieldOption[]; next?: string }>;
  form(flow: unknown, values?: Record<string, unknown>): SetupForm;
}

export type View = "flows" | "flow" | "apps" | "app" | "setup" | "integrations" | "runs" | "run";
interface Versioned { version: 1 }
type BriefIntegration = { id: string; flow: string; name: string; enabled: boolean };

/** `detail` of each `junction:<name>` event. */
export interface JunctionEventMap {
  "junction:ready": CustomEvent<Versioned & { view: View }>;
  "junction:view-change": CustomEvent<Versioned & { from: View; to: View; params: { flow?: string; app?: string; integration?: string; run?: string } }>;
  "junction:open": CustomEvent<Versioned & { view: View }>;
  "junction:close": CustomEvent<Versioned>;
  "junction:account-connected": CustomEvent<Versioned & { app: string; account: { id: string; label: string; status: Account["status"] }; reconnected: boolean }>;
  "junction:account-connect-failed": CustomEvent<Versioned & { app: string; code: "popup_blocked" | "popup_closed" | "denied" | "invalid_credentials" | "timeout" | "offline" | "error"; message: string }>;
  "junction:account-disconnected": CustomEvent<Versioned & { app: string; account: { id: string; label: string } }>;
  "junction:setup-page": CustomEvent<Versioned & { flow: string; page: number; pages: number; title: string }>;
  "junction:validation-error": CustomEvent<Versioned & { flow: string; errors: ApiProblem[] }>;
  /** Cancelable: `preventDefault()` keeps the integration unsaved. */
  "junction:before-save": CustomEvent<Versioned & { flow: string; integration: string | null; values: Record<string, unknown>; accounts: Record<string, string> }>;
  "junction:integration-created": CustomEvent<Versioned & { integration: BriefIntegration }>;
  "junction:integration-updated": CustomEvent<Versioned & { integration: BriefIntegration }>;
  /** Cancelable. */
  "junction:before-enable": CustomEvent<Versioned & { integration: BriefIntegration }>;
  "junction:integration-enabled": CustomEvent<Versioned & { integration: BriefIntegration }>;
  /** Cancelable. */
  "junction:before-disable": CustomEvent<Versioned & { integration: BriefIntegration }>;
  "junction:integration-disabled": CustomEvent<Versioned & { integration: BriefIntegration }>;
  /** Cancelable: `preventDefault()` deletes nothing. */
  "junction:before-delete": CustomEvent<Versioned & { integration: BriefIntegration }>;
  "junction:integration-deleted": CustomEvent<Versioned & { integration: BriefIntegration }>;
  "junction:auth-failed": CustomEvent<Versioned & { message: string }>;
  "junction:error": CustomEvent<Versioned & { view: View; status: number; message: string }>;
}

export declare class JunctionMarketplace extends HTMLElement {
  api: string; appKey: string; userId: string; hash: string; tags: string;
  /** Instead of `user-id` and `hash`: a function returning an expiring identity token from your backend. */
  credentials?: () => string | Promise<string>;
  mode: "inline" | "modal"; theme: "light" | "dark" | "auto"; locale: string; view: View;
  /** Overrides of the string catalogue, by key. */
  strings: Record<string, string | Record<string, string>>;
  open(view?: View, params?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
  /** With `account`, reconnects that OAuth account instead of adding one. */
  connectAccount(app: string, options?: { account?: string }): Promise<Account | null | void>;
  setupIntegration(flow: string, options?: { values?: Record<string, unknown>; locked?: string[] }): Promise<void>;
  editIntegration(id: string): Promise<void>;
  refresh(): Promise<void>;
  addEventListener<K extends keyof JunctionEventMap>(type: K, listener: (this: JunctionMarketplace, ev: JunctionEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

export declare const EVENT_NAMES: string[];
export declare const EVENT_VERSION: 1;

declare global {
  interface HTMLElementTagNameMap { "junction-marketplace": JunctionMarketplace }
  interface DocumentEventMap extends JunctionEventMap {}
}
