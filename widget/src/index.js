//! The widget module: registers <junction-marketplace> and exports the headless client.
import { JunctionMarketplace } from "./marketplace.js";

export { JunctionClient, JunctionError, SetupForm, waitForCallback } from "./client.js";
export { EVENT_NAMES, EVENT_VERSION } from "./events.js";
export { LOCALES, translator } from "./strings.js";
export { JunctionMarketplace };

if (!customElements.get("junction-marketplace")) customElements.define("junction-marketplace", JunctionMarketplace);
