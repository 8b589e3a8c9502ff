//! Users, created once, and their accounts by user and app.

use super::*;
use junction_core::ports::AccountStore;

pub async fn users_and_accounts(s: impl AccountStore) {
    let first = s.ensure_user("ws_a", "u1", t0()).await.unwrap();
    let again = s
        .ensure_user("ws_a", "u1", t0() + chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(first, again, "created once");
    for (id, app) in [("acc_1", "crm"), ("acc_2", "crm"), ("acc_3", "mail")] {
        let a = Account {
            workspace_id: "ws_a".into(),
            id: id.into(),
            user_id: "u1".into(),
            app_id: app.into(),
            label: id.into(),
            status: AccountStatus::Active,
            created_at: t0(),
            version: 0,
        };
        s.put_account(&a, None).await.unwrap();
    }
    assert_eq!(
        s.accounts_of_user("ws_a", "u1", Some("crm"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        s.accounts_of_user("ws_a", "u1", None).await.unwrap().len(),
        3
    );
    assert!(s
        .accounts_of_user("ws_a", "u2", None)
        .await
        .unwrap()
        .is_empty());
    let mut a = s.get_account("ws_a", "acc_1").await.unwrap().unwrap();
    a.status = AccountStatus::NeedsReauthorization;
    s.put_account(&a, Some(a.version)).await.unwrap();
    assert_eq!(
        s.get_account("ws_a", "acc_1")
            .await
            .unwrap()
            .unwrap()
            .status,
        AccountStatus::NeedsReauthorization
    );
    s.delete_account("ws_a", "acc_1").await.unwrap();
    assert!(s.get_account("ws_a", "acc_1").await.unwrap().is_none());
}
