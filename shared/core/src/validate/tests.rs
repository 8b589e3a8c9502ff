//! Validation tests: the shipped examples are clean, and each class of mistake is
//! reported with its path.

use super::*;
use crate::catalog::AppCatalog;
use crate::definition::{parse_app, parse_flow, Problem};
use crate::template::Templates;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

fn example_apps() -> AppCatalog {
    let t = Templates::new();
    let mut catalog = AppCatalog::default();
    for name in ["acme-crm", "mailbird", "chatter"] {
        let text = std::fs::read_to_string(format!("{EXAMPLES}/apps/{name}.yaml")).unwrap();
        let app = parse_app(&text).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        let problems = app.locate(validate_app(&app.definition, &t));
        assert!(problems.is_empty(), "{name}: {problems:#?}");
        catalog.insert(app.definition);
    }
    catalog
}

fn flow_problems(text: &str) -> Vec<Problem> {
    let flow = match parse_flow(text) {
        Ok(f) => f,
        Err(p) => return p,
    };
    flow.locate(validate_flow(
        &flow.definition,
        &example_apps(),
        &Templates::new(),
    ))
}

fn assert_problem(problems: &[Problem], path: &str, needle: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.path == path && p.message.contains(needle)),
        "expected a problem at {path} containing '{needle}', got {problems:#?}"
    );
}

#[test]
fn shipped_examples_are_valid() {
    for name in [
        "contacts-to-mailbird",
        "unsubscribes-to-acme",
        "daily-digest",
        "deals-to-chatter",
    ] {
        let text = std::fs::read_to_string(format!("{EXAMPLES}/flows/{name}.yaml")).unwrap();
        let problems = flow_problems(&text);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
    }
}

const FLOW_HEAD: &str = "id: f\nname: F\napps: [acme, mailbird]\n";

#[test]
fn unknown_step_reference_names_path_and_line() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: one\n        action:\n          app: acme\n          action: add_note\n          input:\n            contact_id: \"{{{{ steps.lookup.output.id }}}}\"\n            text: hi\n"
    );
    let problems = flow_problems(&text);
    assert_problem(
        &problems,
        "blocks[0].steps[0].action.input.contact_id",
        "unknown variable 'steps.lookup'",
    );
    let p = problems
        .iter()
        .find(|p| p.path.ends_with("contact_id"))
        .unwrap();
    assert_eq!(p.line, Some(13));
}

#[test]
fn later_steps_are_not_visible_to_earlier_ones() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: first\n        abort: {{reason: \"{{{{ steps.second.output }}}}\"}}\n      - id: second\n        abort: {{reason: x}}\n"
    );
    assert_problem(
        &flow_problems(&text),
        "blocks[0].steps[0].abort.reason",
        "no earlier step has id 'second'",
    );
}

#[test]
fn unknown_app_query_action_and_field() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: a\n        query: {{app: nope, query: x}}\n      - id: b\n        query: {{app: acme, query: nope}}\n      - id: c\n        action: {{app: acme, action: nope}}\n      - id: d\n        abort: {{reason: \"{{{{ setup.missing }}}}\"}}\n"
    );
    let problems = flow_problems(&text);
    assert_problem(
        &problems,
        "blocks[0].steps[0].query.app",
        "not among the flow's apps",
    );
    assert_problem(
        &problems,
        "blocks[0].steps[1].query.query",
        "has no query 'nope'",
    );
    assert_problem(
        &problems,
        "blocks[0].steps[2].action.action",
        "has no action 'nope'",
    );
    assert_problem(
        &problems,
        "blocks[0].steps[3].abort.reason",
        "no field 'missing'",
    );
}

#[test]
fn duplicate_ids() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: a\n        abort: {{reason: x}}\n      - id: a\n        abort: {{reason: y}}\n"
    );
    let problems = flow_problems(&text);
    assert_problem(&problems, "blocks[0].steps[1].id", "duplicate step id 'a'");
}

/// Exactly one kind per step is part of the format: a step with none or two is
/// refused as the document is read, at the step's path and line.
#[test]
fn a_step_without_one_kind_is_refused_where_it_is() {
    let steps = [
        (
            "      - id: c\n        name: no kind\n",
            "a step needs one of: query, action",
        ),
        (
            "      - id: d\n        abort: {reason: x}\n        wait: {duration: 1s}\n",
            "a step has exactly one kind, found wait and abort",
        ),
    ];
    for (step, message) in steps {
        let text = format!(
            "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: a\n        abort: {{reason: x}}\n{step}"
        );
        let problems = flow_problems(&text);
        assert_problem(&problems, "blocks[0].steps[1]", message);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].line, Some(10), "{problems:#?}");
    }
}

