//! Accounts of one app: the list (pick one in a setup form), connect by API key, basic
//! credentials or an OAuth popup that survives popup blockers, reconnect, disconnect.
import { html, nothing } from "lit";

/**
 * @param {object} options `selected` (account id) and `onSelect(id)` make the list a
 *   choice, as the setup form uses it.
 */
export function renderAccounts(el, app, { selected, onSelect } = {}) {
  const t = el.t;
  const accounts = el.accounts[app.id] || [];
  const c = el.connecting[app.id] || {};
  const name = `account-${app.id}`;
  const list = accounts.length === 0
    ? html`<p class="muted">${t("account.none", { app: app.name })}</p>`
    : onSelect
      ? html`<fieldset class="field"><legend>${t("account.choose", { app: app.name })}<span class="req" aria-hidden="true">*</span></legend>
          ${accounts.map((a) => html`<label class="check">
            <input type="radio" name=${name} .checked=${selected === a.id} value=${a.id}
              @change=${() => onSelect(a.id)}>
            <span>${a.label}</span>
            ${a.status === "needs_reauthorization" ? html`<span class="badge bad">${t("account.needsReauth")}</span>` : nothing}
          </label>`)}
          ${el.fieldError(`accounts.${app.id}`) ? html`<p class="error" role="alert">${el.fieldError(`accounts.${app.id}`)}</p>` : nothing}
        </fieldset>`
      : html`<ul class="list">${accounts.map((a) => renderAccount(el, app, a))}</ul>`;
  return html`
    ${list}
    ${renderConnect(el, app, c, accounts.length > 0)}
  `;
}

/** One account: its state, "Reconnect" when the app refused its tokens, and
 * "Disconnect" with an inline confirmation (no native dialog: it can be styled, read
 * and tested like the rest). */
function renderAccount(el, app, a) {
  const t = el.t;
  const stale = a.status === "needs_reauthorization";
  if (el.confirming === `account:${a.id}`) {
    return html`<li class="item"><div class="notice" role="alertdialog" aria-labelledby="confirm-${a.id}">
      <p id="confirm-${a.id}">${t("account.disconnectConfirm", { label: a.label })}</p>
      <div class="row"><button class="danger" data-confirm-disconnect @click=${() => el.disconnect(app, a)}>${t("account.disconnect")}</button>
        <button @click=${() => el.askDisconnect(null, a.id)}>${t("cancel")}</button></div></div></li>`;
  }
  return html`<li class="item row spread">
    <span>${a.label}
      ${stale ? html`<span class="badge bad">${t("account.needsReauth")}</span>` : nothing}</span>
    <span class="row">
      ${stale ? html`<button data-reconnect=${a.id} aria-label="${t("account.reconnect")} ${a.label}"
        @click=${() => el.connectAccount(app.id, { account: a.id })}>${t("account.reconnect")}</button>` : nothing}
      <button class="danger" data-disconnect=${a.id} aria-label="${t("account.disconnect")} ${a.label}"
        @click=${() => el.askDisconnect(a.id)}>${t("account.disconnect")}</button>
    </span></li>`;
}

function renderConnect(el, app, c, hasAccounts) {
  const t = el.t;
  if (c.state === "blocked") {
    return html`<div class="notice" role="alert">
      <p>${t("popup.blocked", { app: app.name })}</p>
      <button class="primary" part="primary" @click=${() => el.connectAccount(app.id, { account: c.account })}>${t("popup.continue", { app: app.name })}</button>
    </div>`;
  }
  if (c.state === "popup") {
    return html`<p class="notice" role="status">${t("popup.opening", { app: app.name })}</p>`;
  }
  if (c.state === "form") return renderCredentialForm(el, app, c);
  return html`
    ${c.message ? html`<p class="error" role="alert">${c.message}</p>` : nothing}
    <button data-connect=${app.id} @click=${() => el.connectAccount(app.id)}>
      ${hasAccounts ? t("account.connectAnother") : t("account.connect", { app: app.name })}</button>`;
}

function renderCredentialForm(el, app, c) {
  const t = el.t;
  const id = (k) => `cred-${app.id}-${k}`;
  const submit = (e) => {
    e.preventDefault();
    const form = e.target;
    const credentials = app.auth === "basic"
      ? { type: "basic", username: form.elements.username.value, password: form.elements.password.value }
      : { type: "api_key", key: form.elements.key.value };
    el.submitCredentials(app, credentials);
  };
  const error = c.error;
  return html`<form class="panel" @submit=${submit} aria-labelledby=${id("title")} novalidate>
    <h3 id=${id("title")}>${t("account.connect", { app: app.name })}</h3>
    ${app.auth === "basic" ? html`
      <div class="field"><label for=${id("username")}>${t("account.username")}<span class="req" aria-hidden="true">*</span></label>
        <input id=${id("username")} name="username" autocomplete="username" required part="input"
          aria-invalid=${error ? "true" : "false"} aria-describedby=${id("error")}></div>
      <div class="field"><label for=${id("password")}>${t("account.password")}<span class="req" aria-hidden="true">*</span></label>
        <input id=${id("password")} name="password" type="password" autocomplete="current-password" required part="input"
          aria-invalid=${error ? "true" : "false"} aria-describedby=${id("error")}></div>` : html`
      <div class="field"><label for=${id("key")}>${app.key_label || t("account.key")}<span class="req" aria-hidden="true">*</span></label>
        <input id=${id("key")} name="key" type="password" autocomplete="off" spellcheck="false" required part="input"
          aria-invalid=${error ? "true" : "false"} aria-describedby="${id("help")} ${id("error")}">
        ${app.key_help ? html`<p class="help" id=${id("help")}>${app.key_help}</p>` : nothing}</div>`}
    <p class="error" id=${id("error")} role="alert">${error || ""}</p>
    <div class="actions">
      <button type="submit" class="primary" part="primary" ?disabled=${c.busy}>${t("account.submit")}</button>
      <button type="button" @click=${() => el.cancelConnect(app.id)}>${t("cancel")}</button>
    </div>
  </form>`;
}
