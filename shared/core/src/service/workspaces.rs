//! Creating workspaces and their secrets.

use super::secrets::{random_token, sha256_hex};
use super::{Junction, ServiceError};
use crate::definition::{CodeLimits, Problem};
use crate::ids::new_id;
use crate::model::Workspace;
use crate::ports::{RunQueue, SecretKey, Store, Vault};

/// A new workspace and its secrets, which are shown once and never again.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewWorkspace {
    pub workspace: Workspace,
    /// Signs user ids for the marketplace (`Hash` header); keep it on your backend.
    pub app_secret: String,
    /// Your backend's bearer token for the admin and events API.
    pub api_secret: String,
}

/// Where the app secret is kept in the vault.
pub(crate) fn app_secret_key(workspace_id: &str) -> SecretKey {
    SecretKey::new(workspace_id, "workspace/app-secret")
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    pub async fn create_workspace(&self, name: &str) -> Result<NewWorkspace, ServiceError> {
        self.create_workspace_with_quota(name, None).await
    }

    /// A workspace whose runs stop starting once `task_quota` tasks were used in a month.
    pub async fn create_workspace_with_quota(
        &self,
        name: &str,
        task_quota: Option<u64>,
    ) -> Result<NewWorkspace, ServiceError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(ServiceError::field("name", "must be 1 to 200 characters"));
        }
        let id = new_id("ws");
        let app_secret = random_token("jas")?;
        // The workspace id travels inside the API secret so a bearer token finds its
        // workspace with one read; only a hash is stored.
        let api_secret = format!("jsk.{id}.{}", random_token("k")?.trim_start_matches("k_"));
        let mut workspace = Workspace {
            id: id.clone(),
            name: name.into(),
            app_key: random_token("jak")?,
            api_secret_sha256: sha256_hex(&api_secret),
            task_quota,
            code_limits: CodeLimits::default(),
            require_identity_token: false,
            identity_public_key: None,
            widget_origins: Vec::new(),
            created_at: self.clock.now(),
            version: 0,
        };
        // The secret first: a workspace that exists can always verify its users.
        self.vault
            .put(&app_secret_key(&id), app_secret.as_bytes())
            .await?;
        workspace.version = self.store.create_workspace(&workspace).await?;
        Ok(NewWorkspace {
            workspace,
            app_secret,
            api_secret,
        })
    }
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// The workspace, or a 404 naming it.
    async fn existing_workspace(&self, ws: &str) -> Result<Workspace, ServiceError> {
        self.store
            .get_workspace(ws)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("workspace '{ws}'")))
    }

    /// Sets the origins allowed to embed the widget: `https://app.example.com`, no path.
    pub async fn set_widget_origins(
        &self,
        ws: &str,
        origins: &[String],
    ) -> Result<Vec<String>, ServiceError> {
        let mut normalized = Vec::with_capacity(origins.len());
        let mut problems = Vec::new();
        for (i, raw) in origins.iter().enumerate() {
            match url::Url::parse(raw.trim()) {
                Ok(u)
                    if matches!(u.scheme(), "http" | "https")
                        && u.host().is_some()
                        && matches!(u.path(), "" | "/")
                        && u.query().is_none() =>
                {
                    normalized.push(u.origin().ascii_serialization())
                }
                _ => problems.push(Problem {
                    path: format!("origins[{i}]"),
                    line: None,
                    message: format!("'{raw}' is not an origin like https://app.example.com"),
                }),
            }
        }
        if !problems.is_empty() {
            return Err(ServiceError::invalid("the origins are invalid", problems));
        }
        normalized.sort();
        normalized.dedup();
        let mut workspace = self.existing_workspace(ws).await?;
        let expected = workspace.version;
        workspace.widget_origins = normalized.clone();
        self.store.update_workspace(&workspace, expected).await?;
        Ok(normalized)
    }
}

