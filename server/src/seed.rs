//! Bulk data for benchmarks and demonstrations: many RAM users, each with its keys. The rows are
//! the ones the domain writes one at a time (valid names, sealed secrets, key counters), inserted
//! in batches inside transactions so 100,000 users take seconds, not hours. Nobody ever sees the
//! seeded keys' secrets.
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};

use crate::domain::access_keys::{self, KeyOwner, MAX_USER_ACCESS_KEYS};
use crate::domain::audit::{EventType, NewEvent};
use crate::domain::error::DomainError;
use crate::domain::ram_users;
use crate::domain::services::Services;
use crate::infra::entities::access_key;
use crate::infra::entities::ram_user;

/// Users per transaction: with their keys, well under SQLite's and PostgreSQL's bind limits.
const BATCH: u64 = 500;

#[derive(Clone, Debug, Default)]
pub struct Seeded {
    pub users: u64,
    pub access_keys: u64,
    /// The last key made, to look up in a benchmark.
    pub last_access_key_id: Option<String>,
}

/// Creates `users` RAM users named `{prefix}000001`, … in the account, each with
/// `keys_per_user` Active keys.
pub async fn ram_users_with_keys(
    svc: &Services,
    account_id: i64,
    prefix: &str,
    users: u64,
    keys_per_user: u32,
) -> Result<Seeded, DomainError> {
    if keys_per_user > MAX_USER_ACCESS_KEYS {
        return Err(DomainError::invalid(
            "keys_per_user",
            format!("A RAM user can have at most {MAX_USER_ACCESS_KEYS} AccessKey pairs."),
        ));
    }
    ram_users::validate_user_name(&format!("{prefix}{users:06}"))?;
    let mut seeded = Seeded::default();
    let now = svc.clock.now();
    let mut next = 1;
    while next <= users {
        let last = (next + BATCH - 1).min(users);
        let names: Vec<String> = (next..=last).map(|i| format!("{prefix}{i:06}")).collect();
        let txn = svc.db.begin().await?;
        ram_user::Entity::insert_many(names.iter().map(|name| ram_user::ActiveModel {
            account_id: Set(account_id),
            name: Set(name.clone()),
            display_name: Set(name.replace(['-', '_', '.'], " ")),
            email: Set(None),
            mobile_phone: Set(None),
            comments: Set(None),
            password_hash: Set(None),
            access_key_count: Set(keys_per_user as i32),
            created_at: Set(now),
            updated_at: Set(now),
            last_login_at: Set(None),
            recycled_at: Set(None),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await?;
        let ids: Vec<i64> = ram_user::Entity::find()
            .select_only()
            .column(ram_user::Column::Id)
            .filter(ram_user::Column::AccountId.eq(account_id))
            .filter(ram_user::Column::Name.is_in(names.iter().map(String::as_str)))
            .into_tuple()
            .all(&txn)
            .await?;
        let keys: Vec<access_key::ActiveModel> = ids
            .iter()
            .flat_map(|&user_id| (0..keys_per_user).map(move |_| user_id))
            .map(|user_id| {
                let access_key_id = access_keys::new_access_key_id();
                seeded.last_access_key_id = Some(access_key_id.clone());
                let owner = KeyOwner::User {
                    account_id,
                    user_id,
                };
                access_keys::new_key_row(svc, owner, access_key_id, now).0
            })
            .collect();
        seeded.users += ids.len() as u64;
        seeded.access_keys += keys.len() as u64;
        if !keys.is_empty() {
            access_key::Entity::insert_many(keys)
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        next = last + 1;
    }
    // A bulk load leaves a long write-ahead log and stale planner statistics behind.
    if svc.db.get_database_backend() == DatabaseBackend::Sqlite {
        svc.db
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
    }
    svc.db.execute_unprepared("ANALYZE").await?;
    Ok(seeded)
}

/// Events per transaction when seeding the audit trail (a multiple of the writer's 512 rows per
/// INSERT).
const EVENT_BATCH: u64 = 8_192;

/// Fills the audit trail with `count` API-call events of the account, one a second up to now:
/// a mix of actions, source addresses and outcomes, signed with `access_key_ids` in turn.
pub async fn audit_events(
    svc: &Services,
    account_id: i64,
    count: u64,
    access_key_ids: &[String],
) -> Result<u64, DomainError> {
    const NAMES: [&str; 5] = [
        "ListUsers",
        "GetAccessKeyLastUsed",
        "CreateAccessKey",
        "ListAccessKeys",
        "UpdateAccessKey",
    ];
    let now = svc.clock.now();
    let mut next = 0;
    while next < count {
        let last = (next + EVENT_BATCH).min(count);
        let events: Vec<NewEvent> = (next..last)
            .map(|i| {
                let key = (!access_key_ids.is_empty())
                    .then(|| access_key_ids[i as usize % access_key_ids.len()].clone());
                NewEvent {
                    account_id,
                    at: now - chrono::Duration::seconds((count - i) as i64),
                    name: NAMES[i as usize % NAMES.len()].to_owned(),
                    access: crate::gateway::actions::access_of(NAMES[i as usize % NAMES.len()]),
                    event_type: EventType::ApiCall,
                    service: "ram",
                    request_id: format!("SEED-{i}"),
                    source_ip: Some(std::net::IpAddr::from([198, 51, 100, (i % 200) as u8])),
                    user_agent: "seed".to_owned(),
                    parameters: Vec::new(),
                    error: (i % 50 == 0).then(|| {
                        (
                            "AccessKeyId.AccessPolicyDenied".to_owned(),
                            "Specified access key denied due to access policy.".to_owned(),
                        )
                    }),
                    user_id: None,
                    access_key_id: key.clone(),
                    referenced_access_key_id: key,
                }
            })
            .collect();
        crate::domain::audit::insert(&svc.db, &events).await?;
        next = last;
    }
    if svc.db.get_database_backend() == DatabaseBackend::Sqlite {
        svc.db.execute_unprepared("ANALYZE").await?;
    }
    Ok(count)
}
