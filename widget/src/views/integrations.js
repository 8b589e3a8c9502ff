//! The user's integrations (status, accounts, last run; edit, on/off, delete with
//! confirmation), an integration's runs with the month's tasks, and a run's step log.
import { html, nothing } from "lit";
import { appIcon } from "../icons.js";

export function renderIntegrations(el) {
  const t = el.t;
  const { integrations, flows, labels } = el.data;
  return html`
    <h2 tabindex="-1" class="view-title">${t("nav.integrations")}</h2>
    ${integrations.length === 0 ? html`<p class="notice">${t("integrations.empty")}</p>
      <button class="primary" part="primary" @click=${() => el.go("flows")}>${t("nav.flows")}</button>` : html`
      <p class="muted">${t("integrations.count", { count: integrations.length })}</p>
      <ul class="list">${integrations.map((i) => {
        const flow = flows[i.flow_id];
        const last = i.last_run;
        const confirming = el.confirming === i.id;
        return html`<li class="item" data-integration=${i.id}>
          <div class="row spread">
            <span class="row">${(flow?.apps || []).map((a) => appIcon(a))}<strong>${i.name}</strong>
              <span class="badge ${i.enabled ? "ok" : "bad"}">${t(i.enabled ? "integration.enabled" : "integration.disabled")}</span></span>
            <span class="muted">${last ? html`${t("integration.lastRun", { when: el.when(last.created_at) })} · <span class=${tone(last.status)}>${t(`status.${last.status}`)}</span>` : t("integration.noRuns")}</span>
          </div>
          <p class="muted">${Object.values(i.accounts).map((id) => labels[id] || id).join(" · ")}</p>
          ${!i.enabled && i.disabled_reason ? html`<p class="error">${t("integration.why", { reason: i.disabled_reason })}</p>` : nothing}
          ${el.rowNotice?.id === i.id ? html`<p class="error" role="alert">${el.rowNotice.text}</p>` : nothing}
          ${confirming ? html`<div class="notice" role="alertdialog" aria-labelledby="confirm-${i.id}">
              <p id="confirm-${i.id}">${t("integration.deleteConfirm", { name: i.name })}</p>
              <div class="row"><button class="danger" data-confirm-delete @click=${() => el.deleteIntegration(i)}>${t("integration.delete")}</button>
              <button @click=${() => el.askDelete(null)}>${t("cancel")}</button></div></div>` : html`
            <div class="row">
              <button @click=${() => el.editIntegration(i.id)}>${t("integration.edit")}</button>
              <button @click=${() => el.go("runs", { integration: i.id })}>${t("integration.runs")}</button>
              <button aria-pressed=${i.enabled ? "true" : "false"} @click=${() => el.toggleIntegration(i)}>
                ${t(i.enabled ? "integration.disable" : "integration.enable")}</button>
              <button class="danger" data-delete @click=${() => el.askDelete(i.id)}>${t("integration.delete")}</button>
            </div>`}
        </li>`;
      })}</ul>`}
  `;
}

export function renderRuns(el) {
  const t = el.t;
  const { integration, runs, next, usage } = el.data;
  return html`
    <button class="link" @click=${() => el.go("integrations")}>← ${t("back")}</button>
    <h2 tabindex="-1" class="view-title">${t("runs.title", { name: integration.name })}</h2>
    ${usage ? html`<p class="muted">${t("runs.usage", { count: usage.tasks })}</p>` : nothing}
    ${(integration.polls || []).map((p) => pollLine(el, p))}
    ${runs.length === 0 ? html`<p class="notice">${t("runs.empty")}</p>` : html`
      <ul class="list">${runs.map((r) => html`<li class="item row spread" data-run=${r.id}>
        <span><span class="badge ${tone(r.status)}">${t(`status.${r.status}`)}</span>
          ${el.when(r.created_at)} · <span class="mono">${r.state.block_id}</span></span>
        <span class="row"><span class="muted">${t("runs.tasks", { count: r.state.tasks })}</span>
          <button @click=${() => el.go("run", { run: r.id, integration: integration.id })}>${t("run.steps")}</button></span>
      </li>`)}</ul>`}
    ${next ? html`<div class="actions"><button @click=${() => el.moreRuns()}>${t("runs.more")}</button></div>` : nothing}
  `;
}

/** How one of the integration's polls is doing: a failing one says why, in words. */
function pollLine(el, p) {
  const t = el.t;
  if (p.status === "failing") {
    return html`<p class="notice bad" data-poll=${p.block}>${t("polls.failing", { count: p.failures, error: p.last_error })}</p>`;
  }
  if (p.status === "ok") {
    return html`<p class="muted" data-poll=${p.block}>${t("polls.checked", { when: el.when(p.last_polled_at), next: el.when(p.next_poll_at) })}</p>`;
  }
  if (p.status === "pending") return html`<p class="muted" data-poll=${p.block}>${t("polls.pending")}</p>`;
  return nothing;
}

export function renderRun(el) {
  const t = el.t;
  const run = el.data.run;
  const error = run.state.error;
  return html`
    <button class="link" @click=${() => el.go("runs", { integration: run.integration_id })}>← ${t("back")}</button>
    <h2 tabindex="-1" class="view-title">${t("run.title", { id: run.id.slice(-8) })}</h2>
    <p class="row"><span class="badge ${tone(run.status)}" aria-live="polite">${t(`status.${run.status}`)}</span>
      <span class="muted">${el.when(run.created_at)} · ${t("runs.tasks", { count: run.state.tasks })}</span>
      <button class="link" @click=${() => el.load()}>${t("run.refresh")}</button></p>
    ${error ? html`<p class=${run.status === "retrying" ? "notice" : "error"}>${error.step ? html`<span class="mono">${error.step}</span>: ` : nothing}${error.message}</p>` : nothing}
    ${run.state.skipped ? html`<p class="muted">${run.state.skipped.reason}</p>` : nothing}
    ${run.state.retry ? html`<p class="muted">${t("run.retry", { attempt: run.state.retry.attempt, of: run.state.retry.of, when: el.when(run.state.retry.next_attempt_at) })}</p>` : nothing}
    <h3>${t("run.steps")}</h3>
    ${run.state.log.length === 0 ? html`<p class="muted">${t("run.noSteps")}</p>` : html`
      <ol class="steps">${run.state.log.map((s) => html`<li class=${s.status}>
        <div class="row spread"><span><strong class="mono">${s.step}</strong> <span class="muted">${s.kind}</span>${s.iteration !== undefined ? html` <span class="muted">#${s.iteration + 1}</span>` : nothing}</span>
          <span class="muted">${t(`status.${s.status}`)} · ${duration(s.duration_us)}</span></div>
        ${(s.requests || []).map((r) => html`<div class="mono">${r.method} ${r.url} → ${r.status ?? "—"}${r.attempts > 1 ? ` (×${r.attempts})` : ""}</div>`)}
        ${s.message ? html`<div class="muted">${s.message}</div>` : nothing}
        ${s.error ? html`<div class="error">${s.error}</div>` : nothing}
      </li>`)}</ol>`}
  `;
}

/** The colour a run's status is shown in: a run that did not happen is bad news too. */
function tone(status) {
  if (status === "succeeded") return "ok";
  return status === "failed" || status === "abandoned" ? "bad" : "";
}

function duration(us) {
  if (us < 1000) return `${us} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}
