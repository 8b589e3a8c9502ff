//! The setup form: the accounts the flow needs, then every page of its form with Back
//! and Next, each field type, and errors shown at the field they name.
import { html, nothing } from "lit";
import { live } from "lit/directives/live.js";
import { renderAccounts } from "./connect.js";

export function renderSetup(el) {
  const t = el.t;
  const s = el.setup;
  const total = s.pages.length;
  const last = s.page === total - 1;
  const title = s.integration ? t("setup.edit", { flow: s.flow.name }) : t("setup.title", { flow: s.flow.name });
  const page = s.pages[s.page];
  return html`
    <button class="link" @click=${() => el.cancelSetup()}>← ${t("cancel")}</button>
    <h2 tabindex="-1" class="view-title">${title}</h2>
    <p class="muted" aria-live="polite">${t("setup.page", { page: s.page + 1, pages: total })} · ${page.title}</p>
    ${s.notice ? html`<p class="notice error" role="alert">${s.notice}</p>` : nothing}
    ${page.accounts
      // Not a <form>: each account's credential form is one, and forms cannot nest.
      ? html`<div role="group" aria-label=${page.title}>${renderAccountPage(el)}${actions(false)}</div>`
      : html`<form novalidate @submit=${(e) => { e.preventDefault(); el.setupNext(); }} aria-label=${page.title}>
          ${page.description ? html`<p class="muted">${page.description}</p>` : nothing}
          ${page.fields.map((f) => renderField(el, f))}
          ${actions(true)}
        </form>`}
  `;
  function actions(submits) {
    return html`<div class="actions">
      ${s.page > 0 ? html`<button type="button" @click=${() => el.setupBack()}>${t("back")}</button>` : nothing}
      <button type=${submits ? "submit" : "button"} class="primary" part="primary" ?disabled=${s.busy}
        @click=${submits ? nothing : () => el.setupNext()}>
        ${last ? (s.integration ? t("save") : t("create")) : t("next")}</button>
    </div>`;
  }
}

function renderAccountPage(el) {
  const s = el.setup;
  return s.apps.filter((a) => a.auth !== "none").map((app) => html`<div class="panel" data-app=${app.id}>
    ${renderAccounts(el, app, { selected: s.accounts[app.id], onSelect: (id) => el.chooseAccount(app.id, id) })}
  </div>`);
}

function label(el, f, forId) {
  const t = el.t;
  return html`<label for=${forId}>${f.label || f.id}${f.required
    ? html`<span class="req" aria-hidden="true">*</span><span class="sr">(${t("setup.required")})</span>` : nothing}</label>`;
}

function describe(el, f) {
  const err = el.fieldError(`setup.${f.id}`);
  return html`
    ${f.help ? html`<p class="help" id="help-${f.id}">${f.help}</p>` : nothing}
    <p class="error" id="err-${f.id}" role=${err ? "alert" : nothing}>${err || ""}</p>`;
}

function common(el, f) {
  return {
    invalid: el.fieldError(`setup.${f.id}`) ? "true" : "false",
    describedBy: `help-${f.id} err-${f.id}`,
    disabled: el.setup.locked?.includes(f.id),
  };
}

function renderField(el, f) {
  const s = el.setup;
  const value = s.form.values[f.id];
  const id = `f-${f.id}`;
  const c = common(el, f);
  const set = (v) => el.setValue(f.id, v);
  switch (f.type) {
    case "text":
      return html`<div class="field" data-field=${f.id}>${label(el, f, id)}
        <input id=${id} part="input" .value=${live(value ?? "")} ?disabled=${c.disabled} ?required=${f.required}
          aria-invalid=${c.invalid} aria-describedby=${c.describedBy} @input=${(e) => set(e.target.value)}>${describe(el, f)}</div>`;
    case "number":
      return html`<div class="field" data-field=${f.id}>${label(el, f, id)}
        <input id=${id} part="input" type="number" inputmode="decimal" .value=${live(value ?? "")} ?disabled=${c.disabled}
          aria-invalid=${c.invalid} aria-describedby=${c.describedBy}
          @input=${(e) => set(e.target.value === "" ? undefined : Number(e.target.value))}>${describe(el, f)}</div>`;
    case "boolean":
      return html`<div class="field" data-field=${f.id}><label class="check">
        <input id=${id} type="checkbox" .checked=${live(!!value)} ?disabled=${c.disabled}
          aria-describedby=${c.describedBy} @change=${(e) => set(e.target.checked)}>
        <span>${f.label || f.id}</span></label>${describe(el, f)}</div>`;
    case "select":
      return renderSelect(el, f, f.options || [], null);
    case "dynamic_select":
      return renderSelect(el, f, s.options[f.id]?.options || [], s.options[f.id] || {});
    case "multi_select":
      return renderMulti(el, f);
    case "field_mapping":
      return renderMapping(el, f);
    default:
      return nothing;
  }
}

