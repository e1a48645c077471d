//! A change and its record are one: the audit event of a write commits in the same transaction
//! as the write, so a crash can leave neither a change without its event nor an event of a
//! change that did not happen. Reads and failed operations change nothing; their events go
//! through the queue ([`crate::domain::audit::AuditTrail`]).
//!
//! A front door prepares the [`Record`] before it asks for a change, hands it to the domain
//! function inside an [`Author`], and afterwards queues the event only if the change did not
//! write it (it failed, or wrote nothing). Caches that describe what changed are dropped after
//! the commit, so a concurrent call cannot put the old state back in them.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sea_orm::{DatabaseTransaction, TransactionTrait};

use crate::domain::audit::NewEvent;
use crate::domain::error::DomainError;
use crate::domain::principal::Principal;
use crate::domain::services::Services;

/// The audit event a front door keeps of a change, prepared before it is made.
#[derive(Clone)]
pub struct Record(Arc<Prepared>);

struct Prepared {
    event: NewEvent,
    /// Whose change it is is known only once the change has run (signing in, setting up).
    principal_known: bool,
    written: AtomicBool,
}

impl Record {
    /// The event of a change by a known principal: written with the change.
    pub fn new(event: NewEvent) -> Self {
        Self::prepared(event, true)
    }

    /// The event of a change whose principal the change itself establishes
    /// ([`Change::on_behalf_of`]); written with the change only once it is known.
    pub fn of_whoever_it_admits(event: NewEvent) -> Self {
        Self::prepared(event, false)
    }

    fn prepared(event: NewEvent, principal_known: bool) -> Self {
        Self(Arc::new(Prepared {
            event,
            principal_known,
            written: AtomicBool::new(false),
        }))
    }

    /// Whether a change committed this event with itself.
    pub fn written(&self) -> bool {
        self.0.written.load(Ordering::Acquire)
    }

    /// The event as prepared, for a front door to queue when no change wrote it.
    pub fn event(&self) -> &NewEvent {
        &self.0.event
    }
}

/// Who asks for a change: the services, and the front door's record of it. Built from
/// `&Services` alone for changes no front door records (the command line's set-up, tests).
pub struct Author<'a> {
    svc: &'a Services,
    record: Option<Record>,
}

impl<'a> From<&'a Services> for Author<'a> {
    fn from(svc: &'a Services) -> Self {
        Self { svc, record: None }
    }
}

impl<'a> From<&'a Arc<Services>> for Author<'a> {
    fn from(svc: &'a Arc<Services>) -> Self {
        Self::from(&**svc)
    }
}

impl Services {
    /// A change asked for by a front door, to be recorded as `record` says (`None`: nobody to
    /// record it for).
    pub fn author(&self, record: Option<Record>) -> Author<'_> {
        Author { svc: self, record }
    }
}

impl<'a> Author<'a> {
    pub fn svc(&self) -> &'a Services {
        self.svc
    }

    /// Starts the change: one transaction for its writes, its reads and its event.
    pub async fn begin(self) -> Result<Change<'a>, DomainError> {
        Ok(Change {
            svc: self.svc,
            txn: self.svc.db.begin().await?,
            record: self.record,
            principal: None,
            about_key: None,
            forget: Forget::default(),
        })
    }
}

/// A change in progress. Every read and write of it goes through [`Change::db`] (another
/// connection would not see its writes, and an in-memory database has only one). Dropped without
/// [`Change::commit`], it is rolled back.
pub struct Change<'a> {
    pub svc: &'a Services,
    txn: DatabaseTransaction,
    record: Option<Record>,
    principal: Option<Principal>,
    about_key: Option<String>,
    forget: Forget,
}

/// Cache entries that no longer describe the database once the change commits.
#[derive(Default)]
struct Forget {
    keys: Vec<String>,
    every_key: bool,
    permissions: Vec<(i64, i64)>,
    every_permission: bool,
}

impl Change<'_> {
    pub fn db(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The change is about this AccessKey (one it created), unless its record names one already.
    pub fn about_key(&mut self, access_key_id: &str) {
        self.about_key = Some(access_key_id.to_owned());
    }

    /// Whose change this is, when the change itself established it (a sign-in, a new account).
    pub fn on_behalf_of(&mut self, principal: Principal) {
        self.principal = Some(principal);
    }

    /// A key's signing material changed.
    pub fn forget_key(&mut self, access_key_id: &str) {
        self.forget.keys.push(access_key_id.to_owned());
    }

    /// Many keys' signing material changed (a user's keys, an account-wide policy).
    pub fn forget_every_key(&mut self) {
        self.forget.every_key = true;
    }

    /// A RAM user's permissions changed.
    pub fn forget_permissions_of(&mut self, account_id: i64, user_id: i64) {
        self.forget.permissions.push((account_id, user_id));
    }

    /// Permissions that many users share changed (an account's security preference).
    pub fn forget_every_permission(&mut self) {
        self.forget.every_permission = true;
    }

    /// Gives up the change: nothing of it is written.
    pub async fn abandon(self) -> Result<(), DomainError> {
        Ok(self.txn.rollback().await?)
    }

    /// Writes the change's event beside it and commits both; then drops what the caches held
    /// of what changed.
    pub async fn commit(self) -> Result<(), DomainError> {
        let Self {
            svc,
            txn,
            record,
            principal,
            about_key,
            forget,
        } = self;
        let event = record.as_ref().and_then(|record| {
            let mut event = record.event().clone();
            if let Some(principal) = principal {
                event.account_id = principal.account_id();
                event.user_id = principal.user_id();
            } else if !record.0.principal_known {
                return None;
            }
            if event.referenced_access_key_id.is_none() {
                event.referenced_access_key_id = about_key;
            }
            Some(event.fitted())
        });
        if let Some(event) = &event {
            crate::domain::audit::writer::insert_one(&txn, event).await?;
        }
        txn.commit().await?;
        if let (Some(record), Some(_)) = (&record, &event) {
            record.0.written.store(true, Ordering::Release);
            svc.audit.counts.written.fetch_add(1, Ordering::Relaxed);
        }
        if forget.every_key {
            svc.key_cache.invalidate_all();
        }
        for access_key_id in &forget.keys {
            svc.key_cache.invalidate(access_key_id);
        }
        if forget.every_permission {
            svc.permissions_cache.invalidate_all();
        }
        for user in &forget.permissions {
            svc.permissions_cache.invalidate(user);
        }
        Ok(())
    }
}
