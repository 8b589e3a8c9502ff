//! Engine overhead benchmark. Prints µs per control step, µs per HTTP step against the
//! in-process mock apps (with a raw HTTP call as the baseline), and runs/s of a 3-step
//! flow on one core. Run: `cargo bench -p junction-tests --bench engine`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use junction_core::catalog::AppCatalog;
use junction_core::credentials::{Credentials, MemoryCredentials, Secret};
use junction_core::definition::{parse_app, parse_flow, FlowDefinition};
use junction_core::engine::{Engine, Invocation, RunInput, RunStatus};
use junction_core::outbound::{AddressPolicy, HttpConfig, OutboundClient};
use junction_tests::mock_apps::{MockApps, ACME_KEY};
use serde_json::json;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");

fn control_flow(steps: usize) -> FlowDefinition {
    let mut yaml = String::from("id: bench\nname: Bench\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n");
    for i in 0..steps {
        yaml.push_str(&format!(
            "      - id: c{i}\n        condition:\n          branches:\n            - when: [{{left: '{{{{ trigger.n }}}}', op: gt, right: {i}}}]\n              steps: []\n"
        ));
    }
    parse_flow(&yaml).unwrap().definition
}

fn loop_flow() -> FlowDefinition {
    parse_flow("id: bench\nname: Bench\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: each\n        loop:\n          for_each: '{{ trigger.items }}'\n          steps:\n            - id: check\n              condition:\n                branches:\n                  - when: [{left: '{{ item.plan }}', op: eq, right: pro}]\n                    steps: []\n").unwrap().definition
}

/// With `echo`, the block checks its trigger for an echo of the note it writes, and the
/// action remembers what it wrote (a two-way flow's cost, on in-memory storage).
fn three_step_flow(echo: bool) -> FlowDefinition {
    let check = if echo {
        "    echo: {app: acme, object_id: '{{ trigger.id }}', fields: {text: 'seen {{ trigger.email }}'}}\n"
    } else {
        ""
    };
    parse_flow(
        &format!("id: bench\nname: Bench\napps: [acme]\nblocks:\n  - id: b\n    trigger: {{type: app_event, event: x}}\n{check}    steps:\n      - id: lookup\n        query: {{app: acme, query: contact_by_email, input: {{email: '{{{{ trigger.email }}}}'}}}}\n      - id: found\n        condition:\n          branches:\n            - when: [{{left: '{{{{ steps.lookup.output }}}}', op: not_empty}}]\n              steps: []\n      - id: note\n        action: {{app: acme, action: add_note, input: {{contact_id: '{{{{ trigger.id }}}}', text: 'seen {{{{ trigger.email }}}}'}}}}\n"),
    )
    .unwrap()
    .definition
}

fn engine() -> Engine {
    let policy = AddressPolicy::parse_allowlist(&["127.0.0.1".into()]).unwrap();
    Engine::new(
        OutboundClient::new(HttpConfig {
            policy,
            ..HttpConfig::default()
        })
        .unwrap(),
    )
}

fn acme(url: &str) -> AppCatalog {
    // add_note says where its note's id is, so an echo-checked flow remembers it.
    let text = std::fs::read_to_string(format!("{EXAMPLES}/apps/acme-crm.yaml"))
        .unwrap()
        .replace(
            "    output: note\n",
            "    output: note\n    object_id: note.id\n",
        );
    assert!(
        text.contains("object_id: note.id"),
        "acme's add_note changed shape"
    );
    AppCatalog::new([parse_app(&text.replace("http://127.0.0.1:4010", url))
        .unwrap()
        .definition])
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<f64>()
                    .unwrap_or(0.0)
            })
        })
        .unwrap_or(0.0)
        / 1024.0
}

