// The headless pieces without a browser: the setup form's state and the catalogue.
import assert from "node:assert/strict";
import { test } from "node:test";
import { JunctionClient, JunctionError, SetupForm } from "../src/client.js";
import { en, fr, translator } from "../src/strings.js";

const flow = {
  id: "f",
  setup: {
    pages: [
      { title: "One", fields: [
        { id: "list", type: "dynamic_select", required: true, source: { app: "m", query: "lists", value: "id", label: "name" } },
        { id: "map", type: "field_mapping", depends_on: ["list"], source: { app: "m", query: "fields", value: "tag", label: "name" } },
        { id: "segment", type: "dynamic_select", depends_on: ["map"], source: { app: "m", query: "segments", value: "id", label: "name" } },
      ] },
      { title: "Two", fields: [
        { id: "plans", type: "multi_select", options: [{ value: "pro", label: "Pro" }], default: ["pro"] },
        { id: "tag", type: "hidden", default: "from-acme" },
        { id: "note", type: "text" },
      ] },
    ],
  },
};

test("defaults fill in, hidden fields are kept but not shown", () => {
  const form = new SetupForm(flow);
  assert.deepEqual(form.values, { map: {}, plans: ["pro"], tag: "from-acme" });
  assert.deepEqual(form.pages[1].fields.map((f) => f.id), ["plans", "note"]);
  form.values.plans.push("team");
  assert.deepEqual(flow.setup.pages[1].fields[0].default, ["pro"], "a default is copied, not shared");
});

test("changing a field clears and reports what depends on it, transitively", () => {
  const form = new SetupForm(flow, { list: "a", map: { FNAME: "x" }, segment: "s1" });
  assert.equal(form.ready("map"), true);
  assert.deepEqual(form.set("list", "b"), ["map", "segment"]);
  assert.deepEqual(form.values.map, {});
  assert.equal(form.values.segment, undefined);
  assert.deepEqual(form.inputsOf("map"), { list: "b" });
  form.set("list", undefined);
  assert.equal(form.ready("map"), false);
});

test("a mapping with a default gets it back when its targets change, for the targets there are", () => {
  const mapped = structuredClone(flow);
  mapped.setup.pages[0].fields[1].default = { FNAME: "first_name", LNAME: "last_name" };
  const form = new SetupForm(mapped, { list: "a", map: { FNAME: "email" } });
  form.set("list", "b");
  assert.deepEqual(form.values.map, { FNAME: "first_name", LNAME: "last_name" });
  form.keepTargets("map", [{ value: "FNAME", label: "First name" }, { value: "COMPANY", label: "Company" }]);
  assert.deepEqual(form.values.map, { FNAME: "first_name" });
});

test("required fields of a page, and what is sent", () => {
  const form = new SetupForm(flow);
  assert.deepEqual(form.missing(0, "required"), [{ path: "setup.list", message: "required" }]);
  form.set("list", "a");
  form.set("note", "");
  assert.deepEqual(form.missing(0), []);
  assert.deepEqual(form.submission(), { list: "a", map: {}, plans: ["pro"], tag: "from-acme" });
});

test("plural forms follow the locale's rules, and overrides win", () => {
  const en = translator("en");
  assert.equal(en("runs.tasks", { count: 1 }), "1 task");
  assert.equal(en("runs.tasks", { count: 0 }), "0 tasks");
  const fr = translator("fr");
  assert.equal(fr("runs.tasks", { count: 0 }), "0 tâche");
  assert.equal(fr("runs.tasks", { count: 1.5 }), "1.5 tâche");
  assert.equal(fr("runs.tasks", { count: 3 }), "3 tâches");
  assert.equal(translator("fr-CA")("nav.flows"), "Flux");
  assert.equal(translator("en", { "nav.flows": "Catalogue" })("nav.flows"), "Catalogue");
});

test("the second locale has every string the first has", () => {
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
});

test("the client signs every request and turns problems into errors by field", async () => {
  const seen = [];
  const client = new JunctionClient({
    api: "https://j.example.com/ignored/path", appKey: "k", userId: "alice", hash: "h",
    fetch: async (url, init) => {
      seen.push([url, init]);
      return new Response(JSON.stringify({ title: "invalid", errors: [{ path: "setup.list", message: "is not a list" }] }), { status: 422 });
    },
  });
  await assert.rejects(client.createIntegration({ flow: "f/x", accounts: {}, setup: {} }), (e) => {
    assert.ok(e instanceof JunctionError);
    assert.equal(e.status, 422);
    assert.equal(e.fieldError("setup.list"), "is not a list");
    return true;
  });
  const [url, init] = seen[0];
  assert.equal(url, "https://j.example.com/v1/integrations");
  assert.equal(init.headers["app-key"], "k");
  assert.equal(init.headers["user-id"], "alice");
  assert.equal(init.credentials, "omit");
  await client.flow("a/b").catch(() => {});
  assert.equal(seen[1][0], "https://j.example.com/v1/flows/a%2Fb", "ids are one path segment");
  assert.throws(() => new JunctionClient({ api: "x", appKey: "", userId: "u", hash: "h" }), /appKey/);
});

test("with credentials the client sends a bearer token and fetches a new one once when it expired", async () => {
  const issued = [];
  const credentials = async () => { issued.push(`t${issued.length + 1}`); return issued.at(-1); };
  const seen = [];
  const client = new JunctionClient({
    api: "https://j.example.com", appKey: "k", credentials,
    fetch: async (url, init) => {
      seen.push(init.headers);
      if (init.headers.authorization === "Bearer t1" && seen.length > 1) {
        return new Response(JSON.stringify({ type: "urn:junction:problem:identity-expired", title: "expired" }), { status: 401 });
      }
      return new Response(JSON.stringify({ flows: [] }), { status: 200 });
    },
  });
  assert.deepEqual(await client.flows(), []);
  assert.equal(seen[0].authorization, "Bearer t1");
  assert.equal(seen[0]["user-id"], undefined);
  assert.equal(seen[0].hash, undefined);
  assert.deepEqual(await client.flows(), [], "the expired token was replaced");
  assert.deepEqual(issued, ["t1", "t2"]);
  assert.equal(seen.at(-1).authorization, "Bearer t2");
  // A token refused for another reason is not retried.
  const refused = new JunctionClient({
    api: "https://j.example.com", appKey: "k", credentials: () => "bad",
    fetch: async () => new Response(JSON.stringify({ type: "urn:junction:problem:unauthorized" }), { status: 401 }),
  });
  await assert.rejects(refused.flows(), (e) => e.status === 401 && e.code === "unauthorized");
  assert.throws(() => new JunctionClient({ api: "x", appKey: "k", credentials: "token" }), /function/);
  assert.throws(() => new JunctionClient({ api: "x", appKey: "k", userId: "u" }), /hash/);
});

test("a failed fetch is an offline error", async () => {
  const client = new JunctionClient({ api: "https://j.example.com", appKey: "k", userId: "u", hash: "h", fetch: async () => { throw new TypeError("Failed to fetch"); } });
  await assert.rejects(client.flows(), (e) => e.status === 0 && e.code === "offline");
});
