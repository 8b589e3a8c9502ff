//! The element's styles: one constructable stylesheet (no inline style a strict CSP
//! would refuse), themed by CSS custom properties, light and dark.
import { css } from "lit";

/** The dark palette, for theme="dark" and for theme="auto" on a dark system. */
const dark = css`
    --junction-accent: #7aa7ff;
    --junction-on-accent: #0b1630;
    --junction-bg: #161a22;
    --junction-surface: #1f2430;
    --junction-fg: #e8ebf1;
    --junction-muted: #a3abbb;
    --junction-border: #394152;
    --junction-danger: #ff8a80;
    --junction-success: #7fd6a0;
`;

export const styles = css`
  :host {
    --junction-accent: #2f6fe0;
    --junction-on-accent: #fff;
    --junction-bg: #fff;
    --junction-surface: #f6f7f9;
    --junction-fg: #1d2330;
    --junction-muted: #5b6475;
    --junction-border: #d5d9e0;
    --junction-danger: #b3261e;
    --junction-success: #1e7b45;
    --junction-radius: 10px;
    --junction-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    display: block;
    font: 15px/1.5 var(--junction-font);
    color: var(--junction-fg);
    container-type: inline-size;
  }
  :host([theme="dark"]) { ${dark} }
  @media (prefers-color-scheme: dark) {
    :host([theme="auto"]) { ${dark} }
  }
  :host([mode="modal"]:not([open])) { display: none; }
  * { box-sizing: border-box; }
  .frame { background: var(--junction-bg); border: 1px solid var(--junction-border); border-radius: var(--junction-radius); padding: 1rem; min-height: 12rem; }
  .backdrop { position: fixed; inset: 0; background: #0008; display: grid; place-items: center; z-index: 2147483000; padding: 1rem; }
  .dialog { width: min(56rem, 100%); max-height: calc(100vh - 2rem); overflow: auto; }
  @media (max-width: 600px) {
    .backdrop { padding: 0; }
    .dialog { width: 100%; height: 100%; max-height: 100vh; border-radius: 0; }
  }
  header { display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; margin-bottom: 1rem; }
  nav { display: flex; gap: .25rem; flex-wrap: wrap; flex: 1; }
  h2 { font-size: 1.25rem; margin: 0 0 .5rem; }
  h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
  p { margin: .25rem 0 .75rem; }
  .muted { color: var(--junction-muted); }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  button, .button { font: inherit; cursor: pointer; border-radius: calc(var(--junction-radius) * .6); border: 1px solid var(--junction-border); background: var(--junction-surface); color: var(--junction-fg); padding: .4rem .85rem; min-height: 2.25rem; }
  button.primary { background: var(--junction-accent); color: var(--junction-on-accent); border-color: var(--junction-accent); }
  button.danger { color: var(--junction-danger); }
  button.link { background: none; border: none; color: var(--junction-accent); padding: .2rem .25rem; text-decoration: underline; }
  button[aria-current="page"] { border-color: var(--junction-accent); box-shadow: inset 0 -2px 0 var(--junction-accent); }
  button:disabled { opacity: .55; cursor: not-allowed; }
  :focus-visible { outline: 3px solid var(--junction-accent); outline-offset: 2px; }
  /* Headings take focus only so a new view is announced; they are not controls. */
  .view-title:focus { outline: none; }
  input, select, textarea { font: inherit; color: var(--junction-fg); background: var(--junction-bg); border: 1px solid var(--junction-border); border-radius: calc(var(--junction-radius) * .5); padding: .4rem .5rem; min-height: 2.25rem; width: 100%; max-width: 100%; }
  input[type="checkbox"], input[type="radio"] { width: 1.1rem; flex: none; min-height: 1.1rem; accent-color: var(--junction-accent); }
  .search { max-width: 22rem; margin-bottom: 1rem; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .75rem; list-style: none; padding: 0; margin: 0; }
  .card { display: flex; flex-direction: column; gap: .35rem; text-align: start; width: 100%; height: 100%; padding: .85rem; background: var(--junction-surface); border: 1px solid var(--junction-border); border-radius: var(--junction-radius); }
  .card:hover { border-color: var(--junction-accent); }
  .card .title { font-weight: 600; }
  .icons { display: flex; gap: .35rem; align-items: center; }
  .icon { width: 1.75rem; height: 1.75rem; border-radius: .4rem; display: inline-grid; place-items: center; font-weight: 700; font-size: .8rem; color: #fff; background: var(--app-color, var(--junction-muted)); flex: none; object-fit: cover; }
  .icon.big { width: 2.5rem; height: 2.5rem; font-size: 1rem; }
  .row { display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; }
  .spread { justify-content: space-between; }
  .list { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
  .item { border: 1px solid var(--junction-border); border-radius: var(--junction-radius); padding: .75rem; background: var(--junction-surface); }
  .badge { display: inline-block; font-size: .8rem; padding: 0 .5rem; border-radius: 999px; border: 1px solid currentColor; }
  .badge.ok, .ok { color: var(--junction-success); }
  .badge.bad, .bad { color: var(--junction-danger); }
  .field { margin-bottom: 1rem; max-width: 36rem; }
  .field label, .field legend { display: block; font-weight: 600; margin-bottom: .25rem; }
  .field fieldset, fieldset.field { border: none; padding: 0; margin: 0; }
  fieldset.field { margin-bottom: .75rem; }
  .field .check { display: flex; gap: .5rem; align-items: center; font-weight: 400; }
  .field .help { color: var(--junction-muted); font-size: .9rem; margin: .2rem 0 0; }
  .field .error, .error { color: var(--junction-danger); font-size: .9rem; margin: .25rem 0 0; }
  .field [aria-invalid="true"] { border-color: var(--junction-danger); }
  .req { color: var(--junction-danger); margin-inline-start: .15rem; }
  .mapping { width: 100%; border-collapse: collapse; }
  .mapping th, .mapping td { text-align: start; padding: .3rem .25rem; vertical-align: middle; }
  .mapping th { font-weight: 500; width: 40%; }
  .steps { list-style: none; margin: 0; padding: 0; display: grid; gap: .4rem; }
  .steps li { border-inline-start: 3px solid var(--junction-border); padding: .25rem .6rem; }
  .steps li.failed { border-color: var(--junction-danger); }
  .steps li.succeeded { border-color: var(--junction-success); }
  code, .mono { font: .85rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
  .panel { border: 1px solid var(--junction-border); border-radius: var(--junction-radius); padding: 1rem; margin: .5rem 0 1rem; background: var(--junction-surface); }
  .notice { padding: .5rem .75rem; border-radius: calc(var(--junction-radius) * .6); background: var(--junction-surface); border: 1px solid var(--junction-border); margin: .5rem 0; }
  .skeleton { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
  .skeleton div { height: 6rem; border-radius: var(--junction-radius); background: linear-gradient(90deg, var(--junction-surface), var(--junction-border), var(--junction-surface)); background-size: 200% 100%; animation: shimmer 1.4s linear infinite; }
  @keyframes shimmer { from { background-position: 200% 0; } to { background-position: -200% 0; } }
  @media (prefers-reduced-motion: reduce) { .skeleton div { animation: none; } * { transition: none !important; scroll-behavior: auto !important; } }
  .actions { display: flex; gap: .5rem; flex-wrap: wrap; margin-top: 1rem; }
  @container (max-width: 420px) {
    .frame { padding: .75rem; }
    .mapping th { width: auto; display: block; }
    .mapping td { display: block; }
    .mapping tr { display: block; margin-bottom: .5rem; }
  }
`;
