//! Mailbird's OAuth grants: one token pair per consent, as a real provider keeps them,
//! so connecting a second account (or a second person) never spends the first one's.

use std::collections::HashSet;

/// One consent's current tokens and the refresh tokens it rotated away.
#[derive(Debug, Clone)]
struct Grant {
    access: String,
    refresh: String,
    spent: HashSet<String>,
    revoked: bool,
    /// The demo account's grant: its refresh token starts a grant of its own each time
    /// it is used instead of rotating, so `examples/accounts/mailbird.json` can be
    /// copied afresh and used again whenever the walk-through is run.
    reusable: bool,
}

/// Why a refresh token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Sent again after it was rotated away: its grant is revoked, as providers with
    /// reuse detection do (a leak or a race).
    Reused,
    /// Never issued, or its grant is gone.
    Unknown,
}

/// Every grant Mailbird has issued; token names carry one counter over all of them
/// (`mb-access-<n>`, `mb-refresh-<n>`), so tests can tell rotations apart.
#[derive(Debug)]
pub struct Grants {
    grants: Vec<Grant>,
    counter: u64,
}

impl Grants {
    /// One grant already given: the demo account's (`examples/accounts/mailbird.json`
    /// holds its refresh token, `mb-refresh-1`), reusable.
    pub fn seeded() -> Self {
        Self {
            grants: vec![Grant {
                access: "mb-access-0".into(),
                refresh: super::MAILBIRD_FIRST_REFRESH.into(),
                spent: HashSet::new(),
                revoked: false,
                reusable: true,
            }],
            counter: 1,
        }
    }

    /// A new consent: a fresh pair that shares nothing with the other grants.
    pub fn issue(&mut self) -> (String, String) {
        let (access, refresh) = self.next_pair();
        self.grants.push(Grant {
            access: access.clone(),
            refresh: refresh.clone(),
            spent: HashSet::new(),
            revoked: false,
            reusable: false,
        });
        (access, refresh)
    }

    /// Rotates the grant whose refresh token this is: a new pair, the old one spent.
    pub fn rotate(&mut self, refresh: &str) -> Result<(String, String), Refused> {
        if let Some(i) = self.grants.iter().position(|g| g.spent.contains(refresh)) {
            self.grants[i].revoked = true;
            return Err(Refused::Reused);
        }
        let Some(i) = self
            .grants
            .iter()
            .position(|g| !g.revoked && g.refresh == refresh)
        else {
            return Err(Refused::Unknown);
        };
        if self.grants[i].reusable {
            return Ok(self.issue());
        }
        let (access, fresh) = self.next_pair();
        let grant = &mut self.grants[i];
        grant
            .spent
            .insert(std::mem::replace(&mut grant.refresh, fresh.clone()));
        grant.access = access.clone();
        Ok((access, fresh))
    }

    /// Whether a bearer token is the current access token of a live grant.
    pub fn accepts(&self, access: &str) -> bool {
        self.grants.iter().any(|g| !g.revoked && g.access == access)
    }

    /// The user removed the app in Mailbird's settings: every grant is gone.
    pub fn revoke_all(&mut self) {
        for grant in &mut self.grants {
            grant.revoked = true;
        }
    }

    /// The pair most recently issued or rotated (tests compare what was stored with it).
    pub fn latest(&self) -> (String, String) {
        let n = self.counter;
        (format!("mb-access-{n}"), format!("mb-refresh-{n}"))
    }

    fn next_pair(&mut self) -> (String, String) {
        self.counter += 1;
        self.latest()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_rotate_apart_and_reuse_revokes_only_its_own() {
        let mut grants = Grants::seeded();
        let (first_access, first_refresh) = grants.issue();
        let (second_access, second_refresh) = grants.issue();
        let (rotated_access, _) = grants.rotate(&first_refresh).unwrap();
        assert!(
            grants.accepts(&second_access),
            "a rotation leaves other grants alone"
        );
        assert!(grants.accepts(&rotated_access));
        assert!(
            !grants.accepts(&first_access),
            "a rotated access token is gone"
        );

        assert_eq!(grants.rotate(&first_refresh), Err(Refused::Reused));
        assert!(!grants.accepts(&rotated_access), "reuse revokes that grant");
        assert!(grants.accepts(&second_access), "and only that one");
        assert!(grants.rotate(&second_refresh).is_ok());
        assert_eq!(grants.rotate("mb-refresh-99"), Err(Refused::Unknown));

        grants.revoke_all();
        assert!(!grants.accepts(&grants.latest().0));
        assert_eq!(grants.rotate("mb-refresh-1"), Err(Refused::Unknown));
    }

    #[test]
    fn the_demo_accounts_refresh_token_starts_a_grant_each_time() {
        let mut grants = Grants::seeded();
        let (a, _) = grants.rotate("mb-refresh-1").unwrap();
        let (b, _) = grants.rotate("mb-refresh-1").unwrap();
        assert_ne!(a, b);
        assert!(grants.accepts(&a) && grants.accepts(&b) && grants.accepts("mb-access-0"));
    }
}