/** A `<select>`; for a dynamic one, a search box above it and "load more" below. */
function renderSelect(el, f, options, dynamic) {
  const t = el.t;
  const s = el.setup;
  const id = `f-${f.id}`;
  const c = common(el, f);
  const value = s.form.values[f.id];
  const key = (v) => JSON.stringify(v);
  const waiting = dynamic && !s.form.ready(f.id);
  // A saved value whose option is not loaded (yet) still shows, so editing keeps it.
  const shown = value !== undefined && !options.some((o) => key(o.value) === key(value))
    ? [...options, { value, label: String(value) }] : options;
  return html`<div class="field" data-field=${f.id}>${label(el, f, id)}
    ${dynamic ? html`<label class="sr" for="${id}-search">${t("search.options")} ${f.label || f.id}</label>
      <input id="${id}-search" type="search" part="input" placeholder=${t("search.options")} ?disabled=${waiting || c.disabled}
        .value=${live(dynamic.search || "")} @input=${(e) => el.searchOptions(f.id, e.target.value)}>` : nothing}
    <select id=${id} part="input" ?disabled=${waiting || c.disabled} aria-invalid=${c.invalid}
      aria-describedby=${c.describedBy} aria-busy=${dynamic?.loading ? "true" : "false"}
      @change=${(e) => {
        const picked = shown[e.target.selectedIndex - 1];
        el.setValue(f.id, picked ? picked.value : undefined);
      }}>
      <option value="" ?selected=${value === undefined}>${dynamic?.loading ? t("loading") : t("setup.choose")}</option>
      ${shown.map((o) => html`<option ?selected=${value !== undefined && key(o.value) === key(value)}>${o.label}</option>`)}
    </select>
    ${waiting ? html`<p class="help">${t("setup.waitFor", { field: f.depends_on.map((d) => s.form.field(d)?.label || d).join(", ") })}</p>` : nothing}
    ${dynamic?.error ? html`<p class="error">${dynamic.error} <button type="button" class="link" @click=${() => el.loadOptions(f.id)}>${t("retry")}</button></p>` : nothing}
    ${dynamic?.next ? html`<button type="button" class="link" @click=${() => el.loadOptions(f.id, { more: true })}>${t("setup.loadMore")}</button>` : nothing}
    ${describe(el, f)}</div>`;
}

function renderMulti(el, f) {
  const t = el.t;
  const s = el.setup;
  const dynamic = f.source ? s.options[f.id] || {} : null;
  const options = f.options || dynamic?.options || [];
  const chosen = s.form.values[f.id] || [];
  const key = (v) => JSON.stringify(v);
  const c = common(el, f);
  return html`<div class="field" data-field=${f.id}><fieldset aria-describedby=${c.describedBy}>
    <legend>${f.label || f.id}${f.required ? html`<span class="req" aria-hidden="true">*</span><span class="sr">(${t("setup.required")})</span>` : nothing}</legend>
    ${options.map((o) => html`<label class="check"><input type="checkbox" ?disabled=${c.disabled}
      .checked=${live(chosen.some((v) => key(v) === key(o.value)))}
      @change=${(e) => el.setValue(f.id, e.target.checked ? [...chosen, o.value] : chosen.filter((v) => key(v) !== key(o.value)))}>
      <span>${o.label}</span></label>`)}
    ${dynamic?.loading ? html`<p class="muted">${t("loading")}</p>` : nothing}
    ${dynamic?.next ? html`<button type="button" class="link" @click=${() => el.loadOptions(f.id, { more: true })}>${t("setup.loadMore")}</button>` : nothing}
  </fieldset>${describe(el, f)}</div>`;
}

/** Two columns: each of the target app's fields, and what goes into it. */
function renderMapping(el, f) {
  const t = el.t;
  const s = el.setup;
  const dynamic = s.options[f.id] || {};
  const mapping = s.form.values[f.id] || {};
  const targets = dynamic.options || [];
  const app = s.apps.find((a) => a.id === f.source?.app);
  const c = common(el, f);
  const waiting = !s.form.ready(f.id);
  return html`<div class="field" data-field=${f.id}><fieldset aria-describedby=${c.describedBy}>
    <legend>${f.label || t("setup.mapping", { app: app?.name || "" })}${f.required ? html`<span class="req" aria-hidden="true">*</span>` : nothing}</legend>
    ${waiting ? html`<p class="help">${t("setup.waitFor", { field: f.depends_on.map((d) => s.form.field(d)?.label || d).join(", ") })}</p>` : nothing}
    ${dynamic.loading ? html`<p class="muted">${t("loading")}</p>` : nothing}
    ${!waiting && !dynamic.loading && targets.length === 0 && !dynamic.error ? html`<p class="muted">${t("setup.noOptions")}</p>` : nothing}
    ${dynamic.error ? html`<p class="error">${dynamic.error} <button type="button" class="link" @click=${() => el.loadOptions(f.id)}>${t("retry")}</button></p>` : nothing}
    ${targets.length ? html`<table class="mapping" part="mapping">
      <thead><tr><th scope="col">${app?.name || t("setup.mapSource")}</th><th scope="col">${t("setup.mapTarget")}</th></tr></thead>
      <tbody>${targets.map((o) => {
        const target = String(o.value);
        const inputId = `map-${f.id}-${target}`;
        const change = (v) => {
          const next = { ...mapping };
          if (v) next[target] = v;
          else delete next[target];
          el.setValue(f.id, next);
        };
        return html`<tr><th scope="row"><label for=${inputId}>${o.label}</label></th><td>
          ${f.options ? html`<select id=${inputId} part="input" ?disabled=${c.disabled} @change=${(e) => change(e.target.value)}>
              <option value="">—</option>
              ${f.options.map((src) => html`<option value=${String(src.value)} ?selected=${mapping[target] === String(src.value)}>${src.label}</option>`)}
            </select>`
            : html`<input id=${inputId} part="input" ?disabled=${c.disabled} .value=${live(mapping[target] || "")} @input=${(e) => change(e.target.value)}>`}
        </td></tr>`;
      })}</tbody></table>` : nothing}
    ${dynamic.next ? html`<button type="button" class="link" @click=${() => el.loadOptions(f.id, { more: true })}>${t("setup.loadMore")}</button>` : nothing}
  </fieldset>${describe(el, f)}</div>`;
}