async fn control_steps(engine: &Engine) {
    let flow = control_flow(200);
    let creds = MemoryCredentials::new();
    let apps = AppCatalog::default();
    let input = RunInput {
        trigger: json!({"n": 100}),
        ..RunInput::default()
    };
    let inv = Invocation {
        flow: &flow,
        apps: &apps,
        input: &input,
        credentials: &creds,
        storage: &junction_core::storage::MemoryStorage::new(),
        code_limits: junction_core::definition::CodeLimits::default(),
    };
    let runs = 200;
    let start = Instant::now();
    for i in 0..runs {
        let mut state = engine.start(&flow, "b", format!("r{i}")).unwrap();
        engine.run(&inv, &mut state).await;
        assert_eq!(state.status, RunStatus::Succeeded);
    }
    let steps = (runs * 200) as f64;
    println!(
        "control step (condition, 1 comparison):   {:>8.2} µs/step",
        start.elapsed().as_secs_f64() * 1e6 / steps
    );

    let flow = loop_flow();
    // 1,000 items: the list, each iteration's output and its log entry all fit in the
    // run record, so the figure is the cost of iterating, not of leaving entries out.
    let items: Vec<_> = (0..1000)
        .map(|i| json!({"id": i, "plan": if i % 3 == 0 { "pro" } else { "free" }}))
        .collect();
    let input = RunInput {
        trigger: json!({"items": items}),
        ..RunInput::default()
    };
    let inv = Invocation {
        flow: &flow,
        apps: &apps,
        input: &input,
        credentials: &creds,
        storage: &junction_core::storage::MemoryStorage::new(),
        code_limits: junction_core::definition::CodeLimits::default(),
    };
    let start = Instant::now();
    let mut state = engine.start(&flow, "b", "loop").unwrap();
    engine.run(&inv, &mut state).await;
    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    println!(
        "loop iteration (for_each + condition):    {:>8.2} µs/iteration (1,000 items)",
        start.elapsed().as_secs_f64() * 1e6 / 1000.0
    );
}

