//! An app's icon: its image, or its initial on its colour when it has none.
import { html } from "lit";
import { styleMap } from "lit/directives/style-map.js";

export function appIcon(app, big = false) {
  const cls = big ? "icon big" : "icon";
  if (app?.icon) return html`<img class=${cls} src=${app.icon} alt="" part="icon">`;
  // styleMap sets the property through the CSSOM, which a strict CSP allows.
  return html`<span class=${cls} part="icon" aria-hidden="true" style=${styleMap({ "--app-color": app?.color || "" })}>${(app?.name || "?").slice(0, 1).toUpperCase()}</span>`;
}
