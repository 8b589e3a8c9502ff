//! The DOM events the element emits: `junction:<name>`, bubbling and composed, with a
//! versioned `detail`. The `before-*` events are cancelable: a host that calls
//! `preventDefault()` stops the save, delete or disable.

export const EVENT_VERSION = 1;

export const EVENT_NAMES = [
  "ready",
  "view-change",
  "open",
  "close",
  "account-connected",
  "account-connect-failed",
  "account-disconnected",
  "setup-page",
  "validation-error",
  "before-save",
  "integration-created",
  "integration-updated",
  "before-enable",
  "integration-enabled",
  "before-disable",
  "integration-disabled",
  "before-delete",
  "integration-deleted",
  "auth-failed",
  "error",
];

/** Dispatches `junction:<name>` from `target`; returns false when a host vetoed it. */
export function emit(target, name, detail = {}, { cancelable = false } = {}) {
  return target.dispatchEvent(
    new CustomEvent(`junction:${name}`, {
      bubbles: true,
      composed: true,
      cancelable,
      detail: { version: EVENT_VERSION, ...detail },
    }),
  );
}