/// How a workspace's users are signed in to the marketplace API.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityPolicy {
    /// Accept only expiring identity tokens (`Authorization: Bearer`), refusing the
    /// static `User-ID` + `Hash`, which never expires.
    pub require_token: bool,
    /// A public key in PEM (RSA for RS256, Ed25519 for EdDSA) that verifies identity
    /// tokens your backend signs with its private key; left out, only HS256 tokens
    /// signed with the app secret are accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    /// Whether the workspace still accepts a static `Hash`.
    pub async fn identity_policy(&self, ws: &str) -> Result<IdentityPolicy, ServiceError> {
        let w = self.existing_workspace(ws).await?;
        Ok(IdentityPolicy {
            require_token: w.require_identity_token,
            public_key: w.identity_public_key,
        })
    }

    /// Turns the requirement of expiring identity tokens on or off.
    pub async fn set_identity_policy(
        &self,
        ws: &str,
        policy: &IdentityPolicy,
    ) -> Result<IdentityPolicy, ServiceError> {
        let mut workspace = self.existing_workspace(ws).await?;
        let public_key = match policy.public_key.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(pem) => {
                super::identity_token::IdentityPublicKey::parse(pem)
                    .map_err(|e| ServiceError::field("public_key", e))?;
                Some(pem.to_string())
            }
        };
        let expected = workspace.version;
        workspace.require_identity_token = policy.require_token;
        workspace.identity_public_key = public_key.clone();
        self.store.update_workspace(&workspace, expected).await?;
        Ok(IdentityPolicy {
            require_token: policy.require_token,
            public_key,
        })
    }
}

/// What bounds a workspace's use of Junction: set by whoever runs Junction, read by
/// the workspace's own backend.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct WorkspaceLimits {
    /// Tasks a month after which runs stop starting; none when unlimited.
    pub task_quota: Option<u64>,
    /// The most one code step may ask for.
    pub code: CodeLimits,
}

impl From<&Workspace> for WorkspaceLimits {
    fn from(w: &Workspace) -> Self {
        Self {
            task_quota: w.task_quota,
            code: w.code_limits,
        }
    }
}

/// A change to a workspace's limits; what is `None` stays as it is.
#[derive(Debug, Clone, Default)]
pub struct LimitsChange {
    /// `Some(None)` removes the quota.
    pub task_quota: Option<Option<u64>>,
    pub code_max_time_ms: Option<u64>,
    pub code_max_memory_mb: Option<u64>,
}

impl<S: Store, Q: RunQueue, V: Vault> Junction<S, Q, V> {
    pub async fn workspace_limits(&self, ws: &str) -> Result<WorkspaceLimits, ServiceError> {
        Ok(WorkspaceLimits::from(&self.existing_workspace(ws).await?))
    }

    /// Changes a workspace's limits. Flows already pushed keep working: a code step that
    /// asks for more than a lowered maximum gets the maximum when it runs.
    pub async fn change_workspace_limits(
        &self,
        ws: &str,
        change: &LimitsChange,
    ) -> Result<WorkspaceLimits, ServiceError> {
        let mut workspace = self.existing_workspace(ws).await?;
        if let Some(quota) = change.task_quota {
            workspace.task_quota = quota;
        }
        let code = &mut workspace.code_limits;
        if let Some(ms) = change.code_max_time_ms {
            code.max_time_ms = ms;
        }
        if let Some(mb) = change.code_max_memory_mb {
            code.max_memory_mb = mb;
        }
        let problems: Vec<Problem> = code
            .problems()
            .into_iter()
            .map(|(field, message)| Problem {
                path: format!("code.{field}"),
                line: None,
                message,
            })
            .collect();
        if !problems.is_empty() {
            return Err(ServiceError::invalid("the limits are invalid", problems));
        }
        let expected = workspace.version;
        workspace.version = self.store.update_workspace(&workspace, expected).await?;
        Ok(WorkspaceLimits::from(&workspace))
    }
}