#[test]
fn unbounded_loop_and_bad_durations() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: l\n        loop:\n          while: [{{left: 1, op: eq, right: 1}}]\n          steps:\n            - id: w\n              wait: {{duration: soon}}\n"
    );
    let problems = flow_problems(&text);
    assert_problem(
        &problems,
        "blocks[0].steps[0].loop.max_iterations",
        "needs 'max_iterations'",
    );
    assert_problem(
        &problems,
        "blocks[0].steps[0].loop.steps[0].wait.duration",
        "not a duration",
    );
}

#[test]
fn item_is_only_known_inside_loops() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: a\n        abort: {{reason: \"{{{{ item.x }}}}\"}}\n"
    );
    assert_problem(
        &flow_problems(&text),
        "blocks[0].steps[0].abort.reason",
        "unknown variable 'item'",
    );
}

#[test]
fn bad_cron_timezone_and_poll_interval() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: s\n    trigger: {{type: schedule, cron: \"61 * * * *\", timezone: Mars/Olympus}}\n    steps: [{{id: a, abort: {{reason: x}}}}]\n  - id: p\n    trigger: {{type: poll, app: mailbird, query: lists, interval: 10s}}\n    steps: [{{id: b, abort: {{reason: x}}}}]\n"
    );
    let problems = flow_problems(&text);
    assert_problem(
        &problems,
        "blocks[0].trigger.cron",
        "the minute field '61' holds 61, out of range: minutes go from 0 to 59",
    );
    assert_problem(&problems, "blocks[0].trigger.timezone", "IANA");
    assert_problem(&problems, "blocks[1].trigger.interval", "1 minute minimum");
}

#[test]
fn a_poll_input_reads_only_the_poll_state_there_is() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: p\n    trigger:\n      type: poll\n      app: mailbird\n      query: lists\n      interval: 5m\n      input:\n        since: \"{{{{ poll.last_updated_at | default(none) }}}}\"\n        after: \"{{{{ poll.cursor }}}}\"\n    steps: [{{id: b, abort: {{reason: x}}}}]\n"
    );
    let problems = flow_problems(&text);
    assert_problem(
        &problems,
        "blocks[0].trigger.input.after",
        "unknown variable 'poll.cursor' (a poll knows: last_polled_at, last_updated_at, last_id)",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn template_syntax_errors_are_reported() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: a\n        abort: {{reason: \"{{{{ trigger.x | }}}}\"}}\n"
    );
    assert_problem(
        &flow_problems(&text),
        "blocks[0].steps[0].abort.reason",
        "does not parse",
    );
}

#[test]
fn form_problems() {
    let text = format!(
        "{FLOW_HEAD}setup:\n  pages:\n    - title: P\n      fields:\n        - {{id: a, type: dynamic_select, depends_on: [b], source: {{app: mailbird, query: nope, value: id, label: name}}}}\n        - {{id: b, type: select, depends_on: [a]}}\n        - {{id: c, type: hidden}}\n        - {{id: d, type: number, default: ten}}\nblocks:\n  - id: x\n    trigger: {{type: manual}}\n    steps: [{{id: s, abort: {{reason: r}}}}]\n"
    );
    let problems = flow_problems(&text);
    assert_problem(
        &problems,
        "setup.pages[0].fields[0].source.query",
        "has no query 'nope'",
    );
    assert_problem(
        &problems,
        "setup.pages[0].fields[1].options",
        "needs a non-empty 'options'",
    );
    assert_problem(
        &problems,
        "setup.pages[0].fields[0].depends_on",
        "depends on itself through other fields",
    );
    assert_problem(
        &problems,
        "setup.pages[0].fields[2].default",
        "needs a 'default'",
    );
    assert_problem(
        &problems,
        "setup.pages[0].fields[3].default",
        "does not fit",
    );
}

#[test]
fn declared_inputs_are_enforced() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: a\n        action: {{app: acme, action: add_note, input: {{text: hi, colour: red}}}}\n"
    );
    let problems = flow_problems(&text);
    assert_problem(
        &problems,
        "blocks[0].steps[0].action.input",
        "missing required input 'contact_id'",
    );
    assert_problem(
        &problems,
        "blocks[0].steps[0].action.input.colour",
        "unknown input 'colour'",
    );
}

