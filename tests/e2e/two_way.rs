//! The two-way contact sync example (`examples/flows/contacts-two-way.yaml`) between
//! Acme (your app, whose backend sends `contact.updated`) and Mailbird (which reports
//! every member change, Junction's own included, as a `member.updated` webhook): an
//! edit on either side reaches the other exactly once, and the report of Junction's
//! own write comes back as a skipped run that names the run that wrote.

use junction_core::model::RunRecord;
use junction_tests::mock_apps::{MockApps, ACME_KEY};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{eventually, EXAMPLES};
use crate::integrations::{connect_acme, create, oauth_account, setup};
use crate::server::{Answer, TestServer};
use crate::triggers::finished_runs;
use junction_core::service::NewWorkspace;

/// What your app's backend does when a contact changes: it sends the contact as it
/// now is, whoever changed it (its user, or Junction through the API).
async fn acme_reports(app: &TestServer, ws: &NewWorkspace, mock: &MockApps, id: &str) {
    let contact = mock
        .state
        .contacts
        .lock()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .unwrap();
    let event = json!({"user_id": "alice", "payload": {"contact": contact}});
    let (status, queued) = app
        .admin(ws, Method::POST, "/v1/events/contact.updated")
        .json(&event)
        .status_json()
        .await;
    assert_eq!(status, 202, "{queued}");
}

/// The user edits a contact in Acme itself.
async fn edit_in_acme(mock: &MockApps, id: &str, fields: Value) {
    let r = junction_tests::http::client()
        .patch(format!("{}/acme/contacts/{id}", mock.url()))
        .header("X-API-Key", ACME_KEY)
        .json(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

fn by_block<'a>(runs: &'a [RunRecord], block: &str) -> Vec<&'a RunRecord> {
    runs.iter().filter(|r| r.state.block_id == block).collect()
}

#[tokio::test]
async fn an_edit_on_either_side_reaches_the_other_once_and_nothing_loops() {
    let (app, mock, ws) = setup().await;
    let flow = std::fs::read_to_string(format!("{EXAMPLES}/flows/contacts-two-way.yaml")).unwrap();
    app.publish_flow(&ws, "contacts-two-way", &flow).await;
    let acme = connect_acme(&app, &ws, "alice").await;
    let mailbird = oauth_account(&app, &ws, "alice").await;
    let (status, created) = create(&app, &ws, "alice", json!({"flow": "contacts-two-way", "accounts": {"acme": acme, "mailbird": mailbird}, "setup": {"list_id": "list_news"}})).await;
    assert_eq!(status, 201, "{created}");
    let id = created["integration"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        mock.state.webhooks.lock().unwrap()[0]["events"],
        json!(["member.updated"])
    );

    // 1. Acme reports contact c_1: it is new to Mailbird, so a member is added and
    //    the two ids are kept (storage steps).
    acme_reports(&app, &ws, &mock, "c_1").await;
    let runs = finished_runs(&app, &ws, &id, 1).await;
    assert_eq!(runs[0].status.as_str(), "succeeded", "{:?}", runs[0].state);
    let member = runs[0].state.outputs["add_member"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(mock.state.stats().members_created, 1);

    // 2. The user renames the member in Mailbird: Acme's contact follows, once.
    let edit: Value = junction_tests::http::client()
        .post(format!(
            "{}/mailbird/api/lists/list_news/members/{member}/edit",
            mock.url()
        ))
        .json(&json!({"FNAME": "Annie"}))
        .answer_json()
        .await;
    assert_eq!(edit["answers"], json!([200]), "{edit}");
    let runs = finished_runs(&app, &ws, &id, 2).await;
    let to_acme = by_block(&runs, "mailbird_to_acme");
    assert_eq!(
        to_acme[0].status.as_str(),
        "succeeded",
        "{:?}",
        to_acme[0].state
    );
    let writer = to_acme[0].id.clone();
    assert_eq!(mock.state.stats().contacts_updated, 1);
    assert_eq!(
        mock.state.contacts.lock().unwrap()[0]["first_name"],
        "Annie"
    );

    // 3. Acme reports that change (Junction's own write) back: skipped, naming the
    //    run that wrote; Mailbird is not written again.
    acme_reports(&app, &ws, &mock, "c_1").await;
    let runs = finished_runs(&app, &ws, &id, 3).await;
    let echo = runs
        .iter()
        .find(|r| r.status.as_str() == "skipped")
        .expect("the echo is skipped");
    assert_eq!(echo.state.block_id, "acme_to_mailbird");
    let skipped = echo.state.skipped.as_ref().unwrap();
    assert_eq!(
        skipped.echo_of.as_deref(),
        Some(writer.as_str()),
        "{skipped:?}"
    );
    assert_eq!((echo.state.tasks, echo.state.log.len()), (0, 0));
    assert_eq!(mock.state.stats().members_updated, 0);

    // 4. The user renames the contact in Acme: the member follows, once; Mailbird's
    //    report of that write arrives a moment later and is skipped too.
    edit_in_acme(&mock, "c_1", json!({"last_name": "Lee-Smith"})).await;
    acme_reports(&app, &ws, &mock, "c_1").await;
    let runs = eventually(
        "Mailbird's report of Junction's write to be skipped",
        || async {
            let runs = finished_runs(&app, &ws, &id, 4).await;
            let skipped = runs
                .iter()
                .filter(|r| r.status.as_str() == "skipped")
                .count();
            (skipped == 2 && runs.iter().all(|r| r.status.is_finished())).then_some(runs)
        },
    )
    .await;
    app.queue_drained().await;
    let to_mailbird = by_block(&runs, "acme_to_mailbird");
    let updated = to_mailbird
        .iter()
        .find(|r| r.state.outputs.contains_key("update_member"))
        .expect("a run updated the member");
    let second_echo = by_block(&runs, "mailbird_to_acme")
        .into_iter()
        .find(|r| r.status.as_str() == "skipped")
        .expect("Mailbird's report is skipped");
    assert_eq!(
        second_echo
            .state
            .skipped
            .as_ref()
            .unwrap()
            .echo_of
            .as_deref(),
        Some(updated.id.as_str())
    );
    let stats = mock.state.stats();
    assert_eq!(
        (stats.members_updated, stats.contacts_updated),
        (1, 2),
        "one write each way (and the user's own edit in Acme)"
    );
    let synced = mock.state.members.lock().unwrap()["list_news"]
        .iter()
        .find(|m| m["id"] == member.as_str())
        .cloned()
        .unwrap();
    assert_eq!(
        synced["merge_fields"],
        json!({"FNAME": "Annie", "LNAME": "Lee-Smith"})
    );
    assert_eq!(
        runs.len(),
        5,
        "nothing more ran: {:#?}",
        runs.iter()
            .map(|r| (&r.state.block_id, r.status))
            .collect::<Vec<_>>()
    );

    // The marketplace shows the skipped runs with their reason.
    let listed: Value = app
        .user_json(&ws, "alice", &format!("/v1/runs/{}", second_echo.id))
        .await;
    assert_eq!(listed["status"], "skipped", "{listed}");
    assert_eq!(listed["state"]["skipped"]["echo_of"], updated.id.as_str());
}