async fn http_steps(engine: &Engine, url: &str) {
    let client = junction_tests::http::client();
    let raw_url = format!("{url}/acme/contacts/c_1/notes");
    let calls = 2000;
    let start = Instant::now();
    for _ in 0..calls {
        let r = client
            .post(&raw_url)
            .header("x-api-key", ACME_KEY)
            .header("content-type", "application/json")
            .body(r#"{"text":"x"}"#)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        r.bytes().await.unwrap();
    }
    let raw = start.elapsed().as_secs_f64() * 1e6 / calls as f64;

    let flow = parse_flow("id: bench\nname: Bench\napps: [acme]\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: note\n        action: {app: acme, action: add_note, input: {contact_id: c_1, text: '{{ trigger.text }}'}}\n").unwrap().definition;
    let apps = acme(url);
    let creds = MemoryCredentials::new().with_account(
        "acme",
        Credentials::ApiKey {
            key: Secret::new(ACME_KEY),
        },
    );
    let input = RunInput {
        trigger: json!({"text": "x"}),
        ..RunInput::default()
    };
    let inv = Invocation {
        flow: &flow,
        apps: &apps,
        input: &input,
        credentials: &creds,
        storage: &junction_core::storage::MemoryStorage::new(),
        code_limits: junction_core::definition::CodeLimits::default(),
    };
    let start = Instant::now();
    for i in 0..calls {
        let mut state = engine.start(&flow, "b", format!("h{i}")).unwrap();
        engine.run(&inv, &mut state).await;
        assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
    }
    let step = start.elapsed().as_secs_f64() * 1e6 / calls as f64;
    println!("raw HTTP call to the mock (reqwest):       {raw:>8.2} µs/call");
    println!("HTTP step (action) to the mock:            {step:>8.2} µs/step");
    println!(
        "  engine overhead on an HTTP step:         {:>8.2} µs/step ({:.2}x the raw call)",
        step - raw,
        step / raw
    );
}

/// µs per run of a flow whose one step is a trivial code step: the sandbox plus what
/// the engine adds around it (a blocking thread, the memory budget, the step log);
/// one at a time, then 32 at once as workers run them. Returns µs per run at 1.
async fn code_step_runs(engine: Arc<Engine>) -> f64 {
    let flow = Arc::new(parse_flow("id: bench\nname: Bench\napps: []\nblocks:\n  - id: b\n    trigger: {type: manual}\n    steps:\n      - id: shape\n        code: {source: 'return { email: trigger.email.toLowerCase() };'}\n").unwrap().definition);
    let mut sequential_us = 0.0;
    for concurrency in [1usize, 32] {
        let total = 4000;
        let start = Instant::now();
        let mut workers = Vec::new();
        for w in 0..concurrency {
            let (engine, flow) = (engine.clone(), flow.clone());
            workers.push(tokio::spawn(async move {
                let creds = MemoryCredentials::new();
                let apps = AppCatalog::default();
                let input = RunInput {
                    trigger: json!({"email": "Ada@Example.com"}),
                    ..RunInput::default()
                };
                let inv = Invocation {
                    flow: &flow,
                    apps: &apps,
                    input: &input,
                    credentials: &creds,
                    storage: &junction_core::storage::MemoryStorage::new(),
                    code_limits: junction_core::definition::CodeLimits::default(),
                };
                for i in (w..total).step_by(concurrency) {
                    let mut state = engine.start(&flow, "b", format!("c{i}")).unwrap();
                    engine.run(&inv, &mut state).await;
                    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
                }
            }));
        }
        for w in workers {
            w.await.unwrap();
        }
        let us = start.elapsed().as_secs_f64() * 1e6 / total as f64;
        if concurrency == 1 {
            sequential_us = us;
        }
        println!("code step (trivial, in a run), {concurrency:>2} concurrent: {us:>8.2} µs/step, {:>6.0} steps/s (fresh sandbox each)", 1e6 / us);
    }
    sequential_us
}

/// Runs/s at 1 and 32 concurrent; returns µs per run at 1.
async fn three_step_runs(engine: Arc<Engine>, url: &str, echo: bool) -> f64 {
    let mut sequential_us = 0.0;
    let flow = Arc::new(three_step_flow(echo));
    let apps = Arc::new(acme(url));
    let storage = Arc::new(junction_core::storage::MemoryStorage::new());
    let creds = Arc::new(MemoryCredentials::new().with_account(
        "acme",
        Credentials::ApiKey {
            key: Secret::new(ACME_KEY),
        },
    ));
    for concurrency in [1usize, 32] {
        let total = 4000;
        let start = Instant::now();
        let mut workers = Vec::new();
        for w in 0..concurrency {
            let (engine, flow, apps, creds, storage) = (
                engine.clone(),
                flow.clone(),
                apps.clone(),
                creds.clone(),
                storage.clone(),
            );
            workers.push(tokio::spawn(async move {
                let mut done = 0;
                for i in (w..total).step_by(concurrency) {
                    let input = RunInput { trigger: json!({"email": format!("person{}@example.com", i % 120 + 1), "id": format!("c_{}", i % 120 + 1)}), ..RunInput::default() };
                    let inv = Invocation { flow: &flow, apps: &apps, input: &input, credentials: creds.as_ref(), storage: storage.as_ref(), code_limits: junction_core::definition::CodeLimits::default() };
                    let mut state = engine.start(&flow, "b", format!("t{i}")).unwrap();
                    engine.run(&inv, &mut state).await;
                    assert_eq!(state.status, RunStatus::Succeeded, "{:?}", state.error);
                    done += 1;
                }
                done
            }));
        }
        let mut done = 0;
        for w in workers {
            done += w.await.unwrap();
        }
        let secs = start.elapsed().as_secs_f64();
        if concurrency == 1 {
            sequential_us = secs * 1e6 / done as f64;
        }
        let with = if echo { ", echo-checked" } else { "" };
        println!("3-step flow (query, condition, action{with}), {concurrency:>2} concurrent: {:>8.0} runs/s ({done} runs in {secs:.2} s, engine on 1 core, mock on the other)", done as f64 / secs);
    }
    sequential_us
}

fn main() {
    // The mock apps get their own thread and runtime, so the engine's core is its own.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let mock = MockApps::start("127.0.0.1:0".parse().unwrap())
                .await
                .unwrap();
            tx.send(mock.url()).unwrap();
            tokio::time::sleep(Duration::from_secs(3600)).await;
            drop(mock);
        });
    });
    let url = rx.recv().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let engine = Arc::new(engine());
        println!("junction engine benchmark (release build, one core for the engine)");
        control_steps(&engine).await;
        http_steps(&engine, &url).await;
        let code_us = code_step_runs(engine.clone()).await;
        let run_us = three_step_runs(engine.clone(), &url, false).await;
        let echo_us = three_step_runs(engine, &url, true).await;
        println!(
            "echo suppression (check + remember, in memory) adds {:.1} µs to a 3-step run ({run_us:.1} → {echo_us:.1} µs)",
            echo_us - run_us
        );
        println!(
            "a trivial code step is {:.2}× a whole 3-step run ({code_us:.0} µs vs {run_us:.0} µs)",
            code_us / run_us
        );
        println!(
            "peak RSS of the benchmark process (engine + mock apps): {:.1} MB",
            peak_rss_mb()
        );
    });
}