#[test]
fn app_problems() {
    let text = "id: Bad App\nname: X\nbase_url: ftp://x\nauth: {type: oauth2, authorize_url: nope, token_url: 'https://t.test/token'}\nqueries:\n  q:\n    request: {path: 'items/{{ input.x }}'}\n    pagination: {type: cursor, param: c, next: n}\n";
    let app = parse_app(text).unwrap();
    let problems = app.locate(validate_app(&app.definition, &Templates::new()));
    assert_problem(&problems, "id", "not a valid id");
    assert_problem(&problems, "base_url", "http or https");
    assert_problem(&problems, "auth.authorize_url", "not a valid URL");
    assert_problem(&problems, "queries.q.request.path", "must start with '/'");
    assert_problem(&problems, "queries.q.pagination", "needs 'items'");
}

#[test]
fn request_timeouts_are_durations_within_bounds() {
    let text = "id: a\nname: A\nbase_url: https://a.test\nauth: {type: none}\ntimeout: soon\nqueries:\n  q:\n    request: {path: /q}\n    timeout: 10m\nactions:\n  act:\n    request: {method: POST, path: /a}\n    timeout: 5ms\n  fine:\n    request: {method: POST, path: /f}\n    timeout: 45s\n";
    let app = parse_app(text).unwrap();
    let problems = app.locate(validate_app(&app.definition, &Templates::new()));
    assert_problem(&problems, "timeout", "write it like 10s");
    assert_problem(&problems, "queries.q.timeout", "at most 5m");
    assert_problem(&problems, "actions.act.timeout", "at least 100ms");
    assert!(
        !problems.iter().any(|p| p.path == "actions.fine.timeout"),
        "{problems:?}"
    );
    let limited = parse_app("id: a\nname: A\nbase_url: https://a.test\nauth: {type: none}\nrate_limit: {requests: 0, per: fortnightly}\n").unwrap();
    let problems = limited.locate(validate_app(&limited.definition, &Templates::new()));
    assert_problem(&problems, "rate_limit.requests", "at least 1");
    assert_problem(&problems, "rate_limit.per", "write it like 1s");
}

#[test]
fn only_a_dynamic_select_may_allow_custom_values() {
    let problems = flow_problems("id: f\nname: F\napps: []\nsetup:\n  pages:\n    - title: P\n      fields:\n        - {id: t, type: text, allow_custom: true}\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps: []\n");
    assert_problem(
        &problems,
        "setup.pages[0].fields[0].allow_custom",
        "only a dynamic_select",
    );
}

#[test]
fn code_steps_must_compile_and_stay_within_limits() {
    let problems = flow_problems("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: bad\n        code: {source: \"return (;\", time_ms: 60000}\n");
    assert_problem(&problems, "blocks[0].steps[0].code.source", "SyntaxError");
    assert_problem(
        &problems,
        "blocks[0].steps[0].code.time_ms",
        "1 to 5000 milliseconds",
    );
}

#[test]
fn code_files_are_named_in_problems_and_must_be_bundled() {
    let step = |code: &str| {
        format!("id: f\nname: F\napps: []\nblocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: s\n        code: {code}\n")
    };
    // Through the API nothing reads files: a bare `file` says what to send instead.
    let problems = flow_problems(&step("{file: reshape.js}"));
    assert_problem(
        &problems,
        "blocks[0].steps[0].code.file",
        "send the code as 'source'",
    );
    // A bundled file's syntax error names the file, since lines count in it.
    let problems = flow_problems(&step(
        "{file: reshape.js, source: \"let a = 1;\\nreturn (;\"}",
    ));
    assert_problem(
        &problems,
        "blocks[0].steps[0].code.file",
        "reshape.js: SyntaxError",
    );
    assert_problem(&problems, "blocks[0].steps[0].code.file", "line 2");
    let problems = flow_problems(&step("{source: \"\"}"));
    assert_problem(
        &problems,
        "blocks[0].steps[0].code.source",
        "must not be empty",
    );
    let big = format!("{{source: \"return '{}';\"}}", "x".repeat(100_001));
    let problems = flow_problems(&step(&big));
    assert_problem(
        &problems,
        "blocks[0].steps[0].code.source",
        "at most 100000",
    );
}

