// The demo host page's own script: what a SaaS company writes around the widget.
import { EVENT_NAMES } from "/widget/junction.js";

const inline = document.getElementById("marketplace");
const modal = document.getElementById("modal");
const log = document.getElementById("log");

for (const name of EVENT_NAMES) {
  document.addEventListener(`junction:${name}`, (event) => {
    const item = document.createElement("li");
    const title = document.createElement("b");
    title.textContent = `junction:${name}`;
    const detail = document.createElement("div");
    detail.textContent = JSON.stringify(event.detail);
    item.append(title, detail);
    log.prepend(item);
  });
}

for (const id of ["theme", "locale"]) {
  document.getElementById(id).addEventListener("change", (e) => {
    inline.setAttribute(id, e.target.value);
    modal.setAttribute(id, e.target.value);
  });
}
document.getElementById("view").addEventListener("change", (e) => inline.open(e.target.value));
document.getElementById("open-modal").addEventListener("click", () => modal.open("flows"));

// The host's backend sends app events with its API secret; the demo server plays it.
const sent = document.getElementById("sent");
for (const button of document.querySelectorAll("[data-event]")) {
  button.addEventListener("click", async () => {
    const response = await fetch("/demo/event", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: button.dataset.event }),
    });
    const body = await response.json();
    const runs = body.run_ids ? body.run_ids.length : 0;
    sent.textContent = response.ok
      ? `Sent ${body.event}: ${runs} run${runs === 1 ? "" : "s"} queued.`
      : `Not sent: ${body.title}`;
    if (response.ok) inline.refresh();
  });
}

// The demo Mailbird's own settings page, in one button: it revokes every grant.
document.getElementById("revoke").addEventListener("click", async () => {
  const response = await fetch("/demo/apps/mailbird/oauth/revoke", { method: "POST" });
  sent.textContent = response.ok
    ? "Mailbird revoked Junction's access: the next call to Mailbird finds out."
    : `Not revoked: HTTP ${response.status}`;
});
