//! Run records: newest first with pages, and by status.

use super::*;
use junction_core::ports::{BookkeepingStore, IntegrationStore, Metered, RunStore};

pub async fn runs_newest_first_with_pages(s: impl RunStore) {
    let ids: Vec<String> = (0..7).map(|_| junction_core::ids::new_id("run")).collect();
    for id in &ids {
        s.put_run(&run("ws_a", id, "int_1"), None).await.unwrap();
    }
    s.put_run(
        &run("ws_a", &junction_core::ids::new_id("run"), "int_other"),
        None,
    )
    .await
    .unwrap();
    let first = s
        .runs_of_integration("ws_a", "int_1", 3, None)
        .await
        .unwrap();
    let got: Vec<_> = first.iter().map(|r| r.id.clone()).collect();
    assert_eq!(got, [ids[6].clone(), ids[5].clone(), ids[4].clone()]);
    let second = s
        .runs_of_integration("ws_a", "int_1", 10, Some(&got[2]))
        .await
        .unwrap();
    assert_eq!(second.len(), 4);
    assert_eq!(second[0].id, ids[3]);
    let mut r = s.get_run("ws_a", &ids[0]).await.unwrap().unwrap();
    r.status = RunStatus::Succeeded;
    s.put_run(&r, Some(r.version)).await.unwrap();
    assert_eq!(
        s.get_run("ws_a", &ids[0]).await.unwrap().unwrap().status,
        RunStatus::Succeeded
    );
    assert!(s.get_run("ws_b", &ids[0]).await.unwrap().is_none());
    let all = s
        .runs_of_integration("ws_a", "int_1", 10, None)
        .await
        .unwrap();
    assert_eq!(
        (all.len(), all[6].status),
        (7, RunStatus::Succeeded),
        "an updated run stays listed under its integration"
    );
}

pub async fn runs_by_status_and_integrations_by_workspace(s: impl RunStore + IntegrationStore) {
    let ids: Vec<String> = (0..3).map(|_| junction_core::ids::new_id("run")).collect();
    for id in &ids {
        s.put_run(&run("ws_a", id, "int_1"), None).await.unwrap();
    }
    let mut failed = s.get_run("ws_a", &ids[1]).await.unwrap().unwrap();
    failed.status = RunStatus::Failed;
    s.put_run(&failed, Some(failed.version)).await.unwrap();
    let listed = s
        .runs_with_status("ws_a", RunStatus::Failed, 10, None)
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [ids[1].as_str()]
    );
    assert_eq!(
        s.runs_with_status("ws_a", RunStatus::Running, 10, None)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(s
        .runs_with_status("ws_b", RunStatus::Failed, 10, None)
        .await
        .unwrap()
        .is_empty());
    let mut replayed = s.get_run("ws_a", &ids[1]).await.unwrap().unwrap();
    replayed.status = RunStatus::Queued;
    s.put_run(&replayed, Some(replayed.version)).await.unwrap();
    assert!(
        s.runs_with_status("ws_a", RunStatus::Failed, 10, None)
            .await
            .unwrap()
            .is_empty(),
        "a status change moves the run"
    );

    s.put_integration(&integration("ws_a", "int_1", "u1", "f", &[], &[]), None)
        .await
        .unwrap();
    s.put_integration(&integration("ws_a", "int_2", "u2", "g", &[], &[]), None)
        .await
        .unwrap();
    s.put_integration(&integration("ws_b", "int_3", "u1", "f", &[], &[]), None)
        .await
        .unwrap();
    assert_eq!(s.integrations_of_workspace("ws_a").await.unwrap().len(), 2);
}

/// A checkpoint writes the run and counts its tasks in one write: a stale one (another
/// worker checkpointed first) counts nothing, and one without tasks touches no counter.
pub async fn checkpoints_count_tasks_with_the_run_or_not_at_all(
    s: impl RunStore + BookkeepingStore,
) {
    let id = junction_core::ids::new_id("run");
    let mut r = run("ws_cp", &id, "int_1");
    r.version = s.put_run(&r, None).await.unwrap();
    let month = "2026-11";
    let metered = |tasks| Metered {
        user_id: "u1",
        month,
        tasks,
    };
    r.state.tasks = 2;
    let first = s.checkpoint_run(&r, r.version, metered(2)).await;
    let v = first.unwrap();
    assert_eq!(v, r.version + 1);
    // The same checkpoint again, from a worker that read the run before: refused, and
    // its tasks are not counted.
    conflict(s.checkpoint_run(&r, r.version, metered(2)).await);
    r.version = v;
    r.status = RunStatus::Succeeded;
    // Without tasks: the run alone.
    r.version = s.checkpoint_run(&r, r.version, metered(0)).await.unwrap();
    let usage = s.usage("ws_cp", month).await.unwrap();
    assert_eq!(usage.total, 2, "{usage:?}");
    assert_eq!(usage.per_user.get("u1").copied(), Some(2), "{usage:?}");
    let stored = s.get_run("ws_cp", &id).await.unwrap().unwrap();
    assert_eq!(
        (stored.status, stored.version, stored.state.tasks),
        (RunStatus::Succeeded, r.version, 2)
    );
    // What an executor reads: the month's tasks beside the run, or alone for a run it
    // holds already.
    let loaded = s
        .run_to_execute("ws_cp", &id, "int_1", month)
        .await
        .unwrap();
    assert_eq!(loaded.run.map(|r| r.version), Some(r.version));
    assert_eq!(loaded.tasks_this_month, 2);
    let beside = s.workspace_to_execute("ws_cp", month).await.unwrap();
    assert!(beside.run.is_none() && beside.integration.is_none());
    assert_eq!(beside.tasks_this_month, 2);
    let next_month = s.workspace_to_execute("ws_cp", "2026-12").await.unwrap();
    assert_eq!(next_month.tasks_this_month, 0);
}