#[test]
fn credentials_stay_at_the_apps_origin() {
    let text = "id: keyed\nname: Keyed\nbase_url: https://api.keyed.test/v1\nauth: {type: api_key, in: header, name: X-Key}\ncredential_origins: ['https://uploads.keyed.test', 'https://x.test/path']\nactions:\n  leak:\n    request: {method: POST, path: 'https://evil.test/steal'}\n  upload:\n    request: {method: POST, path: 'https://uploads.keyed.test/{{ input.name }}'}\n  same:\n    request: {path: 'https://api.keyed.test/other'}\n";
    let app = parse_app(text).unwrap();
    let problems = app.locate(validate_app(&app.definition, &Templates::new()));
    assert_problem(
        &problems,
        "actions.leak.request.path",
        "https://evil.test is not app 'keyed''s origin (https://api.keyed.test)",
    );
    assert_problem(&problems, "credential_origins[1]", "must be an origin");
    assert_eq!(problems.len(), 2, "{problems:#?}");

    // Acme sends an API key; an http step bound to it may not leave its origin.
    let step = |url: &str| {
        flow_problems(&format!("id: f\nname: F\napps: [acme]\nblocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: s\n        http: {{app: acme, url: '{url}'}}\n"))
    };
    for url in [
        "https://evil.test/x",
        "https://evil.test/{{ trigger.path }}",
        "http://127.0.0.1:4011/acme/x",
    ] {
        assert_problem(
            &step(url),
            "blocks[0].steps[0].http.url",
            "so it would get the account's credentials",
        );
    }
    // Fixed at the app's origin, relative, or made by a template: checked when it runs.
    for url in [
        "http://127.0.0.1:4010/other",
        "/contacts",
        "{{ trigger.url }}",
        "https://{{ trigger.host }}/x",
    ] {
        assert!(step(url).is_empty(), "{url}: {:#?}", step(url));
    }
}

#[test]
fn fixed_origins_are_read_up_to_the_first_template() {
    let origin = |t: &str| fixed_origin(t).map(|o| o.ascii_serialization());
    assert_eq!(
        origin("https://a.test:8443/x/{{ y }}").as_deref(),
        Some("https://a.test:8443")
    );
    assert_eq!(origin("https://a.test").as_deref(), Some("https://a.test"));
    assert_eq!(origin("https://a.test{{ x }}"), None, "the host may go on");
    assert_eq!(origin("{{ url }}"), None);
    assert_eq!(origin("/relative/{{ x }}"), None);
}

#[test]
fn templates_may_read_only_what_the_trigger_gives() {
    let block = |trigger: &str, reads: &str| {
        format!(
            "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {trigger}\n    steps:\n      - id: a\n        abort: {{reason: \"{{{{ trigger.{reads} }}}}\"}}\n"
        )
    };
    let schedule = flow_problems(&block("{type: schedule, cron: \"0 9 * * *\"}", "since"));
    assert_problem(
        &schedule,
        "blocks[0].steps[0].abort.reason",
        "unknown variable 'trigger.since': a schedule run's trigger has scheduled_at, previous_at, fired_at",
    );
    assert!(flow_problems(&block(
        "{type: schedule, cron: \"0 9 * * *\"}",
        "previous_at"
    ))
    .is_empty());
    let poll = "{type: poll, app: mailbird, query: lists, interval: 5m}";
    assert_problem(
        &flow_problems(&block(poll, "items")),
        "blocks[0].steps[0].abort.reason",
        "trigger has item",
    );
    assert!(flow_problems(&block(poll, "item.id")).is_empty());
    // An app event's payload is the sender's: anything may be read.
    assert!(flow_problems(&block("{type: app_event, event: x.y}", "anything.deep")).is_empty());
}

