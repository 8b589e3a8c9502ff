//! The catalogue views: the flow list with its search, a flow's page, the app grid and
//! an app's page (its flows and the user's accounts of it).
import { html, nothing } from "lit";
import { appIcon } from "../icons.js";
import { renderAccounts } from "./connect.js";

export function renderFlows(el) {
  const t = el.t;
  const q = (el.search || "").trim().toLowerCase();
  const flows = (el.data.flows || []).filter(
    (f) => !q || [f.name, f.description, ...f.apps.map((a) => a.name)].join(" ").toLowerCase().includes(q),
  );
  return html`
    <h2 tabindex="-1" class="view-title">${t("nav.flows")}</h2>
    <div class="search">
      <label class="sr" for="flow-search">${t("search.flows")}</label>
      <input id="flow-search" type="search" part="input" placeholder=${t("search.flows")}
        .value=${el.search || ""} @input=${(e) => { el.search = e.target.value; }}>
    </div>
    <p class="sr" aria-live="polite">${t("flows.count", { count: flows.length })}</p>
    ${flows.length === 0 ? html`<p class="notice">${t("flows.empty")}</p>` : html`
      <ul class="grid" role="list">
        ${flows.map((f) => html`<li>
          <button class="card" part="card" data-flow=${f.id} @click=${() => el.go("flow", { flow: f.id })}>
            <span class="icons">${f.apps.map((a) => appIcon(a))}</span>
            <span class="title">${f.name}</span>
            ${f.description ? html`<span class="muted">${f.description}</span>` : nothing}
            ${f.integrations ? html`<span class="badge ok">${t("flow.integrations", { count: f.integrations })}</span>` : nothing}
          </button>
        </li>`)}
      </ul>`}
  `;
}

export function renderFlow(el) {
  const t = el.t;
  const { summary, integrations } = el.data;
  const needs = summary.apps.filter((a) => a.auth !== "none");
  const canSetUp = summary.multiple || integrations.length === 0;
  return html`
    <button class="link" @click=${() => el.go("flows")}>← ${t("back")}</button>
    <div class="row">${summary.apps.map((a) => appIcon(a, true))}</div>
    <h2 tabindex="-1" class="view-title">${summary.name}</h2>
    ${summary.description ? html`<p>${summary.description}</p>` : nothing}
    ${needs.length ? html`<h3>${t("flow.needs")}</h3>
      <ul>${needs.map((a) => html`<li>${t("flow.needsAccount", { app: a.name })}</li>`)}</ul>` : nothing}
    ${integrations.length ? html`<h3>${t("flow.yours")}</h3>
      <ul class="list">${integrations.map((i) => html`<li class="item row spread">
        <span>${i.name} <span class="badge ${i.enabled ? "ok" : "bad"}">${t(i.enabled ? "integration.enabled" : "integration.disabled")}</span></span>
        <span class="row">
          <button @click=${() => el.editIntegration(i.id)}>${t("integration.edit")}</button>
          <button @click=${() => el.go("runs", { integration: i.id })}>${t("integration.runs")}</button>
        </span></li>`)}</ul>` : nothing}
    ${canSetUp ? html`<div class="actions">
      <button class="primary" part="primary" @click=${() => el.setupIntegration(summary.id)}>
        ${t(integrations.length ? "flow.setUpAnother" : "flow.setUp")}</button></div>` : nothing}
  `;
}

export function renderApps(el) {
  const t = el.t;
  const apps = el.data.apps || [];
  return html`
    <h2 tabindex="-1" class="view-title">${t("nav.apps")}</h2>
    ${apps.length === 0 ? html`<p class="notice">${t("apps.empty")}</p>` : html`
      <ul class="grid" role="list">${apps.map((a) => html`<li>
        <button class="card" part="card" data-app=${a.id} @click=${() => el.go("app", { app: a.id })}>
          <span class="row">${appIcon(a, true)}<span class="title">${a.name}</span></span>
          ${a.description ? html`<span class="muted">${a.description}</span>` : nothing}
          <span class="muted">${t("apps.accounts", { count: a.auth === "none" ? 0 : a.accounts })}</span>
        </button></li>`)}</ul>`}
  `;
}

export function renderApp(el) {
  const t = el.t;
  const { app, flows } = el.data;
  return html`
    <button class="link" @click=${() => el.go("apps")}>← ${t("back")}</button>
    <div class="row">${appIcon(app, true)}<h2 tabindex="-1" class="view-title">${app.name}</h2></div>
    ${app.description ? html`<p>${app.description}</p>` : nothing}
    ${app.auth !== "none" ? html`<h3>${t("app.accounts", { app: app.name })}</h3>${renderAccounts(el, app, {})}` : nothing}
    <h3>${t("app.flows", { app: app.name })}</h3>
    <ul class="list">${flows.map((f) => html`<li class="item row spread">
      <span>${f.name}</span>
      <button @click=${() => el.go("flow", { flow: f.id })}>${t("flow.setUp")}</button></li>`)}</ul>
  `;
}
