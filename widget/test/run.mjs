// The widget's browser tests: `npm test` in widget/ (infra/test.sh runs it).
import { run } from "./harness.mjs";
import { errorsAtTheirFields, forgedMessageIgnored, journeyByMouse, popupBlocked, reconnectAndDisconnect, setupByKeyboard } from "./journey.mjs";
import { referenceRendersOffline } from "./reference.mjs";
import { accessibleViews, failuresOfferRetry, loadFigures, modalTrapsFocus, narrowLayout, pollHealthShown, secondLocale, vetoAndManage } from "./manage.mjs";

await run([
  ["the whole journey by mouse: tags, OAuth popup, dynamic dropdown and mapping, a run's log, events in order", journeyByMouse],
  ["the same setup with the keyboard only", setupByKeyboard],
  ["a refused API key and a server validation error show at their fields", errorsAtTheirFields],
  ["a blocked popup: the Continue button connects", popupBlocked],
  ["a forged postMessage (other origin, wrong state) is ignored", forgedMessageIgnored],
  ["a revoked account is reconnected in place; disconnect asks inline", reconnectAndDisconnect],
  ["a vetoed before-delete deletes nothing; disable, enable, delete", vetoAndManage],
  ["modal mode traps focus, Esc closes, focus returns", modalTrapsFocus],
  ["at 360 px nothing scrolls sideways and the modal is a full-screen sheet", narrowLayout],
  ["French, with plural rules and a host's string override", secondLocale],
  ["axe finds no serious or critical violation in any view, light and dark", accessibleViews],
  ["an unreachable API and a refused identity show an error with Try again", failuresOfferRetry],
  ["a poll's health shows on its integration's runs", pollHealthShown],
  ["the API reference at /docs renders from the server alone", referenceRendersOffline],
  ["figures: time to the flow list and to an interactive setup form", loadFigures],
], { only: process.env.WIDGET_TEST_ONLY });