#[test]
fn storage_fields_belong_to_their_operations() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: manual}}\n    steps:\n      - id: s\n        storage: {{op: set, key: k}}\n      - id: g\n        storage: {{op: get, key: \"{{{{ nothing.here }}}}\", value: 1, ttl: 1d}}\n      - id: i\n        storage: {{op: increment, key: n, by: 1.5, ttl: forever}}\n      - id: d\n        storage: {{op: delete, key: k, scope: galaxy}}\n"
    );
    let problems = flow_problems(&text);
    // An unknown scope is a parse error, reported before anything else.
    assert_problem(&problems, "blocks[0].steps[3].storage.scope", "galaxy");
    let text = text.replace(", scope: galaxy", "");
    let problems = flow_problems(&text);
    assert_problem(
        &problems,
        "blocks[0].steps[0].storage.value",
        "needs the 'value'",
    );
    assert_problem(&problems, "blocks[0].steps[1].storage.key", "nothing");
    assert_problem(
        &problems,
        "blocks[0].steps[1].storage.value",
        "only a 'set' step",
    );
    assert_problem(
        &problems,
        "blocks[0].steps[1].storage.ttl",
        "only 'set' and 'increment'",
    );
    assert_problem(&problems, "blocks[0].steps[2].storage.by", "whole number");
    assert_problem(
        &problems,
        "blocks[0].steps[2].storage.ttl",
        "not a duration",
    );
    assert!(
        !problems
            .iter()
            .any(|p| p.path.starts_with("blocks[0].steps[3]")),
        "{problems:#?}"
    );
}

#[test]
fn an_echo_check_names_its_app_and_an_action_that_remembers() {
    let block = |trigger: &str, echo: &str, action: &str| {
        format!(
            "{FLOW_HEAD}echo_window: 2d\nblocks:\n  - id: b\n    trigger: {trigger}\n    echo: {echo}\n    steps:\n      - id: w\n        action: {action}\n"
        )
    };
    let update = "{app: acme, action: update_contact, input: {id: x, fields: {}}}";
    // An app event reports no app's objects unless the block says which.
    let problems = flow_problems(&block(
        "{type: app_event, event: contact.updated}",
        "{object_id: \"{{ trigger.contact.id }}\", fields: {fields: 1}}",
        update,
    ));
    assert_problem(&problems, "blocks[0].echo.app", "name the app");
    assert_problem(&problems, "echo_window", "from 1s to 24h");
    // The app's action says where its object's id is (acme's update_contact does,
    // add_note does not); the object id's template is checked; fields are needed.
    let problems = flow_problems(&block(
        "{type: app_event, event: contact.updated}",
        "{app: acme, object_id: \"{{ trigger.nope.id }}\", fields: {}}",
        "{app: acme, action: add_note, input: {contact_id: x, text: y}}",
    ));
    assert_problem(&problems, "blocks[0].echo", "add_note");
    assert_problem(&problems, "blocks[0].echo.fields", "at least one field");
    let ok = block(
        "{type: webhook, app: mailbird, events: [member.updated]}",
        "{object_id: \"{{ trigger.body.member.id }}\", fields: {merge_fields: \"{{ trigger.body.member.merge_fields }}\"}}",
        "{app: mailbird, action: update_member, input: {list_id: l, member_id: m, merge_fields: {}}}",
    )
    .replace("echo_window: 2d\n", "echo_window: 10m\n");
    assert!(flow_problems(&ok).is_empty(), "{:#?}", flow_problems(&ok));
    // A webhook block's echo is about the trigger's app, which this flow never writes.
    let problems = flow_problems(&ok.replace(
        "app: mailbird, action: update_member, input: {list_id: l, member_id: m, merge_fields: {}}",
        "app: acme, action: update_contact, input: {id: x, fields: {}}",
    ));
    assert_problem(
        &problems,
        "blocks[0].echo",
        "no action step of this flow writes to 'mailbird'",
    );
}

#[test]
fn order_by_templates_read_only_what_the_trigger_gives() {
    let text = format!(
        "{FLOW_HEAD}blocks:\n  - id: b\n    trigger: {{type: poll, app: acme, query: contacts, interval: 5m}}\n    order_by: {{id: \"{{{{ trigger.body.id }}}}\", updated_at: \" \"}}\n    steps:\n      - id: s\n        abort: {{reason: x}}\n"
    );
    let problems = flow_problems(&text);
    assert_problem(&problems, "blocks[0].order_by.id", "body");
    assert_problem(
        &problems,
        "blocks[0].order_by.updated_at",
        "must not be empty",
    );
    let fixed = text.replace("trigger.body.id", "trigger.item.id").replace(
        "updated_at: \" \"",
        "updated_at: \"{{ trigger.item.updated_at }}\"",
    );
    assert!(
        flow_problems(&fixed).is_empty(),
        "{:#?}",
        flow_problems(&fixed)
    );
}
